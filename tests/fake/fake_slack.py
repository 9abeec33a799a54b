#!/usr/bin/env python3
"""fake_slack.py: a fake Slack (incoming webhooks and chat.postMessage) on 127.0.0.1.

Standard library only. Listens on 127.0.0.1 (port 0 unless given: argv[1]) and prints the
port on its first stdout line; stops after --lifetime seconds (120) and on SIGTERM.

Every URL starts with /s/<scenario>/, then
  services/T0FAKE/B0FAKE/whSECRETabc123   an incoming webhook: POST JSON {text, blocks};
                                          "ok" (text/plain), or an error code as the body
  api/chat.postMessage                    the Web API: Authorization: Bearer xoxb-fake-T0KEN-s3cret,
                                          JSON {channel, text, blocks}; {"ok": true, "ts", ...} or
                                          {"ok": false, "error": CODE} (HTTP 200), as Slack answers
Both check the message as Slack would (text or blocks; at most 50 blocks; a header's
plain_text at most 150 characters, a section's text at most 3000; known block types),
refusing a bad one with invalid_blocks. The bot's channel must be C0DEALS or #deals.

Scenarios (the <scenario> part): ok; a webhook's errors invalid_blocks, invalid_payload (400),
action_prohibited (403), no_service, channel_not_found (404), channel_is_archived (410); the
bot's invalid_auth, not_in_channel, channel_not_found, missing_scope (HTTP 200, ok false);
ratelimited (every request 429 with Retry-After: 1); 429 (the first request 429 with
Retry-After: 1, then ok); 500 (every request HTTP 500); second500 (the second request 500,
the others ok).

Control, under /_fake/: GET /_fake/state (every scenario's requests, the messages it took
with their payloads, the Authorization headers it saw), /_fake/state/<scenario> (one of
them), /_fake/count/<scenario>/messages|requests (a number, as text); POST /_fake/reset.
"""
import json
import os
import sys
import threading

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_api  # noqa: E402 (beside this file)

HOOK = "services/T0FAKE/B0FAKE/whSECRETabc123"
TOKEN = "xoxb-fake-T0KEN-s3cret"
CHANNELS = ("C0DEALS", "#deals")
WEBHOOK_ERRORS = {"invalid_blocks": 400, "invalid_payload": 400, "action_prohibited": 403,
                  "no_service": 404, "channel_not_found": 404, "channel_is_archived": 410}
BOT_ERRORS = ("invalid_auth", "not_in_channel", "channel_not_found", "missing_scope")
BLOCK_TYPES = ("header", "section", "context", "divider", "actions", "image", "rich_text")

LOCK = threading.Lock()
STATE = {}  # scenario -> {"requests": n, "messages": [...], "auth": [...]}


def scenario_state(sc):
    return STATE.setdefault(sc, {"requests": 0, "messages": [], "auth": []})


def text_ok(t, limit, kinds=("plain_text", "mrkdwn")):
    return isinstance(t, dict) and t.get("type") in kinds and isinstance(t.get("text"), str) \
        and 0 < len(t["text"]) <= limit


def blocks_ok(blocks):
    """Slack's checks of a message's blocks, as far as the tests need them."""
    if not isinstance(blocks, list) or len(blocks) > 50:
        return False
    for b in blocks:
        kind = b.get("type") if isinstance(b, dict) else None
        if kind not in BLOCK_TYPES:
            return False
        if kind == "header" and not text_ok(b.get("text"), 150, ("plain_text",)):
            return False
        if kind == "section" and not text_ok(b.get("text"), 3000):
            return False
        if kind == "context":
            els = b.get("elements")
            if not isinstance(els, list) or not els or len(els) > 10 or not all(text_ok(e, 3000) for e in els):
                return False
    return True


def message_error(msg):
    """None when Slack would take msg, else its error code."""
    if not isinstance(msg, dict) or not (msg.get("text") or msg.get("blocks")):
        return "invalid_payload" if not isinstance(msg, dict) else "no_text"
    if "blocks" in msg and not blocks_ok(msg["blocks"]):
        return "invalid_blocks"
    return None


