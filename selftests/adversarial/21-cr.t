# SPDX-License-Identifier: GPL-2.0
# Control-register writes that a hypapp subscribed, which the core then
# emulates (docs/isolation-msr.md, "CR writes").  The guest kernel writes
# values the CPU refuses: CR3 with bit 63 (the PCID no-flush bit, reserved
# without CR4.PCIDE) and CR0 with NW but not CD.  Copied into the VMCB
# unchecked they made VMRUN fail and the CPU was lost; now they get #GP(0)
# as the architecture says.  CLTS and LMSW must keep working (they exit as
# CR0 writes; they used to get #UD).  Natively: QEMU TCG takes NW without
# CD, and CLTS/LMSW work.  A CR3 with bit 63 is not tried natively: QEMU
# TCG then loses the CPU itself (page walks from a bad CR3).
# The probe blob's hypapp subscribes CR0/CR3/CR4 writes on request (CPL 0,
# through adv_cr's VMMCALL).
. /selftests/lib.sh

if [ -z "$PINNED" ]; then PINNED=1 exec taskset -c 0 sh "$0"; fi
plan 16

C=/sys/module/adv_cr/parameters/cmd
cr() { echo "$1" > $C && cat $C; }
sig() { cpuid -1 -l 0x40000000 | sed -n 's/.*hypervisor_id (0x40000000) = "\(.*\)"/\1/p'; }
TS=8

check "adv_cr loads" modprobe adv_cr
# ---- natively
like "native: CR0 with NW set, CD clear is taken (QEMU does not check)" "$(cr cr0nw)" '^ok'
r=$(cr clts)
like "native: CLTS clears CR0.TS" "$r $(( ${r#ok } & TS ))" '^ok 0x[0-9a-f]+ 0$'
r=$(cr lmsw)
like "native: LMSW sets CR0.TS" "$r $(( ${r#ok } & TS ))" '^ok 0x[0-9a-f]+ 8$'

# ---- hoisted, the CR writes subscribed by the probe hypapp
check "launch the probe blob" modprobe xmhf blob=xmhf/xmhf-probe.bin launch=emulated
base=
for i in 0 1 2 3 4 5 6 7; do
	fn=$(printf %x $((0x1000 + 0x100 * i + 0xff)))
	[ "$(cr "subscribe $fn 0")" = "ok 0x424f5250" ] && base=$((0x1000 + 0x100 * i)) && break
done
is "the probe subscribes CR0, CR3 and CR4 writes" \
	"$(cr "subscribe $(printf %x $((base + 4))) 19")" "ok 0x0"
is "hoisted: CR3 with bit 63 (no PCIDE) gets #GP(0), the CPU lives" "$(cr cr3nf)" "gp 0"
is "hoisted: CR0 with NW set, CD clear gets #GP(0), the CPU lives" "$(cr cr0nw)" "gp 0"
r=$(cr clts)
like "hoisted: CLTS clears CR0.TS (emulated, no #UD)" "$r $(( ${r#ok } & TS ))" '^ok 0x[0-9a-f]+ 0$'
r=$(cr lmsw)
like "hoisted: LMSW sets CR0.TS (emulated, no #UD)" "$r $(( ${r#ok } & TS ))" '^ok 0x[0-9a-f]+ 8$'
like "hoisted: the refusals are logged" "$(xmhfctl log | grep -c 'to CR[03] refused')" '^[2-9]'
# Every CPU still runs Linux: each one forks a process.
res=
for c in $(seq 0 $(( $(grep -c '^processor' /proc/cpuinfo) - 1 ))); do res="$res$(taskset -c "$c" echo y)"; done
like "Linux runs on every CPU" "$res" '^y+$'
is "SELFCHECK: the runtime is unchanged" "$(/selftests/bin/advtool selfcheck)" "1"
is "the hypervisor is still there" "$(sig)" "xmhfllxmhfll"
cr "subscribe $(printf %x $((base + 2))) 1" > /dev/null	# CR writes off again
check "unload" rmmod xmhf
check "adv_cr unloads" rmmod adv_cr
done_testing
