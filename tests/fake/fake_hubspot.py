#!/usr/bin/env python3
"""fake_hubspot.py: a fake HubSpot portal (CRM v3) on 127.0.0.1 for tests/cli/t84-crm-hubspot.sh.

Standard library only. Listens on 127.0.0.1 (port 0 unless given: argv[1]) and prints the port
on its first stdout line; stops after --lifetime seconds (300) and on SIGTERM. --page-size N
caps every search page (HubSpot: 200) so that paging is exercised; --token T is the private
app's access token it accepts (Authorization: Bearer T; anything else: 401).

The API, after HubSpot's documented shapes:
  GET   /crm/v3/objects/deals/{id}?properties=a,b        404 OBJECT_NOT_FOUND
  PATCH /crm/v3/objects/deals/{id}   {"properties"}      400 VALIDATION_ERROR on an unknown property
  POST  /crm/v3/objects/{deals|tasks}/search             filterGroups (EQ, NEQ, CONTAINS_TOKEN,
        HAS_PROPERTY, associations.deal), properties, limit, after (paging.next.after)
  POST  /crm/v3/objects/tasks        {"properties", "associations"}   201
  PATCH /crm/v3/objects/tasks/{id}   {"properties"}                   200, 404 when deleted
  POST  /crm/v3/objects/tasks/batch/read {"inputs":[{"id"}], "properties"}  200, or 207 with errors
  GET   /crm/v4/objects/deals/{id}/associations/tasks?limit=N&after=A   the deal's task ids
  GET   /crm/v3/owners?email=...
  GET   /crm/v3/properties/deals/{name}                  404 when the portal lacks it
Each call needs its documented scope; a scope taken away (/_fake/scopes) gives 403
MISSING_SCOPES with errors[].context.requiredGranularScopes.

Control, /_fake/ (no token): GET state (deals, tasks, owners, request counts); POST reset;
POST scopes {"remove": [...]} or {"all": true}; POST fault {"status": 500|429, "count": N,
"retry_after": S, "match": "POST /crm/v3/objects/tasks"} (the next N matching requests);
POST lost {"count": N, "cut": false} (the next N task creates are stored, then answered 500,
or with "cut" the connection drops with no reply: a lost reply);
POST delay {"ms": N} (every API request waits); POST tokens {"on": false} (CONTAINS_TOKEN
finds nothing, as when the index splits a key otherwise); POST lag {"seconds": N} (a search
does not see a task for N seconds after it was made, as HubSpot's index lags); POST health {"on": true} (the deal property
mapkeeper_plan_health exists); POST deal {"id", "dealname"}; POST owner {"id", "email"};
POST task/{id} {"properties": {...}} (a user's edit: complete, re-date...); DELETE task/{id}
(a user deletes it).
"""
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "pat-na1-fake-0000-token"
PAGE_SIZE = 200
SCOPES_ALL = ["crm.objects.deals.read", "crm.objects.deals.write", "crm.objects.contacts.read",
              "crm.objects.contacts.write", "crm.objects.owners.read", "crm.schemas.deals.read"]
STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
DEAL_PROPS = {"dealname", "hs_next_step", "amount", "dealstage", "closedate", "pipeline"}

LOCK = threading.Lock()
S = {}


def now_iso():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % (int(t * 1000) % 1000)


def reset():
    S.clear()
    S.update({
        "deals": {"1001": {"dealname": "Northwind"}, "1002": {"dealname": "Acme"},
                  "1003": {"dealname": "ACME"}, "1004": {"dealname": "Globex"}},
        "tasks": {},        # id -> {"properties": {...}, "deals": [ids], "archived": bool, "createdAt"}
        "owners": [{"id": "41", "email": "ana@routewise.example", "firstName": "Ana", "lastName": "Lima"},
                   {"id": "42", "email": "raj@routewise.example", "firstName": "Raj", "lastName": "Rao"}],
        "next_id": 9000001, "scopes": list(SCOPES_ALL), "faults": [], "lost": 0, "delay_ms": 0,
        "health": False, "counts": {}, "log": [], "tokens": True, "lag": 0,
    })


