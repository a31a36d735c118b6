/*
 * One supervised program as a state machine: actions[state][event] says
 * what each event does in each state (s6-supervise's table is the model);
 * an empty cell means "ignored".  What follows the end of a run is one
 * pure function, decide(), kept apart so it can be tested alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "service.h"
#include "supervise.h"
#include "util.h"

static const char *const state_names[SS_N] = {
	"down", "starting", "running", "stopping", "cooldown", "done"
};

const char *
svc_state_name(const struct service *s)
{
	return state_names[s->state];
}

unsigned long
restarts_recent(const long long *history, unsigned long cap,
    unsigned long restarts, long long now, long long window)
{
	unsigned long i, n = restarts < cap ? restarts : cap;

	for (i = 0; i < n; i++)
		if (now - history[(restarts - 1 - i) % cap] >= window)
			break;
	return i;
}

int
decide(const struct conf *c, const struct run_end *r, long long *wait,
    long long *delay)
{
	long long d;

	if (r->want_down)
		return V_STOPPED;
	if (c->type == TYPE_ONESHOT && !r->failed && conf_success(c, r->status))
		return V_SUCCESS;
	if (c->restart_policy == RESTART_NEVER ||
	    (c->restart_policy == RESTART_ON_FAILURE && !r->failed &&
	    conf_success(c, r->status)))
		return V_EXITED;
	if (c->max_restarts > 0 && (long long)r->recent >= c->max_restarts)
		return V_GIVE_UP;
	/* A run longer than the longest delay was not a crash loop. */
	d = r->runtime > c->restart_delay_max ? c->restart_delay : *delay;
	*wait = d;
	/* Back-off doubles from a floor: 0 doubled would stay 0. */
	d = d < BACKOFF_FLOOR ? BACKOFF_FLOOR : d * 2;
	*delay = d > c->restart_delay_max ? c->restart_delay_max : d;
	return V_RESTART;
}

static long long
wall(void)
{
	return wall_secs();
}

void
svc_signal(struct sv *sv, struct service *s, int sig)
{
	(void)sv;
	if (s->pid <= 0)
		return;
	/* The group exists once the program runs: hold signals until then. */
	if (s->statusfd >= 0 && sig != SIGKILL) {
		s->held |= SIGBIT(sig);
		return;
	}
	if (!s->c->kill_group || (kill(-s->pid, sig) < 0 && errno == ESRCH))
		kill(s->pid, sig);
	if (s->jobstopped && sig != SIGCONT && sig != SIGKILL) {
		if (s->c->kill_group)
			kill(-s->pid, SIGCONT);
		kill(s->pid, SIGCONT);
	}
}

/* Arm or clear the service's deadline T. */
static void
arm(struct service *s, int t, long long at)
{
	s->t[t] = at;
}

void
svc_watch(struct sv *sv, int fd)
{
	fd_ctl(fd, F_SETOWN, sv->self);
	fd_ctl(fd, F_SETSIG, SIGIO);
	fd_ctl(fd, F_SETFL, O_NONBLOCK | O_ASYNC);
}

/* A start that could not even fork: a run that failed at once. */
static void end_run(struct sv *, struct service *, int);

