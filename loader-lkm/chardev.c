// SPDX-License-Identifier: GPL-2.0
/* /dev/xmhf: the control interface used by xmhfctl and the PAL SDK. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include <xmhf/log.h>
#include <xmhf/layout.h>
#include <xmhf/version.h>

#include "xmhf.h"

/* Physical addresses are for root only, as in /proc/iomem. */
void xmhf_fill_status(struct xmhf_status *st, bool privileged)
{
	u32 i;

	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	mutex_lock(&xmhf_lock);
	st->state = xmhf_ld.state;
	st->launch_kind = xmhf_ld.launch;
	st->blob_fmt_major = xmhf_ld.blob.fmt_major;
	st->blob_fmt_minor = xmhf_ld.blob.fmt_minor;
	st->mem_phys = privileged ? xmhf_ld.mem_phys : 0;
	st->mem_size = xmhf_ld.mem ? XMHF_MEM_SIZE * (1ull + xmhf_ld.num_blocks) : 0;
	st->num_blocks = xmhf_ld.num_blocks;
	for (i = 0; privileged && i < xmhf_ld.num_blocks; i++)
		st->blocks_phys[i] = xmhf_ld.blocks_phys[i];
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

/* Hypervisor calls need it launched; the lock keeps unload out meanwhile. */
static int lock_launched(void)
{
	mutex_lock(&xmhf_lock);
	if (xmhf_ld.state == XMHF_STATE_LAUNCHED)
		return 0;
	mutex_unlock(&xmhf_lock);
	return -ENODEV;
}

/* paged: XMHF_IOC_HV_STATUS_AT, which reads first_cpu from the caller. */
static long ioctl_hv_status(void __user *arg, bool paged)
{
	struct xmhf_hv_status __user *ust = arg;
	struct xmhf_hv_status *st;
	u32 first = 0;
	int err;

	if (paged && get_user(first, &ust->first_cpu))
		return -EFAULT;
	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	err = lock_launched();
	if (err)
		goto out;
	err = xmhf_hv_status(st, first);
	mutex_unlock(&xmhf_lock);
	if (!err && copy_to_user(arg, st, sizeof(*st)))
		err = -EFAULT;
out:
	kfree(st);
	return err;
}

/* Offsets within the block: for root, like its physical address. */
static long ioctl_hv_layout(void __user *arg)
{
	struct xmhf_hv_layout *lo;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	lo = kmalloc(sizeof(*lo), GFP_KERNEL);
	if (!lo)
		return -ENOMEM;
	err = lock_launched();
	if (err)
		goto out;
	err = xmhf_hv_layout(lo);
	mutex_unlock(&xmhf_lock);
	if (!err && copy_to_user(arg, lo, sizeof(*lo)))
		err = -EFAULT;
out:
	kfree(lo);
	return err;
}

static long ioctl_log(struct xmhf_log_req __user *arg)
{
	struct xmhf_log_req req;
	u64 head;
	char *buf;
	long n;
	int err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!req.size || req.size > XMHF_LOG_SIZE)
		return -EINVAL;
	buf = xmhf_hc_buf_alloc(req.size);
	if (!buf)
		return -ENOMEM;
	err = lock_launched();
	if (err)
		goto out;
	n = xmhf_hypercall(XMHF_HC_LOG, (u64)buf, req.size, req.pos);
	if (n >= 0)
		err = xmhf_hv_log_head(&head);
	mutex_unlock(&xmhf_lock);
	if (n < 0)
		err = -EIO;
	if (err)
		goto out;
	req.len = n;
	req.head = head;
	if (copy_to_user(u64_to_user_ptr(req.buf), buf, n) ||
	    copy_to_user(arg, &req, sizeof(req)))
		err = -EFAULT;
out:
	xmhf_hc_buf_free(buf, req.size);
	return err;
}

static long ioctl_eventlog(void __user *arg)
{
	struct xmhf_eventlog *log = xmhf_hc_buf_alloc(sizeof(*log));
	long ret;
	int err;

	if (!log)
		return -ENOMEM;
	err = lock_launched();
	if (err)
		goto out;
	ret = xmhf_hypercall(XMHF_HC_EVENTLOG, (u64)log, sizeof(*log), 0);
	mutex_unlock(&xmhf_lock);
	if (ret)
		err = -EIO;
	else if (copy_to_user(arg, log, sizeof(*log)))
		err = -EFAULT;
out:
	xmhf_hc_buf_free(log, sizeof(*log));
	return err;
}

