# onboard: `make` builds build/onboard; `make check` runs every test;
# `make demo` shows what a CSM sees on the bundled demo data. Both install
# missing Debian packages first, quietly (scripts/deps.sh): `make demo`
# only what building and running need, `make check` the test tools too.
# SAN=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-san/, SAN=thread with ThreadSanitizer into build-tsan/ (one
# directory per configuration).

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/onboard
MANDIR   = $(PREFIX)/share/man/man1
COMPDIR  = $(PREFIX)/share/bash-completion/completions

CC      ?= cc
PKGS     = sqlite3 yaml-0.1 yajl libarchive
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
else ifeq ($(SAN),thread)
BUILD   ?= build-tsan
SANFLAGS = -fsanitize=thread -fno-omit-frame-pointer
else
BUILD   ?= build
SANFLAGS =
endif

# libpq: its header only; src/sql.c loads the library on first use.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libpq 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lyaml -lyajl -larchive)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

ALL_CPPFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude \
               -DONBOARD_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(SANFLAGS) -pthread -MMD -MP
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS)
LIBS         = $(PKG_LIBS) -lm -pthread

# Everything but main.c goes into a library the unit tests link too.
CORE_SRC = $(filter-out src/main.c,$(wildcard src/*.c))
CORE_OBJ = $(CORE_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o
TEST_BIN = $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))

# V=1 shows the commands in full.
ifeq ($(V),1)
Q =
say = @:
else
Q = @
say = @echo
endif

.PHONY: all check check-build demo install uninstall clean deps build-deps \
	fuzz fuzz-run fuzz-check bench
.DELETE_ON_ERROR:

all: $(BUILD)/onboard

$(BUILD)/onboard: $(BUILD)/obj/main.o $(BUILD)/libonboard.a
	$(say) "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libonboard.a: $(CORE_OBJ)
	$(say) "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(say) "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The schemas (SQLite's, PostgreSQL's) and the default playbook, compiled
# in (never hand-copied).
$(BUILD)/embed: tools/embed.c | $(BUILD)/obj
	$(say) "  CC      $<"
	$(Q)$(CC) -std=c11 -O1 $(WARN) -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/embed schema.sql schema_pg.sql playbooks/default.yaml
	$(say) "  EMBED   schema.sql schema_pg.sql playbooks/default.yaml"
	$(Q)mkdir -p $(BUILD)/gen
	$(Q)$(BUILD)/embed $@ ob_schema_sql schema.sql \
		ob_schema_pg_sql schema_pg.sql \
		ob_default_playbook playbooks/default.yaml

$(BUILD)/obj/embedded.o: $(BUILD)/gen/embedded.c
	$(say) "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(BUILD)/libonboard.a | $(BUILD)/tests
	$(say) "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka 2>/dev/null) \
		-o $@ $< $(BUILD)/libonboard.a $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# What the tests run: the program and the unit tests.
check-build: $(BUILD)/onboard $(TEST_BIN)

deps:
	@BUILD=$(BUILD) sh scripts/deps.sh test

# What building and running take, and no more: the demo needs no test tools.
build-deps:
	@BUILD=$(BUILD) sh scripts/deps.sh build

# libFuzzer harnesses (clang): the core built again with the fuzzer's
# instrumentation, ASan and UBSan, into build-fuzz/.
FUZZ_CC    ?= clang
FUZZ_FLAGS  = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_DIR    = build-fuzz
FUZZERS     = playbook csv events time template map sources
FUZZ_BIN    = $(FUZZERS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_OBJ    = $(CORE_SRC:src/%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/embedded.o
FUZZ_TIME  ?= 60

fuzz: $(FUZZ_BIN)

.SECONDARY: $(FUZZ_OBJ)

$(FUZZ_DIR)/obj/%.o: src/%.c
	@mkdir -p $(FUZZ_DIR)/obj
	$(say) "  CC      $< (fuzz)"
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(WARN) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(FUZZ_DIR)/obj
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_FLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(say) "  LD      $@"
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer \
		-o $@ $< $(FUZZ_OBJ) $(LIBS)

# Each fuzzer for FUZZ_TIME seconds, on a copy of its corpus (new inputs
# land in build-fuzz/corpus/; crashes in build-fuzz/crash-*).
fuzz-run: fuzz
	@for f in $(FUZZERS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$f; \
		cp -n fuzz/corpus/$$f/* $(FUZZ_DIR)/corpus/$$f/ 2>/dev/null; \
		echo "== fuzz_$$f for $(FUZZ_TIME) s"; \
		$(FUZZ_DIR)/fuzz_$$f -max_total_time=$(FUZZ_TIME) -timeout=10 \
			-rss_limit_mb=2048 -artifact_prefix=$(FUZZ_DIR)/crash-$$f- \
			$(FUZZ_DIR)/corpus/$$f 2>&1 | tail -3 || exit 1; \
	done

# What make check runs when clang is there: every kept crash and the
# seed corpus, then a few seconds of fresh inputs each.
fuzz-check: fuzz
	@for f in $(FUZZERS); do \
		$(FUZZ_DIR)/fuzz_$$f -runs=0 fuzz/corpus/$$f \
			$$([ -d fuzz/regressions/$$f ] && echo fuzz/regressions/$$f) \
			>$(FUZZ_DIR)/check-$$f.log 2>&1 && \
		mkdir -p $(FUZZ_DIR)/check-corpus/$$f && \
		$(FUZZ_DIR)/fuzz_$$f -max_total_time=5 -timeout=10 \
			-artifact_prefix=$(FUZZ_DIR)/crash-$$f- \
			$(FUZZ_DIR)/check-corpus/$$f fuzz/corpus/$$f \
			>>$(FUZZ_DIR)/check-$$f.log 2>&1 || \
			{ echo "fuzz_$$f failed: see $(FUZZ_DIR)/check-$$f.log"; exit 1; }; \
	done; echo "fuzz: $(words $(FUZZERS)) fuzzers, no crash"

# One closing line: N passed, N failed. TEST=name runs one test alone
# (a unit test binary like test_date, or a command-level script like
# tests/cli/playbook.sh).
check: deps
	@$(MAKE) --no-print-directory check-build
	@BUILD=$(BUILD) sh tests/run.sh $(TEST)

# SPEC.md section 6's bars on generated data; writes bench/results.md.
# Takes a few minutes and about 2 GB of disk under build/bench/.
bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/onboard
	@BUILD=$(BUILD) sh bench/run.sh

demo: build-deps
	@$(MAKE) --no-print-directory $(BUILD)/onboard
	@BUILD=$(BUILD) sh demo/run.sh

install: $(BUILD)/onboard
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/playbooks \
		$(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(COMPDIR)
	install -m 755 $(BUILD)/onboard $(DESTDIR)$(BINDIR)/onboard
	install -m 644 playbooks/*.yaml $(DESTDIR)$(DATADIR)/playbooks/
	install -m 755 examples/onboard-* $(DESTDIR)$(DATADIR)/examples/
	install -m 644 doc/onboard.1 $(DESTDIR)$(MANDIR)/onboard.1
	install -m 644 completion/onboard.bash $(DESTDIR)$(COMPDIR)/onboard

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/onboard $(DESTDIR)$(MANDIR)/onboard.1 \
		$(DESTDIR)$(COMPDIR)/onboard
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-tsan build-fuzz

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d $(FUZZ_DIR)/obj/*.d)
