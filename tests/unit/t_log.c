/*
 * log.c: escaping (reversible, all 256 byte values, word-at-a-time path
 * against a byte-at-a-time model), event bodies cut to fit and still
 * valid, stamps and file lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "unit.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Undo the escaping of N bytes at S into OUT, as a reader would: the text
 * rule in log.h, or if JSON a JSON string's (no \x, no bare quote or
 * control byte; \u only below U+0080, as we write it).  Its length, or -1
 * on what the rule does not allow.
 */
static long
decode(const char *s, size_t n, char *out, int json)
{
	size_t i;
	long o = 0;
	int a, b;

	for (i = 0; i < n; i++) {
		if (json && (s[i] == '"' || (unsigned char)s[i] < 0x20))
			return -1;
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		if (++i == n)
			return -1;
		switch (s[i]) {
		case '\\': case '"': out[o++] = s[i]; break;
		case 'n': out[o++] = '\n'; break;
		case 't': out[o++] = '\t'; break;
		case 'r': out[o++] = '\r'; break;
		case 'u':
		case 'x':
			if (s[i] == 'u' && (i + 4 >= n || s[i + 1] != '0' ||
			    s[i + 2] > '7'))
				return -1;
			if (s[i] == 'x' && (json || i + 2 >= n))
				return -1;
			i += s[i] == 'u' ? 2 : 0;
			a = hexval(s[i + 1]);
			b = hexval(s[i + 2]);
			if (a < 0 || b < 0)
				return -1;
			out[o++] = (char)(a * 16 + b);
			i += 2;
			break;
		default:
			return -1;
		}
	}
	return o;
}
#define unescape(s, n, out)	decode((s), (n), (out), 0)
#define json_decode(s, n, out)	decode((s), (n), (out), 1)

/* Text format: every byte value comes back, and escapes are distinct. */
static void
text_all_bytes(void)
{
	char in[1], buf[16], back[16], seen[256][8];
	size_t n, used;
	int c, d;

	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		n = log_escape(in, 1, buf, sizeof(buf), LOG_ESC_TEXT, &used);
		CHECK_INT(used, 1);
		CHECK(n >= 1 && n < 8);
		CHECK_INT(unescape(buf, n, back), 1);
		CHECK_INT((unsigned char)back[0], c);
		memset(seen[c], 0, sizeof(seen[c]));
		memcpy(seen[c], buf, n);
		for (d = 0; d < c; d++)
			if (memcmp(seen[c], seen[d], sizeof(seen[c])) == 0)
				unit_fail(__FILE__, __LINE__, "bytes %d and %d "
				    "escape alike", c, d);
	}
}

/* The defect: raw 0xff and the text \xff used to give the same line. */
static void
text_raw_vs_literal(void)
{
	char a[16], b[16];
	size_t na, nb;

	na = log_escape("\xff", 1, a, sizeof(a), LOG_ESC_TEXT, NULL);
	nb = log_escape("\\xff", 4, b, sizeof(b), LOG_ESC_TEXT, NULL);
	CHECK_MEM(a, na, "\\xff");
	CHECK_MEM(b, nb, "\\\\xff");
	na = log_escape("caf\xc3\xa9", 5, a, sizeof(a), LOG_ESC_TEXT, NULL);
	CHECK_MEM(a, na, "caf\xc3\xa9");	/* valid UTF-8 stays */
}

/* Random strings of every byte value round-trip, text and JSON. */
static void
round_trip_random(void)
{
	static char in[3000], esc[3000 * 6 + 64], dec[3000 * 6], back[3000];
	const char *pick = "aZ \"\\\n\t\x01\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\xc0";
	size_t n, e, len, i;
	long d;
	int t;

	srand(7);
	for (t = 0; t < 300; t++) {
		len = (size_t)rand() % sizeof(in);
		for (i = 0; i < len; i++)
			in[i] = rand() % 3 ? pick[rand() % 20] : (char)rand();
		n = log_escape(in, len, esc, sizeof(esc), LOG_ESC_TEXT, &e);
		CHECK_INT(e, len);
		d = unescape(esc, n, back);
		CHECK_INT(d, len);
		CHECK(d == (long)len && memcmp(back, in, len) == 0);
		/* JSON: plain when valid UTF-8, else raw; both undo. */
		n = log_escape(in, len, esc, sizeof(esc), LOG_ESC_JSON, &e);
		if (n == (size_t)-1) {
			n = log_escape(in, len, esc, sizeof(esc),
			    LOG_ESC_JSONRAW, &e);
			d = json_decode(esc, n, dec);
			CHECK(d >= 0);
			d = unescape(dec, (size_t)d, back);
		} else
			d = json_decode(esc, n, back);
		CHECK_INT(d, len);
		CHECK(d == (long)len && memcmp(back, in, len) == 0);
	}
}

