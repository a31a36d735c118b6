/*
 * Drop-in command lines: tini (also as docker-init) and dumb-init.
 *
 * A tool's options and variables become init's own settings, handed to
 * `init --` (sv_run_dash) as overrides, so they win over INIT_* variables;
 * the tool's defaults that differ from init's (tini's own process group,
 * signals to the child only) yield to INIT_* instead.  compat_parse does
 * the whole translation without I/O, so unit tests cover every flag;
 * compat_main only prints or runs.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "supervise.h"
#include "util.h"

/* Names the binary answers to; also INIT_AS's values. */
static const struct {
	char		 name[12];
	unsigned char	 as;
} names[] = {
	{ "tini",	 AS_TINI },
	{ "tini-static", AS_TINI },
	{ "docker-init", AS_TINI },	/* what Docker's --init runs */
	{ "dumb-init",	 AS_DUMB },
};

/* TINI_VERBOSITY, as an option no command line can give. */
#define OPT_LEVEL	1

/* Variables that stand for an option, read after the command line. */
static const struct {
	unsigned char	 as;
	char		 var[24];
	char		 only[2];	/* the value that counts; "": any, even "" */
	unsigned char	 opt;
} envopts[] = {
	{ AS_TINI, "TINI_SUBREAPER",		"",	's' },
	{ AS_TINI, "TINI_KILL_PROCESS_GROUP",	"",	'g' },
	{ AS_TINI, "TINI_VERBOSITY",		"",	OPT_LEVEL },
	{ AS_DUMB, "DUMB_INIT_SETSID",		"0",	'c' },
	{ AS_DUMB, "DUMB_INIT_DEBUG",		"1",	'v' },
};

/* dumb-init's long options; as with getopt_long, a unique prefix will do. */
static const struct {
	char		 name[13];
	unsigned char	 opt;
} longs[] = {
	{ "single-child", 'c' }, { "rewrite", 'r' }, { "verbose", 'v' },
	{ "version", 'V' }, { "help", 'h' },
};

static const struct tool {
	int		 as;
	const char	*opts;		/* letters; ':' after one with a value */
	int		 permute;	/* options after the program (GNU getopt) */
	int		 longs;		/* --name options */
	int		 info_fd;	/* where -h and the version go */
	int		 bad_help;	/* a bad option prints the help too */
	const char	*version;
	const char	*usage;		/* after "Usage: NAME" */
	const char	*help;
	const char	*hint;		/* no command: after the usage; NULL: help */
} tools[] = {
	{ AS_TINI, "hslvwgp:e:", 1, 0, 1, 1,
	    "tini version " INIT_VERSION " - process-supervisor",
	    " [OPTIONS] PROGRAM -- [ARGS] | --version\n",
	    "\nRun PROGRAM as init does: reap zombies, pass signals on, exit "
	    "with its status.\n\n"
	    "Command line options:\n\n"
	    "  --version: Print the version and exit.\n"
	    "  -h: Print this help and exit.\n"
	    "  -s: Be a child subreaper (init always is one).\n"
	    "  -p SIGNAL: Get SIGNAL when the parent exits, e.g. "
	    "\"-p SIGKILL\".\n"
	    "  -v: Log more: -v info, -vv debug.\n"
	    "  -w: Warn when an orphaned process is reaped.\n"
	    "  -g: Signal the child's whole process group, not the child "
	    "alone.\n"
	    "  -e EXIT_CODE: Exit 0 when the child's status is EXIT_CODE "
	    "(0-255); repeatable.\n"
	    "  -l: Print the license and exit.\n\n"
	    "Environment variables:\n\n"
	    "  TINI_SUBREAPER: As -s.\n"
	    "  TINI_VERBOSITY: Log level: 0 errors, 1 warnings (default), "
	    "2 info, 3 debug.\n"
	    "  TINI_KILL_PROCESS_GROUP: As -g.\n"
	    "  INIT_<KEY>: Any setting of init; the options above win.\n",
	    NULL },
	{ AS_DUMB, "hvVcr:", 0, 1, 2, 0,
	    "dumb-init v" INIT_VERSION " - process-supervisor",
	    " [option] command [[arg] ...]\n",
	    "\nRun command as init does: reap zombies, pass signals on to its "
	    "process\ngroup, exit with its status.\n\n"
	    "Optional arguments:\n"
	    "   -c, --single-child   Signal the direct child only; it stays "
	    "in init's\n"
	    "                        session and process group.\n"
	    "   -r, --rewrite s:r    Pass signal s on as r (numbers or names); "
	    "r 0 drops s.\n"
	    "                        Repeatable.  TERM's r is init's "
	    "STOP_SIGNAL.\n"
	    "   -v, --verbose        Log debugging events to stderr.\n"
	    "   -h, --help           Print this help and exit.\n"
	    "   -V, --version        Print the version and exit.\n\n"
	    "DUMB_INIT_SETSID=0 is -c, DUMB_INIT_DEBUG=1 is -v; any INIT_<KEY> "
	    "setting\nof init applies too, and the options above win.\n",
	    "Run '%s --help' for the options.\n" },
};

