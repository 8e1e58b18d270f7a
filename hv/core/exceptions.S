/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry stubs for vectors 0-31.  Each builds a struct exception_frame
 * (core/cpu_setup.h) and calls exception_handler().  It returns non-zero
 * for an NMI and for a fault at an instruction with a fixup (rdmsr_safe
 * and the like); those resume with iretq.  Everything else halts.
 */
#include <core/cpu_setup.h>

/* Vectors for which the CPU pushes an error code of its own. */
.macro	STUB vec, has_error
	.balign	16
exc_stub_\vec:
	.if	\has_error == 0
	pushq	$0			/* keep one frame layout for all */
	.endif
	pushq	$\vec
	jmp	exc_common
.endm

	.text
	.code64

	STUB	0, 0
	STUB	1, 0
	STUB	2, 0
	STUB	3, 0
	STUB	4, 0
	STUB	5, 0
	STUB	6, 0
	STUB	7, 0
	STUB	8, 1			/* #DF: always 0 */
	STUB	9, 0
	STUB	10, 1			/* #TS */
	STUB	11, 1			/* #NP */
	STUB	12, 1			/* #SS */
	STUB	13, 1			/* #GP */
	STUB	14, 1			/* #PF */
	STUB	15, 0
	STUB	16, 0
	STUB	17, 1			/* #AC */
	STUB	18, 0
	STUB	19, 0
	STUB	20, 0
	STUB	21, 1			/* #CP */
	STUB	22, 0
	STUB	23, 0
	STUB	24, 0
	STUB	25, 0
	STUB	26, 0
	STUB	27, 0
	STUB	28, 0
	STUB	29, 1			/* #VC */
	STUB	30, 1			/* #SX */
	STUB	31, 0

/*
 * Stack on entry: vector, error code, RIP, CS, RFLAGS, RSP, SS.  The CPU
 * aligned RSP to 16 before its 5 pushes, so after our 2 + 15 pushes RSP
 * is 16-byte aligned again (EXC_FRAME_SIZE is a multiple of 16); the
 * "and" below only guards that assumption.
 */
	.balign	16
exc_common:
	cld				/* the C ABI wants DF = 0 */
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi		/* struct exception_frame * */
	movq	%rsp, %rbx		/* callee-saved across the call */
	andq	$-16, %rsp
	call	exception_handler	/* non-zero: resume (NMI, fixed up) */
	movq	%rbx, %rsp
	testl	%eax, %eax
	jz	exc_halt
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq

exc_halt:
	cli
	hlt
	jmp	exc_halt

	.section .rodata, "a"
	.balign	8
	.globl	exception_stubs
exception_stubs:
	.irp	v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.quad	exc_stub_\v
	.endr
	.irp	v, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	.quad	exc_stub_\v
	.endr
