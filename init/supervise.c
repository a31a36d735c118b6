/*
 * The one loop: signals, reaping, restarts, stop and escalation.
 *
 * Every signal is blocked and taken synchronously with sigtimedwait(), whose
 * timeout is the nearest deadline, so an idle init never wakes up.  All
 * mutable state lives in struct sv, owned by sv_run().  "want" (should the
 * child run?) is kept apart from "state" (what is), as in runit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logwriter.h"
#include "pidfile.h"
#include "proc.h"
#include "sig.h"
#include "spawn.h"
#include "supervise.h"
#include "util.h"
#include "watchdog.h"

enum {
	ST_RUNNING,	/* child alive */
	ST_COOLDOWN,	/* between runs, waiting for t_restart */
	ST_DRAINING,	/* main child gone: leftovers get STOP_SIGNAL, then KILL */
};

#define NEVER	0LL

/*
 * The log writer's pipes, which PID 1 creates once and holds, both ends,
 * for its whole life, and its settings for the one service.
 */
enum { LP_OUT, LP_ERR, LP_EV, LP_N };
struct logpipe {
	int			 rd[LP_N];
	int			 wr[LP_N];
	struct lw_file		 file;
	struct lw_stream	 streams[2];
	int			 svc_file[1];
	struct lw_config	 cf;
};

struct sv {
	const struct conf	*c;
	struct log		 log;
	struct spawn_env	 env;
	sigset_t		 waitset;
	pid_t			 self;
	int			 pid1;
	struct wd		 wd;		/* also scratch for /proc scans */
	struct logpipe		 lp;		/* to the log writer, held for life */
	pid_t			 logger;	/* 0: none running */
	long long		 logger_start;	/* ms */
	int			 logging;	/* LOG_DIR is set */
	int			 pidfd;		/* PID_DIR, or -1: no files */
	int			 pid_warned;
	unsigned long long	 self_start;	/* our /proc start time */
	long long		 wall_start;	/* epoch seconds */

	int			 state;
	int			 want_down;	/* stop requested: no restarts */
	pid_t			 child;		/* also its process group */
	long long		 child_start;
	struct spawn_err	 exec_err;	/* of the current child */
	int			 child_stopped;	/* by job control */
	int			 killed;	/* escalated to SIGKILL */
	int			 breach;	/* WD_* that is stopping the child */
	long long		 child_wall;	/* epoch seconds */
	int			 stop_sig;	/* waiting out STOP_DELAY */

	long long		 t_forward;	/* forward stop_sig (STOP_DELAY) */
	long long		 t_kill;	/* SIGKILL the child or leftovers */
	long long		 t_restart;	/* start the next child */
	long long		 t_tick;	/* next watchdog check */
	long long		 t_logger;	/* restart the log writer */

	long long		 delay;		/* next restart delay */
	long long		 history[HISTORY_MAX];	/* restart times, a ring */
	unsigned long		 restarts;
	int			 status;	/* init's exit status */
	char			 last_exit[64];	/* for the state file */
};

static const char *const state_names[] = {
	"running", "cooldown", "draining"
};

static const char *
signame(int sig, char *buf)
{
	return sig_name(sig, buf, 16);
}

/* Signal the child's process group, or the child if the group is gone. */
static void
to_child(struct sv *s, int sig)
{
	if (kill(-s->child, sig) < 0 && errno == ESRCH)
		kill(s->child, sig);
	if (s->child_stopped && sig != SIGCONT && sig != SIGKILL)
		kill(-s->child, SIGCONT);
}

/* Whether any process but the log writer is left below init. */
static int
leftovers(struct sv *s)
{
	int n = proc_children(s->self, s->logger);

	if (n >= 0)
		return n > 0;
	return proc_tree(s->self, s->logger, s->wd.procs, PROCS_MAX) != 0;
}

/* Signal everything init leaves behind. */
static void
to_leftovers(struct sv *s, int sig)
{
	if (!leftovers(s))
		return;
	/* kill(-1) would hit the log writer, which must outlive them. */
	if (s->pid1 && s->logger == 0)
		kill(-1, sig);
	else
		proc_kill_tree(s->self, s->logger, sig, s->wd.procs, PROCS_MAX);
}

