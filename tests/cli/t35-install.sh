#!/bin/sh
# make install and make uninstall: the binary, the rules, the web pages, the man page
# and the shell completions land under DESTDIR/PREFIX; the installed binary, run from
# another folder, finds its rules and pages (beside it, and through the share folder
# compiled in when it is copied elsewhere); the bash completion offers the commands;
# the man page renders without warnings and names every command.
#
# The build is a copy of the tested one (build/ or build-san/ for the sanitizer pass) in
# $tmp, so make relinks only what PREFIX changes and the work tree is not touched.
. "$TOP/tests/cli/lib.sh"
unset MAPKEEPER_RULES MAPKEEPER_WEB MAPKEEPER_DB
trap 'serve_stop; rm -rf "$tmp"' EXIT

case "$MK" in
*build-san*) src=build-san san=address,undefined ;;
*) src=build san="" ;;
esac
if [ ! -x "$TOP/$src/mapkeeper" ]; then
	bad "no $src/mapkeeper to install (run make all units first)"
	exit 1
fi
cp -a "$TOP/$src" "$tmp/build"
root="$tmp/root"

# mk_make ARGS...: make in the repository with the copied build folder
mk_make() { make -s --no-print-directory -C "$TOP" BUILD="$tmp/build" SANITIZE="$san" "$@"; }

mk_make install DESTDIR="$root" PREFIX=/usr >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc -eq 0 ]; then ok "make install DESTDIR=... PREFIX=/usr"
else bad "make install: rc=$rc $(tail -5 "$tmp/e")"; fi

share="$root/usr/share/mapkeeper"
missing=""
for f in usr/bin/mapkeeper usr/share/man/man1/mapkeeper.1 usr/share/bash-completion/completions/mapkeeper \
	usr/share/zsh/site-functions/_mapkeeper usr/share/mapkeeper/rules/FORMAT.md usr/share/mapkeeper/web/index.html; do
	[ -f "$root/$f" ] || missing="$missing $f"
