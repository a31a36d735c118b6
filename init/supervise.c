/*
 * The one loop: signals, reaping, deadlines, and the supervisor's phases.
 *
 * Every signal 1-64 is blocked and taken synchronously with sigtimedwait,
 * whose timeout is the nearest deadline, so an idle init never wakes up.
 * Everything that could block PID 1 happens elsewhere and comes back as
 * an event: a child exited (a service, a probe, the log writer, an
 * orphan), a descriptor is readable (SIGIO from the kernel: exec status,
 * READY_FD, probe output), a deadline passed.  Services are state
 * machines (service.c); this file owns what concerns init as a whole:
 * what a signal means, the order of starts and stops, and one budget for
 * the whole shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "supervise.h"
#include "util.h"

/*
 * No value is floating-point, so the vector registers a variadic function
 * saves for va_arg are not needed (x86-64 and aarch64: 60 bytes).
 */
__attribute__((target("general-regs-only"))) void
sv_log(struct sv *sv, const struct service *s, int level, const char *desc,
    ...)
{
	struct log_event e;
	const char *event;
	va_list ap;

	/* Below LOG_LEVEL (a debug tick, a WINCH): not even taken apart. */
	if (level < sv->lp.level)
		return;
	va_start(ap, desc);
	event = log_fields(&e, desc, ap);
	va_end(ap);
	lp_event(&sv->lp, s != NULL ? s->idx : -1, NULL, level, event, e.f);
}

void
sv_saved(struct sv *sv, struct service *s)
{
	(void)s;
	st_save(sv);
}

/* Every pid that is init's own and not a service's: not leftovers. */
static int
own_pids(const struct sv *sv, pid_t *pids)
{
	int n = 0, i;

	if (sv->lp.writer > 0)
		pids[n++] = sv->lp.writer;
	for (i = 0; i < sv->n; i++)
		if (sv->svc[i].probe_pid > 0)
			pids[n++] = sv->svc[i].probe_pid;
	return n;
}

/* Without /proc: signal what can still be reached. */
static void
leftovers_blind(struct sv *sv, int sig)
{
	int i;

	if (sv->pid1) {
		/* The log writer is finished first in this mode. */
		kill(-1, sig);
		return;
	}
	for (i = 0; i < sv->n; i++)
		if (sv->svc[i].pid > 0 || sv->svc[i].ran)
			kill(-(sv->svc[i].pid > 0 ? sv->svc[i].pid :
			    sv->svc[i].last_pgid), sig);
}

/*
 * Send SIG (0: just count) to the processes below init that are not
 * init's own; with GROUPS, only those outside every running service's
 * process group.  How many, or -1 if /proc cannot tell.  Without /proc,
 * SIG goes where leftovers_blind() sends it, and the count is 0.
 */
static int
leftovers(struct sv *sv, int sig, int groups)
{
	pid_t skip[SERVICES_MAX + 1];
	int nskip, n, i, k, hit = 0;

	if (sv->noproc) {
		leftovers_blind(sv, sig);
		return 0;
	}
	nskip = own_pids(sv, skip);
	if (!groups && sig == 0) {
		n = proc_children(sv->self, skip, nskip);
		if (n >= 0)
			return n;
	}
	if (wd_init(&sv->wd) < 0)
		return -1;
	n = proc_tree(sv->self, skip, nskip, sv->wd.procs, PROCS_MAX);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (sv->wd.procs[i].state == 'Z')
			continue;
		if (groups) {
			/* Their service's stop reaches them (KILL_GROUP=yes). */
			for (k = 0; k < sv->n; k++)
				if (sv->svc[k].pid > 0 && sv->svc[k].c->kill_group &&
				    sv->wd.procs[i].pgrp == sv->svc[k].pid)
					break;
			if (k < sv->n)
				continue;
		}
		if (sig != 0)
			kill(sv->wd.procs[i].pid, sig);
		hit++;
	}
	return hit;
}

/* The signal leftovers get: the one service's STOP_SIGNAL, or TERM. */
static int
drain_signal(const struct sv *sv)
{
	if (sv->stop_sig != 0)
		return sv->stop_sig;
	return sv->n == 1 ? sv->svc[0].c->stop_signal : SIGTERM;
}

