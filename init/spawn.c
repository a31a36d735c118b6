/*
 * Child setup and exec: what a service inherits, and exec errors.
 *
 * A close-on-exec pipe tells PID 1 when the child has its process group
 * and has exec'd (EOF), or why it failed (stage + errno).  PID 1 does not
 * wait for it: the pipe is read without blocking when the loop wakes up,
 * so a WORKDIR or program on a hung mount stalls only the child.  Until
 * then PID 1 holds back signals for the group, which may not exist yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

extern char **environ;

/* Mark every fd above 2 but KEEP close-on-exec. */
static void
cloexec_all(int keep)
{
	long fd, max;

#ifdef SYS_close_range
	if (keep < 0 && syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	max = fd_limit();
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			fd_ctl((int)fd, F_SETFD, FD_CLOEXEC);
}

/* Whether "NAME=..." E names a variable that an ENV_<NAME> key sets. */
static int
overridden(const struct conf *c, const char *e)
{
	size_t len = strcspn(e, "=");
	int i;

	for (i = 0; i < c->nenv; i++)
		if (strncmp(c->env[i], e, len) == 0 && c->env[i][len] == '=')
			return 1;
	return 0;
}

/*
 * The child's environment: init's (unless CLEAR_ENV), less init's own
 * INIT_* settings (a nested init would take them for its own), with the
 * ENV_<NAME> values added or replacing.  Memory from the kernel, gone at
 * exec.
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
		if (strncmp(environ[n], "INIT_", 5) != 0 &&
		    !overridden(c, environ[n]))
			envp[i++] = environ[n];
	for (n = 0; n < (size_t)c->nenv; n++)
		envp[i++] = (char *)(uintptr_t)c->env[n];
	envp[i] = NULL;
	environ = envp;
}

/* execvp without the sh fallback: there may be no shell. */
static int
exec_path(char *const *argv)
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
			/* An empty entry is the current directory. */
			fmt(path, sizeof(path), "%.*s%s%s", (int)dlen, dirs,
			    dlen == 0 ? "" : "/", argv[0]);
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

/* Whether the process already has exactly the groups of CR. */
static int
same_groups(const struct creds *cr)
{
	gid_t now[GROUPS_MAX + 1];
	int n, i, j;

	n = getgroups(GROUPS_MAX + 1, now);
	if (n < 0 || n != cr->ngroups)
		return 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n && now[j] != cr->groups[i]; j++)
			;
		if (j == n)
			return 0;
	}
	return 1;
}

/*
 * USER and GROUPS: setgroups, setgid, setuid, in that order, each only
 * when it changes something (a non-root init may run the child as its
 * own user), each checked.  SPAWN_OK, or the stage that failed.  System
 * calls, not libc's wrappers: those make every thread change its ids
 * (musl's __synccall, 1.7 KB), and this child has one thread.
 */
static int
drop(const struct creds *cr)
{
	uid_t r, e, s, me;
	gid_t rg, eg, sg;

	if (!cr->set)
		return SPAWN_OK;
	/*
	 * Only root can set groups: a non-root init running the child as
	 * its own user hands on its own groups, unless GROUPS asks for others.
	 */
	me = geteuid();
	if (!same_groups(cr) && (me == 0 || cr->groups_set || cr->uid != me) &&
	    syscall(SYS_setgroups, (long)cr->ngroups, cr->groups) < 0)
		return SPAWN_SETGROUPS;
	if ((getresgid(&rg, &eg, &sg) < 0 || rg != cr->gid || eg != cr->gid ||
	    sg != cr->gid) && syscall(SYS_setgid, (long)cr->gid) < 0)
		return SPAWN_SETGID;
	if ((getresuid(&r, &e, &s) < 0 || r != cr->uid || e != cr->uid ||
	    s != cr->uid) && syscall(SYS_setuid, (long)cr->uid) < 0)
		return SPAWN_SETUID;
	return SPAWN_OK;
}

/*
 * A descriptor FD for the child at number TO, inheritable.  dup3 as the
 * system call: musl's dup2() retries the EBUSY that only a thread racing
 * it can cause.
 */
static int
give(int fd, int to)
{
	if (fd == to)
		return fd_ctl(fd, F_SETFD, 0);
	return syscall(SYS_dup3, fd, to, 0) < 0 ? -1 : 0;
}

