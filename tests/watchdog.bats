#!/usr/bin/env bats
# The resource watchdog: memory and CPU limits on init's process tree.

load helper

# conf FILE KEY=VALUE...: a config with PID_DIR under $T.
conf() {
	local f=$1
	shift
	printf '%s\n' "PID_DIR=$T/run" "CHECK_INTERVAL=0.5" "STOP_TIMEOUT=2" "$@" >"$f"
}

# shellcheck disable=SC2120  # the field name is optional
ticks_mb() { awk -F"${1:-mem_mb}=" '/event=watchdog_tick/ {split($2, a, " "); print a[1]}' "$T/err"; }

@test "a memory hog is killed within two ticks of crossing MAX_MEM_MB" {
	conf "$T/c.conf" "COMMAND='$WORKER --interval 250 --leak-mb 8'" MAX_MEM_MB=60 LOG_LEVEL=debug
	start_init start "$T/c.conf"
	wait_init 60
	[ "$STATUS" -eq 137 ]
	grep -q 'event=watchdog_breach resource=mem value=[0-9]* limit=60 unit=MB top=[0-9]*:worker:[0-9]*MB' "$T/err"
	grep -q 'event=child_exited .*reason=watchdog_mem' "$T/err"
	# Ticks before the breach: at most one already over the limit.
	over=$(ticks_mb | awk '$1 > 60' | wc -l)
	[ "$over" -le 2 ]
}

@test "a CPU spinner is killed after CPU_BREACH_TICKS ticks over MAX_CPU_PCT" {
	conf "$T/c.conf" "COMMAND='$WORKER --spin'" MAX_CPU_PCT=30 CPU_BREACH_TICKS=3 LOG_LEVEL=debug
	start_init start "$T/c.conf"
	wait_init 60
	[ "$STATUS" -eq 137 ]
	grep -q 'event=watchdog_breach resource=cpu value=[0-9]* limit=30 unit=% top=[0-9]*:worker:' "$T/err"
	grep -q 'reason=watchdog_cpu' "$T/err"
	# The kill came on the third tick over the limit, not before.
	n=$(awk -F'cpu_pct=' '/event=watchdog_tick/ {split($2, a, " "); if (a[1] > 30) c++} END {print c+0}' "$T/err")
	[ "$n" -ge 3 ]
}

@test "a short CPU spike under CPU_BREACH_TICKS is not killed" {
	conf "$T/c.conf" "COMMAND='/bin/sh -c \"timeout 0.7 sh -c \\\"while :; do :; done\\\"; sleep 3; exit 0\"'" \
		MAX_CPU_PCT=30 CPU_BREACH_TICKS=4
	start_init start "$T/c.conf"
	wait_init 60
	[ "$STATUS" -eq 0 ]
	run ! grep -q watchdog_breach "$T/err"
}

@test "children that do the spinning are caught, even after setsid" {
	conf "$T/c.conf" "COMMAND='/bin/sh -c \"setsid $WORKER --spin & $WORKER --spin & wait\"'" MAX_CPU_PCT=50
	start_init start "$T/c.conf"
	wait_init 60
	grep -q 'event=watchdog_breach resource=cpu' "$T/err"
	# Both spinners are named among the top processes.
	[ "$(grep -o 'top=[^ ]*' "$T/err" | tr ',' '\n' | grep -c ':worker:')" -eq 2 ]
	run ! pgrep -f "$WORKER --spin"
}

@test "children that allocate are caught" {
	conf "$T/c.conf" "COMMAND='/bin/sh -c \"$WORKER --interval 250 --leak-mb 8 & $WORKER --interval 250 --leak-mb 8 & wait\"'" MAX_MEM_MB=80
	start_init start "$T/c.conf"
	wait_init 60
	grep -q 'event=watchdog_breach resource=mem' "$T/err"
	[ "$STATUS" -eq 137 ]
}

@test "a worker that forks short-lived CPU jobs cannot hide between ticks" {
	# Each job burns 0.2 s and is gone before the next tick sees it.
	conf "$T/c.conf" "COMMAND='/bin/sh -c \"while :; do timeout 0.2 sh -c \\\"while :; do :; done\\\"; done\"'" \
		MAX_CPU_PCT=40
	start_init start "$T/c.conf"
	wait_init 60
	grep -q 'event=watchdog_breach resource=cpu' "$T/err"
}

