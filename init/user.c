/*
 * USER and GROUPS: names resolved from /etc/passwd and /etc/group, no NSS.
 * A static binary cannot load NSS modules, and a scratch image may have
 * neither file: numbers then work and names are refused clearly.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "user.h"
#include "util.h"

#define DBFILE_MAX	(256 * 1024)

/* The Nth ':'-separated field of LINE (0-based) into BUF. */
static const char *
field(const char *line, int n, char *buf, size_t size)
{
	size_t len;

	while (n-- > 0) {
		line = strchr(line, ':');
		if (line == NULL)
			return NULL;
		line++;
	}
	len = strcspn(line, ":\n");
	if (len >= size)
		len = size - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	return buf;
}

/*
 * Find the line of DB (NULL: none) whose field KEYF equals KEY and that
 * has a field WANT; copy that field to OUT.
 */
static const char *
lookup(const char *db, int keyf, const char *key, int want, char *out,
    size_t size)
{
	char f[256];
	const char *line;

	for (line = db; line != NULL && *line != '\0';
	    line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (field(line, keyf, f, sizeof(f)) != NULL &&
		    strcmp(f, key) == 0 && field(line, want, out, size) != NULL)
			return out;
	return NULL;
}

static int
number(const char *s, long long *n)
{
	return num_parse(s, 0, INT_MAX - 1, n) == NULL;
}

/* Field WANT of the line lookup() finds, as a number; -1 if none. */
static long long
lookup_num(const char *db, int keyf, const char *key, int want)
{
	char v[32];
	long long n;

	if (lookup(db, keyf, key, want, v, sizeof(v)) != NULL && number(v, &n))
		return n;
	return -1;
}

/* Resolve a group name or number; -1 if unknown. */
static long long
group(const char *db, const char *g)
{
	long long n;

	return number(g, &n) ? n : lookup_num(db, 0, g, 2);
}

static int
add(struct creds *cr, long long g)
{
	int i;

	for (i = 0; i < cr->ngroups; i++)
		if (cr->groups[i] == (gid_t)g)
			return 0;
	if (cr->ngroups == GROUPS_MAX)
		return -1;
	cr->groups[cr->ngroups++] = (gid_t)g;
	return 0;
}

/*
 * The groups of DB (NULL: none) listing NAME as a member (initgroups
 * without NSS).
 */
static void
memberships(const char *db, const char *name, struct creds *cr)
{
	char members[4096], gid[32], *m;
	const char *line;
	long long n;
	size_t len = strlen(name);

	for (line = db; line != NULL && *line != '\0';
	    line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (field(line, 3, members, sizeof(members)) == NULL ||
		    field(line, 2, gid, sizeof(gid)) == NULL || !number(gid, &n))
			continue;
		for (m = members; *m != '\0'; m += strcspn(m, ","),
		    m += *m == ',')
			if (strncmp(m, name, len) == 0 &&
			    (m[len] == ',' || m[len] == '\0'))
				add(cr, n);
	}
}

static const char *resolve(const struct conf *, struct creds *, const char *,
    const char *, char *, size_t);

const char *
user_resolve(const struct conf *c, struct creds *cr, char *buf, size_t size)
{
	const char *why;
	char *pw, *gr;

	memset(cr, 0, sizeof(*cr));
	if (c->user[0] == '\0')
		return NULL;
	/* Both read once at start-up, then freed: nothing kept in PID 1. */
	pw = mem_get(2 * DBFILE_MAX);
	if (pw == NULL)
		return "USER: out of memory reading /etc/passwd";
	gr = pw + DBFILE_MAX;
	why = resolve(c, cr, read_text("/etc/passwd", pw, DBFILE_MAX) >= 0 ?
	    pw : NULL, read_text("/etc/group", gr, DBFILE_MAX) >= 0 ? gr : NULL,
	    buf, size);
	mem_put(pw, 2 * DBFILE_MAX);
	return why;
}

static const char *
resolve(const struct conf *c, struct creds *cr, const char *pdb,
    const char *gdb, char *buf, size_t size)
{
	char user[128], grp[128], v[32], name[128];
	const char *g;
	long long n;
	size_t len;

	cr->set = 1;
	len = strcspn(c->user, ":");
	fmt(user, sizeof(user), "%.*s", (int)len, c->user);
	fmt(grp, sizeof(grp), "%s", c->user[len] == ':' ? c->user + len + 1 : "");
	name[0] = '\0';
	if (number(user, &n)) {
		cr->uid = (uid_t)n;
		cr->gid = (gid_t)n;
		fmt(v, sizeof(v), "%lld", n);
		if ((n = lookup_num(pdb, 2, v, 3)) >= 0)
			cr->gid = (gid_t)n;
		lookup(pdb, 2, v, 0, name, sizeof(name));
	} else {
		if ((n = lookup_num(pdb, 0, user, 2)) < 0)
			return fmt(buf, size, "USER: no user \"%s\" in /etc/passwd "
			    "(use a numeric UID)", user), buf;
		cr->uid = (uid_t)n;
		if ((n = lookup_num(pdb, 0, user, 3)) < 0)
			return fmt(buf, size, "USER: bad /etc/passwd entry for "
			    "\"%s\"", user), buf;
		cr->gid = (gid_t)n;
		fmt(name, sizeof(name), "%s", user);
	}
	if (grp[0] != '\0') {
		if ((n = group(gdb, grp)) < 0)
			return fmt(buf, size, "USER: no group \"%s\" in /etc/group "
			    "(use a numeric GID)", grp), buf;
		cr->gid = (gid_t)n;
	}
	add(cr, cr->gid);
	if (c->groups[0] != '\0') {
		cr->groups_set = 1;
		for (g = c->groups; *(g += strspn(g, " ,")) != '\0'; g += len) {
			len = strcspn(g, " ,");
			fmt(v, sizeof(v), "%.*s", (int)len, g);
			if ((n = group(gdb, v)) < 0)
				return fmt(buf, size, "GROUPS: no group \"%s\" in "
				    "/etc/group", v), buf;
			if (add(cr, n) < 0)
				return fmt(buf, size, "GROUPS: more than %d groups",
				    GROUPS_MAX), buf;
		}
	} else if (name[0] != '\0')
		memberships(gdb, name, cr);
	return NULL;
}
