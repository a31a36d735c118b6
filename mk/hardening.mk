# Hardening (issue 6): `make fuzz`, `make valgrind`, `make lint`.
# Included by the main Makefile; reads its STD and WARN, defines only
# FUZZ_*, VG_* and LINT_* names.  Outputs stay in build/fuzz, build/valgrind.

FUZZ_SECONDS	?= 60
FUZZ_CC		?= clang
FUZZ_FLAGS	?=
FUZZ_DIR	:= build/fuzz
FUZZ_BIN	:= $(FUZZ_DIR)/conf_fuzz
FUZZ_SRC	:= tests/fuzz/conf_fuzz.c
FUZZ_PARSER	:= init/conf.c init/util.c init/sig.c init/probe.c
FUZZ_IGNORE	:= tests/fuzz/coverage-ignore.txt
FUZZ_DEPS	:= $(FUZZ_SRC) $(FUZZ_PARSER) $(wildcard init/*.h) $(FUZZ_IGNORE)
# -fno-inline keeps distance() a function of its own, so FUZZ_IGNORE applies.
FUZZ_CFLAGS	:= $(STD) $(WARN) -iquote init -g -O1 -fno-omit-frame-pointer -fno-inline \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		   -fsanitize-coverage-ignorelist=$(FUZZ_IGNORE)
# One process (-jobs/-workers unset); max_len leaves room for the seeds
# over CONF_LINE_MAX and ENV_BUF; a parse taking 10 s is a hang.
FUZZ_RUN	:= -dict=tests/fuzz/conf.dict -max_len=12288 -timeout=10 \
		   -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/
FUZZ_REGRESS	:= $(wildcard tests/fuzz/regress/*)

VG_CC		?= gcc
VG_DIR		:= build/valgrind
VG_BIN		:= $(VG_DIR)/conf_driver
VG_FLAGS	:= -q --error-exitcode=1 --leak-check=full --show-leak-kinds=all \
		   --errors-for-leak-kinds=all --track-fds=no

LINT_C		:= init tests/fixtures examples tests/fuzz tests/unit
LINT_SH		:= .ci/run $(wildcard tests/*.sh tests/containers/*.sh)
LINT_BATS	:= $(wildcard tests/*.bats) tests/helper.bash tests/loghelper.bash
# variableScope: STYLE.md follows OpenBSD style(9), which declares every
# local at the top of its function; cppcheck would move them into blocks.
LINT_CPPCHECK	:= cppcheck -q --enable=warning,style,performance,portability \
		   --error-exitcode=1 --inline-suppr --std=c11 -Iinit \
		   --suppress=variableScope
# .bats files are checked as bats (shellcheck reads the shebang), which adds
# the bats-only checks (SC2314: `! cmd` never fails a test).  Excluded:
#   SC2030,SC2031  each @test runs in its own subshell: a variable set in
#                  one test is meant not to reach the next
#   SC2034,SC2153  variables shared through `load helper`, which shellcheck
#                  cannot follow (set in helper.bash, read in the .bats)
#   SC1091         `. "$T/x.conf"` sources a file the test writes at run time
#   SC2016         `wait_until N eval '...'` and `sh -c '...'` bodies are
#                  single-quoted on purpose: they expand later, when run
LINT_BATS_EXCL	:= SC2030,SC2031,SC2034,SC2153,SC1091,SC2016

.PHONY: fuzz fuzz-build valgrind lint

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BIN): $(FUZZ_DEPS)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS) -o $@ $(FUZZ_SRC) $(FUZZ_PARSER)

# Regression inputs first (each must pass), then FUZZ_SECONDS of fuzzing
# over a copy of the seed corpus: new inputs go to build/fuzz/corpus, crashes
# to build/fuzz/crash-*; any crash, leak or timeout fails the target.
fuzz: $(FUZZ_BIN)
ifneq ($(FUZZ_REGRESS),)
	@echo "fuzz: $(words $(FUZZ_REGRESS)) regression inputs (tests/fuzz/regress)"
	@$(FUZZ_BIN) $(FUZZ_RUN) $(FUZZ_REGRESS) >$(FUZZ_DIR)/regress.log 2>&1 || \
		{ cat $(FUZZ_DIR)/regress.log; echo "fuzz: a regression input fails" >&2; exit 1; }
endif
	@mkdir -p $(FUZZ_DIR)/corpus
	@cp tests/fuzz/corpus/* $(FUZZ_DIR)/corpus/
	@echo "fuzz: $(FUZZ_SECONDS) s over $(FUZZ_DIR)/corpus (log: $(FUZZ_DIR)/fuzz.log)"
	@{ $(FUZZ_BIN) $(FUZZ_RUN) -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) \
		$(FUZZ_DIR)/corpus 2>&1; echo $$? >$(FUZZ_DIR)/fuzz.rc; } | tee $(FUZZ_DIR)/fuzz.log
	@rc=$$(cat $(FUZZ_DIR)/fuzz.rc 2>/dev/null); \
	echo "fuzz: summary: $$(grep -E '^#[0-9]+' $(FUZZ_DIR)/fuzz.log | tail -n 1)"; \
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' $(FUZZ_DIR)/fuzz.log | sed 's/^/fuzz: /'; \
	if [ "$$rc" != 0 ]; then \
		echo "fuzz: FAILED (exit $$rc): copy $(FUZZ_DIR)/crash-* (or leak-*, timeout-*) to tests/fuzz/regress/ and fix" >&2; \
		exit 1; \
	fi

$(VG_BIN): tests/fuzz/driver.c $(FUZZ_DEPS)
	@mkdir -p $(VG_DIR)
	$(VG_CC) $(STD) $(WARN) -iquote init -g -O0 $(CFLAGS) -o $@ tests/fuzz/driver.c $(FUZZ_SRC) $(FUZZ_PARSER)

# The plain (unsanitized) parser under valgrind over every seed and
# regression input; errors and leaks of any kind fail.
valgrind: $(VG_BIN)
	valgrind $(VG_FLAGS) $(VG_BIN) tests/fuzz/corpus/* $(FUZZ_REGRESS) >$(VG_DIR)/driver.log
	@echo "valgrind: $$(wc -l <$(VG_DIR)/driver.log) files, no errors, no leaks"

# Runs all three checks, then fails if any found something.
lint:
	@command -v cppcheck >/dev/null && command -v shellcheck >/dev/null || \
		{ echo "lint: needs cppcheck and shellcheck (apt-get install cppcheck shellcheck)" >&2; exit 1; }
	@rc=0; \
	echo "$(LINT_CPPCHECK) $(LINT_C)"; $(LINT_CPPCHECK) $(LINT_C) || rc=1; \
	echo "shellcheck $(LINT_SH)"; shellcheck $(LINT_SH) || rc=1; \
	echo "shellcheck -e $(LINT_BATS_EXCL) $(LINT_BATS)"; \
	shellcheck -e $(LINT_BATS_EXCL) $(LINT_BATS) || rc=1; \
	if [ $$rc -ne 0 ]; then echo "lint: findings above" >&2; exit 1; fi; \
	echo "lint: clean"
