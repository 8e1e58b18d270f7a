/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AMD SVM: the VMCB and its constants, from the AMD64 Architecture
 * Programmer's Manual vol. 2, appendix B (VMCB layout) and appendix C
 * (exit codes), and chapter 15.  Field names follow Linux's
 * arch/x86/include/asm/svm.h so that the APM, KVM and this code read
 * alike.  Every offset is checked at compile time at the end of the file.
 *
 * The VMCB is one 4 KiB page: control area at 0x000, state save area at
 * 0x400.  It must be 4 KiB aligned in physical memory (VMRUN takes its
 * physical address); struct vmcb itself does not force that alignment,
 * so allocate it from a page.  No field needs __packed: each is naturally
 * aligned, which the asserts prove.
 */
#ifndef XMHF_ARCH_SVM_VMCB_H
#define XMHF_ARCH_SVM_VMCB_H

#include <types.h>
#include <arch/x86.h>

/* ---------------------------------------------------------------- MSRs */
#define MSR_VM_CR		0xc0010114
#define MSR_VM_IGNNE		0xc0010115
#define MSR_VM_HSAVE_PA		0xc0010117	/* 4 KiB host save area */

#define SVM_VM_CR_DPD		BIT(0)
#define SVM_VM_CR_R_INIT	BIT(1)	/* INIT becomes #SX while in SVM */
#define SVM_VM_CR_DIS_A20M	BIT(2)
#define SVM_VM_CR_LOCK		BIT(3)
#define SVM_VM_CR_SVMDIS	BIT(4)	/* EFER.SVME cannot be set */
/* EFER.SVME is EFER_SVME in arch/x86.h. */

/* CPUID Fn8000_000A EDX: SVM features. */
#define SVM_CPUID_LEAF			0x8000000a
#define SVM_FEATURE_NPT			BIT(0)
#define SVM_FEATURE_LBRV		BIT(1)
#define SVM_FEATURE_SVML		BIT(2)
#define SVM_FEATURE_NRIPS		BIT(3)	/* next_rip saved */
#define SVM_FEATURE_TSC_RATE		BIT(4)
#define SVM_FEATURE_VMCB_CLEAN		BIT(5)
#define SVM_FEATURE_FLUSH_ASID		BIT(6)
#define SVM_FEATURE_DECODE_ASSISTS	BIT(7)
#define SVM_FEATURE_PAUSE_FILTER	BIT(10)
#define SVM_FEATURE_PAUSE_THRESHOLD	BIT(12)
#define SVM_FEATURE_AVIC		BIT(13)
#define SVM_FEATURE_V_VMSAVE_VMLOAD	BIT(15)
#define SVM_FEATURE_VGIF		BIT(16)

/* Permission maps the control area points to (physically contiguous). */
#define SVM_IOPM_SIZE		0x3000	/* 12 KiB, 4 KiB aligned */
#define SVM_MSRPM_SIZE		0x2000	/* 8 KiB, 4 KiB aligned */

/* ---------------------------------------------------------- intercepts */
/*
 * The intercept vectors are six 32-bit words at 0x000..0x017, kept as
 * u32 intercepts[MAX_INTERCEPT].  An INTERCEPT_* value is a bit number
 * over the whole array: word = n / 32, bit = n % 32 (vmcb_set_intercept()).
 */
enum intercept_words {
	INTERCEPT_CR = 0,	/* 0x000: CR reads 15:0, CR writes 31:16 */
	INTERCEPT_DR,		/* 0x004: DR reads 15:0, DR writes 31:16 */
	INTERCEPT_EXCEPTION,	/* 0x008: one bit per vector */
	INTERCEPT_WORD3,	/* 0x00C */
	INTERCEPT_WORD4,	/* 0x010 */
	INTERCEPT_WORD5,	/* 0x014 */
	MAX_INTERCEPT,
};

