#!/bin/sh
# Concurrent ingest: CONC_PROCS processes (default 50) start at once, each ingesting
# CONC_PER (default 5) of CONC_CALLS (default 20) distinct transcripts picked at random
# (the demo calls and the extraction cases; copies differ only in their WEBVTT header
# line, so they hold the same findings), half into deal Alpha and half into Beta, of one
# database. Afterwards: every process exited 0 (one that says "database is locked" is
# retried, up to 3 times, and counted); each call is stored exactly once, and reported as
# ingested by exactly one process; no proposal is duplicated (same deal, kind, item,
# owner, action, name, role, category, text and due) unless one process ingesting the
# calls in the order the round stored them duplicates it too (merge proposes against the
# pending plan, so the order matters); PRAGMA integrity_check is ok. CONC_ROUNDS (default 1)
# repeats it on a fresh database. The seed of each round is printed.
. "$TOP/tests/cli/lib.sh"
procs=${CONC_PROCS:-50}
per=${CONC_PER:-5}
ncalls=${CONC_CALLS:-20}
rounds=${CONC_ROUNDS:-1}
export MAPKEEPER_BUSY_TIMEOUT=${MAPKEEPER_BUSY_TIMEOUT:-30000}

python3 - "$tmp/calls" "$ncalls" <<'PY' || { bad "cannot make the calls"; exit 0; }
import glob, os, sys
out, n = sys.argv[1], int(sys.argv[2])
base = sorted(glob.glob("demo/*.vtt")) + sorted(glob.glob("tests/cases/extract/*.vtt"))
os.makedirs(out)
for i in range(n):
    src, v = base[i % len(base)], i // len(base)
    lines = open(src, encoding="utf-8").read().split("\n")
    if v:
        lines[0] = "WEBVTT copy %d" % v
    open(os.path.join(out, "call-%02d.vtt" % i), "w", encoding="utf-8").write("\n".join(lines))
PY

dups() { # DB: one line per duplicated proposal group: deal|kind|item|owner|action|...|count
	python3 - "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
q = """select d.name, p.kind, coalesce(p.item_id, 0), lower(coalesce(p.owner, '')),
  lower(coalesce(p.action, '')), lower(coalesce(p.name, '')), lower(coalesce(p.role, '')),
  coalesce(p.category, ''), lower(coalesce(p.text, '')), coalesce(p.due, ''), count(*)
from proposals p join deals d on d.id = p.deal_id
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 having count(*) > 1"""
for r in c.execute(q):
    print("|".join(str(x) for x in r[1:10]))
PY
}
state() { # DB: integrity, meetings, distinct sha256s
	python3 - "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("PRAGMA integrity_check").fetchone()[0],
      *c.execute("select count(*), count(distinct sha256) from meetings").fetchone())
PY
}

