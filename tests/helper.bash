# Shared test helpers: temp dirs, polling with deadlines, launching init
# as a real PID 1 (unshare) or as a plain subreaper.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# Another build (make test-aarch64) passes its own binary, fixtures and worker.
# INIT_BIN is not for init (it warns about INIT_* variables that name no
# setting), so it is not passed on; but bats sources this file again in a
# new process for each test, which sees only what is exported: the choice
# travels as TEST_INIT_BIN.
export TEST_INIT_BIN=${INIT_BIN:-${TEST_INIT_BIN:-}}
export -n INIT_BIN
INIT=${TEST_INIT_BIN:-$ROOT/build/init}
FIX=${FIX_DIR:-$ROOT/build/fixtures}
WORKER=${WORKER_BIN:-$ROOT/build/worker}
# What /proc/PID/exe names for a running init: the binary itself, or, for one
# run through binfmt_misc (qemu-user), the interpreter.
INIT_EXE=${TEST_INIT_EXE:-$INIT}

common_setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/init-test.XXXXXX")
	LAUNCH_PID=""
	INIT_PID=""
}

common_teardown() {
	if [ -n "$LAUNCH_PID" ] && kill -0 "$LAUNCH_PID" 2>/dev/null; then
		# A failed test leaves init running: take its whole tree down.
		if [ -n "$INIT_PID" ]; then
			kill -STOP "$INIT_PID" 2>/dev/null
			# shellcheck disable=SC2046
			kill -KILL $(descendants "$INIT_PID") 2>/dev/null
			kill -KILL "$INIT_PID" 2>/dev/null
		fi
		kill -KILL "$LAUNCH_PID" 2>/dev/null
		wait "$LAUNCH_PID" 2>/dev/null
	fi
	rm -rf "$T"
}

setup() { common_setup; }
teardown() { common_teardown; }

# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "wait_until: timed out: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

# start_init [--pid1] ARGS...: run init in the background, output in
# $T/out and $T/err.  Sets LAUNCH_PID (to wait on) and INIT_PID (to signal).
start_init() {
	if [ "$1" = --pid1 ]; then
		shift
		unshare --pid --fork --mount-proc "$INIT" "$@" >"$T/out" 2>"$T/err" </dev/null &
		LAUNCH_PID=$!
		# init may already be gone when its child was quick.
		wait_until 10 eval 'child_of "$LAUNCH_PID" >/dev/null || not_running "$LAUNCH_PID"'
		INIT_PID=$(child_of "$LAUNCH_PID") || true
	else
		"$INIT" "$@" >"$T/out" 2>"$T/err" </dev/null &
		LAUNCH_PID=$!
		INIT_PID=$LAUNCH_PID
	fi
}

# child_of PID: print the first child of PID, fail if it has none.
child_of() {
	local c
	c=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	c=${c%% *}
	[ -n "$c" ] || return 1
	echo "$c"
}

# wait_init [SECONDS]: wait for init to exit; its status goes in $STATUS.
wait_init() {
	wait_until "${1:-30}" not_running "$LAUNCH_PID" || return 1
	STATUS=0
	wait "$LAUNCH_PID" || STATUS=$?
	LAUNCH_PID=""
}

not_running() {
	! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1")" = Z ]
}

# file_has FILE PATTERN: grep -q, for wait_until.
file_has() { grep -q -- "$2" "$1" 2>/dev/null; }

# count FILE PATTERN: number of matching lines.
count() { grep -c -- "$2" "$1" 2>/dev/null || true; }

# descendants PID: every process below PID.
descendants() {
	local c list
	read -ra list <<<"$(cat /proc/"$1"/task/*/children 2>/dev/null)"
	for c in "${list[@]}"; do
		echo "$c"
		descendants "$c"
	done
}

# zombies_under PID: how many zombies are below PID.
zombies_under() {
	local n=0 p
	for p in $(descendants "$1"); do
		[ "$(awk '{print $3}' /proc/"$p"/stat 2>/dev/null)" = Z ] && n=$((n + 1))
	done
	echo "$n"
}
