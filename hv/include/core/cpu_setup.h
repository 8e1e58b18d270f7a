/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU host descriptor tables (GDT, TSS with IST stacks) and the one
 * IDT every CPU shares.
 *
 * Boot order: idt_init() once (BSP), then host_cpu_setup() on each CPU
 * with that CPU's own struct host_cpu.  The IST stacks live inside
 * struct host_cpu so one allocation covers a CPU; the struct needs 16-byte
 * alignment only.  The stacks have no guard pages: an overflow of the
 * first one runs below the struct, of the others into the previous stack.
 *
 * Exceptions 0-31 arrive in exception_handler() with a struct
 * exception_frame.  Every vector but NMI dumps state via hv_log() and
 * halts the CPU for good.  Gates 32-255 are empty, so a stray interrupt
 * shows up as #GP whose error code names the vector ((vector << 3) | 2).
 */
#ifndef XMHF_CORE_CPU_SETUP_H
#define XMHF_CORE_CPU_SETUP_H

/* GDT selectors */
#define HOST_CS		0x08	/* 64-bit code, DPL 0 */
#define HOST_DS		0x10	/* flat data, DPL 0 */
#define HOST_TSS	0x18	/* 64-bit TSS: two slots (16 bytes) */
#define HOST_GDT_ENTRIES	5

/* IST slots (1-based, as in the IDT gate) */
#define IST_NMI		1	/* its stack; the NMI gate does not use it (idt.c) */
#define IST_DF		2
#define IST_MC		3
#define HOST_IST_STACKS		3
#define HOST_IST_STACK_SIZE	4096

/*
 * struct exception_frame, lowest address first.  exceptions.S pushes
 * RAX first and R15 last, after the vector and error code (0 when the
 * CPU pushes none); the CPU pushed RIP..SS before that.
 */
#define EXC_FRAME_R15		0x00
#define EXC_FRAME_RAX		0x70
#define EXC_FRAME_VECTOR	0x78
#define EXC_FRAME_ERROR		0x80
#define EXC_FRAME_RIP		0x88
#define EXC_FRAME_SS		0xa8
#define EXC_FRAME_SIZE		0xb0

#ifndef __ASSEMBLY__
#include <types.h>

struct exception_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;	/* 0x00 */
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;		/* 0x40 */
	u64 vector;					/* 0x78 */
	u64 error_code;					/* 0x80 */
	u64 rip, cs, rflags, rsp, ss;			/* 0x88, by the CPU */
};

_Static_assert(sizeof(struct exception_frame) == EXC_FRAME_SIZE,
	       "exception_frame size");
_Static_assert(EXC_FRAME_SIZE % 16 == 0, "stubs keep RSP 16-byte aligned");
_Static_assert(offsetof(struct exception_frame, r15) == EXC_FRAME_R15,
	       "exception_frame.r15");
_Static_assert(offsetof(struct exception_frame, rax) == EXC_FRAME_RAX,
	       "exception_frame.rax");
_Static_assert(offsetof(struct exception_frame, vector) == EXC_FRAME_VECTOR,
	       "exception_frame.vector");
_Static_assert(offsetof(struct exception_frame, error_code) == EXC_FRAME_ERROR,
	       "exception_frame.error_code");
_Static_assert(offsetof(struct exception_frame, rip) == EXC_FRAME_RIP,
	       "exception_frame.rip");
_Static_assert(offsetof(struct exception_frame, ss) == EXC_FRAME_SS,
	       "exception_frame.ss");

/* 64-bit TSS: only the stack pointers matter without task switching. */
struct tss64 {
	u32 reserved0;
	u64 rsp[3];		/* unused: the runtime stays in ring 0 */
	u64 reserved1;
	u64 ist[7];		/* ist[0] is IST1 */
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;		/* past the limit: no I/O bitmap */
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 0x68, "tss64 size");
_Static_assert(offsetof(struct tss64, ist) == 0x24, "tss64.ist");

struct host_cpu {
	/* First, so an overflow cannot reach the GDT or TSS of this CPU. */
	u8 ist_stack[HOST_IST_STACKS][HOST_IST_STACK_SIZE]
		__attribute__((aligned(16)));
	u64 gdt[HOST_GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
};

/* Build the shared IDT.  Once, before any host_cpu_setup(). */
void idt_init(void);
/* Load the shared IDT on this CPU. */
void idt_load(void);

/*
 * Fill c's GDT and TSS and load them on this CPU: GDT, CS = HOST_CS,
 * DS/ES/SS = HOST_DS, FS/GS = 0, TR = HOST_TSS, then the shared IDT.
 * The FS_BASE/GS_BASE/KERNEL_GS_BASE values are the same afterwards.
 * Interrupts must be off.
 */
void host_cpu_setup(struct host_cpu *c);

/* Called by exceptions.S; returns only for NMI. */
int exception_handler(struct exception_frame *f);

/* NMI hook, weak: the default counts into nmi_count and returns. */
void nmi_handler(struct exception_frame *f);
extern u64 nmi_count;

#endif /* !__ASSEMBLY__ */
#endif /* XMHF_CORE_CPU_SETUP_H */
