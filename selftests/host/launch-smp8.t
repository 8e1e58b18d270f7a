#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Hoist and unload on 8 CPUs (issue 17): per-CPU state sized at launch,
# the signature on every CPU, one AP hotplug cycle (selftests/host/
# smp8-guest.sh).  8 TCG vCPUs on a 2-core host: a generous timeout.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
dir=${BUILD:-$TOP/build}/check
mkdir -p "$dir"
"$TOP/scripts/testbench" --hvlog "$dir/launch-smp8.hv.log" --smp 8 --timeout 900 \
	--add "$TOP/selftests/host/smp8-guest.sh" -- \
	sh -c 'echo 1 > /proc/sys/kernel/printk; exec sh /extra/smp8-guest.sh' |
	tee "$dir/launch-smp8.console"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ] || grep -q '^not ok' "$dir/launch-smp8.console"; then
	echo "# the hypervisor's log, last 40 lines ($dir/launch-smp8.hv.log):"
	tail -n 40 "$dir/launch-smp8.hv.log" | sed 's/^/# hv: /'
fi
exit "$rc"
