#!/bin/bash
# Fetch the Debian kernel image matching the installed linux-headers-amd64
# (KERNEL=6.12: linux-headers-6.12-amd64; KERNEL=rt: the PREEMPT_RT flavour
# of the same release) into the cache, once: vmlinuz,
# modules (with modules.dep), the BTF vmlinux, vmlinux.h and the guest
# initramfs. A second run downloads nothing.
# With KERNEL=debug (or debug-6.12), scripts/build-debug-kernel.sh builds the
# debug kernel of that series into its own cache folder instead, then the
# same vmlinux.h and initramfs.
set -euo pipefail
. "$(dirname "$0")/env.sh"

vhm_kernel_check
# First: it installs linux-source-<series>, which the debug ABI comes from.
if vhm_kernel_is_debug; then
	"$VHM_TOP/scripts/build-debug-kernel.sh" "$(vhm_debug_series)"
fi
# First too: the 6.12 ABI is the one its headers package points at.
if [ "$VHM_KERNEL" = 6.12 ]; then
	"$VHM_TOP/scripts/deps.sh" "$VHM_TOP/scripts/packages-6.12.txt"
fi
# The RT headers carry the stock ABI in their name, which moves: install the
# exact package of this release (the headers alone, no image on the host).
if [ "$VHM_KERNEL" = rt ]; then
	rtlist=$(mktemp)
	echo "linux-headers-$(vhm_rt_abi)" > "$rtlist"
	"$VHM_TOP/scripts/deps.sh" "$rtlist" || { rm -f "$rtlist"; exit 1; }
	rm -f "$rtlist"
fi
abi=$(vhm_kernel_abi)
kdir=$(vhm_kernel_dir)
pkg=linux-image-$abi

fetch_image() {
	local tmp deb
	[ -f "$kdir/vmlinuz" ] && [ -f "$kdir/lib/modules/$abi/modules.dep" ] && return
	vhm_info "FETCH   $pkg"
	tmp=$(mktemp -d "$VHM_CACHE/.fetch.XXXXXX")
	# apt-get download writes into the current directory.
	(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
		(apt-get update -q >/dev/null && cd "$tmp" && apt-get download -q "$pkg" >/dev/null) ||
		{ rm -rf "$tmp"; vhm_die "cannot download $pkg"; }
	deb=$(ls "$tmp"/*.deb)
	mkdir -p "$tmp/x"
	dpkg-deb -x "$deb" "$tmp/x"
	depmod -b "$tmp/x" "$abi"
	mkdir -p "$kdir"
	rm -rf "$kdir/lib"
	mv "$tmp/x/lib" "$kdir/lib"
	cp "$tmp/x/boot/config-$abi" "$kdir/config"
	# Last: its presence marks a complete extraction.
	cp "$tmp/x/boot/vmlinuz-$abi" "$kdir/vmlinuz"
	rm -rf "$tmp"
}

# The bzImage carries an xz stream (6.1) or a zstd one (6.12); the ELF
# vmlinux (with .BTF) is inside.
extract_vmlinux() {
	local off unz=xz
	[ -f "$kdir/vmlinux" ] && return
	vhm_info "VMLINUX $abi"
	if ! off=$(LC_ALL=C grep -abo -m1 $'\xfd7zXZ' "$kdir/vmlinuz" | head -1 | cut -d: -f1) ||
		[ -z "$off" ]; then
		unz=zstd
		off=$(LC_ALL=C grep -abo -m1 $'\x28\xb5\x2f\xfd' "$kdir/vmlinuz" | head -1 | cut -d: -f1) ||
			vhm_die "no xz or zstd stream in $kdir/vmlinuz"
	fi
	tail -c +$((off + 1)) "$kdir/vmlinuz" | $unz -dc 2>/dev/null > "$kdir/vmlinux.tmp" || true
	readelf -S "$kdir/vmlinux.tmp" 2>/dev/null | grep '\.BTF' > /dev/null ||
		vhm_die "extracted vmlinux has no .BTF section"
	mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
}

gen_vmlinux_h() {
	[ -f "$kdir/vmlinux.h" ] && return
	vhm_info "GEN     vmlinux.h"
	local tmp
	# Two runs may make it at once (two clones, one cache): each its own
	# file, and the rename is atomic.
	tmp=$(mktemp "$kdir/.vmlinux.h.XXXXXX")
	bpftool btf dump file "$kdir/vmlinux" format c > "$tmp"
	mv "$tmp" "$kdir/vmlinux.h"
}

# Modules the initramfs loads, in dependency order, to mount the host root.
# Built-in ones (the debug kernel has them all) show as "builtin", no insmod.
INITRD_MODULES="virtio_pci 9pnet_virtio 9p"

build_initramfs() {
	local root mods m tmp
	[ -f "$kdir/initramfs.cpio.gz" ] && [ "$kdir/initramfs.cpio.gz" -nt "$VHM_TOP/scripts/guest-init" ] &&
		[ "$kdir/initramfs.cpio.gz" -nt "$0" ] && return
	vhm_info "GEN     initramfs"
	root=$(mktemp -d "$VHM_CACHE/.initrd.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,newroot,modules}
	cp /bin/busybox "$root/bin/busybox"
	for m in sh mount umount mkdir insmod chroot cat echo sleep ln mknod; do
		ln -s busybox "$root/bin/$m"
	done
	mods=$(for m in $INITRD_MODULES; do
		modprobe -d "$kdir" -S "$abi" --show-depends "$m"
	       done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
	: > "$root/modules/order"
	# 6.12's modules are xz-compressed; busybox insmod wants plain ELF.
	for m in $mods; do
		case "$m" in
		*.ko.xz) xz -dc "$m" > "$root/modules/$(basename "$m" .xz)" ;;
		*) cp "$m" "$root/modules/" ;;
		esac
		echo "/modules/$(basename "$m" .xz)" >> "$root/modules/order"
	done
	cp "$VHM_TOP/scripts/guest-init" "$root/init"
	chmod +x "$root/init"
	tmp=$(mktemp "$kdir/.initramfs.XXXXXX")
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp"
	mv "$tmp" "$kdir/initramfs.cpio.gz"
	rm -rf "$root"
}

vhm_mkdir "$VHM_CACHE"
if ! vhm_kernel_is_debug; then
	fetch_image
	extract_vmlinux
fi
gen_vmlinux_h
build_initramfs
