/*
 * Client commands: `init status`, `health`, `stop`, `restart|down|up`,
 * from the lock, PID and state files and /proc.  They work in a scratch
 * image, where there is no ps, kill or shell.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
	char	 critical[4], held[4], health[16], hok[4], hat[24], hms[24];
	char	 hout[PROBE_MSG_MAX + 1];
	long long cpu, mem;
	const struct conf *c;
};

/* The running supervisor, as found. */
struct sup {
	pid_t		 pid;		/* 0: not running */
	pid_t		 stale;
	int		 dirfd;		/* PID_DIR, left open until exit */
	int		 n;
	char		 state[16], start[24], config[PATH_MAX], writer[16];
	char		 services[16];
};

/* A key of the state file, and the member of struct TYPE it fills. */
struct slot {
	char		 key[17];
	unsigned short	 off, size;
};
#define SLOT(type, key, m) \
	{ key, offsetof(struct type, m), sizeof(((struct type *)0)->m) }

static const struct slot found_slots[] = {
	SLOT(found, "name", name), SLOT(found, "state", state),
	SLOT(found, "ready", ready), SLOT(found, "child_pid", pid),
	SLOT(found, "child_start", start), SLOT(found, "restarts", restarts),
	SLOT(found, "last_exit_code", code),
	SLOT(found, "last_exit_signal", sig),
	SLOT(found, "last_exit_status", status),
	SLOT(found, "last_exit_reason", reason), SLOT(found, "done", done),
	SLOT(found, "critical", critical), SLOT(found, "held_down", held),
	SLOT(found, "health", health),
	SLOT(found, "health_ok", hok), SLOT(found, "health_at", hat),
	SLOT(found, "health_ms", hms), SLOT(found, "health_output", hout)
};

static const struct slot sup_slots[] = {
	SLOT(sup, "state", state), SLOT(sup, "supervisor_start", start),
	SLOT(sup, "config", config), SLOT(sup, "log_writer_pid", writer),
	SLOT(sup, "services", services)
};

/* The state file, as the last read left it. */
static char	statetext[(SERVICES_MAX + 1) * (PATH_MAX + 2048)] BSS_LAST;

/* KEY of service I (prefix "svc.I."; -1: none) into BUF; "" if absent. */
static void
get(int i, const char *key, char *buf, size_t size)
{
	char k[64];
	const char *p = key;

	if (i >= 0) {
		fmt(k, sizeof(k), "svc.%d.%s", i, key);
		p = k;
	}
	if (st_field(statetext, p, buf, size) == NULL)
		buf[0] = '\0';
}

/* The N keys of table T of service I into the struct at BASE. */
static void
get_slots(int i, const struct slot *t, int n, void *base)
{
	for (; n-- > 0; t++)
		get(i, t->key, (char *)base + t->off, t->size);
}

/* Service I into F: every text member, no CPU or memory yet (F->c unset). */
static void
found_of(int i, struct found *f)
{
	get_slots(i, found_slots, sizeof(found_slots) / sizeof(found_slots[0]),
	    f);
	f->cpu = f->mem = -1;
}

static long long
num(const char *s)
{
	long long n;

	return num_parse(s, 0, LLONG_MAX, &n) == NULL ? n : -1;
}

