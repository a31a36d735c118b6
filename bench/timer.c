/*
 * timer - wall time of commands, run round-robin so that machine noise hits
 * every command alike (make bench).
 *
 * usage: timer [-n RUNS] [-r FILE] [-e DIR] [-w] [-c COMM] CMD [ARG...] [:: CMD [ARG...]]...
 *
 * Each run forks, execs CMD (PATH search) with stdin, stdout and stderr on
 * /dev/null and waits for it.  A run lasts from just before fork() to the
 * moment its exit is seen (a pidfd polls readable), on CLOCK_MONOTONIC.
 *   -n RUNS  runs per command (default 10): run 1 of every command, then
 *            run 2 of every command, ...
 *   -r FILE  a run starts instead at the decimal CLOCK_MONOTONIC ns the
 *            command wrote to FILE (removed after each run)
 *   -e DIR   after each run remove the files in DIR, adding up their size
 *   -w       every 5 ms read VmHWM of the command and of its children that
 *            run the same program (comm), e.g. init's forked log writer
 *   -c COMM  with -w, only while the command's comm is COMM: before its
 *            exec it is this program's copy, and a wrapper (env) has its
 *            own, larger, peak
 * Prints one line per command, in order:
 *   INDEX RUNS MEDIAN_NS P99_NS MIN_NS MAX_NS FAILED HWM_KB CHILD_HWM_KB DIR_BYTES
 * FAILED counts runs that did not exit 0.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMDS_MAX	16

struct cmd {
	char			**argv;
	long long		*ns;
	int			 failed;
	long			 hwm, chwm;
	unsigned long long	 dirbytes;
};

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
die(const char *msg)
{
	perror(msg);
	exit(1);
}

static int
cmp_ll(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* Reads a small /proc file into buf; returns its length or -1. */
static ssize_t
slurp(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static long
vmhwm(int pid)
{
	char path[64], buf[4096], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (slurp(path, buf, sizeof(buf)) < 0 ||
	    (p = strstr(buf, "VmHWM:")) == NULL)
		return 0;
	return strtol(p + 6, NULL, 10);
}

static int
comm(int pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	return slurp(path, buf, size) < 0 ? -1 : 0;
}

static void
sample(struct cmd *c, int pid, const char *want)
{
	char path[64], kids[4096], name[64], kname[64], *p, *end;
	long v;
	int kid;

	if (comm(pid, name, sizeof(name)) < 0)
		return;
	name[strcspn(name, "\n")] = '\0';
	if (want != NULL && strcmp(name, want) != 0)
		return;
	if ((v = vmhwm(pid)) > c->hwm)
		c->hwm = v;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	if (slurp(path, kids, sizeof(kids)) < 0)
		return;
	for (p = kids; (kid = (int)strtol(p, &end, 10)) > 0; p = end)
		if (comm(kid, kname, sizeof(kname)) == 0 &&
		    strcmp(strtok(kname, "\n"), name) == 0 &&
		    (v = vmhwm(kid)) > c->chwm)
			c->chwm = v;
}

static unsigned long long
empty_dir(const char *dir)
{
	unsigned long long sum = 0;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		sum += (unsigned long long)st.st_size;
		unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	return sum;
}

static long long
read_release(const char *file)
{
	char buf[64];
	long long t;

	if (slurp(file, buf, sizeof(buf)) <= 0) {
		fprintf(stderr, "timer: no release time in %s\n", file);
		exit(1);
	}
	t = strtoll(buf, NULL, 10);
	unlink(file);
	return t;
}

static void
run(struct cmd *c, int slot, const char *rfile, const char *edir, int watch,
    const char *want)
{
	struct pollfd pfd;
	long long t0, t1;
	int pid, fd, st;

	t0 = now_ns();
	if ((pid = fork()) < 0)
		die("timer: fork");
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) < 0)
			_exit(127);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	pfd.events = POLLIN;
	if (pfd.fd >= 0) {
		for (;;) {
			if (watch)
				sample(c, pid, want);
			if (poll(&pfd, 1, watch ? 5 : -1) > 0)
				break;
		}
		close(pfd.fd);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("timer: waitpid");
	t1 = now_ns();
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		c->failed++;
	if (rfile != NULL)
		t0 = read_release(rfile);
	c->ns[slot] = t1 - t0;
	if (edir != NULL)
		c->dirbytes += empty_dir(edir);
}

int
main(int argc, char *argv[])
{
	struct cmd cmds[CMDS_MAX];
	const char *rfile = NULL, *edir = NULL, *want = NULL;
	int runs = 10, watch = 0, ncmd = 0, i, r, opt;

	while ((opt = getopt(argc, argv, "+n:r:e:wc:")) != -1) {
		switch (opt) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'r':
			rfile = optarg;
			break;
		case 'e':
			edir = optarg;
			break;
		case 'w':
			watch = 1;
			break;
		case 'c':
			want = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || runs < 1)
		goto usage;
	memset(cmds, 0, sizeof(cmds));
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
		if ((cmds[ncmd].ns = calloc((size_t)runs, sizeof(long long))) == NULL)
			die("timer: calloc");
		ncmd++;
	}
	for (r = 0; r < runs; r++)
		for (i = 0; i < ncmd; i++)
			run(&cmds[i], r, rfile, edir, watch, want);
	for (i = 0; i < ncmd; i++) {
		struct cmd *c = &cmds[i];
		int p99 = (int)((runs * 99 + 99) / 100) - 1;

		qsort(c->ns, (size_t)runs, sizeof(long long), cmp_ll);
		printf("%d %d %lld %lld %lld %lld %d %ld %ld %llu\n", i, runs,
		    runs % 2 ? c->ns[runs / 2] :
		    (c->ns[runs / 2 - 1] + c->ns[runs / 2]) / 2,
		    c->ns[p99], c->ns[0], c->ns[runs - 1], c->failed, c->hwm,
		    c->chwm, c->dirbytes);
	}
	return 0;
usage:
	fprintf(stderr, "usage: timer [-n RUNS] [-r FILE] [-e DIR] [-w] [-c COMM] "
	    "CMD [ARG...] [:: CMD [ARG...]]...\n");
	return 2;
}
