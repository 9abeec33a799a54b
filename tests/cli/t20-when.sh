#!/bin/sh
# mapkeeper when: text and JSON output for a date, a window and no date; a non-date
# fails with exit 1 and one line on stderr; usage errors exit 2; --help exits 0.
set -u
cd "$TOP"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: stdout in $tmp/out, stderr in $tmp/err, exit code in $rc
run() { "$MK" when "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
# expect_out LABEL RC TEXT: exit code RC, stdout exactly TEXT (one line), stderr empty
expect_out() {
	if [ "$rc" -eq "$2" ] && [ "$(cat "$tmp/out")" = "$3" ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
		[ ! -s "$tmp/err" ]; then ok "$1"
	else bad "$1: rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")' (want rc=$2 out='$3')"; fi
}
# expect_usage LABEL [PATTERN]: exit 2, nothing on stdout, one line on stderr (the usage,
# or a message matching PATTERN)
expect_usage() {
	if [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -q "${2:-^usage: mapkeeper when }" "$tmp/err"; then ok "$1"
	else bad "$1: rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")' (want rc=2, one line: ${2:-usage})"; fi
}
# json_is LABEL JSON: stdout parses as JSON equal to JSON, keys in the same order
json_is() {
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && python3 - "$tmp/out" "$2" <<'EOF'
import json, sys
got = json.load(open(sys.argv[1]), object_pairs_hook=list)
want = json.loads(sys.argv[2], object_pairs_hook=list)
sys.exit(0 if got == want and open(sys.argv[1]).read().count("\n") == 1 else 1)
EOF
	then ok "$1"
	else bad "$1: rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")' (want $2)"; fi
}

# text output
run "friday" --ref 2026-03-03
expect_out "a weekday prints one date" 0 "2026-03-06"
run "next friday" --ref 2026-03-03
expect_out "a window prints its pick and the window" 0 "2026-03-13 (window 2026-03-06..2026-03-13)"
run "by 3pm Friday" --ref 2026-03-03 --format text
expect_out "--format text is the default output" 0 "2026-03-06"
run --ref 2026-12-28 "Q1"
expect_out "options before the expression; a window across the new year" 0 \
	"2027-03-31 (window 2027-01-01..2027-03-31)"
run "tomorrow" --ref=2028-02-28
expect_out "--ref=DATE and a leap day" 0 "2028-02-29"
run "in a month" --ref 2026-03-03T10:00:00-05:00
expect_out "--ref takes the date part of an ISO 8601 timestamp" 0 "2026-04-03"
run "ASAP" --ref 2026-03-03
expect_out "an expression with no date says so" 0 "no date (ASAP names no day)"
run "today"
expect_out "--ref defaults to today's local date" 0 "$(date +%Y-%m-%d)"

# JSON output
run "next friday" --ref 2026-03-03 --format json
json_is "JSON for a window" \
	'{"text": "next friday", "ref": "2026-03-03", "value": "2026-03-13", "lo": "2026-03-06", "hi": "2026-03-13", "window": true}'
run "March 15th" --ref 2026-03-03 --format json
json_is "JSON for a single date" \
	'{"text": "March 15th", "ref": "2026-03-03", "value": "2026-03-15", "lo": "2026-03-15", "hi": "2026-03-15", "window": false}'
run "soon" --ref 2026-03-03 --format json
json_is "JSON for no date: nulls" \
	'{"text": "soon", "ref": "2026-03-03", "value": null, "lo": null, "hi": null, "window": false}'
run "the 15th \"of\" March" --ref 2026-03-03 --format json
json_is "JSON escapes the text" \
	'{"text": "the 15th \"of\" March", "ref": "2026-03-03", "value": "2026-03-15", "lo": "2026-03-15", "hi": "2026-03-15", "window": false}'

# not a date: exit 1, one line on stderr, nothing on stdout
run "blah" --ref 2026-03-03
if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	[ "$(cat "$tmp/err")" = "mapkeeper: cannot resolve 'blah' as a date" ]; then ok "a non-date exits 1 with one line"
else bad "non-date: rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")'"; fi
run "may" --ref 2026-03-03 --format json
if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] &&
	[ "$(cat "$tmp/err")" = "mapkeeper: cannot resolve 'may' as a date" ]; then ok "a non-date in JSON mode prints no JSON"
else bad "non-date json: rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")'"; fi
run "" --ref 2026-03-03
if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] &&
	[ "$(cat "$tmp/err")" = "mapkeeper: cannot resolve '' as a date" ]; then ok "an empty expression exits 1"
else bad "empty expression: rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")'"; fi

# usage errors: exit 2
for r in 2026-02-30 2026-13-01 tomorrow 03/03/2026 ""; do
	run "friday" --ref "$r"
	if [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] &&
		[ "$(cat "$tmp/err")" = "mapkeeper: when: cannot read --ref '$r' (YYYY-MM-DD)" ]; then ok "bad --ref '$r' exits 2"
	else bad "bad --ref '$r': rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")'"; fi
done
run
expect_usage "no expression exits 2"
run --ref 2026-03-03
expect_usage "only options exits 2"
run "friday" "monday" --ref 2026-03-03
expect_usage "two expressions exit 2"
run "friday" --ref
expect_usage "--ref without a value exits 2" "^mapkeeper: when: .*'--ref'"
run "friday" --bogus
expect_usage "an unknown option exits 2 and is named" "^mapkeeper: when: .*'--bogus'"
run "friday" --ref 2026-03-03 --format yaml
expect_usage "an unknown format exits 2" "^mapkeeper: when: unknown format 'yaml'"


# --help
run --help
if [ "$rc" -eq 0 ] && grep -q '^usage: mapkeeper when EXPRESSION' "$tmp/out" && [ ! -s "$tmp/err" ]; then ok "--help exits 0 with usage on stdout"
else bad "--help: rc=$rc out='$(cat "$tmp/out")' err='$(cat "$tmp/err")'"; fi
run -h
if [ "$rc" -eq 0 ] && grep -q '^usage: mapkeeper when' "$tmp/out"; then ok "-h exits 0"
else bad "-h: rc=$rc"; fi