static long long
wall(void)
{
	return (long long)time(NULL);
}

/* Rewrite the PID and state files after a change; warn once on failure. */
static void
save_state(struct sv *s)
{
	char buf[1024], num[32];
	const char *st = state_names[s->state];
	int r;

	if (s->pidfd < 0)
		return;
	if (s->state == ST_RUNNING && (s->want_down || s->breach))
		st = "stopping";
	fmt(buf, sizeof(buf),
	    "state=%s\nname=%s\nsupervisor_pid=%d\nsupervisor_start=%lld\n"
	    "supervisor_start_ticks=%llu\nchild_pid=%d\nchild_start=%lld\n"
	    "restarts=%lu\nlogger_pid=%d\n%sconfig=%s\nupdated=%lld\n",
	    st, s->c->name, (int)s->self, s->wall_start, s->self_start,
	    (int)s->child, s->child ? s->child_wall : 0, s->restarts,
	    (int)s->logger, s->last_exit, s->c->path != NULL ? s->c->path : "-",
	    wall());
	r = pid_write(s->pidfd, s->c->name, PF_STATE, buf);
	if (r == 0 && s->child != 0) {
		fmt(num, sizeof(num), "%d\n", (int)s->child);
		r = pid_write(s->pidfd, s->c->name, PF_CHILD, num);
	} else if (r == 0) {
		fmt(num, sizeof(num), "%s.%s", s->c->name, PF_CHILD);
		unlinkat(s->pidfd, num, 0);
	}
	if (r < 0 && !s->pid_warned) {
		s->pid_warned = 1;
		log_event(&s->log, LV_WARN, "state_file_failed", (struct field[]){
		    FS("dir", s->c->pid_dir), FS("error", strerror(errno)),
		    FEND });
	}
}

/*
 * Claim NAME's PID file in PID_DIR.  Returns -1 if a live supervisor owns
 * it; an unusable PID_DIR only costs the files.
 */
static int
claim_pidfile(struct sv *s)
{
	const char *why = NULL;
	char num[32];
	pid_t owner, stale;
	struct pstat self;

	s->pidfd = -1;
	if (s->c->pid_dir[0] == '\0' ||
	    (s->c->mode == MODE_DASH && !conf_explicit(s->c, "PID_DIR")))
		return 0;
	if (proc_stat(s->self, &self) == 0)
		s->self_start = self.start;
	s->pidfd = pid_dir(s->c->pid_dir, 1, &why);
	if (s->pidfd < 0) {
		log_event(&s->log, LV_WARN, "pid_dir_unusable", (struct field[]){
		    FS("dir", s->c->pid_dir), FS("why", why),
		    FS("error", strerror(errno)), FEND });
		return 0;
	}
	owner = pid_owner(s->pidfd, s->c->name, &stale);
	if (owner != 0) {
		warnx("%s is already running as PID %d (%s/%s.%s); not starting "
		    "another", s->c->name, (int)owner, s->c->pid_dir, s->c->name,
		    PF_SUPERVISOR);
		close(s->pidfd);
		s->pidfd = -1;
		return -1;
	}
	if (stale != 0)
		log_event(&s->log, LV_WARN, "stale_pid_file", (struct field[]){
		    FN("pid", stale), FS("dir", s->c->pid_dir), FEND });
	fmt(num, sizeof(num), "%d\n", (int)s->self);
	if (pid_write(s->pidfd, s->c->name, PF_SUPERVISOR, num) < 0) {
		log_event(&s->log, LV_WARN, "pid_file_refused", (struct field[]){
		    FS("dir", s->c->pid_dir), FS("name", s->c->name),
		    FS("error", strerror(errno)), FEND });
		close(s->pidfd);
		s->pidfd = -1;
	}
	return 0;
}

static void
begin_exit(struct sv *s, int status)
{
	char b[16];

	s->status = status;
	s->state = ST_DRAINING;
	s->t_restart = s->t_forward = s->t_tick = s->t_logger = NEVER;
	s->t_kill = now_ms() + s->c->stop_timeout;
	save_state(s);
	to_leftovers(s, s->c->stop_signal);
	log_event(&s->log, LV_DEBUG, "draining", (struct field[]){
	    FS("signal", signame(s->c->stop_signal, b)),
	    FN("timeout_ms", s->c->stop_timeout), FEND });
}

