// SPDX-License-Identifier: GPL-2.0
/* /sys/kernel/xmhf/: the hypervisor's state for scripts and monitoring. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <xmhf/version.h>

#include "xmhf.h"

static struct kobject *xmhf_kobj;

static ssize_t state_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct xmhf_status st;

	xmhf_fill_status(&st, false);
	return sysfs_emit(buf, "%s\n", xmhf_state_name(st.state));
}

static ssize_t launch_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct xmhf_status st;

	xmhf_fill_status(&st, false);
	return sysfs_emit(buf, "%s\n", xmhf_launch_name(st.launch_kind));
}

static ssize_t footprint_show(struct kobject *k, struct kobj_attribute *a,
			      char *buf)
{
	struct xmhf_status st;

	xmhf_fill_status(&st, false);
	return sysfs_emit(buf, "%llu\n", (unsigned long long)st.mem_size);
}

static ssize_t blob_version_show(struct kobject *k, struct kobj_attribute *a,
				 char *buf)
{
	struct xmhf_status st;

	xmhf_fill_status(&st, false);
	return sysfs_emit(buf, "%u.%u %s\n", st.blob_fmt_major,
			  st.blob_fmt_minor, st.blob_build_id);
}

static ssize_t version_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", XMHF_VERSION_STRING);
}

static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute launch_attr = __ATTR_RO(launch);
static struct kobj_attribute footprint_attr = __ATTR_RO(footprint);
static struct kobj_attribute blob_version_attr = __ATTR_RO(blob_version);
static struct kobj_attribute version_attr = __ATTR_RO(version);

static struct attribute *xmhf_attrs[] = {
	&state_attr.attr,
	&launch_attr.attr,
	&footprint_attr.attr,
	&blob_version_attr.attr,
	&version_attr.attr,
	NULL,
};

static const struct attribute_group xmhf_group = {
	.attrs = xmhf_attrs,
};

int xmhf_sysfs_init(void)
{
	int err;

	xmhf_kobj = kobject_create_and_add("xmhf", kernel_kobj);
	if (!xmhf_kobj)
		return -ENOMEM;
	err = sysfs_create_group(xmhf_kobj, &xmhf_group);
	if (err) {
		pr_err("cannot create /sys/kernel/xmhf (%d)\n", err);
		kobject_put(xmhf_kobj);
		xmhf_kobj = NULL;
	}
	return err;
}

void xmhf_sysfs_exit(void)
{
	if (!xmhf_kobj)
		return;
	sysfs_remove_group(xmhf_kobj, &xmhf_group);
	kobject_put(xmhf_kobj);
	xmhf_kobj = NULL;
}
