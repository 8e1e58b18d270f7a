/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Secure loader entry.  The CPU (SKINIT) or the module (emulated launch)
 * arrives here in 32-bit flat protected mode, paging off, GIF = 0, with
 * EAX = SLB base and ESP = base + 64 KiB.
 *
 * The SL is linked at 0 and made position independent with segmentation:
 * it loads its own GDT whose code and data segments have base = SLB base,
 * so every link-time address is right wherever the SLB was placed.
 */
#include <xmhf/layout.h>

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18
#define GDT_SIZE	32		/* four descriptors */
#define IDT_VECTORS	32		/* the exceptions; NMI is 2 */

#define MSR_EFER	0xc0000080
#define EFER_LME	0x100
#define CR0_PG		0x80000000
#define CR4_PAE		0x20
#define CR4_LA57	0x1000

	.section .slb_header, "a"
	.globl	_sl_start
_sl_start:
	.word	sl_entry		/* linked at 0: symbol == offset */
	.word	_sl_measured_end	/* SKINIT measures this many bytes */

	.text
	.code32
	.globl	sl_entry
sl_entry:
	cli
	cld
	movl	%eax, %ebp		/* EBP = base for the whole of entry */
	/*
	 * No breakpoint of the pre-launch kernel's may fire in the SL or the
	 * runtime: DR7 comes from the caller on the emulated launch.
	 */
	movl	$0x400, %eax
	movl	%eax, %dr7

	/*
	 * Clear the scratch area (bss and our GDT) through SS, the one data
	 * segment both SKINIT and the emulated launch leave flat.
	 */
	leal	_sl_scratch(%ebp), %edi
	leal	_sl_scratch_end(%ebp), %ecx
1:	cmpl	%ecx, %edi
	jae	2f
	movl	$0, %ss:(%edi)
	addl	$4, %edi
	jmp	1b
2:	/* The GDT template (measured, read-only) into scratch. */
	leal	gdt_template(%ebp), %esi
	leal	gdt(%ebp), %edi
	movl	$(GDT_SIZE / 4), %ecx
3:	movl	%ss:(%esi), %eax
	movl	%eax, %ss:(%edi)
	addl	$4, %esi
	addl	$4, %edi
	loop	3b

	/* Patch base = EBP into the code and data descriptors. */
	leal	gdt(%ebp), %edi
	movl	%ebp, %eax
	movw	%ax, %ss:(SEL_CODE + 2)(%edi)
	movw	%ax, %ss:(SEL_DATA + 2)(%edi)
	shrl	$16, %eax
	movb	%al, %ss:(SEL_CODE + 4)(%edi)
	movb	%al, %ss:(SEL_DATA + 4)(%edi)
	movb	%ah, %ss:(SEL_CODE + 7)(%edi)
	movb	%ah, %ss:(SEL_DATA + 7)(%edi)
	movw	$(GDT_SIZE - 1), %ss:gdt_ptr(%ebp)
	movl	%edi, %ss:(gdt_ptr + 2)(%ebp)
	lgdt	%ss:gdt_ptr(%ebp)

	/* Far return into the based code segment: offsets now link-time. */
	pushl	$SEL_CODE
	pushl	$4f
	lret
4:	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$XMHF_SL_MAX_SIZE, %esp

	/*
	 * Our own IDT before anything can fault: the IDTR still points at
	 * the kernel's, whose handlers must never run in here.  Every vector
	 * halts the CPU for good (fail closed).  Long mode needs 16-byte
	 * gates: from sl_enter_runtime on, until the runtime loads its own
	 * IDT, an exception is a triple fault instead.
	 */
	movl	$sl_fault, %eax
	movl	%eax, %edx
	andl	$0xffff, %eax
	orl	$(SEL_CODE << 16), %eax	/* selector:offset[15:0] */
	andl	$0xffff0000, %edx
	orl	$0x8e00, %edx		/* present, DPL 0, 32-bit interrupt gate */
	movl	$idt, %edi
	movl	$IDT_VECTORS, %ecx
6:	movl	%eax, (%edi)
	movl	%edx, 4(%edi)
	addl	$8, %edi
	loop	6b
	movw	$(IDT_VECTORS * 8 - 1), idt_ptr
	leal	idt(%ebp), %eax		/* the IDTR takes a linear address */
	movl	%eax, idt_ptr + 2
	lidt	idt_ptr

	pushl	%ebp			/* sl_main(u32 base) */
	call	sl_main
5:	hlt
	jmp	5b

/* Any exception or NMI in the SL: stop here, GIF and IF off. */
sl_fault:
	cli
7:	hlt
	jmp	7b

/*
 * void sl_enter_runtime(u32 top_table, u32 la57, u32 params, u32 entry_lo,
 *			 u32 entry_hi)
 * Turns on long mode with the given tables (which map this code 1:1) and
 * jumps to the runtime's 64-bit entry with RDI = params (linear address).
 */
	.globl	sl_enter_runtime
sl_enter_runtime:
	movl	4(%esp), %ebx
	movl	8(%esp), %ecx
	movl	12(%esp), %esi
	movl	16(%esp), %edi
	movl	20(%esp), %ebp
	/* LA57 may only change while paging is off, as it is here. */
	movl	$CR4_PAE, %eax
	testl	%ecx, %ecx
	jz	1f
	orl	$CR4_LA57, %eax
1:	movl	%eax, %cr4
	movl	%ebx, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0
	/* Compatibility mode now; 64-bit code needs a linear target. */
	movl	sl_base_linear, %eax
	addl	$2f, %eax
	pushl	$SEL_CODE64
	pushl	%eax
	lret

	.code64
2:	movl	%edi, %eax		/* zero-extends: upper halves undefined */
	movl	%ebp, %ebp
	shlq	$32, %rbp
	orq	%rbp, %rax
	movl	%esi, %edi
	jmpq	*%rax
	.code32

	.section .rodata
	.balign	8
gdt_template:
	.quad	0
	.quad	0x00cf9a000000ffff	/* code: 32-bit, 4 GiB, base patched */
	.quad	0x00cf92000000ffff	/* data: 4 GiB, base patched */
	.quad	0x00af9a000000ffff	/* code: 64-bit, for the runtime entry */
gdt_template_end:

	.section .bss
	.balign	8
gdt:
	.skip	GDT_SIZE
gdt_ptr:
	.skip	8
	.balign	8
idt:
	.skip	IDT_VECTORS * 8
idt_ptr:
	.skip	8
