#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Hoist/unload on a single-CPU machine (the other runs use 2 CPUs).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/scripts/testbench" --smp 1 --timeout 400 -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; exec sh /selftests/50-launch.t'