static void decide(struct sv *, int, long long, int);

static void
start_child(struct sv *s)
{
	char msg[CONF_LINE_MAX + 64];
	pid_t pid;

	s->t_restart = NEVER;
	pid = spawn(s->c, &s->env, &s->exec_err);
	if (pid < 0) {
		log_event(&s->log, LV_ERROR, "spawn_failed", (struct field[]){
		    FS("error", strerror(errno)), FEND });
		/* Like a run that failed at once: the policy decides. */
		s->child = 0;
		s->exec_err.stage = SPAWN_OK;
		decide(s, 1, 0, 1);
		return;
	}
	/* At once: the child may already be writing (the log writer's order). */
	if (s->exec_err.stage == SPAWN_OK)
		log_event(&s->log, LV_INFO, "child_started", (struct field[]){
		    FN("pid", pid), FS("command", s->c->command),
		    FN("restarts", s->restarts), FEND });
	s->child = pid;
	s->child_start = now_ms();
	s->child_wall = wall();
	s->child_stopped = s->killed = s->breach = 0;
	s->state = ST_RUNNING;
	save_state(s);
	if (s->exec_err.stage != SPAWN_OK) {
		fmt(msg, sizeof(msg), "%s %s: %s", spawn_what(&s->exec_err),
		    s->c->argv[0], strerror(s->exec_err.err));
		log_event(&s->log, LV_ERROR, "exec_failed", (struct field[]){
		    FN("pid", pid), FS("error", msg), FEND });
		return;
	}
	if (s->c->max_cpu_pct > 0 || s->c->max_mem_mb > 0) {
		wd_reset(&s->wd);
		s->t_tick = s->child_start + s->c->check_interval;
	}
}

static int
is_success(const struct conf *c, int code)
{
	int i;

	for (i = 0; i < c->nsuccess; i++)
		if (c->success_codes[i] == code)
			return 1;
	return 0;
}

/* Restarts within RESTART_WINDOW before NOW, newest first in the ring. */
static unsigned long
recent(const struct sv *s, long long now)
{
	unsigned long i, n = s->restarts < HISTORY_MAX ? s->restarts : HISTORY_MAX;

	/* cppcheck-suppress knownConditionTrueFalse ; n is 0 only at first */
	for (i = 0; i < n; i++)
		if (now - s->history[(s->restarts - 1 - i) % HISTORY_MAX] >=
		    s->c->restart_window)
			break;
	return i;
}

/*
 * Decide what follows a run that ended with CODE after RUNTIME ms; FAILED
 * marks a run that failed whatever its code (the watchdog killed it).
 */
static void
decide(struct sv *s, int code, long long runtime, int failed)
{
	const struct conf *c = s->c;
	long long now = now_ms(), d;
	unsigned long n;

	if (s->want_down) {
		begin_exit(s, code);
		return;
	}
	if (c->restart_policy == RESTART_NEVER ||
	    (c->restart_policy == RESTART_ON_FAILURE && !failed &&
	    is_success(c, code))) {
		log_event(&s->log, LV_DEBUG, "no_restart", (struct field[]){
		    FN("status", code), FEND });
		begin_exit(s, code);
		return;
	}
	n = recent(s, now);
	if (c->max_restarts > 0 && (long long)n >= c->max_restarts) {
		log_event(&s->log, LV_ERROR, "give_up", (struct field[]){
		    FN("restarts", n), FN("window_ms", c->restart_window),
		    FN("status", code), FEND });
		begin_exit(s, code);
		return;
	}
	/* A run longer than the longest delay was not a crash loop. */
	if (runtime > c->restart_delay_max)
		s->delay = c->restart_delay;
	d = s->delay;
	s->delay = d * 2 > c->restart_delay_max ? c->restart_delay_max : d * 2;
	s->state = ST_COOLDOWN;
	s->t_restart = now + d;
	save_state(s);
	log_event(&s->log, LV_INFO, "restart_scheduled", (struct field[]){
	    FN("delay_ms", d), FN("restarts", s->restarts + 1),
	    FN("status", code), FEND });
}

