/*
 * Settings: .conf files, INIT_* overrides, validation, and a directory of
 * services with its dependency graph.
 *
 * The file is shell-variable syntax so that sh can source it too; anything
 * sh would expand or treat as syntax is refused rather than kept literally,
 * so the file means the same to us and to sh.  One lexer (conf_word) reads
 * both values and COMMAND's words.  Strings live in one arena for the
 * life of the process; every default is resolved here, so the supervisor
 * never asks where a value came from.  No side effects beyond reading the
 * files and printing problems.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf.h"
#include "probe.h"
#include "sig.h"
#include "util.h"

/* Value types: the first five are kept as strings. */
enum { T_NAME, T_STR, T_PATH, T_CMD, T_NAMES, T_INT, T_SECS, T_ENUM, T_SIG,
    T_SIG0, T_CODES, T_SIGMAP, T_FD };
/* Scope: a service's own key, init's own (supervisor-wide), or both. */
enum { S_SVC = 1, S_TOP = 2, S_BOTH = 3 };

/*
 * The choices of the T_ENUM keys, each list its words one after the other
 * and an empty one last (see choice()).
 */
enum { L_POLICY, L_FORMAT, L_LEVEL, L_NOYES, L_TYPE, L_ACTION, L_GROUP };
static const char *const lists[] = {
	[L_POLICY] = "never\0on-failure\0always\0",
	[L_FORMAT] = "text\0json\0",
	[L_LEVEL] = "debug\0info\0warn\0error\0",
	[L_NOYES] = "no\0yes\0",
	[L_TYPE] = "simple\0oneshot\0",
	[L_ACTION] = "restart\0exit\0none\0",
	[L_GROUP] = "session\0group\0inherit\0",
};

#define DAY	(86400LL * 1000)

/*
 * Each key's name and default, in the order of enum key: "NAME\0default\0",
 * the default empty for a key without one (see defaults()).  One string,
 * no fixed width for each (see key_name()).
 */
static const char key_text[] =
	"NAME\0\0" "COMMAND\0\0" "TYPE\0" "simple\0" "AFTER\0\0"
	"CRITICAL\0" "yes\0" "READY_FD\0\0" "RESTART_POLICY\0" "never\0"
	"SUCCESS_EXIT_CODES\0" "0\0" "RESTART_DELAY\0" "1\0"
	"RESTART_DELAY_MAX\0\0" "MAX_RESTARTS\0" "0\0"
	"RESTART_WINDOW\0" "60\0" "STOP_SIGNAL\0" "TERM\0"
	"STOP_TIMEOUT\0" "10\0" "STOP_DELAY\0" "0\0" "SIGNAL_MAP\0\0"
	"KILL_GROUP\0" "yes\0" "PROCESS_GROUP\0" "session\0" "WORKDIR\0\0"
	"USER\0\0" "GROUPS\0\0" "CLEAR_ENV\0" "no\0" "MAX_CPU_PCT\0" "0\0"
	"CPU_BREACH_TICKS\0" "1\0" "MAX_MEM_MB\0" "0\0"
	"CHECK_INTERVAL\0" "2\0" "HEALTH_CMD\0\0" "HEALTH_TCP\0\0"
	"HEALTH_HTTP\0\0" "HEALTH_INTERVAL\0" "10\0" "HEALTH_TIMEOUT\0" "3\0"
	"HEALTH_RETRIES\0" "3\0" "HEALTH_START_PERIOD\0" "0\0"
	"HEALTH_ACTION\0" "restart\0" "LOG_DIR\0\0" "LOG_FORMAT\0" "text\0"
	"LOG_KEEP_DAYS\0" "7\0" "LOG_PREFIX\0" "no\0" "PID_DIR\0\0"
	"LOG_LEVEL\0\0" "EXIT_AS_ZERO\0\0" "PARENT_DEATH_SIGNAL\0\0"
	"WARN_ON_REAP\0" "no\0";

/*
 * Order is the `check` output's.  Times are in milliseconds.  Packed: 12
 * bytes an entry, the name and default in key_text; the widest bound, 7
 * days in ms, fits an int, and a bound or offset that did not fit its
 * field would be a -Woverflow warning.  A key has a range or a list of
 * choices, not both.
 */
