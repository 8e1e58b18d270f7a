#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PCI configuration space (docs/isolation-pci.md): writes that would move
# the memory map, open SMRAM, take over the IOMMU, hide the TPM or make a
# device send an INIT, through both ways in: mechanism #1 (0xCF8/0xCFC,
# which sysfs's config file uses below 256) and ECAM (CPL 0 stores, by
# selftests/kmod/adv_pci).  Natively each write takes (read back changed,
# put back at once); hoisted it is refused (read back unchanged) and
# logged, while an ordinary write (a fixed-mode MSI data) still takes.
# An MSI address outside 0xFEExxxxx (a DMA write, not an interrupt) is
# refused like an INIT.  What is armed before the launch -- an enabled
# MSI with INIT, an unmasked MSI-X entry with INIT -- is found by the
# launch and disarmed (natively it stays armed).
# With the devices the adversarial boots add (--device e1000,
# virtio-net-pci, virtio-rng-pci): an MSI-X table entry (in the BAR's
# MMIO) with delivery mode INIT or a DMA address, and the drivers loaded
# hoisted, working.
. /selftests/lib.sh

P=/sys/module/adv_pci/parameters/cmd
HB=0000:00:00.0		# q35 host bridge
IOMMU=0000:00:01.0	# amd-iommu
LPC=0000:00:1f.0	# ICH9 LPC
AHCI=0000:00:1f.2	# ICH9 AHCI, no driver bound: its MSI is off
TPM_DIDVID=0xfed40f00

# ATTACK: name, device, offset, size, new value (the old one is read)
ATTACKS="
smram     $HB    0x9d 1 0x4a
pam1      $HB    0x91 1 0x33
iommu_cmd $IOMMU 0x04 2 0x0507
msi_init  $AHCI  0x8c 2 0x0500
msi_addr  $AHCI  0x84 4 0xfed40000
msi_addhi $AHCI  0x88 4 0x1
"
n_att=$(echo "$ATTACKS" | grep -c .)
plan $((8 * n_att + 55))

kcmd() { echo "$1" > $P && cat $P; }
val() { echo "$1" | sed -n 's/^ok //p'; }
# Config space through sysfs (mechanism #1 below 256): SIZE-byte accesses.
cfg_rd() {	# DEV OFF SIZE -> 0xVALUE
	printf '0x%x' $(( 0x$(od -An -tx$3 -j $(($2)) -N $3 /sys/bus/pci/devices/$1/config | tr -d ' ') ))
}
cfg_wr() {	# DEV OFF SIZE VAL: one write(2) of SIZE bytes, little-endian
	_s=; _i=0
	while [ $_i -lt $3 ]; do
		_s="$_s\\$(printf %o $(( ($4 >> (8 * _i)) & 0xff )))"; _i=$((_i + 1))
	done
	printf "$_s" | dd of=/sys/bus/pci/devices/$1/config bs=$3 seek=$(( $2 / $3 )) count=1 conv=notrunc 2>/dev/null
}
ECAM=$(sed -n 's/^ *\([0-9a-f]*\)-[0-9a-f]* : PCI MMCONFIG.*/0x\1/p' /proc/iomem | head -n 1)
ecam_pa() {	# DEV OFF
	_b=${1#0000:}; _bus=${_b%%:*}; _df=${_b#*:}; _dev=${_df%.*}; _fn=${_df#*.}
	printf '0x%x' $(( ECAM + (0x$_bus << 20) + (0x$_dev << 15) + (_fn << 12) + $2 ))
}
ecam_rd() { val "$(kcmd "rd $(ecam_pa "$1" "$2") $3")"; }
ecam_wr() { val "$(kcmd "wr $(ecam_pa "$1" "$2") $3 $4")"; }
hx() { printf 0x%x $(($*)); }	# an address for adv_pci, which reads hex
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }

