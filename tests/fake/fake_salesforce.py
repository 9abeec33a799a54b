#!/usr/bin/env python3
"""fake_salesforce.py: a fake Salesforce org on 127.0.0.1 for crm/salesforce.c's tests.

Standard library only (openssl(1) only to verify a JWT's signature when --pubkey is given).
Listens on 127.0.0.1 (port 0 unless --port) and prints the port on its first stdout line;
stops after --lifetime seconds (120) and on SIGTERM. Follows the REST API's documented
shapes (version any vNN.N):

  POST /services/oauth2/token         client_credentials (client_id, client_secret) or
                                      urn:ietf:params:oauth:grant-type:jwt-bearer (assertion:
                                      RS256, iss, sub, aud, exp checked) -> access_token,
                                      instance_url (no expires_in); else 400 invalid_client /
                                      invalid_grant
  GET  /services/data/vX/sobjects/Task/describe, .../Opportunity/describe
  GET  /services/data/vX/sobjects/Opportunity/ID?fields=...   404 NOT_FOUND when unknown
  PATCH /services/data/vX/sobjects/Opportunity/ID             204 (INVALID_FIELD on an unknown field)
  PATCH /services/data/vX/sobjects/Task/FIELD/VALUE            upsert by External ID: 201 created,
                                      200 updated ({"id","success","errors","created"})
  GET  /services/data/vX/query?q=SOQL, queryAll?q=SOQL         a tiny SOQL subset (SELECT f, ...
                                      FROM o WHERE a = 'x' AND b != null AND c = false [ORDER BY f]
                                      [LIMIT n]); pages of --page-size records, nextRecordsUrl
                                      /services/data/vX/query/LOCATOR-OFFSET
Errors are arrays of {"message", "errorCode", "fields"}; a bad token is 401 INVALID_SESSION_ID.

Control (JSON bodies), not part of Salesforce:
  GET  /_fake/state                   {"tasks": [every task, deleted too], "opportunities",
                                      "counts": {"token", "api", "writes", "GET", "PATCH", ...}}
  POST /_fake/config                  {"page_size", "delay_ms", "no_external_id",
                                      "not_external", "no_health"} merged into the org's setup
  POST /_fake/fail                    {"count", "status", "retry_after", "errorCode", "message",
                                      "method"}: the next count API requests (of method) fail so
  POST /_fake/expire                  every token issued so far is refused (one 401 each)
  POST /_fake/task                    {"key" or "id", "set": {field: value}}: a user's edit
  POST /_fake/task/delete             {"key" or "id"}: a user deletes it (recycle bin)
  POST /_fake/task/archive            {"key" or "id"}: Salesforce archives it (queryAll only)
  POST /_fake/seed                    {"opportunities": [{"Id", "Name", "AccountId"}],
                                      "contacts": [{"Id", "Name", "Email", "AccountId"}]}
"""
import argparse
import base64
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID, CLIENT_SECRET = "3MVG9fake.client.id", "sf-s3cret-XYZ"
USERNAME = "mk-integration@acme.example"
EXT, HEALTH = "Mapkeeper_Id__c", "Mapkeeper_Plan_Health__c"
STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
TASK_FIELDS = ("Id", "Subject", "ActivityDate", "Status", "Description", "WhatId", "WhoId", "Priority",
               "IsClosed", "IsDeleted", "IsArchived", "LastModifiedDate", "OwnerId")
TASK_WRITABLE = ("Subject", "ActivityDate", "Status", "Description", "WhatId", "WhoId", "Priority")
OPP_FIELDS = ("Id", "Name", "AccountId", "NextStep", "StageName", "IsDeleted")

LOCK = threading.Lock()
ARGS = None
CONFIG = {"page_size": 2000, "delay_ms": 0, "no_external_id": False, "not_external": False,
          "no_health": False}
FAULTS = []          # [{"count", "status", ...}]
TOKENS = {}          # token -> valid
COUNTS = {}
TASKS = []           # dicts with Salesforce's field names
OPPS = {
    "006000000000001AAA": {"Id": "006000000000001AAA", "Name": "Acme Rollout", "AccountId": "001000000000001AAA",
                           "NextStep": None, "StageName": "Prospecting"},
    "006000000000002AAA": {"Id": "006000000000002AAA", "Name": "Globex Pilot", "AccountId": "001000000000002AAA",
                           "NextStep": None, "StageName": "Prospecting"},
    "006000000000003AAA": {"Id": "006000000000003AAA", "Name": "Initech", "AccountId": None,
                           "NextStep": None, "StageName": "Prospecting"},
    "006000000000004AAA": {"Id": "006000000000004AAA", "Name": "INITECH", "AccountId": None,
                           "NextStep": None, "StageName": "Prospecting"},
}
CONTACTS = [
    {"Id": "003000000000001AAA", "Name": "Dana Whitfield", "Email": "dana@acme.example",
     "AccountId": "001000000000001AAA"},
    {"Id": "003000000000002AAA", "Name": "Farah Khan", "Email": "farah@acme.example",
     "AccountId": "001000000000001AAA"},
]
LOCATORS = {}        # locator -> records
SEQ = {"task": 0, "locator": 0, "token": 0}


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def bump(key):
    COUNTS[key] = COUNTS.get(key, 0) + 1


