// SPDX-License-Identifier: GPL-2.0
/*
 * Secure loader, C part.  Runs in 32-bit protected mode with segment
 * base = SLB base (see entry.S), so a pointer p reaches linear address
 * base + p; sl_phys() turns a physical address into such a pointer.
 */
#include <types.h>
#include <sl.h>
#include <lib/string.h>
#include <xmhf/layout.h>

void sl_main(u32 base);

static u32 sl_base;
static u16 log_port;

/* Linear = base + offset (mod 2^32), so any address below 4 GiB works. */
static void *sl_phys(u32 phys)
{
	return (void *)(uintptr_t)(phys - sl_base);
}

static void outb(u16 port, u8 val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static void sl_puts(const char *s)
{
	if (!log_port)
		return;
	while (*s)
		outb(log_port, *s++);
}

static void __attribute__((noreturn)) sl_halt(void)
{
	for (;;)
		asm volatile("hlt");
}

void sl_main(u32 base)
{
	struct xmhf_sl_params params;
	int err;

	sl_base = base;
	/* Copy first: the checks and all later uses see the same bytes. */
	memcpy(&params, sl_phys(base + XMHF_SLPB_OFFSET), sizeof(params));
	err = sl_params_check(&params, base);
	if (err == SL_PARAMS_OK || xmhf_debug_port_ok(params.debug_port))
		log_port = (u16)params.debug_port;
	if (err) {
		sl_puts("xmhf sl: parameter block rejected: ");
		sl_puts(sl_params_strerror(err));
		sl_puts("\n");
		sl_halt();
	}
	sl_puts("xmhf sl: parameters ok; runtime handoff not built yet\n");
	sl_halt();
}
