# SPDX-License-Identifier: GPL-2.0
# The hypapp API through the hello example (issue 6): init runs, its
# subscription (CPUID, its hypercalls) reaches it, shutdown runs at unload.
. /selftests/lib.sh
plan 5

dmesg_mark
check "launch with hello linked in" modprobe xmhf
run_tap "hellotest ran to its end and exited 0" /selftests/bin/hellotest
like "hello said hello at init" "$(xmhfctl log)" "hello: hello from the hypervisor"
like "hello's per-CPU main ran on the boot CPU" "$(xmhfctl log)" "hello: CPU 0 is under the hypervisor"
check "unload (hello's shutdown runs before the scrub)" rmmod xmhf
done_testing
