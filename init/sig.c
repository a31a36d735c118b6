/*
 * The signal table: names, and what each signal means to init.
 *
 * Every signal 1-64 is blocked and taken with sigtimedwait, so none can
 * kill init by its default action, including musl's internal 32-34 and
 * the fault signals when someone else sends them (a real fault of init's
 * own is still fatal: the kernel forces it through a blocked mask).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sig.h"
#include "util.h"

/* RTMIN+n counts from 34, as the kernel, glibc, bash and kill(1) do. */
#define RTBASE	34

static const struct sigent {
	char		 name[7];	/* "STKFLT", "VTALRM": 6 letters */
	unsigned char	 num;
	unsigned char	 action;
} sigs[] = {
	{ "HUP",	SIGHUP,		SIGA_FORWARD },
	{ "INT",	SIGINT,		SIGA_STOP },
	{ "QUIT",	SIGQUIT,	SIGA_FORWARD },	/* a JVM's thread dump */
	{ "ILL",	SIGILL,		SIGA_FAULT },
	{ "TRAP",	SIGTRAP,	SIGA_FAULT },
	{ "ABRT",	SIGABRT,	SIGA_FAULT },
	{ "BUS",	SIGBUS,		SIGA_FAULT },
	{ "FPE",	SIGFPE,		SIGA_FAULT },
	{ "KILL",	SIGKILL,	SIGA_NONE },
	{ "USR1",	SIGUSR1,	SIGA_FORWARD },
	{ "SEGV",	SIGSEGV,	SIGA_FAULT },
	{ "USR2",	SIGUSR2,	SIGA_FORWARD },
	{ "PIPE",	SIGPIPE,	SIGA_FORWARD },
	{ "ALRM",	SIGALRM,	SIGA_FORWARD },
	{ "TERM",	SIGTERM,	SIGA_STOP },
	{ "STKFLT",	SIGSTKFLT,	SIGA_FORWARD },
	{ "CHLD",	SIGCHLD,	SIGA_CHLD },
	{ "CONT",	SIGCONT,	SIGA_CONT },
	{ "STOP",	SIGSTOP,	SIGA_NONE },
	{ "TSTP",	SIGTSTP,	SIGA_JOB },
	{ "TTIN",	SIGTTIN,	SIGA_JOB },
	{ "TTOU",	SIGTTOU,	SIGA_JOB },
	{ "URG",	SIGURG,		SIGA_FORWARD },
	{ "XCPU",	SIGXCPU,	SIGA_FORWARD },
	{ "XFSZ",	SIGXFSZ,	SIGA_FORWARD },
	{ "VTALRM",	SIGVTALRM,	SIGA_FORWARD },
	{ "PROF",	SIGPROF,	SIGA_FORWARD },
	{ "WINCH",	SIGWINCH,	SIGA_FORWARD },
	{ "IO",		SIGIO,		SIGA_FORWARD },
	{ "PWR",	SIGPWR,		SIGA_STOP },	/* lxc-stop, Incus */
	{ "SYS",	SIGSYS,		SIGA_FAULT },
};
#define NSIGS	(sizeof(sigs) / sizeof(sigs[0]))

/* The table's entry for SIG, or NULL. */
static const struct sigent *
entry(int sig)
{
	size_t i;

	for (i = 0; i < NSIGS; i++)
		if (sigs[i].num == sig)
			return &sigs[i];
	return NULL;
}

int
sig_action(int sig)
{
	const struct sigent *e = entry(sig);

	/* None: 32 and 33 (the C library's own) and the real-time ones. */
	return e != NULL ? e->action : SIGA_FORWARD;
}

const char *
sig_name(int sig, char *buf, int size)
{
	const struct sigent *e = entry(sig);

	if (e != NULL)
		return e->name;
	if (sig >= RTBASE && sig <= SIG_MAX)
		fmt(buf, (size_t)size, "RTMIN+%d", sig - RTBASE);
	else
		fmt(buf, (size_t)size, "%d", sig);
	return buf;
}

int
sig_parse(const char *s)
{
	long long n;
	size_t i;

	if (num_parse(s, 1, SIG_MAX, &n) == NULL)
		return (int)n;
	if (case_eq(s, "SIG", 3))
		s += 3;
	for (i = 0; i < NSIGS; i++)
		if (case_eq(s, sigs[i].name, (size_t)-1))
			return sigs[i].num;
	if (case_eq(s, "RTMIN+", 6) &&
	    num_parse(s + 6, 0, SIG_MAX - RTBASE, &n) == NULL)
		return RTBASE + (int)n;
	if (case_eq(s, "RTMAX-", 6) &&
	    num_parse(s + 6, 0, SIG_MAX - RTBASE, &n) == NULL)
		return SIG_MAX - (int)n;
	if (case_eq(s, "RTMIN", (size_t)-1))
		return RTBASE;
	if (case_eq(s, "RTMAX", (size_t)-1))
		return SIG_MAX;
	return -1;
}

void
sig_block_all(sigbits *old)
{
	sigbits all = ~0ULL;

	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, sizeof(all));
}

void
sig_setmask(sigbits set)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, sizeof(set));
}

int
sig_wait(sigbits set, siginfo_t *si, long long ms)
{
	struct timespec ts;
	long r;

	if (ms >= 0) {
		ts.tv_sec = (time_t)(ms / 1000);
		ts.tv_nsec = (long)(ms % 1000) * 1000000;
	}
	r = syscall(SYS_rt_sigtimedwait, &set, si, ms >= 0 ? &ts : NULL,
	    sizeof(set));
	return r > 0 ? (int)r : 0;
}

/* The kernel's struct sigaction, the same on x86-64 and arm64. */
struct ksa {
	void		*handler;
	/* cppcheck-suppress unusedStructMember ; the kernel's layout */
	unsigned long	 flags;
	/* cppcheck-suppress unusedStructMember ; the kernel's layout */
	void		*restorer;
	/* cppcheck-suppress unusedStructMember ; the kernel's layout */
	sigbits		 mask;
};

sigbits
sig_take_ignored(void)
{
	struct ksa old, dfl = { SIG_DFL, 0, NULL, 0 };
	sigbits ign = 0;
	int sig;

	for (sig = 1; sig <= SIG_MAX; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof(sigbits)) == 0 &&
		    old.handler == SIG_IGN) {
			ign |= SIGBIT(sig);
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(sigbits));
		}
	}
	return ign;
}

void
sig_ignore(sigbits set)
{
	struct ksa ign = { SIG_IGN, 0, NULL, 0 };
	int sig;

	for (sig = 1; sig <= SIG_MAX; sig++)
		if (set & SIGBIT(sig))
			syscall(SYS_rt_sigaction, sig, &ign, NULL, sizeof(sigbits));
}
