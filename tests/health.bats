#!/usr/bin/env bats
# Health checks: HEALTH_CMD, HEALTH_TCP and HEALTH_HTTP against real servers
# (the httpd fixture), retries, start period, the actions, `init health`,
# and what probes cost PID 1 (reaping, descriptors, wakeups).
#
# Probe timeouts here are generous (most tests: HEALTH_TIMEOUT=0.9 with
# HEALTH_INTERVAL=1) so a loaded machine never turns a good probe into a
# timeout; deadlines are polled, never timed.

load helper

setup() {
	common_setup
	# The probes of the USER test run as 65534 and must reach $T.
	chmod 755 "$T"
	SERVERS=()
	NS=()
}

teardown() {
	local p
	for p in "${SERVERS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	common_teardown
}

# httpd NAME [-6]: the test server on loopback; its port in $PORT, its
# mode in $T/NAME.mode (200 to begin with), one line per connection in
# $T/NAME.count, the request headers in $T/NAME.log.
httpd() {
	local n=$1
	shift
	echo 200 >"$T/$n.mode"
	"$FIX/httpd" "$@" "$T/$n.port" "$T/$n.mode" "$T/$n.count" \
		</dev/null >/dev/null 2>"$T/$n.log" 3>&- &
	SERVERS+=("$!")
	wait_until 10 test -s "$T/$n.port"
	PORT=$(cat "$T/$n.port")
}

# mode NAME MODE: what the server NAME answers from now on.
mode() {
	printf '%s\n' "$2" >"$T/$1.mode.tmp"
	mv "$T/$1.mode.tmp" "$T/$1.mode"
}

# blackhole: a TCP port that never completes a handshake (a listener with
# a full accept queue: the kernel drops further SYNs); its port in $PORT.
blackhole() {
	python3 - "$T/bh.port" </dev/null >/dev/null 2>&1 3>&- <<-'EOF' &
	import os, socket, sys, time
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	s.listen(0)
	port = s.getsockname()[1]
	fill = []
	for i in range(4):
	    c = socket.socket()
	    c.setblocking(False)
	    try:
	        c.connect(("127.0.0.1", port))
	    except BlockingIOError:
	        pass
	    fill.append(c)
	with open(sys.argv[1] + ".tmp", "w") as f:
	    f.write("%d\n" % port)
	os.rename(sys.argv[1] + ".tmp", sys.argv[1])
	time.sleep(3600)
	EOF
	SERVERS+=("$!")
	wait_until 10 test -s "$T/bh.port"
	PORT=$(cat "$T/bh.port")
}

# free_port: a loopback port nobody listens on (a stopped server's).
free_port() {
	httpd gone
	kill "${SERVERS[-1]}"
	wait "${SERVERS[-1]}" 2>/dev/null || true
}

# conf KEY=VALUE...: $T/c.conf, a service "svc" (sleeping unless COMMAND
# is given) with its files in $T/run and debug events.
conf() {
	local a cmd="COMMAND='sleep 1000'"
	for a; do [[ $a != COMMAND=* ]] || cmd=""; done
	printf '%s\n' NAME=svc "PID_DIR=$T/run" LOG_LEVEL=debug STOP_TIMEOUT=2 \
		${cmd:+"$cmd"} "$@" >"$T/c.conf"
}

# script NAME LINES...: an executable sh script $T/NAME.
script() {
	local f=$T/$1
	shift
	printf '%s\n' '#!/bin/sh' "$@" >"$f"
	chmod 755 "$f"
}

# st KEY: a field of the state file.
st() { sed -n "s/^$1=//p" "$T/run/svc.state" 2>/dev/null; }
health_is() { [ "$(st health)" = "$1" ]; }
output_is() { [ "$(st health_output)" = "$1" ]; }

# in_ns CMD...: run CMD where init runs (its PID and mount namespaces, as
# `kubectl exec` or `docker exec` would), or here when it is no PID 1.
in_ns() {
	if [ -n "${NS[*]}" ]; then
		nsenter -t "$INIT_PID" -p -m "$@"
	else
		"$@"
	fi
}

# start [--pid1]: init start $T/c.conf, as PID 1 of a new namespace or not.
start() {
	if [ "${1:-}" = --pid1 ]; then
		start_init --pid1 start "$T/c.conf"
		NS=(pid1)
	else
		start_init start "$T/c.conf"
	fi
}

# before_first PATTERN1 PATTERN2: how many event lines match PATTERN1
# before the first that matches PATTERN2.
before_first() {
	awk -v a="$1" -v b="$2" '$0 ~ b { print n + 0; f = 1; exit }
		$0 ~ a { n++ } END { if (!f) print -1 }' "$T/err"
}

# probes_under PID: processes below PID that are not service mains (the
# direct children of init that run `sleep 1000`): probes and what they run.
probes_under() {
	local n=0 p
	for p in $(descendants "$1"); do
		# Not the service, nor the log writer (a fork of init).
		case $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) in
		"sleep 1000 " | "$INIT "*) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}

