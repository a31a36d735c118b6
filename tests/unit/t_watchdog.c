/* watchdog.c: judging CPU use from two samples, and parsing /proc text. */
#include <string.h>

#include "conf.h"
#include "proc.h"
#include "unit.h"
#include "watchdog.h"

static void
cpu(void)
{
	struct conf c;
	long long pct;
	int over = 0;

	memset(&c, 0, sizeof(c));
	c.max_cpu_pct = 50;
	c.cpu_breach_ticks = 2;
	/* 100 ticks at 100 Hz in 2000 ms: 50 % of a core, not over. */
	CHECK_INT(wd_judge_cpu(&c, 100, 2000, 100, &over, &pct), WD_NONE);
	CHECK_INT(pct, 50);
	CHECK_INT(over, 0);
	CHECK_INT(wd_judge_cpu(&c, 102, 2000, 100, &over, &pct), WD_NONE);
	CHECK_INT(over, 1);
	CHECK_INT(wd_judge_cpu(&c, 400, 2000, 100, &over, &pct), WD_CPU);
	CHECK_INT(pct, 200);
	/* A sample under the limit starts the count again. */
	CHECK_INT(wd_judge_cpu(&c, 0, 2000, 100, &over, &pct), WD_NONE);
	CHECK_INT(over, 0);
	c.max_cpu_pct = 0;
	CHECK_INT(wd_judge_cpu(&c, 100000, 1000, 100, &over, &pct), WD_NONE);
	CHECK_INT(wd_judge_cpu(&c, 5, 0, 100, &over, &pct), WD_NONE);
}

static void
stat_line(void)
{
	struct pstat p;
	const char *s = "42 (a (b) c) S 7 42 42 0 -1 4194304 1 2 3 4 "
	    "11 12 13 -14 20 0 3 0 5678 9000 77 18446744073709551615";

	CHECK_INT(proc_parse_stat(s, &p), 0);
	CHECK_INT(p.pid, 42);
	CHECK_STR(p.comm, "a (b) c");
	CHECK_INT(p.state, 'S');
	CHECK_INT(p.ppid, 7);
	CHECK_INT(p.pgrp, 42);
	CHECK_INT(p.utime, 11);
	CHECK_INT(p.stime, 12);
	CHECK_INT(p.cutime, 13);
	CHECK_INT(p.cstime, 0);		/* negative: counted as none */
	CHECK_INT(p.threads, 3);
	CHECK_INT(p.start, 5678);
	CHECK_INT(p.rss, 77);
	CHECK_INT(proc_parse_stat("42 (x) S 7", &p), -1);
	CHECK_INT(proc_parse_stat("garbage", &p), -1);
	CHECK_INT(proc_parse_pss("\nRss: 10 kB\nPss: 7 kB\nPss_Anon: 1 kB\n"), 7);
	CHECK_INT(proc_parse_pss("\nRss: 10 kB\n"), -1);
}

const struct unit watchdog_units[] = {
	{ "wd_judge_cpu: percent of a core, CPU_BREACH_TICKS in a row", cpu },
	{ "proc_parse_stat: fields after the last ')', signed ones", stat_line },
	{ NULL, NULL },
};
