# Benchmarks (issue 6): `make bench` runs bench/bench.sh, which compares
# build/init with tini, dumb-init and catatonit, and its log pipeline with
# s6-log, svlogd and multilog, and prints two tables.
# Included by the main Makefile; reads its MUSL_CC, STD and WARN and
# defines only BENCH_* names.  Helpers (bench/*.c) go to build/bench.
# BENCH_* environment variables tune the run (see bench/bench.sh).

BENCH_DIR	:= build/bench
BENCH_CC	:= $(if $(MUSL_CC),$(MUSL_CC),$(CC))
BENCH_BINS	:= $(patsubst bench/%.c,$(BENCH_DIR)/%,$(wildcard bench/*.c))

.PHONY: bench bench-build
# The aarch64 build too: bench reports its size beside build/init's; the
# httpd fixture serves the HEALTH_TCP and HEALTH_HTTP probes.
bench-build: build/init $(BENCH_BINS) $(FIXDIR)/httpd
	$(MAKE) --no-print-directory ARCH=aarch64 SANITIZE=0 BUILD=build/aarch64 build/aarch64/init

$(BENCH_DIR):
	mkdir -p $@

$(BENCH_DIR)/%: bench/%.c | $(BENCH_DIR)
	$(BENCH_CC) $(STD) $(WARN) -O2 -static $(CFLAGS) -o $@ $<

bench: bench-build
	bash bench/bench.sh
