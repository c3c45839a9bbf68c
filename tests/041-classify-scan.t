#!/bin/bash
# The classifier's shortcut (issue 16): it scans a text's words only for
# the terms whose first word may be among them (classify-read.c,
# term_may_start). The whole corpus (tests/corpus/, both parts, as `make
# eval` reads it) gives the same verdicts, figures and misses with the
# shortcut as with every term scanned ($CLASSIFY_SCAN_ALL).
. "$(dirname "$0")/lib.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/classify-test
RULES="$TOP/rules/classify.rules"
CORPUS="$TESTS_DIR/corpus"
[ -x "$program" ] || { echo "Bail out! no $program: run make test-programs"; exit 1; }
plan 2

for part in tune heldout; do
	"$program" eval "$RULES" "$CORPUS/$part" --misses >"$T/$part.short" 2>&1
	CLASSIFY_SCAN_ALL=1 "$program" eval "$RULES" "$CORPUS/$part" --misses \
	    >"$T/$part.all" 2>&1
	if cmp -s "$T/$part.short" "$T/$part.all"; then
		_result 0 "$part part: the same verdicts with the shortcut as with every term scanned"
	else
		# Only counts and figures of the held-out part are shown, no mail.
		_result 1 "$part part: the same verdicts with the shortcut as with every term scanned"
		diag "$(diff "$T/$part.all" "$T/$part.short" | grep -c '^[<>]') lines differ"
		[ "$part" = tune ] && diag "$(diff "$T/$part.all" "$T/$part.short" | head -n 10)"
	fi
done
