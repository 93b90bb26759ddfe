#!/bin/bash
# Build the out-of-tree modules of SRC (a folder with a Kbuild file) in OUT,
# against the guest kernel KERNEL selects (6.1 and 6.12: the Debian headers;
# debug: its object tree), with module BTF so /sys/kernel/btf/<module> exists
# in the guest: pahole adds it for the stock kernels (Kbuild skips it there
# for want of a vmlinux); the debug tree has its vmlinux, so Kbuild adds it.
# usage: build-modules.sh SRC OUT (VHM_TRACE_PAD=y: see kernel/Kbuild)
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$(cd "$1" && pwd)
out=$2
abi=$(vhm_kernel_abi)
kdir=$(vhm_kernel_dir)
build=$(vhm_kernel_build)
if vhm_kernel_is_debug; then
	[ -f "$build/vmlinux" ] || vhm_die "no kernel tree at $build: run 'make kernel-cache KERNEL=$VHM_KERNEL'"
else
	[ -d "$build" ] || vhm_die "no headers at $build: run 'make deps'"
fi
[ -f "$kdir/vmlinux" ] || vhm_die "no $kdir/vmlinux: run 'make kernel-cache KERNEL=$VHM_KERNEL'"

# Kbuild writes beside its sources: mirror SRC into OUT as symlinks.
vhm_mkdir "$out"
(cd "$src" && find . -type d) | while read -r d; do mkdir -p "$out/$d"; done
(cd "$src" && find . -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \)) |
while read -r f; do
	[ -L "$out/$f" ] || ln -sf "$src/$f" "$out/$f"
done
# Drop links whose source is gone.
find "$out" -xtype l -delete

# Kbuild adds an external module's BTF against the tree's vmlinux but does
# not relink the module when only vmlinux changed, and the kernel refuses a
# module whose BTF does not match its own (insmod: "Invalid parameters").
if vhm_kernel_is_debug; then
	find "$out" -name '*.ko' ! -newer "$build/vmlinux" -delete
fi

kv=0
[ "${V:-0}" = 1 ] && kv=1
make -s -C "$build" M="$(cd "$out" && pwd)" KBUILD_VERBOSE=$kv \
	VHM_TOP="$VHM_TOP" VHM_TRACE_PAD="${VHM_TRACE_PAD:-}" modules 2>&1 |
	grep -v 'Skipping BTF generation' >&2 || true
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1

if vhm_kernel_is_debug; then
	find "$out" -name '*.ko' | while read -r ko; do
		readelf -S "$ko" | grep '\.BTF' > /dev/null || vhm_die "Kbuild left no BTF in $ko"
	done
	exit 0
fi

# The flags Kbuild gives pahole for this kernel: 6.1 has a script for them,
# 6.12 sets them in scripts/Makefile.btf from the kernel's config.
pahole_flags() {
	if [ -x "$build/scripts/pahole-flags.sh" ]; then
		PAHOLE=pahole "$build/scripts/pahole-flags.sh"
		return
	fi
	printf '%s\n' "include $build/include/config/auto.conf" \
		"include $build/scripts/Kbuild.include" \
		"include $build/scripts/Makefile.btf" \
		'all: ; @echo $(PAHOLE_FLAGS)' | make -s -f - all
}
flags=$(pahole_flags)
find "$out" -name '*.ko' | while read -r ko; do
	[ "$ko.btf" -nt "$ko" ] && continue
	[ "${V:-0}" = 1 ] || echo "  BTF     ${ko#"$VHM_TOP"/}" >&2
	pahole -J $flags --btf_base "$kdir/vmlinux" "$ko"
	touch "$ko.btf"
done
