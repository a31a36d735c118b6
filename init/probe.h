/* Health probes over TCP and HTTP, run in a short-lived child. */
#ifndef PROBE_H
#define PROBE_H

#include <stddef.h>
#include <sys/socket.h>

#define PROBE_HOSTS_MAX	(64 * 1024)	/* /etc/hosts read at most */

enum { PROBE_TCP = 1, PROBE_HTTP };

struct probe_target {
	int		 kind;		/* PROBE_TCP or PROBE_HTTP */
	const char	*host;		/* into the value: not NUL-terminated */
	size_t		 hostlen;	/* without the [] of an IPv6 literal */
	unsigned short	 port;		/* HTTP default 80 */
	const char	*path;		/* HTTP: into the value, or "/" */
};

/* Parse a HEALTH_TCP value "host:port" or "[v6]:port"; NULL or why not. */
const char *probe_parse_tcp(const char *, struct probe_target *);
/* Parse a HEALTH_HTTP value "http://host[:port][/path]"; NULL or why not. */
const char *probe_parse_http(const char *, struct probe_target *);
/* Resolve a literal or a name in HOSTS (text of /etc/hosts, or NULL); 0/-1. */
int	probe_resolve(const char *, size_t, unsigned short, const char *,
	    struct sockaddr_storage *, socklen_t *);
/* Status code from the start of an HTTP response, or -1. */
int	probe_http_status(const char *, size_t);
/* In a forked child: run the probe, write one line to FD, _exit 0 or 1. */
void	probe_child(const struct probe_target *, int) __attribute__((noreturn));

#endif