done
for f in rules/*.rules web/*; do
	[ -f "$share/$f" ] || missing="$missing $f"
done
[ -x "$root/usr/bin/mapkeeper" ] || missing="$missing (bin not executable)"
if [ -z "$missing" ]; then ok "installed: the binary, every rules file, every page, the man page, both completions"
else bad "missing after install:$missing"; fi

grep -q "$share" "$tmp/build/sharedir" 2>/dev/null && bad "DESTDIR leaked into the compiled-in share folder" ||
	{ grep -qx /usr/share/mapkeeper "$tmp/build/sharedir" && ok "the compiled-in share folder is PREFIX's, without DESTDIR" ||
		bad "compiled-in share folder: $(cat "$tmp/build/sharedir")"; }

# the installed binary, from another folder
mkdir -p "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 1
bin="$root/usr/bin/mapkeeper"
"$bin" rules check >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc -eq 0 ] && grep -q "^$root/usr/bin/../share/mapkeeper/rules: [0-9]* rules, [0-9]* examples, 0 failed" "$tmp/o"; then
	ok "the installed binary finds its rules from another folder ($(cat "$tmp/o"))"
else bad "installed rules check: rc=$rc $(cat "$tmp/o" "$tmp/e")"; fi

cat >"$tmp/call.txt" <<'EOF'
Dana Ruiz: Thanks for joining. Where do we stand on the security review?
Sam Okafor: Our team is still working through it.
Dana Ruiz: I'll send you the signed data processing agreement by Friday.
Sam Okafor: Great, I'll share it with our legal team next week.
EOF
"$bin" extract "$tmp/call.txt" --seller "Dana Ruiz" --date 2026-03-03 --format json >"$tmp/o" 2>"$tmp/e"; rc=$?
if [ $rc -eq 0 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = [x for x in d["commitments"] if x["owner"] == "Dana Ruiz"]
assert c and c[0]["due"] == "2026-03-06", d["commitments"]
' "$tmp/o" 2>"$tmp/pe"; then ok "the installed binary extracts a call (Dana's commitment, due Friday 2026-03-06)"
else bad "installed extract: rc=$rc $(cat "$tmp/e" "$tmp/pe") $(head -c 300 "$tmp/o")"; fi

"$bin" deal add Acme --seller "Dana Ruiz" --db "$tmp/s.db" >/dev/null 2>&1
MK_TESTED=$MK
MK=$bin
SERVE_ARGS="--db $tmp/s.db"
if serve_start env MAPKEEPER_TOKEN=install-test-token; then
	code=$(curl -s -o "$tmp/page" -w '%{http_code}' "$base/login")
	if [ "$code" = 200 ] && cmp -s "$tmp/page" "$TOP/web/login.html"; then
		ok "the installed serve finds its pages (GET /login is web/login.html)"
	else bad "installed serve /login: $code $(head -c 200 "$tmp/page") $(cat "$tmp/serve.err")"; fi
else bad "installed serve did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"; fi
serve_stop
MK=$MK_TESTED

# bash completion: sourced, it registers and offers the commands, verbs and values
cd "$TOP" || exit 1
comp="$root/usr/share/bash-completion/completions/mapkeeper"
"$bin" deal add "North Wind" --seller "Maya Brooks" --db "$tmp/d.db" >/dev/null 2>&1
if command -v bash >/dev/null 2>&1; then
	PATH="$root/usr/bin:$PATH" bash -c '
		. "$1"
		complete -p mapkeeper
		c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _mapkeeper; echo "${COMPREPLY[*]}"; }
		c mapkeeper ""
		c mapkeeper in
		c mapkeeper deal ""
		c mapkeeper plan --format ""
		c mapkeeper ingest --d
		echo $(compgen -W "$(mapkeeper help --commands | grep -v " ")" -- he)
	' sh "$comp" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	{
		read -r reg
		read -r all
		read -r in
		read -r verbs
		read -r formats
		read -r opts
		read -r he
	} <"$tmp/o"
	lacking=""
	for c in $("$bin" help --commands | grep -v ' '); do
		case " $all " in *" $c "*) ;; *) lacking="$lacking $c" ;; esac
	done
	if [ $rc -eq 0 ] && [ "$reg" = "complete -F _mapkeeper mapkeeper" ] && [ "$in" = ingest ] &&
		[ "$verbs" = "add list show rename remove link" ] && [ "$formats" = "text json csv md" ] &&
		[ "$opts" = "--date --date-from-name --db --deal" ] && [ "$he" = "help health" ] && [ -z "$lacking" ]; then
		ok "the bash completion registers (complete -p) and offers commands, verbs, flags and --format values"
	else bad "bash completion: rc=$rc lacking:$lacking $(cat "$tmp/o" "$tmp/e" | tr '\n' '|')"; fi

	bash -c '. "$1"; COMP_WORDS=("$2" plan --db "$3" ""); COMP_CWORD=4; _mapkeeper; printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$comp" "$bin" "$tmp/d.db" >"$tmp/o" 2>"$tmp/e"
	bash -c '. "$1"; cd "$3"; COMP_WORDS=("$2" plan ""); COMP_CWORD=2; _mapkeeper; echo "${#COMPREPLY[@]}"' \
		sh "$comp" "$bin" "$tmp/elsewhere" >"$tmp/o2" 2>>"$tmp/e"
	if [ "$(cat "$tmp/o")" = 'North\ Wind' ] && [ "$(cat "$tmp/o2")" = 0 ] && [ ! -e "$tmp/elsewhere/mapkeeper.db" ]; then
		ok "the bash completion offers deal names from the database, and creates none where there is none"
	else bad "deal names: $(cat "$tmp/o" "$tmp/o2" "$tmp/e")"; fi
else
	ok "# SKIP no bash"
	ok "# SKIP no bash"
fi

# zsh: the completion system's functions stubbed to print what would be offered
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$root/usr/share/zsh/site-functions/_mapkeeper" 2>"$tmp/e" && ok "the zsh completion parses (zsh -n)" ||
		bad "zsh -n: $(cat "$tmp/e")"
	# detect_leaks=0: LeakSanitizer's stop-the-world at exit can hang for good when zsh runs
	# the sanitizer binary in $(...) (its tracer waits on a tracee that never stops: seen on
	# this machine 1 run in 15); the binary's leaks are checked by every other [san] test.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" PATH="$root/usr/bin:$PATH" zsh -f -c '
		compadd() { local -a out; while (( $# )); do case $1 in -a) shift; out+=(${(P)1}) ;; --) shift; out+=("$@"); break ;; -*) ;; *) out+=("$1") ;; esac; shift; done; print -r -- "${out[*]}"; }
		_describe() { print -r -- "${(@)${(P)4}%%:*}"; }
		_files() { print -r -- "files $*"; }
		source "$1" >/dev/null  # its last line runs _mapkeeper once
		t() { words=("$@"); CURRENT=$#; _mapkeeper; }
		t mapkeeper ""
		t mapkeeper deal ""
		t mapkeeper plan --format ""
		t mapkeeper plan --db "$2" ""
		t mapkeeper serve --web ""
	' zsh "$root/usr/share/zsh/site-functions/_mapkeeper" "$tmp/d.db" >"$tmp/o" 2>"$tmp/e"
	rc=$?
	{
		read -r all
		read -r verbs
		read -r formats
		read -r deals
		read -r dirs
	} <"$tmp/o"
	case " $all " in *" ingest "*" help "* | *" help "*" ingest "*) has=1 ;; *) has=0 ;; esac
	if [ $rc -eq 0 ] && [ $has = 1 ] && [ "$verbs" = "add list show rename remove link" ] && [ "$formats" = "text json csv md" ] &&
		[ "$deals" = "North Wind" ] && [ "$dirs" = "files -/" ]; then
		ok "the zsh completion offers commands, verbs, --format values, deal names and folders"
	else bad "zsh completion: rc=$rc $(cat "$tmp/o" "$tmp/e" | tr '\n' '|')"; fi
else
	ok "# SKIP no zsh to parse _mapkeeper"
	ok "# SKIP no zsh to run _mapkeeper"
fi

# the man page: renders without a warning, names every command and verb
man1="$root/usr/share/man/man1/mapkeeper.1"
if command -v man >/dev/null 2>&1; then
	warn=$(MANWIDTH=80 man --warnings -l "$man1" 2>&1 >/dev/null)
	MANWIDTH=200 man -l "$man1" 2>/dev/null >"$tmp/man.txt"
	if [ -z "$warn" ] && grep -q "mapkeeper - keep a B2B deal" "$tmp/man.txt" && grep -q "/usr/share/mapkeeper/rules/" "$tmp/man.txt" &&
		grep -q '^EXIT STATUS' "$tmp/man.txt" && grep -q '^ENVIRONMENT' "$tmp/man.txt" && grep -q '^FILES' "$tmp/man.txt"; then
		ok "man -l renders mapkeeper(1) without warnings, with FILES (PREFIX's), ENVIRONMENT and EXIT STATUS"
	else bad "man: $warn $(head -5 "$tmp/man.txt")"; fi
	missing=""
	while read -r c v; do
		if [ -z "$v" ]; then grep -qE "^       $c( |$)" "$tmp/man.txt" || missing="$missing $c"
		else grep -qE "^       $c .*\\b$v\\b" "$tmp/man.txt" || missing="$missing '$c $v'"; fi
	done <<EOF
$("$bin" help --commands)
EOF
	if [ -z "$missing" ]; then ok "the man page describes every command and verb of help --commands"
	else bad "the man page lacks:$missing"; fi
else
	ok "# SKIP no man to render mapkeeper(1)"
	ok "# SKIP no man to render mapkeeper(1)"
fi

# a binary copied away from its share folder finds it through the compiled-in PREFIX
mk_make install PREFIX="$tmp/prefix" >"$tmp/o" 2>"$tmp/e" || bad "make install PREFIX=$tmp/prefix: $(tail -3 "$tmp/e")"
mkdir -p "$tmp/away/bin"
cp "$tmp/prefix/bin/mapkeeper" "$tmp/away/bin/mapkeeper"
cd "$tmp/away" || exit 1
"$tmp/away/bin/mapkeeper" rules check >"$tmp/o" 2>"$tmp/e"; rc=$?
MK=$tmp/away/bin/mapkeeper
SERVE_ARGS="--db $tmp/s.db"
serve_start env MAPKEEPER_TOKEN=install-test-token && code=$(curl -s -o "$tmp/page" -w '%{http_code}' "$base/login") || code=none
serve_stop
MK=$MK_TESTED
if [ $rc -eq 0 ] && grep -q "^$tmp/prefix/share/mapkeeper/rules: .* 0 failed" "$tmp/o" && [ "$code" = 200 ]; then
	ok "a copied binary finds the rules and pages of the PREFIX it was built for"
else bad "copied binary: rc=$rc $(cat "$tmp/o" "$tmp/e") serve=$code $(cat "$tmp/serve.err" 2>/dev/null)"; fi
cd "$TOP" || exit 1

mk_make uninstall DESTDIR="$root" PREFIX=/usr >"$tmp/o" 2>"$tmp/e"; rc=$?
left=$(find "$root" -type f | sed "s|^$root||")
if [ $rc -eq 0 ] && [ -z "$left" ]; then ok "make uninstall removes every installed file"
else bad "make uninstall: rc=$rc left:$left $(cat "$tmp/e")"; fi
