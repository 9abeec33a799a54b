#!/bin/sh
# stress.sh: the long half of the reliability suite (`make stress`; CI does not run it).
# Parts, each timed and written to build/stress/report.txt (printed at the end):
#  a  fuzz       every tests/fuzz/fuzz_*.c target for STRESS_FUZZ_SECONDS (default 120) each
#                (scripts/fuzz.sh: clang, libFuzzer, ASan+UBSan, leak check)
#  b  sanitizer  tests/run.sh: the unit tests and every tests/cli/t*.sh, with ./mapkeeper and
#                with the ASan+UBSan build (build-san/), which make stress builds first
#  c  valgrind   memcheck --leak-check=full --error-exitcode over the plain build's unit tests
#                and ~35 command-line runs on the demo calls (extract, ingest, review,
#                approve, reject, edit, plan, query, history, health ...). PCRE2's JIT code is
#                opaque to valgrind (reads 16 bytes at a time, past the subject's end): a
#                preloaded pcre2_jit_compile that declines makes the rules run in PCRE2's
#                interpreter, which valgrind can check. Only valgrind's findings count
#                here: a unit test's own failures (test_speed fails at valgrind's speed)
#                are noted, and judged by part b.
#  d  kill -9    STRESS_KILL_ROUNDS (default 200) rounds on one growing database: an ingest
#                of every demo and extraction-case call (88 now) new to it (their WEBVTT line
#                changed, one --date for them all), in random order, 30% with -j 2 or 4, killed after a random
#                delay (0 to 1.3x an uninterrupted run); every 10th round instead a new
#                database killed while `deal add` creates it. After each: PRAGMA
#                integrity_check, then a clean re-ingest (exit 0) must leave every call
#                stored exactly once. STRESS_SEED makes the delays repeatable.
#  e  disk full  tests/cli/t73-disk-full.sh with STRESS_DISKFULL_ROUNDS (default 60) rounds,
#                plain and sanitizer builds
#  f  read-only  tests/cli/t74-readonly.sh, plain and sanitizer builds
#  g  concurrent tests/cli/t75-concurrent.sh: 50 processes x 8 of 20 calls, STRESS_CONC_ROUNDS
#                (default 5) rounds with the plain build, 2 with the sanitizer build
# STRESS_PARTS="a c" runs only those parts (the others are reported as skipped).
# Needs: make all units and make SANITIZE=address,undefined units done (make stress does
# them), clang with libFuzzer and valgrind (installed here when missing, as scripts/deps.sh
# does), python3. Exits 1 when any part fails.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
export TOP SHARED="${SHARED:-$TOP/../shared}"
out=build/stress
report=$out/report.txt
# STRESS_QUICK=1 (make stress-quick): every part, fewer rounds (about 10 minutes): fuzz 10 s
# a target, 20 kill rounds, 10 disk-full rounds, 1 concurrent round; an explicit
# STRESS_* setting still wins.
if [ "${STRESS_QUICK:-0}" = 1 ]; then
	q_fuzz=10 q_kill=20 q_disk=10 q_conc=1
else
	q_fuzz=120 q_kill=200 q_disk=60 q_conc=5