#define INTERCEPT_CR_READ(n)	(0 + (n))
#define INTERCEPT_CR_WRITE(n)	(16 + (n))
#define INTERCEPT_DR_READ(n)	(32 + (n))
#define INTERCEPT_DR_WRITE(n)	(48 + (n))
#define INTERCEPT_EXCEPTION_OFFSET	64
#define INTERCEPT_EXCP(vec)	(INTERCEPT_EXCEPTION_OFFSET + (vec))
#define INTERCEPT_CR_WRITE_TRAP(n)	(144 + (n))

enum {
	INTERCEPT_CR0_READ = INTERCEPT_CR_READ(0),
	INTERCEPT_CR3_READ = INTERCEPT_CR_READ(3),
	INTERCEPT_CR4_READ = INTERCEPT_CR_READ(4),
	INTERCEPT_CR8_READ = INTERCEPT_CR_READ(8),
	INTERCEPT_CR0_WRITE = INTERCEPT_CR_WRITE(0),
	INTERCEPT_CR3_WRITE = INTERCEPT_CR_WRITE(3),
	INTERCEPT_CR4_WRITE = INTERCEPT_CR_WRITE(4),
	INTERCEPT_CR8_WRITE = INTERCEPT_CR_WRITE(8),

	/* Word 3, offset 0x00C */
	INTERCEPT_INTR = 96,
	INTERCEPT_NMI,
	INTERCEPT_SMI,
	INTERCEPT_INIT,
	INTERCEPT_VINTR,
	INTERCEPT_CR0_SEL_WRITE,	/* CR0 writes other than TS/MP */
	INTERCEPT_IDTR_READ,
	INTERCEPT_GDTR_READ,
	INTERCEPT_LDTR_READ,
	INTERCEPT_TR_READ,
	INTERCEPT_IDTR_WRITE,
	INTERCEPT_GDTR_WRITE,
	INTERCEPT_LDTR_WRITE,
	INTERCEPT_TR_WRITE,
	INTERCEPT_RDTSC,
	INTERCEPT_RDPMC,
	INTERCEPT_PUSHF,
	INTERCEPT_POPF,
	INTERCEPT_CPUID,
	INTERCEPT_RSM,
	INTERCEPT_IRET,
	INTERCEPT_INTn,
	INTERCEPT_INVD,
	INTERCEPT_PAUSE,
	INTERCEPT_HLT,
	INTERCEPT_INVLPG,
	INTERCEPT_INVLPGA,
	INTERCEPT_IOIO_PROT,
	INTERCEPT_MSR_PROT,
	INTERCEPT_TASK_SWITCH,
	INTERCEPT_FERR_FREEZE,
	INTERCEPT_SHUTDOWN,		/* 127 */

	/* Word 4, offset 0x010 */
	INTERCEPT_VMRUN = 128,		/* must be set or VMRUN fails */
	INTERCEPT_VMMCALL,
	INTERCEPT_VMLOAD,
	INTERCEPT_VMSAVE,
	INTERCEPT_STGI,
	INTERCEPT_CLGI,
	INTERCEPT_SKINIT,
	INTERCEPT_RDTSCP,
	INTERCEPT_ICEBP,
	INTERCEPT_WBINVD,		/* also WBNOINVD */
	INTERCEPT_MONITOR,		/* also MONITORX */
	INTERCEPT_MWAIT,		/* also MWAITX, unconditionally */
	INTERCEPT_MWAIT_COND,		/* only if the monitor is armed */
	INTERCEPT_XSETBV,
	INTERCEPT_RDPRU,
	INTERCEPT_EFER_WRITE_TRAP,	/* 143; CR writes traps follow */

	/* Word 5, offset 0x014 */
	INTERCEPT_INVLPGB = 160,
	INTERCEPT_INVLPGB_ILLEGAL,
	INTERCEPT_INVPCID,
	INTERCEPT_MCOMMIT,
	INTERCEPT_TLBSYNC,
	INTERCEPT_BUSLOCK,
	INTERCEPT_IDLE_HLT,		/* 166 */
};

/* ---------------------------------------------------- control fields */
/* tlb_ctl (0x05C) */
#define TLB_CONTROL_DO_NOTHING		0
#define TLB_CONTROL_FLUSH_ALL_ASID	1	/* whole TLB, every ASID */
#define TLB_CONTROL_FLUSH_ASID		3	/* this guest's ASID */
#define TLB_CONTROL_FLUSH_ASID_LOCAL	7	/* ... except global pages */

/* int_ctl (0x060) */
#define V_TPR_MASK		0xffU
#define V_IRQ_SHIFT		8
#define V_IRQ_MASK		(1U << V_IRQ_SHIFT)
#define V_GIF_SHIFT		9	/* the guest's virtual GIF */
#define V_GIF_MASK		(1U << V_GIF_SHIFT)
#define V_NMI_PENDING_SHIFT	11
#define V_NMI_PENDING_MASK	(1U << V_NMI_PENDING_SHIFT)
#define V_NMI_BLOCKING_SHIFT	12
#define V_NMI_BLOCKING_MASK	(1U << V_NMI_BLOCKING_SHIFT)
#define V_INTR_PRIO_SHIFT	16
#define V_INTR_PRIO_MASK	(0xfU << V_INTR_PRIO_SHIFT)
#define V_IGN_TPR_SHIFT		20
#define V_IGN_TPR_MASK		(1U << V_IGN_TPR_SHIFT)
#define V_INTR_MASKING_SHIFT	24	/* guest IF masks only virtual INTR */
#define V_INTR_MASKING_MASK	(1U << V_INTR_MASKING_SHIFT)
#define V_GIF_ENABLE_SHIFT	25	/* vGIF feature on for this guest */
#define V_GIF_ENABLE_MASK	(1U << V_GIF_ENABLE_SHIFT)
#define V_NMI_ENABLE_SHIFT	26
#define V_NMI_ENABLE_MASK	(1U << V_NMI_ENABLE_SHIFT)
#define X2APIC_MODE_SHIFT	30
#define X2APIC_MODE_MASK	(1U << X2APIC_MODE_SHIFT)
#define AVIC_ENABLE_SHIFT	31
#define AVIC_ENABLE_MASK	(1U << AVIC_ENABLE_SHIFT)

/* int_vector (0x064): bits 7:0 are the virtual interrupt's vector. */
#define V_INTR_VECTOR_MASK	0xffU

/* int_state (0x068) */
#define SVM_INTERRUPT_SHADOW_MASK	BIT(0)	/* STI / MOV SS shadow */
#define SVM_GUEST_INTERRUPT_MASK	BIT(1)	/* guest IF, V_INTR_MASKING */

/* nested_ctl (0x090) */
#define SVM_NESTED_CTL_NP_ENABLE	BIT(0)
#define SVM_NESTED_CTL_SEV_ENABLE	BIT(1)
#define SVM_NESTED_CTL_SEV_ES_ENABLE	BIT(2)

/* virt_ext (0x0B8) */
#define LBR_CTL_ENABLE_MASK			BIT(0)
#define VIRTUAL_VMLOAD_VMSAVE_ENABLE_MASK	BIT(1)

/*
 * clean (0x0C0): a set bit tells the CPU it may keep its cached copy of
 * that group.  Anything the hypervisor writes must clear its bit (or the
 * whole word) before the next VMRUN.
 */
#define VMCB_CLEAN_INTERCEPTS	BIT(0)	/* intercepts, tsc_offset, pause */
#define VMCB_CLEAN_PERM_MAP	BIT(1)	/* iopm_base_pa, msrpm_base_pa */
#define VMCB_CLEAN_ASID		BIT(2)
#define VMCB_CLEAN_INTR		BIT(3)	/* V_TPR .. V_INTR_VECTOR */
#define VMCB_CLEAN_NPT		BIT(4)	/* nested_cr3, g_pat */
#define VMCB_CLEAN_CR		BIT(5)	/* CR0, CR3, CR4, EFER */
#define VMCB_CLEAN_DR		BIT(6)	/* DR6, DR7 */
#define VMCB_CLEAN_DT		BIT(7)	/* GDTR, IDTR */
#define VMCB_CLEAN_SEG		BIT(8)	/* ES/CS/SS/DS, CPL */
#define VMCB_CLEAN_CR2		BIT(9)
#define VMCB_CLEAN_LBR		BIT(10)	/* dbgctl, br_*, last_excp_* */
#define VMCB_CLEAN_AVIC		BIT(11)
#define VMCB_CLEAN_CET		BIT(12)	/* s_cet, ssp, isst_addr */

