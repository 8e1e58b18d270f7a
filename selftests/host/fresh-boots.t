#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests that need a boot of their own: PCR 17 is never reset here, so only
# a boot's first launch can match a golden value.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
rc=0
for t in measured changed-runtime; do
	"$TOP/scripts/testbench" --timeout 300 -- \
		sh -c "echo 1 > /proc/sys/kernel/printk; sh /selftests/boot/$t.t" || rc=1
done
"$TOP/scripts/testbench" --no-tpm --timeout 300 -- \
	sh -c "echo 1 > /proc/sys/kernel/printk; sh /selftests/boot/no-tpm.t" || rc=1
exit $rc
