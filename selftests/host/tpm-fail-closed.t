#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail-closed when the TPM fails (two boots).  The guest stops the TPM at
# the moment it chooses: testbench-tpm-stop has the testbench terminate
# swtpm (--tpm-stop-hook), and QEMU then fails every TPM command.
#
#  A. TPM stopped after a measured launch: UNLOAD is refused, because the
#     unload marker cannot be extended (hv/core/main.c), so the hypervisor
#     stays: xmhfctl unload fails, status and CPUID still show it.  rmmod
#     cannot be refused by a module: the module goes, the hypervisor stays
#     ("module removed while the hypervisor is still running").
#  B. TPM stopped before the launch: the launch goes on, unmeasured (TPM
#     error); PCR 17 then holds no golden value, so unload needs no marker
#     and succeeds.
# Linux stays healthy in both.  Console and hypervisor logs are kept in
# build/check/tpm-fail-closed.{A,B}.*; a failure prints the log's tail.
. "$(dirname "$0")/tap.sh"
plan 28

dir=$BUILD/check
mkdir -p "$dir"
T=$(mktemp -d "${TMPDIR:-/tmp}/tpm-fail-closed.XXXXXXXX")
trap 'rm -rf -- "$T"' EXIT

# Guest helpers: "@KEY=VALUE" lines are read back by val().
cat > "$T/lib.sh" <<'EOF'
echo 1 > /proc/sys/kernel/printk
# The hypervisor signature CPU $1 reports.
sig() {
	taskset -c "$1" cpuid -1 -l 0x40000000 2>&1 |
		sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'
}
sigs() { echo "@sig$1=$(sig 0),$(sig 1)"; }
say() { echo "@$1=$2"; }
# Linux is well: CPU 1 goes off and on, both CPUs run work, no oops.
health() {
	echo 0 > /sys/devices/system/cpu/cpu1/online &&
		echo 1 > /sys/devices/system/cpu/cpu1/online
	say hotplug $?
	say online "$(cat /sys/devices/system/cpu/online)"
	taskset -c 0 sh -c 'dd if=/dev/zero bs=1M count=8 2>/dev/null | sha256sum' > /tmp/h0 &&
		taskset -c 1 sh -c 'dd if=/dev/zero bs=1M count=8 2>/dev/null | sha256sum' > /tmp/h1 &&
		cmp -s /tmp/h0 /tmp/h1
	say work $?
	say oops "$(dmesg | grep -cE 'BUG:|Oops|WARNING:|soft lockup|hard LOCKUP|Kernel panic|Call Trace')"
}
EOF

cat > "$T/after.sh" <<'EOF'
. /extra/lib.sh
modprobe xmhf launch=emulated; say modprobe $?
xmhfctl status | sed 's/^/@st1 /'
testbench-tpm-stop; say stop $?
tpm2_getrandom 8 > /dev/null 2>&1; say getrandom $?
xmhfctl unload 2> /tmp/unload.err; say unload "$? $(cat /tmp/unload.err)"
say refused "$(dmesg | grep -c 'xmhf: the hypervisor refused to unload (-5)')"
xmhfctl status | sed 's/^/@st2 /'
sigs 2
rmmod xmhf; say rmmod $?
say removed "$(dmesg | grep -c 'xmhf: module removed while the hypervisor is still running')"
say module "$(grep -c '^xmhf ' /proc/modules)"
sigs 3
modprobe xmhf launch=emulated 2>/dev/null; say modprobe2 $?
health
EOF

