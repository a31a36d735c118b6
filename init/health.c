/*
 * Health checks, PID 1's side: when to probe, the probe's child, its
 * timeout, and what a result means.
 *
 * A probe never runs in PID 1: it is a short-lived child in a process
 * group of its own, killed (the whole group) at HEALTH_TIMEOUT, reaped
 * like any other child; its exit status is the result and its first line
 * of output the reason.  That line comes through a pipe that PID 1 reads
 * without blocking when the kernel says it is readable, keeping the first
 * line and throwing the rest away, so a chatty HEALTH_CMD cannot stall.
 * At most one probe per service runs at a time.  A service without a
 * check costs nothing here: no timer, no memory touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"
#include "supervise.h"
#include "util.h"

/* Probes during HEALTH_START_PERIOD come at least this often (ms). */
#define START_INTERVAL	1000

static const char *const health_names[] = {
	"none", "starting", "healthy", "unhealthy"
};

const char *
health_name(int h)
{
	return health_names[h];
}

/* When the next probe is due after one at NOW. */
static long long
next_probe(const struct service *s, long long now)
{
	const struct conf *c = s->c;
	long long iv = c->health_interval;

	if (now - s->start_ms < c->health_start && iv > START_INTERVAL)
		iv = START_INTERVAL;
	return now + iv;
}

void
health_start(struct sv *sv, struct service *s)
{
	long long now = now_ms();

	(void)sv;
	if (s->c->probe == PROBE_NONE_KIND)
		return;
	s->health = H_STARTING;
	s->fails = 0;
	s->t[T_PROBE] = now + (s->c->health_interval < START_INTERVAL ?
	    s->c->health_interval : START_INTERVAL);
}

/* Kill a running probe; its reaping is then ignored. */
static void
kill_probe(struct service *s)
{
	if (s->probe_pid > 0) {
		kill(-s->probe_pid, SIGKILL);
		kill(s->probe_pid, SIGKILL);
	}
}

void
health_stop(struct sv *sv, struct service *s)
{
	(void)sv;
	if (s->c->probe == PROBE_NONE_KIND)
		return;
	s->t[T_PROBE] = s->t[T_PROBE_KILL] = 0;
	kill_probe(s);
	if (s->health != H_NONE)
		s->health = H_STARTING;
}

/* Read what the probe wrote: the first line is kept, the rest dropped. */
void
health_read(struct service *s)
{
	char buf[512], *nl;
	size_t have = strlen(s->probe_msg), take;
	ssize_t n;

	if (s->probe_fd < 0)
		return;
	while ((n = read(s->probe_fd, buf, sizeof(buf))) > 0) {
		if (have == PROBE_MSG_MAX || strchr(s->probe_msg, '\n') != NULL)
			continue;
		take = (size_t)n < PROBE_MSG_MAX - have ? (size_t)n :
		    PROBE_MSG_MAX - have;
		memcpy(s->probe_msg + have, buf, take);
		have += take;
		s->probe_msg[have] = '\0';
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		close(s->probe_fd);
		s->probe_fd = -1;
	}
	nl = strchr(s->probe_msg, '\n');
	if (nl != NULL)
		*nl = '\0';
}

static void
run_probe(struct sv *sv, struct service *s)
{
	struct probe_target t;
	struct spawn_io io = { -1, -1, -1, 0 };
	const char *why;
	int p[2], statusfd, go;
	pid_t pid;

	s->t[T_PROBE] = 0;
	if (s->probe_pid > 0)
		return;
	if (pipe2(p, O_CLOEXEC) < 0) {
		sv_log(sv, s, LV_WARN, "health_probe_failed", (struct field[]){
		    FS("error", strerror(errno)), FEND });
		s->t[T_PROBE] = next_probe(s, now_ms());
		return;
	}
	s->probe_msg[0] = '\0';
	s->probe_start = now_ms();
	if (s->c->probe == PROBE_CMD_KIND) {
		io.out = io.err = p[1];
		io.probe = 1;
		pid = spawn(s->c, s->c->health_argv, &s->cr, &sv->env, &io,
		    &statusfd, &go);
		spawn_go(&go);
		if (statusfd >= 0)
			close(statusfd);
	} else {
		why = s->c->probe == PROBE_TCP_KIND ?
		    probe_parse_tcp(s->c->health, &t) :
		    probe_parse_http(s->c->health, &t);
		pid = why != NULL ? -1 : fork_one();
		if (pid == 0) {
			close(p[0]);
			setpgid(0, 0);
			sig_setmask(sv->env.mask);
			probe_child(&t, p[1]);
		}
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		sv_log(sv, s, LV_WARN, "health_probe_failed", (struct field[]){
		    FS("error", strerror(errno)), FEND });
		s->t[T_PROBE] = next_probe(s, now_ms());
		return;
	}
	/* Its own group, so a timeout takes down what it started too. */
	setpgid(pid, pid);
	s->probe_pid = pid;
	s->probe_fd = p[0];
	fcntl(p[0], F_SETOWN, sv->self);
	fcntl(p[0], F_SETSIG, SIGIO);
	fcntl(p[0], F_SETFL, O_NONBLOCK | O_ASYNC);
	s->t[T_PROBE_KILL] = s->probe_start + s->c->health_timeout;
}

