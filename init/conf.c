/*
 * Settings: the .conf parser, INIT_* environment overrides, validation.
 *
 * The file is shell-variable syntax so that sh can source it too; anything
 * sh would expand or treat as syntax is refused rather than kept literally,
 * so the file means the same to us and to sh.  No side effects beyond
 * reading the file and printing problems.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "sig.h"
#include "util.h"

enum { K_STR, K_NAME, K_PATH, K_CMD, K_INT, K_SECS, K_ENUM, K_SIG, K_CODES };

static const char *const policies[] = { "never", "on-failure", "always", NULL };
static const char *const formats[] = { "text", "json", NULL };
static const char *const levels[] = { "debug", "info", "warn", "error", NULL };
static const char *const noyes[] = { "no", "yes", NULL };

#define DAY	(86400LL * 1000)

/* Order matters only for `check` output. Times are in milliseconds. */
static const struct key {
	const char		*name;
	int			 type;
	size_t			 off;
	size_t			 size;
	long long		 min, max;
	const char *const	*choices;
	const char		*def;	/* NULL: computed after loading */
} keys[] = {
#define S(f)	offsetof(struct conf, f), sizeof(((struct conf *)0)->f)
#define N(f)	offsetof(struct conf, f), 0
	{ "NAME",		K_NAME,	 S(name),	0, 0,		NULL, NULL },
	{ "COMMAND",		K_CMD,	 S(command),	0, 0,		NULL, "" },
	{ "RESTART_POLICY",	K_ENUM,	 N(restart_policy), 0, 0,	policies, "never" },
	{ "SUCCESS_EXIT_CODES",	K_CODES, N(success_codes), 0, 255,	NULL, "0" },
	{ "RESTART_DELAY",	K_SECS,	 N(restart_delay), 0, DAY,	NULL, "1" },
	{ "RESTART_DELAY_MAX",	K_SECS,	 N(restart_delay_max), 0, DAY,	NULL, NULL },
	{ "MAX_RESTARTS",	K_INT,	 N(max_restarts), 0, HISTORY_MAX, NULL, "0" },
	{ "RESTART_WINDOW",	K_SECS,	 N(restart_window), 1000, 7 * DAY, NULL, "60" },
	{ "STOP_SIGNAL",	K_SIG,	 N(stop_signal), 0, 0,		NULL, "TERM" },
	{ "STOP_TIMEOUT",	K_SECS,	 N(stop_timeout), 0, DAY,	NULL, "10" },
	{ "STOP_DELAY",		K_SECS,	 N(stop_delay), 0, 3600 * 1000,	NULL, "0" },
	{ "WORKDIR",		K_PATH,	 S(workdir),	0, 0,		NULL, "" },
	{ "MAX_CPU_PCT",	K_INT,	 N(max_cpu_pct), 0, 100000,	NULL, "0" },
	{ "CPU_BREACH_TICKS",	K_INT,	 N(cpu_breach_ticks), 1, 1000,	NULL, "1" },
	{ "MAX_MEM_MB",		K_INT,	 N(max_mem_mb), 0, 16777216,	NULL, "0" },
	{ "CHECK_INTERVAL",	K_SECS,	 N(check_interval), 100, 3600 * 1000, NULL, "2" },
	{ "LOG_DIR",		K_PATH,	 S(log_dir),	0, 0,		NULL, "" },
	{ "LOG_FORMAT",		K_ENUM,	 N(log_format), 0, 0,		formats, "text" },
	{ "LOG_KEEP_DAYS",	K_INT,	 N(log_keep_days), 0, 36500,	NULL, "7" },
	{ "PID_DIR",		K_PATH,	 S(pid_dir),	0, 0,		NULL, "/tmp/process-supervisor" },
	{ "LOG_LEVEL",		K_ENUM,	 N(log_level),	0, 0,		levels, NULL },
	{ "USER",		K_STR,	 S(user),	0, 0,		NULL, "" },
	{ "GROUPS",		K_STR,	 S(groups),	0, 0,		NULL, "" },
	{ "CLEAR_ENV",		K_ENUM,	 N(clear_env),	0, 0,		noyes, "no" },
#undef S
#undef N
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* Where problems are reported from: the file, or the environment. */
struct ctx {
	struct conf	*c;
	const char	*file;
	int		 errors;
	int		 line[NKEYS];	/* line that set each key, for duplicates */
};

static void
problem(struct ctx *x, int line, const char *f, ...)
{
	char buf[EVENT_MAX];
	size_t n = 0;
	va_list ap;

	if (++x->errors > CONF_ERR_MAX)
		return;
	if (line > 0)
		n = fmt(buf, sizeof(buf), "%s:%d: ", x->file, line);
	else if (x->file != NULL)
		n = fmt(buf, sizeof(buf), "%s: ", x->file);
	va_start(ap, f);
	n += (size_t)vsnprintf(buf + n, sizeof(buf) - n, f, ap);
	va_end(ap);
	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	write_all(2, buf, n);
	if (x->errors == CONF_ERR_MAX)
		write_all(2, "init: too many problems, stopping here\n", 39);
}

/* Quote V for a message: printable, at most 60 bytes. */
static const char *
shown(const char *v, char *buf, size_t size)
{
	size_t n = 0;

	for (; *v != '\0' && n + 5 < size; v++) {
		if (n >= 60) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		buf[n++] = isprint((unsigned char)*v) ? *v : '?';
	}
	buf[n] = '\0';
	return buf;
}

static const struct key *
key_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == len &&
		    strncmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

/* Case-insensitive edit distance, for "did you mean". */
static size_t
distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), i, j, prev, cur, row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			row[j] = prev + (toupper((unsigned char)a[i - 1]) !=
			    toupper((unsigned char)b[j - 1]));
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (cur + 1 < row[j])
				row[j] = cur + 1;
			prev = cur;
		}
	}
	return row[lb];
}

