# Cross builds: `make ARCH=aarch64` builds build/aarch64/init, and
# `make ARCH=aarch64 fixtures` the fixtures and worker beside it, on an
# x86-64 Debian machine with Debian packages only: gcc-aarch64-linux-gnu and
# musl-dev:arm64 (tests/deps.sh installs them); `make test-aarch64` runs the
# PID 1 suites against them.  Included by the main Makefile, which puts an
# ARCH build in build/$(ARCH) with its own flags; this file picks the
# compiler and the code model.  Defines CROSS_* names.

# Debian's cross gcc with the specs file of musl-dev:arm64, the same file
# musl-gcc passes on the host: musl's headers, crt files and libc.a.
CROSS_CC	:= aarch64-linux-gnu-gcc -specs=/usr/lib/aarch64-linux-musl/musl-gcc.specs

ifeq ($(ARCH),aarch64)
ifeq ($(SANITIZE),1)
$(error ARCH=aarch64: the sanitizer build is for this machine only)
endif
ifneq ($(filter test,$(MAKECMDGOALS)),)
$(error ARCH=aarch64: make test runs on this machine's build; use make test-aarch64)
endif
ifeq ($(and $(shell command -v aarch64-linux-gnu-gcc),$(wildcard /usr/lib/aarch64-linux-musl/libc.a)),)
$(error ARCH=aarch64 needs gcc-aarch64-linux-gnu and musl-dev:arm64 (sh tests/deps.sh installs them))
endif
CC_INIT		:= $(CROSS_CC)
STATIC_CC	:= $(CROSS_CC)
# The tiny code model: one adr, not adrp and add, for each address (4 KB).
# adr reaches 1 MiB and .bss is larger: sorted by name, it ends with the
# buffers of hundreds of KiB marked BSS_LAST (bounds.h), which code only
# addresses where they start.  Should anything else end up out of reach,
# the link fails ("relocation truncated to fit"); nothing is miscompiled.
P_CFLAGS	+= -mcmodel=tiny
P_LDFLAGS	+= -mcmodel=tiny -Wl,--sort-section=name
else ifneq ($(ARCH),)
$(error ARCH=$(ARCH): only ARCH=aarch64 is known (no ARCH: this machine))
endif

# The PID 1 suites, the same files as for this machine, against the aarch64
# init, fixtures and worker, run through qemu-user (tests/qemu-setup.sh).
CROSS_BATS	:= tests/exec.bats tests/signals.bats tests/reap.bats \
		   tests/restart.bats tests/conf.bats
# Left out, by bats tag (each test carries its tag and a one-line reason):
# what Debian 12's qemu-user (7.2) cannot do.  All pass natively (make test).
#   qemu:subreaper   qemu-user answers prctl(PR_SET_CHILD_SUBREAPER) with
#                    EINVAL, so init not run as PID 1 is no subreaper and
#                    warns subreaper_failed on stderr (bookworm-backports'
#                    qemu 10.0 passes the prctl on, and these pass there):
#     exec.bats      argv reaches the child byte-exact ...; stdin, stdout and
#                    stderr pass straight through; the environment passes
#                    through ...; the child gets only fds 0, 1 and 2; the
#                    child runs in its own session ... (stderr is checked)
#     signals.bats   SIGTERM escalates to SIGKILL ... (not PID 1); leftovers
#                    get STOP_SIGNAL ... (not PID 1); leftovers that ignore
#                    STOP_SIGNAL ... (not PID 1)
#     reap.bats      200 orphans are reaped ... (subreaper, not PID 1); not
#                    PID 1: init registers as subreaper ...; a zombie whose
#                    parent exits ... (not PID 1); the main child exiting
#                    while orphans run ... (not PID 1)
#   qemu:rtsig       qemu-user hands host signal N to the guest as N-2 (34..64
#                    as 32..62): RTMIN+1 reaches init as 33, reserved by musl
#                    and so fatal; RTMIN+5 arrives as RTMIN+3; RTMAX never:
#     signals.bats   real-time signals reach the child ... (not PID 1), (PID 1)
#   qemu:procstatus  the aarch64 fixture reads /proc/self/status, which shows
#                    qemu's own signal state: qemu catches every default-fatal
#                    signal even if inherited as ignored (the guest still sees
#                    SIG_IGN), and its glibc catches signal 33, so a SIG_IGN of
#                    33 inherited from make (its recipes get 32 and 33 ignored)
#                    is lost at the next exec:
#     exec.bats      the child's SigBlk and SigIgn match what init inherited;
#                    with a clean parent, the child has no blocked signals ...
CROSS_SKIP	:= --filter-tags '!qemu:subreaper,!qemu:rtsig,!qemu:procstatus'

.PHONY: test-aarch64
test-aarch64:
	@sh tests/deps.sh
	$(MAKE) --no-print-directory ARCH=aarch64 SANITIZE=0 BUILD=build/aarch64 \
		build/aarch64/init fixtures
	exe=$$(sh tests/qemu-setup.sh build/aarch64/init) && \
	INIT_BIN=$(abspath build/aarch64/init) FIX_DIR=$(abspath build/aarch64/fixtures) \
		WORKER_BIN=$(abspath build/aarch64/worker) TEST_INIT_EXE="$$exe" \
		bats $(CROSS_SKIP) $(BATSFLAGS) $(CROSS_BATS)
