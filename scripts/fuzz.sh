#!/usr/bin/env bash
# Runs every fuzz target of the module, one after another (one at a time:
# each already uses every core), for the given time each, and prints a
# line per target with its executions and findings. A finding fails the
# script; its input is saved under the package's testdata/fuzz, where
# `go test ./...` replays it from then on. `go test ./...` alone runs only
# the seed corpora.
#
#   scripts/fuzz.sh [time]      (default 1m; a go test -fuzztime value)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-1m}
failed=0
# Every package with a Fuzz function in a test file, and its targets.
for pkg in $(go list -f '{{.Dir}}' ./...); do
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$pkg"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
	for target in $targets; do
		rel=./${pkg#"$PWD"/}
		log=$(mktemp)
		if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$rel" >"$log" 2>&1; then
			result=ok
		else
			result=FAILED
			failed=1
		fi
		# The last progress line holds the totals.
		totals=$(grep -o 'execs: [0-9]*.*' "$log" | tail -1 || true)
		echo "$result $rel $target ($fuzztime): ${totals:-no progress line}"
		if [ "$result" = FAILED ]; then sed 's/^/    /' "$log" | tail -20; fi
		rm -f "$log"
	done
done
exit $failed
