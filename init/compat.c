/* Drop-in command lines (tini, dumb-init): not yet. */
#include "compat.h"

int
compat_wanted(const char *argv0)
{
	(void)argv0;
	return 0;
}

int
compat_main(int argc, char **argv, struct confset *cs, sigbits orig)
{
	(void)argc;
	(void)argv;
	(void)cs;
	(void)orig;
	return 2;
}