def err(code, message, fields=None):
    return [{"message": message, "errorCode": code, "fields": fields or []}]


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class SoqlError(Exception):
    pass


def soql_literal(s, i):
    """The string literal starting at s[i] ("'"): (value, index after it)."""
    out, i = [], i + 1
    esc = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}
    while i < len(s):
        c = s[i]
        if c == "\\":
            if i + 1 >= len(s) or s[i + 1] not in esc:
                raise SoqlError("bad escape")
            out.append(esc[s[i + 1]])
            i += 2
        elif c == "'":
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise SoqlError("unterminated literal")


def soql_parse(q):
    """SELECT f, ... FROM o [WHERE cond AND ...] [ORDER BY f] [LIMIT n] -> dict."""
    m = re.match(r"\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(.*)$", q, re.S | re.I)
    if not m:
        raise SoqlError("unexpected token")
    fields = [f.strip() for f in m.group(1).split(",")]
    rest, conds, i = m.group(3), [], 0
    wm = re.match(r"\s+WHERE\s+", rest, re.I)
    if wm:
        i = wm.end()
        while True:
            cm = re.compile(r"(\w+)\s*(=|!=)\s*").match(rest, i)
            if not cm:
                raise SoqlError("bad condition")
            i = cm.end()
            if rest.startswith("'", i):
                val, i = soql_literal(rest, i)
            else:
                vm = re.compile(r"(null|true|false)\b", re.I).match(rest, i)
                if not vm:
                    raise SoqlError("bad value")
                val = {"null": None, "true": True, "false": False}[vm.group(1).lower()]
                i = vm.end()
            conds.append((cm.group(1), cm.group(2), val))
            am = re.compile(r"\s+AND\s+", re.I).match(rest, i)
            if not am:
                break
            i = am.end()
    tail = rest[i:]
    tm = re.match(r"\s*(?:ORDER\s+BY\s+(\w+)\s*)?(?:LIMIT\s+(\d+)\s*)?$", tail, re.I)
    if not tm:
        raise SoqlError("unexpected token: %s" % tail.strip()[:20])
    return {"fields": fields, "object": m.group(2), "conds": conds, "order": tm.group(1),
            "limit": int(tm.group(2)) if tm.group(2) else None}


def task_fields():
    f = list(TASK_FIELDS)
    if not CONFIG["no_external_id"]:
        f.append(EXT)
    return f


def opp_fields():
    f = list(OPP_FIELDS)
    if not CONFIG["no_health"]:
        f.append(HEALTH)
    return f


