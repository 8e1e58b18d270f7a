#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Linux's own DMA keeps working hoisted (issue 13, test 2; docs/dma.md
# "Tests"): the virtio disk behind the IOMMU (scripts/testbench --dma)
# writes 64 MiB of random data, caches are dropped, it is read back and
# the checksums must match: natively, hoisted, after the unload, and with
# the workload running without a pause while the hypervisor is launched
# and unloaded 10 times.  selftests/host/adv-dma.t runs it in each of its
# three boots (Linux's IOMMU translated, iommu=pt, amd_iommu=off), after
# selftests/adversarial/60-dma.t.  Without the disk it skips.
#
# Each round writes the reference (random, made once, in RAM) rotated by
# a different number of MiB, so a write that never reached the disk
# leaves the previous round's data there and fails the comparison.  The
# disk's interrupts are counted around every phase (the driver completes
# requests on them, no polling).  A round that does not finish within
# its deadline fails, and the script goes on without waiting for it (a
# request stuck in the kernel cannot be killed).
#
#   DISK_MB (default 64), DISK_CYCLES (default 10), DISK_DEADLINE (s, per
#   round; default 240) change the sizes, for one-off runs.
. /selftests/lib.sh

MB=${DISK_MB:-64}
CYCLES=${DISK_CYCLES:-10}
DEADLINE=${DISK_DEADLINE:-240}
T=/tmp/dma-disk
REF=$T/ref

modprobe virtio_pci 2>/dev/null
modprobe virtio_blk 2>/dev/null
VD=
for i in 1 2 3 4 5 6 7 8 9 10; do
	VD=$(ls /sys/block | grep '^vd' | head -1)
	[ -n "$VD" ] && [ -b /dev/$VD ] && break
	VD=
	sleep 1
done
if [ -z "$VD" ]; then
	echo "1..0 # SKIP no virtio disk (scripts/testbench --dma; selftests/host/adv-dma.t boots it)"
	exit 0
fi
plan 10
T0=$(awk '{ print $1 }' /proc/uptime)

now() { awk '{ print $1 }' /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# The disk's interrupts so far (its MSI-X vectors, "virtioN-..." lines).
VIRT=$(basename "$(readlink -f /sys/block/$VD/device)")
PCI=$(dirname "$(readlink -f /sys/block/$VD/device)")
irqs() {
	awk -v v="$VIRT-" 'index($NF, v) == 1 {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' /proc/interrupts
}

case " $(cat /proc/cmdline) " in
*" amd_iommu=off "*)	MODE=off; WANT=none ;;
*" iommu=pt "*)		MODE=pt; WANT=identity ;;
*" iommu.strict=0 "*)	MODE=lazy; WANT=DMA-FQ ;;
*)			MODE=strict; WANT=DMA ;;
esac
# Linux's IOMMU domain of the disk: translated (every bus address the
# driver gives the disk is an IOVA, which only the IOMMU's tables make
# right), identity, or none (Linux's IOMMU off: the hypervisor's takes
# the disk's DMA while hoisted, checked below by xmhfctl status).
D=$(cat $PCI/iommu_group/type 2>/dev/null || echo none)
G=
[ -e $PCI/iommu_group ] && G=$(basename "$(readlink -f $PCI/iommu_group)")
is "Linux's IOMMU mode ($MODE): the disk's IOMMU domain ($(basename $PCI), /dev/$VD${G:+, group $G}) is $WANT" "$D" "$WANT"

mkdir -p $T
t0=$(now)
dd if=/dev/urandom of=$REF bs=1M count=$MB 2>/dev/null
echo "# $MB MiB of random data made in $(since $t0) s"

# round K: writes the reference rotated by K MiB, syncs, drops the caches,
# reads it back; prints "ok SECONDS" or "bad SECONDS".
pattern() { dd if=$REF bs=1M skip=$(($1 % MB)) 2>/dev/null; dd if=$REF bs=1M count=$(($1 % MB)) 2>/dev/null; }
round() {
	_t=$(now)
	_want=$(pattern $1 | md5sum)
	pattern $1 | dd of=/dev/$VD bs=1M iflag=fullblock conv=fsync 2>/dev/null &&
	echo 3 > /proc/sys/vm/drop_caches &&
	_got=$(dd if=/dev/$VD bs=1M count=$MB 2>/dev/null | md5sum) &&
	[ "$_got" = "$_want" ] && { echo "ok $(since $_t)"; return 0; }
	echo "bad $(since $_t)"
	return 1
}
# await FILE: waits up to DEADLINE s for FILE to say how a round went.
await() {
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt $((DEADLINE * 2)) ]; do sleep 0.5; _i=$((_i + 1)); done
	cat "$1" 2>/dev/null
}
# one DESC K: one round in the background, awaited; one result.
DEAD=
one() {
	if [ -n "$DEAD" ]; then
		not_ok "$1" "not run: an earlier round never finished ($DEAD)"
		return
	fi
	rm -f $T/r$2
	( round $2 > $T/r$2.tmp; mv $T/r$2.tmp $T/r$2 ) &
	_i0=$(irqs)
	_r=$(await $T/r$2)
	_n=$(($(irqs) - _i0))
	case "$_r" in
	"ok "*)	if [ $_n -gt 0 ]; then
			ok "$1 (${_r#ok } s, $_n disk interrupts)"
		else
			not_ok "$1" "the checksums match but the disk raised no interrupt"
		fi ;;
	"bad "*) not_ok "$1" "the checksums differ (${_r#bad } s)" ;;
	*)	DEAD="$1"
		not_ok "$1" "no result within $DEADLINE s: the disk stopped (${_n} interrupts meanwhile)" ;;
	esac
}

