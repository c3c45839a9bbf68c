#!/usr/bin/env bash
# make install PREFIX=... DESTDIR=...: the binary, rules/ and templates/
# under $PREFIX/share/dsrmail, an example config; the installed binary finds
# its rules without a [paths] section.
. "$(dirname "$0")/lib.sh"
plan 12

PREFIX=$T/usr
STAGE=$T/stage
# A separate build directory: other tests use the checkout's build at the same time.
ok "make install builds and installs into DESTDIR" \
	make -s -C "$TOP" BUILD="$T/build" PREFIX="$PREFIX" SYSCONFDIR="$PREFIX/etc/dsrmail" DESTDIR="$STAGE" install
ok "the binary is installed" test -x "$STAGE$PREFIX/bin/dsrmail"
ok "rules/ is installed under share/dsrmail" test -f "$STAGE$PREFIX/share/dsrmail/rules/register.map" -a -f "$STAGE$PREFIX/share/dsrmail/rules/notice.conf"
ok "templates/ is installed under share/dsrmail" test -d "$STAGE$PREFIX/share/dsrmail/templates"
ok "its modules (IMAP/SMTP, web) are installed under lib/dsrmail" \
	test -f "$STAGE$PREFIX/lib/dsrmail/dsrmail-transport.so" \
	-a -f "$STAGE$PREFIX/lib/dsrmail/dsrmail-web.so"
ok "an example config is installed" test -f "$STAGE$PREFIX/share/dsrmail/dsrmail.conf.example" -a -f "$STAGE$PREFIX/etc/dsrmail/dsrmail.conf"

# Move the staged tree to where PREFIX says (as a package manager would).
cp -a "$STAGE$PREFIX" "$PREFIX"
cat >"$CONF" <<CONF
[organisation]
name = HR Mentor Oy
registry_address = tietosuoja@hrmentor.fi
[database]
path = dsrmail.db
CONF
DSRMAIL_BIN=$PREFIX/bin/dsrmail
run init
is "$rc" 0 "the installed dsrmail runs init with the installed rules (no [paths])"
sqlite3 "$DB" <"$TESTS_DIR/fixtures/register.sql"
run export paivi.hakkinen@example.fi "$T/out"
is "$rc" 0 "and exports with them"
ok "the export is complete" test -f "$T/out/summary.html"
like "$(cat "$T/out/summary.html")" "Tietosuojavaltuutetun toimisto" "with the installed notice facts"
# poll loads the installed module, which then finds no IMAP server there.
printf '[imap]\nurl = imap://127.0.0.1:%s\nuser = registry\npassword_file = %s\n' \
	"$(free_port)" "$CONF" >>"$CONF"
run poll --once
is "$rc" 69 "the installed dsrmail loads its IMAP module (no server: exit 69)"
like "$err" "cannot reach the IMAP server" "and says the server cannot be reached"

done_testing
