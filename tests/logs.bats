#!/usr/bin/env bats
# Child output capture, daily log files, rotation, retention, `init tail`.

load helper
load loghelper

@test "both streams land in the day's file, prefixed, in order per stream" {
	script <<-'EOF'
	i=1
	while [ $i -le 200 ]; do echo "out $i"; echo "err $i" >&2; i=$((i + 1)); done
	EOF
	"$INIT" start "$T/c.conf" >"$T/out" 2>"$T/err"
	f=$(logfile)
	[ "$(stat -c %a "$f")" = 640 ]
	[ "$(stat -c %a "$LOGS")" = 750 ]
	grep 'stream=out' "$f" | sed 's/.*line="out \([0-9]*\)"$/\1/' >"$T/outs"
	grep 'stream=err' "$f" | sed 's/.*line="err \([0-9]*\)"$/\1/' >"$T/errs"
	seq 200 | cmp - "$T/outs"
	seq 200 | cmp - "$T/errs"
	grep -qE '^ts=[0-9-]{10}T[0-9:.]{12}Z level=info name=app stream=out line="out 1"$' "$f"
	# The events are in the file too, and on stderr.
	grep -q 'event=child_exited' "$f"
	grep -q 'event=child_exited' "$T/err"
}

@test "child stdout and stderr pass through to init's stdout and stderr byte for byte" {
	head -c 300000 /dev/urandom >"$T/blob1"
	head -c 200000 /dev/urandom >"$T/blob2"
	with "COMMAND='/bin/sh -c \"cat $T/blob1; cat $T/blob2 >&2\"'" LOG_LEVEL=error
	"$INIT" start "$T/c.conf" >"$T/out" 2>"$T/err"
	cmp "$T/blob1" "$T/out"
	cmp "$T/blob2" "$T/err"
}

@test "output written just before the child exits is all there, before child_exited" {
	script <<-'EOF'
	seq 1 20000
	printf 'no newline at the end'
	exit 7
	EOF
	run "$INIT" start "$T/c.conf"
	assert_failure 7
	f=$(logfile)
	[ "$(grep -c 'stream=out line="[0-9]*"$' "$f")" -eq 20000 ]
	last=$(grep -n 'stream=out' "$f" | tail -1 | cut -d: -f1)
	exited=$(grep -n 'event=child_exited' "$f" | cut -d: -f1)
	[ "$last" -lt "$exited" ]
	grep -q 'line="no newline at the end" partial=true' "$f"
	[ "$(grep -c '^[0-9]*$' <<<"$output")" -eq 20000 ]
}

