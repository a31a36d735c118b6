/*
 * The log writer: a process forked from PID 1 that owns all blocking log
 * I/O, so that PID 1 never waits on a disk or a reader.
 *
 * It reads the services' stdout and stderr pipes and PID 1's record pipe.
 * Every byte a service writes goes on, unchanged and in order, to init's
 * stdout or stderr ("pass-through"), and every line, stamped, to the
 * service's daily file; init's events go to stderr and to the file too.
 *
 * Ordering is by construction: records are taken before the streams in
 * each round; an F record ("its main process exited") holds the records
 * after it until the service's pipes are drained of what they held then;
 * every line is stamped when it is written, with max(now, last stamp),
 * so each file is in time order.
 *
 * Pass-through is line-exact: a stream that wrote an unfinished line to
 * fd 1 or 2 owns that fd until its newline; other writers (streams,
 * events) wait without reading on, so memory stays bounded and the
 * children are back-pressured.  If the owner's line stays unfinished for
 * HOLD_MS while others wait, or its service has exited, a single "\n"
 * ends it.  Nothing is added when nobody waits.
 *
 * Files get whole lines only: a short write is cut back to the last
 * newline (ftruncate), what could not be written is counted and reported
 * once the file works again.  A file removed while open is noticed after
 * the write (st_nlink == 0), re-created and the batch written again.
 *
 * Memory: one mmap'd region sized at start from the number of streams;
 * nothing else, whatever the children write.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "logfile.h"
#include "logwriter.h"
#include "sig.h"
#include "util.h"

#define RETRY_MS	1000	/* a failing file or output is tried again after */
#define HOLD_MS		1000	/* an unfinished line keeps its fd while others wait */
#define IOVS		64	/* pieces in one writev of prefixed lines */
#define SEGS		64	/* runs of lines for distinct files in one batch */
#define HEAD_MAX	(NAME_MAX_LEN * 6 + 160)
#define LINE_MIN	1024	/* a line part is never shorter */

enum { SK_OK, SK_AGAIN, SK_RETRY, SK_DEAD };	/* what an output fd does */
#define NOBODY	(-1)	/* no writer */
#define EVENTS	(-2)	/* the event queue, as a writer to fd 2 */

struct sink {			/* fd 1 or 2, shared by streams and events */
	int		 fd;
	int		 state;		/* SK_* */
	long long	 retry;		/* SK_RETRY: next try (ms) */
	int		 warned;	/* failed since it last worked */
	int		 owner;		/* stream with an unfinished line on it */
	long long	 since;		/* that line is unfinished since (ms) */
	long long	 waiting;	/* another writer waits since (ms), or 0 */
	int		 pwho;		/* whose bytes are in pend */
	size_t		 poff, plen;
	char		*pend;		/* taken from a writer, not yet written */
};

struct stream {			/* the writer's side of one lw_stream */
	const struct lw_stream *cf;
	int		 sink;		/* index in sinks */
	int		 eof;
	int		 waits;		/* has data, but another writer has the fd */
	int		 exited;	/* nothing more will come for now */
	int		 bol;		/* its pass-through is at a line start */
	size_t		 pfxoff;	/* bytes of its prefix already written */
	size_t		 pfxlen;
	char		 pfx[NAME_MAX_LEN + 4];
	size_t		 drain;		/* bytes an F record wants read */
	long long	 head_ms;	/* head is for this stamp, or -1 */
	size_t		 headlen;
	char		 head[HEAD_MAX];
	size_t		 len;		/* of its unfinished line */
	char		*line;		/* linecap bytes */
};

struct file {			/* the writer's side of one lw_file */
	const struct lw_file *cf;
	int		 dirfd, fd;
	long long	 day;		/* of fd, or -1 */
	dev_t		 dev;
	ino_t		 ino;
	long long	 checked;	/* last look at its path (ms) */
	int		 broken;	/* failing: warned, lines counted */
	long long	 retry;		/* next try (ms) */
	unsigned long long missed;	/* lines lost since it broke */
	/* Said once the batch is out (an event now would join the batch). */
	int		 recovered;
	int		 failed;
	long long	 fail_day;
	const char	*fail_why;	/* its error */
};

struct seg {			/* a run of whole lines in the batch */
	int		 file;
	long long	 day;
	size_t		 off, len;
	unsigned long	 lines;
};

struct lw {
	const struct lw_config *cf;
	struct stream	*s;
	struct file	*f;
	struct sink	 k[2];		/* fd 1's, fd 2's (the same if they share) */
	int		 sink_of[3];	/* fd -> index in k */
	int		 nsinks;
	size_t		 linecap;	/* longest line part */
	long long	 now;		/* monotonic ms of this round */
	long long	 stamp;		/* last stamp given (epoch ms) */
	int		 ev_eof, ev_ready;
	int		 barrier;	/* service whose F record waits, or -1 */
	size_t		 rlen, rused;	/* of rec: read, and records taken */
	char		 rec[LOG_REC_MAX * 2];
	size_t		 qlen;		/* stamped events waiting for fd 2 */
	char		*q;
	size_t		 blen;		/* the batch of file lines */
	int		 nseg;
	struct seg	 seg[SEGS];
	char		*batch;
	char		*rbuf;
	struct pollfd	*pfd;
	int		*pwho;
	/* own_event()'s fields, used up before its line goes anywhere. */
	struct log_event ev;
};

