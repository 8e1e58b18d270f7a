/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A decoder for the few 64-bit instructions the core emulates on CR, DR
 * and descriptor-table exits (TCG has no decode assists): MOV to/from
 * CRn/DRn and the register forms of LLDT/LTR.  Pure: unit-tested on the host.
 */
#ifndef XMHF_CORE_DECODE_H
#define XMHF_CORE_DECODE_H

#include <types.h>

enum sysinsn_kind {
	SYSINSN_MOV_TO_CR, SYSINSN_MOV_FROM_CR,
	SYSINSN_MOV_TO_DR, SYSINSN_MOV_FROM_DR,
	SYSINSN_LLDT, SYSINSN_LTR,
};

struct sysinsn {
	enum sysinsn_kind kind;
	u8 ctl;		/* CR or DR number */
	u8 gpr;		/* 0 RAX, 1 RCX, ... 15 R15 */
	u8 len;		/* bytes, prefixes included */
};

/* 0 and *out filled, or -1 for anything else (memory operands included). */
int decode_sysinsn(const u8 *b, size_t n, struct sysinsn *out);

#endif /* XMHF_CORE_DECODE_H */