static const char license[] =
    "MIT License\n\n"
    "Copyright (c) 2026 The process-supervisor authors\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining "
    "a copy\nof this software and associated documentation files (the "
    "\"Software\"), to deal\nin the Software without restriction, "
    "including without limitation the rights\nto use, copy, modify, "
    "merge, publish, distribute, sublicense, and/or sell\ncopies of the "
    "Software, and to permit persons to whom the Software is\nfurnished "
    "to do so, subject to the following conditions:\n\n"
    "The above copyright notice and this permission notice shall be "
    "included in all\ncopies or substantial portions of the Software.\n\n"
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, "
    "EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF "
    "MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND "
    "NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT "
    "HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, "
    "WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
    "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER "
    "DEALINGS IN THE\nSOFTWARE.\n";

/* What the options said, before it becomes settings. */
struct opts {
	const struct tool *t;
	const char	*name;		/* for messages: basename of argv[0] */
	int		 level;		/* tini's scale: 0 errors, 1 warn, 2 info, 3 debug */
	int		 leveled;	/* set by an option or variable */
	int		 group, single, warn, pdeath, term;
	unsigned char	 zero[32];	/* bit per -e exit code */
	unsigned char	 map[SIG_MAX + 1];	/* -r: signal -> signal, 0 drops */
};

/* Append to C's text, cut at its size. */
static void __attribute__((format(printf, 2, 3)))
put(struct compat *c, const char *f, ...)
{
	size_t room = sizeof(c->out) - c->len, n;
	va_list ap;

	va_start(ap, f);
	n = vfmt(c->out + c->len, room, f, ap);
	va_end(ap);
	if (n > 0)
		c->len += n < room ? n : room - 1;
}

/* C ends with ACTION: its text goes to FD, init exits with STATUS; 1. */
static int
done(struct compat *c, int action, int fd, int status)
{
	c->action = action;
	c->fd = fd;
	c->status = status;
	return 1;
}

static int
help(struct compat *c, const struct opts *o, int action, int fd, int status)
{
	put(c, "%s (%s)\nUsage: %s%s%s", o->name, o->t->version, o->name,
	    o->t->usage, o->t->help);
	return done(c, action, fd, status);
}

/* After getopt's complaint: a usage error, exit 1 for both tools. */
static int
bad_opt(struct compat *c, const struct opts *o)
{
	if (o->t->bad_help)
		return help(c, o, CA_USAGE, 2, 1);
	return done(c, CA_USAGE, 2, 1);
}

/* The value of variable PRE+NAME in ENVP, or NULL. */
static const char *
env_get(char *const *envp, const char *pre, const char *name)
{
	size_t lp = strlen(pre), ln = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, pre, lp) == 0 &&
		    strncmp(*envp + lp, name, ln) == 0 && (*envp)[lp + ln] == '=')
			return *envp + lp + ln + 1;
	return NULL;
}

