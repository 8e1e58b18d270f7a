// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime entry on the boot CPU.  The SL has checked the parameter block;
 * the runtime keeps its own copy.
 */
#include <types.h>
#include <core/cpu_setup.h>
#include <core/log.h>
#include <lib/string.h>
#include <xmhf/slparams.h>
#include <xmhf/version.h>

void rt_main(const struct xmhf_sl_params *params);
void rt_return_native(u64 tramp_pa) __attribute__((noreturn));

static struct xmhf_sl_params rt_params;
static struct host_cpu bsp_host_cpu;

/* Give up before VMRUN: Linux continues natively and insmod fails. */
static void __attribute__((noreturn)) rt_abort(const char *why)
{
	hv_log("xmhf: launch aborted: %s; returning to Linux natively\n", why);
	rt_return_native(rt_params.tramp_return_pa);
}

void rt_main(const struct xmhf_sl_params *params)
{
	memcpy(&rt_params, params, sizeof(rt_params));
	log_init((u16)rt_params.debug_port);
	/* Own descriptor tables first, so a fault is reported, not a reset. */
	idt_init();
	host_cpu_setup(&bsp_host_cpu);
	hv_log("xmhf runtime %s: at 0x%llx, %u CPUs, %s-level paging, guest RIP 0x%llx\n",
	       XMHF_VERSION_STRING, rt_params.hv_phys_base, rt_params.num_cpus,
	       (rt_params.bsp.cr4 & (1ull << 12)) ? "5" : "4",
	       rt_params.bsp.rip);
	rt_abort("VMRUN of the guest is not built yet");
}
