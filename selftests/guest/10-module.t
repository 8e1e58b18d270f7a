# SPDX-License-Identifier: GPL-2.0
# The module loads, exposes /dev/xmhf and /sys/kernel/xmhf, and unloads.
. /selftests/lib.sh
plan 17

golden_id=$(awk '$1 == "build_id" { print $2 }' /lib/firmware/xmhf/xmhf.golden)

dmesg_mark
check "modprobe xmhf launch=none loads the module" modprobe xmhf launch=none
check "/dev/xmhf is a character device" test -c /dev/xmhf
is "sysfs state is loaded" "$(cat /sys/kernel/xmhf/state 2>&1)" "loaded"
# One 4 MiB block, and with an AMD IOMMU (IVRS) one more for its tables
# (docs/dma.md): the testbench has one, which Linux lists as ivhd0.
if [ -e /sys/class/iommu/ivhd0 ]; then nb=2; else nb=1; fi
fp=$((nb * 4194304))
is "sysfs footprint is $nb block(s) of 4 MiB" "$(cat /sys/kernel/xmhf/footprint 2>&1)" "$fp"
is "sysfs blob_version is format 1.0 with the golden build id" \
	"$(cat /sys/kernel/xmhf/blob_version 2>&1)" "1.0 $golden_id"
is "sysfs launch kind is none" "$(cat /sys/kernel/xmhf/launch 2>&1)" "none"
like "dmesg says loaded, not launched" "$(dmesg_new)" "xmhf: .*loaded, not launched"

out=$(xmhfctl status 2>&1)
like "xmhfctl status shows loaded (not launched)" "$out" "^state: +loaded \(not launched\)"
like "xmhfctl status shows the footprint and a physical address" "$out" "^memory: +$((fp >> 10)) KiB at 0x[0-9a-f]+"
like "xmhfctl status shows the blob build id" "$out" "^blob: +$golden_id \(format 1\.0\)"
out=$(xmhfctl --json status 2>&1)
like "xmhfctl --json status is one JSON object with state and launched" "$out" \
	'^\{"state":"loaded","launched":false,.*"mem_size":'$fp',.*\}$'

check "rmmod xmhf unloads" rmmod xmhf
check "/dev/xmhf is gone after rmmod" test ! -e /dev/xmhf
check "/sys/kernel/xmhf is gone after rmmod" test ! -e /sys/kernel/xmhf

out=$(xmhfctl status 2>&1); rc=$?
is "xmhfctl status without the module exits 1" "$rc" 1
like "xmhfctl status without the module says so" "$out" "module is not loaded"
xmhfctl bogus >/dev/null 2>&1; rc=$?
is "xmhfctl with an unknown command exits 2" "$rc" 2
done_testing
