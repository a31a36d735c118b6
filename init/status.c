/*
 * Client commands: `init status` and `init stop`, from PID and state files.
 * They read only /proc and PID_DIR, so they work in a scratch image where
 * there is no ps, kill or shell.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "limits.h"
#include "pidfile.h"
#include "proc.h"
#include "status.h"
#include "util.h"
#include "watchdog.h"

enum { LSB_RUNNING = 0, LSB_STOPPED = 3, LSB_UNKNOWN = 4 };

/* What status found out, as strings ready to print. */
struct found {
	pid_t		 pid;
	char		 state[32];
	long long	 up, child_up, cpu, mem;
	char		 child[16], restarts[16];
	char		 code[16], sig[16], exitst[16], reason[32];
};

static void __attribute__((format(printf, 1, 2)))
say(const char *f, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	if (n > 0)
		write_all(1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static long long
field_num(const char *text, const char *key)
{
	char v[32];
	long long n;

	if (pid_field(text, key, v, sizeof(v)) == NULL ||
	    num_parse(v, 0, LLONG_MAX, &n) != NULL)
		return -1;
	return n;
}

static void
field_str(const char *text, const char *key, char *buf, size_t size)
{
	if (pid_field(text, key, buf, size) == NULL)
		buf[0] = '\0';
}

/* CPU % over a short interval and RSS of everything below the supervisor. */
static void
measure(pid_t root, struct found *f)
{
	struct conf nolimits;
	struct wd_verdict v;
	struct wd w;

	f->cpu = f->mem = -1;
	memset(&nolimits, 0, sizeof(nolimits));
	if (wd_init(&w) < 0)
		return;
	wd_tick(&w, &nolimits, root, 0, now_ms(), &v);
	sleep_ms(250);
	wd_tick(&w, &nolimits, root, 0, now_ms(), &v);
	f->cpu = v.cpu_pct;
	f->mem = v.mem_mb;
}

static const char *
dur(long long s, char *buf, size_t size)
{
	if (s < 0)
		return fmt(buf, size, "-"), buf;
	if (s >= 86400)
		fmt(buf, size, "%lldd%lldh%lldm", s / 86400, s % 86400 / 3600,
		    s % 3600 / 60);
	else if (s >= 3600)
		fmt(buf, size, "%lldh%lldm%llds", s / 3600, s % 3600 / 60, s % 60);
	else if (s >= 60)
		fmt(buf, size, "%lldm%llds", s / 60, s % 60);
	else
		fmt(buf, size, "%llds", s);
	return buf;
}

static void
print_text(const struct conf *c, const struct found *f)
{
	char out[2048], b1[32], b2[32];
	size_t n;

	n = fmt(out, sizeof(out), "name:        %s\nstate:       %s\n", c->name,
	    f->state);
	if (f->pid == 0) {
		write_all(1, out, n);
		return;
	}
	n += fmt(out + n, sizeof(out) - n, "supervisor:  pid %d, up %s\n",
	    (int)f->pid, dur(f->up, b1, sizeof(b1)));
	if (f->child[0] != '\0' && strcmp(f->child, "0") != 0)
		n += fmt(out + n, sizeof(out) - n, "child:       pid %s, up %s\n",
		    f->child, dur(f->child_up, b2, sizeof(b2)));
	else
		n += fmt(out + n, sizeof(out) - n, "child:       none\n");
	n += fmt(out + n, sizeof(out) - n, "restarts:    %s\n",
	    f->restarts[0] ? f->restarts : "0");
	if (f->reason[0] == '\0')
		n += fmt(out + n, sizeof(out) - n, "last exit:   none\n");
	else
		n += fmt(out + n, sizeof(out) - n, "last exit:   %s %s (%s)\n",
		    f->sig[0] ? "signal" : "code", f->sig[0] ? f->sig : f->code,
		    f->reason);
	n += fmt(out + n, sizeof(out) - n, "cpu:         %lld%%", f->cpu);
	n += c->max_cpu_pct ? fmt(out + n, sizeof(out) - n, " (limit %lld%%)\n",
	    c->max_cpu_pct) : fmt(out + n, sizeof(out) - n, " (no limit)\n");
	n += fmt(out + n, sizeof(out) - n, "memory:      %lld MB", f->mem);
	n += c->max_mem_mb ? fmt(out + n, sizeof(out) - n, " (limit %lld MB)\n",
	    c->max_mem_mb) : fmt(out + n, sizeof(out) - n, " (no limit)\n");
	write_all(1, out, n);
}

/* NAME's strings are safe for JSON: the config restricts them. */
static void
print_json(const struct conf *c, const struct found *f)
{
	char out[2048], last[160];
	size_t n;

	n = fmt(out, sizeof(out), "{\"name\":\"%s\",\"state\":\"%s\"", c->name,
	    f->state);
	if (f->pid != 0) {
		if (f->reason[0] == '\0')
			fmt(last, sizeof(last), "null");
		else if (f->sig[0] != '\0')
			fmt(last, sizeof(last), "{\"signal\":\"%s\",\"status\":%s,"
			    "\"reason\":\"%s\"}", f->sig, f->exitst, f->reason);
		else
			fmt(last, sizeof(last), "{\"code\":%s,\"status\":%s,"
			    "\"reason\":\"%s\"}", f->code, f->exitst, f->reason);
		n += fmt(out + n, sizeof(out) - n, ",\"supervisor_pid\":%d,"
		    "\"supervisor_uptime_s\":%lld,\"child_pid\":%s,"
		    "\"child_uptime_s\":%lld,\"restarts\":%s,\"last_exit\":%s,"
		    "\"cpu_pct\":%lld,\"mem_mb\":%lld,\"max_cpu_pct\":%lld,"
		    "\"max_mem_mb\":%lld", (int)f->pid, f->up,
		    f->child[0] && strcmp(f->child, "0") ? f->child : "null",
		    f->child_up, f->restarts[0] ? f->restarts : "0", last,
		    f->cpu, f->mem, c->max_cpu_pct, c->max_mem_mb);
	}
	n += fmt(out + n, sizeof(out) - n, "}\n");
	write_all(1, out, n);
}

/* Find the live supervisor: its pid, or 0 (not running), or -1 (unknown). */
static pid_t
find(const struct conf *c, int *dirfd, pid_t *stale)
{
	const char *why = NULL;
	char buf[64];
	pid_t owner;

	*stale = 0;
	*dirfd = -1;
	if (c->pid_dir[0] == '\0') {
		warnx("PID_DIR is not set: no status is kept");
		return -1;
	}
	*dirfd = pid_dir(c->pid_dir, 0, &why);
	if (*dirfd < 0) {
		if (errno == ENOENT)
			return 0;
		warn("%s: %s", c->pid_dir, why);
		return -1;
	}
	owner = pid_owner(*dirfd, c->name, stale);
	if (owner == 0 && *stale == 0 &&
	    pid_read(*dirfd, c->name, PF_SUPERVISOR, buf, sizeof(buf)) < 0 &&
	    errno != ENOENT) {
		warn("%s/%s.%s", c->pid_dir, c->name, PF_SUPERVISOR);
		return -1;
	}
	return owner;
}

int
st_status(const struct conf *c, int json)
{
	struct found f;
	char text[1024];
	long long t, now = (long long)time(NULL);
	pid_t stale;
	int dirfd;

	memset(&f, 0, sizeof(f));
	f.pid = find(c, &dirfd, &stale);
	if (f.pid < 0) {
		if (json)
			write_all(1, "{\"state\":\"unknown\"}\n", 20);
		return LSB_UNKNOWN;
	}
	if (f.pid == 0) {
		fmt(f.state, sizeof(f.state), "stopped");
		if (stale != 0 && !json)
			warnx("stale PID file: PID %d is gone", (int)stale);
		json ? print_json(c, &f) : print_text(c, &f);
		if (dirfd >= 0)
			close(dirfd);
		return LSB_STOPPED;
	}
	if (pid_read(dirfd, c->name, PF_STATE, text, sizeof(text)) < 0)
		text[0] = '\0';
	close(dirfd);
	field_str(text, "state", f.state, sizeof(f.state));
	if (f.state[0] == '\0')
		fmt(f.state, sizeof(f.state), "unknown");
	t = field_num(text, "supervisor_start");
	f.up = t >= 0 ? now - t : -1;
	t = field_num(text, "child_start");
	f.child_up = t > 0 ? now - t : -1;
	field_str(text, "child_pid", f.child, sizeof(f.child));
	field_str(text, "restarts", f.restarts, sizeof(f.restarts));
	field_str(text, "last_exit_code", f.code, sizeof(f.code));
	field_str(text, "last_exit_signal", f.sig, sizeof(f.sig));
	field_str(text, "last_exit_status", f.exitst, sizeof(f.exitst));
	field_str(text, "last_exit_reason", f.reason, sizeof(f.reason));
	measure(f.pid, &f);
	json ? print_json(c, &f) : print_text(c, &f);
	return LSB_RUNNING;
}

int
st_stop(const struct conf *c, long long timeout)
{
	struct pstat p;
	long long deadline;
	pid_t pid, stale;
	int dirfd;

	pid = find(c, &dirfd, &stale);
	if (dirfd >= 0)
		close(dirfd);
	if (pid < 0)
		return 1;
	if (pid == 0) {
		say("%s is not running\n", c->name);
		return 0;
	}
	if (proc_stat(pid, &p) < 0 || kill(pid, SIGTERM) < 0) {
		warn("cannot signal %s (PID %d)", c->name, (int)pid);
		return 1;
	}
	/*
	 * PID 1 of our own namespace (`kubectl exec POD -- /init stop`): when
	 * it exits, the kernel ends us too, so do not wait to be killed.
	 */
	if (pid == 1) {
		say("stopping %s (PID 1): the container ends when it has "
		    "stopped\n", c->name);
		return 0;
	}
	deadline = now_ms() + timeout;
	while (proc_alive(pid, p.start)) {
		if (now_ms() >= deadline) {
			warnx("%s (PID %d) did not stop within %lld s", c->name,
			    (int)pid, timeout / 1000);
			return 1;
		}
		sleep_ms(50);
	}
	say("stopped %s (PID %d)\n", c->name, (int)pid);
	return 0;
}