# one process ingests all the calls (a check that the set-up works)
seq="$tmp/seq.db"
MAPKEEPER_DB=$seq "$MK" deal add Alpha --seller "Maya Brooks,Dana Park" >/dev/null 2>&1
MAPKEEPER_DB=$seq "$MK" ingest "$tmp/calls"/*.vtt --deal Alpha --date 2026-03-03 --date-from-name >/dev/null 2>"$tmp/e" \
	|| { bad "one-process ingest: $(cat "$tmp/e")"; exit 0; }

r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	seed=${CONC_SEED:-$$$r}
	echo "# round $r: $procs processes x $per calls of $ncalls, seed $seed"
	db="$tmp/conc$r.db"
	export MAPKEEPER_DB="$db"
	"$MK" deal add Alpha --seller "Maya Brooks,Dana Park" >/dev/null 2>&1 &&
		"$MK" deal add Beta --seller "Maya Brooks,Dana Park" >/dev/null 2>&1 || { bad "deal add"; exit 0; }
	# each process's calls, one line each
	python3 - "$seed" "$procs" "$per" "$tmp/calls" >"$tmp/plan" <<'PY'
import os, random, sys
seed, procs, per, d = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
calls = sorted(os.listdir(d))
for i in range(procs):
    print(" ".join(os.path.join(d, c) for c in rng.sample(calls, min(per, len(calls)))))
PY
	rm -f "$tmp"/out.* "$tmp"/err.* "$tmp"/rc.*
	t0=$(date +%s)
	i=0
	while read -r files; do
		i=$((i + 1))
		deal=Alpha
		[ $((i % 2)) -eq 0 ] && deal=Beta
		(
			try=0
			while :; do
				try=$((try + 1))
				"$MK" ingest $files --deal $deal --date 2026-03-03 --date-from-name >>"$tmp/out.$i" 2>"$tmp/err.$i"
				rc=$?
				if [ $rc -ne 0 ] && [ $try -le 3 ] && grep -q "database is locked" "$tmp/err.$i"; then
					echo retry >>"$tmp/retry.$i"
					continue
				fi
				break
			done
			echo $rc >"$tmp/rc.$i"
		) &
	done <"$tmp/plan"
	wait
	t1=$(date +%s)
	failed=0
	for f in "$tmp"/rc.*; do
		[ "$(cat "$f")" = 0 ] || { failed=$((failed + 1)); echo "# process ${f##*.}: exit $(cat "$f"): $(head -c 300 "$tmp/err.${f##*.}")"; }
	done
	nrc=$(ls "$tmp"/rc.* 2>/dev/null | wc -l)
	retries=$(cat "$tmp"/retry.* 2>/dev/null | wc -l)
	rm -f "$tmp"/retry.*
	[ $failed -eq 0 ] && [ "$nrc" -eq "$procs" ] \
		&& ok "round $r: all $procs processes exited 0 in $((t1 - t0)) s ($retries retried after 'database is locked')" \
		|| bad "round $r: $failed of $nrc processes failed"
	want=$(tr ' ' '\n' <"$tmp/plan" | sort -u | grep -c .)
	reported=$(cat "$tmp"/out.* | grep -c ': meeting ')
	set -- $(state "$db")
	[ "$1" = ok ] && ok "round $r: integrity_check ok" || bad "round $r: integrity_check: $*"
	[ "$2" = "$want" ] && [ "$3" = "$want" ] && [ "$reported" = "$want" ] \
		&& ok "round $r: each of the $want calls stored once and reported ingested by one process" \
		|| bad "round $r: $2 meetings, $3 distinct, $reported reported ingested (want $want)"
	# merge proposes against the plan as it will be (pending proposals included), so what
	# it makes of a call depends on the calls stored before it: the baseline is one process
	# ingesting the calls in the order this round stored them (each store is one write)
	replay="$tmp/replay$r.db"
	MAPKEEPER_DB=$replay "$MK" deal add Alpha --seller "Maya Brooks,Dana Park" >/dev/null 2>&1
	MAPKEEPER_DB=$replay "$MK" deal add Beta --seller "Maya Brooks,Dana Park" >/dev/null 2>&1
	python3 - "$db" <<'PY' >"$tmp/order"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for path, deal in c.execute("select m.path, d.name from meetings m join deals d on d.id = m.deal_id order by m.id"):
    print(deal, path)
PY
	while read -r rdeal rpath; do
		MAPKEEPER_DB=$replay "$MK" ingest "$rpath" --deal "$rdeal" --date 2026-03-03 >/dev/null 2>&1
	done <"$tmp/order"
	dups "$replay" | sort -u >"$tmp/seqdups"
	dups "$db" | sort -u >"$tmp/dups"
	extra=$(comm -23 "$tmp/dups" "$tmp/seqdups")
	[ -z "$extra" ] && ok "round $r: no duplicate proposals" \
		|| bad "round $r: $(echo "$extra" | wc -l) duplicated proposal groups one process does not make, e.g. $(echo "$extra" | head -n 3 | tr '\n' ';')"
done
