/*
 * Reading /proc: stat lines, PSS, and the processes below init.
 * Parsing is kept apart from I/O so it can be tested alone.  The tree is
 * walked through /proc/PID/task/TID/children, so a sample reads only the
 * tree's own files, not every process on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

/* Fields of /proc/PID/stat after comm, numbered as in proc(5) from 3. */
enum { F_STATE = 3, F_PPID = 4, F_PGRP = 5, F_UTIME = 14, F_STIME, F_CUTIME,
    F_CSTIME, F_THREADS = 20, F_START = 22, F_RSS = 24 };

int
proc_parse_stat(const char *s, struct pstat *p)
{
	const char *open, *close, *q;
	unsigned long long f[F_RSS + 1];
	size_t len;
	int field;

	memset(p, 0, sizeof(*p));
	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	open = strchr(s, '(');
	close = strrchr(s, ')');
	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return -1;
	p->pid = (pid_t)num_scan(s, NULL);
	len = (size_t)(close - open - 1);
	if (len >= sizeof(p->comm))
		len = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, len);
	p->state = close[2];
	q = close + 3;
	for (field = F_PPID; field <= F_RSS; field++) {
		if (*q != ' ' && field > F_PPID)
			return -1;
		q += strspn(q, " ");
		/* Signed fields (cutime may be too) only matter when >= 0. */
		f[field] = *q == '-' ? 0 : (unsigned long long)num_scan(q, NULL);
		q += strspn(q, "-");
		if (*q < '0' || *q > '9')
			return -1;
		q += strspn(q, "0123456789");
	}
	p->ppid = (pid_t)f[F_PPID];
	p->pgrp = (pid_t)f[F_PGRP];
	p->utime = f[F_UTIME];
	p->stime = f[F_STIME];
	p->cutime = f[F_CUTIME];
	p->cstime = f[F_CSTIME];
	p->threads = (long)f[F_THREADS];
	p->start = f[F_START];
	p->rss = (long long)f[F_RSS];
	return p->state != '\0' ? 0 : -1;
}

long long
proc_parse_pss(const char *s)
{
	long long sum = -1, kb;
	const char *p;

	for (p = s; (p = str_find(p, "\nPss:")) != NULL; p += 5) {
		kb = num_scan(p + 5, NULL);
		sum = (sum < 0 ? 0 : sum) + kb;
	}
	return sum;
}

int
proc_stat(pid_t pid, struct pstat *p)
{
	char path[32], buf[1024];

	fmt(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	return proc_parse_stat(buf, p);
}

long long
proc_pss(pid_t pid)
{
	char path[40], buf[2048];

	fmt(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	buf[0] = '\n';
	if (read_text(path, buf + 1, sizeof(buf) - 1) <= 0)
		return -1;
	return proc_parse_pss(buf);
}

static int
skipped(pid_t pid, const pid_t *skip, int nskip)
{
	int i;

	for (i = 0; i < nskip; i++)
		if (skip[i] == pid)
			return 1;
	return 0;
}

/*
 * Call FN(PID, ARG) for every pid in the children list at PATH, until it
 * returns nonzero; 0, or -1 if it cannot be opened.  The list may be long
 * (thousands of orphans): it is read in blocks, numbers split across two
 * blocks joined up.
 */
static int
each_child(const char *path, int (*fn)(pid_t, void *), void *arg)
{
	char buf[4096];
	ssize_t n, i;
	long long pid = 0;
	int fd, digits = 0;

	fd = fd_open(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
				digits++;
				continue;
			}
			if (digits > 0 && digits < 11 && fn((pid_t)pid, arg))
				goto done;
			pid = digits = 0;
		}
	if (digits > 0 && digits < 11)
		fn((pid_t)pid, arg);
done:
	close(fd);
	return 0;
}

/* each_child() of the children list of PID's main thread. */
static int
main_children(pid_t pid, int (*fn)(pid_t, void *), void *arg)
{
	char path[64];

	fmt(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
	    (int)pid);
	return each_child(path, fn, arg);
}

struct walk {
	struct pstat	*p;
	int		 n, max, parent;
	const pid_t	*skip;
	int		 nskip;
};

static int
add(pid_t pid, void *arg)
{
	struct walk *w = arg;

	if (w->n == w->max)
		return 1;
	if (skipped(pid, w->skip, w->nskip) || proc_stat(pid, &w->p[w->n]) < 0)
		return 0;
	w->p[w->n].parent = w->parent;
	w->p[w->n].svc = -1;
	w->n++;
	return 0;
}

struct tasks {
	struct walk	*w;
	pid_t		 pid;
};

static void
add_task(const char *name, void *arg)
{
	struct tasks *t = arg;
	char path[64];

	fmt(path, sizeof(path), "/proc/%d/task/%s/children", (int)t->pid, name);
	each_child(path, add, t->w);
}

/* The children of PID, which has THREADS threads: each may have forked. */
static int
children(struct walk *w, pid_t pid, long threads)
{
	struct tasks t = { w, pid };
	char path[64];
	int fd, r;

	if (threads <= 1)
		return main_children(pid, add, w);
	fmt(path, sizeof(path), "/proc/%d/task", (int)pid);
	fd = fd_open(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	r = dir_each(fd, add_task, &t);
	close(fd);
	return r;
}

int
proc_tree(pid_t root, const pid_t *skip, int nskip, struct pstat *p, int max)
{
	struct walk w = { p, 0, max, -1, skip, nskip };
	int i;

	if (children(&w, root, 1) < 0)
		return -1;
	/* Breadth first: P itself is the queue, parents before children. */
	for (i = 0; i < w.n; i++) {
		w.parent = i;
		children(&w, p[i].pid, p[i].threads);
	}
	return w.n;
}

struct count {
	const pid_t	*skip;
	int		 nskip, n;
};

/* Only "none" or "some" matters: stop at the first. */
static int
count_one(pid_t pid, void *arg)
{
	struct count *c = arg;

	if (!skipped(pid, c->skip, c->nskip))
		c->n++;
	return c->n > 0;
}

int
proc_children(pid_t root, const pid_t *skip, int nskip)
{
	struct count c = { skip, nskip, 0 };

	if (main_children(root, count_one, &c) < 0)
		return -1;
	return c.n > 0;
}

int
proc_alive(pid_t pid, unsigned long long start)
{
	struct pstat p;

	if (pid <= 0 || proc_stat(pid, &p) < 0 || p.state == 'Z' ||
	    p.state == 'X')
		return 0;
	return start == 0 || p.start == start;
}
