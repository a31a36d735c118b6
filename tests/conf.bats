#!/usr/bin/env bats
# The .conf parser, environment overrides and `init check`.

load helper

# Run every case of tests/conf-cases.txt; report each failing one.
@test "every case in conf-cases.txt parses or fails as the table says" {
	local n=0 fails=0 kind="" expect=() body="" line
	run_case() {
		local f="$T/case$n.conf" e
		printf '%s' "$body" >"$f"
		run "$INIT" check "$f"
		if [ "$kind" = ok ]; then
			if [ "$status" -ne 0 ]; then
				echo "case $n: expected success, got $status: $output" >&2
				fails=$((fails + 1))
				return
			fi
			for e in "${expect[@]}"; do
				grep -qxF -- "$e" <<<"$output" || {
					echo "case $n: missing '$e' in:" >&2
					echo "$output" >&2
					fails=$((fails + 1))
				}
			done
		else
			e="$f${expect[0]}"
			if [ "$status" -ne 2 ] || ! grep -qF -- "$e" <<<"$output"; then
				echo "case $n: expected exit 2 and '$e', got $status: $output" >&2
				fails=$((fails + 1))
			fi
		fi
	}
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"### ok "* | "### err "*)
			if [ -n "$kind" ] && [ -n "$body" ]; then
				run_case
				kind="" expect=() body=""
			fi
			n=$((n + 1))
			if [[ $line == "### ok "* ]]; then
				kind=ok
				expect+=("${line#"### ok "}")
			else
				kind=err
				expect+=("${line#"### err "}")
			fi
			;;
		"#"*) [ -z "$kind" ] && continue; body+="$line"$'\n' ;;
		*) body+="$line"$'\n' ;;
		esac
	done <"$BATS_TEST_DIRNAME/conf-cases.txt"
	run_case
	echo "$n cases, $fails failed" >&2
	[ "$n" -gt 40 ]
	[ "$fails" -eq 0 ]
}

bad_bytes() {
	printf '%b' "$1" >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_failure 2
	assert_output --partial "$T/c.conf:$2"
}

@test "a NUL byte is refused with its line number" {
	bad_bytes 'COMMAND=x\nNAME=a\0b\n' "2: the line holds a NUL byte"
}

@test "CRLF line endings are refused with a hint" {
	bad_bytes 'COMMAND=x\r\n' "1: the line ends with a carriage return (DOS line endings)"
}

@test "a UTF-8 byte order mark is refused" {
	bad_bytes '\xef\xbb\xbfCOMMAND=x\n' "1: the file starts with a UTF-8 byte order mark"
}

@test "a line longer than 4096 bytes is refused" {
	{ printf 'COMMAND=x\nNAME='; head -c 5000 /dev/zero | tr '\0' a; echo; } >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_failure 2
	assert_output --partial "$T/c.conf:2: the line is longer than 4096 bytes"
}

@test "a file larger than 1 MiB is refused" {
	{ echo COMMAND=x; head -c 1100000 /dev/zero | tr '\0' '#'; } >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_failure 2
	assert_output --partial "$T/c.conf: is larger than 1024 KiB"
}

@test "an unreadable, missing or non-regular config file is refused" {
	run "$INIT" check "$T/missing.conf"
	assert_failure 2
	assert_output --partial "$T/missing.conf: cannot open: No such file or directory"
	# A directory is a directory of services: this one holds none.
	run "$INIT" check "$T"
	assert_failure 2
	assert_output --partial "$T: holds no .conf file besides init.conf"
	mkfifo "$T/fifo"
	run timeout 5 "$INIT" check "$T/fifo"
	assert_failure 2
	assert_output --partial "is not a regular file"
}

@test "every problem in a file is reported, not just the first" {
	printf 'COMAND=x\nMAX_MEM_MB=x\nRESTART_POLICY=no\n' >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_failure 2
	assert_output --partial "c.conf:1:"
	assert_output --partial "c.conf:2:"
	assert_output --partial "c.conf:3:"
	assert_output --partial "3 problems in the configuration; nothing started"
}

@test "INIT_<KEY> environment variables override the file" {
	printf 'COMMAND=x\nMAX_MEM_MB=100\n' >"$T/c.conf"
	INIT_MAX_MEM_MB=300 INIT_RESTART_POLICY=always INIT_COMMAND='y z' run "$INIT" check "$T/c.conf"
	assert_success
	assert_line "MAX_MEM_MB=300"
	assert_line "RESTART_POLICY=always"
	assert_line "COMMAND='y z'"
	assert_line "NAME=y"
}

@test "a bad INIT_<KEY> value is refused naming the variable" {
	printf 'COMMAND=x\n' >"$T/c.conf"
	INIT_MAX_MEM_MB=lots run "$INIT" check "$T/c.conf"
	assert_failure 2
	assert_output --partial 'environment: INIT_MAX_MEM_MB: "lots" is not a number'
	INIT_WORKDIR=$'/tmp\nx' run "$INIT" check "$T/c.conf"
	assert_failure 2
	assert_output --partial 'environment: INIT_WORKDIR: the value holds a newline'
}

@test "the shipped example.conf is valid and sh can source it to the same values" {
	run "$INIT" check "$ROOT/configs/example.conf"
	assert_success
	# shellcheck disable=SC1091
	( . "$ROOT/configs/example.conf"; echo "NAME=$NAME"; echo "MAX_MEM_MB=$MAX_MEM_MB" ) >"$T/sh.out"
	grep -qx "NAME=demo_worker" "$T/sh.out"
	assert_line "NAME=demo_worker"
	assert_line "MAX_MEM_MB=$(sed -n 's/^MAX_MEM_MB=//p' "$T/sh.out")"
}

@test "check output can be read back by check and by sh" {
	printf '%s\n' "COMMAND=\"/bin/echo 'it''s' \\\"x y\\\"\"" 'NAME=a.b' >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_success
	echo "$output" >"$T/again.conf"
	run "$INIT" check "$T/again.conf"
	assert_success
	assert_line "NAME=a.b"
	( . "$T/again.conf"; [ "$COMMAND" = "/bin/echo 'it''s' \"x y\"" ] )
}

@test "every key is documented in configs/example.conf and in the README" {
	printf 'COMMAND=x\n' >"$T/c.conf"
	run "$INIT" check "$T/c.conf"
	assert_success
	while IFS='=' read -r key _; do
		grep -q "^$key=" "$ROOT/configs/example.conf" || { echo "$key not in example.conf"; false; }
		grep -q "| \`$key\` |" "$ROOT/README.md" || { echo "$key not in README"; false; }
	done <<<"$output"
	grep -q '^ENV_[A-Z_]*=' "$ROOT/configs/example.conf"
}

@test "a misspelt INIT_<KEY> is warned about with the nearest key, not ignored silently" {
	printf '%s\n' "COMMAND=x" >"$T/c.conf"
	INIT_MAX_MEM=5 run "$INIT" check "$T/c.conf"
	assert_success
	assert_output --partial "environment: INIT_MAX_MEM names no setting (did you mean INIT_MAX_MEM_MB?); ignored"
	INIT_QQQQQQQQQQ=1 run "$INIT" check "$T/c.conf"
	assert_output --partial "INIT_QQQQQQQQQQ names no setting; ignored"
}
