#!/usr/bin/env bats
# PID 1 never blocks: not on a stalled stderr, not on a child that has not
# exec'd yet.  Whatever would block happens elsewhere or is retried later.

load helper

recorded() { awk -v w="$1" -v s="$2" '$1 == w && $3 == s {f = 1} END {exit !f}' "$T/rec" 2>/dev/null; }

stalled_stderr() {
	# A FIFO that is held open and never read: once its 64 KiB are
	# full, every write(2) to it would block.
	mkfifo "$T/fifo"
	exec 7<>"$T/fifo"
	if [ "${1:-}" = --pid1 ]; then
		INIT_LOG_LEVEL=debug unshare --pid --fork --mount-proc "$INIT" -- \
			"$FIX/sigrec" "$T/rec2" -k 2>"$T/fifo" >/dev/null </dev/null &
		LAUNCH_PID=$!
		wait_until 10 child_of "$LAUNCH_PID"
		INIT_PID=$(child_of "$LAUNCH_PID")
	else
		INIT_LOG_LEVEL=debug "$INIT" -- "$FIX/sigrec" "$T/rec2" -k \
			2>"$T/fifo" >/dev/null </dev/null &
		LAUNCH_PID=$! INIT_PID=$!
	fi
	wait_until 10 eval 'grep -q ready "$T/rec2"'
	# 2000 events of ~110 bytes: far more than the FIFO holds.
	for i in $(seq 1 400); do
		kill -s USR1 "$INIT_PID"
		kill -s USR2 "$INIT_PID"
		kill -s HUP "$INIT_PID"
		kill -s ALRM "$INIT_PID"
		kill -s URG "$INIT_PID"
	done
	# Still forwarding (the child hears a new signal), still stopping.
	kill -s PROF "$INIT_PID"
	wait_until 20 eval 'grep -q " PROF$" "$T/rec2"'
	kill -s TERM "$INIT_PID"
	wait_until 20 eval 'grep -q " TERM$" "$T/rec2"'
	# Someone reads again: what waited comes out, then the count of what
	# did not fit, then init exits.
	timeout 60 cat "$T/fifo" >"$T/events" &
	exec 7>&-
	wait_init 60
	wait
	grep -q 'event=events_dropped count=[1-9]' "$T/events"
	grep -q 'event=exiting' "$T/events"
}

@test "a stalled stderr never blocks PID 1: signals still go through, stop still works (not PID 1)" {
	stalled_stderr
}

@test "a stalled stderr never blocks PID 1: signals still go through, stop still works (PID 1)" {
	stalled_stderr --pid1
}

stuck_before_exec() {
	# strace holds the child in chdir (WORKDIR) for 8 s, as a hung mount
	# would; meanwhile init must take and act on a stop request.
	local run=("$INIT" -- "$FIX/sigrec" "$T/rec")
	[ "${1:-}" = --pid1 ] && run=(unshare --pid --fork --mount-proc "${run[@]}")
	INIT_WORKDIR=/ INIT_STOP_TIMEOUT=1 INIT_LOG_LEVEL=info \
		strace -f -qq -o /dev/null -e trace=chdir \
		-e inject=chdir:delay_enter=8000000 "${run[@]}" \
		>"$T/out" 2>"$T/err" </dev/null &
	LAUNCH_PID=$!
	wait_until 10 file_has "$T/err" event=child_started
	# The oldest process running init's command line is init (its child
	# has the same one until it execs).
	INIT_PID=$(pgrep -o -f "^$INIT -- $FIX/sigrec $T/rec")
	kill -s TERM "$INIT_PID"
	# PID 1 is not waiting on the child: it hears the request at once.
	wait_until 5 file_has "$T/err" event=stopping
	wait_init 30
	# The program never ran: SIGKILL at STOP_TIMEOUT ended the child.
	[ "$STATUS" -eq 137 ]
	grep -q 'event=child_exited .*signal=KILL .*reason=stop_timeout' "$T/err"
	[ ! -e "$T/rec" ]
}

@test "a child stuck before exec (hung WORKDIR) does not block PID 1 (not PID 1)" {
	stuck_before_exec
}

@test "a child stuck before exec (hung WORKDIR) does not block PID 1 (PID 1)" {
	stuck_before_exec --pid1
}
