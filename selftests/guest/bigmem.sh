# SPDX-License-Identifier: GPL-2.0
# Guest memory above 4 GiB, and the hypervisor's extra heap blocks (issue
# 17).  Not part of the in-guest suite: it needs RAM above 4 GiB, so
# selftests/host/launch-bigmem.t runs it in a guest booted with --mem 6144,
# where Linux gives order-10 blocks from above 4 GiB first.
. /selftests/lib.sh
plan 15

M=/selftests/bin/memsweep
like "the guest has RAM above 4 GiB" "$(grep 'System RAM' /proc/iomem)" \
	'^[1-9a-f][0-9a-f]{8,}-[0-9a-f]+ : System RAM'
check "xmhf_attack loads" modprobe xmhf_attack

# Attack first: loaded but not launched, the blocks are plain RAM.
check "modprobe xmhf launch=none extra_blocks=2 takes two more blocks" \
	modprobe xmhf launch=none extra_blocks=2
run_tap "natively every access to the extra blocks goes through" $M blocks access
check "rmmod" rmmod xmhf

check "modprobe xmhf launch=emulated selftest=1 extra_blocks=2 hoists Linux" \
	modprobe xmhf launch=emulated selftest=1 extra_blocks=2
st=$(xmhfctl status)
# Two asked for, and the IOMMU's own when there is one (docs/dma.md).
if [ -e /sys/class/iommu/ivhd0 ]; then io=1; else io=0; fi
nb=$((3 + io))
like "xmhfctl status shows the footprint: $nb blocks" "$st" \
	"^footprint: +$((nb * 4096)) KiB in $nb blocks of 4 MiB; heap [1-9][0-9]* KiB, [1-9][0-9]* KiB free"
like "xmhfctl status shows the nested tables' size" "$st" \
	'^nested page tables: [1-9][0-9]* KiB, direct map: [1-9][0-9]* KiB'
like "the hypervisor logged its heap blocks" "$(xmhfctl log)" '; 2 extra heap blocks'
run_tap "bigmem: hypercall buffer and page tables above 4 GiB" /selftests/bin/bigmem
run_tap "hoisted every access to the extra blocks traps" $M blocks fault
# The module looks at them before it scrubs them again and frees them:
# they go back to Linux at once, so a later look could see reused pages.
dmesg_mark
check "xmhfctl unload" xmhfctl unload
like "the hypervisor scrubbed the extra blocks itself (the module found every page zero)" \
	"$(dmesg_new)" "the hypervisor scrubbed its $((2 + io)) extra heap blocks"
check "rmmod" rmmod xmhf
check "xmhf_attack unloads" rmmod xmhf_attack
done_testing
