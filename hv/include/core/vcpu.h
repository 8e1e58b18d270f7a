/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtual CPU of the rich guest.  The core and hypapps reach guest state
 * through the accessors below, so no SVM type leaks out of arch/.
 */
#ifndef XMHF_CORE_VCPU_H
#define XMHF_CORE_VCPU_H

#include <types.h>
#include <core/guest_mem.h>
#include <xmhf/hypercall.h>

/* Guest GPRs that VMRUN does not switch; vmrun.S depends on this order. */
struct guest_regs {
	u64 rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vcpu {
	struct guest_regs regs;		/* first: vmrun.S addresses it at 0 */
	void *arch;			/* struct vmcb on SVM */
	u64 arch_pa;
	u64 host_save_pa;		/* VMSAVE area for the host's own state */
	u64 hsave_pa;			/* the CPU's host save area (VM_HSAVE_PA) */
	u64 exits[XMHF_EXIT_CLASSES];
	u64 exits_total;
	bool unload;			/* leave the run loop, devirtualize */

	/* SMP (core/smp.c); volatile fields are written by other CPUs. */
	u32 index;			/* 0 = the boot CPU */
	u32 apic_id;
	volatile u32 state;		/* enum xmhf_vcpu_state */
	volatile bool init_req;		/* guest INIT: back to wait-for-SIPI */
	volatile u32 sipi;		/* VCPU_SIPI_VALID | vector */
	volatile bool park;		/* unload: leave guest mode, SVM off, halt */
	volatile bool parking;		/* the next NMI parks this CPU */
	volatile bool parking_done;	/* it did: SVM off, halted until INIT */
	volatile u32 kick;		/* a hypervisor NMI is on its way */
	volatile u32 quiesce_ack;	/* last quiesce generation acknowledged */
	volatile u64 nmis_taken;	/* host NMI handler entries */
	bool nmi_pending;		/* a guest NMI to inject */
	u32 intercept_gen;		/* subscriptions in this VMCB */
	bool r_init;			/* VM_CR.R_INIT kept: INIT is #SX here */
	u64 starts, nmis_reinjected;
	void *host;			/* struct host_cpu */
	u8 *stack_top;
};

#define VCPU_SIPI_VALID	0x100u

u64 vcpu_rax(struct vcpu *v);
void vcpu_set_rax(struct vcpu *v, u64 val);
unsigned int vcpu_cpl(struct vcpu *v);
/* RIP forward by len, the interrupt shadow cleared. */
void vcpu_skip_insn(struct vcpu *v, unsigned int len);
/* RIP past the instruction the current exit names (NRIPS, else decoded). */
void vcpu_skip_exit_insn(struct vcpu *v);
/* The guest's EFER as VMRUN loads it (SVME included). */
u64 vcpu_efer(struct vcpu *v);
void vcpu_set_efer(struct vcpu *v, u64 val);
/* The guest's CR0 (the EFER write checks: LME is fixed while paging is on). */
u64 vcpu_cr0(struct vcpu *v);
void vcpu_inject_ud(struct vcpu *v);
void vcpu_inject_gp(struct vcpu *v, u32 error);

/* The guest's paging state, for translating its pointers (core/guest_mem.h). */
void vcpu_guest_paging(struct vcpu *v, struct guest_paging *gp,
		       gpa_map_fn map, void *ctx);

/*
 * 15 bytes of the guest's code at linear address lin, within one page,
 * for an exit's instruction length only: the page's translation may be a
 * cached one (core/main.c).  Returns 15, or 0 when they cannot be read.
 */
size_t vcpu_code_bytes(struct vcpu *v, u64 lin, u8 buf[15]);

/* The core's hypercall dispatcher (core/hypercall.c). */
void hypercall(struct vcpu *v);

#endif /* XMHF_CORE_VCPU_H */
