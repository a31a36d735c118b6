#!/usr/bin/env bats
# Fault injection: signal storms, zombie floods, crash loops, hostile
# files and exhausted resources.  init must not crash, hang or leak.

load helper

fdcount() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# Fewest fds over 10 looks: a busy init briefly holds a spawn pipe or a
# temp file, which is no leak.
fdmin() {
	local i n min=99999
	for i in $(seq 10); do
		n=$(fdcount "$1")
		[ "$n" -lt "$min" ] && min=$n
		sleep 0.01
	done
	echo "$min"
}
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# storm PID N: N signals of a harmless mix at PID, as fast as possible.
storm() {
	python3 - "$1" "$2" <<-'EOF'
	import os, signal, sys
	pid, n = int(sys.argv[1]), int(sys.argv[2])
	mix = [signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH,
	       signal.SIGCONT, signal.SIGALRM, signal.SIGURG, signal.SIGPIPE,
	       signal.SIGRTMIN + 1, signal.SIGRTMIN + 7, signal.SIGCHLD]
	for i in range(n):
	    os.kill(pid, mix[i % len(mix)])
	EOF
}

signal_storm_running() {
	start_init "$@" -- "$FIX/sigrec" /dev/null
	sleep 0.5
	storm "$INIT_PID" 10000
	kill -0 "$INIT_PID"
	kill -s TERM "$INIT_PID"
	wait_init 30
	[ "$STATUS" -eq 0 ]
}

@test "a storm of 10000 signals while the child runs: no crash, the stop still works (not PID 1)" {
	signal_storm_running
}

@test "a storm of 10000 signals while the child runs: no crash, the stop still works (PID 1)" {
	signal_storm_running --pid1
}

@test "a storm of 10000 signals while the child keeps restarting: no crash, stop honoured" {
	INIT_LOG_LEVEL=info INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0.01 \
		start_init --pid1 -- "$FIX/exitwith" 1
	sleep 0.3
	storm "$INIT_PID" 10000
	kill -0 "$INIT_PID"
	kill -s TERM "$INIT_PID"
	wait_init 30
	# The last run's status (1, or a stormed signal's 128+N, or TERM's).
	last=$(sed -n 's/.*event=child_exited .* status=\([0-9]*\) .*/\1/p' "$T/err" | tail -n 1)
	[ "$STATUS" -eq "$last" ]
	grep -q "event=exiting status=$last " "$T/err"
}

zombie_flood() {
	start_init "$@" -- /bin/sh -c "sleep 1; exec $FIX/orphans 20000 0 --then-sleep 120"
	sleep 0.5
	fd0=$(fdcount "$INIT_PID")
	rss0=$(rss "$INIT_PID")
	wait_until 120 file_has "$T/out" "orphans: created 20000"
	wait_until 60 eval '[ "$(zombies_under "$INIT_PID")" -eq 0 ]'
	fd1=$(fdcount "$INIT_PID")
	rss1=$(rss "$INIT_PID")
	echo "init fds $fd0 -> $fd1, RSS $rss0 -> $rss1 kB" >&3
	[ "$fd0" -eq "$fd1" ]
	# No heap: only pages touched for the first time may appear.
	[ "$rss1" -le $((rss0 + 64)) ]
	kill -s TERM "$INIT_PID"
	wait_init
}

@test "a flood of 20000 orphans: none left as zombies, init's fds and RSS unchanged (PID 1)" {
	zombie_flood --pid1
}

@test "a flood of 20000 orphans: none left as zombies, init's fds and RSS unchanged (not PID 1)" {
	zombie_flood
}

@test "a crash loop of 600 restarts: fds and RSS flat from restart 10 to 500, delay honoured" {
	printf '%s\n' "COMMAND='$FIX/exitwith 3'" RESTART_POLICY=always RESTART_DELAY=0.01 \
		MAX_RESTARTS=600 RESTART_WINDOW=3600 "PID_DIR=$T/run" "LOG_DIR=$T/logs" LOG_LEVEL=warn >"$T/c.conf"
	start=$(date +%s.%N)
	start_init start "$T/c.conf"
	wait_until 60 grep -qx 'restarts=1[0-9]' "$T/run/exitwith.state"
	fd10=$(fdmin "$INIT_PID")
	rss10=$(rss "$INIT_PID")
	wait_until 120 grep -qx 'restarts=4[89][0-9]' "$T/run/exitwith.state"
	fd500=$(fdmin "$INIT_PID")
	rss500=$(rss "$INIT_PID")
	wait_init 60
	end=$(date +%s.%N)
	echo "init fds $fd10 -> $fd500, RSS $rss10 -> $rss500 kB" >&3
	[ "$STATUS" -eq 3 ]
	[ "$fd10" -eq "$fd500" ]
	[ "$rss500" -le $((rss10 + 32)) ]
	grep -q 'event=give_up restarts=600' "$T/err"
	# 600 cooldowns of 10 ms each take at least 6 s.
	awk -v a="$start" -v b="$end" 'BEGIN {exit !(b - a >= 6)}'
}

hostile_pid() {
	mkdir -p "$T/run"
	case $1 in
	fifo) mkfifo "$T/run/svc.state" ;;
	dir) mkdir "$T/run/svc.child.pid" ;;
	owner) echo 1 >"$T/run/svc.state" && chown 65534 "$T/run/svc.state" ;;
	esac
	printf '%s\n' "NAME=svc" "COMMAND='/bin/sh -c \"echo ran; sleep 0.3\"'" "PID_DIR=$T/run" >"$T/c.conf"
	run timeout 20 "$INIT" start "$T/c.conf"
	assert_success
	assert_output --partial "ran"
	assert_output --partial "event=state_file_failed"
}

