# SPDX-License-Identifier: GPL-2.0
# In the guest of launch-smp8.t (at /extra/smp8-guest.sh): a short
# hoist-and-unload on 8 CPUs, where the hypervisor's per-CPU state comes
# from its heap, sized at launch.  Kept short: 8 TCG vCPUs on a 2-core
# host are slow; the long SMP tests run in 52-smp.t on 2 and 4 CPUs.
. /selftests/lib.sh
plan 8

SIG=xmhfllxmhfll
CPU_DIR=/sys/devices/system/cpu
sig_on() {
	taskset -c "$1" cpuid -1 -l 0x40000000 2>&1 |
		sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'
}
cpus=$(seq 0 $(($(nproc) - 1)))
last=$(($(nproc) - 1))
# "" when every online CPU reports $1, else the CPUs that do not
sig_bad() {
	for c in $cpus; do
		[ "$(sig_on "$c")" = "$1" ] || echo -n "cpu$c "
	done
}
# Every CPU's signature, natively (QEMU's TCG answers leaf 0x40000000 too).
sigs() { for c in $cpus; do echo -n "$c:$(sig_on "$c") "; done; }
native=$(sigs)

is "8 CPUs online before the launch, none reporting $SIG" \
	"$(nproc) $(echo "$native" | grep -c $SIG)" "8 0"
check "modprobe xmhf launch=emulated" modprobe xmhf launch=emulated
is "state is launched" "$(cat /sys/kernel/xmhf/state 2>/dev/null)" launched
json=$(xmhfctl status --json 2>&1)
like "xmhfctl status: 8 CPUs under the hypervisor, all in the guest" \
	"$(echo "$json" | grep -o '"state":"guest"' | wc -l) $json" \
	'^8 .*"num_cpus":8'
is "hypervisor CPUID signature on every CPU" "$(sig_bad $SIG)" ""
echo 0 > "$CPU_DIR/cpu$last/online"
echo 1 > "$CPU_DIR/cpu$last/online"
is "CPU $last offline and online again, hoisted" \
	"$(cat "$CPU_DIR/cpu$last/online") $(sig_on $last)" "1 $SIG"
check "rmmod xmhf unloads" rmmod xmhf
is "after the unload every CPU reports its native signature again" \
	"$(sigs)" "$native"
done_testing
