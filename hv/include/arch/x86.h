/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 architectural constants and thin instruction wrappers for the
 * runtime (host mode).  Everything here is a single instruction or a
 * constant from the Intel SDM / AMD APM; policy lives in the callers.
 *
 * The header also builds on the host (unit tests include it through
 * arch/svm/vmcb.h): the inline functions are never called there.
 */
#ifndef XMHF_ARCH_X86_H
#define XMHF_ARCH_X86_H

#ifndef __ASSEMBLY__
#include <types.h>
#endif

#ifndef BIT
#define BIT(n)		(1UL << (n))
#endif

/* CR0 */
#define X86_CR0_PE	BIT(0)	/* protected mode */
#define X86_CR0_MP	BIT(1)
#define X86_CR0_EM	BIT(2)
#define X86_CR0_TS	BIT(3)
#define X86_CR0_ET	BIT(4)
#define X86_CR0_NE	BIT(5)
#define X86_CR0_WP	BIT(16)	/* supervisor writes honour R/W */
#define X86_CR0_AM	BIT(18)
#define X86_CR0_NW	BIT(29)
#define X86_CR0_CD	BIT(30)
#define X86_CR0_PG	BIT(31)

/* CR4 */
#define X86_CR4_VME		BIT(0)
#define X86_CR4_PVI		BIT(1)
#define X86_CR4_TSD		BIT(2)
#define X86_CR4_DE		BIT(3)
#define X86_CR4_PSE		BIT(4)
#define X86_CR4_PAE		BIT(5)
#define X86_CR4_MCE		BIT(6)
#define X86_CR4_PGE		BIT(7)
#define X86_CR4_PCE		BIT(8)
#define X86_CR4_OSFXSR		BIT(9)
#define X86_CR4_OSXMMEXCPT	BIT(10)
#define X86_CR4_UMIP		BIT(11)
#define X86_CR4_LA57		BIT(12)	/* 5-level paging */
#define X86_CR4_VMXE		BIT(13)
#define X86_CR4_SMXE		BIT(14)
#define X86_CR4_FSGSBASE	BIT(16)
#define X86_CR4_PCIDE		BIT(17)
#define X86_CR4_OSXSAVE		BIT(18)
#define X86_CR4_SMEP		BIT(20)
#define X86_CR4_SMAP		BIT(21)
#define X86_CR4_PKE		BIT(22)
#define X86_CR4_CET		BIT(23)

/* EFER (MSR 0xC0000080) */
#define EFER_SCE	BIT(0)	/* SYSCALL/SYSRET */
#define EFER_LME	BIT(8)
#define EFER_LMA	BIT(10)
#define EFER_NXE	BIT(11)
#define EFER_SVME	BIT(12)	/* SVM enable: VMRUN etc. legal */
#define EFER_LMSLE	BIT(13)
#define EFER_FFXSR	BIT(14)
#define EFER_TCE	BIT(15)
#define EFER_AUTOIBRS	BIT(21)	/* automatic IBRS (Zen 4) */

/* RFLAGS */
#define X86_RFLAGS_CF		BIT(0)
#define X86_RFLAGS_FIXED	BIT(1)	/* always reads as 1 */
#define X86_RFLAGS_PF		BIT(2)
#define X86_RFLAGS_AF		BIT(4)
#define X86_RFLAGS_ZF		BIT(6)
#define X86_RFLAGS_SF		BIT(7)
#define X86_RFLAGS_TF		BIT(8)
#define X86_RFLAGS_IF		BIT(9)
#define X86_RFLAGS_DF		BIT(10)
#define X86_RFLAGS_OF		BIT(11)
#define X86_RFLAGS_IOPL		(3UL << 12)
#define X86_RFLAGS_NT		BIT(14)
#define X86_RFLAGS_RF		BIT(16)
#define X86_RFLAGS_VM		BIT(17)
#define X86_RFLAGS_AC		BIT(18)
#define X86_RFLAGS_VIF		BIT(19)
#define X86_RFLAGS_VIP		BIT(20)
#define X86_RFLAGS_ID		BIT(21)

