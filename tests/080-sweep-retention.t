#!/usr/bin/env bash
# dsrmail sweep: retention erasure (N6) through the data map and its holds,
# raw request mails removed after evidence_retention (rows and events stay),
# a second sweep changes nothing, --dry-run changes nothing and lists.
. "$(dirname "$0")/lib.sh"
plan 33

setup_register
export DSRMAIL_NOW=2026-11-26T12:00:00Z
q() { sqlite3 "$DB" "$1"; }
dump() { sqlite3 "$DB" .dump; }

# Customer 3: ended 10 years and 1 day ago, a paid 2015 invoice: all goes.
# Customer 4: ended 10 years and 1 day ago, with an open invoice: it stays.
# Customer 2: ended 9 years ago: kept. Customer 5: ended exactly 10 years
# ago: not yet "more than" 10 years, kept.
q "UPDATE customers SET relationship_ended_at = '2016-11-25' WHERE id = 3;
   UPDATE customers SET relationship_ended_at = '2016-11-25T11:00:00Z' WHERE id = 4;
   UPDATE customers SET relationship_ended_at = '2017-11-26' WHERE id = 2;
   INSERT INTO customers(id, first_name, last_name, email, phone, street, city,
       created_at, relationship_ended_at)
   VALUES (5, 'Aino', 'Rajala', 'aino.rajala@example.fi', '045 999 8888',
       'Kirkkokatu 7', 'Oulu', '2010-01-01', '2016-11-26T12:00:00Z');
   INSERT INTO orders VALUES (5, 4, '2016-01-05', 'Valmennus', 1, 50000, 'EUR');
   INSERT INTO invoices VALUES (5, 4, 5, '2016-01-10', '2016-01-24', 50000, NULL, 0);"
# Raw mails (intake stores them): 1 and 2 older than 5 years, 3 younger.
q "INSERT INTO dsr_messages(id, message_id, sha256, source, received_at, size,
       from_address, subject, raw) VALUES
   (1, 'a1@example.fi', 'h1', 'deliver', '2021-11-25T08:00:00Z', 40,
       'ville.vaananen@example.com', 'Tietopyyntö', CAST('From: ville.vaananen@example.com' || char(10) AS BLOB)),
   (2, 'a2@example.fi', 'h2', 'imap', '2019-03-01T08:00:00Z', 30,
       'matti@example.org', 'Poisto', CAST('From: matti@example.org' || char(10) AS BLOB)),
   (3, 'a3@example.fi', 'h3', 'deliver', '2021-11-27T08:00:00Z', 30,
       'aino.rajala@example.fi', 'Oikaisu', CAST('From: aino.rajala@example.fi' || char(10) AS BLOB));"
# Requests opened by them, with a reply each: an old one and a younger one.
q "INSERT INTO dsr_requests(id, year, number, kind, state, message, sender,
       received_at, due_at, updated_at) VALUES
   ('DSR-2021-0001', 2021, 1, 'access', 'done', 1, 'ville.vaananen@example.com',
       '2021-11-25T08:00:00Z', '2021-12-25T08:00:00Z', '2021-11-26T08:00:00Z'),
   ('DSR-2021-0003', 2021, 3, 'rectification', 'done', 3, 'aino.rajala@example.fi',
       '2021-11-27T08:00:00Z', '2021-12-27T08:00:00Z', '2021-11-28T08:00:00Z');
   INSERT INTO dsr_outbox(request, template, recipient, message_id, raw, state,
       created_at, next_attempt_at, sent_at) VALUES
   ('DSR-2021-0001', 'access', 'ville.vaananen@example.com', 'o1@hrmentor.fi', X'', 'sent',
       '2021-11-26T08:00:00Z', '2021-11-26T08:00:00Z', '2021-11-26T08:00:00Z'),
   ('DSR-2021-0003', 'rectification_done', 'aino.rajala@example.fi', 'o3@hrmentor.fi', X'', 'sent',
       '2021-11-28T08:00:00Z', '2021-11-28T08:00:00Z', '2021-11-28T08:00:00Z');"
customer2=$(q "SELECT * FROM customers WHERE id = 2")
customer5=$(q "SELECT * FROM customers WHERE id = 5")

# --dry-run: lists, changes nothing.
dump >"$T/before"
run -v sweep --dry-run
is "$rc" 0 "sweep --dry-run exits 0"
dump >"$T/after"
same_file "$T/after" "$T/before" "--dry-run changes nothing in the database"
like "$out" "would erase subject 3: 3 rows deleted" "--dry-run lists subject 3 with its counts"
like "$out" "would erase subject 4: .*kept by holds open_invoice:1;invoiced_orders:1" \
	"--dry-run lists subject 4 and the holds that keep its data"
unlike "$out" "subject [25]" "--dry-run does not list the customers within retention"
like "$out" "2 subjects would be erased" "--dry-run counts the subjects"
is "$(printf '%s\n' "$out" | grep -o 'raw mail of message [0-9]* ' | tr '\n' ,)" \
	"raw mail of message 1 ,raw mail of message 2 ," "--dry-run lists the old raw mails by row id"
