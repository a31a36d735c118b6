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

/*
 * conf.c keeps key names in one string in the order of enum key, which
 * the compiler cannot check: each K_ constant must name its own key.
 */
static void
key_names(void)
{
#define KEY(k)	{ K_##k, #k }
	static const struct {
		int		 k;
		const char	*name;
	} all[] = {
		KEY(NAME), KEY(COMMAND), KEY(TYPE), KEY(AFTER), KEY(CRITICAL),
		KEY(READY_FD), KEY(RESTART_POLICY), KEY(SUCCESS_EXIT_CODES),
		KEY(RESTART_DELAY), KEY(RESTART_DELAY_MAX), KEY(MAX_RESTARTS),
		KEY(RESTART_WINDOW), KEY(STOP_SIGNAL), KEY(STOP_TIMEOUT),
		KEY(STOP_DELAY), KEY(SIGNAL_MAP), KEY(KILL_GROUP),
		KEY(PROCESS_GROUP), KEY(WORKDIR), KEY(USER), KEY(GROUPS),
		KEY(CLEAR_ENV), KEY(MAX_CPU_PCT), KEY(CPU_BREACH_TICKS),
		KEY(MAX_MEM_MB), KEY(CHECK_INTERVAL), KEY(HEALTH_CMD),
		KEY(HEALTH_TCP), KEY(HEALTH_HTTP), KEY(HEALTH_INTERVAL),
		KEY(HEALTH_TIMEOUT), KEY(HEALTH_RETRIES),
		KEY(HEALTH_START_PERIOD), KEY(HEALTH_ACTION), KEY(LOG_DIR),
		KEY(LOG_FORMAT), KEY(LOG_KEEP_DAYS), KEY(LOG_PREFIX),
		KEY(PID_DIR), KEY(LOG_LEVEL), KEY(EXIT_AS_ZERO),
		KEY(PARENT_DEATH_SIGNAL), KEY(WARN_ON_REAP),
	};
#undef KEY
	size_t i;

	CHECK_INT(sizeof(all) / sizeof(all[0]), K_N);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		CHECK_INT(conf_key(all[i].name, strlen(all[i].name)), all[i].k);
	CHECK_INT(conf_key("NAM", 3), -1);
	CHECK_INT(conf_key("NAMES", 5), -1);
}

const struct unit conf_units[] = {
	{ "conf_word: quotes and backslashes as sh reads them", quoting },
	{ "conf_word: what sh would expand or parse is refused", refusals },
	{ "conf_word: '~' where sh expands it, '#' starting a word", tildes },
	{ "conf_split: words, empty words, limits", splitting },
	{ "conf_key: each K_ constant names its own key", key_names },
	{ NULL, NULL },
};
