#!/bin/sh
# A read-only database. Every write (deal add, ingest, approve, reject, edit) fails with
# exit 1 and one line saying the database is read-only, prints nothing else (approve and
# reject may print their count, 0) and changes nothing (the file's sha256 and its rows
# stay as they were); every read (plan, query, review, history, health, deal list) still
# works and prints what it printed before. Two cases:
#  1. a read-only file in a folder the user may write to (chmod 0444);
#  2. a read-only folder: a read-only bind mount (as root), else a folder of mode 0555.
# Root ignores file modes, so as root the commands run as nobody (setpriv --reuid=65534,
# or runuser -u nobody); the first line says how.
. "$TOP/tests/cli/lib.sh"
chmod 0755 "$tmp"
as=""
how="as $(id -un)"
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1; then
		as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	elif command -v runuser >/dev/null 2>&1; then
		as="runuser -u nobody --"
	fi
	how="as uid 65534 ($as)"
fi
echo "# read-only database: commands run $how"
mkdir -p "$tmp/rw"
db="$tmp/rw/ro.db"
export MAPKEEPER_DB="$db"
{
	"$MK" deal add Ro --seller "Maya Brooks" --buyer-org Northwind &&
	"$MK" ingest demo/northwind-call-01.vtt --deal Ro --date 2026-03-03 &&
	"$MK" approve --all --deal Ro --as maya &&
	"$MK" ingest demo/northwind-call-02.vtt --deal Ro --date 2026-03-10
} >/dev/null 2>"$tmp/e" || { bad "setting up: $(cat "$tmp/e")"; exit 0; }
pending=$("$MK" review --deal Ro --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["proposals"][0]["id"])' 2>/dev/null)
[ -n "$pending" ] || pending=1

reads="plan:Ro query:--deal:Ro:--as-of:2026-03-31 review:--deal:Ro history:Ro health:--as-of:2026-03-31 deal:list deal:show:Ro"
writes="deal:add:R2:--seller:X ingest:tests/cases/extract/accept.vtt:--deal:Ro:--date:2026-03-05 approve:$pending reject:$pending edit:$pending:--owner:Someone approve:--all:--deal:Ro"
# what the reads print while the database is writable
for r in $reads; do
	"$MK" $(echo "$r" | tr : ' ') >"$tmp/want.$r" 2>&1
done
state() { # a digest of the database's rows
	python3 - "$1" <<'PY'
import hashlib, sqlite3, sys
c = sqlite3.connect("file:%s?immutable=1" % sys.argv[1], uri=True)  # no writer runs meanwhile
h = hashlib.sha256()
tables = [t for (t,) in c.execute("select name from sqlite_schema where type = 'table' order by name")]
for t in tables:
    h.update(t.encode())
    for row in sorted(repr(r) for r in c.execute('select * from "%s"' % t.replace('"', '""'))):
        h.update(row.encode())
print("%d tables %s" % (len(tables), h.hexdigest()[:16]))
PY
}

check_case() { # LABEL DBPATH
	label=$1
	path=$2
	before=$(sha256sum <"$path")
	rows=$(state "$path" 2>&1)
	wbad=""
	for w in $writes; do
		$as env MAPKEEPER_DB="$path" "$MK" $(echo "$w" | tr : ' ') >"$tmp/o" 2>"$tmp/e"
		rc=$?
		# approve and reject report their count: "approved 0 proposals" is allowed
		if [ $rc -ne 1 ] || [ "$(wc -l <"$tmp/e")" -ne 1 ] || ! grep -q "read-only" "$tmp/e" ||
			{ [ -s "$tmp/o" ] && ! grep -Eqx '(approved|rejected) 0 proposals' "$tmp/o"; }; then
			wbad="$wbad [$(echo "$w" | tr : ' '): rc=$rc, $(head -c 200 "$tmp/e")$(head -c 100 "$tmp/o")]"
		fi
	done
	[ -z "$wbad" ] && ok "$label: every write is exit 1 and one line saying read-only" || bad "$label: writes:$wbad"
	case "$rows" in *tables*) ;; *) bad "$label: cannot read the rows: $rows"; return ;; esac
	[ "$(sha256sum <"$path")" = "$before" ] && [ "$(state "$path")" = "$rows" ] \
		&& ok "$label: nothing changed (same file, same rows)" || bad "$label: the database changed"
	rbad=""
	for r in $reads; do
		$as env MAPKEEPER_DB="$path" "$MK" $(echo "$r" | tr : ' ') >"$tmp/got" 2>&1
		rc=$?
		if [ $rc -ne 0 ] || ! cmp -s "$tmp/got" "$tmp/want.$r"; then
			rbad="$rbad [$(echo "$r" | tr : ' '): rc=$rc, $(head -c 200 "$tmp/got")]"
		fi
	done
	[ -z "$rbad" ] && ok "$label: every read works as before" || bad "$label: reads:$rbad"
}

# 1. a read-only file in a writable folder
# the database with whatever files SQLite keeps beside it (-wal, -shm), as it is in its folder
copy_db() { for f in "$db"*; do cp "$f" "$1/ro.db${f#"$db"}"; done; }
mkdir -p "$tmp/file"
copy_db "$tmp/file"
chmod 0444 "$tmp/file"/ro.db*
[ -n "$as" ] && chmod 1777 "$tmp/file"
check_case "read-only file" "$tmp/file/ro.db"

# 2. a read-only folder
mkdir -p "$tmp/dir" "$tmp/dirsrc"
copy_db "$tmp/dirsrc"
chmod 0644 "$tmp/dirsrc"/ro.db*
if [ "$(id -u)" -eq 0 ] && mount --bind "$tmp/dirsrc" "$tmp/dir" 2>/dev/null; then
	trap 'umount "$tmp/dir" 2>/dev/null; rm -rf "$tmp"' EXIT
	if mount -o remount,ro,bind "$tmp/dir" 2>/dev/null; then
		as_saved=$as
		as=""
		echo "# read-only folder: a read-only bind mount, commands run as root"
		check_case "read-only mount" "$tmp/dir/ro.db"
		as=$as_saved
	else
		umount "$tmp/dir"
		ok "read-only mount # SKIP remount,ro not permitted"
	fi
else
	rmdir "$tmp/dir"
	cp -r "$tmp/dirsrc" "$tmp/dir"
	chmod 0555 "$tmp/dir"
	echo "# read-only folder: mode 0555"
	check_case "read-only folder" "$tmp/dir/ro.db"
	chmod 0755 "$tmp/dir"
fi
