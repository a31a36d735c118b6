/*
 * The lock, PID and state files in PID_DIR.
 *
 * A supervisor holds an exclusive flock on NAME.lock for its whole life:
 * two `init start` of the same NAME at the same moment cannot both run,
 * and a client knows a supervisor is alive when it cannot take the lock
 * itself.  The lock file stays when init exits (removing it would race
 * with the next one opening it).  Other files are written to a temp file
 * made with O_EXCL|O_NOFOLLOW in the same directory, then renamed, so a
 * reader never sees half a file.  A symlink, a non-regular file or
 * another user's file at one of our paths is refused, not followed, and
 * the checks are made on the descriptor that is then used.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "proc.h"
#include "state.h"
#include "supervise.h"
#include "util.h"

const char st_pid_refused[] = "cannot write the PID file";

int
st_dir(const char *dir, int create, const char **why)
{
	struct stat st;
	int fd;

	if (create && mkdirs(dir, 0755) < 0) {
		*why = "cannot create it";
		return -1;
	}
	fd = fd_open(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC, 0);
	if (fd < 0) {
		*why = errno == ELOOP || errno == ENOTDIR ?
		    "is a symlink or not a directory" : "cannot open it";
		return -1;
	}
	if (fd_stat(fd, &st) < 0 || (st.st_uid != geteuid() && st.st_uid != 0)) {
		*why = "is owned by another user";
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Refuse ST unless it is a regular file of ours (a symlink: ELOOP). */
static int
ours(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		errno = S_ISLNK(st->st_mode) ? ELOOP : EINVAL;
	else if (st->st_uid != geteuid())
		errno = EPERM;
	else
		return 0;
	return -1;
}

