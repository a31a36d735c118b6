/* Client commands: status, health, stop, restart/down/up. */
#ifndef STATUS_H
#define STATUS_H

#include "conf.h"

/*
 * Print the status of CS's supervisor (of service ONLY if not NULL).
 * One service: LSB, 0 running, 3 not running, 4 unknown.  Several: 0
 * when every critical service (or ONLY) is up and ready, 1 when one is
 * not, 3 not running, 4 unknown.
 */
int	st_status(const struct confset *, const char *, int);
/* 0 healthy (or running without a check), 1 not, 3 not running, 4 unknown. */
int	st_health(const struct confset *, const char *);
/* Stop CS's supervisor, waiting up to TIMEOUT ms (-1: its whole budget). */
int	st_stop(const struct confset *, long long);
/* The service of CS named NAME, or NULL after saying so (for VERB). */
const struct conf *st_service(const struct confset *, const char *,
	    const char *);
/* restart, down or up service SVC: 0 done, 1 refused or no answer,
 * 2 no such service, 3 not running, 4 not permitted. */
int	st_control(const struct confset *, const char *, const char *);

#endif
