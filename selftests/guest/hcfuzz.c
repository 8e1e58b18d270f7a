// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall fuzzer (issue 12, "Tests"): random hypercall numbers and
 * arguments from CPL 0 (the module's selftest=1 raw-hypercall ioctl) and
 * from CPL 3 (VMMCALL executed here), on every CPU, then checks that the
 * hypervisor is intact.  Prints TAP.
 *
 *   hcfuzz run [-s SEED] [-n CALLS]  fuzz the launched hypervisor
 *   hcfuzz prove                     show that the after-checks can fail
 *                                    (needs the probe blob, xmhf-probe.bin)
 *   hcfuzz native                    no hypervisor: every VMMCALL must trap,
 *                                    and the fuzzer must notice
 *
 * What "run" does not send, and why:
 * - UNLOAD (3) from CPL 0: it ends the hypervisor (that is its job); the
 *   module's test ioctl refuses it anyway.  Each one drawn for CPL 0 is
 *   sent from CPL 3 instead, where it must be refused with PERM.
 * - QUIESCE_TEST (6) from CPL 0 on a page of guest RAM: by design it
 *   changes the guest's nested page table (read-only breaks the guest's
 *   own writes there; writable splits a large page, costing heap pages
 *   for good, which the heap check would then rightly report).  It is sent
 *   only with arguments the hypervisor must refuse (its own memory,
 *   unaligned, flag > 1, no RAM, the LAPIC), and must refuse them.
 * - CPL 0 pointers into writable Linux memory other than our own buffers:
 *   a CPL 0 caller may have the hypervisor write its own kernel memory;
 *   that is no escape, and it would corrupt the machine under test.  A
 *   fully random CPL 0 pointer that lands in the canonical kernel half
 *   gets bit 63 cleared (it stays random, and becomes non-canonical or a
 *   user address).  Kernel pointers are kernel text (read-only: writes
 *   must be refused) and Linux's direct map of the hypervisor's memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <xmhf/ioctl.h>
#include <xmhf/probe.h>

#define ARENA_SIZE	(64 * 1024)
#define MAX_CPUS	64
#define MAX_REPORTS	8	/* violations printed per CPU */
#define DEFAULT_SEED	0x5eed12
#define DEFAULT_CALLS	100000
#define DEADLINE_S	600	/* for the workers; 10^5 calls take ~40 s */
#define RO_FILL		0xa5
#define HELLO_LEN	25	/* strlen("hello from the hypervisor") */

static int n, failed;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed += !cond;
}

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t lim)
{
	return rnd(s) % lim;
}

static long vmmcall(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	long ret;

	asm volatile("vmmcall" : "=a"(ret) : "a"(fn), "D"(a1), "S"(a2), "d"(a3)
		     : "memory");
	return ret;
}

static int xfd = -1;

/* A CPL 0 hypercall; -1000 - errno when the ioctl itself fails. */
static long raw(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, unsigned int flags)
{
	struct xmhf_raw_hypercall r = {
		.fn = fn, .a1 = a1, .a2 = a2, .a3 = a3, .flags = flags,
	};

	if (ioctl(xfd, XMHF_IOC_TEST_HYPERCALL, &r))
		return -1000 - errno;
	return r.ret;
}

/* What must not change across the fuzzing. */
struct snapshot {
	long selfcheck;		/* 1: the runtime's code hashes as at launch */
	uint64_t heap_free;	/* STATUS: free heap pages in every block */
	uint64_t mem_phys, mem_size, num_cpus;
	/* The first block and the extra heap blocks: anywhere in RAM, not contiguous. */
	uint64_t blocks[1 + XMHF_MAX_BLOCKS];
	unsigned int nblocks;
};

/*
 * The blob has the test hypercalls (QUIESCE_TEST, LAYOUT) only when it is
 * a test build (xmhf-test.bin, xmhf-probe.bin); the production blob must
 * answer them as unknown (NOSYS) from either CPL.
 */
static int test_hc;

