#!/bin/sh
# Extraction cases: tests/cases/extract/NAME.vtt with NAME.expect (see tests/extract_check.py).
set -u
cd "$TOP"
rc=0
for e in tests/cases/extract/*.expect; do
	python3 tests/extract_check.py "$MK" "${e%.expect}.vtt" "$e" || rc=1
done
exit $rc
