// SPDX-License-Identifier: GPL-2.0
/* The SL's order of steps (sl_steps.h). */
#include <sl_steps.h>

void sl_launch_steps(const struct sl_step_ops *ops, void *ctx)
{
	/* Whatever the outcome: a failed take makes the runtime abort. */
	ops->protect_dma(ctx);
	ops->measure(ctx);
}
