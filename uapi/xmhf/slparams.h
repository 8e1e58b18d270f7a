/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The secure loader's parameter block, at XMHF_SLPB_OFFSET in the
 * hypervisor's memory.  The module fills it before the launch.  It is
 * untrusted input: the SL checks magic, version, size and every range
 * before it uses any of it, and copies it into measured memory first.
 */
#ifndef XMHF_UAPI_SLPARAMS_H
#define XMHF_UAPI_SLPARAMS_H

#include <xmhf/types.h>
#include <xmhf/layout.h>

#define XMHF_SLPB_MAGIC		0x42505358u	/* "XSPB" in memory order */
#define XMHF_SLPB_VERSION	3	/* 3: extra heap blocks */

enum xmhf_launch_kind {
	XMHF_LAUNCH_NONE = 0,	/* loaded only, never launched */
	XMHF_LAUNCH_EMULATED = 1,	/* module enters the SL itself */
	XMHF_LAUNCH_SKINIT = 2,	/* AMD DRTM */
	XMHF_LAUNCH_SENTER = 3,	/* Intel TXT DRTM */
	XMHF_LAUNCH_AUTO = 0xff,	/* module parameter only: resolved at load */
};

static inline const char *xmhf_launch_kind_name(__u32 kind)
{
	switch (kind) {
	case XMHF_LAUNCH_NONE:
		return "none";
	case XMHF_LAUNCH_EMULATED:
		return "emulated";
	case XMHF_LAUNCH_SKINIT:
		return "skinit";
	case XMHF_LAUNCH_SENTER:
		return "senter";
	case XMHF_LAUNCH_AUTO:
		return "auto";
	}
	return "unknown";
}

/* Segment register with its hidden part, VMCB-style attribute encoding. */
struct xmhf_segment {
	__u16 selector;
	__u16 attrib;
	__u32 limit;
	__u64 base;
};

/* The boot CPU's state at the launch point (docs/architecture.md, Launch 4). */
struct xmhf_cpu_state {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer, pat, xcr0;
	__u64 dr6, dr7;
	struct xmhf_segment es, cs, ss, ds, fs, gs, tr, ldtr;
	__u64 gdtr_base, idtr_base;
	__u32 gdtr_limit, idtr_limit;
	__u64 kernel_gs_base;
	__u64 star, lstar, cstar, sfmask;
	__u64 sysenter_cs, sysenter_esp, sysenter_eip;
};

/* Test only: the runtime returns natively just before VMRUN. */
#define XMHF_SLPB_F_TEST_ABORT	(1u << 0)
#define XMHF_SLPB_F_KNOWN	XMHF_SLPB_F_TEST_ABORT

/*
 * A server's memory map can have hundreds of RAM ranges; the CPU list
 * matches XMHF_MAX_CPUS (uapi/xmhf/hypercall.h).  Together they keep the
 * block within XMHF_SLPB_SIZE (asserted below).
 */
#define XMHF_SLPB_MAX_RAM	512	/* RAM ranges passed to the SL */
/* RAM must end below this: the runtime's direct map covers 32 TiB. */
#define XMHF_SLPB_RAM_LIMIT	(1ull << 45)
/*
 * The PC's fixed MMIO below 4 GiB: IOAPIC, HPET, TPM, LAPIC, firmware.
 * "RAM" there is a lie the SL refuses.
 */
#define XMHF_MMIO_FIXED_START	0xfec00000ull
#define XMHF_MMIO_FIXED_END	0x100000000ull
#define XMHF_IOMMU_MMIO_SIZE	0x80000	/* AMD IOMMU registers, with the extended ones */
#define XMHF_SLPB_MAX_CPUS	256
#define XMHF_SLPB_MASK_WORDS	(XMHF_SLPB_MAX_CPUS / 64)

struct xmhf_mem_range {
	__u64 start;
	__u64 size;
};

struct xmhf_sl_params {
	__u32 magic;
	__u32 version;
	__u32 size;		/* sizeof(struct xmhf_sl_params) */
	__u32 launch_kind;	/* enum xmhf_launch_kind */

	__u64 hv_phys_base;	/* start of the 4 MiB block */
	__u64 hv_size;
	__u64 rt_entry;		/* runtime entry, offset from its base */
	__u64 rt_mem_size;

	struct xmhf_cpu_state bsp;

	__u32 num_ram;		/* entries used in ram[] */
	__u32 num_cpus;		/* entries used in apic_ids[] */
	/* Sorted by start; no two overlap (adjacent is fine). */
	struct xmhf_mem_range ram[XMHF_SLPB_MAX_RAM];
	__u32 apic_ids[XMHF_SLPB_MAX_CPUS];	/* [0] is the boot CPU */
	/* Bit i: apic_ids[i] was online in Linux before the launch. */
	__u64 cpus_online[XMHF_SLPB_MASK_WORDS];

	__u64 tpm_base;		/* TIS MMIO base, 0 if no TPM */
	__u64 iommu_base;	/* AMD IOMMU MMIO base, 0 if none */
	__u32 phys_addr_bits;	/* CPUID 0x80000008 EAX[7:0] */
	__u32 flags;		/* XMHF_SLPB_F_* */
	__u64 debug_port;	/* I/O port for the debug log, 0 = off */

	/*
	 * The module's trampoline page (below 4 GiB, mapped 1:1 by the
	 * transition page tables).  A native return jumps here in 64-bit
	 * mode with RAX = 1; the code there belongs to the guest.
	 */
	__u64 tramp_return_pa;

	/*
	 * TSC ticks per millisecond, for the delays of the APs' INIT-SIPI-SIPI
	 * only (a wrong value makes them longer or shorter, nothing else).
	 */
	__u64 tsc_khz;

	/*
	 * More heap: physical bases of 4 MiB blocks, each 4 MiB aligned and
	 * inside one RAM range, sorted, none overlapping another or the
	 * first block (uapi/xmhf/layout.h says how many a machine needs).
	 */
	__u32 num_blocks;
	__u32 reserved;
	__u64 blocks[XMHF_MAX_BLOCKS];
};

/*
 * The debug log goes to the Bochs/QEMU debug console or a legacy UART
 * only: the port comes from the untrusted module, so the SL must not
 * write to any other device.
 */
static inline int xmhf_debug_port_ok(__u64 port)
{
	return port == 0 || port == 0xe9 || port == 0x3f8 || port == 0x2f8 ||
	       port == 0x3e8 || port == 0x2e8;
}

#endif /* XMHF_UAPI_SLPARAMS_H */