/* Find the live supervisor of CS; 0 with S->pid set, or -1 (unknown: said why). */
static int
find(const struct confset *cs, struct sup *s)
{
	const struct conf *t = cs->top;
	const char *why = NULL;
	char buf[64];

	memset(s, 0, sizeof(*s));
	if (*t->pid_dir == '\0') {
		warnx("PID_DIR is not set: no status is kept");
		return -1;
	}
	s->dirfd = st_dir(t->pid_dir, 0, &why);
	if (s->dirfd < 0 && errno == ENOENT)
		return 0;
	if (s->dirfd < 0) {
		warn("%s: %s", t->pid_dir, why);
		return -1;
	}
	s->pid = st_owner(s->dirfd, t->name, &s->stale);
	if (s->pid < 0) {
		warnx("%s runs in another PID namespace (%s/%s.%s names "
		    "another process here): run this command inside its "
		    "container", t->name, t->pid_dir, t->name, PF_SUPERVISOR);
		return -1;
	}
	if (s->pid == 0 && s->stale == 0 && st_read(s->dirfd, t->name,
	    PF_SUPERVISOR, buf, sizeof(buf)) < 0 && errno != ENOENT) {
		warn("%s/%s.%s", t->pid_dir, t->name, PF_SUPERVISOR);
		return -1;
	}
	if (s->pid > 0) {
		if (st_read(s->dirfd, t->name, PF_STATE, statetext,
		    sizeof(statetext)) < 0)
			statetext[0] = '\0';
		get_slots(-1, sup_slots, sizeof(sup_slots) /
		    sizeof(sup_slots[0]), s);
		s->n = (int)num(s->services);
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
		get(i, "name", buf, sizeof(buf));
		if (strcmp(buf, name) == 0)
			return i;
	}
	return -1;
}

