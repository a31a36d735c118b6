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

#include "logger.h"
#include "logpipe.h"
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
	if (fstat(2, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		lp->sock = 1;
		return;
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
		return;		/* a file: writes do not wait for a reader */
	fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
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
	struct log l;
	char buf[EVENT_MAX];
	size_t n = 0;

	if (level < lp->level)
		return;
	memset(&l, 0, sizeof(l));
	l.name = name != NULL ? name : svc >= 0 ? lp->cs->svc[svc].name :
	    lp->cs->top->name;
	l.format = lp->format;
	l.offset = lp->offset;
	if (lp->rec)
		buf[n++] = LOG_REC_EVENT;
	n += log_format(&l, level, event, f, buf + n, sizeof(buf) - n);
	emit(lp, buf, n);
}

void
lp_flush(struct logpipe *lp, int svc)
{
	static const char rec[2] = { LOG_REC_FLUSH, '\n' };

	if (lp->rec && lp->capture[svc][0])
		emit(lp, rec, sizeof(rec));
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void
lp_init(struct logpipe *lp, const struct confset *cs, int tty)
{
	int i, k, p[2];

	memset(lp, 0, sizeof(*lp));
	lp->cs = cs;
	lp->level = cs->top->log_level;
	lp->format = cs->top->log_format;
	lp->offset = clock_offset();
	lp->evrd = lp->evwr = -1;
	for (i = 0; i < SERVICES_MAX; i++)
		for (k = 0; k < 2; k++)
			lp->rd[i][k] = lp->wr[i][k] = -1;
	open_out(lp);
	/* One service with LOG_DIR, until the writer serves several. */
	for (i = 0; i < cs->n && i < 1; i++)
		if (*cs->svc[i].log_dir != '\0' && !tty)
			lp->capture[i][0] = lp->capture[i][1] = 1;
	for (i = 0; i < cs->n; i++)
		lp->logging |= *cs->svc[i].log_dir != '\0';
	if (!lp->logging)
		return;
	for (i = 0; i < cs->n; i++)
		for (k = 0; k < 2; k++) {
			if (!lp->capture[i][k])
				continue;
			if (pipe2(p, O_CLOEXEC) < 0)
				goto fail;
			fcntl(p[0], F_SETFL, O_NONBLOCK);
			lp->rd[i][k] = p[0];
			lp->wr[i][k] = p[1];
		}
	if (pipe2(p, O_CLOEXEC) < 0)
		goto fail;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	lp->evrd = p[0];
	lp->evwr = p[1];
	return;
fail:
	lp_event(lp, -1, NULL, LV_WARN, "log_pipes_failed", (struct field[]){
	    FS("error", strerror(errno)), FEND });
	for (i = 0; i < cs->n; i++)
		for (k = 0; k < 2; k++) {
			close_fd(&lp->rd[i][k]);
			close_fd(&lp->wr[i][k]);
			lp->capture[i][k] = 0;
		}
	lp->logging = 0;
}

pid_t
lp_writer(struct logpipe *lp)
{
	struct lpipes p;
	pid_t pid;

	if (!lp->logging)
		return 0;
	p.rd[LG_OUT] = lp->rd[0][0];
	p.wr[LG_OUT] = lp->wr[0][0];
	p.rd[LG_ERR] = lp->rd[0][1];
	p.wr[LG_ERR] = lp->wr[0][1];
	p.rd[LG_EV] = lp->evrd;
	p.wr[LG_EV] = lp->evwr;
	pid = logger_start(&lp->cs->svc[0], &p, 2);
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
	*out = lp->capture[svc][0] ? lp->wr[svc][0] : -1;
	*err = lp->capture[svc][1] ? lp->wr[svc][1] : -1;
}

void
lp_finish(struct logpipe *lp, long long ms)
{
	long long deadline = now_ms() + ms, left;
	struct pollfd p;
	siginfo_t si;
	int i, k;

	while (lp->qlen > 0 && (left = deadline - now_ms()) > 0) {
		p.fd = lp->out;
		p.events = POLLOUT;
		if (poll(&p, 1, (int)left) <= 0)
			break;
		lp_drain(lp);
	}
	for (i = 0; i < SERVICES_MAX; i++)
		for (k = 0; k < 2; k++) {
			close_fd(&lp->rd[i][k]);
			close_fd(&lp->wr[i][k]);
		}
	close_fd(&lp->evrd);
	close_fd(&lp->evwr);
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
}
