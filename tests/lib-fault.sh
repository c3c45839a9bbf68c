# tests/lib-fault.sh: what the fault-injection tests (tests/11x-fault-*.t)
# share, sourced after tests/lib.sh. Each test ends a fault with one
# figures line, which `make reliability` (tests/fault/reliability.sh)
# gathers into the table of docs/reliability.md:
#
#   figures "disk full during deliver" IN STORED LOST DUPLICATED [TWICE]
#       prints "# figures: NAME | IN | STORED | LOST | DUPLICATED | TWICE"
#       (TWICE, mails sent twice: "-" when nothing was sent) and appends the
#       same to $FAULT_FIGURES when set
#   fail_writes VAR=VALUE... -- COMMAND...: run COMMAND with writes failing
#       (tests/fault/fail-write.c: FAULT_PATH, FAULT_AFTER, FAULT_ERRNO,
#       FAULT_OPS); the failed calls are logged in $T/faults
#   FAULT_FULL=1: the long versions (more rounds, more mails) for the report

FAULT_LIBRARY=$(dirname "$DSRMAIL_BIN")/tests/fail-write.so
FAULT_FULL=${FAULT_FULL:-0}

figures() {
	local line="$1 | $2 | $3 | $4 | $5 | ${6:--}"
	diag "figures: $line"
	[ -z "${FAULT_FIGURES:-}" ] || printf '%s\n' "$line" >>"$FAULT_FIGURES"
}

fail_writes() {
	[ -e "$FAULT_LIBRARY" ] || bail "no $FAULT_LIBRARY: run make test-programs"
	local vars=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	# An ASan build wants its runtime first; the preload comes before it.
	env "${vars[@]}" FAULT_LOG="$T/faults" LD_PRELOAD="$FAULT_LIBRARY" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}

# faults: how many calls fail_writes has failed so far
faults() { [ -e "$T/faults" ] && wc -l <"$T/faults" || echo 0; }
