/* Supervisor events: one line each, logfmt or JSON, with a level filter. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "util.h"

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(struct log *l, const struct conf *c, int fd, int piped)
{
	l->name = c->name;
	l->format = c->log_format;
	l->level = c->log_level;
	l->fd = fd;
	l->piped = piped;
	l->dropped = 0;
	l->offset = clock_offset();
}

size_t
log_time(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	return fmt(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000000);
}

/* Length of the valid UTF-8 sequence at S (of LEN bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t len)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len < n)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not valid. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * Bytes that go through log_escape() unchanged, as a bitmap: printable
 * ASCII (0x20-0x7e) except '"' (0x22) and '\\' (0x5c).
 */
static const unsigned long long plain_map[4] = {
	0xfffffffb00000000ULL, 0x7fffffffefffffffULL, 0, 0
};
#define PLAIN(c)	((plain_map[(c) >> 6] >> ((c) & 63)) & 1)

size_t
log_escape(const char *src, size_t len, char *buf, size_t size)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0, i = 0, u;

	while (i < len && n + 8 < size) {
		/* Fast path: a run of plain ASCII is copied in one go. */
		for (u = i; u < len && PLAIN(s[u]); u++)
			;
		if (u > i) {
			if (u - i > size - n - 8)
				u = i + (size - n - 8);
			memcpy(buf + n, s + i, u - i);
			n += u - i;
			i = u;
			continue;
		}
		if (s[i] == '"' || s[i] == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)s[i++];
		} else if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
			buf[n++] = '\\';
			buf[n++] = s[i] == '\n' ? 'n' : s[i] == '\t' ? 't' : 'r';
			i++;
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			n += fmt(buf + n, size - n, "\\u%04x", s[i++]);
		} else if (s[i] < 0x80) {
			buf[n++] = (char)s[i++];
		} else if ((u = utf8_len(s + i, len - i)) > 0) {
			memcpy(buf + n, s + i, u);
			n += u;
			i += u;
		} else {
			n += fmt(buf + n, size - n, "\\\\x%02x", s[i++]);
		}
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
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '=' ||
		    *p == '\\' || *p == 0x7f)
			break;
	if (*s != '\0' && *p == '\0')
		return fmt(buf, size, "%s", s);
	if (size < 4)
		return 0;
	buf[0] = '"';
	n = 1 + log_escape(s, strlen(s), buf + 1, size - 2);
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
		n += log_escape(s, strlen(s), buf + n, size - n - 1);
		return n + fmt(buf + n, size - n, "\"");
	}
	n = fmt(buf, size, " %s=", k);
	if (s == NULL)
		return n + fmt(buf + n, size - n, "%lld", num);
	return n + text_value(buf + n, size - n, s);
}

size_t
log_format(const struct log *l, int level, const char *event,
    const struct field *f, char *buf, size_t size)
{
	struct timespec ts;
	char t[40];
	int json = l->format == FMT_JSON;
	size_t n;

	wall_clock(&ts, l->offset);
	log_time(&ts, t, sizeof(t));
	if (json)
		n = fmt(buf, size, "{\"ts\":\"%s\"", t);
	else
		n = fmt(buf, size, "ts=%s", t);
	n += field(buf + n, size - n, json, "level", level_names[level], 0);
	n += field(buf + n, size - n, json, "name", l->name, 0);
	n += field(buf + n, size - n, json, "event", event, 0);
	for (; f != NULL && f->key != NULL; f++)
		n += field(buf + n, size - n, json, f->key, f->str, f->num);
	if (n > size - 3)
		n = size - 3;
	if (json)
		buf[n++] = '}';
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

/*
 * One write(2) per record: the pipe is non-blocking and records are
 * shorter than PIPE_BUF, so each is written whole or refused whole, and
 * PID 1 never waits on a stalled log writer.
 */
static void
put(struct log *l, const char *buf, size_t n)
{
	if (!l->piped) {
		/* PID 1 must not die on a closed stdout: a failed write is dropped. */
		write_all(l->fd, buf, n);
		return;
	}
	if (write(l->fd, buf, n) != (ssize_t)n)
		l->dropped++;
}

void
log_event(struct log *l, int level, const char *event,
    const struct field *f)
{
	char buf[EVENT_MAX + 1];
	size_t n = 0;

	if (level < l->level)
		return;
	if (l->piped)
		buf[n++] = LOG_REC_EVENT;
	n += log_format(l, level, event, f, buf + n, sizeof(buf) - n);
	put(l, buf, n);
}

void
log_flush(struct log *l)
{
	static const char rec[2] = { LOG_REC_FLUSH, '\n' };

	if (l->piped)
		put(l, rec, sizeof(rec));
}
