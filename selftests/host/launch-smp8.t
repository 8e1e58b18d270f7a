#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Hoist and unload on 8 CPUs (issue 17): per-CPU state sized at launch,
# the signature on every CPU, one AP hotplug cycle (selftests/host/
# smp8-guest.sh).  8 TCG vCPUs on a 2-core host: a generous timeout.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
run_logged launch-smp8 --smp 8 --timeout 900 --add "$TOP/selftests/host/smp8-guest.sh" -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; exec sh /extra/smp8-guest.sh'