def err(category, message, errors=None, **extra):
    body = {"status": "error", "message": message, "correlationId": "00000000-fake", "category": category}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


def scope_error(scope):
    return err("MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call.",
               [{"message": "One or more of the following scopes are required.",
                 "context": {"requiredGranularScopes": [scope]}}])


def task_object(tid, t, props=None):
    p = t["properties"]
    names = props if props is not None else list(p.keys())
    out = {k: p.get(k) for k in names}
    for k in ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"):
        out[k] = p.get(k)
    return {"id": tid, "properties": out, "createdAt": p["hs_createdate"],
            "updatedAt": p["hs_lastmodifieddate"], "archived": False}


def deal_object(did, d, props=None):
    names = props if props is not None else ["dealname"]
    out = {k: d.get(k) for k in names}
    out["hs_object_id"] = did
    return {"id": did, "properties": out, "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-01T00:00:00Z", "archived": False}


def token_match(text, value):
    """CONTAINS_TOKEN: value as a whole token of text ('*' a wildcard), any case."""
    pat = ".*".join(re.escape(x) for x in value.split("*"))
    return re.search(r"(?<![A-Za-z0-9_-])" + pat + r"(?![A-Za-z0-9_-])", text or "", re.I) is not None


def matches(f, props, deals):
    name, op, value = f.get("propertyName"), f.get("operator", "EQ"), f.get("value")
    if name == "associations.deal":
        got = value in deals
        return got if op == "EQ" else not got
    have = props.get(name)
    if op == "HAS_PROPERTY":
        return have not in (None, "")
    if op == "EQ":
        return have is not None and str(have).lower() == str(value).lower()
    if op == "NEQ":
        return have is None or str(have).lower() != str(value).lower()
    if op == "CONTAINS_TOKEN":
        return S["tokens"] and token_match(have, str(value))
    raise ValueError("operator %s" % op)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, headers=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(code)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return {}
        return json.loads(raw.decode())

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PATCH(self):
        self.route("PATCH")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        u = urllib.parse.urlsplit(self.path)
        path, q = u.path, urllib.parse.parse_qs(u.query)
        try:
            body = self.read_json()
        except ValueError:
            return self.send(400, err("VALIDATION_ERROR", "Invalid input JSON on line 1"))
        if path.startswith("/_fake/"):
            with LOCK:
                return self.control(method, path[len("/_fake/"):], body)
        with LOCK:
            delay = S["delay_ms"]
        if delay:
            time.sleep(delay / 1000.0)
        with LOCK:
            return self.api(method, path, q, body)

    # ---- control ------------------------------------------------------------------------
    def control(self, method, what, body):
        if what == "state":
            return self.send(200, {k: S[k] for k in ("deals", "tasks", "owners", "counts", "scopes", "health")})
        if what == "log":
            return self.send(200, S["log"])
        if what == "reset":
            reset()
        elif what == "scopes":
            S["scopes"] = list(SCOPES_ALL) if body.get("all") else [
                s for s in SCOPES_ALL if s not in body.get("remove", [])]
        elif what == "fault":
            S["faults"].append({"status": int(body.get("status", 500)), "count": int(body.get("count", 1)),
                                "retry_after": body.get("retry_after"), "match": body.get("match", "")})
        elif what == "lost":
            S["lost"] = int(body.get("count", 1))
            S["lost_cut"] = bool(body.get("cut"))
        elif what == "delay":
            S["delay_ms"] = int(body.get("ms", 0))
        elif what == "lag":
            S["lag"] = float(body.get("seconds", 0))
        elif what == "tokens":
            S["tokens"] = bool(body.get("on"))
        elif what == "health":
            S["health"] = bool(body.get("on"))
        elif what == "deal":
            S["deals"][str(body["id"])] = {"dealname": body["dealname"]}
        elif what == "owner":
            S["owners"].append({"id": str(body["id"]), "email": body["email"]})
        elif what.startswith("task/"):
            tid = what[len("task/"):]
            t = S["tasks"].get(tid)
            if not t or t["archived"]:
                return self.send(404, {"error": "no task %s" % tid})
            if method == "DELETE":
                t["archived"] = True
            else:
                t["properties"].update(body.get("properties", {}))
                t["properties"]["hs_lastmodifieddate"] = now_iso()
        else:
            return self.send(404, {"error": "unknown control %s" % what})
        return self.send(200, {"ok": True})

    # ---- the API ------------------------------------------------------------------------
    def api(self, method, path, q, body):
        key = method + " " + re.sub(r"/\d+(?=/|$)", "/{id}", path)
        S["counts"][key] = S["counts"].get(key, 0) + 1
        S["log"].append(key)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.send(401, err("INVALID_AUTHENTICATION", "Authentication credentials not found. This API "
                                      "supports OAuth 2.0 authentication and you can find more details at "
                                      "https://developers.hubspot.com/docs/methods/auth/oauth-overview"))
        for f in S["faults"]:
            if f["count"] > 0 and key.startswith(f["match"]):
                f["count"] -= 1
                if f["status"] == 429:
                    hdr = {"Retry-After": str(f["retry_after"])} if f["retry_after"] is not None else {}
                    return self.send(429, {"status": "error", "message": "You have reached your secondly limit.",
                                           "errorType": "RATE_LIMIT", "correlationId": "00000000-fake",
                                           "policyName": "SECONDLY"}, hdr)
                return self.send(f["status"], err("INTERNAL_ERROR", "internal error"))
        handler, scope = self.endpoint(method, path)
        if not handler:
            return self.send(404, err("OBJECT_NOT_FOUND", "no route %s %s" % (method, path)))
        if scope not in S["scopes"]:
            return self.send(403, scope_error(scope))
        return handler(path, q, body)

    def endpoint(self, method, path):
        table = [
            ("GET", r"/crm/v3/objects/deals/[^/]+", self.deal_get, "crm.objects.deals.read"),
            ("PATCH", r"/crm/v3/objects/deals/[^/]+", self.deal_patch, "crm.objects.deals.write"),
            ("POST", r"/crm/v3/objects/deals/search", self.deal_search, "crm.objects.deals.read"),
            ("POST", r"/crm/v3/objects/tasks/search", self.task_search, "crm.objects.contacts.read"),
            ("POST", r"/crm/v3/objects/tasks/batch/read", self.task_batch_read, "crm.objects.contacts.read"),
            ("POST", r"/crm/v3/objects/tasks", self.task_create, "crm.objects.contacts.write"),
            ("PATCH", r"/crm/v3/objects/tasks/[^/]+", self.task_patch, "crm.objects.contacts.write"),
            ("GET", r"/crm/v4/objects/deals/[^/]+/associations/tasks", self.deal_tasks, "crm.objects.deals.read"),
            ("GET", r"/crm/v3/owners/?", self.owners, "crm.objects.owners.read"),
            ("GET", r"/crm/v3/properties/deals/[^/]+", self.deal_property, "crm.schemas.deals.read"),
        ]
        for m, pat, fn, scope in table:
            if m == method and re.fullmatch(pat, path):
                return fn, scope
        return None, None

    def last(self, path):
        return urllib.parse.unquote(path.rsplit("/", 1)[1])

    def deal_get(self, path, q, body):
        did = self.last(path)
        d = S["deals"].get(did)
        if not d:
            return self.send(404, err("OBJECT_NOT_FOUND", "resource not found"))
        props = ",".join(q.get("properties", ["dealname"])).split(",")
        return self.send(200, deal_object(did, d, props))

    def deal_patch(self, path, q, body):
        did = self.last(path)
        d = S["deals"].get(did)
        if not d:
            return self.send(404, err("OBJECT_NOT_FOUND", "resource not found"))
        props = body.get("properties") or {}
        known = DEAL_PROPS | ({"mapkeeper_plan_health"} if S["health"] else set())
        bad = [k for k in props if k not in known]
        if bad:
            return self.send(400, err("VALIDATION_ERROR", "Property values were not valid: %s" % json.dumps(
                [{"isValid": False, "message": 'Property "%s" does not exist' % k, "error": "PROPERTY_DOESNT_EXIST",
                  "name": k} for k in bad]), [{"message": 'Property "%s" does not exist' % bad[0],
                                               "code": "PROPERTY_DOESNT_EXIST"}]))
        d.update(props)
        return self.send(200, deal_object(did, d, list(props.keys()) + ["dealname"]))

    def deal_property(self, path, q, body):
        name = self.last(path)
        if name in DEAL_PROPS or (name == "mapkeeper_plan_health" and S["health"]):
            return self.send(200, {"name": name, "label": name, "type": "string", "fieldType": "text",
                                   "groupName": "dealinformation"})
        return self.send(404, err("OBJECT_NOT_FOUND", "Unable to find property %s" % name))

    def owners(self, path, q, body):
        email = (q.get("email") or [None])[0]
        res = [dict(o, type="PERSON", userId=int(o["id"]) * 10, archived=False) for o in S["owners"]
               if not email or o["email"].lower() == email.lower()]
        return self.send(200, {"results": res})

    def search(self, rows, body, to_object):
        groups = body.get("filterGroups") or []
        if len(groups) > 5 or any(len(g.get("filters", [])) > 6 for g in groups):
            return self.send(400, err("VALIDATION_ERROR", "too many filters"))
        try:
            hits = [r for r in rows if not groups or any(
                all(matches(f, r[1], r[2]) for f in g.get("filters", [])) for g in groups)]
        except ValueError as e:
            return self.send(400, err("VALIDATION_ERROR", str(e)))
        limit = min(int(body.get("limit", 10)), 200, PAGE_SIZE)
        start = int(body.get("after") or 0)
        page = hits[start:start + limit]
        out = {"total": len(hits), "results": [to_object(r[0]) for r in page]}
        if start + limit < len(hits):
            out["paging"] = {"next": {"after": str(start + limit), "link": "?after=%d" % (start + limit)}}
        return self.send(200, out)

    def deal_search(self, path, q, body):
        rows = [(did, d, []) for did, d in sorted(S["deals"].items())]
        props = body.get("properties") or ["dealname"]
        return self.search(rows, body, lambda did: deal_object(did, S["deals"][did], props))

    def deal_tasks(self, path, q, body):
        did = path.split("/")[5]
        if did not in S["deals"]:
            return self.send(404, err("OBJECT_NOT_FOUND", "resource not found"))
        ids = [tid for tid, t in sorted(S["tasks"].items()) if not t["archived"] and did in t["deals"]]
        limit = min(int((q.get("limit") or ["500"])[0]), 500, PAGE_SIZE)
        start = int((q.get("after") or ["0"])[0])
        out = {"results": [{"toObjectId": int(i), "associationTypes": [
            {"category": "HUBSPOT_DEFINED", "typeId": 216, "label": None}]} for i in ids[start:start + limit]]}
        if start + limit < len(ids):
            out["paging"] = {"next": {"after": str(start + limit), "link": None}}
        return self.send(200, out)

    def task_search(self, path, q, body):
        seen = time.time() - S["lag"]
        rows = [(tid, t["properties"], t["deals"]) for tid, t in sorted(S["tasks"].items())
                if not t["archived"] and t["made"] <= seen]
        props = body.get("properties")
        return self.search(rows, body, lambda tid: task_object(tid, S["tasks"][tid], props))

    def task_batch_read(self, path, q, body):
        ids = [str(i.get("id")) for i in body.get("inputs", [])]
        if len(ids) > 100:
            return self.send(400, err("VALIDATION_ERROR", "at most 100 inputs"))
        props = body.get("properties")
        found = [i for i in ids if i in S["tasks"] and not S["tasks"][i]["archived"]]
        missing = [i for i in ids if i not in found]
        out = {"status": "COMPLETE", "results": [task_object(i, S["tasks"][i], props) for i in found],
               "startedAt": now_iso(), "completedAt": now_iso()}
        if not missing:
            return self.send(200, out)
        out["numErrors"] = 1
        out["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some TASK "
                          "objects, they may be deleted or not exist.", "context": {"ids": missing}}]
        return self.send(207, out)

    def check_task_props(self, props, create):
        bad = None
        if create and not props.get("hs_timestamp"):
            bad = ("hs_timestamp", "hs_timestamp is required")
        elif "hs_task_status" in props and props["hs_task_status"] not in STATUSES:
            bad = ("hs_task_status", "%s was not one of the allowed options: %s" % (props["hs_task_status"],
                                                                                    ", ".join(STATUSES)))
        elif "hs_timestamp" in props and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z|\d{10,15}",
                                                          str(props["hs_timestamp"])):
            bad = ("hs_timestamp", "%s is not a valid datetime" % props["hs_timestamp"])
        elif props.get("hubspot_owner_id") and props["hubspot_owner_id"] not in [o["id"] for o in S["owners"]]:
            bad = ("hubspot_owner_id", "%s is not a valid owner id" % props["hubspot_owner_id"])
        if bad:
            return err("VALIDATION_ERROR", "Property values were not valid", [{"message": bad[1],
                       "code": "INVALID_OPTION", "context": {"propertyName": [bad[0]]}}])
        return None

    def task_create(self, path, q, body):
        props = dict(body.get("properties") or {})
        e = self.check_task_props(props, True)
        if e:
            return self.send(400, e)
        deals = []
        for a in body.get("associations") or []:
            to = str((a.get("to") or {}).get("id"))
            types = a.get("types") or []
            if not types or any(t.get("associationCategory") != "HUBSPOT_DEFINED" or
                                t.get("associationTypeId") != 216 for t in types):
                return self.send(400, err("VALIDATION_ERROR", "invalid association type for task to deal"))
            if to not in S["deals"]:
                return self.send(400, err("VALIDATION_ERROR", "Could not find deal with id %s" % to))
            deals.append(to)
        tid = str(S["next_id"])
        S["next_id"] += 1
        stamp = now_iso()
        props.update({"hs_createdate": stamp, "hs_lastmodifieddate": stamp, "hs_object_id": tid})
        props.setdefault("hs_task_status", "NOT_STARTED")
        S["tasks"][tid] = {"properties": props, "deals": deals, "archived": False, "made": time.time()}
        if S["lost"] > 0:
            S["lost"] -= 1
            if S.get("lost_cut"):  # the connection drops before any reply
                self.close_connection = True
                return None
            return self.send(500, err("INTERNAL_ERROR", "internal error"))
        return self.send(201, task_object(tid, S["tasks"][tid]))

    def task_patch(self, path, q, body):
        tid = self.last(path)
        t = S["tasks"].get(tid)
        if not t or t["archived"]:
            return self.send(404, err("OBJECT_NOT_FOUND", "resource not found"))
        props = body.get("properties") or {}
        e = self.check_task_props(props, False)
        if e:
            return self.send(400, e)
        t["properties"].update(props)
        t["properties"]["hs_lastmodifieddate"] = now_iso()
        return self.send(200, task_object(tid, t))


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client killed mid-request is expected


def main():
    global TOKEN, PAGE_SIZE
    lifetime = 300.0
    args = sys.argv[1:]
    port = 0
    for flag in ("--lifetime", "--page-size", "--token"):
        if flag in args:
            i = args.index(flag)
            v = args[i + 1]
            del args[i:i + 2]
            if flag == "--lifetime":
                lifetime = float(v)
            elif flag == "--page-size":
                PAGE_SIZE = int(v)
            else:
                TOKEN = v
    if args:
        port = int(args[0])
    reset()
    srv = Server(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    t = threading.Timer(lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
