/* Reading /proc: one process's stat line, and walking init's descendants. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

int
proc_parse_stat(const char *s, struct pstat *p)
{
	const char *q;
	int n;

	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	q = strrchr(s, ')');
	if (q == NULL)
		return -1;
	memset(p, 0, sizeof(*p));
	n = sscanf(q + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %llu %llu %*d %*d %*d %*d %llu %*u %lld",
	    &p->state, &p->ppid, &p->utime, &p->stime, &p->cutime,
	    &p->cstime, &p->start, &p->rss);
	return n == 8 ? 0 : -1;
}

int
proc_stat(pid_t pid, struct pstat *p)
{
	char path[32], buf[1024];
	ssize_t n;
	int fd;

	fmt(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return proc_parse_stat(buf, p);
}

/* Whether PID descends from ROOT, following parent links. */
static int
descends(pid_t pid, pid_t root)
{
	struct pstat st;
	int depth;

	for (depth = 0; depth < 4096 && pid > 1; depth++) {
		if (proc_stat(pid, &st) < 0)
			return 0;
		if (st.ppid == root)
			return 1;
		pid = st.ppid;
	}
	return 0;
}

int
proc_kill_tree(pid_t root, int sig)
{
	struct dirent *d;
	DIR *dir;
	long long pid;
	int n = 0;

	dir = opendir("/proc");
	if (dir == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (num_parse(d->d_name, 2, 1LL << 30, &pid) != NULL ||
		    pid == root)
			continue;
		if (descends((pid_t)pid, root) && kill((pid_t)pid, sig) == 0)
			n++;
	}
	closedir(dir);
	return n;
}
