# SPDX-License-Identifier: GPL-2.0
# The MSR policy's memory-map rows (README, "Security status: MSRs";
# hv/arch/x86/msr.c, the rows with memmap_wr; docs/isolation-msr.md): every
# MSR that shapes the physical memory map or SMM.  Natively a changed value
# is written (then put back at once); hoisted the guest still reads it, a
# changed value gets #GP(0) and is logged, its own value is let through (a
# no-op), and so are the changes memmap_wr() documents as harmless.  CPL 0
# accesses through the probe
# module (selftests/kmod/xmhf_svmprobe), on CPU 0 unless said otherwise.
. /selftests/lib.sh

# MSR, how to change it, and why it is on the list.  "type": the memory
# type in the low byte, UC (0) <-> WB (6), both valid everywhere; a hex
# number: XOR that bit (chosen to be inert: a range bit, an unused field).
MSRS='
0x2ff      type        MTRRdefType: default type, E and FE kept on
0x200      type        MTRRphysBase0: variable range 0, base and type
0x201      0x1000      MTRRphysMask0: variable range 0, mask bit 12
0x202      type        MTRRphysBase1
0x203      0x1000      MTRRphysMask1
0x204      type        MTRRphysBase2
0x205      0x1000      MTRRphysMask2
0x206      type        MTRRphysBase3
0x207      0x1000      MTRRphysMask3
0x208      type        MTRRphysBase4
0x209      0x1000      MTRRphysMask4
0x20a      type        MTRRphysBase5
0x20b      0x1000      MTRRphysMask5
0x20c      type        MTRRphysBase6
0x20d      0x1000      MTRRphysMask6
0x20e      type        MTRRphysBase7
0x20f      0x1000      MTRRphysMask7
0x250      type        MTRRfix64K_00000: 0-512 KiB
0x258      type        MTRRfix16K_80000: 512-640 KiB
0x259      type        MTRRfix16K_A0000: 640-768 KiB (legacy VGA)
0x268      type        MTRRfix4K_C0000: the option ROMs and BIOS, 4 KiB each
0x269      type        MTRRfix4K_C8000
0x26a      type        MTRRfix4K_D0000
0x26b      type        MTRRfix4K_D8000
0x26c      type        MTRRfix4K_E0000
0x26d      type        MTRRfix4K_E8000
0x26e      type        MTRRfix4K_F0000
0x26f      type        MTRRfix4K_F8000
0xc0010010 0x400000    SYSCFG: DRAM/MMIO decoding, SME; bit 22 Tom2ForceMemTypeWB
0xc0010015 0x40000     HWCR: SmmLock and the like; bit 18 McStatusWrEn (not a Linux bit)
0xc0010016 0x1000      IORRBase0: fixed I/O range registers send memory to MMIO
0xc0010017 0x1000      IORRMask0 (bit 11, valid, left alone)
0xc0010018 0x1000      IORRBase1
0xc0010019 0x1000      IORRMask1
0xc001001a 0x40000000  TOP_MEM: where DRAM ends below 4 GiB
0xc001001d 0x100000000 TOP_MEM2: where DRAM ends above 4 GiB
0xc0010112 0x20000     SMM_ADDR: the TSEG base
0xc0010113 0x20000     SMM_MASK: the TSEG size and its enables
'
# Everything below runs on CPU 0: "flip" restores on the CPU it wrote.
if [ -z "$PINNED" ]; then PINNED=1 exec taskset -c 0 sh "$0"; fi
n_msrs=$(echo "$MSRS" | grep -c '^0x')
plan $((4 * n_msrs + 11))

P=/sys/module/xmhf_svmprobe/parameters/cmd
probe() { echo "$1" > $P && cat $P; }		# on this CPU (pinned below)
val() { echo "$1" | sed -n 's/^ok //p'; }
changed() {	# changed VALUE CHANGE
	if [ "$2" = type ]; then
		if [ $(( $1 & 0xff )) -eq 0 ]; then printf 0x%x $(( $1 | 6 )); else printf 0x%x $(( $1 & ~0xff )); fi
	else
		printf 0x%x $(( $1 ^ $2 ))
	fi
}
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }

