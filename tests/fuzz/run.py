#!/usr/bin/python3
"""tests/fuzz/run.py TARGET...: what `make fuzz` runs.

Runs each libFuzzer target of build-fuzz/fuzz/ for $FUZZ_SECONDS seconds
(default 60) of wall time, under nice 19 (the machine is shared), one after
another, on its corpus build-fuzz/corpus/TARGET (kept between runs, grown
from the seeds tests/fuzz/seeds.py writes) with the dictionary
tests/fuzz/mail.dict. libFuzzer stops at a crash; the crash is kept in
build-fuzz/crashes/TARGET/ and the target started again for the time left,
so one finding does not end the search. With $FUZZ_CPU_SECONDS a target
runs instead until it has had that much CPU time (a busy machine gives a
nice 19 job little), in runs of $FUZZ_SECONDS. Prints one line per target:

  TARGET: SECONDS s, CPU SECONDS s, EXECUTIONS executions, coverage N edges,
      N features, corpus N, crashes N

and writes the same, tab-separated, to build-fuzz/fuzz-summary.tsv (or
$FUZZ_SUMMARY), and appends it, dated, to build-fuzz/fuzz-history.tsv, the
record of every run that docs/reliability.md adds up. Exit 1 when any
target crashed."""
import os
import pathlib
import re
import resource
import subprocess
import sys
import time

top = pathlib.Path(__file__).resolve().parents[2]
b = top / "build-fuzz"
seconds = int(os.environ.get("FUZZ_SECONDS", "60"))
cpu_budget = float(os.environ.get("FUZZ_CPU_SECONDS", "0"))
summary = pathlib.Path(os.environ.get("FUZZ_SUMMARY", b / "fuzz-summary.tsv"))
subprocess.run(["/usr/bin/python3", top / "tests/fuzz/seeds.py", b / "seeds"],
               check=True, stdout=subprocess.DEVNULL)
(b / "logs").mkdir(parents=True, exist_ok=True)
rows = []
failed = False
for t in sys.argv[1:]:
    corpus, crashes, seeds = b / "corpus" / t, b / "crashes" / t, b / "seeds" / t
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    log = b / "logs" / f"{t}.log"
    found_before = set(crashes.iterdir())   # kept from earlier runs: not this one's
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    execs = 0
    cov = ft = "?"
    def cpu_used():
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (now.ru_utime + now.ru_stime) - (before.ru_utime + before.ru_stime)

    with open(log, "w") as f:
        while True:
            if cpu_budget > 0:
                if cpu_used() >= cpu_budget:
                    break
                left = seconds
            else:
                left = seconds - (time.monotonic() - start)
            if left < 2:
                break
            args = ["nice", "-n", "19", str(b / "fuzz" / t),
                    f"-max_total_time={int(left)}", f"-dict={top / 'tests/fuzz/mail.dict'}",
                    f"-artifact_prefix={crashes}/", "-print_final_stats=1",
                    "-max_len=65536", "-timeout=25", "-rss_limit_mb=4096",
                    "-close_fd_mask=3", str(corpus)] + ([str(seeds)] if seeds.is_dir() else [])
            out = subprocess.run(args, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace")
            f.write(out)
            f.flush()
            m = re.findall(r"^stat::number_of_executed_units: *(\d+)", out, re.M)
            if m:
                execs += int(m[-1])
            else:   # a crash: no final stats; the last status line counts
                m = re.findall(r"^#(\d+)\s", out, re.M)
                execs += int(m[-1]) if m else 0
            m = re.findall(r"cov: (\d+) ft: (\d+)", out)
            if m:
                cov, ft = m[-1]
            if cpu_budget == 0 and "Test unit written to" not in out and "==ERROR" not in out:
                break   # ran its time out
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    wall = time.monotonic() - start
    ncrash = len([p for p in set(crashes.iterdir()) - found_before
                  if p.name.startswith(("crash-", "leak-", "timeout-", "oom-"))])
    ncorpus = len(list(corpus.iterdir()))
    print(f"{t}: {wall:.0f} s, CPU {cpu:.0f} s, {execs} executions, coverage {cov} edges, "
          f"{ft} features, corpus {ncorpus}, crashes {ncrash}", flush=True)
    if ncrash:
        failed = True
        print(f"  {t} crashed: see {log} and the inputs in {crashes}/", flush=True)
    rows.append([t, f"{wall:.0f}", f"{cpu:.0f}", str(execs), cov, ft, str(ncorpus), str(ncrash)])
history = b / "fuzz-history.tsv"
new_history = not history.exists()
with open(history, "a") as f:
    if new_history:
        f.write("date\ttarget\tseconds\tcpu_seconds\texecutions\tcoverage_edges\tfeatures\tcorpus\tcrashes\n")
    for r in rows:
        f.write(time.strftime("%Y-%m-%dT%H:%M:%S") + "\t" + "\t".join(r) + "\n")
with open(summary, "w") as f:
    f.write("target\tseconds\tcpu_seconds\texecutions\tcoverage_edges\tfeatures\tcorpus\tcrashes\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
sys.exit(1 if failed else 0)
