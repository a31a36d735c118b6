/*
 * A tiny unit-test runner for init's pure functions (no processes, no
 * clock, no /proc).  Each tests/unit/t_*.c file defines one table of
 * tests, ended by { NULL, NULL }, and main.c lists the tables.  Output is
 * TAP, one "ok N - suite: name" line per test, so CI counts it like bats.
 */
#ifndef UNIT_H
#define UNIT_H

#include <string.h>

struct unit {
	const char	*name;
	void		(*fn)(void);
};

/* Record a failure of the running test, with where and why. */
void	unit_fail(const char *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#define CHECK(c) do {							\
	if (!(c))							\
		unit_fail(__FILE__, __LINE__, "%s", #c);		\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	if (a_ != b_)							\
		unit_fail(__FILE__, __LINE__, "%s is %lld, expected %lld", \
		    #a, a_, b_);					\
} while (0)

/* A and B are strings; NULL is shown as (null) and equals only NULL. */
#define CHECK_STR(a, b)	unit_str(__FILE__, __LINE__, #a, (a), (b))
void	unit_str(const char *, int, const char *, const char *, const char *);

/* LEN bytes at A equal the string B. */
#define CHECK_MEM(a, len, b) do {					\
	size_t l_ = (size_t)(len);					\
	const char *b_ = (b);						\
	if (l_ != strlen(b_) || memcmp((a), b_, l_) != 0)		\
		unit_fail(__FILE__, __LINE__, "%s is \"%.*s\", expected \"%s\"", \
		    #a, (int)l_, (const char *)(a), b_);		\
} while (0)

#endif