/* ---- records ------------------------------------------------------------ */

size_t
lw_rec_event(int svc, const char *body, size_t blen, char *buf, size_t size)
{
	size_t n;

	n = svc < 0 ? fmt(buf, size, "%c- ", LW_REC_EVENT) :
	    fmt(buf, size, "%c%d ", LW_REC_EVENT, svc);
	return log_append(buf, n, size, body, blen);
}

size_t
lw_rec_flush(int svc, char *buf, size_t size)
{
	return fmt(buf, size, "%c%d\n", LW_REC_FLUSH, svc);
}

int
lw_rec_parse(const char *r, size_t len, int *kind, int *svc,
    const char **body, size_t *blen)
{
	size_t i = 1;
	int n = 0;

	if (len < 3 || r[len - 1] != '\n' ||
	    (r[0] != LW_REC_EVENT && r[0] != LW_REC_FLUSH))
		return -1;
	*kind = r[0];
	if (r[1] == '-' && r[0] == LW_REC_EVENT) {
		n = -1;
		i = 2;
	} else
		for (; i < len && i < 4 && r[i] >= '0' && r[i] <= '9'; i++)
			n = n * 10 + (r[i] - '0');
	if (i == 1 || n >= LW_SVC_MAX)
		return -1;
	*svc = n;
	if (*kind == LW_REC_FLUSH)
		return i == len - 1 ? 0 : -1;
	if (r[i] != ' ')
		return -1;
	*body = r + i + 1;
	*blen = len - i - 2;
	return 0;
}

int
lw_cut(const char *p, size_t n, size_t have, size_t cap, size_t *take)
{
	size_t room = cap - have;
	const char *nl;

	/* One byte past the room: a newline there still ends a whole line. */
	nl = memchr(p, '\n', n < room + 1 ? n : room + 1);
	if (nl != NULL) {
		*take = (size_t)(nl - p);
		return LW_LINE;
	}
	if (n <= room) {
		*take = n;
		return LW_MORE;
	}
	*take = room;
	return LW_PART;
}

/* ---- stamps and our own events ----------------------------------------- */

/* The stamp for a line written now: never earlier than the last one. */
static long long
stamp(struct lw *w)
{
	long long ms = lf_now(w->cf->offset);

	if (ms > w->stamp)
		w->stamp = ms;
	return w->stamp;
}

static char	*file_room(struct lw *, int, long long, size_t);
static void	 file_commit(struct lw *, size_t);

/*
 * A stamped event line BODY to fd 2 (queued) and to file FI (if >= 0);
 * the stderr copy is dropped only if the queue is full, which records
 * avoid by waiting (see records()).
 */
static void
emit(struct lw *w, int fi, const char *body, size_t blen)
{
	long long ms = stamp(w);
	char line[LOG_EVENT_MAX], *p;
	size_t n;

	n = log_stamp(ms, body, blen, line, sizeof(line));
	if (fi >= 0 && (p = file_room(w, fi, lf_day_of_ms(ms), n)) != NULL) {
		memcpy(p, line, n);
		file_commit(w, n);
	} else if (fi >= 0)
		w->f[fi].missed++;
	if (w->k[w->sink_of[2]].state != SK_DEAD &&
	    w->qlen + n <= LOG_QUEUE_MAX) {
		memcpy(w->q + w->qlen, line, n);
		w->qlen += n;
	}
}

/*
 * An event of the log writer's own about file ABOUT (its name and format;
 * -1: supervisor-wide), to stderr and to file DEST (-1: none), from a
 * descriptor and its values (see LOG_DESC).  No value is floating-point:
 * no vector registers saved for va_arg.
 */
static void __attribute__((target("general-regs-only"))) LOG_DESC(5)
own_event(struct lw *w, int about, int dest, int level, const char *desc,
    ...)
{
	const struct lw_config *cf = w->cf;
	char body[LOG_BODY_MAX + 1];
	const char *name, *event;
	va_list ap;
	size_t n;

	va_start(ap, desc);
	event = log_fields(&w->ev, desc, ap);
	va_end(ap);
	if (about < 0)
		about = cf->global_file;
	name = about >= 0 ? cf->files[about].name :
	    cf->nstreams > 0 ? cf->streams[0].name : "init";
	n = log_body(about >= 0 ? cf->files[about].format : FMT_TEXT, level,
	    name, event, w->ev.f, body, sizeof(body));
	emit(w, dest, body, n);
}

/* ---- files --------------------------------------------------------------- */

static void
file_close(struct file *f, int dir_too)
{
	fd_close(&f->fd);
	if (dir_too)
		fd_close(&f->dirfd);
}

