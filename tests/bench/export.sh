#!/bin/sh
# Benchmark: `dsrmail export` of one subject with 10,000 orders, on registers
# of 1,000 to 1,000,000 customers (10 orders each, so up to 10,000,000
# orders), against the sqlite3 shell dumping the same rows as JSON (the peer,
# run side by side). Reports seconds, the ratio to the peer, and how the time
# grows with the register: with the normalised match index and the link
# indexes it should stay flat. Not part of `make check`.
#   DSRMAIL_BIN=build/dsrmail sh tests/bench/export.sh [MAX_CUSTOMERS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${DSRMAIL_BIN:-$top/build/dsrmail}
max=${1:-1000000}
work=$(mktemp -d /tmp/dsrmail-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# best of three runs of "$@", in seconds
best_of_3() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
best = None
for _ in range(3):
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
    took = time.perf_counter() - start
    best = took if best is None or took < best else best
print(f"{best:.3f}")
PY
}

printf '%-10s %-10s %10s %10s %8s %8s\n' customers orders dsrmail sqlite3 ratio growth
base=""
n=1000
while [ "$n" -le "$max" ]; do
	dir="$work/$n"
	mkdir -p "$dir"
	cat >"$dir/dsrmail.conf" <<CONF
[organisation]
name = Bench Oy
registry_address = bench@example.fi
[paths]
rules = $top/rules
templates = $top/templates
[database]
path = bench.db
CONF
	DSRMAIL_CONFIG="$dir/dsrmail.conf" "$bin" init >/dev/null
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
	peer_sql="SELECT * FROM customers WHERE lower(trim(email, ' ' || char(9, 10, 13))) = 'customer1@example.fi';
SELECT * FROM organisations WHERE id = 1;
SELECT * FROM orders WHERE customer_id = 1 ORDER BY id;
SELECT * FROM invoices WHERE customer_id = 1 ORDER BY id;"
	ours=$(cd "$dir" && DSRMAIL_CONFIG="$dir/dsrmail.conf" best_of_3 "$bin" export customer1@example.fi "$dir/out")
	peer=$(best_of_3 sqlite3 -json "$dir/bench.db" "$peer_sql")
	[ -n "$base" ] || base=$ours
	python3 -c "import sys; o,p,b=map(float,sys.argv[4:7]); print(f'{sys.argv[1]:<10} {sys.argv[2]:<10} {o:10.3f} {p:10.3f} {o/p:8.2f} {o/b:8.2f}')" \
		"$n" "$((n * 10))" x "$ours" "$peer" "$base"
	rm -f "$dir/bench.db" "$dir/bench.db-wal"
	n=$((n * 10))
done
echo "ratio: dsrmail export time / sqlite3 -json of the same rows (the export also writes CSV and HTML)"
echo "growth: export time / export time at 1,000 customers"
