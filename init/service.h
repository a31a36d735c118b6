/* The per-service state table's pure part: what follows the end of a run. */
#ifndef SERVICE_H
#define SERVICE_H

#include "conf.h"

/* The first back-off step after a zero RESTART_DELAY (ms). */
#define BACKOFF_FLOOR	100

/* How a run ended, as decide() needs it. */
struct run_end {
	int		 status;	/* as init counts it: code, 128+N, 137 */
	int		 failed;	/* a failure whatever the status */
	int		 want_down;	/* a stop was requested */
	long long	 runtime;	/* ms */
	unsigned long	 recent;	/* restarts within RESTART_WINDOW */
};

/* What decide() chose; the DONE_* reasons (supervise.h) follow its order. */
enum { V_RESTART, V_EXITED, V_SUCCESS, V_GIVE_UP, V_STOPPED };

/*
 * What follows run R of C: V_RESTART after *WAIT ms (*DELAY, the current
 * back-off, is updated), or the reason the service is done.
 */
int	decide(const struct conf *, const struct run_end *, long long *,
	    long long *);
/* How many of the RESTARTS times in ring HISTORY (CAP long) are within WINDOW of NOW. */
unsigned long restarts_recent(const long long *, unsigned long, unsigned long,
	    long long, long long);

#endif