static void
child_exited(struct sv *s, int ws)
{
	long long runtime = now_ms() - s->child_start;
	const char *reason = "exit";
	char b[16];
	int code, sig = 0;

	if (WIFSIGNALED(ws)) {
		sig = WTERMSIG(ws);
		code = 128 + sig;
		reason = s->killed ? "stop_timeout" : "signal";
	} else
		code = WEXITSTATUS(ws);
	if (s->exec_err.stage != SPAWN_OK)
		reason = "exec_failed";
	else if (s->breach != WD_NONE)
		reason = s->breach == WD_CPU ? "watchdog_cpu" : "watchdog_mem";
	else if (s->want_down && !s->killed)
		reason = "stopped";
	log_flush(&s->log);
	/* Info, not warn: `init --` stays quiet; the exit status tells. */
	if (sig != 0)
		log_event(&s->log, LV_INFO, "child_exited", (struct field[]){
		    FN("pid", s->child), FS("signal", signame(sig, b)),
		    FN("status", code), FN("runtime_ms", runtime),
		    FS("reason", reason), FEND });
	else
		log_event(&s->log, LV_INFO, "child_exited", (struct field[]){
		    FN("pid", s->child), FN("code", code),
		    FN("status", code), FN("runtime_ms", runtime),
		    FS("reason", reason), FEND });
	s->child = 0;
	s->t_forward = s->t_kill = s->t_tick = NEVER;
	if (sig != 0)
		fmt(s->last_exit, sizeof(s->last_exit), "last_exit_signal=%s\n"
		    "last_exit_status=%d\nlast_exit_reason=%s\n", signame(sig, b),
		    code, reason);
	else
		fmt(s->last_exit, sizeof(s->last_exit), "last_exit_code=%d\n"
		    "last_exit_status=%d\nlast_exit_reason=%s\n", code, code,
		    reason);
	/* In a terminal, ^C and ^\ mean the user wants out, whatever the policy. */
	if (s->env.tty && (sig == SIGINT || sig == SIGQUIT))
		s->want_down = 1;
	/* Like the kernel's OOM killer: a watchdog kill reads as SIGKILL. */
	decide(s, s->breach != WD_NONE ? 128 + SIGKILL : code, runtime,
	    s->breach != WD_NONE);
}

/* The child was stopped by job control (^Z): nobody else will resume it. */
static void
child_stopped(struct sv *s, int sig)
{
	char b[16];

	s->child_stopped = 1;
	log_event(&s->log, LV_INFO, "child_stopped", (struct field[]){
	    FN("pid", s->child), FS("signal", signame(sig, b)), FEND });
	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return;
	if (s->env.tty && !s->pid1) {
		/* A shell started us: suspend with the child, as one job. */
		tcsetpgrp(0, getpgrp());
		kill(s->self, SIGSTOP);
		if (tcgetpgrp(0) == getpgrp())
			tcsetpgrp(0, s->child);
	}
	kill(-s->child, SIGCONT);
	s->child_stopped = 0;
	log_event(&s->log, LV_INFO, "child_resumed", (struct field[]){
	    FN("pid", s->child), FEND });
}

static void
logpipe_close(struct logpipe *p)
{
	int i;

	for (i = 0; i < LP_N; i++) {
		if (p->rd[i] >= 0)
			close(p->rd[i]);
		if (p->wr[i] >= 0)
			close(p->wr[i]);
		p->rd[i] = p->wr[i] = -1;
	}
}

/*
 * The pipes (read ends and PID 1's record end non-blocking; the child's
 * ends blocking, as a child expects) and the log writer's settings: both
 * streams of the one service to its file, its events and ours too.
 * 0, or -1 with errno.
 */
