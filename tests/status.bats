#!/usr/bin/env bats
# PID and state files, `init status` and `init stop`.

load helper

setup() {
	common_setup
	RUN=$T/run
	printf '%s\n' "NAME=svc" "PID_DIR=$RUN" "STOP_TIMEOUT=2" >"$T/c.conf"
}

with() { printf '%s\n' "$@" >>"$T/c.conf"; }

running_worker() {
	with "COMMAND='$WORKER --interval 200'" "$@"
	start_init start "$T/c.conf"
	wait_until 10 file_has "$T/out" "heartbeat 1"
}

@test "PID and state files hold the supervisor, the child and the state" {
	running_worker
	wait_until 10 test -f "$RUN/svc.child.pid"
	[ "$(cat "$RUN/svc.supervisor.pid")" = "$INIT_PID" ]
	child=$(cat "$RUN/svc.child.pid")
	# init's children: the worker, and the log writer relaying its stderr.
	grep -qw "$child" "/proc/$INIT_PID/task/$INIT_PID/children"
	grep -qx "state=running" "$RUN/svc.state"
	grep -qx "supervisor_pid=$INIT_PID" "$RUN/svc.state"
	grep -qx "child_pid=$child" "$RUN/svc.state"
	grep -qx "restarts=0" "$RUN/svc.state"
	grep -qx "config=$T/c.conf" "$RUN/svc.state"
	grep -q "^supervisor_start=[0-9]*$" "$RUN/svc.state"
	grep -q "^child_start=[0-9]*$" "$RUN/svc.state"
	[ "$(stat -c %a "$RUN")" = 755 ]
}

@test "the files follow a restart, and are removed when init stops" {
	with "COMMAND='/bin/sh -c \"sleep 1; exit 4\"'" RESTART_POLICY=always RESTART_DELAY=60
	start_init start "$T/c.conf"
	wait_until 10 grep -qx state=cooldown "$RUN/svc.state"
	grep -qx "last_exit_code=4" "$RUN/svc.state"
	grep -qx "last_exit_reason=exit" "$RUN/svc.state"
	[ ! -e "$RUN/svc.child.pid" ]
	kill -s TERM "$INIT_PID"
	wait_init
	# Only the lock file stays (removing it would race with the next init).
	[ "$(ls -A "$RUN")" = svc.lock ]
}

@test "a second start with the same NAME is refused with exit 2" {
	running_worker
	run "$INIT" start "$T/c.conf"
	assert_failure 2
	assert_output --partial "svc is already running as PID $INIT_PID"
	# The first one is untouched.
	[ "$(cat "$RUN/svc.supervisor.pid")" = "$INIT_PID" ]
}

@test "a stale PID file is replaced, with a warning" {
	mkdir -p "$RUN"
	sleep 0 & dead=$!
	wait "$dead"
	echo "$dead" >"$RUN/svc.supervisor.pid"
	running_worker
	grep -q "event=stale_pid_file pid=$dead" "$T/err"
	[ "$(cat "$RUN/svc.supervisor.pid")" = "$INIT_PID" ]
}

@test "a PID file naming a live process of another program is stale too" {
	mkdir -p "$RUN"
	sleep 60 & other=$!
	echo "$other" >"$RUN/svc.supervisor.pid"
	running_worker
	kill "$other"
	grep -q "event=stale_pid_file pid=$other" "$T/err"
}

@test "a symlinked PID file is refused, not followed" {
	mkdir -p "$RUN"
	echo precious >"$T/target"
	ln -s "$T/target" "$RUN/svc.supervisor.pid"
	running_worker
	grep -q "event=pid_file_refused" "$T/err"
	[ "$(cat "$T/target")" = precious ]
	[ -L "$RUN/svc.supervisor.pid" ]
}

@test "a PID_DIR that is a symlink is refused; init runs without files" {
	mkdir "$T/elsewhere"
	ln -s "$T/elsewhere" "$RUN"
	running_worker
	grep -q 'event=pid_dir_unusable .*why="is a symlink or not a directory"' "$T/err"
	[ -z "$(ls -A "$T/elsewhere")" ]
}

