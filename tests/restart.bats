#!/usr/bin/env bats
# $(flaky ...) is split into words on purpose: it is the command line.
# shellcheck disable=SC2046
# Restart policy: never, on-failure, always; cooldown, back-off, give-up.

load helper

# A child that appends its run number to $T/runs and exits with the code
# given for that run (the last one repeats): flaky 3 3 0 ...; "sleep:S"
# sleeps S seconds and exits 1.
flaky() {
	cat >"$T/flaky" <<-'EOF'
	#!/bin/sh
	n=$(($(wc -l <"$0.runs" 2>/dev/null || echo 0) + 1))
	echo "$n $(date +%s.%N)" >>"$0.runs"
	shift $((n - 1 < $# ? n - 1 : $# - 1))
	case $1 in sleep:*) sleep "${1#sleep:}"; exit 1 ;; esac
	exit "$1"
	EOF
	chmod +x "$T/flaky"
	echo "$T/flaky $*"
}
runs() { wc -l <"$T/flaky.runs"; }

@test "RESTART_POLICY=never (the default): one run, init exits with its status" {
	run "$INIT" -- $(flaky 3)
	assert_failure 3
	[ "$(runs)" -eq 1 ]
}

@test "RESTART_POLICY=on-failure restarts until the child succeeds" {
	INIT_RESTART_POLICY=on-failure INIT_RESTART_DELAY=0.05 run "$INIT" -- $(flaky 3 3 0)
	assert_success
	[ "$(runs)" -eq 3 ]
}

@test "SUCCESS_EXIT_CODES counts other codes as success for on-failure" {
	INIT_RESTART_POLICY=on-failure INIT_RESTART_DELAY=0.05 INIT_SUCCESS_EXIT_CODES="0 143" \
		run "$INIT" -- $(flaky 3 143)
	assert_failure 143
	[ "$(runs)" -eq 2 ]
}

@test "RESTART_POLICY=always restarts a successful child too, until MAX_RESTARTS" {
	INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0.05 INIT_MAX_RESTARTS=3 INIT_LOG_LEVEL=info \
		run "$INIT" -- $(flaky 0 0 0 7)
	assert_failure 7
	[ "$(runs)" -eq 4 ]
	assert_output --partial "event=give_up restarts=3 window_ms=60000 status=7"
}

@test "RESTART_DELAY is the cooldown between restarts" {
	INIT_RESTART_POLICY=on-failure INIT_RESTART_DELAY=1 run "$INIT" -- $(flaky 1 0)
	assert_success
	t1=$(awk 'NR == 1 {print $2}' "$T/flaky.runs")
	t2=$(awk 'NR == 2 {print $2}' "$T/flaky.runs")
	awk -v a="$t1" -v b="$t2" 'BEGIN {exit !(b - a >= 1.0 && b - a < 10)}'
}

@test "quick failures double the delay up to RESTART_DELAY_MAX" {
	INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0.05 INIT_RESTART_DELAY_MAX=0.4 \
		INIT_MAX_RESTARTS=6 INIT_LOG_LEVEL=info run "$INIT" -- $(flaky 1)
	assert_failure 1
	delays=$(grep -o 'restart_scheduled delay_ms=[0-9]*' <<<"$output" | cut -d= -f2 | tr '\n' ' ')
	[ "$delays" = "50 100 200 400 400 400 " ]
}

@test "a run longer than RESTART_DELAY_MAX resets the back-off" {
	INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0.1 INIT_RESTART_DELAY_MAX=0.4 \
		INIT_MAX_RESTARTS=5 INIT_LOG_LEVEL=info run "$INIT" -- $(flaky 1 1 1 sleep:0.8 1)
	assert_failure 1
	delays=$(grep -o 'restart_scheduled delay_ms=[0-9]*' <<<"$output" | cut -d= -f2 | tr '\n' ' ')
	[ "$delays" = "100 200 400 100 200 " ]
}

@test "MAX_RESTARTS only counts restarts within RESTART_WINDOW" {
	# Each run lasts 1.2 s; with a 1 s window no two restarts fall in it.
	INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0 INIT_MAX_RESTARTS=1 INIT_RESTART_WINDOW=1 \
		start_init -- $(flaky sleep:1.2)
	wait_until 30 eval '[ "$(runs)" -ge 4 ]'
	kill -s TERM "$INIT_PID"
	wait_init
	run ! grep -q give_up "$T/err"
}

@test "give-up exits with the child's last status, in both modes" {
	INIT_RESTART_POLICY=on-failure INIT_RESTART_DELAY=0 INIT_MAX_RESTARTS=2 \
		run unshare --pid --fork --mount-proc "$INIT" -- $(flaky 4 5 6 7)
	assert_failure 6
	[ "$(runs)" -eq 3 ]
	assert_output --partial "event=give_up"
}

@test "a command that cannot be executed follows the restart policy too" {
	INIT_RESTART_POLICY=on-failure INIT_RESTART_DELAY=0 INIT_MAX_RESTARTS=2 \
		run -127 "$INIT" -- "$T/missing"
	[ "$(grep -c 'command not found' <<<"$output")" -eq 3 ]
}

@test "RESTART_DELAY=0 with RESTART_DELAY_MAX backs off from 0.1 s" {
	INIT_LOG_LEVEL=info INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0 \
		INIT_RESTART_DELAY_MAX=1 INIT_MAX_RESTARTS=5 run "$INIT" -- "$FIX/exitwith" 1
	assert_failure 1
	grep 'event=restart_scheduled' <<<"$output" | sed 's/.*delay_ms=\([0-9]*\).*/\1/' |
		diff - <(printf '%s\n' 0 100 200 400 800)
}
