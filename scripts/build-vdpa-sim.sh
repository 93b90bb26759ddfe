#!/bin/bash
# Build the upstream vDPA simulator, the vhost-vdpa peer of our simulator,
# out of tree: vringh.ko, vdpa_sim.ko and vdpa_sim_net.ko from Debian's own
# linux-source of the guest kernel (the same version as its image), for a
# kernel whose config has the vDPA core (CONFIG_VDPA=m) but not the
# simulator (Debian's 6.12). Any other kernel: nothing to do.
# usage: build-vdpa-sim.sh OUT
set -euo pipefail
. "$(dirname "$0")/env.sh"

out=$1
abi=$(vhm_kernel_abi)
kdir=$(vhm_kernel_dir)

grep -qx 'CONFIG_VDPA=m' "$kdir/config" 2>/dev/null || exit 0
grep -q '^CONFIG_VDPA_SIM=' "$kdir/config" && exit 0

# linux-source-X.Y of the same Debian version as the image: the headers
# package of that ABI carries the version.
series=${abi%%-*}
series=${series%.*}
version=$(dpkg-query -W -f='${Version}' "linux-headers-$abi" 2>/dev/null) ||
	vhm_die "linux-headers-$abi is not installed: run 'make kernel-cache KERNEL=$VHM_KERNEL'"
pkg=linux-source-$series
have=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null || true)
if [ "$have" != "install ok installed $version" ]; then
	[ "$(id -u)" -eq 0 ] || vhm_die "$pkg $version is not installed: run 'sudo apt-get install $pkg=$version'"
	vhm_info "DEPS    $pkg $version"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"$pkg=$version" > /dev/null ||
		vhm_die "cannot install $pkg=$version (the version of the $abi image)"
fi

# The four files, extracted once per version into the cache.
src=$VHM_CACHE/src/vdpa_sim-$version
if [ ! -f "$src/Kbuild" ]; then
	vhm_info "EXTRACT vdpa_sim, vringh from $pkg $version"
	tmp=$(mktemp -d "$VHM_CACHE/.vdpa_sim.XXXXXX")
	tar -xaf "/usr/src/$pkg.tar.xz" -C "$tmp" --strip-components=1 \
		"$pkg/drivers/vhost/vringh.c" \
		"$pkg/drivers/vdpa/vdpa_sim/vdpa_sim.c" \
		"$pkg/drivers/vdpa/vdpa_sim/vdpa_sim.h" \
		"$pkg/drivers/vdpa/vdpa_sim/vdpa_sim_net.c" ||
		{ rm -rf "$tmp"; vhm_die "cannot extract vdpa_sim from /usr/src/$pkg.tar.xz"; }
	mkdir -p "$tmp/s"
	mv "$tmp"/drivers/vhost/vringh.c "$tmp"/drivers/vdpa/vdpa_sim/* "$tmp/s"
	# What CONFIG_VHOST_RING, CONFIG_VDPA_SIM and CONFIG_VDPA_SIM_NET build.
	printf '%s\n' '# SPDX-License-Identifier: GPL-2.0' \
		'obj-m := vringh.o vdpa_sim.o vdpa_sim_net.o' > "$tmp/s/Kbuild"
	mkdir -p "${src%/*}"
	rm -rf "$src"
	mv "$tmp/s" "$src"
	rm -rf "$tmp"
fi

"$VHM_TOP/scripts/build-modules.sh" "$src" "$out"
