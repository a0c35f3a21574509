# onboard: `make` builds build/onboard; `make check` runs every test;
# `make demo` shows what a CSM sees on the bundled demo data. `make check`
# and `make demo` install missing Debian packages first (scripts/deps.sh).
# SAN=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-san/ (one directory per configuration).

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/onboard

CC      ?= cc
PKGS     = sqlite3 yaml-0.1
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
else
BUILD   ?= build
SANFLAGS =
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lyaml)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

ALL_CPPFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude \
               -DONBOARD_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS  = $(SANFLAGS) $(LDFLAGS)
LIBS         = $(PKG_LIBS) -lm

CORE = account cli csv date event metric output playbook store template util \
       cmd_account cmd_init cmd_playbook
CORE_OBJ = $(CORE:%=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o
TESTS = test_date test_playbook test_store test_csv test_output
TEST_BIN = $(TESTS:%=$(BUILD)/tests/%)

.PHONY: all check unit-tests cli-tests demo install uninstall clean deps
.DELETE_ON_ERROR:

all: $(BUILD)/onboard

$(BUILD)/onboard: $(BUILD)/obj/main.o $(BUILD)/libonboard.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libonboard.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# schema.sql and the default playbook, compiled in (never hand-copied).
$(BUILD)/embed: tools/embed.c | $(BUILD)/obj
	$(CC) -std=c11 -O1 $(WARN) -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/embed schema.sql playbooks/default.yaml
	@mkdir -p $(BUILD)/gen
	$(BUILD)/embed $@ ob_schema_sql schema.sql \
		ob_default_playbook playbooks/default.yaml

$(BUILD)/obj/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(BUILD)/libonboard.a | $(BUILD)/tests
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka 2>/dev/null) \
		-o $@ $< $(BUILD)/libonboard.a $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

deps:
	@sh scripts/deps.sh

# One closing line: N passed, N failed. TEST=name runs one test alone
# (a unit test binary like test_date, or a command-level script like
# tests/cli/playbook.sh).
check: deps
	@$(MAKE) --no-print-directory $(BUILD)/onboard $(TEST_BIN)
	@BUILD=$(BUILD) sh tests/run.sh $(TEST)

demo: deps
	@$(MAKE) --no-print-directory $(BUILD)/onboard
	@BUILD=$(BUILD) sh demo/run.sh

install: $(BUILD)/onboard
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/playbooks
	install -m 755 $(BUILD)/onboard $(DESTDIR)$(BINDIR)/onboard
	install -m 644 playbooks/*.yaml $(DESTDIR)$(DATADIR)/playbooks/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/onboard
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
