/*
 * worker - demo workload to run under the init in a FROM scratch image
 * (static, needs no shell).  It prints "worker: started pid=P", then
 * "worker: heartbeat N pid=P" every interval, and on SIGTERM or SIGINT
 * prints "worker: shutting down (signal TERM|INT)" and exits 0.  Options
 * make it misbehave on purpose: stop after N beats, crash (exit 3), leak
 * memory, burn CPU, fork child workers ("worker[child K]: ..."; they are
 * in our process group and get no forwarded signals) or ignore SIGTERM.
 * Each option can also be set by the environment variable shown; a flag
 * wins over the environment.  Bad usage exits 2.
 *
 * With --http PORT it also answers HTTP on that port (all addresses), for
 * health checks: GET /healthz is "200 ok", anything else 404.  SIGUSR1
 * makes it hang like a deadlocked program: "worker: hanging" once, then
 * no more beats and no more answers (connections wait unanswered); TERM
 * and INT still end it.
 *
 * usage: worker [--beats N] [--crash-after N] [--leak-mb N] [--spin]
 *     [--fork N] [--ignore-term] [--interval MS] [--stderr-every N]
 *     [--http PORT]
 *   --beats N         WORKER_BEATS         exit 0 after N beats (0: never)
 *   --crash-after N   WORKER_CRASH_AFTER   exit 3 after N beats
 *   --leak-mb N       WORKER_LEAK_MB       leak N MiB more every beat
 *   --spin            WORKER_SPIN=1        burn CPU instead of sleeping
 *   --fork N          WORKER_FORK          also run N child workers
 *   --ignore-term     WORKER_IGNORE_TERM=1 ignore SIGTERM
 *   --interval MS     WORKER_INTERVAL_MS   beat interval (default 1000)
 *   --stderr-every N  WORKER_STDERR_EVERY  warn on stderr every N beats
 *   --http PORT       WORKER_HTTP_PORT     answer GET /healthz on PORT
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long beats, crash, leakmb, spin, nfork, ignterm, interval = 1000,
    errevery, httpport;

static const struct opt {
	const char	*flag, *env;
	long		*val, min, max;
	int		 boolean;	/* flag takes no argument */
} opts[] = {
	{ "--beats", "WORKER_BEATS", &beats, 0, 1L << 30, 0 },
	{ "--crash-after", "WORKER_CRASH_AFTER", &crash, 0, 1L << 30, 0 },
	{ "--leak-mb", "WORKER_LEAK_MB", &leakmb, 0, 1L << 16, 0 },
	{ "--spin", "WORKER_SPIN", &spin, 0, 1, 1 },
	{ "--fork", "WORKER_FORK", &nfork, 0, 1000, 0 },
	{ "--ignore-term", "WORKER_IGNORE_TERM", &ignterm, 0, 1, 1 },
	{ "--interval", "WORKER_INTERVAL_MS", &interval, 1, 86400000, 0 },
	{ "--stderr-every", "WORKER_STDERR_EVERY", &errevery, 0, 1L << 30, 0 },
	{ "--http", "WORKER_HTTP_PORT", &httpport, 0, 65535, 0 },
};
#define NOPTS	(sizeof(opts) / sizeof(opts[0]))

static char prefix[48] = "worker";
static sigset_t stopset, waitmask;
static volatile sig_atomic_t stopsig, hang;
static int lsock = -1;		/* the --http socket, or -1 */

static void
usage(void)
{
	fprintf(stderr, "usage: worker [--beats N] [--crash-after N] "
	    "[--leak-mb N] [--spin]\n    [--fork N] [--ignore-term] "
	    "[--interval MS] [--stderr-every N]\n    [--http PORT]\n");
	exit(2);
}

static void
setopt(const struct opt *o, const char *name, const char *s)
{
	char *end;

	errno = 0;
	*o->val = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *o->val < o->min ||
	    *o->val > o->max) {
		fprintf(stderr, "worker: bad value for %s: '%s'\n", name, s);
		usage();
	}
}

