#!/usr/bin/env bash
# Benchmark (make bench): 1,000 queued mails sent by `dsrmail send` over one
# SMTP connection, against one curl process per mail (smtp://), to the same
# aiosmtpd sink in the same run. Prints both times and their ratio.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-smtp.sh"
program=$(dirname "$DSRMAIL_BIN")/tests/reply-test
[ -x "$program" ] || make -C "$TOP" --no-print-directory test-programs >/dev/null
N=${BENCH_MAILS:-1000}
export DSRMAIL_NOW=2026-11-02T10:00:00Z

setup_register "$(smtp_config)" >/dev/null
sqlite3 "$DB" "INSERT INTO dsr_requests(id, year, number, kind, state,
	received_at, due_at, updated_at) VALUES ('DSR-2026-0042', 2026, 42,
	'access', 'received', '2026-11-02T09:00:00Z', '2026-12-02T09:00:00Z',
	'2026-11-02T09:00:00Z')"
"$program" queue --request DSR-2026-0042 --only received --lang fi \
	--count "$N" >/dev/null || { echo "bench: queueing failed"; exit 1; }
mkdir -p "$T/raw"
sqlite3 "$DB" "SELECT writefile('$T/raw/' || id || '.eml', raw) FROM dsr_outbox" >/dev/null
smtp_start

now_ms() { date +%s%3N; }
start=$(now_ms)
dsrmail send >/dev/null || { echo "bench: dsrmail send failed"; exit 1; }
batch=$(( $(now_ms) - start ))
sent=$(sink_count)
connections=$(cat "$SINK/connections")

start=$(now_ms)
for f in "$T"/raw/*.eml; do
	curl -s --url "smtp://127.0.0.1:$SMTP_PORT" --mail-from tietosuoja@hrmentor.fi \
		--mail-rcpt matti@example.org --upload-file "$f" || { echo "bench: curl failed"; exit 1; }
done
single=$(( $(now_ms) - start ))

echo "smtp-batch: $N mails; dsrmail send, one connection: ${batch} ms" \
	"($connections connection); curl, one process per mail:" \
	"${single} ms; ratio $(awk "BEGIN { printf \"%.1f\", $single / ($batch > 0 ? $batch : 1) }")x"
[ "$sent" = "$N" ] && [ "$connections" = 1 ] && [ "$(sink_count)" = $((2 * N)) ] ||
	{ echo "smtp-batch: expected $N + $N mails at the sink, got $(sink_count)"; exit 1; }
