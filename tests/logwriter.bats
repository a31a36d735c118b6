#!/usr/bin/env bats
# The log writer: every byte kept, every line whole, in time order; the
# pass-through rules (README "Logs") and what happens when stdout, the
# file or its directory fail.

load helper
load loghelper

decode() { python3 "$BATS_TEST_DIRNAME/logdecode.py" "$@"; }
# The event names and child lines of the file, in order.
events() { decode events "$(logfile)"; }

# Output holding every byte value, long runs without newlines and 40 KB
# of NUL bytes, then a last line without newline.
binary_blob() {
	python3 - "$T/blob" <<-'EOF'
	import random, sys
	random.seed(3)
	b = bytearray()
	for i in range(200):
	    b += bytes(range(256))
	b += b'\n' + b'\0' * 40000 + b'\n'
	b += b'y' * 100000 + b'\n'
	b += bytes(random.randrange(256) for _ in range(300000))
	b += b'\\xff \xff \\ \\\\ "q" caf\xc3\xa9\nthe end without newline'
	open(sys.argv[1], 'wb').write(b)
	EOF
}

every_byte_kept() {
	binary_blob
	with "LOG_FORMAT=$1" "COMMAND='/bin/cat $T/blob'"
	"$INIT" start "$T/c.conf" >"$T/out" 2>"$T/err"
	cmp "$T/blob" "$T/out"
	decode check "$(logfile)"
	decode bytes "$(logfile)" out | cmp - "$T/blob"
	# The events after it all reached the file.
	events | tail -n 2 | diff - <(printf '%s\n' child_exited exiting)
}

@test "binary output (every byte value, long runs without newline, NUL-heavy): every byte in the file, events after it (text)" {
	every_byte_kept text
}

@test "binary output (every byte value, long runs without newline, NUL-heavy): every byte in the file, events after it (json)" {
	every_byte_kept json
}

@test "raw byte 0xff and the text \\xff give different lines, and both read back (text and json)" {
	printf '\xff\n\\xff\n' >"$T/two"
	with "COMMAND='/bin/cat $T/two'"
	"$INIT" start "$T/c.conf" >/dev/null 2>&1
	grep -qF 'line="\xff"' "$(logfile)"
	grep -qF 'line="\\xff"' "$(logfile)"
	decode bytes "$(logfile)" out | cmp - "$T/two"
	rm -r "$LOGS"
	with LOG_FORMAT=json
	"$INIT" start "$T/c.conf" >/dev/null 2>&1
	grep -qF '"line":"\\xff","escaped":true}' "$(logfile)"
	grep -qF '"line":"\\xff"}' "$(logfile)"
	decode bytes "$(logfile)" out | cmp - "$T/two"
}

@test "a 16 KiB line whose newline comes in a later read is one line, with no empty line after it" {
	script <<-'EOF'
	head -c 16384 /dev/zero | tr '\0' x
	sleep 0.5
	echo
	echo next
	EOF
	"$INIT" start "$T/c.conf" >"$T/out" 2>/dev/null
	[ "$(grep -c 'stream=out' "$(logfile)")" -eq 2 ]
	grep -q "line=\"$(printf 'x%.0s' $(seq 16384))\"$" "$(logfile)"
	grep -q 'line="next"$' "$(logfile)"
	run ! grep -q 'partial=true\|line=""' "$(logfile)"
}

@test "a stdout the reader made O_NONBLOCK: a reader one second late still gets every line (EAGAIN waits)" {
	with "COMMAND='/usr/bin/seq 1 200001'"
	python3 - "$INIT" "$T" <<-'EOF'
	import fcntl, os, subprocess, sys, time
	init, t = sys.argv[1], sys.argv[2]
	r, w = os.pipe()
	fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
	with open(t + "/err", "wb") as err:
	    p = subprocess.Popen([init, "start", t + "/c.conf"], stdout=w,
	        stderr=err, stdin=subprocess.DEVNULL)
	os.close(w)
	time.sleep(1)
	with open(t + "/out", "wb") as out:
	    while True:
	        b = os.read(r, 65536)
	        if not b:
	            break
	        out.write(b)
	sys.exit(p.wait())
	EOF
	seq 1 200001 | cmp - "$T/out"
	run ! grep -q log_output_failed "$T/err"
	[ "$(grep -c 'stream=out' "$(logfile)")" -eq 200001 ]
}