# The virtio RNG's MSI-X table: entry 0's data dword (BIR's BAR + offset + 8).
msix_data() {	# DEV -> physical address, or nothing
	_p=$(( $(cfg_rd $1 0x34 1) & 0xfc ))
	while [ $_p -ne 0 ] && [ $(( $(cfg_rd $1 $_p 1) )) -ne 17 ]; do
		_p=$(( $(cfg_rd $1 $((_p + 1)) 1) & 0xfc ))
	done
	[ $_p -ne 0 ] || return 0
	_t=$(( $(cfg_rd $1 $((_p + 4)) 4) ))
	_bar=$(sed -n "$(( (_t & 7) + 1 ))p" /sys/bus/pci/devices/$1/resource | cut -d' ' -f1)
	printf '0x%x' $(( _bar + (_t & ~7) + 8 ))
	MSIX_BAR=$(( 0x10 + 4 * (_t & 7) ))
}
VRNG=$(grep -l '^0x1005$' /sys/bus/pci/devices/*/device 2>/dev/null | head -n 1)
VRNG=$(basename "$(dirname "${VRNG:-/x/y}")")
NICS=$(grep -l -e '^0x100e$' -e '^0x1000$' /sys/bus/pci/devices/*/device 2>/dev/null | wc -l)

check "the test module loads" modprobe adv_pci
like "ECAM is there (/proc/iomem)" "$ECAM" '^0x[0-9a-f]+$'
rcba=$(cfg_rd $LPC 0xf0 4)
didvid=$(val "$(kcmd "rd $TPM_DIDVID 4")")

# One attack by one way: MODE (native|hoisted), WAY (cf8|ecam).
attack() {
	echo "$ATTACKS" | grep . > /tmp/pci-attacks
	while read -r name dev off size new; do
		old=$(cfg_rd $dev $off $size)
		if [ $2 = cf8 ]; then
			cfg_wr $dev $off $size $new; got=$(cfg_rd $dev $off $size)
		else
			got=$(printf 0x%x $(ecam_wr $dev $off $size $new))
		fi
		# Put back at once, the same way.
		if [ "$got" != "$old" ]; then
			if [ $2 = cf8 ]; then cfg_wr $dev $off $size $old; else ecam_wr $dev $off $size $old >/dev/null; fi
		fi
		if [ $1 = native ]; then
			is "native, $2: $name ($dev at $off) takes $new" "$got" "$(printf 0x%x $new)"
		else
			is "hoisted, $2: $name ($dev at $off) refused, stays $old" "$got" "$old"
		fi
		is "$1, $2: $name is back to $old" "$(cfg_rd $dev $off $size)" "$old"
	done < /tmp/pci-attacks
}

# The TPM's decode: ICH9's root complex window (16 KiB, RCBA at 0xf0)
# moved over 0xfed40000 hides the TPM behind it.
rcba_attack() {		# MODE WAY -> the TPM's DID_VID while RCBA is moved
	if [ $2 = cf8 ]; then cfg_wr $LPC 0xf0 4 0xfed40001; else ecam_wr $LPC 0xf0 4 0xfed40001 >/dev/null; fi
	_d=$(val "$(kcmd "rd $TPM_DIDVID 4")")
	if [ $2 = cf8 ]; then cfg_wr $LPC 0xf0 4 $rcba; else ecam_wr $LPC 0xf0 4 $rcba >/dev/null; fi
	echo "$_d"
}

# ---- natively
attack native cf8
attack native ecam
is "native, cf8: RCBA over the TPM hides it (DID_VID $didvid)" \
	"$([ "$(rcba_attack native cf8)" != "$didvid" ] && echo hidden)" hidden
is "native, ecam: RCBA over the TPM hides it" \
	"$([ "$(rcba_attack native ecam)" != "$didvid" ] && echo hidden)" hidden
is "native: RCBA back to $rcba, the TPM answers again" \
	"$(cfg_rd $LPC 0xf0 4) $(val "$(kcmd "rd $TPM_DIDVID 4")")" "$rcba $didvid"