/* CPU % over a short interval and RSS of each service's tree. */
static void
measure(const struct sup *sup, struct found *f, int n)
{
	/* Called once: the statics start out zero (no limits, no samples). */
	static struct wd w;
	static struct wd_svc ws[SERVICES_MAX];
	static struct conf nolimits;
	struct wd_verdict v[SERVICES_MAX];
	struct wd_scope sc;
	const struct conf *confs[SERVICES_MAX];
	pid_t mains[SERVICES_MAX], skip[1];
	int i;

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

/* S seconds as "-" (S < 0), or up to three units from the largest. */
static const char *
dur(long long s, char *buf, size_t size)
{
	static const int secs[] = { 86400, 3600, 60, 1 };
	size_t len = 0;
	int i = 0, k;

	if (s < 0)
		return "-";
	while (i < 3 && s < secs[i])
		i++;
	for (k = i; k < i + 3 && k < 4; k++) {
		len += fmt(buf + len, size - len, "%lld%c", s / secs[k],
		    "dhms"[k]);
		s %= secs[k];
	}
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

/* " (limit N UNIT)" or " (no limit)", and the end of the line. */
static void
limit(long long n, const char *unit)
{
	if (n)
		say(" (limit %lld%s)\n", n, unit);
	else
		say(" (no limit)\n");
}

/* One service of conf C, the way `init status` always printed it. */
static void
print_one(const struct sup *sup, const struct found *f, const struct conf *c)
{
	char b1[32], b3[96];

	say("name:        %s\nstate:       %s\n", c->name,
	    sup->pid > 0 ? sup->state : "stopped");
	if (sup->pid <= 0)
		return;
	say("supervisor:  pid %d, up %s\n", (int)sup->pid,
	    dur(since(sup->start), b1, sizeof(b1)));
	if (num(f->pid) > 0)
		say("child:       pid %s, up %s\n", f->pid,
		    dur(since(f->start), b1, sizeof(b1)));
	else
		say("child:       none\n");
	say("restarts:    %s\nlast exit:   %s\n", f->restarts[0] ? f->restarts :
	    "0", last_exit(f, b3, sizeof(b3)));
	if (f->health[0] != '\0' && since(f->hat) < 0)
		say("health:      %s (no probe yet)\n", f->health);
	else if (f->health[0] != '\0')
		say("health:      %s (%s, %s ms, %s ago)\n", f->health,
		    f->hout[0] ? f->hout : "-", f->hms[0] ? f->hms : "-",
		    dur(since(f->hat), b1, sizeof(b1)));
	say("cpu:         %lld%%", f->cpu);
	limit(c->max_cpu_pct, "%");
	say("memory:      %lld MB", f->mem);
	limit(c->max_mem_mb, " MB");
}

/* Several services: one line each. */
static void
print_table(const struct confset *cs, const struct sup *sup,
    const struct found *f, int n)
{
	char b1[32], b3[96], lim[48];
	const struct conf *c;
	size_t len;
	int i;

	/* The column heads, in the widths of the rows' format below. */
	say("supervisor:  %s, pid %d, up %s, %s\n"
	    "SERVICE          STATE     READY PID     UPTIME   RESTARTS "
	    "LAST EXIT                 CPU%%  RSS MB HEALTH     LIMITS\n",
	    cs->top->name, (int)sup->pid, dur(since(sup->start), b1,
	    sizeof(b1)), sup->state);
	for (i = 0; i < n; i++) {
		c = f[i].c;
		len = 0;
		if (c != NULL && c->max_cpu_pct > 0)
			len = fmt(lim, sizeof(lim), "cpu %lld%% ", c->max_cpu_pct);
		if (c != NULL && c->max_mem_mb > 0)
			len += fmt(lim + len, sizeof(lim) - len, "mem %lldMB",
			    c->max_mem_mb);
		say("%-16s %-9s %-5s %-7s %-8s %-8s %-24s %5lld %7lld %-10s %s\n",
		    f[i].name, f[i].state, strcmp(f[i].ready, "1") == 0 ? "yes" :
		    "no", num(f[i].pid) > 0 ? f[i].pid : "-",
		    num(f[i].pid) > 0 ? dur(since(f[i].start), b1, sizeof(b1)) :
		    "-", f[i].restarts, last_exit(&f[i], b3, sizeof(b3)),
		    f[i].cpu, f[i].mem, f[i].health[0] ? f[i].health : "-",
		    len ? lim : "-");
	}
}

/* Print S as a JSON string, quotes included. */
static void
jstr(const char *s)
{
	char buf[PATH_MAX * 6 + 8];
	size_t n;
	int mode = LOG_ESC_JSON;

	buf[0] = '"';
	/* Bytes that are not UTF-8 (a path can hold them) as \\xNN: JSONRAW. */
	while ((n = log_escape(s, strlen(s), buf + 1, sizeof(buf) - 2, mode,
	    NULL)) == (size_t)-1)
		mode = LOG_ESC_JSONRAW;
	buf[++n] = '"';
	write_all(1, buf, n + 1);
}

/* Print the number in text S, or null. */
static void
jnum(const char *s)
{
	if (num(s) < 0)
		say("null");
	else
		say("%lld", num(s));
}

static const char *
jbool(int b)
{
	return b ? "true" : "false";
}

/* The supervisor's members, after "{" and up to its services'. */
static void
json_sup(const struct confset *cs, const struct sup *sup)
{
	say("{\"name\":");
	jstr(cs->top->name);
	say(",\"state\":\"%s\",\"supervisor_pid\":%d,\"supervisor_uptime_s\":"
	    "%lld,\"config\":", sup->state, (int)sup->pid, since(sup->start));
	jstr(sup->config);
	say(",");
}

/* F's members; with NAME, its name and state first. */
static void
json_service(const struct found *f, int name)
{
	int pid = num(f->pid) > 0;

	if (name) {
		say("\"name\":");
		jstr(f->name);
		say(",\"state\":\"%s\",", f->state);
	}
	say("\"ready\":%s,\"child_pid\":", jbool(strcmp(f->ready, "1") == 0));
	if (pid)
		jnum(f->pid);
	else
		say("null");
	if (pid)
		say(",\"child_uptime_s\":%lld,\"restarts\":", since(f->start));
	else
		say(",\"child_uptime_s\":null,\"restarts\":");
	jnum(f->restarts);
	say(",\"last_exit\":");
	if (f->reason[0] == '\0')
		say("null");
	else if (f->sig[0] != '\0')
		say("{\"signal\":\"%s\"", f->sig);
	else {
		say("{\"code\":");
		jnum(f->code);
	}
	if (f->reason[0] != '\0') {
		say(",\"status\":");
		jnum(f->status);
		say(",\"reason\":\"%s\"}", f->reason);
	}
	say(",\"cpu_pct\":%lld,\"mem_mb\":%lld,\"max_cpu_pct\":%lld,"
	    "\"max_mem_mb\":%lld,\"critical\":%s,\"health\":", f->cpu, f->mem,
	    f->c != NULL ? f->c->max_cpu_pct : 0,
	    f->c != NULL ? f->c->max_mem_mb : 0,
	    jbool(strcmp(f->critical, "0") != 0));
	if (f->health[0] == '\0') {
		say("null");
		return;
	}
	if (since(f->hat) < 0) {
		say("{\"state\":\"%s\",\"ok\":false,\"output\":null,"
		    "\"duration_ms\":null,\"age_s\":null}", f->health);
		return;
	}
	say("{\"state\":\"%s\",\"ok\":%s,\"output\":", f->health,
	    jbool(strcmp(f->hok, "1") == 0));
	jstr(f->hout);
	say(",\"duration_ms\":");
	jnum(f->hms);
	say(",\"age_s\":%lld}", since(f->hat));
}

/* The service of CS named NAME, or NULL. */
static const struct conf *
conf_named(const struct confset *cs, const char *name)
{
	int i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->svc[i].name, name) == 0)
			return &cs->svc[i];
	return NULL;
}