@test "a stdout whose reader left (EPIPE): one warning, pass-through stops, the file keeps every line" {
	with "COMMAND='/usr/bin/seq 1 100000'"
	"$INIT" start "$T/c.conf" 2>"$T/err" | head -n 5 >"$T/out"
	seq 1 5 | cmp - "$T/out"
	[ "$(grep -c 'event=log_output_failed' "$T/err")" -eq 1 ]
	grep -q 'event=log_output_failed fd=1 error="Broken pipe" then=stop' "$T/err"
	[ "$(grep -c 'stream=out' "$(logfile)")" -eq 100000 ]
	run ! grep -q 'partial=true' "$(logfile)"
	grep -q 'event=child_exited pid=[0-9]* code=0' "$(logfile)"
	grep -q 'event=log_output_failed' "$(logfile)"
}

@test "a stdout on a full disk (ENOSPC): one warning, retried without dropping; stderr and events keep reaching the file" {
	mkdir "$T/small"
	mount -t tmpfs -o size=256k tmpfs "$T/small"
	head -c 200000 /dev/zero >"$T/small/filler"
	script <<-EOF
	( i=0; while [ ! -e $T/freed ]; do i=\$((i + 1)); echo "tick \$i" >&2; sleep 0.05; done ) &
	seq -f 'line %06g padding padding padding padding padding padding' 1 3000
	wait
	echo after
	EOF
	"$INIT" start "$T/c.conf" >"$T/small/out" 2>"$T/err" </dev/null &
	LAUNCH_PID=$!
	INIT_PID=$LAUNCH_PID
	wait_until 20 file_has "$T/err" 'event=log_output_failed fd=1 error="No space left on device" then=retry'
	# While stdout is stuck, stderr lines still reach the file.
	n=$(grep -c 'stream=err' "$(logfile)")
	wait_until 20 eval '[ "$(grep -c stream=err "$(logfile)")" -gt $((n + 5)) ]'
	rm "$T/small/filler"
	touch "$T/freed"
	wait_init 60
	{ seq -f 'line %06g padding padding padding padding padding padding' 1 3000; echo after; } |
		cmp - "$T/small/out"
	[ "$(grep -c 'event=log_output_failed' "$T/err")" -eq 1 ]
	grep -q 'event=log_output_recovered fd=1' "$T/err"
	[ "$(grep -c 'stream=out' "$(logfile)")" -eq 3001 ]
}

@test "an event never lands inside a child's unfinished stderr line: one newline ends it after a second" {
	script <<-'EOF'
	trap '' USR1
	printf 'half' >&2
	sleep 3
	echo ' done' >&2
	EOF
	start_init start "$T/c.conf"
	wait_until 10 file_has "$T/err" half
	kill -USR1 "$INIT_PID"
	wait_init 30
	# stderr: the partial line, ended by one newline, then an event (the
	# signal's, or child_started if the child wrote before PID 1 said so).
	grep -A1 -x 'half' "$T/err" | tail -n 1 | grep -q '^ts=.* event='
	sed -n '/^half$/,$p' "$T/err" | grep -q '^ts=.* event=signal_forwarded '
	grep -qx ' done' "$T/err"
	run ! grep -qE '.ts=[0-9]{4}-' "$T/err"
	# The file has the line whole, after the event that came in its middle.
	events | grep -A1 '^signal_forwarded$' | tail -n 1 | grep -qx 'line err half done'
	run ! grep -q 'partial=true' "$(logfile)"
}

@test "a last line without newline: byte-exact on its own stdout, ended before child_exited where events share the fd" {
	script <<-'EOF'
	printf 'one\ntwo'
	printf 'bye' >&2
	EOF
	"$INIT" start "$T/c.conf" >"$T/out" 2>"$T/err"
	printf 'one\ntwo' | cmp - "$T/out"
	# "bye" is ended by one newline for the next event: child_exited, or
	# child_started if the child wrote before PID 1 said it started.
	grep -A1 -x 'bye' "$T/err" | tail -n 1 | grep -q '^ts=.* event=child_\(exited\|started\) '
	sed -n '/^bye$/,$p' "$T/err" | grep -q '^ts=.* event=child_exited '
	# stdout and stderr on one pipe (2>&1): no event glued to a line.
	run "$INIT" start "$T/c.conf"
	assert_line 'one'
	assert_line 'two'
	assert_line 'bye'
	assert_line --regexp '^ts=[^ ]* level=info name=app event=child_exited '
	grep -q 'line="two" partial=true' "$(logfile)"
}

