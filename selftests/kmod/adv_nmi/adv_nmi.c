// SPDX-License-Identifier: GPL-2.0
/*
 * adv_nmi: the kernel-mode half of selftests/adversarial/24-nmi.t.  It
 * holds one CPU inside an NMI handler, where the CPU blocks further NMIs
 * until the handler's IRET, and makes the hypercalls that need every CPU
 * to answer the hypervisor's NMI:
 *
 *   echo CMD > /sys/module/adv_nmi/parameters/cmd; cat .../cmd
 *
 *   block CPU MS   send CPU an NMI; its handler spins MS milliseconds
 *                  before it returns.  Answers "ok" once the CPU spins,
 *                  "late" if it did not start within 2 s
 *   state          "spinning", "done MS" (how long it spun) or "idle"
 *   hold CPU MS    on CPU (a work item there), VMMCALL NMI_HOLD_TEST (test
 *                  blob): the hypervisor keeps that CPU MS milliseconds
 *                  with NMIs held back, as hardware does while the guest
 *                  sits in an NMI handler (QEMU TCG does not).  "ok" once
 *                  the call is under way
 *   held           "holding", "held ret R ms T" or "idle"
 *   quiesce        VMMCALL QUIESCE_TEST (test blob) on a page of this
 *                  module's, writable: "ret R ms T" (R the hypercall's
 *                  result, T how long it took)
 *   unload         VMMCALL UNLOAD from this CPU: "ret R ms T", and only
 *                  while a CPU is held by "hold" ("not held" otherwise): only
 *                  meant to be refused, as a successful UNLOAD with the
 *                  APs online in Linux takes them away from it
 *
 * "quiesce" and "unload" are VMMCALLs: only while hoisted (natively they
 * are #UD).  "block" and "state" work either way.
 */
#include <linux/delay.h>
#include <linux/processor.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/apic.h>
#include <asm/nmi.h>
#include <xmhf/hypercall.h>
#include "adv_cmd.h"

static int target = -1;		/* the CPU whose next NMI spins */
static unsigned int spin_ms;
static atomic_t armed, spinning;
static unsigned int spun_ms;	/* last spin, measured */
static bool done;
static struct page *page;
static char result[64] = "none";

/* "hold": the VMMCALL runs in a work item on the held CPU. */
static struct work_struct hold_work;
static unsigned int hold_ms;
static atomic_t holding;
static long hold_ret;
static u64 hold_took_ms;
static bool hold_done;

static int adv_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	u64 t0;

	if (smp_processor_id() != READ_ONCE(target) || !atomic_xchg(&armed, 0))
		return NMI_DONE;
	atomic_set(&spinning, 1);
	/* NMIs blocked until this handler's IRET.  The clock, not udelay(). */
	t0 = ktime_get_mono_fast_ns();
	while (ktime_get_mono_fast_ns() - t0 < (u64)spin_ms * NSEC_PER_MSEC)
		cpu_relax();
	spun_ms = (ktime_get_mono_fast_ns() - t0) / NSEC_PER_MSEC;
	atomic_set(&spinning, 0);
	WRITE_ONCE(done, true);
	return NMI_HANDLED;
}

static long vmmcall(unsigned long fn, unsigned long a1, unsigned long a2)
{
	long ret = fn;

	asm volatile(".byte 0x0f, 0x01, 0xd9"		/* VMMCALL */
		     : "+a"(ret) : "D"(a1), "S"(a2) : "rdx", "memory");
	return ret;
}

static void timed(unsigned long fn, unsigned long a1, unsigned long a2)
{
	u64 t0 = ktime_get_ns();
	long ret = vmmcall(fn, a1, a2);

	scnprintf(result, sizeof(result), "ret %ld ms %llu", ret,
		  (ktime_get_ns() - t0) / NSEC_PER_MSEC);
}

static void hold_fn(struct work_struct *w)
{
	u64 t0 = ktime_get_ns();

	atomic_set(&holding, 1);
	hold_ret = vmmcall(XMHF_HC_NMI_HOLD_TEST, hold_ms, XMHF_NMI_HOLD_MAGIC);
	hold_took_ms = (ktime_get_ns() - t0) / NSEC_PER_MSEC;
	atomic_set(&holding, 0);
	WRITE_ONCE(hold_done, true);
}

