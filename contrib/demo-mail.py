#!/usr/bin/python3
"""demo-mail.py: what contrib/demo reads from its SMTP sink (tests/smtp-sink.py
saves each accepted mail as NNN.eml, its envelope as NNN.env).

  demo-mail.py code SINK ADDRESS ID
      the confirmation code (26 letters and digits) in the newest mail to
      ADDRESS whose Subject carries [ID]; exit 1 if there is none
  demo-mail.py received SINK SAVE-DIR ADDRESS=LABEL...
      what each ADDRESS received, in arrival order, then any other recipient:
        LABEL (ADDRESS): N mails
          -> ADDRESS: SUBJECT (attachments: a, b)
      attachments are saved in SAVE-DIR/ADDRESS/ (a second file of the same
      name in SAVE-DIR/ADDRESS/NNN/, NNN the sink's number of the mail)
"""
import email
import email.policy
import glob
import os
import re
import sys

CODE = re.compile(r"\b[A-Z2-7]{26}\b")


def sink_mails(sink):
    """(number, recipients, message) for each mail in SINK, in arrival order."""
    for path in sorted(glob.glob(os.path.join(sink, "*.eml"))):
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        with open(path[:-4] + ".env") as f:
            rcpts = [line[9:-1] for line in f.read().splitlines()
                     if line.startswith("RCPT TO:<")]
        yield os.path.basename(path)[:-4], rcpts, message


def code(sink, address, request):
    """Print the code of the newest mail to address about request."""
    found = None
    for _, rcpts, message in sink_mails(sink):
        if address in rcpts and "[%s]" % request in str(message["Subject"]):
            body = message.get_body(preferencelist=("plain",))
            match = CODE.search(body.get_content() if body else "")
            found = match.group(0) if match else found
    if found is None:
        sys.exit("demo-mail.py: no mail to %s about %s carries a code" % (address, request))
    print(found)


def save_attachments(number, message, directory):
    """Save message's attachments in directory; return their names."""
    names = []
    for part in message.iter_attachments():
        name = os.path.basename(part.get_filename() or "attachment")
        target = directory
        if os.path.exists(os.path.join(directory, name)):
            target = os.path.join(directory, number)
        os.makedirs(target, mode=0o700, exist_ok=True)
        path = os.path.join(target, name)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
            f.write(part.get_payload(decode=True))
        names.append(name)
    return names


def received(sink, save_dir, labelled):
    """Print what each recipient received and save the attachments."""
    labels = dict(pair.split("=", 1) for pair in labelled)
    order = list(labels)
    lines = {}
    for number, rcpts, message in sink_mails(sink):
        subject = " ".join(str(message["Subject"]).split())
        for rcpt in rcpts:
            if rcpt not in labels:
                labels[rcpt] = "someone else"
                order.append(rcpt)
            names = save_attachments(number, message, os.path.join(save_dir, rcpt))
            lines.setdefault(rcpt, []).append("  -> %s: %s (attachments: %s)" % (
                rcpt, subject, ", ".join(names) if names else "none"))
    for rcpt in order:
        mails = lines.get(rcpt, [])
        print("%s (%s): %d mail%s" % (labels[rcpt], rcpt, len(mails),
                                      "" if len(mails) == 1 else "s"))
        for line in mails:
            print(line)
        if any(not line.endswith("(attachments: none)") for line in mails):
            print("     attachments saved in %s/" % os.path.join(save_dir, rcpt))


def main(argv):
    if len(argv) >= 5 and argv[1] == "code":
        code(argv[2], argv[3], argv[4])
    elif len(argv) >= 4 and argv[1] == "received":
        received(argv[2], argv[3], argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
