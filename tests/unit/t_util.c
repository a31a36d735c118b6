/* util.c: checked number and seconds parsing, bounded formatting. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unit.h"
#include "util.h"

/* vfmt() called as a printf-like function. */
static size_t __attribute__((format(printf, 3, 4)))
vfmt_of(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = vfmt(buf, size, f, ap);
	va_end(ap);
	return n;
}

static void
numbers(void)
{
	long long n = -7;

	CHECK_STR(num_parse("42", 0, 100, &n), NULL);
	CHECK_INT(n, 42);
	CHECK_STR(num_parse("-3", -5, 5, &n), NULL);
	CHECK_INT(n, -3);
	CHECK_STR(num_parse("", 0, 1, &n), "is empty");
	CHECK_STR(num_parse("4x", 0, 100, &n), "is not a number");
	CHECK_STR(num_parse(" 4", 0, 100, &n), "is not a number");
	CHECK_STR(num_parse("+4", 0, 100, &n), "is not a number");
	CHECK_STR(num_parse("101", 0, 100, &n), "is out of range");
	CHECK_STR(num_parse("99999999999999999999", 0, 100, &n),
	    "is out of range");
	CHECK_INT(n, -3);	/* untouched on failure */
}

/*
 * num_scan() and libc's strtoll() read the same number, end and errno
 * (POSIX lets strtoll set EINVAL when there is no number: no caller looks).
 */
static void
scan(void)
{
	static const char *const in[] = { "", "0", "42", "-3", "+4", " 12",
	    "\t\n\v\f\r -7x", "007", "-0", "-", "+", " -", "- 5", "0x10",
	    "12 kB", "9223372036854775807", "9223372036854775808",
	    "-9223372036854775808", "-9223372036854775809",
	    "99999999999999999999999abc", "-99999999999999999999999",
	    "18446744073709551615", "  4096 (comm) S 1" };
	const char *end;
	char *lend;
	long long ours, libc;
	int e1, e2;
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		errno = 0;
		ours = num_scan(in[i], &end);
		e1 = errno;
		errno = 0;
		libc = strtoll(in[i], &lend, 10);
		e2 = errno;
		if (ours != libc || end != lend ||
		    (e1 != e2 && lend != in[i]))
			unit_fail(__FILE__, __LINE__, "\"%s\": %lld, end +%d, "
			    "errno %d; strtoll: %lld, end +%d, errno %d", in[i],
			    ours, (int)(end - in[i]), e1, libc,
			    (int)(lend - in[i]), e2);
	}
	CHECK_INT(num_scan("77", NULL), 77);
}

/* str_find() finds what strstr() finds. */
static void
finding(void)
{
	static const char *const hay[] = { "", "a", "abc", "http://x",
	    "a://b://c", "\nRss: 1\nPss: 7\nPss_Anon: 2\n", "aab", "aaab" };
	static const char *const needle[] = { "", "a", "ab", "://", "\nPss:",
	    "aab", "abcd", "c" };
	size_t i, j;

	for (i = 0; i < sizeof(hay) / sizeof(hay[0]); i++)
		for (j = 0; j < sizeof(needle) / sizeof(needle[0]); j++)
			if (str_find(hay[i], needle[j]) != strstr(hay[i], needle[j]))
				unit_fail(__FILE__, __LINE__, "\"%s\" in \"%s\"",
				    needle[j], hay[i]);
}

/* case_eq() says what strncasecmp() == 0 and strcasecmp() == 0 say. */
static void
casing(void)
{
	static const char *const str[] = { "", "a", "A", "SIG", "sig", "SiGx",
	    "RTMIN+", "rtmin", "[@`{", "{`@[", "Http://", "http:/", "\xc1" "b",
	    "\xe1" "b" };
	static const size_t lens[] = { 0, 1, 3, 6, 7, 100, (size_t)-1 };
	size_t i, j, k;

	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++)
		for (j = 0; j < sizeof(str) / sizeof(str[0]); j++) {
			if (case_eq(str[i], str[j], (size_t)-1) !=
			    (strcasecmp(str[i], str[j]) == 0))
				unit_fail(__FILE__, __LINE__, "\"%s\" \"%s\"",
				    str[i], str[j]);
			for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
				if (case_eq(str[i], str[j], lens[k]) !=
				    (strncasecmp(str[i], str[j], lens[k]) == 0))
					unit_fail(__FILE__, __LINE__,
					    "\"%s\" \"%s\" %zu", str[i],
					    str[j], lens[k]);
		}
}

