/*
 * loggen - line-oriented output generator for the log benchmark (make bench).
 * usage: loggen BYTES
 * Writes at least BYTES bytes of 100-byte lines (99 characters and a
 * newline) to stdout, 655 lines (65 500 bytes) per write(2).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE	100
#define LINES	655

static char buf[LINE * LINES];

int
main(int argc, char *argv[])
{
	unsigned long long total, done;
	ssize_t n;
	size_t off;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: loggen BYTES\n");
		return 2;
	}
	total = strtoull(argv[1], NULL, 10);
	for (i = 0; i < LINES; i++) {
		char *l = buf + i * LINE;

		memset(l, 'x', LINE);
		snprintf(l, LINE, "level=info msg=\"benchmark line\" seq=%06d "
		    "payload=", i);
		l[strlen(l)] = 'x';
		l[LINE - 1] = '\n';
	}
	for (done = 0; done < total; done += sizeof(buf)) {
		for (off = 0; off < sizeof(buf); off += (size_t)n) {
			n = write(1, buf + off, sizeof(buf) - off);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n < 0) {
				perror("loggen: write");
				return 1;
			}
		}
	}
	return 0;
}
