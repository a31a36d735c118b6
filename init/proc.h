/* Reading /proc: stat lines, PSS, and the processes below init. */
#ifndef PROC_H
#define PROC_H

#include <sys/types.h>

struct pstat {
	pid_t			 pid;
	pid_t			 ppid;
	char			 state;
	char			 comm[16];
	unsigned long long	 utime, stime, cutime, cstime;	/* ticks */
	unsigned long long	 start;		/* ticks after boot */
	long long		 rss;		/* pages */
	int			 member;	/* scratch for proc_tree() */
};

/* Parse the text of /proc/PID/stat; 0, or -1 if it is malformed. */
int	proc_parse_stat(const char *, struct pstat *);
/* Sum of the "Pss:" lines of smaps_rollup text, in kB; -1 if none. */
long long proc_parse_pss(const char *);
/* Read /proc/PID/stat; 0, or -1 (process gone, or no /proc). */
int	proc_stat(pid_t, struct pstat *);
/* PSS of PID in kB from /proc/PID/smaps_rollup; -1 if unreadable. */
long long proc_pss(pid_t);
/*
 * Fill P (room for MAX) with every process that descends from ROOT, except
 * SKIP and its descendants, sorted by pid; returns how many, or -1 without
 * /proc.  Only the first MAX processes of /proc are looked at.
 */
int	proc_tree(pid_t, pid_t, struct pstat *, int);
/* Send SIG to every live descendant of ROOT except SKIP, using P (room for
 * MAX) as scratch; number signalled, or -1 without /proc. */
int	proc_kill_tree(pid_t, pid_t, int, struct pstat *, int);
/*
 * How many direct children SELF has besides SKIP, from the kernel's own
 * list (/proc/SELF/task/SELF/children); -1 if that list is not available.
 * With none, a subreaper or PID 1 has no descendants left at all.
 */
int	proc_children(pid_t, pid_t);
/* Whether PID is alive (not a zombie) and, if START != 0, started then. */
int	proc_alive(pid_t, unsigned long long);

#endif
