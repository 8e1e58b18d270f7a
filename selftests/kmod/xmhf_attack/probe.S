/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probes: one memory access each, at a label the die notifier knows,
 * with no exception-table entry, so a trap on it reaches notify_die().
 * The notifier moves RIP to the matching _resume label.
 */
#include <linux/linkage.h>

/* u64 xatk_read64(const u64 *p, u64 sentinel): sentinel if the load traps. */
SYM_FUNC_START(xatk_read64)
	movq	%rsi, %rax
SYM_INNER_LABEL(xatk_read64_insn, SYM_L_GLOBAL)
	movq	(%rdi), %rax
SYM_INNER_LABEL(xatk_read64_resume, SYM_L_GLOBAL)
	RET
SYM_FUNC_END(xatk_read64)

/* void xatk_write64(u64 *p, u64 val) */
SYM_FUNC_START(xatk_write64)
SYM_INNER_LABEL(xatk_write64_insn, SYM_L_GLOBAL)
	movq	%rsi, (%rdi)
SYM_INNER_LABEL(xatk_write64_resume, SYM_L_GLOBAL)
	RET
SYM_FUNC_END(xatk_write64)
