#!/bin/sh
# make demo: reads the bundled sample calls of one deal (demo/) and shows what
# mapkeeper finds in each: the transcript as read, then the commitments (owner, due,
# evidence), stakeholders, risks and updates.
set -eu
cd "$(dirname "$0")/.."
MK=./mapkeeper
sellers="Maya Brooks"
date1=2026-03-03
date2=2026-03-10
for call in demo/northwind-call-01.vtt demo/northwind-call-02.vtt; do
	case "$call" in *01*) d=$date1 ;; *) d=$date2 ;; esac
	echo "=== $call (meeting $d, seller: $sellers)"
	echo "--- transcript"
	$MK transcript "$call" --format text
	echo "--- findings"
	$MK extract "$call" --date "$d" --seller "$sellers" --seller-org Deskflow --buyer-org Northwind --format text
	echo
done