/*
 * event_inj (0x0A8) and exit_int_info (0x088) share one format; the
 * error code sits in the following 32-bit word.
 */
#define SVM_EVTINJ_VEC_MASK		0xffU
#define SVM_EVTINJ_TYPE_SHIFT		8
#define SVM_EVTINJ_TYPE_MASK		(7U << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_INTR		(0U << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_NMI		(2U << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_EXCEPTION	(3U << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_SOFT		(4U << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_VALID_ERR		(1U << 11)	/* EV */
#define SVM_EVTINJ_VALID		(1U << 31)	/* V */

#define SVM_EXITINTINFO_VEC_MASK	SVM_EVTINJ_VEC_MASK
#define SVM_EXITINTINFO_TYPE_MASK	SVM_EVTINJ_TYPE_MASK
#define SVM_EXITINTINFO_TYPE_INTR	SVM_EVTINJ_TYPE_INTR
#define SVM_EXITINTINFO_TYPE_NMI	SVM_EVTINJ_TYPE_NMI
#define SVM_EXITINTINFO_TYPE_EXCEPTION	SVM_EVTINJ_TYPE_EXCEPTION
#define SVM_EXITINTINFO_TYPE_SOFT	SVM_EVTINJ_TYPE_SOFT
#define SVM_EXITINTINFO_VALID_ERR	SVM_EVTINJ_VALID_ERR
#define SVM_EXITINTINFO_VALID		SVM_EVTINJ_VALID

/* exit_info_1 of SVM_EXIT_IOIO */
#define SVM_IOIO_TYPE_IN	BIT(0)	/* clear: OUT */
#define SVM_IOIO_STR		BIT(2)
#define SVM_IOIO_REP		BIT(3)
#define SVM_IOIO_SIZE_SHIFT	4	/* one-hot: 1, 2 or 4 bytes */
#define SVM_IOIO_SIZE_MASK	(7UL << SVM_IOIO_SIZE_SHIFT)
#define SVM_IOIO_ASIZE_SHIFT	7	/* one-hot: 16, 32 or 64 bit */
#define SVM_IOIO_ASIZE_MASK	(7UL << SVM_IOIO_ASIZE_SHIFT)
#define SVM_IOIO_SEG_SHIFT	10	/* decode assists: segment */
#define SVM_IOIO_SEG_MASK	(7UL << SVM_IOIO_SEG_SHIFT)
#define SVM_IOIO_PORT_SHIFT	16
#define SVM_IOIO_PORT_MASK	(0xffffUL << SVM_IOIO_PORT_SHIFT)

/* exit_info_1 of SVM_EXIT_MSR */
#define SVM_EXITINFO1_MSR_READ	0
#define SVM_EXITINFO1_MSR_WRITE	1

/* exit_info_1 of CR/DR access exits (decode assists) */
#define SVM_EXITINFO1_CR_MOV	BIT(63)	/* MOV CRx, else LMSW/CLTS */
#define SVM_EXITINFO1_GPR_MASK	0xfUL

/* exit_info_1 of SVM_EXIT_NPF (exit_info_2: guest physical address) */
#define SVM_NPF_P		BIT(0)	/* the nested entry was present */
#define SVM_NPF_WRITE		BIT(1)
#define SVM_NPF_USER		BIT(2)
#define SVM_NPF_RSVD		BIT(3)
#define SVM_NPF_FETCH		BIT(4)
#define SVM_NPF_GUEST_FINAL	BIT(32)	/* on the final guest physical */
#define SVM_NPF_GUEST_PT	BIT(33)	/* on a guest page-table access */

