/* sig.c: signal names and numbers, and what each signal means to init. */
#include <signal.h>

#include "sig.h"
#include "unit.h"

static void
names(void)
{
	char b[16];

	CHECK_INT(sig_parse("TERM"), SIGTERM);
	CHECK_INT(sig_parse("SIGTERM"), SIGTERM);
	CHECK_INT(sig_parse("sigterm"), SIGTERM);
	CHECK_INT(sig_parse("15"), 15);
	CHECK_INT(sig_parse("RTMIN"), 34);
	CHECK_INT(sig_parse("RTMIN+3"), 37);
	CHECK_INT(sig_parse("RTMAX"), 64);
	CHECK_INT(sig_parse("65"), -1);
	CHECK_INT(sig_parse("0"), -1);
	CHECK_INT(sig_parse("NOPE"), -1);
	CHECK_INT(sig_parse(""), -1);
	CHECK_STR(sig_name(SIGHUP, b, sizeof(b)), "HUP");
	CHECK_STR(sig_name(36, b, sizeof(b)), "RTMIN+2");
}

static void
round_trip(void)
{
	char b[16];
	int s;

	/* Every signal 1-64 has a name that parses back to it. */
	for (s = 1; s <= 64; s++)
		CHECK_INT(sig_parse(sig_name(s, b, sizeof(b))), s);
}

static void
meanings(void)
{
	int s;

	CHECK_INT(sig_action(SIGTERM), SIGA_STOP);
	CHECK_INT(sig_action(SIGINT), SIGA_STOP);
	CHECK_INT(sig_action(SIGPWR), SIGA_STOP);
	CHECK_INT(sig_action(SIGQUIT), SIGA_FORWARD);
	CHECK_INT(sig_action(SIGTSTP), SIGA_JOB);
	CHECK_INT(sig_action(SIGCONT), SIGA_CONT);
	CHECK_INT(sig_action(SIGSEGV), SIGA_FAULT);
	CHECK_INT(sig_action(SIGCHLD), SIGA_CHLD);
	/* Every other signal, 32-64 included, is passed on. */
	for (s = 1; s <= 64; s++)
		if (s != SIGTERM && s != SIGINT && s != SIGPWR && s != SIGTSTP &&
		    s != SIGTTIN && s != SIGTTOU && s != SIGCONT && s != SIGCHLD &&
		    s != SIGKILL && s != SIGSTOP && s != SIGILL && s != SIGTRAP &&
		    s != SIGABRT && s != SIGBUS && s != SIGFPE && s != SIGSEGV &&
		    s != SIGSYS)
			CHECK_INT(sig_action(s), SIGA_FORWARD);
}

const struct unit sig_units[] = {
	{ "what each signal means to init, decided in one table", meanings },
	{ "names, numbers, SIG prefix, RTMIN+n and RTMAX", names },
	{ "every signal 1-64 round-trips through its name", round_trip },
	{ NULL, NULL },
};
