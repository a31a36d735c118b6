/* Runs every table of unit tests and prints TAP; exit 1 if any failed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

extern const struct unit util_units[], sig_units[], log_units[],
    logfile_units[], logwriter_units[];
extern const struct unit probe_units[], conf_units[], service_units[];
extern const struct unit watchdog_units[], compat_units[];

static const struct {
	const char		*suite;
	const struct unit	*tests;
} suites[] = {
	{ "util",	util_units },
	{ "sig",	sig_units },
	{ "probe",	probe_units },
	{ "conf",	conf_units },
	{ "service",	service_units },
	{ "watchdog",	watchdog_units },
	{ "log",	log_units },
	{ "logfile",	logfile_units },
	{ "logwriter",	logwriter_units },
	{ "compat",	compat_units },
};

static int	failed;		/* checks failed in the running test */

void
unit_fail(const char *file, int line, const char *f, ...)
{
	va_list ap;

	failed++;
	printf("# %s:%d: ", file, line);
	va_start(ap, f);
	vprintf(f, ap);
	va_end(ap);
	printf("\n");
}

void
unit_str(const char *file, int line, const char *expr, const char *a,
    const char *b)
{
	if (a == NULL && b == NULL)
		return;
	if (a == NULL || b == NULL || strcmp(a, b) != 0)
		unit_fail(file, line, "%s is \"%s\", expected \"%s\"", expr,
		    a != NULL ? a : "(null)", b != NULL ? b : "(null)");
}

int
main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	size_t s, i, total = 0, n = 0, bad = 0;

	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++)
		for (i = 0; suites[s].tests[i].name != NULL; i++)
			if (only == NULL || strcmp(only, suites[s].suite) == 0)
				total++;
	printf("1..%zu\n", total);
	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		if (only != NULL && strcmp(only, suites[s].suite) != 0)
			continue;
		for (i = 0; suites[s].tests[i].name != NULL; i++) {
			failed = 0;
			suites[s].tests[i].fn();
			printf("%sok %zu %s: %s\n", failed ? "not " : "", ++n,
			    suites[s].suite, suites[s].tests[i].name);
			fflush(stdout);
			bad += failed != 0;
		}
	}
	return bad != 0;
}