/* Whether F's path no longer leads to its open file (moved, replaced). */
static int
moved(struct file *f)
{
	char name[LF_NAME_SIZE];
	struct stat a, b;

	lf_name(f->cf->name, f->day, name, sizeof(name));
	return path_stat(f->cf->dir, &a) < 0 || fd_stat(f->dirfd, &b) < 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino ||
	    lstat_at(f->dirfd, name, &a) < 0 ||
	    a.st_dev != f->dev || a.st_ino != f->ino;
}

/* Make F's open file DAY's, (re)creating what is missing; 0, or -1 with errno and *WHY. */
static int
file_open(struct lw *w, struct file *f, long long day, const char **why)
{
	char name[LF_NAME_SIZE];
	struct stat st;
	long long was = f->day;
	int tries;

	*why = NULL;
	if (f->fd >= 0 && f->day == day) {
		if (w->now - f->checked < RETRY_MS)
			return 0;
		f->checked = w->now;
		if (!moved(f))
			return 0;
		file_close(f, 1);
	}
	file_close(f, 0);
	lf_name(f->cf->name, day, name, sizeof(name));
	/* Twice: a directory removed since we opened it is made again. */
	for (tries = 0; tries < 2; tries++) {
		if (f->dirfd < 0 && (f->dirfd = lf_dir(f->cf->dir, 1)) < 0)
			return -1;
		f->fd = lf_open(f->dirfd, name, 1, why);
		if (f->fd >= 0 || errno != ENOENT)
			break;
		file_close(f, 1);
	}
	if (f->fd < 0 || fd_stat(f->fd, &st) < 0)
		return -1;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->day = day;
	f->checked = w->now;
	/* Retention runs when a new day's file is opened (and at start). */
	if (day != was)
		lf_prune(f->dirfd, f->cf->name, day, f->cf->keep_days);
	return 0;
}

/* File F failed with ERR (or WHY) for DAY's file; LINES more were lost. */
static void
file_fail(struct lw *w, struct file *f, long long day, int err,
    const char *why, unsigned long lines)
{
	f->missed += lines;
	f->retry = w->now + RETRY_MS;
	/* ENOSPC passes; anything else may be the directory's doing. */
	file_close(f, err != ENOSPC);
	if (f->broken)
		return;
	f->broken = 1;
	f->failed = 1;
	f->fail_day = day;
	f->fail_why = why != NULL ? why : strerror(err);
}

/* Say what happened to file FI in the batch just written. */
static void
file_news(struct lw *w, int fi)
{
	struct file *f = &w->f[fi];
	unsigned long long missed;
	char name[LF_NAME_SIZE];
	int global = w->cf->global_file;

	if (f->failed) {
		f->failed = 0;
		lf_name(f->cf->name, f->fail_day, name, sizeof(name));
		/* Warned once; lines keep flowing to stdout and stderr. */
		own_event(w, fi, global != fi ? global : -1, LV_WARN,
		    "log_file_failed dir=%s file=%s error=%s", f->cf->dir, name,
		    f->fail_why);
	}
	if (f->recovered) {
		f->recovered = 0;
		missed = f->missed;
		f->missed = 0;
		own_event(w, fi, fi, LV_INFO,
		    "log_file_recovered missed_lines=%llu", missed);
	}
}

static unsigned long
count_lines(const char *p, size_t len)
{
	unsigned long n = 0;
	const char *e = p + len;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* write(2) all of P; the bytes written (fewer: errno says why). */
static size_t
write_some(int fd, const char *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			break;
		}
		done += (size_t)n;
	}
	return done;
}

/* Write segment G to its file: whole lines, or none of a torn one. */
static void
file_write(struct lw *w, const struct seg *g)
{
	struct file *f = &w->f[g->file];
	const char *p = w->batch + g->off, *nl, *why = NULL;
	struct stat st;
	size_t done, keep;
	int again, err;

	if (f->broken && w->now < f->retry) {
		f->missed += g->lines;
		return;
	}
	for (again = 0;; again++) {
		if (file_open(w, f, g->day, &why) < 0) {
			file_fail(w, f, g->day, errno, why, g->lines);
			return;
		}
		done = write_some(f->fd, p, g->len);
		if (done < g->len) {
			err = errno;
			/* Back to the last whole line: no torn line stays. */
			nl = memrchr(p, '\n', done);
			keep = nl != NULL ? (size_t)(nl - p) + 1 : 0;
			/* ftruncate(2) as the system call (64-bit: one length). */
			if (done > keep && fd_stat(f->fd, &st) == 0)
				if (syscall(SYS_ftruncate, f->fd, st.st_size -
				    (off_t)(done - keep)) < 0)
					err = errno;
			file_fail(w, f, g->day, err, NULL,
			    count_lines(p + keep, g->len - keep));
			return;
		}
		if (fd_stat(f->fd, &st) < 0 || st.st_nlink > 0)
			break;
		/*
		 * Removed while open (by hand, or with LOG_DIR): the lines
		 * went nowhere.  Say so, make it again and write them again.
		 */
		if (again > 0) {
			f->missed += g->lines;
			break;
		}
		f->failed = f->recovered = 1;
		f->fail_day = g->day;
		f->fail_why = "removed while open";
		file_close(f, 1);
	}
	if (f->broken) {
		f->broken = 0;
		f->recovered = 1;
	}
}

