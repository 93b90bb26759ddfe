# Sourced by the guest tests that trace with the BPF tools.
# tool_start DIR TOOL ARGS...: start $out/bpf/TOOL with its stdout in
# DIR/out and stderr in DIR/err, and wait until it says it is attached
# (at most 120 s); TOOL_PID is its pid. tool_stop: Ctrl-C it and wait.
tool_start() {
	local dir=$1 tool=$2 i
	shift 2
	"$out/bpf/$tool" "$@" > "$dir/out" 2> "$dir/err" &
	TOOL_PID=$!
	for i in $(seq 1200); do
		grep -q "Hit Ctrl-C" "$dir/err" && return 0
		kill -0 "$TOOL_PID" 2> /dev/null || break
		sleep 0.1
	done
	echo "# $tool $* did not attach: $(tail -n 1 "$dir/err")"
	return 1
}

tool_stop() {
	kill -INT "$TOOL_PID" 2> /dev/null
	wait "$TOOL_PID"
}
