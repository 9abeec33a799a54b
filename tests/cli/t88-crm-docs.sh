#!/bin/sh
# docs/crm.md kept honest (issue 15): every configuration key the binary accepts
# (ingest/source.c's config_keys) is documented in docs/crm.md or docs/sync.md, and every
# variable docs/crm.md's table names is one the binary accepts; every `mapkeeper ...` line
# of docs/crm.md and README names a command and verb the binary has and only options its
# usage lists (a whole command line is parsed for real: run with --help at its end, it
# must print the usage and exit 0); the cron lines of both and of docs/sync.md likewise; the status table matches the
# backends' values and every "what" of a run (mapkeeper.h) is explained. Until the CRM
# and Slack commands are in the binary (before issue 15's branches are merged), the lines
# that need them are reported as skipped; after, all of it is strict.
. "$TOP/tests/cli/lib.sh"
export MAPKEEPER_DB="$tmp/none.db"
unset MAPKEEPER_CONFIG
"$MK" help --commands >"$tmp/cmds" 2>/dev/null || { bad "help --commands failed"; echo "1..$n"; exit 0; }

python3 - "$MK" "$tmp" >"$tmp/tap" 2>"$tmp/py.err" <<'PY'
import os, re, shlex, subprocess, sys

mk, tmp = sys.argv[1], sys.argv[2]
out = []
def res(kind, text):
    out.append("%s\t%s" % (kind, text.replace("\n", " ")))

cmds = set(open(os.path.join(tmp, "cmds")).read().split("\n")) - {""}
with_verbs = {c.split()[0] for c in cmds if " " in c}
# issue 15's commands; before they are in the binary, the lines that need them are skipped
i15 = "crm" in cmds and "notify" in cmds
I15_WORDS = re.compile(r"(^|\s)(crm|notify)(\s|$)|\bdeal link\b|--notify\b|--salesforce\b|--hubspot\b")

crm_md = open("docs/crm.md", encoding="utf-8").read()
sync_md = open("docs/sync.md", encoding="utf-8").read()
readme = open("README.md", encoding="utf-8").read()
source = open("ingest/source.c", encoding="utf-8").read()
header = open("include/mapkeeper.h", encoding="utf-8").read()

# ---- configuration keys ---------------------------------------------------------------
body = source[source.index("static void config_keys("):]
body = body[:body.index("memcpy(")]
keys = re.findall(r'\{ "([A-Z][A-Z0-9_]*)", &cfg->', body)
if len(keys) < 20:
    res("BAD", "found only %d keys in ingest/source.c config_keys: the test's reader is stale" % len(keys))
missing = [k for k in keys if "`%s`" % k not in crm_md and "`%s`" % k not in sync_md]
res("BAD" if missing else "OK", "each of the %d configuration keys of ingest/source.c is documented in docs/crm.md or docs/sync.md%s"
    % (len(keys), (": missing " + ", ".join(missing)) if missing else ""))

