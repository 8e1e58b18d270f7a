#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# SMP under the hypervisor on 4 CPUs with Linux on 4-level paging (no5lvl):
# selftests/guest/52-smp.t, as launch-smp4.t does for 5-level.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "${BUILD:-$TOP/build}/check"
# The hypervisor's own log channel, kept for a post-mortem.
exec "$TOP/scripts/testbench" --hvlog "${BUILD:-$TOP/build}/check/launch-smp4-4level.hv.log" --smp 4 --append no5lvl --timeout 600 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; exec sh /selftests/52-smp.t'
