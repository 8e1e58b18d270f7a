#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DMA at the hypervisor (issue 13, docs/dma.md): QEMU's edu device, driven
# by selftests/kmod/adv_dma, copies memory at a bus address we choose.
# Runs only in a boot with scripts/testbench --dma (selftests/host/adv-dma.t
# boots it once per Linux IOMMU mode: translated, iommu=pt, amd_iommu=off);
# elsewhere it skips.  The attacks, each natively against a page the module
# owns (they must work there: that proves the attack), then hoisted:
#   phys  a raw physical address (works when Linux's IOMMU is off or
#         passthrough; a translated domain stops it, which is checked too);
#   map   Linux's IOMMU API: iommu_map() of an IOVA onto the target page in
#         edu's default domain (translated mode only: an identity domain
#         refuses it, amd_iommu=off has none);
#   own   a domain of the attacker's own (iommu_domain_alloc, attach).
# (Device interrupts after the unload: selftests/guest/dma-disk.sh, which
# selftests/host/adv-dma.t runs after this in the same boot.)
# Hoisted, each must be blocked at the hypervisor's block, in every mode:
# with amd_iommu=off the hypervisor owns the IOMMU, otherwise Linux drives
# a virtual one whose tables the hypervisor shadows.  A read of the block
# must not give its bytes (the SL's first bytes, 04 00 c0 35 fa fc 89 c5,
# known from unprotected runs), a write into the runtime's code must not
# land (SELFCHECK).  With Linux's IOMMU off the CPU cannot reach the
# IOMMU's registers; with it on the CPU reads Linux's own values there
# (the device table base, Control), not the hypervisor's, and the refused
# mappings are counted.  Then: SELFCHECK, the CPUID signature, edu's DMA
# to Linux's own page and the virtio disk (behind the IOMMU) still
# working, and after the unload the IOMMU's registers as Linux left them
# and the attack working natively again.
. /selftests/lib.sh

P=/sys/module/adv_dma/parameters
EDU=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x11e8 ] && EDU=$d
done
if [ -z "$EDU" ]; then
	echo "1..0 # SKIP no edu device (scripts/testbench --dma; selftests/host/adv-dma.t boots it)"
	exit 0
fi
plan 33

kcmd() { echo "$1" > $P/cmd && cat $P/cmd; }
hex() { printf "%0${2}d" 0 | sed "s/0/$1/g"; }	# hex BYTE N: N bytes of BYTE
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }

check "adv_dma loads and drives edu ($(basename $EDU))" modprobe adv_dma
D=$(cat $P/domain)
V=$(cat $P/victim)
case " $(cat /proc/cmdline) " in
*" amd_iommu=off "*)	MODE=off; WANT=none ;;
*" iommu=pt "*)		MODE=pt; WANT=identity ;;
*" iommu.strict=0 "*)	MODE=lazy; WANT=dma-fq ;;
*)			MODE=strict; WANT=dma ;;
esac
is "Linux's IOMMU mode ($MODE): edu's domain is $WANT" "$D" "$WANT"

# Which ways reach memory natively in this mode, and why the others don't.
why_not() {	# WAY -> empty if the attack applies, else the reason
	case $MODE/$1 in
	off/map|off/own) echo "amd_iommu=off: Linux has no IOMMU domain for edu" ;;
	pt/map) echo "iommu=pt: edu's domain is identity, iommu_map() refuses it ($(kcmd "rd map $V 16"))" ;;
	esac
}

# A read (edu copies 16 bytes of the page) and a write (16 bytes into it).
native() {	# WAY OFFSET
	_a=$(printf 0x%x $((V + $2)))
	kcmd "vfill a5" > /dev/null
	_r=$(kcmd "rd $1 $_a 16")
	kcmd "wr $1 $(printf 0x%x $((_a + 16))) 16 3c" > /dev/null
	_w=$(kcmd "vpeek $(printf 0x%x $2) 48")
	echo "$_r|$_w"
}
A5=$(hex a5 16)
W3C=$(hex a5 16)$(hex 3c 16)$(hex a5 16)	# the page around the write
for way in phys map own; do
	r=$(why_not $way)
	if [ -n "$r" ]; then
		skip "native, $way: edu reads the module's page" "$r"
		skip "native, $way: edu writes the module's page" "$r"
		continue
	fi
	out=$(native $way 0)
	if [ $way = phys ] && [ $MODE != off ] && [ $MODE != pt ]; then
		# Linux's translated domain has no mapping at the raw address.
		like "native, phys: Linux's IOMMU stops edu reading the page raw" "${out%%|*}" "^ok (00|5a)+\$"
		is "native, phys: Linux's IOMMU stops edu writing the page raw" "${out#*|}" "ok $(hex a5 48)"
		continue
	fi
	is "native, $way: edu reads the module's page" "${out%%|*}" "ok $A5"
	is "native, $way: edu writes the module's page" "${out#*|}" "ok $W3C"
done

# The virtio disk behind the IOMMU: 1 MiB out and back, compared.
modprobe virtio_pci; modprobe virtio_blk
for i in 1 2 3 4 5 6 7 8 9 10; do
	VD=$(ls /sys/block | grep '^vd' | head -1)
	[ -n "$VD" ] && [ -b /dev/$VD ] && break
	sleep 1
