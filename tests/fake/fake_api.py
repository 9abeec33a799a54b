#!/usr/bin/env python3
"""fake_api.py: a fake Zoom and Microsoft Graph on 127.0.0.1 for tests/unit/test_remote.c.

Standard library only. Listens on 127.0.0.1 (port 0 unless given: argv[1]) and prints
the port on its first stdout line. Every URL starts with /s/<scenario>/ and then
zoom/oauth/token, zoom/v2/..., zoom/dl/..., ms/login/<tenant>/oauth2/v2.0/token or
graph/v1.0/...; the scenario picks the behaviour (see SCENARIOS below) and has its own
counters, shown by GET /_stats. Stops by itself after --lifetime seconds (120) and on
SIGTERM.

Scenarios: ok, expire (a token dies after 2 API calls), 429 (first API call: 429 with
Retry-After: 1), 500 (first API call: 500), badjson, trunc (downloads cut short), slow
(API answers after 3 s), big (a 2 MiB JSON reply), pages (3 pages, and 2 pages of each
meeting's participants), slash (Zoom meeting UUIDs with '/' that must be encoded twice).
Zoom past meeting participants: meeting 20 answers 403 (no scope); the others have a
buyer, a seller and a phone caller without e-mail.
"""
import base64
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ZOOM_ACCOUNT, ZOOM_ID, ZOOM_SECRET = "acct-1", "zoom-client", "zoom-s3cret-XYZ"
MS_TENANT, MS_ID, MS_SECRET = "tenant-1", "ms-client", "ms-s3cret-XYZ"
MS_USER = "ba321e0d-79ee-478d-8e28-85a19507f456"
MS_USERS = (MS_USER, "7f1c2d3e-0000-4000-8000-000000000001")  # a second organizer, same calls

# Each call's transcript differs (its last cue names the call), so that each has its own sha256.
VTT_ZOOM = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nAna Lima: I will send the proposal by Friday.\n"
            "\n2\n00:00:05.000 --> 00:00:08.000\nBen Ortiz: This is call %s.\n")
VTT_TEAMS = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana Lima>I will send the proposal by Friday.</v>\n"
             "\n00:00:05.000 --> 00:00:08.000\n<v Ben Ortiz>This is call %s.</v>\n")

LOCK = threading.Lock()
STATS = {}   # scenario -> counters
TOKENS = {}  # token -> [scenario, API calls left or None]


