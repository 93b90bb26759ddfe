#!/bin/bash
# Build a debug guest kernel from Debian's linux-source-<series>: KERNEL=debug
# from linux-source-6.1, KERNEL=debug-6.12 from linux-source-6.12.
# defconfig + kvm_guest.config + scripts/debug-kernel.config (KASAN, lockdep,
# kmemleak, debug objects, lockup and hung-task detectors; VFIO, vhost, 9p and
# virtio built in; BTF for vmlinux and modules), then for 6.12
# scripts/debug-kernel-6.12.config (the vDPA core, vhost-vdpa, virtio-vdpa,
# vdpa_sim_net). One cache folder per ABI (6.1.<n>-vhm-debug,
# 6.12.<n>-vhm-debug). Lays out the cache folder
# like scripts/fetch-kernel.sh does for the stock kernel:
#   $VHM_CACHE/kernel/<abi>/{vmlinuz,vmlinux,config,lib/modules/<abi>}
# plus build/, the object tree that out-of-tree modules build against.
# A stamp holds a hash of the fragments, the source version and build_rev
# below: when they match, the script does nothing and prints nothing; when
# they change, the object tree is kept and make rebuilds only what changed.
# usage: build-debug-kernel.sh [SERIES]  (6.1 or 6.12; default: the series
# of KERNEL when it names a debug kernel, else 6.1)
set -euo pipefail
. "$(dirname "$0")/env.sh"

series=${1:-$(vhm_debug_series)}
series=${series:-6.1}
frags=("$VHM_TOP/scripts/debug-kernel.config")
case "$series" in
6.1) VHM_KERNEL=debug ;;
6.12)
	VHM_KERNEL=debug-6.12
	frags+=("$VHM_TOP/scripts/debug-kernel-6.12.config")
	;;
*) vhm_die "unknown series '$series' (valid: 6.1, 6.12)" ;;
esac
pkg=linux-source-$series

# packages-debug.txt names linux-source-6.1: swap in this series' source.
deplist=$(mktemp)
{ grep -v '^linux-source-' "$VHM_TOP/scripts/packages-debug.txt"; echo "$pkg"; } > "$deplist"
"$VHM_TOP/scripts/deps.sh" "$deplist" || { rm -f "$deplist"; exit 1; }
rm -f "$deplist"

abi=$(vhm_kernel_abi)
kdir=$(vhm_kernel_dir)
build=$(vhm_kernel_build)
pkgver=$(dpkg-query -W -f='${Version}' "$pkg")
src=$VHM_CACHE/src/${pkg}_$pkgver
tarball=/usr/src/$pkg.tar.xz
# Bump build_rev when an edit of this script changes the kernel it builds
# or what it installs; not for its checks or messages. The cache folder is
# one per ABI, shared by every clone on the machine: a key that changed with
# any edit of this script made clones at different commits reinstall the
# same kernel over each other's running guests, each time one of them ran.
# For 6.1 the key is what it was with one fragment (same input bytes).
build_rev=1
key=$({ echo "$pkgver"; echo "$build_rev"; cat "${frags[@]}"; } | sha256sum | cut -c1-16)

complete() {
	[ "$(cat "$kdir/stamp" 2>/dev/null)" = "$key" ] &&
		[ -f "$kdir/vmlinuz" ] && [ -f "$kdir/vmlinux" ] && [ -f "$kdir/config" ] &&
		[ -f "$kdir/lib/modules/$abi/modules.dep" ]
}
complete && exit 0

# One build at a time; a second caller waits, then finds it complete.
vhm_mkdir "$VHM_CACHE/kernel"
exec 9> "$VHM_CACHE/kernel/.$abi.lock"
if ! flock -n 9; then
	vhm_info "WAIT    another build of $abi is running"
	flock 9
fi
complete && exit 0

mkdir -p "$kdir" "$build"
log=$kdir/build.log
: > "$log"
t0=$(date +%s)

# nice: the compile must not starve guest runs on the same host.
kmake() {
	local o=$1
	shift
	nice -n 19 make --no-print-directory -C "$src" O="$o" LOCALVERSION= "$@"
}

unpack_source() {
	local tmp
	[ -f "$src/Makefile" ] && return
	[ -f "$tarball" ] || vhm_die "no $tarball: is $pkg installed?"
	vhm_info "UNPACK  $pkg $pkgver"
	mkdir -p "$VHM_CACHE/src"
	tmp=$(mktemp -d "$VHM_CACHE/src/.unpack.XXXXXX")
	tar -xf "$tarball" -C "$tmp"
	rm -rf "$src"
	mv "$tmp/$pkg" "$src"
	rm -rf "$tmp"
}

