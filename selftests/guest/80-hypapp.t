# SPDX-License-Identifier: GPL-2.0
# The hypapp API through the hello example (issue 6): init runs, its
# subscription (CPUID, its hypercalls) reaches it, shutdown runs at unload.
. /selftests/lib.sh
plan 6

dmesg_mark
check "launch with hello linked in" modprobe xmhf
run_tap "hellotest ran to its end and exited 0" /selftests/bin/hellotest
like "hello said hello at init" "$(xmhfctl log)" "hello: hello from the hypervisor"
like "hello's per-CPU main ran on the boot CPU" "$(xmhfctl log)" "hello: CPU 0 is under the hypervisor"
seen=$(sed -n 's/^# hello counted \([0-9][0-9]*\) CPUIDs$/\1/p' /tmp/tap.prog)
check "unload" rmmod xmhf
# The module copies what the hypervisor logged during the unload into
# dmesg.  hello's count lives in the bss, which the scrub zeroes: a
# goodbye with at least the count hellotest saw last was said before the
# scrub, and the runtime logs the scrub itself after the hypapps.
bye=$(dmesg_new | sed -n 's/.*xmhf: hv: hello: goodbye after \([0-9][0-9]*\) CPUIDs$/\1/p')
order=$(dmesg_new | sed -nE 's/.*xmhf: hv: (hello: goodbye|xmhf: unload: scrubbing).*/\1/p' | tr '\n' '|')
if [ -n "$seen" ] && [ "$seen" -ge 10 ] && [ -n "$bye" ] && [ "$bye" -ge "$seen" ] &&
   [ "$order" = "hello: goodbye|xmhf: unload: scrubbing|" ]; then
	ok "hello's shutdown ran before the scrub (goodbye after $bye CPUIDs, hellotest saw $seen)"
else
	not_ok "hello's shutdown ran before the scrub" "hellotest saw '$seen' CPUIDs, goodbye said '$bye'" \
		"order: '$order'" "$(dmesg_new | grep 'xmhf: hv:' | tail -n 8)"
fi
done_testing