/* Stop everything: services in reverse order, leftovers at once. */
static void
enter_stop(struct sv *sv)
{
	long long now = now_ms();

	sv->phase = PH_STOP;
	sv->t[TS_DELAY] = 0;
	sv->stop_start = now;
	sv->budget_end = now + conf_budget(sv->cs);
	leftovers(sv, drain_signal(sv), 1);
	sv->t[TS_DRAIN] = sv->budget_end;
	st_save(sv);
}

/* A stop request (TERM, INT, PWR, `init stop`): no more restarts. */
static void
request_stop(struct sv *sv, int sig)
{
	char b[16];
	const char *name = sig_name(sig, b, 16);
	int i;

	if (sv->phase == PH_DELAY) {
		/* A second request skips the rest of STOP_DELAY. */
		sv_log(sv, NULL, LV_INFO, "stop_delay_skipped signal=%s", name);
		enter_stop(sv);
		return;
	}
	if (sv->phase != PH_RUN)
		return;
	sv->requested = 1;
	sv->stop_sig = sig == SIGINT ? SIGINT : 0;
	for (i = 0; i < sv->n; i++)
		sv->svc[i].want_down = 1;
	sv_log(sv, NULL, LV_INFO, "stopping signal=%s delay_ms=%lld "
	    "timeout_ms=%lld", name, sv->top->stop_delay,
	    conf_budget(sv->cs));
	if (sv->top->stop_delay > 0) {
		sv->phase = PH_DELAY;
		sv->t[TS_DELAY] = now_ms() + sv->top->stop_delay;
		st_save(sv);
		return;
	}
	enter_stop(sv);
}

void
sv_done(struct sv *sv, struct service *s)
{
	if (sv->phase != PH_RUN)
		return;
	if (s->done_why == DONE_SUCCESS)
		return;
	/* `init down`: kept down on purpose, until `init up`. */
	if (s->held_down) {
		sv_log(sv, s, LV_INFO, "service_down status=%d why=down",
		    s->last_status);
		return;
	}
	if (!s->c->critical) {
		sv_log(sv, s, LV_WARN, "service_down status=%d",
		    s->last_status);
		return;
	}
	/* A critical service is down for good: so is the container. */
	if (!sv->status_set) {
		sv->status = s->last_status;
		sv->status_set = 1;
	}
	if (sv->n > 1)
		sv_log(sv, s, LV_ERROR, "critical_down status=%d",
		    s->last_status);
	enter_stop(sv);
}

void
sv_unhealthy_exit(struct sv *sv, struct service *s)
{
	if (sv->phase != PH_RUN)
		return;
	sv_log(sv, s, LV_ERROR, "unhealthy_exit status=1");
	if (!sv->status_set) {
		sv->status = 1;
		sv->status_set = 1;
	}
	enter_stop(sv);
}

/* Pass SIG on to every running service, through its SIGNAL_MAP. */
static void
forward(struct sv *sv, int sig)
{
	struct service *s;
	char b[16], b2[16];
	const char *name = sig_name(sig, b, 16);
	int i, to;

	for (i = 0; i < sv->n; i++) {
		s = &sv->svc[i];
		if (s->pid <= 0)
			continue;
		to = s->c->sigmap[sig];
		if (to == 0) {
			sv_log(sv, s, LV_DEBUG, "signal_dropped signal=%s",
			    name);
			continue;
		}
		svc_signal(sv, s, to);
		if (to == SIGCONT)
			s->jobstopped = 0;
		if (to != sig)
			sv_log(sv, s, LV_INFO, "signal_forwarded signal=%s "
			    "received=%s pgid=%d", sig_name(to, b2, 16), name,
			    s->pid);
		else
			sv_log(sv, s, sig == SIGWINCH ? LV_DEBUG : LV_INFO,
			    "signal_forwarded signal=%s pgid=%d", name, s->pid);
	}
}

/*
 * TSTP, TTIN or TTOU sent to init.  As PID 1, or in a terminal, the
 * children get it (in a terminal, their stop then suspends init too).
 * Otherwise a shell's job control treats init as the job: the children's
 * groups stop (SIGSTOP: the kernel drops TSTP for the orphaned group of a
 * new session), then init itself; SIGCONT resumes both.
 */