/* MSRs */
#define MSR_IA32_TSC		0x00000010
#define MSR_IA32_APIC_BASE	0x0000001b
#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_SYSENTER_ESP	0x00000175
#define MSR_IA32_SYSENTER_EIP	0x00000176
#define MSR_IA32_DEBUGCTL	0x000001d9
#define MSR_IA32_PAT		0x00000277
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103

/* IA32_APIC_BASE */
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_EXTD		BIT(10)	/* x2APIC mode */
#define APIC_BASE_EN		BIT(11)
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000UL

/* Exception vectors */
#define X86_TRAP_DE	0
#define X86_TRAP_DB	1
#define X86_TRAP_NMI	2
#define X86_TRAP_BP	3
#define X86_TRAP_OF	4
#define X86_TRAP_BR	5
#define X86_TRAP_UD	6
#define X86_TRAP_NM	7
#define X86_TRAP_DF	8
#define X86_TRAP_TS	10
#define X86_TRAP_NP	11
#define X86_TRAP_SS	12
#define X86_TRAP_GP	13
#define X86_TRAP_PF	14
#define X86_TRAP_MF	16
#define X86_TRAP_AC	17
#define X86_TRAP_MC	18
#define X86_TRAP_XM	19
#define X86_TRAP_VE	20
#define X86_TRAP_CP	21
#define X86_TRAP_HV	28
#define X86_TRAP_VC	29
#define X86_TRAP_SX	30

#ifndef __ASSEMBLY__

/* Operand of lgdt/lidt/sgdt/sidt. */
struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

