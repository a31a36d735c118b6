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

const struct unit sig_units[] = {
	{ "names, numbers, SIG prefix, RTMIN+n and RTMAX", names },
	{ "every signal 1-64 round-trips through its name", round_trip },
	{ NULL, NULL },
};
