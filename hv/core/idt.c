// SPDX-License-Identifier: GPL-2.0
/*
 * The shared IDT and the C side of exception handling: NMIs go to a
 * hook and return; anything else is fatal, so it is dumped and the CPU
 * halts (see core/cpu_setup.h).
 */
#include <types.h>
#include <arch/x86.h>
#include <core/cpu_setup.h>
#include <core/log.h>
#include <core/smp.h>
#include <lib/string.h>

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;			/* bits 2:0; 0 = stay on the current stack */
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
};

_Static_assert(sizeof(struct idt_gate) == 16, "idt_gate size");

/* Present, DPL 0, 64-bit interrupt gate: IF is cleared on entry. */
#define GATE_INTR	0x8e

#define NR_EXCEPTIONS	32
#define DUMP_FREE	0xffffffffU

/* exceptions.S: one entry stub per vector 0-31. */
extern const u64 exception_stubs[NR_EXCEPTIONS];

static struct idt_gate idt[256] __attribute__((aligned(16)));

u64 nmi_count;

/* APIC ID of the CPU printing a dump, or DUMP_FREE. */
static u32 dump_owner = DUMP_FREE;

static const char *const vector_names[NR_EXCEPTIONS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved (15)",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)",
	"reserved (26)", "reserved (27)", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved (31)",
};

static u8 ist_for(unsigned int vec)
{
	switch (vec) {
	/*
	 * No IST for NMIs: right after #VMEXIT, until VMLOAD brings ours
	 * back, TR is still the guest's, and an NMI taken there (QEMU was
	 * seen to deliver one) would read its IST from the guest's TSS.  The
	 * host's RSP is always a good hypervisor stack, so the current one
	 * does.
	 */
	case X86_TRAP_DF:
		return IST_DF;
	case X86_TRAP_MC:
		return IST_MC;
	default:
		return 0;	/* fine: the runtime never leaves ring 0 */
	}
}

static void set_gate(unsigned int vec, u64 handler, u8 ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = (u16)handler;
	g->selector = HOST_CS;
	g->ist = ist;
	g->type_attr = GATE_INTR;
	g->offset_mid = (u16)(handler >> 16);
	g->offset_hi = (u32)(handler >> 32);
	g->reserved = 0;
}

void idt_init(void)
{
	unsigned int v;

	/* Empty gates for 32-255: a stray interrupt becomes #GP(vector). */
	memset(idt, 0, sizeof(idt));
	for (v = 0; v < NR_EXCEPTIONS; v++)
		set_gate(v, exception_stubs[v], ist_for(v));
}

void idt_load(void)
{
	struct desc_ptr p;

	p.limit = sizeof(idt) - 1;
	p.base = (u64)idt;
	lidt(&p);
}

__attribute__((weak)) void nmi_handler(struct exception_frame *f)
{
	(void)f;
	__atomic_fetch_add(&nmi_count, 1, __ATOMIC_RELAXED);
}

/* #TS/#NP/#SS/#GP push a selector error code: bit 1 means "IDT entry". */
static void log_selector_error(const struct exception_frame *f)
{
	u64 e = f->error_code;

	switch (f->vector) {
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
		break;
	default:
		return;
	}
	if (e & 2)
		hv_log("  error code names IDT vector %lu%s\n", (e >> 3) & 0x1fff,
		       (e & 1) ? " (external event)" : "");
	else if (e)
		hv_log("  error code names %s selector 0x%lx\n",
		       (e & 4) ? "LDT" : "GDT", e & 0xfff8);
}

static void dump(const struct exception_frame *f, u64 cr2, u32 cpu)
{
	hv_log("\n*** cpu %u: exception %lu %s, error code 0x%lx\n", cpu,
	       f->vector, vector_names[f->vector % NR_EXCEPTIONS],
	       f->error_code);
	log_selector_error(f);
	hv_log("RIP %016lx CS %04lx RFLAGS %016lx\n", f->rip, f->cs, f->rflags);
	hv_log("RSP %016lx SS %04lx\n", f->rsp, f->ss);
	hv_log("CR0 %016lx CR2 %016lx\n", read_cr0(), cr2);
	hv_log("CR3 %016lx CR4 %016lx\n", read_cr3(), read_cr4());
	hv_log("RAX %016lx RBX %016lx RCX %016lx\n", f->rax, f->rbx, f->rcx);
	hv_log("RDX %016lx RSI %016lx RDI %016lx\n", f->rdx, f->rsi, f->rdi);
	hv_log("RBP %016lx R8  %016lx R9  %016lx\n", f->rbp, f->r8, f->r9);
	hv_log("R10 %016lx R11 %016lx R12 %016lx\n", f->r10, f->r11, f->r12);
	hv_log("R13 %016lx R14 %016lx R15 %016lx\n", f->r13, f->r14, f->r15);
	hv_log("*** cpu %u halted\n", cpu);
}

/*
 * One CPU dumps at a time so reports do not interleave.  A fault inside
 * the dump (owner is already this CPU) halts without printing: printing
 * again could fault again and recurse until the stack is gone.
 */
static void __attribute__((noreturn)) fatal(const struct exception_frame *f)
{
	u64 cr2 = read_cr2();	/* before anything can fault and change it */
	u32 me = cpu_apic_id();
	u32 expect;

	if (__atomic_load_n(&dump_owner, __ATOMIC_ACQUIRE) == me) {
		__atomic_store_n(&dump_owner, DUMP_FREE, __ATOMIC_RELEASE);
		halt_forever();
	}
	for (;;) {
		expect = DUMP_FREE;
		if (__atomic_compare_exchange_n(&dump_owner, &expect, me, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			break;
		cpu_relax();
	}
	dump(f, cr2, me);
	__atomic_store_n(&dump_owner, DUMP_FREE, __ATOMIC_RELEASE);
	if (this_vcpu())
		smp_cpu_dead(this_vcpu());	/* no other CPU waits for it now */
	halt_forever();
}

/* Faults the code expects (arch/x86.h: rdmsr_safe, wrmsr_safe) resume at their fixup. */
static bool fixup_exception(struct exception_frame *f)
{
	extern const struct hv_fixup __hv_fixup_start[], __hv_fixup_end[];
	const struct hv_fixup *e;

	for (e = __hv_fixup_start; e < __hv_fixup_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}

int exception_handler(struct exception_frame *f)
{
	if (f->vector == X86_TRAP_NMI) {
		nmi_handler(f);
		return 1;
	}
	if (fixup_exception(f))
		return 1;
	if (f->vector == X86_TRAP_SX) {
		/* R_INIT: a physical INIT met this CPU in the hypervisor. */
		hv_log("xmhf: APIC ID %u: physical INIT (#SX) in the hypervisor refused\n",
		       cpu_apic_id());
		return 1;
	}
	fatal(f);
	return 0;
}