@test "init -- CMD writes no files unless PID_DIR is set explicitly" {
	HOME=$T run "$INIT" -- /bin/sh -c 'ls /tmp/process-supervisor/sh.* 2>/dev/null; exit 0'
	assert_success
	assert_output ""
	INIT_PID_DIR=$RUN run "$INIT" -- /bin/sh -c "cat $RUN/sh.supervisor.pid"
	assert_success
	[ -n "$output" ]
}

@test "status of a running supervisor: text, exit 0" {
	running_worker MAX_MEM_MB=500 MAX_CPU_PCT=90
	run "$INIT" status "$T/c.conf"
	assert_success
	assert_line "name:        svc"
	assert_line "state:       running"
	assert_line --regexp "^supervisor:  pid $INIT_PID, up [0-9]+s$"
	assert_line --regexp "^child:       pid [0-9]+, up [0-9]+s$"
	assert_line "restarts:    0"
	assert_line "last exit:   none"
	assert_line --regexp "^cpu:         [0-9]+% \(limit 90%\)$"
	assert_line --regexp "^memory:      [0-9]+ MB \(limit 500 MB\)$"
}

@test "status --json of a running supervisor measures the tree's CPU" {
	with MAX_CPU_PCT=1000
	running_worker
	run "$INIT" status "$T/c.conf" --json
	assert_success
	python3 - "$output" "$INIT_PID" <<-'EOF'
	import json, sys
	s = json.loads(sys.argv[1])
	assert s["state"] == "running" and s["name"] == "svc", s
	assert s["supervisor_pid"] == int(sys.argv[2]), s
	assert s["child_pid"] > 0 and s["restarts"] == 0 and s["last_exit"] is None, s
	assert s["max_cpu_pct"] == 1000 and s["cpu_pct"] >= 0 and s["mem_mb"] >= 0, s
	EOF
}

@test "status sees real CPU use of a spinning worker" {
	with "COMMAND='$WORKER --spin'"
	start_init start "$T/c.conf"
	wait_until 10 test -f "$RUN/svc.child.pid"
	run "$INIT" status "$T/c.conf" --json
	assert_success
	cpu=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["cpu_pct"])' "$output")
	[ "$cpu" -ge 20 ]
}

@test "status while cooling down between restarts shows the last exit, exit 0" {
	with "COMMAND='$FIX/exitwith 5'" RESTART_POLICY=always RESTART_DELAY=60
	start_init start "$T/c.conf"
	wait_until 10 grep -qx state=cooldown "$RUN/svc.state"
	run "$INIT" status "$T/c.conf"
	assert_success
	assert_line "state:       cooldown"
	assert_line "child:       none"
	assert_line "last exit:   code 5 (exit)"
	run "$INIT" status "$T/c.conf" --json
	assert_output --partial '"last_exit":{"code":5,"status":5,"reason":"exit"}'
	assert_output --partial '"child_pid":null'
}

@test "status after a restart counts it" {
	with "COMMAND='/bin/sh -c \"sleep 0.3; exit 1\"'" RESTART_POLICY=always RESTART_DELAY=0.2
	start_init start "$T/c.conf"
	wait_until 20 grep -qx restarts=2 "$RUN/svc.state"
	run "$INIT" status "$T/c.conf" --json
	assert_success
	python3 -c 'import json,sys; assert json.loads(sys.argv[1])["restarts"] >= 2' "$output"
}

@test "status of a stopped supervisor: exit 3, in text and JSON" {
	with "COMMAND=x"
	run "$INIT" status "$T/c.conf"
	assert_failure 3
	assert_line "state:       stopped"
	run "$INIT" status "$T/c.conf" --json
	assert_failure 3
	assert_output '{"name":"svc","state":"stopped"}'
}

@test "status with a stale PID file says so and exits 3" {
	with "COMMAND=x"
	mkdir -p "$RUN"
	sleep 0 & dead=$!
	wait "$dead"
	echo "$dead" >"$RUN/svc.supervisor.pid"
	run "$INIT" status "$T/c.conf"
	assert_failure 3
	assert_output --partial "stale PID file: PID $dead is gone"
}

