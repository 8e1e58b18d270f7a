/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor's log: an in-memory ring (uapi/xmhf/log.h) that the
 * module and `xmhfctl log` read, mirrored to the debug port when one is
 * configured (QEMU's debugcon at 0xe9 or a COM port).
 * (Owned by the lead engineer: please do not rewrite this file.)
 */
#ifndef XMHF_CORE_LOG_H
#define XMHF_CORE_LOG_H

#include <stdarg.h>
#include <types.h>

void log_init(u16 port);
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_vlog(const char *fmt, va_list ap);

#endif /* XMHF_CORE_LOG_H */
