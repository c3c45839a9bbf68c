#!/usr/bin/python3
"""crypto-mail.py: signed request mails and encrypted replies for the crypto
tests (tests/067-*, 068-*), made and opened with the real tools (gpg, openssl).

  crypto-mail.py sign-pgp GNUPGHOME KEY FROM SUBJECT < TEXT    PGP/MIME signed
  crypto-mail.py sign-smime CERT KEY FROM SUBJECT < TEXT       S/MIME signed
  crypto-mail.py with-key KEYFILE FROM SUBJECT < TEXT          text + a pgp-keys part
  crypto-mail.py open MAIL OUTDIR (--gpg GNUPGHOME | --smime CERT KEY)
  crypto-mail.py verify MAIL GNUPGHOME                         a PGP/MIME signed mail

Mails go to stdout, CRLF line ends. "open" decrypts a reply (PGP/MIME or
S/MIME enveloped), writes its text to OUTDIR/text.txt and each attachment to
OUTDIR/NAME, and prints what it found: "protocol: ...", "signed: ...".
"verify" checks a multipart/signed mail's signature with gpg over the exact
bytes of its first part and prints "good signature by FINGERPRINT", or why not.
"""
import email
import email.header
import email.policy
import os
import subprocess
import sys

BOUNDARY = "=-=dsrmail-test-boundary=-="


def crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def headers(sender, subject, content_type):
    # The Subject is RFC 2047 encoded: the tests' subjects are Finnish.
    encoded = email.header.Header(subject, "utf-8").encode()
    return ("From: %s\r\nTo: tietosuoja@hrmentor.fi\r\nSubject: %s\r\n"
            "Date: Mon, 2 Mar 2026 09:00:00 +0200\r\n"
            "Message-ID: <%s.%d@example.net>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: %s\r\n" % (sender, encoded, os.urandom(6).hex(),
                                      os.getpid(), content_type)).encode()


def text_part(text):
    return (b"Content-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + crlf(text))


def sign_pgp(home, key, sender, subject):
    inner = text_part(sys.stdin.buffer.read())
    signature = subprocess.run(
        ["gpg", "--homedir", home, "--batch", "--armor", "--detach-sign",
         "--digest-algo", "SHA256", "--local-user", key] + FAKED_TIME,
        input=inner, capture_output=True, check=True).stdout
    b = BOUNDARY.encode()
    sys.stdout.buffer.write(
        headers(sender, subject, 'multipart/signed; protocol='
                '"application/pgp-signature"; micalg=pgp-sha256; '
                'boundary="%s"' % BOUNDARY) + b"\r\n--" + b + b"\r\n" + inner +
        b"\r\n--" + b + b"\r\nContent-Type: application/pgp-signature; "
        b"name=\"signature.asc\"\r\n\r\n" + crlf(signature) + b"\r\n--" + b +
        b"--\r\n")


def sign_smime(cert, key, sender, subject):
    inner = text_part(sys.stdin.buffer.read())
    signed = subprocess.run(
        ["openssl", "smime", "-sign", "-signer", cert, "-inkey", key, "-binary",
         "-md", "sha256"], input=inner, capture_output=True, check=True).stdout
    # openssl writes MIME-Version and Content-Type first: our headers go
    # before them (without our own MIME lines).
    head = headers(sender, subject, "x").split(b"MIME-Version:")[0]
    sys.stdout.buffer.write(head + crlf(signed))


def with_key(keyfile, sender, subject):
    with open(keyfile, "rb") as f:
        key = f.read()
    b = BOUNDARY.encode()
    sys.stdout.buffer.write(
        headers(sender, subject, 'multipart/mixed; boundary="%s"' % BOUNDARY) +
        b"\r\n--" + b + b"\r\n" + text_part(sys.stdin.buffer.read()) +
        b"\r\n--" + b + b"\r\nContent-Type: application/pgp-keys; "
        b"name=\"key.asc\"\r\nContent-Disposition: attachment; "
        b"filename=\"key.asc\"\r\n\r\n" + crlf(key) + b"\r\n--" + b + b"--\r\n")


def decrypt(raw, message, args):
    """The decrypted MIME entity of a reply, its protocol and whether it was
    signed inside."""
    if args[0] == "--gpg":
        part = message.get_payload()[1].get_payload(decode=True)
        run = subprocess.run(["gpg", "--homedir", args[1], "--batch",
                              "--status-fd", "2", "--decrypt"], input=part,
                             capture_output=True)
        if run.returncode != 0:
            sys.exit("gpg could not decrypt the reply: %s" % run.stderr.decode())
        signed = b"GOODSIG" in run.stderr
        return run.stdout, "openpgp", signed
    run = subprocess.run(["openssl", "smime", "-decrypt", "-recip", args[1],
                          "-inkey", args[2]], input=raw, capture_output=True)
    if run.returncode != 0:
        sys.exit("openssl could not decrypt the reply: %s" % run.stderr.decode())
    inner = email.message_from_bytes(run.stdout, policy=email.policy.default)
    return run.stdout, "smime", inner.get_content_type() == "multipart/signed"


def open_reply(path, outdir, args):
    with open(path, "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    kind = message.get_content_type()
    if kind not in ("multipart/encrypted", "application/pkcs7-mime"):
        sys.exit("the reply is not encrypted: it is %s" % kind)
    plain, protocol, signed = decrypt(raw, message, args)
    inner = email.message_from_bytes(plain, policy=email.policy.default)
    os.makedirs(outdir, exist_ok=True)
    names = []
    for part in inner.walk():
        if part.is_multipart() or part.get_content_type().endswith("signature"):
            continue
        name = part.get_filename()
        if name is None and part.get_content_type() == "text/plain":
            name = "text.txt"
        if name is None:
            continue
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(part.get_payload(decode=True))
        names.append(name)
    print("protocol: %s" % protocol)
    print("signed: %s" % ("yes" if signed else "no"))
    print("files: %s" % ",".join(sorted(n for n in names if n != "text.txt")))


def verify(path, home):
    with open(path, "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if message.get_content_type() != "multipart/signed":
        sys.exit("not signed: the mail is %s" % message.get_content_type())
    boundary = message.get_boundary().encode()
    body = raw[raw.index(b"\r\n\r\n") + 4:]
    start = body.index(b"--" + boundary + b"\r\n") + len(boundary) + 4
    signed = body[start:body.index(b"\r\n--" + boundary, start)]
    signature = message.get_payload()[1].get_payload(decode=True)
    with open(path + ".sig", "wb") as f:
        f.write(signature)
    run = subprocess.run(["gpg", "--homedir", home, "--batch", "--status-fd", "1",
                          "--verify", path + ".sig", "-"], input=signed,
                         capture_output=True)
    for line in run.stdout.decode().splitlines():
        if line.startswith("[GNUPG:] VALIDSIG "):
            print("good signature by %s" % line.split()[2])
            return
    print("no good signature: %s" % run.stderr.decode().strip().replace("\n", "; "))


# A fixed past time for gpg (DSRMAIL_FAKED_TIME, for the expired key).
FAKED_TIME = (["--faked-system-time", os.environ["DSRMAIL_FAKED_TIME"]]
              if os.environ.get("DSRMAIL_FAKED_TIME") else [])


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "sign-pgp":
        sign_pgp(*args)
    elif command == "sign-smime":
        sign_smime(*args)
    elif command == "with-key":
        with_key(*args)
    elif command == "verify":
        verify(*args)
    elif command == "open":
        open_reply(args[0], args[1], args[2:])
    else:
        sys.exit(__doc__)


main()
