/*
 * rtime - wall and CPU time of one command, for the log table (make bench).
 * usage: rtime OUT CMD [ARG...]
 * Runs CMD (PATH search) with this process's stdin, stdout and stderr,
 * waits for it and writes one line to the file OUT:
 *   STATUS WALL_NS USER_US SYS_US MAXRSS_KB
 * CPU and RSS come from wait4(2): CMD and the descendants it waited for.
 * Unlike /usr/bin/time it can sit in the middle of a pipeline and keeps
 * microseconds.  Exits with CMD's status (127 if it could not run).
 */
#include <sys/resource.h>
#include <sys/wait.h>
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
	struct rusage ru;
	long long t0, t1;
	FILE *out;
	int pid, st, code;

	if (argc < 3) {
		fprintf(stderr, "usage: rtime OUT CMD [ARG...]\n");
		return 2;
	}
	t0 = now_ns();
	if ((pid = fork()) < 0) {
		perror("rtime: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("rtime: wait4");
			return 127;
		}
	t1 = now_ns();
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 127;
	}
	fprintf(out, "%d %lld %lld %lld %ld\n", code, t1 - t0,
	    (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
	    (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
	    ru.ru_maxrss);
	fclose(out);
	return code;
}
