// SPDX-License-Identifier: GPL-2.0
/*
 * adv_init: the kernel half of selftests/adversarial/10-init.t.  Each
 * command tries to make an interrupt source deliver INIT or SMI, which no
 * guest of the hypervisor may do (issue 12, part 1):
 *
 *   echo CMD > /sys/module/adv_init/parameters/cmd
 *   cat /sys/module/adv_init/parameters/cmd       # the last result
 *
 *   smi_ipi          SMI to self through the ICR -> "smi DELTA"
 *   lvt_smi          the LVT timer in SMI mode, fired once -> "smi DELTA"
 *                    or "gp" (the write was refused)
 *   ioapic PIN ID HOW
 *                    IOAPIC entry PIN: delivery mode INIT to APIC ID ID
 *                    (with the IOMMU's INIT-pass bit for the IOAPIC set),
 *                    read back, then for HOW = "rte" put back at once;
 *                    "sipi": fire the RTC (PIN is its pin), then two
 *                    SIPIs to page 0x8 (natively: the INITed AP runs the
 *                    real-mode code); "warm": CMOS shutdown byte 0x0A and
 *                    the warm-reset vector 0x467 -> 0x0800:0000, fire the
 *                    RTC (the boot CPU, reset, jumps to the code).
 *                    -> "rte 0xLOW ran N tpm 0xBYTE"
 *   hpet_smi         an idle HPET timer's FSB (MSI) route in delivery
 *                    mode SMI to APIC ID 0, fired once
 *                    -> "smi DELTA route 0xDATA"
 *   msi_apic0        an SMI message stored at offset 0 of the APIC page
 *                    -> "smi DELTA" or "smi 0 gp"
 *   msi_window       the same at the MSI-window page that names this
 *                    CPU's flat logical ID -> "smi DELTA", "smi 0 gp"
 *                    or "no flat logical id"
 *   selfcheck        the SELFCHECK hypercall -> "selfcheck N"
 *
 * The real-mode code (adv_init_rm.S) sits at physical 0x8000 while a
 * command runs; the page's old contents go back afterwards, unless the
 * code ran (then a CPU may still be halted in it).  Parameter hv: a
 * physical address the code writes "ESC!" at (0: none).
 */
#include <linux/acpi.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/mc146818rtc.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/apic.h>
#include <asm/apicdef.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include "adv_cmd.h"

#define IOAPIC_PA	0xfec00000UL
#define RM_PA		0x8000UL
#define RM_MAGIC_OFF	0x800
#define RM_TPM_OFF	0x804
#define RM_HV_OFF	0x808
#define RM_MAGIC	0x21435345	/* "ESC!" */
#define MSR_TSC_DL	0x6e0
#define CMOS_SHUTDOWN	0x0f
#define WARM_VECTOR_PA	0x467

extern const u8 adv_init_rm_start[], adv_init_rm_end[];

static char result[128] = "none";
static unsigned long hv_pa;
module_param_named(hv, hv_pa, ulong, 0600);
MODULE_PARM_DESC(hv, "physical address the real-mode code marks (0: none)");

/* A 32-bit MMIO store that may draw #GP from the hypervisor: -EFAULT then. */
static int store32(void __iomem *p, u32 val)
{
	int err = 0;

	asm volatile("1: movl %[v], %[m]\n"
		     "2:\n"
		     _ASM_EXTABLE_TYPE_REG(1b, 2b, EX_TYPE_EFAULT_REG, %[e])
		     : [m] "=m"(*(u32 __force *)p), [e] "+r"(err)
		     : [v] "r"(val) : "memory");
	return err;
}

static bool x2apic(void)
{
	u64 base;

	rdmsrl(MSR_IA32_APICBASE, base);
	return base & X2APIC_ENABLE;
}

static void __iomem *xapic(u32 reg)
{
	return (void __iomem *)APIC_BASE + reg;
}

static u32 lapic_rd(u32 reg)
{
	u64 v;

	if (x2apic()) {
		rdmsrl(APIC_BASE_MSR + (reg >> 4), v);
		return (u32)v;
	}
	return readl(xapic(reg));
}

/* -EFAULT (#GP) when the write is refused. */
static int lapic_wr(u32 reg, u32 val)
{
	if (x2apic())
		return wrmsr_safe(APIC_BASE_MSR + (reg >> 4), val, 0) ? -EFAULT : 0;
	return store32(xapic(reg), val);
}