static const struct keydef {
	unsigned char		 type;
	unsigned char		 scope;
	unsigned short		 off;
	union {
		struct {
			int	 min, max;
		};
		int		 list;	/* T_ENUM: its choices, L_* */
	};
} keys[K_N] = {
#define F(f)		offsetof(struct conf, f)
#define RANGE(lo, hi)	{ { lo, hi } }
#define CHOICES(l)	{ .list = l }
#define NONE		RANGE(0, 0)
	[K_NAME] = { T_NAME, S_BOTH, F(name), NONE },
	[K_COMMAND] = { T_CMD, S_SVC, F(command), NONE },
	[K_TYPE] = { T_ENUM, S_SVC, F(type), CHOICES(L_TYPE) },
	[K_AFTER] = { T_NAMES, S_SVC, F(after), NONE },
	[K_CRITICAL] = { T_ENUM, S_SVC, F(critical), CHOICES(L_NOYES) },
	[K_READY_FD] = { T_FD, S_SVC, F(ready_fd), RANGE(3, 1023) },
	[K_RESTART_POLICY] = { T_ENUM, S_SVC,
	    F(restart_policy), CHOICES(L_POLICY) },
	[K_SUCCESS_EXIT_CODES] = { T_CODES, S_SVC, F(success), RANGE(0, 255) },
	[K_RESTART_DELAY] = { T_SECS, S_SVC, F(restart_delay), RANGE(0, DAY) },
	[K_RESTART_DELAY_MAX] = { T_SECS, S_SVC,
	    F(restart_delay_max), RANGE(0, DAY) },
	[K_MAX_RESTARTS] = { T_INT, S_SVC,
	    F(max_restarts), RANGE(0, HISTORY_MAX) },
	[K_RESTART_WINDOW] = { T_SECS, S_SVC,
	    F(restart_window), RANGE(1000, 7 * DAY) },
	[K_STOP_SIGNAL] = { T_SIG, S_SVC, F(stop_signal), NONE },
	[K_STOP_TIMEOUT] = { T_SECS, S_SVC, F(stop_timeout), RANGE(0, DAY) },
	[K_STOP_DELAY] = { T_SECS, S_TOP,
	    F(stop_delay), RANGE(0, 3600 * 1000) },
	[K_SIGNAL_MAP] = { T_SIGMAP, S_SVC, F(sigmap), NONE },
	[K_KILL_GROUP] = { T_ENUM, S_SVC, F(kill_group), CHOICES(L_NOYES) },
	[K_PROCESS_GROUP] = { T_ENUM, S_SVC,
	    F(process_group), CHOICES(L_GROUP) },
	[K_WORKDIR] = { T_PATH, S_SVC, F(workdir), NONE },
	[K_USER] = { T_STR, S_SVC, F(user), NONE },
	[K_GROUPS] = { T_STR, S_SVC, F(groups), NONE },
	[K_CLEAR_ENV] = { T_ENUM, S_SVC, F(clear_env), CHOICES(L_NOYES) },
	[K_MAX_CPU_PCT] = { T_INT, S_SVC, F(max_cpu_pct), RANGE(0, 100000) },
	[K_CPU_BREACH_TICKS] = { T_INT, S_SVC,
	    F(cpu_breach_ticks), RANGE(1, 1000) },
	[K_MAX_MEM_MB] = { T_INT, S_SVC, F(max_mem_mb), RANGE(0, 16777216) },
	[K_CHECK_INTERVAL] = { T_SECS, S_TOP,
	    F(check_interval), RANGE(100, 3600 * 1000) },
	/* The three probes share one field. */
	[K_HEALTH_CMD] = { T_CMD, S_SVC, F(health), NONE },
	[K_HEALTH_TCP] = { T_STR, S_SVC, F(health), NONE },
	[K_HEALTH_HTTP] = { T_STR, S_SVC, F(health), NONE },
	[K_HEALTH_INTERVAL] = { T_SECS, S_SVC,
	    F(health_interval), RANGE(100, DAY) },
	[K_HEALTH_TIMEOUT] = { T_SECS, S_SVC,
	    F(health_timeout), RANGE(100, 3600 * 1000) },
	[K_HEALTH_RETRIES] = { T_INT, S_SVC,
	    F(health_retries), RANGE(1, 1000) },
	[K_HEALTH_START_PERIOD] = { T_SECS, S_SVC,
	    F(health_start), RANGE(0, DAY) },
	[K_HEALTH_ACTION] = { T_ENUM, S_SVC,
	    F(health_action), CHOICES(L_ACTION) },
	[K_LOG_DIR] = { T_PATH, S_SVC, F(log_dir), NONE },
	[K_LOG_FORMAT] = { T_ENUM, S_TOP, F(log_format), CHOICES(L_FORMAT) },
	[K_LOG_KEEP_DAYS] = { T_INT, S_SVC,
	    F(log_keep_days), RANGE(0, 36500) },
	[K_LOG_PREFIX] = { T_ENUM, S_SVC, F(log_prefix), CHOICES(L_NOYES) },
	[K_PID_DIR] = { T_PATH, S_TOP, F(pid_dir), NONE },
	[K_LOG_LEVEL] = { T_ENUM, S_TOP, F(log_level), CHOICES(L_LEVEL) },
	[K_EXIT_AS_ZERO] = { T_CODES, S_TOP, F(as_zero), RANGE(0, 255) },
	[K_PARENT_DEATH_SIGNAL] = { T_SIG0, S_TOP, F(pdeathsig), NONE },
	[K_WARN_ON_REAP] = { T_ENUM, S_TOP,
	    F(warn_on_reap), CHOICES(L_NOYES) },
#undef F
#undef RANGE
#undef CHOICES
#undef NONE
};

/* Strings of every loaded service, for the life of the process. */
static struct {
	char	*base;
	size_t	 used;
} arena;

/* Where problems are reported from, and what the file may hold. */
struct ctx {
	struct conf	*c;
	const char	*file;
	int		 errors;
	int		 scope;		/* S_* keys this file may set */
};

static int	total_errors;

static void
problem(struct ctx *x, int line, const char *f, ...)
{
	char buf[CONF_LINE_MAX];
	size_t n = 0, r;
	va_list ap;

	x->errors++;
	if (++total_errors > CONF_ERR_MAX)
		return;
	if (line > 0)
		n = fmt(buf, sizeof(buf), "%s:%d: ", x->file, line);
	else if (x->file != NULL)
		n = fmt(buf, sizeof(buf), "%s: ", x->file);
	va_start(ap, f);
	r = vfmt(buf + n, sizeof(buf) - n, f, ap);
	va_end(ap);
	/* A message too long for the buffer is cut, never overrun. */
	n = r >= sizeof(buf) - n ? sizeof(buf) - 2 : n + r;
	buf[n++] = '\n';
	write_all(2, buf, n);
	if (total_errors == CONF_ERR_MAX)
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

/* How many of S's first bytes are letters, digits or in EXTRA. */
static size_t
span(const char *s, const char *extra)
{
	size_t n = 0;

	while (s[n] != '\0' && (isalnum((unsigned char)s[n]) ||
	    strchr(extra, s[n]) != NULL))
		n++;
	return n;
}

static void *
arena_get(size_t size)
{
	void *p;

	if (arena.base == NULL && (arena.base = mem_get(CONF_ARENA)) == NULL)
		return NULL;
	size = (size + 7) & ~(size_t)7;
	if (size > CONF_ARENA - arena.used)
		return NULL;
	p = arena.base + arena.used;
	arena.used += size;
	return p;
}

static const char *
arena_str(const char *s, size_t len)
{
	char *p = arena_get(len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* The key after the one at S in key_text: past its name and default. */
static const char *
next_key(const char *s)
{
	s += strlen(s) + 1;
	return s + strlen(s) + 1;
}

/* The name of key K; its default follows it. */
static const char *
key_name(int k)
{
	const char *s = key_text;

	while (k-- > 0)
		s = next_key(s);
	return s;
}

int
conf_key(const char *name, size_t len)
{
	const char *s = key_text;
	int i;

	for (i = 0; i < K_N; i++, s = next_key(s))
		if (strncmp(s, name, len) == 0 && s[len] == '\0')
			return i;
	return -1;
}

/* Choice I of T_ENUM key K; "" past the last. */
static const char *
choice(const struct keydef *k, int i)
{
	const char *s = lists[k->list];

	for (; i > 0 && *s != '\0'; i--)
		s += strlen(s) + 1;
	return s;
}

/* Case-insensitive edit distance to B, a key name (upper case): hints. */
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
			    b[j - 1]);
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
	const char *s = key_text, *hit = NULL;

	for (i = 0; i < K_N; i++, s = next_key(s)) {
		d = distance(name, len, s);
		if (d < best) {
			best = d;
			hit = s;
		}
	}
	return best <= 3 || best <= len / 3 ? hit : NULL;
}

/*
 * The lexer.  Quoting as sh does it; anything sh would expand ($, `, a
 * tilde where sh expands it) or treat as syntax is refused with the
 * reason, so a value never means one thing to sh and another to init.
 */
const char *
conf_word(const char **pp, char *out, size_t size, int cmd)
{
	static char why[200];
	const char *p = *pp;
	size_t n = 0;
	int inside = 0;	/* the quote that is open, or 0 */
	char ch;

	for (;; p++) {
		ch = *p;
		if (inside == '\'') {
			if (ch == '\'') {
				inside = 0;
				continue;
			}
		} else if (inside == '"') {
			if (ch == '\0')
				return "unterminated double quote";
			if (ch == '"') {
				inside = 0;
				continue;
			}
			if (ch == '\\' && p[1] != '\0' &&
			    strchr("$`\"\\", p[1]) != NULL)
				ch = *++p;
			else if (ch == '$' || ch == '`') {
				fmt(why, sizeof(why), "'%c' inside double "
				    "quotes: sh would expand it and init "
				    "does not; write \\%c, or use single "
				    "quotes, to keep it literally", ch, ch);
				return why;
			}
		} else if (ch == '\0' || ch == ' ' || ch == '\t') {
			break;
		} else if (ch == '\'' || ch == '"') {
			if (ch == '\'' && strchr(p + 1, '\'') == NULL)
				return "unterminated single quote";
			inside = ch;
			continue;
		} else if (ch == '\\') {
			if (p[1] == '\0')
				return cmd ? "a backslash at the end" :
				    "a backslash at the end of a line (line "
				    "continuation) is not supported";
			ch = *++p;
		} else if (ch == '$' || ch == '`') {
			fmt(why, sizeof(why), "unquoted '%c': sh would expand it "
			    "and init does not; quote it with single quotes to "
			    "keep it literally", ch);
			return why;
		} else if (strchr("|&;<>()", ch) != NULL) {
			fmt(why, sizeof(why), "unquoted '%c': sh would treat it "
			    "as syntax; %s", ch, cmd ? "there is no shell here: "
			    "write /bin/sh -c '...' explicitly if the image has "
			    "one" : "quote the value");
			return why;
		} else if (ch == '~' && (p == *pp || (!cmd && p[-1] == ':'))) {
			return "unquoted '~': sh would expand it to a home "
			    "directory and init does not; quote it to keep it "
			    "literally";
		} else if (ch == '#' && p == *pp && cmd) {
			return "unquoted '#' at the start of a word: sh would "
			    "take the rest as a comment; quote it";
		}
		if (n + 1 >= size)
			return "is too long";
		out[n++] = ch;
	}
	out[n] = '\0';
	*pp = p;
	return NULL;
}

const char *
conf_split(const char *s, char **words, int max, char *buf, size_t size)
{
	static char why[64];
	const char *err;
	size_t used = 0;
	int n = 0;

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		if (n == max) {
			fmt(why, sizeof(why), "has more than %d words", max);
			return why;
		}
		words[n++] = buf + used;
		err = conf_word(&s, buf + used, size - used, 1);
		if (err != NULL)
			return err;
		used += strlen(buf + used) + 1;
	}
	words[n] = NULL;
	return n == 0 ? "is empty" : NULL;
}

