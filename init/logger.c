/*
 * The log writer: a small process that owns blocking log I/O for PID 1.
 *
 * PID 1 creates the pipes once and holds both ends across worker and log
 * writer restarts (runit's svlogd model), so no line is lost when either
 * dies.  This process, forked from init, reads the child's stdout and
 * stderr and PID 1's event records; it copies child bytes unchanged to its
 * own stdout/stderr and appends every line, with timestamp and stream, to
 * LOG_DIR/NAME-YYYY-MM-DD.log.  If stdout blocks, this process blocks and
 * the child is back-pressured through its pipe; PID 1 never waits.
 * When the child exits, PID 1 sends a flush record before "child_exited";
 * this process then drains the child's pipes, so all the child wrote
 * comes out before its exit is reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "logger.h"
#include "util.h"

#define FILEBUF		(64 * 1024)	/* file lines batched per write */
#define DRAIN_MAX	64		/* reads per pipe before an event */

struct stream {
	int		 fd;		/* read end */
	int		 out;		/* 1 or 2: where its bytes go */
	int		 eof;
	const char	*name;		/* "out" or "err" */
	long long	 prefix_ms;	/* when prefix was made */
	size_t		 prefix_len;
	char		 prefix[NAME_MAX_LEN + 128];
	size_t		 len;
	char		 line[LOG_LINE_MAX];
};

struct lw {
	const struct conf	*c;
	struct log		 log;		/* formats our own events */
	struct stream		 s[2];
	int			 evfd, ev_eof, evout;
	size_t			 evlen;
	char			 ev[EVENT_MAX + 2];
	int			 dirfd, fd;	/* LOG_DIR and the day's file */
	long long		 day;
	int			 broken;	/* the file is failing */
	long long		 retry;		/* when to try it again (ms) */
	unsigned long		 missed, pending;	/* lines */
	int			 dead[3];	/* fd 1/2 write failed */
	size_t			 flen;
	char			 fbuf[FILEBUF];
	char			 rbuf[LOG_READ_MAX];
	char			 tmp[LOG_LINE_MAX * 6 + 512];
};

int
logger_pipes(struct lpipes *p)
{
	int i, fds[2];

	for (i = 0; i < LG_N; i++)
		p->rd[i] = p->wr[i] = -1;
	for (i = 0; i < LG_N; i++) {
		if (pipe2(fds, O_CLOEXEC) < 0) {
			logger_close(p);
			return -1;
		}
		p->rd[i] = fds[0];
		p->wr[i] = fds[1];
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
	}
	fcntl(p->wr[LG_EV], F_SETFL, O_NONBLOCK);
	return 0;
}

