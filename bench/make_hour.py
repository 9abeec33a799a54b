#!/usr/bin/env python3
"""Writes a deterministic one-hour Teams WebVTT call (about 10,000 words) built from
sentence templates of sales-call speech: commitments, hedges, questions, small talk.
usage: make_hour.py OUT.vtt [SEED]"""
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

def main():
    out = sys.argv[1]
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
