# SPDX-License-Identifier: GPL-2.0
# The module's controls without CAP_SYS_ADMIN (docs/isolation-msr.md,
# "Capabilities"): a root process whose capabilities were dropped (a
# container's) can open /dev/xmhf (mode 0600, uid 0) but may not make the
# hypervisor leave (UNLOAD) nor run hypercalls in a loop (BENCH,
# BENCH_SMP).  The control: the same commands with CAP_SYS_ADMIN work,
# and the capability-less process does reach the device (status).
# QUIESCE_TEST (and LAYOUT) are in the test blobs only.  selftest=1 taints
# the kernel ('U').  Under lockdown it is refused too,
# which a testbench cannot show: lockdown also refuses our unsigned
# modules before their init runs.
. /selftests/lib.sh

plan 17
NOCAP="/selftests/bin/advtool nocap"
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }
tainted_u() { echo $(( ($(cat /proc/sys/kernel/tainted) >> 6) & 1 )); }

check "launch" modprobe xmhf launch=emulated
check "without CAP_SYS_ADMIN the device still opens (xmhfctl status)" $NOCAP xmhfctl status
refused() {	# refused COMMAND...: its message and exit status, one line
	out=$("$@" 2>&1)
	echo "$out (exit $?)" | tr '\n' ' '
}
like "without CAP_SYS_ADMIN UNLOAD is refused (EPERM)" \
	"$(refused $NOCAP xmhfctl unload)" 'not permitted \(exit 1\) $'
is "the hypervisor is still there" "$(sig)" "xmhfllxmhfll"
like "without CAP_SYS_ADMIN BENCH is refused" \
	"$(refused $NOCAP xmhfctl bench-hypercall)" 'not permitted \(exit 1\) $'
like "without CAP_SYS_ADMIN BENCH_SMP is refused" \
	"$(refused $NOCAP xmhfctl bench-smp --kind quiesce --iterations 10)" 'not permitted \(exit 1\) $'
# The test hooks are not in the production blob, only in the test builds.
like "the production blob has no QUIESCE_TEST hypercall" \
	"$(refused xmhfctl bench-smp --kind quiesce --iterations 10)" '\(exit 1\) $'
check "with CAP_SYS_ADMIN BENCH works" xmhfctl bench-hypercall
check "with CAP_SYS_ADMIN UNLOAD works" xmhfctl unload
like "the hypervisor left" "$(sig)" '^$|^TCG'		# QEMU's own, or none
check "rmmod" rmmod xmhf
check "launch the test blob" modprobe xmhf launch=emulated blob=xmhf/xmhf-test.bin
check "the test blob has QUIESCE_TEST (the control)" xmhfctl bench-smp --kind quiesce --iterations 10
check "rmmod the test blob" rmmod xmhf
# The taint stays for the rest of this boot: checked before any other selftest=1.
if [ "$(tainted_u)" = 1 ]; then
	skip "selftest=1 taints the kernel" "already tainted 'U' by an earlier test"
else
	modprobe xmhf launch=none selftest=1 && rmmod xmhf
	is "selftest=1 taints the kernel ('U')" "$(tainted_u)" "1"
fi
# selftest=1's raw ioctls (MSR, MMIO, physical addresses) need
# CAP_SYS_RAWIO, as /dev/mem and /dev/cpu/N/msr do.  SMI_COUNT (0x34)
# reads natively here, and is the control.
if modprobe xmhf launch=none selftest=1; then
	like "without CAP_SYS_RAWIO the selftest MSR ioctl is refused" \
		"$(refused /selftests/bin/advtool norawio /selftests/bin/msrtest 0x34)" \
		'not permitted.*\(exit 1\) $'
	check "with it the same ioctl works" /selftests/bin/msrtest 0x34
	rmmod xmhf
else
	not_ok "without CAP_SYS_RAWIO the selftest MSR ioctl is refused" "modprobe selftest=1 failed"
	not_ok "with it the same ioctl works" "modprobe selftest=1 failed"
fi
done_testing