static int
logpipe_open(struct logpipe *p, const struct conf *c)
{
	int i, fds[2];

	for (i = 0; i < LP_N; i++)
		p->rd[i] = p->wr[i] = -1;
	for (i = 0; i < LP_N; i++) {
		if (pipe2(fds, O_CLOEXEC) < 0) {
			logpipe_close(p);
			return -1;
		}
		p->rd[i] = fds[0];
		p->wr[i] = fds[1];
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
	}
	fcntl(p->wr[LP_EV], F_SETFL, O_NONBLOCK);
	p->file = (struct lw_file){ c->log_dir, c->name, c->log_format,
	    c->log_keep_days };
	p->streams[0] = (struct lw_stream){ p->rd[LP_OUT], 1, 0, 0, c->name,
	    "out", 0 };
	p->streams[1] = (struct lw_stream){ p->rd[LP_ERR], 2, 0, 0, c->name,
	    "err", 0 };
	p->svc_file[0] = 0;
	p->cf = (struct lw_config){ &p->file, 1, p->streams, 2, p->svc_file, 1,
	    0, p->rd[LP_EV], clock_offset() };
	return 0;
}

static void
start_logger(struct sv *s)
{
	s->t_logger = NEVER;
	s->logger = lw_start(&s->lp.cf);
	s->logger_start = now_ms();
	if (s->logger < 0) {
		s->logger = 0;
		s->t_logger = now_ms() + 1000;
	}
	save_state(s);
}

/* The log writer died: its pipes are intact, so a new one picks up. */
static void
logger_died(struct sv *s, int ws)
{
	long long now = now_ms();

	s->logger = 0;
	log_event(&s->log, LV_WARN, "logger_exited", (struct field[]){
	    FN("status", WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws)),
	    FEND });
	if (s->state != ST_DRAINING)
		s->t_logger = now - s->logger_start < 1000 ? now + 1000 : now;
}

/* Reap every child that has changed state; returns -1 once none is left. */
static int
reap(struct sv *s)
{
	pid_t pid;
	int ws;

	for (;;) {
		pid = waitpid(-1, &ws, WNOHANG | WUNTRACED);
		if (pid < 0)
			return errno == ECHILD ? -1 : 0;
		if (pid == 0)
			return 0;
		if (pid == s->child && WIFSTOPPED(ws))
			child_stopped(s, WSTOPSIG(ws));
		else if (pid == s->child)
			child_exited(s, ws);
		else if (pid == s->logger && !WIFSTOPPED(ws))
			logger_died(s, ws);
		else if (!WIFSTOPPED(ws))
			log_event(&s->log, LV_DEBUG, "orphan_reaped",
			    (struct field[]){ FN("pid", pid), FEND });
	}
}

static void
forward(struct sv *s, int sig)
{
	char b[16];

	to_child(s, sig);
	log_event(&s->log, sig == SIGWINCH ? LV_DEBUG : LV_INFO,
	    "signal_forwarded", (struct field[]){ FS("signal", signame(sig, b)),
	    FN("pgid", s->child), FEND });
}

/* A stop request: no more restarts; the child gets SIG, then KILL. */
static void
request_stop(struct sv *s, int sig)
{
	char b[16];
	int first = !s->want_down;

	/* TERM is the orchestrator's "stop": translate it to STOP_SIGNAL. */
	if (sig == SIGTERM)
		sig = s->c->stop_signal;
	s->want_down = 1;
	if (first)
		log_event(&s->log, LV_INFO, "stopping", (struct field[]){
		    FS("signal", signame(sig, b)),
		    FN("delay_ms", s->c->stop_delay),
		    FN("timeout_ms", s->c->stop_timeout), FEND });
	if (s->state == ST_COOLDOWN) {
		begin_exit(s, 0);
		return;
	}
	if (s->state != ST_RUNNING)
		return;
	if (first && s->c->stop_delay > 0) {
		s->stop_sig = sig;
		s->t_forward = now_ms() + s->c->stop_delay;
		save_state(s);
		return;
	}
	s->t_forward = NEVER;
	forward(s, sig);
	if (s->t_kill == NEVER)
		s->t_kill = now_ms() + s->c->stop_timeout;
	if (first)
		save_state(s);
}

