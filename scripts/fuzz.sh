#!/bin/sh
# fuzz.sh SECONDS: builds every tests/fuzz/fuzz_*.c as a libFuzzer target (clang,
# -fsanitize=fuzzer,address,undefined) against all library sources (util ingest
# extractor merge store pipeline, packed in an archive so a target links only what it uses)
# into build-fuzz/, then runs each for SECONDS with a fresh scratch corpus seeded from
# tests/fuzz/corpus/<target>/. Prints execs per target; exits 1 on any finding (crash,
# leak, timeout, out of memory) or build failure. Findings: build-fuzz/artifacts/.
# FUZZ_TARGETS="fuzz_srt fuzz_plain" runs only those targets.
set -u
secs=${1:-60}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
CC=${FUZZ_CC:-clang}
out=build-fuzz
PKGS="libpcre2-8 libcurl jansson sqlite3 libcrypto libarchive libxml-2.0"
pkg_cflags=$(pkg-config --cflags $PKGS 2>/dev/null)
pkg_libs=$(pkg-config --libs $PKGS 2>/dev/null)
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer -Iinclude -I. -D_GNU_SOURCE $pkg_cflags"
SAN="address,undefined -fno-sanitize-recover=all"

mkdir -p "$out/obj" "$out/artifacts" || exit 1
rm -f "$out/obj/"*.o "$out/libfuzzlib.a"
for src in util/*.c ingest/*.c extractor/*.c merge/*.c store/*.c pipeline/*.c crm/*.c; do
	[ -f "$src" ] || continue
	obj=$out/obj/$(printf '%s' "$src" | tr / _ | sed 's/\.c$/.o/')
	if ! $CC $CFLAGS -fsanitize=fuzzer-no-link,$SAN -c -o "$obj" "$src"; then
		echo "fuzz: cannot compile $src" >&2
		exit 1
	fi
done
ar rcs "$out/libfuzzlib.a" "$out/obj/"*.o || exit 1

failed=0
summary=""
for src in tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	case " ${FUZZ_TARGETS:-$name} " in *" $name "*) ;; *) continue ;; esac
	if ! $CC $CFLAGS -fsanitize=fuzzer,$SAN -o "$out/$name" "$src" "$out/libfuzzlib.a" \
		$pkg_libs -lpthread -lm; then
		echo "fuzz: cannot build $name" >&2
		failed=1
		summary="$summary
$name: build failed"
		continue
	fi
	scratch=$out/corpus-$name
	rm -rf "$scratch"
	mkdir -p "$scratch" "$out/artifacts/$name"
	seeds=tests/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=
	echo "fuzz: $name for ${secs}s"
	"./$out/$name" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=30 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$name/" \
		"$scratch" $seeds >"$out/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -n 1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$out/$name.log" | tail -n 1)
	line="$name: ${execs:-?} execs in ${took:-?} s, corpus $(ls "$scratch" | wc -l) files, exit $rc"
	echo "fuzz: $line"
	summary="$summary
$line"
	if [ "$rc" -ne 0 ]; then
		failed=1
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$out/$name.log" | head -n 20 >&2
	fi
done
echo "fuzz: summary:$summary"
if [ "$failed" -ne 0 ]; then
	echo "fuzz: FAILED (logs in $out/*.log, inputs in $out/artifacts/)" >&2
	exit 1
fi
echo "fuzz: clean"
