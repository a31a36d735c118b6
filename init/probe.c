/*
 * Health probes: HEALTH_TCP (a connect) and HEALTH_HTTP (a GET, judged by
 * its status line).  The parsers run when the config is loaded; the probe
 * itself runs in a child PID 1 forked, which PID 1 kills at the timeout,
 * so the I/O here blocks freely.  Names come from /etc/hosts only:
 * getaddrinfo() would link musl's DNS resolver into the static binary.
 */
#include <netinet/in.h>
#include <sys/syscall.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "probe.h"
#include "util.h"

#define PROBE_REQ_MAX	(PROBE_PATH_MAX + 512)
#define PROBE_LINE_MAX	(PROBE_MSG_MAX)	/* the result line, with its '\n' */

static const char range[] = "has a port out of range (1-65535)";
static const char empty_label[] =
    "has a host name with an empty label (two dots, or one at an end)";

/* Whether C is an ASCII digit (no <ctype.h>: plain char may be signed). */
static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The dotted quad at S into A[4]: four numbers 0-255 of 1-3 digits without
 * leading zeros, as inet_pton(AF_INET) reads it; 1 if one.
 */
static int
ip4_parse(const char *s, unsigned char *a)
{
	int i, j, v;

	for (i = 0; i < 4; i++, s += j + 1) {
		for (v = j = 0; j < 3 && digit(s[j]); j++)
			v = v * 10 + s[j] - '0';
		if (j == 0 || (j > 1 && s[0] == '0') || v > 255 ||
		    s[j] != (i < 3 ? '.' : '\0'))
			return 0;
		a[i] = (unsigned char)v;
	}
	return 1;
}