void
logger_close(struct lpipes *p)
{
	int i;

	for (i = 0; i < LG_N; i++) {
		if (p->rd[i] >= 0)
			close(p->rd[i]);
		if (p->wr[i] >= 0)
			close(p->wr[i]);
		p->rd[i] = p->wr[i] = -1;
	}
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long
days(long long y, long long m, long long d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long long
logger_day(const char *s)
{
	int i;

	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	return days(strtol(s, NULL, 10), strtol(s + 5, NULL, 10),
	    strtol(s + 8, NULL, 10));
}

long long
logger_match(const struct conf *c, const char *name)
{
	size_t nlen = strlen(c->name);

	if (strncmp(name, c->name, nlen) != 0 || name[nlen] != '-' ||
	    strlen(name + nlen) != 15 || strcmp(name + nlen + 11, ".log") != 0)
		return -1;
	return logger_day(name + nlen + 1);
}

size_t
logger_file(const struct conf *c, long long day, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)(day * 86400);

	gmtime_r(&t, &tm);
	return fmt(buf, size, "%s-%04d-%02d-%02d.log", c->name,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Write to fd 1 or 2 unless it failed before (nobody reads it any more). */
static void
pass(struct lw *w, int fd, const char *buf, size_t len)
{
	if (!w->dead[fd] && write_all(fd, buf, len) < 0)
		w->dead[fd] = 1;
}

/* Our own event, to the events output (and the file unless TOFILE is 0). */
static void file_put(struct lw *, const char *, size_t, long long);

static void
own_event(struct lw *w, int level, const char *event, const struct field *f,
    int fd, int tofile)
{
	char buf[EVENT_MAX];
	size_t n;

	n = log_format(&w->log, level, event, f, buf, sizeof(buf));
	pass(w, fd, buf, n);
	if (tofile)
		file_put(w, buf, n, -1);
}

struct prune {
	struct lw	*w;
	long long	 today;
};

static void
prune_one(const char *name, void *arg)
{
	struct prune *pr = arg;
	struct lw *w = pr->w;
	struct stat st;
	long long day;

	day = logger_match(w->c, name);
	if (day >= 0 && day <= pr->today - w->c->log_keep_days &&
	    fstatat(w->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		unlinkat(w->dirfd, name, 0);
}

/* Delete our own files older than LOG_KEEP_DAYS; nothing else. */
static void
prune(struct lw *w, long long today)
{
	struct prune pr = { w, today };

	if (w->c->log_keep_days > 0)
		dir_each(w->dirfd, prune_one, &pr);
}

/* Open DAY's file; 0, or -1 with errno. */
static int
open_day(struct lw *w, long long day)
{
	char name[NAME_MAX_LEN + 32];
	struct stat st;

	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->dirfd < 0) {
		if (mkdirs(w->c->log_dir, 0750) < 0)
			return -1;
		w->dirfd = open(w->c->log_dir, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (w->dirfd < 0)
			return -1;
	}
	logger_file(w->c, day, name, sizeof(name));
	/* O_NONBLOCK: a FIFO planted here must not hang us. */
	w->fd = openat(w->dirfd, name, O_WRONLY | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640);
	if (w->fd < 0)
		return -1;
	if (fstat(w->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		close(w->fd);
		w->fd = -1;
		errno = S_ISREG(st.st_mode) ? EPERM : EINVAL;
		return -1;
	}
	if (day != w->day)
		prune(w, day);
	w->day = day;
	return 0;
}

static void
fail(struct lw *w, int err)
{
	char name[NAME_MAX_LEN + 32];

	w->missed += w->pending;
	w->pending = 0;
	w->flen = 0;
	w->retry = now_ms() + 1000;
	if (w->broken)
		return;
	w->broken = 1;
	logger_file(w->c, w->day, name, sizeof(name));
	/* Warned once, on stderr; lines keep flowing to stdout/stderr. */
	own_event(w, LV_WARN, "log_file_failed", (struct field[]){
	    FS("dir", w->c->log_dir), FS("file", name),
	    FS("error", strerror(err)), FEND }, 2, 0);
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (err != ENOSPC && w->dirfd >= 0) {
		close(w->dirfd);
		w->dirfd = -1;
	}
}

static void
flush_file(struct lw *w)
{
	unsigned long missed;

	if (w->flen == 0)
		return;
	if (w->fd < 0 || write_all(w->fd, w->fbuf, w->flen) < 0) {
		fail(w, w->fd < 0 ? EBADF : errno);
		return;
	}
	w->flen = 0;
	w->pending = 0;
	if (w->broken) {
		w->broken = 0;
		missed = w->missed;
		w->missed = 0;
		own_event(w, LV_INFO, "log_file_recovered", (struct field[]){
		    FN("missed_lines", missed), FEND }, w->evout, 1);
		/* Now, not later: this may be the last flush before exit. */
		flush_file(w);
	}
}

/* Queue one whole line for DAY's file (DAY < 0: today by the clock). */
static void
file_put(struct lw *w, const char *line, size_t len, long long day)
{
	struct timespec ts;

	if (day < 0) {
		wall_clock(&ts, w->log.offset);
		day = ts.tv_sec / 86400;
	}
	if (w->broken && now_ms() < w->retry) {
		w->missed++;
		return;
	}
	/* A line never spans two files: flush before the day changes. */
	if (day != w->day || w->fd < 0) {
		flush_file(w);
		if (open_day(w, day) < 0) {
			w->pending++;
			fail(w, errno);
			return;
		}
	}
	if (w->flen + len > sizeof(w->fbuf))
		flush_file(w);
	if (len > sizeof(w->fbuf)) {
		w->pending++;
		fail(w, E2BIG);
		return;
	}
	memcpy(w->fbuf + w->flen, line, len);
	w->flen += len;
	w->pending++;
}

/*
 * The start of a file line for stream S up to the opening quote of the
 * line text, rebuilt only when the millisecond changes: formatting a
 * timestamp per line would cost more than the rest of the line.
 */
static size_t
line_prefix(struct lw *w, struct stream *s, long long *day)
{
	struct timespec ts;
	long long ms;
	char t[40];

	wall_clock(&ts, w->log.offset);
	ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	*day = ts.tv_sec / 86400;
	if (ms == s->prefix_ms)
		return s->prefix_len;
	s->prefix_ms = ms;
	log_time(&ts, t, sizeof(t));
	if (w->c->log_format == FMT_JSON)
		s->prefix_len = fmt(s->prefix, sizeof(s->prefix), "{\"ts\":\"%s\","
		    "\"level\":\"info\",\"name\":\"%s\",\"stream\":\"%s\","
		    "\"line\":\"", t, w->c->name, s->name);
	else
		s->prefix_len = fmt(s->prefix, sizeof(s->prefix), "ts=%s "
		    "level=info name=%s stream=%s line=\"", t, w->c->name,
		    s->name);
	return s->prefix_len;
}

/* One line of the child's stream S (PARTIAL: no newline seen). */
static void
child_line(struct lw *w, struct stream *s, int partial)
{
	static const char *const ends[2][2] = {
		{ "\"\n", "\" partial=true\n" },
		{ "\"}\n", "\",\"partial\":true}\n" },
	};
	const char *end = ends[w->c->log_format == FMT_JSON][partial];
	long long day;
	size_t n;

	n = line_prefix(w, s, &day);
	memcpy(w->tmp, s->prefix, n);
	n += log_escape(s->line, s->len, w->tmp + n, sizeof(w->tmp) - n - 32);
	memcpy(w->tmp + n, end, strlen(end));
	n += strlen(end);
	file_put(w, w->tmp, n, day);
	s->len = 0;
}

static void
child_bytes(struct lw *w, struct stream *s, const char *p, size_t n)
{
	const char *nl;
	size_t take;

	pass(w, s->out, p, n);
	while (n > 0) {
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) : n;
		if (take > sizeof(s->line) - s->len)
			take = sizeof(s->line) - s->len;
		memcpy(s->line + s->len, p, take);
		s->len += take;
		p += take;
		n -= take;
		if (n > 0 && *p == '\n') {
			child_line(w, s, 0);
			p++;
			n--;
		} else if (s->len == sizeof(s->line))
			child_line(w, s, 1);
	}
}

/* Read S once; 0 if there may be more, -1 if it is empty or closed. */
static int
read_stream(struct lw *w, struct stream *s)
{
	ssize_t n;

	if (s->eof)
		return -1;
	n = read(s->fd, w->rbuf, sizeof(w->rbuf));
	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0)
		return -1;
	if (n == 0) {
		s->eof = 1;
		return -1;
	}
	child_bytes(w, s, w->rbuf, (size_t)n);
	return 0;
}

static void
flush_partials(struct lw *w)
{
	int i;

	for (i = 0; i < 2; i++)
		if (w->s[i].len > 0)
			child_line(w, &w->s[i], 1);
}

static void
record(struct lw *w, const char *r, size_t len)
{
	long long day = -1;
	int i, k;

	if (r[0] == LOG_REC_FLUSH) {
		/* The child is gone: all it wrote goes before its exit event. */
		for (i = 0; i < 2; i++)
			for (k = 0; k < DRAIN_MAX &&
			    read_stream(w, &w->s[i]) == 0; k++)
				;
		flush_partials(w);
		return;
	}
	if (r[0] != LOG_REC_EVENT)
		return;
	r++;
	len--;
	pass(w, w->evout, r, len);
	/* The file is picked by the event's own date, as for child lines. */
	if (strncmp(r, "ts=", 3) == 0)
		day = logger_day(r + 3);
	else if (strncmp(r, "{\"ts\":\"", 7) == 0)
		day = logger_day(r + 7);
	file_put(w, r, len, day);
}

static void
read_events(struct lw *w)
{
	char *nl;
	ssize_t n;
	size_t used;

	n = read(w->evfd, w->ev + w->evlen, sizeof(w->ev) - w->evlen);
	if (n == 0)
		w->ev_eof = 1;
	if (n <= 0)
		return;
	w->evlen += (size_t)n;
	used = 0;
	while ((nl = memchr(w->ev + used, '\n', w->evlen - used)) != NULL) {
		record(w, w->ev + used, (size_t)(nl - (w->ev + used)) + 1);
		used = (size_t)(nl - w->ev) + 1;
	}
	memmove(w->ev, w->ev + used, w->evlen - used);
	w->evlen -= used;
	if (w->evlen == sizeof(w->ev))
		w->evlen = 0;	/* no record is this long: resynchronise */
}

static void __attribute__((noreturn))
run(struct lw *w)
{
	struct pollfd p[3];
	int n, i;

	while (!(w->s[0].eof && w->s[1].eof && w->ev_eof)) {
		n = 0;
		if (!w->ev_eof)
			p[n++] = (struct pollfd){ w->evfd, POLLIN, 0 };
		for (i = 0; i < 2; i++)
			if (!w->s[i].eof)
				p[n++] = (struct pollfd){ w->s[i].fd, POLLIN, 0 };
		if (poll(p, (nfds_t)n, w->flen > 0 ? 0 : -1) == 0) {
			flush_file(w);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (p[i].revents == 0)
				continue;
			if (p[i].fd == w->evfd)
				read_events(w);
			else
				read_stream(w, p[i].fd == w->s[0].fd ?
				    &w->s[0] : &w->s[1]);
		}
	}
	flush_partials(w);
	flush_file(w);
	_exit(0);
}

pid_t
logger_start(const struct conf *c, struct lpipes *lp, int events_fd)
{
	static struct lw w;	/* in the forked process only: large buffers */
	pid_t pid;
	int i;

	pid = fork();
	if (pid != 0)
		return pid;
	/* Only PID 1 and the child may hold write ends: EOF means all gone. */
	for (i = 0; i < LG_N; i++)
		close(lp->wr[i]);
	memset(&w, 0, sizeof(w));
	w.c = c;
	log_init(&w.log, c, 2, 0);
	w.s[0] = (struct stream){ .fd = lp->rd[LG_OUT], .out = 1, .name = "out" };
	w.s[1] = (struct stream){ .fd = lp->rd[LG_ERR], .out = 2, .name = "err" };
	w.evfd = lp->rd[LG_EV];
	w.evout = events_fd;
	w.dirfd = w.fd = -1;
	w.day = -1;
	run(&w);
}
