# Shared settings for the project's scripts; source it, do not run it.
# shellcheck shell=bash

VHM_TOP=${VHM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VHM_OUT=${VHM_OUT:-$VHM_TOP/.output}
VHM_CACHE=${VHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vhost-mdev-bench}

vhm_die() { echo "$(basename "$0"): $*" >&2; exit 1; }
vhm_info() { [ -n "${VHM_QUIET:-}" ] || echo "  $*" >&2; }

# The guest kernel: KERNEL=6.1 (the default: Debian's stock kernel that
# linux-headers-amd64 points at) or KERNEL=debug (built from linux-source-6.1
# by scripts/build-debug-kernel.sh: KASAN, lockdep, kmemleak).
VHM_KERNELS="6.1 debug"
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

# The debug kernel's release: the source's upstream version and our suffix
# (linux-source-6.1 6.1.192-3 gives 6.1.192-vhm-debug).
vhm_debug_abi() {
	local st
	st=$(dpkg-query -W -f='${Status} ${Version}' linux-source-6.1 2>/dev/null || true)
	case "$st" in
	"install ok installed "*) ;;
	*) vhm_die "linux-source-6.1 is not installed: run 'make kernel-cache KERNEL=debug'" ;;
	esac
	st=${st##* }
	echo "${st%%-*}-vhm-debug"
}

# The selected kernel's ABI (uname -r in its guest).
vhm_kernel_abi() {
	vhm_kernel_check
	case "$VHM_KERNEL" in
	debug) vhm_debug_abi ;;
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
	debug) echo "$VHM_CACHE/kernel/$abi/build" ;;
	*) echo "/usr/src/linux-headers-$abi" ;;
	esac
}
