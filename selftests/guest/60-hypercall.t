# SPDX-License-Identifier: GPL-2.0
# Bad hypercalls get their error code and nothing else; guest writes to
# the hypervisor's memory never land (issue 3, acceptance 3).
. /selftests/lib.sh
plan 8

sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }
check "launch with the test ioctls enabled" modprobe xmhf launch=emulated selftest=1
run_tap "hctest ran to its end and exited 0" /selftests/bin/hctest
like "the hypervisor logged the refused accesses" "$(xmhfctl log)" "guest access to protected memory at 0x[0-9a-f]+"
is "reading TOP_MEM (MSR 0xc001001a) works" "$(/selftests/bin/msrtest 0xc001001a | cut -d' ' -f1)" "ok"
top_mem=$(/selftests/bin/msrtest 0xc001001a | cut -d' ' -f2)
is "writing TOP_MEM gets #GP: the memory map is the hypervisor's" \
	"$(/selftests/bin/msrtest 0xc001001a $((top_mem ^ 0x40000000)))" "fault"
is "rewriting TOP_MEM's own value is let through (a no-op)" \
	"$(/selftests/bin/msrtest 0xc001001a "$top_mem" | cut -d' ' -f1)" "ok"
is "the hypervisor is still there afterwards" "$(sig)" "xmhfllxmhfll"
check "and unloads" rmmod xmhf
done_testing
