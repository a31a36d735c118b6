# Release artifacts: `make dist` writes dist/init-VERSION-x86_64 and
# dist/init-VERSION-aarch64, the static, stripped release builds of
# build/init and build/aarch64/init, and dist/SHA256SUMS for them, which
# `cd dist && sha256sum -c SHA256SUMS` checks.  The x86_64 one is this
# machine's own build, so dist runs on x86-64.  Defines DIST_* names.

DIST_DIR	:= dist
DIST_FILES	:= init-$(VERSION)-x86_64 init-$(VERSION)-aarch64

.PHONY: dist
dist:
	@[ "$$(uname -m)" = x86_64 ] || \
		{ echo "dist: the host build must be x86_64; this is $$(uname -m)" >&2; exit 1; }
	@[ -n "$(MUSL_CC)" ] || { echo "dist: needs musl-gcc (musl-tools) for a musl release build" >&2; exit 1; }
	$(MAKE) --no-print-directory ARCH= SANITIZE=0 BUILD=build build/init
	$(MAKE) --no-print-directory ARCH=aarch64 SANITIZE=0 BUILD=build/aarch64 build/aarch64/init
	rm -rf $(DIST_DIR)
	mkdir -p $(DIST_DIR)
	cp build/init $(DIST_DIR)/init-$(VERSION)-x86_64
	cp build/aarch64/init $(DIST_DIR)/init-$(VERSION)-aarch64
	cd $(DIST_DIR) && sha256sum $(DIST_FILES) >SHA256SUMS
	@cat $(DIST_DIR)/SHA256SUMS
