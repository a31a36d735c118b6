/*
 * The container's own cgroup v2 counters: CPU (cpu.stat) and memory
 * (memory.current), read when init is PID 1 at the root of its own
 * cgroup namespace, so a watchdog tick costs two small reads instead of
 * one /proc read per process, and counts what no process tree shows
 * (children reaped by the kernel when their parent ignores SIGCHLD).
 */
#ifndef CGROUP_H
#define CGROUP_H

struct cg {
	int	 dirfd;		/* the cgroup's directory, or -1 */
	int	 mem;		/* memory.current is there */
};

/* Find init's own cgroup; 0 if its counters can be used, else -1. */
int	cg_open(struct cg *);
/* CPU used by the whole cgroup, in microseconds; -1 if unreadable. */
long long cg_cpu_usec(const struct cg *);
/* Memory in use, less inactive page cache, in kB; -1 if not there. */
long long cg_mem_kb(const struct cg *);
/* Value of KEY in TEXT of "key value" lines (cpu.stat, memory.stat); or -1. */
long long cg_field(const char *, const char *);

#endif