static void
job_stop(struct sv *sv, int sig)
{
	char b[16];
	int i;

	if (sv->pid1 || sv->env.tty) {
		forward(sv, sig);
		return;
	}
	sv_log(sv, NULL, LV_INFO, "suspending signal=%s", sig_name(sig, b, 16));
	for (i = 0; i < sv->n; i++)
		if (sv->svc[i].pid > 0)
			svc_signal(sv, &sv->svc[i], SIGSTOP);
	kill(sv->self, SIGSTOP);
}

static void
on_signal(struct sv *sv, const siginfo_t *si)
{
	int sig = si->si_signo, act = sig_action(sig), code = si->si_code;
	/* Sent by a process (kill, sigqueue, tgkill), not by the kernel. */
	int sent = code == SI_USER || code == SI_QUEUE || code == SI_TKILL;
	char b[16];

	/* From ourselves (SIGPIPE of a write to a closed pipe): not news. */
	if ((code == SI_USER || code == SI_TKILL) && si->si_pid == sv->self)
		return;
	/* The kernel saying a descriptor is ready (F_SETSIG, O_ASYNC). */
	if (sig == SIGIO && !sent) {
		sv->io_pending = 1;
		return;
	}
	if (ctl_request(sv, si))
		return;
	switch (act) {
	case SIGA_STOP:
		request_stop(sv, sig);
		break;
	case SIGA_JOB:
		job_stop(sv, sig);
		break;
	case SIGA_FAULT:
		/* Sent by someone: a number to pass on, like any other. */
		if (!sent) {
			sv_log(sv, NULL, LV_DEBUG, "signal_ignored signal=%s "
			    "code=%d", sig_name(sig, b, 16), code);
			break;
		}
		/* FALLTHROUGH */
	case SIGA_FORWARD:
	case SIGA_CONT:
		forward(sv, sig);
		break;
	}
}

/* Seconds and microseconds of CPU as clock ticks, like /proc. */
static unsigned long long
ru_ticks(const struct rusage *ru, long hz)
{
	unsigned long long us = (unsigned long long)(ru->ru_utime.tv_sec +
	    ru->ru_stime.tv_sec) * 1000000ULL + (unsigned long long)
	    (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec);

	return us * (unsigned long long)hz / 1000000ULL;
}

/* CPU ticks init itself, its log writer and its probes used. */
static unsigned long long
own_ticks(const struct sv *sv)
{
	struct rusage ru;
	struct pstat p;
	unsigned long long t = sv->other_reaped;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		t += ru_ticks(&ru, sv->wd.hz);
	if (sv->lp.writer > 0 && proc_stat(sv->lp.writer, &p) == 0)
		t += p.utime + p.stime;
	return t;
}

static void
wd_scope(struct sv *sv, struct wd_scope *sc, pid_t *mains,
    const struct conf **confs, struct wd_svc *svcs, pid_t *skip)
{
	int i;

	(void)svcs;
	for (i = 0; i < sv->n; i++) {
		mains[i] = sv->svc[i].pid;
		confs[i] = sv->svc[i].c;
	}
	sc->self = sv->self;
	sc->main = mains;
	sc->conf = confs;
	sc->svc = sv->wdsvc;
	sc->n = sv->n;
	sc->skip = skip;
	sc->nskip = own_pids(sv, skip);
	sc->cg = sv->cg.dirfd >= 0 ? &sv->cg : NULL;
	sc->other = sc->cg != NULL ? own_ticks(sv) : 0;
}

