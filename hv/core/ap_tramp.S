/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The APs' way into the hypervisor.  smp.c copies the bytes between
 * ap_tramp_start and ap_tramp_end to a page below 1 MiB, patches the data
 * words at the end, and sends INIT-SIPI-SIPI with that page as vector.
 * The AP arrives in real mode at CS:0 and goes through 32-bit protected
 * mode into long mode on the boot CPU's page tables (which map low
 * memory 1:1), then jumps to ap_entry on its own stack.
 *
 * Real mode knows the page only through CS, so the 16-bit part reads its
 * data relative to DS = CS, and the 32-bit part relative to EBX = base.
 */
#define TR_CS32		0x08
#define TR_DS		0x10
#define TR_CS64		0x18
#define MSR_EFER	0xc0000080
#define EFER_LME	0x100
#define CR0_PE		0x1
#define CR0_CD_NW	0x60000000

#define OFF(sym)	((sym) - ap_tramp_start)

	.section .rodata
	.balign	16
	.globl	ap_tramp_start
ap_tramp_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx
	lgdtl	OFF(apt_gdtr)
	movl	%cr0, %eax
	andl	$~CR0_CD_NW, %eax	/* INIT leaves caching off */
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*OFF(apt_far32)

	.code32
apt_pm32:
	movl	$TR_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	/* LA57 may only change with paging off, as it is here. */
	movl	OFF(apt_cr4)(%ebx), %eax
	movl	%eax, %cr4
	movl	OFF(apt_cr3)(%ebx), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	OFF(apt_cr0)(%ebx), %eax
	movl	%eax, %cr0
	ljmpl	*OFF(apt_far64)(%ebx)

	.code64
apt_lm64:
	movq	apt_stack(%rip), %rsp
	movl	apt_index(%rip), %edi
	movabsq	$ap_entry, %rax
	jmpq	*%rax

	.balign	8
apt_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
apt_gdt_end:

/* Patched by smp.c; struct ap_tramp_data in smp.c mirrors this layout. */
	.balign	8
	.globl	ap_tramp_data
ap_tramp_data:
apt_gdtr:
	.word	apt_gdt_end - apt_gdt - 1
	.long	0			/* base + OFF(apt_gdt) */
	.word	0
apt_far32:
	.long	0			/* base + OFF(apt_pm32) */
	.word	TR_CS32
	.word	0
apt_far64:
	.long	0			/* base + OFF(apt_lm64) */
	.word	TR_CS64
	.word	0
apt_cr0:
	.long	0
apt_cr3:
	.long	0
apt_cr4:
	.long	0
apt_index:
	.long	0
apt_stack:
	.quad	0
	.globl	ap_tramp_end
ap_tramp_end:

	.globl	ap_tramp_pm32_off, ap_tramp_lm64_off, ap_tramp_gdt_off
	.balign	4
ap_tramp_pm32_off:	.long	OFF(apt_pm32)
ap_tramp_lm64_off:	.long	OFF(apt_lm64)
ap_tramp_gdt_off:	.long	OFF(apt_gdt)

	.text
	.code64
/* From the trampoline: RSP = this AP's stack top, EDI = its index. */
	.globl	ap_entry
ap_entry:
	call	ap_main
1:	cli
	hlt
	jmp	1b

/*
 * Parking for unload, called in the NMI handler so NMIs stay blocked:
 * GIF on so the module's INIT gets through (INIT is held while GIF = 0),
 * interrupts off, SVM off, halted until the INIT.  No stack, no data.
 * In the exit page, which the unload scrub keeps: the rest of the
 * runtime's code is gone by the time the INIT comes.
 */
	.pushsection .exit_text, "ax"
	.globl	ap_park
ap_park:
	cli
	stgi
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~0x1000, %eax		/* EFER.SVME */
	wrmsr
2:	hlt
	jmp	2b
	.popsection
