#!/bin/bash
# Bad options fail on the host, before a guest boots: within seconds, with
# a message that names the option and its value, and without a run folder.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
n=0
echo "1..5"

# check NAME PATTERN -- COMMAND...: fails fast, says PATTERN, leaves no run.
check() {
	local name=$1 pattern=$2 out rc start took before after
	shift 3
	before=$(ls -d results/*/ 2>/dev/null | wc -l)
	start=$(date +%s)
	out=$("$@" 2>&1 < /dev/null)
	rc=$?
	took=$(($(date +%s) - start))
	after=$(ls -d results/*/ 2>/dev/null | wc -l)
	n=$((n + 1))
	echo "$out" | tail -n 3 | sed 's/^/# /'
	if [ $rc -ne 0 ] && [ $took -lt 20 ] && [ "$after" = "$before" ] &&
		grep -q -- "$pattern" <<<"$out"; then
		echo "ok $n $name (${took}s)"
	else
		echo "not ok $n $name (status $rc, ${took}s, run folders $before -> $after)"
	fi
}

check "a bad latency driver value" "bad --latency-args '-n abc'" -- scripts/bench -s latency -L '-n abc'
check "a bad throughput driver option" "bad --throughput-args '--bogus'" -- scripts/bench -s throughput -T '--bogus'
check "a bad fio value" "bad --iodepth 'x'" -- scripts/bench -s fio -F '-D x'
check "an unknown fio job" "no job bench/fio/nosuch.fio" -- scripts/bench -s fio -F '-j nosuch'
check "an unknown bench option" "unknown option '--bogus'" -- scripts/bench --bogus