static int icr_send(u32 apicid, u32 lo)
{
	if (x2apic())
		return wrmsr_safe(APIC_BASE_MSR + (APIC_ICR >> 4), lo, apicid) ? -EFAULT : 0;
	if (store32(xapic(APIC_ICR2), SET_XAPIC_DEST_FIELD(apicid)))
		return -EFAULT;
	return store32(xapic(APIC_ICR), lo);
}

static int smi_count(u64 *n)
{
	return rdmsrl_safe(MSR_SMI_COUNT, n);
}

static void put_smi(u64 before, int err)
{
	u64 after;

	if (smi_count(&after))
		scnprintf(result, sizeof(result), "smi-count unreadable%s", err ? " gp" : "");
	else
		scnprintf(result, sizeof(result), "smi %llu%s", after - before, err ? " gp" : "");
}

static void cmd_smi_ipi(void)
{
	unsigned long flags;
	u64 before;
	int err;

	if (smi_count(&before)) {
		scnprintf(result, sizeof(result), "smi-count unreadable");
		return;
	}
	local_irq_save(flags);
	err = icr_send(0, APIC_DEST_SELF | APIC_DM_SMI | APIC_INT_ASSERT);
	udelay(100);
	local_irq_restore(flags);
	put_smi(before, err);
}

/*
 * The LVT timer in SMI mode, one-shot, count 1: QEMU delivers the mode
 * written there.  Linux's timer comes back as it was (TSC deadline: the
 * same deadline; one-shot: what was left of the count, at least 1).
 */
static void cmd_lvt_smi(void)
{
	u32 lvtt, tdcr, tmcct;
	unsigned long flags;
	u64 before, now, dl = 0;
	int err, i;

	if (smi_count(&before)) {
		scnprintf(result, sizeof(result), "smi-count unreadable");
		return;
	}
	local_irq_save(flags);
	lvtt = lapic_rd(APIC_LVTT);
	tdcr = lapic_rd(APIC_TDCR);
	tmcct = lapic_rd(APIC_TMCCT);
	if (lvtt & APIC_LVT_TIMER_TSCDEADLINE)
		rdmsrl(MSR_TSC_DL, dl);
	err = lapic_wr(APIC_LVTT, APIC_DM_SMI | 0xef);
	if (!err) {
		lapic_wr(APIC_TDCR, APIC_TDR_DIV_1);
		lapic_wr(APIC_TMICT, 1);
		/* Up to 1 s: a loaded TCG host runs QEMU's timers late. */
		for (i = 0; i < 100000; i++) {
			if (!smi_count(&now) && now != before)
				break;
			udelay(10);
		}
	}
	lapic_wr(APIC_LVTT, lvtt);
	lapic_wr(APIC_TDCR, tdcr);
	if (lvtt & APIC_LVT_TIMER_TSCDEADLINE)
		wrmsrl(MSR_TSC_DL, dl ? dl : 1);
	else
		lapic_wr(APIC_TMICT, tmcct ? tmcct : 1);
	local_irq_restore(flags);
	put_smi(before, err);
}

/* ---- the MSI window ---- */

#define MSI_WINDOW_PA	0xfee00000UL

/*
 * An SMI message stored straight into the MSI window, aimed at this CPU
 * (CPU 0): QEMU turns a store at offset 0 of the APIC page, or anywhere
 * in the window's other pages, into an MSI (hw/intc/apic.c).  "apic0":
 * offset 0, physical destination 0.  "window": the page that names this
 * CPU's logical ID in flat mode, logical destination (address bit 2).
 */
static void cmd_msi_store(bool window)
{
	void __iomem *p;
	u32 off = 0, ldr;
	unsigned long flags;
	u64 before;
	int err;

	if (window) {
		ldr = lapic_rd(APIC_LDR) >> 24;
		if (x2apic() || lapic_rd(APIC_DFR) != APIC_DFR_FLAT || !ldr) {
			scnprintf(result, sizeof(result), "no flat logical id");
			return;
		}
		off = ldr << 12 | 4;
	}
	if (smi_count(&before)) {
		scnprintf(result, sizeof(result), "smi-count unreadable");
		return;
	}
	p = ioremap(MSI_WINDOW_PA + (off & ~0xfffu), PAGE_SIZE);
	if (!p) {
		scnprintf(result, sizeof(result), "no mapping");
		return;
	}
	local_irq_save(flags);
	err = store32(p + (off & 0xfff), APIC_DM_SMI);
	udelay(100);
	local_irq_restore(flags);
	iounmap(p);
	put_smi(before, err);
}

