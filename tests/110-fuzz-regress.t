#!/bin/bash
# The fuzz targets' regression corpus (tests/fuzz/regress/TARGET/: every
# input a fuzzer crashed on, minimised) and their seeds (tests/fuzz/seeds.py:
# the mails of tests/mail, the rules, maps, templates and configs), replayed through each target's entry point built with ASan and UBSan
# (tests/fuzz/replay.c; `make check` builds them in build-sanitize/fuzz/):
# a fixed crash stays fixed. Then the fixes seen from the command line.
. "$(dirname "$0")/lib.sh"

REPLAY=${FUZZ_REPLAY_DIR:-$TOP/build-sanitize/fuzz}
FUZZ=$TOP/tests/fuzz
targets=$(sed -n 's/^FUZZ_TARGETS ?= //p' "$TOP/Makefile")
[ -n "$targets" ] || bail "no FUZZ_TARGETS in the Makefile"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

/usr/bin/python3 "$FUZZ/seeds.py" "$T/seeds" >/dev/null || bail "tests/fuzz/seeds.py failed"
for t in $targets; do
	[ -x "$REPLAY/replay-$t" ] || bail "no $REPLAY/replay-$t: run make check (or make SANITIZE=1 BUILD=build-sanitize fuzz-replay)"
	inputs=()
	for d in "$FUZZ/regress/$t" "$T/seeds/$t"; do [ -d "$d" ] && inputs+=("$d"); done
	if [ ${#inputs[@]} = 0 ]; then
		_result 1 "$t: has a regression or seed input"; continue
	fi
	want=$(find "${inputs[@]}" -type f ! -name '.*' | wc -l)
	"$REPLAY/replay-$t" "${inputs[@]}" >"$T/$t.tap" 2>"$T/$t.err"
	rc=$?
	got=$(grep -c '^ok ' "$T/$t.tap")
	is "$rc:$got" "0:$want" "$t: all $want inputs replayed without a crash or sanitizer report"
	[ "$rc" = 0 ] || diag "$(tail -n 30 "$T/$t.err")"
done

# --- what the fixes mean for a person running dsrmail
# classify.rules whose pattern is not UTF-8 (regress/rules/pattern-not-utf8):
# refused with a message naming the file; deliver keeps the mail (75).
mkdir -p "$T/rules"
cp "$TOP/rules/register.map" "$TOP/rules/notice.conf" "$T/rules/"
cp "$TOP/rules/classify.rules" "$T/rules/"
printf '[kind access]\nen.broken = \377\377\n' >>"$T/rules/classify.rules"
setup_register
sed -i "0,/^rules = .*/s||rules = $T/rules|" "$CONF"
printf 'From: matti@example.org\nSubject: Access\nMessage-ID: <u@example.org>\n\nSend me my data.\n' >"$T/mail"
run deliver <"$T/mail"
is "$rc" 75 "deliver with a classify.rules pattern that is not UTF-8: exit 75, the mail stays with the MTA"
like "$err" 'classify\.rules.*not valid UTF-8; save the file as UTF-8' "saying which file and what to do"
is "$(sqlite3 "$DB" 'SELECT count(*) FROM dsr_messages')" 0 "nothing half-stored"

# A size too big for 64 bits (regress/config/max-message-size-overflow: the
# multiplication overflowed, UBSan): refused as a configuration error.
cp "$CONF" "$T/big.conf"
printf '[policy]\nmax_message_size = 74444444444443M\n' >>"$T/big.conf"
run -c "$T/big.conf" requests list
is "$rc" 78 "max_message_size past 64 bits: exit 78"
like "$err" 'max_message_size = "74444444444443M": not a size' "naming the key and the value"

done_testing
