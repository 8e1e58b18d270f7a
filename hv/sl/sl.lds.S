/* SPDX-License-Identifier: GPL-2.0 */
/* The secure loader block: linked at 0, one flat image, SLB header first. */
#include <xmhf/layout.h>

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(sl_entry)

SECTIONS
{
	. = 0;
	/* What SKINIT measures: header, code, constants.  Nothing here is
	 * written at run time, so the SL can re-hash itself exactly. */
	.slb : {
		KEEP(*(.slb_header))
		*(.text .text.*)
		*(.rodata .rodata.*)
		. = ALIGN(16);
	}
	_sl_measured_end = .;

	/* Scratch after the measured part: cleared by the SL's entry. */
	/* Initialized writable data would be lost in NOLOAD scratch. */
	.data_must_be_empty : { *(.data .data.*) }

	.scratch (NOLOAD) : {
		_sl_scratch = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		_sl_scratch_end = .;
	}

	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }
}

/* The measured part and the stack share the 64 KiB SLB. */
ASSERT(_sl_measured_end <= XMHF_SL_MAX_SIZE - XMHF_SL_STACK_SIZE,
       "secure loader too big: it must leave the stack room in 64 KiB")
ASSERT(_sl_scratch_end <= XMHF_SL_MAX_SIZE - XMHF_SL_STACK_SIZE,
       "secure loader scratch data runs into its stack")
ASSERT(SIZEOF(.data_must_be_empty) == 0,
       "the SL has initialized writable data: make it const or zero-initialized")
ASSERT(sl_entry < _sl_measured_end, "SL entry outside the measured part")
