/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * /dev/xmhf ioctls.  Every struct starts with its size, so old tools keep
 * working with a newer module and the module can refuse what it does not
 * know.
 */
#ifndef XMHF_UAPI_IOCTL_H
#define XMHF_UAPI_IOCTL_H

#include <xmhf/types.h>
#include <xmhf/blob.h>
#include <xmhf/layout.h>
#include <xmhf/hypercall.h>
#include <xmhf/eventlog.h>
#ifndef XMHF_FREESTANDING
#include <linux/ioctl.h>
#endif

#define XMHF_DEVICE_PATH	"/dev/xmhf"
#define XMHF_SYSFS_DIR		"/sys/kernel/xmhf"

enum xmhf_state {
	XMHF_STATE_LOADED = 1,	/* memory and blob ready, not launched */
	XMHF_STATE_LAUNCHED = 2,	/* Linux runs as the guest */
	XMHF_STATE_FAILED = 3,	/* a launch failed; Linux runs natively */
};

static inline const char *xmhf_state_name(__u32 state)
{
	switch (state) {
	case XMHF_STATE_LOADED:
		return "loaded";
	case XMHF_STATE_LAUNCHED:
		return "launched";
	case XMHF_STATE_FAILED:
		return "failed";
	}
	return "unloaded";
}

struct xmhf_status {
	__u32 size;		/* in: sizeof(struct xmhf_status) */
	__u32 state;		/* enum xmhf_state */
	__u32 launch_kind;	/* enum xmhf_launch_kind */
	__u32 blob_fmt_major;
	__u32 blob_fmt_minor;
	__u32 num_cpus;		/* CPUs online in Linux */
	__u64 mem_phys;		/* hypervisor memory (0 unless root) */
	__u64 mem_size;		/* bytes the hypervisor occupies */
	__u64 sl_size;
	__u64 rt_mem_size;
	char module_version[16];
	char blob_build_id[XMHF_BLOB_ID_LEN];
	/* The extra heap blocks (uapi/xmhf/layout.h); addresses root only. */
	__u32 num_blocks;
	__u32 reserved;
	__u64 blocks_phys[XMHF_MAX_BLOCKS];
};

/* Copy of the hypervisor's log from position pos on (XMHF_IOC_LOG). */
struct xmhf_log_req {
	__u64 buf;		/* user buffer */
	__u32 size;		/* its size, at most XMHF_LOG_SIZE */
	__u32 len;		/* out: bytes copied */
	__u64 pos;		/* in: first log position wanted */
	__u64 head;		/* out: log position after the last byte */
};

/* Null hypercalls in a loop, timed in the kernel (XMHF_IOC_BENCH). */
struct xmhf_bench_req {
	__u64 iterations;	/* in, 1 .. 10^6 */
	__u64 total_ns;		/* out */
};

/*
 * SMP figures timed in the kernel (XMHF_IOC_BENCH_SMP):
 *   XMHF_BENCH_IPI: IPI round trips (a synchronous cross-call) from this
 *     CPU to CPU cpu; works with or without the hypervisor.
 *   XMHF_BENCH_QUIESCE: XMHF_HC_QUIESCE_TEST hypercalls, each stopping
 *     every other CPU, toggling a page of module memory between read-only
 *     and writable; hoisted only (-ENODEV otherwise).  stopped: how many
 *     other CPUs the last call stopped.
 */
enum xmhf_bench_smp_kind {
	XMHF_BENCH_IPI = 1,
	XMHF_BENCH_QUIESCE = 2,
};

struct xmhf_bench_smp_req {
	__u32 kind;		/* in: enum xmhf_bench_smp_kind */
	__u32 cpu;		/* in: IPI target (Linux CPU number, online, not this one) */
	__u64 iterations;	/* in, 1 .. 10^6 */
	__u64 total_ns;		/* out */
	__u64 stopped;		/* out, XMHF_BENCH_QUIESCE */
};