@test "status when the files cannot be trusted: exit 4" {
	with "COMMAND=x"
	mkdir -p "$RUN"
	ln -s /etc/hostname "$RUN/svc.supervisor.pid"
	run "$INIT" status "$T/c.conf"
	assert_failure 4
	rm "$RUN/svc.supervisor.pid"
	rmdir "$RUN"
	echo file >"$RUN"
	run "$INIT" status "$T/c.conf"
	assert_failure 4
	run "$INIT" status "$T/missing.conf"
	assert_failure 4
}

@test "stop ends a running supervisor and waits for it" {
	running_worker
	run "$INIT" stop "$T/c.conf"
	assert_success
	assert_output "stopped svc (PID $INIT_PID)"
	! kill -0 "$INIT_PID" 2>/dev/null || [ "$(ps -o stat= -p "$INIT_PID")" = Z ]
	wait_init
	[ "$STATUS" -eq 0 ]
	grep -q "worker: shutting down" "$T/out"
}

@test "stop of a child that ignores TERM returns only after the SIGKILL escalation" {
	with "COMMAND='$WORKER --interval 200 --ignore-term'"
	start_init start "$T/c.conf"
	wait_until 10 file_has "$T/out" "heartbeat 1"
	start=$(date +%s.%N)
	run "$INIT" stop "$T/c.conf"
	end=$(date +%s.%N)
	assert_success
	awk -v a="$start" -v b="$end" 'BEGIN {exit !(b - a >= 2.0)}'
	grep -q "event=stop_escalated" "$T/err"
	wait_init
	[ "$STATUS" -eq 137 ]
}

@test "stop when nothing runs says so and exits 0; too short a timeout exits 1" {
	with "COMMAND='$WORKER --interval 200 --ignore-term'"
	run "$INIT" stop "$T/c.conf"
	assert_success
	assert_output "svc is not running"
	start_init start "$T/c.conf"
	wait_until 10 file_has "$T/out" "heartbeat 1"
	run "$INIT" stop "$T/c.conf" --timeout 0.5
	assert_failure 1
	assert_output --partial "did not stop within"
}

@test "two init start of the same NAME at the same moment: exactly one runs" {
	local i n
	with "COMMAND='sleep 60'"
	for i in 1 2 3 4 5; do
		rm -rf "$RUN"
		"$INIT" start "$T/c.conf" >"$T/o1" 2>&1 </dev/null & p1=$!
		"$INIT" start "$T/c.conf" >"$T/o2" 2>&1 </dev/null & p2=$!
		wait_until 10 eval 'grep -qs "already running" "$T/o1" "$T/o2"'
		n=0
		kill -0 "$p1" 2>/dev/null && n=$((n + 1))
		kill -0 "$p2" 2>/dev/null && n=$((n + 1))
		# One refused (exit 2), one runs.
		wait_until 10 eval '! kill -0 "$p1" 2>/dev/null || ! kill -0 "$p2" 2>/dev/null'
		kill -0 "$p1" 2>/dev/null && { run=$p1; other=$p2; } || { run=$p2; other=$p1; }
		st=0; wait "$other" || st=$?
		[ "$st" -eq 2 ]
		[ "$(cat "$RUN/svc.supervisor.pid")" = "$run" ]
		kill -s TERM "$run"
		wait "$run" || true
	done
}

@test "the state file keeps signal exits and long paths whole; status --json escapes every string" {
	local dir
	dir="$T/a \"quoted\" $(head -c 150 /dev/zero | tr '\0' d)"
	mkdir -p "$dir"
	printf '%s\n' "COMMAND='$FIX/exitwith -s 9'" NAME=svc "PID_DIR=$RUN" \
		RESTART_POLICY=always RESTART_DELAY=30 >"$dir/c.conf"
	start_init start "$dir/c.conf"
	wait_until 10 grep -qx state=cooldown "$RUN/svc.state"
	grep -qx 'last_exit_signal=KILL' "$RUN/svc.state"
	grep -qx 'last_exit_status=137' "$RUN/svc.state"
	grep -qxF "config=$dir/c.conf" "$RUN/svc.state"
	run "$INIT" status "$dir/c.conf"
	assert_success
	assert_output --partial "last exit:   signal KILL (signal)"
	run "$INIT" status "$dir/c.conf" --json
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["config"] == sys.argv[2], d["config"]
assert d["last_exit"]["signal"] == "KILL", d' "$output" "$dir/c.conf"
	kill -s TERM "$INIT_PID"
	wait_init
}
