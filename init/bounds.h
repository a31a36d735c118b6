/*
 * Fixed limits, in one place: PID 1 allocates nothing in its loop.  Sizes
 * of system objects (paths, pipe writes) come from the system's
 * <limits.h>: PATH_MAX, PIPE_BUF.
 */
#ifndef INIT_BOUNDS_H
#define INIT_BOUNDS_H

/* From the VERSION file, through the Makefile: one place for it. */
#ifndef INIT_VERSION
#error "INIT_VERSION is not defined: build with make (it reads VERSION)"
#endif

#define CONF_FILE_MAX	(1024 * 1024)	/* a config file larger than this is refused */
#define CONF_LINE_MAX	4096		/* bytes in one line, without the newline */
#define CONF_ERR_MAX	50		/* problems reported before giving up */
#define CONF_ARENA	(8 * 1024 * 1024)	/* strings of every service (virtual) */
#define SERVICES_MAX	64		/* .conf files in one directory */
#define NAME_MAX_LEN	64		/* NAME names files: keep it short */
#define ARGV_MAX	256		/* words in COMMAND */
#define ENV_MAX		64		/* ENV_<NAME> keys of one service */
#define GROUPS_MAX	64		/* supplementary groups of USER */
#define HISTORY_MAX	1000		/* restart times: MAX_RESTARTS at most */
#define EVENT_MAX	4096		/* one event record: PIPE_BUF, one atomic write */
#define EVQ_MAX		(64 * 1024)	/* events waiting for a blocked output */
#define LOG_LINE_MAX	(16 * 1024)	/* longer child lines go out in parts */
#define LOG_LINES_POOL	(256 * 1024)	/* all streams' unfinished lines: less each past 16 */
#define LOG_READ_MAX	(64 * 1024)	/* one read from the child's pipe */
#define LOG_BATCH_MAX	(128 * 1024)	/* file lines written at once: the longest escaped line fits */
#define LOG_QUEUE_MAX	(16 * 1024)	/* events waiting for stderr (the log writer's) */
#define LOG_PIPE_SIZE	(256 * 1024)	/* a service's output pipe, in the kernel */
#define LW_SVC_MAX	SERVICES_MAX	/* services sharing one log writer */
#define PROCS_MAX	8192		/* processes one watchdog sample looks at */
#define TOP_MAX		3		/* processes named in a watchdog breach */
#define PROBE_MSG_MAX	200		/* a health probe's one-line result */
#define PROBE_HOSTS_MAX	(64 * 1024)	/* of /etc/hosts; the rest is ignored */
#define PROBE_PATH_MAX	2048		/* an HTTP path, so the request fits */
#define PROBE_NAME_MAX	253		/* a DNS name without the final dot */
#define PROBE_HOST_SHOW	100		/* bytes of a name quoted in a result */

/*
 * For a buffer of hundreds of KiB: linked at the end of .bss, so that all
 * else stays within 1 MiB of the code (the aarch64 build's tiny code
 * model, mk/cross.mk).
 */
#define BSS_LAST	__attribute__((section(".bss.~last")))

#endif
