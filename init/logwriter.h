/*
 * The log writer: the process that copies the services' output through
 * to init's stdout and stderr and appends every line, and init's events,
 * to the daily log files.  PID 1 only ever writes records to a pipe.
 */
#ifndef LOGWRITER_H
#define LOGWRITER_H

#include <stddef.h>
#include <sys/types.h>

struct lw_file {		/* one daily log file */
	const char	*dir;		/* LOG_DIR, created 0750 (parents 0755) if missing */
	const char	*name;		/* files are NAME-YYYY-MM-DD.log, UTC */
	int		 format;	/* FMT_TEXT or FMT_JSON (conf.h) */
	long long	 keep_days;	/* LOG_KEEP_DAYS, 0 = keep all */
};

struct lw_stream {		/* one output stream of one service */
	int		 fd;		/* read end of the service's stdout or stderr pipe, O_NONBLOCK */
	int		 out;		/* pass-through target: 1 or 2 */
	int		 file;		/* index in files[], or -1: not written to a file */
	int		 svc;		/* service index, as in the records below */
	const char	*name;		/* service NAME: the file line's name=, and LOG_PREFIX */
	const char	*stream;	/* "out" or "err" */
	int		 prefix;	/* LOG_PREFIX=yes: each pass-through line starts "NAME | " */
};

struct lw_config {
	const struct lw_file	*files;
	int			 nfiles;
	const struct lw_stream	*streams;
	int			 nstreams;
	const int		*svc_file;	/* per service index: file for its events, or -1 */
	int			 nsvc;
	int			 global_file;	/* file for supervisor-wide events, or -1 */
	int			 evfd;		/* read end of PID 1's record pipe, O_NONBLOCK */
	long long		 offset;	/* INIT_TEST_TIME_OFFSET seconds (clock_offset()) */
};

/*
 * Fork the log writer.  In the child: close every fd except 0, 1, 2 and
 * the read ends named in CFG (PID 1 holds all write ends; EOF must mean
 * every writer is gone), and run until every stream and evfd reached EOF
 * and all is written.  Returns the pid, or -1.
 */
pid_t	lw_start(const struct lw_config *);

/*
 * Records on PID 1's pipe, each written with one write(2) of at most
 * LOG_REC_MAX (PIPE_BUF) bytes:
 *   "E" SVC " " BODY "\n"   an event (SVC: service index, or "-" for a
 *                           supervisor-wide one; BODY: log_body()'s line);
 *   "F" SVC "\n"            service SVC's main process has exited: what
 *                           its pipes hold now goes before what follows.
 */
enum { LW_REC_EVENT = 'E', LW_REC_FLUSH = 'F' };

/* The event record for service SVC (-1: supervisor-wide) with BODY of BLEN bytes, into BUF; its length. */
size_t	lw_rec_event(int, const char *, size_t, char *, size_t);
/* The flush record for service SVC into BUF; its length. */
size_t	lw_rec_flush(int, char *, size_t);
/*
 * Decode the record of LEN bytes at REC (its newline included): *KIND,
 * *SVC (-1 for "-") and for an event *BODY and *BLEN.  0, or -1 if it is
 * malformed.
 */
int	lw_rec_parse(const char *, size_t, int *, int *, const char **, size_t *);

/*
 * Where the line being assembled (HAVE bytes so far, at most CAP in all)
 * ends in the next N bytes at P: LW_LINE, its last *TAKE bytes come
 * before a newline at P[*TAKE]; LW_PART, the line is CAP bytes long
 * after *TAKE more and goes out as a part; LW_MORE, all N bytes belong to
 * it and it is still unfinished.  A line of exactly CAP bytes is one line
 * even when its newline comes in a later read.
 */
enum { LW_MORE, LW_LINE, LW_PART };
int	lw_cut(const char *, size_t, size_t, size_t, size_t *);

#endif
