# Shared by the meta tests (sourced): the project's top, and the check that
# the guest suite fails as it should.
# shellcheck shell=bash
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

# suite_must_fail NAME TIMEOUT FAIL_LINE DETAIL -- COMMAND...: boot a guest
# running COMMAND (the suite on one selftest); ok when it exits non-zero
# with the suite's FAIL_LINE and a DETAIL line (both grep patterns).
suite_must_fail() {
	local name=$1 timeout=$2 fail=$3 detail=$4 out rc
	shift 5
	out=$(scripts/guest-run -t "$timeout" -l "${OUT:-.output}/guest/$(basename "$0" .t)-console.log" \
		-- "$@" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	if [ $rc -ne 0 ] && grep -q "$fail" <<<"$out" && grep -q "$detail" <<<"$out"; then
		echo "ok 1 $name"
	else
		echo "not ok 1 $name (status $rc)"
	fi
}
