# SPDX-License-Identifier: GPL-2.0
# The emulated launch's round trip: module -> SL (32-bit, paging off) ->
# runtime (long mode, page tables at Linux's depth) -> back to Linux.
# This version's runtime stops before VMRUN, so every launch must end
# with insmod failing, Linux running natively, and every AP back online.
. /selftests/lib.sh
plan 9

cpus_before=$(cat /sys/devices/system/cpu/online)
sum_before=$(sha256sum /bin/busybox)
levels=4; grep -qw la57 /proc/cpuinfo && ! grep -qw no5lvl /proc/cmdline && levels=5

dmesg_mark
modprobe xmhf launch=emulated 2>/dev/null; rc=$?
log=$(dmesg_new)
if [ $rc -ne 0 ] && ! xmhf_loaded; then ok "launch=emulated fails while VMRUN is not built"
else not_ok "launch=emulated fails while VMRUN is not built" "rc $rc"; rmmod xmhf; fi
like "the SL ran and the runtime logged its banner" "$log" "hv: xmhf runtime [0-9.]+: at 0x[0-9a-f]+, [0-9]+ CPUs"
like "the runtime ran with Linux's paging depth ($levels-level)" "$log" "hv: .* $levels-level paging"
like "the runtime recorded the resume point in the module" "$log" "guest RIP 0xffffffff[0-9a-f]+"
like "the module says the hypervisor returned natively" "$log" "returned before launching Linux"
is "every CPU is back online" "$(cat /sys/devices/system/cpu/online)" "$cpus_before"
is "Linux runs on: same checksum after the round trip" "$(sha256sum /bin/busybox)" "$sum_before"

# Repeated round trips leak nothing and keep every CPU.
modprobe xmhf launch=emulated 2>/dev/null
before=$(mem_free_kb)
i=0
while [ $i -lt 5 ]; do modprobe xmhf launch=emulated 2>/dev/null; i=$((i + 1)); done
after=$(mem_free_kb)
if [ $((before - after)) -lt 1024 ]; then ok "5 more round trips: free memory within 1 MiB ($before -> $after kB)"
else not_ok "5 more round trips: free memory within 1 MiB" "$before -> $after kB"; fi
is "after 5 more round trips every CPU is online" "$(cat /sys/devices/system/cpu/online)" "$cpus_before"
done_testing
