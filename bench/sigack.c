/*
 * sigack - the child for the signal latency benchmark (make bench).
 * Writes 8 zero bytes to stdout once its SIGUSR1 handler is installed, then
 * on every SIGUSR1 writes the CLOCK_MONOTONIC time in ns (8 bytes, host
 * order) from the handler.  Ends on SIGTERM (default action).
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
ack(int sig)
{
	struct timespec ts;
	uint64_t ns;

	(void)sig;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	if (write(1, &ns, sizeof(ns)) != sizeof(ns))
		_exit(1);
}

int
main(void)
{
	struct sigaction sa;
	uint64_t zero = 0;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ack;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (write(1, &zero, sizeof(zero)) != sizeof(zero))
		return 1;
	for (;;)
		pause();
}
