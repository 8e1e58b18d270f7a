/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hypercalls: VMMCALL (AMD) with RAX = function, arguments in RDI, RSI,
 * RDX; the result comes back in RAX (>= 0 success, < 0 an XMHF_HC_E_*
 * code).  Every guest pointer is translated and bounds-checked by the
 * hypervisor itself; a bad argument gets an error and changes nothing.
 */
#ifndef XMHF_UAPI_HYPERCALL_H
#define XMHF_UAPI_HYPERCALL_H

#include <xmhf/types.h>

/* CPUID leaf 0x40000000: EAX = max leaf, EBX:ECX:EDX = signature. */
#define XMHF_CPUID_LEAF		0x40000000
#define XMHF_CPUID_SIGNATURE	"xmhfllxmhfll"
#define XMHF_CPUID_SIG_EBX	0x66686d78	/* "xmhf" */
#define XMHF_CPUID_SIG_ECX	0x6d786c6c	/* "llxm" */
#define XMHF_CPUID_SIG_EDX	0x6c6c6668	/* "hfll" */
#define XMHF_CPUID_MAX_LEAF	0x40000001	/* EAX = version (major << 16 | minor) */

enum xmhf_hypercall {
	XMHF_HC_NULL = 0,	/* any CPL: returns 0; for benchmarks */
	/* CPL 0: RDI = struct xmhf_hv_status *, RSI = size, RDX = first CPU */
	XMHF_HC_STATUS = 1,
	XMHF_HC_LOG = 2,	/* CPL 0: RDI = buffer, RSI = size, RDX = log position */
	XMHF_HC_UNLOAD = 3,	/* CPL 0: devirtualize; returns only on failure */
	XMHF_HC_SELFCHECK = 4,	/* CPL 0: re-hash the runtime code; 1 = matches */
	XMHF_HC_EVENTLOG = 5,	/* CPL 0: RDI = struct xmhf_eventlog *, RSI = size */
	/*
	 * CPL 0, a test of the quiesce service: stop every other CPU, set the
	 * nested page table entry of the guest RAM page at RDI (page aligned)
	 * read-only (RSI = 1) or writable (RSI = 0), resume them.  Returns how
	 * many other CPUs were stopped.
	 */
	XMHF_HC_QUIESCE_TEST = 6,
	/* CPL 0: RDI = struct xmhf_hv_layout *, RSI = size; read-only */
	XMHF_HC_LAYOUT = 7,
	/*
	 * CPL 0, a test of the quiesce timeout: this CPU stays in the
	 * hypervisor for RDI milliseconds (1 to 15000) with NMIs held back,
	 * answering no quiesce, as a CPU whose guest never returns from an
	 * NMI handler would on hardware.  RSI must be XMHF_NMI_HOLD_MAGIC.
	 */
	XMHF_HC_NMI_HOLD_TEST = 8,
};
#define XMHF_NMI_HOLD_MAGIC	0x444c4f48494d4eull	/* "NMIHOLD" */

/* Hypapp i owns XMHF_HC_HYPAPP_BASE + 0x100 * i .. + 0xff, in link order. */
#define XMHF_HC_HYPAPP_BASE	0x1000

#define XMHF_HC_E_NOSYS		(-1)	/* unknown function */
#define XMHF_HC_E_PERM		(-2)	/* not allowed from this CPL */
#define XMHF_HC_E_FAULT		(-3)	/* a guest pointer did not translate */
#define XMHF_HC_E_INVAL		(-4)	/* a bad size or argument */
#define XMHF_HC_E_TPM		(-5)	/* UNLOAD: the unload marker could not be
					 * extended, so the hypervisor stays */
#define XMHF_HC_E_BUSY		(-6)	/* UNLOAD, QUIESCE_TEST: a CPU did not
					 * answer the hypervisor's NMI in time
					 * (a guest NMI handler that does not
					 * return); nothing changed, try again */

/* Exit reasons counted by the core, indexes into exits[]. */
enum xmhf_exit_class {
	XMHF_EXIT_CPUID, XMHF_EXIT_VMMCALL, XMHF_EXIT_MSR, XMHF_EXIT_NPF,
	XMHF_EXIT_SVM_INSN, XMHF_EXIT_SHUTDOWN, XMHF_EXIT_OTHER,
	XMHF_EXIT_IO, XMHF_EXIT_EXCEPTION, XMHF_EXIT_INSN, XMHF_EXIT_SYSREG,
	XMHF_EXIT_NMI, XMHF_EXIT_INIT, XMHF_EXIT_APIC,
	XMHF_EXIT_CLASSES
};

/*
 * Most CPUs the hypervisor's structures describe (parameter block, layout,
 * status pages); the heap grows to fit them (uapi/xmhf/layout.h).
 */
#define XMHF_MAX_CPUS		256
/* CPUs in one STATUS reply; a bigger machine is read a page at a time. */
#define XMHF_STATUS_CPUS	32

