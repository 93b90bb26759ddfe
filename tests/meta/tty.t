#!/bin/bash
# guest-run at a real terminal: an interactive bash in a tmux pane (job
# control, guest-run in its own foreground process group) runs it as a user
# would. A command must finish (no SIGTTOU/SIGTTIN stop); Ctrl-C must kill
# the guest, also when guest-run's output goes through tee, and leave no
# QEMU; -i must give Ctrl-C to the guest shell; the terminal settings must
# be those from before.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed (make deps)"
	exit 0
fi
echo "1..5"

out=${OUT:-$top/.output}
mkdir -p "$out/guest"
d=$(mktemp -d "$out/guest/tty.XXXXXX")
sock=vhm-tty-$$
tm() { tmux -L "$sock" "$@"; }
cleanup() {
	tm kill-server 2>/dev/null
	pkill -KILL -f -- "$d/" 2>/dev/null
	rm -rf "$d"
}
trap cleanup EXIT

n=0
result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}
# Type a line into the pane.
send() { tm send-keys -t vhm -l -- "$1"; tm send-keys -t vhm Enter; }
# The exit status of the pane's last command (PROMPT_COMMAND writes it), once
# the prompt is back, within $1 seconds.
status_within() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ -s "$d/status" ] && { cat "$d/status"; return 0; }
		sleep 0.1
	done
	return 1
}
# Wait up to $2 seconds for the pane to show $1.
pane_shows() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		tm capture-pane -p -t vhm -S -300 | grep -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# Run a line in the pane, status_within $2.
run() {
	rm -f "$d/status"
	send "$1"
}
show_pane() { tm capture-pane -p -t vhm -S -300 | grep -v '^$' | tail -n 15 | sed 's/^/#   | /'; }
# guest-run or QEMU processes of the run with console log $1.
left() { pgrep -f -- "$1" | tr '\n' ' '; }

# A clean environment, but the project's own settings (a user whose HOME
# is not writable sets VHM_CACHE).
keep=
for v in VHM_CACHE XDG_CACHE_HOME OUT KERNEL; do
	[ -n "${!v:-}" ] && keep+=" $v=$(printf %q "${!v}")"
done
tm new-session -d -s vhm -x 160 -y 50 \
	"env -i HOME=$HOME PATH=$PATH TERM=xterm$keep PS1='tty\$ ' bash --norc --noprofile -i"
send "cd $(printf %q "$top"); PROMPT_COMMAND='echo \$? > $d/status'"
status_within 10 >/dev/null || { echo "Bail out! no shell in the tmux pane"; exit 1; }
run "stty -g > $d/stty.before"
status_within 10 >/dev/null

# 1: a command at the terminal returns its status.
t0=$(date +%s)
run "scripts/guest-run -t 60 -l $d/c1.log -- sh -c 'exit 7'"
rc=$(status_within 90)
took=$(($(date +%s) - t0))
if [ "$rc" = 7 ] && [ $took -lt 60 ]; then
	result ok "a guest command at a terminal finishes with its status (${took}s)"
else
	result fail "a guest command at a terminal finishes with its status (status '$rc', ${took}s; left: $(left "$d/c1.log"))"
	ps -o pid,stat,pgid,tpgid,args -p "$(left "$d/c1.log" | tr ' ' ,)0" 2>/dev/null | sed 's/^/# /'
	show_pane
	tm send-keys -t vhm C-c; pkill -KILL -f -- "$d/c1.log"; status_within 10 >/dev/null
fi

# 2: Ctrl-C during a long command kills the guest: status 130, no QEMU left.
# 3: the same with the output through tee.
ctrl_c() {
	local what=$1 log=$2 line=$3 rc took t0 gone
	run "$line"
	if ! pane_shows guest-up 120; then
		result fail "$what: the guest did not come up"
		show_pane
	else
		t0=$(date +%s)
		tm send-keys -t vhm C-c
		rc=$(status_within 15)
		took=$(($(date +%s) - t0))
		gone=$(left "$log")
		if [ "$rc" = 130 ] && [ -z "$gone" ]; then
			result ok "$what: Ctrl-C kills the guest, status 130, no QEMU left (${took}s)"
		else
			result fail "$what: Ctrl-C kills the guest, status 130, no QEMU left (status '$rc', ${took}s; left: $gone)"
			show_pane
		fi
	fi
	pkill -KILL -f -- "$log"
	status_within 10 >/dev/null
}
ctrl_c "guest-run" "$d/c2.log" \
	"scripts/guest-run -t 300 -l $d/c2.log -- sh -c 'echo guest-up; sleep 1000'"
ctrl_c "guest-run | tee" "$d/c3.log" \
	"scripts/guest-run -t 300 -l $d/c3.log -- sh -c 'echo guest-up; sleep 1000' | tee $d/tee.out"

# 4: -i: Ctrl-C interrupts the guest shell's command, the shell lives on and
# its exit status is guest-run's.
run "scripts/guest-run -i -l $d/c4.log"
if pane_shows 'vhm guest:' 120; then
	send "sleep 1000"
	sleep 2
	tm send-keys -t vhm C-c
	send 'echo alive-$((6 * 7))'
	if pane_shows 'alive-42' 30; then
		send "exit 5"
		rc=$(status_within 30)
		if [ "$rc" = 5 ] && [ -z "$(left "$d/c4.log")" ]; then
			result ok "guest-run -i: Ctrl-C goes to the guest shell, exit ends the guest"
		else
			result fail "guest-run -i: exit ends the guest with its status (status '$rc')"
			show_pane
		fi
	else
		result fail "guest-run -i: the guest shell did not survive Ctrl-C"
		show_pane
	fi
else
	result fail "guest-run -i: no guest shell"
	show_pane
fi
pkill -KILL -f -- "$d/c4.log"
status_within 10 >/dev/null

# 5: the terminal is as it was.
run "stty -g > $d/stty.after"
status_within 10 >/dev/null
if [ -s "$d/stty.before" ] && cmp -s "$d/stty.before" "$d/stty.after"; then
	result ok "the terminal settings are those from before"
else
	result fail "the terminal settings are those from before ($(cat "$d/stty.before") -> $(cat "$d/stty.after" 2>/dev/null))"
fi
