/*
 * Reading /proc: stat lines, PSS, and the processes below init.
 * Parsing is kept apart from I/O so it can be tested and fuzzed alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

/* Fields of /proc/PID/stat after comm, numbered as in proc(5) from 3. */
enum { F_STATE = 3, F_PPID = 4, F_UTIME = 14, F_STIME, F_CUTIME, F_CSTIME,
    F_START = 22, F_RSS = 24 };

int
proc_parse_stat(const char *s, struct pstat *p)
{
	const char *open, *close, *q;
	unsigned long long v;
	size_t len;
	int field;

	memset(p, 0, sizeof(*p));
	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	open = strchr(s, '(');
	close = strrchr(s, ')');
	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return -1;
	p->pid = (pid_t)strtol(s, NULL, 10);
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
		v = *q == '-' ? 0 : strtoull(q, NULL, 10);
		q += strspn(q, "-");
		if (*q < '0' || *q > '9')
			return -1;
		q += strspn(q, "0123456789");
		switch (field) {
		case F_PPID:	p->ppid = (pid_t)v; break;
		case F_UTIME:	p->utime = v; break;
		case F_STIME:	p->stime = v; break;
		case F_CUTIME:	p->cutime = v; break;
		case F_CSTIME:	p->cstime = v; break;
		case F_START:	p->start = v; break;
		case F_RSS:	p->rss = (long long)v; break;
		}
	}
	return p->state != '\0' ? 0 : -1;
}

long long
proc_parse_pss(const char *s)
{
	long long sum = -1, kb;
	const char *p;

	for (p = s; (p = strstr(p, "\nPss:")) != NULL; p += 5) {
		kb = strtoll(p + 5, NULL, 10);
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
by_pid(const void *a, const void *b)
{
	const struct pstat *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

struct scan {
	struct pstat	*p;
	int		 n, max;
	pid_t		 root, skip;
};

static void
scan_one(const char *name, void *arg)
{
	struct scan *sc = arg;
	long long pid;

	if (sc->n == sc->max || num_parse(name, 1, 1LL << 30, &pid) != NULL ||
	    pid == sc->root || pid == sc->skip)
		return;
	if (proc_stat((pid_t)pid, &sc->p[sc->n]) == 0)
		sc->n++;
}

/*
 * Every process whose parent chain reaches ROOT without passing SKIP.
 * Parents are looked up among the processes read in this same scan; a
 * process that vanished mid-scan just ends its chain.
 */
int
proc_tree(pid_t root, pid_t skip, struct pstat *p, int max)
{
	struct scan sc = { p, 0, max, root, skip };
	struct pstat key = { .pid = 0 }, *hit;
	int i, j, depth, fd;
	pid_t up;

	fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	dir_each(fd, scan_one, &sc);
	close(fd);
	qsort(p, (size_t)sc.n, sizeof(*p), by_pid);
	for (i = 0; i < sc.n; i++) {
		up = p[i].ppid;
		for (depth = 0; depth < 1024 && up != root; depth++) {
			key.pid = up;
			hit = up == skip ? NULL : bsearch(&key, p, (size_t)sc.n,
			    sizeof(*p), by_pid);
			if (hit == NULL)
				break;
			up = hit->ppid;
		}
		p[i].member = up == root;
	}
	for (i = 0, j = 0; i < sc.n; i++)
		if (p[i].member)
			p[j++] = p[i];
	return j;
}

int
proc_kill_tree(pid_t root, pid_t skip, int sig, struct pstat *p, int max)
{
	int n, i, sent = 0;

	n = proc_tree(root, skip, p, max);
	for (i = 0; i < n; i++)
		if (p[i].state != 'Z' && kill(p[i].pid, sig) == 0)
			sent++;
	return n < 0 ? -1 : sent;
}

int
proc_children(pid_t self, pid_t skip)
{
	char path[64], buf[256], *p;
	long long pid;
	ssize_t n;
	int fd, count = 0;

	fmt(path, sizeof(path), "/proc/%d/task/%d/children", (int)self,
	    (int)self);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Counting stops early: only "none" and "some" matter to callers. */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (p = strtok(buf, " \n"); p != NULL; p = strtok(NULL, " \n"))
		if (num_parse(p, 1, 1LL << 30, &pid) == NULL && pid != skip)
			count++;
	return count;
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
