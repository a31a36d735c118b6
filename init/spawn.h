/* Child setup and exec: what a service inherits, and exec errors. */
#ifndef SPAWN_H
#define SPAWN_H

#include <sys/types.h>

#include "conf.h"
#include "sig.h"
#include "user.h"

/* What init inherited, handed on to every child unchanged. */
struct spawn_env {
	sigbits		 mask;		/* blocked signals */
	sigbits		 ignored;	/* signals set to SIG_IGN */
	int		 tty;		/* init runs in a terminal's foreground */
};

/* Descriptors of one start. */
struct spawn_io {
	int		 out, err;	/* its stdout/stderr, or -1: init's own */
	int		 ready;		/* write end of the READY_FD pipe, or -1 */
	int		 probe;		/* a health probe: own group, never the terminal */
};

/* Why a child failed before its program ran. */
struct spawn_err {
	int		 stage;		/* SPAWN_* */
	int		 err;		/* errno */
};
enum { SPAWN_OK, SPAWN_GROUP, SPAWN_FDS, SPAWN_SETGROUPS, SPAWN_SETGID,
    SPAWN_SETUID, SPAWN_WORKDIR, SPAWN_EXEC };

/* What spawn_poll() found on the status pipe. */
enum { SPAWN_PENDING, SPAWN_RAN, SPAWN_FAILED };

/*
 * Fork and start ARGV with C's settings.  Returns the pid (also its
 * process group unless PROCESS_GROUP=inherit) at once, without waiting
 * for the exec: *STATUSFD is the read end of a non-blocking pipe that
 * reads EOF once the program runs, or a struct spawn_err if it could not
 * (the child then exits 126 or 127).  The child does nothing until
 * spawn_go(GO) (*GO names the same socket as *STATUSFD, which the caller
 * closes).  -1 if fork failed.
 */
pid_t	spawn(const struct conf *, char *const *, const struct creds *,
	    const struct spawn_env *, const struct spawn_io *, int *, int *);
/* Let the child of spawn() go on, once it has been announced. */
void	spawn_go(int *);
/* Read FD without blocking: SPAWN_PENDING, SPAWN_RAN, or SPAWN_FAILED. */
int	spawn_poll(int, struct spawn_err *);
/* Exit status a child reports for error E: 127 not found, else 126. */
int	spawn_status(const struct spawn_err *);
/* Words for E's stage ("cannot execute", ...). */
const char *spawn_what(const struct spawn_err *);

/*
 * tcgetpgrp(0) and tcsetpgrp(0, PGRP) as the system calls: musl's go
 * through its variadic ioctl().  The foreground group of the terminal on
 * fd 0, or -1 if it is not init's terminal.
 */
pid_t	tty_pgrp(void);
void	tty_set_pgrp(pid_t);

#endif
