#!/bin/sh
# Install what the test suite needs (Debian/Ubuntu, as root or with sudo).
set -eu
# clang + libclang-rt-14-dev: SANITIZE=1 and the fuzzer; cppcheck, shellcheck,
# valgrind: make lint and make valgrind (tests/hardening.bats).
pkgs="make gcc musl-tools bats bats-assert bats-support python3 util-linux procps
clang libclang-rt-14-dev cppcheck shellcheck valgrind"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "tests/deps.sh: installing:$missing" >&2
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
