#!/usr/bin/env bats
# The command line, and the events init prints.

load helper

@test "--version and --help exit 0 on stdout" {
	run "$INIT" --version
	assert_success
	assert_output --regexp '^init [0-9]+\.[0-9]+\.[0-9]+$'
	run "$INIT" --help
	assert_success
	assert_output --partial "usage: init start CONF"
}

@test "no arguments, an unknown command or missing operands: usage on stderr, exit 2" {
	run "$INIT"
	assert_failure 2
	assert_output --partial "usage:"
	run "$INIT" frobnicate
	assert_failure 2
	assert_output --partial "init: unknown command 'frobnicate'"
	run "$INIT" --
	assert_failure 2
	assert_output --partial "missing the command to run"
	run "$INIT" start
	assert_failure 2
	run "$INIT" start a.conf extra
	assert_failure 2
	run "$INIT" check
	assert_failure 2
	"$INIT" frobnicate 2>&1 >/dev/null | grep -q usage
}

@test "a bad config starts nothing and exits 2" {
	printf 'COMMAND="touch %s/ran"\nMAX_MEM_MB=x\n' "$T" >"$T/c.conf"
	run "$INIT" start "$T/c.conf"
	assert_failure 2
	assert_output --partial "nothing started"
	[ ! -e "$T/ran" ]
}

@test "start mode logs events on stderr in logfmt, with RFC 3339 UTC timestamps; stdout stays the child's" {
	printf 'COMMAND="%s 3"\nNAME=web\n' "$FIX/exitwith" >"$T/c.conf"
	"$INIT" start "$T/c.conf" >"$T/out" 2>"$T/err" || true
	grep -qE '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z level=info name=web event=started version=[0-9.]+ pid=[0-9]+ role=subreaper config=' "$T/err"
	grep -q 'event=child_started pid=[0-9]* command=".*exitwith 3" restarts=0' "$T/err"
	grep -q 'event=child_exited pid=[0-9]* code=3 status=3 runtime_ms=[0-9]* reason=exit' "$T/err"
	grep -q 'event=exiting status=3' "$T/err"
	[ ! -s "$T/out" ]
}

@test "LOG_FORMAT=json prints one valid JSON object per event" {
	printf 'COMMAND="%s -s 15"\nLOG_FORMAT=json\nNAME=j\n' "$FIX/exitwith" >"$T/c.conf"
	"$INIT" start "$T/c.conf" 2>"$T/err" || true
	python3 - "$T/err" <<-'EOF'
	import json, sys
	events = [json.loads(l) for l in open(sys.argv[1])]
	names = [e["event"] for e in events]
	assert names[0] == "started" and names[-1] == "exiting", names
	ex = [e for e in events if e["event"] == "child_exited"][0]
	assert ex["signal"] == "TERM" and ex["status"] == 143 and ex["name"] == "j", ex
	assert all(set(e) >= {"ts", "level", "name", "event"} for e in events)
	EOF
}

@test "JSON and logfmt escape quotes, backslashes and control characters" {
	printf '%s\n' "COMMAND='$FIX/exitwith -e \"q\\\\\" -e \"a	b\" 0'" 'LOG_FORMAT=json' >"$T/c.conf"
	( . "$T/c.conf"; printf '%s' "$COMMAND" ) >"$T/expect"
	grep -qF -- "\\" "$T/expect"
	"$INIT" start "$T/c.conf" 2>"$T/err" >/dev/null
	python3 - "$T/err" "$T/expect" <<-'EOF'
	import json, sys
	# stderr holds the child's own two lines too.
	ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{"ts"')]
	cmd = [e for e in ev if e["event"] == "child_started"][0]["command"]
	assert cmd == open(sys.argv[2]).read(), cmd
	EOF
	sed -i 's/^LOG_FORMAT=json$/LOG_FORMAT=text/' "$T/c.conf"
	"$INIT" start "$T/c.conf" 2>"$T/err" >/dev/null
	grep -F 'event=child_started' "$T/err" | grep -qF -- '-e \"q\\\\\" -e \"a\tb\" 0"'
}

@test "init -- CMD prints nothing when all is well (LOG_LEVEL=warn)" {
	run "$INIT" -- "$FIX/exitwith" -o hello 0
	assert_success
	assert_output "hello"
}

@test "init -- CMD keeps its own events off stdout, so pipelines stay clean" {
	INIT_LOG_LEVEL=debug "$INIT" -- "$FIX/exitwith" -o data 0 >"$T/out" 2>"$T/err"
	[ "$(cat "$T/out")" = data ]
	grep -q event=started "$T/err"
}

@test "LOG_LEVEL=error hides warnings; debug shows more" {
	INIT_LOG_LEVEL=error INIT_RESTART_POLICY=on-failure INIT_MAX_RESTARTS=1 INIT_RESTART_DELAY=0 \
		run "$INIT" -- "$FIX/exitwith" 1
	assert_failure 1
	assert_output --partial "event=give_up"
	refute_output --partial "event=restart_scheduled"
	INIT_LOG_LEVEL=debug run "$INIT" -- "$FIX/exitwith" 0
	assert_output --partial "level=debug"
}

@test "make install puts a static binary under DESTDIR/PREFIX" {
	# Not the sanitizer build, even when the suite runs under SANITIZE=1.
	MAKEFLAGS='' make -s -C "$ROOT" install SANITIZE=0 DESTDIR="$T/dest" PREFIX=/opt/x >/dev/null
	[ -x "$T/dest/opt/x/bin/init" ]
	run file "$T/dest/opt/x/bin/init"
	assert_output --partial "statically linked"
}

@test "build/init is a static, stripped binary under 100 KiB" {
	run file "$ROOT/build/init"
	assert_output --partial "statically linked"
	assert_output --partial "stripped"
	refute_output --partial "not stripped"
	[ "$(stat -c %s "$ROOT/build/init")" -lt 102400 ]
}