static void
on_signal(struct sv *s, const siginfo_t *si)
{
	int sig = si->si_signo, flags = sig_flags(sig);
	char b[16];

	if (sig == SIGCHLD)
		return;
	/* A SIGPIPE from our own write to a closed stdout is not for the child. */
	if (si->si_code == SI_USER && si->si_pid == s->self) {
		log_event(&s->log, LV_DEBUG, "signal_ignored", (struct field[]){
		    FS("signal", signame(sig, b)), FS("from", "self"), FEND });
		return;
	}
	if ((flags & SIG_STOP) || sig == s->c->stop_signal)
		request_stop(s, sig);
	else if ((flags & SIG_FORWARD) && s->state == ST_RUNNING)
		forward(s, sig);
	else
		log_event(&s->log, LV_DEBUG, "signal_ignored", (struct field[]){
		    FS("signal", signame(sig, b)), FEND });
}

/* One watchdog check; on a breach, stop the child like a stop request. */
static void
tick(struct sv *s, long long now)
{
	struct wd_verdict v;
	int mem;

	s->t_tick = now + s->c->check_interval;
	if (s->state != ST_RUNNING || s->want_down || s->breach)
		return;
	wd_tick(&s->wd, s->c, s->self, s->logger, now, &v);
	log_event(&s->log, LV_DEBUG, "watchdog_tick", (struct field[]){
	    FN("cpu_pct", v.cpu_pct), FN("mem_mb", v.mem_mb),
	    FN("rss_mb", v.rss_mb),
	    FN("procs", v.nprocs), FEND });
	if (v.kind == WD_NONE)
		return;
	mem = v.kind == WD_MEM;
	log_event(&s->log, LV_WARN, "watchdog_breach", (struct field[]){
	    FS("resource", mem ? "mem" : "cpu"),
	    FN("value", mem ? v.mem_mb : v.cpu_pct),
	    FN("limit", mem ? s->c->max_mem_mb : s->c->max_cpu_pct),
	    FS("unit", mem ? "MB" : "%"), FS("top", v.top), FEND });
	s->breach = v.kind;
	s->t_tick = NEVER;
	forward(s, s->c->stop_signal);
	s->t_kill = now + s->c->stop_timeout;
	save_state(s);
}

static void
on_deadlines(struct sv *s)
{
	long long now = now_ms();

	if (s->t_forward != NEVER && now >= s->t_forward) {
		s->t_forward = NEVER;
		if (s->state == ST_RUNNING) {
			forward(s, s->stop_sig);
			s->t_kill = now + s->c->stop_timeout;
		}
	}
	if (s->t_kill != NEVER && now >= s->t_kill) {
		s->t_kill = NEVER;
		if (s->state == ST_RUNNING) {
			s->killed = 1;
			log_event(&s->log, LV_WARN, "stop_escalated",
			    (struct field[]){ FN("pid", s->child),
			    FS("signal", "KILL"),
			    FN("after_ms", s->c->stop_timeout), FEND });
			to_child(s, SIGKILL);
		} else if (s->state == ST_DRAINING) {
			log_event(&s->log, LV_WARN, "stop_escalated",
			    (struct field[]){ FS("target", "leftovers"),
			    FS("signal", "KILL"),
			    FN("after_ms", s->c->stop_timeout), FEND });
			to_leftovers(s, SIGKILL);
		}
	}
	if (s->t_tick != NEVER && now >= s->t_tick)
		tick(s, now);
	if (s->t_logger != NEVER && now >= s->t_logger)
		start_logger(s);
	if (s->t_restart != NEVER && now >= s->t_restart) {
		s->history[s->restarts % HISTORY_MAX] = now;
		s->restarts++;
		start_child(s);
	}
}

static long long
next_deadline(const struct sv *s)
{
	long long t = NEVER;

	if (s->t_forward != NEVER)
		t = s->t_forward;
	if (s->t_kill != NEVER && (t == NEVER || s->t_kill < t))
		t = s->t_kill;
	if (s->t_restart != NEVER && (t == NEVER || s->t_restart < t))
		t = s->t_restart;
	if (s->t_tick != NEVER && (t == NEVER || s->t_tick < t))
		t = s->t_tick;
	if (s->t_logger != NEVER && (t == NEVER || s->t_logger < t))
		t = s->t_logger;
	return t;
}

/* Record and undo inherited SIG_IGN, so init still hears those signals. */
static void
take_ignored(sigset_t *ignored)
{
	struct sigaction sa;
	int sig;

	sigemptyset(ignored);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    (sig_flags(sig) & SIG_FAULT))
			continue;
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
			sigaddset(ignored, sig);
			signal(sig, SIG_DFL);
		}
	}
}

