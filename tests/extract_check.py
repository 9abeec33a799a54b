#!/usr/bin/env python3
"""Checks `mapkeeper extract` against a NAME.expect file (tests/cases/extract/).

Lines of NAME.expect:
  date: D / seller: A,B              flags passed to extract
  seller-org: S / buyer-org: B       likewise
  commitment: at=HH:MM:SS; owner=..; side=..; due=YYYY-MM-DD | LO..HI | null
  stakeholder: at=HH:MM:SS; name=..; role=..
  risk: at=HH:MM:SS; category=..
  nothing-at: HH:MM:SS               no commitment starts in that second
  no-risk-at: HH:MM:SS               no risk starts in that second
  no-stakeholder: NAME               no stakeholder of that name (caseless)
  update: at=HH:MM:SS; change=..     an update starts in that second, of that change
  no-update-at: HH:MM:SS             no update starts in that second
A commitment's `action_has=w1 w2` checks that each word is in its action (caseless);
`action_not=w1 w2` that none is.
  count: commitments=N; stakeholders=N; risks=N
The plan's elements (issue 14): KIND is goal, go_live, next_meeting (an object or null in the
JSON), criteria, dependencies or stance (arrays):
  element: KIND at=HH:MM:SS; field=value; field_has=w1 w2; field_not=w1 w2
                                     one starts in that second, with those fields (a field
                                     of an object: window.to=YYYY-MM-DD)
  no-element: KIND at=HH:MM:SS       none starts in that second ("no-element: goal" alone:
                                     the call has none of that kind)
Prints TAP lines; exits 1 on any failure."""
import json, subprocess, sys

def fields(s):
    out = {}
    for part in s.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out

def main(mk, vtt, expect):
    args, checks = [mk, "extract", vtt, "--format", "json"], []
    for line in open(expect, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, val = line.partition(":")
        val = val.strip()
        if key == "date": args += ["--date", val]
        elif key == "seller": args += ["--seller", val]
        elif key in ("seller-org", "buyer-org"): args += ["--" + key, val]
        else: checks.append((key, val))
    r = subprocess.run(args, capture_output=True, text=True)
    name = vtt.rsplit("/", 1)[-1]
    if r.returncode != 0:
        print(f"not ok - {name}: exit {r.returncode}: {r.stderr.strip()}"); return 1
    out = json.loads(r.stdout)
    fails = 0
    for key, val in checks:
        ok, why = True, ""
        if key in ("element", "no-element"):
            kind, _, rest = val.partition(" ")
            got_kind = out.get(kind, "missing")
            elems = got_kind if isinstance(got_kind, list) else [] if got_kind is None else [got_kind]
            want = fields(rest) if rest.strip() else {}
            if got_kind == "missing":
                ok, why = False, f"no {kind!r} in the JSON"
            elif key == "no-element":
                hits = [x for x in elems if not want or x["evidence"]["start"].startswith(want.get("at", ""))]
                ok, why = not hits, f"unexpected {kind}: {hits[:1]}"
            else:
                items = [x for x in elems if x["evidence"]["start"].startswith(want.get("at", ""))]
                if not items:
                    ok, why = False, f"no {kind} at {want.get('at')}: {elems[:2]}"
                for k, v in want.items():
                    if k == "at" or not items: continue
                    base = k[:-4] if k.endswith(("_has", "_not")) else k
                    got = items[0]
                    for part in base.split("."):
                        got = got.get(part) if isinstance(got, dict) else None
                    if k.endswith(("_has", "_not")):
                        words = (got or "").lower().replace(",", " ").split()
                        good = got is not None and all((w.lower() in words) == k.endswith("_has") for w in v.split())
                    elif v == "null":
                        good = got is None
                    else:
                        good = got is not None and str(got).lower() == v.lower()
                    if not good:
                        ok, why = False, f"{kind} at {want.get('at')}: {k}={got!r}, wanted {v!r}"
        elif key in ("commitment", "stakeholder", "risk"):
            want = fields(val)
            items = [x for x in out[key + "s"] if x["evidence"]["start"].startswith(want["at"])]
            if not items:
                ok, why = False, f"no {key} at {want['at']}"
            else:
                x = items[0]
                for k, v in want.items():
                    if k == "at": continue
                    got = x.get(k[:-4] if k.endswith(("_has", "_not")) else k)
                    if k.endswith("_has") or k.endswith("_not"):
                        words = (got or "").lower().replace(",", " ").split()
                        want_in = k.endswith("_has")
                        good = got is not None and all((w.lower() in words) == want_in for w in v.split())
                    elif k == "due" and ".." in v:
                        lo, hi = v.split("..")
                        good = got is not None and lo <= got <= hi
                    elif v == "null":
                        good = got is None
                    else:
                        good = got is not None and str(got).lower() == v.lower()
                    if not good:
                        ok, why = False, f"{key} at {want['at']}: {k}={got!r}, wanted {v!r}"
        elif key == "update":  # update: at=HH:MM:SS; change=done|new_due|blocked|dropped
            want = fields(val)
            hits = [x for x in out["updates"] if x["evidence"]["start"].startswith(want["at"])]
            ok = bool(hits) and all(str(hits[0].get(k)).lower() == v.lower() for k, v in want.items() if k != "at")
            why = f"update at {want['at']}: {hits[:1]}"
        elif key == "no-update-at":
            hits = [x for x in out["updates"] if x["evidence"]["start"].startswith(val)]
            ok, why = not hits, f"unexpected update at {val}: {hits[:1]}"
        elif key == "nothing-at":
            hits = [x for x in out["commitments"] if x["evidence"]["start"].startswith(val)]
            ok, why = not hits, f"unexpected commitment at {val}: {hits[:1]}"
        elif key == "no-risk-at":
            hits = [x for x in out["risks"] if x["evidence"]["start"].startswith(val)]
            ok, why = not hits, f"unexpected risk at {val}: {hits[:1]}"
        elif key == "no-stakeholder":
            hits = [x for x in out["stakeholders"] if (x.get("name") or "").lower() == val.lower()]
            ok, why = not hits, f"unexpected stakeholder {val}: {hits[:1]}"
        elif key == "count":
            for k, v in fields(val).items():
                if len(out[k]) != int(v):
                    ok, why = False, f"{len(out[k])} {k}, wanted {v}: " + "; ".join(
                        x["evidence"]["start"] + " " + x["evidence"]["quote"][:60] for x in out[k])
        print(("ok" if ok else "not ok") + f" - {name}: {key}: {val}" + ("" if ok else f" ({why})"))
        fails += not ok
    return 1 if fails else 0

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
