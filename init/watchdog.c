/*
 * Resource watchdog: CPU % and memory of init's process tree, per tick.
 *
 * The tree is every process below init (the child, what it forked, what
 * called setsid, orphans reparented to init), not the log writer.  CPU is
 * the sum of utime+stime+cutime+cstime over the tree plus init's own
 * cutime+cstime: when a member exits, its reaper (a member, or init) adds
 * its time to cutime, so short-lived jobs cannot hide between ticks.  The
 * module only measures and returns a verdict; the loop acts on it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits.h"
#include "util.h"
#include "watchdog.h"

int
wd_init(struct wd *w)
{
	memset(w, 0, sizeof(*w));
	w->procs = mem_get(PROCS_MAX * sizeof(*w->procs));
	w->prev = mem_get(PROCS_MAX * sizeof(*w->prev));
	w->val = mem_get(PROCS_MAX * sizeof(*w->val));
	w->hz = sysconf(_SC_CLK_TCK);
	w->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	if (w->hz <= 0)
		w->hz = 100;
	if (w->page_kb <= 0)
		w->page_kb = 4;
	return w->procs != NULL && w->prev != NULL && w->val != NULL ? 0 : -1;
}

void
wd_reset(struct wd *w)
{
	w->base = 0;
	w->over = 0;
	w->nprev = 0;
}

static int
prev_cmp(const void *a, const void *b)
{
	const struct wd_prev *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* CPU ticks P used since the last tick: all of them if P is new (or reused). */
static unsigned long long
delta(const struct wd *w, const struct pstat *p)
{
	unsigned long long t = p->utime + p->stime + p->cutime + p->cstime;
	struct wd_prev key = { p->pid, 0, 0 }, *hit;

	hit = bsearch(&key, w->prev, (size_t)w->nprev, sizeof(key), prev_cmp);
	if (hit == NULL || hit->start != p->start || hit->ticks > t)
		return t;
	return t - hit->ticks;
}

/* Name the TOP_MAX largest of VAL over the tree into BUF. */
static void
top(const struct pstat *p, const long long *val, int n, const char *unit,
    char *buf, size_t size)
{
	int used[TOP_MAX], k, i, best;
	size_t len = 0;

	buf[0] = '\0';
	for (k = 0; k < TOP_MAX && k < n; k++) {
		best = -1;
		for (i = 0; i < n; i++) {
			if ((k > 0 && i == used[0]) || (k > 1 && i == used[1]))
				continue;
			if (best < 0 || val[i] > val[best])
				best = i;
		}
		used[k] = best;
		len += fmt(buf + len, size - len, "%s%d:%s:%lld%s", k ? "," : "",
		    (int)p[best].pid, p[best].comm, val[best], unit);
	}
}

void
wd_tick(struct wd *w, const struct conf *c, pid_t root, pid_t skip,
    long long now, struct wd_verdict *v)
{
	long long *val = w->val;
	unsigned long long total = 0, d;
	struct pstat self;
	long long rss = 0, pss = 0, kb;
	int n, i;

	memset(v, 0, sizeof(*v));
	v->cpu_pct = -1;
	n = proc_tree(root, skip, w->procs, PROCS_MAX);
	if (n < 0)
		n = 0;
	v->nprocs = n;
	if (proc_stat(root, &self) == 0)
		total = self.cutime + self.cstime;
	for (i = 0; i < n; i++) {
		total += w->procs[i].utime + w->procs[i].stime +
		    w->procs[i].cutime + w->procs[i].cstime;
		rss += w->procs[i].rss * w->page_kb;
	}
	v->mem_mb = v->rss_mb = rss / 1024;

	if (w->base && now > w->at) {
		d = total > w->total ? total - w->total : 0;
		v->cpu_pct = (long long)(d * 100000ULL /
		    ((unsigned long long)w->hz * (unsigned long long)(now - w->at)));
	}
	if (c->max_cpu_pct > 0 && v->cpu_pct > c->max_cpu_pct) {
		if (++w->over >= c->cpu_breach_ticks) {
			for (i = 0; i < n; i++)
				val[i] = (long long)delta(w, &w->procs[i]) *
				    100000 / (w->hz * (now - w->at));
			v->kind = WD_CPU;
			top(w->procs, val, n, "%", v->top, sizeof(v->top));
		}
	} else
		w->over = 0;

	/* Summed RSS counts shared pages once per process: confirm with PSS. */
	if (v->kind == WD_NONE && c->max_mem_mb > 0 &&
	    v->mem_mb > c->max_mem_mb) {
		for (i = 0; i < n; i++) {
			kb = proc_pss(w->procs[i].pid);
			val[i] = (kb >= 0 ? kb : w->procs[i].rss * w->page_kb) / 1024;
			pss += kb >= 0 ? kb : w->procs[i].rss * w->page_kb;
		}
		v->mem_mb = pss / 1024;
		if (v->mem_mb > c->max_mem_mb) {
			v->kind = WD_MEM;
			top(w->procs, val, n, "MB", v->top, sizeof(v->top));
		}
	}

	for (i = 0; i < n; i++) {
		w->prev[i].pid = w->procs[i].pid;
		w->prev[i].start = w->procs[i].start;
		w->prev[i].ticks = w->procs[i].utime + w->procs[i].stime +
		    w->procs[i].cutime + w->procs[i].cstime;
	}
	w->nprev = n;
	w->total = total;
	w->at = now;
	w->base = 1;
}
