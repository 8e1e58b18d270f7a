# SPDX-License-Identifier: GPL-2.0
# MSRs that reach past the hypervisor (docs/isolation-msr.md): the guest
# kernel turns on branch recording (DEBUGCTL.LBR) to catch the
# hypervisor's addresses and reads the LBR MSRs, moves SMRAM (SMM_BASE),
# unlocks SMM (SMM_CTL), loads microcode (PATCH_LOADER), moves ECAM
# (MMIO_CFG_BASE), samples with IBS, sets MCG_STATUS.MCIP (a machine
# check then shuts down, and the platform resets), touches an MSR no row
# names, writes EFER values that would cost the CPU at VMRUN (LMA cleared
# in long mode, a bit the CPU lacks), and programs a performance counter
# to count in host mode only (PERF_CTL HostOnly), i.e. the hypervisor.
# Natively each access goes through (QEMU keeps no value for most, and
# ignores EFER's LMA and unknown bits: a write that does not fault is the
# success); hoisted each gets #GP(0) and the hypervisor logs it once per
# MSR.  CPL 0 via xmhf_svmprobe.
# Then the probe hypapp tries to subscribe MSRs the table keeps from
# hypapps (APIC_BASE, the x2APIC ICR, SMM_BASE): refused.
. /selftests/lib.sh

# MSR, access (flip VALUE = write, read back, restore; rdmsr), what it is.
ATTACKS='
0x1d9      flip 0x1    DEBUGCTL.LBR on: branch records of the hypervisor
0x1db      rdmsr       LastBranchFromIP
0x1dc      rdmsr       LastBranchToIP
0xc0010111 flip 0x0    SMM_BASE: SMRAM moved
0xc0010116 flip 0x2    SMM_CTL: SMI enter
0xc0010020 flip 0x0    PATCH_LOADER: microcode update
0xc0010058 flip 0x0    MMIO_CFG_BASE: ECAM moved
0xc0011030 flip 0x0    IBS_FETCH_CTL
0xc0011034 rdmsr       IBS_OP_RIP: a sampled RIP
0x17a      flip 0x4    MCG_STATUS.MCIP: the next machine check a shutdown
0xc0000104 flip 0x0    TSC_RATIO: no row (allow-list default)
0x4b564d00 rdmsr       a paravirt MSR: no row, outside the permission map
0xc0000080 flip 0x901  EFER.LMA cleared in long mode: the CPU would leave long mode under VMRUN
0xc0000080 flip 0x8d01 EFER.TCE, which this CPU lacks: VMRUN would refuse the state
0xc0010000 flip 0x20000530076 PERF_CTL0 HostOnly: count cycles in host mode (the hypervisor)
0xc0010200 flip 0x20000530076 PERF_CTL0 (extended) HostOnly: the same
'
if [ -z "$PINNED" ]; then PINNED=1 exec taskset -c 0 sh "$0"; fi
n=$(echo "$ATTACKS" | grep -c '^0x')
plan $((3 * n + 19))

P=/sys/module/xmhf_svmprobe/parameters/cmd
probe() { echo "$1" > $P && cat $P; }
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }
attack() {	# attack MSR OP [VALUE]
	if [ "$2" = rdmsr ]; then probe "rdmsr $1"; else probe "flip $1 $3"; fi
}

check "the probe module loads" modprobe xmhf_svmprobe
echo "$ATTACKS" | grep '^0x' > /tmp/adv-msr
# ---- natively: every access goes through
while read -r msr op a rest; do
	[ "$op" = rdmsr ] && rest="$a $rest"
	like "native: $msr ($rest) $op succeeds" "$(attack "$msr" "$op" "$a")" '^ok'
done < /tmp/adv-msr

# ---- hoisted
check "launch" modprobe xmhf launch=emulated
while read -r msr op a rest; do
	[ "$op" = rdmsr ] && rest="$a $rest"
	is "hoisted: $msr ($rest) $op gets #GP(0)" "$(attack "$msr" "$op" "$a")" "gp 0"
done < /tmp/adv-msr
# BTF (single-step on branches) is what Linux uses of DEBUGCTL: it passes.
is "hoisted: DEBUGCTL.BTF alone is let through" "$(probe 'wrmsr 0x1d9 0x2'; probe 'wrmsr 0x1d9 0x0')" "ok
ok"
log=$(xmhfctl log)
while read -r msr op a rest; do
	like "hoisted: the refusal of $msr is logged once" \
		"$(echo "$log" | grep -c "MSR $msr refused")" '^1$'
done < /tmp/adv-msr
# Again: refused again, logged no more (a looping guest cannot flood the log).
probe "rdmsr 0x1db" > /dev/null
is "hoisted: a repeated refusal is not logged again" \
	"$(xmhfctl log | grep -c 'MSR 0x1db refused')" "1"
# The MSRs Linux itself uses still work: APIC_BASE, EFER, TSC_AUX.
like "hoisted: APIC_BASE still reads" "$(probe 'rdmsr 0x1b')" '^ok 0x[0-9a-f]*900$'
is "hoisted: SELFCHECK: the runtime is unchanged" "$(/selftests/bin/advtool selfcheck)" "1"
is "the hypervisor is still there" "$(sig)" "xmhfllxmhfll"
check "Linux is healthy (a fork and a file)" sh -c 'echo x > /tmp/adv-h && grep -q x /tmp/adv-h'
check "unload" rmmod xmhf

# A hypapp may subscribe only what the table opens to hypapps.  Before the
# table, the probe could subscribe APIC_BASE, and then every RDMSR of it
# got #GP.  SUBSCRIBE_MSR goes through adv_cr's VMMCALL (CPL 0).
C=/sys/module/adv_cr/parameters/cmd
cr() { echo "$1" > $C && cat $C; }
check "adv_cr loads" modprobe adv_cr
check "launch the probe blob" modprobe xmhf blob=xmhf/xmhf-probe.bin launch=emulated
base=
for i in 0 1 2 3 4 5 6 7; do
	[ "$(cr "subscribe $(printf %x $((0x1000 + 0x100 * i + 0xff))) 0")" = "ok 0x424f5250" ] &&
		base=$((0x1000 + 0x100 * i)) && break
done
sub() { cr "subscribe $(printf %x $((base + 5))) $1"; }
is "probe: a subscription of APIC_BASE (0x1b) is refused (E_INVAL)" "$(sub 1b)" "ok 0xfffffffffffffffc"
is "probe: a subscription of the x2APIC ICR (0x830) is refused" "$(sub 830)" "ok 0xfffffffffffffffc"
is "probe: a subscription of SMM_BASE is refused" "$(sub c0010111)" "ok 0xfffffffffffffffc"
like "probe: RDMSR of APIC_BASE still works" "$(probe 'rdmsr 0x1b')" '^ok 0x[0-9a-f]*900$'
is "probe: PATCH_LEVEL (0x8b), open to hypapps, is taken" "$(sub 8b)" "ok 0x0"
check "unload the probe blob" rmmod xmhf
check "adv_cr unloads" rmmod adv_cr
check "the probe module unloads" rmmod xmhf_svmprobe
rm -f /tmp/adv-msr /tmp/adv-h
done_testing
