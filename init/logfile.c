/*
 * Log file naming and rotation, shared by the log writer and `init tail`.
 *
 * Dates are computed, not looked up with gmtime(): the same code names a
 * file, parses a name back and compares days, so a name and its day always
 * round-trip (the unit tests check every day of four centuries).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "logfile.h"
#include "util.h"

/* Howard Hinnant's days_from_civil. */
long long
lf_days(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Its inverse, civil_from_days. */
static void
civil(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

size_t
lf_date(long long day, char *buf, size_t size)
{
	long long y;
	int m, d;

	civil(day, &y, &m, &d);
	return fmt(buf, size, "%04lld-%02d-%02d", y, m, d);
}

long long
lf_day(const char *s)
{
	long long day;
	char back[16];
	int i, n = 0, v[3] = { 0, 0, 0 };

	/* Year, month and day, each digits only, between the two dashes. */
	for (i = 0; i < LF_DATE_LEN; i++)
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
			n++;
		} else if (s[i] >= '0' && s[i] <= '9')
			v[n] = v[n] * 10 + (s[i] - '0');
		else
			return -1;
	/*
	 * 2026-02-30 or 2026-13-01 is not a day: only a date that
	 * round-trips is (a month or day out of range names another date).
	 */
	day = lf_days(v[0], v[1], v[2]);
	lf_date(day, back, sizeof(back));
	return strncmp(back, s, LF_DATE_LEN) == 0 ? day : -1;
}

size_t
lf_name(const char *name, long long day, char *buf, size_t size)
{
	char date[16];

	lf_date(day, date, sizeof(date));
	return fmt(buf, size, "%s-%s.log", name, date);
}

long long
lf_match(const char *name, const char *fname)
{
	size_t nlen = strlen(name);
	long long day;

	if (strncmp(fname, name, nlen) != 0 || fname[nlen] != '-')
		return -1;
	/* A date stops at the NUL of a shorter name; then ".log" and no more. */
	day = lf_day(fname + nlen + 1);
	return day >= 0 && strcmp(fname + nlen + 1 + LF_DATE_LEN, ".log") == 0 ?
	    day : -1;
}

long long
lf_day_of_ms(long long ms)
{
	long long day = ms / 86400000;

	return ms < 0 && ms % 86400000 != 0 ? day - 1 : day;
}

long long
lf_now(long long offset)
{
	struct timespec ts;

	wall_clock(&ts, offset);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
lf_today(long long offset)
{
	return lf_day_of_ms(lf_now(offset));
}

int
lf_open(int dirfd, const char *fname, int write, const char **why)
{
	struct stat st;
	int fd, e;

	*why = NULL;
	/* O_NONBLOCK: a FIFO planted here must not hang us. */
	fd = fd_open(dirfd, fname, (write ? O_WRONLY | O_APPEND | O_CREAT |
	    O_NOFOLLOW : O_RDONLY) | O_NONBLOCK | O_CLOEXEC, 0640);
	if (fd < 0) {
		e = errno;
		if (lstat_at(dirfd, fname, &st) == 0) {
			if (S_ISLNK(st.st_mode))
				*why = "is a symbolic link";
			else if (!S_ISREG(st.st_mode))
				*why = "is not a regular file";
		}
		errno = e;
		return -1;
	}
	if (fd_stat(fd, &st) < 0)
		e = errno;
	else if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		*why = "is not a regular file";
	} else if (write && st.st_uid != geteuid()) {
		e = EPERM;
		*why = "is owned by another user";
	} else
		return fd;
	close(fd);
	errno = e;
	return -1;
}

int
lf_dir(const char *dir, int create)
{
	if (create && mkdirs(dir, 0750) < 0)
		return -1;
	return fd_open(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC, 0);
}

struct prune {
	int		 dirfd;
	const char	*name;
	long long	 last;		/* newest day to delete */
};

static void
prune_one(const char *fname, void *arg)
{
	struct prune *pr = arg;
	struct stat st;
	long long day;

	day = lf_match(pr->name, fname);
	if (day >= 0 && day <= pr->last &&
	    lstat_at(pr->dirfd, fname, &st) == 0 &&
	    S_ISREG(st.st_mode))
		unlinkat(pr->dirfd, fname, 0);
}

void
lf_prune(int dirfd, const char *name, long long today, long long keep)
{
	struct prune pr = { dirfd, name, today - keep };

	if (keep > 0)
		dir_each(dirfd, prune_one, &pr);
}

struct newest {
	const char	*name;
	long long	 best;
	char		*buf;
	size_t		 size;
};

static void
newest_one(const char *fname, void *arg)
{
	struct newest *nw = arg;
	long long day = lf_match(nw->name, fname);

	if (day > nw->best) {
		nw->best = day;
		fmt(nw->buf, nw->size, "%s", fname);
	}
}

long long
lf_newest(int dirfd, const char *name, char *buf, size_t size)
{
	struct newest nw = { name, -1, buf, size };

	dir_each(dirfd, newest_one, &nw);
	return nw.best;
}
