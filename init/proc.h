/* Reading /proc: one process's stat line, and walking init's descendants. */
#ifndef PROC_H
#define PROC_H

#include <sys/types.h>

struct pstat {
	pid_t			 ppid;
	char			 state;
	unsigned long long	 utime, stime, cutime, cstime;	/* ticks */
	unsigned long long	 start;		/* ticks after boot */
	long long		 rss;		/* pages */
};

/* Parse the text of /proc/PID/stat; 0, or -1 if it is malformed. */
int	proc_parse_stat(const char *, struct pstat *);
/* Read /proc/PID/stat; 0, or -1 (process gone, or no /proc). */
int	proc_stat(pid_t, struct pstat *);
/* Send SIG to every live descendant of ROOT; number signalled, -1 no /proc. */
int	proc_kill_tree(pid_t, int);

#endif