MSIX=
[ "$VRNG" != y ] && msix_data $VRNG > /tmp/pci-msix && MSIX=$(cat /tmp/pci-msix)
msix_attack() {		# MODE: entry 0's data with delivery mode INIT, put back
	if [ -z "$MSIX" ]; then
		skip "$1: MSI-X entry data with delivery mode INIT" "no virtio-rng-pci (boot with --device virtio-rng-pci)"
		skip "$1: MSI-X entry data is back" "no virtio-rng-pci"
		skip "$1: MSI-X entry address outside 0xFEExxxxx" "no virtio-rng-pci"
		skip "$1: MSI-X entry address is back" "no virtio-rng-pci"
		skip "$1: MSI-X entry data after a BAR move" "no virtio-rng-pci"
		skip "$1: the BAR is back" "no virtio-rng-pci"
		skip "$1: MSI-X entry data after decode off and on" "no virtio-rng-pci"
		skip "$1: memory decode back on" "no virtio-rng-pci"
		return
	fi
	_old=$(val "$(kcmd "rd $MSIX 4")")
	_got=$(val "$(kcmd "wr $MSIX 4 0x500")")
	kcmd "wr $MSIX 4 $_old" >/dev/null
	if [ $1 = native ]; then
		is "native: MSI-X entry 0 data ($VRNG, $MSIX) takes INIT (0x500)" "$_got" 0x500
	else
		is "hoisted: MSI-X entry 0 data ($VRNG, $MSIX) refuses INIT, stays $_old" "$_got" "$_old"
	fi
	is "$1: MSI-X entry 0 data is back to $_old" "$(val "$(kcmd "rd $MSIX 4")")" "$_old"
	# The address: 0xFED40000 (the TPM) makes the "interrupt" a DMA write.
	_a=$(printf 0x%x $((MSIX - 8)))
	_olda=$(val "$(kcmd "rd $_a 4")")
	_got=$(val "$(kcmd "wr $_a 4 0xfed40000")")
	kcmd "wr $_a 4 $_olda" >/dev/null
	if [ $1 = native ]; then
		is "native: MSI-X entry 0 address takes 0xfed40000 (a DMA write)" "$_got" 0xfed40000
	else
		is "hoisted: MSI-X entry 0 address refuses 0xfed40000, stays $_olda" "$_got" "$_olda"
	fi
	is "$1: MSI-X entry 0 address is back to $_olda" "$(val "$(kcmd "rd $_a 4")")" "$_olda"
	# The same after moving the table's BAR (by 32 KiB, into a hole of
	# this machine's PCI window): the protection must follow it.
	_bar=$(cfg_rd $VRNG $MSIX_BAR 4)
	cfg_wr $VRNG $MSIX_BAR 4 $((_bar + 0x8000))
	_moved=$(printf 0x%x $((MSIX + 0x8000)))
	_got=$(val "$(kcmd "wr $_moved 4 0x500")")
	kcmd "wr $_moved 4 $_old" >/dev/null
	cfg_wr $VRNG $MSIX_BAR 4 $_bar
	if [ $1 = native ]; then
		is "native: BAR moved to $(printf 0x%x $((_bar + 0x8000))): the entry there takes INIT" "$_got" 0x500
	else
		is "hoisted: BAR moved to $(printf 0x%x $((_bar + 0x8000))): the entry there refuses INIT" "$_got" "$_old"
	fi
	is "$1: the BAR is back" "$(cfg_rd $VRNG $MSIX_BAR 4)" "$_bar"
	# And after memory decode off and on again (the table unreachable,
	# then back): the protection must come back with it.
	_cmd=$(cfg_rd $VRNG 0x04 2)
	cfg_wr $VRNG 0x04 2 $((_cmd & ~2))
	cfg_wr $VRNG 0x04 2 $_cmd
	_got=$(val "$(kcmd "wr $MSIX 4 0x500")")
	kcmd "wr $MSIX 4 $_old" >/dev/null
	if [ $1 = native ]; then
		is "native: decode off and on: the entry takes INIT" "$_got" 0x500
	else
		is "hoisted: decode off and on: the entry refuses INIT" "$_got" "$_old"
	fi
	is "$1: memory decode back on ($_cmd)" "$(cfg_rd $VRNG 0x04 2)" "$_cmd"
}
msix_attack native

