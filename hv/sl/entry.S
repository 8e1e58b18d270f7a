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

	/* Patch base = EBP into both descriptors, through flat SS. */
	leal	gdt(%ebp), %edi
	movl	%ebp, %eax
	movw	%ax, %ss:(SEL_CODE + 2)(%edi)
	movw	%ax, %ss:(SEL_DATA + 2)(%edi)
	shrl	$16, %eax
	movb	%al, %ss:(SEL_CODE + 4)(%edi)
	movb	%al, %ss:(SEL_DATA + 4)(%edi)
	movb	%ah, %ss:(SEL_CODE + 7)(%edi)
	movb	%ah, %ss:(SEL_DATA + 7)(%edi)
	movl	%edi, %ss:(gdt_ptr + 2)(%ebp)
	lgdt	%ss:gdt_ptr(%ebp)

	/* Far return into the based code segment: offsets now link-time. */
	pushl	$SEL_CODE
	pushl	$1f
	lret
1:	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$XMHF_SL_MAX_SIZE, %esp

	pushl	%ebp			/* sl_main(u32 base) */
	call	sl_main
2:	hlt
	jmp	2b

	.data
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* code: 32-bit, 4 GiB, base patched */
	.quad	0x00cf92000000ffff	/* data: 4 GiB, base patched */
gdt_end:
	.balign	4
gdt_ptr:
	.word	gdt_end - gdt - 1
	.long	0			/* linear address, patched */
