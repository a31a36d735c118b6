/*
 * Resource watchdog: CPU % and memory of each service's process tree,
 * sampled on the loop's tick.  Sampling reads /proc; judging two samples
 * is pure (wd_judge) so it can be tested alone.  The module only measures
 * and returns verdicts; the loop acts.
 */
#ifndef WATCHDOG_H
#define WATCHDOG_H

#include <sys/types.h>

#include "cgroup.h"
#include "conf.h"
#include "proc.h"

enum { WD_NONE, WD_CPU, WD_MEM };

/* One service's side of the last sample. */
struct wd_svc {
	unsigned long long	 total;		/* members' ticks + reaped, then */
	unsigned long long	 reaped;	/* ticks of members init reaped */
	long long		 at;		/* when, in ms */
	int			 base;		/* a sample exists */
	int			 over;		/* consecutive ticks over CPU */
};

/* A process of the last sample, keyed (pid, start). */
struct wd_prev {
	pid_t			 pid;
	int			 svc;
	unsigned long long	 start, ticks;
};

struct wd {
	struct pstat		*procs;		/* scratch for one sample */
	struct wd_prev		*prev;		/* last sample, sorted by pid */
	int			 nprev;
	long long		*val;		/* per process, for "top" */
	unsigned long long	 at_ticks;	/* last sample, in boot ticks */
	long			 hz;
	long			 page_kb;
};

/* What a sample found for one service. */
struct wd_verdict {
	int			 kind;		/* WD_* */
	long long		 cpu_pct;	/* -1 on the first sample */
	long long		 rss_mb;	/* summed RSS */
	long long		 mem_mb;	/* RSS, or PSS when RSS is over */
	int			 nprocs;
	char			 top[256];	/* "pid:comm:value,..." */
};

/* What init's services are, for a sample. */
struct wd_scope {
	pid_t			 self;
	const pid_t		*main;		/* each service's main pid, or 0 */
	const struct conf *const *conf;	/* each service's limits */
	struct wd_svc		*svc;		/* each service's sample state */
	int			 n;
	const pid_t		*skip;		/* not measured: log writer, probes */
	int			 nskip;
	const struct cg		*cg;		/* the container's counters, or NULL */
	unsigned long long	 other;		/* ticks of init's own in the cgroup */
};

/* Allocate W's buffers once; 0, or -1 if out of memory. */
int	wd_init(struct wd *);
/* Forget S's baseline: its next sample only records. */
void	wd_forget(struct wd_svc *);
/*
 * Sample every service of SC at NOW (ms) and judge each against its
 * limits into V (SC->n of them).  -1 without /proc.
 */
int	wd_sample(struct wd *, const struct wd_scope *, long long,
	    struct wd_verdict *);
/*
 * Process PID was reaped by init having used TICKS of CPU (itself and
 * its reaped children): charge them to its service.
 */
void	wd_reaped(struct wd *, const struct wd_scope *, pid_t,
	    unsigned long long);
/*
 * Judge one service from two totals: CPU % over DT_MS of DELTA ticks at
 * HZ, against C's limit and its OVER count.  Pure.  WD_CPU or WD_NONE.
 */
int	wd_judge_cpu(const struct conf *, unsigned long long, long long, long,
	    int *, long long *);

#endif
