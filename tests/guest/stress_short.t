#!/bin/bash
# A short run of the stress suite (scripts/stress, `make stress` runs the
# long one): every worker at once for 30 s (150 s on a debug kernel, where a
# tracer took 60 s or more to load under the fuzzers). Passes
# only when the run ends clean (no kernel report, no hang, no violation of
# the device's contract) and every kind of work really happened.
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=30
if [ -r /proc/config.gz ] && zcat /proc/config.gz 2>/dev/null | grep -qE '^CONFIG_(KASAN|PROVE_LOCKING)=y'; then
	secs=150
fi
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }

echo "1..8"
out=$("$top/scripts/stress" -t "$secs" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
summary=$(grep -a '^stress: [0-9]* s, seed ' <<<"$out" | tail -1)

ok $rc "stress: $secs s of every worker, exit status $rc"
grep -q ', 0 kernel reports$' <<<"$summary"
ok $? "stress: 0 kernel reports"

# nonzero REGEX WHAT: the number right after REGEX in the summary is not 0.
nonzero() {
	local v
	v=$(sed -nE "s|.*$1([0-9]+).*|\\1|p" <<<"$summary")
	[ -n "$v" ] && [ "$v" -gt 0 ]
	ok $? "stress: $2 (${v:-none})"
}
nonzero 'ioctl calls ' "the fuzzer made calls"
nonzero ', frames ' "traffic moved frames"
nonzero ', flips ' "the device was stopped and started"
nonzero ', attaches ' "tracers attached"
nonzero 'map/unmaps [0-9]+/' "the container was unmapped while the device ran"
nonzero 'creates/removes [0-9]+/' "instances were created and removed"
