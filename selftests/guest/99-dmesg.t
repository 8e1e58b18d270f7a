# SPDX-License-Identifier: GPL-2.0
# After all the tests: the kernel log has no oops, warning or hung task.
. /selftests/lib.sh
plan 2

# A backtrace somebody asked for (sysrq l, in 52-smp.t) has a Call Trace a few
# lines after its "NMI backtrace for cpu N" header: that one is expected.
bad=$(dmesg | awk '/NMI backtrace for cpu [0-9]+$/ { asked = NR }
	/Call Trace/ && asked && NR - asked <= 20 { next }
	/BUG:|Oops|WARNING:|Call Trace|general protection|rcu.*stall|hung_task|CPU[0-9]+ failed to come online|failed to boot/' | head -20)
is "no oops, warning, RCU stall or failed CPU in dmesg" "$bad" ""
like "the module logged its loads" "$(dmesg | grep -c 'xmhf: .*loaded, not launched')" "^[1-9]"
done_testing
