# Helpers for the log tests (logs.bats, logwriter.bats): a config named
# app with PID_DIR and LOG_DIR in $T, and ways to add to it and read the
# day's file.  Loaded after helper.bash.
# shellcheck shell=bash

setup() {
	common_setup
	LOGS=$T/logs
	printf '%s\n' "NAME=app" "PID_DIR=$T/run" "LOG_DIR=$LOGS" >"$T/c.conf"
}

teardown() {
	mountpoint -q "$T/small" 2>/dev/null && umount "$T/small"
	common_teardown
}

# with LINE...: add lines to the config.
with() { printf '%s\n' "$@" >>"$T/c.conf"; }
today() { date -u +%F; }
# logfile [DAY]: the file of DAY (YYYY-MM-DD, UTC), today's by default.
logfile() { echo "$LOGS/app-${1:-$(today)}.log"; }
# script: the child is "sh FILE", FILE read from stdin.
script() {
	cat >"$T/child.sh"
	with "COMMAND='/bin/sh $T/child.sh'"
}
