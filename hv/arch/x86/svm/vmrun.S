/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One world switch: guest GPRs in, VMLOAD/VMRUN/VMSAVE, guest GPRs out,
 * then the host's own FS/GS/TR/LDTR and syscall MSRs back with VMLOAD.
 *
 * void svm_vmrun(struct vcpu *v, u64 vmcb_pa, u64 host_save_pa)
 * RAX and RSP of the guest live in the VMCB; struct guest_regs is at the
 * start of struct vcpu (see core/vcpu.h for the order).
 */
#define R_RBX	0
#define R_RCX	8
#define R_RDX	16
#define R_RSI	24
#define R_RDI	32
#define R_RBP	40
#define R_R8	48
#define R_R9	56
#define R_R10	64
#define R_R11	72
#define R_R12	80
#define R_R13	88
#define R_R14	96
#define R_R15	104

	.text
	.code64
	.globl	svm_vmrun
svm_vmrun:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx			/* host save area */
	pushq	%rdi			/* vcpu */

	movq	%rsi, %rax		/* VMRUN takes the VMCB in RAX */
	movq	R_RBX(%rdi), %rbx
	movq	R_RCX(%rdi), %rcx
	movq	R_RDX(%rdi), %rdx
	movq	R_RSI(%rdi), %rsi
	movq	R_RBP(%rdi), %rbp
	movq	R_R8(%rdi), %r8
	movq	R_R9(%rdi), %r9
	movq	R_R10(%rdi), %r10
	movq	R_R11(%rdi), %r11
	movq	R_R12(%rdi), %r12
	movq	R_R13(%rdi), %r13
	movq	R_R14(%rdi), %r14
	movq	R_R15(%rdi), %r15
	movq	R_RDI(%rdi), %rdi

	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	/* Host RSP and RAX are back (RAX = VMCB); guest GPRs are live. */
	pushq	%rdi
	movq	8(%rsp), %rdi		/* vcpu */
	popq	R_RDI(%rdi)
	movq	%rbx, R_RBX(%rdi)
	movq	%rcx, R_RCX(%rdi)
	movq	%rdx, R_RDX(%rdi)
	movq	%rsi, R_RSI(%rdi)
	movq	%rbp, R_RBP(%rdi)
	movq	%r8, R_R8(%rdi)
	movq	%r9, R_R9(%rdi)
	movq	%r10, R_R10(%rdi)
	movq	%r11, R_R11(%rdi)
	movq	%r12, R_R12(%rdi)
	movq	%r13, R_R13(%rdi)
	movq	%r14, R_R14(%rdi)
	movq	%r15, R_R15(%rdi)

	popq	%rdi
	popq	%rax			/* host save area */
	vmload	%rax
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