/* Write the batch; then what happened to the files, in a batch of its own. */
static void
file_flush(struct lw *w)
{
	int i;

	while (w->blen > 0) {
		for (i = 0; i < w->nseg; i++)
			file_write(w, &w->seg[i]);
		w->blen = 0;
		w->nseg = 0;
		for (i = 0; i < w->cf->nfiles; i++)
			file_news(w, i);
	}
}

/*
 * Room in the batch for a line of at most NEED bytes for file FI on day
 * DAY, or NULL if the file is failing (the caller counts the line).
 */
static char *
file_room(struct lw *w, int fi, long long day, size_t need)
{
	struct file *f = &w->f[fi];
	struct seg *g = w->nseg > 0 ? &w->seg[w->nseg - 1] : NULL;
	int fresh = g == NULL || g->file != fi || g->day != day;

	if (w->blen + need > LOG_BATCH_MAX || (fresh && w->nseg == SEGS)) {
		file_flush(w);
		fresh = 1;
	}
	if (f->broken && w->now < f->retry)
		return NULL;
	if (fresh) {
		g = &w->seg[w->nseg++];
		*g = (struct seg){ fi, day, w->blen, 0, 0 };
	}
	return w->batch + w->blen;
}

/* N bytes of LINES whole lines are in the batch where file_room() said. */
static void
file_commit_n(struct lw *w, size_t n, unsigned long lines)
{
	struct seg *g = &w->seg[w->nseg - 1];

	g->len += n;
	g->lines += lines;
	w->blen += n;
}

static void
file_commit(struct lw *w, size_t n)
{
	file_commit_n(w, n, 1);
}

/* ---- output fds ------------------------------------------------------------ */

static void
release(struct lw *w, struct sink *k)
{
	int i;

	k->owner = NOBODY;
	k->waiting = 0;
	for (i = 0; i < w->cf->nstreams; i++)
		if (&w->k[w->s[i].sink] == k)
			w->s[i].waits = 0;
}

/* K's write failed with ERR. */
static void
sink_error(struct lw *w, struct sink *k, int err)
{
	int dead = err == EPIPE || err == EBADF;

	if (err == EAGAIN || err == EWOULDBLOCK) {
		/* The reader made it non-blocking: wait, never drop. */
		k->state = SK_AGAIN;
		return;
	}
	k->state = dead ? SK_DEAD : SK_RETRY;
	k->retry = w->now + RETRY_MS;
	if (dead) {
		k->plen = k->poff = 0;
		release(w, k);
		if (k == &w->k[w->sink_of[2]])
			w->qlen = 0;
	}
	if (!k->warned || dead)
		own_event(w, -1, w->cf->global_file, LV_WARN,
		    "log_output_failed fd=%d error=%s then=%s", k->fd,
		    strerror(err), dead ? "stop" : "retry");
	k->warned = 1;
}

/*
 * The pieces for N bytes at P from WHO: with "NAME | " before each line
 * start if WHO is a stream that asks for it.  ISPFX marks those.
 */
static int
pieces(const struct stream *s, const char *p, size_t n, struct iovec *iov,
    char *ispfx)
{
	const char *nl;
	size_t seg, off;
	int cnt = 0, bol;

	if (s == NULL || !s->cf->prefix) {
		iov[0] = (struct iovec){ (void *)(uintptr_t)p, n };
		ispfx[0] = 0;
		return 1;
	}
	bol = s->bol;
	off = s->pfxoff;
	while (n > 0 && cnt < IOVS - 1) {
		if (bol) {
			iov[cnt] = (struct iovec){ (void *)(uintptr_t)(s->pfx +
			    off), s->pfxlen - off };
			ispfx[cnt++] = 1;
			off = 0;
		}
		nl = memchr(p, '\n', n);
		seg = nl != NULL ? (size_t)(nl - p) + 1 : n;
		iov[cnt] = (struct iovec){ (void *)(uintptr_t)p, seg };
		ispfx[cnt++] = 0;
		p += seg;
		n -= seg;
		bol = nl != NULL;
	}
	return cnt;
}

/* Write what K takes now of N bytes at DATA from WHO; the bytes written. */
static size_t
sink_write(struct lw *w, struct sink *k, int who, const char *data, size_t n)
{
	struct stream *s = who >= 0 ? &w->s[who] : NULL;
	struct iovec iov[IOVS];
	char ispfx[IOVS];
	size_t done = 0, take, r;
	ssize_t got;
	int cnt, i;

	while (done < n) {
		cnt = pieces(s, data + done, n - done, iov, ispfx);
		/* The system call: musl's writev() only adds thread cancellation. */
		got = syscall(SYS_writev, k->fd, iov, cnt);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			sink_error(w, k, got < 0 ? errno : EIO);
			return done;
		}
		for (r = (size_t)got, i = 0; i < cnt && r > 0; i++) {
			take = r < iov[i].iov_len ? r : iov[i].iov_len;
			r -= take;
			if (ispfx[i]) {
				s->pfxoff += take;
				if (s->pfxoff == s->pfxlen)
					s->pfxoff = s->bol = 0;
				continue;
			}
			done += take;
			if (s != NULL && take == iov[i].iov_len)
				s->bol = data[done - 1] == '\n';
		}
		if (k->warned && k->state != SK_DEAD) {
			k->warned = 0;
			own_event(w, -1, w->cf->global_file, LV_INFO,
			    "log_output_recovered fd=%d", k->fd);
		}
	}
	return done;
}

