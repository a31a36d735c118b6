/*
 * Resource watchdog: CPU % and memory of each service's process tree.
 *
 * A service's tree is its main process and everything below it (also
 * what called setsid), plus orphans re-parented to init that an earlier
 * sample saw in it (with one service: every orphan).  Not the log writer
 * nor health probes.  A service's CPU is
 *     S = sum over its members of utime+stime+cutime+cstime
 *       + the rusage of its members that init itself reaped,
 * and its use between two samples is the growth of S: when a member
 * reaps another, the time moves into the reaper's cutime and S stays
 * put, so short-lived jobs cannot hide between samples.  A member that
 * a sample missed although it already ran contributes nothing the first
 * time it is seen (its past is not this interval's work).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "util.h"
#include "watchdog.h"

int
wd_init(struct wd *w)
{
	char *p;

	if (w->procs != NULL)
		return 0;
	/* One mapping for the three arrays (each item a multiple of 8 bytes). */
	p = mem_get(PROCS_MAX * (sizeof(*w->procs) + sizeof(*w->prev) +
	    sizeof(*w->val)));
	if (p == NULL)
		return -1;
	w->procs = (struct pstat *)(void *)p;
	p += PROCS_MAX * sizeof(*w->procs);
	w->prev = (struct wd_prev *)(void *)p;
	p += PROCS_MAX * sizeof(*w->prev);
	w->val = (long long *)(void *)p;
	/*
	 * /proc counts in USER_HZ, which Linux fixes at 100 for user space
	 * (musl's sysconf(_SC_CLK_TCK) is that constant too); RSS in pages of
	 * the kernel's size: musl's getpagesize() is the aux vector's
	 * AT_PAGESZ, or the one size an architecture has (x86-64's 4 KiB).
	 */
	w->hz = 100;
	w->page_kb = getpagesize() / 1024;
	if (w->page_kb <= 0)
		w->page_kb = 4;
	return 0;
}

void
wd_forget(struct wd_svc *s)
{
	s->base = 0;
	s->over = 0;
}