/* One write(2) per line: lines stay whole and ordered across processes. */
static void __attribute__((format(printf, 2, 3)))
say(int fd, const char *fmt, ...)
{
	char buf[256], *p = buf;
	va_list ap;
	size_t n;
	ssize_t r;

	n = (size_t)snprintf(buf, sizeof(buf) - 1, "%s: ", prefix);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - 1 - n, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	buf[n++] = '\n';
	while (n > 0) {
		if ((r = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += r;
		n -= (size_t)r;
	}
}

static void
onsig(int sig)
{
	if (sig == SIGUSR1)
		hang = 1;
	else
		stopsig = sig;
}

/* Listen on PORT, every address; exits 1 if it cannot. */
static void
http_listen(long port)
{
	struct sockaddr_in sin;
	int one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)port);
	if ((lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(lsock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lsock, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lsock, 16) < 0) {
		say(2, "cannot listen on port %ld: %s", port, strerror(errno));
		exit(1);
	}
	say(1, "listening on port %ld", port);
}

/* Answer one waiting connection: the request head, then 200 or 404. */
static void
http_answer(void)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain"
	    "\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
	static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0"
	    "\r\nConnection: close\r\n\r\n";
	struct timeval tv = { 1, 0 };	/* a silent client is not waited for */
	char req[2048];
	size_t got = 0;
	ssize_t r;
	int c;

	if ((c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	req[0] = '\0';
	while (got < sizeof(req) - 1 && strstr(req, "\r\n\r\n") == NULL &&
	    (r = recv(c, req + got, sizeof(req) - 1 - got, 0)) > 0) {
		got += (size_t)r;
		req[got] = '\0';
	}
	if (strncmp(req, "GET /healthz ", 13) == 0 ||
	    strncmp(req, "GET /healthz?", 13) == 0)
		send(c, ok, sizeof(ok) - 1, MSG_NOSIGNAL);
	else
		send(c, nf, sizeof(nf) - 1, MSG_NOSIGNAL);
	close(c);
}

/*
 * TERM and INT stay blocked except while we wait, so a signal can never
 * slip in between checking stopsig and going to sleep: ppoll unblocks them
 * atomically.  Spinning polls the flag instead, with the signals unblocked.
 */
static void
waituntil(const struct timespec *dl)
{
	static const struct timespec zero = { 0, 0 };
	struct pollfd p = { -1, POLLIN, 0 };
	struct timespec now, rem;

	p.fd = lsock;
	if (spin)
		sigprocmask(SIG_SETMASK, &waitmask, NULL);
	while (!stopsig && !hang) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		rem.tv_sec = dl->tv_sec - now.tv_sec;
		rem.tv_nsec = dl->tv_nsec - now.tv_nsec;
		if (rem.tv_nsec < 0) {
			rem.tv_sec--;
			rem.tv_nsec += 1000000000L;
		}
		if (rem.tv_sec < 0)
			break;
		p.revents = 0;
		if (!spin || lsock >= 0)
			ppoll(&p, lsock >= 0, spin ? &zero : &rem, &waitmask);
		if (p.revents & POLLIN && !hang)
			http_answer();
	}
	if (spin)
		sigprocmask(SIG_BLOCK, &stopset, NULL);
}

/* SIGUSR1: beat and answer no more, as if deadlocked; TERM and INT end it. */
static void
hang_here(void)
{
	say(1, "hanging");
	while (!stopsig)
		sigsuspend(&waitmask);
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	struct timespec dl, now;
	const char *v;
	size_t i;
	long n, k;
	pid_t pid;
	int a;
	char *leak;

	for (i = 0; i < NOPTS; i++)
		if ((v = getenv(opts[i].env)) != NULL && *v != '\0')
			setopt(&opts[i], opts[i].env, v);
	for (a = 1; a < argc; a++) {
		for (i = 0; i < NOPTS && strcmp(argv[a], opts[i].flag); i++)
			;
		if (i == NOPTS || (!opts[i].boolean && a + 1 == argc))
			usage();
		setopt(&opts[i], argv[a], opts[i].boolean ? "1" : argv[a + 1]);
		a += !opts[i].boolean;
	}

	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	sigaddset(&stopset, SIGUSR1);
	sigprocmask(SIG_BLOCK, &stopset, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGUSR1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = ignterm ? SIG_IGN : onsig;
	sigaction(SIGTERM, &sa, NULL);

	say(1, "started pid=%ld", (long)getpid());
	if (ignterm)
		say(1, "ignoring SIGTERM");
	if (httpport > 0)
		http_listen(httpport);
	for (k = 1; k <= nfork; k++) {
		if ((pid = fork()) < 0)
			say(2, "fork: %s", strerror(errno));
		else if (pid == 0) {
			snprintf(prefix, sizeof(prefix), "worker[child %ld]", k);
			if (lsock >= 0)
				close(lsock);
			lsock = -1;
			say(1, "started pid=%ld", (long)getpid());
			break;
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &dl);
	for (n = 1; !stopsig; n++) {
		if (hang) {
			hang_here();
			break;
		}
		if (leakmb > 0) {
			if ((leak = malloc((size_t)leakmb << 20)) == NULL)
				say(2, "cannot leak %ld MiB more", leakmb);
			else	/* touch it, or it is never really allocated */
				memset(leak, 0xa5, (size_t)leakmb << 20);
		}
		say(1, "heartbeat %ld pid=%ld", n, (long)getpid());
		if (errevery > 0 && n % errevery == 0)
			say(2, "warning beat %ld", n);
		if (crash > 0 && n >= crash) {
			say(2, "crashing");
			exit(3);
		}
		if (beats > 0 && n >= beats)
			exit(0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;	/* reap crashed child workers */

		/* Fixed schedule; after a SIGSTOP, one late beat, no burst. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		dl.tv_sec += interval / 1000;
		dl.tv_nsec += interval % 1000 * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		if (dl.tv_sec < now.tv_sec)
			dl = now;
		waituntil(&dl);
	}
	say(1, "shutting down (signal %s)", stopsig == SIGTERM ? "TERM" : "INT");
	return 0;
}
