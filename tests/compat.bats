#!/usr/bin/env bats
# Drop-in command lines: init invoked as tini, docker-init or dumb-init (or
# with INIT_AS) takes that tool's options and variables.  Each flag's effect
# is observed on real processes, not just its acceptance.

load helper

teardown() {
	# The -p test leaves init without the parent LAUNCH_PID names.
	if [ -s "$T/orphan.pid" ]; then
		INIT_PID=$(cat "$T/orphan.pid")
		if kill -0 "$INIT_PID" 2>/dev/null; then
			kill -STOP "$INIT_PID"
			# shellcheck disable=SC2046
			kill -KILL $(descendants "$INIT_PID") "$INIT_PID" 2>/dev/null
		fi
	fi
	common_teardown
}

# tool NAME: a symlink NAME -> init in $T/bin; its path in $TOOL.
tool() {
	mkdir -p "$T/bin"
	ln -sf "$INIT" "$T/bin/$1"
	TOOL=$T/bin/$1
}

# recorded WHO SIG: the recorder file holds "WHO <pid> SIG".
recorded() { awk -v w="$1" -v s="$2" '$1 == w && $3 == s {f = 1} END {exit !f}' "$T/rec" 2>/dev/null; }
# pid_of WHO: the recorder's pid.
pid_of() { awk -v w="$1" '$1 == w && $3 == "ready" {print $2; exit}' "$T/rec"; }
# group_of PID: "PGID SID".
group_of() { awk '{print $5, $6}' "/proc/$1/stat"; }

# only_child_gets SIG: SIG sent to init reaches the child but not the
# grandchild of its group.  The grandchild then gets USR2 straight from
# us: had SIG reached it, it would have been pending first (lower number
# than USR2) and recorded before.
only_child_gets() {
	kill -s "$1" "$INIT_PID"
	wait_until 10 recorded child "$1"
	kill -s USR2 "$(pid_of grandchild)"
	wait_until 10 recorded grandchild USR2
	! recorded grandchild "$1"
}

# stop_and_wait: TERM to init, wait for it; $STATUS.
stop_and_wait() {
	kill -s TERM "$INIT_PID"
	wait_init
}

# ------------------------------------------------------------ the names

@test "invoked as tini, docker-init or dumb-init (symlink or copy), init speaks that tool" {
	local n
	for n in tini docker-init tini-static; do
		tool "$n"
		run --separate-stderr "$TOOL" --version
		assert_success
		assert_output "tini version $(cat "$ROOT/VERSION") - process-supervisor"
	done
	tool dumb-init
	run --separate-stderr "$TOOL" --version
	assert_success
	assert_output ''
	[ "$stderr" = "dumb-init v$(cat "$ROOT/VERSION") - process-supervisor" ]
	mkdir "$T/copy"
	cp "$INIT" "$T/copy/tini"
	run --separate-stderr "$T/copy/tini" -h
	assert_success
	assert_line 'tini (tini version '"$(cat "$ROOT/VERSION")"' - process-supervisor)'
	# Its own name: init's command line.
	run "$INIT" --version
	assert_output "init $(cat "$ROOT/VERSION")"
}

@test "INIT_AS=tini or dumb-init selects the drop-in whatever the name; empty is unset; another value exits 2" {
	run --separate-stderr env INIT_AS=tini "$INIT" --version
	assert_success
	assert_output --partial 'tini version '
	run --separate-stderr env INIT_AS=dumb-init "$INIT" -c -- "$FIX/exitwith" 7
	assert_failure 7
	run --separate-stderr env INIT_AS=dumb-init "$INIT" -V
	[[ $stderr == "dumb-init v"* ]]
	run env INIT_AS= "$INIT" --version
	assert_output "init $(cat "$ROOT/VERSION")"
	run --separate-stderr env INIT_AS=tiny "$INIT" -- true
	assert_failure 2
	[ "$stderr" = 'init: INIT_AS=tiny: not tini, docker-init or dumb-init' ]
	# Not a setting: no "names no setting" warning under a drop-in.
	run --separate-stderr env INIT_AS=tini "$INIT" -- true
	assert_success
	[ -z "$stderr" ]
}

@test "podman's --init name, /run/podman-init, is init's own command line: -- CMD" {
	tool podman-init
	run --separate-stderr "$TOOL" -- "$FIX/exitwith" 5
	assert_failure 5
	[ -z "$stderr" ]
}

