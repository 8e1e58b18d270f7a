// SPDX-License-Identifier: GPL-2.0
/*
 * xmhf.ko: loads the xmhf-ll hypervisor into contiguous memory and
 * launches it (docs/architecture.md, "Launch").  Module parameters are
 * checked when set, so a bad value fails insmod before anything is
 * allocated.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/panic.h>
#include <linux/security.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <xmhf/layout.h>
#include <xmhf/slparams.h>
#include <xmhf/version.h>

#include "xmhf.h"

struct xmhf_loader xmhf_ld;
static struct xmhf_launch_ctx xmhf_lc;
DEFINE_MUTEX(xmhf_lock);

#define BLOB_NAME_MAX 128

static char blob_name[BLOB_NAME_MAX] = "xmhf/xmhf.bin";
static enum xmhf_launch_kind launch_kind = XMHF_LAUNCH_AUTO;
static unsigned int debug_port = 0xe9;
bool xmhf_selftest;
module_param_named(selftest, xmhf_selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "enable the test-only ioctls (raw hypercalls, guest writes to hypervisor memory)");
static bool test_abort;
module_param(test_abort, bool, 0444);
MODULE_PARM_DESC(test_abort, "test only: the hypervisor gives up just before VMRUN, so the launch fails and Linux goes on natively");

/* A relative path under /lib/firmware: no "..", no absolute path. */
static int blob_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n");

	if (!len || len >= BLOB_NAME_MAX) {
		pr_err("blob: name must be 1..%d characters\n", BLOB_NAME_MAX - 1);
		return -EINVAL;
	}
	if (val[0] == '/' || strstr(val, "..")) {
		pr_err("blob: '%.*s' must be relative to /lib/firmware without '..'\n",
		       (int)len, val);
		return -EINVAL;
	}
	memcpy(blob_name, val, len);
	blob_name[len] = '\0';
	return 0;
}

static const struct kernel_param_ops blob_ops = {
	.set = blob_set,
	.get = param_get_string,
};

static struct kparam_string blob_str = {
	.maxlen = sizeof(blob_name),
	.string = blob_name,
};
module_param_cb(blob, &blob_ops, &blob_str, 0444);
MODULE_PARM_DESC(blob, "hypervisor blob under /lib/firmware (default xmhf/xmhf.bin)");

static int launch_set(const char *val, const struct kernel_param *kp)
{
	char buf[16];
	enum xmhf_launch_kind kind;

	strscpy(buf, val, sizeof(buf));
	buf[strcspn(buf, "\n")] = '\0';
	if (xmhf_launch_parse(buf, &kind)) {
		pr_err("launch: '%s' is not one of auto, none, emulated, skinit, senter\n",
		       buf);
		return -EINVAL;
	}
	launch_kind = kind;
	return 0;
}

static int launch_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", xmhf_launch_name(launch_kind));
}

static const struct kernel_param_ops launch_ops = {
	.set = launch_set,
	.get = launch_get,
};
module_param_cb(launch, &launch_ops, NULL, 0444);
MODULE_PARM_DESC(launch, "auto (default: skinit if the CPU and a TPM allow, else emulated), none (load only), emulated, skinit, senter");

static int debug_port_set(const char *val, const struct kernel_param *kp)
{
	unsigned int port;

	if (kstrtouint(val, 0, &port) || !xmhf_debug_port_ok(port)) {
		pr_err("debug_port: '%s' is not 0 (off), 0xe9 (debugcon) or a COM port (0x3f8, 0x2f8, 0x3e8, 0x2e8)\n",
		       val);
		return -EINVAL;
	}
	debug_port = port;
	return 0;
}

static const struct kernel_param_ops debug_port_ops = {
	.set = debug_port_set,
	.get = param_get_uint,
};
module_param_cb(debug_port, &debug_port_ops, &debug_port, 0444);
MODULE_PARM_DESC(debug_port, "I/O port for the hypervisor's debug log (default 0xe9, 0 = off)");

static unsigned int extra_blocks;

/* Bounded here, so a typo fails insmod with a message, not an allocation. */
static int extra_blocks_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n > XMHF_MAX_BLOCKS) {
		pr_err("extra_blocks: '%s' is not a number from 0 to %u\n", val, XMHF_MAX_BLOCKS);
		return -EINVAL;
	}
	extra_blocks = n;
	return 0;
}

static const struct kernel_param_ops extra_blocks_ops = {
	.set = extra_blocks_set,
	.get = param_get_uint,
};
module_param_cb(extra_blocks, &extra_blocks_ops, &extra_blocks, 0444);
MODULE_PARM_DESC(extra_blocks, "4 MiB heap blocks for the hypervisor beyond what the machine needs (default 0)");

