#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# SMP under the hypervisor on 4 CPUs (issue 4): selftests/guest/52-smp.t,
# with Linux on 5-level paging (the default here); the in-guest suite runs
# it on 2 CPUs.  Every step in it has a deadline, well inside this timeout.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "${BUILD:-$TOP/build}/check"
# The hypervisor's own log channel, kept for a post-mortem.
exec "$TOP/scripts/testbench" --hvlog "${BUILD:-$TOP/build}/check/launch-smp4.hv.log" --smp 4 --timeout 600 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; exec sh /selftests/52-smp.t'
