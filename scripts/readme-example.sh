#!/bin/sh
# readme-example.sh [--check] [README]: the sessions shown in README.md ("A rep's session"
# and "A manager's session") are the output of a real run. This runs every `$ mapkeeper`
# line of their code blocks, in order, in a scratch folder holding the demo calls (one
# database, ./mapkeeper.db, USER=maya), and writes what each printed (stdout and stderr)
# under it in README.md; the command lines themselves are kept as written (a "# ..."
# after a command is a comment for the reader). With --check it changes nothing and exits
# 1 with a diff when README shows anything else (tests/cli/t15-readme.sh). The minute a
# decision was recorded (history's "2026-03-10 09:12" headings, and the day in changes'
# "(decided by maya on 2026-03-10)") is the only thing that differs from run to run;
# --check ignores it.
#
#   scripts/readme-example.sh            regenerate README.md's examples (after changing output)
#   MK=/path/to/mapkeeper scripts/readme-example.sh --check
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
MK=${MK:-$TOP/mapkeeper}
export MK TOP
exec python3 - "$@" <<'PY'
import difflib, os, re, shlex, shutil, subprocess, sys, tempfile

args = sys.argv[1:]
check = "--check" in args
args = [a for a in args if a != "--check"]
readme = args[0] if args else os.path.join(os.environ["TOP"], "README.md")
mk = os.environ["MK"]
SECTIONS = ("## A rep's session", "## A manager's session")
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d  ")
DECIDED = re.compile(r"\(decided by ([^)]*) on \d{4}-\d\d-\d\d\)")

lines = open(readme, encoding="utf-8").read().split("\n")

def blocks():
    """(first, end) line ranges of the first indented code block of each section."""
    out = []
    for title in SECTIONS:
        try:
            i = lines.index(title)
        except ValueError:
            sys.exit("readme-example: no '%s' in %s" % (title, readme))
        while i < len(lines) and not lines[i].startswith("    $ "):
            i += 1
        j = i
        while j < len(lines) and (lines[j].startswith("    ") or lines[j] == ""):
            j += 1
        while j > i and lines[j - 1] == "":
            j -= 1
        out.append((i, j))
    return out

scratch = tempfile.mkdtemp(prefix="mk-readme-")
try:
    for f in sorted(os.listdir(os.path.join(os.environ["TOP"], "demo"))):
        if f.endswith(".vtt"):
            shutil.copy(os.path.join(os.environ["TOP"], "demo", f), scratch)
    env = dict(os.environ, USER="maya", TZ="UTC")
    env.pop("MAPKEEPER_DB", None)
    new, ncmd = [], 0
    for first, end in blocks():
        block = []
        for line in lines[first:end]:
            if not line.startswith("    $ "):
                continue
            cmd = line[6:]
            if not cmd.startswith("mapkeeper "):
                sys.exit("readme-example: not a mapkeeper command: " + line)
            ncmd += 1
            p = subprocess.run(shlex.quote(mk) + cmd[len("mapkeeper"):], shell=True, cwd=scratch, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            block.append(line)
            for o in p.stdout.decode("utf-8").rstrip("\n").split("\n") if p.stdout.strip() else []:
                block.append(("    " + o).rstrip() if o else "")
        new.append((first, end, block))
finally:
    shutil.rmtree(scratch)

if check:
    norm = lambda ls: [DECIDED.sub(r"(decided by \1 on YYYY-MM-DD)", STAMP.sub("YYYY-MM-DD HH:MM  ", l[4:]))
                       if l.startswith("    ") else l for l in ls]
    bad = 0
    for first, end, block in new:
        if norm(lines[first:end]) != norm(block):
            bad = 1
            sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in lines[first:end]], [l + "\n" for l in block],
                                                       "README.md (shown)", "a real run"))
    print("%d commands of README's sessions run%s" % (ncmd, ": the output differs" if bad else " as shown"))
    sys.exit(bad)

for first, end, block in reversed(new):
    lines[first:end] = block
open(readme, "w", encoding="utf-8").write("\n".join(lines))
print("readme-example: %d commands run, README's sessions rewritten from their output" % ncmd)
PY