/* Hand N bytes at DATA from WHO to K: written now, or kept in its pend. */
static void
sink_put(struct lw *w, struct sink *k, int who, const char *data, size_t n)
{
	size_t done = 0;

	if (k->state == SK_DEAD)
		return;
	if (k->state == SK_OK)
		done = sink_write(w, k, who, data, n);
	if (done < n && k->state != SK_DEAD) {
		/* N is at most one read: the pend buffer holds it. */
		memcpy(k->pend, data + done, n - done);
		k->poff = 0;
		k->plen = n - done;
		k->pwho = who;
	}
}

/* Write K's pend if it can take it; whether it is empty now. */
static int
sink_drain(struct lw *w, struct sink *k)
{
	if (k->state == SK_RETRY && w->now >= k->retry)
		k->state = SK_OK;
	if (k->plen > 0 && k->state == SK_OK) {
		k->poff += sink_write(w, k, k->pwho, k->pend + k->poff,
		    k->plen - k->poff);
		if (k->poff == k->plen)
			k->plen = k->poff = 0;
	}
	return k->plen == 0 && k->state != SK_RETRY && k->state != SK_AGAIN;
}

/* Pass N bytes of stream I through to its fd. */
static void
pass(struct lw *w, int i, const char *p, size_t n)
{
	struct stream *s = &w->s[i];
	struct sink *k = &w->k[s->sink];

	if (k->state == SK_DEAD)
		return;
	/* An unfinished line holds the fd until its newline. */
	if (p[n - 1] != '\n' && k->owner != i) {
		k->owner = i;
		k->since = w->now;
	} else if (p[n - 1] == '\n' && k->owner == i)
		release(w, k);
	sink_put(w, k, i, p, n);
}

/* When K's unfinished line must end for a waiting writer (ms), or -1. */
static long long
hold_until(const struct lw *w, const struct sink *k)
{
	const struct stream *s;

	if (k->owner == NOBODY || k->waiting == 0 || k->plen > 0)
		return -1;
	s = &w->s[k->owner];
	if (s->exited || s->eof)
		return 0;
	return (k->since > k->waiting ? k->since : k->waiting) + HOLD_MS;
}

/* Output work: pends, ends of held lines, queued events. */
static void
pump(struct lw *w)
{
	struct sink *k;
	struct stream *s;
	long long t;
	int i;

	for (i = 0; i < w->nsinks; i++) {
		k = &w->k[i];
		if (!sink_drain(w, k))
			continue;
		t = hold_until(w, k);
		if (t >= 0 && w->now >= t) {
			/* A single newline ends it, for the writer waiting. */
			s = &w->s[k->owner];
			s->bol = 1;
			s->pfxoff = 0;
			release(w, k);
			sink_put(w, k, NOBODY, "\n", 1);
		}
	}
	k = &w->k[w->sink_of[2]];
	if (w->qlen == 0 || k->state == SK_DEAD) {
		w->qlen = 0;
		return;
	}
	if (k->owner != NOBODY) {
		if (k->waiting == 0)
			k->waiting = w->now;
		return;
	}
	if (k->plen == 0 && k->state == SK_OK) {
		sink_put(w, k, EVENTS, w->q, w->qlen);
		w->qlen = 0;
	}
}

/* ---- streams ------------------------------------------------------------- */

/* S's head of a file line for the current stamp. */
static void
head(struct lw *w, struct stream *s)
{
	if (s->head_ms != w->stamp) {
		s->headlen = log_head(w->cf->files[s->cf->file].format, w->stamp,
		    s->cf->name, s->cf->stream, s->head, sizeof(s->head));
		s->head_ms = w->stamp;
	}
}

/* One file line of stream S: DATA of LEN bytes, a part if PARTIAL. */
static void
file_line(struct lw *w, struct stream *s, const char *data, size_t len,
    int partial)
{
	int fi = s->cf->file;
	size_t room;
	char *p;

	head(w, s);
	room = LOG_LINE_ROOM(s->headlen, len);
	p = file_room(w, fi, lf_day_of_ms(w->stamp), room);
	if (p != NULL)
		file_commit(w, log_line(w->cf->files[fi].format, s->head,
		    s->headlen, data, len, partial, p, room));
	else
		w->f[fi].missed++;
}

/*
 * The plain whole lines at P (N bytes read) of stream S, escaped straight
 * into the batch in one go; the bytes of P taken.  What is left (a part,
 * a JSON line with raw bytes, an unfinished line, a full batch) starts
 * with a line for lw_cut() and file_line().
 */
