#!/bin/sh
# Install the Debian packages xmhf-ll needs to build and to run its QEMU testbench.
#
# Idempotent: when everything is installed it checks with dpkg-query and exits
# quietly. Otherwise it runs `apt-get update` once and installs only what is
# missing. Works as root (CI) or through sudo; never reads stdin.
#
# Then it makes sure the testbench's second QEMU is there (scripts/qemu10.sh
# says where): QEMU 10 from Debian's bookworm-backports, which has x2APIC
# under TCG, for `scripts/testbench --x2apic`.  It is fetched with apt-get
# download into a private apt state (the system's sources and lists are not
# touched) and unpacked with dpkg -x into the cache; the system QEMU stays.
# When it cannot be fetched, deps.sh says so and exits non-zero: make check
# runs tests in that configuration too.
#
# Usage: scripts/deps.sh [--check]
#   --check   only report what is missing (exit 1 if a required part is)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/qemu10.sh
. "$TOP/scripts/qemu10.sh"

# Fetches and unpacks QEMU 10 unless it is there already.  Quiet when it is.
fetch_qemu10() {
    local tmp apt_opts out v
    q10_present && return 0
    for t in apt-get dpkg; do
        command -v "$t" >/dev/null 2>&1 || { echo "deps.sh: cannot fetch QEMU $Q10_VERSION: no $t" >&2; return 1; }
    done
    echo "deps.sh: fetching QEMU $Q10_VERSION from bookworm-backports into $Q10_DIR" >&2
    mkdir -p "$Q10_CACHE" || { echo "deps.sh: cannot create $Q10_CACHE (set XMHF_CACHE)" >&2; return 1; }
    tmp=$(mktemp -d "$Q10_CACHE/.qemu10.XXXXXXXX") || return 1
    mkdir -p "$tmp/apt/lists/partial" "$tmp/apt/cache/archives/partial" "$tmp/deb" "$tmp/root"
    echo "$Q10_SOURCE" > "$tmp/apt/sources.list"
    # Only the sources, lists and cache are private; the trusted keys are
    # the system's, so the backports Release file is verified as usual.
    apt_opts="-q -o Dir::Etc::SourceList=$tmp/apt/sources.list -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists=$tmp/apt/lists -o Dir::Cache=$tmp/apt/cache
        -o APT::Sandbox::User=$(id -un)"
    # shellcheck disable=SC2086
    if ! out=$(apt-get $apt_opts update 2>&1) ||
       ! out=$(cd "$tmp/deb" && apt-get $apt_opts download $Q10_PACKAGES 2>&1); then
        printf '%s\n' "$out" | sed 's/^/deps.sh:   /' >&2
        echo "deps.sh: FAILED to fetch QEMU $Q10_VERSION ($Q10_PACKAGES) from bookworm-backports;" >&2
        echo "deps.sh: make check needs it for its x2APIC tests (scripts/testbench --x2apic)" >&2
        rm -rf -- "$tmp"
        return 1
    fi
    for d in "$tmp"/deb/*.deb; do
        dpkg -x "$d" "$tmp/root" || { echo "deps.sh: dpkg -x $d failed" >&2; rm -rf -- "$tmp"; return 1; }
    done
    # The binary must run with the system's libraries (bookworm's satisfy
    # every one it links) and say the expected version.
    v=$("$tmp/root/usr/bin/qemu-system-x86_64" --version 2>&1 | head -n 1) || v=""
    case "$v" in
        *"version $Q10_VERSION."*) ;;
        *)  echo "deps.sh: the unpacked QEMU does not run: ${v:-no output}" >&2
            ldd "$tmp/root/usr/bin/qemu-system-x86_64" 2>&1 | grep 'not found' | sed 's/^/deps.sh:   /' >&2
            rm -rf -- "$tmp"
            return 1 ;;
    esac
    rm -rf -- "$Q10_DIR"
    mv -- "$tmp/root" "$Q10_DIR" && printf '%s\n' "$v" > "$Q10_DIR/version"
    rm -rf -- "$tmp"
    q10_present || { echo "deps.sh: could not install QEMU $Q10_VERSION into $Q10_DIR" >&2; return 1; }
    echo "deps.sh: $v in $Q10_DIR" >&2
}

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
    -h|--help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
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
    q10_present || echo "deps.sh: missing: QEMU $Q10_VERSION in $Q10_DIR"
    [ -z "$missing_req" ] && q10_present
    exit $?
fi

# Optional packages that the current (possibly stale) index already knows
# are not worth an `apt-get update` on their own when unavailable.
want_opt=""
for p in $missing_opt; do
    available "$p" && want_opt="$want_opt $p"
done

if [ -z "$missing_req" ] && [ -z "$want_opt" ]; then
    fetch_qemu10
    exit $?
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
    fetch_qemu10
    exit $?
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
fetch_qemu10 || exit 1
echo "deps.sh: done" >&2
