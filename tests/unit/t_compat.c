/* compat.c: tini's and dumb-init's command lines and variables, translated. */
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "unit.h"


static struct compat c;

/* Parse ARGV (NULL-terminated) for AS with the environment ENV. */
static const struct compat *
parse(int as, char **argv, char **env)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	compat_parse(&c, as, argc, argv, env);
	return &c;
}

/* The value given to key K, or NULL. */
static const char *
val(enum key k)
{
	int i;

	for (i = 0; i < c.nset; i++)
		if (c.set[i].key == k)
			return c.set[i].value;
	return NULL;
}

/* Whether the text to print holds S. */
static int
says(const char *s)
{
	return c.len < sizeof(c.out) && c.out[c.len] == '\0' &&
	    strstr(c.out, s) != NULL;
}

static char *noenv[] = { NULL };

static void
names(void)
{
	CHECK_INT(compat_as("tini", NULL), AS_TINI);
	CHECK_INT(compat_as("/usr/bin/tini", NULL), AS_TINI);
	CHECK_INT(compat_as("/sbin/docker-init", NULL), AS_TINI);
	CHECK_INT(compat_as("tini-static", NULL), AS_TINI);
	CHECK_INT(compat_as("./dumb-init", NULL), AS_DUMB);
	CHECK_INT(compat_as("/init", NULL), AS_NONE);
	/* podman's --init runs /run/podman-init -- CMD: init's own `--`. */
	CHECK_INT(compat_as("/run/podman-init", NULL), AS_NONE);
	CHECK_INT(compat_as("tini.sh", NULL), AS_NONE);
	CHECK_INT(compat_as(NULL, NULL), AS_NONE);
	/* INIT_AS wins over the name; empty is unset; anything else is wrong. */
	CHECK_INT(compat_as("/init", "tini"), AS_TINI);
	CHECK_INT(compat_as("/init", "dumb-init"), AS_DUMB);
	CHECK_INT(compat_as("tini", "dumb-init"), AS_DUMB);
	CHECK_INT(compat_as("/init", ""), AS_NONE);
	CHECK_INT(compat_as("/init", "catatonit"), AS_BAD);
	CHECK_INT(compat_as(NULL, "tini"), AS_TINI);
}

static void
bad_init_as(void)
{
	char *argv[] = { "/init", "--", "x", NULL };
	char *env[] = { "INIT_AS=tiny", NULL };

	parse(AS_BAD, argv, env);
	CHECK_INT(c.action, CA_USAGE);
	CHECK_INT(c.status, 2);
	CHECK_INT(c.fd, 2);
	CHECK(says("INIT_AS=tiny: not tini, docker-init or dumb-init"));
}

