#!/bin/sh
# Install the Debian packages xmhf-ll needs to build and to run its QEMU testbench.
#
# Idempotent: when everything is installed it checks with dpkg-query and exits
# quietly. Otherwise it runs `apt-get update` once and installs only what is
# missing. Works as root (CI) or through sudo; never reads stdin.
#
# Usage: scripts/deps.sh [--check]
#   --check   only report missing packages (exit 1 if a required one is missing)
set -eu

REQUIRED="
build-essential
qemu-system-x86
swtpm
swtpm-tools
linux-image-amd64
linux-headers-amd64
busybox-static
cpio
kmod
libtss2-dev
tpm2-tools
libcmocka-dev
cpuid
libssl-dev
xz-utils
groff-base
dkms
"
# Installed when the archive has them; their absence is not an error.
OPTIONAL="
stress-ng
"

check_only=0
case "${1:-}" in
    --check) check_only=1 ;;
    "") ;;
    -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "deps.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Does the current package index offer a candidate for $1?
available() {
    cand=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
    [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

missing_req=""
for p in $REQUIRED; do
    installed "$p" || missing_req="$missing_req $p"
done
missing_opt=""
for p in $OPTIONAL; do
    installed "$p" || missing_opt="$missing_opt $p"
done

if [ $check_only -eq 1 ]; then
    [ -n "$missing_req" ] && echo "deps.sh: missing required:$missing_req"
    [ -n "$missing_opt" ] && echo "deps.sh: missing optional:$missing_opt"
    [ -z "$missing_req" ]
    exit $?
fi

# Optional packages that the current (possibly stale) index already knows
# are not worth an `apt-get update` on their own when unavailable.
want_opt=""
for p in $missing_opt; do
    available "$p" && want_opt="$want_opt $p"
done

if [ -z "$missing_req" ] && [ -z "$want_opt" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    # sudo may ask for a password on the terminal; with none (CI, a pipe)
    # it must not hang, and the user needs to know what to run instead.
    if [ -t 0 ] || [ -t 2 ]; then
        SUDO="sudo"
    elif sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "deps.sh: sudo needs a password and there is no terminal to ask on; as root, run:" >&2
        echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing_req$want_opt" >&2
        exit 1
    fi
elif [ -z "$missing_req" ]; then
    echo "deps.sh: optional packages missing (not root, no sudo):$want_opt" >&2
    exit 0
else
    echo "deps.sh: not root and no sudo; as root, run:" >&2
    echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing_req$want_opt" >&2
    exit 1
fi

echo "deps.sh: installing:$missing_req$want_opt" >&2
$SUDO apt-get update -q >&2 || { echo "deps.sh: apt-get update failed" >&2; exit 1; }

# After the update, re-evaluate which optional packages exist.
want_opt=""
for p in $missing_opt; do
    available "$p" && want_opt="$want_opt $p"
done

# shellcheck disable=SC2086
if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        $missing_req $want_opt </dev/null >&2; then
    if [ -n "$want_opt" ]; then
        # Retry without the optional ones so that they can never block the build.
        echo "deps.sh: retrying without optional packages:$want_opt" >&2
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            $missing_req </dev/null >&2 || { echo "deps.sh: apt-get install failed" >&2; exit 1; }
    else
        echo "deps.sh: apt-get install failed" >&2
        exit 1
    fi
fi

still=""
for p in $missing_req; do
    installed "$p" || still="$still $p"
done
if [ -n "$still" ]; then
    echo "deps.sh: still missing after install:$still" >&2
    exit 1
fi
echo "deps.sh: done" >&2
