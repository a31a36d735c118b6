/* Shared helpers: error messages, checked number parsing, clocks, I/O. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bounds.h"
#include "util.h"

static void
vmsg(int with_errno, const char *f, va_list ap)
{
	char buf[EVENT_MAX];
	size_t n;
	int e = errno;

	memcpy(buf, "init: ", 6);
	n = 6 + vfmt(buf + 6, sizeof(buf) - 6, f, ap);
	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	if (with_errno)
		n += fmt(buf + n, sizeof(buf) - n, ": %s", strerror(e));
	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	write_all(2, buf, n);
	errno = e;
}

void
warn(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vmsg(1, f, ap);
	va_end(ap);
}

void
warnx(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vmsg(0, f, ap);
	va_end(ap);
}

void
die(int code, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vmsg(1, f, ap);
	va_end(ap);
	exit(code);
}

void
diex(int code, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vmsg(0, f, ap);
	va_end(ap);
	exit(code);
}

/* libc's strtoll brings its generic scanner (2.5 KB) for base 10 alone. */
long long
num_scan(const char *s, const char **end)
{
	const char *p = s;
	unsigned long long v = 0, lim, d;
	int neg, over = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9') {
		if (end != NULL)
			*end = s;
		return 0;
	}
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; *p >= '0' && *p <= '9'; p++) {
		d = (unsigned long long)(*p - '0');
		if (v > (lim - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (end != NULL)
		*end = p;
	if (over) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg && v > 0 ? -(long long)(v - 1) - 1 : (long long)v;
}

const char *
num_parse(const char *s, long long min, long long max, long long *out)
{
	const char *end;
	long long v;

	if (*s == '\0')
		return "is empty";
	if (*s != '-' && (*s < '0' || *s > '9'))
		return "is not a number";
	errno = 0;
	v = num_scan(s, &end);
	if (*end != '\0')
		return "is not a number";
	if (errno == ERANGE || v < min || v > max)
		return "is out of range";
	*out = v;
	return NULL;
}

const char *
secs_parse(const char *s, long long min_ms, long long max_ms, long long *out)
{
	long long whole = 0, frac = 0;
	int digits = 0, nfrac = 0;

	if (*s == '\0')
		return "is empty";
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (whole > max_ms / 1000)
			return "is out of range";
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++) {
			if (nfrac == 3)
				return "has more than 3 decimals (milliseconds)";
			frac = frac * 10 + (*s - '0');
		}
		if (nfrac == 0)
			return "is not a number of seconds";
	}
	if (*s != '\0' || digits == 0)
		return "is not a number of seconds";
	for (; nfrac < 3; nfrac++)
		frac *= 10;
	whole = whole * 1000 + frac;
	if (whole < min_ms || whole > max_ms)
		return "is out of range";
	*out = whole;
	return NULL;
}

long long
clock_offset(void)
{
	const char *v = getenv("INIT_TEST_TIME_OFFSET");
	long long off;

	if (v == NULL || num_parse(v, -1000000000LL, 1000000000LL, &off) != NULL)
		return 0;
	return off;
}

/*
 * The system call: musl's clock_gettime first looks for the vDSO's (1 KB
 * of ELF lookup) to save some 50 ns a call, and init reads the clock a few
 * times a wakeup, its log writer once a read of up to 64 KiB.
 */
void
clock_read(clockid_t id, struct timespec *ts)
{
	syscall(SYS_clock_gettime, id, ts);
}

