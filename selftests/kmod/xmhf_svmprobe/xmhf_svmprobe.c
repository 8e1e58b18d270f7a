// SPDX-License-Identifier: GPL-2.0
/*
 * xmhf_svmprobe: a test-only module that runs single instructions at CPL 0
 * and reports which exception, if any, each one raised.  The guest tests
 * use it to see what the hypervisor shows of SVM and of the MSRs it owns.
 *
 *   echo CMD > /sys/module/xmhf_svmprobe/parameters/cmd
 *   cat /sys/module/xmhf_svmprobe/parameters/cmd     # the last result
 *
 * CMD, run on the CPU of the writer, interrupts off:
 *   vmrun | vmload | vmsave | stgi | clgi | skinit | invlpga | wbinvd
 *   svme INSN      the same with EFER.SVME set around it, then put back
 *                  (the native contrast); never for vmrun or skinit
 *   rdmsr MSR      -> "ok 0xVALUE"
 *   wrmsr MSR VAL  -> "ok"
 *   flip MSR VAL   write VAL, read it back, write the old value back at
 *                  once -> "ok 0xREADBACK"
 * A fault reads "ud", "gp ERROR" or "trap VECTOR ERROR".
 *
 * The probed instructions have no exception-table entry: a fault reaches
 * the die notifier (#UD through do_error_trap as DIE_TRAP, #GP after the
 * failed fixup as DIE_GPF), which notes the vector and resumes after the
 * instruction.  So #UD and #GP are told apart, which rdmsrl_safe() and
 * friends cannot do.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/kdebug.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/ptrace.h>
#include "adv_cmd.h"
#include "adv_site.h"

#define X86_TRAP_UD_NR	6
#define X86_TRAP_GP_NR	13


static struct page *scratch;	/* VMSAVE/VMLOAD/VMRUN operand */
static char result[96] = "none";


/*
 * INSNS with the addresses of their first byte and of what follows them
 * in site, so that adv_site_die() recognises a fault inside them.
 */
#define PROBE_HEAD							\
	"lea 1f(%%rip), %%r11\n\t"					\
	"mov %%r11, %[start]\n\t"					\
	"lea 2f(%%rip), %%r11\n\t"					\
	"mov %%r11, %[end]\n\t"					\
	"1: "
#define PROBE_SITE	[start] "=m"(site.start), [end] "=m"(site.end)
#define PROBE(insns, inputs...)						\
	asm volatile(PROBE_HEAD insns "\n2:"				\
		     : PROBE_SITE : inputs : "r11", "memory")

static void site_reset(void)
{
	site.trapnr = -1;
	site.err = 0;
}

static void site_done(void)
{
	WRITE_ONCE(site.start, 0);
	WRITE_ONCE(site.end, 0);
}

/* SVM instructions by their encoding: older assemblers lack some. */
#define INSN_VMRUN	".byte 0x0f, 0x01, 0xd8"
#define INSN_VMLOAD	".byte 0x0f, 0x01, 0xda"
#define INSN_VMSAVE	".byte 0x0f, 0x01, 0xdb"
#define INSN_STGI	".byte 0x0f, 0x01, 0xdc"
#define INSN_CLGI	".byte 0x0f, 0x01, 0xdd"
#define INSN_SKINIT	".byte 0x0f, 0x01, 0xde"
#define INSN_INVLPGA	".byte 0x0f, 0x01, 0xdf"
#define INSN_WBINVD	".byte 0x0f, 0x09"

/* Runs one instruction (CLGI: CLGI then STGI, so GIF is never left clear). */
static int run_insn(const char *name)
{
	unsigned long pa = page_to_phys(scratch);

	site_reset();
	if (!strcmp(name, "vmrun"))
		PROBE(INSN_VMRUN, "a"(pa));
	else if (!strcmp(name, "vmload"))
		PROBE(INSN_VMLOAD, "a"(pa));
	else if (!strcmp(name, "vmsave"))
		PROBE(INSN_VMSAVE, "a"(pa));
	else if (!strcmp(name, "stgi"))
		PROBE(INSN_STGI, "i"(0));
	else if (!strcmp(name, "clgi"))
		PROBE(INSN_CLGI "\n\t" INSN_STGI, "i"(0));
	else if (!strcmp(name, "skinit"))
		PROBE(INSN_SKINIT, "a"(pa));
	else if (!strcmp(name, "invlpga"))	/* this page's VA, ASID 0 */
		PROBE(INSN_INVLPGA, "a"(&site), "c"(0));
	else if (!strcmp(name, "wbinvd"))
		PROBE(INSN_WBINVD, "i"(0));
	else
		return -EINVAL;
	site_done();
	return 0;
}

static int probe_rdmsr(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;

	site_reset();
	asm volatile(PROBE_HEAD "rdmsr\n2:"
		     : PROBE_SITE, "+a"(lo), "+d"(hi) : "c"(msr) : "r11", "memory");
	site_done();
	*val = (u64)hi << 32 | lo;
	return site.trapnr;
}

