/*
 * PID 1's side of logging: its event output, which never blocks (a bounded
 * queue and a count of what it had to drop), and the pipes between the
 * services and the log writer, created once and held for init's life.
 */
#ifndef LOGPIPE_H
#define LOGPIPE_H

#include <sys/types.h>

#include "conf.h"
#include "log.h"
#include "logwriter.h"

struct logpipe {
	const struct confset	*cs;
	int			 level;		/* LOG_LEVEL */
	int			 format;	/* LOG_FORMAT */
	long long		 offset;	/* INIT_TEST_TIME_OFFSET */
	int			 out;		/* events: record pipe, or stderr */
	int			 rec;		/* out is the writer's record pipe */
	int			 sock;		/* out is a socket: send(MSG_DONTWAIT) */
	int			 polled;	/* out may block: poll before writing */
	size_t			 qlen;		/* queued bytes of whole lines */
	char			*q;		/* EVQ_MAX bytes, when first needed */
	unsigned long		 dropped;	/* events the full queue refused */
	int			 capture[SERVICES_MAX][2];	/* stdout, stderr */
	int			 rd[SERVICES_MAX][2], wr[SERVICES_MAX][2];
	int			 evrd, evwr;	/* the record pipe */
	int			 logging;	/* a log writer is wanted */
	struct lw_file		 files[SERVICES_MAX];
	struct lw_stream	 streams[2 * SERVICES_MAX];
	int			 svc_file[SERVICES_MAX];
	pid_t			 writer;	/* 0: none running */
	long long		 writer_start;	/* ms */
};

/*
 * Set up events and, if any service's output goes through the log writer,
 * the pipes (TTY: the services keep init's terminal).  Events go to
 * stderr until lp_writer() starts the writer.
 */
void	lp_init(struct logpipe *, const struct confset *, int);
/* Fork the log writer (again); its pid, or -1 (then retry later). */
pid_t	lp_writer(struct logpipe *);
/* The descriptors service SVC's stdout and stderr get (-1: init's own). */
void	lp_streams(const struct logpipe *, int, int *, int *);
/* An event for service SVC (-1: init itself) named NAME. */
void	lp_event(struct logpipe *, int, const char *, int, const char *,
	    const struct field *);
/* Service SVC's main process exited: everything it wrote goes first. */
void	lp_flush(struct logpipe *, int);
/* Write what is queued; 1 if something is still waiting. */
int	lp_drain(struct logpipe *);
/* At exit: wait up to MS for the queue to drain, close the pipes so the
 * writer sees EOF, and wait for it (SIGKILL after MS). */
void	lp_finish(struct logpipe *, long long);

#endif