static void
start(struct sv *sv, struct service *s)
{
	struct spawn_io io = { -1, -1, -1, 0 };
	int rp[2] = { -1, -1 }, go;

	arm(s, T_RESTART, 0);
	s->want_down = 0;
	s->done_why = DONE_NO;
	s->ready = s->killed = s->jobstopped = 0;
	s->stopping_why = WHY_NONE;
	s->held = 0;
	s->exec_err.stage = SPAWN_OK;
	lp_streams(&sv->lp, s->idx, &io.out, &io.err);
	if (s->c->ready_fd >= 0) {
		if (fd_pipe(rp, O_CLOEXEC) < 0)
			sv_log(sv, s, LV_WARN, "ready_fd_failed error=%s",
			    strerror(errno));
		else {
			io.ready = rp[1];
			s->readyfd = rp[0];
			svc_watch(sv, s->readyfd);
		}
	}
	s->start_ms = now_ms();
	s->start_wall = wall();
	s->pid = spawn(s->c, s->c->argv, &s->cr, &sv->env, &io, &s->statusfd,
	    &go);
	fd_close(&rp[1]);
	if (s->pid < 0) {
		sv_log(sv, s, LV_ERROR, "spawn_failed error=%s",
		    strerror(errno));
		s->pid = 0;
		fd_close(&s->readyfd);
		end_run(sv, s, -1);
		return;
	}
	/* Before the program can write: its output comes after this line. */
	sv_log(sv, s, LV_INFO, "child_started pid=%d command=%s restarts=%lu",
	    s->pid, s->c->command, s->restarts);
	spawn_go(&go);
	s->state = SS_STARTING;
	svc_watch(sv, s->statusfd);
	wd_forget(&sv->wdsvc[s->idx]);
	sv_saved(sv, s);
	svc_poll(sv, s);
}

/*
 * The program runs: its group exists, so the held signals go out (also
 * when a stop came first); ready now unless READY_FD or a health check
 * will say so.
 */
static void
ran(struct sv *sv, struct service *s)
{
	sigbits held = s->held;
	int sig;

	fd_close(&s->statusfd);
	if (s->state == SS_STARTING)
		s->state = SS_UP;
	s->held = 0;
	for (sig = 1; sig <= SIG_MAX; sig++)
		if (held & SIGBIT(sig))
			svc_signal(sv, s, sig);
	if (s->state != SS_UP)
		return;
	/* A oneshot is ready when it has succeeded (decide() says so). */
	if (s->readyfd < 0 && s->c->probe == PROBE_NONE_KIND &&
	    s->c->type != TYPE_ONESHOT)
		s->ready = 1;
	health_start(sv, s);
	sv_saved(sv, s);
}

static void
exec_failed(struct sv *sv, struct service *s)
{
	char msg[CONF_LINE_MAX + 128];

	fd_close(&s->statusfd);
	fmt(msg, sizeof(msg), "%s %s: %s", spawn_what(&s->exec_err),
	    s->c->argv[0], strerror(s->exec_err.err));
	sv_log(sv, s, LV_ERROR, "exec_failed pid=%d error=%s", s->pid, msg);
}

/* Ask the run to stop for WHY: its stop signal now, SIGKILL later. */
static const char *const why_names[] = {
	"", "stop", "restart", "watchdog_cpu", "watchdog_mem", "unhealthy"
};

static void
stop_run(struct sv *sv, struct service *s, int why)
{
	char b[16];
	int sig = why == WHY_REQUEST && sv->stop_sig != 0 ? sv->stop_sig :
	    s->c->stop_signal;

	if (s->state == SS_STOPPING)
		return;
	s->stopping_why = why;
	s->state = SS_STOPPING;
	health_stop(sv, s);
	svc_signal(sv, s, sig);
	sv_log(sv, s, LV_INFO, "signal_forwarded signal=%s pgid=%d reason=%s",
	    sig_name(sig, b, sizeof(b)), s->pid, why_names[why]);
	arm(s, T_KILL, now_ms() + s->c->stop_timeout);
	sv_saved(sv, s);
}

static void
on_kill(struct sv *sv, struct service *s)
{
	arm(s, T_KILL, 0);
	s->killed = 1;
	sv_log(sv, s, LV_WARN,
	    "stop_escalated pid=%d signal=KILL after_ms=%lld", s->pid,
	    s->c->stop_timeout);
	if (s->c->kill_group)
		kill(-s->pid, SIGKILL);
	kill(s->pid, SIGKILL);
}

/* Between runs, init's own group holds the terminal: ^C then stops init. */
static void
take_terminal(struct sv *sv, struct service *s)
{
	if (sv->env.tty && tty_pgrp() == s->pid)
		tty_set_pgrp(getpgrp());
}

/*
 * The run ended with raw wait status WS, or never ran (-1: it could not
 * even fork, which counts as status 1).  Report it, then decide what
 * follows.
 */