/* ---- HPET ---- */

#define HPET_PA			0xfed00000UL
#define HPET_TN(n, reg)		(0x100 + 0x20 * (n) + (reg))
#define HPET_TN_CFG		0x00
#define HPET_TN_CMP		0x08
#define HPET_TN_FSB		0x10	/* data; +4: address */
#define HPET_TN_INT_ENB		BIT(2)
#define HPET_TN_FSB_EN		BIT(14)

/*
 * QEMU's HPET writes an FSB message straight into memory, past the
 * IOMMU: an SMI (or INIT) in the data word reaches the APIC as such.
 */
static void cmd_hpet_smi(void)
{
	void __iomem *h = ioremap(HPET_PA, 0x1000);
	u32 cfg, data, addr, got, cmp_lo, cmp_hi, n;
	unsigned long flags;
	u64 before, now, cnt;
	int i;

	if (!h) {
		scnprintf(result, sizeof(result), "no memory");
		return;
	}
	/* The last timer: Linux drives 0 (and 1 for its RTC emulation). */
	n = (readl(h) >> 8) & 0x1f;
	cfg = readl(h + HPET_TN(n, HPET_TN_CFG));
	if (n < 2 || (cfg & HPET_TN_INT_ENB) || smi_count(&before)) {
		scnprintf(result, sizeof(result), "no idle HPET timer or no SMI count");
		iounmap(h);
		return;
	}
	data = readl(h + HPET_TN(n, HPET_TN_FSB));
	addr = readl(h + HPET_TN(n, HPET_TN_FSB + 4));
	cmp_lo = readl(h + HPET_TN(n, HPET_TN_CMP));
	cmp_hi = readl(h + HPET_TN(n, HPET_TN_CMP + 4));
	local_irq_save(flags);
	writel(APIC_DM_SMI, h + HPET_TN(n, HPET_TN_FSB));
	writel(APIC_DEFAULT_PHYS_BASE, h + HPET_TN(n, HPET_TN_FSB + 4));	/* APIC ID 0 */
	got = readl(h + HPET_TN(n, HPET_TN_FSB));
	cnt = readq(h + 0xf0) + 10000;		/* 100 us at QEMU's 100 MHz */
	writel((u32)cnt, h + HPET_TN(n, HPET_TN_CMP));
	writel((u32)(cnt >> 32), h + HPET_TN(n, HPET_TN_CMP + 4));
	writel(HPET_TN_INT_ENB | HPET_TN_FSB_EN, h + HPET_TN(n, HPET_TN_CFG));
	for (i = 0; i < 1000; i++) {
		if (!smi_count(&now) && now != before)
			break;
		udelay(10);
	}
	writel(cfg, h + HPET_TN(n, HPET_TN_CFG));
	writel(data, h + HPET_TN(n, HPET_TN_FSB));
	writel(addr, h + HPET_TN(n, HPET_TN_FSB + 4));
	writel(cmp_lo, h + HPET_TN(n, HPET_TN_CMP));
	writel(cmp_hi, h + HPET_TN(n, HPET_TN_CMP + 4));
	local_irq_restore(flags);
	iounmap(h);
	put_smi(before, 0);
	scnprintf(result + strlen(result), sizeof(result) - strlen(result),
		  " route 0x%x", got);
}

/* ---- IOAPIC ---- */

static u32 ioapic_rd(void __iomem *io, u32 reg)
{
	writel(reg, io);
	return readl(io + 0x10);
}

/*
 * The IOMMU lets an IOAPIC's INIT through only with the DTE's InitPass
 * bit: bit 184 (AMD IOMMU spec), which QEMU before 9.x read one quadword
 * too far, at bit 248 (reserved in the spec).  Both are set.
 */
#define DTE_SIZE	32
#define DTE_INITPASS_BYTE 23	/* bit 184 */
#define DTE_QEMU_INITPASS_BYTE 31	/* bit 248 */

