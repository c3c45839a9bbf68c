# dsrmail: build, test, install. See README.md.
#   make              build ./dsrmail (objects in $(BUILD))
#   make check        install missing Debian packages, build, run the tests
#   make check SANITIZE=1   the same with -fsanitize=address,undefined
#   make demo         a demo setup on loopback (see README.md)
#   make bench        benchmarks (not part of check)
#   make install PREFIX=/usr/local DESTDIR=

VERSION = 0.1.0
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc/dsrmail
BUILD ?= build
SHAREDIR = $(PREFIX)/share/dsrmail

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
	-DDSR_VERSION='"$(VERSION)"' -DDSR_SHARE_DIR='"$(SHAREDIR)"' \
	-DDSR_SYSCONF_DIR='"$(SYSCONFDIR)"' -I$(BUILD) -Isrc

SOURCES = $(wildcard src/*.c)
OBJECTS = $(patsubst src/%.c,$(BUILD)/%.o,$(SOURCES)) $(BUILD)/schema.o
BINARY = $(BUILD)/dsrmail

.PHONY: all deps check demo bench install clean

all: dsrmail

dsrmail: $(BINARY)
	@cp -f $(BINARY) dsrmail

$(BINARY): $(OBJECTS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $(OBJECTS) $(PKG_LIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/.dir
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# schema.sql compiled in as a C string.
$(BUILD)/schema.c: src/schema.sql | $(BUILD)/.dir
	@{ echo 'const char store_schema_v1[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-variable-declarations -c -o $@ $<

$(BUILD)/.dir:
	@mkdir -p $(BUILD) && touch $@

# Install whatever Debian packages are missing (one list: contrib/).
deps:
	@sh contrib/install-deps

check: deps
	@$(MAKE) --no-print-directory dsrmail
	DSRMAIL_BIN=$(abspath $(BINARY)) prove -j2 tests/

demo: deps
	@$(MAKE) --no-print-directory dsrmail
	@sh contrib/demo

bench: deps
	@$(MAKE) --no-print-directory dsrmail
	@for b in tests/bench/*.sh; do DSRMAIL_BIN=$(abspath $(BINARY)) sh $$b || exit 1; done

install: dsrmail
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/rules \
		$(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(SYSCONFDIR)
	install -m 755 $(BINARY) $(DESTDIR)$(PREFIX)/bin/dsrmail
	install -m 644 rules/* $(DESTDIR)$(SHAREDIR)/rules/
	cp -R templates/. $(DESTDIR)$(SHAREDIR)/templates/
	install -m 644 contrib/dsrmail.conf.example $(DESTDIR)$(SHAREDIR)/dsrmail.conf.example
	@test -e $(DESTDIR)$(SYSCONFDIR)/dsrmail.conf || \
		install -m 640 contrib/dsrmail.conf.example $(DESTDIR)$(SYSCONFDIR)/dsrmail.conf

clean:
	rm -rf build build-sanitize dsrmail
