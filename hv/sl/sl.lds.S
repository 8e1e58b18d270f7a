/* SPDX-License-Identifier: GPL-2.0 */
/* The secure loader block: linked at 0, one flat image, SLB header first. */
#include <xmhf/layout.h>

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(sl_entry)

SECTIONS
{
	. = 0;
	.slb : {
		KEEP(*(.slb_header))
		*(.text .text.*)
		*(.rodata .rodata.*)
		*(.data .data.*)
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
	}
	_sl_measured_end = .;

	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }
}

/* The measured part and the stack share the 64 KiB SLB. */
ASSERT(_sl_measured_end <= XMHF_SL_MAX_SIZE - XMHF_SL_STACK_SIZE,
       "secure loader too big: it must leave the stack room in 64 KiB")
ASSERT(sl_entry < _sl_measured_end, "SL entry outside the measured part")
