#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DMA attacks (selftests/adversarial/60-dma.t, docs/dma.md) with the edu
# device behind the IOMMU (scripts/testbench --dma), once per mode of
# Linux's IOMMU, since each needs its own kernel command line: translated
# (the default: strict under virtualisation), iommu=pt, amd_iommu=off.
# In the same boot, after the attacks, selftests/guest/dma-disk.sh: Linux's
# own DMA (the virtio disk behind the IOMMU, 64 MiB out and back) natively,
# hoisted, after the unload and across 10 launch/unload cycles.  Three
# boots, 2-4 minutes each.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
rc=0
for mode in default iommu=pt amd_iommu=off; do
	app=()
	[ $mode = default ] || app=(--append "$mode")
	echo "# Linux's IOMMU: $mode"
	run_logged "adv-dma-${mode#*=}" --dma "${app[@]}" --timeout 600 -- \
		sh -c 'echo 1 > /proc/sys/kernel/printk; sh /adversarial/60-dma.t; a=$?
			sh /selftests/dma-disk.sh && exit $a' || rc=1
done
exit $rc
