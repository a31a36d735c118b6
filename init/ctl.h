/*
 * Control requests (`init restart|down|up DIR SERVICE`): a queued signal
 * whose value names the request, so it reaches PID 1 without a shell, a
 * file or PID 1 ever blocking, and the kernel checks the sender is root
 * or the supervisor's own user.
 */
#ifndef CTL_H
#define CTL_H

#include <signal.h>

struct sv;

/* The signal that carries requests (with SI_QUEUE and CTL_MAGIC). */
#define CTL_SIGNAL	64
#define CTL_MAGIC	0xa5u

enum { CTL_RESTART = 1, CTL_DOWN, CTL_UP };

/* A request's value: magic, a sequence number, the verb, the service. */
#define CTL_VALUE(seq, verb, svc) \
	((int)((CTL_MAGIC << 24) | (((unsigned)(seq) & 0xff) << 16) | \
	((unsigned)(verb) << 8) | ((unsigned)(svc) & 0xff)))

/* If SI is a control request, carry it out and return 1; else 0. */
int	ctl_request(struct sv *, const siginfo_t *);

#endif