long long
wall_secs(void)
{
	struct timespec ts;

	clock_read(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec;
}

void
wall_clock(struct timespec *ts, long long offset)
{
	clock_read(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)offset;
}

int
mkdirs(const char *dir, int mode)
{
	char path[PATH_MAX];
	char *p, c;

	if (fmt(path, sizeof(path), "%s", dir) >= sizeof(path) - 1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Each parent with 0755, at its '/'; the whole path with MODE. */
	for (p = path + 1;; p++) {
		if ((c = *p) != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(path, c == '/' ? 0755 : (mode_t)mode) < 0 &&
		    errno != EEXIST)
			return -1;
		if (c == '\0')
			return 0;
		*p = '/';
	}
}

ssize_t
read_text(const char *path, char *buf, size_t size)
{
	return read_text_at(AT_FDCWD, path, buf, size);
}

ssize_t
read_text_at(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd;

	fd = fd_open(dirfd, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	while ((size_t)got < size - 1) {
		n = read(fd, buf + got, size - 1 - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

/*
 * The system call: musl's nanosleep is its clock_nanosleep, a cancellation
 * point with a fallback for 32-bit time (0.2 KB).
 */
void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (syscall(SYS_nanosleep, &ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * The system calls: musl's mmap checks offsets and sizes that init never
 * passes and waits for other threads' unmaps (0.2 KB).  Its one fix-up
 * stays: a kernel may refuse an anonymous map with EPERM, which means
 * ENOMEM here.
 */
void *
mem_get(size_t size)
{
	long p = syscall(SYS_mmap, NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, (off_t)0);

	if (p == -1 && errno == EPERM)
		errno = ENOMEM;
	return p == -1 ? NULL : (void *)p;
}

void
mem_put(void *p, size_t size)
{
	if (p != NULL)
		syscall(SYS_munmap, p, size);
}

/*
 * musl's stat calls copy the kernel's struct stat field by field into its
 * own, which on x86-64 and aarch64 has the same layout, and work around
 * kernels before 3.6 through /proc (0.8 KB).
 */
int
fd_stat(int fd, struct stat *st)
{
	return (int)syscall(SYS_fstat, fd, st);
}

int
path_stat(const char *path, struct stat *st)
{
	return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, 0);
}

int
lstat_at(int dirfd, const char *name, struct stat *st)
{
	return (int)syscall(SYS_newfstatat, dirfd, name, st, AT_SYMLINK_NOFOLLOW);
}

/*
 * musl's fcntl special-cases F_GETOWN, F_DUPFD_CLOEXEC before Linux
 * 2.6.24 and F_SETLKW, and adds O_LARGEFILE to F_SETFL, which a 64-bit
 * kernel has on every file anyway (0.4 KB); init only sets flags, owners
 * and pipe sizes.
 */
int
fd_ctl(int fd, int cmd, long arg)
{
	return (int)syscall(SYS_fcntl, fd, cmd, arg);
}

/*
 * open and openat as the system call: musl's are variadic and add an
 * fcntl for O_CLOEXEC on kernels before 2.6.23.  MODE matters only with
 * O_CREAT.
 */
int
fd_open(int dirfd, const char *path, int flags, int mode)
{
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

/* Close *FD if it is open, and mark it closed. */
void
fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * pipe2 as the system call: musl's falls back to pipe and fcntl for
 * kernels before 2.6.27 (0.2 KB).
 */
int
fd_pipe(int p[2], int flags)
{
	return (int)syscall(SYS_pipe2, p, flags);
}

/* The kernel's record, read with getdents64: no opendir, no malloc. */
struct dent {
	unsigned long long	 ino;		/* 0: a deleted entry */
	/* cppcheck-suppress unusedStructMember ; the kernel's layout */
	long long		 off;
	unsigned short		 reclen;
	/* cppcheck-suppress unusedStructMember ; the kernel's layout */
	unsigned char		 type;
	char			 name[];
};

/* Whether NAME is "." or "..". */
static int
dots(const char *name)
{
	return name[0] == '.' && (name[1] == '\0' ||
	    (name[1] == '.' && name[2] == '\0'));
}

int
dir_each(int dirfd, void (*fn)(const char *, void *), void *arg)
{
	char buf[8192] __attribute__((aligned(8)));
	struct dent *d;
	long n, i;

	if (lseek(dirfd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i += d->reclen) {
			d = (struct dent *)(void *)(buf + i);
			if (d->ino != 0 && !dots(d->name))
				fn(d->name, arg);
		}
	return n < 0 ? -1 : 0;
}

/* libc's strstr is two-way search, 1.3 KB: the needles here are short. */
const char *
str_find(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncmp(s, w, n) == 0)
			return s;
	return n == 0 ? s : NULL;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* libc's strncasecmp and strcasecmp take a locale (0.3 KB) for ASCII. */
int
case_eq(const char *a, const char *b, size_t n)
{
	for (; n > 0 && lower((unsigned char)*a) == lower((unsigned char)*b);
	    n--, a++, b++)
		if (*a == '\0')
			return 1;
	return n == 0;
}

static void
swap(char *x, char *y, size_t size)
{
	char t;

	for (; size > 0; size--, x++, y++) {
		t = *x;
		*x = *y;
		*y = t;
	}
}

/*
 * Heapsort: a few lines where libc's qsort (smoothsort) is 2 KB; no
 * recursion, no allocation, O(N log N) for the watchdog's thousands.
 */
void
sort_array(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	char *a = base;
	size_t i, end, root, c;

	if (n < 2)
		return;
	/* N / 2 steps build the heap, then N - 1 move its top to the end. */
	for (i = n / 2 + n - 1; i > 0; i--) {
		root = i >= n ? i - n : 0;
		end = i >= n ? n : i;
		if (i < n)
			swap(a, a + i * size, size);
		while ((c = 2 * root + 1) < end) {
			if (c + 1 < end && cmp(a + c * size, a + (c + 1) * size) < 0)
				c++;
			if (cmp(a + root * size, a + c * size) >= 0)
				break;
			swap(a + root * size, a + c * size, size);
			root = c;
		}
	}
}

long long
now_ms(void)
{
	struct timespec ts;

	clock_read(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sysconf(_SC_OPEN_MAX) without the rest of sysconf (1 KB). */
long
fd_limit(void)
{
	struct rlimit rl;

	/* getrlimit(2) without musl's fallback for kernels before 2.6.36. */
	if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl) < 0 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 65536)
		return 65536;
	return (long)rl.rlim_cur;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Only what init's messages use, so that no printf of libc is linked: its
 * floating point alone is 10 KB, and on aarch64 it brings 13 KB more of
 * libgcc's 128-bit soft-float.
 */
size_t
vfmt(char *buf, size_t size, const char *f, va_list ap)
{
	char num[24], *d;
	const char *s;
	unsigned long long u;
	long long v;
	size_t n = 0, len;
	int left, zero, width, prec, lng, neg, pad, base;
	char c;

#define OUT(ch)	do { if (n + 1 < size) buf[n] = (ch); n++; } while (0)
	for (; *f != '\0'; f++) {
		if (*f != '%') {
			OUT(*f);
			continue;
		}
		left = zero = width = lng = neg = 0;
		prec = -1;
		for (f++; *f == '-' || *f == '0'; f++)
			if (*f == '-')
				left = 1;
			else
				zero = 1;
		if (*f == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			width = width * 10 + (*f - '0');
		if (*f == '.') {
			prec = 0;
			if (*++f == '*') {
				prec = va_arg(ap, int);
				f++;
			}
			for (; *f >= '0' && *f <= '9'; f++)
				prec = prec * 10 + (*f - '0');
		}
		/* z is l: size_t is an unsigned long on Linux. */
		for (; *f == 'l' || *f == 'z'; f++)
			lng++;
		c = *f;
		if (c == '\0')
			break;
		if (c == 's') {
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			len = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
			zero = 0;
		} else if (c == 'd' || c == 'i' || c == 'u' || c == 'x' ||
		    c == 'c') {
			/* One fetch for each size: an int as its unsigned. */
			u = lng == 0 ? va_arg(ap, unsigned) : lng == 1 ?
			    va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned long long);
			if (c == 'd' || c == 'i') {
				v = lng == 0 ? (int)u : lng == 1 ? (long)u :
				    (long long)u;
				neg = v < 0;
				u = neg ? 0 - (unsigned long long)v : u;
			}
			d = num + sizeof(num);
			base = c == 'x' ? 16 : 10;
			if (c == 'c') {
				*--d = (char)u;
				zero = 0;
			} else
				do {
					*--d = "0123456789abcdef"[u % (unsigned)base];
					u /= (unsigned)base;
				} while (u != 0);
			s = d;
			len = (size_t)(num + sizeof(num) - d);
		} else {
			/* %%, and anything the compiler's check let through. */
			OUT(c);
			continue;
		}
		pad = width - (int)len - neg;
		if (left)
			zero = 0;
		for (; !left && !zero && pad > 0; pad--)
			OUT(' ');
		if (neg)
			OUT('-');
		for (; zero && pad > 0; pad--)
			OUT('0');
		for (; len > 0; len--)
			OUT(*s++);
		for (; pad > 0; pad--)
			OUT(' ');
	}
#undef OUT
	if (size > 0)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}

size_t
fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	size_t n;

	if (size == 0)
		return 0;
	va_start(ap, f);
	n = vfmt(buf, size, f, ap);
	va_end(ap);
	return n < size ? n : size - 1;
}

void
say(const char *f, ...)
{
	char buf[4096];
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = vfmt(buf, sizeof(buf), f, ap);
	va_end(ap);
	if (n > 0)
		write_all(1, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}
