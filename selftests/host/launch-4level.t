#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Hoist/unload and the aborted launch again with Linux on 4-level paging
# (no5lvl); the in-guest suite covers 5-level.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/scripts/testbench" --append no5lvl --timeout 400 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; sh /selftests/50-launch.t; a=$?; sh /selftests/55-abort.t && [ $a -eq 0 ]'