like "$out" "2 raw mails would be removed" "--dry-run counts the raw mails"

run -v sweep
is "$rc" 0 "sweep exits 0"
is "$(q "SELECT count(*) FROM customers WHERE id = 3")" 0 "customer 3 (ended 10 years and 1 day ago) is erased"
is "$(q "SELECT count(*) FROM orders WHERE customer_id = 3") $(q "SELECT count(*) FROM invoices WHERE customer_id = 3")" \
	"0 0" "with its orders and its paid invoice"
is "$(q "SELECT first_name, last_name, email, street, city, phone IS NULL, www IS NULL, ip_address IS NULL, restricted FROM customers WHERE id = 4")" \
	"Matti|Meikäläinen|matti@example.org|Tulliportinkatu 9|Kuopio|1|1|1|1" \
	"customer 4 (open invoice): what the hold keeps stays, the rest is cleared, the row is restricted"
is "$(q "SELECT id, paid_at IS NULL FROM invoices WHERE customer_id = 4") $(q "SELECT id FROM orders WHERE customer_id = 4")" \
	"5|1 5" "the open invoice and its order stay"
is "$(q "SELECT * FROM customers WHERE id = 2")" "$customer2" "customer 2 (ended 9 years ago) is kept, unchanged"
is "$(q "SELECT * FROM customers WHERE id = 5")" "$customer5" "customer 5 (ended exactly 10 years ago) is kept"
is "$(q "SELECT count(*) FROM customers WHERE id = 1") $(q "SELECT count(*) FROM orders WHERE customer_id = 1")" \
	"1 2" "a current customer is untouched"
is "$(q "SELECT type, actor, json_extract(detail, '\$.subject'), json_extract(detail, '\$.kept.open_invoice') FROM dsr_events WHERE type = 'retention_erased' ORDER BY id")" \
	"retention_erased|system|3|
retention_erased|system|4|1" "one retention_erased event per subject, by system, with counts"
is "$(q "SELECT id, raw IS NULL, raw_removed_at FROM dsr_messages ORDER BY id")" \
	"1|1|2026-11-26T12:00:00Z
2|1|2026-11-26T12:00:00Z
3|0|" "raw mails older than 5 years are removed, the younger one stays"
is "$(q "SELECT count(*), count(from_address), count(subject), count(from_address = 'aino.rajala@example.fi') FROM dsr_messages")" "3|1|1|1" \
	"the message rows stay; the old ones lose their sender's address and Subject, the younger one keeps them"
is "$(q "SELECT id, coalesce(sender, '-'), state FROM dsr_requests ORDER BY id" | tr '\n' ' ')" \
	"DSR-2021-0001|-|done DSR-2021-0003|aino.rajala@example.fi|done " \
	"an old finished request loses its sender's address; a younger one keeps it"
is "$(q "SELECT request, recipient FROM dsr_outbox ORDER BY id" | tr '\n' ' ')" \
	"DSR-2021-0001| DSR-2021-0003|aino.rajala@example.fi " \
	"so does the reply sent to it; the younger one keeps its recipient"
is "$(q "SELECT message FROM dsr_events WHERE type = 'raw_removed' ORDER BY id" | tr '\n' ' ')" "1 2 " \
	"one raw_removed event per message"
like "$err" "retention: 2 subjects erased .*1 with data kept by a hold" "the run is logged as counts"
like "$err" "evidence: 2 raw mails removed" "the removal is logged as counts"
ok "the event log is intact" dsrmail audit verify

# A second sweep at the same time changes nothing.
dump >"$T/before"
run -v sweep
dump >"$T/after"
is "$rc" 0 "a second sweep exits 0"
same_file "$T/after" "$T/before" "a second sweep changes nothing"
like "$err" "0 subjects erased.*1 already erased as far as holds allow" "and says the held subject is already erased"

# Later: the invoice is paid and the 5-year limit passes for message 3.
# The hold ends, so customer 4 goes; the earlier events stay.
q "UPDATE invoices SET paid_at = '2026-12-01' WHERE id = 5"
events=$(q "SELECT id, type, hash FROM dsr_events ORDER BY id")
DSRMAIL_NOW=2026-12-02T12:00:00Z run sweep
is "$rc" 0 "a sweep after the invoice was paid exits 0"
is "$(q "SELECT count(*) FROM customers WHERE id = 4") $(q "SELECT count(*) FROM invoices WHERE customer_id = 4") $(q "SELECT count(*) FROM orders WHERE customer_id = 4")" \
	"0 0 0" "customer 4 is erased once its hold has ended"
is "$(q "SELECT id, raw IS NULL FROM dsr_messages WHERE id = 3")" "3|1" "message 3's raw mail goes once it is 5 years old"
is "$(q "SELECT id, type, hash FROM dsr_events WHERE id <= $(printf '%s\n' "$events" | wc -l) ORDER BY id")" "$events" \
	"the earlier events are all still there, unchanged"
ok "the event log is still intact" dsrmail audit verify

done_testing
