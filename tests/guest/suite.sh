#!/bin/bash
# The guest test suite, run inside the guest by scripts/run-tests: loads the
# project's modules, runs every guest test (C binaries built into
# .output/tests/guest/ and tests/guest/*.t scripts), each printing TAP, and
# ends with the dmesg guard. Arguments: run only these tests instead.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$top/.output}
cd "$top" || exit 1

export HARNESS_TIMEOUT=${HARNESS_TIMEOUT:-300}
per_test_timeout=${VHM_TEST_TIMEOUT:-900}

# Only what the kernel says from here on counts against this run.
echo "vhm-suite: start" > /dev/kmsg
start=$(dmesg | grep -n 'vhm-suite: start' | tail -1 | cut -d: -f1)

failed=0
tap_line() { echo "$1"; [ "${1#not ok}" = "$1" ] || failed=1; }

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for t in "$out"/tests/guest/* "$top"/tests/guest/*.t; do
		[ -x "$t" ] && [ -f "$t" ] && tests+=("$t")
	done
fi

if [ -x "$top/scripts/vhm-modules" ] && [ -f "$out/kernel/vhost_mdev.ko" ]; then
	echo "# load modules"
	if "$top/scripts/vhm-modules" load; then
		tap_line "ok 1 suite: load the project's modules"
	else
		tap_line "not ok 1 suite: load the project's modules"
	fi
fi

for t in "${tests[@]}"; do
	name=$(basename "$t")
	echo "# $name"
	timeout -k 5 "$per_test_timeout" "$t" 2>&1 |
		sed -u -E "s/^(ok|not ok) ([0-9]+) /\1 \2 $name: /" | tee /tmp/vhm-suite.out
	rc=${PIPESTATUS[0]}
	grep -q '^not ok' /tmp/vhm-suite.out && failed=1
	if [ "$rc" -ne 0 ]; then
		tap_line "not ok 1 $name: exit status $rc"
	fi
done

if [ -x "$top/scripts/vhm-modules" ] && [ -f "$out/kernel/vhost_mdev.ko" ]; then
	"$top/scripts/vhm-modules" unload ||
		tap_line "not ok 1 suite: unload the project's modules"
fi

echo "# dmesg guard"
bad=$(dmesg | tail -n +"$start" | "$top/scripts/dmesg-guard")
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" | sed 's/^/# dmesg: /'
	tap_line "not ok 1 suite: guest dmesg is clean"
else
	tap_line "ok 1 suite: guest dmesg is clean"
fi
exit $failed
