#!/bin/bash
# Install the Debian packages listed in scripts/packages.txt (or in LIST, a
# file of the same format) that are missing.
# usage: deps.sh [LIST]
set -euo pipefail
. "$(dirname "$0")/env.sh"

list=${1:-$VHM_TOP/scripts/packages.txt}
[ -f "$list" ] || vhm_die "no package list $list"
missing=()
while read -r pkg _; do
	case "$pkg" in ''|'#'*) continue ;; esac
	st=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$pkg")
done < "$list"

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages: ${missing[*]}" >&2
	echo "run 'sudo make deps' (or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi

echo "  DEPS    installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
