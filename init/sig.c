/* The signal table: names, and what PID 1 does with each signal. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sig.h"
#include "util.h"

/* RTMIN+n counts from 34, as the kernel, glibc, bash and kill(1) do. */
#define RTBASE	34

static const struct {
	const char	*name;
	int		 num;
	int		 flags;
} sigs[] = {
	{ "HUP",	SIGHUP,		SIG_FORWARD },
	{ "INT",	SIGINT,		SIG_FORWARD | SIG_STOP },
	{ "QUIT",	SIGQUIT,	SIG_FORWARD | SIG_STOP },
	{ "ILL",	SIGILL,		SIG_FAULT },
	{ "TRAP",	SIGTRAP,	0 },
	{ "ABRT",	SIGABRT,	0 },
	{ "BUS",	SIGBUS,		SIG_FAULT },
	{ "FPE",	SIGFPE,		SIG_FAULT },
	{ "KILL",	SIGKILL,	0 },
	{ "USR1",	SIGUSR1,	SIG_FORWARD },
	{ "SEGV",	SIGSEGV,	SIG_FAULT },
	{ "USR2",	SIGUSR2,	SIG_FORWARD },
	{ "PIPE",	SIGPIPE,	SIG_FORWARD },
	{ "ALRM",	SIGALRM,	SIG_FORWARD },
	{ "TERM",	SIGTERM,	SIG_FORWARD | SIG_STOP },
	{ "STKFLT",	SIGSTKFLT,	0 },
	{ "CHLD",	SIGCHLD,	0 },
	{ "CONT",	SIGCONT,	SIG_FORWARD },
	{ "STOP",	SIGSTOP,	0 },
	{ "TSTP",	SIGTSTP,	SIG_FORWARD },
	{ "TTIN",	SIGTTIN,	SIG_FORWARD },
	{ "TTOU",	SIGTTOU,	SIG_FORWARD },
	{ "URG",	SIGURG,		0 },
	{ "XCPU",	SIGXCPU,	0 },
	{ "XFSZ",	SIGXFSZ,	0 },
	{ "VTALRM",	SIGVTALRM,	0 },
	{ "PROF",	SIGPROF,	0 },
	{ "WINCH",	SIGWINCH,	SIG_FORWARD },
	{ "IO",		SIGIO,		0 },
	{ "PWR",	SIGPWR,		0 },
	{ "SYS",	SIGSYS,		0 },
};

int
sig_flags(int sig)
{
	size_t i;

	if (sig >= RTBASE && sig <= SIGRTMAX)
		return SIG_FORWARD;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigs[i].num == sig)
			return sigs[i].flags;
	return 0;
}

const char *
sig_name(int sig, char *buf, int size)
{
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigs[i].num == sig)
			return sigs[i].name;
	if (sig >= RTBASE && sig <= SIGRTMAX)
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

	if (num_parse(s, 1, SIGRTMAX, &n) == NULL)
		return (int)n;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcasecmp(s, sigs[i].name) == 0)
			return sigs[i].num;
	if (strncasecmp(s, "RTMIN+", 6) == 0 &&
	    num_parse(s + 6, 0, SIGRTMAX - RTBASE, &n) == NULL)
		return RTBASE + (int)n;
	if (strcasecmp(s, "RTMIN") == 0)
		return RTBASE;
	if (strcasecmp(s, "RTMAX") == 0)
		return SIGRTMAX;
	return -1;
}

void
sig_blockable(sigset_t *set)
{
	size_t i;

	sigfillset(set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigs[i].flags & SIG_FAULT)
			sigdelset(set, sigs[i].num);
}
