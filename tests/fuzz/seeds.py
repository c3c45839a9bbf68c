#!/usr/bin/python3
"""tests/fuzz/seeds.py OUT: write the seed corpus of every fuzz target into
OUT/TARGET/, from what the tests already use: the mails of tests/mail, the
rules, templates and maps of the checkout and tests/fixtures, the example
config, and the hand-written seeds in tests/fuzz/seeds/TARGET/."""
import email
import email.policy
import hashlib
import pathlib
import shutil
import sys

top = pathlib.Path(__file__).resolve().parents[2]
out = pathlib.Path(sys.argv[1])


def put(target, data):
    """One seed file, named by its hash (as libFuzzer names its own)."""
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


mails = sorted((top / "tests/mail").glob("*.eml"))
for m in mails:
    raw = m.read_bytes()
    put("intake", raw)
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_maintype() != "text":
            continue
        body = part.get_payload(decode=True) or b""
        if part.get_content_subtype() == "html":
            put("html", body)
        else:
            put("rectify", body)
for f in [top / "rules/classify.rules"]:
    put("rules", f.read_bytes())
for f in [top / "rules/register.map", top / "tests/fixtures/other/register.map"]:
    put("map", f.read_bytes())
for f in sorted((top / "templates").glob("*/*.txt")):
    put("template", f.read_bytes())
put("config", (top / "contrib/dsrmail.conf.example").read_bytes())
own = top / "tests/fuzz/seeds"
for d in sorted(own.iterdir()) if own.is_dir() else []:
    for f in sorted(d.iterdir()):
        put(d.name, f.read_bytes())
for d in sorted(out.iterdir()):
    print(f"seeds: {d.name}: {len(list(d.iterdir()))} files")
