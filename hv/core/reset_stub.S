/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last code the hypervisor runs before a reset or sleep the guest
 * asked for (core/reset.h): it scrubs every byte of the 4 MiB block but
 * its own instructions and the SL's page tables it runs on (addresses,
 * no secrets), then makes the guest's OUT, then resets the platform by
 * every means it knows should that OUT not end the machine.  Registers
 * only from the first store on: the stack is scrubbed too.
 *
 * void rt_scrub_and_out(u64 base_pa, u32 port, u32 val, u32 size,
 *			 u64 delay_tsc) __attribute__((noreturn));
 */
#include <xmhf/layout.h>

/* About delay_tsc TSC cycles, with nothing but registers. */
.macro	WAIT
	rdtsc
	shlq	$32, %rdx
	orq	%rax, %rdx
	movq	%rdx, %r14
99:	pause
	rdtsc
	shlq	$32, %rdx
	orq	%rax, %rdx
	subq	%r14, %rdx
	cmpq	%r13, %rdx
	jb	99b
.endm

	.text
	.code64
	.balign	16
	.globl	rt_scrub_and_out
rt_scrub_and_out:
	cli
	cld
	movq	%rdi, %r9		/* the block's physical base (1:1 below 4 GiB) */
	movl	%esi, %r10d		/* port */
	movl	%edx, %r11d		/* value */
	movl	%ecx, %r12d		/* size */
	movq	%r8, %r13		/* delay */
	xorl	%eax, %eax
	/* The secure loader and its parameter block. */
	movq	%r9, %rdi
	movq	$XMHF_EARLY_OFFSET, %rcx
	rep stosb
	/* After the SL's page tables, up to the runtime. */
	leaq	XMHF_EARLY_OFFSET + XMHF_EARLY_TABLES * 4096(%r9), %rdi
	movq	$(XMHF_RT_OFFSET - XMHF_EARLY_OFFSET - XMHF_EARLY_TABLES * 4096), %rcx
	rep stosb
	/* The runtime below this code: image, log ring, bss, heap... */
	movabsq	$XMHF_RT_VBASE, %rdi
	leaq	rt_scrub_and_out(%rip), %rcx
	subq	%rdi, %rcx
	rep stosb
	/* ...and above it, to the block's end. */
	leaq	rt_scrub_end(%rip), %rdi
	movabsq	$(XMHF_RT_VBASE + XMHF_RT_MAX_SIZE), %rcx
	subq	%rdi, %rcx
	rep stosb
	/* Into DRAM: a reset need not write dirty lines back. */
	wbinvd

	/* The guest's own request. */
	movl	%r10d, %edx
	movl	%r11d, %eax
	cmpl	$1, %r12d
	jne	1f
	outb	%al, %dx
	jmp	3f
1:	cmpl	$2, %r12d
	jne	2f
	outw	%ax, %dx
	jmp	3f
2:	outl	%eax, %dx
3:
	/* Still here: a hard reset through 0xCF9, the 8042, port 0x92. */
	WAIT
	movw	$0xcf9, %dx
	movb	$0x02, %al
	outb	%al, %dx
	movb	$0x06, %al
	outb	%al, %dx
	WAIT
	movb	$0xfe, %al
	outb	%al, $0x64
	WAIT
	inb	$0x92, %al
	orb	$1, %al
	outb	%al, $0x92
	WAIT
	/* Last: a triple fault (an empty IDT, then an exception). */
	lidt	zero_idtr(%rip)
	ud2
4:	hlt
	jmp	4b
	.balign	8
zero_idtr:
	.word	0
	.quad	0
	.globl	rt_scrub_end
rt_scrub_end:
