#!/bin/sh
# t11-real-exports.sh: every real export under $SHARED/samples (Zoom, Teams) and every
# dev-corpus call parses, and gives the utterances an independent reader (python3,
# below: cue blocks split on blank lines, tags cut with a regex, html.unescape) finds:
# same count, same speakers, same times, same text, in order. Dev calls must also name
# exactly the participants of their .gold.json, in the format it states. One TAP line
# per file.
set -u
: "${MK:?MK must name the mapkeeper binary}"
SHARED=${SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
# a user's clone has no ../shared beside it: skipped there (counted by tests/run.sh), run by CI
if [ ! -d "$SHARED/samples" ] && [ ! -d "$SHARED/corpus/dev" ]; then
	echo "ok 1 - # SKIP needs ../shared (the corpus and samples); CI runs it"
	echo "1..1"
	exit 0
fi

exec python3 - "$MK" "$SHARED" <<'PY'
import glob, html, json, os, re, subprocess, sys

mk, shared = sys.argv[1], sys.argv[2]
n = 0

def tap(ok, name, why=""):
    global n
    n += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, name))
    if not ok and why:
        for line in why.splitlines()[:6]:
            print("#   " + line)

def ms(stamp):
    parts = stamp.replace(",", ".").split(":")
    sec = float(parts[-1])
    mins = int(parts[-2])
    hours = int(parts[-3]) if len(parts) > 2 else 0
    v = round(((hours * 60 + mins) * 60 + sec) * 1000)
    return "%02d:%02d:%02d.%03d" % (v // 3600000, v // 60000 % 60, v // 1000 % 60, v % 1000)

def clean(text):
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text).replace("\u00a0", " ")
    text = re.sub("[\u200b-\u200f\ufeff]", "", text)
    return re.sub(r"\s+", " ", text).strip()

def expected(path):
    """(format, [(speaker, start, end, text)]) read independently of mapkeeper."""
    data = open(path, "rb").read().decode("utf-8").lstrip("\ufeff")
    data = data.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n[ \t]*\n", data)
    teams = "<v " in data or "<v." in data
    out, last = [], ""
    for b in blocks[1:]:
        lines = [l for l in b.split("\n") if l.strip()]
        if not lines or re.match(r"(NOTE|STYLE|REGION)\b", lines[0]):
            continue
        i = 0 if "-->" in lines[0] else 1
        start, end = re.match(r"\s*(\S+)\s+-->\s+(\S+)", lines[i]).groups()
        body = "\n".join(lines[i + 1:])
        if teams:
            spans = re.split(r"(<v[ .][^>]*>)", body)
            pieces = [("", spans[0])]
            for tag, txt in zip(spans[1::2], spans[2::2]):
                name = re.match(r"<v(?:\.[^ >]*)?\s*(.*)>", tag).group(1)
                pieces.append((clean(name), txt))
            for name, txt in pieces:
                txt = clean(txt)
                if name:
                    last = name
                if txt:
                    out.append((last, ms(start), ms(end), txt))
        else:
            txt = clean(body)
            m = re.match(r"([^:]{1,60}): (.*)$", txt)
            if m:
                last, txt = m.group(1), m.group(2).strip()
            if txt:
                out.append((last, ms(start), ms(end), txt))
    return ("teams-vtt" if teams else "zoom-vtt"), out

def run(path):
    p = subprocess.run([mk, "transcript", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return None, "exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace"))
    j = json.loads(p.stdout.decode("utf-8"))
    got = [(u["speaker"], u["start"], u["end"], u["text"]) for u in j["utterances"]]
    return (j["source"]["format"], got), ""

def compare(path, want_fmt, gold=None):
    name = os.path.relpath(path, shared)
    res, why = run(path)
    if res is None:
        return tap(False, name, why)
    fmt, got = res
    efmt, want = expected(path)
    if want_fmt:
        efmt = want_fmt
    if fmt != efmt:
        return tap(False, name, "format %s, expected %s" % (fmt, efmt))
    if len(got) != len(want):
        return tap(False, name, "%d utterances, expected %d" % (len(got), len(want)))
    if {u[0] for u in got} != {u[0] for u in want}:
        return tap(False, name, "speakers %s, expected %s" % (
            sorted({u[0] for u in got}), sorted({u[0] for u in want})))
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return tap(False, name, "utterance %d: got %r\nexpected %r" % (i + 1, g, w))
    if gold is not None:
        people = {p["name"] for p in gold["participants"]}
        if {u[0] for u in got} != people:
            return tap(False, name, "speakers %s, participants %s" % (
                sorted({u[0] for u in got}), sorted(people)))
    tap(True, "%s (%d utterances, %d speakers)" % (name, len(got), len({u[0] for u in got})))

files = sorted(glob.glob(os.path.join(shared, "samples/zoom/*.vtt")))
files += sorted(glob.glob(os.path.join(shared, "samples/teams/*.vtt")))
if not files:
    tap(False, "no real exports under %s/samples" % shared)
for f in files:
    compare(f, "teams-vtt" if "/teams/" in f else "zoom-vtt")
calls = sorted(glob.glob(os.path.join(shared, "corpus/dev/*/*.vtt")))
if not calls:
    tap(False, "no dev calls under %s/corpus/dev" % shared)
for f in calls:
    gold = json.load(open(f[:-4] + ".gold.json"))
    compare(f, {"teams": "teams-vtt", "zoom": "zoom-vtt"}.get(gold.get("format")), gold)
print("1..%d" % n)
PY
