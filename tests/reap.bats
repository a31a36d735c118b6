#!/usr/bin/env bats
# Zombies and orphans: init reaps everything, as PID 1 and as a subreaper.

load helper

reap_orphans() {
	INIT_LOG_LEVEL=debug start_init "$@" -- "$FIX/orphans" 200 0 --then-sleep 60
	wait_until 20 file_has "$T/out" "orphans: created 200"
	wait_until 20 eval '[ "$(count "$T/err" event=orphan_reaped)" -ge 200 ]'
	wait_until 20 eval '[ "$(zombies_under "$INIT_PID")" -eq 0 ]'
	kill -s TERM "$INIT_PID"
	wait_init
	[ "$STATUS" -eq 143 ]
}

@test "200 orphans are reaped and no zombie is left (PID 1)" {
	reap_orphans --pid1
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "200 orphans are reaped and no zombie is left (subreaper, not PID 1)" {
	reap_orphans
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "not PID 1: init registers as subreaper, so orphans become its children" {
	start_init -- "$FIX/orphans" 3 60 --then-sleep 60
	wait_until 20 file_has "$T/out" "orphans: created 3"
	# The worker plus its 3 orphans are init's children now.
	wait_until 10 eval '[ "$(wc -w </proc/$INIT_PID/task/$INIT_PID/children)" -eq 4 ]'
	kill -s TERM "$INIT_PID"
	wait_init
}

zombie_parent_exits() {
	INIT_LOG_LEVEL=debug start_init "$@" -- "$FIX/orphans" 0 0 --zombie --then-sleep 60
	wait_until 20 file_has "$T/out" "orphans: created 0"
	wait_until 20 file_has "$T/err" event=orphan_reaped
	wait_until 20 eval '[ "$(zombies_under "$INIT_PID")" -eq 0 ]'
	kill -s TERM "$INIT_PID"
	wait_init
}

@test "a zombie whose parent exits without reaping it is still reaped (PID 1)" {
	zombie_parent_exits --pid1
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "a zombie whose parent exits without reaping it is still reaped (not PID 1)" {
	zombie_parent_exits
}

main_exits_first() {
	INIT_LOG_LEVEL=info start_init "$@" -- "$FIX/orphans" 5 60
	wait_init 30
	[ "$STATUS" -eq 0 ]
	grep -q "event=child_exited .*code=0" "$T/err"
	[ "$(count "$T/err" event=stop_escalated)" -eq 0 ]
}

@test "the main child exiting while orphans run: init stops them and exits with its status (PID 1)" {
	main_exits_first --pid1
}

# qemu-user 7.2 refuses PR_SET_CHILD_SUBREAPER (make test-aarch64 leaves it out).
# bats test_tags=qemu:subreaper
@test "the main child exiting while orphans run: init stops them and exits with its status (not PID 1)" {
	main_exits_first
	# None of the orphans is left running anywhere.
	run ! pgrep -f "$FIX/orphans 5 60"
}
