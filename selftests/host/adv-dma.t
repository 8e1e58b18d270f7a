#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DMA attacks (selftests/adversarial/60-dma.t, then the attacks on the
# IOMMU itself, 61-dma-iommu.t, which ends the boot itself, reporting the
# status: natively an INIT stops CPU 1 last; docs/dma.md) with the edu
# device behind the IOMMU (scripts/testbench --dma), once per mode of
# Linux's IOMMU, since each needs its own kernel command line: translated
# (the default: strict under virtualisation), iommu=pt, amd_iommu=off.
# Three short boots.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
rc=0
for mode in default iommu=pt amd_iommu=off; do
	app=()
	[ $mode = default ] || app=(--append "$mode")
	echo "# Linux's IOMMU: $mode"
	run_logged "adv-dma-${mode#*=}" --dma "${app[@]}" --timeout 300 -- \
		sh -c 'echo 1 > /proc/sys/kernel/printk; r=0
			sh /adversarial/60-dma.t || r=1
			DMA_RC=$r sh /adversarial/61-dma-iommu.t || r=1
			exit $r' || rc=1
done
exit $rc