@test "complete lines pass through at once while the child keeps running" {
	script <<-'EOF'
	echo first
	echo first-err >&2
	sleep 30
	EOF
	start_init start "$T/c.conf"
	wait_until 10 file_has "$T/out" '^first$'
	wait_until 10 file_has "$T/err" '^first-err$'
	wait_until 10 file_has "$(logfile)" 'line="first-err"'
	kill -TERM "$INIT_PID"
	wait_init 30
}

@test "records waiting with child output are taken first: child_started, the output, child_exited" {
	script <<-'EOF'
	echo "run $RUNS"
	echo err-run >&2
	EOF
	with RESTART_POLICY=always RESTART_DELAY=1 MAX_RESTARTS=1 STOP_TIMEOUT=30
	start_init start "$T/c.conf"
	wait_until 10 file_has "$(logfile)" event=restart_scheduled
	lpid=$(sed -n 's/^log_writer_pid=//p' "$T/run/app.state")
	# The writer sleeps while the second run starts, writes and exits:
	# its records and its output wait side by side in the pipes.
	kill -STOP "$lpid"
	wait_until 20 eval '[ ! -e "$T/run/app.state" ]'
	kill -CONT "$lpid"
	wait_init 30
	# The first run raced PID 1 (see the next test); the second did not.
	events | sed -n '/^restart_scheduled$/,$p' | sed 's/^line out.*/line/; s/^line err.*/line/' |
		diff - <(printf '%s\n' restart_scheduled child_started line line child_exited give_up exiting)
	sed -n '/event=restart_scheduled/,$p' "$T/err" | sed 's/^ts=.* event=\([a-z_]*\).*/\1/' |
		diff - <(printf '%s\n' restart_scheduled child_started err-run child_exited give_up exiting)
}

@test "child output never comes before its child_started, over many quick restarts" {
	script <<-'EOF'
	echo run
	echo err-run >&2
	EOF
	with RESTART_POLICY=always RESTART_DELAY=0.01 MAX_RESTARTS=30
	"$INIT" start "$T/c.conf" >/dev/null 2>"$T/err" || true
	events | awk '
		/^child_started$/ { if (run) exit 1; run = 1; n++ }
		/^child_exited$/ { if (!run) exit 1; run = 0 }
		/^line / { if (!run) exit 1 }
		END { if (n != 31) exit 1 }'
	awk '
		/event=child_started/ { run = 1 }
		/event=child_exited/ { run = 0 }
		/^err-run$/ { if (!run) exit 1; seen++ }
		END { if (seen != 31) exit 1 }' "$T/err"
}

@test "file lines are in time order, events and child lines alike" {
	script <<-EOF
	trap '' USR1
	while [ ! -e $T/stop ]; do seq 1 2000; done
	EOF
	start_init start "$T/c.conf"
	# Signals only once init has blocked them (it has when it logs).
	wait_until 20 file_has "$T/err" event=child_started
	for i in $(seq 1 300); do kill -USR1 "$INIT_PID"; done
	touch "$T/stop"
	wait_init 60
	[ "$(grep -c 'event=signal_forwarded' "$(logfile)")" -ge 1 ]
	sed 's/ .*//' "$(logfile)" | sort -c
}

