#!/bin/sh
# bench/make-one-record.sh - how long one ehlog-new run takes, the way a
# script making records in a loop calls it.  The target is well under
# 2 ms a run (to standard output; -a adds an fsync, which the disk
# decides).  Not run by make check: no timing assertions there.
#
# Usage: bench/make-one-record.sh [BINDIR]   (default: the build folder)
# Uses hyperfine when it is installed, else a shell loop of 1000 runs
# (whose own overhead is then included).
set -eu
bindir=${1:-$(cd "$(dirname "$0")/.." && pwd)}
new=$bindir/ehlog-new
[ -x "$new" ] || { echo "bench: $new not built (run make)" >&2; exit 2; }
out=$(mktemp -d "${TMPDIR:-/tmp}/ehlog-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM
export EHLOG_BY=bench

# No argument holds a blank: hyperfine -N splits commands at blanks.
baseline="/bin/true"
close="$new close --case EH-1 --date 2021-06-30 --reason needs_met"
conversation="$new --case EH-1 --date 2021-06-30 --child Amy --child-ref ch-1
 --practitioner Jo --service School --participants both --person Sue=aunt
 --worry shouting --good-thing cat --dream calm --worried arguments
 --going-well school --needs-to-happen calm --scale parent=4 --scale child=6
 --next-step early_help_assessment --next-step-detail why"
conversation=$(echo $conversation)
append="$close -a $out/case.ndjson"

if command -v hyperfine >/dev/null 2>&1; then
	exec hyperfine -N --warmup 100 --runs 2000 \
		-n 'process start-up (/bin/true)' "$baseline" \
		-n 'close record to stdout' "$close" \
		-n 'conversation + 2 scales to stdout' "$conversation" \
		-n 'close record, -a FILE (fsync)' "$append"
fi
for what in baseline close conversation append; do
	eval "cmd=\$$what"
	start=$(date +%s%N)
	i=0
	while [ $i -lt 1000 ]; do
		$cmd >/dev/null
		i=$((i + 1))
	done
	end=$(date +%s%N)
	echo "$what: $(( (end - start) / 1000000 )) us per run (1000 runs)"
done