class Handler(fake_api.Handler):
    """fake_api's handler (HTTP/1.1, quiet, send()) with Slack's routes."""

    def do_GET(self):
        path = self.path.split("?")[0].split("/")[1:]  # '_fake', what, ...
        if path[:2] == ["_fake", "state"]:
            with LOCK:
                if len(path) == 3:  # one scenario
                    return self.send(200, STATE.get(path[2], {"requests": 0, "messages": [], "auth": []}))
                return self.send(200, {"scenarios": STATE})
        if path[:2] == ["_fake", "count"] and len(path) == 4 and path[3] in ("requests", "messages"):
            with LOCK:
                v = STATE.get(path[2], {}).get(path[3], 0)
                return self.send(200, "%d\n" % (len(v) if isinstance(v, list) else v), "text/plain")
        return self.send(404, "not found", "text/plain")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        if self.path == "/_fake/reset":
            with LOCK:
                STATE.clear()
            return self.send(200, {"ok": True})
        parts = self.path.split("/", 3)  # '', 's', scenario, rest
        if len(parts) < 4 or parts[1] != "s":
            return self.send(404, "not found", "text/plain")
        sc, rest = parts[2], parts[3]
        with LOCK:
            st = scenario_state(sc)
            st["requests"] += 1
            nth = st["requests"]
            st["auth"].append(self.headers.get("Authorization"))
        try:
            msg = json.loads(raw.decode("utf-8"))
        except ValueError:
            msg = None
        if rest == HOOK:
            return self.webhook(sc, nth, msg)
        if rest == "api/chat.postMessage":
            return self.bot(sc, nth, msg)
        if rest.startswith("services/"):
            return self.send(404, "no_service", "text/plain")
        return self.send(404, "not found", "text/plain")

    def injected(self, sc, nth, bot):
        """A scenario's HTTP-level failure for request nth; True when one was sent."""
        if sc == "ratelimited" or (sc == "429" and nth == 1):
            body = {"ok": False, "error": "ratelimited"} if bot else "rate_limited"
            self.send(429, body, "application/json" if bot else "text/plain", {"Retry-After": "1"})
            return True
        if sc == "500" or (sc == "second500" and nth == 2):
            self.send(500, "internal_error", "text/plain")
            return True
        return False

    def record(self, sc, kind, msg):
        with LOCK:
            scenario_state(sc)["messages"].append({"via": kind, "payload": msg})

    def webhook(self, sc, nth, msg):
        if self.injected(sc, nth, False):
            return None
        if sc in WEBHOOK_ERRORS:
            return self.send(WEBHOOK_ERRORS[sc], sc, "text/plain")
        err = message_error(msg)
        if err:
            return self.send(400, "invalid_blocks" if err == "invalid_blocks" else "invalid_payload", "text/plain")
        if "channel" in msg:  # a webhook posts to its own channel only
            return self.send(400, "invalid_payload", "text/plain")
        self.record(sc, "webhook", msg)
        return self.send(200, "ok", "text/plain")

    def bot(self, sc, nth, msg):
        if self.injected(sc, nth, True):
            return None
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.send(200, {"ok": False, "error": "invalid_auth"})
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self.send(200, {"ok": False, "error": "invalid_arguments"})
        if sc in BOT_ERRORS:
            return self.send(200, {"ok": False, "error": sc})
        err = message_error(msg)
        if err:
            return self.send(200, {"ok": False, "error": err})
        if msg.get("channel") not in CHANNELS:
            return self.send(200, {"ok": False, "error": "channel_not_found"})
        self.record(sc, "bot", msg)
        return self.send(200, {"ok": True, "channel": "C0DEALS", "ts": "1767225600.%06d" % nth,
                               "message": {"type": "message", "text": msg.get("text", "")}})


def main():
    """fake_api.py's server loop (the port, --lifetime, SIGTERM) with this handler."""
    fake_api.Handler = Handler
    fake_api.main()


if __name__ == "__main__":
    main()
