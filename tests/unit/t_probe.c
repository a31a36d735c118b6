/* probe.c: HEALTH_TCP/HEALTH_HTTP parsing, /etc/hosts lookup, status lines. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "probe.h"
#include "unit.h"

/*
 * Parse helpers: a successful parse is checked field by field, and a
 * failure shows the parser's reason.  (No CHECK_STR(x, NULL): cppcheck
 * reads the NULL into strcmp.)
 */
#define TCP_OK(v, host, port) \
	parsed_ok(__LINE__, (v), PROBE_TCP, (host), (port), NULL)
#define HTTP_OK(v, host, port, path) \
	parsed_ok(__LINE__, (v), PROBE_HTTP, (host), (port), (path))

static void
parsed_ok(int line, const char *v, int kind, const char *host,
    unsigned port, const char *path)
{
	struct probe_target t = { 77, NULL, 77, 77, NULL };
	const char *why;

	why = kind == PROBE_TCP ? probe_parse_tcp(v, &t) :
	    probe_parse_http(v, &t);
	if (why != NULL) {
		unit_fail(__FILE__, line, "\"%s\" %s", v, why);
		return;
	}
	if (t.kind != kind || t.hostlen != strlen(host) ||
	    memcmp(t.host, host, t.hostlen) != 0 || t.port != port ||
	    (path == NULL) != (t.path == NULL) ||
	    (path != NULL && strcmp(t.path, path) != 0))
		unit_fail(__FILE__, line, "\"%s\": kind %d, host \"%.*s\", "
		    "port %u, path \"%s\"", v, t.kind, (int)t.hostlen, t.host,
		    t.port, t.path != NULL ? t.path : "(null)");
	/* The host points into the value: no copy, no allocation. */
	if (t.host < v || t.host + t.hostlen > v + strlen(v))
		unit_fail(__FILE__, line, "\"%s\": host not inside the value", v);
}

/* A refused value leaves the target as it was. */
static int
untouched(const struct probe_target *t)
{
	return t->kind == 77 && t->host == NULL && t->hostlen == 77 &&
	    t->port == 77 && t->path == NULL;
}

static void
tcp_valid(void)
{
	const char *v = "[2001:db8::1]:443";
	struct probe_target t;

	TCP_OK("db:5432", "db", 5432);
	TCP_OK("127.0.0.1:80", "127.0.0.1", 80);
	TCP_OK("[::1]:8080", "::1", 8080);
	TCP_OK("[::ffff:127.0.0.1]:1", "::ffff:127.0.0.1", 1);
	TCP_OK("my-host.Example.COM:65535", "my-host.Example.COM", 65535);
	TCP_OK("a:1", "a", 1);
	TCP_OK("1.2.3.4.nip:80", "1.2.3.4.nip", 80);	/* a name: letters */
	TCP_OK("db:080", "db", 80);			/* leading 0: decimal */
	CHECK(probe_parse_tcp(v, &t) == NULL);
	CHECK(t.host == v + 1);
	CHECK_INT(t.hostlen, strlen("2001:db8::1"));
	CHECK(t.path == NULL);
}

