#!/usr/bin/env bats
# Several services in one container: a directory of .conf files, AFTER,
# TYPE=oneshot, CRITICAL, READY_FD, reverse stops, per-service control.

load helper

setup() {
	common_setup
	D=$T/svc
	mkdir -p "$D"
	printf '%s\n' "PID_DIR=$T/run" >"$D/init.conf"
	# A service that runs until TERM; one that is ready (fd 3) after 0.5 s.
	printf '%s\n' 'trap "exit 0" TERM' 'while :; do sleep 0.1; done' >"$T/sleeper.sh"
	printf '%s\n' 'trap "exit 0" TERM' 'sleep 0.5' 'echo >&3' \
		'while :; do sleep 0.1; done' >"$T/ready.sh"
	SLEEPER="/bin/sh $T/sleeper.sh"
	READY="/bin/sh $T/ready.sh"
}

# svc NAME KEY=VALUE...: write $D/NAME.conf.
svc() {
	local n=$1
	shift
	printf '%s\n' "$@" >"$D/$n.conf"
}

# Event names (and service) of $T/err in order: "SERVICE EVENT".
events() { sed -n 's/^ts=[^ ]* level=[a-z]* name=\([^ ]*\) event=\([a-z_]*\).*/\1 \2/p' "$T/err"; }
# Line number of the first "SERVICE EVENT".
at() { events | grep -nx -- "$1 $2" | head -n 1 | cut -d: -f1; }
before() { [ "$(at "$1" "$2")" -lt "$(at "$3" "$4")" ]; }


@test "check DIR validates every file and prints each service's settings in start order" {
	svc web "COMMAND=\"$SLEEPER\"" AFTER=db
	svc db "COMMAND=\"$SLEEPER\""
	run "$INIT" check "$D"
	assert_success
	assert_line "# init ($D/init.conf)"
	assert_line "PID_DIR=$T/run"
	assert_line "# db ($D/db.conf)"
	assert_line "AFTER=db"
	# db before web: the start order, not the file order.
	[ "$(grep -n '^# db ' <<<"$output" | cut -d: -f1)" -lt "$(grep -n '^# web ' <<<"$output" | cut -d: -f1)" ]
	# Supervisor-wide keys are init's alone.
	[ "$(grep -c '^PID_DIR=' <<<"$output")" -eq 1 ]
}

@test "check DIR refuses unknown AFTER names, cycles (printed) and duplicate NAMEs, with FILE:LINE" {
	svc a "COMMAND=x" AFTER=b
	svc b "COMMAND=x" "AFTER='c'"
	svc c "COMMAND=x" AFTER=a
	run "$INIT" check "$D"
	assert_failure 2
	assert_output --regexp "$D/[abc].conf:[0-9]+: AFTER makes a cycle: ([abc]) -> [abc] -> [abc] -> \\1"
	svc c "COMMAND=x" AFTER=nope
	run "$INIT" check "$D"
	assert_failure 2
	assert_output --partial "$D/c.conf:2: AFTER names \"nope\", which is no service's NAME"
	svc c "COMMAND=x" NAME=a
	run "$INIT" check "$D"
	assert_failure 2
	assert_output --partial "$D/c.conf:2: NAME \"a\" is already the NAME of $D/a.conf"
}

@test "supervisor-wide keys belong in init.conf, per-service keys in the services' files" {
	svc a "COMMAND=x" "PID_DIR=/tmp"
	printf '%s\n' "PID_DIR=$T/run" "COMMAND=y" >"$D/init.conf"
	run "$INIT" check "$D"
	assert_failure 2
	assert_output --partial "$D/a.conf:2: PID_DIR is a supervisor-wide setting: set it in init.conf"
	assert_output --partial "$D/init.conf:2: COMMAND is a per-service setting: set it in a service's file"
}