static void
end_run(struct sv *sv, struct service *s, int ws)
{
	long long now = now_ms(), runtime = now - s->start_ms, wait = 0;
	struct run_end r;
	const char *reason = "exit";
	char b[16];
	int sig = 0, raw, v, failed = 0, reaped = ws >= 0;

	if (reaped && WIFSIGNALED(ws)) {
		sig = WTERMSIG(ws);
		raw = 128 + sig;
		reason = s->killed ? "stop_timeout" : "signal";
	} else
		raw = reaped ? WEXITSTATUS(ws) : 1;
	r.status = raw;
	if (!reaped) {
		reason = "spawn_failed";
		failed = 1;
	} else if (s->exec_err.stage != SPAWN_OK)
		reason = "exec_failed";
	else if (s->stopping_why >= WHY_CPU) {
		/*
		 * Like the kernel's OOM killer's, a watchdog kill reads as
		 * SIGKILL; an unhealthy run keeps its status, or fails with 1.
		 */
		reason = why_names[s->stopping_why];
		r.status = s->stopping_why != WHY_UNHEALTHY ? 128 + SIGKILL :
		    raw != 0 ? raw : 1;
		failed = 1;
	} else if (s->stopping_why != WHY_NONE && !s->killed)
		reason = "stopped";
	if (reaped) {
		lp_flush(&sv->lp, s->idx);
		if (sig != 0)
			sv_log(sv, s, LV_INFO, "child_exited pid=%d signal=%s "
			    "status=%d runtime_ms=%lld reason=%s", s->pid,
			    sig_name(sig, b, 16), r.status, runtime, reason);
		else
			sv_log(sv, s, LV_INFO, "child_exited pid=%d code=%d "
			    "status=%d runtime_ms=%lld reason=%s", s->pid, raw,
			    r.status, runtime, reason);
		take_terminal(sv, s);
	}
	fd_close(&s->statusfd);
	fd_close(&s->readyfd);
	health_stop(sv, s);
	arm(s, T_KILL, 0);
	s->pid = 0;
	s->ran = 1;
	s->ready = 0;
	s->jobstopped = 0;
	s->last_status = r.status;
	s->last_code = sig != 0 ? -1 : raw;
	s->last_sig = sig;
	s->last_reason = reason;
	/* In a terminal, ^C or ^\ (or a 130 after one) means the user wants out. */
	if (sv->env.tty && (sig == SIGINT || sig == SIGQUIT ||
	    (sig == 0 && raw == 130)))
		s->want_down = 1;
	if (s->stopping_why == WHY_RESTART && !s->want_down) {
		/* `init restart`: at once, and not counted as a crash. */
		sv_log(sv, s, LV_INFO, "restarting status=%d", r.status);
		start(sv, s);
		return;
	}
	r.failed = failed;
	r.want_down = s->want_down;
	r.runtime = runtime;
	r.recent = s->history == NULL ? 0 : restarts_recent(s->history,
	    (unsigned long)s->c->max_restarts, s->restarts, now,
	    s->c->restart_window);
	v = decide(s->c, &r, &wait, &s->delay);
	s->stopping_why = WHY_NONE;
	if (v == V_RESTART) {
		s->state = SS_COOLDOWN;
		arm(s, T_RESTART, now + wait);
		sv_saved(sv, s);
		sv_log(sv, s, LV_INFO, "restart_scheduled delay_ms=%lld "
		    "restarts=%lu status=%d", wait, s->restarts + 1, r.status);
		return;
	}
	if (v == V_GIVE_UP)
		sv_log(sv, s, LV_ERROR, "give_up restarts=%lu window_ms=%lld "
		    "status=%d", r.recent, s->c->restart_window, r.status);
	else if (v == V_EXITED)
		sv_log(sv, s, LV_DEBUG, "no_restart status=%d", r.status);
	/* The verdict is the reason. */
	_Static_assert((int)DONE_EXITED == (int)V_EXITED &&
	    (int)DONE_SUCCESS == (int)V_SUCCESS &&
	    (int)DONE_GAVE_UP == (int)V_GIVE_UP &&
	    (int)DONE_STOPPED == (int)V_STOPPED, "DONE_* follow V_*");
	s->done_why = v;
	if (v == V_SUCCESS)
		s->ready = 1;
	s->state = SS_DONE;
	sv_saved(sv, s);
	sv_done(sv, s);
}

