#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# On a CPU without SVM or without NPT, insmod fails with one clear line and
# changes nothing (two testbench boots).
. "$(dirname "$0")/tap.sh"
plan 6

probe='modprobe xmhf; echo "rc=$?"; dmesg | grep "xmhf:"; grep -q "^xmhf " /proc/modules && echo MODULE-LOADED; test -e /dev/xmhf && echo DEVICE-LEFT; true'

for case in "max,-svm|CPU has no hardware virtualization: SVM \(AMD-V\) missing" \
	    "qemu64|CPU has SVM but no nested paging \(NPT\)"; do
	cpu=${case%%|*}; pat=${case#*|}
	out=$("$TOP/scripts/testbench" --cpu "$cpu" --smp 1 --timeout 180 -- sh -c "$probe" 2>&1)
	like "--cpu $cpu: modprobe fails" "$out" "^rc=[1-9]"
	like "--cpu $cpu: dmesg says why" "$out" "xmhf: $pat"
	if grep -qE "MODULE-LOADED|DEVICE-LEFT" <<<"$out"; then
		not_ok "--cpu $cpu: nothing left behind" "$out"
	else
		ok "--cpu $cpu: nothing left behind"
	fi
done
done_testing
