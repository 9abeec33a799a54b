#!/bin/sh
# Runs every test and prints one summary line CI can read: "N passed, N failed, N skipped"
# (always the last line).
#
# - unit tests: every build/tests/test_* and build-san/tests/test_* (sanitizer build)
# - command-line tests: every tests/cli/t*.sh, once against ./mapkeeper and once
#   against build-san/mapkeeper; each prints TAP lines ("ok ..." / "not ok ...")
#   and gets MK (the binary), TOP (the repository) and SHARED (../shared) in its
#   environment.
# A script or binary that exits non-zero without printing a "not ok" counts as one
# failure, so a crash is never lost. An "ok ... # SKIP reason" line (TAP) counts as
# skipped, not passed: a clone without ../shared skips the tests that need its corpus and
# samples ("# SKIP needs ../shared ..."); CI, which has it, runs them.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$TOP/../shared}
export TOP SHARED
cd "$TOP" || exit 1
pass=0
fail=0
skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() { # label command...
	label=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	s=$(grep -ci '^ok .*# skip' "$log")
	p=$(($(grep -c '^ok ' "$log") - s))
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $label exited $rc"
	fi
	grep -iE '^(not ok|#|ok .*# skip)' "$log" | sed "s|^|$label: |" | head -n 60
	echo "$label: $p passed, $f failed, $s skipped"
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
}

for b in build/tests/test_* build-san/tests/test_*; do
	[ -x "$b" ] || continue
	case "$b" in *.o) continue ;; esac
	run_one "$b" "$b"
done

for t in tests/cli/t*.sh; do
	[ -f "$t" ] || continue
	for mk in "$TOP/mapkeeper" "$TOP/build-san/mapkeeper"; do
		[ -x "$mk" ] || continue
		case "$mk" in *build-san*) tag="$t[san]" ;; *) tag="$t" ;; esac
		run_one "$tag" env MK="$mk" sh "$t"
	done
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
