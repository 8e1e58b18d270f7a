// SPDX-License-Identifier: GPL-2.0
/* /dev/xmhf: the control interface used by xmhfctl and the PAL SDK. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <xmhf/layout.h>
#include <xmhf/version.h>

#include "xmhf.h"

/* Physical addresses are for root only, as in /proc/iomem. */
void xmhf_fill_status(struct xmhf_status *st, bool privileged)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	mutex_lock(&xmhf_lock);
	st->state = xmhf_ld.state;
	st->launch_kind = xmhf_ld.launch;
	st->blob_fmt_major = xmhf_ld.blob.fmt_major;
	st->blob_fmt_minor = xmhf_ld.blob.fmt_minor;
	st->mem_phys = privileged ? xmhf_ld.mem_phys : 0;
	st->mem_size = xmhf_ld.mem ? XMHF_MEM_SIZE : 0;
	st->sl_size = xmhf_ld.blob.sl_size;
	st->rt_mem_size = xmhf_ld.blob.rt_mem_size;
	strscpy(st->blob_build_id, xmhf_ld.blob.build_id,
		sizeof(st->blob_build_id));
	mutex_unlock(&xmhf_lock);
	st->num_cpus = num_online_cpus();
	strscpy(st->module_version, XMHF_VERSION_STRING,
		sizeof(st->module_version));
}

/*
 * The caller states the size of its struct; a smaller one than ours means
 * an older tool, which gets the fields it knows.
 */
static long ioctl_status(struct xmhf_status __user *arg)
{
	struct xmhf_status st;
	u32 usize;

	if (get_user(usize, &arg->size))
		return -EFAULT;
	if (usize < offsetofend(struct xmhf_status, mem_size) ||
	    usize > sizeof(st))
		return -EINVAL;
	xmhf_fill_status(&st, capable(CAP_SYS_ADMIN));
	st.size = usize;
	if (copy_to_user(arg, &st, usize))
		return -EFAULT;
	return 0;
}

static long xmhf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case XMHF_IOC_STATUS:
		return ioctl_status((struct xmhf_status __user *)arg);
	}
	return -ENOTTY;
}

static const struct file_operations xmhf_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = xmhf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice xmhf_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xmhf",
	.fops = &xmhf_fops,
	.mode = 0600,
};

struct device *xmhf_device(void)
{
	return xmhf_misc.this_device;
}

int xmhf_chardev_init(void)
{
	int err = misc_register(&xmhf_misc);

	if (err)
		pr_err("cannot register /dev/xmhf (%d)\n", err);
	return err;
}

void xmhf_chardev_exit(void)
{
	misc_deregister(&xmhf_misc);
}
