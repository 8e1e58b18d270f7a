/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU-mode switches of the launch and the native return
 * (docs/architecture.md, Launch steps 4-5 and Unload step 6).
 *
 * xmhf_enter_sl() runs in the kernel.  It records where Linux resumes,
 * switches to the transition page tables (Linux's kernel half plus a 1:1
 * map of the trampoline page) and jumps to the trampoline.  That drops to
 * 32-bit protected mode with paging off and enters the secure loader
 * under the SKINIT register contract.
 *
 * Linux comes back at xmhf_resume in one of two ways:
 *   - as the hypervisor's guest: VMRUN restored the complete state, RAX=0;
 *   - natively, when the runtime gave up before VMRUN: it jumped to the
 *     trampoline's return entry with RAX=1 and its own GDT, IDT and stack,
 *     so everything is restored here from the saved state.
 *
 * objtool is told to skip this file: it switches stacks and modes.
 */
#include <linux/linkage.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include "switch.h"

#define XMHF_HC_UNLOAD	3	/* uapi/xmhf/hypercall.h */

#define TR_CS32		0x08
#define TR_DS32		0x10

/*
 * What xmhf_enter_sl() and xmhf_leave() push and xmhf_resume pops: the
 * callee-saved registers and RFLAGS (IF=0 at the time), in one layout.
 */
.macro save_callee_regs
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushfq
.endm

.macro restore_callee_regs
	popfq
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
.endm

	.text

/*
 * long xmhf_enter_sl(struct xmhf_cpu_state *st, u64 transition_cr3,
 *		      u64 tramp_launch_pa, u64 sl_base, u64 sl_entry_pa,
 *		      struct xmhf_cpu_state *sl_copy)
 * tramp_launch_pa = 0 launches with SKINIT instead of the trampoline.
 * Completes *st (RSP, RIP, RFLAGS at this point), copies it to the SL's
 * parameter block (sl_copy) and enters the SL.  st must be module memory:
 * the hoisted guest cannot read the hypervisor's.  Returns 0 when Linux
 * resumes as the guest, RESUME_NATIVE otherwise.  Interrupts must be off.
 */
SYM_FUNC_START(xmhf_enter_sl)
	save_callee_regs
	movq	%rdi, xmhf_resume_state(%rip)
	movq	%rsp, ST_RSP(%rdi)
	leaq	xmhf_resume(%rip), %rax
	movq	%rax, ST_RIP(%rdi)
	pushfq
	popq	ST_RFLAGS(%rdi)
	movq	%rbx, ST_RBX(%rdi)

	movq	%rsi, %r10		/* transition CR3 */
	movq	%rcx, %r11		/* SL base */
	movq	%rdi, %rsi
	movq	%r9, %rdi
	movl	$ST_SIZE / 8, %ecx
	rep movsq

	movq	%rdx, %rax		/* trampoline, 1:1 mapped; 0 = SKINIT */
	movq	%r11, %rsi
	movq	%r8, %rdx		/* SL entry */
	testq	%rax, %rax
	jz	.Lskinit
	movq	%r10, %cr3		/* kernel half unchanged: we keep running */
	jmp	*%rax
.Lskinit:
	/* The one instruction in which the two launch kinds differ. */
	movl	%esi, %eax
	skinit
SYM_FUNC_END(xmhf_enter_sl)

/*
 * long xmhf_leave(struct xmhf_cpu_state *st)
 * Asks the hypervisor to unload (VMMCALL UNLOAD).  It comes back natively
 * through xmhf_resume with the state in *st (filled by the caller just
 * before, interrupts off) and returns RESUME_NATIVE; if the hypervisor
 * refuses, VMMCALL simply returns and so do we, with its error code.
 * The pushes match xmhf_enter_sl(): xmhf_resume unwinds either.
 */
SYM_FUNC_START(xmhf_leave)
	save_callee_regs
	movq	%rdi, xmhf_resume_state(%rip)
	movq	%rsp, ST_RSP(%rdi)
	movl	$XMHF_HC_UNLOAD, %eax
	vmmcall
	restore_callee_regs
	RET
SYM_FUNC_END(xmhf_leave)

/* Build a 10-byte pseudo-descriptor on the stack and load it. */
.macro load_dtr insn, base_off, limit_off
	subq	$16, %rsp
	movl	\limit_off(%rbx), %eax
	movw	%ax, (%rsp)
	movq	\base_off(%rbx), %rax
	movq	%rax, 2(%rsp)
	\insn	(%rsp)
	addq	$16, %rsp
.endm

/* wrmsr of a 64-bit value held at off(%rbx). */
.macro restore_msr msr, off
	movl	$\msr, %ecx
	movl	\off(%rbx), %eax
	movl	\off+4(%rbx), %edx
	wrmsr
.endm

