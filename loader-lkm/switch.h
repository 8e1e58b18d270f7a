/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Offsets into struct xmhf_cpu_state for switch.S; launch.c checks each
 * one with a static assertion, so the asm and the struct cannot drift.
 */
#ifndef XMHF_LOADER_SWITCH_H
#define XMHF_LOADER_SWITCH_H

#define ST_RBX		8
#define ST_RSP		56
#define ST_RIP		128
#define ST_RFLAGS	136
#define ST_CR0		144
#define ST_CR3		160
#define ST_CR4		168
#define ST_EFER		184
#define ST_PAT		192
#define ST_DR7		216
#define ST_ES		224
#define ST_CS		240
#define ST_SS		256
#define ST_DS		272
#define ST_FS		288
#define ST_GS		304
#define SEG_BASE	8	/* offset of base in struct xmhf_segment */
#define ST_GDTR_BASE	352
#define ST_IDTR_BASE	360
#define ST_GDTR_LIMIT	368
#define ST_IDTR_LIMIT	372
#define ST_KGS_BASE	376
#define ST_STAR		384
#define ST_LSTAR	392
#define ST_CSTAR	400
#define ST_SFMASK	408
#define ST_SYSENTER_CS	416
#define ST_SYSENTER_ESP	424
#define ST_SYSENTER_EIP	432
#define ST_SIZE		440	/* sizeof(struct xmhf_cpu_state) */

/* Trampoline page layout: code, then the words the module patches in. */
#define RESUME_NATIVE	1	/* RAX at the resume label after a native return */

#endif /* XMHF_LOADER_SWITCH_H */
