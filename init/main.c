/*
 * init: a tiny PID 1 and process supervisor for containers.
 * main.c blocks signals first, then dispatches the command line.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "conf.h"
#include "bounds.h"
#include "sig.h"
#include "status.h"
#include "supervise.h"
#include "tail.h"
#include "util.h"

#ifdef INIT_SANITIZE
/*
 * The ASan+UBSan test build only.  init allocates nothing on the heap
 * (mmap only), so LeakSanitizer has nothing to find, and it cannot run
 * without /proc or under ptrace, which tests do on purpose.  Compiled in:
 * without /proc, ASan cannot read options from the environment either.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static const char usage_text[] =
    "usage: init start CONF|DIR|CONF... [-- CMD [ARG...]]  supervise the services\n"
    "       init -- CMD [ARG...]                supervise CMD, no config file\n"
    "       init check CONF|DIR|CONF...         validate, print the settings\n"
    "       init status CONF|DIR [SERVICE] [--json]   is it running? how?\n"
    "       init health CONF|DIR [SERVICE]      0 healthy, 1 not, 3 not running\n"
    "       init stop CONF|DIR [--timeout SECONDS]    stop a running supervisor\n"
    "       init restart|down|up CONF|DIR SERVICE     control one service\n"
    "       init tail CONF|DIR [SERVICE] [-n N] [-f]  show (and follow) a log\n"
    "       init --version | --help\n"
    "Every setting can also come from the environment as INIT_<KEY>\n"
    "(INIT_<SERVICE>_<KEY> with several services).\n";

static int
usage(const char *why)
{
	if (why != NULL)
		warnx("%s", why);
	write_all(2, usage_text, sizeof(usage_text) - 1);
	return 2;
}

/* Load every service or exit 2: nothing starts with a bad configuration. */
static void
load(struct confset *cs, char **paths, int n, char **cmd)
{
	int e = conf_load_set(cs, paths, n, cmd);

	if (e > 0)
		diex(2, "%d problem%s in the configuration; nothing started",
		    e, e == 1 ? "" : "s");
}

/* Config paths: argv[FROM] up to "--" or an option; how many. */
static int
paths(int argc, char **argv, int from)
{
	int i;

	for (i = from; i < argc && strcmp(argv[i], "--") != 0 &&
	    argv[i][0] != '-'; i++)
		;
	return i - from;
}

static int
cmd_start(int argc, char **argv, struct confset *cs, sigbits orig)
{
	char **cmd = NULL;
	int n = paths(argc, argv, 2);

	if (n == 0)
		return usage("start: missing the config file or directory");
	if (2 + n < argc) {
		if (strcmp(argv[2 + n], "--") != 0 || 3 + n == argc)
			return usage("start: expected CONF [-- CMD [ARG...]]");
		cmd = argv + 3 + n;
	}
	load(cs, argv + 2, n, cmd);
	return sv_run(cs, orig);
}

static int
cmd_dash(int argc, char **argv, struct confset *cs, sigbits orig)
{
	if (argc < 3)
		return usage("--: missing the command to run");
	return sv_run_dash(cs, NULL, 0, argv + 2, orig);
}

static int
cmd_check(int argc, char **argv, struct confset *cs, sigbits orig)
{
	int n = paths(argc, argv, 2), i, k;

	(void)orig;
	if (n == 0 || 2 + n != argc)
		return usage("check: expected CONF, DIR or CONF...");
	load(cs, argv + 2, n, NULL);
	if (!cs->multi) {
		conf_print(&cs->svc[0], PRINT_ALL);
		return 0;
	}
	say("# init (%s)\n", cs->top->path != NULL ? cs->top->path :
	    "no init.conf: defaults");
	conf_print(cs->top, PRINT_TOP);
	for (k = 0; k < cs->n; k++) {
		i = cs->order[k];
		say("\n# %s (%s)\n", cs->svc[i].name, cs->svc[i].path);
		conf_print(&cs->svc[i], PRINT_SVC);
	}
	return 0;
}

/* CONF|DIR [SERVICE] [FLAGS...]: load what a client command names. */
static int
client_load(struct confset *cs, int argc, char **argv, const char **svc)
{
	int n = paths(argc, argv, 2);

	*svc = NULL;
	if (n == 0)
		return -1;
	/* A second word that is no file is a SERVICE name. */
	if (n >= 2 && access(argv[2 + n - 1], F_OK) < 0) {
		*svc = argv[2 + n - 1];
		n--;
	}
	return conf_load_set(cs, argv + 2, n, NULL) > 0 ? -2 : 2 + n +
	    (*svc != NULL);
}