# ------------------------------------------------------------------ tini

@test "tini -h prints the help on stdout and exits 0; -l prints the LICENSE file" {
	tool tini
	run --separate-stderr "$TOOL" -h
	assert_success
	[ -z "$stderr" ]
	assert_line --index 1 'Usage: tini [OPTIONS] PROGRAM -- [ARGS] | --version'
	assert_line --partial '  -e EXIT_CODE: '
	assert_line --partial '  TINI_VERBOSITY: '
	"$TOOL" -l >"$T/license"
	cmp "$T/license" "$ROOT/LICENSE"
}

@test "tini: a bad option, a missing value or no program prints the usage on stderr and exits 1" {
	tool tini
	run --separate-stderr "$TOOL" -x -- true
	assert_failure 1
	assert_output ''
	[[ $stderr == "tini: invalid option -- 'x'"$'\n'"tini (tini version "* ]]
	[[ $stderr == *"Usage: tini [OPTIONS] PROGRAM -- [ARGS] | --version"* ]]
	run --separate-stderr "$TOOL" --foo true
	assert_failure 1
	[[ $stderr == "tini: invalid option -- '-'"* ]]
	run --separate-stderr "$TOOL" true -e
	assert_failure 1
	[[ $stderr == "tini: option requires an argument -- 'e'"* ]]
	local none
	for none in "" -- -s; do
		run --separate-stderr "$TOOL" $none
		assert_failure 1
		[[ $stderr == "tini (tini version "* ]]
	done
	# A bad value: what and why, on one line.
	run --separate-stderr "$TOOL" -e 256 true
	assert_failure 1
	[ "$stderr" = 'tini: -e 256: not an exit code (0 to 255)' ]
	run --separate-stderr "$TOOL" -p SIGNOPE true
	assert_failure 1
	[[ $stderr == 'tini: -p SIGNOPE: not a signal'* ]]
	run --separate-stderr env TINI_VERBOSITY=loud "$TOOL" true
	assert_failure 1
	[[ $stderr == 'tini: TINI_VERBOSITY=loud: not a verbosity'* ]]
}

@test "tini: the child has its own process group in init's session, and only it gets signals" {
	tool tini
	INIT=$TOOL start_init -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded grandchild ready
	local child
	child=$(pid_of child)
	[ "$(group_of "$child")" = "$child $(ps -o sid= -p "$INIT_PID" | tr -d ' ')" ]
	only_child_gets USR1
	only_child_gets HUP
	stop_and_wait
	[ "$STATUS" -eq 0 ]
}

@test "tini -g and TINI_KILL_PROCESS_GROUP: signals reach the child's whole group" {
	tool tini
	INIT=$TOOL start_init -g -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded grandchild ready
	kill -s USR1 "$INIT_PID"
	wait_until 10 recorded child USR1
	wait_until 10 recorded grandchild USR1
	stop_and_wait
	recorded grandchild TERM
	rm -f "$T/rec"
	TINI_KILL_PROCESS_GROUP=1 INIT=$TOOL start_init -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded grandchild ready
	kill -s USR1 "$INIT_PID"
	wait_until 10 recorded grandchild USR1
	stop_and_wait
}

@test "INIT_KILL_GROUP=yes overrides tini's child-only default; tini's options override INIT_*" {
	tool tini
	INIT_KILL_GROUP=yes INIT=$TOOL start_init -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded grandchild ready
	kill -s USR1 "$INIT_PID"
	wait_until 10 recorded grandchild USR1
	stop_and_wait
	# -e 3 wins over INIT_EXIT_AS_ZERO (which would turn 4 into 0).
	run env INIT_EXIT_AS_ZERO=4 "$TOOL" -e 3 -- "$FIX/exitwith" 4
	assert_failure 4
}

@test "tini -e 143: a child killed by TERM makes init exit 0, not 143; -e repeats" {
	tool tini
	INIT=$TOOL start_init -e 143 -- sleep 600
	wait_until 10 child_of "$INIT_PID"
	stop_and_wait
	[ "$STATUS" -eq 0 ]
	INIT=$TOOL start_init -- sleep 600
	wait_until 10 child_of "$INIT_PID"
	stop_and_wait
	[ "$STATUS" -eq 143 ]
	run "$TOOL" -e 3 -e 143 -- "$FIX/exitwith" 3
	assert_success
	run "$TOOL" -e 3 -e 143 -- "$FIX/exitwith" 1
	assert_failure 1
}

