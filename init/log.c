/* Supervisor events: one line each, logfmt or JSON, with a level filter. */
#include <string.h>
#include <time.h>

#include "limits.h"
#include "log.h"
#include "util.h"

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(struct log *l, const struct conf *c, int fd)
{
	l->name = c->name;
	l->format = c->log_format;
	l->level = c->log_level;
	l->fd = fd;
}

/* RFC 3339 UTC with milliseconds. */
static size_t
timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return fmt(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* Append S escaped the JSON way (also used for quoted logfmt values). */
static size_t
escape(char *buf, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s != '\0' && n + 8 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			n += fmt(buf + n, size - n, "\\%c", ch);
		else if (ch == '\n')
			n += fmt(buf + n, size - n, "\\n");
		else if (ch == '\t')
			n += fmt(buf + n, size - n, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			n += fmt(buf + n, size - n, "\\u%04x", ch);
		else
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return n;
}

static size_t
text_value(char *buf, size_t size, const char *s)
{
	size_t n;
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' ||
		    *p == 0x7f)
			break;
	if (*s != '\0' && *p == '\0')
		return fmt(buf, size, "%s", s);
	if (size < 4)
		return 0;
	buf[0] = '"';
	n = 1 + escape(buf + 1, size - 2, s);
	buf[n++] = '"';
	buf[n] = '\0';
	return n;
}

static size_t
field(char *buf, size_t size, int json, const char *k, const char *s,
    long long num)
{
	size_t n;

	if (json) {
		n = fmt(buf, size, ",\"%s\":", k);
		if (s == NULL)
			return n + fmt(buf + n, size - n, "%lld", num);
		n += fmt(buf + n, size - n, "\"");
		n += escape(buf + n, size - n - 1, s);
		return n + fmt(buf + n, size - n, "\"");
	}
	n = fmt(buf, size, " %s=", k);
	if (s == NULL)
		return n + fmt(buf + n, size - n, "%lld", num);
	return n + text_value(buf + n, size - n, s);
}

void
log_event(const struct log *l, int level, const char *event,
    const struct field *f)
{
	char buf[EVENT_MAX], ts[40];
	int json = l->format == FMT_JSON;
	size_t n;

	if (level < l->level)
		return;
	timestamp(ts, sizeof(ts));
	if (json)
		n = fmt(buf, sizeof(buf), "{\"ts\":\"%s\"", ts);
	else
		n = fmt(buf, sizeof(buf), "ts=%s", ts);
	n += field(buf + n, sizeof(buf) - n, json, "level", level_names[level], 0);
	n += field(buf + n, sizeof(buf) - n, json, "name", l->name, 0);
	n += field(buf + n, sizeof(buf) - n, json, "event", event, 0);
	for (; f != NULL && f->key != NULL; f++)
		n += field(buf + n, sizeof(buf) - n, json, f->key, f->str,
		    f->num);
	if (n > sizeof(buf) - 3)
		n = sizeof(buf) - 3;
	if (json)
		buf[n++] = '}';
	buf[n++] = '\n';
	/* PID 1 must not die on a closed stdout: a failed write is dropped. */
	write_all(l->fd, buf, n);
}
