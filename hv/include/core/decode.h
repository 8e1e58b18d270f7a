/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A decoder for the few 64-bit instructions the core emulates on CR, DR
 * and descriptor-table exits (TCG has no decode assists): MOV to/from
 * CRn/DRn, CLTS, and the register forms of LMSW and LLDT/LTR.  And one for the MOV stores
 * that hit a write-protected MMIO page (the xAPIC page), where without
 * NRIPS the length must come from the bytes too.  Pure: unit-tested on
 * the host.
 */
#ifndef XMHF_CORE_DECODE_H
#define XMHF_CORE_DECODE_H

#include <types.h>

enum sysinsn_kind {
	SYSINSN_MOV_TO_CR, SYSINSN_MOV_FROM_CR,
	SYSINSN_MOV_TO_DR, SYSINSN_MOV_FROM_DR,
	SYSINSN_LLDT, SYSINSN_LTR,
	SYSINSN_CLTS,	/* a CR0 write: TS cleared */
	SYSINSN_LMSW,	/* a CR0 write: bits 0-3 from GPR gpr (register form only) */
};

struct sysinsn {
	enum sysinsn_kind kind;
	u8 ctl;		/* CR or DR number */
	u8 gpr;		/* 0 RAX, 1 RCX, ... 15 R15 */
	u8 len;		/* bytes, prefixes included */
};

/* 0 and *out filled, or -1 for anything else (memory operands included). */
int decode_sysinsn(const u8 *b, size_t n, struct sysinsn *out);

/* A MOV store to memory; the address itself comes from the fault. */
struct memstore {
	u8 len;		/* bytes, prefixes included */
	u8 size;	/* operand size in bytes: 1, 2, 4 or 8 */
	bool imm;	/* true: the value is imm_val; false: it is GPR gpr */
	u8 gpr;		/* 0 RAX .. 15 R15 (size 1: 4..7 are SPL..DIL, REX given) */
	u64 imm_val;	/* the value stored when imm: imm32 sign-extended for
			 * size 8, else the immediate zero-extended */
};

/*
 * MOV r/m, reg (88, 89) or MOV r/m, imm (C6 /0, C7 /0) with a memory
 * operand, in 64-bit mode.  Prefixes: 66, segment overrides, one REX right
 * before the opcode.  Never reads past b[n - 1].  0 and *out filled, or -1
 * for anything else (LOCK/REP/67, register forms, AH..BH, truncated).
 */
int decode_memstore(const u8 *b, size_t n, struct memstore *out);

/*
 * MOV reg, r/m (8A, 8B) with a memory operand, in 64-bit mode: the loads
 * of MMIO registers the hypervisor emulates (Linux's readl/readq).  Same
 * prefixes and limits as decode_memstore; *out gets len, size and the
 * destination GPR (imm is false).  A 4-byte load zero-extends into the
 * whole register, 1- and 2-byte loads keep its other bits.
 */
int decode_memload(const u8 *b, size_t n, struct memstore *out);

/* The operand-less instructions the core runs for the guest on their exits. */
enum plain_insn {
	PLAIN_RDTSC, PLAIN_RDTSCP, PLAIN_WBINVD, PLAIN_HLT, PLAIN_PAUSE,
	PLAIN_CPUID, PLAIN_RDMSR, PLAIN_WRMSR, PLAIN_VMMCALL, PLAIN_INVD,
};

/*
 * RDTSC (0f 31), RDTSCP (0f 01 f9), WBINVD (0f 09), HLT (f4), PAUSE
 * (f3 90), CPUID (0f a2), RDMSR (0f 32), WRMSR (0f 30), VMMCALL (0f 01 d9)
 * or INVD (0f 08) after any legacy prefixes, and in 64-bit mode (rex_ok) one REX
 * right before the opcode.  The length counts the prefixes: RIP must move
 * past all of them.  0 and *kind, *len filled, or -1 (LOCK, truncated,
 * another instruction).
 */
int decode_plain(const u8 *b, size_t n, bool rex_ok, enum plain_insn *kind,
		 u8 *len);

#endif /* XMHF_CORE_DECODE_H */
