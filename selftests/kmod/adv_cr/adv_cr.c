// SPDX-License-Identifier: GPL-2.0
/*
 * adv_cr: the kernel-mode half of selftests/adversarial/21-cr.t.  Each
 * command makes one control-register write at CPL 0, interrupts off, on
 * the writer's CPU, and reports whether it faulted:
 *
 *   echo CMD > /sys/module/adv_cr/parameters/cmd; cat .../cmd
 *
 *   cr3nf        MOV CR3 of CR3's own value with bit 63 (PCID no-flush) set
 *   cr0nw        MOV CR0 with NW set and CD clear (an illegal combination)
 *   cr4 BIT      MOV CR4 with BIT (decimal) also set; put back at once
 *   clts         CLTS after setting CR0.TS (and TS cleared afterwards)
 *   lmsw         LMSW of CR0's own low word with TS set, then CLTS
 *   subscribe FN MASK  VMMCALL FN (hex) with RDI = MASK (hex): the probe
 *                hypapp's SUBSCRIBE_CR/UNSUBSCRIBE, from CPL 0
 *
 * Results: "ok 0xCR" (the register afterwards), "gp ERR", "ud", or
 * "trap VECTOR ERR".  The faulting instruction has no exception-table
 * entry: a die notifier notes the vector and skips it, so #UD and #GP
 * are told apart.
 */
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/kdebug.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <asm/ptrace.h>
#include <asm/special_insns.h>
#include "adv_cmd.h"
#include "adv_site.h"

#define TRAP_UD	6
#define TRAP_GP	13

static char result[64] = "none";


/* One instruction between labels 1 and 2, known to adv_site_die(). */
#define SITE(insn, inputs...)						\
	asm volatile("lea 1f(%%rip), %%r11\n\t"				\
		     "mov %%r11, %[start]\n\t"				\
		     "lea 2f(%%rip), %%r11\n\t"				\
		     "mov %%r11, %[end]\n\t"				\
		     "1: " insn "\n2:"					\
		     : [start] "=m"(site.start), [end] "=m"(site.end)	\
		     : inputs : "r11", "memory")

static unsigned long rd_cr0(void)
{
	unsigned long v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static unsigned long rd_cr3(void)
{
	unsigned long v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static unsigned long rd_cr4(void)
{
	unsigned long v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void report(unsigned long after)
{
	if (site.trapnr < 0)
		scnprintf(result, sizeof(result), "ok 0x%lx", after);
	else if (site.trapnr == TRAP_UD)
		scnprintf(result, sizeof(result), "ud");
	else if (site.trapnr == TRAP_GP)
		scnprintf(result, sizeof(result), "gp %ld", site.err);
	else
		scnprintf(result, sizeof(result), "trap %d %ld", site.trapnr, site.err);
	WRITE_ONCE(site.start, 0);
	WRITE_ONCE(site.end, 0);
}

static void run(const char *op, unsigned long a, unsigned long b)
{
	unsigned long cr0 = rd_cr0(), cr4 = rd_cr4(), ret = 0;

	site.trapnr = -1;
	site.err = 0;
	if (!strcmp(op, "cr3nf")) {
		SITE("mov %[v], %%cr3", [v] "r"(rd_cr3() | BIT(63)));
		report(rd_cr3());
	} else if (!strcmp(op, "cr0nw")) {
		SITE("mov %[v], %%cr0", [v] "r"((cr0 | X86_CR0_NW) & ~X86_CR0_CD));
		report(rd_cr0());
		if (rd_cr0() != cr0)		/* never leave caching changed */
			asm volatile("mov %0, %%cr0" :: "r"(cr0));
	} else if (!strcmp(op, "cr4")) {
		SITE("mov %[v], %%cr4", [v] "r"(cr4 | BIT(a & 63)));
		report(rd_cr4());
		if (rd_cr4() != cr4)
			asm volatile("mov %0, %%cr4" :: "r"(cr4));
	} else if (!strcmp(op, "clts")) {
		asm volatile("mov %0, %%cr0" :: "r"(cr0 | X86_CR0_TS));
		SITE("clts", "i"(0));
		report(rd_cr0());
		asm volatile("mov %0, %%cr0" :: "r"(cr0));
	} else if (!strcmp(op, "lmsw")) {
		SITE("lmsw %w[v]", [v] "r"((cr0 | X86_CR0_TS) & 0xffff));
		report(rd_cr0());
		asm volatile("mov %0, %%cr0" :: "r"(cr0));
	} else if (!strcmp(op, "subscribe")) {
		ret = a;
		asm volatile("lea 1f(%%rip), %%r11\n\t"
			     "mov %%r11, %[start]\n\t"
			     "lea 2f(%%rip), %%r11\n\t"
			     "mov %%r11, %[end]\n\t"
			     "1: .byte 0x0f, 0x01, 0xd9\n2:"	/* VMMCALL */
			     : [start] "=m"(site.start), [end] "=m"(site.end), "+a"(ret)
			     : "D"(b) : "r11", "memory");
		report(ret);
	} else {
		scnprintf(result, sizeof(result), "unknown command");
	}
}

static int cmd_set(const char *val, const struct kernel_param *kp)
{
	char op[16];
	unsigned long a = 0, b = 0, flags;

	if (sscanf(val, "%15s %lx %lx", op, &a, &b) < 1)
		return -EINVAL;
	if (!strcmp(op, "cr4") && sscanf(val, "%*s %lu", &a) != 1)
		return -EINVAL;
	local_irq_save(flags);
	run(op, a, b);
	local_irq_restore(flags);
	return 0;
}

ADV_CMD_PARAM(cmd_set, "cr3nf | cr0nw | cr4 BIT | clts | lmsw | subscribe FN MASK");

static int __init adv_cr_init(void)
{
	return register_die_notifier(&adv_site_nb);
}

static void __exit adv_cr_exit(void)
{
	unregister_die_notifier(&adv_site_nb);
}

module_init(adv_cr_init);
module_exit(adv_cr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("test only: control-register writes at CPL 0 for the adversarial suite");
