/* `init tail`: the last lines of the day's log file, and following it. */
#ifndef TAIL_H
#define TAIL_H

#include "conf.h"

/* Print the last N lines of C's log; with FOLLOW, keep going across days. */
int	tail_run(const struct conf *, long long, int);

#endif
