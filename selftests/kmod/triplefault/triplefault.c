// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: loading this module triple-faults the CPU that runs its init,
 * from kernel mode, with interrupts off: an IDT with no entries, then #UD.
 * Choose that CPU by pinning the loader:
 *
 *	taskset -c 1 insmod triplefault.ko
 *
 * Under xmhf-ll the hypervisor intercepts the shutdown, logs it and halts
 * that CPU; the rest of the machine goes on.  Without it a triple fault
 * resets the whole machine, so the module refuses to load unless the
 * hypervisor's CPUID signature is there, or force=1 is given.
 *
 * init never returns: insmod stays on that CPU for ever (run it in the
 * background), and the module stays "Loading".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/irqflags.h>
#include <linux/smp.h>
#include <asm/desc_defs.h>
#include <asm/processor.h>
#include <xmhf/hypercall.h>

static bool force;
module_param(force, bool, 0444);
MODULE_PARM_DESC(force, "triple-fault even without the hypervisor: resets the machine");

static bool xmhf_present(void)
{
	unsigned int a, b, c, d;

	cpuid(XMHF_CPUID_LEAF, &a, &b, &c, &d);
	return b == XMHF_CPUID_SIG_EBX && c == XMHF_CPUID_SIG_ECX &&
	       d == XMHF_CPUID_SIG_EDX;
}

static int __init triplefault_init(void)
{
	/* Limit 0: every vector is outside the table. */
	static const struct desc_ptr no_idt = { .size = 0, .address = 0 };

	if (!force && !xmhf_present()) {
		pr_err("refused: the xmhf-ll hypervisor is not running, and a triple fault would reset the machine (force=1 does it anyway)\n");
		return -ENODEV;
	}
	local_irq_disable();
	pr_info("triple-faulting CPU %d (initial APIC ID %u)\n",
		smp_processor_id(), cpuid_ebx(1) >> 24);
	/*
	 * #UD finds no IDT entry: #GP, which finds none either: #DF, which
	 * finds none: shutdown.  An NMI in between ends the same way.
	 */
	asm volatile("lidt %0" : : "m"(no_idt));
	for (;;)
		asm volatile("ud2");
	return 0;
}
module_init(triplefault_init);
/* No exit: the module cannot be removed (its init never ends anyway). */

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xmhf-ll test: triple-fault the loading CPU");
