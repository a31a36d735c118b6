/*
 * lwdrive - the log writer with a made-up set of services, for tests of
 * what today's one-service PID 1 cannot reach (LOG_PREFIX, several
 * services on one fd).  Linked with init's objects (mk/unit.mk).
 *
 * usage: lwdrive DIR NSVC PREFIX STEP...
 * Services 0..NSVC-1 are named s0, s1, ...; each has an out and an err
 * stream (to fd 1 and 2, PREFIX 1: "NAME | " lines) and its own file
 * DIR/sN-DATE.log; supervisor-wide events go to s0's.  Then the steps,
 * in order, as PID 1 and the services would do them:
 *   SVC:out:TEXT  SVC:err:TEXT   a service writes TEXT (\n is a newline)
 *   SVC:ev:BODY                  PID 1 sends an event record for SVC
 *   SVC:exit                     PID 1 sends SVC's flush record (F)
 *   fill:N                       every stream writes N bytes, no newline
 *   hwm                          the writer's VmHWM (kB) goes to DIR/hwm
 *   sleep:MS                     wait
 * At the end every write end is closed and the log writer waited for.
 * Exits with the writer's status.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "bounds.h"
#include "log.h"
#include "logwriter.h"
#include "util.h"

#define SVC	LW_SVC_MAX

static void
unslash(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++)
		if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s++;
		} else
			*o++ = *s;
	*o = '\0';
}

/* N bytes of 'x' into each of the NW write ends at WR. */
static void
fill(const int *wr, int nw, size_t n)
{
	static char x[4096];
	size_t k;
	int i;

	memset(x, 'x', sizeof(x));
	for (i = 0; i < nw; i++)
		for (k = 0; k < n; k += sizeof(x))
			write_all(wr[i], x, n - k < sizeof(x) ? n - k : sizeof(x));
}

/* PID's VmHWM line into DIR/hwm. */
static void
hwm(pid_t pid, const char *dir)
{
	char path[64], buf[4096], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_text(path, buf, sizeof(buf)) < 0 ||
	    (p = strstr(buf, "VmHWM:")) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/hwm", dir);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%ld\n", strtol(p + 6, NULL, 10));
		fclose(f);
	}
}

int
main(int argc, char **argv)
{
	static char names[SVC][8];
	struct lw_file files[SVC];
	struct lw_stream streams[SVC * 2];
	struct lw_config cf;
	int svc_file[SVC], wr[SVC * 2], ev[2], fds[2], nsvc, prefix, i, st;
	char rec[LOG_REC_MAX], *step, *arg;
	size_t n;
	pid_t pid;

	if (argc < 4 || (nsvc = atoi(argv[2])) < 1 || nsvc > SVC) {
		fprintf(stderr, "usage: lwdrive DIR NSVC PREFIX STEP...\n");
		return 2;
	}
	prefix = atoi(argv[3]);
	for (i = 0; i < nsvc; i++) {
		snprintf(names[i], sizeof(names[i]), "s%d", i);
		files[i] = (struct lw_file){ argv[1], names[i], FMT_TEXT, 0 };
		svc_file[i] = i;
	}
	for (i = 0; i < nsvc * 2; i++) {
		if (pipe2(fds, O_CLOEXEC) < 0)
			return 1;
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
		wr[i] = fds[1];
		streams[i] = (struct lw_stream){ fds[0], i % 2 + 1, i / 2, i / 2,
		    names[i / 2], i % 2 ? "err" : "out", prefix };
	}
	if (pipe2(ev, O_CLOEXEC) < 0)
		return 1;
	fcntl(ev[0], F_SETFL, O_NONBLOCK);
	cf = (struct lw_config){ files, nsvc, streams, nsvc * 2, svc_file, nsvc,
	    0, ev[0], 0 };
	if ((pid = lw_start(&cf)) < 0)
		return 1;
	for (i = 4; i < argc; i++) {
		step = argv[i];
		if (strncmp(step, "sleep:", 6) == 0) {
			sleep_ms(atol(step + 6));
			continue;
		}
		if (strncmp(step, "fill:", 5) == 0) {
			fill(wr, nsvc * 2, (size_t)atol(step + 5));
			continue;
		}
		if (strcmp(step, "hwm") == 0) {
			hwm(pid, argv[1]);
			continue;
		}
		st = atoi(step);
		if (st < 0 || st >= nsvc || (arg = strchr(step, ':')) == NULL)
			return 2;
		arg++;
		if (strncmp(arg, "out:", 4) == 0 || strncmp(arg, "err:", 4) == 0) {
			unslash(arg + 4);
			write_all(wr[st * 2 + (arg[0] == 'e')], arg + 4,
			    strlen(arg + 4));
		} else if (strncmp(arg, "ev:", 3) == 0) {
			n = lw_rec_event(st, arg + 3, strlen(arg + 3), rec,
			    sizeof(rec));
			write_all(ev[1], rec, n);
		} else if (strcmp(arg, "exit") == 0) {
			n = lw_rec_flush(st, rec, sizeof(rec));
			write_all(ev[1], rec, n);
		} else
			return 2;
	}
	for (i = 0; i < nsvc * 2; i++)
		close(wr[i]);
	close(ev[1]);
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