/* vmcb_seg.attrib: descriptor bits 47:40 and 55:52 packed into 11:0. */
#define SVM_SELECTOR_TYPE_MASK	0xfU
#define SVM_SELECTOR_S_SHIFT	4
#define SVM_SELECTOR_DPL_SHIFT	5
#define SVM_SELECTOR_P_SHIFT	7
#define SVM_SELECTOR_AVL_SHIFT	8
#define SVM_SELECTOR_L_SHIFT	9
#define SVM_SELECTOR_DB_SHIFT	10
#define SVM_SELECTOR_G_SHIFT	11

/* ---------------------------------------------------------- exit codes */
#define SVM_EXIT_READ_CR0	0x000	/* + n for CRn, up to 0x00f */
#define SVM_EXIT_READ_CR3	0x003
#define SVM_EXIT_READ_CR4	0x004
#define SVM_EXIT_READ_CR8	0x008
#define SVM_EXIT_WRITE_CR0	0x010	/* + n, up to 0x01f */
#define SVM_EXIT_WRITE_CR3	0x013
#define SVM_EXIT_WRITE_CR4	0x014
#define SVM_EXIT_WRITE_CR8	0x018
#define SVM_EXIT_READ_DR0	0x020	/* + n, up to 0x02f */
#define SVM_EXIT_WRITE_DR0	0x030	/* + n, up to 0x03f */
#define SVM_EXIT_EXCP_BASE	0x040	/* + vector, up to 0x05f */
#define SVM_EXIT_LAST_EXCP	0x05f
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_SMI		0x062
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_CR0_SEL_WRITE	0x065
#define SVM_EXIT_IDTR_READ	0x066
#define SVM_EXIT_GDTR_READ	0x067
#define SVM_EXIT_LDTR_READ	0x068
#define SVM_EXIT_TR_READ	0x069
#define SVM_EXIT_IDTR_WRITE	0x06a
#define SVM_EXIT_GDTR_WRITE	0x06b
#define SVM_EXIT_LDTR_WRITE	0x06c
#define SVM_EXIT_TR_WRITE	0x06d
#define SVM_EXIT_RDTSC		0x06e
#define SVM_EXIT_RDPMC		0x06f
#define SVM_EXIT_PUSHF		0x070
#define SVM_EXIT_POPF		0x071
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_RSM		0x073
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_SWINT		0x075	/* INTn */
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_PAUSE		0x077
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPG		0x079
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_TASK_SWITCH	0x07d
#define SVM_EXIT_FERR_FREEZE	0x07e
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_RDTSCP		0x087
#define SVM_EXIT_ICEBP		0x088
#define SVM_EXIT_WBINVD		0x089
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_MWAIT_COND	0x08c
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_RDPRU		0x08e
#define SVM_EXIT_EFER_WRITE_TRAP	0x08f
#define SVM_EXIT_CR0_WRITE_TRAP	0x090	/* + n, up to 0x09f */
#define SVM_EXIT_CR15_WRITE_TRAP	0x09f
#define SVM_EXIT_INVLPGB	0x0a0
#define SVM_EXIT_INVLPGB_ILLEGAL	0x0a1
#define SVM_EXIT_INVPCID	0x0a2
#define SVM_EXIT_MCOMMIT	0x0a3
#define SVM_EXIT_TLBSYNC	0x0a4
#define SVM_EXIT_BUS_LOCK	0x0a5
#define SVM_EXIT_IDLE_HLT	0x0a6
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_AVIC_INCOMPLETE_IPI	0x401
#define SVM_EXIT_AVIC_UNACCELERATED_ACCESS	0x402
#define SVM_EXIT_VMGEXIT	0x403
/* VMRUN refused the VMCB (bad state); exit_code is all ones. */
#define SVM_EXIT_ERR		(-1)