@test "INIT_<SERVICE>_<KEY> sets one service's key, INIT_<KEY> init's own; a plain per-service INIT_ is refused" {
	svc my-web "COMMAND=x"
	svc db "COMMAND=x"
	INIT_MY_WEB_STOP_TIMEOUT=3 INIT_LOG_LEVEL=debug run "$INIT" check "$D"
	assert_success
	assert_line "LOG_LEVEL=debug"
	[ "$(grep -A40 '^# my-web' <<<"$output" | grep -m1 '^STOP_TIMEOUT=')" = STOP_TIMEOUT=3 ]
	[ "$(grep -A40 '^# db' <<<"$output" | grep -m1 '^STOP_TIMEOUT=')" = STOP_TIMEOUT=10 ]
	INIT_MAX_MEM_MB=5 run "$INIT" check "$D"
	assert_failure 2
	assert_output --partial "INIT_MAX_MEM_MB: with several services, set INIT_<SERVICE>_MAX_MEM_MB"
}

@test "an INIT_<SERVICE>_<KEY> name two services would read is refused, naming both" {
	svc web "COMMAND=x"
	svc web_env "COMMAND=x"
	svc my-db "COMMAND=x"
	svc my_db "NAME=other" "COMMAND=x"
	# WEB_ENV_COMMAND: web's ENV_COMMAND, or web_env's COMMAND.
	INIT_WEB_ENV_COMMAND=y run "$INIT" check "$D"
	assert_failure 2
	assert_output --partial "INIT_WEB_ENV_COMMAND: read by both services \"web\" and \"web_env\"; rename one"
	# Only web reads WEB_ENV_X (web_env has no key X).
	INIT_WEB_ENV_X=y run "$INIT" check "$D"
	assert_success
	# my-db and my_db (NAME other): only one is MY_DB.
	INIT_MY_DB_STOP_TIMEOUT=3 run "$INIT" check "$D"
	assert_success
	svc my_db "COMMAND=x"
	INIT_MY_DB_STOP_TIMEOUT=3 run "$INIT" check "$D"
	assert_failure 2
	assert_output --partial "INIT_MY_DB_STOP_TIMEOUT: read by both services \"my-db\" and \"my_db\"; rename one"
}

start_order() {
	svc 10-db "COMMAND=\"$READY\"" READY_FD=3
	svc 20-cache "COMMAND=\"$SLEEPER\""
	svc 30-web "COMMAND=\"$SLEEPER\"" "AFTER='10-db 20-cache'"
	INIT_LOG_LEVEL=info start_init "$@" start "$D"
	wait_until 20 file_has "$T/err" "name=30-web event=child_started"
	# Nothing waits for nothing: db and cache start together; web waits
	# for db's readiness.
	before 20-cache child_started 10-db ready
	before 10-db ready 30-web child_started
	kill -s TERM "$INIT_PID"
	wait_init 30
	[ "$STATUS" -eq 0 ]
	# Reverse order: web first, then what it needed.
	before 30-web child_exited 10-db child_exited
	before 30-web child_exited 20-cache child_exited
}

@test "services start in AFTER order, waiting for READY_FD; stop in reverse order (not PID 1)" {
	start_order
}

@test "services start in AFTER order, waiting for READY_FD; stop in reverse order (PID 1)" {
	start_order --pid1
}

@test "a oneshot gates its dependents: they start once it has exited with success" {
	svc 10-migrate "COMMAND=\"/bin/sh -c 'sleep 0.5; touch $T/migrated'\"" TYPE=oneshot
	svc 20-app "COMMAND=\"/bin/sh -c 'test -e $T/migrated && echo had-it; exec $SLEEPER'\"" AFTER=10-migrate
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 file_has "$T/out" had-it
	before 10-migrate child_exited 20-app child_started
	run "$INIT" status "$D"
	assert_success
	assert_output --regexp "10-migrate +done +yes"
	kill -s TERM "$INIT_PID"
	wait_init 30
	[ "$STATUS" -eq 0 ]
}

@test "a failing critical oneshot ends the container with its status, after stopping the rest" {
	svc 10-migrate "COMMAND='/bin/sh -c \"exit 4\"'" TYPE=oneshot
	svc 20-app "COMMAND=\"$SLEEPER\"" AFTER=10-migrate
	svc 30-agent "COMMAND=\"$SLEEPER\""
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_init 30
	[ "$STATUS" -eq 4 ]
	grep -q 'name=10-migrate event=critical_down status=4' "$T/err"
	grep -q 'name=30-agent event=child_exited .*reason=stopped' "$T/err"
	run ! grep -q 'name=20-app event=child_started' "$T/err"
}