@test "tini's options may follow the program before --, as with GNU getopt" {
	tool tini
	# -e 3 is tini's; the program's own arguments come after --.
	run "$TOOL" "$FIX/exitwith" -e 3 -- -o hi 3
	assert_success
	assert_output 'hi'
}

@test "tini -p SIGUSR1: init gets USR1 when its parent dies, and passes it on" {
	tool tini
	# A parent (sleep, once bash execs it) that can die under init.
	bash -c '"$1" -p SIGUSR1 -- "$2" "$3" >"$4" 2>&1 & echo $! >"$5"; exec sleep 600' \
		_ "$TOOL" "$FIX/sigrec" "$T/rec" "$T/out" "$T/orphan.pid" </dev/null &
	local parent=$!
	wait_until 10 recorded child ready
	INIT_PID=$(cat "$T/orphan.pid")
	run ! recorded child USR1
	kill -KILL "$parent"
	wait "$parent" || true
	wait_until 10 recorded child USR1
	# USR1 is passed on, not a stop request: init carries on.
	kill -0 "$INIT_PID"
	kill -s TERM "$INIT_PID"
	wait_until 10 not_running "$INIT_PID"
}

@test "tini -w: each reaped orphan is a warning; without -w it is silent" {
	tool tini
	run --separate-stderr "$TOOL" -w -- "$FIX/orphans" 2 0
	assert_success
	[ "$(grep -c 'level=warn .*event=orphan_reaped' <<<"$stderr")" -eq 2 ]
	run --separate-stderr "$TOOL" -- "$FIX/orphans" 2 0
	assert_success
	[ -z "$stderr" ]
	# TINI_VERBOSITY=0: errors only, so not even -w's warnings.
	run --separate-stderr env TINI_VERBOSITY=0 "$TOOL" -w -- "$FIX/orphans" 2 0
	assert_success
	[ -z "$stderr" ]
}

@test "tini -v logs info events, -vv and -vvv debug ones, TINI_VERBOSITY sets the level; quiet by default" {
	tool tini
	run --separate-stderr "$TOOL" -- true
	[ -z "$stderr" ]
	run --separate-stderr "$TOOL" -v -- true
	[[ $stderr == *'level=info '*'event=child_started'* ]]
	[[ $stderr != *'level=debug '* ]]
	local v
	for v in -vv -vvv "-v -v"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$TOOL" $v -- true
		[[ $stderr == *'level=debug '*'event=no_restart'* ]]
	done
	run --separate-stderr env TINI_VERBOSITY=2 "$TOOL" -- true
	[[ $stderr == *'event=child_started'* ]]
	[[ $stderr != *'level=debug '* ]]
	# tini reads TINI_VERBOSITY after the options: it wins over -v.
	run --separate-stderr env TINI_VERBOSITY=1 "$TOOL" -vv -- true
	[ -z "$stderr" ]
}

@test "tini -s and TINI_SUBREAPER are accepted; with or without them, orphans come to init" {
	tool tini
	local how c kids
	for how in -s TINI_SUBREAPER ""; do
		rm -f "$T/out"
		case $how in
		-s) INIT=$TOOL start_init -s -- "$FIX/orphans" 2 60 --then-sleep 60 ;;
		TINI_SUBREAPER) TINI_SUBREAPER='' INIT=$TOOL start_init -- "$FIX/orphans" 2 60 --then-sleep 60 ;;
		*) INIT=$TOOL start_init -- "$FIX/orphans" 2 60 --then-sleep 60 ;;
		esac
		wait_until 20 file_has "$T/out" "orphans: created 2"
		# The program plus its 2 orphans are init's children.
		wait_until 10 eval '[ "$(wc -w </proc/$INIT_PID/task/$INIT_PID/children)" -eq 3 ]'
		# The orphans share the program's group, which tini's default
		# does not signal: end them here, not after STOP_TIMEOUT.
		# The program leads the group; the others are the orphans.
		read -ra kids <"/proc/$INIT_PID/task/$INIT_PID/children" || true
		for c in "${kids[@]}"; do
			[ "$(group_of "$c" | cut -d' ' -f1)" = "$c" ] || kill -KILL "$c"
		done
		stop_and_wait
		[ "$STATUS" -eq 143 ]
		[ -z "$(cat "$T/err")" ]
	done
}