static const char *
nearest(const char *name, size_t len)
{
	size_t i, d, best = 99;
	const char *hit = NULL;

	for (i = 0; i < NKEYS; i++) {
		d = distance(name, len, keys[i].name);
		if (d < best) {
			best = d;
			hit = keys[i].name;
		}
	}
	return best <= 3 || best <= len / 3 ? hit : NULL;
}

static const char *
set_codes(struct conf *c, const char *v)
{
	char word[16];
	long long n;
	size_t len;

	c->nsuccess = 0;
	for (;;) {
		v += strspn(v, " \t,");
		if (*v == '\0')
			break;
		len = strcspn(v, " \t,");
		if (len >= sizeof(word))
			return "is not a list of exit codes 0-255";
		memcpy(word, v, len);
		word[len] = '\0';
		if (num_parse(word, 0, 255, &n) != NULL)
			return "is not a list of exit codes 0-255";
		if (c->nsuccess == CODES_MAX)
			return "has too many codes (32 at most)";
		c->success_codes[c->nsuccess++] = (int)n;
		v += len;
	}
	return NULL;
}

static const char *
set_name(char *dst, const char *v)
{
	size_t len = strlen(v);

	if (len == 0 || len > NAME_MAX_LEN)
		return "must be 1 to 64 characters";
	if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != len)
		return "may only hold letters, digits, '.', '_' and '-'";
	if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return "cannot be '.' or '..'";
	memcpy(dst, v, len + 1);
	return NULL;
}

/* Store V as key K's value; NULL on success, else why not. */
static const char *
set(struct conf *c, const struct key *k, const char *v)
{
	char *base = (char *)c + k->off;
	const char *why;
	long long n;
	int i, s;

	switch (k->type) {
	case K_NAME:
		return set_name(base, v);
	case K_STR:
	case K_PATH:
	case K_CMD:
		if (strlen(v) >= k->size)
			return "is too long";
		memcpy(base, v, strlen(v) + 1);
		return NULL;
	case K_INT:
	case K_SECS:
		why = k->type == K_INT ? num_parse(v, k->min, k->max, &n) :
		    secs_parse(v, k->min, k->max, &n);
		if (why == NULL)
			*(long long *)(void *)base = n;
		return why;
	case K_ENUM:
		for (i = 0; k->choices[i] != NULL; i++)
			if (strcmp(v, k->choices[i]) == 0) {
				*(int *)(void *)base = i;
				return NULL;
			}
		return "is not one of the allowed values";
	case K_SIG:
		s = sig_parse(v);
		if (s < 0)
			return "is not a signal name or number";
		if (s == SIGSTOP || s == SIGCHLD)
			return "cannot be used to stop a program";
		*(int *)(void *)base = s;
		return NULL;
	case K_CODES:
		return set_codes(c, v);
	}
	return "is out of range";
}

