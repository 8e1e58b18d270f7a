// SPDX-License-Identifier: GPL-2.0
/*
 * The module's side of the hypercalls, used only while Linux runs as the
 * hypervisor's guest (VMMCALL without it raises #UD).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/processor.h>
#include <xmhf/hypercall.h>

#include "xmhf.h"

long xmhf_hypercall(u64 fn, u64 a1, u64 a2, u64 a3)
{
	long ret;

	asm volatile("vmmcall"
		     : "=a"(ret)
		     : "a"(fn), "D"(a1), "S"(a2), "d"(a3)
		     : "memory");
	return ret;
}

/* The hypervisor's CPUID leaf (docs/architecture.md, Launch step 9). */
bool xmhf_cpuid_present(void)
{
	u32 a, b, c, d;

	cpuid(XMHF_CPUID_LEAF, &a, &b, &c, &d);
	return b == XMHF_CPUID_SIG_EBX && c == XMHF_CPUID_SIG_ECX &&
	       d == XMHF_CPUID_SIG_EDX;
}

/*
 * Buffers handed to the hypervisor: whole zeroed pages, anywhere in RAM
 * (the runtime reaches all of RAM through its direct map).
 */
void *xmhf_hc_buf_alloc(size_t size)
{
	return (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					get_order(size));
}

void xmhf_hc_buf_free(void *buf, size_t size)
{
	free_pages((unsigned long)buf, get_order(size));
}

/* Totals, and the per-CPU lines from CPU first on (a status page). */
int xmhf_hv_status(struct xmhf_hv_status *st, u32 first)
{
	struct xmhf_hv_status *buf = xmhf_hc_buf_alloc(sizeof(*buf));
	long ret;

	if (!buf)
		return -ENOMEM;
	ret = xmhf_hypercall(XMHF_HC_STATUS, (u64)buf, sizeof(*buf), first);
	if (!ret)
		*st = *buf;
	xmhf_hc_buf_free(buf, sizeof(*buf));
	/* A first CPU past the last is the caller's mistake. */
	if (ret == XMHF_HC_E_INVAL)
		return -EINVAL;
	return ret ? -EIO : 0;
}

int xmhf_hv_layout(struct xmhf_hv_layout *lo)
{
	struct xmhf_hv_layout *buf = xmhf_hc_buf_alloc(sizeof(*buf));
	long ret;

	if (!buf)
		return -ENOMEM;
	ret = xmhf_hypercall(XMHF_HC_LAYOUT, (u64)buf, sizeof(*buf), 0);
	if (!ret)
		*lo = *buf;
	xmhf_hc_buf_free(buf, sizeof(*buf));
	return ret ? -EIO : 0;
}

/* Just the log position: the whole status is several KiB. */
int xmhf_hv_log_head(u64 *head)
{
	struct xmhf_hv_status *st = kmalloc(sizeof(*st), GFP_KERNEL);
	int err;

	if (!st)
		return -ENOMEM;
	err = xmhf_hv_status(st, 0);
	if (!err)
		*head = st->log_head;
	kfree(st);
	return err;
}
