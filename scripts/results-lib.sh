# Helpers of the results scripts (plot, dashboard, compare, baseline);
# source it after env.sh.
# shellcheck shell=bash

VHM_RESULTS=${VHM_RESULTS:-$VHM_TOP/results}

# The run directories under $VHM_RESULTS, oldest first (run ids start with
# the UTC time): baseline, runs still going (.partial) and runs that did not
# finish (.aborted) excluded.
vhm_runs() {
	local d
	for d in "$VHM_RESULTS"/*/; do
		d=${d%/}
		[ -d "$d" ] || continue
		case "$(basename "$d")" in
		baseline|*.partial|*.aborted) continue ;;	# not a finished run
		esac
		[ -f "$d/latency.json" ] || [ -f "$d/throughput.json" ] || continue
		echo "$d"
	done | sort
}

# A run named by id, path, "baseline" or "latest" -> its directory.
vhm_run_dir() {
	local r=$1 latest
	case "$r" in
	latest)
		latest=$(vhm_runs | tail -1)
		[ -n "$latest" ] || vhm_die "no runs in $VHM_RESULTS"
		echo "$latest" ;;
	baseline) echo "$VHM_RESULTS/baseline" ;;
	*)
		if [ -d "$r" ]; then echo "${r%/}"
		elif [ -d "$VHM_RESULTS/$r" ]; then echo "$VHM_RESULTS/$r"
		else vhm_die "no run '$r' (a directory or an id under $VHM_RESULTS)"
		fi ;;
	esac
}

# The comparison program, built on first use.
vhm_compare_bin() {
	local bin=$VHM_OUT/tools/vhm-compare
	if [ ! -x "$bin" ]; then
		make -C "$VHM_TOP" --no-print-directory -s "$bin" >&2 || vhm_die "cannot build $bin"
	fi
	echo "$bin"
}

# jq: run_mode(LATENCY_DOC; THROUGHPUT_DOC) -> "quick" or "full". Runs
# record env.mode; older ones are told by scripts/bench's quick options
# (vhm-latency -n 500 -w 50, vhm-throughput -k 1,32 -s 64).
VHM_JQ_RUN_MODE='def run_mode($l; $t):
	($l.env.mode // $t.env.mode) //
	(if $l.params != null then
		(if $l.params.samples == 500 and $l.params.warmup == 50 then "quick" else "full" end)
	 elif $t.params != null then
		(if $t.params.batch == [1, 32] and $t.params.frame_size == [64] then "quick" else "full" end)
	 else "full" end);'
