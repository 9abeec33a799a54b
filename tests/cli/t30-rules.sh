#!/bin/sh
# mapkeeper rules check: the shipped rules pass; broken rules fail with file:line.
. "$TOP/tests/cli/lib.sh"

out=$("$MK" rules check rules 2>"$tmp/err"); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q ' 0 failed$'; then ok "shipped rules compile and pass their examples ($out)"
else bad "shipped rules: rc=$rc $out $(head -5 "$tmp/err")"; fi

mkdir -p "$tmp/r1"
printf 'rule a\nkind: commitment\npattern: (unclosed\nexample: x\n' >"$tmp/r1/x.rules"
"$MK" rules check "$tmp/r1" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "x.rules:3: cannot compile pattern at offset 9: missing closing parenthesis" "$tmp/err"; then ok "a bad pattern names file:line and offset"
else bad "bad pattern: rc=$rc $(cat "$tmp/err")"; fi

mkdir -p "$tmp/r2"
printf 'rule a\nkind: commitment\npattern: {NOPE} x\nexample: x\n' >"$tmp/r2/x.rules"
"$MK" rules check "$tmp/r2" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "x.rules:3: unknown macro {NOPE}" "$tmp/err"; then ok "an unknown macro is named"
else bad "unknown macro: rc=$rc $(cat "$tmp/err")"; fi

mkdir -p "$tmp/r3"
printf 'define V = send\nrule a\nkind: commitment\npattern: I{AP}ll {V} (?<action>\\w+)\nexample: I will send it\ncounter: I will send it\n' >"$tmp/r3/x.rules"
printf "define AP = ['’]\n" >"$tmp/r3/0.rules"
"$MK" rules check "$tmp/r3" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "x.rules:5: rule 'a' does not match its example 'I will send it'" "$tmp/err" &&
   grep -q "1 failed" "$tmp/out"; then ok "a failing example is reported with file:line"
else bad "failing example: rc=$rc $(cat "$tmp/err" "$tmp/out")"; fi

mkdir -p "$tmp/r4"
printf 'rule a\nkind: promise\npattern: x\n' >"$tmp/r4/x.rules"
"$MK" rules check "$tmp/r4" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "x.rules:2: unknown kind 'promise'" "$tmp/err"; then ok "an unknown kind is named"
else bad "unknown kind: rc=$rc $(cat "$tmp/err")"; fi

"$MK" rules check "$tmp/none" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "cannot open rules folder" "$tmp/err"; then ok "a missing folder is a clear error"
else bad "missing folder: rc=$rc $(cat "$tmp/err")"; fi

mkdir -p "$tmp/r5"
printf 'rule a\nkind: risk\npattern: x\nexample: x\n' >"$tmp/r5/x.rules"
"$MK" rules check "$tmp/r5" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -ne 0 ] && grep -q "x.rules:1: rule 'a' needs a valid category" "$tmp/err"; then ok "a risk without a category is refused"
else bad "risk category: rc=$rc $(cat "$tmp/err")"; fi

mkdir -p "$tmp/r6"
printf '# only a comment\n' >"$tmp/r6/a.rules"
: >"$tmp/r6/b.rules"
"$MK" rules check "$tmp/r6" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "hold no rule" "$tmp/err"; then ok "rules files with no rule: one line, exit 1"
else bad "no rule: rc=$rc $(cat "$tmp/err")"; fi
