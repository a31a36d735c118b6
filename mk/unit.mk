# C unit tests (tests/unit): the pure functions of init/ linked with a tiny
# TAP runner.  Included by the main Makefile; reads its BUILD, CC_INIT,
# P_CFLAGS, P_LDFLAGS and defines only UNIT_* names.  `make unit` builds
# and runs them; `make test` runs them before the bats suite.

UNIT_DIR	:= $(BUILD)/unit
UNIT_BIN	:= $(UNIT_DIR)/run
UNIT_SRCS	:= $(filter-out tests/unit/lwdrive.c,$(wildcard tests/unit/*.c))
# Every module but main.c, so each test sees the real code.
UNIT_LIB	:= $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_OBJS	:= $(UNIT_SRCS:tests/unit/%.c=$(UNIT_DIR)/%.o)

.PHONY: unit
$(UNIT_DIR):
	mkdir -p $@

$(UNIT_DIR)/%.o: tests/unit/%.c tests/unit/unit.h $(wildcard init/*.h) | $(UNIT_DIR)
	$(CC_INIT) $(P_CFLAGS) $(CFLAGS) -iquote init -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(UNIT_LIB)
	$(CC_INIT) $(P_LDFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(UNIT_LIB)

unit: $(UNIT_BIN)
	$(UNIT_BIN)

# lwdrive: the log writer with made-up services, for tests/logwriter.bats.
$(UNIT_DIR)/lwdrive: $(UNIT_DIR)/lwdrive.o $(UNIT_LIB)
	$(CC_INIT) $(P_LDFLAGS) $(LDFLAGS) -o $@ $(UNIT_DIR)/lwdrive.o $(UNIT_LIB)