@test "a non-critical service that is down for good stays down; the rest runs; status says so (exit 1)" {
	svc agent "COMMAND='/bin/sh -c \"exit 3\"'" CRITICAL=no
	svc app "COMMAND=\"$SLEEPER\""
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 file_has "$T/err" "name=agent event=service_down"
	run "$INIT" status "$D"
	assert_success
	run "$INIT" status "$D" agent
	assert_failure 1
	assert_output --regexp "agent +done +no +- +- +0 +code 3"
	kill -0 "$INIT_PID"
	kill -s TERM "$INIT_PID"
	wait_init 30
	[ "$STATUS" -eq 0 ]
}

@test "a critical service down for good stops the others in reverse order and init exits with its status" {
	svc 10-db "COMMAND=\"$SLEEPER\""
	svc 20-web "COMMAND=\"$SLEEPER\"" AFTER=10-db
	svc 30-job "COMMAND='/bin/sh -c \"sleep 0.5; exit 7\"'"
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_init 30
	[ "$STATUS" -eq 7 ]
	before 20-web child_exited 10-db child_exited
	grep -q 'name=30-job event=critical_down status=7' "$T/err"
}

@test "services restart on their own: one crash-looping leaves the others alone" {
	svc flappy "COMMAND='/bin/sh -c \"exit 1\"'" RESTART_POLICY=always \
		RESTART_DELAY=0.05 RESTART_DELAY_MAX=0.4
	svc steady "COMMAND=\"$SLEEPER\""
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 eval '[ "$(count "$T/err" "name=flappy event=child_started")" -ge 5 ]'
	# Back-off: delays grow.
	grep 'name=flappy event=restart_scheduled' "$T/err" | sed 's/.*delay_ms=\([0-9]*\).*/\1/' | head -4 |
		diff - <(printf '%s\n' 50 100 200 400)
	[ "$(count "$T/err" "name=steady event=child_started")" -eq 1 ]
	run "$INIT" status "$D" --json
	python3 -c 'import json, sys
s = {x["name"]: x for x in json.loads(sys.argv[1])["services"]}
assert s["steady"]["restarts"] == 0 and s["steady"]["state"] == "running", s
assert s["flappy"]["restarts"] >= 4, s' "$output"
	kill -s TERM "$INIT_PID"
	wait_init 30
}

@test "lines of several services never mix inside one line; LOG_PREFIX names them" {
	cat >"$T/gen.sh" <<-'EOF2'
	l=$(head -c 3000 /dev/zero | tr '\0' "$1")
	i=0
	while [ $i -lt 400 ]; do printf %s "$l"; printf '%s\n' "$l"; i=$((i + 1)); done
	EOF2
	# Oneshots: the first to finish must not stop the others.
	svc a "COMMAND='/bin/sh $T/gen.sh a'" LOG_PREFIX=yes TYPE=oneshot
	svc b "COMMAND='/bin/sh $T/gen.sh b'" TYPE=oneshot
	svc c "COMMAND='/bin/sh $T/gen.sh c'" TYPE=oneshot
	"$INIT" start "$D" >"$T/out" 2>"$T/err"
	[ "$(wc -l <"$T/out")" -eq 1200 ]
	# Each line whole: one service's 6000 bytes, and only a's prefixed.
	awk '{ l = $0; sub(/^a \| /, "", l) }
	    !(l ~ /^(a+|b+|c+)$/ && length(l) == 6000 && (substr(l, 1, 1) == "a") == ($0 ~ /^a \| /)) { bad++ }
	    END { exit bad > 0 }' "$T/out"
	[ "$(grep -c '^a | ' "$T/out")" -eq 400 ]
}

@test "status: a table, JSON for every service or one, exit 0 all up, 1 one not ready, 3 not running" {
	svc db "COMMAND=\"$SLEEPER\"" READY_FD=3
	svc web "COMMAND=\"$SLEEPER\""
	run "$INIT" status "$D"
	assert_failure 3
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 file_has "$T/err" "name=web event=child_started"
	# db never says it is ready.
	run "$INIT" status "$D"
	assert_failure 1
	assert_output --regexp "db +running +no "
	run "$INIT" status "$D" web
	assert_success
	run "$INIT" status "$D" --json
	assert_failure 1
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["state"] == "running" and len(d["services"]) == 2, d
assert [s["ready"] for s in d["services"]] == [False, True], d' "$output"
	run "$INIT" status "$D" web --json
	python3 -c 'import json, sys; assert json.loads(sys.argv[1])["name"] == "web"' "$output"
	kill -s TERM "$INIT_PID"
	wait_init 30
}