@test "shared memory of forked workers is judged by PSS, not summed RSS" {
	# Parent touches 60 MB then forks 3 children that share it: RSS sums
	# to ~240 MB, PSS stays ~60 MB.
	cat >"$T/share.py" <<-'EOF'
	import os, time
	buf = bytearray(60 * 1024 * 1024)
	for i in range(0, len(buf), 4096): buf[i] = 1
	for _ in range(3):
	    if os.fork() == 0:
	        time.sleep(30); os._exit(0)
	print("forked", flush=True)
	time.sleep(30)
	EOF
	conf "$T/c.conf" "COMMAND='python3 $T/share.py'" MAX_MEM_MB=150 LOG_LEVEL=debug
	start_init start "$T/c.conf"
	wait_until 20 file_has "$T/out" forked
	# RSS over the limit for a few ticks, yet no kill.
	wait_until 20 eval '[ "$(ticks_mb rss_mb | awk "\$1 > 150" | wc -l)" -ge 3 ]'
	# ... while the confirmed figure stays under it.
	[ "$(ticks_mb | awk '$1 > 150' | wc -l)" -eq 0 ]
	run ! grep -q watchdog_breach "$T/err"
	kill -s TERM "$INIT_PID"
	wait_init
}

@test "after a watchdog kill the restart policy applies, as a failure" {
	# The worker exits 0 on TERM; on-failure still restarts it.
	conf "$T/c.conf" "COMMAND='$WORKER --interval 250 --leak-mb 10'" MAX_MEM_MB=40 \
		RESTART_POLICY=on-failure RESTART_DELAY=0.2 MAX_RESTARTS=1
	start_init start "$T/c.conf"
	wait_init 60
	[ "$(grep -c 'event=child_exited .*reason=watchdog_mem' "$T/err")" -eq 2 ]
	grep -q 'event=restart_scheduled' "$T/err"
	grep -q 'event=give_up' "$T/err"
	[ "$STATUS" -eq 137 ]
}

voluntary() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$1/status"; }
# quiet_for PID SECONDS: PID did not wake up once meanwhile.
quiet_for() {
	local a
	a=$(voluntary "$1")
	sleep "$2"
	[ "$(voluntary "$1")" = "$a" ]
}

@test "with both limits off there is no tick: an idle init never wakes up" {
	start_init -- sleep 60
	wait_until 30 quiet_for "$INIT_PID" 2
	kill -s TERM "$INIT_PID"
	wait_init
}

@test "with a limit set, init wakes up for its checks and for nothing else" {
	INIT_LOG_LEVEL=debug INIT_MAX_MEM_MB=1000 INIT_CHECK_INTERVAL=0.5 start_init -- sleep 60
	wait_until 10 file_has "$T/err" event=watchdog_tick
	a=$(voluntary "$INIT_PID") ta=$(count "$T/err" event=watchdog_tick)
	wait_until 30 eval '[ "$(count "$T/err" event=watchdog_tick)" -ge $((ta + 4)) ]'
	b=$(voluntary "$INIT_PID") tb=$(count "$T/err" event=watchdog_tick)
	# One wakeup per check (and the odd one for the event output).
	[ $((b - a)) -le $((2 * (tb - ta) + 2)) ]
	kill -s TERM "$INIT_PID"
	wait_init
}

# cgroup_pid1 CMD...: CMD as PID 1 of a cgroup namespace of its own (as in a
# container), in a new child of the cgroup v2 tree, mounted where init looks.
cgroup_pid1() {
	local root=/sys/fs/cgroup
	[ -e "$root/cgroup.controllers" ] || root=/sys/fs/cgroup/unified
	CG=$root/init-test-$$-$BATS_TEST_NUMBER
	mkdir "$CG"
	(
		echo "$BASHPID" >"$CG/cgroup.procs"
		exec unshare --cgroup --mount --pid --fork --mount-proc --propagation private \
			/bin/sh -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh "$@"
	) >"$T/out" 2>"$T/err" </dev/null &
	LAUNCH_PID=$!
}

