/*
 * Control requests, PID 1's side.  The request arrives as CTL_SIGNAL
 * queued with sigqueue(3) and a value holding CTL_MAGIC, a sequence
 * number, the verb and the service's index; anything else on that signal
 * (a plain kill, another value) is an ordinary signal to forward.  The
 * kernel only delivers it from root or the supervisor's own user.  The
 * result goes into the state file (ctl_done=VALUE), where the client
 * waits for it.
 */
#include <signal.h>

#include "ctl.h"
#include "supervise.h"

static const char *const verbs[] = { "", "restart", "down", "up" };

int
ctl_request(struct sv *sv, const siginfo_t *si)
{
	unsigned v = (unsigned)si->si_value.sival_int, verb, idx;
	struct service *s;

	if (si->si_signo != CTL_SIGNAL || si->si_code != SI_QUEUE ||
	    v >> 24 != CTL_MAGIC)
		return 0;
	verb = (v >> 8) & 0xff;
	idx = v & 0xff;
	if (verb < CTL_RESTART || verb > CTL_UP || idx >= (unsigned)sv->n ||
	    sv->phase != PH_RUN)
		sv_log(sv, NULL, LV_WARN, "control_refused value=%u "
		    "from_pid=%d from_uid=%u why=%s", v, si->si_pid, si->si_uid,
		    sv->phase != PH_RUN ? "shutting down" : "unknown request");
	else {
		s = &sv->svc[idx];
		sv_log(sv, s, LV_INFO, "control request=%s from_pid=%d "
		    "from_uid=%u", verbs[verb], si->si_pid, si->si_uid);
		/* `init down` holds it down; restart and up let it go. */
		s->held_down = verb == CTL_DOWN;
		if (verb != CTL_UP)
			svc_event(sv, s, verb == CTL_DOWN ? EV_STOP : EV_RESTART);
		else {
			s->want_down = 0;
			/* Started by the loop once its dependencies are ready. */
			if (s->state == SS_DONE)
				s->state = SS_DOWN;
		}
	}
	sv->ctl_last = v;
	st_save(sv);
	return 1;
}
