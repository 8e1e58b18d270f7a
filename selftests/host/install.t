#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install DESTDIR=... puts exactly the listed files, with their modes,
# at their paths; make uninstall DESTDIR=... takes them all away again.
# With DESTDIR set, the module's DKMS source tree is staged, dkms is not run.
. "$(dirname "$0")/tap.sh"
plan 15

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# NAME TEXT: passes when TEXT is empty, else shows each of its lines.
empty() { if [ -z "$2" ]; then ok "$1"; else local -a l; mapfile -t l <<<"$2"; not_ok "$1" "${l[@]}"; fi; }
version=$(sed -n 's/^#define XMHF_VERSION_STRING "\(.*\)"/\1/p' "$TOP/uapi/xmhf/version.h")
mk() { make -C "$TOP" --no-print-directory BUILD="$BUILD" "$@" 2>&1; }
# MODE PATH for every file and directory under $1, sorted.
tree() { (cd "$1" && find . -mindepth 1 -printf '%m %y %P\n' | sort -k3); }
dkms_state() { { command -v dkms >/dev/null && dkms status -m xmhf; ls -ld /usr/src/xmhf-* /lib/firmware/xmhf; } 2>&1; }

before=$(dkms_state)
d=$tmp/root
out=$(mk install DESTDIR="$d")
rc=$?
is "make install DESTDIR=... exits 0" "$rc" 0
[ $rc -eq 0 ] || echo "$out" | tail -n 20 | sed 's/^/# /'

# What must be there: the files named by the README, and the DKMS source
# tree (its files 0644, its directories 0755): dkms.conf, Kbuild and every
# source and header the module is built from, listed here from the tree,
# not from the Makefile.
(cd "$TOP" && ls Kbuild loader-lkm/*.[chS] uapi/xmhf/*.h) > "$tmp/modsrc" && echo dkms.conf >> "$tmp/modsrc"
src=usr/src/xmhf-$version
{
	printf '%s\n' "755 d lib" "755 d lib/firmware" "755 d lib/firmware/xmhf" \
		"644 f lib/firmware/xmhf/xmhf.bin" "644 f lib/firmware/xmhf/xmhf.golden" \
		"755 d usr" "755 d usr/local" "755 d usr/local/sbin" "755 f usr/local/sbin/xmhfctl" \
		"755 d usr/local/share" "755 d usr/local/share/man" "755 d usr/local/share/man/man8" \
		"644 f usr/local/share/man/man8/xmhfctl.8" "755 d usr/src" "755 d $src"
	awk -v s="$src" '{ print "644 f " s "/" $0 }
		/\// { sub(/\/[^\/]*$/, ""); d[$0] = 1; if (sub(/\/[^\/]*$/, "")) d[$0] = 1 }
		END { for (x in d) print "755 d " s "/" x }' "$tmp/modsrc" | sort -u
} | sort -k3 > "$tmp/expected"
diff=$(diff "$tmp/expected" <(tree "$d"))
empty "exactly the expected files, with the expected modes" "$diff"

cmp -s "$BUILD/hv/xmhf.bin" "$d/lib/firmware/xmhf/xmhf.bin" && ok "xmhf.bin is the built blob" ||
	not_ok "xmhf.bin is the built blob"
cmp -s "$BUILD/hv/xmhf.golden" "$d/lib/firmware/xmhf/xmhf.golden" && ok "xmhf.golden is the built golden values" ||
	not_ok "xmhf.golden is the built golden values"
is "the installed xmhfctl runs" "$("$d/usr/local/sbin/xmhfctl" --version 2>&1)" "xmhfctl $version"
like "the installed man page is xmhfctl(8)" "$(head -c 2000 "$d/usr/local/share/man/man8/xmhfctl.8")" '^\.TH XMHFCTL 8 '
empty "the DKMS source tree holds the module's sources as they are" \
	"$(cd "$TOP" && while read -r f; do [ "$f" = dkms.conf ] || cmp "$f" "$d/$src/$f" 2>&1; done < "$tmp/modsrc")"
# DKMS reads dkms.conf by sourcing it with bash: so does this.
is "its dkms.conf: package xmhf $version, module xmhf" \
	"$(bash -c '. "$1" && echo "$PACKAGE_NAME $PACKAGE_VERSION ${BUILT_MODULE_NAME[0]}"' sh "$d/$src/dkms.conf" 2>&1)" \
	"xmhf $version xmhf"
like "make says dkms was not run" "$out" "DESTDIR is set: dkms not run"
empty "the system's DKMS state and /lib/firmware/xmhf did not change" "$(diff <(echo "$before") <(dkms_state))"

out=$(mk uninstall DESTDIR="$d")
is "make uninstall DESTDIR=... exits 0" "$?" 0
left=$(cd "$d" && find . ! -type d -o -name '*xmhf*')
empty "make uninstall left no file and no xmhf directory" "$left"

# PREFIX moves the tool and its page; INSTALL_MODULE=no leaves the module out.
d2=$tmp/root2
mk install DESTDIR="$d2" PREFIX=/usr INSTALL_MODULE=no >/dev/null
got=$(cd "$d2" && find . -type f | sort | tr '\n' ' ')
is "PREFIX=/usr INSTALL_MODULE=no: the tool and page under /usr, no module source" "$got" \
	"./lib/firmware/xmhf/xmhf.bin ./lib/firmware/xmhf/xmhf.golden ./usr/sbin/xmhfctl ./usr/share/man/man8/xmhfctl.8 "
mk uninstall DESTDIR="$d2" PREFIX=/usr >/dev/null
empty "and make uninstall with the same PREFIX removes them" "$(cd "$d2" && find . ! -type d)"

out=$(mk install DESTDIR="$tmp/root3" INSTALL_MODULE=maybe)
like "INSTALL_MODULE takes only dkms or no" "$out" "INSTALL_MODULE must be dkms or no"

done_testing
