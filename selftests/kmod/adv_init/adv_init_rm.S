/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The real-mode code an INIT sends a CPU to (a SIPI to page 0x8, or the
 * BIOS's warm-reset vector 0x0800:0000): copied to physical 0x8000 by
 * adv_init.  It proves it ran without nested paging by leaving, in the
 * same page, a magic word and the TPM locality-2 access register (which
 * the hypervisor keeps unmapped), and by writing a marker at the 32-bit
 * physical address in its "hv" slot (the hypervisor's runtime, when the
 * test passes one).  Then it halts for good.
 */
#define RM_BASE		0x8000
#define RM_MAGIC_OFF	0x800		/* "ESC!" once it ran */
#define RM_TPM_OFF	0x804		/* TPM locality 2 access byte */
#define RM_HV_OFF	0x808		/* in: 0, or where to write the marker */

	.section .rodata
	.globl	adv_init_rm_start, adv_init_rm_end
	.code16
adv_init_rm_start:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	(rm_gdtr - adv_init_rm_start)
	movl	%cr0, %eax
	orb	$1, %al
	movl	%eax, %cr0
	jmp	1f
1:	movw	$8, %bx			/* flat 4 GiB data: "unreal" FS */
	movw	%bx, %fs
	andb	$0xfe, %al
	movl	%eax, %cr0
	jmp	2f
2:	movl	$0xfed42000, %esi
	addr32 movb %fs:(%esi), %al
	movb	%al, (RM_TPM_OFF)
	movl	(RM_HV_OFF), %edi
	testl	%edi, %edi
	jz	3f
	addr32 movl $0x21435345, %fs:(%edi)
3:	movl	$0x21435345, (RM_MAGIC_OFF)
4:	cli
	hlt
	jmp	4b

	.balign	8
rm_gdt:
	.quad	0
	.quad	0x00cf92000000ffff	/* data, base 0, 4 GiB, writable */
rm_gdtr:
	.word	15
	.long	RM_BASE + (rm_gdt - adv_init_rm_start)
adv_init_rm_end:
	.code64