fi
fuzz_secs=${STRESS_FUZZ_SECONDS:-$q_fuzz}
kill_rounds=${STRESS_KILL_ROUNDS:-$q_kill}
diskfull_rounds=${STRESS_DISKFULL_ROUNDS:-$q_disk}
conc_rounds=${STRESS_CONC_ROUNDS:-$q_conc}
parts=${STRESS_PARTS:-a b c d e f g}
mkdir -p "$out" || exit 1
rm -f "$out"/*.log "$out"/vg-*.log
: >"$out/parts"
failed=0
started=$(date +%s)

# ---- tools ----
have_valgrind() { command -v valgrind >/dev/null 2>&1; }
if ! have_valgrind && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "stress: installing valgrind"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind \
		>/tmp/mapkeeper-apt.log 2>&1 ||
		{ apt-get update -q >>/tmp/mapkeeper-apt.log 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind \
			>>/tmp/mapkeeper-apt.log 2>&1; }
fi
scripts/deps.sh --fuzz || echo "stress: clang/libFuzzer missing: part a will fail" >&2

# ---- bookkeeping ----
# record PART NAME STATUS SECONDS RESULT: one line of the report
record() {
	printf '%-2s %-11s %-8s %6s s  %s\n' "$1" "$2" "$3" "$4" "$5" >>"$out/parts"
	printf 'stress: %s %s: %s in %s s: %s\n' "$1" "$2" "$3" "$4" "$5"
	[ "$3" = FAILED ] && failed=1
	return 0
}
wanted() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }
# tap LOG label command...: runs a TAP-printing command into LOG; sets tap_ok, tap_bad
tap() {
	log=$1
	shift
	echo "== $*" >>"$log"
	"$@" >>"$log.tmp" 2>&1
	rc=$?
	cat "$log.tmp" >>"$log"
	tap_ok=$((tap_ok + $(grep -c '^ok ' "$log.tmp")))
	b=$(grep -c '^not ok ' "$log.tmp")
	[ "$rc" -ne 0 ] && [ "$b" -eq 0 ] && b=1 && echo "not ok - $* exited $rc" >>"$log"
	tap_bad=$((tap_bad + b))
	rm -f "$log.tmp"
}
first_bad() { grep -m 3 '^not ok' "$1" | cut -c1-240 | tr '\n' ' '; }

# ---- a: fuzz ----
part_a() {
	log=$out/a-fuzz.log
	t0=$(date +%s)
	scripts/fuzz.sh "$fuzz_secs" >"$log" 2>&1
	rc=$?
	t=$(( $(date +%s) - t0 ))
	n=$(sed -n 's/^fuzz: \(fuzz_[a-z0-9_]*\): .* exit .*/\1/p' "$log" | sort -u | wc -l)
	execs=$(sed -n 's/^fuzz: fuzz_[a-z0-9_]*: \([0-9]*\) execs.*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
	if [ $rc -eq 0 ]; then
		record a fuzz ran "$t" "pass: $n targets x ${fuzz_secs} s, $execs execs, no crash/leak/timeout (build-fuzz/*.log)"
	else
		record a fuzz FAILED "$t" "$(grep -E '^fuzz: fuzz_.*exit [1-9]|build failed' "$log" | head -n 3 | tr '\n' ' ') (see $log, build-fuzz/artifacts/)"
	fi
	sed -n 's/^fuzz: \(fuzz_[a-z0-9_]*: .*\)/   \1/p' "$log" | grep execs >>"$out/parts"
}

# ---- b: sanitizer build's tests ----
part_b() {
	log=$out/b-tests.log
	t0=$(date +%s)
	if [ ! -x build-san/mapkeeper ]; then
		record b sanitizer FAILED 0 "build-san/mapkeeper missing: run make SANITIZE=address,undefined units"
		return
	fi
	tests/run.sh >"$log" 2>&1
	rc=$?
	t=$(( $(date +%s) - t0 ))
	last=$(tail -n 1 "$log")
	nsan=$(grep -c '^build-san/\|\[san\]: ' "$log")
	if [ $rc -eq 0 ]; then
		record b sanitizer ran "$t" "pass: tests/run.sh $last ($nsan result lines from the ASan+UBSan build)"
	else
		record b sanitizer FAILED "$t" "tests/run.sh: $last; $(grep -m 3 '^.*not ok' "$log" | cut -c1-200 | tr '\n' ' ')"
	fi
}

# ---- c: valgrind ----
part_c() {
	log=$out/c-valgrind.log
	t0=$(date +%s)
	: >"$log"
	if ! have_valgrind; then
		record c valgrind FAILED 0 "valgrind is not installed and could not be"
		return
	fi
	cat >"$out/nojit.c" <<'EOF'
/* stress.sh: declines PCRE2 JIT (PCRE2_ERROR_JIT_BADOPTION), so patterns run in the
 * interpreter, which valgrind can see into. */
#include <stdint.h>
int pcre2_jit_compile_8(void *code, uint32_t options);
int pcre2_jit_compile_8(void *code, uint32_t options)
{
	(void)code;
	(void)options;
	return -45;
}
EOF
	if ! ${CC:-cc} -shared -fPIC -o "$out/nojit.so" "$out/nojit.c" 2>>"$log"; then
		record c valgrind FAILED 0 "cannot build the no-JIT shim"
		return
	fi
	nojit=$TOP/$out/nojit.so
	vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible --error-exitcode=99 --num-callers=30"
	nerr=0
	nrun=0
	timing=""
	bad=""
	for b in build/tests/test_*; do
		[ -x "$b" ] || continue
		case "$b" in *.o) continue ;; esac
		nrun=$((nrun + 1))
		name=$(basename "$b")
		LD_PRELOAD=$nojit $vg --log-file="$out/vg-$name.log" "$b" >"$out/vg-$name.out" 2>&1
		rc=$?
		echo "$b: exit $rc" >>"$log"
		if [ $rc -eq 99 ] || [ -s "$out/vg-$name.log" ]; then
			nerr=$((nerr + 1))
			bad="$bad $name(valgrind: $out/vg-$name.log)"
		elif [ $rc -ne 0 ]; then
			# valgrind found nothing; the test's own failures are part b's (a timed
			# check, test_speed, fails at valgrind's speed anyway): noted, not counted
			timing="$timing $name($(grep '^not ok' "$out/vg-$name.out" | sed 's/^not ok [0-9]* - //' | tr '\n' ' ' | sed 's/ $//'))"
		fi
	done
	# the command line on the demo calls, in a scratch folder
	w=$(mktemp -d)
	db=$w/vg.db
	n1=demo/northwind-call-01.vtt
	n2=demo/northwind-call-02.vtt
	runs=$w/runs
	cat >"$runs" <<EOF