static size_t
fast_lines(struct lw *w, struct stream *s, long long day, const char *p,
    size_t n)
{
	int fi = s->cf->file;
	unsigned long lines;
	size_t used, k;
	char *b;

	b = file_room(w, fi, day, s->headlen + LOG_TAIL_MAX + 64);
	if (b == NULL)
		return 0;
	k = log_lines(w->cf->files[fi].format, s->head, s->headlen, p, n,
	    w->linecap, b, LOG_BATCH_MAX - w->blen, &used, &lines);
	if (lines > 0)
		file_commit_n(w, k, lines);
	return used;
}

/* The lines of N bytes at P of stream S, for its file. */
static void
to_file(struct lw *w, struct stream *s, const char *p, size_t n)
{
	long long day = lf_day_of_ms(stamp(w));
	size_t take;
	int how;

	head(w, s);
	while (n > 0) {
		if (s->len == 0 && (take = fast_lines(w, s, day, p, n)) > 0) {
			p += take;
			n -= take;
			continue;
		}
		/* A line begun in an earlier read, or one to keep for the next. */
		how = lw_cut(p, n, s->len, w->linecap, &take);
		if (how == LW_MORE || s->len > 0) {
			memcpy(s->line + s->len, p, take);
			s->len += take;
		}
		if (how != LW_MORE) {
			if (s->len > 0)
				file_line(w, s, s->line, s->len, how == LW_PART);
			else
				file_line(w, s, p, take, how == LW_PART);
			s->len = 0;
		}
		take += how == LW_LINE;
		p += take;
		n -= take;
	}
}

/* The unfinished line of S, if any, as a part. */
static void
end_part(struct lw *w, struct stream *s)
{
	/* Only a stream with a file keeps a line (to_file()). */
	if (s->len > 0)
		file_line(w, s, s->line, s->len, 1);
	s->len = 0;
}

static void
read_stream(struct lw *w, int i)
{
	struct stream *s = &w->s[i];
	ssize_t n;

	n = read(s->cf->fd, w->rbuf, LOG_READ_MAX);
	if (n < 0 && errno == EINTR)
		return;
	if (n < 0 && errno == EAGAIN) {
		s->drain = 0;
		if (w->barrier == s->cf->svc)
			s->exited = 1;
		return;
	}
	if (n <= 0) {
		s->eof = s->exited = 1;
		s->drain = 0;
		return;
	}
	s->drain = s->drain > (size_t)n ? s->drain - (size_t)n : 0;
	/* Its service is gone and this was the last of what it wrote. */
	s->exited = w->barrier == s->cf->svc && s->drain == 0;
	if (s->cf->file >= 0)
		to_file(w, s, w->rbuf, (size_t)n);
	pass(w, i, w->rbuf, (size_t)n);
}

/*
 * Whether stream I may be read now (READ: its fd is free, or its own),
 * waits only because another writer has an unfinished line on its fd
 * (HELD), or waits for its fd to take what it holds (0).
 */
enum { READ = 1, HELD };
static int
may_read(const struct lw *w, int i)
{
	const struct sink *k = &w->k[w->s[i].sink];

	if (k->state == SK_DEAD)
		return READ;
	if (k->plen > 0 || k->state != SK_OK)
		return 0;
	return k->owner == NOBODY || k->owner == i ? READ : HELD;
}

/* ---- records from PID 1 ------------------------------------------------ */

/* F: what service SVC's pipes hold now is read before the next record. */
static void
flush_begin(struct lw *w, int svc)
{
	struct stream *s;
	int i, n;

	for (i = 0; i < w->cf->nstreams; i++) {
		s = &w->s[i];
		if (s->cf->svc != svc || s->eof)
			continue;
		n = 0;
		if (ioctl(s->cf->fd, FIONREAD, &n) < 0 || n < 0)
			n = 0;
		s->drain = (size_t)n;
		s->exited = n == 0;
	}
	w->barrier = svc;
}

/* Whether the F record being served is done; then its lines end. */
static int
flush_done(struct lw *w)
{
	struct stream *s;
	int i;

	for (i = 0; i < w->cf->nstreams; i++) {
		s = &w->s[i];
		if (s->cf->svc == w->barrier && !s->eof && s->drain > 0)
			return 0;
	}
	for (i = 0; i < w->cf->nstreams; i++)
		if (w->s[i].cf->svc == w->barrier)
			end_part(w, &w->s[i]);
	w->barrier = -1;
	return 1;
}

static void
record(struct lw *w, const char *r, size_t len)
{
	const struct lw_config *cf = w->cf;
	const char *body;
	size_t blen;
	int kind, svc;

	if (lw_rec_parse(r, len, &kind, &svc, &body, &blen) < 0)
		return;
	if (kind == LW_REC_FLUSH) {
		flush_begin(w, svc);
		return;
	}
	emit(w, svc < 0 ? cf->global_file : svc < cf->nsvc ?
	    cf->svc_file[svc] : -1, body, blen);
}

