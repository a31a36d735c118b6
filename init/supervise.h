/* The one loop: signals, reaping, restarts, stop and escalation. */
#ifndef SUPERVISE_H
#define SUPERVISE_H

#include <signal.h>

#include "conf.h"

/*
 * Supervise C's command until it is done; returns init's exit status.
 * ORIG is the signal mask init inherited; every signal but the faults is
 * already blocked.
 */
int	sv_run(const struct conf *, const sigset_t *);

#endif
