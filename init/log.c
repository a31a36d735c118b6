/*
 * Event and log line formatting, and PID 1's side of the event path.
 *
 * One escaping rule serves events and file lines, and it can be undone:
 * a backslash is always escaped, so `\xNN` in a text line can only stand
 * for a raw byte.  Event lines stay valid when a value is too long: the
 * value is cut and ends in "...", never the line.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "logfile.h"
#include "logwriter.h"
#include "util.h"

static const char *const level_names[] = { "debug", "info", "warn", "error" };

/* Fields of one event, ours included: log_body() sizes them all at once. */
#define FIELDS_MAX	24


/*
 * The date as a log file's name has it: gmtime_r would bring musl's time
 * zone code and its malloc (1.5 KB) for UTC.
 */
size_t
log_time(long long ms, char *buf, size_t size)
{
	long long t = ms / 1000, day, sec;
	size_t n;

	day = (t >= 0 ? t : t - 86399) / 86400;
	sec = t - day * 86400;
	n = lf_date(day, buf, size);
	return n + fmt(buf + n, size - n, "T%02d:%02d:%02d.%03dZ",
	    (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60),
	    (int)(ms % 1000));
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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS	1
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * The bytes of the word X that are not PLAIN, as the high bit of each:
 * below 0x20, '"', '\\', DEL, or 0x80 and up.  A flag can be false only
 * above a true one (a borrow), so the lowest flag is always exact.
 */
static inline __attribute__((always_inline)) uint64_t
special(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\'),
	    d = x ^ (ONES * 0x7f);

	return (((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) |
	    ((b - ONES) & ~b) | ((d - ONES) & ~d) | x) & HIGHS;
}

/*
 * Sixteen bytes at a time where the compiler has vectors (SSE2, NEON).
 * As signed bytes, one compare finds both the control bytes and 0x80 up.
 */
typedef signed char v16 __attribute__((vector_size(16)));

/*
 * The bytes of the 16 at P that are not PLAIN, as bits (bit I: byte I);
 * 0 if none.  Without SSE2's pmovmskb only the first one is set.
 */
static inline __attribute__((always_inline)) unsigned
special16(const unsigned char *p)
{
	v16 x, m;
#ifndef __SSE2__
	uint64_t lo, hi;
#endif

	memcpy(&x, p, 16);
	m = (v16)((x < 0x20) | (x == 0x7f) | (x == '"') | (x == '\\'));
#ifdef __SSE2__
	return (unsigned)__builtin_ia32_pmovmskb128(
	    (char __attribute__((vector_size(16))))m);
#else
	memcpy(&lo, &m, 8);
	memcpy(&hi, (const char *)&m + 8, 8);
	if (lo != 0)
		return 1U << (__builtin_ctzll(lo) >> 3);
	if (hi != 0)
		return 1U << (8 + (__builtin_ctzll(hi) >> 3));
	return 0;
#endif
}
#endif

/* Copy N bytes: a word at a time, for the short runs of a log line. */
static inline __attribute__((always_inline)) void
copy(char *dst, const char *src, size_t n)
{
#ifdef WORDS
	uint64_t x;

	for (; n >= 8; n -= 8, src += 8, dst += 8) {
		memcpy(&x, src, 8);
		memcpy(dst, &x, 8);
	}
#endif
	while (n-- > 0)
		*dst++ = *src++;
}

/*
 * log_escape()'s work, inlined into log_lines() too: there it runs once
 * per line of the busiest loop, and a call per line costs as much as the
 * scan of a short line.
 */
static inline __attribute__((always_inline)) size_t
escape(const char *src, size_t len, char *buf, size_t size, int mode,
    size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0, i = 0, u, k;
	int line = mode & LOG_ESC_LINE;
	unsigned c;
#ifdef WORDS
	uint64_t x, m;
	unsigned b;
#endif

	while (i < len) {
#ifdef WORDS
		/* Plain bytes in blocks: most lines are nothing else. */
		while (len - i >= 16 && size - n >= 16) {
			memcpy(buf + n, s + i, 16);
			/* The next block does not wait for where this one stops. */
			if ((b = special16(s + i)) != 0) {
				k = (size_t)__builtin_ctz(b);
				n += k;
				i += k;
				goto look;
			}
			n += 16;
			i += 16;
		}
		while (len - i >= 8 && size - n >= 8) {
			memcpy(&x, s + i, 8);
			memcpy(buf + n, &x, 8);
			if ((m = special(x)) != 0) {
				k = (size_t)__builtin_ctzll(m) >> 3;
				n += k;
				i += k;
				goto look;
			}
			n += 8;
			i += 8;
		}
		if (i == len)
			break;
#endif
		c = s[i];
		if (PLAIN(c)) {
			if (n == size)
				break;
			buf[n++] = (char)c;
			i++;
			continue;
		}
#ifdef WORDS
look:		/* S[I] is not plain: the blocks said so. */
		c = s[i];
#endif
		u = 1;
		if (c == '"' || c == '\\') {
			k = c == '\\' && (mode & 3) == LOG_ESC_JSONRAW ? 4 : 2;
			if (size - n < k)
				break;
			buf[n] = '\\';
			if (k == 4)
				buf[n + 1] = buf[n + 2] = '\\';
			buf[n + k - 1] = (char)c;
		} else if (c == '\n' && line) {
			break;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			if (size - n < (k = 2))
				break;
			buf[n] = '\\';
			buf[n + 1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else if (c < 0x20 || c == 0x7f) {
			if (size - n < (k = 6))
				break;
			memcpy(buf + n, "\\u00", 4);
			buf[n + 4] = hex[c >> 4];
			buf[n + 5] = hex[c & 15];
		} else if ((u = utf8_len(s + i, len - i)) > 0) {
			if (size - n < (k = u))
				break;
			memcpy(buf + n, s + i, u);
		} else if ((mode & 3) == LOG_ESC_JSON) {
			return (size_t)-1;
		} else {
			/* Not UTF-8: \xNN (text), or \\xNN (JSON-escaped). */
			u = 1;
			k = (mode & 3) == LOG_ESC_JSONRAW ? 5 : 4;
			if (size - n < k)
				break;
			buf[n] = buf[n + k - 4] = '\\';
			buf[n + k - 3] = 'x';
			buf[n + k - 2] = hex[c >> 4];
			buf[n + k - 1] = hex[c & 15];
		}
		n += k;
		i += u;
	}
	if (used != NULL)
		*used = i;
	return n;
}

size_t
log_escape(const char *src, size_t len, char *buf, size_t size, int mode,
    size_t *used)
{
	return escape(src, len, buf, size, mode, used);
}

/* Whether S (LEN bytes) can be a logfmt value without quotes. */
static int
bare(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!PLAIN((unsigned char)s[i]) || s[i] == ' ' || s[i] == '=')
			return 0;
	return len > 0;
}

/*
 * The value S for FORMAT, quoted and escaped as needed, in at most SIZE
 * bytes (at least LOG_CUT_MIN): cut with "..." if it does not fit.  Sets
 * *RAW if it holds bytes that are not UTF-8 (JSON: LOG_ESC_JSONRAW).
 */
static size_t
value(char *buf, size_t size, int json, const char *s, int *raw)
{
	size_t len = strlen(s), n, used;
	int mode = json ? LOG_ESC_JSON : LOG_ESC_TEXT;

	if (!json && bare(s, len)) {
		if (len <= size)
			n = len;
		else
			n = size - 3;
		memcpy(buf, s, n);
		if (n < len) {
			memcpy(buf + n, "...", 3);
			n += 3;
		}
		return n;
	}
	n = log_escape(s, len, buf + 1, size - 2, mode, &used);
	if (n == (size_t)-1) {
		*raw = 1;
		mode = LOG_ESC_JSONRAW;
		n = log_escape(s, len, buf + 1, size - 2, mode, &used);
	}
	if (used < len) {
		n = log_escape(s, len, buf + 1, size - 5, mode, &used);
		memcpy(buf + 1 + n, "...", 3);
		n += 3;
	}
	buf[0] = '"';
	buf[n + 1] = '"';
	return n + 2;
}

/* The key of a field: `,"KEY":` or ` KEY=`, without separator if FIRST. */
static size_t
key(char *buf, size_t size, int json, int first, const char *k)
{
	if (json)
		return fmt(buf, size, first ? "\"%s\":" : ",\"%s\":", k);
	return fmt(buf, size, first ? "%s=" : " %s=", k);
}

/* The value of field F in at most SIZE bytes, as value() writes it. */
static size_t
field_value(char *buf, size_t size, int json, const struct field *f,
    int *raw)
{
	if (f->str == NULL)
		return fmt(buf, size + 1, "%lld", f->num);
	return value(buf, size, json, f->str, raw);
}

size_t
log_body(int format, int level, const char *name, const char *event,
    const struct field *f, char *buf, size_t size)
{
	struct field all[FIELDS_MAX];
	char scratch[LOG_BODY_MAX + 1];
	size_t need[FIELDS_MAX], n = 0, rest = 0, room, k, len;
	int json = format == FMT_JSON, raw = 0, nf = 3, i;

	all[0] = (struct field)FS("level", level_names[level]);
	all[1] = (struct field)FS("name", name);
	all[2] = (struct field)FS("event", event);
	for (; f != NULL && f->key != NULL && nf < FIELDS_MAX; f++)
		all[nf++] = *f;
	/*
	 * What each field needs at least: its key and all of a short value,
	 * or LOG_CUT_MIN of a long one.  Each field in turn may then use
	 * what the ones after it do not need, so one long COMMAND is cut
	 * and every field after it still fits.
	 */
	for (i = 0; i < nf; i++) {
		k = key(scratch, sizeof(scratch), json, i == 0, all[i].key);
		len = field_value(scratch, sizeof(scratch) - 1, json, &all[i],
		    &raw);
		need[i] = k + (len < LOG_CUT_MIN ? len : LOG_CUT_MIN);
		rest += need[i];
	}
	/* Room for the closing `,"escaped":true}` and the NUL. */
	room = size - 1 - (json ? 17 : 0);
	raw = 0;
	for (i = 0; i < nf; i++) {
		rest -= need[i];
		if (n + rest + need[i] > room)
			break;	/* only with far too many fields: drop them */
		k = key(buf + n, room - n, json, i == 0, all[i].key);
		n += k;
		n += field_value(buf + n, room - n - rest, json, &all[i], &raw);
	}
	if (json) {
		if (raw)
			n += fmt(buf + n, size - n, ",\"escaped\":true");
		buf[n++] = '}';
	}
	buf[n] = '\0';
	return n;
}

const char *
log_fields(struct log_event *e, const char *desc, va_list ap)
{
	struct field *f;
	char *p, *k;
	int l;

	/* E is filled in here: its fields point into its copy of DESC. */
	fmt(e->buf, sizeof(e->buf), "%s", desc);
	f = e->f;
	p = e->buf;
	/* The event's name is the first word; each word after it a field. */
	while ((p = strchr(p, ' ')) != NULL && f < e->f + LOG_ARGS_MAX) {
		*p++ = '\0';
		k = p;
		if ((p = strchr(p, '=')) == NULL)
			break;
		*p++ = '\0';
		*f = (struct field)FS(k, p);
		if (*p == '%') {
			for (l = 0; *++p == 'l'; l++)
				;
			if (*p == 's')
				f->str = va_arg(ap, const char *);
			else if (l == 2)
				f->num = va_arg(ap, long long);
			else if (l == 1)
				f->num = va_arg(ap, long);
			else if (*p == 'u')
				f->num = va_arg(ap, unsigned);
			else
				f->num = va_arg(ap, int);
			if (*p != 's')
				f->str = NULL;
		}
		f++;
	}
	*f = (struct field)FEND;
	return e->buf;
}

size_t
log_stamp(long long ms, const char *body, size_t blen, char *buf,
    size_t size)
{
	char t[40];
	size_t n;

	log_time(ms, t, sizeof(t));
	if (blen > 0 && body[0] == '"')
		n = fmt(buf, size, "{\"ts\":\"%s\",", t);
	else
		n = fmt(buf, size, "ts=%s ", t);
	return log_append(buf, n, size, body, blen);
}

size_t
log_append(char *buf, size_t n, size_t size, const char *s, size_t len)
{
	if (len > size - n - 1)
		len = size - n - 1;
	memcpy(buf + n, s, len);
	n += len;
	buf[n++] = '\n';
	return n;
}

size_t
log_head(int format, long long ms, const char *name, const char *stream,
    char *buf, size_t size)
{
	const char *kv[] = { "level", "info", "name", name, "stream", stream };
	char t[40];
	int json = format == FMT_JSON, raw = 0, i;
	size_t n;

	log_time(ms, t, sizeof(t));
	n = fmt(buf, size, json ? "{\"ts\":\"%s\"" : "ts=%s", t);
	for (i = 0; i < 6; i += 2) {
		n += key(buf + n, size - n, json, 0, kv[i]);
		n += value(buf + n, size - n, json, kv[i + 1], &raw);
	}
	n += fmt(buf + n, size - n, json ? ",\"line\":\"" : " line=\"");
	return n;
}

size_t
log_lines(int format, const char *head, size_t hlen, const char *data,
    size_t len, size_t cap, char *buf, size_t size, size_t *used,
    unsigned long *lines)
{
	int json = format == FMT_JSON;
	int mode = (json ? LOG_ESC_JSON : LOG_ESC_TEXT) | LOG_ESC_LINE;
	size_t o = 0, i = 0, e, u;

	*lines = 0;
	while (i < len && size - o >= hlen + LOG_TAIL_MAX) {
		copy(buf + o, head, hlen);
		e = escape(data + i, len - i < cap ? len - i : cap,
		    buf + o + hlen, size - o - hlen - LOG_TAIL_MAX, mode, &u);
		/* Not UTF-8 in JSON, unfinished, too long, or no room: not ours. */
		if (e == (size_t)-1 || i + u == len || data[i + u] != '\n')
			break;
		o += hlen + e;
		buf[o++] = '"';
		if (json)
			buf[o++] = '}';
		buf[o++] = '\n';
		i += u + 1;
		(*lines)++;
	}
	*used = i;
	return o;
}

size_t
log_tail(int format, int partial, int raw, char *buf)
{
	int json = format == FMT_JSON;
	size_t n = 0;

	buf[n++] = '"';
	if (partial) {
		memcpy(buf + n, json ? ",\"partial\":true" : " partial=true",
		    json ? 15 : 13);
		n += json ? 15 : 13;
	}
	if (raw) {
		memcpy(buf + n, ",\"escaped\":true", 15);
		n += 15;
	}
	if (json)
		buf[n++] = '}';
	buf[n++] = '\n';
	return n;
}

size_t
log_line(int format, const char *head, size_t hlen, const char *data,
    size_t len, int partial, char *buf, size_t size)
{
	int json = format == FMT_JSON, raw = 0;
	size_t n, e;

	copy(buf, head, hlen);
	n = hlen;
	/* Room for the end of the line is kept, should SIZE be short. */
	e = log_escape(data, len, buf + n, size - n - LOG_TAIL_MAX,
	    json ? LOG_ESC_JSON : LOG_ESC_TEXT, NULL);
	if (e == (size_t)-1) {
		raw = 1;
		e = log_escape(data, len, buf + n, size - n - LOG_TAIL_MAX,
		    LOG_ESC_JSONRAW, NULL);
	}
	n += e;
	return n + log_tail(format, partial, raw, buf + n);
}

size_t
log_text(int format, const char *head, size_t hlen, const char *data,
    size_t len, char *buf, size_t size, size_t *used, int *raw)
{
	int mode = format == FMT_JSON ? LOG_ESC_JSON : LOG_ESC_TEXT;
	size_t e;

	if (size < hlen + LOG_TAIL_MAX)
		return 0;
	copy(buf, head, hlen);
	size -= hlen + LOG_TAIL_MAX;
	*raw = 0;
	e = log_escape(data, len, buf + hlen, size, mode | LOG_ESC_LINE, used);
	if (e == (size_t)-1) {
		*raw = 1;
		e = log_escape(data, len, buf + hlen, size,
		    LOG_ESC_JSONRAW | LOG_ESC_LINE, used);
	}
	/* Stopped short of the newline or LEN: BUF is full. */
	if (*used < len && data[*used] != '\n')
		return 0;
	return hlen + e;
}