static void
tcp_invalid(void)
{
	struct probe_target t = { 77, NULL, 77, 77, NULL };

	CHECK_STR(probe_parse_tcp("", &t), "is empty");
	CHECK_STR(probe_parse_tcp("db", &t), "has no port (host:port)");
	CHECK_STR(probe_parse_tcp("[::1]", &t), "has no port (host:port)");
	CHECK_STR(probe_parse_tcp("db:", &t), "has an empty port after ':'");
	CHECK_STR(probe_parse_tcp(":80", &t), "has no host");
	CHECK_STR(probe_parse_tcp("[]:80", &t), "has no host");
	CHECK_STR(probe_parse_tcp("db:0", &t),
	    "has a port out of range (1-65535)");
	CHECK_STR(probe_parse_tcp("db:65536", &t),
	    "has a port out of range (1-65535)");
	CHECK_STR(probe_parse_tcp("db:99999999999999999999999", &t),
	    "has a port out of range (1-65535)");
	CHECK_STR(probe_parse_tcp("db:http", &t),
	    "has a port that is not a number");
	CHECK_STR(probe_parse_tcp("db:-1", &t),
	    "has a port that is not a number");
	CHECK_STR(probe_parse_tcp("db:+80", &t),
	    "has a port that is not a number");
	CHECK_STR(probe_parse_tcp("db:80 ", &t),
	    "has a port that is not a number");
	CHECK_STR(probe_parse_tcp("::1:80", &t),
	    "needs [] around an IPv6 address");
	CHECK_STR(probe_parse_tcp("fe80::1:80", &t),
	    "needs [] around an IPv6 address");
	CHECK_STR(probe_parse_tcp("[::1:80", &t), "has a [ without its ]");
	CHECK_STR(probe_parse_tcp("[::1]80", &t),
	    "has something other than :port after ]");
	CHECK_STR(probe_parse_tcp("[127.0.0.1]:80", &t),
	    "has an invalid IPv6 address in []");
	CHECK_STR(probe_parse_tcp("[fe80::1%eth0]:80", &t),
	    "has an invalid IPv6 address in []");
	CHECK_STR(probe_parse_tcp("[db]:80", &t),
	    "has an invalid IPv6 address in []");
	CHECK_STR(probe_parse_tcp("http://db:80", &t),
	    "is a URL, not host:port");
	CHECK_STR(probe_parse_tcp("db_1:80", &t),
	    "has a host name with a byte other than letters, digits, "
	    "'-' and '.'");
	CHECK_STR(probe_parse_tcp(" db:80", &t),
	    "has a host name with a byte other than letters, digits, "
	    "'-' and '.'");
	CHECK_STR(probe_parse_tcp("user@db:80", &t),
	    "has a host name with a byte other than letters, digits, "
	    "'-' and '.'");
	CHECK_STR(probe_parse_tcp("a..b:80", &t),
	    "has a host name with an empty label (two dots, or one at an end)");
	CHECK_STR(probe_parse_tcp(".a:80", &t),
	    "has a host name with an empty label (two dots, or one at an end)");
	CHECK_STR(probe_parse_tcp("a.:80", &t),
	    "has a host name with an empty label (two dots, or one at an end)");
	CHECK_STR(probe_parse_tcp("1.2.3:80", &t),
	    "has an invalid IPv4 address");
	CHECK_STR(probe_parse_tcp("256.1.1.1:80", &t),
	    "has an invalid IPv4 address");
	CHECK_STR(probe_parse_tcp("123:80", &t),
	    "has an invalid IPv4 address");
	CHECK(untouched(&t));
}

static void
name_length(void)
{
	char v[300];
	struct probe_target t;

	/* 253 bytes: 63-byte labels and a short one, joined by dots. */
	memset(v, 'x', sizeof(v));
	v[63] = v[127] = v[191] = v[251] = '.';
	v[252] = 'a';
	memcpy(v + 253, ":80", 4);
	CHECK(probe_parse_tcp(v, &t) == NULL);
	CHECK_INT(t.hostlen, 253);
	v[252] = 'x';
	memcpy(v + 253, "b:80", 5);
	CHECK_STR(probe_parse_tcp(v, &t),
	    "has a host name longer than 253 bytes");
}

static void
http_valid(void)
{
	const char *v = "http://db/health";
	struct probe_target t;

	HTTP_OK("http://db/health", "db", 80, "/health");
	HTTP_OK("http://db", "db", 80, "/");
	HTTP_OK("http://db/", "db", 80, "/");
	HTTP_OK("http://db:8080", "db", 8080, "/");
	HTTP_OK("http://db:8080/", "db", 8080, "/");
	HTTP_OK("http://[::1]:8080/x?y=1&z", "::1", 8080, "/x?y=1&z");
	HTTP_OK("http://[::1]/", "::1", 80, "/");
	HTTP_OK("HTTP://Db/Up", "Db", 80, "/Up");
	HTTP_OK("http://127.0.0.1/a/b/c.html", "127.0.0.1", 80, "/a/b/c.html");
	HTTP_OK("http://db/p@x:1", "db", 80, "/p@x:1");	/* '@' in a path */
	HTTP_OK("http://db/?", "db", 80, "/?");
	HTTP_OK("http://db/%7Euser", "db", 80, "/%7Euser");
	CHECK(probe_parse_http(v, &t) == NULL);
	CHECK(t.host == v + 7);
	CHECK(t.path == v + 9);
}

