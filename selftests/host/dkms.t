#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `dkms build` of xmhf.ko from the source tree that make install gives DKMS
# (make dkms-src), against the testbench kernel's headers, in a scratch DKMS
# tree: nothing is added to the system's DKMS tree or to /usr/src.
#
# DKMS signs what it builds with /var/lib/dkms/mok.key, and makes that key if
# it is missing: the build is pointed at a scratch key instead.
. "$(dirname "$0")/tap.sh"
plan 11

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# NAME TEXT: passes when TEXT is empty, else shows each of its lines.
empty() { if [ -z "$2" ]; then ok "$1"; else local -a l; mapfile -t l <<<"$2"; not_ok "$1" "${l[@]}"; fi; }
kver=${KVER:-$("$TOP/scripts/kver" 2>/dev/null)}
version=$(sed -n 's/^#define XMHF_VERSION_STRING "\(.*\)"/\1/p' "$TOP/uapi/xmhf/version.h")
src=$tmp/stage
system_state() { ls -la /var/lib/dkms /usr/src 2>&1; }

if ! command -v dkms >/dev/null; then
	not_ok "dkms is installed" "dkms not found (scripts/deps.sh installs it)"
	for i in $(seq 2 11); do skip "dkms build" "no dkms"; done
	exit 1
fi
ok "dkms is installed: $(dkms --version)"

out=$(make -C "$TOP" --no-print-directory BUILD="$BUILD" DKMS_STAGE="$src" dkms-src 2>&1)
is "make dkms-src stages the module's source tree" "$?" 0
conf=$src/xmhf-$version/dkms.conf
is "its dkms.conf has the version of uapi/xmhf/version.h" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$conf" 2>/dev/null)" "$version"

before=$(system_state)
mkdir -p "$tmp/tree"
# As DKMS runs on a user's machine: not with this build's make variables.
# DKMS signs what it builds, making /var/lib/dkms/mok.key first if it is
# missing; its framework.conf takes the key's path from the environment
# when it sets none itself (Debian's sets none), so the key goes here.
dkms_build=(env -u TOP -u BUILD -u KVER -u KDIR -u MAKEFLAGS -u MFLAGS -u MAKELEVEL
	mok_signing_key="$tmp/mok.key" mok_certificate="$tmp/mok.pub"
	dkms build -m xmhf -v "$version" -k "$kver" --sourcetree "$src" --dkmstree "$tmp/tree")
out=$("${dkms_build[@]}" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	ok "dkms build -k $kver in a scratch tree"
else
	not_ok "dkms build -k $kver in a scratch tree" "exit $rc" "$(tail -n 15 <<<"$out")" \
		"$(tail -n 20 "$tmp"/tree/xmhf/*/build/make.log 2>/dev/null)"
fi

like "dkms status: built for $kver" "$(dkms status --dkmstree "$tmp/tree" 2>&1)" \
	"^xmhf/$version, $kver, x86_64: built$"

ko=$(ls "$tmp/tree/xmhf/$version/$kver/x86_64/module/"xmhf.ko* 2>/dev/null | head -n 1)
if [ -n "$ko" ]; then ok "the built module: ${ko#"$tmp/"}"; else not_ok "the built module exists" "$(find "$tmp/tree" | head -n 30)"; fi
like "its vermagic is $kver's" "$(modinfo -F vermagic "$ko" 2>&1)" "^$kver "
is "its version is $version" "$(modinfo -F version "$ko" 2>&1)" "$version"
is "its name is xmhf" "$(modinfo -F name "$ko" 2>&1)" "xmhf"
# srcversion is a digest of the module's sources: the same as the tree's own build.
if [ -e "$TOP/xmhf.ko" ]; then
	is "its srcversion is that of the xmhf.ko built in the tree" \
		"$(modinfo -F srcversion "$ko" 2>&1)" "$(modinfo -F srcversion "$TOP/xmhf.ko" 2>&1)"
else
	skip "its srcversion is that of the xmhf.ko built in the tree" "no $TOP/xmhf.ko (make module)"
fi
empty "nothing changed in /var/lib/dkms or /usr/src" "$(diff <(echo "$before") <(system_state))"

done_testing
