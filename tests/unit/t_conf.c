/* conf.c: the one lexer for values and COMMAND words, and the splitter. */
#include <string.h>

#include "bounds.h"
#include "conf.h"
#include "unit.h"

/* One value word of S; its text (or the error) into OUT. */
static const char *
word(const char *s, int cmd, char *out, size_t size)
{
	const char *why = conf_word(&s, out, size, cmd);

	return why != NULL ? why : out;
}

static void
quoting(void)
{
	char b[64];

	CHECK_STR(word("plain", 0, b, sizeof(b)), "plain");
	CHECK_STR(word("'a b'c", 0, b, sizeof(b)), "a bc");
	CHECK_STR(word("\"a\\\"b\\\\c\"", 0, b, sizeof(b)), "a\"b\\c");
	/* Inside double quotes a backslash before anything else stays. */
	CHECK_STR(word("\"a\\nb\"", 0, b, sizeof(b)), "a\\nb");
	CHECK_STR(word("a\\ b", 0, b, sizeof(b)), "a b");
	CHECK_STR(word("'$HOME'", 0, b, sizeof(b)), "$HOME");
	CHECK_STR(word("\"\\$HOME\"", 0, b, sizeof(b)), "$HOME");
	CHECK_STR(word("a#b", 0, b, sizeof(b)), "a#b");
	CHECK_STR(word("''", 0, b, sizeof(b)), "");
}

static void
refusals(void)
{
	char b[64];

	CHECK(strstr(word("'abc", 0, b, sizeof(b)), "unterminated single") != NULL);
	CHECK(strstr(word("\"abc", 0, b, sizeof(b)), "unterminated double") != NULL);
	CHECK(strstr(word("a$b", 0, b, sizeof(b)), "unquoted '$'") != NULL);
	CHECK(strstr(word("\"a$b\"", 0, b, sizeof(b)), "'$' inside double") != NULL);
	CHECK(strstr(word("\"a`b\"", 1, b, sizeof(b)), "'`' inside double") != NULL);
	CHECK(strstr(word("a|b", 1, b, sizeof(b)), "no shell here") != NULL);
	CHECK(strstr(word("a;b", 0, b, sizeof(b)), "quote the value") != NULL);
	CHECK(strstr(word("abc\\", 0, b, sizeof(b)), "line continuation") != NULL);
	/* The same rule for values and COMMAND words: one lexer. */
	CHECK_STR(word("\"a$b\"", 0, b, sizeof(b)), word("\"a$b\"", 1, b + 32, 32));
	CHECK(strstr(word("x", 0, b, 1), "too long") != NULL);
}

static void
tildes(void)
{
	char b[64];

	/* sh expands ~ at the start of a value and after an unquoted ':'. */
	CHECK(strstr(word("~/app", 0, b, sizeof(b)), "'~'") != NULL);
	CHECK(strstr(word("/a:~/b", 0, b, sizeof(b)), "'~'") != NULL);
	CHECK_STR(word("a~b", 0, b, sizeof(b)), "a~b");
	CHECK_STR(word("'~/app'", 0, b, sizeof(b)), "~/app");
	CHECK_STR(word("\\~", 0, b, sizeof(b)), "~");
	/* In a command only at the start of a word; '#' there starts a comment. */
	CHECK_STR(word("a:~b", 1, b, sizeof(b)), "a:~b");
	CHECK(strstr(word("~x", 1, b, sizeof(b)), "'~'") != NULL);
	CHECK(strstr(word("#x", 1, b, sizeof(b)), "comment") != NULL);
	CHECK_STR(word("'#x'", 1, b, sizeof(b)), "#x");
}

static void
splitting(void)
{
	char *w[8], buf[128];

	CHECK_STR(conf_split("a 'b c'  d\\ e \"\"", w, 7, buf, sizeof(buf)), NULL);
	CHECK_STR(w[0], "a");
	CHECK_STR(w[1], "b c");
	CHECK_STR(w[2], "d e");
	CHECK_STR(w[3], "");
	CHECK(w[4] == NULL);
	CHECK_STR(conf_split("  \t ", w, 7, buf, sizeof(buf)), "is empty");
	CHECK_STR(conf_split("a b c", w, 2, buf, sizeof(buf)),
	    "has more than 2 words");
	CHECK_STR(conf_split("abcdef", w, 7, buf, 4), "is too long");
}

const struct unit conf_units[] = {
	{ "conf_word: quotes and backslashes as sh reads them", quoting },
	{ "conf_word: what sh would expand or parse is refused", refusals },
	{ "conf_word: '~' where sh expands it, '#' starting a word", tildes },
	{ "conf_split: words, empty words, limits", splitting },
	{ NULL, NULL },
};
