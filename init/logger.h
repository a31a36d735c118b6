/* The log writer: a small process that owns blocking log I/O for PID 1. */
#ifndef LOGGER_H
#define LOGGER_H

#include <sys/types.h>

#include "conf.h"

/* The pipes PID 1 creates once and holds, both ends, for its whole life. */
enum { LG_OUT, LG_ERR, LG_EV, LG_N };
struct lpipes {
	int	 rd[LG_N];
	int	 wr[LG_N];
};

/* Create the pipes: read ends non-blocking, PID 1's event end too; 0/-1. */
int	logger_pipes(struct lpipes *);
/* Close every end in P that is still open. */
void	logger_close(struct lpipes *);
/*
 * Fork the log writer for C reading P; event lines go to EVENTS_FD (1 or
 * 2) and everything to LOG_DIR's daily file.  Its pid, or -1.
 */
pid_t	logger_start(const struct conf *, struct lpipes *, int);
/* "NAME-YYYY-MM-DD.log" for DAY (days since 1970-01-01) into BUF. */
size_t	logger_file(const struct conf *, long long, char *, size_t);
/* Day of file NAME if it is one of C's "NAME-YYYY-MM-DD.log"; else -1. */
long long logger_match(const struct conf *, const char *);
/* Day number of "YYYY-MM-DD" at S, or -1 if S does not start with one. */
long long logger_day(const char *);

#endif