/* -r s:r; NULL, or why not. */
static const char *
rewrite(struct opts *o, const char *v)
{
	const char *colon = strchr(v, ':');
	char from_s[16];
	int from = -1, to;

	if (colon != NULL && (size_t)(colon - v) < sizeof(from_s)) {
		memcpy(from_s, v, (size_t)(colon - v));
		from_s[colon - v] = '\0';
		from = sig_parse(from_s);
	}
	to = from < 0 ? -1 : strcmp(colon + 1, "0") == 0 ? 0 :
	    sig_parse(colon + 1);
	if (to < 0)
		return "not s:r (signals 1 to 64 or names; r 0 drops s)";
	/* TERM is init's stop request: what the child gets is STOP_SIGNAL. */
	if (from == SIGTERM && to != 0 && to != SIGSTOP && to != SIGCHLD) {
		o->term = to;
		return NULL;
	}
	if (from == SIGKILL || from == SIGSTOP || from == SIGCHLD ||
	    to == SIGKILL || to == SIGSTOP || to == SIGCHLD)
		return "KILL, STOP and CHLD cannot be rewritten";
	if (sig_action(from) == SIGA_STOP && to != from)
		return "TERM, INT and PWR are init's stop requests: only TERM "
		    "can be rewritten, to a signal (init's STOP_SIGNAL), and "
		    "none can be dropped";
	o->map[from] = (unsigned char)to;
	return NULL;
}

/* Apply option OPT with value V (from SRC); 0, or 1 once C is done. */
static int
apply(struct compat *c, struct opts *o, int opt, const char *src,
    const char *v)
{
	const char *why = NULL;
	long long n;

	switch (opt) {
	case 'h':
		return help(c, o, CA_HELP, o->t->info_fd, 0);
	case 'V':
		put(c, "%s\n", o->t->version);
		return done(c, CA_VERSION, o->t->info_fd, 0);
	case 'l':
		put(c, "%s", license);
		return done(c, CA_LICENSE, 1, 0);
	case 's':
		/* Not PID 1, init is always a child subreaper. */
		break;
	case 'v':
		/* dumb-init has one level of detail: everything. */
		o->level = o->t->as == AS_TINI ? o->level + 1 : 3;
		o->leveled = 1;
		break;
	case OPT_LEVEL:
		if (num_parse(v, 0, INT_MAX, &n) != NULL)
			why = "not a verbosity (0, 1, 2, 3 or more)";
		else
			o->level = (int)n;
		o->leveled = 1;
		break;
	case 'w':
		o->warn = 1;
		break;
	case 'g':
		o->group = 1;
		break;
	case 'c':
		o->single = 1;
		break;
	case 'p':
		if ((o->pdeath = sig_parse(v)) < 0)
			why = "not a signal (a name such as SIGKILL, or 1 to 64)";
		break;
	case 'e':
		if (num_parse(v, 0, 255, &n) != NULL)
			why = "not an exit code (0 to 255)";
		else
			o->zero[n / 8] |= (unsigned char)(1 << (n % 8));
		break;
	case 'r':
		why = rewrite(o, v);
		break;
	}
	if (why == NULL)
		return 0;
	put(c, "%s: %s%s%s: %s\n", o->name, src,
	    src[strlen(src) - 1] == '=' ? "" : " ", v, why);
	return done(c, CA_USAGE, 2, 1);
}

