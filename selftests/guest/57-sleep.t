# SPDX-License-Identifier: GPL-2.0
# Sleep while hoisted (docs/isolation-ports.md, "Reset and sleep"): the
# module's PM notifier refuses suspend cleanly (EBUSY, one line in dmesg,
# Linux goes on); after unload the same suspend goes through.  The
# suspend is a dry run (/sys/power/pm_test = freezer: tasks are frozen
# and thawed, the platform is not put to sleep), so nothing here sleeps.
. /selftests/lib.sh
plan 6

if ! grep -qw mem /sys/power/state || [ ! -w /sys/power/pm_test ]; then
	for i in 1 2 3 4 5 6; do skip "sleep $i" "no S3 or no pm_test in this kernel"; done
	exit 0
fi
echo freezer > /sys/power/pm_test
modprobe xmhf launch=emulated
like "the hypervisor is launched" "$(xmhfctl status 2>&1)" "^state: +launched"
mark=$(dmesg | wc -l)
if echo mem > /sys/power/state 2> /tmp/sleep.err; then r=0; else r=1; fi
is "echo mem > /sys/power/state fails while hoisted" "$r" 1
like "... with EBUSY" "$(cat /tmp/sleep.err)" "busy"
like "... and the module says why" "$(dmesg | tail -n +$((mark + 1)))" \
	"xmhf: suspend refused while the hypervisor runs; unload it first"
check "Linux and the hypervisor go on: unload works" rmmod xmhf
if echo mem > /sys/power/state 2> /tmp/sleep.err; then r=0; else r=1; fi
is "after unload the same suspend (dry run) succeeds" "$r" 0
echo none > /sys/power/pm_test
done_testing
