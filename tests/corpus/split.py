#!/usr/bin/python3
"""Deal a writer's batch into tune/ and heldout/ before any tuning on it.

Each mail is grouped by its rarest shape tag within the batch; each group,
in file order, is dealt out in turns of five: tune, held-out, tune,
held-out, tune. So every shape has mails in both parts and about 3/5 go to
tune. Usage: split.py BATCH_DIR CORPUS_DIR (appends to both labels.tsv).
"""
import collections
import shutil
import sys

PATTERN = "THTHT"

def main():
    batch, corpus = sys.argv[1], sys.argv[2]
    rows = [line.rstrip("\n").split("\t")
            for line in open(f"{batch}/labels.tsv", encoding="utf-8") if line.strip()]
    count = collections.Counter(tag for row in rows for tag in row[3].split("+"))
    groups = collections.OrderedDict()
    for row in sorted(rows):
        rarest = min(row[3].split("+"), key=lambda tag: (count[tag], tag))
        groups.setdefault(rarest, []).append(row)
    parts = {"T": [], "H": []}
    for members in groups.values():
        for i, row in enumerate(members):
            parts[PATTERN[i % len(PATTERN)]].append(row)
    for key, name in (("T", "tune"), ("H", "heldout")):
        with open(f"{corpus}/{name}/labels.tsv", "a", encoding="utf-8") as labels:
            for row in sorted(parts[key]):
                shutil.copy(f"{batch}/{row[0]}", f"{corpus}/{name}/{row[0]}")
                labels.write("\t".join(row) + "\n")
        print(f"{name}: {len(parts[key])}")

main()
