# SPDX-License-Identifier: GPL-2.0
# NMI blocking (docs/architecture.md, "SMP"; issue 12, availability): the
# hypervisor stops the other CPUs with an NMI (quiesce) and parks them
# with one (unload).  A CPU whose guest sits in its NMI handler holds
# that NMI back until the guest's IRET, so a guest that never returns
# would make the stopper wait for ever.  Natively: the guest can hold a
# CPU in its NMI handler (adv_nmi's "block").  Hoisted: QEMU TCG does not
# hold the hypervisor's NMI back for a guest NMI handler (the diagnostic
# line shows it), so the test blob's NMI_HOLD_TEST plays that CPU: it
# keeps CPU 1 in the hypervisor, NMIs held, for 12 s.  QUIESCE_TEST and
# UNLOAD from CPU 0 must give up with E_BUSY after the limit (2 s), Linux
# stays hoisted, the late NMI is not passed to the guest, and once CPU 1
# is back both work again.
. /selftests/lib.sh

if [ "$(grep -c '^processor' /proc/cpuinfo)" -lt 2 ]; then
	plan 1
	skip "a CPU that does not answer the hypervisor" "one CPU: there is no other CPU to hold"
	done_testing
	exit 0
fi
if [ -z "$PINNED" ]; then PINNED=1 exec taskset -c 0 sh "$0"; fi
ncpu=$(grep -c '^processor' /proc/cpuinfo)
plan 17
N=/sys/module/adv_nmi/parameters/cmd
nmi() { echo "$1" > $N && cat $N; }
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }
nmis1() { awk '$1 == "NMI:" { print $3 }' /proc/interrupts; }	# CPU 1's NMIs
wait_for() {	# wait_for STATE-CMD BUSY-WORD: at most 30 s
	_i=0
	while [ "$(nmi "$1")" = "$2" ] && [ $_i -lt 30 ]; do sleep 1; _i=$((_i + 1)); done
	nmi "$1"
}
SLOW='(19[0-9][0-9]|[2-5][0-9][0-9][0-9])'	# the 2 s limit, give or take

check "adv_nmi loads" modprobe adv_nmi
# ---- natively: CPU 1 sits 3 s in its NMI handler and comes back
is "native: CPU 1 enters an NMI handler that does not return at once" "$(nmi 'block 1 3000')" "ok"
like "native: it stayed there 3 s with NMIs blocked, then returned" \
	"$(wait_for state spinning)" '^done (29[0-9][0-9]|[3-9][0-9][0-9][0-9])$'

# ---- hoisted (the test blob has QUIESCE_TEST and NMI_HOLD_TEST)
check "launch (test blob)" modprobe xmhf blob=xmhf/xmhf-test.bin launch=emulated
like "hoisted: QUIESCE_TEST stops the $((ncpu - 1)) other CPU(s) while all answer" \
	"$(nmi quiesce)" "^ret $((ncpu - 1)) ms"
nmi 'block 1 5000' > /dev/null
echo "# QEMU TCG: with CPU 1 in the guest's NMI handler, QUIESCE_TEST: $(nmi quiesce) (hardware would hold the NMI back)"
wait_for state spinning > /dev/null
n0=$(nmis1)
is "hoisted: CPU 1 held in the hypervisor with NMIs held back, 12 s" "$(nmi 'hold 1 12000')" "ok"
like "hoisted: QUIESCE_TEST gives up with E_BUSY (-6) after about 2 s" "$(nmi quiesce)" "^ret -6 ms $SLOW\$"
like "hoisted: UNLOAD is refused with E_BUSY the same way" "$(nmi unload)" "^ret -6 ms $SLOW\$"
is "hoisted: CPU 1 is still held (the refusals did not wait for it)" "$(nmi held)" "holding"
like "hoisted: the hypervisor logged both refusals, naming CPU 1" \
	"$(xmhfctl log | grep -c 'CPU 1 (APIC ID 1, .*did not answer a quiesce')" '^2$'
like "hoisted: CPU 1 came back after 12 s" "$(wait_for held holding)" '^held ret 0 ms 1[1-9][0-9][0-9][0-9]$'
is "hoisted: the late NMI was the hypervisor's, not passed to the guest" "$(nmis1)" "$n0"
like "hoisted: QUIESCE_TEST works again" "$(nmi quiesce)" "^ret $((ncpu - 1)) ms"
is "SELFCHECK: the runtime is unchanged" "$(/selftests/bin/advtool selfcheck)" "1"
is "the hypervisor is still there, Linux on it" "$(sig) $(cat /sys/kernel/xmhf/state)" "xmhfllxmhfll launched"
check "unload works now (rmmod)" rmmod xmhf
check "adv_nmi unloads" rmmod adv_nmi
done_testing