0 transcript $n1
0 transcript $n2 --format text
1 transcript tests/cases/transcript/err-binary.bin
0 extract $n1 --date 2026-03-03 --seller Maya_Brooks --seller-org Deskflow --buyer-org Northwind
0 extract $n2 --format text --date 2026-03-10 --seller Maya_Brooks
0 extract tests/cases/extract/families.vtt tests/cases/extract/dates.vtt --date 2026-03-03
0 when next_friday --ref 2026-03-03
0 when end_of_next_month --ref 2026-01-31 --format json
0 rules check
0 deal add Northwind --seller Maya_Brooks --seller-org Deskflow --buyer-org Northwind
0 deal add Other --seller Dana_Park
0 deal list
0 deal show Northwind
0 ingest $n1 --deal Northwind --date 2026-03-03
0 review --deal Northwind
0 review --format json
0 approve --all --deal Northwind --as maya
0 ingest $n2 --deal Northwind --date 2026-03-10 --format json
0 ingest $n2 --deal Northwind
0 ingest -j 2 tests/cases/extract/accept.vtt tests/cases/extract/delegation.vtt tests/cases/extract/school-board.vtt --deal Other --date 2026-03-05 --date-from-name
1 ingest $n1 --deal Nope
@reject
@edit
2 approve --all --as maya
0 approve --all-deals --yes --as maya
0 plan Northwind
0 plan Northwind --format json
0 plan Northwind --format csv
0 plan Northwind --format md
0 query --overdue --as-of 2026-03-31
0 query --said budget --deal Northwind
0 query --owner Leo_Grant --format json
0 query --slipped --format csv
0 history Northwind
0 history 1
0 health --as-of 2026-03-31
0 health Northwind --as-of 2026-03-31
EOF
	while read -r want args; do
		case "$want" in
		@reject | @edit)
			id=$(MAPKEEPER_DB=$db ./mapkeeper review --format json 2>/dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)["proposals"]
print(p[0]["id"] if p else 0)' 2>/dev/null)
			[ "$want" = @reject ] && args="reject ${id:-0} --reason not_now" && want=0
			[ "$want" = @edit ] && args="edit ${id:-0} --due 2026-03-20 --owner Dana_Park" && want=0
			;;
		esac
		nrun=$((nrun + 1))
		set -- $args
		# underscores stand for spaces inside one argument
		argv=""
		for a in "$@"; do argv="$argv '$(echo "$a" | tr _ ' ')'"; done
		eval "MAPKEEPER_DB=\$db LD_PRELOAD=\$nojit $vg --log-file=\$out/vg-cli-\$nrun.log ./mapkeeper $argv" \
			>"$out/vg-cli-$nrun.out" 2>&1
		rc=$?
		echo "mapkeeper $args: exit $rc (want $want)" >>"$log"
		if [ $rc -eq 99 ] || [ -s "$out/vg-cli-$nrun.log" ]; then
			nerr=$((nerr + 1))
			bad="$bad [mapkeeper $args: valgrind, $out/vg-cli-$nrun.log]"
		elif [ "$rc" != "$want" ]; then
			bad="$bad [mapkeeper $args: exit $rc, want $want: $(head -c 160 "$out/vg-cli-$nrun.out")]"
		else
			rm -f "$out/vg-cli-$nrun.log" "$out/vg-cli-$nrun.out"
		fi
	done <"$runs"
	rm -rf "$w"
	t=$(( $(date +%s) - t0 ))
	if [ -z "$bad" ]; then
		record c valgrind ran "$t" "pass: $nrun runs (unit tests and CLI) with no valgrind error or leak${timing:+; tests failing on their own under valgrind (part b judges them):$timing}"
	else
		record c valgrind FAILED "$t" "$nerr with valgrind errors of $nrun runs:$(echo "$bad" | cut -c1-600)"
	fi
}