/*
 * The next word at *V, words separated by any of SEP: copied into WORD
 * (SIZE bytes, cut to fit) and *V moved past it; its whole length, 0 at
 * the end.
 */
static size_t
next_word(const char **v, const char *sep, char *word, size_t size)
{
	size_t len;

	*v += strspn(*v, sep);
	len = strcspn(*v, sep);
	fmt(word, size, "%.*s", (int)len, *v);
	*v += len;
	return len;
}

static const char *
set_codes(unsigned char *bits, const char *v, long long max)
{
	char word[16];
	long long n;
	size_t len;

	memset(bits, 0, 32);
	while ((len = next_word(&v, " \t,", word, sizeof(word))) > 0) {
		if (len >= sizeof(word) || num_parse(word, 0, max, &n) != NULL)
			return "is not a list of exit codes 0-255";
		bits[n / 8] |= (unsigned char)(1 << (n % 8));
	}
	return NULL;
}

static const char *
set_name(const char *v)
{
	size_t len = strlen(v);

	if (len == 0 || len > NAME_MAX_LEN)
		return "must be 1 to 64 characters";
	if (span(v, "._-") != len)
		return "may only hold letters, digits, '.', '_' and '-'";
	if (len <= 2 && strspn(v, ".") == len)
		return "cannot be '.' or '..'";
	return NULL;
}

/* SIGNAL_MAP: "FROM:TO ..." with TO 0 to drop FROM. */
static const char *
set_sigmap(unsigned char *map, const char *v)
{
	static char why[120];
	unsigned char seen[65] = { 0 };
	char word[40], *colon;
	int i, from, to;
	size_t len;

	for (i = 0; i <= 64; i++)
		map[i] = (unsigned char)i;
	while ((len = next_word(&v, " \t", word, sizeof(word))) > 0) {
		if (len >= sizeof(word))
			return "has an entry that is too long";
		colon = strchr(word, ':');
		if (colon == NULL) {
			fmt(why, sizeof(why), "entry \"%s\" is not FROM:TO",
			    word);
			return why;
		}
		*colon = '\0';
		from = sig_parse(word);
		to = strcmp(colon + 1, "0") == 0 ? 0 : sig_parse(colon + 1);
		if (from < 0 || to < 0) {
			fmt(why, sizeof(why), "entry \"%s:%s\" names no signal",
			    word, colon + 1);
			return why;
		}
		if (from == SIGKILL || from == SIGSTOP || to == SIGKILL ||
		    to == SIGSTOP || from == SIGCHLD) {
			fmt(why, sizeof(why), "entry \"%s:%s\": KILL, STOP and "
			    "CHLD cannot be mapped", word, colon + 1);
			return why;
		}
		if (seen[from]++) {
			fmt(why, sizeof(why), "maps %s twice", word);
			return why;
		}
		/* TO 0 is stored as 0: "drop". */
		map[from] = (unsigned char)to;
	}
	return NULL;
}

/* AFTER: NAMEs separated by spaces or commas, each a valid NAME. */
static const char *
set_names(const char *v)
{
	char word[NAME_MAX_LEN + 2];
	size_t len;

	while ((len = next_word(&v, " \t,", word, sizeof(word))) > 0) {
		if (len > NAME_MAX_LEN)
			return "names a service whose NAME is too long";
		if (set_name(word) != NULL)
			return "is not a list of service NAMEs";
	}
	return NULL;
}

