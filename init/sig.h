/*
 * The signal table: names, and what each signal 1-64 means to init,
 * decided here once.  Masks and dispositions go through the raw system
 * calls, since the C library hides signals 32-34 from its sigset_t.
 */
#ifndef SIG_H
#define SIG_H

#include <signal.h>

/* What a signal that reaches init means. */
enum {
	SIGA_FORWARD,	/* pass it on to the children */
	SIGA_STOP,	/* a graceful stop request: stop everything, exit */
	SIGA_JOB,	/* job control (TSTP, TTIN, TTOU): suspend */
	SIGA_CONT,	/* resume, and pass it on */
	SIGA_FAULT,	/* a fault's number: pass on only if someone sent it */
	SIGA_CHLD,	/* a child changed state: reap */
	SIGA_NONE,	/* KILL, STOP: never delivered to a handler */
};

#define SIG_MAX		64	/* the kernel's signals: 1 to 64 */

/* A kernel signal set: bit N-1 for signal N. */
typedef unsigned long long sigbits;
#define SIGBIT(s)	(1ULL << ((s) - 1))

/* What signal SIG (1-64) means to init: SIGA_*. */
int	sig_action(int);
/* Name without "SIG" ("TERM", "RTMIN+3"), written to BUF of SIZE. */
const char *sig_name(int, char *, int);
/* Signal number for "TERM", "SIGTERM", "15" or "RTMIN+1"; -1 if none. */
int	sig_parse(const char *);
/* Block every signal 1-64; the previous mask goes to OLD (may be NULL). */
void	sig_block_all(sigbits *);
/* Set the mask to SET exactly. */
void	sig_setmask(sigbits);
/*
 * Wait up to MS milliseconds (-1: no limit) for a signal of SET; its
 * number and INFO, 0 on timeout or interruption.
 */
int	sig_wait(sigbits, siginfo_t *, long long);
/* Every signal set to SIG_IGN, reset to SIG_DFL; the set of them. */
sigbits	sig_take_ignored(void);
/* Set each signal of SET to SIG_IGN (in a child, before exec). */
void	sig_ignore(sigbits);

#endif
