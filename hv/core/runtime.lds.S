/* SPDX-License-Identifier: GPL-2.0 */
/* The runtime: linked in the top 1 GiB, header first, bss last. */
#include <xmhf/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(rt_entry)

SECTIONS
{
	. = XMHF_RT_VBASE;
	/* One section, padded inside, so runtime.bin ends on a page. */
	.image : {
		KEEP(*(.rt_header))
		*(.text .text.*)
		. = ALIGN(16);
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__hv_fixup_start = .;
		KEEP(*(.hv_fixup))
		__hv_fixup_end = .;
		__hypapps_start = .;
		KEEP(*(.hypapps))
		__hypapps_end = .;
		/* The exit page: its own page, kept by the unload scrub. */
		. = ALIGN(4096);
		_rt_exit_start = .;
		KEEP(*(.exit_text))
		. = ALIGN(4096);
		_rt_exit_end = .;
		_rt_code_end = .;	/* code + rodata: what the self-check hashes */
		*(.data .data.*)
		. = ALIGN(4096);
	}
	_rt_image_end = .;
	/*
	 * The log ring, apart: the unload scrub starts after it, so the
	 * module can show the hypervisor's last lines (hypapp shutdowns
	 * included).  The guest reads the whole ring anyway (XMHF_HC_LOG),
	 * and the module wipes the block before it frees it.
	 */
	.log_ring (NOLOAD) : { *(.bss.log_ring) }
	_rt_scrub_start = .;
	.bss (NOLOAD) : { *(.bss .bss.* COMMON) }
	. = ALIGN(4096);
	_rt_mem_end = .;

	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }
}

ASSERT(_rt_mem_end - XMHF_RT_VBASE <= XMHF_RT_MAX_SIZE, "runtime too big")
ASSERT(_rt_exit_end - _rt_exit_start == 4096, "the exit code outgrew its page")