static long ioctl_selfcheck(void)
{
	long ret;
	int err = lock_launched();

	if (err)
		return err;
	ret = xmhf_hypercall(XMHF_HC_SELFCHECK, 0, 0, 0);
	mutex_unlock(&xmhf_lock);
	return ret < 0 ? -EIO : ret;
}

static long ioctl_bench(struct xmhf_bench_req __user *arg)
{
	struct xmhf_bench_req req;
	u64 i, start;
	int err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!req.iterations || req.iterations > 1000000)
		return -EINVAL;
	err = lock_launched();
	if (err)
		return err;
	start = ktime_get_ns();
	for (i = 0; i < req.iterations; i++) {
		xmhf_hypercall(XMHF_HC_NULL, 0, 0, 0);
		/* One CPU while hoisted: let the rest of the system breathe. */
		if (!(i % 1024))
			cond_resched();
	}
	req.total_ns = ktime_get_ns() - start;
	mutex_unlock(&xmhf_lock);
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static void bench_nop(void *info)
{
}

/* Synchronous cross-calls: an IPI there and the completion seen back here. */
static int bench_ipi(struct xmhf_bench_smp_req *req)
{
	u64 i, start;
	int err = 0;

	if (req->cpu >= nr_cpu_ids || !cpu_online(req->cpu))
		return -EINVAL;
	start = ktime_get_ns();
	for (i = 0; i < req->iterations && !err; i++) {
		/* On the target itself it would be a function call, not an IPI. */
		if (raw_smp_processor_id() == req->cpu)
			return -EINVAL;
		err = smp_call_function_single(req->cpu, bench_nop, NULL, 1);
		if (!(i % 1024))
			cond_resched();
	}
	req->total_ns = ktime_get_ns() - start;
	return err;
}

/*
 * Quiesce hypercalls on a page of our own, read-only then writable in
 * turn, ending writable; a page left read-only is never freed.
 */
static int bench_quiesce(struct xmhf_bench_smp_req *req)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u64 i, start, pa;
	long ret = 0;

	if (!page)
		return -ENOMEM;
	pa = page_to_phys(page);
	start = ktime_get_ns();
	for (i = 0; i < req->iterations && ret >= 0; i++) {
		ret = xmhf_hypercall(XMHF_HC_QUIESCE_TEST, pa, !(i & 1), 0);
		req->stopped = ret;
		if (!(i % 64))
			cond_resched();
	}
	req->total_ns = ktime_get_ns() - start;
	/* A production blob has no QUIESCE_TEST (test builds only): nothing changed. */
	if (i == 1 && ret == XMHF_HC_E_NOSYS) {
		__free_page(page);
		return -EOPNOTSUPP;
	}
	if (xmhf_hypercall(XMHF_HC_QUIESCE_TEST, pa, 0, 0) < 0) {
		pr_err("a quiesce test page stays read-only: leaking it\n");
		return -EIO;
	}
	__free_page(page);
	return ret < 0 ? -EIO : 0;
}

static long ioctl_bench_smp(struct xmhf_bench_smp_req __user *arg)
{
	struct xmhf_bench_smp_req req;
	int err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!req.iterations || req.iterations > 1000000)
		return -EINVAL;
	req.total_ns = 0;
	req.stopped = 0;
	if (req.kind == XMHF_BENCH_IPI) {
		err = bench_ipi(&req);
	} else if (req.kind == XMHF_BENCH_QUIESCE) {
		err = lock_launched();
		if (err)
			return err;
		err = bench_quiesce(&req);
		mutex_unlock(&xmhf_lock);
	} else {
		return -EINVAL;
	}
	if (err)
		return err;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long ioctl_test_hypercall(struct xmhf_raw_hypercall __user *arg)
{
	struct xmhf_raw_hypercall req;
	int err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.fn == XMHF_HC_UNLOAD || req.flags & ~XMHF_RAW_A1_PHYS)
		return -EINVAL;
	if (req.flags & XMHF_RAW_A1_PHYS)
		req.a1 = (u64)phys_to_virt(req.a1);
	err = lock_launched();
	if (err)
		return err;
	req.ret = xmhf_hypercall(req.fn, req.a1, req.a2, req.a3);
	mutex_unlock(&xmhf_lock);
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

/*
 * Where the caller's page tables start: a test puts its own there above
 * 4 GiB and then has the hypervisor walk them.
 */
static long ioctl_test_pgd(u64 __user *arg)
{
	if (!current->mm)
		return -EINVAL;
	return put_user((u64)virt_to_phys(current->mm->pgd), arg);
}

