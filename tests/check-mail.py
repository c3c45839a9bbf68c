#!/usr/bin/python3
"""check-mail.py: read one mail as the sink saved it and print what a reader
sees, for comparison with tests/expected/mail/*.txt; problems with the
headers or attachments are printed as "PROBLEM: ..." lines, so they show in
the diff.

  check-mail.py MAIL.eml [EXPORT-DIR]
EXPORT-DIR holds what `dsrmail export` wrote: each attachment must equal the
file of the same name there.
"""
import email
import email.policy
import os
import re
import sys


def problem(text):
    print("PROBLEM: " + text)


def check_raw_headers(raw):
    head = raw.split(b"\r\n\r\n", 1)[0]
    if b"\n" in head.replace(b"\r\n", b""):
        problem("a bare LF in the header")
    try:
        head.decode("ascii")
    except UnicodeDecodeError:
        problem("8-bit bytes in the header (not RFC 2047 encoded)")
    names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n")
             if line and line[:1] not in (b" ", b"\t")]
    for name in (b"bcc", b"cc", b"reply-to"):
        if name in names:
            problem("a %s header" % name.decode())
    for name in (b"from", b"to", b"subject", b"date", b"message-id",
                 b"auto-submitted"):
        if names.count(name) != 1:
            problem("%d %s headers" % (names.count(name), name.decode()))


def show_headers(message):
    message_id = message["Message-ID"]
    if not re.fullmatch(r"<[0-9a-f]{32}\.dsrmail@hrmentor\.fi>", message_id):
        problem("Message-ID not random in our domain: " + message_id)
    print("Message-ID: <RANDOM.dsrmail@hrmentor.fi>")
    for name in ("Date", "From", "To", "Subject", "In-Reply-To", "References",
                 "Auto-Submitted", "Content-Language"):
        if message[name] is not None:
            print("%s: %s" % (name, message[name]))


def show_parts(message, export_dir):
    body = message.get_body(("plain",))
    if body is None:
        problem("no text/plain part")
        return ""
    if body.get_content_charset() != "utf-8":
        problem("text charset " + str(body.get_content_charset()))
    print("Content-Type: " + message.get_content_type())
    for part in message.iter_attachments():
        name = part.get_filename()
        data = part.get_payload(decode=True)
        line = "Attachment: %s %s" % (name, part.get_content_type())
        if part.get_content_maintype() == "text":
            line += "; charset=" + str(part.get_content_charset())
        if part.get_content_disposition() != "attachment":
            problem("%s is not an attachment" % name)
        if export_dir:
            path = os.path.join(export_dir, name)
            same = os.path.exists(path) and open(path, "rb").read() == data
            line += "; same as dsrmail export" if same else "; DIFFERS from dsrmail export"
        print(line)
    return body.get_content()


def main():
    raw = open(sys.argv[1], "rb").read()
    export_dir = sys.argv[2] if len(sys.argv) > 2 else None
    check_raw_headers(raw)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    show_headers(message)
    text = show_parts(message, export_dir)
    print()
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