/* A simple model of the text escape, one byte at a time, ASCII only. */
static size_t
model(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			out[n++] = '\\';
			out[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out + n, "\\u00", 4);
			out[n + 4] = hex[c >> 4];
			out[n + 5] = hex[c & 15];
			n += 6;
		} else if (c >= 0x80) {
			memcpy(out + n, "\\x", 2);
			out[n + 2] = hex[c >> 4];
			out[n + 3] = hex[c & 15];
			n += 4;
		} else
			out[n++] = (char)c;
	}
	return n;
}

/* The word-at-a-time path finds every special byte at every offset. */
static void
words_match_model(void)
{
	static const char specials[] = "\"\\\n\t\r\x01\x1f\x7f\x80\xff";
	char in[40], a[40 * 6], b[40 * 6];
	size_t len, pos, na, nb, k;

	for (len = 1; len <= 40; len++)
		for (pos = 0; pos < len; pos++)
			for (k = 0; k < sizeof(specials) - 1; k++) {
				memset(in, 'a' + (int)(len % 26), len);
				in[pos] = specials[k];
				/* Bytes just around what is special. */
				if (pos + 1 < len)
					in[pos + 1] = k % 2 ? ' ' : '~';
				na = log_escape(in, len, a, sizeof(a),
				    LOG_ESC_TEXT, NULL);
				nb = model(in, len, b);
				if (na != nb || memcmp(a, b, na) != 0)
					unit_fail(__FILE__, __LINE__, "len %zu "
					    "byte %#x at %zu", len,
					    (unsigned char)specials[k], pos);
			}
}

/* A short buffer stops before a unit: never half an escape or a character. */
static void
stops_whole(void)
{
	char buf[64];
	size_t n, used, size;

	for (size = 0; size < 12; size++) {
		n = log_escape("ab\x01\xc3\xa9z\xff", 7, buf, size,
		    LOG_ESC_TEXT, &used);
		CHECK(n <= size);
		/* Units: a b \u0001 é z \xff (1 1 6 2 1 4). */
		CHECK(used == 0 || used == 1 || used == 2 || used == 3 ||
		    used == 5 || used == 6 || used == 7);
		CHECK_INT(n, used == 0 ? 0 : used == 1 ? 1 : used == 2 ? 2 :
		    used == 3 ? 8 : used == 5 ? 10 : used == 6 ? 11 : 15);
	}
}

static const char *
long_text(size_t len, char c)
{
	static char buf[8192];

	memset(buf, c, len);
	buf[len] = '\0';
	return buf;
}

/* A long value is cut with "...": the line stays valid and whole. */
static void
body_cut_text(void)
{
	char body[LOG_BODY_MAX + 1];
	const char *cmd = long_text(6000, 'j');
	size_t n;

	n = log_body(FMT_TEXT, LV_INFO, "app", "child_started",
	    (struct field[]){ FN("pid", 42), FS("command", cmd),
	    FS("config", "/etc/x y.conf"), FN("restarts", 3), FEND },
	    body, sizeof(body));
	CHECK(n <= LOG_BODY_MAX);
	CHECK_INT(strlen(body), n);
	CHECK(strncmp(body, "level=info name=app event=child_started pid=42 "
	    "command=jjj", 58) == 0);
	CHECK(strstr(body, "jjj... config=\"/etc/x y.conf\" restarts=3") != NULL);
	CHECK(n > LOG_BODY_MAX - 64);	/* cut, not emptied */
}

