/* `init tail`: the last lines of the day's log file, and following it. */
#ifndef TAIL_H
#define TAIL_H

#include "conf.h"

/*
 * Print the last N lines of the log of service SVC of CS (NULL: the only
 * one); with FOLLOW, keep going across days.
 */
int	tail_run(const struct confset *, const char *, long long, int);

#endif
