/*
 * Client commands: `init status`, `health`, `stop`, `restart|down|up`,
 * from the lock, PID and state files and /proc.  They work in a scratch
 * image, where there is no ps, kill or shell.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "bounds.h"
#include "log.h"
#include "proc.h"
#include "state.h"
#include "status.h"
#include "util.h"
#include "watchdog.h"

enum { LSB_RUNNING = 0, LSB_DOWN = 1, LSB_STOPPED = 3, LSB_UNKNOWN = 4 };

/* What the state file says about one service, as text. */
struct found {
	char	 name[NAME_MAX_LEN + 1];
	char	 state[16], ready[4], pid[16], start[24], restarts[24];
	char	 code[16], sig[16], status[16], reason[32], done[16];
	char	 critical[4], health[16], hok[4], hat[24], hms[24];
	char	 hout[PROBE_MSG_MAX + 1];
	long long cpu, mem;
	const struct conf *c;
};

/* The running supervisor, as found. */
struct sup {
	pid_t		 pid;		/* 0: not running, -1: unknown */
	pid_t		 stale;
	int		 dirfd;
	char		 state[16], start[24], config[PATH_MAX], writer[16];
	char		 ctl_done[16];
	int		 n;
	char		*text;
};

static char	statetext[(SERVICES_MAX + 1) * (PATH_MAX + 2048)] BSS_LAST;

/* KEY of service I (prefix "svc.I."), into BUF; "" if absent. */
static void
get(const char *text, int i, const char *key, char *buf, size_t size)
{
	char k[64];

	if (i >= 0)
		fmt(k, sizeof(k), "svc.%d.%s", i, key);
	else
		fmt(k, sizeof(k), "%s", key);
	if (st_field(text, k, buf, size) == NULL)
		buf[0] = '\0';
}

static void
found_of(const char *text, int i, struct found *f)
{
	memset(f, 0, sizeof(*f));
	get(text, i, "name", f->name, sizeof(f->name));
	get(text, i, "state", f->state, sizeof(f->state));
	get(text, i, "ready", f->ready, sizeof(f->ready));
	get(text, i, "child_pid", f->pid, sizeof(f->pid));
	get(text, i, "child_start", f->start, sizeof(f->start));
	get(text, i, "restarts", f->restarts, sizeof(f->restarts));
	get(text, i, "last_exit_code", f->code, sizeof(f->code));
	get(text, i, "last_exit_signal", f->sig, sizeof(f->sig));
	get(text, i, "last_exit_status", f->status, sizeof(f->status));
	get(text, i, "last_exit_reason", f->reason, sizeof(f->reason));
	get(text, i, "done", f->done, sizeof(f->done));
	get(text, i, "critical", f->critical, sizeof(f->critical));
	get(text, i, "health", f->health, sizeof(f->health));
	get(text, i, "health_ok", f->hok, sizeof(f->hok));
	get(text, i, "health_at", f->hat, sizeof(f->hat));
	get(text, i, "health_ms", f->hms, sizeof(f->hms));
	get(text, i, "health_output", f->hout, sizeof(f->hout));
	f->cpu = f->mem = -1;
}

static long long
num(const char *s)
{
	long long n;

	return num_parse(s, 0, LLONG_MAX, &n) == NULL ? n : -1;
}