static void
body_cut_json(void)
{
	char body[LOG_BODY_MAX + 1], dec[LOG_BODY_MAX];
	const char *cmd = long_text(5000, '"'), *p, *q;
	size_t n;

	n = log_body(FMT_JSON, LV_INFO, "app", "child_started",
	    (struct field[]){ FS("command", cmd), FN("pid", 7), FEND },
	    body, sizeof(body));
	CHECK(n <= LOG_BODY_MAX);
	CHECK(strncmp(body, "\"level\":\"info\",\"name\":\"app\","
	    "\"event\":\"child_started\",\"command\":\"\\\"", 60) == 0);
	/* Cut between escapes: the value decodes, and ends in "...". */
	p = strstr(body, "\"command\":\"") + 11;
	q = strstr(p, "...\",\"pid\":7}");
	CHECK(q != NULL);
	if (q != NULL)
		CHECK(json_decode(p, (size_t)(q - p), dec) > 10);
	CHECK_INT(body[n - 1], '}');
}

/* Many long fields: every one keeps its key and a share; all valid. */
static void
body_cut_many(void)
{
	char body[LOG_BODY_MAX + 1];
	char a[3000], b[3000];
	size_t n;

	memset(a, 'a', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memset(b, 0xe9, sizeof(b) - 1);	/* not UTF-8: \xe9 each */
	b[sizeof(b) - 1] = '\0';
	n = log_body(FMT_TEXT, LV_WARN, "app", "e", (struct field[]){
	    FS("a", a), FS("b", b), FS("c", "end"), FEND }, body, sizeof(body));
	CHECK(n <= LOG_BODY_MAX);
	CHECK(strstr(body, " b=\"\\xe9") != NULL);
	CHECK(strstr(body, "\\xe9...\" c=end") != NULL);
	n = log_body(FMT_JSON, LV_WARN, "app", "e", (struct field[]){
	    FS("a", a), FS("b", b), FS("c", "end"), FEND }, body, sizeof(body));
	CHECK(n <= LOG_BODY_MAX);
	CHECK(strstr(body, ",\"c\":\"end\"") != NULL);
	CHECK(strstr(body, "\\\\xe9...\"") != NULL);
	CHECK(strcmp(body + n - 16, ",\"escaped\":true}") == 0);
}

/* Short fields are untouched; values that need quotes get them. */
static void
body_plain(void)
{
	char body[LOG_BODY_MAX + 1];

	log_body(FMT_TEXT, LV_INFO, "app", "x", (struct field[]){
	    FN("n", -5), FS("s", "two words"), FS("e", ""), FS("q", "a=b"),
	    FS("u", "caf\xc3\xa9"), FEND }, body, sizeof(body));
	CHECK_STR(body, "level=info name=app event=x n=-5 s=\"two words\" "
	    "e=\"\" q=\"a=b\" u=\"caf\xc3\xa9\"");
	log_body(FMT_JSON, LV_ERROR, "app", "x", (struct field[]){
	    FN("n", 5), FS("s", "a\"b"), FEND }, body, sizeof(body));
	CHECK_STR(body, "\"level\":\"error\",\"name\":\"app\",\"event\":\"x\","
	    "\"n\":5,\"s\":\"a\\\"b\"}");
}

/* log_fields(): what sv_log() hands on, for a descriptor and its values. */
static void LOG_DESC(3)
desc_body(char *body, int format, const char *desc, ...)
{
	struct log_event e = { 0 };
	const char *event;
	va_list ap;

	va_start(ap, desc);
	event = log_fields(&e, desc, ap);
	va_end(ap);
	log_body(format, LV_INFO, "app", event, e.f, body, LOG_BODY_MAX + 1);
}

/* Each kind of value a descriptor takes, and words written as themselves. */
static void
body_desc(void)
{
	char body[LOG_BODY_MAX + 1];

	desc_body(body, FMT_TEXT, "x s=%s d=%d u=%u lu=%lu ll=%lld sig=KILL "
	    "e=%s", "two words", -5, 4000000000U, 5UL, -6000000000LL, "");
	CHECK_STR(body, "level=info name=app event=x s=\"two words\" d=-5 "
	    "u=4000000000 lu=5 ll=-6000000000 sig=KILL e=\"\"");
	desc_body(body, FMT_JSON, "child_started pid=%d command=%s", 7, "a b");
	CHECK_STR(body, "\"level\":\"info\",\"name\":\"app\","
	    "\"event\":\"child_started\",\"pid\":7,\"command\":\"a b\"}");
	desc_body(body, FMT_TEXT, "bare");
	CHECK_STR(body, "level=info name=app event=bare");
}

static void
stamps(void)
{
	char buf[LOG_EVENT_MAX];
	size_t n;

	n = log_time(1764547200123LL, buf, sizeof(buf));
	CHECK_MEM(buf, n, "2025-12-01T00:00:00.123Z");
	n = log_stamp(1764547200123LL, "level=info name=a event=b", 25, buf,
	    sizeof(buf));
	CHECK_MEM(buf, n, "ts=2025-12-01T00:00:00.123Z level=info name=a "
	    "event=b\n");
	n = log_stamp(0, "\"level\":\"info\"}", 15, buf, sizeof(buf));
	CHECK_MEM(buf, n, "{\"ts\":\"1970-01-01T00:00:00.000Z\","
	    "\"level\":\"info\"}\n");
}

/* log_time() says what gmtime_r() says, before 1970 and after 2038 too. */
static void
stamps_as_gmtime(void)
{
	static const long long at[] = { 0, 1, 999, 1000, 86399999, 86400000,
	    951782400000LL, 951868799999LL, 4107542400000LL, 2147483647999LL,
	    2147483648000LL, 253402300799999LL, -1, -999, -1000, -1500,
	    -86400000, -86400001, -2208988800000LL };
	char buf[64], want[64];
	struct tm tm;
	time_t t;
	long long ms = 1764547200123LL;
	size_t i, n;

	for (i = 0; i < sizeof(at) / sizeof(at[0]) + 2000; i++) {
		/* The table, then a walk of odd steps over four centuries. */
		ms = i < sizeof(at) / sizeof(at[0]) ? at[i] :
		    ms + 6311390957311LL * (i % 2 ? 1 : -1) + 86399999LL * (long long)i;
		t = (time_t)(ms / 1000);
		gmtime_r(&t, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
		n = log_time(ms, buf, sizeof(buf));
		if (n != strlen(want) || strcmp(buf, want) != 0)
			unit_fail(__FILE__, __LINE__, "%lld: \"%s\", gmtime_r "
			    "\"%s\"", ms, buf, want);
	}
	/* Cut short, as one fmt() of the whole stamp was. */
	n = log_time(1764547200123LL, buf, 13);
	CHECK_MEM(buf, n, "2025-12-01T0");
	n = log_time(1764547200123LL, buf, 8);
	CHECK_MEM(buf, n, "2025-12");
}

static void
file_lines(void)
{
	char head[512], line[LOG_LINE_ROOM(512, 16)];
	size_t h, n;

	h = log_head(FMT_TEXT, 0, "app", "out", head, sizeof(head));
	CHECK_MEM(head, h, "ts=1970-01-01T00:00:00.000Z level=info name=app "
	    "stream=out line=\"");
	n = log_line(FMT_TEXT, head, h, "a\"\xff", 3, 1, line, sizeof(line));
	CHECK_MEM(line + h, n - h, "a\\\"\\xff\" partial=true\n");
	h = log_head(FMT_JSON, 0, "app", "err", head, sizeof(head));
	CHECK_MEM(head, h, "{\"ts\":\"1970-01-01T00:00:00.000Z\","
	    "\"level\":\"info\",\"name\":\"app\",\"stream\":\"err\",\"line\":\"");
	n = log_line(FMT_JSON, head, h, "ok\\", 3, 0, line, sizeof(line));
	CHECK_MEM(line + h, n - h, "ok\\\\\"}\n");
	n = log_line(FMT_JSON, head, h, "\\\xff", 2, 1, line, sizeof(line));
	CHECK_MEM(line + h, n - h, "\\\\\\\\\\\\xff\",\"partial\":true,"
	    "\"escaped\":true}\n");
}

/* log_text: head and text up to the newline, in one pass; 0 if short. */
static void
text_to_newline(void)
{
	char buf[256];
	size_t n, used;
	int raw;

	n = log_text(FMT_TEXT, "H:", 2, "a\"b\nnext", 9, buf, sizeof(buf),
	    &used, &raw);
	CHECK_MEM(buf, n, "H:a\\\"b");
	CHECK_INT(used, 3);
	CHECK_INT(raw, 0);
	n += log_tail(FMT_TEXT, 0, raw, buf + n);
	CHECK_MEM(buf, n, "H:a\\\"b\"\n");
	/* No newline in LEN bytes: all of them. */
	n = log_text(FMT_TEXT, "H:", 2, "abc", 3, buf, sizeof(buf), &used, &raw);
	CHECK_INT(used, 3);
	CHECK_INT(n, 5);
	/* JSON with a raw byte before the newline: escaped, marked. */
	n = log_text(FMT_JSON, "H:", 2, "\\\xff\n\xfe", 4, buf, sizeof(buf),
	    &used, &raw);
	CHECK_INT(used, 2);
	CHECK_INT(raw, 1);
	n += log_tail(FMT_JSON, 1, raw, buf + n);
	CHECK_MEM(buf, n, "H:\\\\\\\\\\\\xff\",\"partial\":true,\"escaped\":true}\n");
	/* Too little room for all the text: 0, and the caller flushes. */
	CHECK_INT(log_text(FMT_TEXT, "H:", 2, "abcdefgh\n", 9, buf,
	    2 + LOG_TAIL_MAX + 4, &used, &raw), 0);
	CHECK_INT(log_text(FMT_TEXT, "H:", 2, "abcdefgh\n", 9, buf,
	    2 + LOG_TAIL_MAX + 8, &used, &raw), 10);
}

/* log_lines: every plain whole line at once; stops where one is not. */
static void
many_lines(void)
{
	char buf[512];
	unsigned long lines;
	size_t n, used;

	n = log_lines(FMT_TEXT, "H:", 2, "a\nb\"\nc", 7, 100, buf, sizeof(buf),
	    &used, &lines);
	CHECK_MEM(buf, n, "H:a\"\nH:b\\\"\"\n");
	CHECK_INT(lines, 2);
	CHECK_INT(used, 5);		/* "c" is not finished */
	n = log_lines(FMT_JSON, "H:", 2, "a\n\xff\nb\n", 6, 100, buf,
	    sizeof(buf), &used, &lines);
	CHECK_MEM(buf, n, "H:a\"}\n");
	CHECK_INT(used, 2);		/* a raw byte: the caller's */
	n = log_lines(FMT_TEXT, "H:", 2, "abcd\nabcde\n", 11, 4, buf,
	    sizeof(buf), &used, &lines);
	CHECK_INT(n, 8);
	CHECK_INT(lines, 1);		/* a line of exactly CAP is whole */
	CHECK_INT(used, 5);		/* one longer goes in parts */
	n = log_lines(FMT_TEXT, "H:", 2, "ab\ncd\n", 6, 100, buf,
	    2 + 5 + 2 + LOG_TAIL_MAX, &used, &lines);
	CHECK_INT(lines, 1);		/* no room for the second */
	CHECK_INT(n, 6);
	CHECK_INT(used, 3);
}

const struct unit log_units[] = {
	{ "text escape: all 256 byte values round-trip, no two alike", text_all_bytes },
	{ "text escape: raw 0xff and the text \\xff differ", text_raw_vs_literal },
	{ "escape: random bytes round-trip in text and JSON", round_trip_random },
	{ "escape: word-at-a-time equals a byte-at-a-time model", words_match_model },
	{ "escape: a short buffer stops at a whole unit", stops_whole },
	{ "body: a long COMMAND is cut with ..., logfmt stays valid", body_cut_text },
	{ "body: a long value of escapes is cut between them, JSON stays valid", body_cut_json },
	{ "body: several long fields all keep their keys", body_cut_many },
	{ "body: short fields as they are, quoted when needed", body_plain },
	{ "body: a descriptor's words and values become its fields", body_desc },
	{ "stamps: RFC 3339 UTC ms, text and JSON", stamps },
	{ "stamps: the date and time gmtime_r gives, any year", stamps_as_gmtime },
	{ "file lines: head, escapes, partial and escaped marks", file_lines },
	{ "file lines: log_text stops at the newline, or says it did not fit", text_to_newline },
	{ "file lines: log_lines takes plain whole lines, leaves the rest", many_lines },
	{ NULL, NULL },
};