/* ------------------------------------------------------------- layout */
struct vmcb_control_area {
	u32 intercepts[MAX_INTERCEPT];		/* 0x000 */
	u32 reserved_0x018[15 - MAX_INTERCEPT];
	u16 pause_filter_thresh;		/* 0x03C */
	u16 pause_filter_count;			/* 0x03E */
	u64 iopm_base_pa;			/* 0x040 */
	u64 msrpm_base_pa;			/* 0x048 */
	u64 tsc_offset;				/* 0x050 */
	u32 asid;				/* 0x058: 0 is the host's */
	u8 tlb_ctl;				/* 0x05C */
	u8 reserved_0x05d[3];
	u32 int_ctl;				/* 0x060 */
	u32 int_vector;				/* 0x064 */
	u32 int_state;				/* 0x068 */
	u8 reserved_0x06c[4];
	u64 exit_code;				/* 0x070 */
	u64 exit_info_1;			/* 0x078 */
	u64 exit_info_2;			/* 0x080 */
	u32 exit_int_info;			/* 0x088 */
	u32 exit_int_info_err;			/* 0x08C */
	u64 nested_ctl;				/* 0x090 */
	u64 avic_vapic_bar;			/* 0x098 */
	u64 ghcb_gpa;				/* 0x0A0: SEV-ES */
	u32 event_inj;				/* 0x0A8 */
	u32 event_inj_err;			/* 0x0AC */
	u64 nested_cr3;				/* 0x0B0 */
	u64 virt_ext;				/* 0x0B8 */
	u32 clean;				/* 0x0C0 */
	u32 reserved_0x0c4;
	u64 next_rip;				/* 0x0C8: with NRIPS */
	u8 insn_len;				/* 0x0D0: decode assists */
	u8 insn_bytes[15];			/* 0x0D1 */
	u64 avic_backing_page;			/* 0x0E0 */
	u8 reserved_0x0e8[8];
	u64 avic_logical_id;			/* 0x0F0 */
	u64 avic_physical_id;			/* 0x0F8 */
	u8 reserved_0x100[8];
	u64 vmsa_pa;				/* 0x108: SEV-ES */
	/* 0x110..0x3DF: SEV, bus-lock and newer fields; unused here. */
	u8 reserved_0x110[0x3e0 - 0x110];
	u8 reserved_sw[32];			/* 0x3E0: for software */
};

/* Segment register in the save area. */
struct vmcb_seg {
	u16 selector;
	u16 attrib;	/* SVM_SELECTOR_* */
	u32 limit;
	u64 base;
};

/* Offsets in comments are from the VMCB's start (save area + 0x400). */
struct vmcb_save_area {
	struct vmcb_seg es;			/* 0x400 */
	struct vmcb_seg cs;			/* 0x410 */
	struct vmcb_seg ss;			/* 0x420 */
	struct vmcb_seg ds;			/* 0x430 */
	struct vmcb_seg fs;			/* 0x440 */
	struct vmcb_seg gs;			/* 0x450 */
	struct vmcb_seg gdtr;			/* 0x460 */
	struct vmcb_seg ldtr;			/* 0x470 */
	struct vmcb_seg idtr;			/* 0x480 */
	struct vmcb_seg tr;			/* 0x490 */
	u8 reserved_0x4a0[42];
	u8 vmpl;				/* 0x4CA: SEV-SNP */
	u8 cpl;					/* 0x4CB */
	u8 reserved_0x4cc[4];
	u64 efer;				/* 0x4D0 */
	u8 reserved_0x4d8[112];
	u64 cr4;				/* 0x548 */
	u64 cr3;				/* 0x550 */
	u64 cr0;				/* 0x558 */
	u64 dr7;				/* 0x560 */
	u64 dr6;				/* 0x568 */
	u64 rflags;				/* 0x570 */
	u64 rip;				/* 0x578 */
	u8 reserved_0x580[88];
	u64 rsp;				/* 0x5D8 */
	u64 s_cet;				/* 0x5E0 */
	u64 ssp;				/* 0x5E8 */
	u64 isst_addr;				/* 0x5F0 */
	u64 rax;				/* 0x5F8 */
	u64 star;				/* 0x600 */
	u64 lstar;				/* 0x608 */
	u64 cstar;				/* 0x610 */
	u64 sfmask;				/* 0x618 */
	u64 kernel_gs_base;			/* 0x620 */
	u64 sysenter_cs;			/* 0x628 */
	u64 sysenter_esp;			/* 0x630 */
	u64 sysenter_eip;			/* 0x638 */
	u64 cr2;				/* 0x640 */
	u8 reserved_0x648[32];
	u64 g_pat;				/* 0x668 */
	u64 dbgctl;				/* 0x670 */
	u64 br_from;				/* 0x678 */
	u64 br_to;				/* 0x680 */
	u64 last_excp_from;			/* 0x688 */
	u64 last_excp_to;			/* 0x690 */
	u8 reserved_0x698[72];
	u64 spec_ctrl;				/* 0x6E0 */
};

