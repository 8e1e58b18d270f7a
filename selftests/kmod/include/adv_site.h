/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fault taken on purpose: the test module marks the instructions it
 * runs as [site.start, site.end), sets site.trapnr to -1, and registers
 * adv_site_nb.  A #UD, #GP or other trap inside the range is recorded
 * (the first one) and execution resumes at site.end.
 */
#ifndef ADV_SITE_H
#define ADV_SITE_H

#include <linux/kdebug.h>
#include <linux/limits.h>
#include <linux/notifier.h>
#include <asm/ptrace.h>

static struct {
	unsigned long start, end;
	int trapnr;		/* -1: none */
	long err;
} site;

static int adv_site_die(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;
	unsigned long ip = args->regs->ip;

	if ((val != DIE_TRAP && val != DIE_GPF) ||
	    ip < READ_ONCE(site.start) || ip >= READ_ONCE(site.end))
		return NOTIFY_DONE;
	if (site.trapnr < 0) {
		site.trapnr = args->trapnr;
		site.err = args->err;
	}
	args->regs->ip = site.end;
	return NOTIFY_STOP;
}

static struct notifier_block adv_site_nb = {
	.notifier_call = adv_site_die,
	.priority = INT_MAX,	/* before anyone else looks at it */
};

#endif /* ADV_SITE_H */
