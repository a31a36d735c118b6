/*
 * Drop-in command lines: invoked as tini, docker-init or dumb-init (or
 * with INIT_AS=tini|dumb-init), init takes that tool's options and
 * environment and runs its command as `init --` would.
 */
#ifndef COMPAT_H
#define COMPAT_H

#include "conf.h"
#include "sig.h"

/* Whether ARGV0 (or INIT_AS) asks for a drop-in command line. */
int	compat_wanted(const char *);
/* Run as that tool; init's exit status. */
int	compat_main(int, char **, struct confset *, sigbits);

#endif
