#!/usr/bin/env bats
# Fuzzing, valgrind and lint (mk/hardening.mk), each briefly: outputs go to
# the test's temp dir, never to build/fuzz or build/valgrind.

load helper

@test "the config fuzz target builds, passes the regression inputs and fuzzes 5 s without a crash" {
	command -v clang >/dev/null || skip "clang is not installed"
	run make -s -C "$ROOT" fuzz FUZZ_SECONDS=5 FUZZ_DIR="$T/fuzz"
	assert_success
	assert_output --regexp 'DONE +cov: [0-9]+ ft: [0-9]+'
	assert_output --regexp 'number_of_executed_units: +[1-9][0-9]*'
	# The run adds to its own copy of the corpus, not to the repository's.
	[ "$(find "$T/fuzz/corpus" -type f | wc -l)" -ge "$(find "$ROOT/tests/fuzz/corpus" -type f | wc -l)" ]
}

@test "valgrind finds no memory errors or leaks in the parser over the corpus" {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	run make -s -C "$ROOT" valgrind VG_DIR="$T/vg"
	assert_success
	assert_output --partial "no errors, no leaks"
	[ "$(wc -l <"$T/vg/driver.log")" -ge 30 ]
}

@test "the seed corpus sets every config key at least once" {
	printf 'COMMAND=x\n' >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_success
	local key missing=""
	while IFS='=' read -r key _; do
		grep -qs "^\(export \)\?$key=" "$ROOT"/tests/fuzz/corpus/* || missing+=" $key"
	done <<<"$output"
	[ -z "$missing" ] || { echo "no seed in tests/fuzz/corpus sets:$missing" >&2; false; }
}

@test "make lint: cppcheck and shellcheck report nothing" {
	if ! command -v cppcheck >/dev/null || ! command -v shellcheck >/dev/null; then
		skip "cppcheck or shellcheck is not installed"
	fi
	run make -s -C "$ROOT" lint
	assert_success
	assert_output --partial "lint: clean"
}