/*
 * Test hooks, only with the module parameter selftest=1: a raw hypercall
 * from CPL 0 (UNLOAD refused), and a write to the hypervisor's memory
 * through Linux's direct map that must not land.
 */
#define XMHF_RAW_A1_PHYS	1	/* a1 is physical: pass its direct-map VA */
struct xmhf_raw_hypercall {
	__u64 fn, a1, a2, a3;
	__u32 flags;
	__u32 pad;
	__s64 ret;		/* out: RAX */
};

struct xmhf_test_write {
	__u64 offset;		/* into the hypervisor's 4 MiB */
	__s32 result;		/* out: 0 if the write went through, -EFAULT if refused */
	__u32 pad;
};

/* A one-byte MMIO access by the guest kernel (XMHF_IOC_TEST_MMIO). */
struct xmhf_test_mmio {
	__u64 phys;
	__u32 write;		/* 0 = read a byte, 1 = write value */
	__u32 value;		/* in for writes, out for reads */
	__s32 result;		/* out: 0, or -EFAULT if the access faulted */
	__u32 pad;
};

/* RDMSR/WRMSR by the guest kernel, fault-safe (XMHF_IOC_TEST_MSR). */
struct xmhf_test_msr {
	__u32 msr;
	__u32 write;
	__u64 value;		/* in for writes, out for reads */
	__s32 result;		/* out: 0, or -EIO if the access faulted */
	__u32 pad;
};

#define XMHF_IOC_MAGIC		0xb9	/* no user in the uapi headers (0xb7 is nsfs) */
#define XMHF_IOC_STATUS		_IOWR(XMHF_IOC_MAGIC, 0x00, struct xmhf_status)
#define XMHF_IOC_HV_STATUS	_IOR(XMHF_IOC_MAGIC, 0x01, struct xmhf_hv_status)
#define XMHF_IOC_LOG		_IOWR(XMHF_IOC_MAGIC, 0x02, struct xmhf_log_req)
#define XMHF_IOC_UNLOAD		_IO(XMHF_IOC_MAGIC, 0x03)
#define XMHF_IOC_SELFCHECK	_IO(XMHF_IOC_MAGIC, 0x04)
#define XMHF_IOC_BENCH		_IOWR(XMHF_IOC_MAGIC, 0x05, struct xmhf_bench_req)
#define XMHF_IOC_EVENTLOG	_IOR(XMHF_IOC_MAGIC, 0x06, struct xmhf_eventlog)
#define XMHF_IOC_BENCH_SMP	_IOWR(XMHF_IOC_MAGIC, 0x07, struct xmhf_bench_smp_req)
/* XMHF_IOC_HV_STATUS from CPU first_cpu on (set it before the call). */
#define XMHF_IOC_HV_STATUS_AT	_IOWR(XMHF_IOC_MAGIC, 0x09, struct xmhf_hv_status)
/* Where the hypervisor keeps what (XMHF_HC_LAYOUT); root, launched only. */
#define XMHF_IOC_HV_LAYOUT	_IOR(XMHF_IOC_MAGIC, 0x08, struct xmhf_hv_layout)
#define XMHF_IOC_TEST_HYPERCALL	_IOWR(XMHF_IOC_MAGIC, 0x40, struct xmhf_raw_hypercall)
#define XMHF_IOC_TEST_WRITE_HV	_IOWR(XMHF_IOC_MAGIC, 0x41, struct xmhf_test_write)
#define XMHF_IOC_TEST_MMIO	_IOWR(XMHF_IOC_MAGIC, 0x42, struct xmhf_test_mmio)
#define XMHF_IOC_TEST_MSR	_IOWR(XMHF_IOC_MAGIC, 0x43, struct xmhf_test_msr)
/* Physical address of the caller's top-level page table (its mm's PGD). */
#define XMHF_IOC_TEST_PGD	_IOR(XMHF_IOC_MAGIC, 0x44, __u64)

#endif /* XMHF_UAPI_IOCTL_H */
