/* Placeholder until the probe module lands: every HEALTH_TCP/HTTP refused. */
#include <unistd.h>

#include "probe.h"

const char *
probe_parse_tcp(const char *v, struct probe_target *t)
{
	(void)v;
	(void)t;
	return "cannot be checked yet";
}

const char *
probe_parse_http(const char *v, struct probe_target *t)
{
	(void)v;
	(void)t;
	return "cannot be checked yet";
}

int
probe_resolve(const char *h, size_t l, unsigned short p, const char *hosts,
    struct sockaddr_storage *sa, socklen_t *len)
{
	(void)h; (void)l; (void)p; (void)hosts; (void)sa; (void)len;
	return -1;
}

int
probe_http_status(const char *b, size_t n)
{
	(void)b;
	(void)n;
	return -1;
}

void
probe_child(const struct probe_target *t, int fd)
{
	(void)t;
	(void)fd;
	_exit(1);
}
