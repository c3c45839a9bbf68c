#!/usr/bin/python3
"""send-window.py TRACE: the window between the SMTP server's 250 after DATA
and dsrmail's commit of "sent", per mail, from `strace -f -ttt -y` of
`dsrmail send` (tests/fault/reliability.sh makes the trace).

For each mail: from the recvfrom() that returns the server's "250 2.0.0"
(tests/smtp-sink.py's answer to DATA) to the last write of the database's
-wal before the next command on the socket (the commit frame: once it is
written, the mark survives a kill -9). Prints one line:
  mails N, window median X ms, max Y ms (under strace, which slows calls)
"""
import re
import statistics
import sys

line_re = re.compile(r'^\d+\s+(\d+\.\d+)\s+(\w+)\(\d+<([^>]*)>, "(.{0,12})')
windows = []
t250 = last = None
for line in open(sys.argv[1], errors="replace"):
    m = line_re.match(line)
    if not m:
        continue
    t, call, path, data = float(m.group(1)), m.group(2), m.group(3), m.group(4)
    if call == "recvfrom" and data.startswith("250 2.0.0"):
        t250, last = t, None
    elif call == "pwrite64" and path.endswith("-wal") and t250 is not None:
        last = t
    elif call in ("sendto", "write") and path.startswith("socket:") and t250 is not None:
        if last is not None:
            windows.append((last - t250) * 1000)
        t250 = None
if not windows:
    sys.exit("send-window.py: no 250 followed by a commit in " + sys.argv[1])
print("mails %d, window median %.2f ms, max %.2f ms (under strace, which slows calls)"
      % (len(windows), statistics.median(windows), max(windows)))
