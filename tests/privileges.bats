#!/usr/bin/env bats
# USER and GROUPS (privilege drop in the child), ENV_<NAME> and CLEAR_ENV.

load helper

setup() {
	common_setup
	chmod 755 "$T"
}

# ids USER [GROUPS]: the child's Uid/Gid/Groups lines, as init runs it.
ids() {
	INIT_USER=$1 INIT_GROUPS=${2:-} run "$INIT" -- /bin/cat /proc/self/status
}

@test "USER=uid drops to that uid: real, effective and saved; no supplementary groups kept" {
	ids 65534
	assert_success
	assert_line --regexp $'^Uid:\t65534\t65534\t65534\t65534$'
	assert_line --regexp $'^Gid:\t65534\t65534\t65534\t65534$'
	assert_line --regexp $'^Groups:\t65534 ?$'
}

@test "USER=uid:gid sets both" {
	ids 1234:5678
	assert_success
	assert_line --regexp $'^Uid:\t1234\t1234\t1234\t1234$'
	assert_line --regexp $'^Gid:\t5678\t5678\t5678\t5678$'
	assert_line --regexp $'^Groups:\t5678 ?$'
}

@test "USER=name is resolved from /etc/passwd, with the user's groups from /etc/group" {
	ids daemon
	assert_success
	assert_line --regexp $'^Uid:\t1\t1\t1\t1$'
	assert_line --regexp $'^Gid:\t1\t1\t1\t1$'
	assert_line --regexp $'^Groups:\t1 ?$'
}

@test "USER=name:group and GROUPS by name and number" {
	ids nobody:nogroup "adm 20"
	assert_success
	assert_line --regexp $'^Uid:\t65534\t'
	assert_line --regexp $'^Gid:\t65534\t65534\t65534\t65534$'
	assert_line --regexp $'^Groups:\t4 20 65534 ?$'
}

@test "unknown user or group names are refused before anything starts" {
	INIT_USER=no-such-user run "$INIT" -- /bin/true
	assert_failure 2
	assert_output --partial 'USER: no user "no-such-user" in /etc/passwd'
	INIT_USER=nobody:no-such-group run "$INIT" -- /bin/true
	assert_failure 2
	assert_output --partial 'USER: no group "no-such-group"'
	INIT_USER=0 INIT_GROUPS="no-such-group" run "$INIT" -- /bin/true
	assert_failure 2
	assert_output --partial 'GROUPS: no group "no-such-group"'
	INIT_USER="a:b:c" run "$INIT" -- /bin/true
	assert_failure 2
	assert_output --partial 'USER: "a:b:c" is not USER, UID, USER:GROUP or UID:GID'
}

@test "init keeps root for its own files while the worker runs unprivileged" {
	printf '%s\n' "COMMAND='/bin/sleep 30'" "USER=65534" "PID_DIR=$T/run" "LOG_DIR=$T/logs" >"$T/c.conf"
	start_init start "$T/c.conf"
	wait_until 10 test -f "$T/run/sleep.child.pid"
	child=$(cat "$T/run/sleep.child.pid")
	[ "$(stat -c %u "/proc/$child")" = 65534 ]
	[ "$(stat -c %u "/proc/$INIT_PID")" = 0 ]
	[ "$(stat -c %U "$T/run/sleep.state")" = root ]
	kill -s TERM "$INIT_PID"
	wait_init
}

@test "a USER switch that is not allowed fails the child with 126 and a message" {
	run setpriv --reuid=65534 --regid=65534 --clear-groups env INIT_USER=0 "$INIT" -- /bin/true
	assert_failure 126
	assert_output --partial "cannot set the supplementary groups (of USER in /etc/group, or GROUPS: that needs root) for /bin/true: Operation not permitted"
	run setpriv --reuid=65534 --regid=65534 --clear-groups env INIT_USER=0 INIT_GROUPS=65534 "$INIT" -- /bin/true
	assert_failure 126
	assert_output --partial "Operation not permitted"
}

@test "USER naming init's own non-root user needs no privilege" {
	run setpriv --reuid=65534 --regid=65534 --clear-groups env INIT_USER=65534 "$INIT" -- /usr/bin/id -u
	assert_success
	assert_output 65534
	run setpriv --reuid=65534 --regid=65534 --clear-groups env INIT_USER=65534:65534 "$INIT" -- /usr/bin/id -g
	assert_success
	assert_output 65534
}

@test "as root, a config file writable by others is refused" {
	printf '%s\n' "COMMAND=/bin/true" >"$T/c.conf"
	chmod 666 "$T/c.conf"
	run "$INIT" start "$T/c.conf"
	assert_failure 2
	assert_output --partial "$T/c.conf: is writable by other users; as root, init refuses it (chmod o-w)"
	chmod 644 "$T/c.conf"
	run "$INIT" start "$T/c.conf"
	assert_success
}

@test "ENV_<NAME> keys add to or replace the child's environment" {
	printf '%s\n' "COMMAND='/usr/bin/env'" "ENV_GREETING='hello world'" "ENV_HOME=/srv" >"$T/c.conf"
	HOME=/root KEEP=me run "$INIT" start "$T/c.conf"
	assert_success
	assert_line "GREETING=hello world"
	assert_line "HOME=/srv"
	assert_line "KEEP=me"
	refute_line "HOME=/root"
	run "$INIT" check "$T/c.conf"
	assert_line "ENV_GREETING='hello world'"
}

@test "CLEAR_ENV=yes starts the child from an empty environment plus ENV_<NAME>" {
	printf '%s\n' "COMMAND='/usr/bin/env'" "CLEAR_ENV=yes" "ENV_ONLY=this" >"$T/c.conf"
	KEEP=me run "$INIT" start "$T/c.conf"
	assert_success
	refute_line "KEEP=me"
	assert_line "ONLY=this"
	[ "$(grep -vc '^ts=' <<<"$output")" -eq 1 ]
}

@test "a duplicate ENV_<NAME> is refused" {
	printf '%s\n' "COMMAND=x" "ENV_A=1" "ENV_A=2" >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_failure 2
	assert_output --partial "$T/c.conf:3: ENV_A is already set"
}
