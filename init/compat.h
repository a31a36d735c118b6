/*
 * Drop-in command lines: invoked as tini, docker-init or dumb-init (or
 * with INIT_AS=tini|dumb-init), init takes that tool's options and
 * environment and runs its command as `init --` would.
 */
#ifndef COMPAT_H
#define COMPAT_H

#include <stddef.h>

#include "conf.h"
#include "sig.h"

/* Which tool a command line is for. */
enum { AS_NONE, AS_TINI, AS_DUMB, AS_BAD };
/* What it asks for: run the command, or print something and exit. */
enum { CA_RUN, CA_HELP, CA_VERSION, CA_LICENSE, CA_USAGE };

#define COMPAT_SET_MAX	8	/* settings one drop-in command line makes */
#define COMPAT_OUT_MAX	2048	/* its help, license or error text */

/* A drop-in command line, translated. */
struct compat {
	int		 action;	/* CA_* */
	int		 status;	/* exit status, unless CA_RUN */
	int		 fd;		/* where OUT goes: 1 or 2 */
	size_t		 len;		/* bytes in OUT */
	char		 out[COMPAT_OUT_MAX];
	char		**cmd;		/* CA_RUN: the command */
	int		 nset;
	struct setting	 set[COMPAT_SET_MAX];	/* CA_RUN: for sv_run_dash */
	char		 zero[4 * 256];	/* EXIT_AS_ZERO's value */
	char		 map[6 * SIG_MAX + 1];	/* SIGNAL_MAP's value */
	char		 stop[4], pdeath[4];	/* STOP_SIGNAL, PARENT_DEATH_SIGNAL */
};

/* The tool named by INIT_AS (NULL: unset), else by ARGV0; AS_*. */
int	compat_as(const char *, const char *);
/*
 * Translate ARGC and ARGV for tool AS, with the environment ENVP, into C.
 * Pure: no I/O.  ARGV is reordered in place (the command's words first,
 * as GNU getopt does for tini) and C->cmd points into it.
 */
void	compat_parse(struct compat *, int, int, char **, char *const *);
/* Whether ARGV0 (or INIT_AS) asks for a drop-in command line. */
int	compat_wanted(const char *);
/* Run as that tool; init's exit status. */
int	compat_main(int, char **, struct confset *, sigbits);


#endif