/* Take the records PID 1 has sent, up to an F record not yet served. */
static void
records(struct lw *w)
{
	char *nl;
	ssize_t n;

	for (;;) {
		if (w->barrier >= 0 && !flush_done(w))
			break;
		nl = memchr(w->rec + w->rused, '\n', w->rlen - w->rused);
		if (nl != NULL) {
			/* Events wait while stderr cannot take one more. */
			if (w->qlen + LOG_EVENT_MAX > LOG_QUEUE_MAX)
				break;
			record(w, w->rec + w->rused,
			    (size_t)(nl - w->rec) + 1 - w->rused);
			w->rused = (size_t)(nl - w->rec) + 1;
			continue;
		}
		memmove(w->rec, w->rec + w->rused, w->rlen - w->rused);
		w->rlen -= w->rused;
		w->rused = 0;
		if (w->rlen == sizeof(w->rec))
			w->rlen = 0;	/* no record is this long: resync */
		if (w->ev_eof || !w->ev_ready)
			break;
		n = read(w->cf->evfd, w->rec + w->rlen, sizeof(w->rec) - w->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			w->ev_ready = 0;
			break;
		}
		if (n <= 0) {
			/* All writers gone; a torn last record is dropped. */
			w->ev_eof = 1;
			w->rlen = 0;
			break;
		}
		w->rlen += (size_t)n;
	}
}

/* ---- the loop ------------------------------------------------------------- */

static int
finished(const struct lw *w)
{
	int i;

	if (!w->ev_eof || w->rlen > 0 || w->barrier >= 0 || w->qlen > 0)
		return 0;
	for (i = 0; i < w->cf->nstreams; i++)
		if (!w->s[i].eof)
			return 0;
	/* A dead fd holds nothing (sink_error() dropped it). */
	return w->k[0].plen == 0 && w->k[1].plen == 0;
}

/* Poll FD for EVENTS as pollfd *N, for WHO (see run()). */
static void
watch(struct lw *w, int *n, int fd, short events, int who)
{
	w->pfd[*n] = (struct pollfd){ fd, events, 0 };
	w->pwho[(*n)++] = who;
}

/* The pollfds for this round, and the timeout (ms, -1: none). */
static int
arm(struct lw *w, int *npfd)
{
	const struct sink *k;
	long long t, next = -1;
	int i, n = 0;

	if (!w->ev_eof && !w->ev_ready)
		watch(w, &n, w->cf->evfd, POLLIN, -1);
	for (i = 0; i < w->nsinks; i++) {
		k = &w->k[i];
		if (k->state == SK_AGAIN)
			watch(w, &n, k->fd, POLLOUT, -2 - i);
		t = k->state == SK_RETRY ? k->retry : hold_until(w, k);
		if (t >= 0 && (next < 0 || t < next))
			next = t;
	}
	for (i = 0; i < w->cf->nstreams; i++) {
		if (w->s[i].eof || w->s[i].waits)
			continue;
		if (!may_read(w, i))
			continue;	/* back-pressure: wait for the fd */
		watch(w, &n, w->s[i].cf->fd, POLLIN, i);
	}
	*npfd = n;
	/* Records to read, unless an F record or a full queue holds them. */
	if (w->ev_ready && !w->ev_eof && w->barrier < 0 &&
	    w->qlen + LOG_EVENT_MAX <= LOG_QUEUE_MAX)
		return 0;
	return next < 0 ? -1 : next <= w->now ? 0 : (int)(next - w->now);
}

static void __attribute__((noreturn))
run(struct lw *w)
{
	struct sink *k;
	int i, n, r, timeout;

	for (;;) {
		w->now = now_ms();
		records(w);
		pump(w);
		if (finished(w))
			break;
		timeout = arm(w, &n);
		/* Nothing is held back while we may sleep. */
		if (timeout != 0)
			file_flush(w);
		if (poll(w->pfd, (nfds_t)n, timeout) < 0)
			continue;
		w->now = now_ms();
		/* Records first: child_started comes before the child's output. */
		if (n > 0 && w->pwho[0] == -1 && w->pfd[0].revents != 0) {
			w->ev_ready = 1;
			records(w);
			pump(w);
		}
		for (i = 0; i < n; i++) {
			if (w->pfd[i].revents == 0 || w->pwho[i] == -1)
				continue;
			if (w->pwho[i] < -1) {
				k = &w->k[-2 - w->pwho[i]];
				k->state = SK_OK;
			} else if ((r = may_read(w, w->pwho[i])) == READ) {
				read_stream(w, w->pwho[i]);
			} else if (r == HELD) {
				/* Data, but another writer has the fd. */
				k = &w->k[w->s[w->pwho[i]].sink];
				w->s[w->pwho[i]].waits = 1;
				if (k->waiting == 0)
					k->waiting = w->now;
			}
		}
	}
	for (i = 0; i < w->cf->nstreams; i++)
		end_part(w, &w->s[i]);
	file_flush(w);
	_exit(0);
}

/* ---- start --------------------------------------------------------------- */

/* Close every fd from LO up to HI (inclusive). */
static void
close_range_of(unsigned lo, unsigned hi)
{
	long fd, max;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, lo, hi, 0U) == 0)
		return;
#endif
	max = fd_limit();
	for (fd = lo; fd <= (long)hi && fd < max; fd++)
		close((int)fd);
}

