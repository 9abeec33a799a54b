#!/bin/sh
# README.md as a user reads it (issue 11, point 9): the rep's and the manager's sessions
# are what a real run prints (scripts/readme-example.sh --check runs every `$ mapkeeper`
# line in a scratch folder with the demo calls and compares), and every link and file
# named in README lies inside the repository (nothing in ../shared, which a clone lacks).
. "$TOP/tests/cli/lib.sh"
MK="$MK" sh scripts/readme-example.sh --check >"$tmp/o" 2>&1 && ok "README's sessions: $(tail -n 1 "$tmp/o")" \
	|| bad "README's sessions differ from a real run: $(head -c 3000 "$tmp/o")"

grep -n '\.\./shared' README.md >"$tmp/s" && bad "README names ../shared: $(cat "$tmp/s")" \
	|| ok "README names nothing in ../shared"
python3 - <<'PY' >"$tmp/l" && ok "every relative link of README is a file of the repository" || bad "README links: $(cat "$tmp/l")"
import os, re, sys
text = open("README.md", encoding="utf-8").read()
missing = [t for t in re.findall(r"\]\(([^)#\s]+)", text) if not re.match(r"[a-z]+:", t) and not os.path.exists(t)]
print(missing)
sys.exit(1 if missing else 0)
PY
echo "1..$n"
