#!/bin/sh
# Accuracy per writer set on ../shared's corpora: `make accuracy` (needs ../shared).
# Prints one line per dev set (A-B, E, F, G, H) from ../shared/eval/score.py and plan.py,
# then the whole dev corpus, real-gold and real-silver. Sets are listed in ../shared/README.md.
set -u
MK=${MK:-./mapkeeper}
SHARED=${SHARED:-../shared}
if [ ! -d "$SHARED/corpus/dev" ] || [ ! -f "$SHARED/eval/score.py" ]; then
	echo "accuracy: skipped: no $SHARED/corpus/dev beside the repository (CI has it)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
dev=$(cd "$SHARED/corpus/dev" && pwd)
set_deals() {
	case $1 in
	A-B) echo harbor-freight-tms mercy-health-secops lumen-retail-hr quillpay-warehouse ;;
	E) echo northstar-payer-analytics kestrel-construction-pm ;;
	F) echo orbit-payments-api halden-insurance-claims ;;
	G) echo sable-pharma-ctms juniper-k12-lms ;;
	H) echo vantage-telco-cdp meridian-bank-kyc ;;
	esac
}
for s in A-B E F G H; do
	mkdir "$tmp/$s"
	for d in $(set_deals $s); do
		[ -d "$dev/$d" ] && ln -s "$dev/$d" "$tmp/$s/$d"
	done
	c=$(python3 "$SHARED/eval/score.py" "$tmp/$s" --bin "$MK" | tail -n 1)
	p=$(python3 "$SHARED/eval/plan.py" "$tmp/$s" --bin "$MK" | tail -n 1)
	printf 'set %-3s %s\n        %s\n' "$s" "$c" "$p"
done
printf 'dev all %s\n' "$(python3 "$SHARED/eval/score.py" "$dev" --bin "$MK" | tail -n 1)"
printf '        %s\n' "$(python3 "$SHARED/eval/plan.py" "$dev" --bin "$MK" | tail -n 1)"
printf 'real-gold %s\n' "$(python3 "$SHARED/eval/score.py" "$SHARED/corpus/real-gold" --bin "$MK" | tail -n 1)"
printf 'real-silver %s\n' "$(python3 "$SHARED/eval/silver.py" --bin "$MK" | tail -n 1)"