# removed_while_running CMD...: CMD removes the day's file (or more) while
# the child writes a line every 50 ms; it must be noticed, warned about
# once and re-created, with every later line in the new file.
removed_while_running() {
	script <<-'EOF'
	i=0
	while [ $i -lt 80 ]; do i=$((i + 1)); echo "n $i"; sleep 0.05; done
	EOF
	start_init start "$T/c.conf"
	wait_until 10 file_has "$(logfile)" 'line="n 5"'
	"$@"
	k=$(grep -c '^n ' "$T/out")
	wait_until 20 file_has "$(logfile)" 'line="n '
	wait_init 30
	[ "$(stat -c %a "$LOGS")" = 750 ]
	[ "$(grep -c 'event=log_file_failed' "$T/err")" -eq 1 ]
	grep -q "event=log_file_failed dir=$LOGS file=app-$(today).log error=\"removed while open\"" "$T/err"
	grep -q 'event=log_file_recovered missed_lines=0' "$(logfile)"
	for i in $(seq $((k + 1)) 80); do grep -q "line=\"n $i\"" "$(logfile)"; done
}

@test "the day's file removed while running: noticed, warned once, re-created; later lines and tail keep working" {
	removed_while_running rm "$(logfile)"
	run "$INIT" tail "$T/c.conf" -n 1
	assert_success
	assert_output --partial 'event=exiting'
}

@test "LOG_DIR removed while running: noticed, warned once, re-created with its file" {
	removed_while_running rm -rf "$LOGS"
}

@test "a full disk never leaves a torn line: every line parses, and lines kept plus missed_lines add up" {
	mkdir "$T/small"
	mount -t tmpfs -o size=256k tmpfs "$T/small"
	head -c 150000 /dev/zero >"$T/small/filler"
	printf '%s\n' "NAME=app" "LOG_DIR=$T/small/logs" "PID_DIR=" LOG_FORMAT=json >"$T/c.conf"
	script <<-EOF
	seq -f 'line %g with a payload that is long enough to fill the disk quickly and tear a batch' 1 3000
	while [ ! -e $T/freed ]; do sleep 0.05; done
	sleep 1.2
	seq -f 'line %g' 3001 3100
	EOF
	start_init start "$T/c.conf"
	wait_until 20 file_has "$T/err" '"event":"log_file_failed"'
	rm "$T/small/filler"
	touch "$T/freed"
	wait_init 30
	f=$T/small/logs/app-$(today).log
	decode check "$f"
	missed=$(sed -n 's/.*"event":"log_file_recovered","missed_lines":\([0-9]*\).*/\1/p' "$f")
	kept=$(grep -c '"stream":"out"' "$f")
	echo "kept $kept, missed $missed" >&3
	[ "$missed" -ge 1 ]
	# Missed lines may include events that could not be written.
	[ $((kept + missed)) -ge 3100 ] && [ $((kept + missed)) -le 3110 ]
	grep -q '"line":"line 3100"' "$f"
}

@test "the first log_file_failed names today's file, not 1969's" {
	chmod 755 "$T"
	mkdir -m 755 "$T/rootonly"
	printf '%s\n' "NAME=app" "LOG_DIR=$T/rootonly/logs" "PID_DIR=" "COMMAND=/bin/true" >"$T/c.conf"
	chmod 644 "$T/c.conf"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$INIT" start "$T/c.conf" >/dev/null 2>"$T/err"
	grep -q "event=log_file_failed dir=$T/rootonly/logs file=app-$(today).log error=\"Permission denied\"" "$T/err"
}

@test "tail refuses a FIFO at the log path at once instead of hanging" {
	mkdir -p "$LOGS"
	mkfifo "$(logfile)"
	with "COMMAND=x"
	run timeout 10 "$INIT" tail "$T/c.conf"
	assert_failure 1
	assert_output --partial "app-$(today).log: is not a regular file"
}

@test "a long COMMAND and config path are cut with ... and every event line stays valid (text and json)" {
	# Quotes double when escaped: both values are longer than an event.
	cp=$(seq -f '"/opt/lib/jar%04g.jar":' 1 170 | tr -d '\n')
	q=$(head -c 200 /dev/zero | tr '\0' '"')
	d=$T
	for i in 1 2 3 4 5 6; do d=$d/$(printf '%0200d' "$i"); done
	for i in 1 2 3 4 5 6 7 8 9 10; do d=$d/$q; done
	mkdir -p "$d"
	for format in text json; do
		rm -rf "$LOGS"
		printf '%s\n' "NAME=app" "LOG_DIR=$LOGS" "LOG_FORMAT=$format" \
			"COMMAND='/bin/echo -cp $cp Main'" >"$d/c.conf"
		"$INIT" start "$d/c.conf" >"$T/out" 2>"$T/err"
		grep -q '^-cp /opt/lib/jar0001.jar:/opt' "$T/out"
		decode check "$(logfile)"
		grep 'child_started' "$(logfile)" | grep -q 'jar0.*\.\.\."'
		grep 'child_started' "$(logfile)" | grep -q '"restarts":0}$\|restarts=0$'
		grep 'event.*started' "$(logfile)" | grep -q '0006/\\".*\.\.\."'
		[ "$(wc -L <"$T/err")" -le 4136 ]
	done
}

