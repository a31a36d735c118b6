/*
 * Log file naming and rotation: NAME-YYYY-MM-DD.log (UTC), day math,
 * matching our own files, pruning and a safe open.  Shared by the log
 * writer and `init tail`.
 */
#ifndef LOGFILE_H
#define LOGFILE_H

#include <stddef.h>

#include "bounds.h"

/* Length of "YYYY-MM-DD". */
#define LF_DATE_LEN	10
/* Room for "NAME-YYYY-MM-DD.log" and its NUL. */
#define LF_NAME_SIZE	(NAME_MAX_LEN + 32)

/* Days since 1970-01-01 of the civil date Y-M-D (proleptic Gregorian). */
long long lf_days(long long, int, int);
/* "YYYY-MM-DD" of DAY into BUF (at least 11 bytes); its length. */
size_t	lf_date(long long, char *, size_t);
/* The day of the valid date "YYYY-MM-DD" at S (more may follow), or -1. */
long long lf_day(const char *);
/* "NAME-YYYY-MM-DD.log" for DAY into BUF; its length. */
size_t	lf_name(const char *, long long, char *, size_t);
/* The day of file FNAME if it is one of NAME's "NAME-YYYY-MM-DD.log"; else -1. */
long long lf_match(const char *, const char *);
/* Day number of the epoch millisecond MS (days since 1970-01-01). */
long long lf_day_of_ms(long long);
/* The wall clock shifted by OFFSET seconds, in epoch milliseconds. */
long long lf_now(long long);
/* Today by the wall clock shifted by OFFSET seconds. */
long long lf_today(long long);

/*
 * Open FNAME in DIRFD without blocking and without following a symlink
 * there: for appending (created 0640, ours: a regular file we own) if
 * WRITE, else for reading (a regular file).  The fd, or -1 with errno;
 * then *WHY names a refusal errno cannot (NULL otherwise).
 */
int	lf_open(int, const char *, int, const char **);
/*
 * Open directory DIR (not a symlink), creating it 0750 (parents 0755)
 * if CREATE; the fd, or -1 with errno.
 */
int	lf_dir(const char *, int);
/* Delete NAME's files in DIRFD of day TODAY - KEEP or older; nothing else. */
void	lf_prune(int, const char *, long long, long long);
/* The newest of NAME's files in DIRFD into BUF; its day, or -1 if none. */
long long lf_newest(int, const char *, char *, size_t);

#endif