/* Milliseconds as seconds with no trailing zeros: "1", "0.25". */
static const char *
secs(long long ms, char *buf, size_t size)
{
	char *p;

	fmt(buf, size, "%lld.%03lld", ms / 1000, ms % 1000);
	p = buf + strlen(buf) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	return buf;
}

/* Store a value and say what went wrong, naming where it came from. */
static void
assign(struct ctx *x, int line, const struct key *k, const char *prefix,
    const char *v)
{
	char b1[80], b2[80], b3[24];
	const char *why;
	int i;

	why = set(x->c, k, v);
	if (why == NULL) {
		x->c->explicit |= 1UL << (k - keys);
		return;
	}
	if (k->type == K_ENUM) {
		b2[0] = '\0';
		for (i = 0; k->choices[i] != NULL; i++)
			fmt(b2 + strlen(b2), sizeof(b2) - strlen(b2), "%s%s",
			    i ? ", " : "", k->choices[i]);
		problem(x, line, "%s%s: \"%s\" is not one of: %s", prefix,
		    k->name, shown(v, b1, sizeof(b1)), b2);
	} else if (strcmp(why, "is out of range") == 0 && k->type == K_INT)
		problem(x, line, "%s%s: \"%s\" is out of range (%lld to %lld)",
		    prefix, k->name, shown(v, b1, sizeof(b1)), k->min, k->max);
	else if (strcmp(why, "is out of range") == 0 && k->type == K_SECS)
		problem(x, line, "%s%s: \"%s\" is out of range (%s to %s "
		    "seconds)", prefix, k->name, shown(v, b1, sizeof(b1)),
		    secs(k->min, b2, sizeof(b2)), secs(k->max, b3, sizeof(b3)));
	else
		problem(x, line, "%s%s: \"%s\" %s", prefix, k->name,
		    shown(v, b1, sizeof(b1)), why);
}

static const char *
why_special(int ch)
{
	if (ch == '$' || ch == '`')
		return "sh would expand it and init does not; quote it with "
		    "single quotes to keep it literally";
	return "sh would treat it as syntax; quote the value";
}

/*
 * Parse the value at P (one logical line, NUL-terminated) into OUT.
 * Returns NULL, or why the line is wrong.
 */
static const char *
parse_value(const char *p, char *out, char *why, size_t whysize)
{
	const char *q;

	while (*p != '\0' && *p != ' ' && *p != '\t') {
		if (*p == '\'') {
			q = strchr(p + 1, '\'');
			if (q == NULL)
				return "unterminated single quote";
			memcpy(out, p + 1, (size_t)(q - p - 1));
			out += q - p - 1;
			p = q + 1;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return "unterminated double quote";
				if (*p == '\\' && p[1] != '\0' &&
				    strchr("$`\"\\", p[1]) != NULL)
					p++;
				else if (*p == '$' || *p == '`') {
					fmt(why, whysize, "'%c' inside double "
					    "quotes: %s", *p, why_special(*p));
					return why;
				}
				*out++ = *p;
			}
			p++;
		} else if (*p == '\\') {
			if (p[1] == '\0')
				return "a backslash at the end of a line "
				    "(line continuation) is not supported";
			*out++ = p[1];
			p += 2;
		} else if (strchr("$`|&;<>()", *p) != NULL) {
			fmt(why, whysize, "unquoted '%c': %s", *p,
			    why_special(*p));
			return why;
		} else
			*out++ = *p++;
	}
	*out = '\0';
	p += strspn(p, " \t");
	if (*p != '\0' && *p != '#')
		return "unexpected text after the value (quote a value that "
		    "holds spaces)";
	return NULL;
}

/* ENV_<NAME>=value: one variable for the child's environment. */
static void
add_env(struct ctx *x, int ln, const char *name, size_t len, const char *v)
{
	struct conf *c = x->c;
	size_t used = 0, need = len + strlen(v) + 2;
	int i;

	for (i = 0; i < c->nenv; i++) {
		const char *e = c->envbuf + c->envoff[i];

		if (strncmp(e, name, len) == 0 && e[len] == '=') {
			problem(x, ln, "ENV_%.*s is already set", (int)len, name);
			return;
		}
		used = (size_t)c->envoff[i] + strlen(e) + 1;
	}
	if (c->nenv == ENV_MAX || used + need > sizeof(c->envbuf)) {
		problem(x, ln, "too many ENV_ variables (%d, %d bytes at most)",
		    ENV_MAX, ENV_BUF);
		return;
	}
	c->envoff[c->nenv++] = (int)used;
	fmt(c->envbuf + used, need, "%.*s=%s", (int)len, name, v);
}

