/*
 * The lock, PID and state files in PID_DIR: written atomically, checked
 * on the open descriptor, never followed through a symlink.
 */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>
#include <sys/types.h>

/* File suffixes after "NAME.". */
#define PF_LOCK		"lock"
#define PF_SUPERVISOR	"supervisor.pid"
#define PF_CHILD	"child.pid"
#define PF_STATE	"state"

/* A supervisor's claim on its NAME, held for its whole life. */
struct statefiles {
	int		 dirfd;		/* PID_DIR, or -1: no files */
	int		 lockfd;	/* NAME.lock, flock'ed, or -1 */
	int		 warned;	/* a failed write was reported */
	pid_t		 stale;		/* a PID file found left behind */
	const char	*name;
	const char	*dir;
};

/* *WHY of st_claim when the PID file itself was refused. */
extern const char st_pid_refused[];

/*
 * Open directory DIR, creating it (0755, parents too) if CREATE; a
 * directory fd, or -1 with *WHY saying what is wrong.
 */
int	st_dir(const char *, int, const char **);
/*
 * Claim NAME in DIR for this process: an exclusive lock on NAME.lock for
 * as long as the process lives, then the PID file.  0 on success or when
 * only the files are lost (*WHY says why; F->dirfd is then -1); -1 if a
 * live supervisor holds the lock (its PID in *OWNER, 0 if unknown).
 */
int	st_claim(struct statefiles *, const char *, const char *, const char **,
	    pid_t *);
/* Replace NAME.SUFFIX with TEXT via a temp file and rename; 0 or -1. */
int	st_write(struct statefiles *, const char *, const char *);
/* Remove NAME.SUFFIX. */
void	st_unlink(struct statefiles *, const char *);
/* Remove the PID and state files and let go of the lock. */
void	st_release(struct statefiles *);
/*
 * Read DIRFD/NAME.SUFFIX into BUF; 0, or -1 with errno (ENOENT if missing;
 * ELOOP for a symlink, EPERM for another user's file, EINVAL if not
 * regular).  The checks are made on the open descriptor.
 */
int	st_read(int, const char *, const char *, char *, size_t);
/*
 * The live supervisor of NAME in DIRFD: its PID (from the PID file, while
 * another process holds the lock), 0 if none, -1 if the lock is held by a
 * supervisor whose PID means nothing here (another PID namespace); a PID
 * file left behind goes to *STALE.
 */
pid_t	st_owner(int, const char *, pid_t *);
/* Value of KEY in the key=value lines TEXT, into BUF; NULL if absent. */
const char *st_field(const char *, const char *, char *, size_t);

#endif
