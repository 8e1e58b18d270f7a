#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Properties of the hypervisor build: SLB header, size limit, freestanding code.
. "$(dirname "$0")/tap.sh"
plan 8

sl=$BUILD/hv/sl.bin
entry=$(od -An -tu2 -j 0 -N2 "$sl" | tr -d ' ')
len=$(od -An -tu2 -j 2 -N2 "$sl" | tr -d ' ')
size=$(stat -c %s "$sl")
is "sl.bin's SLB length field equals its size" "$len" "$size"
if [ "$entry" -ge 4 ] && [ "$entry" -lt "$len" ]; then ok "SLB entry $entry lies inside the measured part"
else not_ok "SLB entry $entry lies inside the measured part" "length $len"; fi
if [ "$len" -le $((0x10000 - 0x2000)) ]; then ok "measured SL ($len bytes) leaves stack room in 64 KiB"
else not_ok "measured SL fits" "$len"; fi

# An SL that outgrows 64 KiB must fail the link, not produce a blob.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '\t.section .rodata\n\t.skip 0x10000\n\t.section .note.GNU-stack,"",@progbits\n' > "$tmp/big.S"
gcc -m32 -c "$tmp/big.S" -o "$tmp/big.o"
out=$(ld -m elf_i386 -nostdlib -static -T "$BUILD/hv/sl/sl.lds" \
	"$BUILD"/sl/hv/*/*.o "$BUILD"/sl/hv/lib/*.o "$tmp/big.o" -o "$tmp/sl.elf" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -q "secure loader too big" <<<"$out"; then
	ok "an SL over 64 KiB fails the link with a clear message"
else
	not_ok "an SL over 64 KiB fails the link with a clear message" "rc $rc" "$out"
fi

# Initialized writable data would be lost in the SL's NOLOAD scratch area.
printf '\t.data\n\t.long 1\n\t.section .note.GNU-stack,"",@progbits\n' > "$tmp/data.S"
gcc -m32 -c "$tmp/data.S" -o "$tmp/data.o"
out=$(ld -m elf_i386 -nostdlib -static -T "$BUILD/hv/sl/sl.lds" \
	"$BUILD"/sl/hv/*/*.o "$BUILD"/sl/hv/lib/*.o "$tmp/data.o" -o "$tmp/sl2.elf" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -q "the SL has initialized writable data" <<<"$out"; then
	ok "initialized writable data in the SL fails the link"
else
	not_ok "initialized writable data in the SL fails the link" "rc $rc" "$out"
fi

# No SSE/x87 in hypervisor code: the FPU state is the guest's.  Checked
# on the objects, where only executable sections are disassembled (the
# linked images keep headers and data in the same section as code).
dis=$(find "$BUILD/rt" "$BUILD/sl" -name '*.o' -exec objdump -d {} +)
if grep -qE '%xmm|%ymm|%zmm|%st\b|\bf(ld|st|add|mul)' <<<"$dis"; then
	not_ok "no SSE or x87 instructions in the SL and runtime" "$(grep -mE3 '%xmm|%st' <<<"$dis")"
else
	ok "no SSE or x87 instructions in the SL and runtime"
fi
# Freestanding: nothing left undefined for a libc to fill.
und=$(nm -u "$BUILD/hv/runtime.elf" "$BUILD/hv/sl.elf" 2>&1 | grep -v ':$' | grep -v '^$')
is "SL and runtime have no undefined symbols" "$und" ""
rt_base=$(nm "$BUILD/hv/runtime.elf" | awk '$3 == "_rt_start" { print $1 }')
is "runtime is linked at XMHF_RT_VBASE" "$rt_base" "ffffffffc0000000"
done_testing