/*
 * Returns -EFAULT when the store faults.  A plain exception-table entry:
 * the hypervisor answers with #GP, which the uaccess-type fixups of the
 * *_nofault helpers would WARN about.
 */
static int write_nofault(void *dst, u64 val)
{
	int err = -EFAULT;

	asm volatile("1:	movq %[val], (%[dst])\n"
		     "	xorl %[err], %[err]\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : [err] "+r"(err)
		     : [val] "r"(val), [dst] "r"(dst)
		     : "memory");
	return err;
}

/* A write through Linux's direct map into the hypervisor's block. */
static long ioctl_test_write_hv(struct xmhf_test_write __user *arg)
{
	struct xmhf_test_write req;
	int err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.offset > XMHF_MEM_SIZE - sizeof(u64))
		return -EINVAL;
	err = lock_launched();
	if (err)
		return err;
	req.result = write_nofault(xmhf_ld.mem + req.offset, 0x5858585858585858ull);
	mutex_unlock(&xmhf_lock);
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

/* One byte of MMIO, with a fault caught: what the guest sees of a device. */
static long ioctl_test_mmio(struct xmhf_test_mmio __user *arg)
{
	struct xmhf_test_mmio req;
	void __iomem *va;
	u8 *p, val;
	int err = -EFAULT;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.write > 1 || req.value > 0xff)
		return -EINVAL;
	va = ioremap(req.phys & PAGE_MASK, PAGE_SIZE);
	if (!va)
		return -ENOMEM;
	p = (u8 __force *)va + (req.phys & ~PAGE_MASK);
	val = req.value;
	if (req.write)
		asm volatile("1:	movb %[v], (%[p])\n"
			     "	xorl %[err], %[err]\n"
			     "2:\n"
			     _ASM_EXTABLE(1b, 2b)
			     : [err] "+r"(err) : [v] "q"(val), [p] "r"(p) : "memory");
	else
		asm volatile("1:	movb (%[p]), %[v]\n"
			     "	xorl %[err], %[err]\n"
			     "2:\n"
			     _ASM_EXTABLE(1b, 2b)
			     : [err] "+r"(err), [v] "+q"(val) : [p] "r"(p) : "memory");
	iounmap(va);
	req.result = err;
	req.value = val;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long ioctl_test_msr(struct xmhf_test_msr __user *arg)
{
	struct xmhf_test_msr req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.write > 1)
		return -EINVAL;
	if (req.write)
		req.result = wrmsrl_safe(req.msr, req.value) ? -EIO : 0;
	else
		req.result = rdmsrl_safe(req.msr, &req.value) ? -EIO : 0;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long xmhf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case XMHF_IOC_STATUS:
		return ioctl_status(uarg);
	case XMHF_IOC_HV_STATUS:
		return ioctl_hv_status(uarg, false);
	case XMHF_IOC_HV_STATUS_AT:
		return ioctl_hv_status(uarg, true);
	case XMHF_IOC_HV_LAYOUT:
		return ioctl_hv_layout(uarg);
	case XMHF_IOC_LOG:
		return ioctl_log(uarg);
	case XMHF_IOC_SELFCHECK:
		return ioctl_selfcheck();
	case XMHF_IOC_EVENTLOG:
		return ioctl_eventlog(uarg);
	case XMHF_IOC_BENCH:
	case XMHF_IOC_BENCH_SMP:
	case XMHF_IOC_UNLOAD:
		/*
		 * The device's mode 0600 is not enough: a root process
		 * without CAP_SYS_ADMIN (a container's) may not make the
		 * hypervisor leave, nor make it run hypercalls in a loop.
		 */
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		if (cmd == XMHF_IOC_BENCH)
			return ioctl_bench(uarg);
		if (cmd == XMHF_IOC_BENCH_SMP)
			return ioctl_bench_smp(uarg);
		return xmhf_unload();
	}
	if (!xmhf_selftest)
		return -ENOTTY;
	/* Raw MSR, MMIO and physical-address access: what /dev/mem would need. */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	switch (cmd) {
	case XMHF_IOC_TEST_HYPERCALL:
		return ioctl_test_hypercall(uarg);
	case XMHF_IOC_TEST_WRITE_HV:
		return ioctl_test_write_hv(uarg);
	case XMHF_IOC_TEST_MMIO:
		return ioctl_test_mmio(uarg);
	case XMHF_IOC_TEST_MSR:
		return ioctl_test_msr(uarg);
	case XMHF_IOC_TEST_PGD:
		return ioctl_test_pgd(uarg);
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