/* Store V as key K's value; NULL on success, else why not. */
static const char *
set(struct conf *c, const struct keydef *k, const char *v)
{
	char *base = (char *)c + k->off;
	const char *why, *s;
	long long n;
	int i, sig;

	switch (k->type) {
	case T_NAME:
		if ((why = set_name(v)) != NULL)
			return why;
		break;
	case T_PATH:
		if (strlen(v) >= PATH_MAX)
			return "is too long";
		break;
	case T_NAMES:
		if ((why = set_names(v)) != NULL)
			return why;
		break;
	case T_STR:
	case T_CMD:
		break;
	case T_INT:
	case T_SECS:
		why = k->type == T_INT ? num_parse(v, k->min, k->max, &n) :
		    secs_parse(v, k->min, k->max, &n);
		if (why == NULL)
			*(long long *)(void *)base = n;
		return why;
	case T_FD:
		if (*v == '\0')
			n = -1;
		else if ((why = num_parse(v, k->min, k->max, &n)) != NULL)
			return why;
		*(int *)(void *)base = (int)n;
		return NULL;
	case T_ENUM:
		for (i = 0, s = lists[k->list]; *s != '\0'; i++, s += strlen(s) + 1)
			if (strcmp(v, s) == 0) {
				*(int *)(void *)base = i;
				return NULL;
			}
		return "is not one of:";
	case T_SIG:
	case T_SIG0:
		if (k->type == T_SIG0 && (*v == '\0' || strcmp(v, "0") == 0)) {
			*(int *)(void *)base = 0;
			return NULL;
		}
		sig = sig_parse(v);
		if (sig < 0)
			return "is not a signal name or number";
		if (k->type == T_SIG && (sig == SIGSTOP || sig == SIGCHLD))
			return "cannot be used to stop a program";
		*(int *)(void *)base = sig;
		return NULL;
	case T_CODES:
		return set_codes((unsigned char *)base, v, k->max);
	case T_SIGMAP:
		return set_sigmap((unsigned char *)base, v);
	}
	s = arena_str(v, strlen(v));
	if (s == NULL)
		return "does not fit: the configuration is too large";
	*(const char **)(void *)base = s;
	return NULL;
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
assign(struct ctx *x, int line, const struct keydef *k, const char *prefix,
    const char *v)
{
	char b1[80], b2[120], b3[24];
	const char *why, *s;
	size_t n = 0;

	why = set(x->c, k, v);
	if (why == NULL) {
		x->c->explicit |= 1ULL << (k - keys);
		return;
	}
	/* What would do: the choices, or the range. */
	b2[0] = '\0';
	if (k->type == T_ENUM)
		for (s = lists[k->list]; *s != '\0'; s += strlen(s) + 1)
			n += fmt(b2 + n, sizeof(b2) - n, "%s%s", n ? ", " : " ",
			    s);
	else if (strcmp(why, "is out of range") == 0 && k->type == T_SECS)
		fmt(b2, sizeof(b2), " (%s to %s seconds)",
		    secs(k->min, b3, 12), secs(k->max, b3 + 12, 12));
	else if (strcmp(why, "is out of range") == 0)
		fmt(b2, sizeof(b2), " (%d to %d)", k->min, k->max);
	problem(x, line, "%s%s: \"%s\" %s%s", prefix, key_name((int)(k - keys)),
	    shown(v, b1, sizeof(b1)), why, b2);
}

/*
 * ENV_<NAME>=value: one variable for the child's environment.  Room for
 * ENV_MAX of them is taken from the arena at the first.
 */
static void
add_env(struct ctx *x, int ln, const char *name, size_t len, const char *v)
{
	struct conf *c = x->c;
	size_t size = len + strlen(v) + 2;
	char *s;
	int i;

	for (i = 0; i < c->nenv; i++) {
		if (strncmp(c->env[i], name, len) == 0 && c->env[i][len] == '=') {
			/* The environment overrides the file, as for keys. */
			if (ln == 0)
				break;
			problem(x, ln, "ENV_%.*s is already set", (int)len, name);
			return;
		}
	}
	if (i == ENV_MAX) {
		problem(x, ln, "too many ENV_ variables (%d at most)", ENV_MAX);
		return;
	}
	if (c->env == NULL)
		c->env = arena_get(ENV_MAX * sizeof(*c->env));
	s = arena_get(size);
	if (c->env == NULL || s == NULL) {
		problem(x, ln, "ENV_%.*s does not fit: the configuration is "
		    "too large", (int)len, name);
		return;
	}
	fmt(s, size, "%.*s=%s", (int)len, name, v);
	c->env[i] = s;
	if (i == c->nenv)
		c->nenv++;
}

/* Key K (or ENV_NAME) set to V at LN (0: from outside any file). */
static void
put_key(struct ctx *x, int ln, const char *name, size_t len, const char *v,
    const char *prefix)
{
	const char *hint;
	int k, top;

	k = conf_key(name, len);
	if (k < 0 && len > 4 && strncmp(name, "ENV_", 4) == 0 &&
	    (x->scope & S_SVC)) {
		add_env(x, ln, name + 4, len - 4, v);
		return;
	}
	if (k < 0) {
		hint = nearest(name, len);
		problem(x, ln, "unknown key %s%.*s%s%s%s%s", prefix, (int)len,
		    name, hint ? " (did you mean " : "", hint ? prefix : "",
		    hint ? hint : "", hint ? "?)" : "");
		return;
	}
	if ((keys[k].scope & x->scope) == 0) {
		top = keys[k].scope == S_TOP;
		problem(x, ln, "%s is %s setting: set it in %s", key_name(k),
		    top ? "a supervisor-wide" : "a per-service",
		    top ? "init.conf" : "a service's file");
		return;
	}
	if (ln > 0 && x->c->line[k] != 0) {
		problem(x, ln, "%s is already set on line %d", key_name(k),
		    x->c->line[k]);
		return;
	}
	if (ln > 0)
		x->c->line[k] = ln;
	assign(x, ln, &keys[k], prefix, v);
}

static void
parse_line(struct ctx *x, int ln, const char *p)
{
	char val[CONF_LINE_MAX + 1];
	const char *name, *err;
	size_t len;

	p += strspn(p, " \t");
	if (*p == '\0' || *p == '#')
		return;
	if (strncmp(p, "export", 6) == 0 && (p[6] == ' ' || p[6] == '\t'))
		p += 6 + strspn(p + 6, " \t");
	name = p;
	len = span(p, "_");
	if (len == 0 || isdigit((unsigned char)*p)) {
		problem(x, ln, "expected KEY=value");
		return;
	}
	p += len;
	if (*p != '=')
		err = (*p == ' ' || *p == '\t') && p[strspn(p, " \t")] == '=' ?
		    "no spaces allowed around '='" :
		    "missing '=' (expected KEY=value)";
	else {
		p++;
		err = conf_word(&p, val, sizeof(val), 0);
		if (err == NULL) {
			p += strspn(p, " \t");
			if (*p != '\0' && *p != '#')
				err = "unexpected text after the value (quote "
				    "a value that holds spaces)";
		}
	}
	if (err != NULL) {
		problem(x, ln, "%.*s: %s", (int)len, name, err);
		return;
	}
	put_key(x, ln, name, len, val, "");
}

static char *
read_file(struct ctx *x, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	size_t len = 0;
	int fd;

	fd = fd_open(AT_FDCWD, x->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY, 0);
	if (fd < 0) {
		problem(x, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fd_stat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		problem(x, 0, "is not a regular file");
		goto out;
	}
	if (geteuid() == 0 && (st.st_mode & S_IWOTH)) {
		problem(x, 0, "is writable by other users; as root, init refuses "
		    "it (chmod o-w)");
		goto out;
	}
	/* A larger file is refused once a read goes past CONF_FILE_MAX. */
	if ((buf = mem_get(CONF_FILE_MAX + 1)) == NULL)
		goto fail;
	while (len <= CONF_FILE_MAX) {
		n = read(fd, buf + len, CONF_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len <= CONF_FILE_MAX) {
		close(fd);
		buf[len] = '\0';
		*lenp = len;
		return buf;
	}
	problem(x, 0, "is larger than %d KiB", CONF_FILE_MAX / 1024);
	goto out;
fail:
	problem(x, 0, "cannot read: %s", strerror(errno));
out:
	close(fd);
	if (buf != NULL)
		mem_put(buf, CONF_FILE_MAX + 1);
	return NULL;
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

/* Variables named INIT_* that are not settings. */
static int
not_a_key(const char *k, size_t klen)
{
	return (klen == 16 && strncmp(k, "TEST_TIME_OFFSET", 16) == 0) ||
	    (klen == 2 && strncmp(k, "AS", 2) == 0);
}

/*
 * Whether K (KLEN bytes) is "SERVICE_KEY" for service NAME, written as an
 * environment word (upper case, anything else '_'): the length of
 * "SERVICE_", or 0.
 */
static size_t
for_service(const char *k, size_t klen, const char *name)
{
	size_t n;

	for (n = 0; name[n] != '\0'; n++)
		if (n >= klen || k[n] != (isalnum((unsigned char)name[n]) ?
		    toupper((unsigned char)name[n]) : '_'))
			return 0;
	if (klen > n + 1 && k[n] == '_' &&
	    (conf_key(k + n + 1, klen - n - 1) >= 0 ||
	    (klen > n + 5 && strncmp(k + n + 1, "ENV_", 4) == 0)))
		return n + 1;
	return 0;
}

static void
stray(const char *k, size_t klen)
{
	const char *hint = nearest(k, klen);

	warnx("environment: INIT_%.*s names no setting%s%s%s; ignored",
	    (int)klen, k, hint ? " (did you mean INIT_" : "", hint ? hint : "",
	    hint ? "?)" : "");
}

/*
 * INIT_<KEY> overrides for X's conf.  With several services a service
 * takes INIT_<SERVICE>_<KEY> and init.conf takes the supervisor-wide
 * INIT_<KEY>; init.conf's pass (scope S_TOP), run last, also reports what
 * nobody took (S: every service).  Misspelt names are warned about, not
 * refused.
 */
static void
parse_env(struct ctx *x, const struct confset *s)
{
	extern char **environ;
	const char *e, *eq, *k;
	size_t klen, skip;
	int i, j, key, top, taken, owner;

	for (i = 0; environ[i] != NULL; i++) {
		e = environ[i];
		if (strncmp(e, "INIT_", 5) != 0 || (eq = strchr(e, '=')) == NULL)
			continue;
		k = e + 5;
		klen = (size_t)(eq - k);
		if (not_a_key(k, klen))
			continue;
		key = conf_key(k, klen);
		skip = 0;
		if (x->scope == S_SVC) {
			if ((skip = for_service(k, klen, x->c->name)) == 0)
				continue;
		} else if (x->scope == S_TOP) {
			top = key >= 0 && (keys[key].scope & S_TOP);
			/* A name two services read (WEB_ENV_X, MY_WEB_X). */
			for (j = 0, taken = top, owner = -1; j < s->n; j++) {
				if (for_service(k, klen, s->svc[j].name) == 0)
					continue;
				if (owner >= 0)
					problem(x, 0, "INIT_%.*s: read by both "
					    "services \"%s\" and \"%s\"; rename "
					    "one", (int)klen, k, s->svc[owner].name,
					    s->svc[j].name);
				taken = 1;
				owner = j;
			}
			if (!taken && key >= 0)
				problem(x, 0, "INIT_%.*s: with several services, "
				    "set INIT_<SERVICE>_%.*s (the service's NAME "
				    "in upper case, other characters as '_')",
				    (int)klen, k, (int)klen, k);
			else if (!taken)
				stray(k, klen);
			/* What a service took is its own pass's. */
			if (!top)
				continue;
		} else if (key < 0 && !(klen > 4 && strncmp(k, "ENV_", 4) == 0)) {
			stray(k, klen);
			continue;
		}
		k += skip;
		klen -= skip;
		if (strchr(eq + 1, '\n') != NULL)
			problem(x, 0, "INIT_%.*s: the value holds a newline",
			    (int)(eq - e - 5), e + 5);
		else
			put_key(x, 0, k, klen, eq + 1, "INIT_");
	}
}

/* Append word W to BUF quoted for sh, if it needs quoting. */
static size_t
quote(char *buf, size_t size, const char *w)
{
	size_t n = 0;

	if (*w != '\0' && w[span(w, "_./:,+=@%-")] == '\0')
		return fmt(buf, size, "%s", w);
	n += fmt(buf + n, size - n, "'");
	for (; *w != '\0'; w++)
		n += fmt(buf + n, size - n, *w == '\'' ? "'\\''" : "%c", *w);
	n += fmt(buf + n, size - n, "'");
	return n;
}

static void
defaults(struct conf *c, int mode)
{
	const char *s;
	int i;

	memset(c, 0, sizeof(*c));
	c->mode = mode;
	/*
	 * Each key's default, after its name: "" for a key without one (set()
	 * refuses that for NAME, RESTART_DELAY_MAX and LOG_LEVEL, resolved here
	 * and in finish()).
	 */
	for (i = 0, s = key_text; i < K_N; i++, s = next_key(s))
		set(c, &keys[i], s + strlen(s) + 1);
	c->name = "";
	c->pid_dir = "/tmp/process-supervisor";
	c->log_level = mode == MODE_DASH ? LV_WARN : LV_INFO;
}

/* Split a command value into argv in the arena; NULL on a problem. */
static char **
split(struct ctx *x, enum key k, const char *v)
{
	char *words[ARGV_MAX + 1], buf[CONF_LINE_MAX + 1], **argv;
	const char *why;
	int n, i;

	why = conf_split(v, words, ARGV_MAX, buf, sizeof(buf));
	if (why != NULL) {
		problem(x, x->c->line[k], "%s: %s%s", key_name(k),
		    strcmp(why, "is empty") == 0 ? "" : "in the command: ", why);
		return NULL;
	}
	for (n = 0; words[n] != NULL; n++)
		;
	argv = arena_get(((size_t)n + 1) * sizeof(*argv));
	if (argv == NULL) {
		problem(x, x->c->line[k], "%s does not fit: the configuration "
		    "is too large", key_name(k));
		return NULL;
	}
	for (i = 0; i < n; i++)
		argv[i] = (char *)(uintptr_t)arena_str(words[i], strlen(words[i]));
	argv[n] = NULL;
	return argv;
}

/* NAME from the command's basename, or from FILE's name without .conf. */
static void
default_name(struct conf *c, const char *file)
{
	char b[NAME_MAX_LEN + 1];
	const char *from = file != NULL ? file : c->argv[0], *base;
	size_t n, len;

	base = strrchr(from, '/');
	base = base != NULL ? base + 1 : from;
	len = strlen(base);
	if (file != NULL && len > 5 && strcmp(base + len - 5, ".conf") == 0)
		len -= 5;
	for (n = 0; n < NAME_MAX_LEN && n < len; n++)
		b[n] = isalnum((unsigned char)base[n]) ||
		    strchr("._-", base[n]) ? base[n] : '_';
	b[n] = '\0';
	c->name = set_name(b) == NULL ? arena_str(b, n) : "init";
	if (c->name == NULL)
		c->name = "init";
}

/* The probe keys: at most one, checked as the probe will read it. */
static void
finish_health(struct ctx *x)
{
	static char hosts[PROBE_HOSTS_MAX];
	struct conf *c = x->c;
	struct probe_target t;
	struct sockaddr_storage sa;
	socklen_t salen;
	const char *why, *set1 = NULL;
	char b1[80];
	int k, line = 0;

	/* The probe keys are in the order of the PROBE_*_KIND they set. */
	c->probe = PROBE_NONE_KIND;
	for (k = K_HEALTH_CMD; k <= K_HEALTH_HTTP; k++) {
		if (!conf_explicit(c, k))
			continue;
		if (set1 != NULL) {
			problem(x, c->line[k], "%s and %s are both set: a "
			    "service has one health check", set1, key_name(k));
			return;
		}
		set1 = key_name(k);
		line = c->line[k];
		c->probe = PROBE_CMD_KIND + k - K_HEALTH_CMD;
	}
	if (c->probe == PROBE_NONE_KIND)
		return;
	if (c->probe == PROBE_CMD_KIND)
		c->health_argv = split(x, K_HEALTH_CMD, c->health);
	else {
		why = c->probe == PROBE_TCP_KIND ?
		    probe_parse_tcp(c->health, &t) :
		    probe_parse_http(c->health, &t);
		if (why == NULL && probe_resolve(t.host, t.hostlen, t.port,
		    read_text("/etc/hosts", hosts, sizeof(hosts)) >= 0 ? hosts :
		    NULL, &sa, &salen) < 0)
			why = "names a host that is neither an IP address nor "
			    "in /etc/hosts";
		if (why != NULL)
			problem(x, line, "%s: \"%s\" %s", set1,
			    shown(c->health, b1, sizeof(b1)), why);
	}
	/* At the line of whichever of the two the file sets. */
	if (c->line[K_HEALTH_TIMEOUT] || c->line[K_HEALTH_INTERVAL])
		line = c->line[K_HEALTH_TIMEOUT] ? c->line[K_HEALTH_TIMEOUT] :
		    c->line[K_HEALTH_INTERVAL];
	if (c->health_timeout >= c->health_interval)
		problem(x, line, "HEALTH_TIMEOUT (%s) must be shorter than "
		    "HEALTH_INTERVAL (%s)", secs(c->health_timeout, b1, 40),
		    secs(c->health_interval, b1 + 40, 40));
}

/* Fill what depends on other keys, and check keys against each other. */
static void
finish(struct ctx *x, char **argv, const char *file)
{
	struct conf *c = x->c;
	char b[CONF_LINE_MAX + 1], b2[24];
	const char *colon;
	size_t n = 0;
	int i;

	/* init.conf: its NAME defaults to the directory's (conf_load_set). */
	if (x->scope == S_TOP)
		return;
	if (argv != NULL && argv[0] != NULL) {
		c->argv = argv;
		for (i = 0; argv[i] != NULL && n < sizeof(b) - 1; i++) {
			if (i > 0)
				b[n++] = ' ';
			n += quote(b + n, sizeof(b) - n, argv[i]);
		}
		c->command = arena_str(b, n);
	} else if (*c->command == '\0') {
		problem(x, 0, "COMMAND is not set (set it in the file, in "
		    "INIT_COMMAND, or give it after --)");
		return;
	} else if ((c->argv = split(x, K_COMMAND, c->command)) == NULL)
		return;
	if (!conf_explicit(c, K_NAME))
		default_name(c, x->scope == S_SVC ? file : NULL);
	/* At most one ':', with something on each side. */
	colon = strchr(c->user, ':');
	if (c->user[span(c->user, "._-:")] != '\0' || (colon != NULL &&
	    (colon == c->user || colon[1] == '\0' || strchr(colon + 1, ':'))))
		problem(x, c->line[K_USER], "USER: \"%s\" is not USER, UID, "
		    "USER:GROUP or UID:GID", shown(c->user, b, 80));
	if (c->groups[span(c->groups, "._- ,")] != '\0')
		problem(x, c->line[K_GROUPS], "GROUPS: \"%s\" is not a list "
		    "of group names or GIDs", shown(c->groups, b, 80));
	if (!conf_explicit(c, K_RESTART_DELAY_MAX))
		c->restart_delay_max = c->restart_delay;
	else if (c->restart_delay_max < c->restart_delay)
		problem(x, c->line[K_RESTART_DELAY_MAX], "RESTART_DELAY_MAX "
		    "(%s) is smaller than RESTART_DELAY (%s)",
		    secs(c->restart_delay_max, b, 40),
		    secs(c->restart_delay, b2, sizeof(b2)));
	if (c->process_group == GROUP_NONE) {
		if (conf_explicit(c, K_KILL_GROUP) && c->kill_group == YES)
			problem(x, c->line[K_KILL_GROUP], "KILL_GROUP=yes needs "
			    "PROCESS_GROUP=session or group: with inherit the "
			    "child shares init's own group");
		c->kill_group = NO;
	}
	if (c->mode == MODE_DASH && !conf_explicit(c, K_PID_DIR))
		c->pid_dir = "";
	finish_health(x);
}

/*
 * One file (or none) into C with scope SCOPE: S_BOTH for one service, else
 * one of the set S; problems counted in X.
 */
static int
load_one(struct conf *c, int mode, const char *path, int scope,
    const struct setting *ov, int nov, char **argv, const struct confset *s)
{
	const char *name;
	struct ctx x;
	int i;

	memset(&x, 0, sizeof(x));
	defaults(c, mode);
	c->path = path;
	x.c = c;
	x.scope = scope;
	if (path != NULL) {
		x.file = path;
		parse_file(&x);
	}
	/* With several services, INIT_<SERVICE>_... needs the NAME first. */
	if (scope == S_SVC && !conf_explicit(c, K_NAME))
		default_name(c, path);
	x.file = "environment";
	parse_env(&x, s);
	x.file = path != NULL ? path : "init";
	for (i = 0; i < nov; i++) {
		name = key_name(ov[i].key);
		put_key(&x, 0, name, strlen(name), ov[i].value, "");
	}
	if (x.errors == 0)
		finish(&x, argv, path);
	return x.errors;
}

int
conf_load(struct conf *c, int mode, const char *path,
    const struct setting *ov, int nov, char **argv)
{
	arena.used = 0;
	total_errors = 0;
	return load_one(c, mode, path, S_BOTH, ov, nov, argv, NULL);
}

/* Directory listing: the paths of its *.conf files, in the arena. */
struct names {
	const char	*dir;
	const char	*file[SERVICES_MAX];
	int		 n, over;
	const char	*init;		/* init.conf's, if it is there */
};

/* PATH, a file named NAME: init.conf, or one more service's. */
static void
take(struct names *nm, const char *path, const char *name)
{
	if (strcmp(name, "init.conf") == 0)
		nm->init = path;
	else if (nm->n < SERVICES_MAX)
		nm->file[nm->n++] = path;
	else
		nm->over = 1;
}

static void
list_one(const char *name, void *arg)
{
	struct names *nm = arg;
	char path[PATH_MAX];
	size_t len = strlen(name);

	if (len <= 5 || strcmp(name + len - 5, ".conf") != 0 || name[0] == '.')
		return;
	len = fmt(path, sizeof(path), "%s/%s", nm->dir, name);
	take(nm, arena_str(path, len), name);
}

/* The same directory: file names sort as the paths do. */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
has_dep(const struct confset *s, int i, int j)
{
	return (s->deps[i][j / 8] >> (j % 8)) & 1;
}

/*
 * AFTER resolved to indices, checked, and a start order built; a cycle is
 * printed as "a -> b -> a".  Sets of services are bits of a word here.
 */
_Static_assert(SERVICES_MAX <= 64, "a set of services is a 64-bit word");

static int
graph(struct confset *s)
{
	char word[NAME_MAX_LEN + 2], buf[CONF_LINE_MAX];
	unsigned long long need[SERVICES_MAX] = { 0 }, placed = 0, seen = 0;
	int path[SERVICES_MAX];
	const char *v;
	struct ctx x;
	size_t len;
	int i, j, k, n, progress;

	memset(&x, 0, sizeof(x));
	memset(s->deps, 0, sizeof(s->deps));
	for (i = 0; i < s->n; i++) {
		x.file = s->svc[i].path;
		v = s->svc[i].after;
		while (next_word(&v, " \t,", word, sizeof(word)) > 0) {
			for (j = 0; j < s->n && strcmp(s->svc[j].name, word); j++)
				;
			if (j == s->n)
				problem(&x, s->svc[i].line[K_AFTER], "AFTER names "
				    "\"%s\", which is no service's NAME", word);
			else if (j == i)
				problem(&x, s->svc[i].line[K_AFTER], "AFTER names "
				    "the service itself");
			else {
				s->deps[i][j / 8] |= (unsigned char)(1 << (j % 8));
				need[i] |= 1ULL << j;
			}
		}
	}
	if (x.errors > 0)
		return x.errors;
	/* Kahn's order, stable by file name: dependencies first. */
	for (n = 0, progress = 1; n < s->n && progress;) {
		progress = 0;
		for (i = 0; i < s->n; i++)
			if (!((placed >> i) & 1) && (need[i] & ~placed) == 0) {
				s->order[n++] = i;
				placed |= 1ULL << i;
				progress = 1;
			}
	}
	if (n == s->n)
		return 0;
	/*
	 * What is left waits on a cycle: from the first service left, follow
	 * the first dependency left until one repeats.  It is the cycle a
	 * depth-first search in file order finds first.
	 */
	for (i = __builtin_ctzll(~placed), n = 0;; i = j) {
		path[n++] = i;
		seen |= 1ULL << i;
		j = __builtin_ctzll(need[i] & ~placed);
		if ((seen >> j) & 1)
			break;
	}
	for (k = 0, len = 0; path[k] != j; k++)
		;
	for (; k < n; k++)
		len += fmt(buf + len, sizeof(buf) - len, "%s -> ",
		    s->svc[path[k]].name);
	x.file = s->svc[i].path;
	problem(&x, s->svc[i].line[K_AFTER], "AFTER makes a cycle: %s%s", buf,
	    s->svc[j].name);
	return x.errors;
}

int
conf_load_set(struct confset *s, char **paths, int npaths, char **argv)
{
	struct names nm;
	char path[PATH_MAX], *cut;
	const char *dir = NULL, *slash;
	struct ctx x;
	struct stat st;
	size_t len;
	int errors = 0, i, j, fd;

	arena.used = 0;
	total_errors = 0;
	memset(&x, 0, sizeof(x));
	memset(&nm, 0, sizeof(nm));
	s->n = 0;
	s->multi = npaths > 1;
	if (npaths == 1 && path_stat(paths[0], &st) == 0 && S_ISDIR(st.st_mode)) {
		x.file = dir = nm.dir = paths[0];
		s->multi = 1;
		fd = fd_open(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		    0);
		if (fd < 0 || dir_each(fd, list_one, &nm) < 0)
			problem(&x, 0, "cannot read the directory: %s",
			    strerror(errno));
		else {
			if (nm.over)
				problem(&x, 0, "holds more than %d .conf files",
				    SERVICES_MAX);
			if (nm.n == 0)
				problem(&x, 0, "holds no .conf file besides "
				    "init.conf");
		}
		if (fd >= 0)
			close(fd);
		if (x.errors > 0)
			return x.errors;
		sort_array(nm.file, (size_t)nm.n, sizeof(nm.file[0]), by_name);
	}
	if (!s->multi) {
		s->n = 1;
		s->top = &s->svc[0];
		errors = load_one(&s->svc[0], MODE_START, paths[0], S_BOTH, NULL,
		    0, argv, NULL);
		return errors > 0 ? errors : graph(s);
	}
	x.file = "init";
	if (argv != NULL)
		problem(&x, 0, "a command after -- needs exactly one config "
		    "file");
	else if (dir == NULL && npaths > SERVICES_MAX)
		problem(&x, 0, "more than %d config files", SERVICES_MAX);
	if (x.errors > 0)
		return x.errors;
	/* Files given: init.conf is the one of that name. */
	for (i = 0; dir == NULL && i < npaths; i++) {
		slash = strrchr(paths[i], '/');
		take(&nm, paths[i], slash ? slash + 1 : paths[i]);
	}
	for (i = 0; i < nm.n; i++)
		errors += load_one(&s->svc[i], MODE_START, nm.file[i], S_SVC,
		    NULL, 0, NULL, s);
	s->n = nm.n;
	/* Last: its pass over INIT_* knows every service's NAME. */
	errors += load_one(&s->init, MODE_START, nm.init, S_TOP, NULL, 0,
	    NULL, s);
	/* init.conf's NAME defaults to the directory's name (DIR is paths[0]). */
	if (!conf_explicit(&s->init, K_NAME)) {
		len = fmt(path, sizeof(path), "%s", paths[0]);
		while (len > 1 && path[len - 1] == '/')
			path[--len] = '\0';
		if (dir == NULL && (cut = strrchr(path, '/')) != NULL)
			*cut = '\0';
		else if (dir == NULL)
			fmt(path, sizeof(path), ".");
		/* getcwd(3) as musl has it, without its strdup for a NULL buffer. */
		if (strcmp(path, ".") == 0 && (syscall(SYS_getcwd, path,
		    sizeof(path)) <= 0 || path[0] != '/'))
			fmt(path, sizeof(path), "init");
		len = strlen(path);
		fmt(path + len, sizeof(path) - len, ".conf");
		default_name(&s->init, path);
	}
	s->top = &s->init;
	/* Without an init.conf, the set is known by what was given. */
	if (s->init.path == NULL)
		s->init.path = paths[0];
	for (i = 0; i < s->n; i++) {
		/* Supervisor-wide values every part of init reads per service. */
		s->svc[i].log_format = s->init.log_format;
		s->svc[i].log_level = s->init.log_level;
		s->svc[i].pid_dir = s->init.pid_dir;
		s->svc[i].check_interval = s->init.check_interval;
		s->svc[i].stop_delay = s->init.stop_delay;
		for (j = 0; j < i; j++)
			if (strcmp(s->svc[i].name, s->svc[j].name) == 0) {
				x.file = s->svc[i].path;
				problem(&x, s->svc[i].line[K_NAME], "NAME \"%s\" is "
				    "already the NAME of %s", s->svc[i].name,
				    s->svc[j].path);
				errors++;
			}
	}
	return errors > 0 ? errors : graph(s);
}

long long
conf_budget(const struct confset *s)
{
	int depth[SERVICES_MAX] = { 0 }, i, j, k, d, maxd = 0;
	long long total = 0, level;

	/* Reverse start order: whoever depends on I has its depth already. */
	for (k = s->n - 1; k >= 0; k--) {
		i = s->order[k];
		depth[i] = 0;
		for (j = 0; j < s->n; j++)
			if (has_dep(s, j, i) && depth[j] + 1 > depth[i])
				depth[i] = depth[j] + 1;
		if (depth[i] > maxd)
			maxd = depth[i];
	}
	for (d = 0; d <= maxd; d++) {
		level = 0;
		for (i = 0; i < s->n; i++)
			if (depth[i] == d && s->svc[i].stop_timeout > level)
				level = s->svc[i].stop_timeout;
		total += level;
	}
	return total;
}

int
conf_explicit(const struct conf *c, enum key k)
{
	return (c->explicit >> k) & 1;
}

int
conf_success(const struct conf *c, int code)
{
	return code >= 0 && code <= 255 && (c->success[code / 8] >> (code % 8)) & 1;
}

/*
 * Format key K's current value of C into BUF, quoted for sh.  COMMAND and
 * SIGNAL_MAP are always in single quotes (unless COMMAND holds one).
 */
static void
value(const struct conf *c, const struct keydef *k, char *buf, size_t size)
{
	const char *base = (const char *)c + k->off, *s;
	const unsigned char *bits = (const unsigned char *)base;
	char raw[CONF_LINE_MAX], b[16], b2[16];
	size_t n = 0;
	int i, v;

	raw[0] = '\0';
	s = raw;
	if (k->type <= T_NAMES)
		s = *(const char *const *)(const void *)base;
	else if (k->type == T_INT)
		fmt(raw, sizeof(raw), "%lld", *(const long long *)(const void *)base);
	else if (k->type == T_SECS)
		secs(*(const long long *)(const void *)base, raw, sizeof(raw));
	else if (k->type == T_CODES) {
		for (i = 0; i < 256; i++)
			if ((bits[i / 8] >> (i % 8)) & 1)
				n += fmt(raw + n, sizeof(raw) - n, "%s%d",
				    n ? " " : "", i);
	} else if (k->type == T_SIGMAP) {
		for (i = 1; i <= 64; i++)
			if (bits[i] != i)
				n += fmt(raw + n, sizeof(raw) - n, "%s%s:%s",
				    n ? " " : "", sig_name(i, b, sizeof(b)),
				    bits[i] == 0 ? "0" : sig_name(bits[i], b2,
				    sizeof(b2)));
	} else {
		/* T_ENUM, T_FD, T_SIG and T_SIG0: an int. */
		v = *(const int *)(const void *)base;
		if (k->type == T_ENUM)
			s = choice(k, v);
		else if (k->type == T_FD && v >= 0)
			fmt(raw, sizeof(raw), "%d", v);
		else if (k->type != T_FD && v != 0)
			s = sig_name(v, raw, sizeof(raw));
	}
	if (k->type == T_SIGMAP || (k->type == T_CMD && strchr(s, '\'') == NULL))
		fmt(buf, size, "'%s'", s);
	else
		quote(buf, size, s);
}

void
conf_print(const struct conf *c, int what)
{
	char buf[2 * CONF_LINE_MAX + 64];
	const char *e, *eq;
	size_t n;
	int i, scope = what == PRINT_SVC ? S_SVC : what == PRINT_TOP ? S_TOP :
	    S_BOTH;

	/*
	 * The keys, then the ENV_ variables.  Only the probe that is set; an
	 * unset one prints nothing.
	 */
	for (i = 0; i < K_N + c->nenv; i++) {
		if (i >= K_N) {
			e = c->env[i - K_N];
			eq = strchr(e, '=');
			n = fmt(buf, sizeof(buf), "ENV_%.*s=", (int)(eq - e), e);
			quote(buf + n, sizeof(buf) - n - 1, eq + 1);
		} else if ((keys[i].scope & scope) == 0 ||
		    ((i == K_HEALTH_CMD || i == K_HEALTH_TCP ||
		    i == K_HEALTH_HTTP) &&
		    c->probe != PROBE_CMD_KIND + (i - K_HEALTH_CMD)))
			continue;
		else {
			n = fmt(buf, sizeof(buf), "%s=", key_name(i));
			value(c, &keys[i], buf + n, sizeof(buf) - n - 1);
		}
		n = strlen(buf);
		buf[n++] = '\n';
		write_all(1, buf, n);
	}
}
