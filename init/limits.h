/* Fixed limits, in one place: PID 1 allocates nothing in its loop. */
#ifndef LIMITS_H
#define LIMITS_H

/* From the VERSION file, through the Makefile: one place for it. */
#ifndef INIT_VERSION
#error "INIT_VERSION is not defined: build with make (it reads VERSION)"
#endif

#define CONF_FILE_MAX	(1024 * 1024)	/* a config file larger than this is refused */
#define CONF_LINE_MAX	4096		/* bytes in one line, without the newline */
#define CONF_ERR_MAX	50		/* problems reported before giving up */
#define NAME_MAX_LEN	64		/* NAME names files: keep it short */
#define PATH_LEN	256		/* LOG_DIR, PID_DIR, WORKDIR */
#define ARGV_MAX	256		/* words in COMMAND */
#define CODES_MAX	32		/* entries in SUCCESS_EXIT_CODES */
#define ENV_MAX		64		/* ENV_<NAME> keys */
#define ENV_BUF		8192		/* their NAME=value text */
#define GROUPS_MAX	64		/* supplementary groups of USER */
#define HISTORY_MAX	1000		/* restart times: MAX_RESTARTS at most */
#define EVENT_MAX	2048		/* one event line */
#define LOG_LINE_MAX	(16 * 1024)	/* longer child lines go out in parts */
#define LOG_READ_MAX	(64 * 1024)	/* one read from the child's pipe */
#define PROCS_MAX	8192		/* processes one /proc scan looks at */
#define TOP_MAX		3		/* processes named in a watchdog breach */

#endif