static void __attribute__((noreturn))
child(const struct conf *c, char *const *argv, const struct creds *cr,
    const struct spawn_env *e, const struct spawn_io *io, int fd, int go)
{
	struct spawn_err se = { SPAWN_OK, 0 };
	pid_t fg, ours;
	char b;

	/*
	 * Wait until PID 1 has announced this child: its output can then
	 * never come before its child_started.  (EOF, if init is gone, also
	 * lets it go on.)
	 */
	while (read(go, &b, 1) < 0 && errno == EINTR)
		;

	if (io->probe) {
		/* PID 1 kills the whole group at HEALTH_TIMEOUT. */
		if (setpgid(0, 0) < 0)
			se.stage = SPAWN_GROUP;
	} else if (c->process_group == GROUP_NONE)
		;
	else if (e->tty) {
		/*
		 * Own group in the foreground, so ^C and ^Z reach the child;
		 * but only if init's group has the terminal: after ^Z and bg,
		 * the shell has it and must keep it.
		 */
		fg = tty_pgrp();
		ours = getpgrp();
		if (setpgid(0, 0) < 0)
			se.stage = SPAWN_GROUP;
		else if (fg == ours)
			tty_set_pgrp(getpid());
	} else if (c->process_group == GROUP_PGRP ? setpgid(0, 0) < 0 :
	    setsid() < 0)
		se.stage = SPAWN_GROUP;
	if (se.stage == SPAWN_OK && ((io->out >= 0 && give(io->out, 1) < 0) ||
	    (io->err >= 0 && give(io->err, 2) < 0) ||
	    (!io->probe && io->ready >= 0 && give(io->ready, c->ready_fd) < 0)))
		se.stage = SPAWN_FDS;
	if (se.stage == SPAWN_OK)
		se.stage = drop(cr);
	if (se.stage == SPAWN_OK && *c->workdir != '\0' &&
	    chdir(c->workdir) < 0)
		se.stage = SPAWN_WORKDIR;
	if (se.stage == SPAWN_OK) {
		set_env(c);
		sig_ignore(e->ignored);
		cloexec_all(io->ready >= 0 ? c->ready_fd : -1);
		sig_setmask(e->mask);
		se.err = exec_path(argv);
		se.stage = SPAWN_EXEC;
		sig_block_all(NULL);
	} else
		se.err = errno;
	write_all(fd, &se, sizeof(se));
	_exit(spawn_status(&se));
}

pid_t
spawn(const struct conf *c, char *const *argv, const struct creds *cr,
    const struct spawn_env *e, const struct spawn_io *io, int *statusfd,
    int *go)
{
	int p[2], err;
	pid_t pid;

	/*
	 * One socket pair both ways: PID 1 says "go", the child answers with
	 * its error, or with EOF when exec closes its end.  (Two fds, not
	 * the four of two pipes: it works with few fds left.)  The system
	 * call: musl's socketpair() also works around kernels before 2.6.27.
	 */
	*statusfd = *go = -1;
	if (syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
		return -1;
	pid = fork_one();
	if (pid < 0) {
		err = errno;
		close(p[0]);
		close(p[1]);
		errno = err;
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child(c, argv, cr, e, io, p[1], p[1]);
	}
	close(p[1]);
	fd_ctl(p[0], F_SETFL, O_NONBLOCK);
	*statusfd = *go = p[0];
	return pid;
}

void
spawn_go(int *go)
{
	if (*go < 0)
		return;
	/* One byte into an empty socket buffer: never blocks. */
	(void)!send(*go, "g", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	*go = -1;
}

int
spawn_poll(int fd, struct spawn_err *se)
{
	ssize_t n;

	do
		n = read(fd, se, sizeof(*se));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return SPAWN_PENDING;
	if (n == (ssize_t)sizeof(*se))
		return SPAWN_FAILED;
	/* EOF: exec'd.  (A short read cannot happen: one write < PIPE_BUF.) */
	se->stage = SPAWN_OK;
	se->err = 0;
	return SPAWN_RAN;
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
	case SPAWN_GROUP:
		return "cannot create a process group for";
	case SPAWN_FDS:
		return "cannot set up the descriptors (stdout, stderr, "
		    "READY_FD) of";
	case SPAWN_SETGROUPS:
		return "cannot set the supplementary groups (of USER in "
		    "/etc/group, or GROUPS: that needs root) for";
	case SPAWN_SETGID:
		return "cannot switch to the group of USER for";
	case SPAWN_SETUID:
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

pid_t
tty_pgrp(void)
{
	int pgrp;

	if (syscall(SYS_ioctl, 0, TIOCGPGRP, &pgrp) < 0)
		return -1;
	return pgrp;
}

void
tty_set_pgrp(pid_t pgrp)
{
	int p = pgrp;

	syscall(SYS_ioctl, 0, TIOCSPGRP, &p);
}
