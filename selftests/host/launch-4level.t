#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The launch round trip again with Linux on 4-level paging (no5lvl); the
# in-guest suite covers 5-level.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/scripts/testbench" --append no5lvl --timeout 300 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; exec sh /selftests/50-launch.t'