/* Control registers */
#define X86_DEFINE_CR(n)						\
static inline u64 read_cr##n(void)					\
{									\
	u64 v;								\
	asm volatile("mov %%cr" #n ", %0" : "=r"(v));			\
	return v;							\
}									\
static inline void write_cr##n(u64 v)					\
{									\
	asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");		\
}
X86_DEFINE_CR(0)
X86_DEFINE_CR(2)
X86_DEFINE_CR(3)
X86_DEFINE_CR(4)
X86_DEFINE_CR(8)
#undef X86_DEFINE_CR

/* MSRs: a bad index faults (#GP); the runtime has no fixup. */
static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

/* Exception fixups: a fault at insn resumes at fixup (core/idt.c). */
struct hv_fixup {
	u64 insn, fixup;
};

/* RDMSR/WRMSR that return -1 instead of faulting on a bad MSR. */
static inline int rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;
	int err = -1;

	asm volatile("1:	rdmsr\n"
		     "	xorl %[err], %[err]\n"
		     "2:\n"
		     ".pushsection .hv_fixup, \"a\"\n"
		     "	.quad 1b, 2b\n"
		     ".popsection"
		     : [err] "+r"(err), "+a"(lo), "+d"(hi) : "c"(msr));
	*val = (u64)hi << 32 | lo;
	return err;
}

static inline int wrmsr_safe(u32 msr, u64 v)
{
	int err = -1;

	asm volatile("1:	wrmsr\n"
		     "	xorl %[err], %[err]\n"
		     "2:\n"
		     ".pushsection .hv_fixup, \"a\"\n"
		     "	.quad 1b, 2b\n"
		     ".popsection"
		     : [err] "+r"(err)
		     : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
	return err;
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
			       u32 *d)
{
	asm volatile("cpuid"
		     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub));
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	cpuid_count(leaf, 0, a, b, c, d);
}

/* Port I/O */
static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* Descriptor tables */
static inline void lgdt(const struct desc_ptr *p)
{
	asm volatile("lgdt %0" : : "m"(*p) : "memory");
}

static inline void lidt(const struct desc_ptr *p)
{
	asm volatile("lidt %0" : : "m"(*p) : "memory");
}

static inline void sgdt(struct desc_ptr *p)
{
	asm volatile("sgdt %0" : "=m"(*p));
}

static inline void sidt(struct desc_ptr *p)
{
	asm volatile("sidt %0" : "=m"(*p));
}

/* ltr marks the TSS descriptor busy: loading it twice faults. */
static inline void ltr(u16 sel)
{
	asm volatile("ltr %0" : : "rm"(sel) : "memory");
}

static inline void lldt(u16 sel)
{
	asm volatile("lldt %0" : : "rm"(sel) : "memory");
}

static inline u16 read_tr(void)
{
	u16 sel;

	asm volatile("str %0" : "=r"(sel));
	return sel;
}

/*
 * Segment selectors.  CS cannot be written with mov: see the far return
 * in core/gdt.c.  Writing FS/GS may also change their base (below).
 */
#define X86_DEFINE_SEG(s)						\
static inline u16 read_##s(void)					\
{									\
	u16 sel;							\
	asm volatile("mov %%" #s ", %0" : "=r"(sel));			\
	return sel;							\
}
X86_DEFINE_SEG(cs)
X86_DEFINE_SEG(ds)
X86_DEFINE_SEG(es)
X86_DEFINE_SEG(ss)
X86_DEFINE_SEG(fs)
X86_DEFINE_SEG(gs)
#undef X86_DEFINE_SEG

/*
 * In 64-bit mode a null selector written to FS/GS clears the hidden base
 * on Intel and on newer AMD CPUs, and keeps it on older AMD CPUs: callers
 * that care about FS_BASE/GS_BASE must save and restore the MSRs.
 */
#define X86_DEFINE_SEG_WRITE(s)						\
static inline void write_##s(u16 sel)					\
{									\
	asm volatile("mov %0, %%" #s : : "rm"(sel) : "memory");		\
}
X86_DEFINE_SEG_WRITE(ds)
X86_DEFINE_SEG_WRITE(es)
X86_DEFINE_SEG_WRITE(ss)
X86_DEFINE_SEG_WRITE(fs)
X86_DEFINE_SEG_WRITE(gs)
#undef X86_DEFINE_SEG_WRITE

/* Misc instructions */
static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline u64 read_rflags(void)
{
	u64 f;

	asm volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void invlpg(u64 va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void wbinvd(void)
{
	asm volatile("wbinvd" : : : "memory");
}

/* XCRs: needs CR4.OSXSAVE, else #UD. */
static inline u64 xgetbv(u32 xcr)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((u64)hi << 32) | lo;
}

static inline void xsetbv(u32 xcr, u64 v)
{
	asm volatile("xsetbv" : : "c"(xcr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

/*
 * SVM instructions; all need EFER.SVME.  The "memory" clobbers keep the
 * compiler from moving VMCB or shared-data accesses across them.
 */
static inline void clgi(void)
{
	asm volatile("clgi" : : : "memory");
}

static inline void stgi(void)
{
	asm volatile("stgi" : : : "memory");
}

/* Save/load FS, GS, TR, LDTR (with hidden state), KERNEL_GS_BASE,
 * STAR/LSTAR/CSTAR/SFMASK and SYSENTER_* to/from the VMCB at pa. */
static inline void vmsave(u64 pa)
{
	asm volatile("vmsave %%rax" : : "a"(pa) : "memory");
}

static inline void vmload(u64 pa)
{
	asm volatile("vmload %%rax" : : "a"(pa) : "memory");
}

/*
 * Raw VMRUN.  The CPU restores only host RAX, RSP, RIP, RFLAGS, CR0/3/4,
 * EFER, GDTR/IDTR and ES/CS/SS/DS on #VMEXIT; every other GPR comes back
 * holding the guest's value and the guest's GPRs (except RAX and RSP,
 * which the VMCB keeps) are lost.  Good for tests and simple guests; a
 * real world switch that saves guest GPRs must be written in assembly.
 */
static inline void vmrun(u64 pa)
{
	asm volatile("push %%rbp\n\t"
		     "vmrun %%rax\n\t"
		     "pop %%rbp"
		     : "+a"(pa)
		     :
		     : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		       "r11", "r12", "r13", "r14", "r15", "memory", "cc");
}

/* Out of line in arch/x86/cpu.c */
void halt_forever(void) __attribute__((noreturn));
u32 cpu_apic_id(void);
bool cpu_has_1g_pages(void);

#endif /* !__ASSEMBLY__ */
#endif /* XMHF_ARCH_X86_H */
