#!/usr/bin/python3
# The layout of src/ (src/README.md): every #include "folder/file.h" points
# down the layers or stays in its own folder, no two modules (file.c with
# its file.h) depend on each other even through others, and every folder
# says what it is for. Reads only the #include lines; prints TAP.
import os
import re
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SRC = os.path.join(TOP, "src")

# Lower ranks are lower layers; a folder may include its own headers and
# those of folders of a lower rank. Folders of equal rank are neighbours that
# must not include each other. Keep in step with src/README.md.
RANKS = {
    "base": 0,
    "mail": 1, "rules": 1,
    "store": 2,
    "register": 3,
    "reply": 4,
    "request": 5,
    "web": 6,
    "cmd": 7,
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
results = []


def ok(passed, name, diagnostics=()):
    results.append((passed, name, list(diagnostics)))


def modules():
    """Every source module: "folder/name" -> list of its files."""
    found = {}
    for folder in sorted(os.listdir(SRC)):
        path = os.path.join(SRC, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            stem, ext = os.path.splitext(name)
            if ext in (".c", ".h"):
                found.setdefault(folder + "/" + stem, []).append(
                    os.path.join(path, name))
    return found


def main():
    mods = modules()
    folders = sorted({m.split("/")[0] for m in mods})
    unknown = [f for f in folders if f not in RANKS]
    ok(not unknown, "every folder of src/ has a layer",
       ["%s: not in RANKS (tests/005-layers.t) nor src/README.md" % f
        for f in unknown])

    missing = [f for f in folders
               if not os.path.isfile(os.path.join(SRC, f, "README"))]
    ok(not missing, "every folder says what it is for (src/FOLDER/README)",
       ["src/%s/README is missing" % f for f in missing])

    edges, bad, dangling = {}, [], []
    for module, files in mods.items():
        folder = module.split("/")[0]
        edges[module] = set()
        for path in files:
            with open(path, encoding="utf-8") as source:
                for target in INCLUDE.findall(source.read()):
                    if target == "paths.h":   # generated into $(BUILD)
                        continue
                    if not os.path.isfile(os.path.join(SRC, target)):
                        dangling.append("%s includes %s: no such header"
                                        % (os.path.relpath(path, TOP), target))
                        continue
                    other = target[:-2]
                    to = other.split("/")[0]
                    if other != module:
                        edges[module].add(other)
                    if to != folder and not (
                            to in RANKS and folder in RANKS and
                            RANKS[to] < RANKS[folder]):
                        bad.append("%s includes %s: %s may not include from %s"
                                   % (os.path.relpath(path, TOP), target,
                                      folder, to))
    ok(not dangling, "every include names src/FOLDER/FILE.h", dangling)
    ok(not bad, "includes only point down the layers", bad)

    # Cycles between modules: a depth-first search that reports each cycle
    # once, by the path that closes it.
    cycles, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for other in sorted(edges.get(module, ())):
            if state.get(other) == "open":
                cycle = path[path.index(other):] + [other]
                cycles.append(" -> ".join(cycle))
            elif other not in state:
                visit(other, path + [other])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    ok(not cycles, "no include cycle between modules", cycles)

    for number, (passed, name, diagnostics) in enumerate(results, 1):
        print("%sok %d - %s" % ("" if passed else "not ", number, name))
        for line in diagnostics:
            print("# " + line)
    print("1..%d" % len(results))
    return 0 if all(r[0] for r in results) else 1


sys.exit(main())
