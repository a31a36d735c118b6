/* Shared helpers: error messages, checked number parsing, clocks, I/O. */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct stat;

/* Print "init: MSG: strerror(errno)" on stderr. */
void	warn(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Print "init: MSG" on stderr. */
void	warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* warn(), then exit with CODE. */
void	die(int, const char *, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* warnx(), then exit with CODE. */
void	diex(int, const char *, ...) __attribute__((noreturn, format(printf, 2, 3)));

/*
 * The decimal number at S as strtoll(S, END, 10) reads it: blanks, a sign,
 * digits; out of range, LLONG_MIN or LLONG_MAX and errno ERANGE.
 */
long long num_scan(const char *, const char **);
/* Parse a whole decimal integer in [min, max]; NULL on success, else why not. */
const char *num_parse(const char *, long long, long long, long long *);
/* Parse seconds with up to 3 decimals into milliseconds; as num_parse. */
const char *secs_parse(const char *, long long, long long, long long *);

/*
 * Seconds to add to the wall clock: INIT_TEST_TIME_OFFSET, a test-only
 * knob to cross midnight without waiting for it; 0 when unset.
 */
long long clock_offset(void);
/* clock_gettime(2) of clock ID into TS. */
void	clock_read(clockid_t, struct timespec *);
/* time(NULL): the wall clock in whole seconds. */
long long wall_secs(void);
/* The wall clock shifted by OFFSET seconds. */
void	wall_clock(struct timespec *, long long);
/* mkdir -p with MODE for the last component; 0, or -1 with errno. */
int	mkdirs(const char *, int);

/* Zeroed memory straight from the kernel (PID 1 keeps no heap); or NULL. */
void	*mem_get(size_t);
/* Give back what mem_get() returned. */
void	 mem_put(void *, size_t);
/* Call FN(NAME, ARG) for each entry of directory DIRFD; 0, or -1. */
int	 dir_each(int, void (*)(const char *, void *), void *);

/*
 * fstat(FD, ST), stat(PATH, ST) and fstatat(DIRFD, NAME, ST,
 * AT_SYMLINK_NOFOLLOW) as the system calls; 0, or -1 with errno.
 */
int	fd_stat(int, struct stat *);
int	path_stat(const char *, struct stat *);
int	lstat_at(int, const char *, struct stat *);

/*
 * fcntl(FD, CMD, ARG) as the system call, for the commands that take a
 * number; the result, or -1 with errno.
 */
int	fd_ctl(int, int, long);
/* openat(2) (AT_FDCWD: open) and pipe2(2) as the system calls. */
int	fd_open(int, const char *, int, int);
int	fd_pipe(int [2], int);
/* Close *FD if it is open (>= 0), and set it to -1. */
void	fd_close(int *);

/* Read up to SIZE-1 bytes of file PATH into BUF, NUL-terminated; the length, or -1. */
ssize_t	read_text(const char *, char *, size_t);
/* read_text() of PATH relative to directory DIRFD. */
ssize_t	read_text_at(int, const char *, char *, size_t);
/* Sleep MS milliseconds, resuming after interruptions (clients only). */
void	sleep_ms(long);

/* The first W in S, as strstr(S, W) finds it; or NULL. */
const char *str_find(const char *, const char *);
/*
 * Whether the first N bytes of A and B, or both up to their end, are
 * alike with ASCII case ignored: strncasecmp(A, B, N) == 0; an N of
 * (size_t)-1 compares whole strings, as strcasecmp(A, B) == 0.
 */
int	case_eq(const char *, const char *, size_t);
/* Sort N items of SIZE bytes at BASE by CMP, as qsort does (not stable). */
void	sort_array(void *, size_t, size_t, int (*)(const void *, const void *));

/*
 * fork() for a program of one thread without atfork handlers: musl's
 * fork() is _Fork() and, once a thread was ever created, the locking for
 * the others (1.5 KB).  init links neither pthread_create nor
 * pthread_atfork.  glibc (the sanitizer build: ASan intercepts fork)
 * keeps fork().
 */
#ifdef __GLIBC__
#define fork_one()	fork()
#else
#define fork_one()	_Fork()
#endif

/* Monotonic clock in milliseconds. */
long long now_ms(void);

/* One past the highest fd to close: the soft RLIMIT_NOFILE, 65536 at most. */
long	fd_limit(void);

/* write(2) all of BUF, retrying on EINTR and short writes; 0 or -1. */
int	write_all(int, const void *, size_t);

/* printf to stdout (a client's output); lines longer than 4 KiB are cut. */
void	say(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * vsnprintf for what init uses: flags '-' and '0', a width and a precision
 * (digits or '*'; the precision only cuts %s), lengths l, ll and z, and
 * %d %i %u %x %c %s %%; a NULL %s is "(null)".  Returns the whole length,
 * as vsnprintf does; SIZE 0 stores nothing.
 */
size_t	vfmt(char *, size_t, const char *, va_list)
	    __attribute__((format(printf, 3, 0)));
/* snprintf that never overflows and returns the length actually stored. */
size_t	fmt(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));

#endif
