#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The first run on a fresh machine: `make check`, `make run` and `make bench`
# must each work when the kernel and its headers appear only once
# scripts/deps.sh has run, that is after make has started.
#
# Simulated in a copy of the tree whose scripts/kver fails until a fake
# scripts/deps.sh has run, and whose scripts/check, run and bench only
# report what the build left: the module must be built for the real kernel.
# The copy keeps build/ (timestamps too), so only the module is linked anew.
. "$(dirname "$0")/tap.sh"
plan 9

real_kver=$("$TOP/scripts/kver") || { echo "Bail out! scripts/kver finds no kernel"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
src=$tmp/src state=$tmp/state
mkdir -p "$src" "$state"
tar -C "$TOP" --exclude=./build/check --exclude=./build/rootfs --exclude=./build/initramfs.cpio \
	--exclude=./.git -cf - . |
	tar -C "$src" -xf -

cat > "$src/scripts/kver" <<EOF
#!/bin/sh
[ -e "$state/deps-done" ] || { echo "kver: no kernel with headers yet" >&2; exit 1; }
echo "$real_kver"
EOF
cat > "$src/scripts/deps.sh" <<EOF
#!/bin/sh
touch "$state/deps-done"
EOF
# The stand-ins for scripts/check, run and bench print what they found.
for s in check run bench bench-disk; do
	cat > "$src/scripts/$s" <<EOF
#!/bin/sh
echo "$s: vermagic \$(modinfo -F vermagic "$src/xmhf.ko" 2>/dev/null | cut -d' ' -f1)"
echo "$s: rootfs \$(ls "$src/build/rootfs/lib/modules" 2>/dev/null)"
EOF
done
chmod 755 "$src"/scripts/{kver,deps.sh,check,run,bench,bench-disk}

# A clean environment: no KVER, and none of the outer make's variables
# (scripts/check may itself run under `make check`, which exports KVER).
for target in check run bench; do
	rm -f "$state/deps-done" "$src/xmhf.ko"
	out=$(env -u KVER -u KDIR -u TOP -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$src" "$target" 2>&1); rc=$?
	is "make $target on a fresh machine exits 0" "$rc" 0
	like "make $target builds xmhf.ko for the kernel deps.sh brought" "$out" \
		"^$target: vermagic $real_kver\$"
	like "make $target stages the tree for that kernel" "$out" "^$target: rootfs $real_kver\$"
	[ "$rc" -eq 0 ] || echo "$out" | tail -n 15 | sed 's/^/# /'
done
done_testing
