#!/usr/bin/env bats
# Signal forwarding, stop requests, grace period and SIGKILL escalation.

load helper

# recorded WHO SIG: the recorder file holds "WHO <pid> SIG".
recorded() { awk -v w="$1" -v s="$2" '$1 == w && $3 == s {f = 1} END {exit !f}' "$T/rec" 2>/dev/null; }

# forward "SIG..." [--pid1]: each SIG sent to init reaches the child and the
# grandchild, then TERM does and init exits 0.
forward() {
	local sigs=$1
	shift
	start_init "$@" -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded child ready
	wait_until 10 recorded grandchild ready
	for sig in $sigs; do
		kill -s "$sig" "$INIT_PID"
		name=$sig
		[ "$sig" = RTMAX ] && name=RTMIN+30
		wait_until 10 recorded child "$name"
		wait_until 10 recorded grandchild "$name"
	done
	kill -s TERM "$INIT_PID"
	wait_until 10 recorded child TERM
	wait_until 10 recorded grandchild TERM
	wait_init
	[ "$STATUS" -eq 0 ]
}

STD_SIGS="HUP USR1 USR2 WINCH CONT ALRM PIPE URG XCPU XFSZ VTALRM PROF IO SYS STKFLT"
# Not PID 1 and without a terminal, these suspend init itself (a test below).
JOB_SIGS="TSTP TTIN TTOU"
RT_SIGS="RTMIN+1 RTMIN+5 RTMAX"

@test "every standard forwarded signal reaches the child and a grandchild in its group (not PID 1)" {
	INIT_LOG_LEVEL=info forward "$STD_SIGS"
	grep -q 'event=signal_forwarded signal=USR1' "$T/err"
}

@test "every standard forwarded signal reaches the child and a grandchild in its group (PID 1)" {
	INIT_LOG_LEVEL=info forward "$STD_SIGS $JOB_SIGS" --pid1
	grep -q 'event=signal_forwarded signal=HUP' "$T/err"
	grep -q 'role=pid1' "$T/err"
}

# qemu-user renumbers real-time signals (make test-aarch64 leaves these out).
# bats test_tags=qemu:rtsig
@test "real-time signals reach the child and a grandchild with their own number (not PID 1)" {
	INIT_LOG_LEVEL=info forward "$RT_SIGS"
	grep -q 'event=signal_forwarded signal=RTMIN+1' "$T/err"
}

# bats test_tags=qemu:rtsig
@test "real-time signals reach the child and a grandchild with their own number (PID 1)" {
	INIT_LOG_LEVEL=info forward "$RT_SIGS" --pid1
	grep -q 'event=signal_forwarded signal=RTMIN+5' "$T/err"
}

# stop_request SIG GETS [--pid1]: SIG to init; the child gets GETS.
stop_request() {
	local sig=$1 gets=$2
	shift 2
	start_init "$@" -- "$FIX/sigrec" "$T/rec"
	wait_until 10 recorded child ready
	kill -s "$sig" "$INIT_PID"
	wait_init
	recorded child "$gets"
	[ "$STATUS" -eq 0 ]
}

@test "SIGTERM, SIGINT and SIGPWR each stop the child and init (not PID 1)" {
	rm -f "$T/rec"; stop_request TERM TERM
	rm -f "$T/rec"; stop_request INT INT
	rm -f "$T/rec"; stop_request PWR TERM
}

@test "SIGTERM, SIGINT and SIGPWR each stop the child and init (PID 1)" {
	rm -f "$T/rec"; stop_request TERM TERM --pid1
	rm -f "$T/rec"; stop_request INT INT --pid1
	rm -f "$T/rec"; stop_request PWR TERM --pid1
}

@test "SIGQUIT is forwarded as it is, not a stop request (a JVM's thread dump)" {
	INIT_STOP_TIMEOUT=1 INIT_LOG_LEVEL=info start_init -- "$FIX/sigrec" "$T/rec" -k
	wait_until 10 recorded child ready
	kill -s QUIT "$INIT_PID"
	wait_until 10 recorded child QUIT
	# Past STOP_TIMEOUT: a stop request would have ended it by now.
	sleep 2
	kill -0 "$INIT_PID"
	kill -0 "$(child_of "$INIT_PID")"
	run ! grep -q 'event=stopping' "$T/err"
	kill -s TERM "$INIT_PID"
	wait_init
}