SYM_CODE_START(xmhf_resume)
	endbr64
	movq	xmhf_resume_state(%rip), %rbx
	movq	ST_RSP(%rbx), %rsp	/* the native path arrives on the hv's stack */
	cmpq	$RESUME_NATIVE, %rax
	jne	.Lresume_done

	/* Native: descriptor tables first, before anything can fault. */
	load_dtr lgdt, ST_GDTR_BASE, ST_GDTR_LIMIT
	load_dtr lidt, ST_IDTR_BASE, ST_IDTR_LIMIT
	movzwq	ST_CS(%rbx), %rax
	pushq	%rax
	leaq	.Lreload_cs(%rip), %rax
	pushq	%rax
	lretq
.Lreload_cs:
	movw	ST_SS(%rbx), %ss
	movw	ST_DS(%rbx), %ds
	movw	ST_ES(%rbx), %es
	movw	ST_FS(%rbx), %fs
	movw	ST_GS(%rbx), %gs
	restore_msr MSR_FS_BASE, ST_FS + SEG_BASE
	restore_msr MSR_GS_BASE, ST_GS + SEG_BASE
	restore_msr MSR_KERNEL_GS_BASE, ST_KGS_BASE
	restore_msr MSR_IA32_CR_PAT, ST_PAT

	/* CR4 may set PCIDE only while CR3's PCID is 0, as it is now. */
	movq	ST_CR4(%rbx), %rax
	movq	%rax, %cr4
	movq	ST_CR3(%rbx), %rax
	movq	%rax, %cr3
	movq	ST_CR0(%rbx), %rax
	movq	%rax, %cr0
	movq	ST_DR7(%rbx), %rax
	movq	%rax, %db7

	restore_msr MSR_STAR, ST_STAR
	restore_msr MSR_LSTAR, ST_LSTAR
	restore_msr MSR_CSTAR, ST_CSTAR
	restore_msr MSR_SYSCALL_MASK, ST_SFMASK
	restore_msr MSR_IA32_SYSENTER_CS, ST_SYSENTER_CS
	restore_msr MSR_IA32_SYSENTER_ESP, ST_SYSENTER_ESP
	restore_msr MSR_IA32_SYSENTER_EIP, ST_SYSENTER_EIP
	/*
	 * GIF stays 0: an NMI now would find the hypervisor's TSS in TR.
	 * The caller reloads TR, then sets GIF and EFER (xmhf_native_done()).
	 */
	movl	$RESUME_NATIVE, %eax
	jmp	.Lresume_ret
.Lresume_done:
	xorl	%eax, %eax
.Lresume_ret:
	restore_callee_regs
	RET
SYM_CODE_END(xmhf_resume)

/*
 * The trampoline: copied to a page below 4 GiB, mapped 1:1 both by the
 * transition tables and by the hypervisor.  Position independent.
 */
	.balign	16
SYM_CODE_START(xmhf_tramp_start)
	/* Launch entry: RSI = SL base, RDX = SL entry, both < 4 GiB. */
	leaq	tramp_gdt(%rip), %rax
	movq	%rax, tramp_gdtr+2(%rip)
	lgdt	tramp_gdtr(%rip)
	leaq	.Ltramp32(%rip), %rax
	pushq	$TR_CS32
	pushq	%rax
	lretq

	.code32
.Ltramp32:
	movl	%edx, %ebp		/* SL entry: RDMSR below clobbers EDX */
	movl	$TR_DS32, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* Paging off leaves long mode; we run 1:1 so fetching goes on. */
	movl	%cr0, %eax
	andl	$0x7fffffff, %eax	/* ~X86_CR0_PG */
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	orl	$EFER_SVME, %eax	/* CLGI needs SVME */
	wrmsr
	xorl	%eax, %eax
	movl	%eax, %cr4
	clgi
	/* The SKINIT register contract: EAX = base, ESP = base + 64 KiB. */
	movl	%esi, %eax
	leal	0x10000(%esi), %esp
	jmp	*%ebp

	.code64
	.balign	8
/* Return entry: 64-bit, paging on, RAX = RESUME_NATIVE. */
SYM_INNER_LABEL(xmhf_tramp_return, SYM_L_GLOBAL)
	movq	tramp_cr3(%rip), %r11
	movq	%r11, %cr3
	jmpq	*tramp_resume(%rip)

	.balign	8
SYM_INNER_LABEL(xmhf_tramp_cr3, SYM_L_GLOBAL)
tramp_cr3:	.quad	0
SYM_INNER_LABEL(xmhf_tramp_resume, SYM_L_GLOBAL)
tramp_resume:	.quad	0
tramp_gdtr:
	.word	tramp_gdt_end - tramp_gdt - 1
	.quad	0
	.balign	8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
tramp_gdt_end:
SYM_INNER_LABEL(xmhf_tramp_end, SYM_L_GLOBAL)
SYM_CODE_END(xmhf_tramp_start)

	.data
	.balign	8
SYM_DATA(xmhf_resume_state, .quad 0)

