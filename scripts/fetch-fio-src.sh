#!/bin/bash
# Fetch the source of the installed fio version (its headers build the
# external ioengine, whose FIO_IOOPS_VERSION must match the fio binary) into
# the cache, once. apt gets a private deb-src list for the same mirror as
# the system's deb entries, so the system's apt configuration is untouched.
# Prints the source tree's path.
set -euo pipefail
. "$(dirname "$0")/env.sh"

cache=$VHM_CACHE/fio-src
ver=$(dpkg-query -W -f='${Version}' fio 2>/dev/null) ||
	vhm_die "fio is not installed: run 'make deps'"
upstream=${ver%-*}
tree=$cache/fio-$upstream

if [ -f "$tree/ioengines.h" ]; then
	echo "$tree"
	exit 0
fi

mkdir -p "$cache/lists/partial"
# The mirror and suite of the system's Debian entries (deb822 or one-line).
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -m1 '/debian$' || true)
if [ -z "$mirror" ]; then
	mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
echo "deb-src $mirror $codename main" > "$cache/sources.list"

apt_opts=(-o "Dir::Etc::SourceList=$cache/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$cache/lists"
	-o "APT::Sandbox::User=root")
echo "  FETCH   fio $ver source ($mirror)" >&2
apt-get -qq "${apt_opts[@]}" update >&2
(cd "$cache" && apt-get -qq "${apt_opts[@]}" source "fio=$ver" >&2)
[ -f "$tree/ioengines.h" ] || vhm_die "fio source not found at $tree"
echo "$tree"
