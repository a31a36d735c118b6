/*
 * zombies - hands N dead orphans to init at once (make bench).
 * usage: zombies N FILE
 * Creates N orphans (forked by an intermediate process that then exits,
 * so they are reparented to PID 1 or the nearest subreaper); they block on
 * a pipe.  When all exist, writes the CLOCK_MONOTONIC time in ns
 * to FILE, closes the pipe so that all N exit together, waits until every
 * one has exited (a second pipe reaches EOF) and exits 0.
 */
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pid_t
xfork(void)
{
	struct timespec ms = { 0, 1000000 };
	pid_t pid;
	int i;

	for (i = 0; i < 5000; i++) {
		if ((pid = fork()) >= 0 || errno != EAGAIN)
			return pid;
		nanosleep(&ms, NULL);
	}
	return -1;
}

int
main(int argc, char *argv[])
{
	int go[2], done[2], fd, st;
	struct timespec ts;
	char c, num[32];
	ssize_t r;
	pid_t pid;
	long n, i;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) < 1) {
		fprintf(stderr, "usage: zombies N FILE\n");
		return 2;
	}
	if (pipe(go) < 0 || pipe(done) < 0) {
		perror("zombies: pipe");
		return 1;
	}
	/* One intermediate forks all N, then exits: they become orphans. */
	if ((pid = xfork()) < 0) {
		perror("zombies: fork");
		return 1;
	}
	if (pid == 0) {
		close(done[0]);
		for (i = 0; i < n; i++) {
			if ((pid = xfork()) < 0) {
				fprintf(stderr, "zombies: fork failed after %ld\n", i);
				_exit(1);
			}
			if (pid == 0) {
				close(go[1]);
				while (read(go[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);	/* closes done[1] */
			}
		}
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 1;
	close(done[1]);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(num, sizeof(num), "%lld\n",
	    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0 || write(fd, num, strlen(num)) < 0) {
		perror(argv[2]);
		return 1;
	}
	close(fd);
	close(go[1]);		/* all N wake up and exit */
	while ((r = read(done[0], &c, 1)) != 0)
		if (r < 0 && errno != EINTR)
			return 1;
	return 0;
}