/* The service of CS named NAME, or NULL after saying so. */
const struct conf *
st_service(const struct confset *cs, const char *verb, const char *name)
{
	const struct conf *c = conf_named(cs, name);

	if (c == NULL)
		warnx("%s: no service named \"%s\" in the configuration", verb,
		    name);
	return c;
}

/* Whether service F is up as `status` counts it: running and ready. */
static int
up(const struct found *f)
{
	return (strcmp(f->state, "running") == 0 || strcmp(f->state,
	    "cooldown") == 0) && strcmp(f->ready, "0") != 0;
}

/* The index of SVC in the running supervisor, or -1 after saying so. */
static int
running_index(const struct sup *s, const char *verb, const char *svc)
{
	int k = index_of(s, svc);

	if (k < 0)
		warnx("%s: the running supervisor has no service \"%s\" "
		    "(started with another configuration?)", verb, svc);
	return k;
}

int
st_status(const struct confset *cs, const char *only, int json)
{
	static struct found f[SERVICES_MAX];
	struct sup sup;
	int i, n, k = -1, rc = LSB_RUNNING;

	if (find(cs, &sup) < 0) {
		if (json)
			say("{\"state\":\"unknown\"}\n");
		return LSB_UNKNOWN;
	}
	if (only != NULL && st_service(cs, "status", only) == NULL)
		return LSB_UNKNOWN;
	if (sup.pid == 0) {
		if (sup.stale != 0 && !json)
			warnx("stale PID file: PID %d is gone", (int)sup.stale);
		if (json) {
			say("{\"name\":");
			jstr(cs->top->name);
			say(",\"state\":\"stopped\"}\n");
		} else if (!cs->multi)
			print_one(&sup, &f[0], cs->svc);
		else
			say("supervisor:  %s, stopped\n", cs->top->name);
		return LSB_STOPPED;
	}
	n = sup.n;
	for (i = 0; i < n; i++) {
		found_of(i, &f[i]);
		f[i].c = conf_named(cs, f[i].name);
	}
	measure(&sup, f, n);
	if (only != NULL && (k = running_index(&sup, "status", only)) < 0)
		return LSB_UNKNOWN;
	/* One service: LSB (0 running, also between restarts). */
	if (!cs->multi) {
		if (json) {
			json_sup(cs, &sup);
			json_service(&f[0], 0);
			say("}\n");
		} else
			print_one(&sup, &f[0], cs->svc);
		return LSB_RUNNING;
	}
	for (i = 0; i < n; i++)
		if ((k < 0 || i == k) && !up(&f[i]) && (k >= 0 ||
		    strcmp(f[i].critical, "0") != 0) &&
		    strcmp(f[i].done, "success") != 0)
			rc = LSB_DOWN;
	if (!json)
		print_table(cs, &sup, k >= 0 ? &f[k] : f, k >= 0 ? 1 : n);
	else if (k >= 0) {
		say("{");
		json_service(&f[k], 1);
		say("}\n");
	} else {
		json_sup(cs, &sup);
		say("\"services\":[");
		for (i = 0; i < n; i++) {
			say(i ? ",{" : "{");
			json_service(&f[i], 1);
			say("}");
		}
		say("]}\n");
	}
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
		found_of(i, &f);
		/*
		 * The whole set: what was taken down on purpose, and what
		 * may stay down, do not make it unhealthy (a liveness probe
		 * would restart the pod for it).
		 */
		if (k < 0 && (f.held[0] == '1' || (f.done[0] != '\0' &&
		    strcmp(f.critical, "0") == 0))) {
			say("%s: %s, %s, not counted\n", f.name, f.state,
			    f.held[0] == '1' ? "held down" : "not critical");
			continue;
		}
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
	const char *name = cs->top->name;
	struct pstat p;
	struct sup sup;
	long long deadline;

	if (find(cs, &sup) < 0)
		return 1;
	if (sup.pid == 0) {
		say("%s is not running\n", name);
		return 0;
	}
	if (proc_stat(sup.pid, &p) < 0 || kill(sup.pid, SIGTERM) < 0) {
		warn("cannot signal %s (PID %d)", name, (int)sup.pid);
		return 1;
	}
	/*
	 * PID 1 of our own namespace (`kubectl exec POD -- /init stop`): when
	 * it exits, the kernel ends us too, so do not wait to be killed.
	 */
	if (sup.pid == 1) {
		say("stopping %s (PID 1): the container ends when it has "
		    "stopped\n", name);
		return 0;
	}
	/* The whole budget: STOP_DELAY, every stop timeout, the log flush. */
	if (timeout < 0)
		timeout = conf_budget(cs) + cs->top->stop_delay + 5000;
	deadline = now_ms() + timeout;
	while (proc_alive(sup.pid, p.start)) {
		if (now_ms() >= deadline) {
			warnx("%s (PID %d) did not stop within %lld s", name,
			    (int)sup.pid, timeout / 1000);
			return 1;
		}
		sleep_ms(50);
	}
	say("stopped %s (PID %d)\n", name, (int)sup.pid);
	return 0;
}

