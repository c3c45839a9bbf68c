#!/usr/bin/env bash
# Every template of every language renders with sample data: the mail
# parses, no field is unknown or missing, no "{{" is left; the engine
# refuses unknown fields at load time (tests/unit/reply-test.c).
. "$(dirname "$0")/lib.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/reply-test
[ -x "$program" ] || { echo "Bail out! no $program: run make test-programs"; exit 1; }
"$program" render "$TOP/templates" "$TOP/rules"
