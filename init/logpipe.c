/*
 * PID 1's side of logging.
 *
 * Events: PID 1 writes each one with a single non-blocking write of a
 * whole line (records are at most PIPE_BUF bytes, so a pipe takes them
 * whole or not at all).  When the output is full, lines wait in a bounded
 * queue that the loop retries on a timer; when the queue is full they are
 * counted and dropped, and `events_dropped` says how many once it drains.
 * Without a log writer the output is stderr, reopened through /proc as a
 * description of its own so that O_NONBLOCK does not reach the children
 * that share init's stderr.
 *
 * Pipes: created once and held, both ends, for init's whole life, so
 * nothing is lost when a service or the log writer restarts (runit's
 * model); only the log writer reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "logfile.h"
#include "logpipe.h"
#include "logwriter.h"
#include "sig.h"
#include "util.h"

/* Events to stderr, non-blocking without touching the children's copy. */
static void
open_out(struct logpipe *lp)
{
	struct stat st;
	int fd;

	lp->out = 2;
	lp->rec = lp->sock = lp->polled = 0;
	if (fd_stat(2, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		lp->sock = 1;
		return;
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
		return;		/* a file: writes do not wait for a reader */
	fd = fd_open(AT_FDCWD, "/proc/self/fd/2", O_WRONLY | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY, 0);
	if (fd >= 0)
		lp->out = fd;
	else
		lp->polled = 1;	/* no /proc: ask poll() first */
}

static ssize_t
out_write(struct logpipe *lp, const char *b, size_t n)
{
	struct pollfd p = { lp->out, POLLOUT, 0 };

	if (lp->sock)
		return send(lp->out, b, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (lp->polled && poll(&p, 1, 0) != 1) {
		errno = EAGAIN;
		return -1;
	}
	return write(lp->out, b, n);
}

static void
enqueue(struct logpipe *lp, const char *b, size_t n)
{
	if (lp->q == NULL && (lp->q = mem_get(EVQ_MAX)) == NULL) {
		lp->dropped++;
		return;
	}
	if (n > EVQ_MAX - lp->qlen) {
		lp->dropped++;
		return;
	}
	memcpy(lp->q + lp->qlen, b, n);
	lp->qlen += n;
}

/* One whole line or record: now, or queued behind those waiting. */
static void
emit(struct logpipe *lp, const char *b, size_t n)
{
	ssize_t w;

	if (lp->qlen > 0) {
		enqueue(lp, b, n);
		return;
	}
	do
		w = out_write(lp, b, n);
	while (w < 0 && errno == EINTR);
	if (w == (ssize_t)n)
		return;
	if (w >= 0 && !lp->rec) {
		/* A terminal may take part of a line: the rest waits. */
		enqueue(lp, b + w, n - (size_t)w);
		return;
	}
	if (w < 0 && errno == EAGAIN)
		enqueue(lp, b, n);
	/* Anything else (EPIPE: nobody reads stderr) loses the event. */
}

int
lp_drain(struct logpipe *lp)
{
	const char *nl;
	unsigned long lost;
	size_t len, done = 0;
	ssize_t w;

	while (done < lp->qlen) {
		nl = memchr(lp->q + done, '\n', lp->qlen - done);
		len = nl != NULL ? (size_t)(nl - (lp->q + done)) + 1 :
		    lp->qlen - done;
		w = out_write(lp, lp->q + done, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w <= 0) {
			done = lp->qlen;	/* the output is gone for good */
			break;
		}
		done += (size_t)w;
	}
	/* Nothing queued yet means no queue at all: q is NULL then. */
	if (done > 0) {
		memmove(lp->q, lp->q + done, lp->qlen - done);
		lp->qlen -= done;
	}
	if (lp->qlen == 0 && lp->dropped > 0) {
		lost = lp->dropped;
		lp->dropped = 0;
		lp_event(lp, -1, NULL, LV_WARN, "events_dropped",
		    (struct field[]){ FN("count", lost), FEND });
	}
	return lp->qlen > 0;
}

void
lp_event(struct logpipe *lp, int svc, const char *name, int level,
    const char *event, const struct field *f)
{
	char body[LOG_BODY_MAX + 1], out[LOG_EVENT_MAX];
	size_t n;

	if (level < lp->level)
		return;
	if (name == NULL)
		name = svc >= 0 ? lp->cs->svc[svc].name : lp->cs->top->name;
	n = log_body(lp->format, level, name, event, f, body, sizeof(body));
	if (lp->rec) {
		/* The log writer stamps it, in the order it writes lines. */
		n = lw_rec_event(svc, body, n, out, sizeof(out));
	} else {
		n = log_stamp(lf_now(lp->offset), body, n, out, sizeof(out));
	}
	emit(lp, out, n);
}

void
lp_flush(struct logpipe *lp, int svc)
{
	char rec[16];

	/* A captured stdout comes with a captured stderr (lp_init()). */
	if (lp->rec && lp->capture[svc][1])
		emit(lp, rec, lw_rec_flush(svc, rec, sizeof(rec)));
}

/* Close every pipe end init holds. */
static void
close_pipes(struct logpipe *lp)
{
	int i, k;

	for (i = 0; i < SERVICES_MAX; i++)
		for (k = 0; k < 2; k++) {
			fd_close(&lp->rd[i][k]);
			fd_close(&lp->wr[i][k]);
		}
	fd_close(&lp->evrd);
	fd_close(&lp->evwr);
}

void
lp_init(struct logpipe *lp, const struct confset *cs, int tty)
{
	int i, k, p[2];

	/* Part of init's static state: zero already, and untouched pages stay
	 * out of its RSS. */
	lp->cs = cs;
	lp->level = cs->top->log_level;
	lp->format = cs->top->log_format;
	lp->offset = clock_offset();
	lp->evrd = lp->evwr = -1;
	/* No pipe yet: every end -1 (all bits set). */
	memset(lp->rd, 0xff, sizeof(lp->rd));
	memset(lp->wr, 0xff, sizeof(lp->wr));
	open_out(lp);
	/*
	 * What goes through the log writer.  In a terminal: nothing, the
	 * services keep it.  A service's stdout: with LOG_DIR, LOG_PREFIX, or
	 * several services (their lines must not mix); else it writes
	 * straight to init's stdout, nothing copied.  Its stderr also with
	 * `init start`, where init's own events share it: the writer puts
	 * them between lines.  `init --` hands its child init's own fds.
	 */
	for (i = 0; i < cs->n; i++) {
		/* In a terminal too: events still go to the files. */
		lp->logging |= *cs->svc[i].log_dir != '\0';
		if (tty)
			continue;
		lp->capture[i][0] = *cs->svc[i].log_dir != '\0' ||
		    cs->svc[i].log_prefix || cs->multi;
		lp->capture[i][1] = lp->capture[i][0] ||
		    cs->svc[i].mode == MODE_START;
		lp->logging |= lp->capture[i][1];
	}
	if (!lp->logging)
		return;
	for (i = 0; i < cs->n; i++)
		for (k = 0; k < 2; k++) {
			if (!lp->capture[i][k])
				continue;
			if (fd_pipe(p, O_CLOEXEC) < 0)
				goto fail;
			fd_ctl(p[0], F_SETFL, O_NONBLOCK);
			/* Room for bursts: fewer wakeups of the writer. */
			fd_ctl(p[0], F_SETPIPE_SZ, LOG_PIPE_SIZE);
			lp->rd[i][k] = p[0];
			lp->wr[i][k] = p[1];
		}
	/* The record pipe: both ends non-blocking. */
	if (fd_pipe(p, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail;
	lp->evrd = p[0];
	lp->evwr = p[1];
	return;
fail:
	lp_event(lp, -1, NULL, LV_WARN, "log_pipes_failed", (struct field[]){
	    FS("error", strerror(errno)), FEND });
	close_pipes(lp);
	memset(lp->capture, 0, sizeof(lp->capture));
	lp->logging = 0;
}

/* The log writer's view: its files, streams and the record pipe. */
static void
writer_config(struct logpipe *lp, struct lw_config *cf)
{
	static const char *const streams[2] = { "out", "err" };
	const struct conf *c;
	int i, k;

	cf->nfiles = cf->nstreams = 0;
	for (i = 0; i < lp->cs->n; i++) {
		c = &lp->cs->svc[i];
		lp->svc_file[i] = -1;
		if (*c->log_dir != '\0') {
			lp->svc_file[i] = cf->nfiles;
			lp->files[cf->nfiles++] = (struct lw_file){ c->log_dir,
			    c->name, c->log_format, c->log_keep_days };
		}
		/* Its stdout, then its stderr, if captured. */
		for (k = 0; k < 2; k++)
			if (lp->capture[i][k])
				lp->streams[cf->nstreams++] = (struct lw_stream){
				    lp->rd[i][k], k + 1, lp->svc_file[i], i,
				    c->name, streams[k], c->log_prefix };
	}
	cf->files = lp->files;
	cf->streams = lp->streams;
	cf->svc_file = lp->svc_file;
	cf->nsvc = lp->cs->n;
	/* One service: init's own events go to its file too. */
	cf->global_file = lp->cs->multi ? -1 : lp->svc_file[0];
	cf->evfd = lp->evrd;
	cf->offset = lp->offset;
}

pid_t
lp_writer(struct logpipe *lp)
{
	struct lw_config cf;
	pid_t pid;

	if (!lp->logging)
		return 0;
	writer_config(lp, &cf);
	pid = lw_start(&cf);
	if (pid < 0)
		return -1;
	/* From now on events go through the writer, at line boundaries. */
	if (!lp->rec) {
		if (lp->qlen > 0)
			lp_drain(lp);
		if (lp->out != 2)
			close(lp->out);
		lp->out = lp->evwr;
		lp->rec = 1;
		lp->sock = lp->polled = 0;
	}
	lp->writer = pid;
	lp->writer_start = now_ms();
	return pid;
}

void
lp_streams(const struct logpipe *lp, int svc, int *out, int *err)
{
	/* A stream not captured has no pipe: -1. */
	*out = lp->wr[svc][0];
	*err = lp->wr[svc][1];
}

void
lp_finish(struct logpipe *lp, long long ms)
{
	long long deadline = now_ms() + ms, left;
	struct pollfd p;
	siginfo_t si;

	while (lp->qlen > 0 && (left = deadline - now_ms()) > 0) {
		p.fd = lp->out;
		p.events = POLLOUT;
		if (poll(&p, 1, (int)left) <= 0)
			break;
		lp_drain(lp);
	}
	close_pipes(lp);
	/* Closing our ends gave the writer EOF: let it drain and exit. */
	while (lp->writer > 0 && waitpid(lp->writer, NULL, WNOHANG) == 0) {
		left = deadline - now_ms();
		if (left <= 0) {
			kill(lp->writer, SIGKILL);
			waitpid(lp->writer, NULL, 0);
			break;
		}
		sig_wait(SIGBIT(SIGCHLD), &si, left);
	}
	lp->writer = 0;
	/* Whatever init still says goes straight to stderr. */
	lp->qlen = 0;
	open_out(lp);
}
