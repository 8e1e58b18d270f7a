#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Properties of the hypervisor build: SLB header, size limit, freestanding code.
. "$(dirname "$0")/tap.sh"
plan 12

sl=$BUILD/hv/sl.bin
entry=$(od -An -tu2 -j 0 -N2 "$sl" | tr -d ' ')
len=$(od -An -tu2 -j 2 -N2 "$sl" | tr -d ' ')
size=$(stat -c %s "$sl")
is "sl.bin's SLB length field equals its size" "$len" "$size"
if [ "$entry" -ge 4 ] && [ "$entry" -lt "$len" ]; then ok "SLB entry $entry lies inside the measured part"
else not_ok "SLB entry $entry lies inside the measured part" "length $len"; fi
if [ "$len" -le $((0x10000 - 0x2000)) ]; then ok "measured SL ($len bytes) leaves stack room in 64 KiB"
else not_ok "measured SL fits" "$len"; fi

# The SL's own link command (the Makefile prints it), so that the one
# object added below is the only thing that can make a link fail.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
read -r -a sl_link <<<"$(make -s --no-print-directory -C "$TOP" BUILD="$BUILD" print-sl-link)"
out=$("${sl_link[@]}" -o "$tmp/sl0.elf" 2>&1); rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$tmp/sl0.elf" "$BUILD/hv/sl.elf"; then
	ok "the SL's link command, run here, gives the built sl.elf"
else
	not_ok "the SL's link command, run here, gives the built sl.elf" "rc $rc" "$out"
fi

