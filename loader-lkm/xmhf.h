/* SPDX-License-Identifier: GPL-2.0 */
/* Module-internal interfaces between the files of loader-lkm/. */
#ifndef XMHF_LOADER_XMHF_H
#define XMHF_LOADER_XMHF_H

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/cpumask.h>
#include "loader.h"

extern const struct xmhf_platform xmhf_linux_platform;

/* What the launch sets up and unload takes down again. */
struct xmhf_launch_ctx {
	u8 *tr;			/* trampoline + transition page tables */
	u64 tr_pa;
	u64 transition_cr3;
	u64 tramp_launch_pa;
	u64 tramp_return_pa;
	cpumask_var_t aps;	/* APs that were online before the launch */
	u64 tpm_base;		/* TIS registers the hypervisor uses, or 0 */
	u32 svm_caps[2];	/* boot_cpu_data's SVM feature words before it */
};

int xmhf_launch(struct xmhf_loader *ld, struct xmhf_launch_ctx *lc);
void xmhf_online_aps(cpumask_var_t was_online);
void xmhf_transition_free(struct xmhf_launch_ctx *lc);
int xmhf_devirtualize(struct xmhf_launch_ctx *lc);
void xmhf_dump_hv_log(struct xmhf_loader *ld, u64 from);
int xmhf_unload(void);

long xmhf_hypercall(u64 fn, u64 a1, u64 a2, u64 a3);
bool xmhf_cpuid_present(void);
void *xmhf_hc_buf_alloc(size_t size);
void xmhf_hc_buf_free(void *buf, size_t size);
int xmhf_hv_status(struct xmhf_hv_status *st, u32 first);
int xmhf_hv_layout(struct xmhf_hv_layout *lo);
int xmhf_hv_log_head(u64 *head);
extern bool xmhf_selftest;

/* The one hypervisor instance; every access holds xmhf_lock. */
extern struct xmhf_loader xmhf_ld;
extern struct mutex xmhf_lock;

struct device *xmhf_device(void);
int xmhf_chardev_init(void);
void xmhf_chardev_exit(void);
int xmhf_sysfs_init(void);
void xmhf_sysfs_exit(void);
void xmhf_fill_status(struct xmhf_status *st, bool privileged);

#endif /* XMHF_LOADER_XMHF_H */
