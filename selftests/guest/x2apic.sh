# SPDX-License-Identifier: GPL-2.0
# x2APIC end to end (issue 17), for selftests/host/x2apic.t, which boots
# the testbench's QEMU 10 configuration (scripts/testbench --x2apic): Linux
# runs its local APICs in x2APIC mode, so every IPI, and the INIT/SIPI of
# CPU hotplug, is a write to the ICR MSR 0x830, which is the only APIC
# register the hypervisor intercepts there.  Checks that the mode is really
# in use, then that APs go offline and online again hoisted with the
# hypervisor seeing no write to the xAPIC page ("apic" exits, an NPF on the
# APIC page) and starting each AP from a SIPI it took from the ICR MSR.
#
# Not a numbered test: the in-guest suite (xAPIC, QEMU 7.2) does not run it.
. /selftests/lib.sh
plan 11

CPU_DIR=/sys/devices/system/cpu
T_LAUNCH=60
T_HOTPLUG=30

ncpus=$(grep -c '^processor' /proc/cpuinfo)
nx2=$(grep '^flags' /proc/cpuinfo | grep -cw x2apic)
is "/proc/cpuinfo shows x2apic on every CPU ($ncpus)" "$nx2" "$ncpus"
like "Linux switched its APIC routing to x2APIC" "$(dmesg)" "Switched APIC routing to (cluster|physical) x2apic"
like "the IOMMU remaps interrupts in x2APIC mode" "$(dmesg)" "Enabled IRQ remapping in x2apic mode"

# status FIELD: from xmhfctl --json status, the whole-hypervisor exit
# count of class FIELD ("apic", "msr", ...).
# On CPU 0 (its status hypercall would fault on an AP a broken intercept
# let start outside the hypervisor), bounded.
status_json() { timeout 30 taskset -c 0 xmhfctl --json status 2>/dev/null; }
# The hypervisor's signature on CPU $1.
sig_on() {
	timeout 30 taskset -c "$1" cpuid -1 -l 0x40000000 2>&1 |
		sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'
}
exits_of() {	# JSON CLASS
	printf '%s\n' "$1" | sed -n 's/.*"hypervisor":{[^}]*"exits":{\([^}]*\)}.*/\1/p' |
		tr ',' '\n' | sed -n "s/^\"$2\":\([0-9][0-9]*\)$/\1/p"
}
starts_of() {	# JSON CPU: how many times the hypervisor started CPU from a SIPI
	printf '%s\n' "$1" | sed 's/{"cpu":/\n/g' | sed -n "s/^$2,.*\"starts\":\([0-9][0-9]*\).*/\1/p"
}
# set_online CPU 0|1 within T_HOTPLUG seconds
set_online() { timeout "$T_HOTPLUG" sh -c "echo $2 > $CPU_DIR/cpu$1/online"; }

xmhf_loaded && rmmod xmhf
if ! timeout "$T_LAUNCH" modprobe xmhf launch=emulated > /tmp/x2.out 2>&1; then
	not_ok "modprobe xmhf launch=emulated hoists Linux" "$(tail -n 5 /tmp/x2.out)"
	for d in "APs cycle offline/online" "no APIC-page exits" "SIPIs through MSR 0x830" \
		"ICR MSR writes counted" "IPIs under load" "unload"; do
		not_ok "$d" "not launched"
	done
	exit 1
fi
ok "modprobe xmhf launch=emulated hoists Linux"

before=$(status_json)
msr0=$(exits_of "$before" msr)
aps=""
for c in $(seq 1 $((ncpus - 1))); do
	[ -e "$CPU_DIR/cpu$c/online" ] && aps="$aps $c"
done
bad=""
for c in $aps; do
	set_online "$c" 0 || bad="$bad cpu$c-off"
	set_online "$c" 1 || bad="$bad cpu$c-on"
done
is "every AP goes offline and online again hoisted (${aps# })" "${bad# }|$(cat $CPU_DIR/online)" "|0-$((ncpus - 1))"

nosig=""
for c in $aps; do
	[ "$(sig_on "$c")" = xmhfllxmhfll ] || nosig="$nosig cpu$c"
done
is "every AP is back under the hypervisor (its CPUID signature)" "${nosig# }" ""
if [ -n "$nosig" ]; then
	# An AP outside the hypervisor: the rest cannot be trusted, and unload
	# could hang; report and stop.
	for d in "no APIC-page exits" "SIPIs through MSR 0x830" "ICR MSR writes counted" \
		"IPIs under load" "unload"; do
		not_ok "$d" "not run: APs outside the hypervisor:$nosig"
	done
	exit 1
fi
after=$(status_json)
is "no write to the xAPIC page reached the hypervisor (apic exits)" "$(exits_of "$after" apic)" 0
notstarted=""
for c in $aps; do
	s0=$(starts_of "$before" "$c"); s1=$(starts_of "$after" "$c")
	[ -n "$s0" ] && [ -n "$s1" ] && [ "$s1" -eq $((s0 + 1)) ] || notstarted="$notstarted cpu$c:${s0:-?}->${s1:-?}"
done
is "the hypervisor started each AP once more, from the SIPI it took from MSR 0x830" "${notstarted# }" ""
msr1=$(exits_of "$after" msr)
# At least an INIT and a SIPI per AP, each a WRMSR 0x830 exit.
n=$(set -- $aps; echo $#)
if [ -n "$msr0" ] && [ -n "$msr1" ] && [ "$msr1" -ge $((msr0 + 2 * n)) ]; then
	ok "the hotplug's ICR writes were MSR exits ($msr0 -> $msr1, $n APs)"
else
	not_ok "the hotplug's ICR writes were MSR exits" "msr exits before '$msr0', after '$msr1', $n APs"
fi

# IPIs under load: TLB shootdowns and rescheduling IPIs from a workload on
# every CPU; still no APIC-page exit.
i=0
while [ $i -lt "$ncpus" ]; do
	taskset -c "$i" sh -c 'j=0; while [ $j -lt 20 ]; do dd if=/dev/zero of=/dev/null bs=64k count=16 2>/dev/null; j=$((j + 1)); done' &
	i=$((i + 1))
done
wait
last=$(status_json)
is "IPIs under load: still no APIC-page exit, more MSR exits" \
	"$(exits_of "$last" apic)|$([ "$(exits_of "$last" msr)" -gt "$msr1" ] && echo more)" "0|more"

check "unload" timeout "$T_LAUNCH" rmmod xmhf
done_testing