# ---- armed before the launch (by Linux, or by a module that ran first)
# The AHCI's MSI (no driver: its device raises nothing) enabled with
# INIT; the virtio RNG's MSI-X entry 1 unmasked with INIT (MSI-X off).
ahci_ctl=$(cfg_rd $AHCI 0x82 2); ahci_lo=$(cfg_rd $AHCI 0x84 4); ahci_data=$(cfg_rd $AHCI 0x8c 2)
cfg_wr $AHCI 0x84 4 0xfee00000
cfg_wr $AHCI 0x8c 2 0x0500
cfg_wr $AHCI 0x82 2 $((ahci_ctl | 1))
is "native: the AHCI's MSI stays armed (enabled, data INIT)" \
	"$(cfg_rd $AHCI 0x82 2) $(cfg_rd $AHCI 0x8c 2)" "$(printf 0x%x $((ahci_ctl | 1))) 0x500"
E1=
if [ -n "$MSIX" ]; then
	E1=$(printf 0x%x $((MSIX + 8)))	# entry 1's address low; data +8, control +12
	e1_lo=$(val "$(kcmd "rd $E1 4")"); e1_data=$(val "$(kcmd "rd $(hx $E1 + 8) 4")")
	e1_ctl=$(val "$(kcmd "rd $(hx $E1 + 12) 4")")
	kcmd "wr $E1 4 0xfee00000" >/dev/null
	kcmd "wr $(hx $E1 + 8) 4 0x500" >/dev/null
	is "native: MSI-X entry 1 stays armed (unmasked, data INIT)" \
		"$(val "$(kcmd "wr $(hx $E1 + 12) 4 0")") $(val "$(kcmd "rd $(hx $E1 + 8) 4")")" "0x0 0x500"
else
	skip "native: MSI-X entry 1 stays armed" "no virtio-rng-pci"
fi

# ---- hoisted
check "launch" modprobe xmhf launch=emulated
log=$(xmhfctl log)
is "hoisted: the launch disabled the armed MSI" "$(( $(cfg_rd $AHCI 0x82 2) & 1 ))" 0
like "hoisted: ... and logged it" "$log" "PCI ${AHCI#0000:}: MSI \(address 0x0:fee00000, data 0x500\) refused at launch: MSI disabled"
cfg_wr $AHCI 0x82 2 $((ahci_ctl | 1))
is "hoisted: MSI Enable with that message refused" "$(( $(cfg_rd $AHCI 0x82 2) & 1 ))" 0
cfg_wr $AHCI 0x8c 2 $ahci_data
if [ -n "$E1" ]; then
	is "hoisted: the launch masked the armed MSI-X entry" "$(val "$(kcmd "rd $(hx $E1 + 12) 4")")" 0x1
	like "hoisted: ... and logged it" "$log" \
		"PCI ${VRNG#0000:}: MSI-X entry 1 \(address 0x0:fee00000, data 0x500\) refused: masked"
	is "hoisted: unmasking it refused" "$(val "$(kcmd "wr $(hx $E1 + 12) 4 0")")" 0x1
	kcmd "wr $(hx $E1 + 8) 4 $e1_data" >/dev/null
else
	for t in "MSI-X entry masked" "MSI-X entry logged" "unmask refused"; do
		skip "hoisted: $t" "no virtio-rng-pci"
	done
fi
attack hoisted cf8
attack hoisted ecam
is "hoisted, cf8: RCBA stays, the TPM still answers" "$(rcba_attack hoisted cf8)" "$didvid"
is "hoisted, ecam: RCBA stays, the TPM still answers" "$(rcba_attack hoisted ecam)" "$didvid"
is "hoisted: RCBA unchanged" "$(cfg_rd $LPC 0xf0 4)" "$rcba"
msix_attack hoisted
log=$(xmhfctl log)
like "hoisted: the hypervisor found and protected ECAM" "$log" "PCI: ECAM at $ECAM"
for w in CF8/CFC ECAM; do
	is "hoisted, $w: each refusal logged with its rule" \
		"$(echo "$log" | grep "$w) refused" | sed 's/.*refused: //' | sort -u | tr '\n' '|')" \
		'ICH9 LPC: root complex base (RCBA)|IOMMU: command|MSI: address and delivery mode|host bridge: memory map and SMM|'