# ------------------------------------------------------------------ HTTP

http_healthy() {
	httpd web
	conf "HEALTH_HTTP='http://127.0.0.1:$PORT/healthz?x=1'" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9
	start "$@"
	wait_until 30 file_has "$T/err" 'event=health_changed from=starting to=healthy duration_ms=[0-9]* output="HTTP 200"'
	file_has "$T/err" 'event=ready pid=[0-9]* after_ms=[0-9]*'
	wait_until 10 health_is healthy
	[ "$(st health_ok)" = 1 ]
	[ "$(st ready)" = 1 ]
	[ "$(st health_output)" = "HTTP 200" ]
	[[ $(st health_at) =~ ^[0-9]+$ ]]
	[[ $(st health_ms) =~ ^[0-9]+$ ]]
	run in_ns "$INIT" health "$T/c.conf"
	assert_success
	assert_output --regexp '^svc: healthy \(HTTP 200, [0-9]+s ago\)$'
	run in_ns "$INIT" status "$T/c.conf"
	assert_success
	assert_line --regexp '^health: +healthy \(HTTP 200, [0-9]+ ms, [0-9]+s ago\)$'
	run in_ns "$INIT" status "$T/c.conf" --json
	assert_success
	run jq -r '.health | "\(.state) \(.ok) \(.output) \(.duration_ms | type) \(.age_s | type)"' <<<"$output"
	assert_output 'healthy true HTTP 200 number number'
	# The request: the path with its query, Host with the port, and no more.
	grep -qx 'httpd: 1: GET /healthz?x=1 HTTP/1.1' "$T/web.log"
	grep -qx "httpd: 1: Host: 127.0.0.1:$PORT" "$T/web.log"
	grep -qx 'httpd: 1: Connection: close' "$T/web.log"
}

@test "HEALTH_HTTP: a 200 makes the service healthy and ready; init health exits 0, status shows it" {
	http_healthy
}

@test "HEALTH_HTTP as PID 1: healthy, and init health and status work from inside the namespace" {
	http_healthy --pid1
}

@test "HEALTH_HTTP: HEALTH_RETRIES failures in a row make it unhealthy; init health exits 1 and says why" {
	httpd web
	mode web 503
	conf "HEALTH_HTTP=http://127.0.0.1:$PORT/" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=3 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'event=health_changed from=starting to=unhealthy duration_ms=[0-9]* output="HTTP 503"'
	# Exactly HEALTH_RETRIES failures: the third one turned it.
	[ "$(before_first 'event=health_failed .*output="HTTP 503"' 'to=unhealthy')" = 3 ]
	grep -q 'level=warn name=svc event=health_changed from=starting to=unhealthy' "$T/err"
	wait_until 10 health_is unhealthy
	[ "$(st health_ok)" = 0 ]
	# Never healthy: never ready.
	[ "$(st ready)" = 0 ]
	run "$INIT" health "$T/c.conf"
	assert_failure 1
	assert_output --regexp '^svc: unhealthy \(HTTP 503, [0-9]+s ago\)$'
	run "$INIT" status "$T/c.conf"
	assert_success
	assert_line --regexp '^health: +unhealthy \(HTTP 503, '
	# HEALTH_ACTION=none: it keeps running, and comes back.
	mode web 200
	wait_until 30 file_has "$T/err" 'event=health_changed from=unhealthy to=healthy .*output="HTTP 200"'
	run "$INIT" health "$T/c.conf"
	assert_success
	run ! grep -q 'event=child_exited' "$T/err"
}

