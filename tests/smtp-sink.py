#!/usr/bin/python3
"""smtp-sink.py: the tests' SMTP server, on python3-aiosmtpd (Debian).

Saves every accepted message byte for byte to DIR/NNN.eml, with its envelope
in DIR/NNN.env ("MAIL FROM:<...>" then one "RCPT TO:<...>" per line), and
counts connections (EHLO/HELO) in DIR/connections.

  smtp-sink.py --port PORT --dir DIR [--fail-first N] [--refuse]
               [--tls CERT KEY [--smtps]] [--auth USER:PASSWORD]
               [--drop-mid-data N,...] [--answer-421 N,...]
               [--kill-after-250 N,... --kill-pid-file FILE [--kill-delay MS]]
    --fail-first N  answer 451 to the DATA of the first N messages
    --refuse        answer 550 to every DATA
  Faults (N counts DATA commands since the sink started, from 1; each
  fault is noted in DIR/faults):
    --drop-mid-data N,...  hang up in the middle of the N-th message's
                    data (after its first lines), answering nothing
    --answer-421 N,...     answer "421 shutting down" to the N-th
                    message's data (not saved) and close the connection
    --kill-after-250 N,... save the N-th message, answer 250, then kill -9
                    the process whose pid is in --kill-pid-file (after
                    --kill-delay milliseconds, default 0): the client dies
                    between the server's 250 and its own record of it
    --tls CERT KEY  offer STARTTLS and require it before MAIL
    --smtps         TLS from the first byte instead (implicit TLS)
    --auth U:P      require AUTH (PLAIN/LOGIN, only over TLS) as U with P;
                    each login try is appended to DIR/auth ("ok U" or "bad U")
    --oauth2 URL    require AUTH XOAUTH2 or OAUTHBEARER (also without TLS),
                    each bearer token checked at the RFC 7662 introspection
                    URL (tests/oauth2-server.py); each try is appended to
                    DIR/auth ("ok MECHANISM U" or "bad MECHANISM U")
    --mechanisms M  with --oauth2: offer only these (e.g. XOAUTH2, as
                    Microsoft 365 does); default XOAUTH2,OAUTHBEARER
Writes DIR/ready when listening; stops on SIGTERM.
"""
import argparse
import asyncio
import base64
import json
import os
import signal
import urllib.parse
import urllib.request

import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, directory, fail_first, refuse, faults=None):
        self.directory = directory
        self.fail_first = fail_first
        self.refuse = refuse
        self.faults = faults or {}
        self.data_commands = 0
        self.seen = 0
        # Numbering goes on after the mails of an earlier run.
        self.saved = len([n for n in os.listdir(directory)
                          if n.endswith(".eml")])
        self.connections = 0

    def _count_connection(self):
        self.connections += 1
        with open(os.path.join(self.directory, "connections"), "w") as f:
            f.write("%d\n" % self.connections)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self._count_connection()
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self._count_connection()
        return "250 %s" % server.hostname

    def note(self, text):
        """Append one line to DIR/faults."""
        with open(os.path.join(self.directory, "faults"), "a") as f:
            f.write(text + "\n")

    def fault(self, name):
        """TRUE if the current DATA command is one fault name hits."""
        return self.data_commands in self.faults.get(name, ())

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.fault("answer_421"):
            self.note("421 to data %d" % self.data_commands)
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 shutting down (test sink)"
        if self.refuse:
            return "550 5.7.1 refused by the test sink"
        if self.seen <= self.fail_first:
            return "451 4.3.0 try again later (test sink)"
        self.saved += 1
        base = os.path.join(self.directory, "%03d" % self.saved)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".env", "w") as f:
            f.write("MAIL FROM:<%s>\n" % envelope.mail_from)
            for rcpt in envelope.rcpt_tos:
                f.write("RCPT TO:<%s>\n" % rcpt)
        os.rename(base + ".eml.tmp", base + ".eml")
        if self.fault("kill_after_250"):
            asyncio.get_running_loop().call_later(
                self.faults["kill_delay"] / 1000.0, self.kill_client)
        return "250 2.0.0 saved as %03d" % self.saved

    def kill_client(self):
        """kill -9 the process named in the pid file (the client)."""
        with open(self.faults["kill_pid_file"]) as f:
            pid = int(f.read().strip())
        os.kill(pid, signal.SIGKILL)
        self.note("killed %d after 250 to data %d (saved as %03d)"
                  % (pid, self.data_commands, self.saved))


class FaultySMTP(SMTP):
    """aiosmtpd's server, counting DATA commands and hanging up in the
    middle of one's data when --drop-mid-data says so."""

    async def smtp_DATA(self, arg):
        sink = self.event_handler
        if not self.envelope.rcpt_tos or arg:
            return await super().smtp_DATA(arg)
        sink.data_commands += 1
        if not sink.fault("drop_mid_data"):
            return await super().smtp_DATA(arg)
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        got = 0
        while got < 256:
            got += len(await self._reader.readuntil(b"\r\n"))
        sink.note("dropped data %d after %d bytes" % (sink.data_commands, got))
        self.transport.abort()


