# process-supervisor: `make` builds build/init, a static musl binary.
# User CFLAGS/LDFLAGS add to the project's own flags below.

PREFIX	?= /usr/local
DESTDIR	?=
# ARCH=aarch64 cross-builds into build/aarch64 (mk/cross.mk); no ARCH builds
# for this machine into build/.  Only a command-line ARCH counts: kernel and
# SDK environments export one of their own.
ifeq ($(origin ARCH),environment)
ARCH	:=
endif
OUT	:= build$(if $(ARCH),/$(ARCH))
# The sanitizer build lives apart, so it never replaces the release binary.
ifeq ($(SANITIZE),1)
BUILD	?= build/sanitize
else
BUILD	?= $(OUT)
endif
FIXDIR	:= $(OUT)/fixtures

MUSL_CC	:= $(shell command -v musl-gcc 2>/dev/null)
ifeq ($(SANITIZE),1)
CC_INIT	:= $(if $(filter clang,$(notdir $(CC))),$(CC),clang)
else ifneq ($(ARCH),)
# CC_INIT and STATIC_CC come from mk/cross.mk.
else ifneq ($(MUSL_CC),)
CC_INIT	:= $(MUSL_CC)
else
CC_INIT	:= $(CC)
NOMUSL	:= 1
endif
# Compiles the worker and the fixtures (mk/cross.mk sets it for an ARCH).
STATIC_CC := $(if $(MUSL_CC),$(MUSL_CC),$(CC))

# The version lives in VERSION alone; every compile of init/ gets it (bounds.h
# refuses to build without it), the fuzz and valgrind builds included.
VERSION	:= $(shell cat VERSION 2>/dev/null)
ifeq ($(VERSION),)
$(error VERSION: the file is missing or empty)
endif

WARN	:= -Wall -Wextra -Wshadow -Wvla -Wformat=2 -Wno-format-nonliteral
STD	:= -std=c11 -D_GNU_SOURCE -DINIT_VERSION='"$(VERSION)"'
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
ifeq ($(SANITIZE),1)
P_CFLAGS  := $(STD) $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DINIT_SANITIZE
P_LDFLAGS := -fsanitize=address,undefined
else
# No unwind tables (C, no exceptions) and one code segment: less padding.
# No frame pointer (aarch64's gcc keeps one even at -Os: 1.8 KB).  -Oz
# (x86-64: push/pop for constants, 1.6 KB) and six passes that cost bytes
# at -Os (x86-64 1.5 KB, aarch64 1.5 KB); the log writer's throughput
# (make bench's log table) stays within the run-to-run noise.
# No PIE: a static binary is loaded at one address, and position-independent
# code only adds GOT loads and relocations (x86-64: 4 KB).  No RELRO: it does
# nothing in a static musl binary (no dynamic linker mprotects it: the
# x86-64 build's /proc/PID/maps shows it writable), and the linker pads the
# file so that it ends on a page (aarch64's 64 KiB: about 30 KB of zeros).
# A small common page size keeps the data from starting on a page boundary
# of the file too (x86-64: up to 4 KB of zeros); memory use is the same.
# Link-time optimization of all of init/ as one unit (x86-64 1 KB, aarch64
# 2.5 KB): code is generated at the link, so the link gets the same flags
# and warnings.
P_OPT     := -Oz -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-pie \
	-fomit-frame-pointer -fno-expensive-optimizations \
	-fno-move-loop-invariants -fno-tree-forwprop -fno-caller-saves \
	-fno-tree-scev-cprop -fno-forward-propagate -flto
P_CFLAGS  := $(STD) $(WARN) $(P_OPT)
P_LDFLAGS := $(WARN) $(P_OPT) -flto-partition=one -static -s -no-pie \
	-Wl,--gc-sections -Wl,-z,noseparate-code -Wl,--build-id=none \
	-Wl,-z,norelro -Wl,-z,common-page-size=64
endif

SRCS	:= $(wildcard init/*.c)
OBJS	:= $(SRCS:init/%.c=$(BUILD)/obj/%.o)
FIXTURES := $(patsubst tests/fixtures/%.c,$(FIXDIR)/%,$(wildcard tests/fixtures/*.c))

.PHONY: all install uninstall run run-multi test fixtures clean
all: $(BUILD)/init

$(BUILD)/obj/%.o: init/%.c $(wildcard init/*.h) VERSION | $(BUILD)/obj
	$(CC_INIT) $(P_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/init: $(OBJS)
ifeq ($(NOMUSL),1)
	@echo "note: musl-gcc not found; linking statically with $(CC) (install musl-tools for a smaller binary)" >&2
endif
	$(CC_INIT) $(P_LDFLAGS) $(LDFLAGS) -o $@ $(OBJS)

$(BUILD)/obj $(FIXDIR):
	mkdir -p $@

# Demo worker and test fixtures: static too, so they run in a scratch image.
$(OUT)/worker: examples/worker.c | $(FIXDIR)
	$(STATIC_CC) $(STD) $(WARN) -Os -static -s $(CFLAGS) -o $@ $<

$(FIXDIR)/%: tests/fixtures/%.c | $(FIXDIR)
	$(STATIC_CC) $(STD) $(WARN) -O2 -static $(CFLAGS) -o $@ $<

fixtures: $(FIXTURES) $(OUT)/worker

run: $(BUILD)/init $(OUT)/worker
	$(BUILD)/init start configs/example.conf

# Several services (configs/multi): their COMMANDs find `worker` through PATH.
run-multi: $(BUILD)/init $(OUT)/worker
	PATH="$(abspath $(OUT)):$$PATH" $(BUILD)/init start configs/multi

# TESTS: the bats files or directories to run (default: all of tests/).
TESTS	?= tests

test:
	@sh tests/deps.sh
	$(MAKE) --no-print-directory SANITIZE=0 BUILD=build build/init fixtures
	$(MAKE) --no-print-directory $(BUILD)/init $(BUILD)/unit/run $(BUILD)/unit/lwdrive
	$(BUILD)/unit/run
	INIT_BIN=$(abspath $(BUILD)/init) bats $(BATSFLAGS) $(TESTS)

install: $(BUILD)/init
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/init $(DESTDIR)$(PREFIX)/bin/init

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/init

clean:
	rm -rf build

-include mk/*.mk
