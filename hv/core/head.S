/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime image header and 64-bit entry.  The header sits at the image's
 * first byte so the packer and the SL find size and entry without ELF.
 */
#include <xmhf/blob.h>

	.section .rt_header, "a"
	.globl	_rt_start
_rt_start:
	.long	XMHF_RT_MAGIC
	.long	_rt_image_end - _rt_start
	.long	_rt_mem_end - _rt_start
	.long	rt_entry - _rt_start
	.quad	_rt_start
	.long	log_ring - _rt_start
	.long	_rt_exit_start - _rt_start

	.text
	.code64
	.globl	rt_entry
/* Entered from the SL in long mode; RDI = SL parameter block. */
rt_entry:
	cli
	cld
	/* The bss is ours to clear: nothing says the loader zeroed it. */
	movq	%rdi, %r12
	leaq	_rt_image_end(%rip), %rdi
	leaq	_rt_mem_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	leaq	boot_stack_top(%rip), %rsp
	movq	%r12, %rdi
	call	rt_main
1:	cli
	hlt
	jmp	1b

/*
 * Unload, last step: zero the four ranges -- everything the hypervisor
 * owns in its first block but this page, the SL's page tables the CPU is
 * running on, and the log ring -- through the 1:1 map; then, if prog is
 * not 0, run the IOMMU's release program at prog (docs/dma.md, "Unload":
 * the IOMMU kept devices off until now) and zero the two ranges at its
 * head (the IOMMU's tables, the program itself, the SL's); then return
 * natively.  All in registers: the stack is among what goes.
 * void rt_scrub_and_return(u64 tramp_pa, const u64 ranges[8], u64 prog)
 *   ranges: start, end pairs, physical, ascending.
 *   prog: late[4] (two start, end pairs), then (op, address, value)
 *   triples: 1 store 64 bits, 2 store 32 bits, 3 wait until the 64 bits
 *   at address equal value (bounded), 0 end.
 */
	.section .exit_text, "ax"
	.globl	rt_scrub_and_return
rt_scrub_and_return:
	cli
	movq	%rdi, %rbx
	movq	%rdx, %rbp
	movq	0(%rsi), %r8
	movq	8(%rsi), %r9
	movq	16(%rsi), %r10
	movq	24(%rsi), %r11
	movq	32(%rsi), %r12
	movq	40(%rsi), %r13
	movq	48(%rsi), %r14
	movq	56(%rsi), %r15
	xorl	%eax, %eax
	movq	%r8, %rdi
	movq	%r9, %rcx
	subq	%r8, %rcx
	rep stosb
	movq	%r10, %rdi
	movq	%r11, %rcx
	subq	%r10, %rcx
	rep stosb
	movq	%r12, %rdi
	movq	%r13, %rcx
	subq	%r12, %rcx
	rep stosb
	movq	%r14, %rdi
	movq	%r15, %rcx
	subq	%r14, %rcx
	rep stosb
	testq	%rbp, %rbp
	jz	9f
	leaq	32(%rbp), %rsi
1:	movq	0(%rsi), %rax
	movq	8(%rsi), %rdi
	movq	16(%rsi), %rdx
	addq	$24, %rsi
	cmpq	$1, %rax
	jne	2f
	movq	%rdx, (%rdi)
	jmp	1b
2:	cmpq	$2, %rax
	jne	3f
	movl	%edx, (%rdi)
	jmp	1b
3:	cmpq	$3, %rax
	jne	5f
	movl	$0x4000000, %ecx	/* about a second: then on regardless */
4:	cmpq	%rdx, (%rdi)
	je	1b
	pause
	decl	%ecx
	jnz	4b
	jmp	1b
5:	movq	0(%rbp), %r8
	movq	8(%rbp), %r9
	movq	16(%rbp), %r10
	movq	24(%rbp), %r11
	xorl	%eax, %eax
	movq	%r10, %rdi
	movq	%r11, %rcx
	subq	%r10, %rcx
	rep stosb
	movq	%r8, %rdi
	movq	%r9, %rcx
	subq	%r8, %rcx
	rep stosb
9:	movl	$1, %eax
	jmpq	*%rbx
	.text

	.section .bss
	.balign	16
	.globl	boot_stack		/* reported by XMHF_HC_LAYOUT */
boot_stack:
	.skip	0x4000
boot_stack_top:
