// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory above 4 GiB (issue 17), on a launched hypervisor (module
 * loaded with selftest=1) in a guest with RAM above 4 GiB.  Prints TAP.
 * Puts a hypercall buffer on pages above 4 GiB, checks that this
 * process's top-level page table is above 4 GiB too, then has the
 * hypervisor walk those tables: a STATUS hypercall into the buffer, and
 * the decoded APIC writes (EOIs) of timer ticks that hit this process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <xmhf/ioctl.h>

#define PAGE		4096UL
#define ARENA		(64UL << 20)
#define FOUR_GIB	(1ULL << 32)

static int n, failed;

static void ok(int cond, const char *desc)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, desc);
	failed += !cond;
}

/* Physical address of a resident page, from /proc/self/pagemap; 0 if unknown. */
static uint64_t phys_of(int pm, const void *va)
{
	uint64_t e;
	off_t off = (off_t)((uintptr_t)va / PAGE * sizeof(e));

	if (pread(pm, &e, sizeof(e), off) != sizeof(e) || !(e & (1ULL << 63)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * PAGE;
}

/* npages consecutive pages of the arena that all lie above 4 GiB. */
static char *high_window(char *arena, size_t npages)
{
	size_t i, run = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);

	if (pm < 0)
		return NULL;
	for (i = 0; i < ARENA / PAGE; i++) {
		run = phys_of(pm, arena + i * PAGE) >= FOUR_GIB ? run + 1 : 0;
		if (run == npages) {
			close(pm);
			return arena + (i + 1 - npages) * PAGE;
		}
	}
	close(pm);
	return NULL;
}

static long status_hypercall(int fd, void *buf, size_t size)
{
	struct xmhf_raw_hypercall r = {
		.fn = XMHF_HC_STATUS, .a1 = (uintptr_t)buf, .a2 = size,
	};

	if (ioctl(fd, XMHF_IOC_TEST_HYPERCALL, &r))
		return -1000 - errno;
	return r.ret;
}

static uint64_t apic_exits(int fd)
{
	static struct xmhf_hv_status st;

	if (ioctl(fd, XMHF_IOC_HV_STATUS, &st))
		return 0;
	return st.exits[XMHF_EXIT_APIC];
}

/* Spins on one CPU so that its timer ticks (and their EOIs) find this process. */
static void spin(double seconds)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < seconds);
}

int main(void)
{
	size_t size = sizeof(struct xmhf_hv_status);
	size_t npages = (size + PAGE - 1) / PAGE;
	struct xmhf_hv_status *st;
	uint64_t pgd = 0, before, after;
	cpu_set_t one;
	char *arena;
	int fd;

	printf("1..6\n");
	fd = open(XMHF_DEVICE_PATH, O_RDWR);
	arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
	if (fd < 0 || arena == MAP_FAILED) {
		printf("Bail out! /dev/xmhf or 64 MiB of locked memory: %s\n", strerror(errno));
		return 1;
	}
	ok(!ioctl(fd, XMHF_IOC_TEST_PGD, &pgd) && pgd >= FOUR_GIB,
	   "this process's top-level page table is above 4 GiB");
	printf("#   page table at %#llx\n", (unsigned long long)pgd);
	st = (struct xmhf_hv_status *)high_window(arena, npages);
	ok(st != NULL, "the hypercall buffer's pages are all above 4 GiB");
	if (!st)
		st = (struct xmhf_hv_status *)arena;
	memset(st, 0, npages * PAGE);
	ok(status_hypercall(fd, st, size) == 0, "a STATUS hypercall into that buffer succeeds");
	ok(st->size == size, "and the hypervisor filled the buffer in");

	/* Ticks on this CPU end in an EOI, decoded through our page tables. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	before = apic_exits(fd);
	spin(1.0);
	after = apic_exits(fd);
	printf("#   APIC-write exits %llu -> %llu\n", (unsigned long long)before,
	       (unsigned long long)after);
	ok(before && after > before, "APIC writes are decoded while this process runs");
	ok(status_hypercall(fd, st, size) == 0, "the hypervisor still answers afterwards");
	return failed != 0;
}
