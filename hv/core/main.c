// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime entry on the boot CPU.  This version stops after its banner:
 * the launch path (NPT, VMCB, VMRUN) comes with the hoist work.
 */
#include <types.h>
#include <lib/string.h>
#include <xmhf/slparams.h>
#include <xmhf/version.h>

void rt_main(const struct xmhf_sl_params *params);

static void outb(u16 port, u8 val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

void rt_main(const struct xmhf_sl_params *params)
{
	const char *msg = "xmhf runtime " XMHF_VERSION_STRING "\n";
	u16 port = (u16)params->debug_port;

	while (port && *msg)
		outb(port, *msg++);
}