check "the probe module loads" modprobe xmhf_svmprobe
# ---- natively: each changed value is written (and put back at once)
echo "$MSRS" | grep '^0x' > /tmp/msrs
while read -r msr how name; do
	v=$(val "$(probe "rdmsr $msr")")
	echo "$msr $v" >> /tmp/msr-native
	new=$(changed "${v:-0}" "$how")
	got=$(probe "flip $msr $new")
	case "$got" in
	"ok $new") ok "native: $msr ($name) takes $new" ;;
	ok*)	ok "native: $msr ($name) takes $new without a fault (QEMU does not keep it: ${got#ok })" ;;
	*)	not_ok "native: $msr ($name) takes $new" "got: '$got'" "read: '$v'" ;;
	esac
done < /tmp/msrs

# ---- hoisted
check "launch" modprobe xmhf launch=emulated
while read -r msr how name; do
	v=$(sed -n "s/^$msr //p" /tmp/msr-native)
	new=$(changed "${v:-0}" "$how")
	is "hoisted: $msr ($name) reads as natively" "$(probe "rdmsr $msr")" "ok $v"
	is "hoisted: $msr: writing $new gets #GP(0), the value stays" \
		"$(probe "flip $msr $new"), $(probe "rdmsr $msr")" "gp 0, ok $v"
	is "hoisted: $msr: rewriting its own value is let through (a no-op)" \
		"$(probe "wrmsr $msr $v")" "ok"
done < /tmp/msrs
log=$(xmhfctl log)
missing=
while read -r msr how name; do
	echo "$log" | grep -q "to MSR $msr refused: #GP" || missing="$missing $msr"
done < /tmp/msrs
is "hoisted: the hypervisor logged every refused write" "$missing" ""

# The changes memmap_wr() documents: MTRRs off and back on to
# the launch value (Linux's MTRR update), and HWCR's Linux bits.
def=$(sed -n "s/^0x2ff //p" /tmp/msr-native)
is "hoisted: MTRRdefType off (E, FE and type 0) and back on is let through" \
	"$(probe "flip 0x2ff $(printf 0x%x $(( def & ~0xcff )))")" "$(printf 'ok 0x%x' $(( def & ~0xcff )))"
is "hoisted: MTRRdefType with E off but a type set is refused" \
	"$(probe "flip 0x2ff $(printf 0x%x $(( (def & ~0xcff) | 6 )))")" "gp 0"
hwcr=$(sed -n "s/^0xc0010015 //p" /tmp/msr-native)
res=
for b in 6 25 30; do res="$res $(probe "flip 0xc0010015 $(printf 0x%x $(( hwcr ^ (1 << b) )))" | cut -d' ' -f1)"; done
is "hoisted: HWCR's Linux bits (FFDIS, CpbDis, IRPerfEn) are let through" "$res" " ok ok ok"
is "hoisted: HWCR's SmmLock (bit 0) is refused" \
	"$(probe "flip 0xc0010015 $(printf 0x%x $(( hwcr ^ 1 )))")" "gp 0"
top=$(sed -n "s/^0xc001001a //p" /tmp/msr-native)
res=
# Every online CPU: nproc counts only the CPUs this (pinned) shell may use.
cpus=$(grep -c '^processor' /proc/cpuinfo)
for c in $(seq 0 $(( cpus - 1 ))); do
	res="$res $c:$(taskset -c "$c" sh -c "echo 'flip 0xc001001a $(printf 0x%x $(( top ^ 0x40000000 )))' > $P && cat $P")"
done
like "hoisted: TOP_MEM is refused on every CPU ($cpus)" "$res" "^( [0-9]+:gp 0){$cpus}$"
is "the hypervisor is still there" "$(sig)" "xmhfllxmhfll"
check "unload" rmmod xmhf
check "the probe module unloads" rmmod xmhf_svmprobe
rm -f /tmp/msrs /tmp/msr-native
done_testing
