#!/bin/sh
# `mapkeeper ingest -j N`: N threads extract, one writer stores the calls in the order
# given. The same calls ingested with -j 1 and -j 3 leave the same proposals (same ids,
# same order) and the same output; a broken file among them fails alone; a bad -j is
# refused with one line; a call given twice is stored once.
. "$TOP/tests/cli/lib.sh"
files="demo/northwind-call-01.vtt demo/northwind-call-02.vtt $(ls tests/cases/extract/*.vtt | tr '\n' ' ')"
for j in 1 3; do
	db="$tmp/j$j.db"
	"$MK" deal add Northwind --seller "Maya Brooks" --db "$db" >/dev/null 2>"$tmp/e$j" &&
		"$MK" ingest -j $j $files --deal Northwind --date 2026-03-03 --date-from-name --db "$db" >"$tmp/out$j" 2>>"$tmp/e$j" &&
		"$MK" review --deal Northwind --format json --db "$db" >"$tmp/review$j" 2>>"$tmp/e$j" ||
		bad "ingest -j $j: $(cat "$tmp/e$j")"
done
[ -s "$tmp/review1" ] && cmp -s "$tmp/review1" "$tmp/review3" && ok "-j 3 leaves the same proposals as -j 1" \
	|| bad "proposals differ: $(diff "$tmp/review1" "$tmp/review3" | head -5)"
cmp -s "$tmp/out1" "$tmp/out3" && [ "$(wc -l <"$tmp/out1")" -eq "$(echo $files | wc -w)" ] \
	&& ok "the same report, a line per call in the order given" || bad "outputs: $(diff "$tmp/out1" "$tmp/out3" | head -5)"

printf 'WEBVTT\n\n00:00:01.000 --> 00:00:00.500\nMaya Brooks: backwards\n' >"$tmp/broken.vtt"
"$MK" deal add Acme --seller "Maya Brooks" --db "$tmp/b.db" >/dev/null 2>&1
"$MK" ingest -j 2 demo/northwind-call-01.vtt "$tmp/broken.vtt" demo/northwind-call-01.vtt demo/northwind-call-02.vtt \
	--deal Acme --date 2026-03-03 --date-from-name --db "$tmp/b.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "broken.vtt" "$tmp/err" && [ "$(wc -l <"$tmp/out")" -eq 3 ] &&
	grep -q "already ingested" "$tmp/out" && ok "a broken file fails alone (one line, exit 1); a repeated call is stored once" \
	|| bad "broken among good: rc $rc $(cat "$tmp/out" "$tmp/err")"

for bad_j in 0 -1 x 65 ""; do
	"$MK" ingest -j "$bad_j" demo/northwind-call-01.vtt --deal Acme --db "$tmp/b.db" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		bad "-j '$bad_j': rc $rc $(cat "$tmp/err")"
		badj=1
	fi
done
[ -z "${badj:-}" ] && ok "a bad -j (0, -1, x, 65, empty): one line, exit 2"
