# dsrmail: build, test, install. See README.md.
#   make              build ./dsrmail (objects in $(BUILD))
#   make check        install missing Debian packages, build, run the tests
#   make check SANITIZE=1   the same with -fsanitize=address,undefined
#   make demo         a demo setup on loopback (see README.md)
#   make bench        benchmarks (not part of check)
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="intake html"]
#                     libFuzzer (clang) on every target in tests/fuzz/
#   make reliability  the figures of docs/reliability.md (fuzzing and faults)
#   make install PREFIX=/usr/local DESTDIR=
#                     (also man pages, and the systemd units with the
#                     binary's and config's paths written in)

VERSION = 0.1.0
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc/dsrmail
BUILD ?= build
SHAREDIR = $(PREFIX)/share/dsrmail
MANDIR = $(PREFIX)/share/man
UNITDIR = $(PREFIX)/lib/systemd/system

PACKAGES = gmime-3.0 libetpan libcurl sqlite3 json-glib-1.0 libxml-2.0 gnutls
PKG_CFLAGS := $(shell pkg-config --cflags $(PACKAGES) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PACKAGES) 2>/dev/null)

WARNINGS = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Werror=implicit-function-declaration
CFLAGS ?= -O2 -g
ifeq ($(SANITIZE),1)
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
BUILD := $(BUILD)-sanitize
endif
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(PKG_CFLAGS) \
	-I$(BUILD) -Isrc

# src/ is in folders by layer (src/README.md); objects mirror them in $(BUILD).
SOURCES = $(wildcard src/*/*.c)
HEADERS = $(wildcard src/*/*.h)
OBJECTS = $(patsubst src/%.c,$(BUILD)/%.o,$(SOURCES)) $(BUILD)/schema.o
MAIN_OBJECT = $(BUILD)/cmd/main.o
BINARY = $(BUILD)/dsrmail
# C test programs (tests/unit/*.c), linked with every object but main.o.
TEST_PROGRAMS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*.c))
# LD_PRELOAD library failing writes for the fault tests (tests/fault/).
FAULT_LIBRARY = $(BUILD)/tests/fail-write.so

.PHONY: all deps check test-programs demo bench install clean FORCE \
	fuzz fuzz-build fuzz-replay reliability

all: dsrmail

dsrmail: $(BINARY)
	@cp -f $(BINARY) dsrmail