static int
int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* sort_array() orders what qsort() orders, in place, for any length. */
static void
sorting(void)
{
	static int ours[600], libc[600];
	static char names[65][72], want[65][72];
	unsigned seed = 12345;
	int n, i, kind;

	for (n = 0; n <= 600; n += n < 20 ? 1 : 97)
		for (kind = 0; kind < 4; kind++) {
			for (i = 0; i < n; i++) {
				seed = seed * 1103515245U + 12345U;
				/* random, sorted, reversed, few distinct values */
				ours[i] = kind == 0 ? (int)(seed >> 8) - (1 << 22) :
				    kind == 1 ? i : kind == 2 ? n - i :
				    (int)(seed >> 16) % 3;
			}
			memcpy(libc, ours, sizeof(ours));
			sort_array(ours, (size_t)n, sizeof(ours[0]), int_cmp);
			qsort(libc, (size_t)n, sizeof(libc[0]), int_cmp);
			if (memcmp(ours, libc, sizeof(ours)) != 0)
				unit_fail(__FILE__, __LINE__, "%d ints (kind %d) "
				    "sorted differently", n, kind);
		}
	/* conf.c's rows: file names in fixed 72-byte slots. */
	for (i = 0; i < 65; i++) {
		seed = seed * 1103515245U + 12345U;
		snprintf(names[i], sizeof(names[i]), "svc-%u.conf", seed >> 20);
	}
	memcpy(want, names, sizeof(names));
	sort_array(names, 65, sizeof(names[0]), str_cmp);
	qsort(want, 65, sizeof(want[0]), str_cmp);
	CHECK(memcmp(names, want, sizeof(names)) == 0);
}

static void
seconds(void)
{
	long long ms = 0;

	CHECK_STR(secs_parse("1", 0, 10000, &ms), NULL);
	CHECK_INT(ms, 1000);
	CHECK_STR(secs_parse("0.25", 0, 10000, &ms), NULL);
	CHECK_INT(ms, 250);
	CHECK_STR(secs_parse("2.005", 0, 10000, &ms), NULL);
	CHECK_INT(ms, 2005);
	CHECK_STR(secs_parse("1.0001", 0, 10000, &ms),
	    "has more than 3 decimals (milliseconds)");
	CHECK_STR(secs_parse("1.", 0, 10000, &ms), "is not a number of seconds");
	CHECK_STR(secs_parse(".5", 0, 10000, &ms), "is not a number of seconds");
	CHECK_STR(secs_parse("-1", 0, 10000, &ms), "is not a number of seconds");
	CHECK_STR(secs_parse("11", 0, 10000, &ms), "is out of range");
	CHECK_STR(secs_parse("0.05", 100, 10000, &ms), "is out of range");
	CHECK_STR(secs_parse("999999999999999999999", 0, 10000, &ms),
	    "is out of range");
}

static void
bounded_fmt(void)
{
	char buf[8];

	CHECK_INT(fmt(buf, sizeof(buf), "%s", "abc"), 3);
	CHECK_STR(buf, "abc");
	/* Truncated: the length actually stored, always terminated. */
	CHECK_INT(fmt(buf, sizeof(buf), "%s", "abcdefghij"), 7);
	CHECK_STR(buf, "abcdefg");
	CHECK_INT(fmt(buf, 0, "%s", "x"), 0);
}

/*
 * vfmt() and libc's vsnprintf() on the same arguments, into a buffer of
 * SIZE bytes: the same return value, and the same bytes, the NUL included;
 * nothing past it is touched.
 */
static void __attribute__((format(printf, 4, 5)))
same(const char *file, int line, size_t size, const char *f, ...)
{
	char ours[200], libc[200];
	va_list ap, ap2;
	size_t n;
	int r;

	memset(ours, '#', sizeof(ours));
	memset(libc, '#', sizeof(libc));
	va_start(ap, f);
	va_copy(ap2, ap);
	n = vfmt(ours, size, f, ap);
	r = vsnprintf(libc, size, f, ap2);
	va_end(ap2);
	va_end(ap);
	if (r < 0 || n != (size_t)r)
		unit_fail(file, line, "\"%s\" (size %zu): vfmt says %zu, "
		    "vsnprintf %d", f, size, n, r);
	else if (memcmp(ours, libc, sizeof(ours)) != 0)
		unit_fail(file, line, "\"%s\" (size %zu): \"%.*s\", libc "
		    "\"%.*s\"", f, size, (int)(r < (int)size ? r : (int)size),
		    ours, (int)(r < (int)size ? r : (int)size), libc);
}

#define SAME(...)	same(__FILE__, __LINE__, 100, __VA_ARGS__)

