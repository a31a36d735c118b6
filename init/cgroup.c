/*
 * The container's own cgroup v2 counters.
 *
 * Used only when all of these hold: init is PID 1; /proc/self/cgroup says
 * "0::/" (the root of its cgroup namespace: a container's own cgroup);
 * a cgroup2 file system is mounted with that root; and that directory is
 * not the host's root cgroup (only non-root cgroups have cgroup.events).
 * Under `unshare --pid` alone the namespace is the host's, and its
 * counters would be the whole machine's: they are not used then.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

long long
cg_field(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL)
		if (strncmp(p, key, len) == 0 && p[len] == ' ')
			return num_scan(p + len + 1, NULL);
	return -1;
}

/* The mount point of a cgroup2 file system showing root "/", into BUF. */
static int
mountpoint(char *buf, size_t size)
{
	static char info[64 * 1024];
	const char *line, *end, *sep, *p;
	size_t len;
	int i;

	if (read_text("/proc/self/mountinfo", info, sizeof(info)) <= 0)
		return -1;
	for (line = info; (end = strchr(line, '\n')) != NULL; line = end + 1) {
		sep = str_find(line, " - cgroup2 ");
		if (sep == NULL || sep > end)
			continue;
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ...: fields 4 and 5. */
		for (p = line, i = 0; i < 3; i++) {
			p += strcspn(p, " \n");
			p += strspn(p, " ");
		}
		if (strncmp(p, "/ ", 2) != 0)
			continue;
		p += 2;
		len = strcspn(p, " \n");
		if (len == 0 || len >= size)
			continue;
		memcpy(buf, p, len);
		buf[len] = '\0';
		return 0;
	}
	return -1;
}

int
cg_open(struct cg *c)
{
	char text[4096], mnt[256];

	c->dirfd = -1;
	c->mem = 0;
	/* After a newline, so that the first line starts with one too. */
	text[0] = '\n';
	if (getpid() != 1 || read_text("/proc/self/cgroup", text + 1,
	    sizeof(text) - 1) <= 0)
		return -1;
	/* The v2 line, "0::PATH": PATH "/" is the namespace's own root. */
	if (str_find(text, "\n0::/\n") == NULL)
		return -1;
	if (mountpoint(mnt, sizeof(mnt)) < 0)
		return -1;
	c->dirfd = fd_open(AT_FDCWD, mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
	    0);
	if (c->dirfd < 0)
		return -1;
	/*
	 * faccessat with no flags is the system call; musl's faccessat also
	 * carries a forking AT_EACCESS check (600 bytes).
	 */
	if (syscall(SYS_faccessat, c->dirfd, "cgroup.events", F_OK) < 0 ||
	    cg_cpu_usec(c) < 0) {
		close(c->dirfd);
		c->dirfd = -1;
		return -1;
	}
	c->mem = syscall(SYS_faccessat, c->dirfd, "memory.current", R_OK) == 0;
	return 0;
}

long long
cg_cpu_usec(const struct cg *c)
{
	char buf[1024];

	if (read_text_at(c->dirfd, "cpu.stat", buf, sizeof(buf)) <= 0)
		return -1;
	return cg_field(buf, "usage_usec");
}

long long
cg_mem_kb(const struct cg *c)
{
	char buf[4096];
	long long cur, inactive;

	if (!c->mem || read_text_at(c->dirfd, "memory.current", buf,
	    sizeof(buf)) <= 0)
		return -1;
	cur = num_scan(buf, NULL);
	/* As the kubelet's working set: page cache it may drop does not count. */
	inactive = read_text_at(c->dirfd, "memory.stat", buf,
	    sizeof(buf)) > 0 ? cg_field(buf, "inactive_file") : -1;
	if (inactive > 0 && inactive < cur)
		cur -= inactive;
	return cur / 1024;
}