@test "restart, down and up control one service; init stays up while one is held down" {
	svc db "COMMAND=\"$SLEEPER\""
	svc web "COMMAND=\"$SLEEPER\""
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 file_has "$T/err" "name=web event=child_started"
	pid1=$(sed -n 's/^svc\.1\.child_pid=//p' "$T/run/svc.state")
	run "$INIT" restart "$D" web
	assert_success
	assert_output --partial "restart web (now running)"
	pid2=$(sed -n 's/^svc\.1\.child_pid=//p' "$T/run/svc.state")
	[ "$pid1" != "$pid2" ]
	run "$INIT" down "$D" db
	assert_success
	run "$INIT" status "$D" db
	assert_failure 1
	assert_output --regexp "db +done"
	kill -0 "$INIT_PID"
	run "$INIT" up "$D" db
	assert_success
	wait_until 10 eval '"$INIT" status "$D" db >/dev/null'
	run "$INIT" restart "$D" nope
	assert_failure 2
	assert_output --partial 'no service named "nope"'
	grep -q 'name=db event=control request=down' "$T/err"
	kill -s TERM "$INIT_PID"
	wait_init 30
	[ "$STATUS" -eq 0 ]
}

@test "init health of the set leaves out a held-down service and a non-critical one that is done; of one service, judges it" {
	svc agent "COMMAND='/bin/sh -c \"exit 3\"'" CRITICAL=no
	svc db "COMMAND=\"$SLEEPER\""
	svc web "COMMAND=\"$SLEEPER\""
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 file_has "$T/err" "name=agent event=service_down"
	wait_until 20 file_has "$T/err" "name=web event=child_started"
	run "$INIT" down "$D" db
	assert_success
	run "$INIT" health "$D"
	assert_success
	assert_line "agent: done, not critical, not counted"
	assert_line "db: done, held down, not counted"
	assert_line "web: running, no health check"
	run "$INIT" health "$D" db
	assert_failure 1
	assert_output "db: done, no health check"
	run "$INIT" health "$D" agent
	assert_failure 1
	# Up again, db counts again.
	run "$INIT" up "$D" db
	wait_until 10 eval '"$INIT" status "$D" db >/dev/null'
	run "$INIT" health "$D"
	assert_success
	assert_line "db: running, no health check"
	kill -s TERM "$INIT_PID"
	wait_init 30
	[ "$STATUS" -eq 0 ]
}

@test "control requests from another user are refused (exit 4), and nothing changes" {
	svc web "COMMAND=\"$SLEEPER\""
	svc db "COMMAND=\"$SLEEPER\""
	chmod 755 "$T"
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 file_has "$T/err" "name=web event=child_started"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$INIT" down "$D" web
	assert_failure 4
	assert_output --partial "not permitted: only root or the supervisor's own user (UID 0) may control"
	run "$INIT" status "$D" web
	assert_success
	kill -s TERM "$INIT_PID"
	wait_init 30
}

@test "each service has its own daily log file; tail DIR SERVICE shows it" {
	svc a "COMMAND='/bin/sh -c \"echo from-a; sleep 60\"'" "LOG_DIR=$T/logs"
	svc b "COMMAND='/bin/sh -c \"echo from-b; sleep 60\"'" "LOG_DIR=$T/logs"
	INIT_LOG_LEVEL=info start_init start "$D"
	wait_until 20 eval 'grep -q from-a "$T/logs/a-$(date -u +%F).log" && grep -q from-b "$T/logs/b-$(date -u +%F).log"'
	run ! grep -q from-b "$T/logs/a-$(date -u +%F).log"
	grep -q 'name=a event=child_started' "$T/logs/a-$(date -u +%F).log"
	run "$INIT" tail "$D" b -n 20
	assert_success
	assert_output --partial 'line="from-b"'
	run "$INIT" tail "$D"
	assert_failure 2
	assert_output --partial "name the one to show"
	kill -s TERM "$INIT_PID"
	wait_init 30
}

