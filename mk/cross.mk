# Cross builds (issue 7): `make ARCH=aarch64` builds build/aarch64/init, and
# `make ARCH=aarch64 fixtures` the fixtures and worker beside it, on an
# x86-64 Debian machine with Debian packages only: gcc-aarch64-linux-gnu and
# musl-dev:arm64 (tests/deps.sh installs them).  Included by the main
# Makefile, which puts an ARCH build in build/$(ARCH) with its own flags;
# this file only picks the compiler.  Defines CROSS_* names.

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
CC_INIT		:= $(CROSS_CC)
STATIC_CC	:= $(CROSS_CC)
# aarch64's linker aligns segments to 64 KiB pages and pads the file so that
# RELRO ends on one: about 30 KB of zeros.  RELRO does nothing in a static
# musl binary (no dynamic linker mprotects it: the x86-64 build's
# /proc/PID/maps shows it writable), so without it nothing is lost.
P_LDFLAGS	+= -Wl,-z,norelro
else ifneq ($(ARCH),)
$(error ARCH=$(ARCH): only ARCH=aarch64 is known (no ARCH: this machine))
endif
