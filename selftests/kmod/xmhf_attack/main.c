// SPDX-License-Identifier: GPL-2.0
/*
 * xmhf_attack: test-only attacks on the hypervisor from kernel mode
 * (xmhf_attack.h has the interface).  Everything here is root-only
 * through a 0600 misc device, and the module is only ever staged in the
 * testbench guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/processor.h>
#include <xmhf/hypercall.h>

#include "xmhf_attack.h"

/* probe.S */
u64 xatk_read64(const u64 *p, u64 sentinel);
void xatk_write64(u64 *p, u64 val);
extern const u8 xatk_read64_insn[], xatk_read64_resume[];
extern const u8 xatk_write64_insn[], xatk_write64_resume[];

/* A probe in flight on this CPU, and what trapped it. */
struct xatk_trap {
	bool armed;
	bool hit;
	int trapnr;
	long err;
};
static DEFINE_PER_CPU(struct xatk_trap, xatk_trap);

static DEFINE_MUTEX(xatk_lock);	/* the target and the snapshot */
static struct xatk_target target;
static struct {
	void *buf;		/* target.size bytes, allocated with the target */
	bool armed;
	u32 when;
	int result;
} snap;

/*
 * exc_general_protection() calls notify_die(DIE_GPF) only when no
 * exception-table entry claimed the fault; do_error_trap() calls
 * notify_die(DIE_TRAP) for #UD, #DE, #AC and the like.  A #PF on a probe
 * has no notifier and oopses: the mappings used here are always present.
 */
static int xatk_die(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;
	struct xatk_trap *t;
	unsigned long resume;

	if (val != DIE_GPF && val != DIE_TRAP)
		return NOTIFY_DONE;
	if (regs->ip == (unsigned long)xatk_read64_insn)
		resume = (unsigned long)xatk_read64_resume;
	else if (regs->ip == (unsigned long)xatk_write64_insn)
		resume = (unsigned long)xatk_write64_resume;
	else
		return NOTIFY_DONE;
	/* Preemption is off around a probe: this is the probing CPU. */
	t = this_cpu_ptr(&xatk_trap);
	if (!t->armed)
		return NOTIFY_DONE;
	t->hit = true;
	t->trapnr = args->trapnr;
	t->err = args->err;
	regs->ip = resume;
	return NOTIFY_STOP;
}

static struct notifier_block xatk_die_nb = {
	.notifier_call = xatk_die,
};

static bool hv_present(void)
{
	u32 a, b, c, d;

	cpuid(XMHF_CPUID_LEAF, &a, &b, &c, &d);
	return b == XMHF_CPUID_SIG_EBX && c == XMHF_CPUID_SIG_ECX &&
	       d == XMHF_CPUID_SIG_EDX;
}

/* Copies the target natively; a hypervisor still there would #GP us. */
static void snap_take(u32 when)
{
	if (hv_present()) {
		snap.result = -EBUSY;
	} else {
		memcpy(snap.buf, phys_to_virt(target.phys), target.size);
		snap.result = 0;
	}
	snap.when = when;
}

/*
 * delete_module() runs the module's exit, then the MODULE_STATE_GOING
 * notifiers: xmhf.ko has just scrubbed and freed its block, and nothing
 * else ran on this CPU since.
 */
static int xatk_module_event(struct notifier_block *nb, unsigned long state,
			   void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_GOING || strcmp(mod->name, "xmhf"))
		return NOTIFY_DONE;
	mutex_lock(&xatk_lock);
	if (snap.armed) {
		snap.armed = false;
		snap_take(XATK_SNAP_AT_EXIT);
	}
	mutex_unlock(&xatk_lock);
	return NOTIFY_DONE;
}

static struct notifier_block xatk_module_nb = {
	.notifier_call = xatk_module_event,
};

static long ioctl_set_target(struct xatk_target __user *arg)
{
	struct xatk_target t;
	unsigned long pfn;
	void *buf;

	if (copy_from_user(&t, arg, sizeof(t)))
		return -EFAULT;
	if (!t.size || t.size > XATK_TARGET_MAX || !PAGE_ALIGNED(t.phys) ||
	    !PAGE_ALIGNED(t.size) || t.phys + t.size < t.phys)
		return -EINVAL;
	for (pfn = PHYS_PFN(t.phys); pfn < PHYS_PFN(t.phys + t.size); pfn++)
		if (!pfn_valid(pfn) || !page_is_ram(pfn))
			return -EINVAL;
	/* Now, so that a snapshot later needs no allocation. */
	buf = vzalloc(t.size);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&xatk_lock);
	vfree(snap.buf);
	snap.buf = buf;
	snap.armed = false;
	snap.when = XATK_SNAP_NONE;
	snap.result = 0;
	target = t;
	mutex_unlock(&xatk_lock);
	return 0;
}

