# Shared settings for the project's scripts; source it, do not run it.
# shellcheck shell=bash

VHM_TOP=${VHM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VHM_OUT=${VHM_OUT:-${OUT:-$VHM_TOP/.output}}
VHM_CACHE=${VHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vhost-mdev-bench}

vhm_die() { echo "$(basename "$0"): $*" >&2; exit 1; }
vhm_info() { [ -n "${VHM_QUIET:-}" ] || echo "  $*" >&2; }

# mkdir -p DIR..., or one message that says which folder and what to do
# (a user such as nobody has HOME=/nonexistent).
vhm_mkdir() {
	local d
	for d in "$@"; do
		mkdir -p "$d" 2>/dev/null && [ -w "$d" ] && continue
		case "$d" in
		"$VHM_CACHE"*) vhm_die "cannot create or write $d (the kernel cache, under HOME=$HOME): set VHM_CACHE to a folder you can write, e.g. VHM_CACHE=/tmp/vhm-cache" ;;
		"$VHM_OUT"*) vhm_die "cannot create or write $d (build outputs): run as the owner of $VHM_TOP, or set OUT to a folder you can write" ;;
		*) vhm_die "cannot create or write $d" ;;
		esac
	done
}

# The guest kernel: KERNEL=6.1 (the default: Debian's stock kernel that
# linux-headers-amd64 points at), KERNEL=6.12 (the 6.12 LTS Debian 12 ships,
# the one linux-headers-6.12-amd64 points at) or KERNEL=debug (built from
# linux-source-6.1 by scripts/build-debug-kernel.sh: KASAN, lockdep, kmemleak),
# KERNEL=debug-6.12 (the same debug build from linux-source-6.12, with the
# vDPA core, vhost-vdpa, virtio-vdpa and vdpa_sim_net built in)
# or KERNEL=rt (Debian's PREEMPT_RT flavour of the stock release: 6.1.0-57-amd64
# gives 6.1.0-57-rt-amd64).
VHM_KERNELS="6.1 6.12 debug debug-6.12 rt"
VHM_KERNEL=${KERNEL:-${VHM_KERNEL:-6.1}}

vhm_kernel_check() {
	case " $VHM_KERNELS " in
	*" $VHM_KERNEL "*) ;;
	*) vhm_die "unknown KERNEL='$VHM_KERNEL' (valid: ${VHM_KERNELS// /, })" ;;
	esac
}

# The stock kernel ABI (e.g. 6.1.0-57-amd64) that linux-headers-amd64 points at.
vhm_stock_abi() {
	local dep
	[ -n "${VHM_ABI:-}" ] && { echo "$VHM_ABI"; return; }
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		vhm_die "linux-headers-amd64 is not installed: run 'make deps'"
	dep=${dep%% *}
	dep=${dep#linux-headers-}
	[ -n "$dep" ] || vhm_die "cannot resolve the kernel ABI from linux-headers-amd64"
	echo "$dep"
}

# The 6.12 kernel's ABI (e.g. 6.12.117+deb12-amd64): the newest in the
# archive when its headers were installed (scripts/packages-6.12.txt).
vhm_612_abi() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-6.12-amd64 2>/dev/null) ||
		vhm_die "linux-headers-6.12-amd64 is not installed: run 'make kernel-cache KERNEL=6.12'"
	dep=${dep%% *}
	dep=${dep#linux-headers-}
	[ -n "$dep" ] || vhm_die "cannot resolve the kernel ABI from linux-headers-6.12-amd64"
	echo "$dep"
}

# The PREEMPT_RT kernel's ABI: the stock one's flavour swapped, so both are
# the same release (6.1.0-57-amd64 gives 6.1.0-57-rt-amd64).
vhm_rt_abi() {
	local abi
	abi=$(vhm_stock_abi) || exit 1
	echo "${abi%-amd64}-rt-amd64"
}

# The series of a debug kernel: KERNEL=debug is 6.1, KERNEL=debug-6.12 is
# 6.12; empty for the others.
vhm_debug_series() {
	case "${1:-$VHM_KERNEL}" in
	debug) echo 6.1 ;;
	debug-*) echo "${1:-$VHM_KERNEL}" | cut -d- -f2 ;;
	esac
}

