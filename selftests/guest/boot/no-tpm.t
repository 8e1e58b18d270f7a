# SPDX-License-Identifier: GPL-2.0
# Without a TPM the launch still happens, marked unmeasured (issue 5).
. /selftests/lib.sh
plan 4

check "there is no TPM" test ! -e /dev/tpm0
check "modprobe xmhf launches" modprobe xmhf
like "xmhfctl status says unmeasured (no TPM)" "$(xmhfctl status)" "^measurement: +unmeasured \(no TPM\), 2 events"
check "unload" rmmod xmhf
done_testing
