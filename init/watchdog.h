/* Resource watchdog: CPU % and memory of init's process tree, per tick. */
#ifndef WATCHDOG_H
#define WATCHDOG_H

#include <sys/types.h>

#include "conf.h"
#include "proc.h"

enum { WD_NONE, WD_CPU, WD_MEM };

struct wd_prev {
	pid_t			 pid;
	unsigned long long	 start, ticks;
};

struct wd {
	struct pstat		*procs;		/* scratch for one scan */
	struct wd_prev		*prev;		/* last tick, keyed (pid, start) */
	int			 nprev;
	long long		*val;		/* per-process figure, for "top" */
	unsigned long long	 total;		/* last tick's CPU ticks */
	long long		 at;		/* when, in ms */
	int			 base;		/* a baseline exists */
	int			 over;		/* consecutive ticks over CPU */
	long			 hz;
	long			 page_kb;
};

struct wd_verdict {
	int			 kind;		/* WD_* */
	long long		 cpu_pct;	/* -1 on the first tick */
	long long		 rss_mb;	/* summed RSS */
	long long		 mem_mb;	/* RSS, or PSS when RSS is over */
	int			 nprocs;
	char			 top[256];	/* "pid:comm:value,..." */
};

/* Allocate W's buffers once; 0, or -1 if out of memory. */
int	wd_init(struct wd *);
/* Forget the baseline: the next tick only records. */
void	wd_reset(struct wd *);
/*
 * Sample every process below ROOT except SKIP at time NOW (ms), measure
 * and judge against C's limits; the verdict says what to do.
 */
void	wd_tick(struct wd *, const struct conf *, pid_t, pid_t, long long,
	    struct wd_verdict *);

#endif
