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
#include <stdint.h>
#include <string.h>
#include <grp.h>
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

/* Whether "NAME=..." E names a variable that ENV_<NAME> sets. */
static int
overridden(const struct conf *c, const char *e)
{
	size_t len = strcspn(e, "=");
	const char *v;
	int i;

	for (i = 0; i < c->nenv; i++) {
		v = c->envbuf + c->envoff[i];
		if (strncmp(v, e, len) == 0 && v[len] == '=')
			return 1;
	}
	return 0;
}

/*
 * The child's environment: init's (unless CLEAR_ENV) with ENV_<NAME>
 * values added or replacing.  In the child, after fork: memory from the
 * kernel, never freed, gone at exec.
 */
static void
set_env(const struct conf *c)
{
	char **envp;
	size_t n = 0, i = 0;

	if (c->clear_env == NO)
		while (environ[n] != NULL)
			n++;
	envp = mem_get((n + (size_t)c->nenv + 1) * sizeof(*envp));
	if (envp == NULL)
		return;
	for (n = 0; c->clear_env == NO && environ[n] != NULL; n++)
		if (!overridden(c, environ[n]))
			envp[i++] = environ[n];
	for (n = 0; n < (size_t)c->nenv; n++)
		envp[i++] = (char *)(uintptr_t)(c->envbuf + c->envoff[n]);
	envp[i] = NULL;
	environ = envp;
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
		se.stage = SPAWN_FDS;
	/* setgroups, setgid, setuid: in that order, each one checked. */
	if (se.stage == SPAWN_OK && e->cr.set &&
	    (setgroups((size_t)e->cr.ngroups, e->cr.groups) < 0 ||
	    setgid(e->cr.gid) < 0 || setuid(e->cr.uid) < 0))
		se.stage = SPAWN_USER;
	if (se.stage == SPAWN_OK && c->workdir[0] != '\0' &&
	    chdir(c->workdir) < 0)
		se.stage = SPAWN_WORKDIR;
	if (se.stage == SPAWN_OK) {
		set_env(c);
		for (sig = 1; sig < NSIG; sig++)
			if (sigismember(&e->ignored, sig) == 1)
				signal(sig, SIG_IGN);
		cloexec_all();
		sigprocmask(SIG_SETMASK, &e->mask, NULL);
		se.err = exec_path(c->argv);
		se.stage = SPAWN_EXEC;
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
	case SPAWN_FDS:
		return "cannot set up stdout and stderr for";
	case SPAWN_USER:
		return "cannot switch to USER for";
	case SPAWN_WORKDIR:
		return "cannot change to WORKDIR for";
	case SPAWN_EXEC:
		if (se->err == ENOENT || se->err == ENOTDIR)
			return "command not found:";
		return "cannot execute";
	}
	return "";
}