done
disk() {	# WHAT
	dd if=/dev/urandom of=/tmp/dma.out bs=64k count=16 2>/dev/null &&
	dd if=/tmp/dma.out of=/dev/$VD bs=64k count=16 conv=fsync 2>/dev/null &&
	sync && echo 3 > /proc/sys/vm/drop_caches &&
	dd if=/dev/$VD of=/tmp/dma.in bs=64k count=16 2>/dev/null &&
	[ "$(md5sum < /tmp/dma.out)" = "$(md5sum < /tmp/dma.in)" ]
}
check "native: the virtio disk (/dev/$VD) writes and reads back 1 MiB" disk
# The IOMMU's Control register (0x18), by CPU: it can be read natively.
IOMMU=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : amd_iommu$//p' /proc/iomem | head -1)
IOMMU=0x${IOMMU:-fed80000}
ctl() { devmem $(printf 0x%x $((IOMMU + 0x18))) 32 2>&1; }
# With Linux's driver on it /dev/mem refuses the registers: the module reads.
reg() { kcmd "reg $(printf 0x%x $((IOMMU + $1)))"; }
dtb() { reg 0; }
if [ $MODE = off ]; then
	is "native: the IOMMU's Control register reads 0 (Linux left it off)" "$(ctl)" 0x00000000
else
	ctl() { reg 0x18; }
	CTL=$(ctl)
	DTB=$(dtb)
	like "native: Linux's IOMMU is on (Control $CTL)" "$CTL" '^ok 0x[0-9a-f]*[13579bdf]$'
fi

# ---- hoisted
check "launch" timeout 120 modprobe xmhf launch=emulated
H=$(xmhfctl --json status | sed -n 's/.*"mem_phys":\([0-9]*\).*/\1/p')
H=$(printf 0x%x "${H:-0}")
like "the hypervisor's block is known ($H)" "$H" '^0x[1-9a-f][0-9a-f]*000$'
DMA=$(xmhfctl status | sed -n 's/^dma protection: *//p')
SL=0400c035fafc89c5	# the SL's first bytes, the block's first bytes
RT=$(printf 0x%x $((H + 0x200000)))	# the runtime's code (SELFCHECK hashes it)
if [ $MODE = off ]; then
	like "hoisted: xmhfctl status says the hypervisor owns the IOMMU" "$DMA" "^iommu-owned \(Linux had it off\),"
	out=$(ctl)
	check "hoisted: the CPU cannot read the IOMMU's registers ($out)" \
		sh -c '! echo "$1" | grep -Eq "^0x[0-9A-Fa-f]{8}\$"' - "$out"
	skip "hoisted: the Control register the CPU reads is still Linux's" "Linux left it off: no virtual IOMMU"
else
	like "hoisted: xmhfctl status says Linux drives a virtual IOMMU" "$DMA" "^virtual-iommu"
	# The CPU reads Linux's own values, not the hypervisor's tables.
	is "hoisted: the device table base the CPU reads is still Linux's ($DTB)" "$(dtb)" "$DTB"
	is "hoisted: the Control register the CPU reads is still Linux's ($CTL)" "$(ctl)" "$CTL"
fi
# Each way that reaches memory natively, at the hypervisor's block: a read
# of its first bytes (the SL's) and a write into the runtime's code.
for way in phys map own; do
	r=$(why_not $way)
	if [ -n "$r" ]; then
		skip "hoisted, $way: edu cannot read the hypervisor's block" "$r"
		skip "hoisted, $way: what edu read is not the SL's bytes" "$r"
		skip "hoisted, $way: edu's write into the runtime's code does not land (SELFCHECK)" "$r"
		continue
	fi
	out=$(kcmd "rd $way $H 32")
	echo "# hoisted, $way: edu reads $H: $out"
	like "hoisted, $way: edu cannot read the hypervisor's block" "$out" "^(ok (00|5a)+|err.*)\$"
	check "hoisted, $way: what edu read is not the SL's bytes ($SL)" \
		sh -c 'case "$1" in *"$2"*) exit 1 ;; esac' - "$out" "$SL"
	kcmd "wr $way $RT 16 3c" > /dev/null
	is "hoisted, $way: edu's write into the runtime's code does not land (SELFCHECK)" \
		"$(/selftests/bin/advtool selfcheck)" 1
done
# Through Linux's IOMMU API the mapping reached the virtual IOMMU: refused.
case $MODE in
strict|lazy|pt)
	n=$(xmhfctl status | sed -n 's/^dma refused: //p')
	check "hoisted: the virtual IOMMU counted the refused mappings ($n)" test "${n:-0}" -ge 2 ;;
*)	skip "hoisted: the virtual IOMMU counted the refused mappings" "no translated domain in mode $MODE" ;;
esac
is "hoisted: SELFCHECK passes" "$(/selftests/bin/advtool selfcheck)" 1
is "hoisted: the hypervisor is still there" "$(sig)" xmhfllxmhfll
# Linux's own use of edu's DMA keeps working hoisted, by the first way
# that works natively in this mode.
case $MODE in off|pt) way=phys ;; *) way=map ;; esac
out=$(native $way 64)
is "hoisted, $way: edu still reads and writes Linux's own page" "$out" \
	"ok $A5|ok $W3C"
check "hoisted: the virtio disk still writes and reads back 1 MiB" disk
check "unload" rmmod xmhf
# The IOMMU as Linux left it: off, and the raw DMA works again.
if [ $MODE = off ]; then
	is "after unload: the IOMMU's Control register reads 0 again" "$(ctl)" 0x00000000
else
	is "after unload: the IOMMU's device table base is Linux's again" "$(dtb)" "$DTB"
fi
out=$(native $way 128)
is "after unload, $way: edu reads and writes the module's page natively" "$out" "ok $A5|ok $W3C"
check "the test module unloads" rmmod adv_dma
done_testing
