#!/usr/bin/env bats
# Shutdown: one budget for the whole stop, leftovers killed until none is
# left, STOP_DELAY, `init stop`'s wait, and life without /proc.

load helper

recorded() { awk -v w="$1" -v s="$2" '$1 == w && $3 == s {f = 1} END {exit !f}' "$T/rec" 2>/dev/null; }

# Seconds between the first EVENT1 and EVENT2 lines of $T/err.
between() {
	awk -v a="event=$1" -v b="event=$2" '
	function secs(l) { sub(/^ts=/, "", l); split(l, t, "T"); split(t[2], h, ":");
		return h[1] * 3600 + h[2] * 60 + h[3] }
	index($0, a) && !x { x = secs($1) } index($0, b) && !y { y = secs($1) }
	END { printf "%.3f\n", y - x }' "$T/err"
}

@test "leftovers that keep forking are killed until none is left" {
	# The child leaves a forker behind that ignores TERM and forks a
	# sleeper (ignoring TERM too) every 5 ms: a process forked between
	# one kill round and the next must not survive.
	cat >"$T/forker" <<-'EOF2'
	trap '' TERM
	( trap '' TERM; while :; do sleep 31.4159 & sleep 0.005; done ) &
	exit 0
	EOF2
	INIT_STOP_TIMEOUT=1 INIT_LOG_LEVEL=info start_init -- /bin/sh "$T/forker"
	wait_init 30
	[ "$STATUS" -eq 0 ]
	grep -q 'event=stop_escalated target=leftovers signal=KILL' "$T/err"
	sleep 0.5
	run pgrep -f 'sleep 31.4159'
	assert_failure
}

one_budget() {
	# The child ignores TERM; so does a leftover it forked into a
	# session of its own.  Both get TERM at once and SIGKILL at the end
	# of the one STOP_TIMEOUT, not one timeout after the other.
	export INIT_STOP_TIMEOUT=3 INIT_LOG_LEVEL=info
	start_init "$@" -- /bin/sh -c '"$0" "$1" -k & exec "$0" "$2" -i' \
		"$FIX/sigrec" "$T/rec" "$T/rec2"
	wait_until 10 recorded child ready
	wait_until 10 eval 'grep -q ready "$T/rec2"'
	kill -s TERM "$INIT_PID"
	# The leftover hears TERM while the child still runs.
	wait_until 10 recorded child TERM
	kill -0 "$(child_of "$INIT_PID")"
	wait_init 30
	[ "$STATUS" -eq 137 ]
	# One budget: the whole stop took STOP_TIMEOUT, not two of them.
	awk -v d="$(between stopping exiting)" 'BEGIN { exit !(d >= 2.9 && d < 5.5) }'
}

@test "one stop budget: leftovers get STOP_SIGNAL with the child and SIGKILL with it (not PID 1)" {
	one_budget
}

@test "one stop budget: leftovers get STOP_SIGNAL with the child and SIGKILL with it (PID 1)" {
	one_budget --pid1
}

@test "a second stop request during STOP_DELAY skips the rest of it" {
	INIT_STOP_DELAY=60 INIT_LOG_LEVEL=info start_init -- "$FIX/sigrec" "$T/rec"
	wait_until 10 recorded child ready
	kill -s TERM "$INIT_PID"
	wait_until 10 file_has "$T/err" event=stopping
	run ! recorded child TERM
	kill -s TERM "$INIT_PID"
	wait_init 20
	[ "$STATUS" -eq 0 ]
	recorded child TERM
	grep -q 'event=stop_delay_skipped' "$T/err"
}

@test "init stop waits for the whole budget: STOP_DELAY, STOP_TIMEOUT and the flush" {
	printf '%s\n' "COMMAND='$FIX/sigrec $T/rec'" NAME=svc "PID_DIR=$T/run" \
		STOP_DELAY=7 STOP_TIMEOUT=1 >"$T/c.conf"
	start_init start "$T/c.conf"
	wait_until 10 recorded child ready
	run "$INIT" stop "$T/c.conf"
	assert_success
	assert_output --partial "stopped svc"
	wait_init
	[ "$STATUS" -eq 0 ]
}

# Run init with an empty /proc: a mount namespace of its own.
noproc() {
	unshare --mount --propagation private /bin/sh -c \
		'mount -t tmpfs none /proc && exec "$0" "$@"' "$INIT" "$@"
}

@test "without /proc (and LOG_DIR set), init exits when the child does" {
	printf '%s\n' "COMMAND='$FIX/exitwith -o hello 3'" NAME=np "PID_DIR=" \
		"LOG_DIR=$T/logs" >"$T/c.conf"
	run timeout 30 bash -c "$(declare -f noproc); INIT=$INIT; noproc start $T/c.conf"
	assert_failure 3
	assert_output --partial hello
	grep -q 'line="hello"' "$T/logs/np-$(date -u +%F).log"
}

@test "without /proc (and LOG_DIR set), SIGTERM stops the child and init" {
	printf '%s\n' "COMMAND='$FIX/sigrec $T/rec'" NAME=np "PID_DIR=" \
		"LOG_DIR=$T/logs" >"$T/c.conf"
	bash -c "$(declare -f noproc); INIT=$INIT; noproc start $T/c.conf" \
		>"$T/out" 2>"$T/err" &
	LAUNCH_PID=$!
	wait_until 10 recorded child ready
	wait_until 10 eval 'pgrep -o -f "^$INIT start $T/c.conf" >/dev/null'
	INIT_PID=$(pgrep -o -f "^$INIT start $T/c.conf")
	kill -s TERM "$INIT_PID"
	wait_init 30
	[ "$STATUS" -eq 0 ]
	recorded child TERM
}
