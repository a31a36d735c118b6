/*
 * The supervisor's state: one struct sv owned by the loop (sv_run), with
 * one struct service per supervised program.  service.c holds the
 * per-service state table; supervise.c the loop, signals and shutdown.
 */
#ifndef SUPERVISE_H
#define SUPERVISE_H

#include <sys/types.h>

#include "cgroup.h"
#include "conf.h"
#include "log.h"
#include "logpipe.h"
#include "sig.h"
#include "spawn.h"
#include "state.h"
#include "user.h"
#include "watchdog.h"

/* What a service is doing. */
enum svstate {
	SS_DOWN,	/* not started: waiting for AFTER, or kept down */
	SS_STARTING,	/* forked; the exec status is not in yet */
	SS_UP,		/* its program runs */
	SS_STOPPING,	/* asked to stop; SIGKILL at T_KILL */
	SS_COOLDOWN,	/* exited; starts again at T_RESTART */
	SS_DONE,	/* finished for good (see done_why) */
	SS_N
};

/* What can happen to a service. */
enum svevent {
	EV_START,	/* its dependencies are ready, or `init up` */
	EV_RAN,		/* the program was exec'd */
	EV_EXECFAIL,	/* it could not be (the child exits 126/127) */
	EV_EXIT,	/* its main process was reaped */
	EV_JOBSTOP,	/* its main process was stopped by job control */
	EV_STOP,	/* stop for good (shutdown, `init down`) */
	EV_RESTART,	/* `init restart` */
	EV_BREACH_CPU,	/* the watchdog judged it over MAX_CPU_PCT */
	EV_BREACH_MEM,	/* or over MAX_MEM_MB */
	EV_UNHEALTHY,	/* its health check failed, HEALTH_ACTION=restart */
	EV_T_KILL,	/* the stop timeout ran out */
	EV_T_RESTART,	/* the restart delay ran out */
	EV_N
};

/* Per-service deadlines (ms, monotonic; 0 = none). */
enum { T_KILL, T_RESTART, T_PROBE, T_PROBE_KILL, T_SVC_N };

/*
 * Why a run is being stopped: it decides the reason and the status.  From
 * WHY_CPU on, the stop makes the run a failure.
 */
enum { WHY_NONE, WHY_REQUEST, WHY_RESTART, WHY_CPU, WHY_MEM, WHY_UNHEALTHY };

/* Why a service is done: in the order of decide()'s V_* (service.h). */
enum { DONE_NO, DONE_EXITED, DONE_SUCCESS, DONE_GAVE_UP, DONE_STOPPED };

/* Health of a service with a check. */
enum { H_NONE, H_STARTING, H_HEALTHY, H_UNHEALTHY };

struct service {
	const struct conf	*c;
	int			 idx;
	enum svstate		 state;
	int			 want_down;	/* no more restarts */
	int			 done_why;	/* DONE_* */
	int			 ready;		/* started, or READY_FD said so */
	pid_t			 pid;		/* main process and its group */
	int			 statusfd;	/* exec status, or -1 */
	int			 readyfd;	/* READY_FD's read end, or -1 */
	sigbits			 held;		/* signals for a group not there yet */
	struct spawn_err	 exec_err;
	int			 stopping_why;	/* WHY_* of this run's stop */
	int			 killed;	/* SIGKILL sent to this run */
	int			 jobstopped;	/* stopped by job control */
	int			 wstatus;	/* from waitpid: for EV_EXIT, EV_JOBSTOP */
	long long		 start_ms;	/* monotonic, this run */
	long long		 start_wall;	/* epoch seconds, this run */
	long long		 t[T_SVC_N];
	long long		 delay;		/* next restart delay */
	long long		*history;	/* restart times, MAX_RESTARTS of them */
	unsigned long		 restarts;
	int			 ran;		/* some run has ended */
	int			 last_status;	/* of the last run, as init counts it */
	int			 last_code;	/* its exit code, or -1 */
	int			 last_sig;	/* or the signal that ended it */
	const char		*last_reason;
	struct creds		 cr;

	/* Health check. */
	int			 health;	/* H_* */
	int			 fails;		/* consecutive failed probes */
	pid_t			 probe_pid;
	int			 probe_fd;	/* its one-line result, or -1 */
	long long		 probe_start;	/* ms */
	long long		 probe_wall;	/* last result, epoch seconds */
	long long		 probe_ms;	/* its duration */
	int			 probe_ok;
	char			 probe_msg[PROBE_MSG_MAX + 1];	/* last result's line */
	char			 probe_out[PROBE_MSG_MAX + 1];	/* the running probe's */
	int			 probe_eol;	/* probe_out holds a whole line */
	int			 probe_statusfd; /* HEALTH_CMD's exec status, or -1 */
	int			 probe_killed;	/* at HEALTH_TIMEOUT, or its run ended */

