# SPDX-License-Identifier: GPL-2.0
# Every dispatched event class reaches a subscribed hypapp with the right
# details, the guest behaves the same, and unsubscribing stops the exits
# (issue 6, acceptance 1-2).  Uses the blob built with the probe.
. /selftests/lib.sh
plan 6

work() { i=0; while [ $i -lt 3 ]; do sha256sum /bin/busybox; i=$((i + 1)); done | sha256sum; }
native=$(work)
check "launch the probe blob" modprobe xmhf blob=xmhf/xmhf-probe.bin selftest=1
run_tap "probetest ran to its end and exited 0" /selftests/bin/probetest
like "xmhfctl probe shows the counters" "$(xmhfctl probe)" "^io +[1-9][0-9]* +last: 0x5a8"
like "xmhfctl --json probe too" "$(xmhfctl --json probe)" '^\{"cr":\{"count":[0-9]+'
is "the busybox workload gives the same result with the probe" "$(work)" "$native"
check "unload" rmmod xmhf
done_testing
