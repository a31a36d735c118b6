#!/bin/sh
# Let this machine run aarch64 binaries through qemu-user (make test-aarch64)
# and check that BINARY really runs; print the path that /proc/PID/exe
# names for it (qemu's, see TEST_INIT_EXE in tests/helper.bash).
#   sh tests/qemu-setup.sh BINARY
# Needs qemu-user-static and binfmt-support (tests/deps.sh).  Safe to repeat.
set -eu
bin=$1
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
dir=/proc/sys/fs/binfmt_misc
# Nothing mounts binfmt_misc on a machine without systemd (CI, containers).
[ -e "$dir/register" ] || $sudo mount -t binfmt_misc binfmt_misc "$dir"
# Debian's entry has the F flag: the kernel opens qemu once, here, so it
# also runs inside the tests' `unshare --mount-proc` namespaces.
grep -qx enabled "$dir/qemu-aarch64" 2>/dev/null ||
	$sudo update-binfmts --enable qemu-aarch64 >&2
if ! out=$("$bin" --version 2>&1); then
	echo "tests/qemu-setup.sh: $bin does not run: $out" >&2
	cat "$dir/qemu-aarch64" >&2 || true
	exit 1
fi
qemu=$(readlink -f "$(sed -n 's/^interpreter //p' "$dir/qemu-aarch64")")
echo "tests/qemu-setup.sh: $bin runs: $out ($("$qemu" --version | head -n 1))" >&2
echo "$qemu"