def cond_ok(rec, conds):
    for field, op, val in conds:
        have = rec.get(field)
        if isinstance(val, str) and isinstance(have, str):
            same = have.lower() == val.lower()   # SOQL compares text any case
        else:
            same = have == val
        if (op == "=") != same:
            return False
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(code)
        if body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def do_GET(self):
        self.route("GET", "")

    def do_POST(self):
        self.route("POST", self.body())

    def do_PATCH(self):
        self.route("PATCH", self.body())

    def do_DELETE(self):
        self.route("DELETE", self.body())

    def base(self):
        return "http://%s" % self.headers.get("Host")

    def route(self, method, body):
        u = urllib.parse.urlsplit(self.path)
        if u.path.startswith("/_fake/"):
            with LOCK:
                return self.control(method, u.path, body)
        if method == "POST" and u.path == "/services/oauth2/token":
            with LOCK:
                bump("token_requests")
            return self.token(urllib.parse.parse_qs(body))
        m = re.match(r"^/services/data/v(\d+\.\d)/(.*)$", u.path)
        if not m:
            return self.send(404, err("NOT_FOUND", "The requested resource does not exist"))
        auth = self.headers.get("Authorization", "")
        with LOCK:
            ok = TOKENS.get(auth[len("Bearer "):] if auth.startswith("Bearer ") else "")
            bump("api")
            bump(method)
            fault = self.take_fault(method)
            delay = CONFIG["delay_ms"]
        if not ok:
            with LOCK:
                bump("api_401")
            return self.send(401, err("INVALID_SESSION_ID", "Session expired or invalid"))
        if fault:
            return self.fail(fault)
        if delay:
            time.sleep(delay / 1000.0)
        with LOCK:
            return self.api(method, m.group(1), m.group(2), urllib.parse.parse_qs(u.query), body)

    def take_fault(self, method):
        for f in FAULTS:
            if f["count"] > 0 and f.get("method") in (None, method):
                f["count"] -= 1
                bump("faults")
                return dict(f)
        return None

    def fail(self, f):
        headers = {"Retry-After": str(f["retry_after"])} if f.get("retry_after") is not None else None
        body = err(f.get("errorCode", "UNKNOWN_EXCEPTION"), f.get("message", "An unexpected error occurred"))
        return self.send(f.get("status", 500), body, headers)

    # ---- OAuth ------------------------------------------------------------------

    def issue(self):
        SEQ["token"] += 1
        tok = "00DFAKE!tok-%d" % SEQ["token"]
        TOKENS[tok] = True
        bump("token")
        return self.send(200, {"access_token": tok, "signature": "c2lnbmF0dXJl", "scope": "api",
                               "instance_url": self.base(), "id": self.base() + "/id/00DFAKE/005FAKE",
                               "token_type": "Bearer", "issued_at": str(int(time.time() * 1000))})

    def token(self, form):
        grant = form.get("grant_type", [""])[0]
        with LOCK:
            if grant == "client_credentials":
                if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
                    bump("token_refused")
                    return self.send(400, {"error": "invalid_client", "error_description": "invalid client credentials"})
                return self.issue()
            if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
                why = self.jwt_problem(form.get("assertion", [""])[0])
                if why:
                    bump("token_refused")
                    code = "invalid_client_id" if why == "iss" else "invalid_grant"
                    return self.send(400, {"error": code, "error_description": "bad assertion: " + why})
                return self.issue()
        return self.send(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})

    def jwt_problem(self, assertion):
        parts = assertion.split(".")
        if len(parts) != 3:
            return "not three parts"
        try:
            head, claims = json.loads(b64url_decode(parts[0])), json.loads(b64url_decode(parts[1]))
            sig = b64url_decode(parts[2])
        except ValueError:
            return "not base64url JSON"
        if head.get("alg") != "RS256":
            return "alg"
        if claims.get("iss") != CLIENT_ID:
            return "iss"
        if claims.get("sub") != USERNAME:
            return "sub"
        if claims.get("aud") != ARGS.audience:
            return "aud"
        exp = claims.get("exp")
        if not isinstance(exp, int) or not time.time() < exp <= time.time() + 300:
            return "exp"
        if ARGS.pubkey and not verify(ARGS.pubkey, (parts[0] + "." + parts[1]).encode(), sig):
            return "signature"
        return None

    # ---- the REST API --------------------------------------------------------------

    def api(self, method, version, rest, q, body):
        if method == "GET" and rest in ("sobjects/Task/describe", "sobjects/Opportunity/describe"):
            return self.describe(rest.split("/")[1])
        m = re.match(r"^sobjects/Opportunity/(\w+)$", rest)
        if m and method == "GET":
            return self.opp_get(m.group(1), q)
        if m and method == "PATCH":
            return self.opp_patch(m.group(1), body)
        m = re.match(r"^sobjects/Task/(\w+)/([^/]+)$", rest)
        if m and method == "PATCH":
            return self.upsert(m.group(1), urllib.parse.unquote(m.group(2)), body)
        if method == "GET" and rest in ("query", "queryAll"):
            return self.query(version, q.get("q", [""])[0], rest == "queryAll")
        m = re.match(r"^query/(01gFAKE\d+)-(\d+)$", rest)
        if m and method == "GET":
            return self.page(version, m.group(1), int(m.group(2)))
        return self.send(404, err("NOT_FOUND", "The requested resource does not exist"))

    def describe(self, sobject):
        names = task_fields() if sobject == "Task" else opp_fields()
        fields = []
        for n in names:
            ext = n == EXT and not CONFIG["not_external"]
            fields.append({"name": n, "label": n, "type": "string", "externalId": ext, "updateable": True})
        # the real describe is large: pad it like one
        return self.send(200, {"name": sobject, "custom": False, "fields": fields,
                               "urls": {"describe": "/services/data/v62.0/sobjects/%s/describe" % sobject}})

    def opp_get(self, oid, q):
        o = OPPS.get(oid)
        if not o or o.get("IsDeleted"):
            return self.send(404, err("NOT_FOUND", "The requested resource does not exist"))
        want = q.get("fields", ["Id,Name"])[0].split(",")
        rec = {"attributes": {"type": "Opportunity", "url": "/services/data/v62.0/sobjects/Opportunity/" + oid}}
        for f in want:
            if f not in opp_fields():
                return self.send(400, err("INVALID_FIELD", "No such column '%s' on entity 'Opportunity'" % f))
            rec[f] = o.get(f)
        return self.send(200, rec)

    def opp_patch(self, oid, body):
        o = OPPS.get(oid)
        if not o:
            return self.send(404, err("NOT_FOUND", "The requested resource does not exist"))
        try:
            data = json.loads(body)
        except ValueError:
            return self.send(400, err("JSON_PARSER_ERROR", "bad JSON"))
        for k, v in data.items():
            if k not in opp_fields() or k in ("Id", "IsDeleted"):
                return self.send(400, err("INVALID_FIELD", "No such column '%s' on sobject of type Opportunity" % k, [k]))
            if k == "NextStep" and v is not None and len(v) > 255:
                return self.send(400, err("STRING_TOO_LONG", "Next Step: data value too large", ["NextStep"]))
        o.update(data)
        bump("writes")
        return self.send(204)

    def task_problem(self, data):
        for k, v in data.items():
            if k not in TASK_WRITABLE:
                return err("INVALID_FIELD", "No such column '%s' on sobject of type Task" % k, [k])
        if data.get("ActivityDate") is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", data["ActivityDate"]):
            return err("JSON_PARSER_ERROR", "Cannot deserialize instance of date from VALUE_STRING")
        if "Status" in data and data["Status"] not in STATUSES:
            return err("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Status: bad value for restricted picklist field",
                       ["Status"])
        if len(data.get("Subject") or "") > 255:
            return err("STRING_TOO_LONG", "Subject: data value too large", ["Subject"])
        if data.get("WhatId") is not None and data["WhatId"] not in OPPS:
            return err("FIELD_INTEGRITY_EXCEPTION", "Related To ID: id value of incorrect type", ["WhatId"])
        if data.get("WhoId") is not None and not any(c["Id"] == data["WhoId"] for c in CONTACTS):
            return err("FIELD_INTEGRITY_EXCEPTION", "Name ID: id value of incorrect type", ["WhoId"])
        if data.get("Subject") == "FAIL VALIDATION":
            return err("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Tasks need a real subject", [])
        return None

    def upsert(self, field, value, body):
        if field != EXT or CONFIG["no_external_id"] or CONFIG["not_external"]:
            return self.send(404, err("NOT_FOUND", "Provided external ID field does not exist or is not accessible: "
                                      + field))
        try:
            data = json.loads(body)
        except ValueError:
            return self.send(400, err("JSON_PARSER_ERROR", "bad JSON"))
        problem = self.task_problem(data)
        if problem:
            return self.send(400, problem)
        found = [t for t in TASKS if t.get(EXT) == value and not t["IsDeleted"]]
        if len(found) > 1:
            return self.send(300, ["/services/data/v62.0/sobjects/Task/" + t["Id"] for t in found])
        bump("writes")
        if found:
            t = found[0]
            t.update(data)
            self.touch(t)
            bump("task_updated")
            return self.send(200, {"id": t["Id"], "success": True, "errors": [], "created": False})
        SEQ["task"] += 1
        t = {"Id": "00T%012dAAA" % SEQ["task"], EXT: value, "Subject": None, "ActivityDate": None,
             "Status": "Not Started", "Description": None, "WhatId": None, "WhoId": None, "Priority": "Normal",
             "IsDeleted": False, "IsArchived": False, "OwnerId": "005FAKE000000001AAA"}
        t.update(data)
        self.touch(t)
        TASKS.append(t)
        bump("task_created")
        return self.send(201, {"id": t["Id"], "success": True, "errors": [], "created": True})

    @staticmethod
    def touch(t):
        t["IsClosed"] = t.get("Status") == "Completed"
        t["LastModifiedDate"] = now_iso()

    def records(self, p, all_rows):
        if p["object"] == "Task":
            rows, known = TASKS, task_fields()
        elif p["object"] == "Opportunity":
            rows, known = [o for o in OPPS.values() if not o.get("IsDeleted")], opp_fields()
        elif p["object"] == "Contact":
            rows, known = CONTACTS, ("Id", "Name", "Email", "AccountId")
        else:
            raise SoqlError("sObject type '%s' is not supported" % p["object"])
        for f in p["fields"] + [c[0] for c in p["conds"]]:
            if f not in known:
                raise SoqlError("No such column '%s' on entity '%s'" % (f, p["object"]))
        if not all_rows:  # query leaves out the recycle bin and archived activities
            rows = [r for r in rows if not r.get("IsDeleted") and not r.get("IsArchived")]
        rows = [r for r in rows if cond_ok(r, p["conds"])]
        if p["order"]:
            rows = sorted(rows, key=lambda r: str(r.get(p["order"])))
        if p["limit"] is not None:
            rows = rows[:p["limit"]]
        out = []
        for r in rows:
            rec = {"attributes": {"type": p["object"],
                                  "url": "/services/data/v62.0/sobjects/%s/%s" % (p["object"], r["Id"])}}
            for f in p["fields"]:
                rec[f] = r.get(f)
            out.append(rec)
        return out

    def query(self, version, q, all_rows):
        bump("queryAll" if all_rows else "query")
        try:
            recs = self.records(soql_parse(q), all_rows)
        except SoqlError as e:
            code = "INVALID_FIELD" if "No such column" in str(e) else "MALFORMED_QUERY"
            return self.send(400, err(code, str(e)))
        SEQ["locator"] += 1
        loc = "01gFAKE%d" % SEQ["locator"]
        LOCATORS[loc] = recs
        return self.page(version, loc, 0)

    def page(self, version, loc, offset):
        recs = LOCATORS.get(loc)
        if recs is None:
            return self.send(400, err("INVALID_QUERY_LOCATOR", "invalid query locator"))
        n = CONFIG["page_size"]
        chunk = recs[offset:offset + n]
        done = offset + n >= len(recs)
        body = {"totalSize": len(recs), "done": done, "records": chunk}
        if not done:
            body["nextRecordsUrl"] = "/services/data/v%s/query/%s-%d" % (version, loc, offset + n)
        bump("pages")
        return self.send(200, body)

    # ---- control ---------------------------------------------------------------------

    def find_task(self, sel):
        for t in TASKS:
            if (sel.get("id") and t["Id"] == sel["id"]) or (sel.get("key") and t.get(EXT) == sel["key"]
                                                            and not t["IsDeleted"]):
                return t
        return None

    def control(self, method, path, body):
        data = json.loads(body) if body else {}
        if path == "/_fake/state":
            return self.send(200, {"tasks": TASKS, "opportunities": OPPS, "contacts": CONTACTS,
                                   "counts": COUNTS, "config": CONFIG})
        if path == "/_fake/config":
            CONFIG.update(data)
            return self.send(200, CONFIG)
        if path == "/_fake/fail":
            FAULTS.append(dict(data, count=int(data.get("count", 1))))
            return self.send(200, {"ok": True})
        if path == "/_fake/expire":
            for k in TOKENS:
                TOKENS[k] = False
            return self.send(200, {"ok": True})
        if path == "/_fake/seed":
            for o in data.get("opportunities", []):
                OPPS[o["Id"]] = dict({"NextStep": None, "StageName": "Prospecting", "AccountId": None}, **o)
            CONTACTS.extend(data.get("contacts", []))
            return self.send(200, {"ok": True})
        t = self.find_task(data)
        if path.startswith("/_fake/task") and not t:
            return self.send(404, {"error": "no such task"})
        if path == "/_fake/task":
            t.update(data.get("set", {}))
            self.touch(t)
        elif path == "/_fake/task/delete":
            t["IsDeleted"] = True
        elif path == "/_fake/task/archive":
            t["IsArchived"] = True
        else:
            return self.send(404, {"error": "no such control"})
        return self.send(200, t)


def verify(pubkey, data, sig):
    """RS256 check with openssl(1)."""
    with tempfile.TemporaryDirectory() as d:
        dp, sp = os.path.join(d, "data"), os.path.join(d, "sig")
        with open(dp, "wb") as f:
            f.write(data)
        with open(sp, "wb") as f:
            f.write(sig)
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pubkey, "-signature", sp, dp],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return r.returncode == 0


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=120)
    ap.add_argument("--page-size", type=int, default=2000)
    ap.add_argument("--audience", default="https://login.salesforce.com")
    ap.add_argument("--pubkey", help="PEM public key: verify JWT signatures with openssl")
    ap.add_argument("--no-external-id", action="store_true")
    ap.add_argument("--no-health", action="store_true")
    ARGS = ap.parse_args()
    CONFIG.update(page_size=ARGS.page_size, no_external_id=ARGS.no_external_id, no_health=ARGS.no_health)
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    threading.Timer(ARGS.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