# An SL that outgrows 64 KiB must fail the link, not produce a blob.
printf '\t.section .rodata\n\t.skip 0x10000\n\t.section .note.GNU-stack,"",@progbits\n' > "$tmp/big.S"
gcc -m32 -c "$tmp/big.S" -o "$tmp/big.o"
out=$("${sl_link[@]}" "$tmp/big.o" -o "$tmp/sl.elf" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -q "secure loader too big" <<<"$out"; then
	ok "an SL over 64 KiB fails the link with a clear message"
else
	not_ok "an SL over 64 KiB fails the link with a clear message" "rc $rc" "$out"
fi

# Initialized writable data would be lost in the SL's NOLOAD scratch area.
printf '\t.data\n\t.long 1\n\t.section .note.GNU-stack,"",@progbits\n' > "$tmp/data.S"
gcc -m32 -c "$tmp/data.S" -o "$tmp/data.o"
out=$("${sl_link[@]}" "$tmp/data.o" -o "$tmp/sl2.elf" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -q "the SL has initialized writable data" <<<"$out"; then
	ok "initialized writable data in the SL fails the link"
else
	not_ok "initialized writable data in the SL fails the link" "rc $rc" "$out"
fi

# No x87, MMX, SSE or AVX in hypervisor code: the FPU state is the
# guest's.  Checked on the objects, where only executable sections are
# disassembled (the linked images keep headers and data in the same
# section as code).  An instruction counts when its mnemonic is x87 (all
# start with f), FPU/SIMD state handling, or when it names an x87, MMX,
# SSE, AVX or AVX-512 mask register.
fpu_insns() {	# OBJECT... -> "object:address<TAB>instruction" per hit
	objdump -d "$@" | awk -F'\t' '
		/:[ \t]+file format / { obj = $1; sub(/:[ \t]+file format.*/, "", obj) }
		NF >= 3 {
			n = split($3, w, /[ ,]+/)
			i = 1
			while (i < n && w[i] ~ /^(lock|rep[a-z]*|data16|data32|addr16|addr32|rex[.A-Za-z]*|notrack|bnd|[c-gs]s|xacquire|xrelease)$/)
				i++
			if (w[i] ~ /^(f[a-z0-9]+|wait|emms|v?ldmxcsr|v?stmxcsr|xsave[a-z0-9]*|xrstor[a-z0-9]*|vzero(upper|all))$/ ||
			    $3 ~ /%(st|mm[0-7]|[xyz]mm[0-9]+|k[0-7])([^0-9a-z]|$)/)
				print obj ":" $1 "\t" $3
		}'
}
# First the check itself: it must flag each of these, one at a time (a
# nop between them keeps fwait from fusing with the next), and none of
# the general-purpose and SVM instructions the hypervisor does use.
fpu_samples=(fld1 fldz faddp "fstp %st(1)" fxch "fnstcw (%rax)" "fldcw (%rax)" fninit fwait
	fnclex "fisttpl (%rax)" "fxsave (%rax)" "fxrstor (%rax)" "fxsave64 (%rax)" "fnsave (%rax)"
	"frstor (%rax)" "xsave (%rax)" "xrstor (%rax)" "xsaveopt (%rax)" "xsavec (%rax)"
	"xsaves (%rax)" "xrstors (%rax)" "xsave64 (%rax)" "ldmxcsr (%rax)" "stmxcsr (%rax)"
	"vldmxcsr (%rax)" "vstmxcsr (%rax)" emms femms "movd %eax, %mm0" "paddb %mm1, %mm0"
	"movq %mm0, %rax" "movaps %xmm0, %xmm1" "addps %xmm1, %xmm0" "pxor %xmm0, %xmm0"
	"cvtsi2sd %eax, %xmm0" "movq %rax, %xmm0" "movdqu (%rax), %xmm8" "vaddps %ymm0, %ymm1, %ymm2"
	vzeroupper vzeroall "vpaddd %zmm0, %zmm1, %zmm2" "kmovw %k1, %eax"
	"vmovdqu32 %zmm0, (%rax){%k1}")
{ echo .text; for i in "${fpu_samples[@]}"; do printf '\t%s\n\tnop\n' "$i"; done
  echo '.section .note.GNU-stack,"",@progbits'; } > "$tmp/fpu.S"
printf '%s\n' .text "mov %fs:0x28, %rax" "movq \$0, (%rax)" "rep stosb" "lock cmpxchg %rcx, (%rdx)" \
	lfence mfence sfence pause cpuid rdmsr wrmsr vmrun vmload vmsave stgi clgi invlpga xgetbv \
	"fs movl \$1, (%rax)" "notrack jmp *%rax" "mov %cr4, %rax" "mov %rax, %dr7" \
	'.section .note.GNU-stack,"",@progbits' > "$tmp/gp.S"
if gcc -c "$tmp/fpu.S" -o "$tmp/fpu.o" && gcc -c "$tmp/gp.S" -o "$tmp/gp.o"; then
	hits=$(fpu_insns "$tmp/fpu.o")
	is "the x87/MMX/SSE/AVX check flags each of ${#fpu_samples[@]} sample instructions" \
		"$(grep -c . <<<"$hits")" "${#fpu_samples[@]}"
	is "...and no general-purpose or SVM instruction" "$(fpu_insns "$tmp/gp.o")" ""
else
	not_ok "the x87/MMX/SSE/AVX check flags each sample instruction" "cannot assemble the samples"
	not_ok "...and no general-purpose or SVM instruction" "cannot assemble the samples"
fi
mapfile -t objs < <(find "$BUILD/rt" "$BUILD/sl" "$BUILD/probe/rt" -name '*.o')
hits=$(fpu_insns "${objs[@]}")
if [ "${#objs[@]}" -gt 0 ] && [ -z "$hits" ]; then
	ok "no x87, MMX, SSE or AVX in the SL and runtime (${#objs[@]} objects)"
else
	not_ok "no x87, MMX, SSE or AVX in the SL and runtime (${#objs[@]} objects)" \
		"$(head -n 5 <<<"$hits")"
fi
# Freestanding: nothing left undefined for a libc to fill.
und=$(nm -u "$BUILD/hv/runtime.elf" "$BUILD/hv/sl.elf" 2>&1 | grep -v ':$' | grep -v '^$')
is "SL and runtime have no undefined symbols" "$und" ""
# The probe's test hypercalls (one changes the runtime's rodata) exist
# only in the probe build, never in the production blob.
is "the test-only probe is in the probe build, not in the production runtime" \
	"$(nm "$BUILD/hv/runtime.elf" | grep -c probe_flip_byte) $(nm "$BUILD/probe/hv/runtime.elf" | grep -c probe_flip_byte)" "0 1"
rt_base=$(nm "$BUILD/hv/runtime.elf" | awk '$3 == "_rt_start" { print $1 }')
is "runtime is linked at XMHF_RT_VBASE" "$rt_base" "ffffffffc0000000"
done_testing
