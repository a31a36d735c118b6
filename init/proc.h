/* Reading /proc: stat lines, PSS, and the processes below init. */
#ifndef PROC_H
#define PROC_H

#include <sys/types.h>

struct pstat {
	pid_t			 pid;
	pid_t			 ppid;
	pid_t			 pgrp;
	char			 state;
	char			 comm[16];
	unsigned long long	 utime, stime, cutime, cstime;	/* ticks */
	unsigned long long	 start;		/* ticks after boot */
	long long		 rss;		/* pages */
	long			 threads;
	int			 parent;	/* index in the walk, -1: root */
	int			 svc;		/* service it counts for, -1: none */
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
 * Fill P (room for MAX) with every process below ROOT, parents before
 * children, by walking the kernel's children lists; the NSKIP pids in
 * SKIP, and what is below them, are left out.  How many, or -1 without
 * /proc.  Only the first MAX processes are looked at.
 */
int	proc_tree(pid_t, const pid_t *, int, struct pstat *, int);
/*
 * Whether ROOT has children besides the NSKIP pids in SKIP, from its
 * kernel children list: 1, 0, or -1 if the list cannot be read.
 */
int	proc_children(pid_t, const pid_t *, int);
/* Whether PID is alive (not a zombie) and, if START != 0, started then. */
int	proc_alive(pid_t, unsigned long long);

#endif