static void
on_exit_ev(struct sv *sv, struct service *s)
{
	/* The exec status may not have been read yet: it is there by now. */
	if (s->statusfd >= 0)
		svc_poll(sv, s);
	end_run(sv, s, s->wstatus);
}

/*
 * Stopped by job control (^Z).  In a terminal started from a shell, init
 * suspends too, as one job; otherwise nobody else would resume it.
 */
static void
on_jobstop(struct sv *sv, struct service *s)
{
	char b[16];
	int sig = WSTOPSIG(s->wstatus);

	s->jobstopped = 1;
	sv_log(sv, s, LV_INFO, "child_stopped pid=%d signal=%s", s->pid,
	    sig_name(sig, b, 16));
	if (sig_action(sig) != SIGA_JOB)
		return;
	if (sv->env.tty && !sv->pid1) {
		tty_set_pgrp(getpgrp());
		kill(sv->self, SIGSTOP);
		if (tty_pgrp() == getpgrp())
			tty_set_pgrp(s->pid);
	}
	kill(-s->pid, SIGCONT);
	kill(s->pid, SIGCONT);
	s->jobstopped = 0;
	sv_log(sv, s, LV_INFO, "child_resumed pid=%d", s->pid);
}

static void
on_restart_due(struct sv *sv, struct service *s)
{
	long long now = now_ms();

	if (s->history != NULL)
		s->history[s->restarts % (unsigned long)s->c->max_restarts] = now;
	s->restarts++;
	start(sv, s);
}

/* Stop for good while not running: done, with the last run's status. */
static void
on_stop_idle(struct sv *sv, struct service *s)
{
	arm(s, T_RESTART, 0);
	s->want_down = 1;
	s->state = SS_DONE;
	s->done_why = DONE_STOPPED;
	sv_saved(sv, s);
	sv_done(sv, s);
}

/* The actions, numbered for the table: a cell is a byte, not a pointer. */
enum { A_NONE, A_START, A_RAN, A_EXECFAIL, A_EXIT, A_JOBSTOP, A_STOP_RUN,
    A_KILL, A_RESTART_DUE, A_STOP_IDLE };

static const unsigned char actions[SS_N][EV_N] = {
	[SS_DOWN] = {
		[EV_START] = A_START,
		[EV_STOP] = A_STOP_IDLE,
		[EV_RESTART] = A_START,
	},
	[SS_STARTING] = {
		[EV_RAN] = A_RAN,
		[EV_EXECFAIL] = A_EXECFAIL,
		[EV_EXIT] = A_EXIT,
		[EV_JOBSTOP] = A_JOBSTOP,
		[EV_STOP] = A_STOP_RUN,
		[EV_RESTART] = A_STOP_RUN,
		[EV_BREACH_CPU] = A_STOP_RUN,
		[EV_BREACH_MEM] = A_STOP_RUN,
		[EV_T_KILL] = A_KILL,
	},
	[SS_UP] = {
		[EV_EXIT] = A_EXIT,
		[EV_JOBSTOP] = A_JOBSTOP,
		[EV_STOP] = A_STOP_RUN,
		[EV_RESTART] = A_STOP_RUN,
		[EV_BREACH_CPU] = A_STOP_RUN,
		[EV_BREACH_MEM] = A_STOP_RUN,
		[EV_UNHEALTHY] = A_STOP_RUN,
	},
	[SS_STOPPING] = {
		[EV_RAN] = A_RAN,
		[EV_EXECFAIL] = A_EXECFAIL,
		[EV_EXIT] = A_EXIT,
		[EV_JOBSTOP] = A_JOBSTOP,
		[EV_STOP] = A_STOP_RUN,
		[EV_T_KILL] = A_KILL,
	},
	[SS_COOLDOWN] = {
		[EV_STOP] = A_STOP_IDLE,
		[EV_RESTART] = A_START,
		[EV_T_RESTART] = A_RESTART_DUE,
	},
	[SS_DONE] = {
		[EV_START] = A_START,
		[EV_RESTART] = A_START,
	},
};

