#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail-closed when the TPM fails (three boots).  The guest breaks the TPM at
# the moment it chooses, through scripts/testbench --tpm-hook:
# "testbench-tpm stop" has the testbench terminate swtpm (QEMU then fails
# every TPM command at once: a definite failure), "testbench-tpm pause"
# has it SIGSTOP swtpm (QEMU takes each command and gets no answer).
#
#  A. TPM stopped after a measured launch: UNLOAD is refused, because the
#     unload marker cannot be extended (hv/core/main.c), so the hypervisor
#     stays: xmhfctl unload fails, status and CPUID still show it.  rmmod
#     cannot be refused by a module: the module goes, the hypervisor stays
#     ("module removed while the hypervisor is still running").
#  B. TPM stopped before the launch: the launch goes on, unmeasured (TPM
#     error); each extend was refused, so PCR 17 holds no golden value,
#     unload needs no marker and succeeds.
#  C. TPM paused before the launch: the SL's extend goes out and gets no
#     answer, so the launch is unmeasured (TPM error) with the event log's
#     UNCERTAIN flag: the TPM may have made the extend.  Unload with the
#     TPM paused again: the marker gets no answer either, the hypervisor
#     refuses and stays; the module tries again once the TPM answers, and
#     the marker goes in.  PCR 17 then shows that the TPM did make both
#     extends the hypervisor gave up on (FF..FF, SLB, marker, marker):
#     skipping the marker for such a launch would have left whatever the
#     TPM made in PCR 17.
#     QEMU 7.2 cannot show the hypervisor refusing while the TPM is still
#     paused: when a command is aborted (commandReady) while swtpm does not
#     run, QEMU asks swtpm to cancel it on the vCPU thread with its big
#     lock held, so the whole guest waits until swtpm runs again.  The
#     testbench resumes swtpm when QEMU stops answering (scripts/testbench
#     --help), so the refusal and the retry are seen in the logs.  Linux's
#     own TPM driver is unbound for this boot: its hwrng thread reads the
#     TPM every few seconds and would end a pause early.
# Linux stays healthy in all.  Console and hypervisor logs are kept in
# build/check/tpm-fail-closed.{A,B,C}.*; a failure prints the log's tail.
. "$(dirname "$0")/tap.sh"
plan 51

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
testbench-tpm stop; say stop $?
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
testbench-tpm stop; say stop $?
modprobe xmhf launch=emulated; say modprobe $?
xmhfctl status | sed 's/^/@st1 /'
say json "$(xmhfctl --json status | sed -n 's/.*"measurement":"\([^"]*\)".*/\1/p')"
sigs 1
xmhfctl unload; say unload $?
sigs 2
rmmod xmhf; say rmmod $?
health
EOF

cat > "$T/uncertain.sh" <<'EOF'
. /extra/lib.sh
dev=$(basename "$(readlink -f /sys/class/tpm/tpm0/device)")
echo "$dev" > /sys/bus/platform/drivers/tpm_tis/unbind; say unbind $?
testbench-tpm pause; say pause $?
modprobe xmhf launch=emulated; say modprobe $?
xmhfctl status | sed 's/^/@st1 /'
xmhfctl eventlog | sed 's/^/@ev /'
say json "$(xmhfctl --json eventlog)"
sigs 1
testbench-tpm pause; say pause2 $?
xmhfctl unload 2> /tmp/unload.err; say unload "$? $(cat /tmp/unload.err)"
say retried "$(dmesg | grep -c 'the TPM did not take the unload marker; trying again')"
sigs 2
testbench-tpm resume; say resume $?
echo "$dev" > /sys/bus/platform/drivers/tpm_tis/bind; say bind $?
export TPM2TOOLS_TCTI=device:/dev/$(ls /sys/class/tpmrm | head -n 1)
say pcr256 "$(tpm2_pcrread sha256:17 | sed -n 's/.*17: 0x//p')"
say pcr1 "$(tpm2_pcrread sha1:17 | sed -n 's/.*17: 0x//p')"
rmmod xmhf; say rmmod $?
health
EOF

# boot NAME SCRIPT: the guest's console in $out, the hypervisor's log in $hv.
boot() {
	hv=$dir/tpm-fail-closed.$1.hv.log
	out=$("$TOP/scripts/testbench" --tpm-hook --hvlog "$hv" --timeout 240 \
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

# ---- C: the TPM takes the commands and does not answer
# PCR = H(PCR || digest) from FF..FF, in bank $1 (sha1sum or sha256sum).
replay() {
	local sum=$1 pcr d; shift
	pcr=$(printf 'f%.0s' $(seq 1 $(( ${#1} ))))
	for d in "$@"; do
		pcr=$(printf "$(sed 's/../\\x&/g' <<<"$pcr$d")" | $sum | cut -d' ' -f1)
	done
	echo "$pcr"
}
marker="xmhf-ll: hypervisor unloaded"
m1=$(printf %s "$marker" | sha1sum | cut -d' ' -f1)
m256=$(printf %s "$marker" | sha256sum | cut -d' ' -f1)
f0=$_failed
boot C uncertain.sh
is "C: the guest ran to its end" "$rc" 0
is "C: Linux's TPM driver unbound (no hwrng reads during the pauses)" "$(val unbind)" 0
is "C: the testbench paused swtpm before the launch" "$(val pause)" 0
is "C: modprobe launches" "$(val modprobe)" 0
like "C: the SL logged the failed extend" "$(hvlog)" "xmhf sl: TPM extend failed: launching unmeasured"
like "C: the runtime logged that the unload will need the marker" "$(hvlog)" \
	"xmhf: measurement: unmeasured \(TPM error\), 2 events; an extend's outcome is unknown"
like "C: status says unmeasured (TPM error)" "$(st st1)" "^measurement: +unmeasured \(TPM error\),"
like "C: eventlog says unmeasured, with the driver's timeout" "$(st ev)" \
	"^measurement: unmeasured \(TPM error\): TPM error -2, TPM rc 0x0;"
like "C: eventlog says the outcome is unknown" "$(st ev)" "^uncertain: an extend got no answer"
like "C: eventlog --json says the same" "$(val json)" \
	'"measurement":"unmeasured \(TPM error\)","tpm_error":-2,"tpm_rc":0,"uncertain":true,"events":\['
is "C: CPUID says xmhfllxmhfll on both CPUs" "$(val sig1)" "xmhfllxmhfll,xmhfllxmhfll"
is "C: the testbench paused swtpm again before the unload" "$(val pause2)" 0
like "C: the first unload attempt was refused: the marker got no answer" "$(hvlog)" \
	"xmhf: extending the unload marker failed \(-2, TPM rc 0x0, outcome unknown\): staying"
is "C: the module tried again" "$(val retried)" 1
# The refusal came first, then the unload: the hypervisor stayed for the retry.
first() { hvlog | grep -nE "$1" | head -n 1 | cut -d: -f1; }
refused_at=$(first "unload marker failed"); left_at=$(first "scrubbing and returning to Linux")
if [ -n "$refused_at" ] && [ -n "$left_at" ] && [ "$refused_at" -lt "$left_at" ]; then
	ok "C: the hypervisor stayed after the refusal and left on the retry"
else
	not_ok "C: the hypervisor stayed after the refusal and left on the retry" \
		"refused at line '$refused_at', left at line '$left_at' of $hv"
fi
like "C: the testbench resumed swtpm each time QEMU waited for it" \
	"$(grep -c 'QEMU has not answered for .* swtpm resumed' <<<"$out")" "^2$"
is "C: the retry extended the marker: xmhfctl unload succeeds" "$(val unload)" "0 "
case $(val sig2) in
	*xmhfll*|,*|*,|"") not_ok "C: after unload, neither CPU shows the signature" "got: '$(val sig2)'" ;;
	*) ok "C: after unload, neither CPU shows the signature" ;;
esac
is "C: Linux's TPM driver bound again" "$(val resume),$(val bind)" "0,0"
golden=$BUILD/rootfs/lib/firmware/xmhf/xmhf.golden
gold() { awk -v n="$1" -v b="$2" '$1 == n && $2 == b { print $3 }' "$golden"; }
slb1=$(gold slb sha1)
slb256=$(gold slb sha256)
is "C: PCR 17 (sha256) holds the SLB and two markers: the TPM made every extend given up on" \
	"$(val pcr256 | tr 'A-F' 'a-f')" "$(replay sha256sum "$slb256" "$m256" "$m256")"
is "C: PCR 17 (sha1) too" "$(val pcr1 | tr 'A-F' 'a-f')" "$(replay sha1sum "$slb1" "$m1" "$m1")"
p17=$(val pcr256 | tr 'A-F' 'a-f')
present=" $(gold drtm sha256) $(gold emulated sha256) "
if ! [[ $p17 =~ ^[0-9a-f]{64}$ && $present =~ ^\ [0-9a-f]{64}\ [0-9a-f]{64}\ $ ]]; then
	not_ok "C: PCR 17 is no golden value of a present hypervisor" \
		"PCR 17: '$p17'; golden values: '$present' ($golden)"
elif [[ $present == *" $p17 "* ]]; then
	not_ok "C: PCR 17 is no golden value of a present hypervisor" "PCR 17: $p17"
else
	ok "C: PCR 17 is no golden value of a present hypervisor"
fi
is "C: Linux is healthy (rmmod, hotplug, work on both CPUs, no oops)" \
	"$(val rmmod),$(val hotplug),$(val online),$(val work),$(val oops)" "0,0,0-1,0,0"
tail_on_failure "$f0" C
done_testing
