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
 *
 * States (Docker's): starting until the first success, then healthy; a
 * failure counts once the start period is over or the service has been
 * healthy, and HEALTH_RETRIES consecutive ones make it unhealthy.
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

/* Why a probe was killed (probe_killed). */
enum { PK_NO, PK_TIMEOUT, PK_ABANDONED };

static const char *const health_names[] = {
	"none", "starting", "healthy", "unhealthy"
};

const char *
health_name(int h)
{
	return health_names[h];
}

/*
 * Whether S is in its start period at NOW: failures do not count yet.
 * Like Docker's, it ends early at the first success.
 */
static int
in_start(const struct service *s, long long now)
{
	return s->health == H_STARTING && now - s->start_ms < s->c->health_start;
}

/* When the next probe is due after one ended at NOW. */
static long long
next_probe(const struct service *s, long long now)
{
	long long iv = s->c->health_interval;

	if (in_start(s, now) && iv > START_INTERVAL)
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

/* Kill the running probe's group for WHY; its reaping says what it meant. */
static void
kill_probe(struct service *s, int why)
{
	if (s->probe_pid <= 0)
		return;
	s->probe_killed = why;
	kill(-s->probe_pid, SIGKILL);
	kill(s->probe_pid, SIGKILL);
}

void
health_stop(struct sv *sv, struct service *s)
{
	(void)sv;
	if (s->c->probe == PROBE_NONE_KIND)
		return;
	s->t[T_PROBE] = s->t[T_PROBE_KILL] = 0;
	/* A probe of a run that has ended says nothing about the next one. */
	kill_probe(s, PK_ABANDONED);
	if (s->health != H_NONE)
		s->health = H_STARTING;
}

/* Read what the probe wrote: the first line is kept, the rest dropped. */
void
health_read(struct service *s)
{
	char buf[4096], *nl;
	size_t have, take;
	ssize_t n;

	if (s->probe_fd < 0)
		return;
	while ((n = read(s->probe_fd, buf, sizeof(buf))) > 0 ||
	    (n < 0 && errno == EINTR)) {
		if (n <= 0 || s->probe_eol)
			continue;
		have = strlen(s->probe_out);
		nl = memchr(buf, '\n', (size_t)n);
		take = nl != NULL ? (size_t)(nl - buf) : (size_t)n;
		/* A CRLF line ends without its CR. */
		if (nl != NULL && take > 0 && buf[take - 1] == '\r')
			take--;
		if (take > PROBE_MSG_MAX - have)
			take = PROBE_MSG_MAX - have;
		memcpy(s->probe_out + have, buf, take);
		s->probe_out[have + take] = '\0';
		/* A line longer than the buffer ends where the buffer does. */
		s->probe_eol = nl != NULL || have + take == PROBE_MSG_MAX;
	}
	if (n == 0 || errno != EAGAIN)
		fd_close(&s->probe_fd);
}

static void
probe_failed(struct sv *sv, struct service *s, int err)
{
	sv_log(sv, s, LV_WARN, "health_probe_failed error=%s", strerror(err));
	s->t[T_PROBE] = next_probe(s, now_ms());
}

/*
 * HEALTH_CMD as the service would run it (USER, WORKDIR, environment),
 * but always in a group of its own, away from the terminal and READY_FD.
 */
static pid_t
spawn_cmd(struct sv *sv, struct service *s, int out)
{
	struct spawn_io io = { -1, -1, -1, 1 };
	pid_t pid;
	int go;

	/* io.probe: a group of its own, never the terminal nor READY_FD. */
	io.out = io.err = out;
	pid = spawn(s->c, s->c->health_argv, &s->cr, &sv->env, &io,
	    &s->probe_statusfd, &go);
	spawn_go(&go);
	return pid;
}

/* TCP or HTTP: a child of PID 1 that connects and reports. */
static pid_t
fork_net(struct sv *sv, struct service *s, int rd, int out)
{
	struct probe_target t;
	const char *why;
	pid_t pid;

	why = s->c->probe == PROBE_TCP_KIND ? probe_parse_tcp(s->c->health, &t) :
	    probe_parse_http(s->c->health, &t);
	if (why != NULL) {
		/* Checked when the config was loaded: cannot happen. */
		errno = EINVAL;
		return -1;
	}
	pid = fork_one();
	if (pid == 0) {
		close(rd);
		setpgid(0, 0);
		sig_setmask(sv->env.mask);
		probe_child(&t, out);
	}
	return pid;
}

static void
run_probe(struct sv *sv, struct service *s)
{
	int p[2], err;
	pid_t pid;

	s->t[T_PROBE] = 0;
	/* Still busy (killed, not reaped yet): its reaping starts the next. */
	if (s->probe_pid > 0)
		return;
	if (fd_pipe(p, O_CLOEXEC) < 0) {
		probe_failed(sv, s, errno);
		return;
	}
	s->probe_out[0] = '\0';
	s->probe_eol = 0;
	s->probe_killed = PK_NO;
	s->probe_start = now_ms();
	if (s->c->probe == PROBE_CMD_KIND)
		pid = spawn_cmd(sv, s, p[1]);
	else
		pid = fork_net(sv, s, p[0], p[1]);
	err = errno;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		probe_failed(sv, s, err);
		return;
	}
	/* Its own group, so a timeout takes down what it started too. */
	setpgid(pid, pid);
	s->probe_pid = pid;
	s->probe_fd = p[0];
	svc_watch(sv, p[0]);
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
	kill_probe(s, PK_TIMEOUT);
}

static void
changed(struct sv *sv, struct service *s, int to)
{
	int from = s->health;

	s->health = to;
	sv_log(sv, s, to == H_UNHEALTHY ? LV_WARN : LV_INFO, "health_changed "
	    "from=%s to=%s duration_ms=%lld output=%s", health_names[from],
	    health_names[to], s->probe_ms, s->probe_msg);
}

/*
 * The result line of a probe that ended with wait status WS: why it was
 * killed, why HEALTH_CMD could not run, its first line, or its status.
 */
static void
result_line(struct service *s, int ws)
{
	struct spawn_err se;
	char *m = s->probe_msg;
	size_t size = sizeof(s->probe_msg);

	if (s->probe_statusfd >= 0 &&
	    spawn_poll(s->probe_statusfd, &se) == SPAWN_FAILED)
		fmt(m, size, "%s %s: %s", spawn_what(&se),
		    s->c->health_argv[0], strerror(se.err));
	else if (s->probe_killed == PK_TIMEOUT)
		fmt(m, size, "timeout after %lld ms", s->c->health_timeout);
	else if (s->probe_out[0] != '\0')
		fmt(m, size, "%s", s->probe_out);
	else if (WIFEXITED(ws))
		fmt(m, size, "exit status %d", WEXITSTATUS(ws));
	else
		fmt(m, size, "killed by signal %d", WTERMSIG(ws));
	fd_close(&s->probe_statusfd);
}

void
health_reaped(struct sv *sv, struct service *s, int ws)
{
	long long now = now_ms();
	pid_t pid = s->probe_pid;
	int ok, act = HACT_NONE;

	s->probe_pid = 0;
	s->t[T_PROBE_KILL] = 0;
	/* Whatever it left behind in its group goes with it. */
	kill(-pid, SIGKILL);
	health_read(s);
	fd_close(&s->probe_fd);
	if (s->probe_killed == PK_ABANDONED || s->state != SS_UP ||
	    s->health == H_NONE) {
		fd_close(&s->probe_statusfd);
		/* A new run that wanted a probe meanwhile gets it now. */
		if (s->state == SS_UP && s->health != H_NONE &&
		    s->t[T_PROBE] == 0)
			s->t[T_PROBE] = now;
		return;
	}
	ok = s->probe_killed == PK_NO && WIFEXITED(ws) &&
	    WEXITSTATUS(ws) == 0;
	result_line(s, ws);
	s->probe_ok = ok;
	s->probe_ms = now - s->probe_start;
	s->probe_wall = wall_secs();
	if (ok) {
		s->fails = 0;
		if (s->health != H_HEALTHY)
			changed(sv, s, H_HEALTHY);
		if (!s->ready && s->readyfd < 0) {
			s->ready = 1;
			sv_log(sv, s, LV_INFO, "ready pid=%d after_ms=%lld",
			    s->pid, now - s->start_ms);
		}
	} else {
		sv_log(sv, s, LV_DEBUG, "health_failed duration_ms=%lld "
		    "output=%s", s->probe_ms, s->probe_msg);
		/* Failures during the start period do not count (Docker,
		 * Kubernetes). */
		if (!in_start(s, now) && ++s->fails >= s->c->health_retries &&
		    s->health != H_UNHEALTHY) {
			changed(sv, s, H_UNHEALTHY);
			act = s->c->health_action;
		}
	}
	/* After the change: a healthy service is out of its start period. */
	s->t[T_PROBE] = next_probe(s, now);
	sv_saved(sv, s);
	if (act == HACT_RESTART)
		svc_event(sv, s, EV_UNHEALTHY);
	else if (act == HACT_EXIT)
		sv_unhealthy_exit(sv, s);
}