static int take_snapshot(struct snapshot *s)
{
	static struct xmhf_hv_status hv;
	static struct xmhf_hv_layout lo;
	struct xmhf_status ms = { .size = sizeof(ms) };

	memset(s, 0, sizeof(*s));
	if (ioctl(xfd, XMHF_IOC_STATUS, &ms) || ms.state != XMHF_STATE_LAUNCHED)
		return -1;
	s->mem_phys = ms.mem_phys;
	s->mem_size = ms.mem_size;
	s->blocks[s->nblocks++] = ms.mem_phys;
	for (unsigned int i = 0; i < ms.num_blocks && i < XMHF_MAX_BLOCKS; i++)
		s->blocks[s->nblocks++] = ms.blocks_phys[i];
	s->selfcheck = ioctl(xfd, XMHF_IOC_SELFCHECK);
	if (s->selfcheck < 0)
		return -1;
	/*
	 * STATUS's free heap pages, over every block.  The heap is a bump
	 * allocator, never freed, so any allocation shows for good.
	 */
	memset(&hv, 0, sizeof(hv));
	if (ioctl(xfd, XMHF_IOC_HV_STATUS, &hv) ||
	    hv.size < offsetof(struct xmhf_hv_status, heap_free_pages) + sizeof(hv.heap_free_pages))
		return -1;
	s->heap_free = hv.heap_free_pages;
	s->num_cpus = hv.num_cpus;
	memset(&lo, 0, sizeof(lo));
	test_hc = ioctl(xfd, XMHF_IOC_HV_LAYOUT, &lo) == 0;
	return 0;
}

/* The after-checks; returns how many failed (each one printed). */
static int compare(const char *what, const struct snapshot *a, const struct snapshot *b,
		   int quiet)
{
	int bad = 0;

	if (!quiet) {
		ok(b->selfcheck == 1 && a->selfcheck == b->selfcheck,
		   "%s: SELFCHECK unchanged (%ld, was %ld)", what, b->selfcheck, a->selfcheck);
		ok(a->heap_free == b->heap_free,
		   "%s: heap free pages unchanged (%" PRIu64 ", was %" PRIu64 ")", what,
		   b->heap_free, a->heap_free);
	}
	bad += !(b->selfcheck == 1 && a->selfcheck == b->selfcheck);
	bad += a->heap_free != b->heap_free;
	return bad;
}

/* ---------------------------------------------------------------- targets */

enum ptr_class {
	P_BUF,		/* our own writable buffer: may succeed */
	P_BUF_END,	/* the last bytes of it, then a PROT_NONE page */
	P_RO,		/* our read-only page */
	P_GUARD,	/* the PROT_NONE page */
	P_UNMAPPED,	/* a user range we unmapped */
	P_NULL,		/* 0 .. 0xfff */
	P_NONCANON,
	P_KTEXT,	/* kernel text: mapped, supervisor, read-only */
	P_HV,		/* CPL 0: the direct map of the hypervisor's memory */
	P_RANDOM,	/* 64 random bits (see the header for CPL 0) */
	P_CLASSES
};

static const char *const class_names[P_CLASSES] = {
	"buf", "buf-end", "ro", "guard", "unmapped", "null", "noncanonical",
	"ktext", "hv", "random",
};

static uint8_t *arena, *ro_page, *guard, *unmapped;
static uint64_t ktext_lo, ktext_hi;
static struct snapshot before;

static void kernel_text(void)
{
	char line[256], name[128], t;
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && fgets(line, sizeof(line), f) && !(ktext_lo && ktext_hi)) {
		if (sscanf(line, "%llx %c %127s", &a, &t, name) != 3 || !a)
			continue;
		if (!strcmp(name, "_stext"))
			ktext_lo = a;
		else if (!strcmp(name, "_etext"))
			ktext_hi = a;
	}
	if (f)
		fclose(f);
	if (!ktext_lo || ktext_hi <= ktext_lo) {	/* kptr_restrict: the non-KASLR base */
		ktext_lo = 0xffffffff81000000ull;
		ktext_hi = ktext_lo + (1 << 20);
	}
}