/* --name[=value] at ARGV[*I]; 0, or 1 once C is done. */
static int
scan_long(struct compat *c, struct opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i] + 2, *eq = strchr(a, '='), *v = NULL;
	size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a), j;
	int hit = -1, hits = 0;
	char src[24];

	for (j = 0; j < sizeof(longs) / sizeof(longs[0]); j++) {
		if (strncmp(a, longs[j].name, n) != 0)
			continue;
		hit = (int)j;
		if (strlen(longs[j].name) == n) {
			hits = 1;
			break;
		}
		hits++;
	}
	if (hits != 1) {
		put(c, hits == 0 ? "%s: unrecognized option '--%s'\n" :
		    "%s: option '--%s' is ambiguous\n", o->name, a);
		return bad_opt(c, o);
	}
	if (strchr(o->t->opts, longs[hit].opt)[1] == ':') {
		v = eq != NULL ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (v == NULL) {
			put(c, "%s: option '--%s' requires an argument\n",
			    o->name, longs[hit].name);
			return bad_opt(c, o);
		}
	} else if (eq != NULL) {
		put(c, "%s: option '--%s' doesn't allow an argument\n",
		    o->name, longs[hit].name);
		return bad_opt(c, o);
	}
	fmt(src, sizeof(src), "--%s", longs[hit].name);
	return apply(c, o, longs[hit].opt, src, v);
}

/*
 * The options of ARGV, as the tool's getopt reads them; the command's
 * words are moved to ARGV + 1.  0, or 1 once C is done.
 */
static int
scan(struct compat *c, struct opts *o, int argc, char **argv)
{
	const char *a, *p, *spec, *v;
	char src[3] = "-?";
	int i, k = 1;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (!o->t->permute)
				break;
			/* GNU getopt: the program and its words, options apart. */
			argv[k++] = argv[i];
			continue;
		}
		if (a[1] == '-' && o->t->longs) {
			if (scan_long(c, o, argc, argv, &i))
				return 1;
			continue;
		}
		for (p = a + 1; *p != '\0'; p++) {
			spec = *p != ':' ? strchr(o->t->opts, *p) : NULL;
			v = NULL;
			if (spec != NULL && spec[1] == ':')
				v = p[1] != '\0' ? p + 1 : i + 1 < argc ?
				    argv[++i] : NULL;
			if (spec == NULL || (spec[1] == ':' && v == NULL)) {
				put(c, "%s: %s -- '%c'\n", o->name, spec == NULL ?
				    "invalid option" : "option requires an "
				    "argument", *p);
				return bad_opt(c, o);
			}
			src[1] = *p;
			if (apply(c, o, *p, src, v))
				return 1;
			if (v != NULL)
				break;
		}
	}
	while (i < argc)
		argv[k++] = argv[i++];
	argv[k] = NULL;
	c->cmd = argv + 1;
	return 0;
}

static void
add(struct compat *c, enum key k, const char *v)
{
	if (c->nset < COMPAT_SET_MAX) {
		c->set[c->nset].key = k;
		c->set[c->nset++].value = v;
	}
}

/* A default of the tool's that differs from init's: INIT_<NAME> wins. */
static void
add_default(struct compat *c, char *const *envp, const char *name,
    const char *v)
{
	if (env_get(envp, "INIT_", name) == NULL)
		add(c, (enum key)conf_key(name, strlen(name)), v);
}

static void
settings(struct compat *c, const struct opts *o, char *const *envp)
{
	static const char *const levels[] = { "error", "warn", "info", "debug" };
	size_t n = 0;
	int i;

	/* tini: the child gets a process group of its own, in init's session. */
	if (o->t->as == AS_TINI)
		add_default(c, envp, "PROCESS_GROUP", "group");
	if (o->single)
		add(c, K_PROCESS_GROUP, "inherit");
	if (o->group)
		add(c, K_KILL_GROUP, "yes");
	else if (o->t->as == AS_TINI)
		add_default(c, envp, "KILL_GROUP", "no");
	if (o->leveled)
		add(c, K_LOG_LEVEL, levels[o->level < 3 ? o->level : 3]);
	if (o->warn)
		add(c, K_WARN_ON_REAP, "yes");
	if (o->pdeath > 0) {
		fmt(c->pdeath, sizeof(c->pdeath), "%d", o->pdeath);
		add(c, K_PARENT_DEATH_SIGNAL, c->pdeath);
	}
	if (o->term > 0 && o->term != SIGTERM) {
		fmt(c->stop, sizeof(c->stop), "%d", o->term);
		add(c, K_STOP_SIGNAL, c->stop);
	}
	for (i = 0; i < 256; i++)
		if (o->zero[i / 8] & (1 << (i % 8)))
			n += fmt(c->zero + n, sizeof(c->zero) - n, "%s%d",
			    n > 0 ? " " : "", i);
	if (n > 0)
		add(c, K_EXIT_AS_ZERO, c->zero);
	n = 0;
	for (i = 1; i <= SIG_MAX; i++)
		if (o->map[i] != i)
			n += fmt(c->map + n, sizeof(c->map) - n, "%s%d:%d",
			    n > 0 ? " " : "", i, o->map[i]);
	if (n > 0)
		add(c, K_SIGNAL_MAP, c->map);
}

