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
	.long	0

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

/* Back to Linux natively through the module's trampoline (RAX = 1). */
	.globl	rt_return_native
rt_return_native:
	movl	$1, %eax
	jmpq	*%rdi

/*
 * Unload: scrub [start, end) -- bss, stack and heap, secrets included --
 * then return natively.  Nothing touches the stack after the scrub.
 * void rt_scrub_and_return(u64 tramp_pa, void *start, void *end)
 */
	.globl	rt_scrub_and_return
rt_scrub_and_return:
	movq	%rdi, %r8
	movq	%rsi, %rdi
	movq	%rdx, %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	movl	$1, %eax
	jmpq	*%r8

	.section .bss
	.balign	16
	.globl	boot_stack		/* reported by XMHF_HC_LAYOUT */
boot_stack:
	.skip	0x4000
boot_stack_top:
