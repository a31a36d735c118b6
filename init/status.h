/* Client commands: `init status` and `init stop`, from PID and state files. */
#ifndef STATUS_H
#define STATUS_H

#include "conf.h"

/* Print C's supervisor status; LSB exit: 0 running, 3 not running, 4 unknown. */
int	st_status(const struct conf *, int);
/* Stop C's supervisor, waiting up to TIMEOUT ms; 0 stopped, 1 not in time. */
int	st_stop(const struct conf *, long long);

#endif
