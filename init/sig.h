/* The signal table: names, and what PID 1 does with each signal. */
#ifndef SIG_H
#define SIG_H

#include <signal.h>

#define SIG_FORWARD	0x1	/* passed on to the child's process group */
#define SIG_STOP	0x2	/* also means: stop, no more restarts */
#define SIG_FAULT	0x4	/* synchronous fault: never blocked */

/* Flags for signal SIG (SIG_FORWARD for real-time signals, 0 if unknown). */
int	sig_flags(int);
/* Name without "SIG" ("TERM", "RTMIN+3"), written to BUF of SIZE. */
const char *sig_name(int, char *, int);
/* Signal number for "TERM", "SIGTERM", "15" or "RTMIN+1"; -1 if none. */
int	sig_parse(const char *);
/* Fill SET with every signal init blocks: all but the faults. */
void	sig_blockable(sigset_t *);

#endif
