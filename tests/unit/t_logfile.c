/* logfile.c: day math round-trips, file names and matching our own files. */
#include <string.h>

#include "logfile.h"
#include "unit.h"

/* Every day from 1600-01-01 to 2400-12-31: date -> day -> date. */
static void
days_round_trip(void)
{
	char buf[16];
	long long day, first = lf_days(1600, 1, 1), last = lf_days(2400, 12, 31);
	long long prev = first - 1;

	for (day = first; day <= last; day++) {
		lf_date(day, buf, sizeof(buf));
		if (lf_day(buf) != day) {
			unit_fail(__FILE__, __LINE__, "%lld -> %s -> %lld", day,
			    buf, lf_day(buf));
			return;
		}
		prev = day;
	}
	CHECK_INT(prev, last);
}

static void
known_days(void)
{
	char buf[16];

	CHECK_INT(lf_days(1970, 1, 1), 0);
	CHECK_INT(lf_days(2000, 3, 1), 11017);
	CHECK_INT(lf_days(1969, 12, 31), -1);
	CHECK_INT(lf_day("2026-12-01"), lf_days(2026, 12, 1));
	CHECK_INT(lf_date(-1, buf, sizeof(buf)), 10);
	CHECK_STR(buf, "1969-12-31");
	lf_date(lf_days(2024, 2, 29), buf, sizeof(buf));
	CHECK_STR(buf, "2024-02-29");
	CHECK_INT(lf_day_of_ms(0), 0);
	CHECK_INT(lf_day_of_ms(86399999), 0);
	CHECK_INT(lf_day_of_ms(86400000), 1);
	CHECK_INT(lf_day_of_ms(-1), -1);
}

static void
bad_dates(void)
{
	CHECK_INT(lf_day("2026-02-30"), -1);
	CHECK_INT(lf_day("2025-02-29"), -1);
	CHECK_INT(lf_day("2026-13-01"), -1);
	CHECK_INT(lf_day("2026-00-10"), -1);
	CHECK_INT(lf_day("2026-01-00"), -1);
	CHECK_INT(lf_day("2026-1-01x"), -1);
	CHECK_INT(lf_day("20261201xx"), -1);
	CHECK_INT(lf_day("2026/12/01"), -1);
	CHECK_INT(lf_day(""), -1);
}

static void
names(void)
{
	char buf[LF_NAME_SIZE];
	long long d = lf_days(2026, 12, 1);

	CHECK_INT(lf_name("app", d, buf, sizeof(buf)), 18);
	CHECK_STR(buf, "app-2026-12-01.log");
	CHECK_INT(lf_match("app", "app-2026-12-01.log"), d);
	CHECK_INT(lf_match("app", buf), d);
	CHECK_INT(lf_match("app", "app-2026-12-01.log.gz"), -1);
	CHECK_INT(lf_match("app", "app-2026-12-01.txt"), -1);
	CHECK_INT(lf_match("app", "app-notadate.log"), -1);
	CHECK_INT(lf_match("app", "app-2026-02-30.log"), -1);
	CHECK_INT(lf_match("app", "other-2026-12-01.log"), -1);
	CHECK_INT(lf_match("app", "app2026-12-01.log"), -1);
	/* Another service whose NAME starts like ours is not ours. */
	CHECK_INT(lf_match("app", "app-x-2026-12-01.log"), -1);
	CHECK_INT(lf_match("app-x", "app-x-2026-12-01.log"), d);
	CHECK_INT(lf_match("app", "app-2026-12-01.log~"), -1);
	/* Names that end early: within the date or before ".log". */
	CHECK_INT(lf_match("app", "app-2026-12"), -1);
	CHECK_INT(lf_match("app", "app-2026-12-01"), -1);
	CHECK_INT(lf_match("app", "app-2026-12-01.lo"), -1);
	CHECK_INT(lf_match("app", "app-"), -1);
}

const struct unit logfile_units[] = {
	{ "days: every date of 1600..2400 round-trips", days_round_trip },
	{ "days: known dates, the day before the epoch, leap days", known_days },
	{ "days: impossible dates are refused", bad_dates },
	{ "names: NAME-YYYY-MM-DD.log, and only ours match", names },
	{ NULL, NULL },
};
