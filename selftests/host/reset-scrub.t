#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# RESET AND SLEEP (two short boots, 2 CPUs): a hoisted Linux runs
# "reboot -f", then, in the second boot, "poweroff -f".  DRAM survives
# both, so the hypervisor must scrub itself before the platform acts
# (hv/core/reset.c, docs/isolation-ports.md).  QEMU runs with
# --ram-dump: at the reset (or power-off) it stops with RAM as the
# platform left it, and the testbench saves guest RAM.  In that dump:
#  - the last lines the hypervisor logged (the reset path, the scrub
#    announcement, with numbers the guest never saw) are nowhere;
#  - the hypervisor's 4 MiB block is zero except the scrub stub itself
#    (checked byte for byte against runtime.elf: the dump is the right
#    memory) and the SL's page tables the stub runs on.
# The log's own order says the scrub came before the platform's turn.
. "$(dirname "$0")/tap.sh"
plan 18

dir=$BUILD/check
mkdir -p "$dir"
T=$(mktemp -d "${TMPDIR:-/tmp}/reset-scrub-t.XXXXXXXX")
trap 'rm -rf -- "$T"' EXIT
elf=$BUILD/hv/runtime.elf

# NAME ACTION: boots, hoists, runs ACTION; leaves $T/NAME.ram.
boot() {
	local name=$1 action=$2
	cat > "$T/$name.sh" <<EOF
echo 1 > /proc/sys/kernel/printk
modprobe xmhf launch=emulated; echo "@modprobe=\$?"
echo "@guests=\$(xmhfctl status | awk '\$3 == "guest"' | wc -l)"
$action
sleep 20
echo "@still-running"
EOF
	"$TOP/scripts/testbench" --smp 2 --mem 512 --timeout 240 \
		--hvlog "$dir/$name.hv.log" --ram-dump "$T/$name.ram" \
		--add "$T/$name.sh" -- sh "/extra/$name.sh" > "$dir/$name.console" 2>&1
}

# DUMP BASE: nonzero bytes of the block at BASE in DUMP, outside the
# SL's page tables and the stub, and whether the stub's bytes are the ELF's.
scan_block() {
	python3 - "$1" "$2" "$elf" <<'EOF'
import re, subprocess, sys
dump, base, elf = sys.argv[1], int(sys.argv[2], 16), sys.argv[3]
sym = {}
for l in subprocess.run(["nm", elf], capture_output=True, text=True).stdout.split("\n"):
    p = l.split()
    if len(p) == 3:
        sym[p[2]] = int(p[0], 16)
vbase = 0xffffffffc0000000
s0, s1 = sym["rt_scrub_and_out"] - vbase, sym["rt_scrub_end"] - vbase
# The ELF's bytes of the stub: .image starts at file offset of vbase.
hdr = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True).stdout
off = next(int(l.split()[1], 16) for l in hdr.split("\n")
           if l.strip().startswith("LOAD") and int(l.split()[2], 16) == vbase)
with open(elf, "rb") as f:
    f.seek(off + s0)
    stub = f.read(s1 - s0)
with open(dump, "rb") as f:
    f.seek(base)
    blk = f.read(4 << 20)
early, tables, rt = 0x14000, 10 * 4096, 0x200000
keep = [(early, early + tables), (rt + s0, rt + s1)]
bad = [i for i, b in enumerate(blk) if b and not any(a <= i < e for a, e in keep)]
print("len=%d nonzero_outside=%d first=%s stub_match=%s tables_nonzero=%d" % (
    len(blk), len(bad), hex(bad[0]) if bad else "-",
    blk[rt + s0:rt + s1] == stub, sum(1 for b in blk[early:early + tables] if b)))
EOF
}

check_boot() {
	local name=$1 reason=$2 port=$3 out log base scan
	out=$(tr -d '\r' < "$dir/$name.console")
	log=$(tr -d '\r' < "$dir/$name.hv.log")
	is "$name: modprobe xmhf launches" "$(sed -n 's/^@modprobe=//p' <<<"$out")" 0
	is "$name: both CPUs run the guest" "$(sed -n 's/^@guests=//p' <<<"$out")" 2
	like "$name: QEMU stopped at the guest's $reason, RAM saved" "$out" \
		"^testbench: RAM saved at $reason$"
	is "$name: the guest did not run on afterwards" "$(grep -c '^@still-running' <<<"$out")" 0
	like "$name: the hypervisor took the reset path for port $port, parked the other CPU, then announced the scrub last" \
		"$(tail -n 2 <<<"$log")" \
		"^xmhf: CPU [0-9]+: .*to port $port\): parking the other CPUs
xmhf: scrubbing the hypervisor's 4096 KiB at 0x[0-9a-f]+ and [0-9]+ extra blocks, then the platform takes over$"
	base=$(sed -n "s/^xmhf: scrubbing the hypervisor's 4096 KiB at \(0x[0-9a-f]*\) and .*/\1/p" <<<"$log")
	if [ ! -s "$T/$name.ram" ] || [ -z "$base" ]; then
		not_ok "$name: no RAM dump or no block address" "dump: $(ls -l "$T/$name.ram" 2>&1)"
		not_ok "$name: (skipped with the dump)"
		not_ok "$name: (skipped with the dump)"
		not_ok "$name: (skipped with the dump)"
		return
	fi
	# Formatted text only the hypervisor's log ring held (the format
	# strings, in the guest's copy of the blob, have %u where these have digits).
	is "$name: RAM holds no copy of the scrub announcement" \
		"$(grep -a -c "scrubbing the hypervisor's 4096 KiB at $base" "$T/$name.ram")" 0
	is "$name: RAM holds no copy of the launch line of the log ring" \
		"$(grep -a -c -E 'heap [0-9]+ KiB used; running Linux as the guest' "$T/$name.ram")" 0
	scan=$(scan_block "$T/$name.ram" "$base")
	like "$name: the dump holds the stub as built (the right memory) and the SL's page tables" \
		"$scan" "stub_match=True tables_nonzero=[1-9]"
	like "$name: the 4 MiB block is zero but for the stub and the page tables" \
		"$scan" "^len=4194304 nonzero_outside=0 "
}

boot reboot "sync; reboot -f"
check_boot reboot guest-reset 0xcf9
boot poweroff "sync; poweroff -f"
check_boot poweroff guest-shutdown 0x604
done_testing
