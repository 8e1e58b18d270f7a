/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader's pure logic (blob checks, CPU feature decisions, the load
 * sequence) builds both in the kernel and on the host, where the unit
 * tests drive it through a mock platform.  This header picks the right
 * system headers for either side.
 */
#ifndef XMHF_LOADER_COMPAT_H
#define XMHF_LOADER_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

#endif /* XMHF_LOADER_COMPAT_H */
