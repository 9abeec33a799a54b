#!/bin/sh
# Every fuzz target (tests/fuzz/fuzz_*.c, built with tests/fuzz/replay.c by `make units`)
# over its seed corpus, one test a target, with the build of the binary under test (the
# sanitizer build checks memory too). A trap in a target's checks or a crash fails it;
# a target with no seeds still runs once on empty input.
. "$TOP/tests/cli/lib.sh"
case "$MK" in *build-san*) dir=$TOP/build-san/fuzz-replay ;; *) dir=$TOP/build/fuzz-replay ;; esac
for src in "$TOP"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	bin=$dir/$name
	if [ ! -x "$bin" ]; then
		bad "$name: not built ($bin; make units builds it)"
		continue
	fi
	seeds=$TOP/tests/fuzz/corpus/$name
	if [ -d "$seeds" ] && [ -n "$(ls "$seeds")" ]; then
		set -- "$seeds"/*
	else
		: >"$tmp/empty"
		set -- "$tmp/empty"
	fi
	count=$#
	if (cd "$TOP" && "$bin" "$@") >"$tmp/out" 2>&1; then
		ok "$name: $count seed input(s) replayed with no finding"
	else
		bad "$name: a seed input fails: $(tail -n 3 "$tmp/out" | tr '\n' ' ')"
	fi
done
echo "1..$n"
