#!/usr/bin/python3
"""measure.py: what the benchmarks (tests/bench/*.sh) measure, one process
at a time, so that every figure is taken the same way for dsrmail and for
its peer.

(One run's wall, CPU and peak RSS come from tests/bench/spawn.c: a child
forked from Python would carry Python's peak RSS in its ru_maxrss.)

usage:
  measure.py rss [--stdin FILE] [--every N] [--count REGEX] -- CMD [ARGS...]
      Run CMD, sampling its resident set (/proc/PID/status VmRSS) every
      2 ms, and count the lines of its standard error that match REGEX.
      Prints "interval LOW-HIGH peak_kb" for every N counted lines, then
      "peak_kb KB (VmHWM) lines COUNT wall_ms MS status S".
  measure.py median FILE COLUMN
      The median of column COLUMN (1-based) of FILE's lines.
  measure.py load
      The load averages and the CPU count: "load 1.20 0.90 0.80 on 2 CPUs".
"""
import os
import re
import statistics
import subprocess
import sys
import threading
import time


def split_options(argv):
    options, i = {}, 0
    while i < len(argv) and argv[i] != "--":
        options[argv[i].lstrip("-")] = argv[i + 1]
        i += 2
    return options, argv[i + 1:]


def spawn(command, options, stderr=None):
    stdin = open(options["stdin"], "rb") if "stdin" in options else subprocess.DEVNULL
    stdout = open(options["out"], "wb") if "out" in options else subprocess.DEVNULL
    if stderr is None:
        stderr = open(options["err"], "wb") if "err" in options else subprocess.DEVNULL
    return subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=stderr)


def status_kb(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss(argv):
    options, command = split_options(argv)
    every = int(options.get("every", "1000"))
    pattern = re.compile(options.get("count", "^$"))
    counted = [0]
    start = time.perf_counter_ns()
    process = spawn(command, options, stderr=subprocess.PIPE)

    def read():
        for line in process.stderr:
            if pattern.search(line.decode("utf-8", "replace")):
                counted[0] += 1

    reader = threading.Thread(target=read)
    reader.start()
    peaks, hwm = {}, 0
    while process.poll() is None:
        now = status_kb(process.pid, "VmRSS")
        hwm = max(hwm, status_kb(process.pid, "VmHWM"))
        interval = counted[0] // every
        peaks[interval] = max(peaks.get(interval, 0), now)
        time.sleep(0.002)
    reader.join()
    wall = (time.perf_counter_ns() - start) / 1e6
    for interval in sorted(peaks):
        if peaks[interval] > 0:
            print("interval %d-%d %d" % (interval * every + 1,
                  (interval + 1) * every, peaks[interval]))
    print("peak_kb %d lines %d wall_ms %.0f status %d" % (hwm, counted[0],
          wall, process.returncode))


def median(argv):
    values = []
    with open(argv[0]) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= int(argv[1]):
                values.append(float(fields[int(argv[1]) - 1]))
    print("%.2f" % statistics.median(values) if values else "nan")


def load(argv):
    print("load %.2f %.2f %.2f on %d CPUs" % (os.getloadavg() + (os.cpu_count(),)))


if __name__ == "__main__":
    {"rss": rss, "median": median, "load": load}[sys.argv[1]](sys.argv[2:])