static int setup_targets(void)
{
	uint8_t *m = mmap(NULL, ARENA_SIZE + 3 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	arena = m;
	memset(arena, 0, ARENA_SIZE);	/* present: the hypervisor does not page in */
	guard = m + ARENA_SIZE;
	ro_page = guard + 4096;
	unmapped = ro_page + 4096;
	memset(ro_page, RO_FILL, 4096);
	if (mprotect(guard, 4096, PROT_NONE) || mprotect(ro_page, 4096, PROT_READ) ||
	    munmap(unmapped, 4096))
		return -1;
	kernel_text();
	return 0;
}

/* A physical address inside one of the hypervisor's 4 MiB blocks. */
static uint64_t hv_addr(uint64_t *s)
{
	return before.blocks[below(s, before.nblocks)] + below(s, XMHF_MEM_SIZE);
}

static uint64_t pick_ptr(uint64_t *s, int cpl0, enum ptr_class c, unsigned int *flags)
{
	uint64_t v;

	*flags = 0;
	switch (c) {
	case P_BUF:
		return (uint64_t)arena + below(s, ARENA_SIZE / 2);
	case P_BUF_END:
		return (uint64_t)arena + ARENA_SIZE - 1 - below(s, 256);
	case P_RO:
		return (uint64_t)ro_page + below(s, 4096);
	case P_GUARD:
		return (uint64_t)guard + below(s, 4096);
	case P_UNMAPPED:
		return (uint64_t)unmapped + below(s, 4096);
	case P_NULL:
		return below(s, 4096);
	case P_NONCANON:
		/* Bits 56..62 mixed: non-canonical with 4- and 5-level paging. */
		return (rnd(s) & 0x00ffffffffffffffull) ^ (0x0100000000000000ull << below(s, 7)) ^
		       (below(s, 2) << 63);
	case P_KTEXT:
		return ktext_lo + below(s, ktext_hi - ktext_lo);
	case P_HV:
		if (cpl0) {
			*flags = XMHF_RAW_A1_PHYS;
			return hv_addr(s);
		}
		return ktext_lo + below(s, ktext_hi - ktext_lo);
	default:
		v = rnd(s);
		if (cpl0 && (v >> 47) == 0x1ffff)
			v &= ~(1ull << 63);
		if (cpl0 && (v >> 56) == 0xff)		/* 5-level canonical kernel half */
			v &= ~(1ull << 63);
		return v;
	}
}

static uint64_t pick_size(uint64_t *s)
{
	static const uint64_t sizes[] = {
		0, 1, 7, 8, 64, 4095, 4096, 4097, sizeof(struct xmhf_hv_status) - 1,
		sizeof(struct xmhf_hv_status), sizeof(struct xmhf_hv_layout) - 1,
		sizeof(struct xmhf_hv_layout), sizeof(struct xmhf_eventlog) - 1,
		sizeof(struct xmhf_eventlog), 1 << 20, (1 << 20) + 1, 1ull << 32,
		1ull << 40, ~0ull, 0x8000000000000000ull,
	};
	uint64_t k = below(s, 24);

	if (k < sizeof(sizes) / sizeof(sizes[0]))
		return sizes[k];
	return k & 1 ? rnd(s) : below(s, 1 << 16);
}

static uint64_t pick_fn(uint64_t *s)
{
	uint64_t k = below(s, 100);

	if (k < 45)
		return below(s, 8);				/* the core's calls */
	if (k < 55)
		return 8 + below(s, 0x40);			/* just above them */
	if (k < 70)
		return 0x1000 + below(s, 0x1000);		/* the hypapps' ranges */
	if (k < 75)
		return 0xf00 + below(s, 0x100);			/* just below them */
	if (k < 85)
		return (uint32_t)rnd(s);
	if (k < 92)
		return rnd(s);
	switch (below(s, 6)) {					/* edges */
	case 0:
		return 0xffffffffull - below(s, 4);
	case 1:
		return 0x100000000ull + below(s, 8);		/* a core number + 2^32 */
	case 2:
		return ~0ull - below(s, 8);
	case 3:
		return 0x8000000000000000ull + below(s, 8);
	case 4:
		return 0x100001000ull + below(s, 4);		/* a hypapp's + 2^32 */
	default:
		return 0x80000000ull + below(s, 8);
	}
}

/* ---------------------------------------------------------------- one CPU */

struct cpu_result {
	uint64_t calls, cpl0, cpl3, excluded, signals, violations;
	uint64_t ok_ret, err_ret;
	int done;
};

static sigjmp_buf trap_env;
static volatile sig_atomic_t trapped_sig;

static void on_trap(int sig)
{
	trapped_sig = sig;
	siglongjmp(trap_env, 1);
}

static void catch_traps(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_trap;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
}

static int writes_guest(uint64_t fn)
{
	return fn == XMHF_HC_STATUS || fn == XMHF_HC_LOG || fn == XMHF_HC_EVENTLOG ||
	       fn == XMHF_HC_LAYOUT;
}

/* A pointer class where no write may land, whatever the CPL. */
static int never_writable(enum ptr_class c)
{
	return c == P_RO || c == P_GUARD || c == P_UNMAPPED || c == P_NULL ||
	       c == P_NONCANON || c == P_KTEXT || c == P_HV;
}

/*
 * Is ret allowed for this call?  Strict where the answer is known, and in
 * any case never a success that wrote somewhere it must not.
 */
static int allowed(int cpl0, uint64_t fn, enum ptr_class c, uint64_t size, long ret)
{
	if (ret == XMHF_HC_E_TPM || ret <= -1000)
		return 0;		/* only UNLOAD may say TPM; never an ioctl error */
	if (!test_hc && (fn == XMHF_HC_QUIESCE_TEST || fn == XMHF_HC_LAYOUT ||
			 fn == XMHF_HC_NMI_HOLD_TEST))
		return ret == XMHF_HC_E_NOSYS;
	if (test_hc && fn == XMHF_HC_NMI_HOLD_TEST)	/* random RSI: never the magic */
		return ret == (cpl0 ? XMHF_HC_E_INVAL : XMHF_HC_E_PERM);
	if (!cpl0) {
		if (fn == XMHF_HC_NULL)
			return ret == 0;
		if (fn <= XMHF_HC_LAYOUT)
			return ret == XMHF_HC_E_PERM;
	} else {
		switch (fn) {
		case XMHF_HC_NULL:
			return ret == 0;
		case XMHF_HC_SELFCHECK:
			return ret == 1;
		case XMHF_HC_QUIESCE_TEST:
			return ret < 0;	/* only refused arguments are sent */
		}
		if (writes_guest(fn)) {
			/* LOG copies nothing (returns 0) for size 0 or pos >= head. */
			if (never_writable(c))
				return ret == XMHF_HC_E_FAULT || ret == XMHF_HC_E_INVAL ||
				       (fn == XMHF_HC_LOG && ret == 0);
			return ret >= 0 || ret == XMHF_HC_E_FAULT || ret == XMHF_HC_E_INVAL;
		}
	}
	if (fn < XMHF_HC_HYPAPP_BASE || fn > 0xffffffffull)
		return ret == XMHF_HC_E_NOSYS;
	/*
	 * A hypapp's range: hello (base + 1) writes its greeting, returning
	 * its length; the rest is up to the hypapps built in.  Where no
	 * write may land, a length is wrong.
	 */
	if (fn == XMHF_HC_HYPAPP_BASE + 1 && never_writable(c) && size >= HELLO_LEN + 1)
		return ret != HELLO_LEN;
	return 1;
}

/* One call; 1 if it raised a signal (a fault the hypervisor injected). */
static __attribute__((noinline)) int trapped_call(int cpl0, uint64_t fn, uint64_t a1,
						  uint64_t a2, uint64_t a3,
						  unsigned int flags, long *ret)
{
	if (sigsetjmp(trap_env, 1))
		return 1;
	*ret = cpl0 ? raw(fn, a1, a2, a3, flags) : vmmcall(fn, a1, a2, a3);
	return 0;
}

static void fuzz_cpu(int cpu, uint64_t seed, uint64_t calls, struct cpu_result *r)
{
	uint64_t s = seed ^ (0x100000001b3ull * (uint64_t)(cpu + 1)), i;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		printf("# cpu %d: sched_setaffinity: %s\n", cpu, strerror(errno));
		r->violations++;
		return;
	}
	catch_traps();
	for (i = 0; i < calls; i++) {
		int cpl0 = below(&s, 2);
		uint64_t fn = pick_fn(&s), a1, a2, a3;
		enum ptr_class c = (enum ptr_class)below(&s, P_CLASSES);
		unsigned int flags;
		long ret;

		a1 = pick_ptr(&s, cpl0, c, &flags);
		a2 = pick_size(&s);
		a3 = below(&s, 4) ? below(&s, 4) ? below(&s, 64) : rnd(&s) : before.num_cpus;
		if (cpl0 && fn == XMHF_HC_UNLOAD) {
			r->excluded++;	/* sent from CPL 3 instead: must be refused there */
			cpl0 = 0;
		}
		if (cpl0 && fn == XMHF_HC_QUIESCE_TEST) {
			/* Only arguments it must refuse (see the header). */
			flags = 0;
			switch (below(&s, 5)) {
			case 0:
				a1 = hv_addr(&s) & ~0xfffull;
				a2 = below(&s, 2);
				break;
			case 1:
				a1 = (a1 & ~0xfffull) | (1 + below(&s, 0xfff));
				break;
			case 2:
				a1 &= ~0xfffull;
				a2 = 2 + below(&s, 1000);
				break;
			case 3:
				a1 = (1ull << 40) + (below(&s, 1ull << 30) << 12);	/* no RAM */
				a2 = below(&s, 2);
				break;
			default:
				a1 = 0xfee00000;	/* the LAPIC */
				a2 = below(&s, 2);
			}
		}
		if (trapped_call(cpl0, fn, a1, a2, a3, flags, &ret)) {
			r->signals++;
			if (r->violations++ < MAX_REPORTS)
				printf("# cpu %d call %" PRIu64 ": signal %d at CPL %d fn 0x%" PRIx64
				       " a1 0x%" PRIx64 " a2 0x%" PRIx64 " a3 0x%" PRIx64 "\n",
				       cpu, i, (int)trapped_sig, cpl0 ? 0 : 3, fn, a1, a2, a3);
			continue;
		}
		if (cpl0)
			r->cpl0++;
		else
			r->cpl3++;
		r->calls++;
		if (ret >= 0)
			r->ok_ret++;
		else
			r->err_ret++;
		if (!allowed(cpl0, fn, c, a2, ret) && r->violations++ < MAX_REPORTS)
			printf("# cpu %d call %" PRIu64 ": CPL %d fn 0x%" PRIx64 " a1 0x%" PRIx64
			       " (%s%s) a2 0x%" PRIx64 " a3 0x%" PRIx64 " returned %ld\n",
			       cpu, i, cpl0 ? 0 : 3, fn, a1, class_names[c],
			       flags ? ", phys" : "", a2, a3, ret);
	}
	r->done = 1;
}

