/*
 * init: a tiny PID 1 and process supervisor for containers.
 * main.c blocks signals first, then dispatches the command line.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "limits.h"
#include "sig.h"
#include "status.h"
#include "supervise.h"
#include "tail.h"
#include "util.h"

static const char usage_text[] =
    "usage: init start CONF [-- CMD [ARG...]]   supervise CONF's command\n"
    "       init -- CMD [ARG...]                supervise CMD, no config file\n"
    "       init check CONF                     validate CONF, print settings\n"
    "       init status CONF [--json]           is it running? (LSB exit codes)\n"
    "       init stop CONF [--timeout SECONDS]  stop a running supervisor\n"
    "       init tail CONF [-n N] [-f]          show (and follow) the log file\n"
    "       init --version | --help\n"
    "Every setting can also come from the environment as INIT_<KEY>.\n";

static int
usage(const char *why)
{
	if (why != NULL)
		warnx("%s", why);
	write_all(2, usage_text, sizeof(usage_text) - 1);
	return 2;
}

/* Load settings or exit 2: nothing starts with a bad configuration. */
static void
load(struct conf *c, int mode, const char *path, char **argv)
{
	int n = conf_load(c, mode, path, argv);

	if (n > 0)
		diex(2, "%d problem%s in the configuration; nothing started",
		    n, n == 1 ? "" : "s");
}

static int
cmd_start(int argc, char **argv, struct conf *c, const sigset_t *orig)
{
	char **cmd = NULL;

	if (argc < 3)
		return usage("start: missing the config file");
	if (argc > 3) {
		if (strcmp(argv[3], "--") != 0 || argc == 4)
			return usage("start: expected CONF [-- CMD [ARG...]]");
		cmd = argv + 4;
	}
	load(c, MODE_START, argv[2], cmd);
	return sv_run(c, orig);
}

static int
cmd_dash(int argc, char **argv, struct conf *c, const sigset_t *orig)
{
	if (argc < 3)
		return usage("--: missing the command to run");
	load(c, MODE_DASH, NULL, argv + 2);
	return sv_run(c, orig);
}

static int
cmd_check(int argc, char **argv, struct conf *c, const sigset_t *orig)
{
	(void)orig;
	if (argc != 3)
		return usage("check: expected one config file");
	load(c, MODE_START, argv[2], NULL);
	conf_print(c);
	return 0;
}

static int
cmd_status(int argc, char **argv, struct conf *c, const sigset_t *orig)
{
	int json = argc == 4 && strcmp(argv[3], "--json") == 0;

	(void)orig;
	if (argc < 3 || (argc > 3 && !json))
		return usage("status: expected CONF [--json]");
	/* LSB: status reports problems with 4, not 2. */
	if (conf_load(c, MODE_START, argv[2], NULL) > 0)
		return 4;
	return st_status(c, json);
}

static int
cmd_stop(int argc, char **argv, struct conf *c, const sigset_t *orig)
{
	long long timeout = -1;
	const char *why;

	(void)orig;
	if (argc == 5 && strcmp(argv[3], "--timeout") == 0) {
		why = secs_parse(argv[4], 0, 86400 * 1000LL, &timeout);
		if (why != NULL) {
			warnx("stop: --timeout \"%s\" %s", argv[4], why);
			return 2;
		}
	} else if (argc != 3)
		return usage("stop: expected CONF [--timeout SECONDS]");
	load(c, MODE_START, argv[2], NULL);
	return st_stop(c, timeout >= 0 ? timeout : c->stop_timeout + 5000);
}

static int
cmd_tail(int argc, char **argv, struct conf *c, const sigset_t *orig)
{
	long long n = 10;
	int i, follow = 0;

	if (argc < 3)
		return usage("tail: missing the config file");
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0)
			follow = 1;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc &&
		    num_parse(argv[i + 1], 0, 1000000000, &n) == NULL)
			i++;
		else
			return usage("tail: expected CONF [-n N] [-f]");
	}
	load(c, MODE_START, argv[2], NULL);
	/* A client, not PID 1: Ctrl-C must end it. */
	sigprocmask(SIG_SETMASK, orig, NULL);
	return tail_run(c, n, follow);
}

static const struct {
	const char	*name;
	int		(*run)(int, char **, struct conf *, const sigset_t *);
} cmds[] = {
	{ "start",	cmd_start },
	{ "--",		cmd_dash },
	{ "check",	cmd_check },
	{ "status",	cmd_status },
	{ "stop",	cmd_stop },
	{ "tail",	cmd_tail },
};

int
main(int argc, char **argv)
{
	static struct conf c;	/* large: keep it off the stack */
	sigset_t all, orig;
	size_t i;

	/*
	 * First thing: a signal sent to a namespace's PID 1 before it blocks
	 * or handles it is dropped by the kernel.
	 */
	sig_blockable(&all);
	sigprocmask(SIG_BLOCK, &all, &orig);

	if (argc < 2)
		return usage(NULL);
	if (strcmp(argv[1], "--version") == 0) {
		write_all(1, "init " INIT_VERSION "\n", sizeof(INIT_VERSION) + 5);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		write_all(1, usage_text, sizeof(usage_text) - 1);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc, argv, &c, &orig);
	warnx("unknown command '%s'", argv[1]);
	return usage(NULL);
}