k=1
one "native: $MB MiB to /dev/$VD and back, checksums match" $k

# ---- hoisted
t=$(now)
check "launch" timeout 120 modprobe xmhf launch=emulated
echo "# launched in $(since $t) s"
DMA=$(xmhfctl status | sed -n 's/^dma protection: *//p')
if [ $MODE = off ]; then
	like "hoisted: the hypervisor's IOMMU translates the disk (status)" "$DMA" "^iommu-owned"
else
	like "hoisted: the disk goes through the virtual IOMMU's shadow (status)" "$DMA" "^virtual-iommu"
fi
k=$((k + 1))
one "hoisted: $MB MiB to /dev/$VD and back, checksums match" $k
t=$(now)
check "unload" rmmod xmhf
echo "# unloaded in $(since $t) s"
k=$((k + 1))
one "after the unload: $MB MiB to /dev/$VD and back, checksums match" $k

# ---- the workload running while the hypervisor comes and goes
# A loop of rounds in the background until $T/stop; each round's result
# is appended to $T/log, and $T/busy exists while a round runs.  A
# launch takes about 0.5 s and an unload 0.3 s under TCG, a round 5-15 s:
# the 10 cycles fall inside one or two rounds, each checked whole.
if [ -n "$DEAD" ]; then
	for d in "$CYCLES launches and unloads with the workload running" \
		"every round across the cycles matched" \
		"the workload was in a round at launches and unloads"; do
		not_ok "$d" "not run: an earlier round never finished ($DEAD)"
	done
	echo "# dma-disk.sh: $(since $T0) s in all"
	done_testing
	exit
fi
rm -f $T/stop $T/log $T/busy
(
	j=100
	while [ ! -e $T/stop ]; do
		: > $T/busy
		r=$(round $j)
		rm -f $T/busy
		echo "$j $r" >> $T/log
		j=$((j + 1))
	done
	echo end >> $T/log
) &
# Wait for the loop's first request to be under way.
i0=$(irqs)
i=0
while [ "$(irqs)" -le "$i0" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t=$(now)
launched=0 unloaded=0 busy_l=0 busy_u=0 c=0
while [ $c -lt $CYCLES ]; do
	c=$((c + 1))
	[ -e $T/busy ] && busy_l=$((busy_l + 1))
	timeout 120 modprobe xmhf launch=emulated && [ "$(cat /sys/kernel/xmhf/state)" = launched ] &&
		launched=$((launched + 1))
	[ -e $T/busy ] && busy_u=$((busy_u + 1))
	if xmhf_loaded; then rmmod xmhf && unloaded=$((unloaded + 1)); fi
done
secs=$(since $t)
: > $T/stop
# The loop ends after its current round, which began while hoisted or
# before the last unload: its check covers the disk after the unload.
i=0
while ! grep -q '^end' $T/log 2>/dev/null && [ $i -lt $((DEADLINE * 2)) ]; do sleep 0.5; i=$((i + 1)); done
ni=$(($(irqs) - i0))
sed 's/^/# round /' $T/log
echo "# $CYCLES cycles in $secs s; the workload was in a round at $busy_l launches and $busy_u unloads"
is "$CYCLES launches and unloads with the workload running" "$launched $unloaded" "$CYCLES $CYCLES"
rounds=$(grep -c ' ok ' $T/log)
bad=$(grep -c ' bad ' $T/log)
if grep -q '^end' $T/log; then
	is "every round across the cycles matched ($rounds rounds, $ni disk interrupts)" "$bad/$rounds" "0/$(grep -c '^[0-9]' $T/log)"
else
	not_ok "every round across the cycles matched" "the workload's last round never finished within $DEADLINE s ($ni disk interrupts)"
fi
# A round runs for seconds, the gap between two for milliseconds: the
# launches and unloads fall inside one (3 in 4 at least, not to fail on
# the rare one that hits a gap).
check "the workload was in a round at launches and unloads ($((busy_l + busy_u)) of $((2 * CYCLES)))" \
	test $((4 * (busy_l + busy_u))) -ge $((3 * 2 * CYCLES))
echo "# dma-disk.sh: $(since $T0) s in all"
done_testing