static void hold(int cpu, unsigned int ms)
{
	unsigned int i;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu) || cpu == smp_processor_id() ||
	    atomic_read(&holding) || work_pending(&hold_work)) {
		scnprintf(result, sizeof(result), "bad cpu");
		return;
	}
	hold_ms = ms;
	WRITE_ONCE(hold_done, false);
	schedule_work_on(cpu, &hold_work);
	for (i = 0; i < 2000 && !atomic_read(&holding) && !READ_ONCE(hold_done); i++)
		msleep(1);
	/* The VMMCALL is the next instruction: give it a moment to be in. */
	msleep(200);
	scnprintf(result, sizeof(result), atomic_read(&holding) ? "ok" : "late");
}

static void block(int cpu, unsigned int ms)
{
	unsigned int i;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu) || cpu == smp_processor_id() ||
	    atomic_read(&spinning)) {
		scnprintf(result, sizeof(result), "bad cpu");
		return;
	}
	spin_ms = ms;
	WRITE_ONCE(done, false);
	WRITE_ONCE(target, cpu);
	atomic_set(&armed, 1);
	apic->send_IPI(cpu, NMI_VECTOR);
	for (i = 0; i < 2000 && !atomic_read(&spinning) && !READ_ONCE(done); i++)
		msleep(1);
	scnprintf(result, sizeof(result), atomic_read(&spinning) || READ_ONCE(done) ?
		  "ok" : "late");
}

static int cmd_set(const char *val, const struct kernel_param *kp)
{
	char op[16];
	int cpu = -1;
	unsigned int ms = 0;

	if (sscanf(val, "%15s %d %u", op, &cpu, &ms) < 1)
		return -EINVAL;
	if (!strcmp(op, "block")) {
		block(cpu, ms);
	} else if (!strcmp(op, "state")) {
		if (atomic_read(&spinning))
			scnprintf(result, sizeof(result), "spinning");
		else if (READ_ONCE(done))
			scnprintf(result, sizeof(result), "done %u", spun_ms);
		else
			scnprintf(result, sizeof(result), "idle");
	} else if (!strcmp(op, "hold")) {
		hold(cpu, ms);
	} else if (!strcmp(op, "held")) {
		if (atomic_read(&holding))
			scnprintf(result, sizeof(result), "holding");
		else if (READ_ONCE(hold_done))
			scnprintf(result, sizeof(result), "held ret %ld ms %llu",
				  hold_ret, hold_took_ms);
		else
			scnprintf(result, sizeof(result), "idle");
	} else if (!strcmp(op, "quiesce")) {
		timed(XMHF_HC_QUIESCE_TEST, page_to_phys(page), 0);
	} else if (!strcmp(op, "unload")) {
		/* Only while a CPU is held: a successful UNLOAD would wreck Linux. */
		if (atomic_read(&holding))
			timed(XMHF_HC_UNLOAD, 0, 0);
		else
			scnprintf(result, sizeof(result), "not held");
	} else {
		scnprintf(result, sizeof(result), "unknown command");
	}
	return 0;
}

ADV_CMD_PARAM(cmd_set, "block CPU MS | state | hold CPU MS | held | quiesce | unload");

static int __init adv_nmi_init(void)
{
	int err;

	INIT_WORK(&hold_work, hold_fn);
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	err = register_nmi_handler(NMI_LOCAL, adv_nmi_handler, 0, "adv_nmi");
	if (err)
		__free_page(page);
	return err;
}

static void __exit adv_nmi_exit(void)
{
	unsigned int i;

	/* A spin still under way returns first: its handler is this module's. */
	for (i = 0; i < 60000 && atomic_read(&spinning); i++)
		msleep(1);
	flush_work(&hold_work);
	unregister_nmi_handler(NMI_LOCAL, "adv_nmi");
	__free_page(page);
}

module_init(adv_nmi_init);
module_exit(adv_nmi_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("test only: a CPU held in an NMI handler (adversarial suite)");
