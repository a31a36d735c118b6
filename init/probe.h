/* Health probes (HEALTH_TCP, HEALTH_HTTP): parsed at load, run in a child. */
#ifndef PROBE_H
#define PROBE_H

#include <stddef.h>
#include <sys/socket.h>

enum { PROBE_TCP = 1, PROBE_HTTP };

struct probe_target {
	int		 kind;		/* PROBE_TCP or PROBE_HTTP */
	const char	*host;		/* into the value: not NUL-terminated */
	size_t		 hostlen;	/* without the [] of an IPv6 literal */
	unsigned short	 port;		/* HTTP default 80 */
	/* HTTP: points into the value ("/..."), or "/" if the URL has none */
	const char	*path;		/* NUL-terminated */
};

/*
 * Parse a HEALTH_TCP value "host:port" or "[v6]:port"; NULL, or why not
 * (a short phrase for "FILE:LINE: HEALTH_TCP: \"v\" <why>").
 */
const char *probe_parse_tcp(const char *, struct probe_target *);
/* Parse a HEALTH_HTTP value "http://host[:port][/path]"; NULL, or why not. */
const char *probe_parse_http(const char *, struct probe_target *);
/*
 * Resolve HOST (HOSTLEN bytes) and PORT: an IPv4 or IPv6 literal, or the
 * first address of a name found in HOSTS (the text of /etc/hosts, may be
 * NULL); fills SA/LEN; 0, or -1 if unknown.  Pure: no I/O.
 */
int	probe_resolve(const char *, size_t, unsigned short, const char *,
	    struct sockaddr_storage *, socklen_t *);
/*
 * Status code (any 3 digits) from the start of an HTTP response: LEN
 * covers at least "HTTP/d.d NNN" and the byte after it; or -1.  Pure.
 */
int	probe_http_status(const char *, size_t);
/*
 * Run probe T in the current (forked) process: write one line (at most
 * 200 bytes with its '\n') to FD, then _exit(0) if healthy, 1 if not.
 * Closes every other descriptor above 2 first.  Never returns.
 */
void	probe_child(const struct probe_target *, int) __attribute__((noreturn));

#endif
