#!/usr/bin/env bash
# TAP test of scripts/testbench itself (runs on the host, boots QEMU 5 times:
# one full check boot, then two pairs of concurrent boots; the --x2apic
# machine is checked without a boot, through a stand-in QEMU).
# Uses $XMHF_ROOTFS when set (the testbench reads it), else build/rootfs.

# shellcheck disable=SC2016  # single-quoted code is eval'ed or run in the guest
set -u -o pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
TB=$TOP/scripts/testbench

ROOTFS=${XMHF_ROOTFS:-$TOP/build/rootfs}
if [ ! -d "$ROOTFS" ]; then
    echo "Bail out! staged tree $ROOTFS missing: run make first"
    exit 1
fi
for t in qemu-system-x86_64 swtpm swtpm_setup; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "Bail out! $t not installed: run scripts/deps.sh"
        exit 1
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/testbench-t.XXXXXXXX")
trap 'rm -rf -- "$T"' EXIT

N=0
FAILED=0
ok() {      # ok COND-STATUS DESCRIPTION
    N=$((N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $N - $2"
    else
        echo "not ok $N - $2"
        FAILED=$((FAILED + 1))
    fi
}
check() {   # check DESCRIPTION COMMAND...
    local d=$1; shift
    "$@"; ok $? "$d"
}
has_line() { grep -qxF -- "$2" "$1"; }
show() {    # diagnostics for a failed boot
    sed 's/^/# /' "$1" >&2
}

# Processes (other than us) whose command line mentions $1.
procs_mentioning() {
    local p c
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] && continue
        c=$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) || continue
        case "$c" in *"$1"*) echo "${p#/proc/} $c" ;; esac
    done
}

echo "1..21"

# ---- boot 1: default machine; argv, --add, CPUs, TPM, exit status 7 -------
printf '#!/bin/sh\necho added-file-runs\n' > "$T/probe.sh"
chmod 0750 "$T/probe.sh"
mkdir -p "$T/adddir/sub"
echo deep > "$T/adddir/sub/file"
cat > "$T/guest1.sh" <<'EOF'
# Runs in the guest as: sh /extra/guest1.sh "two  spaces" "" "it's" '$HOME'
echo "argc=$#"
i=0
for a in "$@"; do i=$((i + 1)); echo "arg$i=[$a]"; done
echo "mode=$(stat -c %a /extra/probe.sh)"
/extra/probe.sh
echo "deep=$(cat /extra/adddir/sub/file)"
echo "nproc=$(nproc)"
modprobe tpm_tis && echo "modprobe=ok"
[ -c /dev/tpm0 ] && echo "tpm0=yes"
[ -c /dev/tpmrm0 ] && echo "tpmrm0=yes"
for t in taskset awk dd sha256sum insmod modprobe cpuid tpm2_pcrread tpm2_quote; do
    command -v "$t" >/dev/null || echo "missing=$t"
done
exit 7
EOF
"$TB" --add "$T/probe.sh" --add "$T/adddir" --add "$T/guest1.sh" \
    -- sh /extra/guest1.sh "two  spaces" "" "it's" '$HOME' > "$T/b1.out" 2> "$T/b1.err"
rc=$?
ok $(( rc == 7 ? 0 : 1 )) "-- sh ... 'exit 7' exits 7 (got $rc)"
[ $rc -eq 7 ] || { show "$T/b1.out"; show "$T/b1.err"; }
check "arguments with spaces, empty and quotes arrive intact" \
    eval 'has_line "$T/b1.out" "argc=4" && has_line "$T/b1.out" "arg1=[two  spaces]" &&
          has_line "$T/b1.out" "arg2=[]" && has_line "$T/b1.out" "arg3=[it'"'"'s]" &&
          has_line "$T/b1.out" "arg4=[\$HOME]"'
check "--add keeps mode 0750 under /extra/" has_line "$T/b1.out" "mode=750"
check "--add'ed file is executable in the guest" has_line "$T/b1.out" "added-file-runs"
check "--add copies a directory recursively" has_line "$T/b1.out" "deep=deep"
check "default machine has 2 CPUs" has_line "$T/b1.out" "nproc=2"
check "modprobe tpm_tis works; /dev/tpm0 and /dev/tpmrm0 exist" \
    eval 'has_line "$T/b1.out" "modprobe=ok" && has_line "$T/b1.out" "tpm0=yes" && has_line "$T/b1.out" "tpmrm0=yes"'
check "busybox applets and host tools are on PATH" eval '! grep -q "^missing=" "$T/b1.out"'
check "exit marker is not printed" eval '! grep -q XMHF-TESTBENCH-EXIT "$T/b1.out"'

# ---- boots 2+3 at once: -- true, and --smp 1 --no-tpm ----------------------
"$TB" -- true > "$T/b2.out" 2>&1 &
p2=$!
"$TB" --no-tpm --smp 1 -- sh -c \
    'echo "nproc=$(nproc)"; [ -e /dev/tpm0 ] || [ -e /dev/tpmrm0 ] || echo "notpm=yes"' \
    > "$T/b3.out" 2>&1 &