class FaultyController(Controller):
    def factory(self):
        return FaultySMTP(self.handler, **self.SMTP_kwargs)


class Authenticator:
    """Accepts one user and password; records every try in DIR/auth."""

    def __init__(self, directory, user, password):
        self.path = os.path.join(directory, "auth")
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        good = (auth_data.login == self.user and
                auth_data.password == self.password)
        with open(self.path, "a") as f:
            f.write("%s %s\n" % ("ok" if good else "bad",
                                  auth_data.login.decode(errors="replace")))
        return AuthResult(success=good, handled=False)


class OAuth2Sink(Sink):
    """A sink that takes bearer tokens (SASL XOAUTH2 and OAUTHBEARER)."""

    def __init__(self, directory, fail_first, refuse, introspect):
        super().__init__(directory, fail_first, refuse)
        self.introspect = introspect
        self.path = os.path.join(directory, "auth")

    def _active(self, token):
        body = urllib.parse.urlencode({"token": token}).encode()
        with urllib.request.urlopen(self.introspect, body, timeout=10) as answer:
            return json.load(answer)

    async def _bearer(self, server, args, mechanism, parse):
        if len(args) == 2:
            blob = base64.b64decode(args[1])
        else:
            blob = await server.challenge_auth("")
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=True)
        user, token = parse(blob.decode(errors="replace"))
        info = self._active(token) if token else {}
        good = bool(info.get("active")) and info.get("username") == user
        with open(self.path, "a") as f:
            f.write("%s %s %s\n" % ("ok" if good else "bad", mechanism, user))
        if good:
            return AuthResult(success=True, auth_data=user)
        # RFC 7628 3.2.2 / Google's XOAUTH2: an error challenge, the
        # client's (dummy) answer, then the refusal.
        error = json.dumps({"status": "invalid_token", "schemes": "bearer"})
        await server.challenge_auth(error)
        return AuthResult(success=False, handled=False)

    async def auth_XOAUTH2(self, server, args):
        def parse(text):
            fields = dict(f.split("=", 1) for f in text.split("\x01") if "=" in f)
            return fields.get("user", ""), fields.get("auth", "")[len("Bearer "):]
        return await self._bearer(server, args, "XOAUTH2", parse)

    async def auth_OAUTHBEARER(self, server, args):
        def parse(text):
            header, _, rest = text.partition("\x01")
            user = dict(f.split("=", 1) for f in header.split(",") if "=" in f).get("a", "")
            fields = dict(f.split("=", 1) for f in rest.split("\x01") if "=" in f)
            return user, fields.get("auth", "")[len("Bearer "):]
        return await self._bearer(server, args, "OAUTHBEARER", parse)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--refuse", action="store_true")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--smtps", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--oauth2")
    parser.add_argument("--mechanisms", default="XOAUTH2,OAUTHBEARER")
    numbers = lambda text: {int(n) for n in text.split(",") if n}
    parser.add_argument("--drop-mid-data", type=numbers, default=set())
    parser.add_argument("--answer-421", type=numbers, default=set())
    parser.add_argument("--kill-after-250", type=numbers, default=set())
    parser.add_argument("--kill-pid-file")
    parser.add_argument("--kill-delay", type=float, default=0)
    args = parser.parse_args()
    if args.kill_after_250 and not args.kill_pid_file:
        parser.error("--kill-after-250 needs --kill-pid-file")
    os.makedirs(args.dir, exist_ok=True)
    faults = {"drop_mid_data": args.drop_mid_data, "answer_421": args.answer_421,
              "kill_after_250": args.kill_after_250,
              "kill_pid_file": args.kill_pid_file, "kill_delay": args.kill_delay}
    options = {}
    if args.oauth2:
        sink = OAuth2Sink(args.dir, args.fail_first, args.refuse, args.oauth2)
        offered = args.mechanisms.split(",")
        options.update(auth_required=True, auth_require_tls=False,
                       auth_exclude_mechanism=[m for m in (
                           "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER")
                           if m not in offered])
    else:
        sink = Sink(args.dir, args.fail_first, args.refuse, faults)
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*args.tls)
        if args.smtps:
            options["ssl_context"] = context
        else:
            options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(authenticator=Authenticator(args.dir, user, password),
                       auth_required=True,
                       # aiosmtpd counts only STARTTLS as TLS; with --smtps
                       # the whole connection is TLS already.
                       auth_require_tls=not args.smtps)
    controller = FaultyController(sink, hostname="127.0.0.1", port=args.port,
                            data_size_limit=0, decode_data=False,
                            ready_timeout=5, **options)
    controller.start()
    # The controller's own readiness probe is not a client.
    sink.connections = 0
    try:
        os.unlink(os.path.join(args.dir, "connections"))
    except FileNotFoundError:
        pass
    open(os.path.join(args.dir, "ready"), "w").close()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
