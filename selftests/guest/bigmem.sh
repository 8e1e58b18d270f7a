# SPDX-License-Identifier: GPL-2.0
# Guest memory above 4 GiB (issue 17).  Not part of the in-guest suite:
# it needs RAM above 4 GiB, so selftests/host/launch-bigmem.t runs it in
# a guest booted with --mem 6144.
. /selftests/lib.sh
plan 5

like "the guest has RAM above 4 GiB" "$(grep 'System RAM' /proc/iomem)" \
	'^[1-9a-f][0-9a-f]{8,}-[0-9a-f]+ : System RAM'
check "modprobe xmhf launch=emulated selftest=1 hoists Linux" modprobe xmhf launch=emulated selftest=1
run_tap "bigmem: hypercall buffer and page tables above 4 GiB" /selftests/bin/bigmem
like "xmhfctl status shows the nested tables' size" "$(xmhfctl status)" \
	'^nested page tables: [1-9][0-9]* KiB, direct map: [1-9][0-9]* KiB'
check "and unloads" rmmod xmhf
done_testing