@test "a FIFO planted at the state file is refused, not opened; the child still runs" {
	hostile_pid fifo
	[ -p "$T/run/svc.state" ]
}

@test "a directory planted at the child PID file is refused; the child still runs" {
	hostile_pid dir
	[ -d "$T/run/svc.child.pid" ]
}

@test "a state file owned by another user is refused; the child still runs" {
	hostile_pid owner
	[ "$(cat "$T/run/svc.state")" = 1 ]
}

hostile_log() {
	mkdir -p "$T/logs"
	f="$T/logs/svc-$(date -u +%F).log"
	case $1 in
	symlink) echo precious >"$T/target" && ln -s "$T/target" "$f" ;;
	fifo) mkfifo "$f" ;;
	dir) mkdir "$f" ;;
	owner) : >"$f" && chown 65534 "$f" ;;
	esac
	printf '%s\n' "NAME=svc" "COMMAND='/bin/sh -c \"echo line one; echo line two\"'" "LOG_DIR=$T/logs" "PID_DIR=" >"$T/c.conf"
	run timeout 20 "$INIT" start "$T/c.conf"
	assert_success
	assert_line "line one"
	assert_line "line two"
	assert_output --partial "event=log_file_failed"
}

@test "a symlink at the day's log file is refused, not followed" {
	hostile_log symlink
	[ "$(cat "$T/target")" = precious ]
}

@test "a FIFO at the day's log file is refused without hanging" {
	hostile_log fifo
}

@test "a directory at the day's log file is refused" {
	hostile_log dir
}

@test "a log file owned by another user is refused" {
	hostile_log owner
	[ ! -s "$T/logs/svc-$(date -u +%F).log" ]
}

@test "a LOG_DIR that is a symlink is refused" {
	mkdir "$T/real"
	ln -s "$T/real" "$T/logs"
	printf '%s\n' "NAME=svc" "COMMAND='/bin/echo hi'" "LOG_DIR=$T/logs" "PID_DIR=" >"$T/c.conf"
	run timeout 20 "$INIT" start "$T/c.conf"
	assert_success
	assert_line "hi"
	assert_output --partial "event=log_file_failed"
	[ -z "$(ls -A "$T/real")" ]
}

@test "binary garbage and unterminated files as config: refused with line numbers, no crash" {
	head -c 20000 /dev/urandom >"$T/bin.conf"
	run "$INIT" check "$T/bin.conf"
	assert_failure 2
	assert_output --partial "$T/bin.conf:"
	printf 'COMMAND="/bin/true' >"$T/unterminated.conf"
	run "$INIT" check "$T/unterminated.conf"
	assert_failure 2
	assert_output --partial "$T/unterminated.conf:1: COMMAND: unterminated double quote"
	printf 'COMMAND=/bin/true' >"$T/nonewline.conf"
	run "$INIT" check "$T/nonewline.conf"
	assert_success
}

@test "RLIMIT_NPROC reached: fork fails, init retries with back-off instead of spinning" {
	chmod 755 "$T"
	# Two processes of uid 65534 use up all but init's own slot.
	setpriv --reuid=65534 --regid=65534 --clear-groups sleep 60 &
	s1=$!
	setpriv --reuid=65534 --regid=65534 --clear-groups sleep 60 &
	s2=$!
	sleep 0.3
	INIT_RESTART_POLICY=on-failure INIT_RESTART_DELAY=0.1 INIT_RESTART_DELAY_MAX=0.8 INIT_LOG_LEVEL=info \
		prlimit --nproc=3 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$INIT" -- /bin/true >"$T/out" 2>"$T/err" &
	LAUNCH_PID=$!
	wait_until 30 eval '[ "$(count "$T/err" event=spawn_failed)" -ge 5 ]'
	kill "$s1"
	wait_init 20
	kill "$s2"
	grep -q 'error="Resource temporarily unavailable"' "$T/err"
	# Back-off, not a spin: each retry waits twice as long, up to the max.
	grep 'event=restart_scheduled' "$T/err" | sed 's/.*delay_ms=\([0-9]*\).*/\1/' | head -5 |
		diff - <(printf '%s\n' 100 200 400 800 800)
	[ "$STATUS" -eq 0 ]
}

# fds_only N CMD...: run CMD with fds 0-2 only and an fd limit of N.
fds_only() {
	local n=$1
	shift
	python3 -c 'import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' \
		prlimit --nofile="$n" "$@"
}

@test "file descriptors exhausted: no log pipes, a warning, the child still runs" {
	printf '%s\n' "COMMAND='/bin/echo survived'" "LOG_DIR=$T/logs" "PID_DIR=" >"$T/c.conf"
	run fds_only 7 "$INIT" start "$T/c.conf"
	assert_success
	assert_output --partial "event=log_pipes_failed"
	assert_line "survived"
}

@test "no fd left even for the exec status pipe: the spawn fails clearly, nothing hangs" {
	run fds_only 4 "$INIT" -- /bin/true
	assert_failure 1
	assert_output --partial "event=spawn_failed"
	# musl and glibc word EMFILE differently.
	assert_output --regexp "(No file descriptors available|Too many open files)"
}