@test "with LOG_DIR unset the child writes straight to init's stdout: nothing is copied" {
	printf '%s\n' "NAME=app" "COMMAND='/bin/sh -c \"readlink /proc/self/fd/1\"'" >"$T/c.conf"
	"$INIT" start "$T/c.conf" >"$T/out" 2>/dev/null
	[ "$(cat "$T/out")" = "$T/out" ]
	with "LOG_DIR=$LOGS"
	"$INIT" start "$T/c.conf" >"$T/out" 2>/dev/null
	grep -q '^pipe:' "$T/out"
}

# lwdrive DIR NSVC PREFIX STEP...: the log writer with made-up services
# (tests/unit/lwdrive.c), output in $T/out and $T/err.
lwdrive() {
	"$(dirname "$INIT")/unit/lwdrive" "$@" >"$T/out" 2>"$T/err"
}

@test "LOG_PREFIX: every pass-through line starts with NAME | , the last one too without newline" {
	lwdrive "$T/lw" 1 1 '0:out:one\ntwo\n' '0:out:thr' '0:out:ee\nlast' '0:err:e1\n'
	printf 's0 | one\ns0 | two\ns0 | three\ns0 | last' | cmp - "$T/out"
	printf 's0 | e1\n' | cmp - "$T/err"
	grep -q 'line="three"$' "$T/lw/s0-$(today).log"
	grep -q 'line="last" partial=true$' "$T/lw/s0-$(today).log"
}

@test "two services on one fd: an unfinished line holds it while the other waits, then one newline ends it" {
	lwdrive "$T/lw" 2 1 '0:out:a1\na2\npart' '1:out:b1\nb2\n' 'sleep:3000' '0:out:ial\n'
	printf 's0 | a1\ns0 | a2\ns0 | part\ns1 | b1\ns1 | b2\ns0 | ial\n' | cmp - "$T/out"
	# Each service's file has its own lines, whole.
	grep -q 'name=s0 stream=out line="partial"$' "$T/lw/s0-$(today).log"
	[ "$(grep -c 'stream=out' "$T/lw/s1-$(today).log")" -eq 2 ]
}

@test "two services: an event waits for the other's unfinished stderr line; its exit ends the line" {
	lwdrive "$T/lw" 2 0 '1:err:half' 'sleep:1000' '0:ev:level=info name=s0 event=x' \
		'1:exit' '1:ev:level=info name=s1 event=child_exited'
	head -n 1 "$T/err" | grep -qx 'half'
	sed -n 2p "$T/err" | grep -q ' name=s0 event=x$'
	sed -n 3p "$T/err" | grep -q ' name=s1 event=child_exited$'
	grep -q 'name=s0 event=x' "$T/lw/s0-$(today).log"
	grep -q 'line="half" partial=true' "$T/lw/s1-$(today).log"
	grep -q 'name=s1 event=child_exited' "$T/lw/s1-$(today).log"
}

@test "64 services on one writer, every line buffer full: peak RSS under 1 MiB" {
	mkdir -p "$T/lw"
	# 128 streams of 20 000 bytes without newline: parts of 2 KiB each,
	# the rest kept, while the writer runs.
	lwdrive "$T/lw" 64 1 fill:20000 sleep:500 hwm
	[ "$(grep -c 'partial=true' "$T/lw/s63-$(today).log")" -ge 10 ]
	echo "log writer peak RSS with 128 streams: $(cat "$T/lw/hwm") kB" >&3
	# ASan's shadow memory dwarfs this: the release build is the one measured.
	[ "$INIT" != "$ROOT/build/init" ] || [ "$(cat "$T/lw/hwm")" -lt 1024 ]
}