/* What one CPU is doing, as the hypervisor sees it. */
enum xmhf_vcpu_state {
	XMHF_CPU_ABSENT = 0,	/* no such CPU, or never started */
	XMHF_CPU_WAIT_SIPI = 1,	/* in host mode, waiting for the guest's SIPI */
	XMHF_CPU_GUEST = 2,	/* running the guest */
	XMHF_CPU_PARKED = 3,	/* unloading: SVM off, halted until INIT */
	XMHF_CPU_FAILED = 4,	/* did not answer the hypervisor's SIPI */
};

static inline const char *xmhf_cpu_state_name(__u32 state)
{
	switch (state) {
	case XMHF_CPU_ABSENT:
		return "absent";
	case XMHF_CPU_WAIT_SIPI:
		return "wait-for-sipi";
	case XMHF_CPU_GUEST:
		return "guest";
	case XMHF_CPU_PARKED:
		return "parked";
	case XMHF_CPU_FAILED:
		return "failed";
	}
	return "unknown";
}

struct xmhf_cpu_status {
	__u32 apic_id;
	__u32 state;		/* enum xmhf_vcpu_state */
	__u64 exits_total;
	__u64 exits[XMHF_EXIT_CLASSES];
	__u64 starts;		/* guest SIPIs that started this CPU */
	__u64 nmis_reinjected;	/* guest NMIs that met the CPU in the hypervisor */
};

struct xmhf_hv_status {
	__u32 size;		/* bytes the hypervisor filled in */
	__u32 version;		/* major << 16 | minor */
	__u32 launch_kind;	/* enum xmhf_launch_kind */
	__u32 num_cpus;		/* CPUs under the hypervisor: entries in cpu[] */
	__u64 mem_size;		/* hypervisor footprint in bytes */
	__u64 log_head;		/* bytes written to the log so far */
	__u64 exits[XMHF_EXIT_CLASSES];	/* summed over the CPUs */
	__u64 exits_total;
	__u32 measure_state;	/* enum xmhf_measure_state */
	__u32 events;		/* entries in the measurement log */
	__u64 quiesces;		/* times the other CPUs were stopped */
	/*
	 * cpu[i] is CPU first_cpu + i (CPU 0 is the boot CPU), for
	 * i < min(XMHF_STATUS_CPUS, num_cpus - first_cpu); first_cpu is the
	 * STATUS call's RDX.  Everything above covers all CPUs.
	 */
	__u32 first_cpu;
	__u32 reserved;
	struct xmhf_cpu_status cpu[XMHF_STATUS_CPUS];
	__u64 npt_pages;	/* 4 KiB pages of the guest's nested page tables */
	__u64 dmap_pages;	/* 4 KiB pages of the runtime's direct map of RAM */
	/* Footprint: mem_size is the first block and num_blocks more. */
	__u32 num_blocks;
	__u32 reserved2;
	__u64 heap_pages;	/* 4 KiB pages of heap in all the blocks */
	__u64 heap_free_pages;
	/* DMA protection (docs/dma.md); present when size covers them. */
	__u32 dma_mode;		/* enum xmhf_dma_mode */
	__u32 reserved3;
	__u64 dma_events;	/* events the owned IOMMU logged (I/O page faults...) */
	/* Refused by the virtual IOMMU (mappings of protected pages...). */
	__u64 dma_refused;
};

enum xmhf_dma_mode {
	XMHF_DMA_NO_IOMMU = 0,		/* none found (IVRS): no DMA protection */
	XMHF_DMA_OWNED = 1,		/* Linux had its IOMMU off: the hypervisor's */
	XMHF_DMA_LINUX_IOMMU = 2,	/* Linux uses it: not protected (older runtimes) */
	XMHF_DMA_VIRTUAL = 3,		/* Linux uses it: a virtual IOMMU, shadow tables */
};

/*
 * Where the runtime keeps what (XMHF_HC_LAYOUT), as byte offsets into the
 * hypervisor's block (uapi/xmhf/layout.h has the fixed part).  For tests
 * that probe every part of it; the guest may know these, never reach them.
 */
struct xmhf_layout_cpu {
	__u64 vmcb;
	__u64 hsave;		/* the CPU's host save area (VM_HSAVE_PA) */
	__u64 host_save;	/* VMSAVE area for the host's own state */
	__u64 gdt;		/* the host GDT (then the TSS) */
	__u64 stack;		/* lowest byte of the host stack */
};

struct xmhf_hv_layout {
	__u32 size;		/* bytes the hypervisor filled in */
	__u32 num_cpus;		/* entries in cpu[], [0] is the boot CPU */
	__u64 rt_code_end;	/* code and rodata: XMHF_RT_OFFSET up to here */
	__u64 rt_image_end;	/* then data up to here, then bss */
	__u64 rt_mem_end;	/* end of bss: the heap starts here */
	__u64 heap_next;	/* heap in use below here, never used from here */
	__u64 heap_end;
	__u64 npt_root;		/* root table of the guest's nested paging */
	__u64 msrpm, iopm;	/* MSR and I/O permission maps */
	__u64 log_ring;
	struct xmhf_layout_cpu cpu[XMHF_MAX_CPUS];
};

#endif /* XMHF_UAPI_HYPERCALL_H */