conf = crm_md[crm_md.index("## Configuration"):]
conf = conf[:conf.index("\n## ", 3)] if "\n## " in conf[3:] else conf
named = set(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", "\n".join(l for l in conf.split("\n") if l.startswith("| `"))))
unknown = sorted(named - set(keys) - {"MAPKEEPER_DB", "MAPKEEPER_CONFIG"})
res("BAD" if unknown or not named else "OK", "every variable in docs/crm.md's table (%d) is one the binary reads%s"
    % (len(named), (": unknown " + ", ".join(unknown)) if unknown else ""))

# ---- command lines ----------------------------------------------------------------------
def usage_of(words):
    """The usage text of `mapkeeper WORDS --help`, or None."""
    try:
        p = subprocess.run([mk] + words + ["--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=20, env=env)
    except subprocess.TimeoutExpired:
        return None
    t = p.stdout.decode("utf-8", "replace")
    return t if p.returncode == 0 and t.startswith("usage:") else None

env = {k: v for k, v in os.environ.items()
       if not re.match(r"(SF_|HUBSPOT_|SLACK_|ZOOM_|MS_|MAPKEEPER_)", k)}
env["MAPKEEPER_DB"] = os.path.join(tmp, "none.db")

def command_of(args):
    """(command words, error): the command and its verb as help --commands lists them."""
    if not args or args[0] not in cmds:
        return None, "no command '%s'" % (args[0] if args else "")
    if args[0] in with_verbs:
        if len(args) < 2 or "%s %s" % (args[0], args[1].split("|")[0]) not in cmds:
            return None, "'%s' has no verb '%s'" % (args[0], args[1] if len(args) > 1 else "")
        return [args[0], args[1].split("|")[0]], None
    return [args[0]], None

checked = set()
def check_line(line, where):
    """One documented command line (without the leading 'mapkeeper ')."""
    if line in checked:
        return
    checked.add(line)
    label = "%s: mapkeeper %s" % (where, line if len(line) < 90 else line[:87] + "...")
    if not i15 and I15_WORDS.search(" " + line):
        res("SKIP", "%s (the crm and notify commands are not in this binary yet)" % label)
        return
    synopsis = any(c in line for c in "[]|") or "..." in line or re.search(r"\b[A-Z]{2,}\b", line)
    try:
        args = shlex.split(line)
    except ValueError as e:
        res("BAD", "%s: %s" % (label, e))
        return
    words, err = command_of(args)
    if err:
        res("BAD", "%s: %s" % (label, err))
        return
    usage = usage_of(words)
    if usage is None:
        res("BAD", "%s: `mapkeeper %s --help` gives no usage" % (label, " ".join(words)))
        return
    flags = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line)))
    absent = [f for f in flags if not re.search(re.escape(f) + r"(?![a-z-])", usage)]
    if absent:
        res("BAD", "%s: %s not in its usage" % (label, ", ".join(absent)))
        return
    if synopsis:
        res("OK", "%s: command and options are in its usage" % label)
        return
    p = subprocess.run([mk] + args + ["--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=20, env=env)
    t = p.stdout.decode("utf-8", "replace")
    if p.returncode == 0 and t.startswith("usage:"):
        res("OK", "%s: parses (with --help at its end: usage, exit 0)" % label)
    else:
        res("BAD", "%s: with --help at its end: exit %d, %s" % (label, p.returncode, t[:200]))

def doc_lines(text):
    """The `mapkeeper ...` lines of a document: code lines and inline code, continuations joined."""
    found, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        l = lines[i]
        m = re.match(r"^ {4,}(?:\$ )?mapkeeper ([a-z][a-z-]*(?: .*)?)$", l)
        if m:
            cmd = m.group(1)
            while i + 1 < len(lines) and re.match(r"^ {8,}\S", lines[i + 1]) and not \
                    re.match(r"^ {4,}(?:\$ )?mapkeeper ", lines[i + 1]) and \
                    re.match(r"^\s*[\[-]", lines[i + 1]):
                i += 1
                cmd += " " + lines[i].strip()
            found.append(cmd)
        i += 1
    for m in re.finditer(r"`mapkeeper ([a-z][a-z-]*(?: [^`]*)?)`", text):
        found.append(m.group(1))
    out, seen = [], set()
    for c in found:
        c = re.sub(r"\s+#.*$", "", c)           # a comment for the reader
        c = re.sub(r"\s{2,}\S.*$", "", c) if not re.search(r"\s{2,}[\[-]", c) else c
        c = c.strip()
        if c and c not in seen:
            seen.add(c)
            out.append(c)
    return out

for c in doc_lines(crm_md):
    check_line(c, "docs/crm.md")
readme_i15 = [c for c in doc_lines(readme) if I15_WORDS.search(" " + c)]
for c in readme_i15:
    check_line(c, "README")

# ---- cron lines ---------------------------------------------------------------------------
def cron_lines(text):
    return [l.strip() for l in text.split("\n") if re.match(r"^\s+[0-9*/,-]+ [0-9*/,-]+ \S+ \S+ \S+ .*mapkeeper", l)]
cron = cron_lines(crm_md)
if len(cron) < 2:
    res("BAD", "docs/crm.md has %d cron lines (sync, push, pull and notify; the digest)" % len(cron))
for l in cron + [l for l in cron_lines(readme) + cron_lines(sync_md) if l not in cron]:
    steps = [s.strip() for s in re.split(r"&&|;|\|\||[{}]", " ".join(l.split()[5:]))]
    steps = [re.sub(r"\s*(>>?|2>&1|2>>?)\s*\S*", "", s).strip() for s in steps]
    mks = [s[len("./mapkeeper "):] for s in steps if s.startswith("./mapkeeper ")]
    if not mks:
        res("BAD", "cron line runs no ./mapkeeper: " + l)
    for s in mks:
        check_line(s, "cron")
order = [re.sub(r"^\./mapkeeper (\S+ \S+).*", r"\1", s.strip()) for s in re.split(r"&&|;|[{}]", cron[0]) if "./mapkeeper" in s] if cron else []
want = ["sync zoom", "crm push", "crm pull", "notify slack"]
res("OK" if [o for o in order if o in want] == want else "BAD",
    "the first cron line runs sync, crm push, crm pull, notify slack in that order (%s)" % ", ".join(order))
res("OK" if any("--digest" in l for l in cron) else "BAD", "a cron line sends the daily digest")

# ---- statuses and run lines ------------------------------------------------------------------
rows = [r for r in crm_md.split("\n") if re.match(r"^\| (open|done|blocked|dropped) \|", r)]
if len(rows) != 4:
    res("BAD", "docs/crm.md's status table has %d rows of open, done, blocked, dropped" % len(rows))
for col, path, prefixes in ((2, "crm/salesforce.c", ("salesforce", "sf")), (3, "crm/hubspot.c", ("hubspot", "hs"))):
    vals = [r.split("|")[col].strip() for r in rows]
    if not os.path.exists(path):
        res("SKIP", "%s is not here yet: the status table's %s" % (path, ", ".join(vals)))
        continue
    src = "".join(open(os.path.join("crm", f), encoding="utf-8").read() for f in sorted(os.listdir("crm"))
                  if f.startswith(prefixes) and f.endswith((".c", ".h")))
    miss = [v for v in vals if '"%s"' % v not in src]
    res("BAD" if miss else "OK", "the statuses docs/crm.md gives are %s's (its crm/ files) (%s)%s"
        % (path, ", ".join(vals), (": not there: " + ", ".join(miss)) if miss else ""))

# HubSpot's rule for an item with no due date: the line its task gets is the one the doc quotes
if os.path.exists("crm/hubspot.h"):
    m = re.search(r'#define HS_NO_DUE\s+"([^"]+)"', open("crm/hubspot.h", encoding="utf-8").read())
    res("OK" if m and "`%s`" % m.group(1) in re.sub(r"\s+", " ", crm_md) else "BAD",
        "docs/crm.md quotes the line a HubSpot task with no due date gets (crm/hubspot.h HS_NO_DUE: %s)"
        % (m.group(1) if m else "not found"))
else:
    res("SKIP", "crm/hubspot.h is not here yet: the no-due-date line")

block = header[header.index("struct mk_crm_line {"):]
block = block[block.index("char *what;"):block.index("char *detail;")]
whats = re.findall(r'"([^"]+)"', block)
miss = [w for w in whats if "`%s`" % w not in crm_md]
res("BAD" if miss or len(whats) < 8 else "OK", "every 'what' of a run line in mapkeeper.h (%d) is explained in docs/crm.md%s"
    % (len(whats), (": missing " + ", ".join(miss)) if miss else ""))

# ---- the defaults the table gives are remote.h's ------------------------------------------------
remote = open("ingest/remote.h", encoding="utf-8").read()
for var, define in (("SF_API_VERSION", "REMOTE_SF_API_VERSION"), ("SF_EXTERNAL_ID_FIELD", "REMOTE_SF_EXTERNAL_ID"),
                    ("SF_HEALTH_FIELD", "REMOTE_SF_HEALTH"), ("HUBSPOT_NEXT_STEP_PROPERTY", "REMOTE_HS_NEXT_STEP"),
                    ("SF_LOGIN_URL", "REMOTE_SF_LOGIN")):
    m = re.search(r'#define %s\s+"([^"]+)"' % define, remote)
    row = [r for r in conf.split("\n") if r.startswith("| `%s`" % var)]
    ok_ = m and row and ("`%s`" % m.group(1)) in row[0]
    res("OK" if ok_ else "BAD", "docs/crm.md gives %s's default as remote.h does (%s)" % (var, m.group(1) if m else "?"))

# ---- the error messages are the program's ------------------------------------------------------
def c_formats():
    """Every string literal of the C sources (adjacent ones joined), as a regex of what it prints."""
    pats = []
    for top in ("crm", "notify", "cli", "ingest", "store", "pipeline"):
        if not os.path.isdir(top):
            continue
        for f in sorted(os.listdir(top)):
            if not f.endswith(".c"):
                continue
            text = open(os.path.join(top, f), encoding="utf-8", errors="replace").read()
            for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*', text):
                lit = "".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0)))
                if "%" not in lit and len(lit) < 12:
                    continue
                # the configuration's messages are sync's; crm and slack say them as their own
                for lit in ([lit, "%s: " + lit[6:]] if lit.startswith("sync: ") else [lit]):
                    pats.append(c_format(lit))
    return pats

def c_format(lit):
    """A printf format as (a regex of what it prints, how many literal characters it has)."""
    rx, i, lits = "", 0, 0
    while i < len(lit):
        c = lit[i]
        if c == "%" and i + 1 < len(lit):
            mm = re.match(r"%[-+ #0]*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|z|j|t)?([sdiuxXcfgp%])", lit[i:])
            if mm:
                rx += "%" if mm.group(5) == "%" else ".*?"
                i += len(mm.group(0))
                continue
        if c == "\\" and i + 1 < len(lit):
            rx += re.escape({"n": "\n", "t": "\t"}.get(lit[i + 1], lit[i + 1]))
            i += 2
            continue
        rx += re.escape(c)
        lits += 1
        i += 1
    return re.compile(rx), lits

errs = crm_md[crm_md.index("## Errors and what to fix"):]
errs = errs[:errs.index("\n## ", 3)]
msgs = [re.match(r"^\| `([^`]+)`", r).group(1) for r in errs.split("\n") if re.match(r"^\| `", r)]
owner = {"salesforce": "crm/salesforce.c", "hubspot": "crm/hubspot.c", "crm": "crm/crm.c", "slack": "notify/slack.c"}
pats = c_formats()
for msg in msgs:
    who = msg.split(":")[0].split()[0]
    need = owner.get(who, "ingest/http.c")
    if not os.path.exists(need):
        res("SKIP", "the message '%s' (%s is not here yet)" % (msg, need))
        continue
    probe = msg.replace("SERVICE", "salesforce").replace("HOLDER", "4711@host")
    # a message may be put together from pieces ("hubspot: " + a line), so a format may be
    # found anywhere in it; but one of mostly placeholders ("%s: %s") would match anything:
    # it must spell out about half of the message itself
    hit = any(n * 20 >= len(probe) * 9 and p.search(probe) for p, n in pats)
    res("OK" if hit else "BAD", "the message '%s' is one the program prints%s" % (msg, "" if hit else ": no format string in crm/, notify/, cli/, ingest/, store/ or pipeline/ prints it"))

# ---- README points at it -----------------------------------------------------------------------
need = ["docs/crm.md", "crm push", "crm pull", "crm status", "deal link", "notify slack", "--notify slack", "--digest"]
miss = [w for w in need if w not in readme]
res("BAD" if miss else "OK", "README names docs/crm.md and the new commands%s" % ((": missing " + ", ".join(miss)) if miss else ""))
print("\n".join(out))
PY
[ -s "$tmp/py.err" ] && bad "the checker failed: $(head -c 600 "$tmp/py.err")"
while IFS="$(printf '\t')" read -r kind text; do
	case $kind in
	OK) ok "$text" ;;
	SKIP) ok "# SKIP $text" ;;
	*) bad "$text" ;;
	esac
done <"$tmp/tap"
echo "1..$n"