/* Refuse what is at DIRFD/PATH unless it is absent or our regular file. */
static int
check(int dirfd, const char *path)
{
	struct stat st;

	if (lstat_at(dirfd, path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return ours(&st);
}

static const char *
path(char *buf, size_t size, const char *name, const char *suffix)
{
	fmt(buf, size, "%s.%s", name, suffix);
	return buf;
}

/* Open DIRFD/NAME.SUFFIX with FLAGS: never through a symlink, nor blocking. */
static int
open_at(int dirfd, const char *name, const char *suffix, int flags)
{
	char p[NAME_MAX_LEN + 32];

	return fd_open(dirfd, path(p, sizeof(p), name, suffix), flags |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
}

int
st_write(struct statefiles *f, const char *suffix, const char *text)
{
	char p[NAME_MAX_LEN + 32], tmp[NAME_MAX_LEN + 48];
	int fd, e;

	if (f->dirfd < 0)
		return 0;
	path(p, sizeof(p), f->name, suffix);
	fmt(tmp, sizeof(tmp), ".%s.%d", p, (int)getpid());
	if (check(f->dirfd, p) < 0)
		return -1;
	unlinkat(f->dirfd, tmp, 0);
	fd = fd_open(f->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) < 0 || close(fd) < 0 ||
	    renameat(f->dirfd, tmp, f->dirfd, p) < 0) {
		e = errno;
		unlinkat(f->dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	return 0;
}

void
st_unlink(struct statefiles *f, const char *suffix)
{
	char p[NAME_MAX_LEN + 32];

	if (f->dirfd >= 0 && check(f->dirfd, path(p, sizeof(p), f->name,
	    suffix)) == 0)
		unlinkat(f->dirfd, p, 0);
}

int
st_read(int dirfd, const char *name, const char *suffix, char *buf,
    size_t size)
{
	struct stat st, dst;
	ssize_t n;
	size_t got = 0;
	int fd, e;

	fd = open_at(dirfd, name, suffix, O_RDONLY);
	if (fd < 0)
		return -1;
	/*
	 * The file read is the file checked: no window for a swap.  Ours,
	 * root's, or the directory owner's (a client of another user reads
	 * what the supervisor wrote).
	 */
	if (fd_stat(dirfd, &dst) < 0 || fd_stat(fd, &st) < 0)
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = EINVAL;
	else if (st.st_uid != geteuid() && st.st_uid != 0 &&
	    st.st_uid != dst.st_uid)
		e = EPERM;
	else
		e = 0;
	if (e != 0) {
		close(fd);
		errno = e;
		return -1;
	}
	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return 0;
}

/* Whether another process holds DIRFD/NAME.lock; -1 if there is none. */
static int
locked(int dirfd, const char *name)
{
	int fd, r;

	fd = open_at(dirfd, name, PF_LOCK, O_RDONLY);
	if (fd < 0)
		return -1;
	r = syscall(SYS_flock, fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return r;
}

/*
 * Whether PID runs the same executable as we do.  readlink(2) as the
 * system call: musl's adds only a case for a size of 0.
 */
static int
same_exe(pid_t pid)
{
	char a[40], mine[PATH_MAX], theirs[PATH_MAX];
	ssize_t n, m;

	fmt(a, sizeof(a), "/proc/%d/exe", (int)pid);
	n = syscall(SYS_readlinkat, AT_FDCWD, a, theirs, sizeof(theirs) - 1);
	m = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", mine,
	    sizeof(mine) - 1);
	if (n <= 0 || m <= 0)
		return 0;
	return n == m && memcmp(mine, theirs, (size_t)n) == 0;
}

/* The PID in DIRFD/NAME's PID file; 0 if none or not a PID. */
static pid_t
pid_file(int dirfd, const char *name)
{
	char buf[4096];
	long long pid;

	if (st_read(dirfd, name, PF_SUPERVISOR, buf, sizeof(buf)) < 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	return num_parse(buf, 1, INT_MAX, &pid) == NULL ? (pid_t)pid : 0;
}

pid_t
st_owner(int dirfd, const char *name, pid_t *stale)
{
	char buf[4096], v[32];
	long long start = 0;
	pid_t pid;
	int held;

	*stale = 0;
	held = locked(dirfd, name);
	if ((pid = pid_file(dirfd, name)) == 0)
		return 0;
	if (st_read(dirfd, name, PF_STATE, buf, sizeof(buf)) == 0 &&
	    st_field(buf, "supervisor_start_ticks", v, sizeof(v)) != NULL)
		num_parse(v, 0, LLONG_MAX, &start);
	/*
	 * The lock is held, but PID names another process here: the
	 * supervisor runs in another PID namespace (PID 1 of a container,
	 * seen from the host).  Its number means nothing in ours.
	 */
	if (held == 1 && start != 0 && proc_alive(getpid(), 0) &&
	    !proc_alive(pid, (unsigned long long)start))
		return -1;
	if (held == 1)
		return pid;
	/* Nobody holds the lock: whatever the number names, it is stale. */
	if (held == 0) {
		*stale = pid;
		return 0;
	}
	/* No lock file (removed by hand): judge by the process itself. */
	if (pid != getpid() && proc_alive(pid,
	    (unsigned long long)start) && (start != 0 || same_exe(pid)))
		return pid;
	*stale = pid;
	return 0;
}

int
st_claim(struct statefiles *f, const char *dir, const char *name,
    const char **why, pid_t *owner)
{
	char num[32];
	struct stat st;
	pid_t stale;
	int e;

	*owner = 0;
	f->dir = dir;
	f->name = name;
	f->lockfd = -1;
	f->dirfd = st_dir(dir, 1, why);
	if (f->dirfd < 0)
		return 0;
	f->lockfd = open_at(f->dirfd, name, PF_LOCK, O_RDWR | O_CREAT);
	if (f->lockfd < 0 || fd_stat(f->lockfd, &st) < 0 || ours(&st) < 0) {
		*why = errno == ELOOP ? "the lock file is a symlink" :
		    "cannot use the lock file";
		goto lost;
	}
	if (syscall(SYS_flock, f->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			*owner = st_owner(f->dirfd, name, &stale);
			close(f->lockfd);
			close(f->dirfd);
			f->lockfd = f->dirfd = -1;
			return -1;
		}
		*why = "cannot lock the lock file";
		goto lost;
	}
	/* We hold the lock: a PID file still there was left behind. */
	f->stale = pid_file(f->dirfd, name);
	if (f->stale == getpid())
		f->stale = 0;
	/* An old run's state would pair its start time with our PID. */
	st_unlink(f, PF_STATE);
	fmt(num, sizeof(num), "%d\n", (int)getpid());
	if (st_write(f, PF_SUPERVISOR, num) < 0) {
		*why = st_pid_refused;
		goto lost;
	}
	return 0;
lost:
	e = errno;
	if (f->lockfd >= 0)
		close(f->lockfd);
	close(f->dirfd);
	errno = e;
	f->lockfd = f->dirfd = -1;
	return 0;
}

void
st_release(struct statefiles *f)
{
	if (f->dirfd < 0)
		return;
	st_unlink(f, PF_SUPERVISOR);
	st_unlink(f, PF_CHILD);
	st_unlink(f, PF_STATE);
	close(f->dirfd);
	f->dirfd = -1;
	fd_close(&f->lockfd);
}

const char *
st_field(const char *text, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = text;

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, "\n");
			if (n >= size)
				n = size - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}

/*
 * The state file: init's lines, then each service's, "svc.N.KEY=value".
 * With one service its keys are also given without the prefix, as they
 * always were (state, child_pid, restarts, last_exit_*, ...).
 */
struct out {
	char	*buf;
	size_t	 len, size;
	int	 cut;		/* something did not fit */
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *f, ...)
{
	va_list ap;
	size_t r;

	if (o->cut)
		return;
	va_start(ap, f);
	r = vfmt(o->buf + o->len, o->size - o->len, f, ap);
	va_end(ap);
	if (r >= o->size - o->len) {
		o->cut = 1;
		o->buf[o->len] = '\0';
		return;
	}
	o->len += r;
}

static const char *
phase_state(const struct sv *sv)
{
	const struct service *s = &sv->svc[0];

	if (sv->phase == PH_DRAIN || sv->phase == PH_EXIT)
		return "draining";
	if (sv->phase != PH_RUN)
		return "stopping";
	/* Several: running.  One: its own state, and running once forked. */
	if (sv->n > 1 || s->state == SS_STARTING)
		return "running";
	return svc_state_name(s);
}

static void
service_lines(struct out *o, const struct sv *sv, const struct service *s,
    const char *pre)
{
	char b[16];

	put(o, "%sname=%s\n%sstate=%s\n%sready=%d\n%schild_pid=%d\n"
	    "%schild_start=%lld\n%srestarts=%lu\n", pre, s->c->name, pre,
	    *pre ? svc_state_name(s) : phase_state(sv), pre, s->ready, pre,
	    (int)s->pid, pre, s->pid > 0 ? s->start_wall : 0, pre, s->restarts);
	if (s->ran && s->last_sig != 0)
		put(o, "%slast_exit_signal=%s\n", pre,
		    sig_name(s->last_sig, b, sizeof(b)));
	else if (s->ran)
		put(o, "%slast_exit_code=%d\n", pre, s->last_code);
	if (s->ran)
		put(o, "%slast_exit_status=%d\n%slast_exit_reason=%s\n", pre,
		    s->last_status, pre, s->last_reason);
	if (s->state == SS_DONE)
		put(o, "%sdone=%s\n", pre, s->done_why == DONE_SUCCESS ?
		    "success" : s->done_why == DONE_GAVE_UP ? "gave_up" :
		    s->done_why == DONE_STOPPED ? "stopped" : "exited");
	put(o, "%scritical=%d\n%sheld_down=%d\n", pre, s->c->critical, pre,
	    s->held_down);
	if (s->c->probe != PROBE_NONE_KIND)
		put(o, "%shealth=%s\n%shealth_ok=%d\n%shealth_at=%lld\n"
		    "%shealth_ms=%lld\n%shealth_output=%s\n", pre,
		    health_name(s->health), pre, s->probe_ok == 1, pre,
		    s->probe_wall, pre, s->probe_ms, pre, s->probe_msg);
}

void
st_save(struct sv *sv)
{
	static char text[(SERVICES_MAX + 1) * (PATH_MAX + 2048)] BSS_LAST;
	struct out o = { text, 0, sizeof(text), 0 };
	struct statefiles *f = &sv->st;
	char pre[32], num[32];
	int i, r;

	if (f->dirfd < 0)
		return;
	put(&o, "name=%s\nsupervisor_pid=%d\nsupervisor_start=%lld\n"
	    "supervisor_start_ticks=%llu\nlog_writer_pid=%d\nconfig=%s\n"
	    "services=%d\nctl_done=%u\nupdated=%lld\n", sv->top->name,
	    (int)sv->self, sv->wall_start, sv->start_ticks, (int)sv->lp.writer,
	    sv->top->path != NULL ? sv->top->path : "-", sv->n, sv->ctl_last,
	    wall_secs());
	if (sv->n == 1)
		service_lines(&o, sv, &sv->svc[0], "");
	else
		put(&o, "state=%s\n", phase_state(sv));
	for (i = 0; i < sv->n; i++) {
		fmt(pre, sizeof(pre), "svc.%d.", i);
		service_lines(&o, sv, &sv->svc[i], pre);
	}
	/* Sized for every field at its longest: a cut means a bug. */
	r = o.cut ? (errno = EOVERFLOW, -1) : st_write(f, PF_STATE, text);
	if (r == 0 && sv->n == 1 && sv->svc[0].pid > 0) {
		fmt(num, sizeof(num), "%d\n", (int)sv->svc[0].pid);
		r = st_write(f, PF_CHILD, num);
	} else if (r == 0)
		st_unlink(f, PF_CHILD);
	if (r < 0 && !f->warned) {
		f->warned = 1;
		sv_log(sv, NULL, LV_WARN, "state_file_failed dir=%s error=%s",
		    f->dir, strerror(errno));
	}
}