static void
parse_line(struct ctx *x, int ln, char *p)
{
	static const char idchars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_";
	char val[CONF_LINE_MAX + 1], why[200], *name;
	const struct key *k;
	const char *err, *hint;
	size_t len;

	p += strspn(p, " \t");
	if (*p == '\0' || *p == '#')
		return;
	if (strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t'))
		p += 6 + strspn(p + 6, " \t");
	name = p;
	len = strspn(p, idchars);
	if (len == 0 || isdigit((unsigned char)*p)) {
		problem(x, ln, "expected KEY=value");
		return;
	}
	p += len;
	if (*p != '=') {
		if ((*p == ' ' || *p == '\t') && p[strspn(p, " \t")] == '=')
			problem(x, ln, "%.*s: no spaces allowed around '='",
			    (int)len, name);
		else
			problem(x, ln, "%.*s: missing '=' (expected KEY=value)",
			    (int)len, name);
		return;
	}
	err = parse_value(p + 1, val, why, sizeof(why));
	if (err != NULL) {
		problem(x, ln, "%.*s: %s", (int)len, name, err);
		return;
	}
	k = key_find(name, len);
	if (k == NULL && len > 4 && strncmp(name, "ENV_", 4) == 0) {
		add_env(x, ln, name + 4, len - 4, val);
		return;
	}
	if (k == NULL) {
		hint = nearest(name, len);
		if (hint != NULL)
			problem(x, ln, "unknown key %.*s (did you mean %s?)",
			    (int)len, name, hint);
		else
			problem(x, ln, "unknown key %.*s", (int)len, name);
		return;
	}
	if (x->line[k - keys] != 0) {
		problem(x, ln, "%s is already set on line %d", k->name,
		    x->line[k - keys]);
		return;
	}
	x->line[k - keys] = ln;
	assign(x, ln, k, "", val);
}

static char *
read_file(struct ctx *x, size_t *lenp)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd;

	fd = open(x->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		problem(x, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		problem(x, 0, "is not a regular file");
		close(fd);
		return NULL;
	}
	if (geteuid() == 0 && (st.st_mode & S_IWOTH)) {
		problem(x, 0, "is writable by other users; as root, init refuses "
		    "it (chmod o-w)");
		close(fd);
		return NULL;
	}
	if (st.st_size > CONF_FILE_MAX) {
		problem(x, 0, "is larger than %d KiB", CONF_FILE_MAX / 1024);
		close(fd);
		return NULL;
	}
	buf = mem_get(CONF_FILE_MAX + 1);
	if (buf == NULL) {
		problem(x, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	while (len <= CONF_FILE_MAX) {
		n = read(fd, buf + len, CONF_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			problem(x, 0, "cannot read: %s", strerror(errno));
			mem_put(buf, CONF_FILE_MAX + 1);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > CONF_FILE_MAX) {
		problem(x, 0, "is larger than %d KiB", CONF_FILE_MAX / 1024);
		mem_put(buf, CONF_FILE_MAX + 1);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

static void
parse_file(struct ctx *x)
{
	char *buf, *p, *end, *nl;
	size_t len;
	int ln;

	buf = read_file(x, &len);
	if (buf == NULL)
		return;
	end = buf + len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		problem(x, 1, "the file starts with a UTF-8 byte order mark; "
		    "save it without one");
		memset(buf, ' ', 3);
	}
	for (p = buf, ln = 1; p < end; p = nl + 1, ln++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (strlen(p) != (size_t)(nl - p))
			problem(x, ln, "the line holds a NUL byte (is this "
			    "a text file?)");
		else if (nl - p > CONF_LINE_MAX)
			problem(x, ln, "the line is longer than %d bytes",
			    CONF_LINE_MAX);
		else if (nl > p && nl[-1] == '\r')
			problem(x, ln, "the line ends with a carriage return "
			    "(DOS line endings); convert the file with "
			    "dos2unix");
		else
			parse_line(x, ln, p);
	}
	mem_put(buf, CONF_FILE_MAX + 1);
}

static void
parse_env(struct ctx *x)
{
	char var[64];
	const char *v;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		fmt(var, sizeof(var), "INIT_%s", keys[i].name);
		v = getenv(var);
		/* A value a config file could not hold is refused here too. */
		if (v != NULL && strchr(v, '\n') != NULL)
			problem(x, 0, "%s: the value holds a newline", var);
		else if (v != NULL)
			assign(x, 0, &keys[i], "INIT_", v);
	}
}

const char *
conf_split(const char *s, char **words, char *buf)
{
	static const char unq[] = "unquoted '%c' in COMMAND: there is no "
	    "shell here; write /bin/sh -c '...' explicitly if the image has one";
	static char why[160];
	const char *q;
	int n = 0;

	for (;;) {
		s += strspn(s, " \t\n");
		if (*s == '\0')
			break;
		if (n == ARGV_MAX)
			return "COMMAND has more than 256 words";
		words[n++] = buf;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n') {
			if (*s == '\'') {
				q = strchr(s + 1, '\'');
				if (q == NULL)
					return "COMMAND has an unterminated "
					    "single quote";
				memcpy(buf, s + 1, (size_t)(q - s - 1));
				buf += q - s - 1;
				s = q + 1;
			} else if (*s == '"') {
				for (s++; *s != '"'; s++) {
					if (*s == '\0')
						return "COMMAND has an "
						    "unterminated double quote";
					if (*s == '\\' && s[1] != '\0' &&
					    strchr("$`\"\\", s[1]) != NULL)
						s++;
					*buf++ = *s;
				}
				s++;
			} else if (*s == '\\') {
				if (s[1] == '\0')
					return "COMMAND ends with a backslash";
				*buf++ = s[1];
				s += 2;
			} else if (strchr("|&;<>()$`", *s) != NULL) {
				fmt(why, sizeof(why), unq, *s);
				return why;
			} else
				*buf++ = *s++;
		}
		*buf++ = '\0';
	}
	words[n] = NULL;
	return n == 0 ? "COMMAND is empty" : NULL;
}

/* Append word W to BUF quoted for sh, if it needs quoting. */
static size_t
quote(char *buf, size_t size, const char *w)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:,+=@%-";
	size_t n = 0;

	if (*w != '\0' && strspn(w, safe) == strlen(w))
		return fmt(buf, size, "%s", w);
	n += fmt(buf + n, size - n, "'");
	for (; *w != '\0'; w++)
		if (*w == '\'')
			n += fmt(buf + n, size - n, "'\\''");
		else
			n += fmt(buf + n, size - n, "%c", *w);
	n += fmt(buf + n, size - n, "'");
	return n;
}

static void
defaults(struct ctx *x)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL)
			set(x->c, &keys[i], keys[i].def);
	x->c->log_level = x->c->mode == MODE_DASH ? LV_WARN : LV_INFO;
}

