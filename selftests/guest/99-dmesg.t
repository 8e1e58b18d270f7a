# SPDX-License-Identifier: GPL-2.0
# After all the tests: the kernel log has no oops, warning or hung task.
. /selftests/lib.sh
plan 2

bad=$(dmesg | grep -E 'BUG:|Oops|WARNING:|Call Trace|general protection|rcu.*stall|hung_task|CPU[0-9]+ failed to come online' | head -20)
is "no oops, warning, RCU stall or failed CPU in dmesg" "$bad" ""
like "the module logged its loads" "$(dmesg | grep -c 'xmhf: .*loaded, not launched')" "^[1-9]"
done_testing
