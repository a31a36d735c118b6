/* service.c: decide() and the restart window, without processes. */
#include <string.h>

#include "conf.h"
#include "service.h"
#include "unit.h"

static struct conf c;

static void
policy(int p, int type)
{
	memset(&c, 0, sizeof(c));
	c.restart_policy = p;
	c.type = type;
	c.success[0] = 1;		/* exit code 0 */
	c.restart_delay = 1000;
	c.restart_delay_max = 1000;
	c.restart_window = 60000;
}

static int
run(int status, int failed, int down, long long runtime, unsigned long recent,
    long long *wait, long long *delay)
{
	struct run_end r = { status, failed, down, runtime, recent };

	return decide(&c, &r, wait, delay);
}

static void
policies(void)
{
	long long w = -1, d = 1000;

	policy(RESTART_NEVER, TYPE_SIMPLE);
	CHECK_INT(run(3, 0, 0, 10, 0, &w, &d), V_EXITED);
	policy(RESTART_ON_FAILURE, TYPE_SIMPLE);
	CHECK_INT(run(0, 0, 0, 10, 0, &w, &d), V_EXITED);
	CHECK_INT(run(3, 0, 0, 10, 0, &w, &d), V_RESTART);
	CHECK_INT(w, 1000);
	/* A watchdog kill fails whatever the code said. */
	CHECK_INT(run(0, 1, 0, 10, 0, &w, &d), V_RESTART);
	/* SUCCESS_EXIT_CODES counts 128+N too (143: a JVM after TERM). */
	c.success[143 / 8] |= 1 << (143 % 8);
	CHECK_INT(run(143, 0, 0, 10, 0, &w, &d), V_EXITED);
	policy(RESTART_ALWAYS, TYPE_SIMPLE);
	CHECK_INT(run(0, 0, 0, 10, 0, &w, &d), V_RESTART);
	/* A requested stop wins over every policy. */
	CHECK_INT(run(3, 0, 1, 10, 0, &w, &d), V_STOPPED);
}

static void
oneshots(void)
{
	long long w, d = 1000;

	policy(RESTART_ALWAYS, TYPE_ONESHOT);
	CHECK_INT(run(0, 0, 0, 10, 0, &w, &d), V_SUCCESS);
	CHECK_INT(run(2, 0, 0, 10, 0, &w, &d), V_RESTART);
	policy(RESTART_NEVER, TYPE_ONESHOT);
	CHECK_INT(run(2, 0, 0, 10, 0, &w, &d), V_EXITED);
}

static void
give_up(void)
{
	long long w, d = 1000;

	policy(RESTART_ALWAYS, TYPE_SIMPLE);
	c.max_restarts = 3;
	CHECK_INT(run(1, 0, 0, 10, 2, &w, &d), V_RESTART);
	CHECK_INT(run(1, 0, 0, 10, 3, &w, &d), V_GIVE_UP);
}

static void
backoff(void)
{
	long long w = -1, d;

	policy(RESTART_ALWAYS, TYPE_SIMPLE);
	c.restart_delay = 250;
	c.restart_delay_max = 1500;
	d = c.restart_delay;
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 250);
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 500);
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 1000);
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 1500);
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 1500);
	/* A run longer than the longest delay resets the back-off. */
	run(1, 0, 0, 2000, 0, &w, &d);
	CHECK_INT(w, 250);
}

static void
zero_floor(void)
{
	long long w = -1, d;

	policy(RESTART_ALWAYS, TYPE_SIMPLE);
	c.restart_delay = 0;
	c.restart_delay_max = 1000;
	d = 0;
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 0);
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, BACKOFF_FLOOR);
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 2 * BACKOFF_FLOOR);
	/* Without a maximum above zero there is no back-off at all. */
	c.restart_delay_max = 0;
	d = 0;
	run(1, 0, 0, 10, 0, &w, &d);
	run(1, 0, 0, 10, 0, &w, &d);
	CHECK_INT(w, 0);
}

static void
window(void)
{
	long long h[4] = { 1000, 2000, 3000, 4000 };

	/* Ring of 4, 6 restarts so far: the newest is at (6-1)%4 = 1. */
	h[0] = 5000;
	h[1] = 6000;
	CHECK_INT(restarts_recent(h, 4, 6, 6500, 60000), 4);
	CHECK_INT(restarts_recent(h, 4, 6, 6500, 2000), 2);
	CHECK_INT(restarts_recent(h, 4, 6, 6500, 100), 0);
	CHECK_INT(restarts_recent(h, 4, 0, 6500, 60000), 0);
	CHECK_INT(restarts_recent(h, 4, 2, 6500, 60000), 2);
}

const struct unit service_units[] = {
	{ "decide: never, on-failure, always, a requested stop", policies },
	{ "decide: a oneshot is done on success", oneshots },
	{ "decide: MAX_RESTARTS within the window gives up", give_up },
	{ "decide: back-off doubles to the maximum, resets after a long run",
	    backoff },
	{ "decide: RESTART_DELAY=0 backs off from a floor", zero_floor },
	{ "restarts_recent: counts the ring within RESTART_WINDOW", window },
	{ NULL, NULL },
};
