#!/usr/bin/env bats
# Terminals: Ctrl-Z and Ctrl-C in an interactive container, and in a shell.

load helper

@test "as PID 1 in a terminal, Ctrl-Z is undone and a later Ctrl-C exits 130" {
	INIT_LOG_LEVEL=info run python3 "$BATS_TEST_DIRNAME/pty_run.py" 30 \
		wait:child_started sleep:0.3 send:'\x1a' wait:child_resumed sleep:0.3 send:'\x03' \
		-- unshare --pid --fork --mount-proc "$INIT" -- sleep 60
	assert_success
	assert_output --partial "event=child_stopped pid=2 signal=TSTP"
	assert_output --partial "event=child_resumed pid=2"
	assert_output --partial "EXIT 130"
}

@test "Ctrl-C in a terminal ends init even with RESTART_POLICY=always" {
	INIT_LOG_LEVEL=info INIT_RESTART_POLICY=always run python3 "$BATS_TEST_DIRNAME/pty_run.py" 30 \
		wait:child_started sleep:0.3 send:'\x03' \
		-- unshare --pid --fork --mount-proc "$INIT" -- sleep 60
	assert_success
	assert_output --partial "EXIT 130"
	refute_output --partial "restart_scheduled"
}

@test "from an interactive shell, Ctrl-Z suspends init with its child and fg resumes both" {
	run python3 "$BATS_TEST_DIRNAME/pty_run.py" 30 \
		wait:'$ ' send:"INIT_LOG_LEVEL=info $INIT -- sleep 60\\n" wait:child_started sleep:0.3 \
		send:'\x1a' wait:Stopped wait:'$ ' send:'fg\n' wait:child_resumed sleep:0.3 \
		send:'\x03' sleep:0.5 send:'echo "rc=$?"\n' wait:'rc=' send:'exit\n' \
		-- env PS1='$ ' bash --norc --noprofile -i
	assert_success
	assert_output --partial "event=child_stopped"
	assert_output --partial "rc=130"
}

@test "in a terminal, between restarts init's group holds the terminal: Ctrl-C ends init" {
	INIT_LOG_LEVEL=info INIT_RESTART_POLICY=always INIT_RESTART_DELAY=30 \
		run python3 "$BATS_TEST_DIRNAME/pty_run.py" 25 \
		wait:restart_scheduled sleep:0.3 send:'\x03' \
		-- unshare --pid --fork --mount-proc "$INIT" -- /bin/sh -c 'sleep 0.2; exit 1'
	assert_success
	assert_output --partial "event=stopping signal=INT"
	# The stop request keeps the last run's status.
	assert_output --partial "EXIT 1"
	refute_output --partial "event=child_started pid=3"
}

@test "in a terminal, a child that exits 130 after Ctrl-C is not restarted" {
	INIT_LOG_LEVEL=info INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0.1 \
		run python3 "$BATS_TEST_DIRNAME/pty_run.py" 25 \
		wait:child_started sleep:0.3 send:'\x03' \
		-- unshare --pid --fork --mount-proc "$INIT" -- /bin/sh -c 'trap "exit 130" INT; sleep 60 & wait'
	assert_success
	assert_output --partial "EXIT 130"
	refute_output --partial "restart_scheduled"
}

@test "after Ctrl-Z and bg, a restarted child leaves the terminal to the shell" {
	run python3 "$BATS_TEST_DIRNAME/pty_run.py" 40 \
		wait:'$ ' send:"INIT_LOG_LEVEL=info INIT_RESTART_POLICY=always INIT_RESTART_DELAY=0.2 $INIT -- /bin/sh -c 'sleep 0.5; exit 1'\\n" \
		wait:child_started sleep:0.1 send:'\x1a' wait:Stopped wait:'$ ' send:'bg\n' \
		wait:'restarts=2' send:'echo "shell still here"\n' wait:'shell still here' \
		send:'kill %1; wait; echo "rc=$?"\n' wait:'rc=' send:'exit\n' \
		-- env PS1='$ ' bash --norc --noprofile -i
	assert_success
	assert_output --partial "shell still here"
	assert_output --partial "EXIT 0"
}