# Whether KERNEL (or $1) is one built by scripts/build-debug-kernel.sh.
vhm_kernel_is_debug() { [ -n "$(vhm_debug_series "${1:-$VHM_KERNEL}")" ]; }

# The debug kernel's release: the source's upstream version and our suffix
# (linux-source-6.1 6.1.192-3 gives 6.1.192-vhm-debug; linux-source-6.12
# 6.12.117-1~deb12u1 gives 6.12.117-vhm-debug). $1: the series, default 6.1.
vhm_debug_abi() {
	local st series=${1:-6.1} kernel=debug
	[ "$series" = 6.1 ] || kernel=debug-$series
	st=$(dpkg-query -W -f='${Status} ${Version}' "linux-source-$series" 2>/dev/null || true)
	case "$st" in
	"install ok installed "*) ;;
	*) vhm_die "linux-source-$series is not installed: run 'make kernel-cache KERNEL=$kernel'" ;;
	esac
	st=${st##* }
	echo "${st%%-*}-vhm-debug"
}

# The selected kernel's ABI (uname -r in its guest).
vhm_kernel_abi() {
	vhm_kernel_check
	case "$VHM_KERNEL" in
	debug) vhm_debug_abi 6.1 ;;
	debug-6.12) vhm_debug_abi 6.12 ;;
	6.12) vhm_612_abi ;;
	rt) vhm_rt_abi ;;
	*) vhm_stock_abi ;;
	esac
}

# Its cache folder: vmlinuz, vmlinux, config, lib/modules/<abi>, initramfs.
vhm_kernel_dir() {
	local abi
	abi=$(vhm_kernel_abi) || exit 1
	echo "$VHM_CACHE/kernel/$abi"
}

# The stock kernel's cache folder, whatever KERNEL says: the BPF tools build
# once against its vmlinux.h (CO-RE: the same binaries run on every kernel).
vhm_stock_kernel_dir() { echo "$VHM_CACHE/kernel/$(vhm_stock_abi)"; }

# The folder out-of-tree modules build against (make -C).
vhm_kernel_build() {
	local abi
	abi=$(vhm_kernel_abi) || exit 1
	case "$VHM_KERNEL" in
	debug | debug-6.12) echo "$VHM_CACHE/kernel/$abi/build" ;;
	*) echo "/usr/src/linux-headers-$abi" ;;
	esac
}

# --- progress -----------------------------------------------------------------
# One line on stderr rewritten with \r, as the drivers do (lib/run.c): only
# on a terminal and without VHM_NO_PROGRESS.
vhm_progress_on() {
	[ -t 2 ] && [ -z "${VHM_NO_PROGRESS:-}" ]
}

# Wall-clock seconds. On the virtual clock every clock of the guest is guest
# time, slower than the host's; the RTC follows the host.
vhm_wall_s() {
	local s=
	if [ "${VHM_CLOCK:-}" = virtual ] && [ -r /sys/class/rtc/rtc0/since_epoch ]; then
		s=$(cat /sys/class/rtc/rtc0/since_epoch 2>/dev/null || true)
	fi
	echo "${s:-$(date +%s)}"
}

# vhm_progress TOOL DONE TOTAL START TEXT: "TOOL: TEXT, P%, ETA m:ss", the
# ETA from the wall time since START (vhm_wall_s) and the share done.
vhm_progress() {
	local tool=$1 done=$2 total=$3 start=$4 text=$5 el eta=-
	vhm_progress_on || return 0
	el=$(( $(vhm_wall_s) - start ))
	if [ "$done" -gt 0 ] && [ "$el" -ge 1 ]; then
		eta=$(( el * (total - done) / done ))
		eta=$(printf '%d:%02d' $((eta / 60)) $((eta % 60)))
	fi
	printf '\r\033[K%s: %s, %d%%, ETA %s' "$tool" "$text" $((100 * done / total)) "$eta" >&2
}

vhm_progress_done() {
	if vhm_progress_on; then printf '\r\033[K' >&2; fi
}
