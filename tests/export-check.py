#!/usr/bin/env python3
"""Check a `dsrmail export` bundle against the register it came from, value by
value, with its own SQL (an oracle independent of dsrmail's data map code).

usage: export-check.py DB DIR EMAIL-NORMALISED LANGUAGE
Prints one TAP-style line per check ("ok - ..." / "not ok - ...")."""
import csv, json, sqlite3, sys

db_path, out, email, language = sys.argv[1:5]
db = sqlite3.connect(db_path)
db.row_factory = sqlite3.Row
results = []

def check(condition, description, detail=""):
    results.append((bool(condition), description, detail))

subjects = [r["id"] for r in db.execute(
    "SELECT id FROM customers WHERE lower(trim(email, ' ')) = ? ORDER BY id", (email,))]
expected_rows = {}
for key in subjects:
    c = db.execute("SELECT * FROM customers WHERE id = ?", (key,)).fetchone()
    expected_rows[key] = {
        "customers": [dict(c)],
        "organisations": [dict(r) for r in db.execute(
            "SELECT * FROM organisations WHERE id = ?", (c["organisation_id"],))],
        "orders": [dict(r) for r in db.execute(
            "SELECT * FROM orders WHERE customer_id = ? ORDER BY id", (key,))],
        "invoices": [dict(r) for r in db.execute(
            "SELECT * FROM invoices WHERE customer_id = ? ORDER BY id", (key,))],
    }

data = json.load(open(f"{out}/export.json", encoding="utf-8"))
check(data.get("format") == "dsrmail-export" and data.get("format_version") == 1,
      "export.json names its format and version")
check(data.get("language") == language, "export.json says its language")
check(data["controller"]["name"] == "HR Mentor Oy" and
      "paivi.savolainen@hrmentor.fi" in data["controller"]["contact"],
      "export.json names the controller and the contact (N1)")
check([s["key"] for s in data["subjects"]] == subjects,
      "export.json has every matching subject, in key order",
      f'{[s["key"] for s in data["subjects"]]} != {subjects}')
mismatch = []
for s in data["subjects"]:
    tables = {t["table"]: t for t in s["tables"]}
    for name, rows in expected_rows[s["key"]].items():
        got = tables[name]["rows"]
        if got != rows:
            mismatch.append(f"{name}: {got} != {rows}")
        columns = [c["column"] for c in tables[name]["columns"]]
        if rows and columns != list(rows[0].keys()):
            mismatch.append(f"{name}: columns {columns}")
        for c in tables[name]["columns"]:
            if not c.get("label") or not c.get("category"):
                mismatch.append(f"{name}.{c['column']} has no label or category")
check(not mismatch, "every value of every table in export.json equals the register's, with label and category",
      "\n".join(mismatch[:5]))
labels = {c["column"]: c["label"] for c in data["subjects"][0]["tables"][0]["columns"]}
want = {"fi": "Puhelinnumero", "en": "Phone number", "sv": "Telefonnummer"}[language]
check(labels.get("phone") == want, f"labels are in the export's language ({want})", str(labels.get("phone")))

for name in ("customers", "organisations", "orders", "invoices"):
    raw = open(f"{out}/{name}.csv", "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), f"{name}.csv starts with a UTF-8 byte-order mark")
    check(b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"").replace(b'"', b"").split(b",")[0],
          f"{name}.csv has CRLF line ends")
    with open(f"{out}/{name}.csv", newline="", encoding="utf-8-sig") as fh:
        parsed = list(csv.reader(fh))
    header, body = parsed[0], parsed[1:]
    seen, want_rows = set(), []
    for key in subjects:
        for row in expected_rows[key][name]:
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            want_rows.append(["" if row[c] is None else str(row[c]) for c in header])
    check(header == list(expected_rows[subjects[0]][name][0].keys()) if expected_rows[subjects[0]][name] else True,
          f"{name}.csv's header is the table's columns", str(header))
    check(body == want_rows, f"{name}.csv parses (RFC 4180) to the register's rows, each once",
          f"{body} != {want_rows}")

html = open(f"{out}/summary.html", encoding="utf-8").read()
missing = []
for key in subjects:
    for name, rows in expected_rows[key].items():
        for row in rows:
            for column, value in row.items():
                if value is None:
                    continue
                text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")
                if text not in html:
                    missing.append(f"{name}.{column}={value!r}")
check(not missing, "summary.html contains every value, HTML-escaped", ", ".join(missing[:5]))
facts = ["Tietosuojavaltuutetun toimisto", "tietosuoja@om.fi", "Päivi Savolainen"]
check(all(f in html for f in facts), "summary.html carries the notice facts: contact and authority (N1, N18)")
check("<script>" not in html, "summary.html contains no <script> element from register values")

for ok, description, detail in results:
    print(("ok - " if ok else "not ok - ") + description)
    if not ok and detail:
        print("# " + detail.replace("\n", "\n# "))
