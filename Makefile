# onboard: `make` builds build/onboard; `make check` runs every test;
# `make demo` shows what a CSM sees on the bundled demo data. `make check`
# and `make demo` install missing Debian packages first (scripts/deps.sh).
# SAN=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-san/ (one directory per configuration).

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/onboard
MANDIR   = $(PREFIX)/share/man/man1
COMPDIR  = $(PREFIX)/share/bash-completion/completions

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

.PHONY: all check unit-tests cli-tests demo install uninstall clean deps
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

# schema.sql and the default playbook, compiled in (never hand-copied).
$(BUILD)/embed: tools/embed.c | $(BUILD)/obj
	$(say) "  CC      $<"
	$(Q)$(CC) -std=c11 -O1 $(WARN) -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/embed schema.sql playbooks/default.yaml
	$(say) "  EMBED   schema.sql playbooks/default.yaml"
	$(Q)mkdir -p $(BUILD)/gen
	$(Q)$(BUILD)/embed $@ ob_schema_sql schema.sql \
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
	rm -rf build build-san

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
