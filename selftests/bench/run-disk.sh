#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The in-guest half of scripts/bench-disk (part of `make bench`): disk
# throughput with direct I/O on the virtio disk behind the IOMMU
# (scripts/testbench --dma), natively and hoisted, in one boot.  Each
# repetition times the four transfers natively, launches the hypervisor,
# times them again hoisted and unloads, so that a native figure and its
# hoisted one are taken seconds apart (the host's load moves TCG's speed
# over minutes).  The host takes the median over the repetitions.
#
#   run-disk.sh [REPS]          REPS: repetitions (default 5)
#
# Output, one line per transfer (anything else is commentary):
#   DISKBENCH REP PHASE NAME BYTES NS     PHASE native or hoisted
#   DISKBENCH-NA REASON                   no disk, or the launch failed
#   DISKBENCH-INFO exits-4k EXITS APIC IRQS REQUESTS   the first hoisted
#                                         write-4k: exits, APIC exits, disk
#                                         interrupts, requests
# NAMEs: write-1m, read-1m (the whole 128 MiB scratch disk 4 times,
# bs=1M), write-4k, read-4k (16 MiB, bs=4k), dd with oflag=direct /
# iflag=direct on the raw device.
REPS=${1:-5}
MB=/extra/microbench
[ -x $MB ] || MB=$(command -v microbench)
[ -n "$MB" ] || { echo "DISKBENCH-NA microbench not found"; exit 1; }
echo 1 > /proc/sys/kernel/printk

modprobe virtio_pci 2>/dev/null
modprobe virtio_blk 2>/dev/null
VD=
for i in 1 2 3 4 5 6 7 8 9 10; do
	VD=$(ls /sys/block | grep '^vd' | head -1)
	[ -n "$VD" ] && [ -b /dev/$VD ] && break
	VD=
	sleep 1
done
[ -n "$VD" ] || { echo "DISKBENCH-NA no virtio disk (scripts/testbench --dma)"; exit 1; }
PCI=$(dirname "$(readlink -f /sys/block/$VD/device)")
echo "DISKBENCH-INFO domain $(cat $PCI/iommu_group/type 2>/dev/null || echo none)"

# xfer REP PHASE NAME BS COUNT PASSES: PASSES dd runs over the same
# blocks, timed together.
xfer() {
	case $3 in
	write-*) _io="if=/dev/zero of=/dev/$VD oflag=direct" ;;
	read-*)	_io="if=/dev/$VD of=/dev/null iflag=direct" ;;
	esac
	_ns=$($MB time -- sh -c "i=0; while [ \$i -lt $6 ]; do
		dd $_io bs=$4 count=$5 2>/dev/null || exit 1; i=\$((i + 1)); done") &&
		echo "DISKBENCH $1 $2 $3 $(($(echo $4 | sed 's/M/*1048576/; s/k/*1024/') * $5 * $6)) $_ns"
}
# What one hoisted 4k transfer costs in exits: the hypervisor's exit
# counters (total, APIC) and the disk's interrupts, before and after.
VIRT=$(basename "$(readlink -f /sys/block/$VD/device)")
counts() {
	echo "$(xmhfctl --json status | sed -n 's/.*"exits_total":\([0-9]*\).*"apic":\([0-9]*\)}.*"cpus".*/\1 \2/p')" \
		"$(awk -v v="$VIRT-" 'index($NF, v) == 1 {
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts)"
}
phase() {	# REP PHASE
	xfer $1 $2 write-1m 1M 128 4
	xfer $1 $2 read-1m 1M 128 4
	[ "$1 $2" = "1 hoisted" ] && c0=$(counts)
	xfer $1 $2 write-4k 4k 4096 1
	if [ "$1 $2" = "1 hoisted" ]; then
		set -- $c0 $(counts)
		[ $# = 6 ] && echo "DISKBENCH-INFO exits-4k $(($4 - $1)) $(($5 - $2)) $(($6 - $3)) 4096"
		set -- 1 hoisted
	fi
	xfer $1 $2 read-4k 4k 4096 1
}

# One pass of each first, untimed: the first transfers of a boot are slower.
xfer 0 warmup write-1m 1M 16 1 > /dev/null
xfer 0 warmup read-1m 1M 16 1 > /dev/null
r=1
while [ $r -le $REPS ]; do
	phase $r native
	if ! timeout 120 modprobe xmhf launch=emulated ||
	   [ "$(cat /sys/kernel/xmhf/state 2>/dev/null)" != launched ]; then
		echo "DISKBENCH-NA the launch failed"
		exit 1
	fi
	[ $r = 1 ] && echo "DISKBENCH-INFO dma $(xmhfctl status | sed -n 's/^dma protection: *//p')"
	phase $r hoisted
	rmmod xmhf || { echo "DISKBENCH-NA the unload failed"; exit 1; }
	r=$((r + 1))
done
echo "DISKBENCH-DONE"
