/* util.c: checked number and seconds parsing, bounded formatting. */
#include "unit.h"
#include "util.h"

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

const struct unit util_units[] = {
	{ "num_parse: whole numbers in range, every refusal named", numbers },
	{ "secs_parse: seconds with up to 3 decimals as ms", seconds },
	{ "fmt: never overflows, returns what it stored", bounded_fmt },
	{ NULL, NULL },
};
