#!/usr/bin/env bash
# Benchmark (make bench): `dsrmail export` of one subject with 10,000 orders,
# on registers of 1,000 to BENCH_EXPORT_CUSTOMERS (1,000,000) customers (10
# orders each, so up to 10,000,000 orders), against the sqlite3 shell
# dumping the same rows as JSON (the peer), side by side: BENCH_ROUNDS
# rounds (5) per register, alternating which goes first. Prints the medians
# of wall and CPU time and their ratios (sqlite3 / dsrmail: the export also
# writes CSV and HTML, so below 1.0 is expected), and how dsrmail's time
# grows with the register: with the normalised match index and the link
# indexes it should stay flat.
#   DSRMAIL_BIN=build/dsrmail tests/bench/export.sh [MAX_CUSTOMERS]
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lib-bench.sh"
BENCH_NAME=export
max=${1:-${BENCH_EXPORT_CUSTOMERS:-1000000}}

bench_load before
base=
n=1000
while [ "$n" -le "$max" ]; do
	dir="$T/$n"
	mkdir -p "$dir"
	cat >"$dir/dsrmail.conf" <<CONF
[organisation]
name = Bench Oy
registry_address = bench@example.fi
[paths]
rules = $TOP/rules
templates = $TOP/templates
[database]
path = bench.db
CONF
	DSRMAIL_CONFIG="$dir/dsrmail.conf" "$DSRMAIL_BIN" init >/dev/null
	# Customer 1 has 10,000 orders and invoices; the rest share the others.
	sqlite3 "$dir/bench.db" >/dev/null <<SQL
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
INSERT INTO organisations VALUES (1, 'Bench Oy', '1234567-8');
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $n)
INSERT INTO customers(id, first_name, last_name, organisation_id, email, phone, city)
SELECT x, 'Etu' || x, 'Suku' || x, 1, 'customer' || x || '@example.fi', '040 ' || x, 'Kuopio' FROM c;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $n * 10)
INSERT INTO orders(id, customer_id, ordered_at, product, quantity, amount_cents, currency)
SELECT x, CASE WHEN x <= 10000 THEN 1 ELSE 2 + (x % ($n - 1)) END, '2025-01-01', 'Tuote ' || x, 1, 1000, 'EUR' FROM c;
INSERT INTO invoices(id, customer_id, order_id, issued_at, amount_cents, paid_at)
SELECT id, customer_id, id, '2025-01-02', amount_cents, '2025-01-10' FROM orders WHERE customer_id = 1;
ANALYZE;
SQL
	printf '%s\n' "SELECT * FROM customers WHERE lower(trim(email, ' ' || char(9, 10, 13))) = 'customer1@example.fi';" \
	    "SELECT * FROM organisations WHERE id = 1;" \
	    "SELECT * FROM orders WHERE customer_id = 1 ORDER BY id;" \
	    "SELECT * FROM invoices WHERE customer_id = 1 ORDER BY id;" >"$dir/peer.sql"
	for round in $(seq 1 "$ROUNDS"); do
		ours() { (cd "$dir" && DSRMAIL_CONFIG="$dir/dsrmail.conf" bench_measure "$dir/dsrmail.txt" \
		    -- "$DSRMAIL_BIN" export customer1@example.fi "$dir/out"); }
		peer() { bench_measure "$dir/sqlite3.txt" --stdin "$dir/peer.sql" -- \
		    sqlite3 -json "$dir/bench.db"; }
		if [ $((round % 2)) = 1 ]; then ours; peer; else peer; ours; fi
	done
	[ -f "$dir/out/summary.html" ] || bench_fail "dsrmail export wrote no bundle"
	wall=$(bench_median "$dir/dsrmail.txt" 1)
	[ -n "$base" ] || base=$wall
	bench_report "$n customers, $((n * 10)) orders" "$dir/sqlite3.txt" "$dir/dsrmail.txt"
	echo "$BENCH_NAME:   growth: dsrmail's time is $(bench_ratio "$wall" "$base") x its time at 1,000 customers"
	rm -f "$dir/bench.db" "$dir/bench.db-wal"
	n=$((n * 10))
done
bench_load after
