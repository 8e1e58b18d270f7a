#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DMA attacks (selftests/adversarial/60-dma.t, then the attacks on the
# IOMMU itself, 61-dma-iommu.t, which ends the boot itself, reporting the
# status: natively an INIT stops CPU 1 last; docs/dma.md) with the edu
# device behind the IOMMU (scripts/testbench --dma), once per mode of
# Linux's IOMMU, since each needs its own kernel command line: translated
# (the default: strict under virtualisation), iommu=pt, amd_iommu=off.
# In the same boot, between the two, selftests/guest/dma-disk.sh: Linux's
# own DMA (the virtio disk behind the IOMMU, 64 MiB out and back) natively,
# hoisted, after the unload and across 10 launch/unload cycles.  Then a
# fourth boot with one CPU (default mode: 60-dma.t and the disk).  1-4
# minutes each.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
rc=0
for mode in default iommu=pt amd_iommu=off; do
	app=()
	[ $mode = default ] || app=(--append "$mode")
	echo "# Linux's IOMMU: $mode"
	run_logged "adv-dma-${mode#*=}" --dma "${app[@]}" --timeout 600 -- \
		sh -c 'echo 1 > /proc/sys/kernel/printk; r=0
			sh /adversarial/60-dma.t || r=1
			sh /selftests/dma-disk.sh || r=1
			DMA_RC=$r sh /adversarial/61-dma-iommu.t || r=1
			exit $r' || rc=1
done
# One CPU: the attacks through Linux's IOMMU API and the disk, in the
# default mode (61-dma-iommu.t needs a second CPU for its INIT target).
echo "# Linux's IOMMU: default, 1 CPU"
run_logged "adv-dma-smp1" --dma --smp 1 --timeout 600 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; r=0
		sh /adversarial/60-dma.t || r=1
		sh /selftests/dma-disk.sh || r=1
		exit $r' || rc=1
exit $rc
