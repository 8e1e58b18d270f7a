# SPDX-License-Identifier: GPL-2.0
# Two README claims (issue 11, "claims without a test"):
#
# (The test blob: the production hypervisor plus the LAYOUT hypercall.)
# - The hypervisor's memory is unreachable: a load and a store at one
#   address in every region of its block (SL, its stack, parameters, early
#   area, runtime code, data, bss, log, NPT, permission maps, free heap,
#   every CPU's VMCB, save areas, host tables and stack, the last page),
#   from CPL 0 through the direct map and a vmap, from CPL 3 through an
#   mmap of the block, on every CPU, trap with #GP(0); again after CPU
#   hotplug and after a relaunch (the block may move).  Natively (launch=
#   none) every one of these accesses goes through: the attack is real.
# - Unload scrubs: right after rmmod (and after XMHF_IOC_UNLOAD) every
#   page of the block reads back as zeros and none holds hypervisor
#   content; natively the same check finds the blob's images in the block.
#   The hypervisor itself zeroes all of it but its exit page, the SL's page
#   tables and the log ring: the module checks before its own wipe.
#
# memsweep prints its own TAP for each step; xmhf_attack.ko does the
# kernel-mode part.  A few seconds under TCG.
. /selftests/lib.sh
plan 11

M=/selftests/bin/memsweep
R=/tmp/memsweep.regions
CYCLES=3	# offline/online cycles of every AP before the second sweep
CPU_DIR=/sys/devices/system/cpu

# memsweep ARGS: its TAP passes through; a non-zero exit fails this script.
memsweep() {
	"$M" "$@"
	_rc=$?
	[ $_rc -eq 0 ] || { _tap_failed=$((_tap_failed + 1)); echo "# memsweep $* exited $_rc"; }
}

# Offline and online every AP CYCLES times, each step within 30 s.
hotplug() {
	for c in $(seq 1 "$CYCLES"); do
		for d in "$CPU_DIR"/cpu[1-9]*; do
			[ -f "$d/online" ] || continue
			timeout 30 sh -c "echo 0 > $d/online" || return 1
			timeout 30 sh -c "echo 1 > $d/online" || return 1
		done
	done
	[ "$(cat $CPU_DIR/online)" = "$online" ]
}

online=$(cat $CPU_DIR/online)
check "xmhf_attack loads" modprobe xmhf_attack
check "launch" timeout 60 modprobe xmhf launch=emulated blob=xmhf/xmhf-test.bin
memsweep regions $R
memsweep sweep fault $R

if [ "$online" = 0 ]; then
	skip "CPU hotplug while hoisted" "one CPU online"
else
	check "$CYCLES offline/online cycles of every AP while hoisted" hotplug
fi
memsweep regions $R
memsweep sweep fault $R

# Scrub: the snapshot is taken inside rmmod, right after xmhf.ko's exit.
memsweep scrub-arm
dmesg_mark
check "unload and rmmod" timeout 60 rmmod xmhf
memsweep scrub-check
# Before its own wipe, the module looks at what the hypervisor left.
like "the hypervisor scrubbed all of its block itself, but its exit page, page tables and log" \
	"$(dmesg_new)" 'the hypervisor scrubbed its block \(all but its exit page, page tables and log\)'


# Relaunch: the block is wherever the allocator put it this time.
check "launch again" timeout 60 modprobe xmhf launch=emulated blob=xmhf/xmhf-test.bin
memsweep regions $R
memsweep sweep fault $R
memsweep scrub-unload
check "rmmod after the unload" rmmod xmhf

# Attack first: not launched, the same accesses go through.
check "load without launching (launch=none)" modprobe xmhf launch=none
like "the module reports the block's address" "$(xmhfctl --json status)" '"mem_phys":[1-9][0-9]*'
memsweep sweep access $R
memsweep scrub-native
check "rmmod" rmmod xmhf
check "xmhf_attack unloads" rmmod xmhf_attack
done_testing