@test "init start A.conf B.conf supervises the files given, init.conf among them" {
	svc one "COMMAND='/bin/sh -c \"echo one\"'" TYPE=oneshot
	svc two "COMMAND='/bin/sh -c \"echo two\"'" TYPE=oneshot
	run "$INIT" start "$D/one.conf" "$D/two.conf" "$D/init.conf"
	assert_success
	assert_line one
	assert_line two
}

# --------------------------------------------------------- the demo worker

# ns_init [--multi]: $T/ns-init, a launcher that runs init in a network
# namespace of its own with loopback up (port 8080 is free there), and with
# --multi in a mount namespace where /tmp/multi is $T/multi, so
# configs/multi runs as it is (PID_DIR and data in /tmp/multi) beside
# anything else, `make run-multi` included.
ns_init() {
	local dir=""
	if [ "${1:-}" = --multi ]; then
		dir=$T/multi
		# The mount point: what `make run-multi` would make anyway.
		mkdir -p "$dir" /tmp/multi
	fi
	cat >"$T/ns-init" <<-EOF2
	#!/bin/sh
	exec unshare --net --mount /bin/sh -c '
	    [ -z "\$0" ] || mount --bind "\$0" /tmp/multi || exit 1
	    ip link set lo up && exec "\$@"' "$dir" "$INIT" "\$@"
	EOF2
	chmod +x "$T/ns-init"
}

@test "the demo workers (C and Python): --prepare makes a directory and its parents and says so" {
	local w
	for w in "$WORKER" "python3 $ROOT/examples/worker.py"; do
		rm -rf "$T/p"
		run $w --prepare "$T/p/a/b"
		assert_success
		assert_output "$(printf 'worker: %s\n' "created $T/p" "created $T/p/a" \
			"created $T/p/a/b" "prepared $T/p/a/b")"
		run $w --prepare "$T/p/a/b"
		assert_success
		assert_output "worker: prepared $T/p/a/b"
		: >"$T/p/file"
		run $w --prepare "$T/p/file/c"
		assert_failure 1
		assert_output "worker: cannot create $T/p/file/c: Not a directory"
		WORKER_PREPARE=$T/p/e run $w
		assert_success
		assert_line "worker: prepared $T/p/e"
	done
}

@test "the demo workers (C and Python): --ready-fd says ready once listening, so what comes AFTER can connect" {
	local w
	ns_init
	for w in "$WORKER" "python3 $ROOT/examples/worker.py"; do
		# start_init's own truncation comes after a fork: the last
		# round's events must be gone before the wait below.
		: >"$T/out"
		: >"$T/err"
		svc web "COMMAND='$w --http 8080 --ready-fd 3'" READY_FD=3
		# Started the moment web is ready: a refused connection fails it.
		svc probe "COMMAND=\"bash -c 'echo >/dev/tcp/127.0.0.1/8080 && echo connected'\"" \
			TYPE=oneshot AFTER=web
		INIT_LOG_LEVEL=info INIT=$T/ns-init start_init start "$D"
		wait_until 20 file_has "$T/err" "name=probe event=child_exited"
		grep -q 'name=probe event=child_exited .* code=0 ' "$T/err"
		grep -qx connected "$T/out"
		kill -s TERM "$INIT_PID"
		wait_init 30
		[ "$STATUS" -eq 0 ]
	done
	run $w --ready-fd 2
	assert_failure 2
	assert_line "worker: bad value for --ready-fd: '2'"
}

# ------------------------------------------------- configs/multi, the example

@test "configs/multi passes init check; services in start order: prepare, web, worker" {
	run "$INIT" check "$ROOT/configs/multi"
	assert_success
	assert_line "NAME=multi"
	run grep '^# ' <<<"$output"
	assert_output "$(printf '# %s (%s)\n' init "$ROOT/configs/multi/init.conf" \
		prepare "$ROOT/configs/multi/prepare.conf" web "$ROOT/configs/multi/web.conf" \
		worker "$ROOT/configs/multi/worker.conf")"
}