# The ShdPnd mask of PID: which signals reached it (it blocks them all).
pending() { awk '/^ShdPnd:/ {print $2}' "/proc/$1/status"; }

# every_signal [--pid1]: each signal 1-64 that is no stop request (nor
# KILL, STOP, CHLD; nor job control without a terminal when not PID 1)
# reaches the child, 32-34 and the fault signals sent by kill included,
# and none of them harms init.
every_signal() {
	local s child expect=0 skip=" 2 9 15 17 19 30 "
	[ "${1:-}" = --pid1 ] || skip+="20 21 22 "
	INIT_STOP_TIMEOUT=1 start_init "$@" -- "$FIX/sigblock" "$T/ready"
	wait_until 10 file_has "$T/ready" ready
	child=$(child_of "$INIT_PID")
	for ((s = 1; s <= 64; s++)); do
		[[ $skip == *" $s "* ]] && continue
		kill -s "$s" "$INIT_PID"
		expect=$((expect | (1 << (s - 1))))
	done
	# The kernel drops a pending CONT when a stop signal (TSTP...) follows.
	[ "${1:-}" = --pid1 ] && expect=$((expect & ~(1 << 17)))
	wait_until 10 eval '[ "$((16#$(pending "$child")))" -eq "$expect" ]'
	kill -0 "$INIT_PID"
	kill -s TERM "$INIT_PID"
	wait_init 20
	[ "$STATUS" -eq 137 ]
}

# qemu-user renumbers real-time signals and kills itself on 32-33.
# bats test_tags=qemu:rtsig
@test "every signal 1-64 that is not a stop request reaches the child, 32-34 and faults included (not PID 1)" {
	every_signal
}

# bats test_tags=qemu:rtsig
@test "every signal 1-64 that is not a stop request reaches the child, 32-34 and faults included (PID 1)" {
	every_signal --pid1
}

@test "not PID 1 and without a terminal, TSTP stops the child's group and init; CONT resumes both" {
	INIT_LOG_LEVEL=info start_init -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded grandchild ready
	child=$(child_of "$INIT_PID")
	gpid=$(awk '$1 == "grandchild" {print $2; exit}' "$T/rec")
	kill -s TSTP "$INIT_PID"
	for p in "$INIT_PID" "$child" "$gpid"; do
		wait_until 10 eval '[ "$(ps -o stat= -p "$p" | cut -c1)" = T ]'
	done
	kill -s CONT "$INIT_PID"
	for p in "$INIT_PID" "$child" "$gpid"; do
		wait_until 10 eval '[ "$(ps -o stat= -p "$p" | cut -c1)" != T ]'
	done
	wait_until 10 recorded child CONT
	grep -q 'event=suspending signal=TSTP' "$T/err"
	kill -s TERM "$INIT_PID"
	wait_init
	[ "$STATUS" -eq 0 ]
}

@test "a stop request ends restarts: RESTART_POLICY=always does not bring the child back" {
	export INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0.1 INIT_LOG_LEVEL=info
	stop_request TERM TERM
	[ "$(count "$T/rec" ready)" -eq 1 ]
	grep -q 'event=child_exited .*reason=stopped' "$T/err"
}