/*
 * Sleep while the hypervisor runs is refused (docs/isolation-ports.md,
 * "Reset and sleep"): S3 would resume Linux natively at its waking
 * vector with the hypervisor gone (it scrubs itself when the platform
 * sleeps, hv/core/reset.c), and hibernation would save a hoisted image.
 * Unload first; then sleep works as without the module.
 */
static int xmhf_pm_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	bool launched;

	if (action != PM_SUSPEND_PREPARE && action != PM_HIBERNATION_PREPARE &&
	    action != PM_RESTORE_PREPARE)
		return NOTIFY_DONE;
	mutex_lock(&xmhf_lock);
	launched = xmhf_ld.state == XMHF_STATE_LAUNCHED;
	mutex_unlock(&xmhf_lock);
	if (!launched)
		return NOTIFY_DONE;
	pr_warn("%s refused while the hypervisor runs; unload it first (xmhfctl unload)\n",
		action == PM_SUSPEND_PREPARE ? "suspend" : "hibernation");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block xmhf_pm_nb = {
	.notifier_call = xmhf_pm_notify,
};

static int __init xmhf_init(void)
{
	struct xmhf_load_opts opts = {
		.blob_name = blob_name,
		.launch = launch_kind,
		.debug_port = debug_port,
		.flags = test_abort ? XMHF_SLPB_F_TEST_ABORT : 0,
		.extra_blocks = extra_blocks,
	};
	int err;

	/*
	 * The test ioctls write MSRs and the hypervisor's memory: never
	 * under lockdown (as /dev/cpu/N/msr and /dev/mem), and a kernel
	 * that had them says so in its taint flags ('U').
	 */
	if (xmhf_selftest) {
		err = security_locked_down(LOCKDOWN_MSR);
		if (!err)
			err = security_locked_down(LOCKDOWN_DEV_MEM);
		if (err) {
			pr_err("selftest=1 refused: the kernel is locked down\n");
			return err;
		}
		pr_warn("selftest=1: test-only ioctls enabled; tainting the kernel\n");
		add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	}

	/* The device exists first: the firmware loader wants one. */
	err = xmhf_chardev_init();
	if (err)
		return err;
	err = xmhf_sysfs_init();
	if (err)
		goto err_chardev;
	err = register_pm_notifier(&xmhf_pm_nb);
	if (err)
		goto err_sysfs;

	/* One critical section: no ioctl sees a half-loaded hypervisor. */
	mutex_lock(&xmhf_lock);
	err = xmhf_loader_load(&xmhf_ld, &xmhf_linux_platform, &opts);
	if (!err && xmhf_ld.launch != XMHF_LAUNCH_NONE) {
		err = xmhf_launch(&xmhf_ld, &xmhf_lc);
		if (err)
			xmhf_loader_unload(&xmhf_ld);
		else
			xmhf_ld.state = XMHF_STATE_LAUNCHED;
	}
	mutex_unlock(&xmhf_lock);
	if (err)
		goto err_pm;

	pr_info("%s: %lu KiB at %#llx and %u more 4 MiB blocks, blob %s (%s); %s\n",
		XMHF_VERSION_STRING, (unsigned long)XMHF_MEM_SIZE >> 10,
		(unsigned long long)xmhf_ld.mem_phys, xmhf_ld.num_blocks, xmhf_ld.blob.build_id,
		blob_name, xmhf_ld.state == XMHF_STATE_LAUNCHED ?
		"launched" : "loaded, not launched");
	return 0;

err_pm:
	unregister_pm_notifier(&xmhf_pm_nb);
err_sysfs:
	xmhf_sysfs_exit();
err_chardev:
	xmhf_chardev_exit();
	return err;
}

/* Devirtualize if launched, then free the hypervisor's memory. */
int xmhf_unload(void)
{
	int err = 0;

	mutex_lock(&xmhf_lock);
	if (xmhf_ld.state == XMHF_STATE_LAUNCHED) {
		/* What the hypervisor logs from here on ends up in dmesg. */
		u64 log_from;
		bool have_from = !xmhf_hv_log_head(&log_from);

		err = xmhf_devirtualize(&xmhf_lc);
		if (!err) {
			if (have_from)
				xmhf_dump_hv_log(&xmhf_ld, log_from);
			pr_info("hypervisor unloaded; Linux runs natively\n");
		}
	}
	if (!err)
		xmhf_loader_unload(&xmhf_ld);
	mutex_unlock(&xmhf_lock);
	return err;
}

static void __exit xmhf_exit(void)
{
	xmhf_sysfs_exit();
	xmhf_chardev_exit();
	if (xmhf_unload())
		pr_crit("module removed while the hypervisor is still running\n");
	unregister_pm_notifier(&xmhf_pm_nb);
	pr_info("module removed\n");
}

module_init(xmhf_init);
module_exit(xmhf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xmhf-ll late-launch hypervisor loader");
MODULE_VERSION(XMHF_VERSION_STRING);
MODULE_FIRMWARE("xmhf/xmhf.bin");
