# lib.sh: what every command-line test script shares. Sourced, not run: numbered TAP
# lines (ok/bad), a scratch folder $tmp removed on exit, the repository as the cwd.
set -u
cd "$TOP" || exit 1
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
