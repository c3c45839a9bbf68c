#!/usr/bin/python3
"""sink-summary.py: what arrived at the test SMTP sink, one line per mail in
arrival order, for the lifecycle tests:

  RECIPIENT TEMPLATE-LANGUAGE [ATTACHMENT,...]

The template and language come from the outbox row of the mail's Message-ID
in the database. With --text DIR, each mail's decoded text is also written to
DIR/NNN.txt (NNN as in the sink) for the tests to grep.

  sink-summary.py DB SINK-DIR [--text DIR]
"""
import email
import email.policy
import glob
import os
import sqlite3
import sys


def main():
    db, sink = sys.argv[1], sys.argv[2]
    text_dir = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--text" else None
    con = sqlite3.connect(db)
    for path in sorted(glob.glob(os.path.join(sink, "*.eml"))):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        with open(path[:-4] + ".env") as f:
            rcpts = [l[9:-1] for l in f.read().splitlines() if l.startswith("RCPT TO:<")]
        mid = (msg["Message-ID"] or "").strip().strip("<>")
        row = con.execute("SELECT template, coalesce(language, 'fi+en') FROM "
                          "dsr_outbox WHERE message_id = ?", (mid,)).fetchone()
        files = [p.get_filename() for p in msg.walk() if p.get_filename()]
        name = "%s-%s" % row if row else "unknown"
        print(" ".join([",".join(rcpts), name] + ([",".join(files)] if files else [])))
        if text_dir:
            body = msg.get_body(preferencelist=("plain",))
            base = os.path.basename(path)[:-4]
            with open(os.path.join(text_dir, base + ".txt"), "w") as f:
                f.write("Subject: %s\nTo: %s\n\n" % (msg["Subject"], msg["To"]))
                f.write(body.get_content() if body else "")


main()
