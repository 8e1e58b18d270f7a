# SPDX-License-Identifier: GPL-2.0
# The A20 gate (issue 12, "Port I/O"; hv/arch/x86/ioports.c port92_io and
# kbc_cmd_io).  With A20 off the CPU drops physical address bit 20 on
# every access, nested walks included (QEMU: x86_cpu_set_a20, and the
# final address of a nested translation is masked too), so a guest store
# would alias the APIC page and the hypervisor would reach the wrong
# copy of its own pages.  Port A (0x92) bit 1 and the 8042's command
# 0xDD turn it off.
# Natively the attack is not run: A20 off masks the running kernel's own
# addresses (its text, stack and page tables), which crashes the guest
# before a test could read anything back.
# Hoisted: both writes are dropped and logged, A20 reads as on, and the
# hypervisor and Linux are intact.
. /selftests/lib.sh
plan 8

P=/selftests/bin/portio
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }

skip "natively: port 0x92 bit 1 clear turns A20 off" \
	"A20 off masks the running kernel's own addresses and crashes the guest"
check "modprobe xmhf launch=emulated" modprobe xmhf launch=emulated
a=$($P i1:0x92)
is "hoisted: A20 is on before the attack (port 0x92 bit 1)" "$(( a & 2 ))" 2
$P o1:0x92:$(printf '0x%x' $(( a & ~3 )))
is "hoisted: port 0x92 with bit 1 clear leaves A20 on" "$(( $($P i1:0x92) & 2 ))" 2
$P o1:0x64:0xdd
log=$(xmhfctl log 2>&1)
like "the hypervisor logged the refused port 0x92 write" "$log" "at port 0x92 .* refused: .*A20 off refused"
like "the hypervisor logged the refused 8042 command 0xDD" "$log" "at port 0x64 \(0xdd\) refused: .*A20 off refused"
is "the hypervisor is still there (CPUID signature)" "$(sig)" xmhfllxmhfll
check "Linux is healthy: a workload runs, then rmmod xmhf" sh -c \
	'dd if=/dev/urandom bs=64k count=16 2>/dev/null | sha256sum && rmmod xmhf'
done_testing
