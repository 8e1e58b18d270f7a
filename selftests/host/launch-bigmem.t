#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# 6 GiB of RAM, 4 GiB of it above 4 GiB (issue 17): hypercall buffers and
# guest page tables there and the extra heap blocks (bigmem.sh), then
# hoist/unload, hypercalls and SMP with CPU hotplug (the in-guest suite's
# tests) in the same boot, each launch with one extra heap block, which
# gets the hypervisor's tables and every AP's state.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/scripts/testbench" --mem 6144 --timeout 600 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; r=0
		mkdir -p /etc/modprobe.d
		echo "options xmhf extra_blocks=1" > /etc/modprobe.d/xmhf-blocks.conf
		for t in bigmem.sh 50-launch.t 60-hypercall.t 52-smp.t; do
			sh /selftests/$t || r=1
		done
		exit $r'