teardown() {
	common_teardown
	[ -z "${CG:-}" ] || rmdir "$CG" 2>/dev/null || true
}

@test "as PID 1 of its own cgroup namespace, the watchdog counts what no tree shows (children reaped by the kernel)" {
	# The parent ignores SIGCHLD: its busy children are reaped by the
	# kernel, their CPU lands in nobody's cutime, only in the cgroup.
	cat >"$T/ign.py" <<-'EOF2'
	import os, signal, time
	signal.signal(signal.SIGCHLD, signal.SIG_IGN)
	while True:
	    if os.fork() == 0:
	        end = time.time() + 0.2
	        while time.time() < end:
	            pass
	        os._exit(0)
	    time.sleep(0.25)
	EOF2
	INIT_LOG_LEVEL=debug INIT_MAX_CPU_PCT=40 INIT_CPU_BREACH_TICKS=2 INIT_CHECK_INTERVAL=0.5 \
		cgroup_pid1 "$INIT" -- python3 "$T/ign.py"
	wait_init 60
	[ "$STATUS" -eq 137 ]
	grep -q 'event=started .*watchdog=cgroup' "$T/err"
	grep -q 'event=watchdog_breach resource=cpu' "$T/err"
}

@test "as PID 1 of the host's cgroup namespace (unshare --pid alone), the tree is measured, not the machine" {
	INIT_LOG_LEVEL=debug INIT_MAX_CPU_PCT=90 INIT_CHECK_INTERVAL=0.2 \
		start_init --pid1 -- sleep 60
	wait_until 10 file_has "$T/err" 'event=watchdog_tick'
	grep -q 'event=started .*watchdog=proc' "$T/err"
	kill -s TERM "$INIT_PID"
	wait_init
}

@test "after a watchdog kill, one status everywhere: child_exited, restart_scheduled, the state file, init's exit" {
	conf "$T/c.conf" "COMMAND='$WORKER --interval 250 --leak-mb 10'" MAX_MEM_MB=40 \
		RESTART_POLICY=always RESTART_DELAY=30 NAME=leak
	start_init start "$T/c.conf"
	wait_until 60 file_has "$T/err" 'event=restart_scheduled'
	grep -q 'event=child_exited .*status=137 .*reason=watchdog_mem' "$T/err"
	grep -q 'event=restart_scheduled .*status=137' "$T/err"
	grep -qx 'last_exit_status=137' "$T/run/leak.state"
	grep -qx 'last_exit_reason=watchdog_mem' "$T/run/leak.state"
	kill -s TERM "$INIT_PID"
	wait_init
	[ "$STATUS" -eq 137 ]
}

@test "the log writer's CPU is not the service's, not even when it dies and is reaped" {
	# Binary output keeps the log writer busy escaping it, while the
	# child (cat) mostly waits on its pipe; then the writer is killed and
	# init reaps its whole lifetime of CPU.
	head -c 100000000 /dev/urandom >"$T/blob"
	conf "$T/c.conf" "COMMAND='/bin/sh -c \"cat $T/blob; echo; echo done; exec sleep 60\"'" \
		MAX_CPU_PCT=60 "LOG_DIR=$T/logs" LOG_LEVEL=debug NAME=busy
	start_init start "$T/c.conf"
	wait_until 120 eval 'grep -q "line=\"done\"" "$T/logs/busy-$(date -u +%F).log"'
	lpid=$(sed -n 's/^log_writer_pid=//p' "$T/run/busy.state")
	# Enough that, charged in one tick, it would be far over the limit.
	[ "$(awk '{print $14 + $15}' "/proc/$lpid/stat")" -ge 60 ]
	kill -KILL "$lpid"
	wait_until 20 file_has "$T/err" event=log_writer_exited
	# Four more ticks: none over the limit.
	n=$(count "$T/err" event=watchdog_tick)
	wait_until 20 eval '[ "$(count "$T/err" event=watchdog_tick)" -ge $((n + 4)) ]'
	run ! grep -q watchdog_breach "$T/err"
	kill -s TERM "$INIT_PID"
	wait_init
}
