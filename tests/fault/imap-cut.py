#!/usr/bin/python3
"""imap-cut.py: a TCP relay between dsrmail and the test's Dovecot that
freezes one IMAP command at a chosen point, so a test can stop the real
Dovecot exactly then (mid-FETCH, mid-MOVE). Not a server: every byte comes
from Dovecot; the relay only forwards, or stops forwarding.

  imap-cut.py --listen PORT --to PORT --dir DIR --match TEXT [--nth N]
              (--hold-command | --hold-reply BYTES)
    --match TEXT      the client command line to cut at (e.g. "UID MOVE",
                      "BODY.PEEK[]"); --nth N: its N-th occurrence (from 1)
    --hold-command    do not pass that command on (Dovecot never sees it)
    --hold-reply B    pass the command on, and only the first B bytes of
                      what Dovecot sends after it (0: Dovecot carries the
                      command out, dsrmail never hears of it)
  When it cuts it writes DIR/cut (the command line) and from then on keeps
  that connection frozen until Dovecot closes it (the test stops Dovecot),
  then closes dsrmail's side. Connections after it are passed on whole.
  Writes DIR/ready when listening; stops on SIGTERM.
"""
import argparse
import asyncio
import os
import signal


class Relay:
    def __init__(self, args):
        self.args = args
        self.seen = 0
        self.done = False

    async def connection(self, client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection(
            "127.0.0.1", self.args.to)
        state = {"reply_left": None, "frozen": False}
        up = asyncio.ensure_future(self.upstream(client_reader, server_writer, state))
        await self.downstream(server_reader, client_writer, state)
        up.cancel()
        for w in (client_writer, server_writer):
            w.close()

    def cut(self, line):
        self.done = True
        with open(os.path.join(self.args.dir, "cut"), "w") as f:
            f.write(line.decode(errors="replace"))

    async def upstream(self, reader, writer, state):
        """dsrmail to Dovecot, line by line, watching for the command."""
        while True:
            line = await reader.readline()
            if not line:
                writer.close()
                return
            if state["frozen"]:
                continue
            if not self.done and self.args.match.encode() in line:
                self.seen += 1
                if self.seen == self.args.nth:
                    if self.args.hold_reply is None:
                        state["frozen"] = True
                        self.cut(line)
                        continue
                    state["reply_left"] = self.args.hold_reply
                    writer.write(line)
                    await writer.drain()
                    self.cut(line)
                    continue
            writer.write(line)
            await writer.drain()

    async def downstream(self, reader, writer, state):
        """Dovecot to dsrmail; after a cut only what --hold-reply lets by."""
        while True:
            data = await reader.read(65536)
            if not data:
                return   # Dovecot closed it (stopped): close dsrmail's side
            left = state["reply_left"]
            if state["frozen"]:
                continue
            if left is not None:
                data = data[:left]
                state["reply_left"] = left - len(data)
                if state["reply_left"] == 0:
                    state["frozen"] = True
            if data:
                writer.write(data)
                await writer.drain()


async def main(args):
    relay = Relay(args)
    server = await asyncio.start_server(relay.connection, "127.0.0.1", args.listen)
    open(os.path.join(args.dir, "ready"), "w").close()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--to", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--match", required=True)
    parser.add_argument("--nth", type=int, default=1)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--hold-command", action="store_true")
    group.add_argument("--hold-reply", type=int)
    asyncio.run(main(parser.parse_args()))