static void
tini_defaults(void)
{
	char *argv[] = { "tini", "--", "/app", "-x", NULL };
	char *env[] = { "INIT_PROCESS_GROUP=session", "INIT_KILL_GROUP=yes",
	    NULL };

	parse(AS_TINI, argv, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_STR(c.cmd[0], "/app");
	CHECK_STR(c.cmd[1], "-x");
	CHECK(c.cmd[2] == NULL);
	/* tini: own process group, signals to the child alone; no more. */
	CHECK_INT(c.nset, 2);
	CHECK_STR(val(K_PROCESS_GROUP), "group");
	CHECK_STR(val(K_KILL_GROUP), "no");
	/* Its defaults yield to INIT_*. */
	parse(AS_TINI, (char *[]){ "tini", "--", "/app", NULL }, env);
	CHECK_INT(c.action, CA_RUN);
	CHECK_INT(c.nset, 0);
}

static void
tini_group(void)
{
	char *env[] = { "TINI_KILL_PROCESS_GROUP=", NULL };
	char *envy[] = { "INIT_KILL_GROUP=no", NULL };

	parse(AS_TINI, (char *[]){ "tini", "-g", "--", "a", NULL }, noenv);
	CHECK_STR(val(K_KILL_GROUP), "yes");
	/* Set at all, even empty, as tini reads it. */
	parse(AS_TINI, (char *[]){ "tini", "--", "a", NULL }, env);
	CHECK_STR(val(K_KILL_GROUP), "yes");
	/* The option wins over INIT_*. */
	parse(AS_TINI, (char *[]){ "tini", "-g", "a", NULL }, envy);
	CHECK_STR(val(K_KILL_GROUP), "yes");
}

static void
tini_verbosity(void)
{
	char *e0[] = { "TINI_VERBOSITY=0", NULL };
	char *e2[] = { "TINI_VERBOSITY=2", NULL };
	char *bad[] = { "TINI_VERBOSITY=loud", NULL };

	parse(AS_TINI, (char *[]){ "tini", "a", NULL }, noenv);
	CHECK(val(K_LOG_LEVEL) == NULL);
	parse(AS_TINI, (char *[]){ "tini", "-v", "a", NULL }, noenv);
	CHECK_STR(val(K_LOG_LEVEL), "info");
	parse(AS_TINI, (char *[]){ "tini", "-vv", "a", NULL }, noenv);
	CHECK_STR(val(K_LOG_LEVEL), "debug");
	parse(AS_TINI, (char *[]){ "tini", "-v", "-v", "-v", "a", NULL }, noenv);
	CHECK_STR(val(K_LOG_LEVEL), "debug");
	parse(AS_TINI, (char *[]){ "tini", "a", NULL }, e0);
	CHECK_STR(val(K_LOG_LEVEL), "error");
	/* tini reads TINI_VERBOSITY last: it sets the level, -v or not. */
	parse(AS_TINI, (char *[]){ "tini", "-vv", "a", NULL }, e2);
	CHECK_STR(val(K_LOG_LEVEL), "info");
	parse(AS_TINI, (char *[]){ "tini", "a", NULL }, bad);
	CHECK_INT(c.action, CA_USAGE);
	CHECK_INT(c.status, 1);
	CHECK(says("tini: TINI_VERBOSITY=loud: not a verbosity"));
}

static void
tini_exit_codes(void)
{
	parse(AS_TINI, (char *[]){ "tini", "-e", "143", "-e0", "-e", "143",
	    "--", "a", NULL }, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_STR(val(K_EXIT_AS_ZERO), "0 143");
	parse(AS_TINI, (char *[]){ "tini", "-e", "256", "a", NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
	CHECK_INT(c.status, 1);
	CHECK(says("tini: -e 256: not an exit code (0 to 255)"));
	parse(AS_TINI, (char *[]){ "tini", "-e", "1x", "a", NULL }, noenv);
	CHECK_INT(c.status, 1);
	parse(AS_TINI, (char *[]){ "tini", "a", "-e", NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
	CHECK(says("tini: option requires an argument -- 'e'\n"));
	CHECK(says("Usage: tini [OPTIONS] PROGRAM -- [ARGS] | --version"));
}

static void
tini_pdeath_warn(void)
{
	parse(AS_TINI, (char *[]){ "tini", "-p", "SIGKILL", "-w", "-s", "a",
	    NULL }, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_STR(val(K_PARENT_DEATH_SIGNAL), "9");
	CHECK_STR(val(K_WARN_ON_REAP), "yes");
	/* -s: init is always a subreaper; nothing to set. */
	CHECK_INT(c.nset, 4);
	parse(AS_TINI, (char *[]){ "tini", "-pSIGUSR1", "a", NULL }, noenv);
	CHECK_STR(val(K_PARENT_DEATH_SIGNAL), "10");
	parse(AS_TINI, (char *[]){ "tini", "-p", "SIGNOPE", "a", NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
	CHECK_INT(c.status, 1);
	CHECK(says("tini: -p SIGNOPE: not a signal"));
}

static void
tini_permutes(void)
{
	/* GNU getopt: options anywhere before "--", the program's words kept. */
	parse(AS_TINI, (char *[]){ "tini", "/app", "-g", "arg", "--", "-v",
	    "--", NULL }, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_STR(val(K_KILL_GROUP), "yes");
	CHECK(val(K_LOG_LEVEL) == NULL);
	CHECK_STR(c.cmd[0], "/app");
	CHECK_STR(c.cmd[1], "arg");
	CHECK_STR(c.cmd[2], "-v");
	CHECK_STR(c.cmd[3], "--");
	CHECK(c.cmd[4] == NULL);
	/* Letters cluster; "-" alone is a word. */
	parse(AS_TINI, (char *[]){ "tini", "-swgv", "-", NULL }, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_STR(c.cmd[0], "-");
	CHECK_STR(val(K_LOG_LEVEL), "info");
	CHECK_STR(val(K_WARN_ON_REAP), "yes");
}

static void
tini_texts(void)
{
	parse(AS_TINI, (char *[]){ "tini", "--version", NULL }, noenv);
	CHECK_INT(c.action, CA_VERSION);
	CHECK_INT(c.fd, 1);
	CHECK_INT(c.status, 0);
	/* Docker's `info` reads "tini version V - ...". */
	CHECK(strncmp(c.out, "tini version " INIT_VERSION " - ", 16) == 0);
	/* Only alone: else it is "-", "-", "v"... to getopt. */
	parse(AS_TINI, (char *[]){ "tini", "--version", "a", NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
	CHECK(says("tini: invalid option -- '-'\n"));
	parse(AS_TINI, (char *[]){ "/sbin/docker-init", "-h", NULL }, noenv);
	CHECK_INT(c.action, CA_HELP);
	CHECK_INT(c.fd, 1);
	CHECK_INT(c.status, 0);
	CHECK(strncmp(c.out, "docker-init (tini version ", 26) == 0);
	CHECK(says("TINI_KILL_PROCESS_GROUP"));
	parse(AS_TINI, (char *[]){ "tini", "-l", NULL }, noenv);
	CHECK_INT(c.action, CA_LICENSE);
	CHECK_INT(c.fd, 1);
	CHECK(strncmp(c.out, "MIT License\n", 12) == 0);
	/* The first of -h and a bad option decides. */
	parse(AS_TINI, (char *[]){ "tini", "-x", "-h", NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
	CHECK_INT(c.fd, 2);
	CHECK_INT(c.status, 1);
	CHECK(strncmp(c.out, "tini: invalid option -- 'x'\ntini (", 34) == 0);
}

static void
tini_no_command(void)
{
	char **a, *lists[][3] = {
		{ "tini", NULL }, { "tini", "--", NULL }, { "tini", "-s", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		a = lists[i];
		parse(AS_TINI, a, noenv);
		CHECK_INT(c.action, CA_USAGE);
		CHECK_INT(c.status, 1);
		CHECK_INT(c.fd, 2);
		CHECK(says("Usage: tini [OPTIONS]"));
	}
	/* No argv at all (execve with an empty one) is no command either. */
	compat_parse(&c, AS_TINI, 0, (char *[]){ NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
	CHECK(says("Usage: init [OPTIONS]"));
}

static void
dumb_defaults(void)
{
	char *e0[] = { "DUMB_INIT_SETSID=0", "DUMB_INIT_DEBUG=1", NULL };
	char *e1[] = { "DUMB_INIT_SETSID=1", "DUMB_INIT_DEBUG=yes", NULL };

	/* setsid and the whole group: init's own defaults. */
	parse(AS_DUMB, (char *[]){ "dumb-init", "/app", "-c", NULL }, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_INT(c.nset, 0);
	/* Options end at the program. */
	CHECK_STR(c.cmd[0], "/app");
	CHECK_STR(c.cmd[1], "-c");
	parse(AS_DUMB, (char *[]){ "dumb-init", "--", "-c", NULL }, noenv);
	CHECK_STR(c.cmd[0], "-c");
	CHECK_INT(c.nset, 0);
	parse(AS_DUMB, (char *[]){ "dumb-init", "a", NULL }, e0);
	CHECK_STR(val(K_PROCESS_GROUP), "inherit");
	CHECK_STR(val(K_LOG_LEVEL), "debug");
	/* Only "0" and "1" count, as in dumb-init. */
	parse(AS_DUMB, (char *[]){ "dumb-init", "a", NULL }, e1);
	CHECK_INT(c.action, CA_RUN);
	CHECK_INT(c.nset, 0);
}

static void
dumb_options(void)
{
	parse(AS_DUMB, (char *[]){ "dumb-init", "-cv", "a", NULL }, noenv);
	CHECK_STR(val(K_PROCESS_GROUP), "inherit");
	CHECK_STR(val(K_LOG_LEVEL), "debug");
	CHECK(val(K_KILL_GROUP) == NULL);
	parse(AS_DUMB, (char *[]){ "dumb-init", "--single-child", "--verbose",
	    "a", NULL }, noenv);
	CHECK_STR(val(K_PROCESS_GROUP), "inherit");
	CHECK_STR(val(K_LOG_LEVEL), "debug");
	/* getopt_long: a unique prefix is the option. */
	parse(AS_DUMB, (char *[]){ "dumb-init", "--sing", "--verb", "a", NULL },
	    noenv);
	CHECK_STR(val(K_PROCESS_GROUP), "inherit");
	CHECK_STR(val(K_LOG_LEVEL), "debug");
}

static void
dumb_rewrite(void)
{
	parse(AS_DUMB, (char *[]){ "dumb-init", "-r", "1:0", "-r10:12",
	    "--rewrite=WINCH:0", "--rewrite", "SIGUSR2:HUP", "a", NULL }, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_STR(val(K_SIGNAL_MAP), "1:0 10:12 12:1 28:0");
	CHECK(val(K_STOP_SIGNAL) == NULL);
	/* Again for the same signal: the last one counts. */
	parse(AS_DUMB, (char *[]){ "dumb-init", "-r", "1:0", "-r", "1:10",
	    "-r", "3:3", "a", NULL }, noenv);
	CHECK_STR(val(K_SIGNAL_MAP), "1:10");
	/* TERM is a stop request: what the child gets is STOP_SIGNAL. */
	parse(AS_DUMB, (char *[]){ "dumb-init", "-r", "15:3", "a", NULL }, noenv);
	CHECK_STR(val(K_STOP_SIGNAL), "3");
	CHECK(val(K_SIGNAL_MAP) == NULL);
	parse(AS_DUMB, (char *[]){ "dumb-init", "-r", "15:3", "-r", "15:15",
	    "a", NULL }, noenv);
	CHECK_INT(c.action, CA_RUN);
	CHECK_INT(c.nset, 0);
}

static void
dumb_rewrite_refused(void)
{
	static const struct {
		char		*arg;
		const char	*why;
	} bad[] = {
		{ "15", "not s:r" },
		{ "99:1", "not s:r" },
		{ "1:x", "not s:r" },
		{ ":1", "not s:r" },
		{ "1:2:3", "not s:r" },
		{ "15:0", "stop requests" },
		{ "2:3", "stop requests" },
		{ "30:0", "stop requests" },
		{ "9:1", "KILL, STOP and CHLD" },
		{ "1:19", "KILL, STOP and CHLD" },
		{ "17:0", "KILL, STOP and CHLD" },
	};
	char msg[80];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(AS_DUMB, (char *[]){ "dumb-init", "-r", bad[i].arg, "a",
		    NULL }, noenv);
		CHECK_INT(c.action, CA_USAGE);
		CHECK_INT(c.status, 1);
		CHECK_INT(c.fd, 2);
		snprintf(msg, sizeof(msg), "dumb-init: -r %s: ", bad[i].arg);
		if (!says(msg) || !says(bad[i].why))
			unit_fail(__FILE__, __LINE__, "-r %s says \"%s\"",
			    bad[i].arg, c.out);
	}
}

static void
dumb_bad_options(void)
{
	static const struct {
		char		*arg;
		const char	*says;
	} bad[] = {
		{ "-x", "dumb-init: invalid option -- 'x'\n" },
		{ "-r", "dumb-init: option requires an argument -- 'r'\n" },
		{ "--foo", "dumb-init: unrecognized option '--foo'\n" },
		{ "--ver", "dumb-init: option '--ver' is ambiguous\n" },
		{ "--help=1", "dumb-init: option '--help' doesn't allow an "
		    "argument\n" },
		{ "--rewrite", "dumb-init: option '--rewrite' requires an "
		    "argument\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(AS_DUMB, (char *[]){ "dumb-init", bad[i].arg, NULL }, noenv);
		CHECK_INT(c.action, CA_USAGE);
		CHECK_INT(c.status, 1);
		CHECK_INT(c.fd, 2);
		/* dumb-init says what is wrong and nothing more. */
		CHECK_STR(c.out, bad[i].says);
	}
}

static void
dumb_texts(void)
{
	parse(AS_DUMB, (char *[]){ "dumb-init", "--help", NULL }, noenv);
	CHECK_INT(c.action, CA_HELP);
	CHECK_INT(c.fd, 2);
	CHECK_INT(c.status, 0);
	CHECK(says("Usage: dumb-init [option] command [[arg] ...]\n"));
	CHECK(says("--single-child"));
	parse(AS_DUMB, (char *[]){ "dumb-init", "-V", NULL }, noenv);
	CHECK_INT(c.action, CA_VERSION);
	CHECK_INT(c.fd, 2);
	CHECK_STR(c.out, "dumb-init v" INIT_VERSION " - process-supervisor\n");
	parse(AS_DUMB, (char *[]){ "/usr/bin/dumb-init", NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
	CHECK_INT(c.status, 1);
	CHECK_STR(c.out, "Usage: dumb-init [option] command [[arg] ...]\n"
	    "Run 'dumb-init --help' for the options.\n");
	/* tini's letters mean nothing here. */
	parse(AS_DUMB, (char *[]){ "dumb-init", "-g", "a", NULL }, noenv);
	CHECK_INT(c.action, CA_USAGE);
}

const struct unit compat_units[] = {
	{ "names and INIT_AS select the tool", names },
	{ "a wrong INIT_AS is a usage error (2)", bad_init_as },
	{ "tini: own process group, child alone; INIT_* wins over that",
	    tini_defaults },
	{ "tini: -g and TINI_KILL_PROCESS_GROUP signal the group", tini_group },
	{ "tini: -v levels and TINI_VERBOSITY", tini_verbosity },
	{ "tini: -e codes become EXIT_AS_ZERO; bad ones exit 1",
	    tini_exit_codes },
	{ "tini: -p, -w, -s", tini_pdeath_warn },
	{ "tini: options anywhere before --, as GNU getopt", tini_permutes },
	{ "tini: --version, -h, -l and bad options", tini_texts },
	{ "tini: no command prints the help and exits 1", tini_no_command },
	{ "dumb-init: init's defaults; options end at the program; "
	    "DUMB_INIT_*", dumb_defaults },
	{ "dumb-init: -c, -v and long options", dumb_options },
	{ "dumb-init: -r becomes SIGNAL_MAP, TERM's STOP_SIGNAL", dumb_rewrite },
	{ "dumb-init: -r that init cannot do is refused (1)",
	    dumb_rewrite_refused },
	{ "dumb-init: bad options say what, exit 1", dumb_bad_options },
	{ "dumb-init: --help, -V and no command", dumb_texts },
	{ NULL, NULL },
};
