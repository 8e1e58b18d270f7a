/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypapp API: how a hypervisor application hooks guest events and
 * what the core does for it.  See hypapps/README.md.  No SVM or VMX type
 * appears here: a hypapp sees x86 events and guest registers only.
 */
#ifndef XMHF_HYPAPP_H
#define XMHF_HYPAPP_H

#include <types.h>

struct vcpu;

/* The event classes of the XMHF paper's table. */
enum ha_event {
	HA_EV_CR,		/* writes to CR0, CR3, CR4 */
	HA_EV_DR,		/* writes to DR0-DR7 */
	HA_EV_MSR,
	HA_EV_EXCEPTION,
	HA_EV_NMI,		/* a guest NMI, before it is injected */
	HA_EV_INIT_SHUTDOWN,	/* guest shutdown, or an INIT to this vCPU */
	HA_EV_DESC_TABLE,	/* LLDT (register form); LGDT/LIDT/LTR not yet */
	HA_EV_INSN,
	HA_EV_HYPERCALL,
	HA_EV_IO,
	HA_EV_TASK_SWITCH,	/* cannot happen in 64-bit mode */
	HA_EV_NPF,
	HA_EV_COUNT
};

/* Instructions a hypapp can intercept (HA_EV_INSN). */
enum ha_insn {
	HA_INSN_CPUID, HA_INSN_RDTSC, HA_INSN_RDTSCP, HA_INSN_HLT,
	HA_INSN_WBINVD, HA_INSN_PAUSE, HA_INSN_COUNT
};

/* The common x86 view of one event. */
struct ha_event_info {
	enum ha_event type;
	union {
		struct { u32 cr; u64 value; } cr;	/* value being written */
		struct { u32 dr; u64 value; } dr;
		struct { u16 selector; } desc;		/* LLDT's operand */
		struct { u32 msr; bool write; u64 value; } msr;
		struct { u32 vector; bool has_error; u32 error; u64 cr2; } exc;
		struct { bool shutdown; } init;	/* false: an INIT */
		struct { enum ha_insn insn; u32 leaf, subleaf; } insn;
		struct { u32 nr; u64 arg[3]; unsigned int cpl; } hcall;
		/*
		 * port is the access's first; it covers port..port+size-1,
		 * which may hold a subscribed port anywhere.  len: the
		 * instruction's length, prefixes included (for ha_skip).
		 */
		struct { u16 port; u8 size; bool in; bool string; u32 value; u8 len; } io;
		struct { u64 gpa; bool write; bool exec; } npf;
	};
};

/*
 * What a callback did with an event.  Hypapps are asked in link order
 * (HYPAPPS="a b" asks a first); the first that does not answer
 * HA_DEFAULT ends the round, and the core's own handling runs for
 * HA_DEFAULT only.
 */
enum ha_result {
	HA_DEFAULT = 0,	/* not mine: next hypapp, then the core */
	HA_HANDLED,	/* done: RIP advanced (ha_skip) or an event injected */
	HA_RETRY,	/* re-execute the instruction (e.g. after an NPT change) */
};

/* Which events a hypapp wants; the core turns on only these intercepts. */
#define HA_MAX_MSRS	8
#define HA_MAX_PORTS	8
struct ha_subscription {
	u32 msrs[HA_MAX_MSRS];
	unsigned int num_msrs;
	u16 ports[HA_MAX_PORTS];
	unsigned int num_ports;
	u32 exceptions;		/* bit n: vector n (0-31) */
	u32 insns;		/* bit n: enum ha_insn n */
	u32 cr_writes;		/* bit n: CRn, n in 0, 3, 4 */
	u32 dr_writes;		/* bit n: DRn, n in 0-7 */
	bool ldt_loads;		/* LLDT */
	bool hypercalls;	/* this hypapp's hypercall range */
	bool npf;		/* faults on pages it protected with ha_npt_protect */
	bool shutdown;		/* guest shutdown and guest INITs (notifications) */
	bool nmi;		/* guest NMIs: HA_HANDLED drops one */
};

struct hypapp {
	const char *name;
	/* Once, on the boot CPU, before Linux runs as the guest. */
	int (*init)(struct ha_subscription *sub);
	/*
	 * hypapp_main: then on every CPU under the hypervisor, before that
	 * CPU runs the guest, on that CPU (cpu: 0 = the boot CPU).
	 */
	void (*main)(unsigned int cpu);
	/* Every event the subscription covers. */
	enum ha_result (*event)(struct vcpu *v, const struct ha_event_info *e);
	/* At unload, before the hypervisor scrubs its memory. */
	void (*shutdown)(void);
};

/*
 * Registers a hypapp.  Its hypercalls are XMHF_HC_HYPAPP_BASE + 0x100 * i
 * + n, i its index in link order (ha_hypercall_base() tells it).
 */
#define HYPAPP_REGISTER(sym) \
	static const struct hypapp *const __hypapp_ptr_##sym \
	__attribute__((used, section(".hypapps"))) = &(sym)

/* ---- core services ---- */
enum ha_reg { HA_RAX, HA_RBX, HA_RCX, HA_RDX, HA_RSI, HA_RDI, HA_RBP, HA_RSP,
	      HA_RIP, HA_RFLAGS, HA_CR0, HA_CR3, HA_CR4 };

u64 ha_get(struct vcpu *v, enum ha_reg r);
void ha_set(struct vcpu *v, enum ha_reg r, u64 val);	/* GPRs, RIP, RFLAGS */
unsigned int ha_cpl(struct vcpu *v);
void ha_skip(struct vcpu *v, unsigned int len);
void ha_inject(struct vcpu *v, u32 vector, bool has_error, u32 error);
/* Bounds-checked copies through the guest's own page tables (0 or < 0). */
int ha_read_guest(struct vcpu *v, void *dst, u64 gva, size_t len);
int ha_write_guest(struct vcpu *v, u64 gva, const void *src, size_t len);
/* Nested-page permissions of one 4 KiB guest page (HA_NPT_* bits). */
#define HA_NPT_READ	1
#define HA_NPT_WRITE	2
int ha_npt_protect(u64 gpa, unsigned int perms);
/*
 * Changes the calling hypapp's subscription while the guest runs: it
 * edits its struct (the one init filled, given back here) and calls this;
 * intercepts nobody needs any more go off before the guest runs again.
 * -1: the new subscription is refused (out of range, or an MSR the MSR
 * policy keeps from hypapps); the hypapp should undo its edit.
 */
struct ha_subscription *ha_subscription(void);
int ha_resubscribe(void);
void *ha_alloc_pages(unsigned int n);
u32 ha_hypercall_base(const struct hypapp *app);
void ha_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* XMHF_HYPAPP_H */