static void
http_invalid(void)
{
	struct probe_target t = { 77, NULL, 77, 77, NULL };

	CHECK_STR(probe_parse_http("", &t), "is empty");
	CHECK_STR(probe_parse_http("https://db/", &t),
	    "is https://: TLS is not supported, only http://");
	CHECK_STR(probe_parse_http("HTTPS://db", &t),
	    "is https://: TLS is not supported, only http://");
	CHECK_STR(probe_parse_http("ftp://db/", &t),
	    "does not start with http://");
	CHECK_STR(probe_parse_http("db/health", &t),
	    "does not start with http://");
	CHECK_STR(probe_parse_http("http:/db", &t),
	    "does not start with http://");
	CHECK_STR(probe_parse_http("http://", &t), "has no host");
	CHECK_STR(probe_parse_http("http:///x", &t), "has no host");
	CHECK_STR(probe_parse_http("http://:80/", &t), "has no host");
	CHECK_STR(probe_parse_http("http://db#top", &t), "has a #fragment");
	CHECK_STR(probe_parse_http("http://db/x#y", &t), "has a #fragment");
	CHECK_STR(probe_parse_http("http://user:pw@db/", &t),
	    "has user info (user@), which is not supported");
	CHECK_STR(probe_parse_http("http://db?x=1", &t),
	    "has a query but no path (write /?...)");
	CHECK_STR(probe_parse_http("http://db:/", &t),
	    "has an empty port after ':'");
	CHECK_STR(probe_parse_http("http://db:0/", &t),
	    "has a port out of range (1-65535)");
	CHECK_STR(probe_parse_http("http://db:65536", &t),
	    "has a port out of range (1-65535)");
	CHECK_STR(probe_parse_http("http://db:web/", &t),
	    "has a port that is not a number");
	CHECK_STR(probe_parse_http("http://::1/", &t),
	    "needs [] around an IPv6 address");
	CHECK_STR(probe_parse_http("http://[::1/", &t),
	    "has a [ without its ]");
	CHECK_STR(probe_parse_http("http://[::1]x/", &t),
	    "has something other than :port after ]");
	CHECK_STR(probe_parse_http("http://[::g]/", &t),
	    "has an invalid IPv6 address in []");
	CHECK_STR(probe_parse_http("http://db_x/", &t),
	    "has a host name with a byte other than letters, digits, "
	    "'-' and '.'");
	CHECK_STR(probe_parse_http("http://db../", &t),
	    "has a host name with an empty label (two dots, or one at an end)");
	CHECK_STR(probe_parse_http("http://10.0.0/", &t),
	    "has an invalid IPv4 address");
	CHECK_STR(probe_parse_http("http://db/a b", &t),
	    "has a space, control or non-ASCII byte in the path");
	CHECK_STR(probe_parse_http("http://db/a\tb", &t),
	    "has a space, control or non-ASCII byte in the path");
	CHECK_STR(probe_parse_http("http://db/x\r\nHost: evil", &t),
	    "has a space, control or non-ASCII byte in the path");
	CHECK_STR(probe_parse_http("http://db/\x7f", &t),
	    "has a space, control or non-ASCII byte in the path");
	CHECK_STR(probe_parse_http("http://db/caf\xc3\xa9", &t),
	    "has a space, control or non-ASCII byte in the path");
	CHECK(untouched(&t));
}

static void
http_path_length(void)
{
	char v[2100];
	struct probe_target t;

	memcpy(v, "http://db", 9);
	memset(v + 9, 'p', 2048);
	v[9] = '/';
	v[9 + 2048] = '\0';
	CHECK(probe_parse_http(v, &t) == NULL);
	CHECK_INT(strlen(t.path), 2048);
	v[9 + 2048] = 'p';
	v[9 + 2049] = '\0';
	CHECK_STR(probe_parse_http(v, &t), "has a path longer than 2048 bytes");
}