struct vmcb {
	struct vmcb_control_area control;	/* 0x000 */
	struct vmcb_save_area save;		/* 0x400 */
	/* 0x6E8..0xFFF: newer state (LBR stack, IBS, ...), unused here. */
	u8 reserved_0x6e8[0x1000 - 0x6e8];
};

/* ------------------------------------------------------------ helpers */
static inline void vmcb_set_intercept(struct vmcb_control_area *c, u32 bit)
{
	c->intercepts[bit / 32] |= 1U << (bit % 32);
	c->clean &= ~(u32)VMCB_CLEAN_INTERCEPTS;
}

static inline void vmcb_clr_intercept(struct vmcb_control_area *c, u32 bit)
{
	c->intercepts[bit / 32] &= ~(1U << (bit % 32));
	c->clean &= ~(u32)VMCB_CLEAN_INTERCEPTS;
}

static inline bool vmcb_is_intercept(const struct vmcb_control_area *c,
				     u32 bit)
{
	return c->intercepts[bit / 32] & (1U << (bit % 32));
}

/* GDT descriptor -> vmcb_seg.attrib (access byte, then flags nibble). */
static inline u16 vmcb_attrib_from_desc(u64 desc)
{
	return (u16)(((desc >> 40) & 0xff) | ((desc >> 44) & 0xf00));
}

/* Name of an exit code for logs and statistics; never NULL. */
const char *svm_exit_name(u32 exit_code);

