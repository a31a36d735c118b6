/*
 * Child setup and exec: what the worker inherits, and exec errors.
 *
 * A close-on-exec pipe tells the parent when the child has created its
 * process group and exec'd (EOF), or why it failed (stage + errno).  So
 * the parent never signals a process group that does not exist yet: the
 * SIGTERM that peers drop right after fork (ESRCH) cannot be lost here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

extern char **environ;

/* Mark every fd above 2 close-on-exec: the child gets only 0, 1 and 2. */
static void
cloexec_all(void)
{
	long fd, max;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

/* execvp without the sh fallback: there may be no shell. */
static int
exec_path(char **argv)
{
	char path[PATH_MAX];
	const char *dirs, *end;
	size_t dlen, flen = strlen(argv[0]);
	int err = ENOENT;

	if (strchr(argv[0], '/') != NULL) {
		execve(argv[0], argv, environ);
		return errno;
	}
	dirs = getenv("PATH");
	if (dirs == NULL)
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin";
	if (flen == 0)
		return ENOENT;
	for (;; dirs = end + 1) {
		end = strchrnul(dirs, ':');
		dlen = (size_t)(end - dirs);
		if (dlen + flen + 2 <= sizeof(path)) {
			if (dlen == 0)
				fmt(path, sizeof(path), "%s", argv[0]);
			else
				fmt(path, sizeof(path), "%.*s/%s", (int)dlen,
				    dirs, argv[0]);
			execve(path, argv, environ);
			/* Like execvp: a found but unusable file wins. */
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
		}
		if (*end == '\0')
			break;
	}
	return err;
}

static void __attribute__((noreturn))
child(const struct conf *c, const struct spawn_env *e, int fd)
{
	struct spawn_err se = { SPAWN_OK, 0 };
	int sig;

	if (e->tty) {
		/* Own group in the foreground: ^C and ^Z reach the child. */
		if (setpgid(0, 0) < 0)
			se.stage = SPAWN_SETSID;
		else
			tcsetpgrp(0, getpid());
	} else if (setsid() < 0)
		se.stage = SPAWN_SETSID;
	/* dup2 leaves the copies without FD_CLOEXEC, as they must be. */
	if (se.stage == SPAWN_OK && ((e->out >= 0 && dup2(e->out, 1) < 0) ||
	    (e->err >= 0 && dup2(e->err, 2) < 0)))
		se.stage = SPAWN_SETSID;
	if (se.stage == SPAWN_OK && c->workdir[0] != '\0' &&
	    chdir(c->workdir) < 0)
		se.stage = SPAWN_WORKDIR;
	if (se.stage == SPAWN_OK) {
		for (sig = 1; sig < NSIG; sig++)
			if (sigismember(&e->ignored, sig) == 1)
				signal(sig, SIG_IGN);
		cloexec_all();
		sigprocmask(SIG_SETMASK, &e->mask, NULL);
		se.err = exec_path(c->argv);
		se.stage = SPAWN_EXEC;
		sigprocmask(SIG_BLOCK, &e->mask, NULL);
	} else
		se.err = errno;
	write_all(fd, &se, sizeof(se));
	_exit(spawn_status(&se));
}

pid_t
spawn(const struct conf *c, const struct spawn_env *e, struct spawn_err *se)
{
	int p[2];
	pid_t pid;
	ssize_t n;

	se->stage = SPAWN_OK;
	se->err = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		se->err = errno;
		close(p[0]);
		close(p[1]);
		errno = se->err;
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child(c, e, p[1]);
	}
	close(p[1]);
	do
		n = read(p[0], se, sizeof(*se));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*se)) {
		se->stage = SPAWN_OK;
		se->err = 0;
	}
	close(p[0]);
	return pid;
}

int
spawn_status(const struct spawn_err *se)
{
	if (se->stage == SPAWN_EXEC && (se->err == ENOENT || se->err == ENOTDIR))
		return 127;
	return 126;
}

const char *
spawn_what(const struct spawn_err *se)
{
	switch (se->stage) {
	case SPAWN_SETSID:
		return "cannot create a process group for";
	case SPAWN_WORKDIR:
		return "cannot change to WORKDIR for";
	case SPAWN_EXEC:
		if (se->err == ENOENT || se->err == ENOTDIR)
			return "command not found:";
		return "cannot execute";
	}
	return "";
}