@test "configs/multi loads through the symlinks of a Kubernetes ConfigMap volume" {
	# The kubelet's layout: web.conf -> ..data/web.conf, ..data -> ..<ts>
	local d=$T/multi ts=..2026_01_01_00_00_00.000000001 f
	mkdir -p "$d/$ts"
	cp "$ROOT"/configs/multi/*.conf "$d/$ts/"
	ln -s "$ts" "$d/..data"
	for f in "$ROOT"/configs/multi/*.conf; do
		ln -s "..data/${f##*/}" "$d/${f##*/}"
	done
	run "$INIT" check "$d"
	assert_success
	run grep '^# ' <<<"$output"
	assert_output "$(printf '# %s (%s)\n' init "$d/init.conf" prepare "$d/prepare.conf" \
		web "$d/web.conf" worker "$d/worker.conf")"
}

@test "configs/multi as make run-multi runs it: prepare done, web ready, worker started; TERM stops worker, then web" {
	# make run-multi: worker found through PATH, init start configs/multi
	# (the release build, also when the suite runs the SANITIZE=1 one).
	run make -s -n --no-print-directory -C "$ROOT" run-multi SANITIZE=0
	assert_line --regexp '^PATH="[^"]*/build:\$PATH" build/init start configs/multi$'
	ns_init --multi
	PATH=$(dirname "$WORKER"):$PATH INIT=$T/ns-init start_init start "$ROOT/configs/multi"
	wait_until 20 file_has "$T/err" "name=worker event=child_started"
	[ -d "$T/multi/data" ]
	assert_equal "$(grep '^prepare | ' "$T/out")" "$(printf 'prepare | worker: %s\n' \
		'created /tmp/multi/data' 'prepared /tmp/multi/data')"
	grep -q 'name=prepare event=child_exited .* code=0 status=0 ' "$T/err"
	before prepare child_exited web child_started
	# web is ready once its worker listens and says so on fd 3.
	grep -q '^web | worker: listening on port 8080$' "$T/out"
	before web ready worker child_started
	# All up and ready: status exits 0; prepare is done.
	export INIT_PID_DIR=$T/multi/run
	wait_until 20 "$INIT" status "$ROOT/configs/multi"
	run "$INIT" status "$ROOT/configs/multi"
	assert_output --regexp 'prepare +done +yes'
	assert_output --regexp 'web +running +yes'
	assert_output --regexp 'worker +running +yes'
	wait_until 20 file_has "$T/out" '^worker | worker: heartbeat 1 '
	kill -s TERM "$INIT_PID"
	wait_init 40
	[ "$STATUS" -eq 0 ]
	# The budget init.conf's comment gives: 10 + 10 + 5 s.
	grep -q 'name=multi event=stopping signal=TERM delay_ms=0 timeout_ms=25000$' "$T/err"
	grep -q 'name=worker event=signal_forwarded signal=TERM .*reason=stop$' "$T/err"
	grep -q 'name=web event=signal_forwarded signal=TERM .*reason=stop$' "$T/err"
	before worker child_exited web signal_forwarded
	grep -q '^worker | worker: shutting down (signal TERM)$' "$T/out"
	grep -q '^web | worker: shutting down (signal TERM)$' "$T/out"
	run ! grep -q stop_escalated "$T/err"
}

# ---------------------------------------------------------------- terminals

@test "in a terminal, Ctrl-C stops several services in reverse order, as SIGINT would; lines keep LOG_PREFIX" {
	svc 10-db "COMMAND='$WORKER --interval 200'" LOG_PREFIX=yes
	svc 20-web "COMMAND='$WORKER --interval 200'" AFTER=10-db LOG_PREFIX=yes
	INIT_LOG_LEVEL=info run python3 "$BATS_TEST_DIRNAME/pty_run.py" 30 \
		'wait:20-web | worker: heartbeat 2 ' send:'\x03' -- "$INIT" start "$D"
	assert_success
	assert_output --partial "EXIT 0"
	tr -d '\r' <<<"$output" >"$T/err"
	grep -q 'name=svc event=stopping signal=INT ' "$T/err"
	grep -qx '20-web | worker: shutting down (signal INT)' "$T/err"
	grep -qx '10-db | worker: shutting down (signal INT)' "$T/err"
	before 20-web child_exited 10-db signal_forwarded
	run ! grep -q critical_down "$T/err"
}
