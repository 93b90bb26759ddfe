# Shared settings for the project's scripts; source it, do not run it.
# shellcheck shell=bash

VHM_TOP=${VHM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VHM_OUT=${VHM_OUT:-$VHM_TOP/.output}
VHM_CACHE=${VHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vhost-mdev-bench}

vhm_die() { echo "$(basename "$0"): $*" >&2; exit 1; }
vhm_info() { [ -n "${VHM_QUIET:-}" ] || echo "  $*" >&2; }

# The kernel ABI (e.g. 6.1.0-57-amd64) that linux-headers-amd64 points at.
vhm_kernel_abi() {
	local dep
	[ -n "${VHM_ABI:-}" ] && { echo "$VHM_ABI"; return; }
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
		vhm_die "linux-headers-amd64 is not installed: run 'make deps'"
	dep=${dep%% *}
	dep=${dep#linux-headers-}
	[ -n "$dep" ] || vhm_die "cannot resolve the kernel ABI from linux-headers-amd64"
	echo "$dep"
}

vhm_kernel_dir() { echo "$VHM_CACHE/kernel/$(vhm_kernel_abi)"; }
