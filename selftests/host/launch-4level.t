#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Hoist/unload, the aborted launch and SMP (2 CPUs) again with Linux on
# 4-level paging (no5lvl); the in-guest suite covers 5-level.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/scripts/testbench" --append no5lvl --timeout 500 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; sh /selftests/50-launch.t; a=$?; sh /selftests/55-abort.t; b=$?; sh /selftests/52-smp.t && [ $a -eq 0 ] && [ $b -eq 0 ]'