/* Find the live supervisor of CS; 0 with S->pid set, or -1 (unknown). */
static int
find(const struct confset *cs, struct sup *s)
{
	const char *why = NULL;
	char buf[64];

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	s->text = statetext;
	if (*cs->top->pid_dir == '\0') {
		warnx("PID_DIR is not set: no status is kept");
		s->pid = -1;
		return -1;
	}
	s->dirfd = st_dir(cs->top->pid_dir, 0, &why);
	if (s->dirfd < 0) {
		if (errno == ENOENT)
			return 0;
		warn("%s: %s", cs->top->pid_dir, why);
		s->pid = -1;
		return -1;
	}
	s->pid = st_owner(s->dirfd, cs->top->name, &s->stale);
	if (s->pid < 0) {
		warnx("%s runs in another PID namespace (%s/%s.%s names "
		    "another process here): run this command inside its "
		    "container", cs->top->name, cs->top->pid_dir,
		    cs->top->name, PF_SUPERVISOR);
		return -1;
	}
	if (s->pid == 0 && s->stale == 0 && st_read(s->dirfd, cs->top->name,
	    PF_SUPERVISOR, buf, sizeof(buf)) < 0 && errno != ENOENT) {
		warn("%s/%s.%s", cs->top->pid_dir, cs->top->name, PF_SUPERVISOR);
		s->pid = -1;
		return -1;
	}
	if (s->pid > 0 && st_read(s->dirfd, cs->top->name, PF_STATE, statetext,
	    sizeof(statetext)) < 0)
		statetext[0] = '\0';
	if (s->pid > 0) {
		get(statetext, -1, "state", s->state, sizeof(s->state));
		get(statetext, -1, "supervisor_start", s->start, sizeof(s->start));
		get(statetext, -1, "config", s->config, sizeof(s->config));
		get(statetext, -1, "log_writer_pid", s->writer, sizeof(s->writer));
		get(statetext, -1, "ctl_done", s->ctl_done, sizeof(s->ctl_done));
		get(statetext, -1, "services", buf, sizeof(buf));
		s->n = (int)num(buf);
		if (s->n < 1 || s->n > SERVICES_MAX)
			s->n = 1;
	}
	return 0;
}

/* The index of service NAME in the running supervisor, or -1. */
static int
index_of(const struct sup *s, const char *name)
{
	char buf[NAME_MAX_LEN + 1];
	int i;

	for (i = 0; i < s->n; i++) {
		get(s->text, i, "name", buf, sizeof(buf));
		if (strcmp(buf, name) == 0)
			return i;
	}
	return -1;
}

/* CPU % over a short interval and RSS of each service's tree. */
static void
measure(const struct sup *sup, struct found *f, int n)
{
	static struct wd w;
	struct wd_verdict v[SERVICES_MAX];
	struct wd_svc ws[SERVICES_MAX];
	struct wd_scope sc;
	const struct conf *confs[SERVICES_MAX];
	struct conf nolimits;
	pid_t mains[SERVICES_MAX], skip[1];
	int i;

	memset(&nolimits, 0, sizeof(nolimits));
	memset(ws, 0, sizeof(ws));
	for (i = 0; i < n; i++) {
		mains[i] = (pid_t)num(f[i].pid);
		confs[i] = &nolimits;
	}
	skip[0] = (pid_t)num(sup->writer);
	sc = (struct wd_scope){ sup->pid, mains, confs, ws, n, skip,
	    skip[0] > 0 ? 1 : 0, NULL, 0 };
	if (wd_sample(&w, &sc, now_ms(), v) < 0)
		return;
	sleep_ms(250);
	if (wd_sample(&w, &sc, now_ms(), v) < 0)
		return;
	for (i = 0; i < n; i++) {
		f[i].cpu = v[i].cpu_pct;
		f[i].mem = v[i].mem_mb;
	}
}

