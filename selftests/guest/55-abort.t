# SPDX-License-Identifier: GPL-2.0
# A launch that fails before VMRUN (forced with test_abort=1) returns to
# Linux natively: insmod fails, the hypervisor's log lands in dmesg, and
# every AP is back online.
. /selftests/lib.sh
plan 6

cpus_before=$(cat /sys/devices/system/cpu/online)
levels=4; grep -qw la57 /proc/cpuinfo && ! grep -qw no5lvl /proc/cmdline && levels=5
dmesg_mark
modprobe xmhf launch=emulated test_abort=1 2>/dev/null; rc=$?
log=$(dmesg_new)
if [ $rc -ne 0 ] && ! xmhf_loaded; then ok "the aborted launch fails insmod"
else not_ok "the aborted launch fails insmod" "rc $rc"; rmmod xmhf; fi
like "the runtime ran with Linux's paging depth ($levels-level)" "$log" "hv: xmhf runtime .* $levels-level paging"
like "the hypervisor's log says why it gave up" "$log" "hv: xmhf: launch aborted: the module asked for a test abort"
like "the module says the hypervisor returned natively" "$log" "returned before launching Linux"
is "every CPU is back online" "$(cat /sys/devices/system/cpu/online)" "$cpus_before"
check "a normal launch works right after" sh -c 'modprobe xmhf launch=emulated && rmmod xmhf'
done_testing