static u8 *iommu_ioapic_dte(void)
{
	struct acpi_table_header *ivrs;
	u8 *p, *end, *e, *dte = NULL;
	u64 mmio = 0, devtab;
	void __iomem *regs;
	u16 devid = 0;
	bool found = false;

	if (acpi_disabled || ACPI_FAILURE(acpi_get_table("IVRS", 0, &ivrs)))
		return NULL;
	p = (u8 *)ivrs + 48;
	end = (u8 *)ivrs + ivrs->length;
	while (p + 24 <= end && !found) {
		u16 len = *(u16 *)(p + 2);

		if (len < 24 || p + len > end)
			break;
		if (p[0] == 0x10 || p[0] == 0x11 || p[0] == 0x40) {
			mmio = *(u64 *)(p + 8);
			/* Device entries after the 24- (type 10h) or 40-byte header. */
			for (e = p + (p[0] == 0x10 ? 24 : 40); e + 4 <= p + len;
			     e += e[0] < 0x40 ? 4 : 8) {
				if (e[0] == 0x48 && e + 8 <= p + len && e[7] == 1) {
					devid = *(u16 *)(e + 5);
					found = true;
					break;
				}
				if (e[0] >= 0xf0)	/* variable length: stop */
					break;
			}
		}
		p += len;
	}
	acpi_put_table(ivrs);
	if (!found || !mmio)
		return NULL;
	regs = ioremap(mmio, 8);
	if (!regs)
		return NULL;
	devtab = readq(regs) & GENMASK_ULL(51, 12);
	iounmap(regs);
	dte = memremap(devtab + (u64)devid * DTE_SIZE, DTE_SIZE, MEMREMAP_WB);
	return dte;
}

/*
 * The RTC's periodic interrupt for 100 ms.  Under HPET legacy replacement
 * (Linux's default here) IRQ 8 comes from HPET timer 1 instead, which
 * Linux runs at 64 Hz while an RTC alarm is armed: the test arms one.
 */
static void rtc_fire(void)
{
	unsigned long flags;
	u8 b;

	spin_lock_irqsave(&rtc_lock, flags);
	CMOS_READ(RTC_INTR_FLAGS);		/* the line low again */
	b = CMOS_READ(RTC_CONTROL);
	CMOS_WRITE(b | RTC_PIE, RTC_CONTROL);	/* periodic: an edge within ms */
	spin_unlock_irqrestore(&rtc_lock, flags);
	msleep(100);
	spin_lock_irqsave(&rtc_lock, flags);
	CMOS_WRITE(b, RTC_CONTROL);
	CMOS_READ(RTC_INTR_FLAGS);
	spin_unlock_irqrestore(&rtc_lock, flags);
}