static void
writer_died(struct sv *sv, int ws)
{
	long long now = now_ms();

	sv->lp.writer = 0;
	sv_log(sv, NULL, LV_WARN, "log_writer_exited status=%d",
	    WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
	/* Its pipes are intact: a new one picks up, after a pause if it
	 * died young. */
	sv->t[TS_WRITER] = now - sv->lp.writer_start < 1000 ? now + 1000 : now;
	st_save(sv);
}

/* Reap every child that changed state; 1 once none is left at all. */
static int
reap(struct sv *sv)
{
	struct wd_scope sc;
	const struct conf *confs[SERVICES_MAX];
	pid_t mains[SERVICES_MAX], skip[SERVICES_MAX + 1], pid;
	struct rusage ru;
	struct service *s;
	int ws, i;

	for (;;) {
		pid = wait4(-1, &ws, WNOHANG | WUNTRACED, &ru);
		if (pid < 0)
			return errno == ECHILD;
		if (pid == 0)
			return 0;
		for (i = 0, s = NULL; i < sv->n && s == NULL; i++)
			if (sv->svc[i].pid == pid || sv->svc[i].probe_pid == pid)
				s = &sv->svc[i];
		if (s != NULL && s->probe_pid == pid) {
			if (!WIFSTOPPED(ws)) {
				sv->other_reaped += ru_ticks(&ru, sv->wd.hz);
				health_reaped(sv, s, ws);
			}
			continue;
		}
		if (pid == sv->lp.writer) {
			if (!WIFSTOPPED(ws)) {
				sv->other_reaped += ru_ticks(&ru, sv->wd.hz);
				writer_died(sv, ws);
			}
			continue;
		}
		if (WIFSTOPPED(ws)) {
			if (s != NULL) {
				s->wstatus = ws;
				svc_event(sv, s, EV_JOBSTOP);
			}
			continue;
		}
		if (sv->watching) {
			wd_scope(sv, &sc, mains, confs, sv->wdsvc, skip);
			wd_reaped(&sv->wd, &sc, pid, ru_ticks(&ru, sv->wd.hz));
		}
		if (s != NULL) {
			s->wstatus = ws;
			s->last_pgid = s->pid;
			svc_event(sv, s, EV_EXIT);
		} else
			sv_log(sv, NULL, sv->top->warn_on_reap ? LV_WARN : LV_DEBUG,
			    "orphan_reaped pid=%d status=%d", pid, WIFEXITED(ws) ?
			    WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
	}
}

/* One watchdog sample; a breach stops that service like a request. */
static void
tick(struct sv *sv, long long now)
{
	struct wd_verdict v[SERVICES_MAX];
	struct wd_scope sc;
	const struct conf *confs[SERVICES_MAX];
	pid_t mains[SERVICES_MAX], skip[SERVICES_MAX + 1];
	struct service *s;
	int i, mem;

	sv->t[TS_TICK] = now + sv->top->check_interval;
	if (sv->phase != PH_RUN)
		return;
	wd_scope(sv, &sc, mains, confs, sv->wdsvc, skip);
	if (wd_sample(&sv->wd, &sc, now, v) < 0)
		return;
	for (i = 0; i < sv->n; i++) {
		s = &sv->svc[i];
		if (s->state != SS_UP || (s->c->max_cpu_pct == 0 &&
		    s->c->max_mem_mb == 0))
			continue;
		sv_log(sv, s, LV_DEBUG, "watchdog_tick cpu_pct=%lld "
		    "mem_mb=%lld rss_mb=%lld procs=%d", v[i].cpu_pct,
		    v[i].mem_mb, v[i].rss_mb, v[i].nprocs);
		if (v[i].kind == WD_NONE)
			continue;
		mem = v[i].kind == WD_MEM;
		sv_log(sv, s, LV_WARN, "watchdog_breach resource=%s value=%lld "
		    "limit=%lld unit=%s top=%s", mem ? "mem" : "cpu",
		    mem ? v[i].mem_mb : v[i].cpu_pct,
		    mem ? s->c->max_mem_mb : s->c->max_cpu_pct,
		    mem ? "MB" : "%", v[i].top);
		svc_event(sv, s, mem ? EV_BREACH_MEM : EV_BREACH_CPU);
	}
}

static void
start_writer(struct sv *sv)
{
	sv->t[TS_WRITER] = 0;
	if (lp_writer(&sv->lp) < 0)
		sv->t[TS_WRITER] = now_ms() + 1000;
	st_save(sv);
}

/* Fire every deadline that has passed. */
static void
deadlines(struct sv *sv)
{
	long long now = now_ms();
	struct service *s;
	int i, t;

	if (sv->t[TS_DELAY] && now >= sv->t[TS_DELAY])
		enter_stop(sv);
	if (sv->t[TS_TICK] && now >= sv->t[TS_TICK])
		tick(sv, now);
	if (sv->t[TS_WRITER] && now >= sv->t[TS_WRITER])
		start_writer(sv);
	if (sv->t[TS_EVENTS] && now >= sv->t[TS_EVENTS])
		sv->t[TS_EVENTS] = 0;
	for (i = 0; i < sv->n; i++) {
		s = &sv->svc[i];
		for (t = 0; t < T_SVC_N; t++) {
			if (s->t[t] == 0 || now < s->t[t])
				continue;
			if (t == T_KILL)
				svc_event(sv, s, EV_T_KILL);
			else if (t == T_RESTART)
				svc_event(sv, s, EV_T_RESTART);
			else
				health_timer(sv, s, t);
		}
	}
	if (sv->t[TS_DRAIN] && now >= sv->t[TS_DRAIN]) {
		/* Whatever is left gets SIGKILL, again until nothing is. */
		sv->t[TS_DRAIN] = now + REKILL_MS;
		/* While stopping, services time out by themselves. */
		if (leftovers(sv, SIGKILL, sv->phase == PH_STOP) > 0 &&
		    sv->kill_rounds++ == 0)
			sv_log(sv, NULL, LV_WARN, "stop_escalated "
			    "target=leftovers signal=KILL after_ms=%lld",
			    now - sv->stop_start);
	}
}

static long long
nearest(const struct sv *sv)
{
	long long t = 0;
	int i, k;

	for (k = 0; k < TS_N; k++)
		if (sv->t[k] && (t == 0 || sv->t[k] < t))
			t = sv->t[k];
	for (i = 0; i < sv->n; i++)
		for (k = 0; k < T_SVC_N; k++)
			if (sv->svc[i].t[k] && (t == 0 || sv->svc[i].t[k] < t))
				t = sv->svc[i].t[k];
	return t;
}

/* Everything is done: leftovers get the stop signal, then SIGKILL. */
static void
enter_drain(struct sv *sv)
{
	long long now = now_ms();
	char b[16];
	int sig = drain_signal(sv), i;

	sv->phase = PH_DRAIN;
	/*
	 * After a stop, what was in the group of a KILL_GROUP=no service
	 * heard nothing yet (its service signalled the main process only):
	 * now it does, within the same budget.
	 */
	if (sv->budget_end != 0 && !sv->noproc)
		for (i = 0; i < sv->n; i++)
			if (!sv->svc[i].c->kill_group) {
				leftovers(sv, sig, 0);
				break;
			}
	if (sv->budget_end == 0) {
		sv->stop_start = now;
		sv->budget_end = now + (sv->n == 1 ? sv->svc[0].c->stop_timeout :
		    conf_budget(sv->cs));
		leftovers(sv, sig, 0);
		sv->t[TS_DRAIN] = sv->budget_end;
	}
	sv_log(sv, NULL, LV_DEBUG, "draining signal=%s timeout_ms=%lld",
	    sig_name(sig, b, 16),
	    sv->budget_end > now ? sv->budget_end - now : 0);
	st_save(sv);
}

/* Move the supervisor along: starts in order, stops in reverse order. */
static void
advance(struct sv *sv, int none_left)
{
	const struct confset *cs = sv->cs;
	struct service *s;
	int i, j, k, busy = 0, blocked;

	if (sv->phase == PH_RUN) {
		for (k = 0; k < sv->n; k++) {
			s = &sv->svc[cs->order[k]];
			if (s->state == SS_DOWN && !s->want_down &&
			    !s->held_down && svc_deps_ready(sv, s))
				svc_event(sv, s, EV_START);
		}
		for (i = 0; i < sv->n && sv->phase == PH_RUN; i++) {
			s = &sv->svc[i];
			if (s->state == SS_DONE && !s->held_down)
				continue;
			/* Down and waiting for one that is done and not ready. */
			blocked = s->state == SS_DOWN;
			for (j = 0; j < sv->n && blocked; j++)
				if (((cs->deps[i][j / 8] >> (j % 8)) & 1) &&
				    !sv->svc[j].ready && sv->svc[j].state != SS_DONE)
					blocked = 0;
			/* Held down: `init up` may bring it back, so stay. */
			if (s->held_down)
				blocked = 0;
			busy |= !blocked;
		}
		if (sv->phase == PH_RUN && !busy) {
			/* Nothing runs and nothing can start: done. */
			enter_stop(sv);
		}
	}
	if (sv->phase == PH_STOP) {
		for (k = sv->n - 1; k >= 0; k--) {
			i = cs->order[k];
			s = &sv->svc[i];
			if (s->state == SS_DONE)
				continue;
			/* Stop it once everything that needs it is done. */
			for (j = 0; j < sv->n; j++)
				if (((cs->deps[j][i / 8] >> (i % 8)) & 1) &&
				    sv->svc[j].state != SS_DONE)
					break;
			if (j == sv->n)
				svc_event(sv, s, EV_STOP);
		}
		for (i = 0; i < sv->n && sv->svc[i].state == SS_DONE; i++)
			;
		if (i == sv->n)
			enter_drain(sv);
	}
	if (sv->phase == PH_DRAIN) {
		if (sv->noproc) {
			/* Blind: the writer goes first, then waitpid tells. */
			if (sv->lp.writer > 0)
				lp_finish(&sv->lp, 1000);
			if (none_left || reap(sv))
				sv->phase = PH_EXIT;
		} else if (leftovers(sv, 0, 0) <= 0)
			sv->phase = PH_EXIT;
	}
}

/* init's exit status once everything is done. */
static int
exit_status(const struct sv *sv)
{
	int st = 0, i;

	if (sv->status_set)
		st = sv->status;
	else if (sv->n == 1)
		st = sv->svc[0].ran ? sv->svc[0].last_status : 0;
	else
		for (i = 0; i < sv->n; i++)
			if (sv->svc[i].ran && sv->svc[i].killed)
				st = 128 + SIGKILL;
	if (st >= 0 && st <= 255 && (sv->top->as_zero[st / 8] >> (st % 8)) & 1)
		st = 0;
	return st;
}

/* Settle the claim on NAME; -1 if another supervisor has it. */
static int
claim(struct sv *sv)
{
	const char *why = NULL;
	pid_t owner;

	sv->st.dirfd = sv->st.lockfd = -1;
	if (*sv->top->pid_dir == '\0')
		return 0;
	if (st_claim(&sv->st, sv->top->pid_dir, sv->top->name, &why,
	    &owner) < 0) {
		if (owner > 0)
			warnx("%s is already running as PID %d (%s/%s.%s); not "
			    "starting another", sv->top->name, (int)owner,
			    sv->top->pid_dir, sv->top->name, PF_SUPERVISOR);
		else
			warnx("%s is already running (%s/%s.%s is locked); not "
			    "starting another", sv->top->name, sv->top->pid_dir,
			    sv->top->name, PF_LOCK);
		return -1;
	}
	if (sv->st.dirfd < 0 && why == st_pid_refused)
		sv_log(sv, NULL, LV_WARN, "pid_file_refused dir=%s name=%s "
		    "error=%s", sv->top->pid_dir, sv->top->name,
		    strerror(errno));
	else if (sv->st.dirfd < 0)
		sv_log(sv, NULL, LV_WARN, "pid_dir_unusable dir=%s why=%s "
		    "error=%s", sv->top->pid_dir, why, strerror(errno));
	else if (sv->st.stale > 0)
		sv_log(sv, NULL, LV_WARN, "stale_pid_file pid=%d dir=%s",
		    sv->st.stale, sv->top->pid_dir);
	return 0;
}

/* The first run: what init needs before anything starts. */
static int
setup(struct sv *sv, const struct confset *cs, sigbits orig)
{
	struct pstat ps;
	int i, watch = 0;

	/* SV is static and used once: zero already (a memset would put all
	 * of its pages in init's RSS). */
	sv->cg.dirfd = -1;
	sv->cs = cs;
	sv->top = cs->top;
	sv->n = cs->n;
	sv->self = getpid();
	sv->pid1 = sv->self == 1;
	sv->env.mask = orig;
	sv->env.ignored = sig_take_ignored();
	/*
	 * Several services: only one group can have the terminal, and ^C would
	 * reach it alone, out of the stop order.  They run as without one.
	 * (tty_pgrp() fails on what is not init's terminal: no isatty.)
	 */
	sv->env.tty = !cs->multi && tty_pgrp() == getpgrp();
	/*
	 * PID 1 with a terminal but in a group it cannot see (unshare): lead
	 * a group of its own in the foreground, as a container's init does,
	 * so that between runs ^C reaches it.
	 */
	if (sv->env.tty && sv->pid1 && getpgrp() != 1 && setpgid(0, 0) == 0)
		tty_set_pgrp(1);
	sv->noproc = access("/proc/self/stat", R_OK) < 0;
	/* Clients tell this supervisor from a reused or foreign PID by it. */
	if (proc_stat(sv->self, &ps) == 0)
		sv->start_ticks = ps.start;
	sv->wall_start = wall_secs();
	lp_init(&sv->lp, cs, sv->env.tty);
	for (i = 0; i < sv->n; i++) {
		if (svc_init(sv, &sv->svc[i], i) < 0)
			return -1;
		watch |= sv->svc[i].c->max_cpu_pct > 0 ||
		    sv->svc[i].c->max_mem_mb > 0;
	}
	if (claim(sv) < 0)
		return -1;
	if (watch) {
		if (wd_init(&sv->wd) < 0)
			die(1, "cannot allocate the watchdog's process table");
		sv->watching = 1;
		/* One service in a container of its own: its cgroup's counters. */
		if (sv->n == 1)
			cg_open(&sv->cg);
		sv->t[TS_TICK] = now_ms() + sv->top->check_interval;
	}
	/* The system call: musl's prctl() is a variadic wrapper of it. */
	if (sv->top->pdeathsig > 0)
		syscall(SYS_prctl, PR_SET_PDEATHSIG, (long)sv->top->pdeathsig);
	if (!sv->pid1 && syscall(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1L) < 0)
		sv_log(sv, NULL, LV_WARN, "subreaper_failed error=%s",
		    strerror(errno));
	if (sv->lp.logging)
		start_writer(sv);
	sv_log(sv, NULL, LV_INFO, "started version=%s pid=%d role=%s config=%s "
	    "services=%d watchdog=%s", INIT_VERSION, sv->self,
	    sv->pid1 ? "pid1" : "subreaper",
	    cs->top->path != NULL ? cs->top->path : "-", sv->n,
	    !sv->watching ? "off" : sv->cg.dirfd >= 0 ? "cgroup" : "proc");
	st_save(sv);
	return 0;
}

/* Poll every watched descriptor: exec status, READY_FD, probe output. */
static void
poll_fds(struct sv *sv)
{
	int i;

	sv->io_pending = 0;
	for (i = 0; i < sv->n; i++) {
		svc_poll(sv, &sv->svc[i]);
		health_read(&sv->svc[i]);
	}
}

/* One service from the command line (and INIT_*): `init --`, drop-ins. */
int
sv_run_dash(struct confset *cs, const struct setting *ov, int nov, char **cmd,
    sigbits orig)
{
	int e;

	/* CS is static: zero already; touching all of it would cost RSS. */
	e = conf_load(&cs->svc[0], MODE_DASH, NULL, ov, nov, cmd);
	if (e > 0)
		diex(2, "%d problem%s in the configuration; nothing started",
		    e, e == 1 ? "" : "s");
	cs->n = 1;
	cs->top = &cs->svc[0];
	return sv_run(cs, orig);
}

int
sv_run(const struct confset *cs, sigbits orig)
{
	static struct sv sv;	/* large: keep it off the stack */
	siginfo_t si;
	long long t, wait;
	unsigned long restarts;
	int none_left, i;

	if (setup(&sv, cs, orig) < 0)
		return 2;
	advance(&sv, 0);
	while (sv.phase != PH_EXIT) {
		if (lp_drain(&sv.lp))
			sv.t[TS_EVENTS] = now_ms() + 200;
		t = nearest(&sv);
		wait = t == 0 ? -1 : t - now_ms();
		if (t != 0 && wait < 0)
			wait = 0;
		if (sv.io_pending)
			wait = 0;
		/*
		 * The kernel fills in SI when a signal comes (since Linux 4.20
		 * all of it; before, what the kind of signal defines, which is
		 * all that on_signal() reads).
		 */
		if (sig_wait(~0ULL, &si, wait) > 0)
			on_signal(&sv, &si);
		none_left = reap(&sv);
		/* Exec status and READY_FD: cheap to look at every time. */
		poll_fds(&sv);
		deadlines(&sv);
		advance(&sv, none_left);
	}
	sv.status = exit_status(&sv);
	for (i = 0, restarts = 0; i < sv.n; i++)
		restarts += sv.svc[i].restarts;
	sv_log(&sv, NULL, LV_INFO, "exiting status=%d restarts=%lu", sv.status,
	    restarts);
	st_release(&sv.st);
	lp_finish(&sv.lp, sv.top->stop_timeout > 1000 ? sv.top->stop_timeout :
	    1000);
	return sv.status;
}