/* SA as "a.b.c.d:port" or "[v6]:port"; "?" if LEN does not fit. */
static const char *
show(const struct sockaddr_storage *sa, socklen_t len)
{
	static char buf[80];
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	char a[INET6_ADDRSTRLEN];

	if (sa->ss_family == AF_INET && len == sizeof(*in) &&
	    inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a)) != NULL)
		snprintf(buf, sizeof(buf), "%s:%u", a, ntohs(in->sin_port));
	else if (sa->ss_family == AF_INET6 && len == sizeof(*in6) &&
	    inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a)) != NULL)
		snprintf(buf, sizeof(buf), "[%s]:%u", a, ntohs(in6->sin6_port));
	else
		snprintf(buf, sizeof(buf), "? family %d, len %u",
		    sa->ss_family, (unsigned)len);
	return buf;
}

/* HOST resolves to WANT (as show() writes it), or to nothing if NULL. */
#define RESOLVES(host, hosts, want) \
	resolves(__LINE__, (host), strlen(host), (hosts), (want))

static void
resolves(int line, const char *host, size_t hostlen, const char *hosts,
    const char *want)
{
	struct sockaddr_storage sa;
	socklen_t len = 0;
	int r;

	r = probe_resolve(host, hostlen, 80, hosts, &sa, &len);
	if (want == NULL && r != -1)
		unit_fail(__FILE__, line, "\"%.*s\" resolved to %s",
		    (int)hostlen, host, show(&sa, len));
	if (want != NULL && r != 0)
		unit_fail(__FILE__, line, "\"%.*s\" did not resolve",
		    (int)hostlen, host);
	if (want != NULL && r == 0 && strcmp(show(&sa, len), want) != 0)
		unit_fail(__FILE__, line, "\"%.*s\" resolved to %s, "
		    "expected %s", (int)hostlen, host, show(&sa, len), want);
}

static const char hosts[] =
    "# /etc/hosts for the tests\n"
    "\n"
    "   # an indented comment naming db\n"
    "127.0.0.1\tlocalhost\n"
    "::1 localhost ip6-localhost ip6-loopback\n"
    "10.0.0.5 db.internal   db\t# the database\n"
    "10.0.0.6 DB2 Cache\r\n"
    "fe80::1%eth0 zoned\n"
    "not-an-address broken\n"
    "10.0.0.7 dbx#glued\n"
    "10.0.0.8\n"
    "10.0.0.9 db\n"
    "#10.0.0.10 commented\n"
    "2001:db8::7 v6only\n"
    "10.0.0.11 last";