static int online_cpus(int *cpus)
{
	cpu_set_t set;
	int i, k = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (i = 0; i < CPU_SETSIZE && k < MAX_CPUS; i++)
		if (CPU_ISSET(i, &set))
			cpus[k++] = i;
	return k;
}

static int open_dev(void)
{
	xfd = open(XMHF_DEVICE_PATH, O_RDWR);
	return xfd;
}

static int cmd_run(uint64_t seed, uint64_t total)
{
	struct cpu_result *res;
	struct snapshot after;
	int cpus[MAX_CPUS], ncpu, i, ro_intact = 1, left, waited;
	struct timespec t0, t1;
	uint64_t calls = 0, excl = 0, okr = 0, errr = 0;

	ncpu = online_cpus(cpus);
	printf("1..%d\n", ncpu + 7);
	printf("# seed 0x%" PRIx64 " (rerun: hcfuzz run -s 0x%" PRIx64 " -n %" PRIu64 ")\n",
	       seed, seed, total);
	if (ncpu < 1 || open_dev() < 0 || take_snapshot(&before) || setup_targets()) {
		printf("Bail out! not launched with selftest=1, or no memory\n");
		return 1;
	}
	ok(before.selfcheck == 1 && before.heap_free > 0,
	   "before: SELFCHECK %ld, %" PRIu64 " heap pages free, hypervisor at 0x%" PRIx64
	   ", kernel text 0x%" PRIx64 "..0x%" PRIx64, before.selfcheck, before.heap_free,
	   before.mem_phys, ktext_lo, ktext_hi);
	res = mmap(NULL, sizeof(*res) * MAX_CPUS, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		printf("Bail out! mmap\n");
		return 1;
	}
	memset(res, 0, sizeof(*res) * MAX_CPUS);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < ncpu; i++) {
		uint64_t share = total / ncpu + ((uint64_t)i < total % ncpu);
		pid_t p = fork();

		if (p == 0) {
			fuzz_cpu(cpus[i], seed, share, &res[i]);
			fflush(stdout);
			_exit(0);
		}
		if (p < 0)
			printf("# fork: %s\n", strerror(errno));
	}
	/*
	 * A CPU the hypervisor halted never returns from its call: report
	 * what finished instead of waiting for ever.
	 */
	for (left = ncpu, waited = 0; left > 0 && waited < DEADLINE_S * 10; waited++) {
		while (left > 0 && waitpid(-1, NULL, WNOHANG) > 0)
			left--;
		if (left > 0)
			usleep(100000);
	}
	if (left)
		printf("# %d workers still running after %d s\n", left, DEADLINE_S);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < ncpu; i++) {
		struct cpu_result *r = &res[i];

		ok(r->done && !r->violations,
		   "CPU %d: %" PRIu64 " calls (CPL 0 %" PRIu64 ", CPL 3 %" PRIu64 ", %" PRIu64
		   " succeeded, %" PRIu64 " refused), every answer allowed, no signal",
		   cpus[i], r->calls, r->cpl0, r->cpl3, r->ok_ret, r->err_ret);
		if (r->violations)
			printf("#   %" PRIu64 " violations, %" PRIu64 " of them signals\n",
			       r->violations, r->signals);
		calls += r->calls;
		excl += r->excluded;
		okr += r->ok_ret;
		errr += r->err_ret;
	}
	printf("# %" PRIu64 " hypercalls in %.1f s on %d CPUs; %" PRIu64
	       " UNLOADs drawn for CPL 0 sent from CPL 3\n", calls,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, ncpu, excl);
	ok(calls == total && okr > total / 20 && errr > total / 4,
	   "%" PRIu64 " calls made as planned, both successes and refusals among them",
	   calls);
	for (i = 0; i < 4096; i++)
		ro_intact &= ro_page[i] == RO_FILL;
	ok(ro_intact, "our read-only page was never written");
	if (take_snapshot(&after)) {
		printf("Bail out! the hypervisor is gone after the fuzzing\n");
		return 1;
	}
	compare("after", &before, &after, 0);
	ok(after.mem_phys == before.mem_phys && after.num_cpus == before.num_cpus,
	   "the hypervisor's place and CPU count are unchanged");
	ok(raw(XMHF_HC_NULL, 0, 0, 0, 0) == 0 && vmmcall(XMHF_HC_NULL, 0, 0, 0) == 0,
	   "a NULL hypercall still answers 0 from CPL 0 and 3");
	return failed ? 1 : 0;
}

