/*
 * PID and state files in PID_DIR: written atomically, never followed.
 *
 * Writes go to a temp file made with O_EXCL|O_NOFOLLOW in the same
 * directory, then rename() over the name, so a reader never sees half a
 * file.  A symlink, a non-regular file or another user's file at one of
 * our paths is refused, not followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"
#include "pidfile.h"
#include "proc.h"
#include "util.h"

int
pid_dir(const char *dir, int create, const char **why)
{
	struct stat st;
	int fd;

	if (create && mkdirs(dir, 0755) < 0) {
		*why = "cannot create it";
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*why = errno == ELOOP || errno == ENOTDIR ?
		    "is a symlink or not a directory" : "cannot open it";
		return -1;
	}
	if (fstat(fd, &st) < 0 || (st.st_uid != geteuid() && st.st_uid != 0)) {
		*why = "is owned by another user";
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Refuse what is at DIRFD/PATH unless it is absent or our regular file. */
static int
check(int dirfd, const char *path)
{
	struct stat st;

	if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if (st.st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int
pid_write(int dirfd, const char *name, const char *suffix, const char *text)
{
	char path[NAME_MAX_LEN + 32], tmp[NAME_MAX_LEN + 48];
	int fd, e;

	fmt(path, sizeof(path), "%s.%s", name, suffix);
	fmt(tmp, sizeof(tmp), ".%s.%s.%d", name, suffix, (int)getpid());
	if (check(dirfd, path) < 0)
		return -1;
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) < 0 || close(fd) < 0 ||
	    renameat(dirfd, tmp, dirfd, path) < 0) {
		e = errno;
		unlinkat(dirfd, tmp, 0);
		errno = e;
		return -1;
	}
	return 0;
}

int
pid_read(int dirfd, const char *name, const char *suffix, char *buf,
    size_t size)
{
	char path[NAME_MAX_LEN + 32];
	ssize_t n;
	int fd;

	fmt(path, sizeof(path), "%s.%s", name, suffix);
	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || check(dirfd, path) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

void
pid_remove(int dirfd, const char *name)
{
	static const char *const sfx[] = { PF_SUPERVISOR, PF_CHILD, PF_STATE };
	char path[NAME_MAX_LEN + 32];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		fmt(path, sizeof(path), "%s.%s", name, sfx[i]);
		if (check(dirfd, path) == 0)
			unlinkat(dirfd, path, 0);
	}
}

const char *
pid_field(const char *text, const char *key, char *buf, size_t size)
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

/* Whether PID runs the same executable as we do. */
static int
same_exe(pid_t pid)
{
	char a[40], ours[PATH_MAX], theirs[PATH_MAX];
	ssize_t n, m;

	fmt(a, sizeof(a), "/proc/%d/exe", (int)pid);
	n = readlink(a, theirs, sizeof(theirs) - 1);
	m = readlink("/proc/self/exe", ours, sizeof(ours) - 1);
	if (n <= 0 || m <= 0)
		return 0;
	return n == m && memcmp(ours, theirs, (size_t)n) == 0;
}

pid_t
pid_owner(int dirfd, const char *name, pid_t *stale)
{
	char buf[4096], v[32];
	long long pid, start = 0;

	*stale = 0;
	if (pid_read(dirfd, name, PF_SUPERVISOR, buf, sizeof(buf)) < 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	if (num_parse(buf, 1, INT_MAX, &pid) != NULL)
		return 0;
	/* A PID file left by an earlier container whose PID 1 we now are. */
	if (pid == getpid()) {
		*stale = (pid_t)pid;
		return 0;
	}
	if (pid_read(dirfd, name, PF_STATE, buf, sizeof(buf)) == 0 &&
	    pid_field(buf, "supervisor_start_ticks", v, sizeof(v)) != NULL)
		num_parse(v, 0, LLONG_MAX, &start);
	if (proc_alive((pid_t)pid, (unsigned long long)start) &&
	    (start != 0 || same_exe((pid_t)pid)))
		return (pid_t)pid;
	*stale = (pid_t)pid;
	return 0;
}
