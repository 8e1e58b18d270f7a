// SPDX-License-Identifier: GPL-2.0
/*
 * Adversarial hypercalls against a launched hypervisor (module loaded
 * with selftest=1).  Prints TAP.  From CPL 3 it executes VMMCALL itself;
 * CPL 0 calls go through the module's test ioctl with raw arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <xmhf/ioctl.h>
#include <xmhf/layout.h>

static int n, failed;

static void result(int ok, const char *desc, long got, long want)
{
	n++;
	printf("%sok %d - %s\n", ok ? "" : "not ", n, desc);
	if (!ok) {
		printf("#   got %ld, expected %ld\n", got, want);
		failed++;
	}
}

static void is(const char *desc, long got, long want)
{
	result(got == want, desc, got, want);
}

static long vmmcall(unsigned long fn, unsigned long a1, unsigned long a2,
		    unsigned long a3)
{
	long ret;

	asm volatile("vmmcall" : "=a"(ret) : "a"(fn), "D"(a1), "S"(a2), "d"(a3)
		     : "memory");
	return ret;
}

static long raw(int fd, unsigned long fn, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned int flags)
{
	struct xmhf_raw_hypercall r = {
		.fn = fn, .a1 = a1, .a2 = a2, .a3 = a3, .flags = flags,
	};

	if (ioctl(fd, XMHF_IOC_TEST_HYPERCALL, &r))
		return -1000 - errno;
	return r.ret;
}

static int write_hv(int fd, unsigned long off)
{
	struct xmhf_test_write w = { .offset = off };

	if (ioctl(fd, XMHF_IOC_TEST_WRITE_HV, &w))
		return -1000 - errno;
	return w.result;
}

/*
 * The per-CPU lines come a page at a time (RDX = first CPU): a page from
 * the last CPU of the first page starts with it, and one past the last
 * CPU is refused.
 */
static void status_pages(int fd, const struct xmhf_hv_status *all)
{
	static struct xmhf_hv_status pg;
	unsigned int last = (all->num_cpus < XMHF_STATUS_CPUS ?
			     all->num_cpus : XMHF_STATUS_CPUS) - 1;
	int rc;

	if (all->num_cpus == 0 || all->num_cpus > XMHF_MAX_CPUS) {
		for (rc = 0; rc < 3; rc++)
			is("STATUS pages: needs a good STATUS first", all->num_cpus, 1);
		return;
	}
	memset(&pg, 0, sizeof(pg));	/* present: the hypervisor faults on a hole */
	pg.first_cpu = last;
	rc = ioctl(fd, XMHF_IOC_HV_STATUS_AT, &pg) ? -errno : 0;
	is("STATUS page from CPU N: first_cpu is N", rc ? rc : (long)pg.first_cpu, last);
	is("...its first line is CPU N's", pg.cpu[0].apic_id, all->cpu[last].apic_id);
	is("CPL 0: STATUS from one past the last CPU is refused",
	   raw(fd, XMHF_HC_STATUS, (unsigned long)&pg, sizeof(pg), all->num_cpus, 0),
	   XMHF_HC_E_INVAL);
}

int main(void)
{
	static struct xmhf_hv_status st;
	struct xmhf_status ms = { .size = sizeof(ms) };
	unsigned long hv;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* what was printed survives a crash */
	printf("1..22\n");
	fd = open(XMHF_DEVICE_PATH, O_RDWR);
	if (fd < 0 || ioctl(fd, XMHF_IOC_STATUS, &ms) || ms.state != XMHF_STATE_LAUNCHED) {
		printf("Bail out! the hypervisor is not launched\n");
		return 1;
	}
	hv = ms.mem_phys;
	/* Every page of it present: a copy to a not-yet-touched page faults. */
	memset(&st, 0, sizeof(st));

	/* CPL 3: only the null call is allowed. */
	is("CPL 3: NULL hypercall returns 0", vmmcall(XMHF_HC_NULL, 0, 0, 0), 0);
	is("CPL 3: STATUS is refused", vmmcall(XMHF_HC_STATUS, (unsigned long)&st, sizeof(st), 0), XMHF_HC_E_PERM);
	is("CPL 3: LOG is refused", vmmcall(XMHF_HC_LOG, (unsigned long)&st, 64, 0), XMHF_HC_E_PERM);
	is("CPL 3: UNLOAD is refused", vmmcall(XMHF_HC_UNLOAD, 0, 0, 0), XMHF_HC_E_PERM);
	is("CPL 3: an unknown number gets NOSYS", vmmcall(0x1234567, 0, 0, 0), XMHF_HC_E_NOSYS);
	is("CPL 3: STATUS did not write the buffer", st.size, 0);

	/* CPL 0 with raw arguments. */
	is("CPL 0: an unknown number gets NOSYS", raw(fd, 0xdead, 0, 0, 0, 0), XMHF_HC_E_NOSYS);
	is("CPL 0: STATUS into a mapped user buffer works", raw(fd, XMHF_HC_STATUS, (unsigned long)&st, sizeof(st), 0, 0), 0);
	is("CPL 0: ...and filled it in", st.size, sizeof(st));
	is("CPL 0: STATUS to an unmapped pointer faults", raw(fd, XMHF_HC_STATUS, 0x1000, sizeof(st), 0, 0), XMHF_HC_E_FAULT);
	is("CPL 0: STATUS into hypervisor memory faults", raw(fd, XMHF_HC_STATUS, hv + XMHF_RT_OFFSET, sizeof(st), 0, XMHF_RAW_A1_PHYS), XMHF_HC_E_FAULT);
	is("CPL 0: STATUS with a too small size", raw(fd, XMHF_HC_STATUS, (unsigned long)&st, 8, 0, 0), XMHF_HC_E_INVAL);
	is("CPL 0: LOG with a huge length", raw(fd, XMHF_HC_LOG, (unsigned long)&st, 1ul << 40, 0, 0), XMHF_HC_E_INVAL);
	is("CPL 0: LOG into hypervisor memory faults", raw(fd, XMHF_HC_LOG, hv + 0x1000, 64, 0, XMHF_RAW_A1_PHYS), XMHF_HC_E_FAULT);
	status_pages(fd, &st);
	is("CPL 0: STATUS at a non-canonical address faults", raw(fd, XMHF_HC_STATUS, 0x8000000000000000ul, sizeof(st), 0, 0), XMHF_HC_E_FAULT);

	/* Guest writes to the hypervisor's memory never land. */
	is("self-check passes before the writes", raw(fd, XMHF_HC_SELFCHECK, 0, 0, 0, 0), 1);
	is("a write to the SL through the direct map faults", write_hv(fd, 0x40), -EFAULT);
	is("a write to the runtime's code faults", write_hv(fd, XMHF_RT_OFFSET + 0x1000), -EFAULT);
	is("self-check passes after the writes: code unchanged", raw(fd, XMHF_HC_SELFCHECK, 0, 0, 0, 0), 1);
	close(fd);
	return failed ? 1 : 0;
}
