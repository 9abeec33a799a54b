#!/usr/bin/env python3
"""Writes a deterministic one-hour Teams WebVTT call of about 10,000 words.

usage: make_hour.py OUT.vtt [SEED]           from sentence templates of sales-call speech
                                             (dense: a commitment or date in most lines)
       make_hour.py OUT.vtt --from A.vtt ... real calls one after another, times shifted,
                                             until 10,000 words"""
import random, sys

people = ["Dana Park", "Sam Ortiz", "Priya Nair", "Tom Becker", "Lena Vogel"]
things = ["the security questionnaire", "the order form", "the MSA redlines", "a revised quote",
          "the data export", "the rollout plan", "the pen test summary", "the DPA", "an ROI model"]
dates = ["by Friday", "tomorrow", "early next week", "by end of the month", "on the fifteenth",
         "next week", "today", "by March 20th", "in a couple of weeks", "before the holidays"]
templates = [
    "I'll send {t} {d}.", "We'll get you {t} {d}, that's the plan.", "Could you share {t} {d}?",
    "Sure, I can do that.", "I might be able to get {t} over {d} but no promises.",
    "Legal usually takes a few weeks on {t}.", "Our platform supports single sign on out of the box.",
    "I sent {t} over last week.", "Let me check with finance and I'll come back to you {d}.",
    "Honestly the budget is tight this year and procurement has to sign off.",
    "So the next thing on the list is {t}, and then we can talk about timing.",
    "Yeah that makes sense, thanks for walking us through it.",
    "I'll have Priya set up a working session {d}.", "Tom said he'll review {t} {d}.",
]

def ts(ms):
    return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)

def from_calls(out, paths):
    import re
    cue = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d\d\d) --> (\d+):(\d\d):(\d\d)\.(\d\d\d)")
    lines, words, shift = ["WEBVTT", ""], 0, 0
    while words < 10000:
        for p in paths:
            last = 0
            block = open(p, encoding="utf-8").read().split("\n")
            for i, l in enumerate(block):
                m = cue.match(l)
                if not m or i + 1 >= len(block):
                    continue
                g = [int(x) for x in m.groups()]
                a = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
                b = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
                lines += [f"{ts(a + shift)} --> {ts(b + shift)}", block[i + 1], ""]
                text = re.sub(r"<[^>]*>", "", block[i + 1])
                words += len(text.split(": ", 1)[-1].split())
                last = b
                if words >= 10000:
                    break
            shift += last + 1000
            if words >= 10000:
                break
    open(out, "w").write("\n".join(lines))

def main():
    out = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[2] == "--from":
        return from_calls(out, sys.argv[3:])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    ms, words, lines = 0, 0, ["WEBVTT", ""]
    while words < 10000:
        text = rnd.choice(templates).format(t=rnd.choice(things), d=rnd.choice(dates))
        dur = 400 * len(text.split())
        lines += [f"{ts(ms)} --> {ts(ms + dur)}", f"<v {rnd.choice(people)}>{text}</v>", ""]
        ms += dur + 150
        words += len(text.split())
    open(out, "w").write("\n".join(lines))

main()
