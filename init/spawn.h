/* Child setup and exec: what the worker inherits, and exec errors. */
#ifndef SPAWN_H
#define SPAWN_H

#include <signal.h>
#include <sys/types.h>

#include "conf.h"
#include "user.h"

/* What init inherited, handed on to the child unchanged. */
struct spawn_env {
	sigset_t	 mask;		/* blocked signals */
	sigset_t	 ignored;	/* signals set to SIG_IGN */
	int		 tty;		/* give the child init's terminal */
	int		 out, err;	/* its stdout/stderr, or -1: init's own */
	struct creds	 cr;		/* USER and GROUPS */
};

/* Why a child failed before its program ran. */
struct spawn_err {
	int		 stage;		/* SPAWN_* */
	int		 err;		/* errno */
};
enum { SPAWN_OK, SPAWN_SETSID, SPAWN_FDS, SPAWN_USER, SPAWN_WORKDIR, SPAWN_EXEC };

/*
 * Start C's command.  Returns the child's pid, which is also its process
 * group, once the child has exec'd or failed (then E says why, and the
 * child exits 126 or 127 by itself); -1 if fork failed.
 */
pid_t	spawn(const struct conf *, const struct spawn_env *, struct spawn_err *);
/* Exit status a child reports for error E: 127 not found, else 126. */
int	spawn_status(const struct spawn_err *);
/* Human words for E's stage ("cannot execute", ...). */
const char *spawn_what(const struct spawn_err *);

#endif
