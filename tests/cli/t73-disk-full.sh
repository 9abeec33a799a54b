#!/bin/sh
# Disk full: the database on a small file system. Each round fills it to within a few KiB
# (0 to 256) and ingests the next call: it is stored, or ingest fails with exit 1, one line
# on standard error ("disk is full" or "no space left on device") and nothing on standard
# output; after each round PRAGMA integrity_check is ok and exactly the calls that
# succeeded are stored. At the end, with room again, a re-ingest of every call stores
# each exactly once.
# How: as root, a tmpfs mounted for the test (mount -t tmpfs -o size=...); when mounting
# is not permitted, RLIMIT_FSIZE (ulimit -f, SIGXFSZ ignored so write() fails with EFBIG,
# which SQLite reports as an I/O error). The first line says which.
# DISKFULL_ROUNDS (default 8) rounds; scripts/stress.sh runs more. DISKFULL_MODE=ulimit
# forces the second way.
. "$TOP/tests/cli/lib.sh"
rounds=${DISKFULL_ROUNDS:-8}
mnt="$tmp/small"
mkdir -p "$mnt" "$tmp/calls"
mode=ulimit
if [ "${DISKFULL_MODE:-}" != ulimit ] && [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=8m,mode=0755 mapkeeper-full "$mnt" 2>/dev/null; then
	mode=tmpfs
	trap 'umount "$mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
fi
echo "# disk full by $mode"
db="$mnt/full.db"
export MAPKEEPER_DB="$db"

dbstate() { # DB: "integrity meetings labels..."
	python3 - "$1" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ic = c.execute("PRAGMA integrity_check").fetchone()[0]
labels = sorted(r[0] for r in c.execute("select label from meetings"))
dup = c.execute("select count(*) - count(distinct sha256) from meetings").fetchone()[0]
print(ic, len(labels), dup, " ".join(labels))
PY
}
# distinct calls: the demo and the extraction cases, each under its own name
i=0
for f in demo/*.vtt tests/cases/extract/*.vtt; do
	i=$((i + 1))
	cp "$f" "$tmp/calls/c$(printf %02d $i)-$(basename "$f")"
done
set -- "$tmp/calls"/*.vtt
ncalls=$#

"$MK" deal add Full --seller "Maya Brooks,Dana Park" >/dev/null 2>&1 || { bad "deal add on the small file system"; exit 0; }
fill() { # KIB: fill the file system, then free KIB of it again
	rm -f "$mnt/filler"
	dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
	truncate -s "-$1K" "$mnt/filler" 2>/dev/null
}
unfill() { rm -f "$mnt/filler"; }
run_ingest() { # KIB FILE: ingest FILE with about KIB free
	if [ $mode = tmpfs ]; then
		fill "$1"
		"$MK" ingest "$2" --deal Full --date 2026-03-03 >"$tmp/o" 2>"$tmp/e"
		rc=$?
		unfill
	else
		blocks=$(( $1 * 2 + 1 )) # no file may grow past KIB (the WAL first)
		sh -c 'trap "" XFSZ; ulimit -f "$1"; shift; exec "$@"' sh "$blocks" \
			"$MK" ingest "$2" --deal Full --date 2026-03-03 >"$tmp/o" 2>"$tmp/e"
		rc=$?
	fi
	return $rc
}

stored=""
nstored=0
failed=0
broken=0
r=0
sizes="0 8 16 32 48 64 96 128 192 256"
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	k=$(( (r - 1) % 10 + 1 ))
	kib=$(echo $sizes | cut -d' ' -f$k)
	eval "call=\${$(( (r - 1) % ncalls + 1 ))}"
	run_ingest "$kib" "$call"
	rc=$?
	if [ $rc -eq 0 ]; then
		if grep -q "already ingested" "$tmp/o"; then :; else
			stored="$stored $(basename "$call")"
			nstored=$((nstored + 1))
		fi
	else
		failed=$((failed + 1))
		lines=$(wc -l <"$tmp/e")
		if [ "$rc" -ne 1 ] || [ "$lines" -ne 1 ] || [ -s "$tmp/o" ] ||
			! grep -Eq '^mapkeeper: .*full\.db: (disk is full|cannot read or write the database: (no space left on device|file too large))$' "$tmp/e"; then
			broken=$((broken + 1))
			echo "# round $r ($kib KiB free): rc=$rc, stderr: $(head -c 300 "$tmp/e"), stdout: $(head -c 200 "$tmp/o")"
		fi
	fi
	st=$(dbstate "$db" 2>&1)
	want=$(for s in $stored; do echo "$s"; done | sort | tr '\n' ' ' | sed 's/ $//')
	set -- $st
	ic=$1; nm=$2; dup=$3; shift 3
	got=$(echo "$*")
	if [ "$ic" != ok ] || [ "$nm" != "$nstored" ] || [ "$dup" != 0 ] || [ "$got" != "$want" ]; then
		broken=$((broken + 1))
		echo "# round $r: integrity '$ic', $nm meetings (want $nstored), dup $dup; stored: $got; want: $want"
	fi
	set -- "$tmp/calls"/*.vtt
done
[ $failed -gt 0 ] && ok "disk full ($mode): $failed of $rounds ingests refused" \
	|| bad "disk full ($mode): no ingest failed in $rounds rounds (the file system is not small enough?)"
[ $broken -eq 0 ] && ok "each refusal is exit 1 and one clear line; after each round integrity_check ok and exactly the committed calls stored" \
	|| bad "$broken problems in $rounds disk-full rounds (see # lines)"

# room again: every call once
"$MK" ingest "$tmp/calls"/*.vtt --deal Full --date 2026-03-03 --date-from-name >"$tmp/o" 2>"$tmp/e"
rc=$?
st=$(dbstate "$db" 2>&1)
set -- $st
[ $rc -eq 0 ] && [ "$1" = ok ] && [ "$2" = "$ncalls" ] && [ "$3" = 0 ] \
	&& ok "with room again, a re-ingest stores each of the $ncalls calls exactly once" \
	|| bad "re-ingest: rc=$rc, state: $1 $2 meetings (want $ncalls), dup $3; $(head -c 300 "$tmp/e")"
"$MK" plan Full --format json >/dev/null 2>"$tmp/e" && ok "the plan reads after the disk-full rounds" \
	|| bad "plan after disk full: $(cat "$tmp/e")"
