// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU GDT and TSS, and the switch onto them (see core/cpu_setup.h).
 */
#include <types.h>
#include <arch/x86.h>
#include <core/cpu_setup.h>
#include <lib/string.h>

/* Accessed bits preset so the CPU never writes to these descriptors. */
#define GDT_CODE64	0x00af9b000000ffffUL	/* P, DPL 0, exec/read, L, G */
#define GDT_DATA	0x00cf93000000ffffUL	/* P, DPL 0, read/write, D/B, G */
#define GDT_TSS_AVAIL	0x89UL			/* P, 64-bit TSS, not busy */

_Static_assert(HOST_TSS / 8 + 2 == HOST_GDT_ENTRIES, "TSS is the last slot");

/* Low and high halves of a 16-byte system descriptor. */
static void gdt_set_tss(u64 *slot, u64 base, u32 limit)
{
	slot[0] = (limit & 0xffffUL) |
		  ((base & 0xffffffUL) << 16) |
		  (GDT_TSS_AVAIL << 40) |
		  ((u64)((limit >> 16) & 0xf) << 48) |
		  (((base >> 24) & 0xffUL) << 56);
	slot[1] = base >> 32;
}

static void tss_fill(struct host_cpu *c)
{
	int i;

	memset(&c->tss, 0, sizeof(c->tss));
	/* Stacks grow down: IST n points at the top of ist_stack[n - 1]. */
	for (i = 0; i < HOST_IST_STACKS; i++)
		c->tss.ist[i] = (u64)(c->ist_stack[i] + HOST_IST_STACK_SIZE);
	c->tss.iomap_base = sizeof(c->tss);
}

/*
 * Rebuilt on every call: ltr sets the TSS descriptor's busy bit, and a
 * second ltr on a busy descriptor would #GP.
 */
static void gdt_fill(struct host_cpu *c)
{
	c->gdt[0] = 0;
	c->gdt[HOST_CS / 8] = GDT_CODE64;
	c->gdt[HOST_DS / 8] = GDT_DATA;
	gdt_set_tss(&c->gdt[HOST_TSS / 8], (u64)&c->tss, sizeof(c->tss) - 1);
}

/* CS can only change through a far transfer: return to the next line. */
static void load_cs(u16 sel)
{
	asm volatile("pushq %q0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:"
		     : : "r"((u64)sel) : "rax", "memory");
}

/*
 * A null selector in FS/GS clears the hidden base on some CPUs and keeps
 * it on others; restore the MSRs so the bases survive either way.
 * (KERNEL_GS_BASE is not affected by a selector load.)
 */
static void load_null_fs_gs(void)
{
	u64 fs_base = rdmsr(MSR_FS_BASE);
	u64 gs_base = rdmsr(MSR_GS_BASE);

	write_fs(0);
	write_gs(0);
	wrmsr(MSR_FS_BASE, fs_base);
	wrmsr(MSR_GS_BASE, gs_base);
}

void host_cpu_setup(struct host_cpu *c)
{
	struct desc_ptr gdtr;

	tss_fill(c);
	gdt_fill(c);
	gdtr.limit = sizeof(c->gdt) - 1;
	gdtr.base = (u64)c->gdt;
	lgdt(&gdtr);
	load_cs(HOST_CS);
	write_ss(HOST_DS);
	write_ds(HOST_DS);
	write_es(HOST_DS);
	load_null_fs_gs();
	ltr(HOST_TSS);
	/*
	 * Host DR7 all off: #VMEXIT restores it, while DR0-3 keep whatever
	 * the guest loaded, so a guest breakpoint never fires in the host.
	 */
	asm volatile("mov %0, %%db7" :: "r"(0x400ul));
	asm volatile("mov %0, %%db6" :: "r"(0xffff0ff0ul));
	/* Last: the gates name HOST_CS and IST slots of this GDT and TSS. */
	idt_load();
}
