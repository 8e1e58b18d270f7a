/* SPDX-License-Identifier: GPL-2.0 */
/* Module-internal interfaces between the files of loader-lkm/. */
#ifndef XMHF_LOADER_XMHF_H
#define XMHF_LOADER_XMHF_H

#include <linux/device.h>
#include <linux/mutex.h>
#include "loader.h"

extern const struct xmhf_platform xmhf_linux_platform;

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