@test "HEALTH_HTTP: what each answer means: 2xx and 3xx healthy; 4xx, 5xx, garbage, a close or no server not" {
	httpd web
	conf "HEALTH_HTTP=http://127.0.0.1:$PORT/" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=1 HEALTH_ACTION=none
	start
	wait_until 30 health_is healthy
	local m
	for m in 204:healthy:"HTTP 204" 301:healthy:"HTTP 301" 399:healthy:"HTTP 399" \
		404:unhealthy:"HTTP 404" 500:unhealthy:"HTTP 500" 200:healthy:"HTTP 200" \
		garbage:unhealthy:"not an HTTP response" \
		close:unhealthy:"connection closed before a response"; do
		mode web "${m%%:*}"
		wait_until 30 output_is "${m##*:}"
		m=${m#*:}
		health_is "${m%%:*}"
	done
	kill "${SERVERS[0]}"
	wait_until 30 output_is "connection refused"
	health_is unhealthy
}

@test "HEALTH_HTTP: a server that accepts and never answers is a timeout; the probe is killed, one at a time" {
	httpd web
	mode web hang
	conf "HEALTH_HTTP=http://127.0.0.1:$PORT/" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.5 \
		HEALTH_RETRIES=2 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'event=health_changed from=starting to=unhealthy duration_ms=[0-9]* output="timeout after 500 ms"'
	# It was given the whole timeout.
	local ms
	ms=$(grep -o 'to=unhealthy duration_ms=[0-9]*' "$T/err" | grep -o '[0-9]*$')
	[ "$ms" -ge 500 ]
	# Never more than one probe at a time, and each one gone at its timeout.
	local i
	for ((i = 0; i < 20; i++)); do
		[ "$(probes_under "$INIT_PID")" -le 1 ]
		sleep 0.1
	done
	wait_until 30 eval '[ "$(wc -l <"$T/web.count")" -ge 5 ]'
	[ "$(zombies_under "$INIT_PID")" -le 1 ]
}

@test "HEALTH_HTTP: IPv6 literals in [] and names from /etc/hosts" {
	httpd web6 -6
	conf "HEALTH_HTTP=http://[::1]:$PORT/v6" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9
	start
	wait_until 30 health_is healthy
	grep -qx "httpd: 1: Host: \[::1\]:$PORT" "$T/web6.log"
	kill -s TERM "$INIT_PID"
	wait_init
	grep -q '^127\.0\.0\.1[[:space:]].*\blocalhost\b' /etc/hosts || skip "no 127.0.0.1 localhost in /etc/hosts"
	httpd web
	conf "HEALTH_HTTP=http://localhost:$PORT/" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9
	start
	wait_until 30 health_is healthy
	grep -qx "httpd: 1: Host: localhost:$PORT" "$T/web.log"
}

# ------------------------------------------------------------------- TCP

@test "HEALTH_TCP: healthy while the port accepts, unhealthy with the reason once nothing listens" {
	httpd web
	conf "HEALTH_TCP=127.0.0.1:$PORT" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=2 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'event=health_changed from=starting to=healthy .*output=connected'
	wait_until 10 health_is healthy
	# A connect only: no request is sent.
	run ! grep -q 'GET' "$T/web.log"
	kill "${SERVERS[0]}"
	wait_until 30 file_has "$T/err" 'event=health_changed from=healthy to=unhealthy .*output="connection refused"'
	[ "$(before_first 'event=health_failed' 'to=unhealthy')" = 2 ]
	run "$INIT" health "$T/c.conf"
	assert_failure 1
}

@test "HEALTH_TCP: a port that never completes the handshake is a timeout" {
	blackhole
	conf "HEALTH_TCP=127.0.0.1:$PORT" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.5 \
		HEALTH_RETRIES=1 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'to=unhealthy .*output="timeout after 500 ms"'
	[ "$(probes_under "$INIT_PID")" -le 1 ]
}

# ------------------------------------------------------------------- CMD

@test "HEALTH_CMD: exit 0 is healthy; its first line is the output, in events, the state file and status" {
	conf "HEALTH_CMD=\"$FIX/exitwith -o 'all good' -o 'second line' 0\"" \
		HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9
	start
	wait_until 30 file_has "$T/err" 'event=health_changed from=starting to=healthy .*output="all good"'
	wait_until 10 health_is healthy
	[ "$(st health_output)" = "all good" ]
	run "$INIT" health "$T/c.conf"
	assert_success
	assert_output --regexp '^svc: healthy \(all good, [0-9]+s ago\)$'
	run ! grep -q 'second line' "$T/err" "$T/out"
}

@test "HEALTH_CMD: a failing check reports its first line (stdout or stderr) or its status" {
	conf "HEALTH_CMD=\"$FIX/exitwith -e 'db is down' -o 'detail' 3\"" \
		HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 HEALTH_RETRIES=1 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'level=warn name=svc event=health_changed from=starting to=unhealthy .*output="db is down"'
	wait_until 10 health_is unhealthy
	run "$INIT" health "$T/c.conf"
	assert_failure 1
	assert_output --regexp '^svc: unhealthy \(db is down, [0-9]+s ago\)$'
	run "$INIT" status "$T/c.conf" --json
	run jq -r '"\(.health.state) \(.health.ok) \(.health.output)"' <<<"$output"
	assert_output 'unhealthy false db is down'
	kill -s TERM "$INIT_PID"
	wait_init

	conf "HEALTH_CMD='$FIX/exitwith 7'" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=1 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'to=unhealthy .*output="exit status 7"'
	kill -s TERM "$INIT_PID"
	wait_init

	# A CRLF line ends without its CR.
	conf "HEALTH_CMD=\"printf 'dos line\\r\\nmore\\r\\n'\"" HEALTH_INTERVAL=1 \
		HEALTH_TIMEOUT=0.9
	start
	wait_until 30 health_is healthy
	[ "$(st health_output)" = "dos line" ]
}

@test "HEALTH_CMD that cannot run says why: not found, not executable" {
	: >"$T/noexec"
	chmod 644 "$T/noexec"
	conf "HEALTH_CMD='$T/no-such-check --now'" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=1 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" "to=unhealthy .*output=\"command not found: $T/no-such-check: No such file or directory\""
	kill -s TERM "$INIT_PID"
	wait_init
	conf "HEALTH_CMD='$T/noexec'" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=1 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" "to=unhealthy .*output=\"cannot execute $T/noexec: Permission denied\""
}

@test "HEALTH_CMD runs as the service does: USER, WORKDIR, ENV_ and init's environment without INIT_*" {
	mkdir -m 755 "$T/wd"
	script check 'echo "uid=$(id -u) gid=$(id -g) cwd=$(pwd) foo=$FOO bar=$BAR init=${INIT_LOG_LEVEL-unset}"'
	conf "HEALTH_CMD=$T/check" USER=65534:65534 "WORKDIR=$T/wd" ENV_FOO=from-conf \
		HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9
	BAR=from-env INIT_LOG_LEVEL=debug start
	wait_until 30 health_is healthy
	[ "$(st health_output)" = "uid=65534 gid=65534 cwd=$T/wd foo=from-conf bar=from-env init=unset" ]
}

@test "HEALTH_CMD: a check past its timeout is killed with everything it started" {
	# Durations no other test's sleep has: this test's own processes.
	local a=3$$.1 b=3$$.2
	conf "HEALTH_CMD=\"/bin/sh -c 'sleep $a & sleep $b; true'\"" \
		HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.5 HEALTH_RETRIES=1 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'to=unhealthy .*output="timeout after 500 ms"'
	wait_until 60 eval '[ "$(grep -c "event=health_failed .*timeout" "$T/err")" -ge 5 ]'
	# One probe's worth at most: the killed ones left nothing behind.
	[ "$(pgrep -c -f "^sleep ($a|$b)\$")" -le 2 ]
	kill -s TERM "$INIT_PID"
	wait_init
	wait_until 10 eval '! pgrep -f "^sleep ($a|$b)\$" >/dev/null'
}

@test "HEALTH_CMD: a chatty check does not stall, and only its first line (at most 200 bytes) is kept" {
	script chatty 'echo "first line"' 'yes "chatter chatter chatter" | head -c 20000000' 'exit 0'
	conf "HEALTH_CMD=$T/chatty" HEALTH_INTERVAL=10 HEALTH_TIMEOUT=9 HEALTH_RETRIES=1
	start
	wait_until 60 file_has "$T/err" 'event=health_changed from=starting to=healthy .*output="first line"'
	wait_until 10 health_is healthy
	[ "$(st health_output)" = "first line" ]
	kill -s TERM "$INIT_PID"
	wait_init

	# A long first line is cut at 200 bytes; a later probe starts afresh.
	script long "printf '%0500d\n' 0" 'echo second'
	conf "HEALTH_CMD=$T/long" HEALTH_INTERVAL=0.3 HEALTH_TIMEOUT=0.25 HEALTH_ACTION=none
	start
	wait_until 30 health_is healthy
	wait_until 30 eval '[ "$(grep -c "event=health_changed" "$T/err")" -ge 1 ]'
	sleep 1
	[ "$(st health_output)" = "$(printf '%0200d' 0)" ]
	run ! grep -q second "$T/run/svc.state" "$T/err"
}

# ----------------------------------------------- retries and start period

@test "HEALTH_RETRIES counts consecutive failures: a success in between starts the count again" {
	# Probe N (from 1) fails except the 3rd: unhealthy only at the 6th.
	script check 'n=$(($(cat "$0.n" 2>/dev/null || echo 0) + 1))' 'echo "$n" >"$0.n"' \
		'[ "$n" -eq 3 ] && { echo "ok $n"; exit 0; }' 'echo "fail $n"; exit 1'
	conf "HEALTH_CMD=$T/check" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 HEALTH_RETRIES=3 \
		HEALTH_ACTION=none
	start
	wait_until 60 file_has "$T/err" 'to=unhealthy'
	run grep -o 'event=health_changed from=[a-z]* to=[a-z]* duration_ms=[0-9]* output="[^"]*"' "$T/err"
	assert_line --index 0 --regexp '^event=health_changed from=starting to=healthy duration_ms=[0-9]+ output="ok 3"$'
	assert_line --index 1 --regexp '^event=health_changed from=healthy to=unhealthy duration_ms=[0-9]+ output="fail 6"$'
}

@test "HEALTH_START_PERIOD: failures in it do not count, and it is probed every second in it" {
	# HEALTH_INTERVAL=60: without the start period's pace, the third probe
	# would take two minutes.
	script check 'n=$(($(cat "$0.n" 2>/dev/null || echo 0) + 1))' 'echo "$n" >"$0.n"' \
		'[ "$n" -ge 3 ] && { echo "ok $n"; exit 0; }' 'echo "fail $n"; exit 1'
	conf "HEALTH_CMD=$T/check" HEALTH_INTERVAL=60 HEALTH_TIMEOUT=5 HEALTH_RETRIES=1 \
		HEALTH_START_PERIOD=600
	start
	wait_until 30 file_has "$T/err" 'event=health_changed from=starting to=healthy .*output="ok 3"'
	[ "$(grep -c 'event=health_failed' "$T/err")" = 2 ]
	run ! grep -q 'to=unhealthy' "$T/err"
	run ! grep -q 'event=child_exited' "$T/err"
}

@test "HEALTH_START_PERIOD: once it is over, failures count" {
	conf "HEALTH_CMD='$FIX/exitwith 1'" HEALTH_INTERVAL=0.5 HEALTH_TIMEOUT=0.4 \
		HEALTH_RETRIES=2 HEALTH_START_PERIOD=3 HEALTH_ACTION=none
	start
	wait_until 30 file_has "$T/err" 'to=unhealthy'
	# More failures than HEALTH_RETRIES: the start period's did not count.
	[ "$(before_first 'event=health_failed' 'to=unhealthy')" -gt 2 ]
	# And not before the start period was over (a lower bound only).
	local t0 t1
	t0=$(sed -n 's/^ts=\([^ ]*\) .* event=child_started .*/\1/p' "$T/err")
	t1=$(sed -n 's/^ts=\([^ ]*\) .* event=health_changed .*to=unhealthy.*/\1/p' "$T/err")
	[ $(($(date -d "$t1" +%s%3N) - $(date -d "$t0" +%s%3N))) -ge 3000 ]
}

@test "HEALTH_START_PERIOD ends at the first success: failures after it count at once" {
	httpd web
	conf "HEALTH_HTTP=http://127.0.0.1:$PORT/" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=2 HEALTH_START_PERIOD=3600 HEALTH_ACTION=none
	start
	wait_until 30 health_is healthy
	mode web 503
	wait_until 30 file_has "$T/err" 'from=healthy to=unhealthy .*output="HTTP 503"'
	[ "$(before_first 'event=health_failed' 'to=unhealthy')" = 2 ]
}

# ---------------------------------------------------------------- actions

unhealthy_restarts() {
	conf "HEALTH_CMD='$FIX/exitwith -o sick 1'" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=1 RESTART_POLICY=on-failure RESTART_DELAY=0.1 RESTART_DELAY_MAX=5 \
		MAX_RESTARTS=4 RESTART_WINDOW=600
	start "$@"
	wait_init 60
	# Every run ended as unhealthy, after a back-off that doubled.
	[ "$(grep -c 'event=child_exited .*signal=TERM status=143 .*reason=unhealthy' "$T/err")" = 5 ]
	run grep -o 'event=restart_scheduled delay_ms=[0-9]*' "$T/err"
	assert_output "$(printf 'event=restart_scheduled delay_ms=%s\n' 100 200 400 800)"
	grep -q 'event=give_up restarts=4 ' "$T/err"
	[ "$(grep -c 'event=health_changed from=starting to=unhealthy .*output=sick' "$T/err")" = 5 ]
	[ "$STATUS" = 143 ]
}

@test "HEALTH_ACTION=restart: an unhealthy service is restarted through the policy, back-off and MAX_RESTARTS" {
	unhealthy_restarts
}

@test "HEALTH_ACTION=restart as PID 1" {
	unhealthy_restarts --pid1
}

@test "HEALTH_ACTION=restart with RESTART_POLICY=never: the service is stopped for good and init exits" {
	conf "HEALTH_CMD='$FIX/exitwith 1'" HEALTH_INTERVAL=0.5 HEALTH_TIMEOUT=0.4 HEALTH_RETRIES=1
	start
	wait_init 30
	grep -q 'event=child_exited .*reason=unhealthy' "$T/err"
	run ! grep -q 'event=restart_scheduled' "$T/err"
	[ "$STATUS" = 143 ]
}

unhealthy_exit() {
	httpd web
	conf "HEALTH_HTTP=http://127.0.0.1:$PORT/" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_RETRIES=2 HEALTH_ACTION=exit RESTART_POLICY=always
	start "$@"
	wait_until 30 health_is healthy
	mode web 500
	wait_init 60
	[ "$STATUS" = 1 ]
	grep -q 'level=warn name=svc event=health_changed from=healthy to=unhealthy .*output="HTTP 500"' "$T/err"
	grep -q 'level=error name=svc event=unhealthy_exit status=1' "$T/err"
	# Stopped like on a stop request, and not restarted.
	grep -q 'event=child_exited .*signal=TERM .*reason=stopped' "$T/err"
	run ! grep -q 'event=restart_scheduled' "$T/err"
	grep -q 'event=exiting status=1' "$T/err"
}

@test "HEALTH_ACTION=exit: init stops everything and exits 1" {
	unhealthy_exit
}

@test "HEALTH_ACTION=exit as PID 1" {
	unhealthy_exit --pid1
}

# ------------------------------------------------------------ init health

init_health_codes() {
	# Starting: the probe fails, but inside the start period.
	conf "HEALTH_CMD='$FIX/exitwith -o warming 1'" HEALTH_INTERVAL=1 HEALTH_TIMEOUT=0.9 \
		HEALTH_START_PERIOD=3600
	run "$INIT" health "$T/c.conf"
	assert_failure 3
	assert_output 'svc: not running'
	start "$@"
	wait_until 30 output_is warming
	run in_ns "$INIT" health "$T/c.conf"
	assert_failure 1
	assert_output --regexp '^svc: starting \(warming, [0-9]+s ago\)$'
	run in_ns "$INIT" health "$T/c.conf" svc
	assert_failure 1
	run in_ns "$INIT" health "$T/c.conf" other
	assert_failure 4
	run in_ns "$INIT" status "$T/c.conf"
	assert_success
	assert_line --regexp '^health: +starting \(warming, '
	kill -s TERM "$INIT_PID"
	wait_init
	run "$INIT" health "$T/c.conf"
	assert_failure 3
	# No check: running is healthy.
	conf
	start "$@"
	wait_until 10 eval '[ "$(st state)" = running ]'
	run in_ns "$INIT" health "$T/c.conf"
	assert_success
	assert_output 'svc: running, no health check'
	run ! grep -q '^health' "$T/run/svc.state"
	run in_ns "$INIT" status "$T/c.conf" --json
	run jq -c .health <<<"$output"
	assert_output null
}

@test "before its first result, init health and status say there was no probe yet" {
	conf "HEALTH_CMD='sleep 8'" HEALTH_INTERVAL=60 HEALTH_TIMEOUT=30
	start
	wait_until 10 health_is starting
	run "$INIT" health "$T/c.conf"
	assert_failure 1
	assert_output 'svc: starting (no probe yet)'
	run "$INIT" status "$T/c.conf"
	assert_line --regexp '^health: +starting \(no probe yet\)$'
	run "$INIT" status "$T/c.conf" --json
	run jq -c .health <<<"$output"
	assert_output '{"state":"starting","ok":false,"output":null,"duration_ms":null,"age_s":null}'
}

@test "init health exits 3 not running, 1 starting, 4 for an unknown service, 0 running without a check" {
	init_health_codes
}

@test "init health as PID 1, from inside the namespace" {
	init_health_codes --pid1
}

@test "a service with a check is ready, and its dependents start, only once it is healthy" {
	mkdir "$T/d"
	printf '%s\n' "PID_DIR=$T/run" LOG_LEVEL=debug >"$T/d/init.conf"
	printf '%s\n' "COMMAND='sleep 1000'" "HEALTH_CMD='test -e $T/up'" HEALTH_INTERVAL=0.5 \
		HEALTH_TIMEOUT=0.4 HEALTH_START_PERIOD=3600 >"$T/d/db.conf"
	printf '%s\n' "COMMAND='sleep 1001'" AFTER=db >"$T/d/app.conf"
	start_init start "$T/d"
	wait_until 30 eval '[ "$(grep -c "name=db event=health_failed" "$T/err")" -ge 3 ]'
	run ! grep -q 'name=app event=child_started' "$T/err"
	run "$INIT" health "$T/d" db
	assert_failure 1
	touch "$T/up"
	wait_until 30 file_has "$T/err" 'name=app event=child_started'
	run before_first 'name=db event=ready' 'name=app event=child_started'
	assert_output 1
	run "$INIT" health "$T/d"
	assert_success
	assert_line --regexp '^db: healthy \(exit status 0, [0-9]+s ago\)$'
	assert_line 'app: running, no health check'
}

# ------------------------------------------------------------------ check

# bad LINE... : `init check` of a file of those lines fails; its output in $output.
bad() {
	printf '%s\n' "COMMAND='sleep 1'" "$@" >"$T/bad.conf"
	run "$INIT" check "$T/bad.conf"
	assert_failure 2
}

@test "init check refuses bad probe URLs, addresses and ports with FILE:LINE and the reason" {
	local f=$T/bad.conf
	bad 'HEALTH_HTTP=https://127.0.0.1/'
	assert_line "$f:2: HEALTH_HTTP: \"https://127.0.0.1/\" is https://: TLS is not supported, only http://"
	bad '# comment' 'HEALTH_HTTP=ftp://127.0.0.1/'
	assert_line "$f:3: HEALTH_HTTP: \"ftp://127.0.0.1/\" does not start with http://"
	bad 'HEALTH_HTTP=http://127.0.0.1:70000/'
	assert_line "$f:2: HEALTH_HTTP: \"http://127.0.0.1:70000/\" has a port out of range (1-65535)"
	bad 'HEALTH_HTTP=http://127.0.0.1:0/'
	assert_line --partial "$f:2: HEALTH_HTTP: \"http://127.0.0.1:0/\" has a port out of range"
	bad 'HEALTH_HTTP=http://127.0.0.1:/'
	assert_line --partial "$f:2: HEALTH_HTTP: \"http://127.0.0.1:/\" has an empty port"
	bad 'HEALTH_HTTP=http://127.0.0.1:8o/'
	assert_line --partial "$f:2: HEALTH_HTTP: \"http://127.0.0.1:8o/\" has a port that is not a number"
	bad 'HEALTH_HTTP=http://999.0.0.1/'
	assert_line "$f:2: HEALTH_HTTP: \"http://999.0.0.1/\" has an invalid IPv4 address"
	bad 'HEALTH_HTTP=http://[::g]:80/'
	assert_line "$f:2: HEALTH_HTTP: \"http://[::g]:80/\" has an invalid IPv6 address in []"
	bad 'HEALTH_HTTP=http://::1:80/'
	assert_line "$f:2: HEALTH_HTTP: \"http://::1:80/\" needs [] around an IPv6 address"
	bad 'HEALTH_HTTP=http://no-such-host.invalid/'
	assert_line "$f:2: HEALTH_HTTP: \"http://no-such-host.invalid/\" names a host that is neither an IP address nor in /etc/hosts"
	bad "HEALTH_HTTP='http://127.0.0.1/a b'"
	assert_line --partial "$f:2: HEALTH_HTTP: \"http://127.0.0.1/a b\" has a space"
	bad 'HEALTH_TCP=127.0.0.1'
	assert_line "$f:2: HEALTH_TCP: \"127.0.0.1\" has no port (host:port)"
	bad 'HEALTH_TCP=http://127.0.0.1:80'
	assert_line "$f:2: HEALTH_TCP: \"http://127.0.0.1:80\" is a URL, not host:port"
	bad 'HEALTH_TCP=127.0.0.1:65536'
	assert_line --partial "$f:2: HEALTH_TCP: \"127.0.0.1:65536\" has a port out of range"
	assert_line --regexp '^init: 1 problem in the configuration; nothing started$'
}

@test "init check refuses a timeout not shorter than the interval, values out of range, and two probes" {
	local f=$T/bad.conf
	bad 'HEALTH_TCP=127.0.0.1:80' 'HEALTH_INTERVAL=5' 'HEALTH_TIMEOUT=5'
	assert_line --regexp "^$f:4: HEALTH_TIMEOUT \\(5s?\\) must be shorter than HEALTH_INTERVAL \\(5s?\\)$"
	# The default HEALTH_TIMEOUT (3 s) against a short interval: its line.
	bad 'HEALTH_TCP=127.0.0.1:80' '' 'HEALTH_INTERVAL=2'
	assert_line --regexp "^$f:4: HEALTH_TIMEOUT \\(3s?\\) must be shorter than HEALTH_INTERVAL \\(2s?\\)$"
	bad 'HEALTH_TCP=127.0.0.1:80' 'HEALTH_INTERVAL=0.05'
	assert_line --partial "$f:3: HEALTH_INTERVAL"
	bad 'HEALTH_TCP=127.0.0.1:80' 'HEALTH_RETRIES=0'
	assert_line --partial "$f:3: HEALTH_RETRIES"
	bad 'HEALTH_TCP=127.0.0.1:80' 'HEALTH_ACTION=reboot'
	assert_line --partial "$f:3: HEALTH_ACTION"
	bad "HEALTH_CMD='/bin/true'" 'HEALTH_TCP=127.0.0.1:80'
	assert_line "$f:3: HEALTH_CMD and HEALTH_TCP are both set: a service has one health check"
	bad 'HEALTH_TCP=127.0.0.1:80' 'HEALTH_HTTP=http://127.0.0.1/'
	assert_line "$f:3: HEALTH_TCP and HEALTH_HTTP are both set: a service has one health check"
	bad "HEALTH_CMD='/bin/check | grep ok'"
	assert_line --partial "$f:2: HEALTH_CMD"
	# From the environment too.
	printf '%s\n' "COMMAND='sleep 1'" 'HEALTH_TCP=127.0.0.1:80' >"$T/ok.conf"
	INIT_HEALTH_HTTP=http://127.0.0.1/ run "$INIT" check "$T/ok.conf"
	assert_failure 2
	assert_output --partial 'HEALTH_TCP and HEALTH_HTTP are both set'
	# A good one prints the probe it has, and only that one.
	printf '%s\n' "COMMAND='sleep 1'" 'HEALTH_HTTP=http://127.0.0.1:8080/healthz' \
		HEALTH_INTERVAL=0.2 HEALTH_TIMEOUT=0.1 >"$T/ok.conf"
	run "$INIT" check "$T/ok.conf"
	assert_success
	assert_line 'HEALTH_HTTP=http://127.0.0.1:8080/healthz'
	assert_line 'HEALTH_INTERVAL=0.2'
	assert_line 'HEALTH_TIMEOUT=0.1'
	refute_line --partial 'HEALTH_CMD'
	refute_line --partial 'HEALTH_TCP'
}

# ------------------------------------------------------------------- cost

# fds_of PID: how many descriptors PID has open.
fds_of() {
	local f=("/proc/$1/fd"/*)
	echo "${#f[@]}"
}

# many_probes [--pid1]: 500 and more probes of every kind (a directory of
# services probed every 0.11 s, one of them always timing out): every
# probe is reaped, no descriptor is left behind.
many_probes() {
	httpd web
	local web=$PORT
	httpd hang
	mode hang hang
	mkdir "$T/d"
	printf '%s\n' NAME=many "PID_DIR=$T/run" LOG_LEVEL=info >"$T/d/init.conf"
	local common=("COMMAND='sleep 1000'" HEALTH_INTERVAL=0.11 HEALTH_TIMEOUT=0.1 HEALTH_ACTION=none)
	printf '%s\n' "${common[@]}" "HEALTH_CMD=\"/bin/sh -c 'echo x >>$T/cmd.count'\"" >"$T/d/cmd.conf"
	printf '%s\n' "${common[@]}" "HEALTH_TCP=127.0.0.1:$web" >"$T/d/tcp.conf"
	printf '%s\n' "${common[@]}" "HEALTH_HTTP=http://127.0.0.1:$web/" >"$T/d/http.conf"
	printf '%s\n' "${common[@]}" "HEALTH_HTTP=http://127.0.0.1:$PORT/" >"$T/d/hang.conf"
	start_init "$@" start "$T/d"
	[ "${1:-}" != --pid1 ] || NS=(pid1)
	probes() { cat "$T/cmd.count" "$T/web.count" "$T/hang.count" 2>/dev/null | wc -l; }
	wait_until 30 eval '[ "$(probes)" -ge 20 ]'
	local fds0 fds zmax=0 pmax=0 z p end=$((SECONDS + 300))
	fds0=$(fds_of "$INIT_PID")
	# Sampled while they run: at most one probe per service, and no
	# zombie waits for long.
	while [ "$(probes)" -lt 520 ]; do
		z=$(zombies_under "$INIT_PID")
		p=$(probes_under "$INIT_PID")
		((z <= zmax)) || zmax=$z
		((p <= pmax)) || pmax=$p
		sleep 0.1
		[ "$SECONDS" -lt "$end" ] || break
	done
	[ "$(probes)" -ge 520 ]
	echo "zombies at most $zmax, probes at most $pmax" >&2
	((zmax <= 4))
	# 4 probes, the sh of HEALTH_CMD possibly forked once more.
	((pmax <= 5))
	# Descriptors: what init had with a probe or two running, plus at most
	# a pipe and an exec-status pipe for each of the 4 services.
	fds=$(fds_of "$INIT_PID")
	echo "descriptors: $fds0 then $fds" >&2
	((fds <= fds0 + 8))
	wait_until 30 eval '[ "$(zombies_under "$INIT_PID")" = 0 ]'
	run in_ns "$INIT" health "$T/d" hang
	assert_failure 1
	run in_ns "$INIT" health "$T/d" http
	assert_success
	# Probes are init's own children: never taken for orphans.
	run ! grep -q 'orphan_reaped' "$T/err"
	kill -s TERM "$INIT_PID"
	wait_init
	[ "$STATUS" = 0 ]
}

@test "500 probes of every kind are all reaped: no zombies, no descriptor leak" {
	many_probes
}

@test "500 probes as PID 1: no zombies, no descriptor leak" {
	many_probes --pid1
}

# vcs: init's voluntary context switches so far (its wakeups).
vcs() { awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$INIT_PID/status"; }
# quiet_for SECONDS: init did not wake up once meanwhile.
quiet_for() {
	local a
	a=$(vcs)
	sleep "$1"
	[ "$(vcs)" = "$a" ]
}

no_check_no_wakeups() {
	conf
	start "$@"
	wait_until 10 eval '[ "$(st state)" = running ]'
	wait_until 30 quiet_for 2
	kill -s TERM "$INIT_PID"
	wait_init
	# The same measure sees the wakeups of a check.
	conf "HEALTH_CMD=/bin/true" HEALTH_INTERVAL=0.2 HEALTH_TIMEOUT=0.1
	start "$@"
	wait_until 10 health_is healthy
	run quiet_for 2
	assert_failure
}

@test "no health check configured: init never wakes up for one" {
	no_check_no_wakeups
}

@test "no health check configured, as PID 1: no wakeups either" {
	no_check_no_wakeups --pid1
}