/* ---------------------------------------------------------------- prove */

/* Guest-physical address of a page of ours (root reads the PFN). */
static uint64_t user_phys(const void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)p / 4096 * 8)) != 8)
		e = 0;
	close(fd);
	return (e & (1ull << 63)) ? (e & ((1ull << 55) - 1)) << 12 : 0;
}

/*
 * The after-checks must be able to fail: on the probe blob, flip a byte
 * of the hypervisor's rodata (the probe's FLIP hypercall) and have a
 * QUIESCE_TEST split a large page of our own memory (a heap page), and
 * see compare() report each change.
 */
static int cmd_prove(void)
{
	struct snapshot s0, s1;
	uint64_t base = 0, i;
	uint8_t *m;
	long r;

	printf("1..5\n");
	if (open_dev() < 0 || take_snapshot(&s0)) {
		printf("Bail out! not launched with selftest=1\n");
		return 1;
	}
	for (i = 0; i < 8 && !base; i++)
		if (vmmcall(XMHF_HC_HYPAPP_BASE + 0x100 * i + XMHF_PROBE_HC_IDENTIFY, 0, 0, 0) ==
		    XMHF_PROBE_MAGIC)
			base = XMHF_HC_HYPAPP_BASE + 0x100 * i;
	if (!base) {
		printf("Bail out! no probe hypapp: launch with blob=xmhf/xmhf-probe.bin\n");
		return 1;
	}
	ok(s0.selfcheck == 1 && compare("", &s0, &s0, 1) == 0,
	   "the checks pass on an untouched hypervisor");

	r = vmmcall(base + XMHF_PROBE_HC_FLIP, 0, 0, 0);
	if (take_snapshot(&s1))
		s1.selfcheck = -1;
	ok(r == (XMHF_PROBE_FLIP_BYTE ^ 0xff) && s1.selfcheck == 0 &&
	   compare("", &s0, &s1, 1) == 1,
	   "a flipped rodata byte: the SELFCHECK check fails (SELFCHECK %ld)", s1.selfcheck);
	r = vmmcall(base + XMHF_PROBE_HC_FLIP, 0, 0, 0);
	ok(r == XMHF_PROBE_FLIP_BYTE && ioctl(xfd, XMHF_IOC_SELFCHECK) == 1,
	   "flipped back: SELFCHECK 1 again");

	/* 16 MiB of our own: a 2 MiB step lands in a large page not yet split. */
	m = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	r = -1;
	for (i = 0; m != MAP_FAILED && i < 8; i++) {
		uint64_t pa;

		m[i << 21] = 1;
		pa = user_phys(m + (i << 21));
		if (!pa)
			break;
		r = raw(XMHF_HC_QUIESCE_TEST, pa, 0, 0, 0);
		if (take_snapshot(&s1) == 0 && s1.heap_free != s0.heap_free)
			break;
	}
	ok(r >= 0 && s1.heap_free < s0.heap_free, "QUIESCE_TEST (writable) on our page: it ran");
	ok(compare("", &s0, &s1, 1) == 1,
	   "...and the heap check fails (%" PRIu64 " heap pages free, was %" PRIu64 ")",
	   s1.heap_free, s0.heap_free);
	return failed ? 1 : 0;
}

/* ---------------------------------------------------------------- native */

/* No hypervisor: VMMCALL is #UD, and the fuzzer's trap counter sees it. */
static int cmd_native(void)
{
	static int traps;
	uint64_t s = DEFAULT_SEED;
	int i;

	printf("1..1\n");
	catch_traps();
	for (i = 0; i < 100; i++) {
		if (sigsetjmp(trap_env, 1)) {
			traps += trapped_sig == SIGILL;
			continue;
		}
		vmmcall(pick_fn(&s), rnd(&s), rnd(&s), rnd(&s));
	}
	ok(traps == 100, "natively, %d of 100 CPL 3 VMMCALLs raised SIGILL and were counted",
	   traps);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = DEFAULT_SEED, calls = DEFAULT_CALLS;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: hcfuzz run [-s SEED] [-n CALLS] | prove | native\n");
		return 2;
	}
	optind = 2;
	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			calls = strtoull(optarg, NULL, 0);
			break;
		default:
			return 2;
		}
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(seed, calls);
	if (!strcmp(argv[1], "prove"))
		return cmd_prove();
	if (!strcmp(argv[1], "native"))
		return cmd_native();
	fprintf(stderr, "hcfuzz: unknown command '%s'\n", argv[1]);
	return 2;
}