static const char *
dur(long long s, char *buf, size_t size)
{
	if (s < 0)
		fmt(buf, size, "-");
	else if (s >= 86400)
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

static long long
since(const char *wall)
{
	long long t = num(wall);

	return t > 0 ? wall_secs() - t : -1;
}

static const char *
last_exit(const struct found *f, char *buf, size_t size)
{
	if (f->reason[0] == '\0')
		fmt(buf, size, "none");
	else
		fmt(buf, size, "%s %s (%s)", f->sig[0] ? "signal" : "code",
		    f->sig[0] ? f->sig : f->code, f->reason);
	return buf;
}

/* One service, the way `init status` always printed it. */
static void
print_one(const struct sup *sup, const struct found *f)
{
	char b1[32], b2[32], b3[96];

	say("name:        %s\nstate:       %s\n", f->c->name,
	    sup->pid > 0 ? sup->state : "stopped");
	if (sup->pid <= 0)
		return;
	say("supervisor:  pid %d, up %s\n", (int)sup->pid,
	    dur(since(sup->start), b1, sizeof(b1)));
	if (num(f->pid) > 0)
		say("child:       pid %s, up %s\n", f->pid,
		    dur(since(f->start), b2, sizeof(b2)));
	else
		say("child:       none\n");
	say("restarts:    %s\n", f->restarts[0] ? f->restarts : "0");
	say("last exit:   %s\n", last_exit(f, b3, sizeof(b3)));
	if (f->health[0] != '\0' && since(f->hat) < 0)
		say("health:      %s (no probe yet)\n", f->health);
	else if (f->health[0] != '\0')
		say("health:      %s (%s, %s ms, %s ago)\n", f->health,
		    f->hout[0] ? f->hout : "-", f->hms[0] ? f->hms : "-",
		    dur(since(f->hat), b1, sizeof(b1)));
	say("cpu:         %lld%%", f->cpu);
	if (f->c->max_cpu_pct)
		say(" (limit %lld%%)\n", f->c->max_cpu_pct);
	else
		say(" (no limit)\n");
	say("memory:      %lld MB", f->mem);
	if (f->c->max_mem_mb)
		say(" (limit %lld MB)\n", f->c->max_mem_mb);
	else
		say(" (no limit)\n");
}

/* Several services: one line each. */
static void
print_table(const struct confset *cs, const struct sup *sup,
    const struct found *f, int n)
{
	char b1[32], b3[96], lim[48];
	int i;

	say("supervisor:  %s, pid %d, up %s, %s\n", cs->top->name, (int)sup->pid,
	    dur(since(sup->start), b1, sizeof(b1)), sup->state);
	say("%-16s %-9s %-5s %-7s %-8s %-8s %-24s %5s %7s %-10s %s\n",
	    "SERVICE", "STATE", "READY", "PID", "UPTIME", "RESTARTS",
	    "LAST EXIT", "CPU%", "RSS MB", "HEALTH", "LIMITS");
	for (i = 0; i < n; i++) {
		lim[0] = '\0';
		if (f[i].c != NULL && f[i].c->max_cpu_pct > 0)
			fmt(lim, sizeof(lim), "cpu %lld%% ", f[i].c->max_cpu_pct);
		if (f[i].c != NULL && f[i].c->max_mem_mb > 0)
			fmt(lim + strlen(lim), sizeof(lim) - strlen(lim),
			    "mem %lldMB", f[i].c->max_mem_mb);
		if (lim[0] == '\0')
			fmt(lim, sizeof(lim), "-");
		say("%-16s %-9s %-5s %-7s %-8s %-8s %-24s %5lld %7lld %-10s %s\n",
		    f[i].name, f[i].state, strcmp(f[i].ready, "1") == 0 ? "yes" :
		    "no", num(f[i].pid) > 0 ? f[i].pid : "-",
		    num(f[i].pid) > 0 ? dur(since(f[i].start), b1, sizeof(b1)) :
		    "-", f[i].restarts, last_exit(&f[i], b3, sizeof(b3)),
		    f[i].cpu, f[i].mem, f[i].health[0] ? f[i].health : "-", lim);
	}
}

/* S as a JSON string (quotes included) into BUF. */
static const char *
jstr(const char *s, char *buf, size_t size)
{
	size_t n;

	buf[0] = '"';
	/* Bytes that are not UTF-8 (a path can hold them) as \\xNN. */
	n = log_escape(s, strlen(s), buf + 1, size - 2, LOG_ESC_JSON, NULL);
	if (n == (size_t)-1)
		n = log_escape(s, strlen(s), buf + 1, size - 2, LOG_ESC_JSONRAW,
		    NULL);
	n++;
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

static const char *
jnum(const char *s, char *buf, size_t size)
{
	if (num(s) < 0)
		fmt(buf, size, "null");
	else
		fmt(buf, size, "%lld", num(s));
	return buf;
}

/* F's fields as JSON members, after LEAD; with NAME, its name first. */
static void
json_service(const struct found *f, const char *lead, int name)
{
	char nm[160], last[256], b[PROBE_MSG_MAX * 6 + 8], pid[24], rs[24];
	char st[24], upt[24];

	if (f->reason[0] == '\0')
		fmt(last, sizeof(last), "null");
	else if (f->sig[0] != '\0')
		fmt(last, sizeof(last), "{\"signal\":\"%s\",\"status\":%s,"
		    "\"reason\":\"%s\"}", f->sig, jnum(f->status, st, sizeof(st)),
		    f->reason);
	else
		fmt(last, sizeof(last), "{\"code\":%s,\"status\":%s,\"reason\":"
		    "\"%s\"}", jnum(f->code, pid, sizeof(pid)),
		    jnum(f->status, st, sizeof(st)), f->reason);
	fmt(upt, sizeof(upt), "%lld", num(f->pid) > 0 ? since(f->start) : -1);
	if (name)
		say("%s\"name\":%s,\"state\":\"%s\",", lead,
		    jstr(f->name, nm, sizeof(nm)), f->state);
	else
		say("%s", lead);
	say("\"ready\":%s,\"child_pid\":%s,"
	    "\"child_uptime_s\":%s,\"restarts\":%s,\"last_exit\":%s,"
	    "\"cpu_pct\":%lld,\"mem_mb\":%lld,\"max_cpu_pct\":%lld,"
	    "\"max_mem_mb\":%lld,\"critical\":%s",
	    strcmp(f->ready, "1") == 0 ? "true" : "false",
	    num(f->pid) > 0 ? jnum(f->pid, pid, sizeof(pid)) : "null",
	    num(f->pid) > 0 ? upt : "null", jnum(f->restarts, rs, sizeof(rs)),
	    last, f->cpu, f->mem, f->c != NULL ? f->c->max_cpu_pct : 0,
	    f->c != NULL ? f->c->max_mem_mb : 0,
	    strcmp(f->critical, "0") == 0 ? "false" : "true");
	if (f->health[0] != '\0' && since(f->hat) < 0)
		say(",\"health\":{\"state\":\"%s\",\"ok\":false,\"output\":null,"
		    "\"duration_ms\":null,\"age_s\":null}", f->health);
	else if (f->health[0] != '\0')
		say(",\"health\":{\"state\":\"%s\",\"ok\":%s,\"output\":%s,"
		    "\"duration_ms\":%s,\"age_s\":%lld}", f->health,
		    strcmp(f->hok, "1") == 0 ? "true" : "false",
		    jstr(f->hout, b, sizeof(b)), jnum(f->hms, st, sizeof(st)),
		    since(f->hat));
	else
		say(",\"health\":null");
}

static const struct conf *
conf_named(const struct confset *cs, const char *name)
{
	int i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->svc[i].name, name) == 0)
			return &cs->svc[i];
	return NULL;
}

