# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/deps.sh, scripts/testbench and the x2APIC tests: where
# the testbench's second QEMU (QEMU 10, which has x2APIC under TCG) lives.
#
# scripts/deps.sh unpacks Debian bookworm-backports' packages there with
# dpkg -x; the system's QEMU is not replaced.  The directory is
#   ${XMHF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xmhf-ll}/qemu10
# and holds usr/ (the packages' files) and a file "version" (the binary's
# --version line) written last, once the binary answered with QEMU 10.

# The QEMU release the x2APIC configuration was checked with.  The packages
# are whatever bookworm-backports has (its index keeps only the newest
# Debian revision, so an exact pin would stop working at its next upload);
# deps.sh accepts them when the binary says this QEMU major version.
Q10_VERSION=10
Q10_CHECKED='10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1, SeaBIOS 1.16.3-2~bpo12+1)'
Q10_PACKAGES="qemu-system-x86/bookworm-backports qemu-system-data/bookworm-backports seabios/bookworm-backports"
Q10_SOURCE='deb http://deb.debian.org/debian bookworm-backports main'

if [ -n "${XMHF_CACHE:-}" ]; then
	Q10_CACHE=$XMHF_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
	Q10_CACHE=$XDG_CACHE_HOME/xmhf-ll
elif [ -n "${HOME:-}" ] && [ "$HOME" != / ]; then
	Q10_CACHE=$HOME/.cache/xmhf-ll
else
	Q10_CACHE=/var/tmp/xmhf-ll-cache-$(id -u)
fi
Q10_DIR=$Q10_CACHE/qemu10
Q10_QEMU=$Q10_DIR/usr/bin/qemu-system-x86_64
# Searched in this order: QEMU 10's own data, then the newer SeaBIOS.
Q10_FW=$Q10_DIR/usr/share/qemu
Q10_FW2=$Q10_DIR/usr/share/seabios

# True when the unpacked QEMU is complete and is the expected version.
q10_present() {
	[ -x "$Q10_QEMU" ] && [ -s "$Q10_DIR/version" ]
}
