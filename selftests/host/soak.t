#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Load/unload soak (issue 12): selftests/guest/soak.sh in one boot on
# SOAK_SMP CPUs (default 2): SOAK_CYCLES hoist/unload cycles (default 30)
# under stress-ng with a checksummed data workload.  make soak runs it
# with 100 cycles on 4 CPUs.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/selftests/host/logged.sh"
cycles=${SOAK_CYCLES:-30}
smp=${SOAK_SMP:-2}
run_logged "soak-$cycles" --smp "$smp" --timeout $((300 + cycles * 30)) -- \
	sh -c "echo 1 > /proc/sys/kernel/printk; exec sh /selftests/soak.sh $cycles"