def bump(sc, key):
    with LOCK:
        d = STATS.setdefault(sc, {})
        d[key] = d.get(key, 0) + 1
        return d[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def base(self, sc):
        return "http://%s/s/%s" % (self.headers.get("Host"), sc)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        self.route("POST", form)

    def do_GET(self):
        self.route("GET", {})

    def route(self, method, form):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path == "/_stats":
            with LOCK:
                return self.send(200, STATS)
        parts = u.path.split("/", 3)
        if len(parts) < 4 or parts[1] != "s":
            return self.send(404, {"error": "no such path"})
        sc, rest = parts[2], "/" + parts[3]
        if method == "POST" and rest == "/zoom/oauth/token":
            return self.zoom_token(sc, q)
        if method == "POST" and rest.startswith("/ms/login/") and rest.endswith("/oauth2/v2.0/token"):
            return self.ms_token(sc, rest, form)
        if method == "GET" and (rest.startswith("/zoom/") or rest.startswith("/graph/")):
            return self.api(sc, rest, q)
        return self.send(404, {"error": "no such path"})

    def issue(self, sc, kind):
        n = bump(sc, kind + "_token")
        tok = "%s-token-%s-%d" % (kind, sc, n)
        with LOCK:
            TOKENS[tok] = [sc, 2 if sc == "expire" else None]
        return tok

    def zoom_token(self, sc, q):
        auth = self.headers.get("Authorization", "")
        want = "Basic " + base64.b64encode(("%s:%s" % (ZOOM_ID, ZOOM_SECRET)).encode()).decode()
        if (auth != want or q.get("grant_type") != ["account_credentials"]
                or q.get("account_id") != [ZOOM_ACCOUNT]):
            bump(sc, "zoom_token_refused")
            return self.send(401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
        tok = self.issue(sc, "zoom")
        return self.send(200, {"access_token": tok, "token_type": "bearer", "expires_in": 3599,
                               "scope": "cloud_recording:read:list_user_recordings:admin"})

    def ms_token(self, sc, rest, form):
        tenant = rest[len("/ms/login/"):-len("/oauth2/v2.0/token")]
        if (tenant != MS_TENANT or form.get("client_id") != [MS_ID]
                or form.get("client_secret") != [MS_SECRET]
                or form.get("grant_type") != ["client_credentials"]
                or form.get("scope") != ["https://graph.microsoft.com/.default"]):
            bump(sc, "ms_token_refused")
            return self.send(401, {"error": "invalid_client",
                                   "error_description": "AADSTS7000215: Invalid client secret provided."})
        tok = self.issue(sc, "ms")
        return self.send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                               "access_token": tok})

    def api(self, sc, rest, q):
        auth = self.headers.get("Authorization", "")
        tok = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        with LOCK:
            t = TOKENS.get(tok)
            ok = t is not None and t[0] == sc and (t[1] is None or t[1] > 0)
            if ok and t[1] is not None:
                t[1] -= 1
        if not ok:
            bump(sc, "api_401")
            return self.send(401, {"code": 124, "message": "Invalid access token."})
        calls = bump(sc, "api")
        if sc == "429" and calls == 1:
            return self.send(429, {"code": 429, "message": "Too many requests"}, headers={"Retry-After": "1"})
        if sc == "500" and calls == 1:
            return self.send(500, {"message": "oops"})
        if sc == "slow":
            time.sleep(3)
        if sc == "badjson" and "/dl/" not in rest and "/content" not in rest:
            return self.send(200, "{\"meetings\": [ {\"id\": 1,", "application/json")
        if sc == "big":
            return self.send(200, {"meetings": [], "value": [], "pad": "x" * (2 * 1024 * 1024)})
        if rest.startswith("/zoom/dl/") or rest.endswith("/content"):
            return self.download(sc, rest, q)
        if rest.startswith("/zoom/v2/users/") and rest.endswith("/recordings"):
            return self.zoom_recordings(sc, q)
        if rest.startswith("/zoom/v2/past_meetings/") and rest.endswith("/participants"):
            return self.zoom_participants(sc, rest, q)
        if "/onlineMeetings/getAllTranscripts(" in rest:
            return self.graph_transcripts(sc, rest, q)
        if rest.startswith("/graph/v1.0/users/") and "/onlineMeetings/" in rest:
            return self.graph_meeting(sc, rest)
        return self.send(404, {"error": {"code": "NotFound", "message": "no such resource"}})

    def download(self, sc, rest, q):
        bump(sc, "download")
        if rest.endswith("/content"):
            if q.get("$format") != ["text/vtt"] or self.headers.get("Accept") != "text/vtt":
                return self.send(400, {"error": {"code": "BadRequest"}})
            body = VTT_TEAMS % rest.split("/transcripts/")[-1].split("/")[0]
        else:
            body = VTT_ZOOM % rest.rsplit("/", 1)[-1].split(".")[0]
        if sc == "trunc":
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/vtt")
            self.send_header("Content-Length", str(len(data) + 1000))
            self.end_headers()
            self.wfile.write(data[:20])
            self.wfile.flush()
            self.close_connection = True
            return
        return self.send(200, body, "text/vtt")

    def zoom_recordings(self, sc, q):
        if q.get("page_size") != ["300"] or "from" not in q or "to" not in q:
            return self.send(400, {"code": 300, "message": "bad query"})
        npages = 3 if sc in ("pages", "expire") else 1
        tok = q.get("next_page_token", [""])[0]
        page = int(tok[1:]) if tok.startswith("p") else 1
        dl = self.base(sc) + "/zoom/dl"
        meetings = []
        for k in range(2):
            mid = page * 10 + k
            files = [{"id": "f-mp4-%d" % mid, "file_type": "MP4", "download_url": "%s/%d.mp4" % (dl, mid)}]
            if k == 0:  # one meeting of each page has a transcript
                files.append({"id": "f-vtt-%d" % mid, "file_type": "TRANSCRIPT", "file_extension": "VTT",
                              "download_url": "%s/%d.vtt" % (dl, mid), "status": "completed"})
            files.append({"id": "f-chat-%d" % mid, "file_type": "CHAT", "download_url": "%s/%d.txt" % (dl, mid)})
            uuid = ("/uu%d//id==" if sc == "slash" else "uuid-%d==") % mid
            meetings.append({"uuid": uuid, "id": 6840331990 + mid, "topic": "Deal call %d" % mid,
                             "start_time": "2024-01-%02dT15:00:00Z" % (page + 10), "timezone": "America/New_York",
                             "recording_files": files})
        nxt = "p%d" % (page + 1) if page < npages else ""
        return self.send(200, {"from": q["from"][0], "to": q["to"][0], "page_size": 300,
                               "next_page_token": nxt, "meetings": meetings})

    def zoom_participants(self, sc, rest, q):
        bump(sc, "participants")
        if q.get("page_size") != ["300"]:
            return self.send(400, {"code": 300, "message": "bad query"})
        seg = rest[len("/zoom/v2/past_meetings/"):-len("/participants")]
        uuid = urllib.parse.unquote(seg)
        if uuid.startswith("%2F") or "%2F%2F" in uuid:  # encoded twice, as Zoom wants then
            uuid = urllib.parse.unquote(uuid)
        elif uuid.startswith("/") or "//" in uuid:  # encoded once: Zoom cannot find it
            return self.send(404, {"code": 3001, "message": "Meeting does not exist: %s." % uuid})
        m = re.fullmatch(r"uuid-(\d+)==|/uu(\d+)//id==", uuid)
        if not m or "/" in seg:
            return self.send(404, {"code": 3001, "message": "Meeting does not exist: %s." % uuid})
        mid = int(m.group(1) or m.group(2))
        if mid == 20:
            return self.send(403, {"code": 4711, "message": "Invalid access token, does not contain scopes:"
                                   "[meeting:read:list_past_participants:admin]."})
        people = [{"id": "p1", "name": "Dale Hughes", "user_email": "dale@harborpine.com"},
                  {"id": "p2", "name": "Phone caller", "user_email": ""},
                  {"id": "p3", "name": "Nadia Petrova", "user_email": "nadia@routewise.io"},
                  {"id": "p1", "name": "Dale Hughes", "user_email": "Dale@HarborPine.com"}]  # rejoined
        for p in people:
            p.update({"user_id": "1640%d" % mid, "join_time": "2024-01-11T15:00:00Z",
                      "leave_time": "2024-01-11T15:40:00Z", "duration": 2400, "failover": False,
                      "status": "in_meeting", "internal_user": False})
        tok = q.get("next_page_token", [""])[0]
        if sc == "pages":
            page, nxt = (people[2:], "") if tok == "q2" else (people[:2], "q2")
        else:
            page, nxt = people, ""
        return self.send(200, {"page_count": 1 if sc != "pages" else 2, "page_size": 300,
                               "total_records": len(people), "next_page_token": nxt, "participants": page})

    def graph_transcripts(self, sc, rest, q):
        if not any("meetingOrganizerUserId='%s'" % u in urllib.parse.unquote(rest) for u in MS_USERS):
            return self.send(400, {"error": {"code": "BadRequest", "message": "meetingOrganizerUserId"}})
        npages = 3 if sc in ("pages", "expire") else 1
        page = int(q.get("$skiptoken", ["1"])[0])
        value = []
        for k in range(2):
            n = page * 10 + k
            value.append({"id": "MSMjMCMj%d" % n, "meetingId": "MSo1N2Y5/%d==" % n,
                          "callId": "call-%d" % n, "createdDateTime": "2024-02-%02dT16:00:00Z" % (page + 10),
                          "meetingOrganizer": {"user": {"id": MS_USER}}})
        body = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.callTranscript)",
                "value": value}
        if page < npages:
            path = urllib.parse.urlsplit(self.path).path
            body["@odata.nextLink"] = "http://%s%s?$skiptoken=%d" % (self.headers.get("Host"), path, page + 1)
        return self.send(200, body)

    def graph_meeting(self, sc, rest):
        mid = urllib.parse.unquote(rest.rsplit("/", 1)[1])
        n = mid.split("/")[-1].rstrip("=")
        if n.endswith("1"):  # every second meeting: no access to its details
            return self.send(404, {"error": {"code": "NotFound", "message": "meeting"}})
        return self.send(200, {"id": mid, "subject": "Teams deal call %s" % n,
                               "startDateTime": "2024-02-10T15:00:00Z", "endDateTime": "2024-02-10T16:00:00Z",
                               "participants": {"organizer": {"upn": "seller@routewise.example", "role": "presenter"},
                                                "attendees": [{"upn": "buyer@northwind.example"},
                                                              {"upn": "seller@routewise.example"}]}})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hung up (timeout tests) is expected


def main():
    lifetime = 120.0
    args = sys.argv[1:]
    port = 0
    if "--lifetime" in args:
        i = args.index("--lifetime")
        lifetime = float(args[i + 1])
        del args[i:i + 2]
    if args:
        port = int(args[0])
    srv = Server(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    t = threading.Timer(lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