done
# What stays allowed: a fixed-mode MSI data (vector 0x41), both ways.
msi_old=$(cfg_rd $AHCI 0x8c 2)
cfg_wr $AHCI 0x8c 2 0x0041
is "hoisted, cf8: a fixed-mode MSI data still takes" "$(cfg_rd $AHCI 0x8c 2)" 0x41
is "hoisted, ecam: a lowest-priority MSI data still takes" "$(ecam_wr $AHCI 0x8c 2 0x0142)" 0x142
cfg_wr $AHCI 0x8c 2 $msi_old
is "hoisted: the MSI data is back" "$(cfg_rd $AHCI 0x8c 2)" "$msi_old"
if [ -n "$MSIX" ]; then
	like "hoisted: the virtio RNG's MSI-X table was protected at launch" "$log" \
		"PCI ${VRNG#0000:}: MSI-X table at .* write-protected"
	like "hoisted: the refused MSI-X entry logged" "$log" "MSI-X entry 0 data refused \(address 0x0:[0-9a-f]*, data 0x500"
	like "hoisted: the refused MSI-X address logged" "$log" "MSI-X entry 0 address low refused \(address 0x0:fed40000"
	_old=$(val "$(kcmd "rd $MSIX 4")")
	is "hoisted: a fixed-mode MSI-X entry data still takes" "$(val "$(kcmd "wr $MSIX 4 0x41")")" 0x41
	kcmd "wr $MSIX 4 $_old" >/dev/null
else
	for t in "MSI-X table protected" "MSI-X refusal logged" "MSI-X address refusal logged" "fixed-mode MSI-X data takes"; do
		skip "hoisted: $t" "no virtio-rng-pci (boot with --device virtio-rng-pci)"
	done
fi
# Ordinary drivers, loaded hoisted: their config writes and MSI-X table
# writes all go through the filters.
if [ -n "$MSIX" ] && [ "$NICS" -ge 2 ]; then
	check "hoisted: e1000, virtio-net and virtio-rng load" \
		sh -c 'modprobe e1000 && modprobe virtio_pci && modprobe virtio_net && modprobe virtio_rng'
	sleep 1
	check "hoisted: both NICs come up" sh -c 'ip link set eth0 up && ip link set eth1 up'
	is "hoisted: the virtio RNG is the current RNG" "$(cat /sys/class/misc/hw_random/rng_current)" virtio_rng.0
	like "hoisted: /dev/hwrng gives 32 bytes (virtio, MSI-X interrupts)" \
		"$(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | wc -c)" '^ *32$'
	like "hoisted: the virtio RNG's interrupt fired" \
		"$(grep 'virtio.-input$' /proc/interrupts | awk '{ s = 0; for (i = 2; i < NF - 2; i++) s += $i; print s }')" '^[1-9]'
	check "hoisted: the drivers unload" sh -c 'rmmod virtio_rng virtio_net virtio_pci e1000'
else
	for t in "drivers load" "NICs up" "virtio RNG current" "/dev/hwrng" "virtio interrupt" "drivers unload"; do
		skip "hoisted: $t" "no e1000/virtio-net/virtio-rng devices (boot with --device)"
	done
fi
is "hoisted: SELFCHECK passes" "$(kcmd selfcheck)" "ok 1"
is "the hypervisor is still there" "$(sig)" "xmhfllxmhfll"
check "Linux still reads every device's config space" \
	sh -c 'for d in /sys/bus/pci/devices/*; do od -An -tx4 -N 4 $d/config | grep -qv ffffffff || exit 1; done'
check "unload" rmmod xmhf
# Natively again: what the pre-launch arming changed, put back.
cfg_wr $AHCI 0x82 2 $ahci_ctl; cfg_wr $AHCI 0x8c 2 $ahci_data; cfg_wr $AHCI 0x84 4 $ahci_lo
[ -z "$E1" ] || { kcmd "wr $E1 4 $e1_lo"; kcmd "wr $(hx $E1 + 8) 4 $e1_data"; kcmd "wr $(hx $E1 + 12) 4 $e1_ctl"; } >/dev/null
is "natively: the armed MSI and MSI-X entry are put back" \
	"$(cfg_rd $AHCI 0x82 2) $(cfg_rd $AHCI 0x84 4) $(cfg_rd $AHCI 0x8c 2)" "$ahci_ctl $ahci_lo $ahci_data"
check "the test module unloads" rmmod adv_pci
rm -f /tmp/pci-attacks /tmp/pci-msix
done_testing