/*
 * Let the log writer drain and exit: closing our ends gives it EOF.  It
 * gets STOP_TIMEOUT (at least a second) if its stdout is stuck.
 */
static void
finish_logger(struct sv *s)
{
	long long deadline = now_ms() + (s->c->stop_timeout > 1000 ?
	    s->c->stop_timeout : 1000), wait;
	struct timespec ts;
	sigset_t chld;

	logpipe_close(&s->lp);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while (s->logger > 0 && waitpid(s->logger, NULL, WNOHANG) == 0) {
		wait = deadline - now_ms();
		if (wait <= 0) {
			kill(s->logger, SIGKILL);
			waitpid(s->logger, NULL, 0);
			break;
		}
		ts.tv_sec = wait / 1000;
		ts.tv_nsec = wait % 1000 * 1000000;
		sigtimedwait(&chld, NULL, &ts);
	}
}

int
sv_run(const struct conf *c, const sigset_t *orig)
{
	struct sv s;
	struct timespec ts;
	const char *why;
	char msg[256];
	siginfo_t si;
	long long t, wait;
	int sig;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.self = getpid();
	s.pid1 = s.self == 1;
	s.env.mask = *orig;
	s.delay = c->restart_delay;
	take_ignored(&s.env.ignored);
	sig_blockable(&s.waitset);
	s.env.tty = isatty(0) && tcgetpgrp(0) == getpgrp();
	s.env.out = s.env.err = -1;
	log_init(&s.log, c, 2, 0);
	if (c->log_dir[0] != '\0') {
		if (logpipe_open(&s.lp, c) < 0)
			log_event(&s.log, LV_WARN, "log_pipes_failed",
			    (struct field[]){ FS("error", strerror(errno)),
			    FEND });
		else
			s.logging = 1;
	}
	s.wall_start = wall();
	if (wd_init(&s.wd) < 0)
		die(1, "cannot allocate the process table");
	why = user_resolve(c, &s.env.cr, msg, sizeof(msg));
	if (why != NULL) {
		warnx("%s", why);
		return 2;
	}
	if (claim_pidfile(&s) < 0)
		return 2;
	if (s.logging) {
		log_init(&s.log, c, s.lp.wr[LP_EV], 1);
		/* In a terminal the child keeps it: no capture. */
		if (!s.env.tty) {
			s.env.out = s.lp.wr[LP_OUT];
			s.env.err = s.lp.wr[LP_ERR];
		}
		start_logger(&s);
	}
	if (!s.pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_event(&s.log, LV_WARN, "subreaper_failed", (struct field[]){
		    FS("error", strerror(errno)), FEND });
	log_event(&s.log, LV_INFO, "started", (struct field[]){
	    FS("version", INIT_VERSION), FN("pid", s.self),
	    FS("role", s.pid1 ? "pid1" : "subreaper"),
	    FS("config", c->path != NULL ? c->path : "-"), FEND });

	start_child(&s);
	/* Drained when no process but the log writer is left. */
	while (s.state != ST_DRAINING || (reap(&s) == 0 && leftovers(&s))) {
		t = next_deadline(&s);
		wait = t == NEVER ? -1 : t - now_ms();
		if (wait < 0 && t != NEVER)
			wait = 0;
		ts.tv_sec = wait / 1000;
		ts.tv_nsec = (wait % 1000) * 1000000;
		sig = sigtimedwait(&s.waitset, &si, t == NEVER ? NULL : &ts);
		if (sig > 0)
			on_signal(&s, &si);
		reap(&s);
		on_deadlines(&s);
	}
	if (s.pidfd >= 0) {
		pid_remove(s.pidfd, c->name);
		close(s.pidfd);
	}
	if (s.log.dropped > 0)
		log_event(&s.log, LV_WARN, "events_dropped", (struct field[]){
		    FN("count", s.log.dropped), FEND });
	log_event(&s.log, LV_INFO, "exiting", (struct field[]){
	    FN("status", s.status), FN("restarts", s.restarts), FEND });
	if (s.logging)
		finish_logger(&s);
	return s.status;
}