static int
prev_cmp(const void *a, const void *b)
{
	const struct wd_prev *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* A binary search of the last sample: libc's bsearch is 0.1 KB more. */
static const struct wd_prev *
prev_find(const struct wd *w, pid_t pid)
{
	int lo = 0, hi = w->nprev, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->prev[mid].pid == pid)
			return &w->prev[mid];
		if (w->prev[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static unsigned long long
ticks(const struct pstat *p)
{
	return p->utime + p->stime + p->cutime + p->cstime;
}

/* Boot time in clock ticks: the unit of /proc/PID/stat's start time. */
static unsigned long long
boot_ticks(long hz)
{
	struct timespec ts;

	clock_read(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * (unsigned long long)hz +
	    (unsigned long long)ts.tv_nsec * (unsigned long long)hz / 1000000000ULL;
}

int
wd_judge_cpu(const struct conf *c, unsigned long long delta, long long dt_ms,
    long hz, int *over, long long *pct)
{
	*pct = dt_ms > 0 ? (long long)(delta * 100000ULL /
	    ((unsigned long long)hz * (unsigned long long)dt_ms)) : 0;
	if (c->max_cpu_pct <= 0 || *pct <= c->max_cpu_pct) {
		*over = 0;
		return WD_NONE;
	}
	return ++*over >= c->cpu_breach_ticks ? WD_CPU : WD_NONE;
}

/* Name the TOP_MAX largest of VAL among service K's members into BUF. */
static void
top(const struct wd *w, int n, int k, const char *unit, char *buf,
    size_t size)
{
	int used[TOP_MAX] = { 0 }, i, j, best, taken;
	size_t len = 0;

	buf[0] = '\0';
	for (j = 0; j < TOP_MAX; j++) {
		best = -1;
		for (i = 0; i < n; i++) {
			if (w->procs[i].svc != k)
				continue;
			for (taken = 0; taken < j && used[taken] != i; taken++)
				;
			if (taken < j)
				continue;
			if (best < 0 || w->val[i] > w->val[best])
				best = i;
		}
		if (best < 0)
			break;
		used[j] = best;
		len += fmt(buf + len, size - len, "%s%d:%s:%lld%s", j ? "," : "",
		    (int)w->procs[best].pid, w->procs[best].comm, w->val[best],
		    unit);
	}
}

/* Which service process I counts for (its parents come first). */
static int
owner(const struct wd *w, const struct wd_scope *sc, int i)
{
	const struct pstat *p = &w->procs[i];
	const struct wd_prev *was;
	int k;

	for (k = 0; k < sc->n; k++)
		if (sc->main[k] == p->pid)
			return k;
	if (p->parent >= 0)
		return w->procs[p->parent].svc;
	/* A child of init that is no main process: an orphan. */
	was = prev_find(w, p->pid);
	if (was != NULL && was->start == p->start)
		return was->svc;
	return sc->n == 1 ? 0 : -1;
}

/*
 * One service in a container of its own: the cgroup's counters are the
 * service's (less init's own CPU: itself, its log writer, its probes).
 * The process tree is read only if memory.current is missing, or to name
 * the top processes of a breach (by their CPU seconds so far).
 */
static int
cg_sample(struct wd *w, const struct wd_scope *sc, long long now,
    struct wd_verdict *v)
{
	const struct conf *c = sc->conf[0];
	struct wd_svc *s = &sc->svc[0];
	unsigned long long total, delta;
	long long usec, kb = -1;
	int n, i;

	usec = cg_cpu_usec(sc->cg);
	if (usec < 0)
		return -1;
	memset(v, 0, sizeof(*v));
	v->cpu_pct = -1;
	v->nprocs = -1;
	total = (unsigned long long)usec * (unsigned long long)w->hz / 1000000ULL;
	total = total > sc->other ? total - sc->other : 0;
	if (s->base && now > s->at) {
		delta = total > s->total ? total - s->total : 0;
		v->kind = wd_judge_cpu(c, delta, now - s->at, w->hz, &s->over,
		    &v->cpu_pct);
	}
	s->total = total;
	s->at = now;
	s->base = 1;
	if (c->max_mem_mb > 0 || v->kind != WD_NONE)
		kb = cg_mem_kb(sc->cg);
	if (kb >= 0)
		v->mem_mb = v->rss_mb = kb / 1024;
	if (v->kind == WD_NONE && (c->max_mem_mb == 0 || (kb >= 0 &&
	    v->mem_mb <= c->max_mem_mb)))
		return 0;
	if (v->kind == WD_NONE && kb >= 0)
		v->kind = WD_MEM;
	n = proc_tree(sc->self, sc->skip, sc->nskip, w->procs, PROCS_MAX);
	if (n < 0)
		return v->kind == WD_NONE ? -1 : 0;
	v->nprocs = n;
	for (i = 0; i < n; i++) {
		w->procs[i].svc = 0;
		w->val[i] = v->kind == WD_CPU ? (long long)(ticks(&w->procs[i]) /
		    (unsigned long long)w->hz) : w->procs[i].rss * w->page_kb / 1024;
		if (kb < 0)
			v->rss_mb += w->procs[i].rss * w->page_kb;
	}
	if (kb < 0) {
		/* No memory.current: the tree's RSS, as without a cgroup. */
		v->mem_mb = v->rss_mb /= 1024;
		if (v->kind == WD_NONE && c->max_mem_mb > 0 &&
		    v->mem_mb > c->max_mem_mb)
			v->kind = WD_MEM;
	}
	if (v->kind != WD_NONE)
		top(w, n, 0, v->kind == WD_CPU ? "s" : "MB", v->top,
		    sizeof(v->top));
	return 0;
}

int
wd_sample(struct wd *w, const struct wd_scope *sc, long long now,
    struct wd_verdict *v)
{
	unsigned long long sum[SERVICES_MAX] = { 0 }, missed[SERVICES_MAX] = { 0 };
	unsigned long long t, total, delta, at;
	long long rss[SERVICES_MAX] = { 0 }, kb;
	const struct wd_prev *was;
	struct wd_svc *s;
	int n, i, k;

	if (wd_init(w) < 0)
		return -1;
	if (sc->cg != NULL && sc->cg->dirfd >= 0 && sc->n == 1)
		return cg_sample(w, sc, now, v);
	n = proc_tree(sc->self, sc->skip, sc->nskip, w->procs, PROCS_MAX);
	if (n < 0)
		return -1;
	at = boot_ticks(w->hz);
	for (k = 0; k < sc->n; k++) {
		memset(&v[k], 0, sizeof(v[k]));
		v[k].cpu_pct = -1;
	}
	for (i = 0; i < n; i++) {
		k = w->procs[i].svc = owner(w, sc, i);
		t = ticks(&w->procs[i]);
		was = prev_find(w, w->procs[i].pid);
		if (was != NULL && was->start != w->procs[i].start)
			was = NULL;
		/* For "top": this interval's share of each process. */
		w->val[i] = (long long)(was != NULL ? (t > was->ticks ?
		    t - was->ticks : 0) : w->procs[i].start >= w->at_ticks ? t : 0);
		if (k < 0)
			continue;
		sum[k] += t;
		if (was == NULL && w->procs[i].start < w->at_ticks)
			missed[k] += t;
		rss[k] += w->procs[i].rss * w->page_kb;
		v[k].nprocs++;
	}
	for (k = 0; k < sc->n; k++) {
		s = &sc->svc[k];
		total = sum[k] + s->reaped;
		v[k].mem_mb = v[k].rss_mb = rss[k] / 1024;
		if (s->base && now > s->at) {
			delta = total > s->total + missed[k] ?
			    total - s->total - missed[k] : 0;
			v[k].kind = wd_judge_cpu(sc->conf[k], delta, now - s->at,
			    w->hz, &s->over, &v[k].cpu_pct);
			if (v[k].kind == WD_CPU) {
				for (i = 0; i < n; i++)
					w->val[i] = w->val[i] * 100000 /
					    (w->hz * (now - s->at));
				top(w, n, k, "%", v[k].top, sizeof(v[k].top));
			}
		}
		s->total = total;
		s->at = now;
		s->base = 1;
		/* Summed RSS counts shared pages once per process: confirm with PSS. */
		if (v[k].kind != WD_NONE || sc->conf[k]->max_mem_mb <= 0 ||
		    v[k].mem_mb <= sc->conf[k]->max_mem_mb)
			continue;
		rss[k] = 0;
		for (i = 0; i < n; i++) {
			if (w->procs[i].svc != k)
				continue;
			kb = proc_pss(w->procs[i].pid);
			if (kb < 0)
				kb = w->procs[i].rss * w->page_kb;
			w->val[i] = kb / 1024;
			rss[k] += kb;
		}
		v[k].mem_mb = rss[k] / 1024;
		if (v[k].mem_mb > sc->conf[k]->max_mem_mb) {
			v[k].kind = WD_MEM;
			top(w, n, k, "MB", v[k].top, sizeof(v[k].top));
		}
	}
	for (i = 0; i < n; i++) {
		w->prev[i].pid = w->procs[i].pid;
		w->prev[i].svc = w->procs[i].svc;
		w->prev[i].start = w->procs[i].start;
		w->prev[i].ticks = ticks(&w->procs[i]);
	}
	sort_array(w->prev, (size_t)n, sizeof(*w->prev), prev_cmp);
	w->nprev = n;
	w->at_ticks = at;
	return 0;
}

void
wd_reaped(struct wd *w, const struct wd_scope *sc, pid_t pid,
    unsigned long long t)
{
	const struct wd_prev *was;
	int k;

	for (k = 0; k < sc->n; k++)
		if (sc->main[k] == pid)
			break;
	if (k == sc->n && w->prev != NULL) {
		was = prev_find(w, pid);
		k = was != NULL ? was->svc : -1;
	}
	if (k == sc->n || k < 0)
		k = sc->n == 1 ? 0 : -1;
	if (k >= 0)
		sc->svc[k].reaped += t;
}