/*
 * Close every fd but 0, 1, 2 and the read ends in CF: the ranges between
 * the fds kept, lowest first (the last range reaches past any fd).
 */
static void
close_others(const struct lw_config *cf)
{
	unsigned lo = 3, next, fd;
	int i;

	do {
		next = ~0U;
		for (i = -1; i < cf->nstreams; i++) {
			fd = (unsigned)(i < 0 ? cf->evfd : cf->streams[i].fd);
			if (fd >= lo && fd < next)
				next = fd;
		}
		if (next > lo)
			close_range_of(lo, next - 1);
		lo = next + 1;
	} while (next != ~0U);
}

/* The size of struct lw rounded up to a cache line. */
#define W_SIZE	((sizeof(struct lw) + 63) & ~(size_t)63)

/* The writer's state for CF in one region from the kernel; NULL if none. */
static struct lw *
setup(const struct lw_config *cf)
{
	size_t cap, ns = (size_t)cf->nstreams, npfd = ns + 3;
	struct stat a, b;
	struct stream *s;
	struct sink *k;
	struct file *f;
	struct lw *w;
	char *m, *p;
	int i;

	/* Every stream a 16 KiB line, unless there are many: 1 MiB in all. */
	cap = ns > 0 ? LOG_LINES_POOL / ns : LOG_LINE_MAX;
	cap = cap > LOG_LINE_MAX ? LOG_LINE_MAX : cap < LINE_MIN ? LINE_MIN : cap;
	/*
	 * W, its buffers of fixed size (each a multiple of 64 bytes: all on
	 * cache lines), then the arrays CF sizes, from the most aligned
	 * elements to the least, so that each starts aligned.
	 */
	m = mem_get(W_SIZE + 3 * LOG_READ_MAX + LOG_QUEUE_MAX + LOG_BATCH_MAX +
	    ns * sizeof(struct stream) + (size_t)cf->nfiles * sizeof(struct file) +
	    npfd * (sizeof(struct pollfd) + sizeof(int)) + ns * cap);
	if (m == NULL)
		return NULL;
	w = (struct lw *)(void *)m;
	w->cf = cf;
	p = m + W_SIZE;
	w->k[0].pend = p;
	w->k[1].pend = p + LOG_READ_MAX;
	w->rbuf = p + 2 * LOG_READ_MAX;
	w->q = p + 3 * LOG_READ_MAX;
	w->batch = w->q + LOG_QUEUE_MAX;
	p = w->batch + LOG_BATCH_MAX;
	w->s = (struct stream *)(void *)p;
	p += ns * sizeof(struct stream);
	w->f = (struct file *)(void *)p;
	p += (size_t)cf->nfiles * sizeof(struct file);
	w->pfd = (struct pollfd *)(void *)p;
	p += npfd * sizeof(struct pollfd);
	w->pwho = (int *)(void *)p;
	p += npfd * sizeof(int);
	w->linecap = cap;
	w->barrier = -1;
	w->ev_ready = 1;
	/* fd 1 and 2 on one file (2>&1): one fd to keep lines whole on. */
	w->sink_of[1] = 0;
	w->sink_of[2] = fd_stat(1, &a) == 0 && fd_stat(2, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : 1;
	w->nsinks = w->sink_of[2] + 1;
	/* The region is zeroed: only what is not 0 is set. */
	for (i = 0; i < 2; i++) {
		k = &w->k[i];
		k->fd = i + 1;
		k->owner = k->pwho = NOBODY;
	}
	for (i = 0; i < cf->nstreams; i++) {
		/*
		 * A deeper pipe lets a child write on while we write the file
		 * (kernel memory, filled only when we fall behind).  Best
		 * effort: past the user's pipe quota it stays as it is.
		 */
		fd_ctl(cf->streams[i].fd, F_SETPIPE_SZ, LOG_PIPE_SIZE);
		s = &w->s[i];
		s->cf = &cf->streams[i];
		s->bol = 1;
		s->head_ms = -1;
		s->line = p + (size_t)i * cap;
		s->sink = w->sink_of[s->cf->out == 1 ? 1 : 2];
		s->pfxlen = fmt(s->pfx, sizeof(s->pfx), "%s | ", s->cf->name);
	}
	for (i = 0; i < cf->nfiles; i++) {
		f = &w->f[i];
		f->cf = &cf->files[i];
		f->dirfd = f->fd = -1;
		f->day = -1;
	}
	return w;
}

pid_t
lw_start(const struct lw_config *cf)
{
	struct lw *w;
	pid_t pid;

	pid = fork_one();
	if (pid != 0)
		return pid;
	/* Only PID 1 and the services hold write ends: EOF means all gone. */
	close_others(cf);
	/* A closed stdout is EPIPE, handled, not a signal that kills us. */
	sig_ignore(SIGBIT(SIGPIPE));
	if (cf->nstreams > LW_SVC_MAX * 2 || (w = setup(cf)) == NULL) {
		warn("log writer: cannot set up %d streams", cf->nstreams);
		_exit(1);
	}
	run(w);
}