	int			 held_down;	/* `init down`: stays down */
	pid_t			 last_pgid;	/* the group of the last run */
};

/* The supervisor's phases. */
enum {
	PH_RUN,		/* supervising */
	PH_DELAY,	/* a stop request: waiting out STOP_DELAY */
	PH_STOP,	/* stopping the services in reverse order */
	PH_DRAIN,	/* all services done: leftovers get the stop signal, then KILL */
	PH_EXIT
};

/* Supervisor-wide deadlines. */
enum { TS_DELAY, TS_DRAIN, TS_TICK, TS_WRITER, TS_EVENTS, TS_N };

struct sv {
	const struct confset	*cs;
	const struct conf	*top;
	int			 n;
	struct service		 svc[SERVICES_MAX];
	struct spawn_env	 env;
	struct logpipe		 lp;
	struct statefiles	 st;
	struct wd		 wd;
	pid_t			 self;
	int			 pid1;
	int			 noproc;	/* /proc is not there */
	int			 phase;
	int			 requested;	/* a stop request arrived */
	int			 stop_sig;	/* what the request was */
	int			 status;	/* init's exit status */
	int			 status_set;
	long long		 t[TS_N];
	long long		 budget_end;	/* SIGKILL for whatever is left */
	long long		 wall_start;
	unsigned long long	 start_ticks;	/* init's own /proc start time */
	long long		 stop_start;	/* ms: the shutdown began */
	int			 kill_rounds;	/* leftovers SIGKILLed so far */
	int			 io_pending;	/* a kernel SIGIO: poll the pipes */
	int			 watching;	/* some service has limits */
	struct cg		 cg;		/* the container's counters, if used */
	unsigned long long	 other_reaped;	/* ticks of reaped writers, probes */
	struct wd_svc		 wdsvc[SERVICES_MAX];
	unsigned		 ctl_last;	/* the last control request done */
};

/* Kill deadline re-check while leftovers resist SIGKILL (ms). */
#define REKILL_MS	100

/* service.c: feed event EV to service S. */
void	svc_event(struct sv *, struct service *, enum svevent);
/* service.c: prepare S (history, credentials); -1 if its USER is unusable. */
int	svc_init(struct sv *, struct service *, int);
/* service.c: read the exec-status and READY_FD pipes without blocking. */
void	svc_poll(struct sv *, struct service *);
/* service.c: whether S's dependencies are all ready (or done successfully). */
int	svc_deps_ready(const struct sv *, const struct service *);
/* service.c: state name for files and events. */
const char *svc_state_name(const struct service *);
/* service.c: send SIG to S's group (or S alone), honouring held signals. */
void	svc_signal(struct sv *, struct service *, int);
/* service.c: O_ASYNC: readiness of FD arrives as SIGIO with si_code POLL_*. */
void	svc_watch(struct sv *, int);

/* health.c: the probe timers of S fired, or its probe was reaped. */
void	health_timer(struct sv *, struct service *, int);
void	health_reaped(struct sv *, struct service *, int);
/* health.c: S's program runs (start checking) or stopped (forget). */
void	health_start(struct sv *, struct service *);
void	health_stop(struct sv *, struct service *);
/* health.c: read the running probe's output without blocking. */
void	health_read(struct service *);
/* health.c: "none", "starting", "healthy", "unhealthy". */
const char *health_name(int);

/*
 * supervise.c: an event line for S (NULL: init itself) at LEVEL, from a
 * descriptor and its values (see LOG_DESC).
 */
void	sv_log(struct sv *, const struct service *, int, const char *, ...)
	    LOG_DESC(4);
/* supervise.c: the state changed: rewrite the state files. */
void	sv_saved(struct sv *, struct service *);
/* supervise.c: S is done for good; decide what that means for init. */
void	sv_done(struct sv *, struct service *);
/* supervise.c: S turned unhealthy with HEALTH_ACTION=exit. */
void	sv_unhealthy_exit(struct sv *, struct service *);

/* state.c: rewrite the state files from SV (warns once on failure). */
void	st_save(struct sv *);

/*
 * Supervise the services of CS until done; returns init's exit status.
 * ORIG is the signal mask init inherited (every signal is blocked now).
 */
int	sv_run(const struct confset *, sigbits);
/*
 * Load one service from a command line (CMD) with settings OV (N of
 * them), as `init --` and the drop-ins do, and supervise it; exits 2 on
 * a bad configuration.
 */
int	sv_run_dash(struct confset *, const struct setting *, int, char **,
	    sigbits);

#endif
