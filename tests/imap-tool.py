#!/usr/bin/python3
"""imap-tool.py: what the IMAP tests do to their Dovecot from outside dsrmail.

usage: imap-tool.py PORT USER PASSWORD COMMAND [ARGS...]
  append FOLDER FILE...    append each file as one new (unseen) mail
  generate FOLDER N [TAG]  append N small generated mails, Message-ID
                           <TAG-i@generated.example> for i in 1..N
  write DIR N [TAG]        write the same mails as files DIR/TAG-i.eml
                           (no server needed: PORT USER PASSWORD ignored)
  count FOLDER             how many mails FOLDER holds (0 if it is missing)
  uids FOLDER              the UIDs in FOLDER, one per line
  seen FOLDER              how many mails in FOLDER carry \\Seen
  message-ids FOLDER       the Message-ID header of each mail, sorted
  copy-back FROM TO        copy every mail of FROM into TO (new UIDs)
  move-back FROM TO        move every mail of FROM into TO (new UIDs; the
                           benchmarks refill INBOX between rounds)
Uses only Python's standard imaplib; the mails are appended as they are
(imaplib sends CRLF line ends).
"""
import email.parser
import imaplib
import sys


def connect(port, user, password):
    # A server that accepts but never greets must not hang the caller.
    imap = imaplib.IMAP4("127.0.0.1", int(port), timeout=10)
    imap.login(user, password)
    return imap


def generated(tag, i):
    return ("From: Sender %d <sender%d@generated.example>\r\n"
            "To: tietosuoja@hrmentor.fi\r\n"
            "Subject: generated mail %d\r\n"
            "Message-ID: <%s-%d@generated.example>\r\n"
            "Date: Thu, 26 Nov 2026 10:00:00 +0200\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Hello, this is generated mail number %d.\r\n"
            % (i, i, i, tag, i, i)).encode()


def select(imap, folder, readonly=True):
    """True once folder is selected, False if it does not exist."""
    typ, data = imap.select('"%s"' % folder, readonly=readonly)
    if typ != "OK" and b"NONEXISTENT" not in data[0]:
        sys.exit("select %s: %s" % (folder, data))
    return typ == "OK"


def uid_list(imap, folder):
    if not select(imap, folder):
        return []
    typ, data = imap.uid("SEARCH", None, "ALL")
    return [int(u) for u in data[0].split()]


def main(argv):
    port, user, password, command = argv[1:5]
    args = argv[5:]
    if command == "write":
        tag = args[2] if len(args) > 2 else "gen"
        for i in range(1, int(args[1]) + 1):
            with open("%s/%s-%04d.eml" % (args[0], tag, i), "wb") as f:
                f.write(generated(tag, i))
        return
    imap = connect(port, user, password)
    if command == "append":
        for path in args[1:]:
            with open(path, "rb") as f:
                typ, data = imap.append('"%s"' % args[0], None, None, f.read())
            if typ != "OK":
                sys.exit("append %s: %s" % (path, data))
    elif command == "generate":
        tag = args[2] if len(args) > 2 else "gen"
        for i in range(1, int(args[1]) + 1):
            typ, data = imap.append('"%s"' % args[0], None, None, generated(tag, i))
            if typ != "OK":
                sys.exit("append: %s" % data)
    elif command == "count":
        print(len(uid_list(imap, args[0])))
    elif command == "uids":
        for u in uid_list(imap, args[0]):
            print(u)
    elif command == "seen":
        n = 0
        if select(imap, args[0]):
            typ, data = imap.uid("SEARCH", None, "SEEN")
            n = len(data[0].split())
        print(n)
    elif command == "message-ids":
        ids = []
        if select(imap, args[0]):
            typ, data = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            for item in data:
                if isinstance(item, tuple):
                    header = email.parser.BytesHeaderParser().parsebytes(item[1])
                    ids.append(str(header.get("Message-ID", "")).strip())
        for i in sorted(ids):
            print(i)
    elif command == "copy-back":
        if select(imap, args[0], readonly=False):
            typ, data = imap.uid("COPY", "1:*", '"%s"' % args[1])
            if typ != "OK":
                sys.exit("copy: %s" % data)
    elif command == "move-back":
        if select(imap, args[0], readonly=False):
            typ, data = imap.uid("MOVE", "1:*", '"%s"' % args[1])
            if typ != "OK":
                sys.exit("move: %s" % data)
    else:
        sys.exit("imap-tool.py: unknown command " + command)
    imap.logout()


if __name__ == "__main__":
    main(sys.argv)