# The fragments' lines, only the last assignment of each option (a later
# fragment overrides an earlier one, as in merge_config.sh).
effective_fragment() {
	cat "${frags[@]}" | awk '
		{ sym = "" }
		/^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym) }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { sym = $2 }
		{ line[NR] = $0; key[NR] = sym; if (sym != "") last[sym] = NR }
		END { for (i = 1; i <= NR; i++) if (key[i] == "" || last[key[i]] == i) print line[i] }'
}

# Every assignment in the fragments must survive olddefconfig; an option that
# another one selects anyway is only reported.
verify_config() {
	local cfg=$1 line sym got lost=()
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" && continue
			sym=${line%%=*}
			got=$(grep -E "^$sym=|^# $sym is not set" "$cfg" || echo "absent")
			lost+=("$line (got: $got)")
			;;
		'# CONFIG_'*' is not set')
			sym=${line#\# }
			sym=${sym%% *}
			got=$(grep -E "^$sym=" "$cfg" || true)
			# Not settable without EXPERT, or selected by another option.
			[ -z "$got" ] || echo "note: $sym is off in the fragment but $got" >> "$log"
			;;
		esac
	done < <(effective_fragment)
	if [ ${#lost[@]} -gt 0 ]; then
		printf '%s\n' "build-debug-kernel.sh: options of ${frags[*]##*/} that did not survive olddefconfig" \
			"(a dependency is missing or off):" "${lost[@]/#/  }" >&2
		exit 1
	fi
}

# The config comes from scratch each time, in a side folder; the object tree
# takes it only when it differs, so unchanged options rebuild nothing.
make_config() {
	local cfg
	vhm_info "CONFIG  $abi"
	cfg=$(mktemp -d "$VHM_CACHE/kernel/.kconfig.XXXXXX")
	{
		kmake "$cfg" defconfig
		kmake "$cfg" kvm_guest.config
		# merge_config.sh leaves its temporary file in the current folder.
		(cd "$cfg" && "$src/scripts/kconfig/merge_config.sh" -m -O "$cfg" "$cfg/.config" "${frags[@]}")
		kmake "$cfg" olddefconfig
	} >> "$log" 2>&1 || { tail -n 20 "$log" >&2; vhm_die "configuration failed (log: $log)"; }
	verify_config "$cfg/.config"
	cmp -s "$cfg/.config" "$build/.config" || cp "$cfg/.config" "$build/.config"
	rm -rf "$cfg"
}

compile() {
	local rel
	vhm_info "KBUILD  $abi: bzImage and modules on $(nproc) cores, nice 19 (tens of minutes cold; log: $log)"
	kmake "$build" -j"$(nproc)" bzImage modules >> "$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; vhm_die "kernel build failed (log: $log)"; }
	rel=$(kmake "$build" -s kernelrelease)
	[ "$rel" = "$abi" ] || vhm_die "built release '$rel', expected '$abi'"
	readelf -S "$build/vmlinux" | grep '\.BTF' > /dev/null || vhm_die "$build/vmlinux has no .BTF section"
}

install_kernel() {
	local stage
	vhm_info "INSTALL $kdir"
	stage=$(mktemp -d "$kdir/.install.XXXXXX")
	kmake "$build" -s INSTALL_MOD_PATH="$stage" INSTALL_MOD_STRIP=1 modules_install >> "$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; vhm_die "modules_install failed (log: $log)"; }
	[ -f "$stage/lib/modules/$abi/modules.dep" ] && [ -f "$stage/lib/modules/$abi/modules.builtin" ] ||
		vhm_die "modules_install left no modules.dep/modules.builtin"
	rm -f "$kdir/stamp" "$kdir/vmlinuz"
	rm -rf "$kdir/lib"
	mv "$stage/lib" "$kdir/lib"
	rm -rf "$stage"
	cp "$build/vmlinux" "$kdir/vmlinux.tmp"
	mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
	cp "$build/.config" "$kdir/config"
	# Derived from the old kernel: scripts/fetch-kernel.sh makes them again.
	rm -f "$kdir/vmlinux.h" "$kdir/initramfs.cpio.gz"
	cp "$build/arch/x86/boot/bzImage" "$kdir/vmlinuz"
	# Last: its presence marks a complete build.
	echo "$key" > "$kdir/stamp"
}

unpack_source
make_config
compile
install_kernel

t=$(($(date +%s) - t0))
vhm_info "KERNEL  $abi built in $((t / 60))m$((t % 60))s, bzImage $(du -h "$kdir/vmlinuz" | cut -f1)"
