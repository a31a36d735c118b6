#!/usr/bin/env bats
# What the child gets, and the exit status init reports for it.

load helper

@test "init exits with the child's exit code: 0, 1, 42, 255" {
	for code in 0 1 42 255; do
		run "$INIT" -- "$FIX/exitwith" "$code"
		[ "$status" -eq "$code" ] || { echo "code $code gave $status: $output"; false; }
	done
}

@test "init exits 128+N when the child is killed by signal N (as PID 1 too)" {
	run "$INIT" -- "$FIX/exitwith" -s 9
	assert_failure 137
	run "$INIT" -- "$FIX/exitwith" -s 15
	assert_failure 143
	run unshare --pid --fork --mount-proc "$INIT" -- "$FIX/exitwith" -s 10
	assert_failure 138
}

@test "a missing command exits 127 with a clear message" {
	run -127 "$INIT" -- "$T/no-such-program" arg
	assert_failure 127
	assert_output --partial "command not found: $T/no-such-program: No such file or directory"
	run -127 "$INIT" -- no-such-program-on-path
	assert_failure 127
	assert_output --partial "command not found: no-such-program-on-path"
}

@test "a command that is not executable exits 126 with a clear message" {
	printf 'data\n' >"$T/notexec"
	run "$INIT" -- "$T/notexec"
	assert_failure 126
	assert_output --partial "cannot execute $T/notexec: Permission denied"
	printf '\x7fELFgarbage' >"$T/badelf"
	chmod +x "$T/badelf"
	run "$INIT" -- "$T/badelf"
	assert_failure 126
	assert_output --partial "cannot execute $T/badelf: Exec format error"
}

@test "the command is found through PATH like execvp" {
	mkdir "$T/bin"
	cp "$FIX/exitwith" "$T/bin/my-exit"
	PATH="$T/nonexistent:$T/bin:$PATH" run "$INIT" -- my-exit 7
	assert_failure 7
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER, so init warns on stderr,
# which this test reads (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "argv reaches the child byte-exact: spaces, quotes, empty args, UTF-8" {
	local args=("a b" "" "'q'" '"dq"' 'back\slash' "ünï€ødé" "*" '$HOME' "-x" "--")
	run "$INIT" -- "$FIX/showargs" "${args[@]}"
	assert_success
	local expect="argc=$((${#args[@]} + 1))"
	for a in "${args[@]}"; do
		expect+=$'\n'"arg=$(printf '%s' "$a" | od -An -tx1 | tr -d ' \n')"
	done
	[ "$(grep -v '^cwd=' <<<"$output")" = "$expect" ]
}

@test "COMMAND from a file is split like sh: quotes and backslashes, byte-exact" {
	cat >"$T/c.conf" <<-EOF
	COMMAND='$FIX/showargs "a b" '"'"'c  d'"'"' e\\ f "" ü'
	EOF
	INIT_LOG_LEVEL=warn run "$INIT" start "$T/c.conf"
	assert_success
	assert_line "argc=6"
	assert_line "arg=$(printf 'a b' | od -An -tx1 | tr -d ' \n')"
	assert_line "arg=$(printf 'c  d' | od -An -tx1 | tr -d ' \n')"
	assert_line "arg=$(printf 'e f' | od -An -tx1 | tr -d ' \n')"
	assert_line "arg="
	assert_line "arg=$(printf 'ü' | od -An -tx1 | tr -d ' \n')"
}

@test "a command after -- replaces COMMAND from the file" {
	printf 'COMMAND="%s 3"\n' "$FIX/exitwith" >"$T/c.conf"
	run "$INIT" start "$T/c.conf"
	assert_failure 3
	run "$INIT" start "$T/c.conf" -- "$FIX/exitwith" 4
	assert_failure 4
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER, so init warns on stderr,
# which this test reads (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "stdin, stdout and stderr pass straight through" {
	printf 'line one\n\x00\xff binary\n' >"$T/in"
	"$INIT" -- "$FIX/showargs" -i <"$T/in" >"$T/out" 2>/dev/null
	cmp "$T/in" "$T/out"
	"$INIT" -- "$FIX/exitwith" -o to-out -e to-err 0 >"$T/o" 2>"$T/e"
	[ "$(cat "$T/o")" = to-out ]
	[ "$(cat "$T/e")" = to-err ]
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER, so init warns on stderr,
# which this test reads (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "the environment passes through to the child" {
	MY_VAR="a value=with stuff" run "$INIT" -- "$FIX/showargs" -E MY_VAR
	assert_success
	assert_output "env=a value=with stuff"
}

@test "WORKDIR sets the child's working directory; a bad one exits 126" {
	mkdir "$T/work dir"
	INIT_WORKDIR="$T/work dir" run "$INIT" -- "$FIX/showargs"
	assert_success
	assert_line "cwd=$T/work dir"
	INIT_WORKDIR="$T/missing" run "$INIT" -- "$FIX/showargs"
	assert_failure 126
	assert_output --partial "cannot change to WORKDIR for $FIX/showargs: No such file or directory"
}

