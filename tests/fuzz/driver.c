/*
 * The parser without libFuzzer, for valgrind (make valgrind): for each file
 * argument, conf_load it by its own path (conf_print on success), then feed
 * its bytes to the fuzz target, so the same checks run.  Prints one line per
 * file; exits 1 if the target aborts (it does not return then).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define INPUT_MAX	(2 * 1024 * 1024)	/* over CONF_FILE_MAX, to test it */

static struct conf conf;

static size_t
slurp(const char *path, uint8_t *buf)
{
	ssize_t n;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	while (len < INPUT_MAX && (n = read(fd, buf + len, INPUT_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	return len;
}

int
main(int argc, char **argv)
{
	uint8_t *buf;
	size_t len;
	int i, n, devnull, keep_out, keep_err;

	if (LLVMFuzzerInitialize(&argc, &argv) != 0)
		return 2;
	buf = malloc(INPUT_MAX);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	keep_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
	keep_err = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (buf == NULL || devnull < 0 || keep_out < 0 || keep_err < 0)
		return 2;
	for (i = 1; i < argc; i++) {
		dup2(devnull, 1);
		dup2(devnull, 2);
		n = conf_load(&conf, MODE_START, argv[i], NULL, 0, NULL);
		if (n == 0)
			conf_print(&conf, PRINT_ALL);
		dup2(keep_out, 1);
		dup2(keep_err, 2);
		len = slurp(argv[i], buf);
		LLVMFuzzerTestOneInput(buf, len);
		printf("%s: %d problem%s\n", argv[i], n, n == 1 ? "" : "s");
		fflush(stdout);
	}
	free(buf);
	close(devnull);
	close(keep_out);
	close(keep_err);
	return 0;
}
