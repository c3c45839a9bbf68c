#!/usr/bin/python3
"""bigmail.py: write a request mail of SIZE bytes (CRLF line ends) for the
memory benchmark: a short Finnish access request with a PDF attachment
(random bytes, base64) making up the rest.

usage: bigmail.py SIZE OUT.eml [MESSAGE-ID]
"""
import base64
import os
import sys


def main(size, out, message_id):
    head = ("From: Matti Meikäläinen <matti@generated.example>\r\n"
            "To: tietosuoja@hrmentor.fi\r\n"
            "Subject: =?utf-8?q?tietopyynt=C3=B6?=\r\n"
            "Message-ID: <%s>\r\n"
            "Date: Thu, 26 Nov 2026 10:00:00 +0200\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "Hei, haluan nähdä tietoni. Liitteenä valtakirja.\r\n\r\n"
            "--b\r\nContent-Type: application/pdf; name=\"valtakirja.pdf\"\r\n"
            "Content-Disposition: attachment; filename=\"valtakirja.pdf\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n" % message_id).encode()
    tail = b"\r\n--b--\r\n"
    lines = (size - len(head) - len(tail)) // 78
    encoded = base64.b64encode(b"%PDF-1.4\n" + os.urandom(lines * 57 - 9))
    with open(out, "wb") as f:
        f.write(head)
        for i in range(0, len(encoded), 76):
            f.write(encoded[i:i + 76] + b"\r\n")
        f.write(tail)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2],
         sys.argv[3] if len(sys.argv) > 3 else "big-pdf@generated.example")