# An aarch64 fixture under qemu-user reads qemu's own signal state in
# /proc/self/status (make test-aarch64 leaves it out).
# bats test_tags=qemu:procstatus
@test "the child's SigBlk and SigIgn match what init inherited" {
	# python sets a mask and ignores signals, then execs init.
	python3 - "$INIT" "$FIX/showargs" >"$T/out" 2>"$T/parent" <<-'EOF'
	import os, signal, sys
	signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGWINCH})
	signal.signal(signal.SIGHUP, signal.SIG_IGN)
	signal.signal(signal.SIGUSR2, signal.SIG_IGN)
	signal.signal(signal.SIGPIPE, signal.SIG_IGN)
	sys.stderr.write(open("/proc/self/status").read())
	os.execv(sys.argv[1], [sys.argv[1], "--", sys.argv[2], "-m"])
	EOF
	# USR1 (10) and WINCH (28) blocked; HUP (1), PIPE (13), USR2 (12) ignored.
	grep -qx 'SigBlk:	0000000008000200' "$T/out"
	[ "$(grep -E '^Sig(Blk|Ign)' "$T/parent")" = "$(cat "$T/out")" ]
}

# An aarch64 fixture under qemu-user reads qemu's own signal state in
# /proc/self/status (make test-aarch64 leaves it out).
# bats test_tags=qemu:procstatus
@test "with a clean parent, the child has no blocked signals and inherits the ignored set" {
	python3 - "$INIT" "$FIX/showargs" >"$T/out" 2>"$T/parent" <<-'EOF'
	import os, signal, sys
	for s in range(1, signal.NSIG):
	    try: signal.signal(s, signal.SIG_DFL)
	    except (OSError, ValueError): pass
	signal.pthread_sigmask(signal.SIG_SETMASK, set())
	sys.stderr.write(open("/proc/self/status").read())
	os.execv(sys.argv[1], [sys.argv[1], "--", sys.argv[2], "-m"])
	EOF
	grep -qx 'SigBlk:	0000000000000000' "$T/out"
	[ "$(grep -E '^Sig(Blk|Ign)' "$T/parent")" = "$(cat "$T/out")" ]
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER, so init warns on stderr,
# which this test reads (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "the child gets only fds 0, 1 and 2" {
	exec 7</dev/null
	run "$INIT" -- /bin/sh -c 'ls /proc/self/fd'
	exec 7<&-
	assert_success
	# ls itself opens one fd for the directory.
	[ "$(echo "$output" | sort -n | tr '\n' ' ')" = "0 1 2 3 " ]
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER, so init warns on stderr,
# which this test reads (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "the child runs in its own session and process group" {
	run "$INIT" -- /bin/sh -c 'ps -o pid=,pgid=,sid= -p $$'
	assert_success
	read -r pid pgid sid <<<"$output"
	[ "$pid" = "$pgid" ]
	[ "$pid" = "$sid" ]
}

@test "started with fds 0, 1 and 2 closed, init gives the child /dev/null there, not its own pipes" {
	# What the child's fds 0 and 1 are, into the file named by its argument.
	printf '%s\n' 'import os, sys' \
		'open(sys.argv[1], "w").write(os.readlink("/proc/self/fd/0") + "\n" + os.readlink("/proc/self/fd/1") + "\n")' \
		'print("hello")' >"$T/fds.py"
	printf '%s\n' "COMMAND='python3 $T/fds.py $T/fds'" "LOG_DIR=$T/logs" "PID_DIR=" \
		NAME=cl >"$T/c.conf"
	run bash -c "exec 0<&- 1>&- 2>&-; exec $INIT start $T/c.conf"
	assert_success
	# With LOG_DIR, stdout is the log writer's pipe; stdin is /dev/null.
	[ "$(sed -n 1p "$T/fds")" = /dev/null ]
	sed -n 2p "$T/fds" | grep -q '^pipe:'
	grep -q 'line="hello"' "$T/logs/cl-$(date -u +%F).log"
	run bash -c "exec 0<&- 1>&- 2>&-; exec $INIT -- python3 $T/fds.py $T/fd1"
	assert_success
	[ "$(sed -n 2p "$T/fd1")" = /dev/null ]
}

@test "INIT_* variables are init's: the child does not get them (a nested init starts)" {
	INIT_NAME=outer INIT_PID_DIR=$T/run run "$INIT" -- "$INIT" -- /usr/bin/env
	assert_success
	refute_line --regexp '^INIT_'
	# ENV_ keys can still set one on purpose.
	INIT_ENV_INIT_LOG_LEVEL=debug run "$INIT" -- /usr/bin/env
	assert_line INIT_LOG_LEVEL=debug
}
