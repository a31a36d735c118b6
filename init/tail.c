/*
 * `init tail`: the last lines of the day's log file, and following it.
 * A scratch image has no tail(1); memory stays bounded however large the
 * file: it is read backwards in small blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "logfile.h"
#include "status.h"
#include "tail.h"
#include "util.h"

#define BLOCK	4096

/*
 * Offset where the last N lines of FD (SIZE bytes) start.  pread(2) as the
 * system call (the offset in one register on x86-64 and aarch64): musl's
 * only makes it a cancellation point.
 */
static off_t
last_lines(int fd, off_t size, long long n)
{
	char buf[BLOCK];
	off_t pos = size;
	ssize_t got, i;
	long long seen = 0;

	while (pos > 0) {
		got = pos < BLOCK ? (ssize_t)pos : BLOCK;
		pos -= got;
		if (syscall(SYS_pread64, fd, buf, (size_t)got, pos) != got)
			return 0;
		for (i = got - 1; i >= 0; i--) {
			/* The newline ending the file ends no line of ours. */
			if (buf[i] != '\n' || pos + i == size - 1)
				continue;
			if (++seen > n - 1 + (n == 0))
				return pos + i + 1;
		}
	}
	return 0;
}

/* Copy FD from its offset to the end onto stdout; -1 if stdout failed. */
static int
copy(int fd)
{
	char buf[BLOCK * 4];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write_all(1, buf, (size_t)n) < 0)
			return -1;
	return 0;
}

static int
exists(int dirfd, const char *fname)
{
	struct stat st;

	return lstat_at(dirfd, fname, &st) == 0;
}

/* Open FNAME for tail; the fd, or -1 after saying why not. */
static int
open_log(const struct conf *c, int dirfd, const char *fname)
{
	const char *why;
	int fd;

	fd = lf_open(dirfd, fname, 0, &why);
	if (fd < 0)
		warnx("tail: %s/%s: %s", c->log_dir, fname,
		    why != NULL ? why : strerror(errno));
	return fd;
}

int
tail_run(const struct confset *cs, const char *svc, long long n, int follow)
{
	char name[LF_NAME_SIZE], next[LF_NAME_SIZE];
	long long offset = clock_offset();
	const struct conf *c = &cs->svc[0];
	struct stat st;
	int dirfd, fd;

	if (svc != NULL) {
		if ((c = st_service(cs, "tail", svc)) == NULL)
			return 2;
	} else if (cs->multi) {
		warnx("tail: there are %d services: name the one to show", cs->n);
		return 2;
	}
	if (c->log_dir[0] == '\0') {
		warnx("tail: LOG_DIR is not set in %s: there are no log files",
		    c->path);
		return 2;
	}
	dirfd = fd_open(AT_FDCWD, c->log_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC, 0);
	if (dirfd < 0) {
		warn("tail: %s", c->log_dir);
		return 1;
	}
	lf_name(c->name, lf_today(offset), name, sizeof(name));
	if (!exists(dirfd, name) &&
	    lf_newest(dirfd, c->name, name, sizeof(name)) < 0) {
		warnx("tail: no log file for %s in %s yet", c->name, c->log_dir);
		return 1;
	}
	/* Never a blocking open: a FIFO here must not hang tail. */
	if ((fd = open_log(c, dirfd, name)) < 0 || fd_stat(fd, &st) < 0)
		return 1;
	lseek(fd, last_lines(fd, st.st_size, n), SEEK_SET);
	if (n > 0 && copy(fd) < 0)
		return 1;
	if (n == 0)
		lseek(fd, 0, SEEK_END);
	while (follow) {
		sleep_ms(200);
		if (copy(fd) < 0)
			return 1;
		if (fd_stat(fd, &st) == 0 && st.st_size < lseek(fd, 0, SEEK_CUR))
			lseek(fd, 0, SEEK_SET);	/* truncated */
		lf_name(c->name, lf_today(offset), next, sizeof(next));
		/* Rotated, or removed and re-created by the log writer. */
		if ((strcmp(next, name) != 0 || st.st_nlink == 0) &&
		    exists(dirfd, next)) {
			/* Finish the old file, then start the new one. */
			if (copy(fd) < 0)
				return 1;
			close(fd);
			memcpy(name, next, sizeof(name));
			if ((fd = open_log(c, dirfd, name)) < 0)
				return 1;
		}
	}
	return 0;
}
