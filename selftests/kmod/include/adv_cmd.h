/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command parameter the test modules share: a write of
 * /sys/module/NAME/parameters/cmd runs set_fn(), a read returns the
 * module's `result` string (its last command's outcome).
 */
#ifndef ADV_CMD_H
#define ADV_CMD_H

#include <linux/kernel.h>
#include <linux/moduleparam.h>

#define ADV_CMD_PARAM(set_fn, desc)					\
	static int adv_cmd_get(char *buf, const struct kernel_param *kp)	\
	{								\
		return scnprintf(buf, PAGE_SIZE, "%s\n", result);	\
	}								\
	static const struct kernel_param_ops adv_cmd_ops = {		\
		.set = set_fn,						\
		.get = adv_cmd_get,					\
	};								\
	module_param_cb(cmd, &adv_cmd_ops, NULL, 0600);			\
	MODULE_PARM_DESC(cmd, desc)

#endif /* ADV_CMD_H */