static int
cmd_status(int argc, char **argv, struct confset *cs, sigbits orig)
{
	const char *svc;
	int next, json = 0;

	(void)orig;
	next = client_load(cs, argc, argv, &svc);
	if (next == -1)
		return usage("status: expected CONF|DIR [SERVICE] [--json]");
	/* LSB: status reports problems with 4, not 2. */
	if (next == -2)
		return 4;
	for (; next < argc; next++) {
		if (strcmp(argv[next], "--json") != 0)
			return usage("status: expected CONF|DIR [SERVICE] [--json]");
		json = 1;
	}
	return st_status(cs, svc, json);
}

static int
cmd_health(int argc, char **argv, struct confset *cs, sigbits orig)
{
	const char *svc;
	int next;

	(void)orig;
	next = client_load(cs, argc, argv, &svc);
	if (next == -2)
		return 4;
	if (next != argc)
		return usage("health: expected CONF|DIR [SERVICE]");
	return st_health(cs, svc);
}

static int
cmd_stop(int argc, char **argv, struct confset *cs, sigbits orig)
{
	long long timeout = -1;
	const char *why;
	int n = paths(argc, argv, 2);

	(void)orig;
	if (n == 0)
		return usage("stop: expected CONF|DIR [--timeout SECONDS]");
	if (2 + n + 2 == argc && strcmp(argv[2 + n], "--timeout") == 0) {
		why = secs_parse(argv[3 + n], 0, 86400 * 1000LL, &timeout);
		if (why != NULL) {
			warnx("stop: --timeout \"%s\" %s", argv[3 + n], why);
			return 2;
		}
	} else if (2 + n != argc)
		return usage("stop: expected CONF|DIR [--timeout SECONDS]");
	load(cs, argv + 2, n, NULL);
	return st_stop(cs, timeout);
}

static int
cmd_control(int argc, char **argv, struct confset *cs, sigbits orig)
{
	const char *svc;
	int next;

	(void)orig;
	next = client_load(cs, argc, argv, &svc);
	if (next == -1 || svc == NULL || (next >= 0 && next != argc)) {
		warnx("%s: expected CONF|DIR SERVICE", argv[1]);
		return usage(NULL);
	}
	if (next == -2)
		return 2;
	return st_control(cs, argv[1], svc);
}

static int
cmd_tail(int argc, char **argv, struct confset *cs, sigbits orig)
{
	const char *svc;
	long long n = 10;
	int i, follow = 0;

	i = client_load(cs, argc, argv, &svc);
	if (i == -1)
		return usage("tail: expected CONF|DIR [SERVICE] [-n N] [-f]");
	if (i == -2)
		return 2;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0)
			follow = 1;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc &&
		    num_parse(argv[i + 1], 0, 1000000000, &n) == NULL)
			i++;
		else
			return usage("tail: expected CONF|DIR [SERVICE] [-n N] [-f]");
	}
	/* A client, not PID 1: Ctrl-C must end it. */
	sig_setmask(orig);
	return tail_run(cs, svc, n, follow);
}

static const struct {
	const char	*name;
	int		(*run)(int, char **, struct confset *, sigbits);
} cmds[] = {
	{ "start",	cmd_start },
	{ "--",		cmd_dash },
	{ "check",	cmd_check },
	{ "status",	cmd_status },
	{ "health",	cmd_health },
	{ "stop",	cmd_stop },
	{ "restart",	cmd_control },
	{ "down",	cmd_control },
	{ "up",		cmd_control },
	{ "tail",	cmd_tail },
};

/* A closed 0, 1 or 2 would be taken by the next open: make it /dev/null. */
static void
fill_std(void)
{
	int fd;

	while ((fd = fd_open(AT_FDCWD, "/dev/null", O_RDWR, 0)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

int
main(int argc, char **argv)
{
	static struct confset cs;	/* large: keep it off the stack */
	sigbits orig;
	size_t i;

	/*
	 * First thing: a signal sent to a namespace's PID 1 before it blocks
	 * or handles it is dropped by the kernel; a signal that kills by
	 * default would end init anywhere else.
	 */
	sig_block_all(&orig);
	fill_std();

	if (compat_wanted(argv[0]))
		return compat_main(argc, argv, &cs, orig);
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
			return cmds[i].run(argc, argv, &cs, orig);
	warnx("unknown command '%s'", argv[1]);
	return usage(NULL);
}