static void
vfmt_specs(void)
{
	SAME("plain text, no conversion");
	SAME("%s|%s|%s", "abc", "", "a longer string, with spaces");
	SAME("%.*s|%.*s|%.*s", 3, "abcdef", 0, "abc", 10, "ab");
	SAME("%-16s|%16s|%-5s|%5s|%-3s", "left", "right", "x", "y", "toolong");
	SAME("%-16s %-9s %-5s %-7s %-8s %-8s %-24s %5s %7s %-10s %s",
	    "NAME", "STATE", "PID", "UPTIME", "RESTARTS", "HEALTH", "LAST",
	    "CPU%", "RSS", "MEM", "end");
	SAME("%*d|%-*d|%*s|%.*s", 6, 42, 6, 42, -6, "neg", -1, "negprec");
	SAME("%d %d %d %d %d", 0, 1, -1, INT_MAX, INT_MIN);
	SAME("%i %i", 12345, -12345);
	SAME("%u %u %u", 0U, 7U, UINT_MAX);
	SAME("%ld %ld %ld", 0L, LONG_MAX, LONG_MIN);
	SAME("%lu %lu", 0UL, ULONG_MAX);
	SAME("%lld %lld %lld %lld", 0LL, -1LL, LLONG_MAX, LLONG_MIN);
	SAME("%llu %llu", 0ULL, ULLONG_MAX);
	SAME("%zu %zu %zu", (size_t)0, (size_t)4096, SIZE_MAX);
	SAME("%x %x %x %lx %llx", 0U, 0xdeadbeefU, UINT_MAX, 0xabcUL,
	    ULLONG_MAX);
	SAME("%02x %04x %02x %04x", 5U, 0x1fU, 0x123U, 0x12345U);
	SAME("%02d %02d %02d %03d %04d", 5, 12, 123, 7, 2026);
	SAME("%03lld %03lld %03lld %04lld", 7LL, 999LL, 1234LL, 1LL);
	SAME("%05d %05d %03d %02d", -42, 42, -7, -5);
	SAME("%5lld|%7lld|%-5d|%-5d|%5d", 12LL, -3456LL, 3, -3, 123456);
	SAME("%c%c%c|%3c|%-3c|", 'a', 'Z', '\'', 'x', 'y');
	SAME("%%|%d%%|100%%", 50);
	SAME("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", 2026, 12, 1, 0, 5, 9, 7);
	SAME("%lld.%03lld", 1234LL / 1000, 1234LL % 1000);
	SAME("%s:%d: %s \"%s\" is out of range (%lld to %lld)", "a.conf", 7,
	    "MAX_MEM_MB", "20O", 0LL, 16777216LL);
}

static void
vfmt_cut(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 5, 8, 13, 21, 22, 23, 24 };
	size_t i;

	/* Cut anywhere: inside padding, a sign, digits, a string. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		same(__FILE__, __LINE__, sizes[i], "%5d|%-4s|%05d|%x", -12,
		    "ab", -3, 0xbeefU);
		same(__FILE__, __LINE__, sizes[i], "%s", "abcdefghijklmnopqrstu");
		same(__FILE__, __LINE__, sizes[i], "%.*s%c%%", 7, "0123456789",
		    'c');
	}
}

static void
vfmt_null(void)
{
	const char *volatile nul = NULL;
	char buf[16];

	/* As musl's printf, which init used before: "(null)", cut by a precision. */
	CHECK_INT(fmt(buf, sizeof(buf), "%s", nul), 6);
	CHECK_STR(buf, "(null)");
	CHECK_INT(fmt(buf, sizeof(buf), "[%.*s]", 3, nul), 5);
	CHECK_STR(buf, "[(nu]");
	CHECK_INT(fmt(buf, sizeof(buf), "%-8s|", nul), 9);
	CHECK_STR(buf, "(null)  |");
	/* Too little room: the whole length, as vsnprintf says it. */
	CHECK_INT(vfmt_of(buf, 4, "%s", "abcdef"), 6);
	CHECK_STR(buf, "abc");
}

const struct unit util_units[] = {
	{ "num_parse: whole numbers in range, every refusal named", numbers },
	{ "num_scan: reads a number as strtoll does in base 10", scan },
	{ "sort_array: sorts as qsort does, any length and order", sorting },
	{ "str_find: finds what strstr finds", finding },
	{ "case_eq: says what strncasecmp and strcasecmp say", casing },
	{ "secs_parse: seconds with up to 3 decimals as ms", seconds },
	{ "fmt: never overflows, returns what it stored", bounded_fmt },
	{ "vfmt: every conversion init uses, as vsnprintf prints it", vfmt_specs },
	{ "vfmt: cut at any size, as vsnprintf cuts it", vfmt_cut },
	{ "vfmt: a NULL %s is (null), as musl prints it", vfmt_null },
	{ NULL, NULL },
};