static void cmd_ioapic(u32 pin, u32 apicid, const char *how)
{
	bool sipi = !strcmp(how, "sipi"), warm = !strcmp(how, "warm");
	u8 *rm, *save = NULL, *dte, *warmvec = NULL, old_dte[2] = { 0 }, old_warm[4];
	u8 old_shutdown = 0;
	void __iomem *io;
	u32 lo, hi, got, ran = 0, tpm = 0;
	unsigned long flags;
	int i;

	if (!sipi && !warm && strcmp(how, "rte")) {
		scnprintf(result, sizeof(result), "bad HOW");
		return;
	}
	io = ioremap(IOAPIC_PA, 0x1000);
	rm = memremap(RM_PA, PAGE_SIZE, MEMREMAP_WB);
	save = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!io || !rm || !save) {
		scnprintf(result, sizeof(result), "no memory");
		goto out;
	}
	memcpy(save, rm, PAGE_SIZE);
	memset(rm, 0, PAGE_SIZE);
	memcpy(rm, adv_init_rm_start, adv_init_rm_end - adv_init_rm_start);
	*(u32 *)(rm + RM_HV_OFF) = (u32)hv_pa;
	if (warm) {
		warmvec = phys_to_virt(WARM_VECTOR_PA);
		memcpy(old_warm, warmvec, 4);
		spin_lock_irqsave(&rtc_lock, flags);
		old_shutdown = CMOS_READ(CMOS_SHUTDOWN);
		CMOS_WRITE(0x0a, CMOS_SHUTDOWN);	/* jump through 0x467 */
		spin_unlock_irqrestore(&rtc_lock, flags);
		*(u16 *)warmvec = 0;			/* offset */
		*(u16 *)(warmvec + 2) = RM_PA >> 4;	/* segment */
	}
	dte = iommu_ioapic_dte();
	if (dte) {
		old_dte[0] = dte[DTE_INITPASS_BYTE];
		old_dte[1] = dte[DTE_QEMU_INITPASS_BYTE];
		dte[DTE_INITPASS_BYTE] |= 1;
		dte[DTE_QEMU_INITPASS_BYTE] |= 1;
	}

	local_irq_save(flags);
	lo = ioapic_rd(io, 0x10 + 2 * pin);
	hi = ioapic_rd(io, 0x11 + 2 * pin);
	writel(0x11 + 2 * pin, io);
	writel(apicid << 24, io + 0x10);
	writel(0x10 + 2 * pin, io);
	writel(APIC_DM_INIT, io + 0x10);	/* edge, unmasked, INIT */
	got = ioapic_rd(io, 0x10 + 2 * pin);
	local_irq_restore(flags);

	if (sipi || warm)
		rtc_fire();

	local_irq_save(flags);
	writel(0x10 + 2 * pin, io);
	writel(lo, io + 0x10);
	writel(0x11 + 2 * pin, io);
	writel(hi, io + 0x10);
	local_irq_restore(flags);
	if (dte) {
		dte[DTE_INITPASS_BYTE] = old_dte[0];
		dte[DTE_QEMU_INITPASS_BYTE] = old_dte[1];
		memunmap(dte);
	}

	if (sipi) {
		udelay(200);
		for (i = 0; i < 2; i++) {
			local_irq_save(flags);
			icr_send(apicid, APIC_DM_STARTUP | (RM_PA >> 12));
			local_irq_restore(flags);
			udelay(300);
		}
	}
	for (i = 0; i < ((sipi || warm) ? 500 : 0); i++) {
		if (READ_ONCE(*(u32 *)(rm + RM_MAGIC_OFF)) == RM_MAGIC)
			break;
		msleep(1);
	}
	ran = READ_ONCE(*(u32 *)(rm + RM_MAGIC_OFF)) == RM_MAGIC;
	tpm = rm[RM_TPM_OFF];
	/* Said at once: after an escape of the boot CPU little else gets out. */
	if (ran)
		pr_err("adv_init: the real-mode code ran (TPM locality 2: 0x%x)\n", tpm);
	if (warm) {
		spin_lock_irqsave(&rtc_lock, flags);
		CMOS_WRITE(old_shutdown, CMOS_SHUTDOWN);
		spin_unlock_irqrestore(&rtc_lock, flags);
		memcpy(warmvec, old_warm, 4);
	}
	/* A CPU that ran the code is halted in it: leave the page be. */
	if (!ran)
		memcpy(rm, save, PAGE_SIZE);
	scnprintf(result, sizeof(result), "rte 0x%x ran %u tpm 0x%x%s", got, ran, tpm,
		  dte ? "" : " (no IOMMU DTE)");
out:
	kfree(save);
	if (rm)
		memunmap(rm);
	if (io)
		iounmap(io);
}

static void cmd_selfcheck(void)
{
	long ret = 4;	/* XMHF_HC_SELFCHECK */

	asm volatile(".byte 0x0f, 0x01, 0xd9" : "+a"(ret) : : "memory");	/* VMMCALL */
	scnprintf(result, sizeof(result), "selfcheck %ld", ret);
}

static int cmd_set(const char *val, const struct kernel_param *kp)
{
	char how[8];
	u32 pin, id;

	if (sysfs_streq(val, "smi_ipi"))
		cmd_smi_ipi();
	else if (sysfs_streq(val, "lvt_smi"))
		cmd_lvt_smi();
	else if (sysfs_streq(val, "hpet_smi"))
		cmd_hpet_smi();
	else if (sysfs_streq(val, "msi_apic0"))
		cmd_msi_store(false);
	else if (sysfs_streq(val, "msi_window"))
		cmd_msi_store(true);
	else if (sysfs_streq(val, "selfcheck"))
		cmd_selfcheck();
	else if (sscanf(val, "ioapic %u %u %7s", &pin, &id, how) == 3 && pin < 24)
		cmd_ioapic(pin, id, how);
	else
		return -EINVAL;
	return 0;
}

ADV_CMD_PARAM(cmd_set, "smi_ipi | lvt_smi | hpet_smi | msi_apic0 | msi_window | ioapic PIN APICID rte|sipi|warm | selfcheck");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only: INIT and SMI from the guest's interrupt sources");