@test "tini: exec failures exit 127 (not found) and 126 (not executable), as tini does" {
	tool tini
	run -127 --separate-stderr "$TOOL" -- "$T/nope"
	assert_failure 127
	: >"$T/plain"
	chmod 644 "$T/plain"
	run --separate-stderr "$TOOL" -- "$T/plain"
	assert_failure 126
}

@test "docker-init as PID 1 (docker run --init's layout): forwards, reaps, exits with the child's status" {
	tool docker-init
	INIT=$TOOL start_init --pid1 -- "$FIX/sigrec" "$T/rec"
	wait_until 10 recorded child ready
	kill -s USR1 "$INIT_PID"
	wait_until 10 recorded child USR1
	stop_and_wait
	recorded child TERM
	[ "$STATUS" -eq 0 ]
	INIT=$TOOL start_init --pid1 -w -- "$FIX/orphans" 3 0 --zombie
	wait_init
	[ "$STATUS" -eq 0 ]
	[ "$(count "$T/err" 'level=warn .*event=orphan_reaped')" -eq 4 ]
	run --separate-stderr unshare --pid --fork --mount-proc "$TOOL" -- "$FIX/exitwith" 9
	assert_failure 9
}

# ------------------------------------------------------------- dumb-init

@test "dumb-init -h/--help print the help and -V/--version the version, on stderr; exit 0" {
	tool dumb-init
	local a
	for a in -h --help --he; do
		run --separate-stderr "$TOOL" "$a"
		assert_success
		assert_output ''
		[[ $stderr == *'Usage: dumb-init [option] command [[arg] ...]'* ]]
		[[ $stderr == *'-r, --rewrite s:r'* ]]
	done
	for a in -V --version; do
		run --separate-stderr "$TOOL" "$a"
		assert_success
		[ "$stderr" = "dumb-init v$(cat "$ROOT/VERSION") - process-supervisor" ]
	done
}

@test "dumb-init: a bad option says only what is wrong, no command prints the short usage; exit 1" {
	tool dumb-init
	run --separate-stderr "$TOOL" -x true
	assert_failure 1
	[ "$stderr" = "dumb-init: invalid option -- 'x'" ]
	run --separate-stderr "$TOOL" --foo true
	assert_failure 1
	[ "$stderr" = "dumb-init: unrecognized option '--foo'" ]
	run --separate-stderr "$TOOL" --rewrite
	assert_failure 1
	[ "$stderr" = "dumb-init: option '--rewrite' requires an argument" ]
	run --separate-stderr "$TOOL" -r 99:1 true
	assert_failure 1
	[[ $stderr == 'dumb-init: -r 99:1: not s:r'* ]]
	run --separate-stderr "$TOOL"
	assert_failure 1
	[ "$stderr" = "Usage: dumb-init [option] command [[arg] ...]"$'\n'"Run 'dumb-init --help' for the options." ]
}

@test "dumb-init -r 15:0 (drop TERM) and -r 2:N cannot be done: refused with the reason, exit 1" {
	tool dumb-init
	run --separate-stderr "$TOOL" -r 15:0 true
	assert_failure 1
	[[ $stderr == "dumb-init: -r 15:0: TERM, INT and PWR are init's stop requests"* ]]
	run --separate-stderr "$TOOL" -r 2:3 true
	assert_failure 1
	run --separate-stderr "$TOOL" -r 1:9 true
	assert_failure 1
	[[ $stderr == *'KILL, STOP and CHLD cannot be rewritten' ]]
}

@test "dumb-init: the child leads its own session and signals reach its whole group" {
	tool dumb-init
	INIT=$TOOL start_init -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded grandchild ready
	local child
	child=$(pid_of child)
	[ "$(group_of "$child")" = "$child $child" ]
	kill -s USR1 "$INIT_PID"
	wait_until 10 recorded child USR1
	wait_until 10 recorded grandchild USR1
	stop_and_wait
	recorded grandchild TERM
	[ "$STATUS" -eq 0 ]
}

