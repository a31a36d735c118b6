/*
 * Event and log line formatting (logfmt or JSON): pure functions, shared
 * by PID 1 (logpipe.c) and the log writer.
 */
#ifndef LOG_H
#define LOG_H

#include <limits.h>	/* PIPE_BUF: the system's, not init/limits.h */
#include <stdarg.h>
#include <stddef.h>

#include "conf.h"

struct field {
	const char	*key;
	const char	*str;	/* NULL: the field is the number NUM */
	long long	 num;
};
#define FS(k, v)	{ (k), (v), 0 }
#define FN(k, v)	{ (k), NULL, (long long)(v) }
#define FEND		{ NULL, NULL, 0 }

/*
 * An event as its callers write it: one descriptor, "EVENT KEY=%s
 * KEY=%d ...", and the values as arguments after it, so that a call is
 * a few arguments and not an array built on the stack.  A function that
 * takes one is declared LOG_DESC(N), N being the descriptor's argument:
 * the compiler checks the values as it checks a printf format.  A value
 * is %s, %d, %u, %ld or %lld, or a word written as itself (signal=KILL).
 */
#define LOG_DESC(n)	__attribute__((format(printf, n, (n) + 1)))
/* The longest descriptor, and the most fields one holds. */
#define LOG_DESC_MAX	256
#define LOG_ARGS_MAX	20
struct log_event {
	char		 buf[LOG_DESC_MAX];	/* the descriptor, cut up */
	struct field	 f[LOG_ARGS_MAX + 1];
};


/*
 * Sizes.  A record on the pipe to the log writer ("E" SVC " " BODY "\n")
 * is written with one write(2) of at most PIPE_BUF bytes, so it is never
 * torn; LOG_BODY_MAX leaves room for the record's own bytes.  A stamped
 * line adds at most LOG_STAMP_MAX to its body.
 */
#define LOG_REC_MAX	PIPE_BUF
#define LOG_BODY_MAX	(LOG_REC_MAX - 8)
#define LOG_STAMP_MAX	40
#define LOG_EVENT_MAX	(LOG_BODY_MAX + LOG_STAMP_MAX)
/* The most log_tail() writes. */
#define LOG_TAIL_MAX	40
/* Room log_line() needs for LEN bytes of data after a head of HLEN. */
#define LOG_LINE_ROOM(hlen, len)	((hlen) + 6 * (len) + LOG_TAIL_MAX)
/* A string value cut to fit keeps at least this much before its "...". */
#define LOG_CUT_MIN	32

/* log_escape() modes, and a flag: stop before a newline.  See there. */
enum { LOG_ESC_TEXT, LOG_ESC_JSON, LOG_ESC_JSONRAW };
#define LOG_ESC_LINE	4


/*
 * An event line without its stamp and newline, as PID 1 sends it to the
 * log writer: text `level=info name=app event=x k=v`, JSON
 * `"level":"info","name":"app","event":"x","k":"v"}`.  String values too
 * long for SIZE (at most LOG_BODY_MAX + 1) are cut and end in "...", so
 * the line stays valid.  Its length (< SIZE).
 */
size_t	log_body(int, int, const char *, const char *, const struct field *,
	    char *, size_t);
/*
 * The descriptor DESC (see LOG_DESC) cut into E's fields, with the values
 * that AP holds; the event's name.
 */
const char *log_fields(struct log_event *, const char *, va_list);
/*
 * The line BODY (BLEN bytes, text or JSON, told apart by its first byte)
 * stamped with epoch millisecond MS: "ts=STAMP BODY\n" or
 * "{"ts":"STAMP",BODY\n", into BUF of LOG_EVENT_MAX bytes; its length.
 */
size_t	log_stamp(long long, const char *, size_t, char *, size_t);
/*
 * Append LEN bytes of S and a newline to BUF, which holds N of its SIZE
 * bytes; S is cut to fit.  The new length.
 */
size_t	log_append(char *, size_t, size_t, const char *, size_t);
/* Epoch millisecond MS as RFC 3339 UTC with milliseconds; its length. */
size_t	log_time(long long, char *, size_t);
/*
 * The head of a file line of stream STREAM ("out", "err") of service NAME
 * at MS, up to the opening quote of its text: `ts=... level=info
 * name=NAME stream=out line="`, or JSON alike; its length.
 */
size_t	log_head(int, long long, const char *, const char *, char *, size_t);
/*
 * A whole file line: HEAD (HLEN bytes, from log_head()), LEN bytes of DATA
 * escaped, the closing quote, ` partial=true` (JSON `,"partial":true`) if
 * PARTIAL, and a newline, into BUF of at least LOG_LINE_ROOM(HLEN, LEN)
 * bytes; its length.
 */
size_t	log_line(int, const char *, size_t, const char *, size_t, int,
	    char *, size_t);
/*
 * The start of a file line for the text at DATA up to its first newline,
 * or LEN bytes: HEAD (HLEN bytes), then the text escaped, into BUF of SIZE
 * bytes, leaving LOG_TAIL_MAX for log_tail().  *USED gets the bytes of
 * DATA taken (not the newline), *RAW whether they were escaped as
 * LOG_ESC_JSONRAW.  The length, or 0 if SIZE is too short for it all.
 */
size_t	log_text(int, const char *, size_t, const char *, size_t, char *,
	    size_t, size_t *, int *);
/*
 * The file lines (as log_line() makes them) for the whole lines at DATA,
 * as many as LEN bytes hold and SIZE bytes of BUF take, with no line
 * longer than CAP: it stops before a line that is unfinished, longer,
 * not UTF-8 in JSON, or does not fit, which the caller takes on its own.
 * The bytes written; *USED gets the bytes of DATA taken (newlines
 * included), *LINES the number of lines.
 */
size_t	log_lines(int, const char *, size_t, const char *, size_t, size_t,
	    char *, size_t, size_t *, unsigned long *);
/*
 * The end of a file line after its escaped text, into BUF (LOG_TAIL_MAX
 * bytes): the closing quote, the PARTIAL mark, for JSON the "escaped" mark
 * if RAW (the text was escaped with LOG_ESC_JSONRAW) and the brace, and a
 * newline; its length.
 */
size_t	log_tail(int, int, int, char *);
/*
 * Escape LEN bytes of SRC for a quoted logfmt value (LOG_ESC_TEXT) or a
 * JSON string (LOG_ESC_JSON*), into BUF of SIZE bytes, stopping before a
 * unit that would not fit, or before a newline if MODE has LOG_ESC_LINE;
 * *USED (if not NULL) gets the bytes of SRC consumed.  Its length, not NUL-terminated.  Both formats: `"` as `\"`,
 * `\` as `\\`, newline, tab and CR as \n \t \r, other control bytes and
 * DEL as \u00NN, valid UTF-8 as itself.  A byte that is not part of valid
 * UTF-8: TEXT writes `\xNN`, which can be undone since a backslash is
 * always escaped; JSON has no \x, so LOG_ESC_JSON returns (size_t)-1 at
 * such a byte and the caller uses LOG_ESC_JSONRAW for the whole string.
 * That writes a string which, once JSON-decoded, holds each backslash
 * doubled and each such byte as `\xNN` (in the file: `\\\\` and `\\xNN`);
 * callers mark it "escaped":true, telling readers to undo those two.
 */
size_t	log_escape(const char *, size_t, char *, size_t, int, size_t *);

#endif