int
st_control(const struct confset *cs, const char *verb, const char *svc)
{
	static const char *const verbs[] = { "", "restart", "down", "up" };
	const char *name = cs->top->name;
	char done[16], state[16];
	struct stat st;
	siginfo_t si;
	struct sup sup;
	long long deadline;
	int k, code;

	for (code = CTL_RESTART; code <= CTL_UP; code++)
		if (strcmp(verb, verbs[code]) == 0)
			break;
	if (st_service(cs, verb, svc) == NULL)
		return 2;
	if (find(cs, &sup) < 0)
		return 4;
	if (sup.pid == 0) {
		warnx("%s: %s is not running", verb, name);
		return 3;
	}
	if ((k = running_index(&sup, verb, svc)) < 0)
		return 2;
	/* sigqueue(3) as the system call: signals are blocked already. */
	memset(&si, 0, sizeof(si));
	si.si_signo = CTL_SIGNAL;
	si.si_code = SI_QUEUE;
	si.si_value.sival_int = CTL_VALUE(getpid(), code, k);
	si.si_pid = getpid();
	si.si_uid = getuid();
	if (syscall(SYS_rt_sigqueueinfo, sup.pid, CTL_SIGNAL, &si) < 0) {
		if (errno == EPERM && fd_stat(sup.dirfd, &st) == 0)
			warnx("%s: not permitted: only root or the supervisor's "
			    "own user (UID %u) may control %s", verb,
			    (unsigned)st.st_uid, name);
		else
			warn("%s: cannot reach %s (PID %d)", verb, name,
			    (int)sup.pid);
		return errno == EPERM ? 4 : 1;
	}
	deadline = now_ms() + 5000;
	for (;;) {
		sleep_ms(20);
		if (st_read(sup.dirfd, name, PF_STATE, statetext,
		    sizeof(statetext)) == 0) {
			get(-1, "ctl_done", done, sizeof(done));
			if (num(done) == (long long)(unsigned)si.si_value.sival_int)
				break;
		}
		if (now_ms() >= deadline) {
			warnx("%s: %s did not answer within 5 s", verb, name);
			return 1;
		}
	}
	get(k, "state", state, sizeof(state));
	say("%s: %s %s (now %s)\n", name, verb, svc, state);
	return strcmp(sup.state, "running") != 0;
}
