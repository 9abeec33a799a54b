#!/bin/sh
# make demo: the whole job on the bundled calls of one deal (demo/), in a fresh demo
# database: a deal, then call by call: ingest, the proposals with their evidence,
# approve them; at the end the plan as a rep would share it.
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
step "call 2: news on the plan's items"
$MK review --deal Northwind
$MK approve --all --deal Northwind --as demo

step "the plan"
$MK plan Northwind
step "the plan as Markdown, to paste into an email"
$MK plan Northwind --format md

step "a manager's questions: what is overdue at the end of March, what slipped, what was said about budget"
$MK query --overdue --as-of 2026-03-31
$MK query --slipped
$MK query --said budget --deal Northwind
step "the slip history of the deal, and its health"
$MK history Northwind
$MK health --as-of 2026-03-31
