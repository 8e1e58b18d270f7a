/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/xmhf_attack: a test-only module that attacks the hypervisor from
 * kernel mode, for the in-guest selftests.  Never installed on a real
 * machine: it hands root a window on any RAM page it names.
 *
 * A test names its target first (XATK_IOC_SET_TARGET: a physical range of
 * RAM, usually the hypervisor's block), then:
 *   - XATK_IOC_PROBE: one 8-byte load or store from CPL 0 on the calling CPU,
 *     through Linux's direct map or a second mapping (vmap) of the page.
 *     The instruction has no exception-table entry: a die notifier sees
 *     the trap, records its vector and error code and skips the access.
 *   - mmap(): the target mapped into the caller (remap_pfn_range), for
 *     accesses from CPL 3.
 *   - snapshots of the target (XATK_IOC_SNAP_*), taken natively: when the
 *     module named "xmhf" has run its exit (a module notifier, inside
 *     rmmod, right after the block was freed), or on request.
 * Later attacks add their own ioctl here, numbered on from the last one.
 */
#ifndef XMHF_ATTACK_H
#define XMHF_ATTACK_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define XATK_DEVICE_PATH		"/dev/xmhf_attack"
#define XATK_TARGET_MAX		(16u << 20)	/* bytes */
/* What a load that trapped leaves in its destination. */
#define XATK_SENTINEL		0xa5a5a5a5a5a5a5a5ull

struct xatk_target {
	__u64 phys;		/* page aligned, RAM */
	__u64 size;		/* page multiple, at most XATK_TARGET_MAX */
};

enum xatk_map {
	XATK_MAP_DIRECT = 0,	/* Linux's direct map */
	XATK_MAP_VMAP = 1,	/* a mapping of its own, made for the access */
};

enum xatk_op {
	XATK_OP_READ = 0,
	XATK_OP_WRITE = 1,
};

struct xatk_probe {
	__u64 offset;		/* into the target, 8-byte aligned */
	__u32 map;		/* enum xatk_map */
	__u32 op;		/* enum xatk_op */
	__u64 value;		/* in: what a write stores; out: what a read got */
	__u32 cpu;		/* out: the CPU that made the access */
	__u32 faulted;		/* out: 1 when the access trapped */
	__u32 trapnr;		/* out: its vector */
	__u32 pad;
	__u64 error_code;	/* out: its error code */
};

enum xatk_snap_when {
	XATK_SNAP_NONE = 0,
	XATK_SNAP_AT_EXIT = 1,	/* when xmhf.ko's exit had run */
	XATK_SNAP_NOW = 2,	/* on request */
};

struct xatk_snapshot {
	__u64 buf;		/* user buffer of the target's size */
	__u64 size;
	__u64 phys;		/* out: the target */
	__u32 when;		/* out: enum xatk_snap_when */
	__s32 result;		/* out: 0, or -EBUSY if the hypervisor was still there */
};

#define XATK_IOC_MAGIC		0xb9	/* xmhf's; test modules use 0x80 on */
#define XATK_IOC_SET_TARGET	_IOW(XATK_IOC_MAGIC, 0x80, struct xatk_target)
#define XATK_IOC_PROBE		_IOWR(XATK_IOC_MAGIC, 0x81, struct xatk_probe)
/* Take a snapshot when xmhf.ko's exit has run (inside rmmod). */
#define XATK_IOC_SNAP_ARM		_IO(XATK_IOC_MAGIC, 0x82)
#define XATK_IOC_SNAP_NOW		_IO(XATK_IOC_MAGIC, 0x83)
#define XATK_IOC_SNAP_GET		_IOWR(XATK_IOC_MAGIC, 0x84, struct xatk_snapshot)

#endif /* XMHF_ATTACK_H */
