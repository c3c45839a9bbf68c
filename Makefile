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
#   make clean        the builds (fuzzing's corpus and history are kept)
#   make clean-fuzz   those too

VERSION = 0.1.0
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc/dsrmail
BUILD ?= build
SHAREDIR = $(PREFIX)/share/dsrmail
MANDIR = $(PREFIX)/share/man
UNITDIR = $(PREFIX)/lib/systemd/system
MODULEDIR = $(PREFIX)/lib/dsrmail

PACKAGES = gmime-3.0 sqlite3 json-glib-1.0 libxml-2.0 gmodule-2.0 gpgme
# The libraries of the modules (below): only the modules link them.
TRANSPORT_PACKAGES = libetpan libcurl gnutls json-glib-1.0 glib-2.0
WEB_PACKAGES = libmicrohttpd gmime-3.0 json-glib-1.0 glib-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PACKAGES) $(TRANSPORT_PACKAGES) \
	$(WEB_PACKAGES) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PACKAGES) 2>/dev/null)
TRANSPORT_LIBS := $(shell pkg-config --libs $(TRANSPORT_PACKAGES) 2>/dev/null)
WEB_LIBS := $(shell pkg-config --libs $(WEB_PACKAGES) 2>/dev/null)
# The classifier's word forms and language guess: libexttextcat and libvoikko
# have pkg-config files, libstemmer (Snowball) has none.
WORD_PACKAGES = libexttextcat libvoikko
PKG_CFLAGS += $(shell pkg-config --cflags $(WORD_PACKAGES) 2>/dev/null)
PKG_LIBS += $(shell pkg-config --libs $(WORD_PACKAGES) 2>/dev/null) -lstemmer
# log() for the classifier's second opinion (tests/unit/classify-test.c model-*).
PKG_LIBS += -lm

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
# Two parts are modules of their own, loaded when first used
# (src/base/module.h): the IMAP, SMTP and OAuth2 client
# (src/mail/transport.h) and the web pages (src/web/web.h); `deliver`
# starts without libetpan, libcurl, GnuTLS, libmicrohttpd and what they
# load.
# Their objects are in $(BUILD)/module, position-independent, everything
# hidden but each module's table; the program exports its symbols
# (-rdynamic) for the modules' calls into it.
TRANSPORT_SOURCES = $(wildcard src/mail/imap*.c) $(wildcard src/mail/oauth2*.c) \
	src/mail/smtp.c src/mail/transport-module.c