# ---- d: kill -9 during ingest ----
part_d() {
	log=$out/d-kill.log
	t0=$(date +%s)
	python3 - "$TOP/mapkeeper" "$kill_rounds" >"$log" 2>&1 <<'PY'
import glob, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time
mk, rounds = sys.argv[1], int(sys.argv[2])
calls = sorted(glob.glob("demo/*.vtt")) + sorted(glob.glob("tests/cases/extract/*.vtt"))
seed = int(os.environ.get("STRESS_SEED", str(os.getpid())))
rng = random.Random(seed)
w = tempfile.mkdtemp(prefix="mk-kill-")
main = os.path.join(w, "kill.db")
print("seed %d, %d rounds, %d calls a round, scratch %s" % (seed, rounds, len(calls), w))

def run(db, args, **kw):
    env = dict(os.environ, MAPKEEPER_DB=db, MAPKEEPER_BUSY_TIMEOUT="10000")
    return subprocess.run([mk] + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)

def copies(i):
    """the calls again, new to the database: only their WEBVTT line differs"""
    d = os.path.join(w, "r%d" % i)
    os.mkdir(d)
    out = []
    for k, src in enumerate(calls):
        lines = open(src, encoding="utf-8").read().split("\n")
        lines[0] = "WEBVTT round %d" % i
        dst = os.path.join(d, "%02d-%s" % (k, os.path.basename(src)))
        open(dst, "w", encoding="utf-8").write("\n".join(lines))
        out.append(dst)
    return d, out

def state(db):
    c = sqlite3.connect(db)
    try:
        ic = c.execute("PRAGMA integrity_check").fetchone()[0]
        n, nd = c.execute("select count(*), count(distinct sha256) from meetings").fetchone()
    finally:
        c.close()
    return ic, n, nd

def kill_after(db, args, delay):
    env = dict(os.environ, MAPKEEPER_DB=db)
    p = subprocess.Popen([mk] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    alive = p.poll() is None
    if alive:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()
    return alive

seller = ["--seller", "Maya Brooks,Dana Park"]
r = run(main, ["deal", "add", "K"] + seller)
assert r.returncode == 0, r.stderr
d, files = copies(0)
# the calls have no date of their own (ingest refuses an undated call): one for them all
dated = ["--deal", "K", "--date", "2026-03-03", "--date-from-name"]
t = time.time(); r = run(main, ["ingest"] + files + dated); full = time.time() - t
assert r.returncode == 0, r.stderr
shutil.rmtree(d)
stored = len(calls)
print("uninterrupted ingest of %d calls: %.3f s" % (len(calls), full))
problems = killed = 0
for i in range(1, rounds + 1):
    if i % 10 == 0:
        # a new database, killed while it is created
        db = os.path.join(w, "new.db")
        for f in glob.glob(db + "*"):
            os.remove(f)
        delay = rng.uniform(0, 0.03)
        killed += kill_after(db, ["deal", "add", "K"] + seller, delay)
        what = "deal add on a new database"
        ic = "ok"
        if os.path.exists(db):  # killed before its tables were made is fine: check the file
            c = sqlite3.connect(db)
            ic = c.execute("PRAGMA integrity_check").fetchone()[0]
            c.close()
        if ic != "ok":
            problems += 1
            print("round %d (%s, %.3f s): integrity_check: %s" % (i, what, delay, ic))
        r1 = run(db, ["deal", "add", "K"] + seller)
        r = run(db, ["ingest"] + calls + dated)
        want = len(calls)
        deal_ok = r1.returncode == 0 or b"already" in r1.stderr
    else:
        db = main
        d, files = copies(i)
        order = rng.sample(files, len(files))
        args = ["ingest"] + order + dated
        if rng.random() < 0.3:
            args += ["-j", str(rng.choice([2, 4]))]
        delay = rng.uniform(0, 1.3 * full)
        killed += kill_after(db, args, delay)
        what = " ".join(a for a in args if not a.endswith(".vtt"))
        try:
            ic = state(db)[0]
        except Exception as e:
            ic = "cannot check: %s" % e
        if ic != "ok":
            problems += 1
            print("round %d (%s, killed after %.3f s): integrity_check: %s" % (i, what, delay, ic))
        r = run(db, ["ingest"] + files + dated)
        stored += len(calls)
        want = stored
        deal_ok = True
        shutil.rmtree(d)
    try:
        ic2, n, nd = state(db)
    except Exception as e:
        ic2, n, nd = "cannot check: %s" % e, -1, -1
    if not deal_ok or r.returncode != 0 or n != want or nd != n or ic2 != "ok":
        problems += 1
        print("round %d (%s, killed after %.3f s): re-ingest exit %d, %d meetings (%d distinct, want %d), "
              "integrity %s: %s" % (i, what, delay, r.returncode, n, nd, want, ic2, r.stderr.decode()[:300]))
        if db == main:
            stored = n
print("%d rounds (%d killed while running), %d meetings at the end, %d problems" % (rounds, killed, stored, problems))
shutil.rmtree(w)
sys.exit(1 if problems else 0)
PY
	rc=$?
	t=$(( $(date +%s) - t0 ))
	summary=$(tail -n 1 "$log")
	if [ $rc -eq 0 ]; then
		record d kill-9 ran "$t" "pass: $summary; integrity_check ok and a clean re-ingest stores each call once after every round"
	else
		record d kill-9 FAILED "$t" "$summary; $(grep -m 3 '^round' "$log" | cut -c1-200 | tr '\n' ' ')"
	fi
}

# ---- e, f, g: the quick scripts, longer ----
part_tap() { # PART NAME SCRIPT ENV... : with both binaries (SAN_ENV for the sanitizer one)
	p=$1 name=$2 script=$3
	shift 3
	log=$out/$p-$name.log
	: >"$log"
	t0=$(date +%s)
	tap_ok=0 tap_bad=0
	tap "$log" env MK="$TOP/mapkeeper" "$@" sh "$script"
	if [ -x build-san/mapkeeper ]; then
		tap "$log" env MK="$TOP/build-san/mapkeeper" $SAN_ENV sh "$script"
	else
		tap_bad=$((tap_bad + 1))
		echo "not ok - build-san/mapkeeper missing" >>"$log"
	fi
	t=$(( $(date +%s) - t0 ))
	how=$(grep -m 1 '^# ' "$log" | cut -c3-)
	if [ $tap_bad -eq 0 ]; then
		record "$p" "$name" ran "$t" "pass: $tap_ok checks ($*; ${how})"
	else
		record "$p" "$name" FAILED "$t" "$tap_bad of $((tap_ok + tap_bad)) checks failed: $(first_bad "$log")"
	fi
}

for p in a b c d e f g; do
	if ! wanted $p; then
		case $p in
		a) record a fuzz skipped 0 "not in STRESS_PARTS" ;;
		b) record b sanitizer skipped 0 "not in STRESS_PARTS" ;;
		c) record c valgrind skipped 0 "not in STRESS_PARTS" ;;
		d) record d kill-9 skipped 0 "not in STRESS_PARTS" ;;
		e) record e disk-full skipped 0 "not in STRESS_PARTS" ;;
		f) record f read-only skipped 0 "not in STRESS_PARTS" ;;
		g) record g concurrent skipped 0 "not in STRESS_PARTS" ;;
		esac
		continue
	fi
	echo "stress: part $p"
	case $p in
	a) part_a ;;
	b) part_b ;;
	c) part_c ;;
	d) part_d ;;
	e) SAN_ENV="DISKFULL_ROUNDS=$(( (diskfull_rounds + 2) / 3 ))" \
		part_tap e disk-full tests/cli/t73-disk-full.sh DISKFULL_ROUNDS="$diskfull_rounds" ;;
	f) SAN_ENV="" part_tap f read-only tests/cli/t74-readonly.sh ;;
	g) SAN_ENV="CONC_ROUNDS=2 CONC_PER=8" \
		part_tap g concurrent tests/cli/t75-concurrent.sh CONC_ROUNDS="$conc_rounds" CONC_PER=8 ;;
	esac
done

total=$(( $(date +%s) - started ))
{
	echo "mapkeeper make stress, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
	echo "settings: STRESS_FUZZ_SECONDS=$fuzz_secs STRESS_KILL_ROUNDS=$kill_rounds STRESS_DISKFULL_ROUNDS=$diskfull_rounds STRESS_CONC_ROUNDS=$conc_rounds STRESS_PARTS=\"$parts\""
	echo
	echo "part           status     time    result"
	cat "$out/parts"
	echo
	[ $failed -eq 0 ] && echo "stress: PASSED in $total s (logs in $out/)" || echo "stress: FAILED in $total s (logs in $out/)"
} >"$report"
echo
cat "$report"
exit $failed