@test "no line is lost across worker restarts" {
	script <<-'EOF'
	for i in $(seq 1 100); do echo "run line $i"; done
	exit 1
	EOF
	with RESTART_POLICY=on-failure RESTART_DELAY=0.05 MAX_RESTARTS=4
	"$INIT" start "$T/c.conf" >"$T/out" 2>&1 || true
	[ "$(grep -c 'stream=out line="run line' "$(logfile)")" -eq 500 ]
	[ "$(grep -c '^run line' "$T/out")" -eq 500 ]
}

@test "a huge line without newlines and binary data: parts in the file, bytes exact on stdout, bounded memory" {
	head -c 30000000 /dev/zero | tr '\0' 'x' >"$T/huge"
	script <<-EOF
	cat $T/huge
	echo
	sleep 1
	EOF
	with LOG_LEVEL=error
	start_init start "$T/c.conf"
	wait_until 20 grep -q '^log_writer_pid=[1-9]' "$T/run/app.state"
	lpid=$(sed -n 's/^log_writer_pid=//p' "$T/run/app.state")
	wait_until 30 eval '[ "$(stat -c %s "$T/out")" -ge 30000001 ]'
	hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$lpid/status")
	wait_init
	{ cat "$T/huge"; echo; } | cmp - "$T/out"
	parts=$(grep -c 'partial=true' "$(logfile)")
	[ "$parts" -ge 1800 ]
	# Every part holds at most 16 KiB of the line.
	awk -F'line="' '/stream=out/ {split($2, a, "\""); if (length(a[1]) > 16384) exit 1}' "$(logfile)"
	echo "log writer peak RSS: ${hwm} kB" >&3
	# ASan's shadow memory dwarfs this: the release build is the one measured.
	[ "$INIT" != "$ROOT/build/init" ] || [ "$hwm" -lt 1024 ]
}

@test "LOG_FORMAT=json: every file line is a JSON object; bad UTF-8 is escaped, not dropped" {
	printf 'caf\xc3\xa9 \xff\xfe end\n' >"$T/bytes"
	with LOG_FORMAT=json "COMMAND='/bin/cat $T/bytes'"
	"$INIT" start "$T/c.conf" >/dev/null
	python3 - "$(logfile)" <<-'EOF'
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
	out = [l for l in lines if l.get("stream") == "out"]
	assert out[0]["line"] == "café \\xff\\xfe end", out
	assert all({"ts", "level", "name"} <= set(l) for l in lines)
	assert any(l.get("event") == "child_exited" for l in lines)
	EOF
}

@test "at UTC midnight the next line goes to the next day's file (test clock)" {
	now=$(date +%s)
	midnight=$(( (now / 86400 + 1) * 86400 ))
	export INIT_TEST_TIME_OFFSET=$((midnight - now - 2))
	script <<-'EOF'
	for i in $(seq 1 25); do echo "tick $i"; sleep 0.2; done
	EOF
	"$INIT" start "$T/c.conf" >/dev/null
	d1=$(date -u -d "@$((midnight - 1))" +%F)
	d2=$(date -u -d "@$midnight" +%F)
	[ -f "$(logfile "$d1")" ] && [ -f "$(logfile "$d2")" ]
	cat "$(logfile "$d1")" "$(logfile "$d2")" | grep -o 'line="tick [0-9]*"' | sed 's/[^0-9]//g' | cmp - <(seq 25)
	run ! grep -v "^ts=${d1}T" "$(logfile "$d1")"
	run ! grep -v "^ts=${d2}T" "$(logfile "$d2")"
}

@test "retention deletes only our own files older than LOG_KEEP_DAYS" {
	mkdir -p "$LOGS"
	old=$(date -u -d '10 days ago' +%F)
	recent=$(date -u -d '2 days ago' +%F)
	for f in "app-$old.log" "app-$recent.log" "other-$old.log" "app-$old.log.gz" \
		"app-notadate.log" "notes.txt" "app-$old.txt"; do
		echo keep >"$LOGS/$f"
	done
	with LOG_KEEP_DAYS=7 "COMMAND=/bin/true"
	"$INIT" start "$T/c.conf" >/dev/null
	[ ! -e "$LOGS/app-$old.log" ]
	for f in "app-$recent.log" "other-$old.log" "app-$old.log.gz" "app-notadate.log" \
		"notes.txt" "app-$old.txt"; do
		[ -e "$LOGS/$f" ] || { echo "deleted $f"; false; }
	done
}

@test "an unwritable LOG_DIR: one warning, the child keeps running, stdout keeps flowing" {
	chmod 755 "$T"
	mkdir -m 755 "$T/rootonly"
	printf '%s\n' "NAME=app" "LOG_DIR=$T/rootonly/logs" "PID_DIR=" >"$T/c.conf"
	script <<-'EOF'
	for i in $(seq 1 30); do echo "still here $i"; sleep 0.05; done
	EOF
	chmod 644 "$T/c.conf" "$T/child.sh"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$INIT" start "$T/c.conf" >"$T/out" 2>"$T/err"
	[ "$(grep -c '^still here' "$T/out")" -eq 30 ]
	[ "$(grep -c 'event=log_file_failed' "$T/err")" -eq 1 ]
	grep -q 'error="Permission denied"' "$T/err"
	[ ! -e "$T/rootonly/logs" ]
}

@test "a full disk: one warning, output still flows, and the file recovers with a count of missed lines" {
	mkdir "$T/small"
	mount -t tmpfs -o size=256k tmpfs "$T/small"
	head -c 180000 /dev/zero >"$T/small/filler"
	printf '%s\n' "NAME=app" "LOG_DIR=$T/small/logs" "PID_DIR=" >"$T/c.conf"
	script <<-EOF
	for i in \$(seq 1 2000); do echo "line \$i padding padding padding padding padding padding"; done
	while [ ! -e $T/freed ]; do sleep 0.05; done
	sleep 1.2
	for i in \$(seq 2001 2100); do echo "line \$i"; done
	EOF
	start_init start "$T/c.conf"
	wait_until 20 file_has "$T/err" event=log_file_failed
	rm "$T/small/filler"
	touch "$T/freed"
	wait_init 30
	[ "$(grep -c '^line ' "$T/out")" -eq 2100 ]
	[ "$(grep -c 'event=log_file_failed' "$T/err")" -eq 1 ]
	grep -q 'error="No space left on device"' "$T/err"
	grep -q 'event=log_file_recovered missed_lines=[1-9]' "$T/err"
	grep -q 'event=log_file_recovered missed_lines=[1-9]' "$T/small/logs/app-$(today).log"
	grep -q 'line="line 2100"' "$T/small/logs/app-$(today).log"
}

@test "the log writer is restarted if it dies, and later lines still reach the file" {
	script <<-'EOF'
	i=0
	while :; do i=$((i + 1)); echo "n $i"; sleep 0.05; done
	EOF
	start_init start "$T/c.conf"
	wait_until 20 grep -q '^log_writer_pid=[1-9]' "$T/run/app.state"
	lpid=$(sed -n 's/^log_writer_pid=//p' "$T/run/app.state")
	kill -KILL "$lpid"
	wait_until 20 file_has "$T/err" event=log_writer_exited
	wait_until 20 eval '! grep -q "^log_writer_pid=$lpid\$" "$T/run/app.state"'
	sleep 0.5
	mark=$(grep -c '^n ' "$T/out")
	wait_until 20 grep -q "line=\"n $((mark + 5))\"" "$(logfile)"
	kill -s TERM "$INIT_PID"
	wait_init
}

@test "in a terminal, child output is not captured; events still reach the file" {
	with "COMMAND='/bin/sh -c \"tty; echo on-the-terminal\"'"
	run python3 "$BATS_TEST_DIRNAME/pty_run.py" 30 -- "$INIT" start "$T/c.conf"
	assert_success
	assert_output --partial "on-the-terminal"
	assert_output --partial "/dev/pts/"
	run ! grep -q 'stream=out' "$(logfile)"
	grep -q 'event=child_exited' "$(logfile)"
}

@test "tail -n prints the last lines of today's file" {
	script <<-'EOF'
	seq 1 50
	EOF
	"$INIT" start "$T/c.conf" >/dev/null
	run "$INIT" tail "$T/c.conf" -n 3
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	assert_line --index 2 --partial "event=exiting"
	run "$INIT" tail "$T/c.conf"
	[ "${#lines[@]}" -eq 10 ]
	tail -n 10 "$(logfile)" | diff - <(printf '%s\n' "${lines[@]}")
}

@test "tail -f follows the file across midnight into the next day's file" {
	now=$(date +%s)
	midnight=$(( (now / 86400 + 1) * 86400 ))
	export INIT_TEST_TIME_OFFSET=$((midnight - now - 3))
	script <<-'EOF'
	for i in $(seq 1 40); do echo "tick $i"; sleep 0.15; done
	EOF
	start_init start "$T/c.conf"
	wait_until 10 file_has "$T/out" "tick 2"
	"$INIT" tail "$T/c.conf" -n 0 -f >"$T/tail" &
	tpid=$!
	wait_init 30
	sleep 1
	kill "$tpid"
	wait "$tpid" || true
	grep -q 'line="tick 39"' "$T/tail"
	grep -q 'line="tick 40"' "$T/tail"
	d2=$(date -u -d "@$midnight" +%F)
	[ -f "$(logfile "$d2")" ]
	# Followed in order, with no line twice.
	grep -o 'line="tick [0-9]*"' "$T/tail" | sed 's/[^0-9]//g' >"$T/nums"
	sort -n -c "$T/nums"
	[ "$(sort -u "$T/nums" | wc -l)" -eq "$(wc -l <"$T/nums")" ]
}

@test "tail without LOG_DIR, or before any file exists, says so" {
	printf '%s\n' "NAME=app" "COMMAND=x" >"$T/nolog.conf"
	run "$INIT" tail "$T/nolog.conf"
	assert_failure 2
	assert_output --partial "LOG_DIR is not set"
	with "COMMAND=x"
	mkdir -p "$LOGS"
	run "$INIT" tail "$T/c.conf"
	assert_failure 1
	assert_output --partial "no log file for app in $LOGS yet"
}

@test "with init's stdout blocked, the child is back-pressured and PID 1 stays responsive" {
	mkfifo "$T/fifo"
	# A reader that opens the FIFO and never reads it.
	# shellcheck disable=SC2217
	sleep 120 <"$T/fifo" &
	holder=$!
	with "COMMAND='$WORKER --interval 1 --stderr-every 1000000'" STOP_TIMEOUT=2 LOG_LEVEL=info
	"$INIT" start "$T/c.conf" >"$T/fifo" 2>"$T/err" &
	LAUNCH_PID=$!
	INIT_PID=$LAUNCH_PID
	wait_until 10 grep -q '^log_writer_pid=[1-9]' "$T/run/app.state"
	lpid=$(sed -n 's/^log_writer_pid=//p' "$T/run/app.state")
	child=$(sed -n 's/^child_pid=//p' "$T/run/app.state")
	sleep 2
	# The child sits blocked in write(2) on its full pipe, and so does the
	# log writer on init's stdout; nothing piles up in memory.
	wait_until 10 grep -q pipe_write "/proc/$child/wchan"
	wait_until 10 grep -q pipe_write "/proc/$lpid/wchan"
	[ "$INIT" != "$ROOT/build/init" ] ||
		[ "$(awk '/^VmRSS/ {print $2}' "/proc/$lpid/status")" -lt 2048 ]
	# PID 1 still answers: status works and a stop goes through.
	run "$INIT" status "$T/c.conf"
	assert_success
	kill -s TERM "$INIT_PID"
	wait_init 30
	kill "$holder" 2>/dev/null || true
}
