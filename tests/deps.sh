#!/bin/sh
# Install what the test suite needs (Debian/Ubuntu, as root or with sudo).
set -eu
# clang + libclang-rt-14-dev: SANITIZE=1 and the fuzzer; cppcheck, shellcheck,
# valgrind: make lint and make valgrind (tests/hardening.bats);
# gcc-aarch64-linux-gnu, musl-dev:arm64: make ARCH=aarch64 and make dist;
# qemu-user-static, binfmt-support: make test-aarch64 (tests/qemu-setup.sh).
pkgs="make gcc musl-tools bats bats-assert bats-support python3 util-linux procps
clang libclang-rt-14-dev cppcheck shellcheck valgrind strace
gcc-aarch64-linux-gnu musl-dev:arm64 qemu-user-static binfmt-support"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "tests/deps.sh: installing:$missing" >&2
# musl-dev:arm64 comes from the arm64 side of the same Debian mirrors.
if [ "$(dpkg --print-architecture)" != arm64 ] &&
	! dpkg --print-foreign-architectures | grep -qx arm64; then
	$sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq
# Waits for another apt or dpkg run to finish instead of failing at once.
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
	-o DPkg::Lock::Timeout=600 $missing >&2
