/* Settings: the .conf parser, INIT_* environment overrides, validation. */
#ifndef CONF_H
#define CONF_H

#include "limits.h"

enum { RESTART_NEVER, RESTART_ON_FAILURE, RESTART_ALWAYS };
enum { FMT_TEXT, FMT_JSON };
enum { LV_DEBUG, LV_INFO, LV_WARN, LV_ERROR };
enum { NO, YES };

/* Where the settings come from: `init start CONF` or `init -- CMD`. */
enum { MODE_START, MODE_DASH };

struct conf {
	char		 name[NAME_MAX_LEN + 1];
	char		 command[CONF_LINE_MAX + 1];
	int		 restart_policy;
	int		 success_codes[CODES_MAX];
	int		 nsuccess;
	long long	 restart_delay;		/* all times in milliseconds */
	long long	 restart_delay_max;
	long long	 max_restarts;
	long long	 restart_window;
	int		 stop_signal;
	long long	 stop_timeout;
	long long	 stop_delay;
	char		 workdir[PATH_LEN];
	long long	 max_cpu_pct;
	long long	 cpu_breach_ticks;
	long long	 max_mem_mb;
	long long	 check_interval;
	char		 log_dir[PATH_LEN];
	int		 log_format;
	long long	 log_keep_days;
	char		 pid_dir[PATH_LEN];
	int		 log_level;
	char		 user[128];
	char		 groups[256];
	int		 clear_env;
	int		 nenv;			/* ENV_<NAME>=value keys */
	int		 envoff[ENV_MAX];	/* each "NAME=value" in envbuf */
	char		 envbuf[ENV_BUF];

	int		 mode;
	const char	*path;			/* config file, or NULL */
	unsigned long	 explicit;		/* bit per key set by file or env */
	char		**argv;			/* the command to run */
	char		*words[ARGV_MAX + 1];	/* COMMAND split into argv */
	char		 wordbuf[CONF_LINE_MAX + 1];
};

/*
 * Fill C from the defaults, the file PATH (may be NULL), INIT_* variables
 * and ARGV (the command after "--", may be NULL).  Every problem is printed
 * to stderr as "FILE:LINE: message"; returns the number of problems.
 */
int	conf_load(struct conf *, int, const char *, char **);
/* Whether key KEY (e.g. "PID_DIR") was set by the file or the environment. */
int	conf_explicit(const struct conf *, const char *);
/* Print the effective settings, one KEY=value per line, to fd 1. */
void	conf_print(const struct conf *);
/*
 * Split S into words like sh does for quoting, with no expansion, into
 * WORDS (NULL-terminated) using BUF; NULL on success, else why not.
 */
const char *conf_split(const char *, char **, char *);

#endif
