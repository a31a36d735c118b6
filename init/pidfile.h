/* PID and state files in PID_DIR: written atomically, never followed. */
#ifndef PIDFILE_H
#define PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

/* File suffixes after "NAME.". */
#define PF_SUPERVISOR	"supervisor.pid"
#define PF_CHILD	"child.pid"
#define PF_STATE	"state"

/*
 * Open directory DIR, creating it (0755, parents too) if CREATE; returns
 * an O_PATH-free directory fd, or -1 with *WHY saying what is wrong.
 */
int	pid_dir(const char *, int, const char **);
/* Replace DIRFD/NAME.SUFFIX with TEXT via a temp file and rename; 0 or -1. */
int	pid_write(int, const char *, const char *, const char *);
/*
 * Read DIRFD/NAME.SUFFIX into BUF; 0, or -1 with errno (ENOENT if missing;
 * ELOOP for a symlink, EPERM for another user's file, EINVAL if not regular).
 */
int	pid_read(int, const char *, const char *, char *, size_t);
/* Remove NAME's three files. */
void	pid_remove(int, const char *);
/*
 * The live supervisor that owns NAME's PID file, or 0 if none; a stale
 * PID file's number goes in *STALE.  Liveness is checked against the
 * start time in the state file, or failing that the executable.
 */
pid_t	pid_owner(int, const char *, pid_t *);
/* Value of KEY in key=value TEXT, copied to BUF; NULL if absent. */
const char *pid_field(const char *, const char *, char *, size_t);

#endif