/* Whether service F is up as `status` counts it: running and ready. */
static int
up(const struct found *f)
{
	return (strcmp(f->state, "running") == 0 || strcmp(f->state,
	    "cooldown") == 0) && strcmp(f->ready, "0") != 0;
}

int
st_status(const struct confset *cs, const char *only, int json)
{
	static struct found f[SERVICES_MAX];
	char b[PATH_MAX * 6 + 8], b2[160];
	struct sup sup;
	int i, n, k, rc = LSB_RUNNING;

	if (find(cs, &sup) < 0) {
		if (json)
			say("{\"state\":\"unknown\"}\n");
		return LSB_UNKNOWN;
	}
	if (only != NULL && conf_named(cs, only) == NULL) {
		warnx("status: no service named \"%s\" in the configuration",
		    only);
		return LSB_UNKNOWN;
	}
	if (sup.pid == 0) {
		if (sup.stale != 0 && !json)
			warnx("stale PID file: PID %d is gone", (int)sup.stale);
		if (json)
			say("{\"name\":%s,\"state\":\"stopped\"}\n",
			    jstr(cs->top->name, b2, sizeof(b2)));
		else if (!cs->multi) {
			found_of("", -1, &f[0]);
			f[0].c = &cs->svc[0];
			print_one(&sup, &f[0]);
		} else
			say("supervisor:  %s, stopped\n", cs->top->name);
		if (sup.dirfd >= 0)
			close(sup.dirfd);
		return LSB_STOPPED;
	}
	close(sup.dirfd);
	n = sup.n;
	for (i = 0; i < n; i++) {
		found_of(sup.text, i, &f[i]);
		f[i].c = conf_named(cs, f[i].name);
	}
	measure(&sup, f, n);
	k = only != NULL ? index_of(&sup, only) : -1;
	if (only != NULL && k < 0) {
		warnx("status: the running supervisor has no service \"%s\" "
		    "(started with another configuration?)", only);
		return LSB_UNKNOWN;
	}
	/* One service: LSB (0 running, also between restarts). */
	if (!cs->multi) {
		if (json) {
			say("{\"name\":%s,\"state\":\"%s\",\"supervisor_pid\":%d,"
			    "\"supervisor_uptime_s\":%lld,\"config\":%s,",
			    jstr(cs->top->name, b2, sizeof(b2)), sup.state,
			    (int)sup.pid, since(sup.start),
			    jstr(sup.config, b, sizeof(b)));
			json_service(&f[0], "", 0);
			say("}\n");
		} else
			print_one(&sup, &f[0]);
		return LSB_RUNNING;
	}
	for (i = 0; i < n; i++)
		if ((k < 0 || i == k) && !up(&f[i]) && (k >= 0 ||
		    strcmp(f[i].critical, "0") != 0) &&
		    strcmp(f[i].done, "success") != 0)
			rc = LSB_DOWN;
	if (json) {
		if (k >= 0) {
			json_service(&f[k], "{", 1);
			say("}\n");
			return rc;
		}
		say("{\"name\":%s,\"state\":\"%s\",\"supervisor_pid\":%d,"
		    "\"supervisor_uptime_s\":%lld,\"config\":%s,\"services\":[",
		    jstr(cs->top->name, b2, sizeof(b2)), sup.state, (int)sup.pid,
		    since(sup.start), jstr(sup.config, b, sizeof(b)));
		for (i = 0; i < n; i++) {
			json_service(&f[i], i ? ",{" : "{", 1);
			say("}");
		}
		say("]}\n");
	} else if (k >= 0)
		print_table(cs, &sup, &f[k], 1);
	else
		print_table(cs, &sup, f, n);
	return rc;
}