escalate() {
	export INIT_STOP_TIMEOUT=1 INIT_LOG_LEVEL=info
	start_init "$@" -- "$FIX/sigrec" "$T/rec" -g -i
	wait_until 10 recorded grandchild ready
	wait_until 10 recorded child ready
	gpid=$(awk '$1 == "grandchild" {print $2; exit}' "$T/rec")
	kill -s TERM "$INIT_PID"
	wait_init 20
	[ "$STATUS" -eq 137 ]
	grep -q 'event=stop_escalated pid=[0-9]* signal=KILL after_ms=1000' "$T/err"
	grep -q 'reason=stop_timeout' "$T/err"
	# PIDs in the file are the namespace's own in PID 1 mode.
	[ "$1" = --pid1 ] || ! kill -0 "$gpid" 2>/dev/null
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "SIGTERM escalates to SIGKILL after STOP_TIMEOUT for a child that ignores it (not PID 1)" {
	escalate
}

@test "SIGTERM escalates to SIGKILL after STOP_TIMEOUT for a child that ignores it (PID 1)" {
	escalate --pid1
}

@test "STOP_SIGNAL is what the child gets when init is asked to stop" {
	INIT_STOP_SIGNAL=QUIT start_init -- "$FIX/sigrec" "$T/rec"
	wait_until 10 recorded child ready
	kill -s TERM "$INIT_PID"
	wait_init
	recorded child QUIT
	run ! recorded child TERM
}

@test "STOP_DELAY holds the stop request back before passing it on" {
	INIT_STOP_DELAY=2 start_init -- "$FIX/sigrec" "$T/rec"
	wait_until 10 recorded child ready
	kill -s TERM "$INIT_PID"
	sleep 0.5
	run ! recorded child TERM
	wait_init 20
	recorded child TERM
	[ "$STATUS" -eq 0 ]
}

# Send SIG to PID the moment init has blocked signals, first thing in main
# (before that, no program can keep the kernel from dropping a signal sent
# to a namespace's PID 1), so it lands before or around the fork.
signal_at_exec() {
	local i
	for ((i = 0; i < 200000; i++)); do
		# (SigBlk reads 0 again while init waits in sigtimedwait.)
		[ "$(readlink "/proc/$2/exe" 2>/dev/null)" = "$INIT_EXE" ] && {
			! grep -q '^SigBlk:.0000000000000000' "/proc/$2/status" ||
				[ -n "$(cat "/proc/$2/task/$2/children")" ]
		} 2>/dev/null && break
	done
	kill -s "$1" "$2"
}

@test "a SIGTERM sent right after start is not lost (20 tries, PID 1 and not)" {
	local i st
	for i in $(seq 20); do
		"$INIT" -- sleep 60 >/dev/null 2>&1 &
		signal_at_exec TERM $!
		st=0
		timeout 10 tail --pid=$! -f /dev/null || { echo "try $i: init hung"; false; }
		wait $! || st=$?
		[ "$st" -eq 143 ] || { echo "try $i: status $st"; false; }
	done
	for i in $(seq 10); do
		unshare --pid --fork --mount-proc "$INIT" -- sleep 60 >/dev/null 2>&1 &
		LAUNCH_PID=$!
		wait_until 10 child_of "$LAUNCH_PID"
		signal_at_exec TERM "$(child_of "$LAUNCH_PID")"
		timeout 10 tail --pid="$LAUNCH_PID" -f /dev/null || { echo "pid1 try $i: init hung"; false; }
		st=0
		wait "$LAUNCH_PID" || st=$?
		LAUNCH_PID=""
		[ "$st" -eq 143 ] || { echo "pid1 try $i: status $st"; false; }
	done
}

@test "a stop request while the child is between restarts ends init at once with the last child's status" {
	INIT_RESTART_POLICY=always INIT_RESTART_DELAY=60 INIT_LOG_LEVEL=info \
		start_init -- "$FIX/exitwith" 3
	wait_until 10 file_has "$T/err" restart_scheduled
	kill -s TERM "$INIT_PID"
	wait_init 10
	[ "$STATUS" -eq 3 ]
}

leftovers() {
	local flags=$1
	shift
	export INIT_STOP_TIMEOUT=1
	start_init "$@" -- /bin/sh -c '"$0" "$1" $2 & while ! grep -q ready "$1"; do sleep 0.05; done; exit 5' \
		"$FIX/sigrec" "$T/rec" "$flags"
	wait_init 20
	[ "$STATUS" -eq 5 ]
	lpid=$(awk '{print $2; exit}' "$T/rec")
	[ "$1" = --pid1 ] || ! kill -0 "$lpid" 2>/dev/null
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "leftovers get STOP_SIGNAL and finish before init exits (not PID 1)" {
	leftovers -k
	recorded child TERM
}

@test "leftovers get STOP_SIGNAL and finish before init exits (PID 1)" {
	leftovers -k --pid1
	recorded child TERM
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "leftovers that ignore STOP_SIGNAL are killed after STOP_TIMEOUT (not PID 1)" {
	INIT_LOG_LEVEL=info leftovers -i
	run ! recorded child TERM
	grep -q 'event=stop_escalated target=leftovers signal=KILL' "$T/err"
}

@test "leftovers that ignore STOP_SIGNAL are killed after STOP_TIMEOUT (PID 1)" {
	INIT_LOG_LEVEL=info leftovers -i --pid1
	grep -q 'event=stop_escalated target=leftovers signal=KILL' "$T/err"
}