/* One access on this CPU, preemption off, the trap (if any) recorded. */
static void probe_one(struct xatk_probe *req, void *p)
{
	struct xatk_trap *t;

	req->cpu = get_cpu();
	t = this_cpu_ptr(&xatk_trap);
	t->hit = false;
	t->trapnr = 0;
	t->err = 0;
	WRITE_ONCE(t->armed, true);
	barrier();
	if (req->op == XATK_OP_READ)
		req->value = xatk_read64(p, XATK_SENTINEL);
	else
		xatk_write64(p, req->value);
	barrier();
	WRITE_ONCE(t->armed, false);
	req->faulted = t->hit;
	req->trapnr = t->trapnr;
	req->error_code = t->err;
	put_cpu();
}

static long ioctl_probe(struct xatk_probe __user *arg)
{
	struct xatk_probe req;
	struct page *page;
	void *map = NULL;
	u64 pa;
	int err = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.map > XATK_MAP_VMAP || req.op > XATK_OP_WRITE || req.offset % 8)
		return -EINVAL;
	mutex_lock(&xatk_lock);
	if (!target.size || req.offset >= target.size) {
		err = -EINVAL;
		goto out;
	}
	pa = target.phys + req.offset;
	if (req.map == XATK_MAP_VMAP) {
		page = pfn_to_page(PHYS_PFN(pa));
		map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
		if (!map) {
			err = -ENOMEM;
			goto out;
		}
		probe_one(&req, map + offset_in_page(pa));
		vunmap(map);
	} else {
		probe_one(&req, phys_to_virt(pa));
	}
out:
	mutex_unlock(&xatk_lock);
	if (err)
		return err;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long ioctl_snap(unsigned int cmd)
{
	long err = 0;

	mutex_lock(&xatk_lock);
	if (!snap.buf)
		err = -EINVAL;
	else if (cmd == XATK_IOC_SNAP_ARM)
		snap.armed = true;
	else
		snap_take(XATK_SNAP_NOW);
	mutex_unlock(&xatk_lock);
	return err;
}

static long ioctl_snap_get(struct xatk_snapshot __user *arg)
{
	struct xatk_snapshot s;
	long err = 0;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	mutex_lock(&xatk_lock);
	if (!snap.buf || s.size != target.size) {
		err = -EINVAL;
		goto out;
	}
	s.phys = target.phys;
	s.when = snap.when;
	s.result = snap.result;
	if (copy_to_user(u64_to_user_ptr(s.buf), snap.buf, target.size))
		err = -EFAULT;
out:
	mutex_unlock(&xatk_lock);
	if (err)
		return err;
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long xatk_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case XATK_IOC_SET_TARGET:
		return ioctl_set_target(uarg);
	case XATK_IOC_PROBE:
		return ioctl_probe(uarg);
	case XATK_IOC_SNAP_ARM:
	case XATK_IOC_SNAP_NOW:
		return ioctl_snap(cmd);
	case XATK_IOC_SNAP_GET:
		return ioctl_snap_get(uarg);
	}
	return -ENOTTY;
}

/* The target into the caller, for accesses from CPL 3. */
static int xatk_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 pa;

	mutex_lock(&xatk_lock);
	if (!target.size || off >= target.size || len > target.size - off) {
		mutex_unlock(&xatk_lock);
		return -EINVAL;
	}
	pa = target.phys + off;
	mutex_unlock(&xatk_lock);
	return remap_pfn_range(vma, vma->vm_start, PHYS_PFN(pa), len,
			       vma->vm_page_prot);
}

static const struct file_operations xatk_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = xatk_ioctl,
	.mmap = xatk_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice xatk_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xmhf_attack",
	.fops = &xatk_fops,
	.mode = 0600,
};

static int __init xatk_init(void)
{
	int err;

	err = register_die_notifier(&xatk_die_nb);
	if (err)
		return err;
	err = register_module_notifier(&xatk_module_nb);
	if (err)
		goto err_die;
	err = misc_register(&xatk_misc);
	if (err)
		goto err_module;
	return 0;

err_module:
	unregister_module_notifier(&xatk_module_nb);
err_die:
	unregister_die_notifier(&xatk_die_nb);
	return err;
}

static void __exit xatk_exit(void)
{
	misc_deregister(&xatk_misc);
	unregister_module_notifier(&xatk_module_nb);
	unregister_die_notifier(&xatk_die_nb);
	vfree(snap.buf);
}

module_init(xatk_init);
module_exit(xatk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xmhf-ll selftests: attacks on the hypervisor from kernel mode (test only)");