p3=$!
wait $p2; rc2=$?
wait $p3; rc3=$?
ok $(( rc2 == 0 ? 0 : 1 )) "-- true exits 0 (got $rc2)"
[ $rc2 -eq 0 ] || show "$T/b2.out"
ok $(( rc2 == 0 && rc3 == 0 ? 0 : 1 )) "two runs at once both succeed (got $rc2 and $rc3)"
[ $rc3 -eq 0 ] || show "$T/b3.out"
check "--smp 1 shows 1 CPU; --no-tpm has no /dev/tpm0 nor /dev/tpmrm0" \
    eval 'has_line "$T/b3.out" "nproc=1" && has_line "$T/b3.out" "notpm=yes"'

# ---- boots 4+5 at once: -- false with another staged tree, and a timeout ----
# build/initramfs.cpio holds build/rootfs: another tree (XMHF_ROOTFS) must
# get an initramfs of its own, or its files would be missing in the guest.
# Dated back, so that only the tree's name, not its age, can tell.
cp -a "$ROOTFS" "$T/rootfs2" && echo "tree-$$" > "$T/rootfs2/tree-marker" &&
    touch -d 2000-01-01 "$T/rootfs2/tree-marker" "$T/rootfs2"
XMHF_ROOTFS=$T/rootfs2 "$TB" --no-tpm -- sh -c 'echo "marker=$(cat /tree-marker)"; false' \
    > "$T/b4.out" 2>&1 &
p4=$!
start=$SECONDS
"$TB" --timeout 5 --keep "$T/to" -- sleep 100 > "$T/b5.out" 2>&1
rc5=$?
took=$((SECONDS - start))
wait $p4; rc4=$?
ok $(( rc4 != 0 && rc4 < 124 ? 0 : 1 )) "-- false exits non-zero (got $rc4)"
[ $rc4 -ne 0 ] || show "$T/b4.out"
check "XMHF_ROOTFS: the guest has that tree, not build/rootfs" has_line "$T/b4.out" "marker=tree-$$"
left=$(procs_mentioning "$T/to/")
ok $(( rc5 == 124 && took < 60 ? 0 : 1 )) "--timeout 5 -- sleep 100 exits 124 (got $rc5 after ${took}s)"
grep -q "timeout after 5 s" "$T/b5.out"; t_msg=$?
if [ $rc5 -ne 124 ] || [ $t_msg -ne 0 ]; then show "$T/b5.out"; fi
ok $(( t_msg == 0 && ${#left} == 0 ? 0 : 1 )) "timeout says so and leaves no qemu/swtpm behind"
[ -z "$left" ] || printf '# left: %s\n' "$left" >&2

# ---- --x2apic, no boot: the machine it asks for, and what it needs --------
# A stand-in QEMU (XMHF_QEMU) records its arguments, one a line, and exits.
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s"\n' "$T/qargs" > "$T/fakeqemu"
chmod 755 "$T/fakeqemu"
XMHF_QEMU=$T/fakeqemu "$TB" --no-tpm --timeout 30 -- true > "$T/q1.out" 2>&1
cp "$T/qargs" "$T/qargs.default" 2>/dev/null
XMHF_QEMU=$T/fakeqemu "$TB" --x2apic --no-tpm --timeout 30 -- true > "$T/q2.out" 2>&1
check "default machine: amd-iommu, no intel-iommu" \
    eval 'has_line "$T/qargs.default" amd-iommu && ! grep -q intel-iommu "$T/qargs.default"'
check "--x2apic: intel-iommu with interrupt remapping and EIM, no amd-iommu; XMHF_QEMU is run" \
    eval 'has_line "$T/qargs" intel-iommu,intremap=on,eim=on && ! grep -q amd-iommu "$T/qargs"'
# --dma: edu and the virtio disk come after amd-iommu (QEMU translates only
# the devices created after it); none of them without --dma.
XMHF_QEMU=$T/fakeqemu "$TB" --dma --no-tpm --timeout 30 -- true > "$T/q4.out" 2>&1
line_of() { grep -n -m 1 -e "$2" "$1" | cut -d: -f1; }
dma_order() {
    local i e v
    i=$(line_of "$T/qargs" '^amd-iommu$'); e=$(line_of "$T/qargs" '^edu,dma_mask=0xffffffffffffffff$')
    v=$(line_of "$T/qargs" '^virtio-blk-pci,drive=scratch,iommu_platform=on')
    [ -n "$i" ] && [ -n "$e" ] && [ -n "$v" ] && [ "$i" -lt "$e" ] && [ "$i" -lt "$v" ] &&
        grep -q '^file=.*/scratch.img,format=raw' "$T/qargs"
}
check "--dma: edu (64-bit DMA mask) and a virtio-blk scratch disk (iommu_platform) after amd-iommu" dma_order
check "no edu or virtio-blk without --dma" \
    eval '! grep -q -e "^edu" -e virtio-blk "$T/qargs.default"'
XMHF_CACHE=$T/nocache "$TB" --x2apic --no-tpm -- true > "$T/q3.out" 2>&1
rc=$?
grep -q "run scripts/deps.sh" "$T/q3.out"; m=$?
ok $(( rc == 3 && m == 0 ? 0 : 1 )) "--x2apic without QEMU 10 in XMHF_CACHE exits 3 and says to run scripts/deps.sh (got $rc)"
[ $rc -eq 3 ] && [ $m -eq 0 ] || show "$T/q3.out"

echo "# $((N - FAILED)) passed, $FAILED failed"
[ $FAILED -eq 0 ]
