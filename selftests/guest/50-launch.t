# SPDX-License-Identifier: GPL-2.0
# Hoist and return (issue 3, acceptance 1-2): insmod demotes the running
# Linux into the hypervisor's guest; rmmod hands the machine back.
. /selftests/lib.sh
plan 20

sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }
workload() {
	dd if=/dev/urandom of=/tmp/w.bin bs=64k count=16 2>/dev/null
	dd if=/bin/busybox of=/tmp/w2.bin bs=4k 2>/dev/null
	i=0; while [ $i -lt 5 ]; do sha256sum /bin/busybox /tmp/w2.bin; i=$((i + 1)); done | sha256sum
}

cpus_before=$(cat /sys/devices/system/cpu/online)
native_sig=$(sig)
native_work=$(workload)

dmesg_mark
check "modprobe xmhf launch=emulated hoists Linux" modprobe xmhf launch=emulated
is "sysfs state is launched" "$(cat /sys/kernel/xmhf/state 2>&1)" "launched"
is "CPUID 0x40000000 shows the hypervisor's signature" "$(sig)" "xmhfllxmhfll"
like "xmhfctl status reports launched (emulated)" "$(xmhfctl status)" "^state: +launched \(emulated\)"
like "xmhfctl status shows the hypervisor's exit counters" "$(xmhfctl status)" "^exits: +[0-9]+ total, cpuid [0-9]+"
is "the busybox workload gives the same result hoisted" "$(workload)" "$native_work"
is "every CPU stays online under the hypervisor" "$(cat /sys/devices/system/cpu/online)" "$cpus_before"
if [ -e /sys/devices/system/cpu/cpu1 ]; then
	check "an AP goes offline and back online while hoisted" sh -c \
		'echo 0 > /sys/devices/system/cpu/cpu1/online && echo 1 > /sys/devices/system/cpu/cpu1/online'
else
	skip "an AP goes offline and back online while hoisted" "one CPU only"
fi
# Launch, workload and an AP's bring-up: every MSR Linux touched is on
# the allow-list (hv/arch/x86/msr.c), so the hypervisor refused none.
is "the hypervisor refused none of Linux's MSR accesses (the allow-list)" \
	"$(xmhfctl log 2>&1 | grep 'MSR 0x[0-9a-f]* refused')" ""
# ... and every port it used is in a row of the port policy, or in an
# open PCI I/O BAR (hv/arch/x86/ioports.c): the default deny refused none.
is "the hypervisor refused none of Linux's port accesses (the port policy)" \
	"$(xmhfctl log 2>&1 | grep 'at refused port 0x')" ""
check "rmmod xmhf unloads" rmmod xmhf
is "after unload the signature is gone" "$(sig)" "$native_sig"
is "after unload the APs are back" "$(cat /sys/devices/system/cpu/online)" "$cpus_before"
like "dmesg: launched, then unloaded" "$(dmesg_new)" "launched.*
.*hypervisor unloaded; Linux runs natively"

# The default (launch=auto) hoists too: emulated here, with no SKINIT.
check "plain modprobe xmhf launches" sh -c 'modprobe xmhf && [ "$(cat /sys/kernel/xmhf/state)" = launched ]'
is "auto chose the emulated launch" "$(cat /sys/kernel/xmhf/launch)" "emulated"
rmmod xmhf

# 20 launch/unload cycles in one boot: no hang, no oops, memory back.
modprobe xmhf launch=emulated && rmmod xmhf
before=$(mem_free_kb)
fails=0; i=0
while [ $i -lt 20 ]; do
	modprobe xmhf launch=emulated && [ "$(sig)" = xmhfllxmhfll ] && rmmod xmhf || fails=$((fails + 1))
	i=$((i + 1))
done
after=$(mem_free_kb)
is "20 launch/unload cycles all succeed" "$fails" 0
if [ $((before - after)) -lt 1024 ]; then ok "free memory within 1 MiB after 20 cycles ($before -> $after kB)"
else not_ok "free memory within 1 MiB after 20 cycles" "$before -> $after kB"; fi
is "every CPU is back after 20 cycles" "$(cat /sys/devices/system/cpu/online)" "$cpus_before"

# Linux using the TPM meanwhile (hwrng reads) must neither leave a launch
# unmeasured nor make the hypervisor stay at unload (its unload marker
# needs the TPM).  A command in flight holds locality 0; on one CPU its
# task cannot run while the hypervisor waits, so the module waits for it.
if grep -q tpm /sys/class/misc/hw_random/rng_current 2>/dev/null; then
	( while :; do head -c 64 /dev/hwrng > /dev/null 2>&1; done ) &
	rng_pid=$!
	bad=""; i=0
	while [ $i -lt 10 ]; do
		i=$((i + 1))
		if ! modprobe xmhf launch=emulated; then bad="$bad launch $i failed;"; continue; fi
		m=$(xmhfctl status | sed -n 's/^measurement: *\([^,]*\),.*/\1/p')
		[ "$m" = measured ] || bad="$bad launch $i: $m;"
		rmmod xmhf
		if [ "$(sig)" != "$native_sig" ]; then bad="$bad unload $i: the hypervisor stayed"; break; fi
	done
	kill $rng_pid; wait $rng_pid 2>/dev/null
	if [ -z "$bad" ]; then ok "10 launch/unload cycles with Linux reading the TPM: each measured and unloaded"
	else not_ok "10 launch/unload cycles with Linux reading the TPM: each measured and unloaded" "$bad" "$(dmesg | tail -5)"; fi
else
	skip "10 launch/unload cycles with Linux reading the TPM: each measured and unloaded" "no TPM hwrng"
fi
done_testing
