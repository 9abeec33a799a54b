#!/usr/bin/env python3
"""No corpus line in the repository: lists every line of the rules, extraction cases and
extractor/merge sources that shares a run of N words (default 8) with a call of
../shared/corpus (dev, real-gold, real-silver), and exits 1 if there is one. Rules and cases
are written for families of phrasing in our own words; a copied line would score the
corpus, not the family. Usage: corpus_lines.py REPO SHARED [N]"""
import glob, os, re, sys

def words(s):
    return re.findall(r"[a-z0-9']+", s.lower())

def main(repo, shared, n=8):
    grams = {}
    calls = glob.glob(os.path.join(shared, "corpus", "**", "*.vtt"), recursive=True)
    for f in calls:
        for line in open(f, encoding="utf-8", errors="replace"):
            if "-->" in line or not line.strip():
                continue
            w = words(re.sub(r"<[^>]*>", "", line))
            for i in range(len(w) - n + 1):
                grams.setdefault(" ".join(w[i:i + n]), os.path.relpath(f, shared))
    files = []
    for pat in ("rules/*.rules", "tests/cases/**/*", "extractor/*.[ch]", "merge/*.[ch]",
                "tests/unit/*.c"):
        files += glob.glob(os.path.join(repo, pat), recursive=True)
    hits = 0
    for f in sorted(files):
        if os.path.isdir(f):
            continue
        for no, line in enumerate(open(f, encoding="utf-8", errors="replace"), 1):
            w = words(line)
            for i in range(len(w) - n + 1):
                g = " ".join(w[i:i + n])
                if g in grams:
                    print(f"not ok - {os.path.relpath(f, repo)}:{no}: '{g}' is in {grams[g]}")
                    hits += 1
                    break
    if not hits:
        print(f"ok - no line of rules, cases or sources shares {n} words with the {len(calls)} corpus calls")
    return 1 if hits else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 8))