void
health_timer(struct sv *sv, struct service *s, int which)
{
	if (which == T_PROBE) {
		run_probe(sv, s);
		return;
	}
	/* HEALTH_TIMEOUT: the result is "timeout" when it is reaped. */
	s->t[T_PROBE_KILL] = 0;
	fmt(s->probe_msg, sizeof(s->probe_msg), "timeout after %lld ms",
	    s->c->health_timeout);
	s->probe_ok = -1;
	kill_probe(s);
}

static void
changed(struct sv *sv, struct service *s, int to)
{
	int from = s->health;

	s->health = to;
	sv_log(sv, s, to == H_UNHEALTHY ? LV_WARN : LV_INFO, "health_changed",
	    (struct field[]){ FS("from", health_names[from]),
	    FS("to", health_names[to]), FN("duration_ms", s->probe_ms),
	    FS("output", s->probe_msg), FEND });
}

void
health_reaped(struct sv *sv, struct service *s, int ws)
{
	long long now = now_ms();
	int timed_out = s->probe_ok == -1, ok;

	s->probe_pid = 0;
	s->t[T_PROBE_KILL] = 0;
	health_read(s);
	if (s->probe_fd >= 0) {
		close(s->probe_fd);
		s->probe_fd = -1;
	}
	/* A probe of a run that has ended says nothing about the next one. */
	if (s->state != SS_UP || s->health == H_NONE) {
		s->probe_ok = 0;
		return;
	}
	ok = !timed_out && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	if (!timed_out && s->probe_msg[0] == '\0')
		fmt(s->probe_msg, sizeof(s->probe_msg), WIFEXITED(ws) ?
		    "exit status %d" : "killed by signal %d", WIFEXITED(ws) ?
		    WEXITSTATUS(ws) : WTERMSIG(ws));
	s->probe_ok = ok;
	s->probe_ms = now - s->probe_start;
	s->probe_wall = wall_secs();
	s->t[T_PROBE] = next_probe(s, now);
	if (ok) {
		s->fails = 0;
		if (s->health != H_HEALTHY)
			changed(sv, s, H_HEALTHY);
		if (!s->ready && s->readyfd < 0) {
			s->ready = 1;
			sv_log(sv, s, LV_INFO, "ready", (struct field[]){
			    FN("pid", s->pid), FN("after_ms", now - s->start_ms),
			    FEND });
		}
		sv_saved(sv, s);
		return;
	}
	sv_log(sv, s, LV_DEBUG, "health_failed", (struct field[]){
	    FN("duration_ms", s->probe_ms), FS("output", s->probe_msg), FEND });
	/* Failures during the start period do not count (Docker, Kubernetes). */
	if (now - s->start_ms < s->c->health_start) {
		sv_saved(sv, s);
		return;
	}
	if (++s->fails < s->c->health_retries || s->health == H_UNHEALTHY) {
		sv_saved(sv, s);
		return;
	}
	changed(sv, s, H_UNHEALTHY);
	sv_saved(sv, s);
	if (s->c->health_action == HACT_RESTART)
		svc_event(sv, s, EV_UNHEALTHY);
	else if (s->c->health_action == HACT_EXIT)
		sv_unhealthy_exit(sv, s);
}
