#!/bin/sh
# t10-transcript-cases.sh: the reader cases in tests/cases/transcript/, run through
# `mapkeeper transcript`, one TAP line each, then the command's own options.
#
# A case is an input NAME.vtt, NAME.srt, NAME.txt, NAME.md, NAME.docx or NAME.bin (the
# reader is chosen by content, so the extension says nothing), or NAME.EXT.gen: a script that
# writes the input (too big to keep) to the path it is given. Beside it:
#   NAME.expected       exact standard output of `--format json`; exit 0, no stderr
#   NAME.expected-text  (optional) exact standard output of `--format text`
#   NAME.err            exact standard error; exit 1 and nothing on standard output
# The command runs in the input's folder with the bare file name, so paths in the
# expected files are just NAME.EXT.
set -u
: "${MK:?MK must name the mapkeeper binary}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=$TOP/tests/cases/transcript
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/gen" "$tmp/o"
n=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

notok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do
		printf '%s\n' "$line" | head -n 12 | sed 's/^/#   /'
	done
}

run_case() { # folder input name
	wd=$1 in=$2 name=$3
	(cd "$wd" && exec "$MK" transcript "$in" --format json) >"$tmp/o/out" 2>"$tmp/o/err"
	rc=$?
	if [ -f "$dir/$name.expected" ]; then
		if [ "$rc" -ne 0 ]; then
			notok "$name: exit $rc, expected 0" "$(cat "$tmp/o/err")"
		elif [ -s "$tmp/o/err" ]; then
			notok "$name: standard error not empty" "$(cat "$tmp/o/err")"
		elif ! cmp -s "$tmp/o/out" "$dir/$name.expected"; then
			notok "$name: output differs" "$(diff "$dir/$name.expected" "$tmp/o/out")"
		elif [ -f "$dir/$name.expected-text" ] &&
			! (cd "$wd" && exec "$MK" transcript --format text "$in") >"$tmp/o/text" 2>&1; then
			notok "$name: --format text failed" "$(cat "$tmp/o/text")"
		elif [ -f "$dir/$name.expected-text" ] &&
			! cmp -s "$tmp/o/text" "$dir/$name.expected-text"; then
			notok "$name: text output differs" "$(diff "$dir/$name.expected-text" "$tmp/o/text")"
		else
			ok "$name"
		fi
	elif [ -f "$dir/$name.err" ]; then
		if [ "$rc" -ne 1 ]; then
			notok "$name: exit $rc, expected 1" "$(cat "$tmp/o/err")"
		elif [ -s "$tmp/o/out" ]; then
			notok "$name: standard output not empty" "$(head -c 400 "$tmp/o/out")"
		elif ! cmp -s "$tmp/o/err" "$dir/$name.err"; then
			notok "$name: error differs" "$(diff "$dir/$name.err" "$tmp/o/err")"
		else
			ok "$name"
		fi
	else
		notok "$name: no $name.expected or $name.err beside the input"
	fi
}

cases=0
seen=" "
for f in "$dir"/*.vtt "$dir"/*.srt "$dir"/*.txt "$dir"/*.md "$dir"/*.docx "$dir"/*.bin; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	case "$seen" in *" ${b%.*} "*) notok "${b%.*}: two inputs share the name ${b%.*}" ;; esac
	seen="$seen${b%.*} "
	run_case "$dir" "$b" "${b%.*}"
	cases=$((cases + 1))
done
for g in "$dir"/*.gen; do
	[ -f "$g" ] || continue
	b=$(basename "$g" .gen)
	if ! sh "$g" "$tmp/gen/$b"; then
		notok "${b%.*}: generator failed"
	else
		run_case "$tmp/gen" "$b" "${b%.*}"
	fi
	rm -f "$tmp/gen/$b"
	cases=$((cases + 1))
done
[ "$cases" -ge 40 ] || notok "only $cases cases found in $dir"

# ---- the command's options ----

expect() { # name want-rc want-stdout(empty|nonempty) stderr-pattern command...
	name=$1 want=$2 out=$3 pat=$4
	shift 4
	"$@" >"$tmp/o/out" 2>"$tmp/o/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		notok "$name: exit $rc, expected $want" "$(cat "$tmp/o/err")"
	elif [ "$out" = empty ] && [ -s "$tmp/o/out" ]; then
		notok "$name: standard output not empty" "$(head -c 400 "$tmp/o/out")"
	elif [ "$out" = nonempty ] && [ ! -s "$tmp/o/out" ]; then
		notok "$name: standard output empty"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/o/err"; then
		notok "$name: standard error lacks '$pat'" "$(cat "$tmp/o/err")"
	elif [ "$want" -ne 0 ] && [ "$(wc -l <"$tmp/o/err")" -ne 1 ]; then
		notok "$name: not one line on standard error" "$(cat "$tmp/o/err")"
	else
		ok "$name"
	fi
}

expect "cli: --help prints usage, exit 0" 0 nonempty "" "$MK" transcript --help
grep -q '^usage: mapkeeper transcript FILE' "$tmp/o/out" && ok "cli: --help names the command" ||
	notok "cli: --help names the command" "$(cat "$tmp/o/out")"
expect "cli: no FILE is a usage error" 2 empty "^usage: " "$MK" transcript
expect "cli: unknown option is a usage error" 2 empty "unknown option '--frobnicate'" \
	"$MK" transcript --frobnicate "$dir/zoom-basic.vtt"
expect "cli: unknown format is a usage error" 2 empty "unknown format 'xml'" \
	"$MK" transcript --format xml "$dir/zoom-basic.vtt"
expect "cli: --format without a value" 2 empty "^usage: " "$MK" transcript "$dir/zoom-basic.vtt" --format
expect "cli: two files are a usage error" 2 empty "only one FILE may be given" \
	"$MK" transcript "$dir/zoom-basic.vtt" "$dir/srt-basic.srt"
expect "cli: --format=text" 0 nonempty "" "$MK" transcript --format=text "$dir/zoom-basic.vtt"
expect "cli: missing file" 1 empty "^mapkeeper: $tmp/nope.vtt: cannot open: no such file or directory\$" \
	"$MK" transcript "$tmp/nope.vtt"
expect "cli: a directory" 1 empty "^mapkeeper: $tmp: cannot read: is a directory\$" "$MK" transcript "$tmp"

# '-' reads standard input: the same output as the file, with path "-"
(cd "$dir" && "$MK" transcript zoom-basic.vtt) | sed 's/"path": "zoom-basic.vtt"/"path": "-"/' >"$tmp/o/want"
if "$MK" transcript - <"$dir/zoom-basic.vtt" >"$tmp/o/got" 2>"$tmp/o/err" && cmp -s "$tmp/o/want" "$tmp/o/got"; then
	ok "cli: '-' reads standard input"
else
	notok "cli: '-' reads standard input" "$(diff "$tmp/o/want" "$tmp/o/got")" "$(cat "$tmp/o/err")"
fi
expect "cli: empty standard input" 1 empty "^mapkeeper: -: empty file\$" sh -c "\"\$0\" transcript - </dev/null" "$MK"
expect "cli: standard input over 64 MiB stops reading" 1 empty "^mapkeeper: -: file is larger than 64 MiB\$" \
	sh -c "yes 'A: x' | head -c 67108865 | \"\$0\" transcript -" "$MK"

echo "1..$n"