/* ------------------------------------------------- layout verification */
#define VMCB_CHECK(field, off)						\
	_Static_assert(offsetof(struct vmcb, field) == (off),		\
		       "VMCB: " #field " not at " #off)

VMCB_CHECK(control.intercepts[INTERCEPT_CR], 0x000);
VMCB_CHECK(control.intercepts[INTERCEPT_DR], 0x004);
VMCB_CHECK(control.intercepts[INTERCEPT_EXCEPTION], 0x008);
VMCB_CHECK(control.intercepts[INTERCEPT_WORD3], 0x00c);
VMCB_CHECK(control.intercepts[INTERCEPT_WORD4], 0x010);
VMCB_CHECK(control.intercepts[INTERCEPT_WORD5], 0x014);
VMCB_CHECK(control.pause_filter_thresh, 0x03c);
VMCB_CHECK(control.pause_filter_count, 0x03e);
VMCB_CHECK(control.iopm_base_pa, 0x040);
VMCB_CHECK(control.msrpm_base_pa, 0x048);
VMCB_CHECK(control.tsc_offset, 0x050);
VMCB_CHECK(control.asid, 0x058);
VMCB_CHECK(control.tlb_ctl, 0x05c);
VMCB_CHECK(control.int_ctl, 0x060);
VMCB_CHECK(control.int_vector, 0x064);
VMCB_CHECK(control.int_state, 0x068);
VMCB_CHECK(control.exit_code, 0x070);
VMCB_CHECK(control.exit_info_1, 0x078);
VMCB_CHECK(control.exit_info_2, 0x080);
VMCB_CHECK(control.exit_int_info, 0x088);
VMCB_CHECK(control.exit_int_info_err, 0x08c);
VMCB_CHECK(control.nested_ctl, 0x090);
VMCB_CHECK(control.avic_vapic_bar, 0x098);
VMCB_CHECK(control.ghcb_gpa, 0x0a0);
VMCB_CHECK(control.event_inj, 0x0a8);
VMCB_CHECK(control.event_inj_err, 0x0ac);
VMCB_CHECK(control.nested_cr3, 0x0b0);
VMCB_CHECK(control.virt_ext, 0x0b8);
VMCB_CHECK(control.clean, 0x0c0);
VMCB_CHECK(control.next_rip, 0x0c8);
VMCB_CHECK(control.insn_len, 0x0d0);
VMCB_CHECK(control.insn_bytes, 0x0d1);
VMCB_CHECK(control.avic_backing_page, 0x0e0);
VMCB_CHECK(control.avic_logical_id, 0x0f0);
VMCB_CHECK(control.avic_physical_id, 0x0f8);
VMCB_CHECK(control.vmsa_pa, 0x108);
VMCB_CHECK(control.reserved_sw, 0x3e0);

VMCB_CHECK(save, 0x400);
VMCB_CHECK(save.es, 0x400);
VMCB_CHECK(save.cs, 0x410);
VMCB_CHECK(save.ss, 0x420);
VMCB_CHECK(save.ds, 0x430);
VMCB_CHECK(save.fs, 0x440);
VMCB_CHECK(save.gs, 0x450);
VMCB_CHECK(save.gdtr, 0x460);
VMCB_CHECK(save.ldtr, 0x470);
VMCB_CHECK(save.idtr, 0x480);
VMCB_CHECK(save.tr, 0x490);
VMCB_CHECK(save.vmpl, 0x4ca);
VMCB_CHECK(save.cpl, 0x4cb);
VMCB_CHECK(save.efer, 0x4d0);
VMCB_CHECK(save.cr4, 0x548);
VMCB_CHECK(save.cr3, 0x550);
VMCB_CHECK(save.cr0, 0x558);
VMCB_CHECK(save.dr7, 0x560);
VMCB_CHECK(save.dr6, 0x568);
VMCB_CHECK(save.rflags, 0x570);
VMCB_CHECK(save.rip, 0x578);
VMCB_CHECK(save.rsp, 0x5d8);
VMCB_CHECK(save.s_cet, 0x5e0);
VMCB_CHECK(save.ssp, 0x5e8);
VMCB_CHECK(save.isst_addr, 0x5f0);
VMCB_CHECK(save.rax, 0x5f8);
VMCB_CHECK(save.star, 0x600);
VMCB_CHECK(save.lstar, 0x608);
VMCB_CHECK(save.cstar, 0x610);
VMCB_CHECK(save.sfmask, 0x618);
VMCB_CHECK(save.kernel_gs_base, 0x620);
VMCB_CHECK(save.sysenter_cs, 0x628);
VMCB_CHECK(save.sysenter_esp, 0x630);
VMCB_CHECK(save.sysenter_eip, 0x638);
VMCB_CHECK(save.cr2, 0x640);
VMCB_CHECK(save.g_pat, 0x668);
VMCB_CHECK(save.dbgctl, 0x670);
VMCB_CHECK(save.br_from, 0x678);
VMCB_CHECK(save.br_to, 0x680);
VMCB_CHECK(save.last_excp_from, 0x688);
VMCB_CHECK(save.last_excp_to, 0x690);
VMCB_CHECK(save.spec_ctrl, 0x6e0);

_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg size");
_Static_assert(sizeof(struct vmcb_control_area) == 0x400, "control area size");
_Static_assert(sizeof(struct vmcb_save_area) == 0x2e8, "save area size");
_Static_assert(sizeof(struct vmcb) == 0x1000, "VMCB is one page");

#undef VMCB_CHECK

#endif /* XMHF_ARCH_SVM_VMCB_H */