static void
resolve_literals(void)
{
	struct sockaddr_storage sa;
	socklen_t len;

	RESOLVES("127.0.0.1", NULL, "127.0.0.1:80");
	RESOLVES("::1", NULL, "[::1]:80");
	RESOLVES("2001:db8::1", "", "[2001:db8::1]:80");
	RESOLVES("::ffff:10.1.2.3", NULL, "[::ffff:10.1.2.3]:80");
	/* A literal is never looked up, even where hosts names it. */
	RESOLVES("10.0.0.5", hosts, "10.0.0.5:80");
	CHECK_INT(probe_resolve("10.1.2.3", 8, 65535, NULL, &sa, &len), 0);
	CHECK_STR(show(&sa, len), "10.1.2.3:65535");
	/* Only HOSTLEN bytes count: the host is not NUL-terminated. */
	CHECK_INT(probe_resolve("10.1.2.3:80", 8, 1, NULL, &sa, &len), 0);
	CHECK_STR(show(&sa, len), "10.1.2.3:1");
	CHECK_INT(probe_resolve("::1]:80", 3, 443, NULL, &sa, &len), 0);
	CHECK_STR(show(&sa, len), "[::1]:443");
	RESOLVES("db", NULL, NULL);
	RESOLVES("db", "", NULL);
	RESOLVES("1.2.3", NULL, NULL);
	RESOLVES("", NULL, NULL);
	/* The address parsers read what inet_pton reads, and no more. */
	RESOLVES("0.0.0.0", NULL, "0.0.0.0:80");
	RESOLVES("255.255.255.255", NULL, "255.255.255.255:80");
	RESOLVES("01.2.3.4", NULL, NULL);
	RESOLVES("1.2.3.4.5", NULL, NULL);
	RESOLVES("1.2.3.", NULL, NULL);
	RESOLVES("::", NULL, "[::]:80");
	RESOLVES("1::", NULL, "[1::]:80");
	RESOLVES("A:b:C:d:E:f:0:1", NULL, "[a:b:c:d:e:f:0:1]:80");
	RESOLVES("1:2:3:4:5:6:7::", NULL, "[1:2:3:4:5:6:7:0]:80");
	RESOLVES("::2:3:4:5:6:7:8", NULL, "[0:2:3:4:5:6:7:8]:80");
	RESOLVES("1:2:3:4:5:6:1.2.3.4", NULL, "[1:2:3:4:5:6:102:304]:80");
	RESOLVES("1:2:3:4:5::1.2.3.4", NULL, "[1:2:3:4:5:0:102:304]:80");
	RESOLVES("1:2:3:4:5:6::1.2.3.4", NULL, NULL);
	RESOLVES("1:2:3:4:5:6:7:8:9", NULL, NULL);
	RESOLVES("1:2:3:4:5:6:7", NULL, NULL);
	RESOLVES("1::2:3:4:5:6:7:8", NULL, NULL);
	RESOLVES("1::2::3", NULL, NULL);
	RESOLVES(":::1", NULL, NULL);
	RESOLVES(":1::", NULL, NULL);
	RESOLVES("1:", NULL, NULL);
	RESOLVES("12345::", NULL, NULL);
	RESOLVES("::1.2.3", NULL, NULL);
	RESOLVES("::g", NULL, NULL);
}

static void
resolve_hosts(void)
{
	RESOLVES("localhost", hosts, "127.0.0.1:80");	/* the first line */
	RESOLVES("LocalHost", hosts, "127.0.0.1:80");
	RESOLVES("ip6-localhost", hosts, "[::1]:80");
	RESOLVES("ip6-loopback", hosts, "[::1]:80");
	RESOLVES("db", hosts, "10.0.0.5:80");		/* not 10.0.0.9 */
	RESOLVES("DB", hosts, "10.0.0.5:80");
	RESOLVES("db.Internal", hosts, "10.0.0.5:80");
	RESOLVES("cache", hosts, "10.0.0.6:80");	/* before a \r\n */
	RESOLVES("db2", hosts, "10.0.0.6:80");
	RESOLVES("dbx", hosts, "10.0.0.7:80");
	RESOLVES("v6only", hosts, "[2001:db8::7]:80");
	RESOLVES("last", hosts, "10.0.0.11:80");	/* no final newline */
	resolves(__LINE__, "dbx", 2, hosts, "10.0.0.5:80");	/* "db" */
}

static void
resolve_misses(void)
{
	RESOLVES("d", hosts, NULL);		/* prefixes and longer names */
	RESOLVES("db.int", hosts, NULL);
	RESOLVES("db.internal.", hosts, NULL);
	RESOLVES("localhost6", hosts, NULL);
	RESOLVES("naming", hosts, NULL);	/* in comments */
	RESOLVES("database", hosts, NULL);
	RESOLVES("glued", hosts, NULL);
	RESOLVES("commented", hosts, NULL);
	RESOLVES("zoned", hosts, NULL);		/* unusable addresses */
	RESOLVES("broken", hosts, NULL);
	RESOLVES("not-an-address", hosts, NULL);	/* the address field */
	RESOLVES("10.0.0.8", hosts, "10.0.0.8:80");	/* a literal anyway */
	RESOLVES("nowhere", hosts, NULL);
	RESOLVES("#", hosts, NULL);
}

