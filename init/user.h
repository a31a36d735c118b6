/* USER and GROUPS: names resolved from /etc/passwd and /etc/group, no NSS. */
#ifndef USER_H
#define USER_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"

struct creds {
	int	 set;			/* drop privileges in the child */
	int	 groups_set;		/* GROUPS names them explicitly */
	uid_t	 uid;
	gid_t	 gid;
	int	 ngroups;
	gid_t	 groups[GROUPS_MAX];
};

/* Resolve C's USER and GROUPS into CR; NULL, or why not (in BUF). */
const char *user_resolve(const struct conf *, struct creds *, char *, size_t);

#endif
