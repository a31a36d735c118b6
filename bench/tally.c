/*
 * tally - a HEALTH_CMD whose runs can be counted (make bench): appends one
 * newline to FILE and exits 0, or 1 if it cannot.
 * usage: tally FILE
 */
#include <fcntl.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	int fd;

	if (argc != 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "\n", 1) != 1)
		return 1;
	return 0;
}
