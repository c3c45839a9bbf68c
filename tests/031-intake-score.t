#!/bin/bash
# The classifier's score on the corpus: every non-request (tests/mail/
# ignored-*.eml) must be screened out, no request may be, and at least 95%
# of the requests must get exactly the expected kinds. Prints the score.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/intake-lib.sh"

plan 3
setup_register
deliver_corpus "$T/got.tsv"

requests=0 right=0 nonrequests=0 screened=0 lost=0
while IFS=$'\t' read -r name kinds _; do
	got=$(grep -F "$name"$'\t' "$T/got.tsv" | cut -f2)
	case "$kinds" in
	ignored:*)
		nonrequests=$((nonrequests + 1))
		case "$got" in ignored:*) screened=$((screened + 1)) ;;
		*) diag "$name: not screened out (got $got)" ;; esac ;;
	*)
		requests=$((requests + 1))
		case "$got" in ignored:*) lost=$((lost + 1)) ;; esac
		if [ "$got" = "$kinds" ]; then right=$((right + 1)); else
			diag "$name: expected $kinds, got $got"; fi ;;
	esac
done <"$MAIL_DIR/expected.tsv"

percent=$((right * 100 / requests))
echo "# classifier score: $right of $requests requests given exactly the right kinds ($percent%);" \
	"$screened of $nonrequests non-requests screened out"
is "$screened" "$nonrequests" "every non-request screened out"
is "$lost" 0 "no request screened out"
ok "at least 95% of requests classified exactly ($percent%)" test $((right * 100)) -ge $((requests * 95))
done_testing