int
st_health(const struct confset *cs, const char *only)
{
	struct found f;
	struct sup sup;
	char b[32];
	int i, k = -1, rc = 0, ok;

	if (find(cs, &sup) < 0)
		return LSB_UNKNOWN;
	if (sup.dirfd >= 0)
		close(sup.dirfd);
	if (sup.pid == 0) {
		say("%s: not running\n", cs->top->name);
		return LSB_STOPPED;
	}
	if (only != NULL && (k = index_of(&sup, only)) < 0) {
		warnx("health: no service named \"%s\" is supervised", only);
		return LSB_UNKNOWN;
	}
	for (i = 0; i < sup.n; i++) {
		if (k >= 0 && i != k)
			continue;
		found_of(sup.text, i, &f);
		if (f.health[0] != '\0')
			ok = strcmp(f.health, "healthy") == 0;
		else
			ok = strcmp(f.state, "running") == 0 ||
			    strcmp(f.done, "success") == 0;
		if (!ok)
			rc = 1;
		if (f.health[0] != '\0' && since(f.hat) < 0)
			say("%s: %s (no probe yet)\n", f.name, f.health);
		else if (f.health[0] != '\0')
			say("%s: %s (%s, %s ago)\n", f.name, f.health,
			    f.hout[0] ? f.hout : "-",
			    dur(since(f.hat), b, sizeof(b)));
		else
			say("%s: %s, no health check\n", f.name, f.state);
	}
	return rc;
}