/* The status of S, from an exactly sized copy: ASan sees any overread. */
static int
status(const char *s, size_t len)
{
	char *b = calloc(1, len > 0 ? len : 1);
	int code;

	if (b == NULL)
		return -2;
	memcpy(b, s, len);
	code = probe_http_status(b, len);
	free(b);
	return code;
}

#define STATUS(s)	status((s), strlen(s))

static void
http_status(void)
{
	CHECK_INT(STATUS("HTTP/1.0 200 OK\r\n"), 200);
	CHECK_INT(STATUS("HTTP/1.1 503 Service Unavailable\r\n\r\n"), 503);
	CHECK_INT(STATUS("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"), 404);
	CHECK_INT(STATUS("HTTP/1.1 301 Moved Permanently\r\n"), 301);
	CHECK_INT(STATUS("HTTP/1.1 204\r\n"), 204);	/* no reason phrase */
	CHECK_INT(STATUS("HTTP/1.1 200\n"), 200);	/* bare LF */
	CHECK_INT(STATUS("HTTP/1.1 200 "), 200);	/* 13 bytes suffice */
	CHECK_INT(STATUS("HTTP/1.1 103 Early Hints\r\n"), 103);
	CHECK_INT(STATUS("HTTP/1.1 999 Whatever\r\n"), 999);
	CHECK_INT(STATUS("HTTP/1.1 000 Zero\r\n"), 0);
	CHECK_INT(STATUS("HTTP/9.9 200 OK\r\n"), 200);
}

static void
http_status_not(void)
{
	CHECK_INT(STATUS(""), -1);
	CHECK_INT(STATUS("H"), -1);
	CHECK_INT(STATUS("HTTP/1.1 200"), -1);		/* too short to tell */
	CHECK_INT(STATUS("HTTP/1.1 20"), -1);
	CHECK_INT(status("HTTP/1.1 200 OK\r\n", 5), -1);
	CHECK_INT(STATUS("hello\n"), -1);
	CHECK_INT(STATUS("SSH-2.0-OpenSSH_9.2\r\n"), -1);
	CHECK_INT(STATUS("http/1.1 200 OK\r\n"), -1);	/* case matters */
	CHECK_INT(STATUS("HTTP/1.1  200 OK\r\n"), -1);
	CHECK_INT(STATUS(" HTTP/1.1 200 OK\r\n"), -1);
	CHECK_INT(STATUS("HTTP/11 200 OK\r\n"), -1);
	CHECK_INT(STATUS("HTTP/2 200\r\n\r\n"), -1);
	CHECK_INT(STATUS("HTTP/1.x 200 OK\r\n"), -1);
	CHECK_INT(STATUS("HTTP/1.1 2x0 OK\r\n"), -1);
	CHECK_INT(STATUS("HTTP/1.1 2000 OK\r\n"), -1);
	CHECK_INT(STATUS("HTTP/1.1 200-OK\r\n"), -1);
	CHECK_INT(STATUS("HTTP/1.1\t200 OK\r\n"), -1);
	CHECK_INT(STATUS("HTTP/1.1 -20 OK\r\n"), -1);
	CHECK_INT(status("HTTP/1.1 \0" "00 OK\r\n", 17), -1);
}

const struct unit probe_units[] = {
	{ "HEALTH_TCP host:port, [v6]:port and names parse", tcp_valid },
	{ "HEALTH_TCP refusals name the reason", tcp_invalid },
	{ "host names up to 253 bytes", name_length },
	{ "HEALTH_HTTP URLs parse, default port 80, path \"/\"", http_valid },
	{ "HEALTH_HTTP refusals name the reason", http_invalid },
	{ "HTTP paths up to 2048 bytes", http_path_length },
	{ "resolve: IPv4/IPv6 literals, without /etc/hosts", resolve_literals },
	{ "resolve: hosts names, aliases, case, IPv6, first line wins",
	    resolve_hosts },
	{ "resolve: comments, prefixes, bad addresses never match",
	    resolve_misses },
	{ "status line: code from HTTP/1.0 and 1.1 responses", http_status },
	{ "status line: garbage and short buffers are -1", http_status_not },
	{ NULL, NULL },
};
