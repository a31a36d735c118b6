/* logwriter.c: record encoding and decoding, line splitting at the cap. */
#include <string.h>

#include "bounds.h"
#include "log.h"
#include "logwriter.h"
#include "unit.h"

static void
records(void)
{
	char buf[LOG_REC_MAX];
	const char *body;
	size_t n, blen;
	int kind, svc;

	n = lw_rec_event(0, "level=info name=a event=b", 25, buf, sizeof(buf));
	CHECK_MEM(buf, n, "E0 level=info name=a event=b\n");
	CHECK_INT(lw_rec_parse(buf, n, &kind, &svc, &body, &blen), 0);
	CHECK_INT(kind, LW_REC_EVENT);
	CHECK_INT(svc, 0);
	CHECK_MEM(body, blen, "level=info name=a event=b");
	n = lw_rec_event(-1, "\"level\":\"info\"}", 15, buf, sizeof(buf));
	CHECK_MEM(buf, n, "E- \"level\":\"info\"}\n");
	CHECK_INT(lw_rec_parse(buf, n, &kind, &svc, &body, &blen), 0);
	CHECK_INT(svc, -1);
	CHECK_MEM(body, blen, "\"level\":\"info\"}");
	n = lw_rec_event(63, "x", 1, buf, sizeof(buf));
	CHECK_INT(lw_rec_parse(buf, n, &kind, &svc, &body, &blen), 0);
	CHECK_INT(svc, 63);
	n = lw_rec_flush(12, buf, sizeof(buf));
	CHECK_MEM(buf, n, "F12\n");
	CHECK_INT(lw_rec_parse(buf, n, &kind, &svc, &body, &blen), 0);
	CHECK_INT(kind, LW_REC_FLUSH);
	CHECK_INT(svc, 12);
}

static int
bad(const char *r)
{
	const char *body;
	size_t blen;
	int kind, svc;

	return lw_rec_parse(r, strlen(r), &kind, &svc, &body, &blen) < 0;
}

static void
malformed(void)
{
	CHECK(bad(""));
	CHECK(bad("E\n"));
	CHECK(bad("E0 body"));		/* no newline */
	CHECK(bad("Ex body\n"));
	CHECK(bad("E0body\n"));
	CHECK(bad("E64 body\n"));	/* past LW_SVC_MAX */
	CHECK(bad("E1234 body\n"));
	CHECK(bad("X0 body\n"));
	CHECK(bad("F-\n"));		/* a flush names a service */
	CHECK(bad("F1 x\n"));
	CHECK(bad("F\n"));
	CHECK(!bad("E0 \n"));		/* an empty body is still a record */
}

/* The longest body fits one atomic pipe write, record bytes and all. */
static void
fits_pipe_buf(void)
{
	char body[LOG_BODY_MAX + 1], rec[LOG_REC_MAX];
	size_t n;

	memset(body, 'b', LOG_BODY_MAX);
	n = lw_rec_event(LW_SVC_MAX - 1, body, LOG_BODY_MAX, rec, sizeof(rec));
	CHECK(n <= PIPE_BUF);
	CHECK_INT(n, LOG_BODY_MAX + 5);
	CHECK_INT(rec[n - 1], '\n');
}

/* Lines end at newlines, or in parts of exactly CAP bytes. */
static void
cut_at_cap(void)
{
	static char big[LOG_LINE_MAX + 2];
	size_t take;

	memset(big, 'x', sizeof(big));
	/* A 16 KiB line and its newline in one read: one whole line. */
	big[LOG_LINE_MAX] = '\n';
	CHECK_INT(lw_cut(big, LOG_LINE_MAX + 1, 0, LOG_LINE_MAX, &take),
	    LW_LINE);
	CHECK_INT(take, LOG_LINE_MAX);
	/* The same line, its newline in the next read: still one line. */
	CHECK_INT(lw_cut(big, LOG_LINE_MAX, 0, LOG_LINE_MAX, &take), LW_MORE);
	CHECK_INT(take, LOG_LINE_MAX);
	CHECK_INT(lw_cut("\nnext", 5, LOG_LINE_MAX, LOG_LINE_MAX, &take),
	    LW_LINE);
	CHECK_INT(take, 0);
	/* One byte more: a 16 KiB part, then the rest as a line. */
	CHECK_INT(lw_cut("y\n", 2, LOG_LINE_MAX, LOG_LINE_MAX, &take), LW_PART);
	CHECK_INT(take, 0);
	big[LOG_LINE_MAX] = 'x';
	big[LOG_LINE_MAX + 1] = '\n';
	CHECK_INT(lw_cut(big, LOG_LINE_MAX + 2, 0, LOG_LINE_MAX, &take),
	    LW_PART);
	CHECK_INT(take, LOG_LINE_MAX);
	/* Split across reads at every point: never an empty extra line. */
	CHECK_INT(lw_cut(big, 100, 16000, LOG_LINE_MAX, &take), LW_MORE);
	CHECK_INT(lw_cut(big, 385, 16000, LOG_LINE_MAX, &take), LW_PART);
	CHECK_INT(take, 384);
	CHECK_INT(lw_cut("ab\ncd", 5, 0, LOG_LINE_MAX, &take), LW_LINE);
	CHECK_INT(take, 2);
	CHECK_INT(lw_cut("\n", 1, 0, LOG_LINE_MAX, &take), LW_LINE);
	CHECK_INT(take, 0);
}

const struct unit logwriter_units[] = {
	{ "records: event and flush encode and decode", records },
	{ "records: malformed ones are refused", malformed },
	{ "records: the longest event fits PIPE_BUF", fits_pipe_buf },
	{ "lines: a line of exactly 16 KiB stays whole across reads", cut_at_cap },
	{ NULL, NULL },
};