int
st_stop(const struct confset *cs, long long timeout)
{
	struct pstat p;
	struct sup sup;
	long long deadline;

	if (find(cs, &sup) < 0)
		return 1;
	if (sup.dirfd >= 0)
		close(sup.dirfd);
	if (sup.pid == 0) {
		say("%s is not running\n", cs->top->name);
		return 0;
	}
	if (proc_stat(sup.pid, &p) < 0 || kill(sup.pid, SIGTERM) < 0) {
		warn("cannot signal %s (PID %d)", cs->top->name, (int)sup.pid);
		return 1;
	}
	/*
	 * PID 1 of our own namespace (`kubectl exec POD -- /init stop`): when
	 * it exits, the kernel ends us too, so do not wait to be killed.
	 */
	if (sup.pid == 1) {
		say("stopping %s (PID 1): the container ends when it has "
		    "stopped\n", cs->top->name);
		return 0;
	}
	/* The whole budget: STOP_DELAY, every stop timeout, the log flush. */
	if (timeout < 0)
		timeout = conf_budget(cs) + cs->top->stop_delay + 5000;
	deadline = now_ms() + timeout;
	while (proc_alive(sup.pid, p.start)) {
		if (now_ms() >= deadline) {
			warnx("%s (PID %d) did not stop within %lld s",
			    cs->top->name, (int)sup.pid, timeout / 1000);
			return 1;
		}
		sleep_ms(50);
	}
	say("stopped %s (PID %d)\n", cs->top->name, (int)sup.pid);
	return 0;
}

int
st_control(const struct confset *cs, const char *verb, const char *svc)
{
	static const char *const verbs[] = { "", "restart", "down", "up" };
	char done[16], state[16];
	struct stat st;
	union sigval v;
	struct sup sup;
	long long deadline;
	int k, code, i;

	for (code = CTL_RESTART; code <= CTL_UP; code++)
		if (strcmp(verb, verbs[code]) == 0)
			break;
	if (conf_named(cs, svc) == NULL) {
		warnx("%s: no service named \"%s\" in the configuration", verb,
		    svc);
		return 2;
	}
	if (find(cs, &sup) < 0)
		return 4;
	if (sup.pid == 0) {
		warnx("%s: %s is not running", verb, cs->top->name);
		return 3;
	}
	k = index_of(&sup, svc);
	if (k < 0) {
		warnx("%s: the running supervisor has no service \"%s\" "
		    "(started with another configuration?)", verb, svc);
		return 2;
	}
	v.sival_int = CTL_VALUE(getpid(), code, k);
	if (sigqueue(sup.pid, CTL_SIGNAL, v) < 0) {
		if (errno == EPERM && fd_stat(sup.dirfd, &st) == 0)
			warnx("%s: not permitted: only root or the supervisor's "
			    "own user (UID %u) may control %s", verb,
			    (unsigned)st.st_uid, cs->top->name);
		else
			warn("%s: cannot reach %s (PID %d)", verb, cs->top->name,
			    (int)sup.pid);
		return errno == EPERM ? 4 : 1;
	}
	deadline = now_ms() + 5000;
	for (;;) {
		sleep_ms(20);
		if (st_read(sup.dirfd, cs->top->name, PF_STATE, statetext,
		    sizeof(statetext)) == 0) {
			get(statetext, -1, "ctl_done", done, sizeof(done));
			if (num(done) == (long long)(unsigned)v.sival_int)
				break;
		}
		if (now_ms() >= deadline) {
			warnx("%s: %s did not answer within 5 s", verb,
			    cs->top->name);
			return 1;
		}
	}
	get(statetext, k, "state", state, sizeof(state));
	i = strcmp(sup.state, "running") == 0 ? 0 : 1;
	say("%s: %s %s (now %s)\n", cs->top->name, verb, svc, state);
	return i;
}