static int probe_wrmsr(u32 msr, u64 val)
{
	site_reset();
	PROBE("wrmsr", "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)));
	site_done();
	return site.trapnr;
}

static void put_fault(void)
{
	if (site.trapnr == X86_TRAP_UD_NR)
		scnprintf(result, sizeof(result), "ud");
	else if (site.trapnr == X86_TRAP_GP_NR)
		scnprintf(result, sizeof(result), "gp %ld", site.err);
	else
		scnprintf(result, sizeof(result), "trap %d %ld", site.trapnr, site.err);
}

/* EFER.SVME on around INSN, as a hypervisor would have it. */
static void run_with_svme(const char *name)
{
	u64 efer;
	bool set = false;

	if (!strcmp(name, "vmrun") || !strcmp(name, "skinit")) {
		scnprintf(result, sizeof(result), "refused: never run with SVME set");
		return;
	}
	if (probe_rdmsr(MSR_EFER, &efer) >= 0) {
		scnprintf(result, sizeof(result), "efer read faulted");
		return;
	}
	if (!(efer & EFER_SVME)) {
		if (probe_wrmsr(MSR_EFER, efer | EFER_SVME) >= 0) {
			scnprintf(result, sizeof(result), "efer write refused");
			return;
		}
		set = true;
	}
	/* VMLOAD loads what VMSAVE just stored: this CPU's own state. */
	if (!strcmp(name, "vmload"))
		run_insn("vmsave");
	run_insn(name);
	if (site.trapnr < 0)
		scnprintf(result, sizeof(result), "ok");
	else
		put_fault();
	if (set)
		probe_wrmsr(MSR_EFER, efer);
}

static void run_plain(const char *name)
{
	u64 efer = 0;

	/*
	 * With SVME really set (kvm_amd running a guest), VMRUN would enter
	 * a guest: never.  Under the hypervisor EFER reads SVME clear, and
	 * the instruction must not get past the intercept.
	 */
	if ((!strcmp(name, "vmrun") || !strcmp(name, "skinit")) &&
	    (probe_rdmsr(MSR_EFER, &efer) >= 0 || (efer & EFER_SVME))) {
		scnprintf(result, sizeof(result), "refused: EFER.SVME is set");
		return;
	}
	if (!strcmp(name, "vmload"))	/* as above; #UD leaves it zeroed */
		run_insn("vmsave");
	run_insn(name);
	if (site.trapnr < 0)
		scnprintf(result, sizeof(result), "ok");
	else
		put_fault();
}

/* Write VAL, read it back, put the old value back: no time in between. */
static void flip_msr(u32 msr, u64 val)
{
	u64 old, back;

	if (probe_rdmsr(msr, &old) >= 0) {
		put_fault();
		return;
	}
	if (probe_wrmsr(msr, val) >= 0) {
		put_fault();
		return;
	}
	probe_rdmsr(msr, &back);
	if (probe_wrmsr(msr, old) >= 0)
		scnprintf(result, sizeof(result), "restore faulted");
	else
		scnprintf(result, sizeof(result), "ok 0x%llx", back);
}

static int cmd_set(const char *val, const struct kernel_param *kp)
{
	char op[16], arg[16];
	unsigned long flags;
	u32 msr = 0;
	u64 v = 0;
	int n = sscanf(val, "%15s %15s", op, arg);

	if (n < 1)
		return -EINVAL;
	/* Writes through sysfs are serialised by the module's param lock. */
	local_irq_save(flags);
	if (!strcmp(op, "svme") && n == 2) {
		run_with_svme(arg);
	} else if (!strcmp(op, "rdmsr") && sscanf(val, "%*s %x", &msr) == 1) {
		if (probe_rdmsr(msr, &v) < 0)
			scnprintf(result, sizeof(result), "ok 0x%llx", v);
		else
			put_fault();
	} else if (!strcmp(op, "wrmsr") && sscanf(val, "%*s %x %llx", &msr, &v) == 2) {
		if (probe_wrmsr(msr, v) < 0)
			scnprintf(result, sizeof(result), "ok");
		else
			put_fault();
	} else if (!strcmp(op, "flip") && sscanf(val, "%*s %x %llx", &msr, &v) == 2) {
		flip_msr(msr, v);
	} else if (n == 1) {
		run_plain(op);
	} else {
		scnprintf(result, sizeof(result), "bad command");
	}
	local_irq_restore(flags);
	return 0;
}

ADV_CMD_PARAM(cmd_set, "an instruction or MSR access to run; read: its result");

static int __init svmprobe_init(void)
{
	int err;

	scratch = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!scratch)
		return -ENOMEM;
	err = register_die_notifier(&adv_site_nb);
	if (err) {
		__free_page(scratch);
		return err;
	}
	return 0;
}

static void __exit svmprobe_exit(void)
{
	unregister_die_notifier(&adv_site_nb);
	__free_page(scratch);
}

module_init(svmprobe_init);
module_exit(svmprobe_exit);
MODULE_DESCRIPTION("xmhf-ll selftests: CPL 0 instruction and MSR probe");
MODULE_LICENSE("GPL");
