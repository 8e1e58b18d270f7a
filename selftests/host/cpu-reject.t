#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# On a CPU without SVM or without NPT, insmod fails with one clear line and
# changes nothing (two testbench boots).
. "$(dirname "$0")/tap.sh"
plan 6

# The last line is printed only after the checks ran in a booted guest;
# it is computed there, so the command line (which the console may show)
# never contains it.
probe='modprobe xmhf; echo "rc=$?"; dmesg | grep "xmhf:"; grep -q "^xmhf " /proc/modules && echo MODULE-LOADED; test -e /dev/xmhf && echo DEVICE-LEFT; echo "probe-done-$((6 * 7))"'

for case in "max,-svm|CPU has no hardware virtualization: SVM \(AMD-V\) missing" \
	    "qemu64|CPU has SVM but no nested paging \(NPT\)"; do
	cpu=${case%%|*}; pat=${case#*|}
	out=$("$TOP/scripts/testbench" --cpu "$cpu" --smp 1 --timeout 180 -- sh -c "$probe" 2>&1)
	rc=$?
	like "--cpu $cpu: modprobe fails" "$out" "^rc=[1-9]"
	like "--cpu $cpu: dmesg says why" "$out" "xmhf: $pat"
	# Positive evidence first: the guest booted, ran every check and
	# exited 0; only then does an absent leftover mean anything.
	if [ "$rc" -ne 0 ] || ! grep -qx "probe-done-42" <<<"$out"; then
		not_ok "--cpu $cpu: the guest ran the checks, and nothing is left behind" \
			"testbench exit status $rc, no probe-done line" "$(tail -n 15 <<<"$out")"
	elif grep -qE "MODULE-LOADED|DEVICE-LEFT" <<<"$out"; then
		not_ok "--cpu $cpu: the guest ran the checks, and nothing is left behind" "$out"
	else
		ok "--cpu $cpu: the guest ran the checks, and nothing is left behind"
	fi
done
done_testing