/* The value of hex digit C, or -1. */
static int
hex(char c)
{
	if (digit(c))
		return c - '0';
	c |= 32;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The IPv6 address at S into A[16], as inet_pton(AF_INET6) reads it
 * (RFC 4291 2.2): 8 groups of 1-4 hex digits, one "::" for one or more
 * groups of zeros, the last two groups may be a dotted quad; 1 if one.
 */
static int
ip6_parse(const char *s, unsigned char *a)
{
	unsigned char g[16];
	int n = 0, gap = -1, len, v, d, i;

	if (*s == ':' && *++s != ':')
		return 0;
	/* N bytes of groups so far; GAP, the byte where "::" stands. */
	while (*s != '\0') {
		if (*s == ':') {
			if (gap >= 0)
				return 0;
			gap = n;
			s++;
			continue;
		}
		for (v = len = 0; len < 4 && (d = hex(s[len])) >= 0; len++)
			v = v * 16 + d;
		if (len == 0 || n == 16)
			return 0;
		if (s[len] == '.') {
			if (n > 12 || !ip4_parse(s, g + n))
				return 0;
			n += 4;
			break;
		}
		g[n++] = (unsigned char)(v >> 8);
		g[n++] = (unsigned char)v;
		s += len;
		/* A group ends the text, or a ':' that another one follows. */
		if (*s != '\0' && (*s++ != ':' || *s == '\0'))
			return 0;
	}
	if (gap < 0 ? n != 16 : n > 14)
		return 0;
	memset(a, 0, 16);
	for (i = 0; i < n; i++)
		a[gap < 0 || i < gap ? i : i + 16 - n] = g[i];
	return 1;
}

/* The LEN bytes at S as an IPv4 (V6 0) or IPv6 address into A; 1 if one. */
static int
addr_parse(int v6, const char *s, size_t len, void *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return v6 ? ip6_parse(buf, a) : ip4_parse(buf, a);
}

/* SA/LEN for the address literal LEN bytes at S and PORT; 0, or -1. */
static int
literal(const char *s, size_t n, unsigned short port,
    struct sockaddr_storage *sa, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (addr_parse(0, s, n, &in->sin_addr)) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		*len = sizeof(*in);
		return 0;
	}
	if (addr_parse(1, s, n, &in6->sin6_addr)) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

/*
 * Check host H (LEN bytes, inside [] if V6): an IPv6 literal, an IPv4
 * literal, or a name.  A name of digits and dots only would be taken for
 * an IPv4 address by anyone reading the config, so it must be one.
 */
static const char *
host_check(const char *h, size_t len, int v6)
{
	unsigned char a[16];
	size_t i, label = 0;
	int numeric = 1;
	char c;

	if (len == 0)
		return "has no host";
	if (v6)
		return addr_parse(1, h, len, a) ? NULL :
		    "has an invalid IPv6 address in []";
	if (len > PROBE_NAME_MAX)
		return "has a host name longer than 253 bytes";
	for (i = 0; i < len; i++) {
		c = h[i];
		if (c == '.') {
			if (label == 0)
				return empty_label;
			label = 0;
			continue;
		}
		if ((c < 'a' || c > 'z') && (c < 'A' || c > 'Z') &&
		    !digit(c) && c != '-')
			return "has a host name with a byte other than "
			    "letters, digits, '-' and '.'";
		numeric &= digit(c);
		label++;
	}
	if (label == 0)
		return empty_label;
	if (numeric && !addr_parse(0, h, len, a))
		return "has an invalid IPv4 address";
	return NULL;
}

/* Parse the port [S, END) into *PORT; NULL, or why not. */
static const char *
port_parse(const char *s, const char *end, unsigned short *port)
{
	unsigned long v = 0;

	if (s == end)
		return "has an empty port after ':'";
	for (; s < end; s++) {
		if (!digit(*s))
			return "has a port that is not a number";
		if ((v = v * 10 + (unsigned long)(*s - '0')) > 65535)
			return range;
	}
	if (v == 0)
		return range;
	*port = (unsigned short)v;
	return NULL;
}

/*
 * Split "host:port" or "[v6]:port" (LEN bytes at S) into T; without a
 * port, DEFPORT, or an error if it is 0.  NULL, or why not.
 */
static const char *
authority(const char *s, size_t len, unsigned short defport,
    struct probe_target *t)
{
	const char *end = s + len, *colon, *rb, *why;
	int v6 = len > 0 && *s == '[';

	if (v6) {
		if ((rb = memchr(s, ']', len)) == NULL)
			return "has a [ without its ]";
		t->host = s + 1;
		t->hostlen = (size_t)(rb - s - 1);
		colon = rb + 1 < end ? rb + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return "has something other than :port after ]";
	} else {
		colon = memchr(s, ':', len);
		t->host = s;
		t->hostlen = colon != NULL ? (size_t)(colon - s) : len;
		if (colon != NULL &&
		    memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL)
			return "needs [] around an IPv6 address";
	}
	if ((why = host_check(t->host, t->hostlen, v6)) != NULL)
		return why;
	if (colon != NULL)
		return port_parse(colon + 1, end, &t->port);
	if (defport == 0)
		return "has no port (host:port)";
	t->port = defport;
	return NULL;
}

const char *
probe_parse_tcp(const char *value, struct probe_target *t)
{
	struct probe_target n = { PROBE_TCP, NULL, 0, 0, NULL };
	const char *why;

	if (*value == '\0')
		return "is empty";
	if (str_find(value, "://") != NULL)
		return "is a URL, not host:port";
	if ((why = authority(value, strlen(value), 0, &n)) != NULL)
		return why;
	*t = n;
	return NULL;
}

const char *
probe_parse_http(const char *value, struct probe_target *t)
{
	struct probe_target n = { PROBE_HTTP, NULL, 0, 0, "/" };
	const char *s, *why, *p;
	size_t alen;

	if (*value == '\0')
		return "is empty";
	if (case_eq(value, "https://", 8))
		return "is https://: TLS is not supported, only http://";
	if (!case_eq(value, "http://", 7))
		return "does not start with http://";
	/* A fragment is never sent; keeping it would probe another path. */
	if (strchr(value, '#') != NULL)
		return "has a #fragment";
	s = value + 7;
	alen = strcspn(s, "/?");
	if (memchr(s, '@', alen) != NULL)
		return "has user info (user@), which is not supported";
	if (s[alen] == '?')
		return "has a query but no path (write /?...)";
	if ((why = authority(s, alen, 80, &n)) != NULL)
		return why;
	if (s[alen] == '/')
		n.path = s + alen;
	/* The path goes into the request line verbatim. */
	for (p = n.path; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return "has a space, control or non-ASCII byte "
			    "in the path";
	if (p - n.path > PROBE_PATH_MAX)
		return "has a path longer than 2048 bytes";
	*t = n;
	return NULL;
}

/* The next word of a hosts line at *P (length in *LEN, 0 at its end). */
static const char *
word(const char **p, size_t *len)
{
	const char *w = *p + strspn(*p, " \t\r");

	*len = strcspn(w, " \t\r#\n");
	*p = w + *len;
	return w;
}

/*
 * From *CUR in hosts text, find the next line naming HOST (ASCII case
 * ignored) and fill SA/LEN from its address; *CUR moves past that line.
 * 0, or -1 when no line is left.  Lines whose address does not parse
 * (a zone index, a typo) are passed over.
 */
static int
hosts_next(const char **cur, const char *host, size_t hostlen,
    unsigned short port, struct sockaddr_storage *sa, socklen_t *len)
{
	const char *p = *cur, *a, *w;
	size_t alen, wlen;
	int found;

	while (*p != '\0') {
		a = word(&p, &alen);
		do
			w = word(&p, &wlen);
		while (wlen > 0 &&
		    (wlen != hostlen || !case_eq(w, host, hostlen)));
		found = wlen > 0 && literal(a, alen, port, sa, len) == 0;
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
		if (found) {
			*cur = p;
			return 0;
		}
	}
	*cur = p;
	return -1;
}

int
probe_resolve(const char *host, size_t hostlen, unsigned short port,
    const char *hosts, struct sockaddr_storage *sa, socklen_t *len)
{
	if (literal(host, hostlen, port, sa, len) == 0)
		return 0;
	if (hosts == NULL)
		return -1;
	return hosts_next(&hosts, host, hostlen, port, sa, len);
}

int
probe_http_status(const char *b, size_t len)
{
	/* RFC 9112 4: "HTTP/" DIGIT "." DIGIT SP 3DIGIT SP [reason] CRLF */
	if (len < 13 || memcmp(b, "HTTP/", 5) != 0 || !digit(b[5]) ||
	    b[6] != '.' || !digit(b[7]) || b[8] != ' ' ||
	    !digit(b[9]) || !digit(b[10]) || !digit(b[11]))
		return -1;
	/* Some servers end the line right after the code. */
	if (b[12] != ' ' && b[12] != '\r' && b[12] != '\n')
		return -1;
	/* Any 3 digits: "HTTP 999" tells more than "not an HTTP response". */
	return (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
}

/* Write the result line F to FD and exit: 0 if HEALTHY, else 1. */
static void __attribute__((noreturn, format(printf, 3, 4)))
result(int fd, int healthy, const char *f, ...)
{
	char line[PROBE_LINE_MAX];
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = vfmt(line, sizeof(line) - 1, f, ap);
	va_end(ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	write_all(fd, line, n);
	_exit(healthy ? 0 : 1);
}

/* strerror(E) with a lower-case first letter, to read as a phrase. */
static const char *
errtext(int e)
{
	static char buf[80];

	fmt(buf, sizeof(buf), "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/*
 * A socket connected to SA; -1 with the first failure's errno in *ERR.
 * socket(2) and connect(2) as the system calls: musl's socket retries
 * without SOCK_CLOEXEC for kernels before 2.6.27, and its connect is a
 * thread cancellation point.
 */
static int
dial(const struct sockaddr_storage *sa, socklen_t len, int *err)
{
	int s;

	if ((s = (int)syscall(SYS_socket, sa->ss_family,
	    SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    syscall(SYS_connect, s, sa, len) < 0) {
		if (*err == 0)
			*err = errno;
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

/* Send the GET for T on S and judge the status line; never returns. */
static void __attribute__((noreturn))
http(const struct probe_target *t, int s, int fd)
{
	char req[PROBE_REQ_MAX], port[8] = "", buf[128];
	int v6 = memchr(t->host, ':', t->hostlen) != NULL, code;
	size_t n, got;
	ssize_t r;

	if (t->port != 80)
		fmt(port, sizeof(port), ":%u", t->port);
	n = fmt(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s%.*s%s%s\r\n"
	    "User-Agent: init-probe\r\nConnection: close\r\n\r\n", t->path,
	    v6 ? "[" : "", (int)t->hostlen, t->host, v6 ? "]" : "", port);
	if (n == sizeof(req) - 1)
		result(fd, 0, "request longer than %zu bytes", n);
	for (got = 0; got < n; got += (size_t)r)
		if ((r = send(s, req + got, n - got, MSG_NOSIGNAL)) < 0) {
			if (errno != EINTR)
				result(fd, 0, "sending the request: %s",
				    errtext(errno));
			r = 0;
		}
	/* Only the status line matters: stop once it is in. */
	got = 0;
	do {
		r = read(s, buf + got, sizeof(buf) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && got == 0)
			result(fd, 0, "reading the response: %s", errtext(errno));
		if (r <= 0)
			break;
		got += (size_t)r;
	} while (got < sizeof(buf) && memchr(buf, '\n', got) == NULL);
	if (got == 0)
		result(fd, 0, "connection closed before a response");
	if ((code = probe_http_status(buf, got)) < 0)
		result(fd, 0, "not an HTTP response");
	result(fd, code >= 200 && code <= 399, "HTTP %03d", code);
}

/*
 * Close what the child inherited from PID 1 but FD, so a probe that hangs
 * until its timeout holds no copy of a service's pipe.  Best effort: on a
 * kernel without close_range they go at _exit instead.
 */
static void
close_inherited(int fd)
{
#ifdef SYS_close_range
	if (fd > 3)
		syscall(SYS_close_range, 3U, (unsigned)fd - 1, 0U);
	syscall(SYS_close_range, fd >= 3 ? (unsigned)fd + 1 : 3U, ~0U, 0U);
#else
	(void)fd;
#endif
}

void
probe_child(const struct probe_target *t, int fd)
{
	/* Not on the stack: PID 1 never touches it, so costs nothing there. */
	static char hosts[PROBE_HOSTS_MAX];
	struct sockaddr_storage sa;
	socklen_t salen;
	const char *cur = hosts;
	char *nl;
	ssize_t n;
	int s = -1, err = 0, herr = 0, tried = 0;

	close_inherited(fd);
	if (literal(t->host, t->hostlen, t->port, &sa, &salen) == 0) {
		s = dial(&sa, salen, &err);
		tried = 1;
	} else {
		if ((n = read_text("/etc/hosts", hosts, sizeof(hosts))) < 0) {
			herr = errno;
			hosts[0] = '\0';
		} else if ((size_t)n == sizeof(hosts) - 1) {
			/* Cut: a name split at the end could match wrongly. */
			nl = memrchr(hosts, '\n', (size_t)n);
			hosts[nl != NULL ? nl - hosts + 1 : 0] = '\0';
		}
		/* In file order, as the libc does: "localhost" has 2. */
		while (s < 0 && hosts_next(&cur, t->host, t->hostlen, t->port,
		    &sa, &salen) == 0) {
			s = dial(&sa, salen, &err);
			tried++;
		}
	}
	if (s < 0 && tried > 0)
		result(fd, 0, "%s", errtext(err));
	if (s < 0 && herr != 0)
		result(fd, 0, "cannot read /etc/hosts to find \"%.*s\": %s",
		    (int)(t->hostlen > PROBE_HOST_SHOW ? PROBE_HOST_SHOW :
		    t->hostlen), t->host, errtext(herr));
	if (s < 0)
		result(fd, 0, "no such host \"%.*s\" in /etc/hosts",
		    (int)(t->hostlen > PROBE_HOST_SHOW ? PROBE_HOST_SHOW :
		    t->hostlen), t->host);
	if (t->kind != PROBE_HTTP)
		result(fd, 1, "connected");
	http(t, s, fd);
}