# single_child: the child stays in init's group and session; only it gets
# signals (dumb-init -c, DUMB_INIT_SETSID=0).
single_child() {
	wait_until 10 recorded grandchild ready
	[ "$(group_of "$(pid_of child)")" = "$(group_of "$INIT_PID")" ]
	only_child_gets USR1
	only_child_gets WINCH
	stop_and_wait
	[ "$STATUS" -eq 0 ]
}

@test "dumb-init -c and --single-child: the child stays in init's session and group; only it gets signals" {
	tool dumb-init
	INIT=$TOOL start_init -c -- "$FIX/sigrec" "$T/rec" -g
	single_child
	rm -f "$T/rec"
	INIT=$TOOL start_init --single-child "$FIX/sigrec" "$T/rec" -g
	single_child
}

@test "DUMB_INIT_SETSID=0 is -c; DUMB_INIT_SETSID=1 changes nothing" {
	tool dumb-init
	DUMB_INIT_SETSID=0 INIT=$TOOL start_init -- "$FIX/sigrec" "$T/rec" -g
	single_child
	rm -f "$T/rec"
	DUMB_INIT_SETSID=1 INIT=$TOOL start_init -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded child ready
	[ "$(group_of "$(pid_of child)")" = "$(pid_of child) $(pid_of child)" ]
	stop_and_wait
}

@test "dumb-init -r 15:3: TERM reaches the child as QUIT (init's STOP_SIGNAL)" {
	tool dumb-init
	INIT=$TOOL start_init -r 15:3 -- "$FIX/sigrec" "$T/rec"
	wait_until 10 recorded child ready
	stop_and_wait
	recorded child QUIT
	run ! recorded child TERM
	# sigrec ends by itself on QUIT: exit 0.
	[ "$STATUS" -eq 0 ]
}

@test "dumb-init -r 1:0 drops HUP, -r 10:12 passes USR1 on as USR2" {
	tool dumb-init
	INIT=$TOOL start_init -v -r 1:0 --rewrite=10:12 -- "$FIX/sigrec" "$T/rec" -k
	wait_until 10 recorded child ready
	# init takes HUP before USR1; had HUP been passed on, it would be
	# recorded before the USR2.
	kill -s HUP "$INIT_PID"
	kill -s USR1 "$INIT_PID"
	wait_until 10 recorded child USR2
	run ! recorded child HUP
	run ! recorded child USR1
	grep -q 'level=debug .*event=signal_dropped signal=HUP' "$T/err"
	grep -q 'event=signal_forwarded signal=USR2 received=USR1' "$T/err"
	stop_and_wait
}

@test "dumb-init -v and DUMB_INIT_DEBUG=1 log debug events; quiet by default and with DUMB_INIT_DEBUG=0" {
	tool dumb-init
	run --separate-stderr "$TOOL" true
	[ -z "$stderr" ]
	run --separate-stderr "$TOOL" -v true
	[[ $stderr == *'level=debug '*'event=no_restart'* ]]
	run --separate-stderr env DUMB_INIT_DEBUG=1 "$TOOL" true
	[[ $stderr == *'level=debug '*'event=no_restart'* ]]
	run --separate-stderr env DUMB_INIT_DEBUG=0 "$TOOL" true
	[ -z "$stderr" ]
}

@test "dumb-init's options end at the program: its own -c and -v reach it" {
	tool dumb-init
	run --separate-stderr "$TOOL" "$FIX/showargs" -c -v
	assert_success
	assert_line "arg=$(printf %s -c | od -An -tx1 | tr -d ' \n')"
	[ -z "$stderr" ]
}

@test "dumb-init: exec failures exit 127 and 126 (dumb-init's own 2 is not kept)" {
	tool dumb-init
	run -127 --separate-stderr "$TOOL" "$T/nope"
	assert_failure 127
	[[ $stderr == *'event=exec_failed'* ]]
	: >"$T/plain"
	run --separate-stderr "$TOOL" "$T/plain"
	assert_failure 126
}

@test "dumb-init as PID 1: TERM stops the child and init exits with its status" {
	tool dumb-init
	INIT=$TOOL start_init --pid1 -- "$FIX/sigrec" "$T/rec" -g
	wait_until 10 recorded grandchild ready
	kill -s HUP "$INIT_PID"
	wait_until 10 recorded grandchild HUP
	stop_and_wait
	recorded child TERM
	[ "$STATUS" -eq 0 ]
}
