/* Supervisor events: one line each, logfmt or JSON, with a level filter. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <time.h>

#include "conf.h"

struct field {
	const char	*key;
	const char	*str;	/* NULL: the field is the number NUM */
	long long	 num;
};
#define FS(k, v)	{ (k), (v), 0 }
#define FN(k, v)	{ (k), NULL, (long long)(v) }
#define FEND		{ NULL, NULL, 0 }

struct log {
	const char	*name;
	int		 format;
	int		 level;
	int		 fd;
	int		 piped;		/* fd is the log writer's record pipe */
	long long	 offset;	/* clock_offset() */
	unsigned long	 dropped;	/* events the full pipe refused */
};

/*
 * Records on the pipe to the log writer: 'E' + an event line, or 'F' +
 * newline: "the child is gone, flush its partial lines".
 */
#define LOG_REC_EVENT	'E'
#define LOG_REC_FLUSH	'F'

/* Set up L for the settings C, writing to FD (a pipe if PIPED). */
void	log_init(struct log *, const struct conf *, int, int);
/* Emit EVENT at LEVEL with FIELDS (ended by FEND) if LEVEL passes. */
void	log_event(struct log *, int, const char *, const struct field *);
/* Format an event line (with newline) into BUF; its length. */
size_t	log_format(const struct log *, int, const char *, const struct field *,
	    char *, size_t);
/* Ask the log writer to flush the child's partial lines. */
void	log_flush(struct log *);
/* Format TS as RFC 3339 UTC with milliseconds. */
size_t	log_time(const struct timespec *, char *, size_t);
/*
 * Escape LEN bytes of S for a JSON string or a quoted logfmt value: quotes,
 * backslashes and control characters, and bytes that are not valid UTF-8
 * as the four characters \xNN.  Stops before overflowing BUF; the length.
 */
size_t	log_escape(const char *, size_t, char *, size_t);

#endif
