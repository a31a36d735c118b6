/*
 * Settings: .conf files, INIT_* overrides, validation, and a directory of
 * services with its dependency graph.  Loading has no side effects beyond
 * reading the files and printing problems; every default is resolved here.
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>

#include "bounds.h"

enum { RESTART_NEVER, RESTART_ON_FAILURE, RESTART_ALWAYS };
enum { FMT_TEXT, FMT_JSON };
enum { LV_DEBUG, LV_INFO, LV_WARN, LV_ERROR };
enum { NO, YES };
enum { TYPE_SIMPLE, TYPE_ONESHOT };
enum { HACT_RESTART, HACT_EXIT, HACT_NONE };
enum { PROBE_NONE_KIND, PROBE_CMD_KIND, PROBE_TCP_KIND, PROBE_HTTP_KIND };
/* How the child is grouped: own session, own group in init's session, none. */
enum { GROUP_SESSION, GROUP_PGRP, GROUP_NONE };

/* Where the settings come from: `init start`, `init --`, a drop-in name. */
enum { MODE_START, MODE_DASH };

/*
 * Every key, named so the compiler checks them.  Scope: a service key
 * belongs to one program; a supervisor key to init itself (with several
 * services it comes from init.conf).
 */
enum key {
	K_NAME, K_COMMAND, K_TYPE, K_AFTER, K_CRITICAL, K_READY_FD,
	K_RESTART_POLICY, K_SUCCESS_EXIT_CODES, K_RESTART_DELAY,
	K_RESTART_DELAY_MAX, K_MAX_RESTARTS, K_RESTART_WINDOW,
	K_STOP_SIGNAL, K_STOP_TIMEOUT, K_STOP_DELAY, K_SIGNAL_MAP,
	K_KILL_GROUP, K_PROCESS_GROUP,
	K_WORKDIR, K_USER, K_GROUPS, K_CLEAR_ENV,
	K_MAX_CPU_PCT, K_CPU_BREACH_TICKS, K_MAX_MEM_MB, K_CHECK_INTERVAL,
	K_HEALTH_CMD, K_HEALTH_TCP, K_HEALTH_HTTP, K_HEALTH_INTERVAL,
	K_HEALTH_TIMEOUT, K_HEALTH_RETRIES, K_HEALTH_START_PERIOD,
	K_HEALTH_ACTION,
	K_LOG_DIR, K_LOG_FORMAT, K_LOG_KEEP_DAYS, K_LOG_PREFIX, K_PID_DIR,
	K_LOG_LEVEL, K_EXIT_AS_ZERO, K_PARENT_DEATH_SIGNAL, K_WARN_ON_REAP,
	K_N
};

/* A KEY=value setting from outside any file (drop-in command lines). */
struct setting {
	enum key	 key;
	const char	*value;
};

/* Immutable settings of one service (and, for the top one, of init). */
struct conf {
	const char	*name;
	const char	*command;	/* as written, or argv quoted for sh */
	char		**argv;		/* COMMAND split into words */
	int		 type;
	const char	*after;		/* AFTER, names separated by spaces */
	int		 critical;
	int		 ready_fd;	/* -1: none */
	int		 restart_policy;
	unsigned char	 success[32];	/* bit per exit code 0-255 */
	long long	 restart_delay;	/* all times in milliseconds */
	long long	 restart_delay_max;
	long long	 max_restarts;
	long long	 restart_window;
	int		 stop_signal;
	long long	 stop_timeout;
	long long	 stop_delay;
	unsigned char	 sigmap[65];	/* forwarded signal -> what is sent, 0 drops */
	int		 kill_group;
	int		 process_group;	/* GROUP_* */
	const char	*workdir;
	const char	*user;
	const char	*groups;
	int		 clear_env;
	int		 nenv;
	const char	**env;		/* "NAME=value" from ENV_<NAME> keys */
	long long	 max_cpu_pct;
	long long	 cpu_breach_ticks;
	long long	 max_mem_mb;
	long long	 check_interval;
	int		 probe;		/* PROBE_*_KIND */
	const char	*health;	/* the probe's value */
	char		**health_argv;	/* HEALTH_CMD split into words */
	long long	 health_interval;
	long long	 health_timeout;
	long long	 health_retries;
	long long	 health_start;
	int		 health_action;
	const char	*log_dir;
	int		 log_format;
	long long	 log_keep_days;
	int		 log_prefix;
	const char	*pid_dir;	/* "": no PID or state files */
	int		 log_level;
	unsigned char	 as_zero[32];	/* bit per exit status reported as 0 */
	int		 pdeathsig;
	int		 warn_on_reap;

	int		 mode;
	const char	*path;		/* its file, or NULL */
	int		 line[K_N];	/* line that set each key; 0: not in the file */
	unsigned long long explicit;	/* bit per key set by a file or override */
};

/* Several services: the files of a directory, or the files given. */
struct confset {
	int		 n;
	struct conf	 svc[SERVICES_MAX];
	struct conf	*top;		/* supervisor-wide keys: svc[0] or init */
	struct conf	 init;		/* init.conf, with several services */
	int		 multi;		/* a directory or more than one file */
	int		 order[SERVICES_MAX];	/* start order (dependencies first) */
	int		 deps[SERVICES_MAX][SERVICES_MAX / 8];	/* bitmap: i waits for j */
};

/*
 * Load one service for MODE from the file PATH (NULL: none), INIT_*
 * variables, OVERRIDES (N of them; settings of a drop-in command line,
 * weaker than INIT_*) and ARGV (the command after "--", may be NULL).
 * Problems go to stderr as "FILE:LINE: message"; returns how many.
 */
int	conf_load(struct conf *, int, const char *, const struct setting *, int,
	    char **);
/*
 * Load every service named by PATHS (N of them: one directory, or .conf
 * files; kept, not copied) into S, with the dependency graph checked; as
 * conf_load.
 */
int	conf_load_set(struct confset *, char **, int, char **);
/*
 * The longest stop, in ms: services stop in reverse dependency order, so
 * the longest STOP_TIMEOUT of each level of dependents, summed.
 */
long long conf_budget(const struct confset *);
/* Whether key K was set by a file or an override. */
int	conf_explicit(const struct conf *, enum key);
/* The key named NAME (LEN bytes), or -1. */
int	conf_key(const char *, size_t);
/* What conf_print shows: every key, a service's own, init's own. */
enum { PRINT_ALL, PRINT_SVC, PRINT_TOP };
/* Print the effective settings of C, one KEY=value per line, to fd 1. */
void	conf_print(const struct conf *, int);
/* Whether exit code CODE (0-255) counts as success for C. */
int	conf_success(const struct conf *, int);
/*
 * Read one shell word at *P into OUT (room for SIZE bytes), advancing *P.
 * CMD selects the rules for COMMAND words (a word-initial '#' or '~' is
 * sh syntax) rather than for a KEY=value value (a '~' after '=' or an
 * unquoted ':' is).  NULL, or why the text is refused.
 */
const char *conf_word(const char **, char *, size_t, int);
/*
 * Split S into at most MAX words, like sh does for quoting only: words go
 * to WORDS (NULL-terminated), their text to BUF (SIZE bytes); NULL or why.
 */
const char *conf_split(const char *, char **, int, char *, size_t);

#endif