WEB_SOURCES = $(wildcard src/web/*.c)
# The installed `dsrmail` is a small front (src/cmd/front.c, GLib and base/
# alone): it hands deliver's mail to `dsrmail serve` when one listens, and
# runs the whole program, dsrmail-main (installed in $(MODULEDIR)), for the
# rest.
FRONT_SOURCE = src/cmd/front.c
SOURCES = $(filter-out $(TRANSPORT_SOURCES) $(WEB_SOURCES) $(FRONT_SOURCE),$(wildcard src/*/*.c))
HEADERS = $(wildcard src/*/*.h)
OBJECTS = $(patsubst src/%.c,$(BUILD)/%.o,$(SOURCES)) $(BUILD)/schema.o
TRANSPORT_OBJECTS = $(patsubst src/%.c,$(BUILD)/module/%.o,$(TRANSPORT_SOURCES))
WEB_OBJECTS = $(patsubst src/%.c,$(BUILD)/module/%.o,$(WEB_SOURCES))
TRANSPORT = $(BUILD)/dsrmail-transport.so
WEB = $(BUILD)/dsrmail-web.so
MODULES = $(TRANSPORT) $(WEB)
MAIN_OBJECT = $(BUILD)/cmd/main.o
PROGRAM = $(BUILD)/dsrmail-main
BINARY = $(BUILD)/dsrmail
FRONT_OBJECTS = $(patsubst src/%.c,$(BUILD)/%.o,$(FRONT_SOURCE) src/mail/handoff.c \
	$(wildcard src/base/config*.c) src/base/address.c src/base/clock.c \
	src/base/error.c src/base/log.c src/base/module.c)
# GLib linked in statically: the front starts in a third of a millisecond
# less (no symbols to bind at start), which is a sixth of procmail's whole
# delivery (tests/bench/deliver.sh).
FRONT_LIBS = -Wl,-Bstatic -lgmodule-2.0 -lglib-2.0 -lpcre2-8 -Wl,-Bdynamic -pthread -lm
# C test programs (tests/unit/*.c), linked with every object but main.o.
TEST_PROGRAMS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*.c))
# LD_PRELOAD library failing writes for the fault tests (tests/fault/).
FAULT_LIBRARY = $(BUILD)/tests/fail-write.so

.PHONY: all deps check test-programs eval model demo bench install clean FORCE \
	fuzz fuzz-build fuzz-replay reliability clean-fuzz

all: dsrmail

dsrmail: $(BINARY) $(PROGRAM) $(MODULES)
	@cp -f $(BINARY) $(PROGRAM) $(MODULES) .

$(PROGRAM): $(OBJECTS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -rdynamic -o $@ $(OBJECTS) $(PKG_LIBS)

$(BINARY): $(FRONT_OBJECTS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(FRONT_OBJECTS) $(FRONT_LIBS)

$(TRANSPORT): $(TRANSPORT_OBJECTS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -shared -o $@ $(TRANSPORT_OBJECTS) $(TRANSPORT_LIBS)

$(WEB): $(WEB_OBJECTS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -shared -o $@ $(WEB_OBJECTS) $(WEB_LIBS)

$(BUILD)/module/%.o: src/%.c $(HEADERS) $(BUILD)/paths.h | $(BUILD)/.dir
	@mkdir -p $(@D)
	@echo "  CC      $< (module)"
	@$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

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
	@printf '#define DSR_VERSION "%s"\n#define DSR_SHARE_DIR "%s"\n#define DSR_SYSCONF_DIR "%s"\n#define DSR_MODULE_DIR "%s"\n' \
		'$(VERSION)' '$(SHAREDIR)' '$(SYSCONFDIR)' '$(MODULEDIR)' >$@.new
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
	@rm -f $(BUILD)/test-run.log $(BUILD)/test-run.log.oauth2-secrets
	DSRMAIL_BIN=$(abspath $(BINARY)) DSRMAIL_LOG_COPY=$(abspath $(BUILD))/test-run.log \
	    prove -j2 tests/
	@echo "The logs of that whole run, searched for personal data:"
	DSRMAIL_BIN=$(abspath $(BINARY)) DSRMAIL_LOG_COPY=$(abspath $(BUILD))/test-run.log \
	    prove tests/final/

# The classifier measured on tests/corpus/: every figure for the part the
# rules may be tuned on, with its misses; only the aggregate figures for the
# held-out part (tests/corpus/README.md).
# The classifier's second opinion (rules/classify.model, [classify] model in
# dsrmail-rules(5)), trained on the tune part only, at the log-odds threshold
# chosen by leaving one writer out (docs/classification.md).
MODEL_THRESHOLD = 3
model: $(BUILD)/tests/classify-test
	$(BUILD)/tests/classify-test model-train rules/classify.rules tests/corpus/tune \
	    rules/classify.model $(MODEL_THRESHOLD)

eval: $(BUILD)/tests/classify-test
	@$(BUILD)/tests/classify-test eval rules/classify.rules tests/corpus/tune --misses
	@$(BUILD)/tests/classify-test eval rules/classify.rules tests/corpus/heldout

demo: deps
	@$(MAKE) --no-print-directory dsrmail
	@bash contrib/demo

bench: deps
	@$(MAKE) --no-print-directory dsrmail
	@for b in tests/bench/*.sh; do echo "== $$b"; DSRMAIL_BIN=$(abspath $(BINARY)) $$b || exit 1; done

install: $(BINARY) $(PROGRAM) $(MODULES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/rules \
		$(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(MODULEDIR)
	install -m 755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/dsrmail
	install -m 644 $(MODULES) $(DESTDIR)$(MODULEDIR)/
	install -m 755 $(PROGRAM) $(DESTDIR)$(MODULEDIR)/
	install -m 644 rules/* $(DESTDIR)$(SHAREDIR)/rules/
	cp -R templates/. $(DESTDIR)$(SHAREDIR)/templates/
	install -m 644 contrib/dsrmail.conf.example $(DESTDIR)$(SHAREDIR)/dsrmail.conf.example
	@test -e $(DESTDIR)$(SYSCONFDIR)/dsrmail.conf || \
		install -m 640 contrib/dsrmail.conf.example $(DESTDIR)$(SYSCONFDIR)/dsrmail.conf
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(PREFIX)/lib/sysusers.d
	install -m 644 man/dsrmail.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/dsrmail.conf.5 man/dsrmail-rules.5 $(DESTDIR)$(MANDIR)/man5/
	for unit in dsrmail.service dsrmail-sweep.service dsrmail-sweep.timer \
	    dsrmail-web.service dsrmail-deliver.service dsrmail-deliver.socket; do \
		sed -e 's|/usr/local/bin/dsrmail|$(PREFIX)/bin/dsrmail|g' \
		    -e 's|/etc/dsrmail/|$(SYSCONFDIR)/|g' contrib/systemd/$$unit \
		    >$(DESTDIR)$(UNITDIR)/$$unit && chmod 644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done
	install -m 644 contrib/systemd/dsrmail.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/dsrmail.conf

# Fuzzing (tests/fuzz/README). Each target is tests/fuzz/TARGET.c with
# fuzz.c. `make fuzz` builds them with clang and libFuzzer against objects
# of their own (build-fuzz/); `make fuzz-replay` links the same entry points
# to replay.c against the sanitizer build's objects, for `make check`.
FUZZ_TARGETS ?= intake rectify admin-reply config map rules template html handoff
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

# Keeps what fuzzing has gathered (build-fuzz/corpus, crashes and the run
# history that docs/reliability.md adds up); `make clean-fuzz` removes it.
clean:
	rm -rf build build-sanitize dsrmail dsrmail-main dsrmail-*.so
	rm -rf $(filter-out build-fuzz/corpus build-fuzz/crashes build-fuzz/fuzz-history.tsv,$(wildcard build-fuzz/*))

clean-fuzz:
	rm -rf build-fuzz
