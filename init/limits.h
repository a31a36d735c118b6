/* Fixed limits, in one place: PID 1 allocates nothing in its loop. */
#ifndef LIMITS_H
#define LIMITS_H

#define INIT_VERSION	"0.1.0"

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
#define EVENT_MAX	2048		/* one message of init's own on stderr */
#define LOG_LINE_MAX	(16 * 1024)	/* longer child lines go out in parts */
#define LOG_LINES_POOL	(256 * 1024)	/* all streams' unfinished lines: less each past 16 */
#define LOG_READ_MAX	(64 * 1024)	/* one read from the child's pipe */
#define LOG_BATCH_MAX	(128 * 1024)	/* file lines written at once: the longest escaped line fits */
#define LOG_QUEUE_MAX	(16 * 1024)	/* events waiting for stderr */
#define LOG_PIPE_SIZE	(256 * 1024)	/* a service's output pipe, in the kernel */
#define LW_SVC_MAX	64		/* services sharing one log writer */
#define PROCS_MAX	8192		/* processes one /proc scan looks at */
#define TOP_MAX		3		/* processes named in a watchdog breach */

#endif
