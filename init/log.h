/* Supervisor events: one line each, logfmt or JSON, with a level filter. */
#ifndef LOG_H
#define LOG_H

#include "conf.h"

struct field {
	const char	*key;
	const char	*str;	/* NULL: the field is the number NUM */
	long long	 num;
};
#define FS(k, v)	{ (k), (v), 0 }
#define FN(k, v)	{ (k), NULL, (long long)(v) }
#define FEND		{ NULL, NULL, 0 }

struct log {
	const char	*name;
	int		 format;
	int		 level;
	int		 fd;
};

/* Set up L for the settings C, writing to FD. */
void	log_init(struct log *, const struct conf *, int);
/* Emit EVENT at LEVEL with FIELDS (ended by FEND) if LEVEL passes. */
void	log_event(const struct log *, int, const char *, const struct field *);

#endif