/* Why each event that stops a run (A_STOP_RUN) stops it. */
static const unsigned char stop_whys[EV_N] = {
	[EV_STOP] = WHY_REQUEST,
	[EV_RESTART] = WHY_RESTART,
	[EV_BREACH_CPU] = WHY_CPU,
	[EV_BREACH_MEM] = WHY_MEM,
	[EV_UNHEALTHY] = WHY_UNHEALTHY,
};

void
svc_event(struct sv *sv, struct service *s, enum svevent ev)
{
	switch (actions[s->state][ev]) {
	case A_START:
		start(sv, s);
		break;
	case A_RAN:
		ran(sv, s);
		break;
	case A_EXECFAIL:
		exec_failed(sv, s);
		break;
	case A_EXIT:
		on_exit_ev(sv, s);
		break;
	case A_JOBSTOP:
		on_jobstop(sv, s);
		break;
	case A_STOP_RUN:
		/* Stop for good: no restart after this run, if one runs. */
		if (ev == EV_STOP)
			s->want_down = 1;
		stop_run(sv, s, stop_whys[ev]);
		break;
	case A_KILL:
		on_kill(sv, s);
		break;
	case A_RESTART_DUE:
		on_restart_due(sv, s);
		break;
	case A_STOP_IDLE:
		on_stop_idle(sv, s);
		break;
	}
}

void
svc_poll(struct sv *sv, struct service *s)
{
	char buf[64];
	ssize_t n;
	int r;

	if (s->statusfd >= 0) {
		r = spawn_poll(s->statusfd, &s->exec_err);
		if (r != SPAWN_PENDING)
			svc_event(sv, s, r == SPAWN_RAN ? EV_RAN : EV_EXECFAIL);
	}
	if (s->readyfd < 0)
		return;
	n = read(s->readyfd, buf, sizeof(buf));
	if (n > 0 && memchr(buf, '\n', (size_t)n) != NULL && !s->ready &&
	    s->state == SS_UP) {
		s->ready = 1;
		fd_close(&s->readyfd);
		sv_log(sv, s, LV_INFO, "ready pid=%d after_ms=%lld", s->pid,
		    now_ms() - s->start_ms);
		sv_saved(sv, s);
	} else if (n == 0) {
		fd_close(&s->readyfd);
		sv_log(sv, s, LV_WARN, "ready_fd_closed pid=%d fd=%d", s->pid,
		    s->c->ready_fd);
	}
}

int
svc_deps_ready(const struct sv *sv, const struct service *s)
{
	const struct confset *cs = sv->cs;
	int j;

	for (j = 0; j < sv->n; j++)
		if (((cs->deps[s->idx][j / 8] >> (j % 8)) & 1) &&
		    !sv->svc[j].ready)
			return 0;
	return 1;
}

int
svc_init(struct sv *sv, struct service *s, int idx)
{
	char msg[256];
	const char *why;

	/* S is in init's static struct sv: zero already. */
	s->idx = idx;
	s->c = &sv->cs->svc[idx];
	s->statusfd = s->readyfd = s->probe_fd = s->probe_statusfd = -1;
	s->delay = s->c->restart_delay;
	s->last_code = -1;
	if (s->c->max_restarts > 0) {
		s->history = mem_get((size_t)s->c->max_restarts *
		    sizeof(*s->history));
		if (s->history == NULL) {
			warn("%s: cannot allocate its restart history", s->c->name);
			return -1;
		}
	}
	why = user_resolve(s->c, &s->cr, msg, sizeof(msg));
	if (why != NULL) {
		warnx("%s: %s", s->c->name, why);
		return -1;
	}
	return 0;
}
