/*
 * siglat - signal forwarding latency through an init (make bench).
 *
 * usage: siglat [-n N] [-1] CMD [ARG...] [:: CMD [ARG...]]...
 *
 * Each CMD is an init running bench/sigack, whose stdout is a pipe to this
 * program: sigack writes 8 zero bytes when ready and its CLOCK_MONOTONIC ns
 * on every SIGUSR1.  All CMDs start together; then N rounds, each sending
 * one SIGUSR1 to every init in turn (interleaved) and reading the child's
 * timestamp: latency = handler time - time just before kill(2).
 *   -1  CMD is `unshare --pid --fork ... INIT ...`: the signal goes to the
 *       child of the started process, the namespace's PID 1.
 * Ends every init with SIGTERM (SIGKILL after 5 s).  Prints per command:
 *   INDEX N MEDIAN_NS P99_NS MIN_NS MAX_NS
 */
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMDS_MAX	16

struct cmd {
	char		**argv;
	pid_t		  pid, target;
	int		  fd;
	long long	 *ns;
};

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
cmp_ll(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

static void
fail(const char *what, int i)
{
	fprintf(stderr, "siglat: command %d: %s\n", i, what);
	exit(1);
}

/* Reads the next 8-byte timestamp, waiting at most 5 s. */
static int
ack(int fd, uint64_t *v)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*v)) {
		if (poll(&p, 1, 5000) <= 0)
			return -1;
		n = read(fd, (char *)v + got, sizeof(*v) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* The first child of PID (a single-threaded process), waiting up to 5 s. */
static pid_t
child_of(pid_t pid)
{
	struct timespec ms = { 0, 1000000 };
	char path[64], buf[256];
	ssize_t n;
	int i, fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	for (i = 0; i < 5000; i++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = '\0';
				return (pid_t)strtol(buf, NULL, 10);
			}
		}
		nanosleep(&ms, NULL);
	}
	return -1;
}

static void
start(struct cmd *c)
{
	int p[2], fd;

	if (pipe2(p, O_CLOEXEC) < 0 || (c->pid = fork()) < 0) {
		perror("siglat");
		exit(1);
	}
	if (c->pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 2);
		}
		dup2(p[1], 1);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	close(p[1]);
	c->fd = p[0];
}

static void
stop(struct cmd *c)
{
	int i, st;

	kill(c->target, SIGTERM);
	for (i = 0; i < 5000; i++) {
		if (waitpid(c->pid, &st, WNOHANG) == c->pid)
			return;
		usleep(1000);
	}
	kill(c->target, SIGKILL);
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &st, 0);
}

int
main(int argc, char *argv[])
{
	struct timespec gap = { 0, 200000 };	/* let the init go idle */
	struct cmd cmds[CMDS_MAX];
	int n = 1000, pid1 = 0, ncmd = 0, i, r, opt, p99;
	long long t0;
	uint64_t ts;

	while ((opt = getopt(argc, argv, "+n:1")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == '1')
			pid1 = 1;
		else
			goto usage;
	}
	if (optind >= argc || n < 1)
		goto usage;
	memset(cmds, 0, sizeof(cmds));
	signal(SIGPIPE, SIG_IGN);
	for (i = optind; i < argc; i++) {
		if (ncmd == CMDS_MAX)
			goto usage;
		cmds[ncmd].argv = &argv[i];
		while (i < argc && strcmp(argv[i], "::") != 0)
			i++;
		if (i < argc)
			argv[i] = NULL;
		if (cmds[ncmd].argv[0] == NULL)
			goto usage;
		if ((cmds[ncmd].ns = calloc((size_t)n, sizeof(long long))) == NULL)
			return 1;
		ncmd++;
	}
	for (i = 0; i < ncmd; i++)
		start(&cmds[i]);
	for (i = 0; i < ncmd; i++) {
		if (ack(cmds[i].fd, &ts) < 0 || ts != 0)
			fail("sigack did not start", i);
		cmds[i].target = pid1 ? child_of(cmds[i].pid) : cmds[i].pid;
		if (cmds[i].target <= 0)
			fail("no PID 1 found", i);
	}
	for (r = 0; r < n; r++) {
		for (i = 0; i < ncmd; i++) {
			nanosleep(&gap, NULL);
			t0 = now_ns();
			if (kill(cmds[i].target, SIGUSR1) < 0)
				fail("kill", i);
			if (ack(cmds[i].fd, &ts) < 0)
				fail("no acknowledgement within 5 s", i);
			cmds[i].ns[r] = (long long)ts - t0;
		}
	}
	for (i = 0; i < ncmd; i++)
		stop(&cmds[i]);
	p99 = (n * 99 + 99) / 100 - 1;
	for (i = 0; i < ncmd; i++) {
		struct cmd *c = &cmds[i];

		qsort(c->ns, (size_t)n, sizeof(long long), cmp_ll);
		printf("%d %d %lld %lld %lld %lld\n", i, n,
		    n % 2 ? c->ns[n / 2] : (c->ns[n / 2 - 1] + c->ns[n / 2]) / 2,
		    c->ns[p99], c->ns[0], c->ns[n - 1]);
	}
	return 0;
usage:
	fprintf(stderr, "usage: siglat [-n N] [-1] CMD [ARG...] [:: CMD [ARG...]]...\n");
	return 2;
}