static int
key_line(const struct ctx *x, const char *name)
{
	return x->line[key_find(name, strlen(name)) - keys];
}

static const char userchars[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:";
static const char groupchars[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._- ,";

/* Fill what depends on other keys, and check keys against each other. */
static void
finish(struct ctx *x, char **argv)
{
	struct conf *c = x->c;
	const char *why, *base;
	char b[80], b2[24];
	size_t n = 0;
	int i;

	if (argv != NULL && argv[0] != NULL) {
		c->argv = argv;
		for (i = 0; argv[i] != NULL; i++) {
			n += fmt(c->command + n, sizeof(c->command) - n, "%s",
			    i ? " " : "");
			n += quote(c->command + n, sizeof(c->command) - n,
			    argv[i]);
		}
	} else if (c->command[0] == '\0') {
		problem(x, 0, "COMMAND is not set (set it in the file, in "
		    "INIT_COMMAND, or give it after --)");
		return;
	} else {
		why = conf_split(c->command, c->words, c->wordbuf);
		if (why != NULL) {
			problem(x, key_line(x, "COMMAND"), "%s", why);
			return;
		}
		c->argv = c->words;
	}
	if (!conf_explicit(c, "NAME")) {
		base = strrchr(c->argv[0], '/');
		base = base != NULL ? base + 1 : c->argv[0];
		for (n = 0; n < NAME_MAX_LEN && base[n] != '\0'; n++)
			b[n] = isalnum((unsigned char)base[n]) ||
			    strchr("._-", base[n]) ? base[n] : '_';
		b[n] = '\0';
		if (set_name(c->name, b) != NULL)
			set_name(c->name, "init");
	}
	if (c->user[0] != '\0' && (strspn(c->user, userchars) == 0 ||
	    c->user[strspn(c->user, userchars)] != '\0' ||
	    c->user[0] == ':' || strchr(c->user, ':') != strrchr(c->user, ':') ||
	    c->user[strlen(c->user) - 1] == ':'))
		problem(x, key_line(x, "USER"), "USER: \"%s\" is not USER, UID, "
		    "USER:GROUP or UID:GID", shown(c->user, b, sizeof(b)));
	if (c->groups[strspn(c->groups, groupchars)] != '\0')
		problem(x, key_line(x, "GROUPS"), "GROUPS: \"%s\" is not a list "
		    "of group names or GIDs", shown(c->groups, b, sizeof(b)));
	if (!conf_explicit(c, "RESTART_DELAY_MAX"))
		c->restart_delay_max = c->restart_delay;
	else if (c->restart_delay_max < c->restart_delay)
		problem(x, key_line(x, "RESTART_DELAY_MAX"), "RESTART_DELAY_MAX "
		    "(%s) is smaller than RESTART_DELAY (%s)",
		    secs(c->restart_delay_max, b, sizeof(b)),
		    secs(c->restart_delay, b2, sizeof(b2)));
}

int
conf_load(struct conf *c, int mode, const char *path, char **argv)
{
	struct ctx x;

	memset(c, 0, sizeof(*c));
	memset(&x, 0, sizeof(x));
	c->mode = mode;
	c->path = path;
	x.c = c;
	defaults(&x);
	if (path != NULL) {
		x.file = path;
		parse_file(&x);
	}
	x.file = "environment";
	parse_env(&x);
	x.file = path != NULL ? path : "init";
	if (x.errors == 0)
		finish(&x, argv);
	return x.errors;
}

int
conf_explicit(const struct conf *c, const char *name)
{
	const struct key *k = key_find(name, strlen(name));

	return k != NULL && (c->explicit & (1UL << (k - keys))) != 0;
}

/* Format key K's current value of C into BUF. */
static void
value(const struct conf *c, const struct key *k, char *buf, size_t size)
{
	const char *base = (const char *)c + k->off;
	size_t n = 0;
	char b[16];
	int i;

	switch (k->type) {
	case K_NAME:
	case K_STR:
	case K_PATH:
		quote(buf, size, base);
		return;
	case K_CMD:
		if (strchr(base, '\'') == NULL)
			fmt(buf, size, "'%s'", base);
		else
			quote(buf, size, base);
		return;
	case K_INT:
		fmt(buf, size, "%lld", *(const long long *)(const void *)base);
		return;
	case K_SECS:
		secs(*(const long long *)(const void *)base, buf, size);
		return;
	case K_ENUM:
		fmt(buf, size, "%s", k->choices[*(const int *)(const void *)base]);
		return;
	case K_SIG:
		fmt(buf, size, "%s", sig_name(*(const int *)(const void *)base,
		    b, sizeof(b)));
		return;
	case K_CODES:
		n = fmt(buf, size, "%s", c->nsuccess > 1 ? "'" : "");
		for (i = 0; i < c->nsuccess; i++)
			n += fmt(buf + n, size - n, "%s%d", i ? " " : "",
			    c->success_codes[i]);
		fmt(buf + n, size - n, "%s", c->nsuccess > 1 ? "'" : "");
		return;
	}
}

void
conf_print(const struct conf *c)
{
	char buf[2 * CONF_LINE_MAX + 64];
	size_t i, n;

	const char *e, *eq;
	int j;

	for (i = 0; i < NKEYS; i++) {
		n = fmt(buf, sizeof(buf), "%s=", keys[i].name);
		value(c, &keys[i], buf + n, sizeof(buf) - n - 1);
		n = strlen(buf);
		buf[n++] = '\n';
		write_all(1, buf, n);
	}
	for (j = 0; j < c->nenv; j++) {
		e = c->envbuf + c->envoff[j];
		eq = strchr(e, '=');
		n = fmt(buf, sizeof(buf), "ENV_%.*s=", (int)(eq - e), e);
		n += quote(buf + n, sizeof(buf) - n - 1, eq + 1);
		buf[n++] = '\n';
		write_all(1, buf, n);
	}
}