cat > "$T/before.sh" <<'EOF'
. /extra/lib.sh
testbench-tpm-stop; say stop $?
modprobe xmhf launch=emulated; say modprobe $?
xmhfctl status | sed 's/^/@st1 /'
say json "$(xmhfctl --json status | sed -n 's/.*"measurement":"\([^"]*\)".*/\1/p')"
sigs 1
xmhfctl unload; say unload $?
sigs 2
rmmod xmhf; say rmmod $?
health
EOF

# boot NAME SCRIPT: the guest's console in $out, the hypervisor's log in $hv.
boot() {
	hv=$dir/tpm-fail-closed.$1.hv.log
	out=$("$TOP/scripts/testbench" --tpm-stop-hook --hvlog "$hv" --timeout 180 \
		--add "$T/lib.sh" --add "$T/$2" -- sh "/extra/$2" 2>&1)
	rc=$?
	printf '%s\n' "$out" > "$dir/tpm-fail-closed.$1.console"
}
val() { sed -n "s/^@$1=//p" <<<"$out" | tail -n 1; }
st() { grep "^@$1 " <<<"$out" | cut -c$((${#1} + 3))-; }
hvlog() { tr -d '\r' < "$hv"; }
tail_on_failure() {
	[ "$_failed" -eq "$1" ] && return
	echo "# boot $2: the hypervisor's log, last 30 lines ($hv):"
	tail -n 30 "$hv" | sed 's/^/# hv: /'
	echo "# boot $2: console, last 30 lines:"
	tail -n 30 <<<"$out" | sed 's/^/# /'
}

# ---- A: the TPM fails after a measured launch
f0=$_failed
boot A after.sh
is "A: the guest ran to its end" "$rc" 0
is "A: modprobe launches" "$(val modprobe)" 0
like "A: the launch is measured" "$(st st1)" "^measurement: +measured,"
is "A: the testbench stopped the TPM on the guest's request" "$(val stop)" 0
like "A: TPM commands now fail" "$(val getrandom)" "^[1-9]"
like "A: xmhfctl unload is refused (EIO)" "$(val unload)" "^1 xmhfctl: unload failed: Input/output error"
like "A: the module says the hypervisor refused (after its retries)" "$(val refused)" "^[1-9]"
like "A: the hypervisor logged why it stays" "$(hvlog)" "xmhf: extending the unload marker failed \(-?[0-9]+, TPM rc 0x[0-9a-f]+\): staying"
like "A: status still shows the hypervisor, launched" "$(st st2)" "^state: +launched \(emulated\)"
like "A: status: measured still (PCR 17 unchanged), 2 events" "$(st st2)" "^measurement: +measured, 2 events"
like "A: status: both CPUs still under it" "$(st st2 | grep -cE '^[01] +[0-9]+ +guest ')" "^2$"
is "A: CPUID 0x40000000 still says xmhfllxmhfll on both CPUs" "$(val sig2)" "xmhfllxmhfll,xmhfllxmhfll"
is "A: rmmod cannot be refused: it exits 0, the module is gone" "$(val rmmod),$(val module)" "0,0"
like "A: ... and the module says the hypervisor is still running" "$(val removed)" "^[1-9]"
is "A: after rmmod, CPUID still says xmhfllxmhfll on both CPUs" "$(val sig3)" "xmhfllxmhfll,xmhfllxmhfll"
if hvlog | grep -qE "APs parked|scrubbing and returning to Linux"; then
	not_ok "A: the hypervisor never began to unload" "$(hvlog | grep -E 'APs parked|scrubbing')"
else
	ok "A: the hypervisor never began to unload"
fi
like "A: a new modprobe fails: the running hypervisor still hides SVM" "$(val modprobe2)" "^[1-9]"
is "A: Linux is healthy (hotplug, work on both CPUs, no oops)" \
	"$(val hotplug),$(val online),$(val work),$(val oops)" "0,0-1,0,0"
tail_on_failure "$f0" A

# ---- B: the TPM fails before the launch
f0=$_failed
boot B before.sh
is "B: the guest ran to its end" "$rc" 0
is "B: the testbench stopped the TPM before the launch" "$(val stop)" 0
is "B: modprobe launches all the same" "$(val modprobe)" 0
like "B: the SL logged the failed extend" "$(hvlog)" "xmhf sl: TPM extend failed: launching unmeasured"
like "B: status says unmeasured (TPM error)" "$(st st1)" "^measurement: +unmeasured \(TPM error\),"
is "B: status --json says it too" "$(val json)" "unmeasured (TPM error)"
is "B: CPUID says xmhfllxmhfll on both CPUs" "$(val sig1)" "xmhfllxmhfll,xmhfllxmhfll"
is "B: no golden PCR 17 to cancel: unload needs no marker, and succeeds" "$(val unload)" 0
case $(val sig2) in
	*xmhfll*|,*|*,|"") not_ok "B: after unload, neither CPU shows the signature" "got: '$(val sig2)'" ;;
	*) ok "B: after unload, neither CPU shows the signature" ;;
esac
is "B: Linux is healthy (rmmod, hotplug, work on both CPUs, no oops)" \
	"$(val rmmod),$(val hotplug),$(val online),$(val work),$(val oops)" "0,0,0-1,0,0"
tail_on_failure "$f0" B
done_testing
