#!/bin/sh
# make demo: the whole job on the bundled calls of one deal (demo/), in a fresh demo
# database: a deal, then call by call: ingest, the proposals with their evidence,
# approve them (call 2 also sets the goal, the go-live date, a success criterion, a
# dependency and the next meeting); at the end the plan worked backward from go-live, the
# refreshed plan to e-mail the buyer with what call 2 changed, and a share link.
set -eu
cd "$(dirname "$0")/.."
MK=./mapkeeper
db=build/demo.db
rm -f "$db" "$db-wal" "$db-shm"
export MAPKEEPER_DB="$db"
step() { printf '\n=== %s\n' "$*"; }

step "a deal and its selling team"
$MK deal add Northwind --seller "Maya Brooks" --seller-org Deskflow --buyer-org Northwind

step "call 1 (2026-03-03): what was said, as read"
$MK transcript demo/northwind-call-01.vtt --format text
step "call 1: ingest"
$MK ingest demo/northwind-call-01.vtt --deal Northwind --date 2026-03-03
step "call 1: the proposals, with the words behind each"
$MK review --deal Northwind
step "the rep approves them"
$MK approve --all --deal Northwind --as demo

step "call 2 (2026-03-10): ingest"
$MK ingest demo/northwind-call-02.vtt --deal Northwind --date 2026-03-10
step "call 2: news on the plan's items, and the goal, go-live, criterion, dependency and next meeting it set"
$MK review --deal Northwind
$MK approve --all --deal Northwind --as demo

step "a manager's questions: what is overdue at the end of March, what slipped, what was said about budget"
$MK query --overdue --as-of 2026-03-31
$MK query --slipped
$MK query --said budget --deal Northwind
step "the slip history of the deal, and its health"
$MK history Northwind
$MK health --as-of 2026-03-31

step "the plan worked backward from go-live: slack, items by phase, what is late, held up or critical"
$MK plan Northwind --as-of 2026-03-12
step "the refreshed plan to e-mail the buyer: what the last call changed, marked"
$MK plan Northwind --changes-since last-call --format md --as-of 2026-03-12
step "a read-only link for the buyer to see and acknowledge the plan (served by 'mapkeeper serve')"
$MK share Northwind --base-url http://127.0.0.1:8080