int
compat_as(const char *argv0, const char *init_as)
{
	const char *base;
	size_t i;

	if (init_as != NULL && *init_as != '\0')
		base = init_as;
	else if (argv0 != NULL)
		base = strrchr(argv0, '/') != NULL ? strrchr(argv0, '/') + 1 :
		    argv0;
	else
		return AS_NONE;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(base, names[i].name) == 0)
			return names[i].as;
	return base == init_as ? AS_BAD : AS_NONE;
}

void
compat_parse(struct compat *c, int as, int argc, char **argv,
    char *const *envp)
{
	struct opts o;
	const char *v;
	char src[32];
	size_t i;

	memset(c, 0, sizeof(*c));
	memset(&o, 0, sizeof(o));
	if (as != AS_TINI && as != AS_DUMB) {
		put(c, "init: INIT_AS=%s: not tini, docker-init or dumb-init\n",
		    (v = env_get(envp, "INIT_AS", "")) != NULL ? v : "");
		done(c, CA_USAGE, 2, 2);
		return;
	}
	o.t = &tools[as == AS_TINI ? 0 : 1];
	o.name = "init";
	if (argc > 0 && argv[0] != NULL)
		o.name = strrchr(argv[0], '/') != NULL ?
		    strrchr(argv[0], '/') + 1 : argv[0];
	o.level = 1;	/* warnings, init --'s default too */
	for (i = 0; i <= SIG_MAX; i++)
		o.map[i] = (unsigned char)i;
	/* tini takes --version only when it is all there is. */
	if (as == AS_TINI && argc == 2 && strcmp(argv[1], "--version") == 0) {
		apply(c, &o, 'V', "", NULL);
		return;
	}
	if (argc >= 2 && scan(c, &o, argc, argv))
		return;
	if (argc < 2 || c->cmd[0] == NULL) {
		if (o.t->hint == NULL) {
			help(c, &o, CA_USAGE, 2, 1);
			return;
		}
		put(c, "Usage: %s%s", o.name, o.t->usage);
		put(c, o.t->hint, o.name);
		done(c, CA_USAGE, 2, 1);
		return;
	}
	for (i = 0; i < sizeof(envopts) / sizeof(envopts[0]); i++) {
		if (envopts[i].as != as ||
		    (v = env_get(envp, envopts[i].var, "")) == NULL ||
		    (envopts[i].only[0] != '\0' &&
		    strcmp(v, envopts[i].only) != 0))
			continue;
		fmt(src, sizeof(src), "%s=", envopts[i].var);
		if (apply(c, &o, envopts[i].opt, src, v))
			return;
	}
	settings(c, &o, envp);
	c->action = CA_RUN;
}

int
compat_wanted(const char *argv0)
{
	return compat_as(argv0, getenv("INIT_AS")) != AS_NONE;
}

int
compat_main(int argc, char **argv, struct confset *cs, sigbits orig)
{
	static struct compat c;	/* a few KiB: keep it off the stack */
	extern char **environ;

	compat_parse(&c, compat_as(argc > 0 ? argv[0] : NULL,
	    getenv("INIT_AS")), argc, argv, environ);
	if (c.action == CA_RUN)
		return sv_run_dash(cs, c.set, c.nset, c.cmd, orig);
	write_all(c.fd, c.out, c.len);
	return c.status;
}