$(BINARY): $(OBJECTS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(OBJECTS) $(PKG_LIBS)

test-programs: $(TEST_PROGRAMS) $(FAULT_LIBRARY)

# The fault tests' LD_PRELOAD library: no sanitizer of its own, it is
# loaded into whatever dsrmail was built.
$(FAULT_LIBRARY): tests/fault/fail-write.c | $(BUILD)/.dir
	@mkdir -p $(@D)
	@echo "  SHLIB   $@"
	@$(CC) -std=c11 -D_GNU_SOURCE $(WARNINGS) -O2 -g -shared -fPIC -o $@ $< -ldl

$(BUILD)/tests/%: tests/unit/%.c $(OBJECTS) $(HEADERS)
	@mkdir -p $(BUILD)/tests
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(filter-out $(MAIN_OBJECT),$(OBJECTS)) $(PKG_LIBS)

$(BUILD)/%.o: src/%.c $(HEADERS) $(BUILD)/paths.h | $(BUILD)/.dir
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Version and install paths, rewritten only when they change (a new PREFIX
# rebuilds what uses them).
$(BUILD)/paths.h: FORCE | $(BUILD)/.dir
	@printf '#define DSR_VERSION "%s"\n#define DSR_SHARE_DIR "%s"\n#define DSR_SYSCONF_DIR "%s"\n' \
		'$(VERSION)' '$(SHAREDIR)' '$(SYSCONFDIR)' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

# schema.sql compiled in as a C string.
$(BUILD)/schema.c: src/store/schema.sql | $(BUILD)/.dir
	@{ echo 'extern const char store_schema_v1[];'; echo 'const char store_schema_v1[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/schema.o: $(BUILD)/schema.c
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/.dir:
	@mkdir -p $(BUILD) && touch $@

# Install whatever Debian packages are missing (one list: contrib/).
deps:
	@sh contrib/install-deps

check: deps
	@$(MAKE) --no-print-directory dsrmail test-programs
	@$(MAKE) --no-print-directory SANITIZE=1 BUILD=build-sanitize fuzz-replay
	@rm -f $(BUILD)/test-run.log
	DSRMAIL_BIN=$(abspath $(BINARY)) DSRMAIL_LOG_COPY=$(abspath $(BUILD))/test-run.log \
	    prove -j2 tests/
	@echo "The logs of that whole run, searched for personal data:"
	DSRMAIL_BIN=$(abspath $(BINARY)) DSRMAIL_LOG_COPY=$(abspath $(BUILD))/test-run.log \
	    prove tests/final/

demo: deps
	@$(MAKE) --no-print-directory dsrmail
	@bash contrib/demo

bench: deps
	@$(MAKE) --no-print-directory dsrmail
	@for b in tests/bench/*.sh; do echo "== $$b"; DSRMAIL_BIN=$(abspath $(BINARY)) $$b || exit 1; done

install: $(BINARY)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/rules \
		$(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(SYSCONFDIR)
	install -m 755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/dsrmail
	install -m 644 rules/* $(DESTDIR)$(SHAREDIR)/rules/
	cp -R templates/. $(DESTDIR)$(SHAREDIR)/templates/
	install -m 644 contrib/dsrmail.conf.example $(DESTDIR)$(SHAREDIR)/dsrmail.conf.example
	@test -e $(DESTDIR)$(SYSCONFDIR)/dsrmail.conf || \
		install -m 640 contrib/dsrmail.conf.example $(DESTDIR)$(SYSCONFDIR)/dsrmail.conf
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(PREFIX)/lib/sysusers.d
	install -m 644 man/dsrmail.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/dsrmail.conf.5 man/dsrmail-rules.5 $(DESTDIR)$(MANDIR)/man5/
	for unit in dsrmail.service dsrmail-sweep.service dsrmail-sweep.timer; do \
		sed -e 's|/usr/local/bin/dsrmail|$(PREFIX)/bin/dsrmail|g' \
		    -e 's|/etc/dsrmail/|$(SYSCONFDIR)/|g' contrib/systemd/$$unit \
		    >$(DESTDIR)$(UNITDIR)/$$unit && chmod 644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done
	install -m 644 contrib/systemd/dsrmail.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/dsrmail.conf

# Fuzzing (tests/fuzz/README). Each target is tests/fuzz/TARGET.c with
# fuzz.c. `make fuzz` builds them with clang and libFuzzer against objects
# of their own (build-fuzz/); `make fuzz-replay` links the same entry points
# to replay.c against the sanitizer build's objects, for `make check`.
FUZZ_TARGETS ?= intake rectify admin-reply config map rules template html
FUZZ_SECONDS ?= 60
FUZZ_SANITIZERS = -fsanitize=address,undefined -fno-sanitize-recover=undefined
# clang's -Wformat=2 finds log.c's va_list formats; libetpan's pkg-config
# file passes gcc's -specs to the link
FUZZ_QUIET = -Wno-format-nonliteral -Wno-unused-command-line-argument
FUZZ_HARNESS = tests/fuzz/fuzz.c tests/fuzz/fuzz.h
FUZZ_DEFINES = -DFUZZ_TOP='"$(abspath .)"' -Itests/fuzz

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SANITIZERS) $(FUZZ_QUIET)" \
	    $(patsubst %,build-fuzz/fuzz/%,$(FUZZ_TARGETS))

build-fuzz/fuzz/%: tests/fuzz/%.c $(FUZZ_HARNESS) $(OBJECTS) $(HEADERS)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@$(CC) $(ALL_CFLAGS) $(FUZZ_DEFINES) -fsanitize=fuzzer -o $@ $< tests/fuzz/fuzz.c \
	    $(filter-out $(MAIN_OBJECT),$(OBJECTS)) $(PKG_LIBS)

fuzz: deps fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) /usr/bin/python3 tests/fuzz/run.py $(FUZZ_TARGETS)

# The replay drivers: with SANITIZE=1 (check calls it so) they land in
# build-sanitize/fuzz/, where tests/110-fuzz-regress.t finds them.
fuzz-replay: $(patsubst %,$(BUILD)/fuzz/replay-%,$(FUZZ_TARGETS))

$(BUILD)/fuzz/replay-%: tests/fuzz/%.c tests/fuzz/replay.c $(FUZZ_HARNESS) $(OBJECTS) $(HEADERS)
	@mkdir -p $(@D)
	@echo "  REPLAY  $@"
	@$(CC) $(ALL_CFLAGS) $(FUZZ_DEFINES) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
	    tests/fuzz/fuzz.c $(filter-out $(MAIN_OBJECT),$(OBJECTS)) $(PKG_LIBS)

reliability: deps
	@$(MAKE) --no-print-directory dsrmail
	@bash tests/fault/reliability.sh

clean:
	rm -rf build build-sanitize build-fuzz dsrmail
