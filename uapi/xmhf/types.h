/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Fixed-width types for headers shared by the module, the hypervisor and
 * userspace.  The kernel and userspace get them from <linux/types.h>; the
 * freestanding hypervisor has no such header, so it defines them here.
 */
#ifndef XMHF_UAPI_TYPES_H
#define XMHF_UAPI_TYPES_H

#ifdef XMHF_FREESTANDING
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed int __s32;
typedef signed long long __s64;
#else
#include <linux/types.h>
#endif

#endif /* XMHF_UAPI_TYPES_H */
