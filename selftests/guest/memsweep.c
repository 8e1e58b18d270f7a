// SPDX-License-Identifier: GPL-2.0
/*
 * memsweep: the hypervisor's memory, region by region, from every CPU;
 * and what is left of it after an unload.  Prints TAP (its own plan per
 * run); 62-memsweep.t drives it.  Needs xmhf_attack.ko loaded.
 *
 *   memsweep regions FILE       launched: check the hypervisor's layout
 *                               report, write one probe address per region
 *   memsweep sweep fault FILE   launched: on every online CPU, a load and a
 *                               store at each address in FILE from CPL 0
 *                               (direct map, vmap) and CPL 3 (an mmap of the
 *                               block) all trap with #GP(0)
 *   memsweep sweep access FILE  loaded, not launched: the same accesses all
 *                               go through (the attack is real)
 *   memsweep scrub-native       loaded, not launched: a snapshot of the
 *                               block shows the blob's images (the scrub
 *                               check sees hypervisor content where it is)
 *   memsweep scrub-arm          launched: xmhf_attack records the block and
 *                               snapshots it when xmhf.ko's exit has run
 *   memsweep scrub-check        after rmmod xmhf: that snapshot is all zero
 *   memsweep scrub-unload       launched: XMHF_IOC_UNLOAD, a snapshot at
 *                               once, and the same checks
 *   memsweep blocks fault|access  the extra heap blocks (extra_blocks=N):
 *                               launched every access traps, loaded only
 *                               every access goes through
 *
 * The scrub commands compare with the blob in $XMHF_BLOB, by default
 * /lib/firmware/xmhf/xmhf.bin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <xmhf/blob.h>
#include <xmhf/ioctl.h>
#include <xmhf/layout.h>
#include <xmhf/slparams.h>
#include "../kmod/xmhf_attack/xmhf_attack.h"

#define PAGE		4096ul
#define PATTERN		0x5a5a5a5a5a5a5a5aull
#define X86_TRAP_GP	13
#define MAX_REGIONS	(16 + 5 * XMHF_MAX_CPUS)

static int n, failed;
/* Diagnostics wait for the result they explain, as TAP readers expect. */
static char notes[8192];
static size_t notes_len;
static int notes_dropped;

static void diag(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (notes_len + strlen(line) + 6 >= sizeof(notes)) {
		notes_dropped++;
		return;
	}
	notes_len += sprintf(notes + notes_len, "#   %s\n", line);
}

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n%s", notes);
	if (notes_dropped)
		printf("#   (%d more lines)\n", notes_dropped);
	notes[0] = '\0';
	notes_len = 0;
	notes_dropped = 0;
	failed += !cond;
}

/* The rest of a plan that cannot run, so the count stays honest. */
static int fail_rest(int planned, const char *why)
{
	while (n < planned)
		ok(0, "%s", why);
	return 1;
}

static int xmhf_fd(void)
{
	return open(XMHF_DEVICE_PATH, O_RDWR);
}

static int xmhf_status(int fd, struct xmhf_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, XMHF_IOC_STATUS, st);
}

/* ---------------------------------------------------------------- regions */

struct region {
	char name[24];
	uint64_t off;
};

static uint64_t mid(uint64_t a, uint64_t b)
{
	return a + (((b - a) / 2) & ~7ull);
}

static int add(struct region *r, int nr, const char *name, uint64_t off)
{
	if (nr >= MAX_REGIONS)
		return nr;
	snprintf(r[nr].name, sizeof(r[nr].name), "%s", name);
	r[nr].off = off;
	return nr + 1;
}

static int in(uint64_t off, uint64_t lo, uint64_t hi)
{
	return off >= lo && off < hi;
}

/* The report against layout.h, the blob's sizes and itself. */
static int check_layout(const struct xmhf_hv_layout *lo, const struct xmhf_status *st)
{
	int bad = 0;
	unsigned int i;

#define EXPECT(cond) do { if (!(cond)) { diag("layout: %s does not hold", #cond); bad++; } } while (0)
	EXPECT(lo->size == sizeof(*lo));
	EXPECT(lo->num_cpus >= 1 && lo->num_cpus <= XMHF_MAX_CPUS);
	EXPECT(st->sl_size <= XMHF_SL_MAX_SIZE - XMHF_SL_STACK_SIZE);
	EXPECT(lo->rt_code_end > XMHF_RT_OFFSET);
	EXPECT(lo->rt_code_end <= lo->rt_image_end);
	EXPECT(lo->rt_image_end <= lo->rt_mem_end);
	EXPECT(lo->rt_mem_end - XMHF_RT_OFFSET == st->rt_mem_size);
	EXPECT(lo->rt_mem_end <= lo->heap_next);
	EXPECT(lo->heap_next < lo->heap_end);
	EXPECT(lo->heap_end == XMHF_MEM_SIZE);
	EXPECT(in(lo->npt_root, lo->rt_mem_end, lo->heap_next) && !(lo->npt_root % PAGE));
	EXPECT(in(lo->msrpm, lo->rt_mem_end, lo->heap_next) && !(lo->msrpm % PAGE));
	EXPECT(in(lo->iopm, lo->rt_mem_end, lo->heap_next) && !(lo->iopm % PAGE));
	EXPECT(in(lo->log_ring, lo->rt_image_end, lo->rt_mem_end));
	for (i = 0; i < lo->num_cpus && i < XMHF_MAX_CPUS; i++) {
		const struct xmhf_layout_cpu *c = &lo->cpu[i];
		/* The boot CPU's host tables and stack are in bss, the APs' on the heap. */
		uint64_t lo_host = i ? lo->rt_mem_end : lo->rt_image_end;
		uint64_t hi_host = i ? lo->heap_next : lo->rt_mem_end;

		EXPECT(in(c->vmcb, lo->rt_mem_end, lo->heap_next) && !(c->vmcb % PAGE));
		EXPECT(in(c->hsave, lo->rt_mem_end, lo->heap_next) && !(c->hsave % PAGE));
		EXPECT(in(c->host_save, lo->rt_mem_end, lo->heap_next) && !(c->host_save % PAGE));
		EXPECT(in(c->gdt, lo_host, hi_host));
		EXPECT(in(c->stack, lo_host, hi_host) && c->stack + 4 * PAGE <= hi_host);
	}
#undef EXPECT
	return bad;
}

static int layout_regions(const struct xmhf_hv_layout *lo, struct region *r)
{
	char name[24];
	unsigned int i;
	int nr = 0;

	nr = add(r, nr, "sl", XMHF_SL_OFFSET);	/* the block's first qword */
	nr = add(r, nr, "sl-stack", XMHF_SL_MAX_SIZE - 8);
	nr = add(r, nr, "sl-params", XMHF_SLPB_OFFSET);
	nr = add(r, nr, "early", XMHF_EARLY_OFFSET);
	nr = add(r, nr, "rt-code", mid(XMHF_RT_OFFSET, lo->rt_code_end));
	if (lo->rt_image_end > lo->rt_code_end)
		nr = add(r, nr, "rt-data", mid(lo->rt_code_end, lo->rt_image_end));
	nr = add(r, nr, "rt-bss", mid(lo->rt_image_end, lo->rt_mem_end));
	nr = add(r, nr, "log-ring", lo->log_ring & ~7ull);
	nr = add(r, nr, "npt-root", lo->npt_root);
	nr = add(r, nr, "msrpm", lo->msrpm);
	nr = add(r, nr, "iopm", lo->iopm);
	if (lo->heap_end - PAGE > lo->heap_next)
		nr = add(r, nr, "heap-free", mid(lo->heap_next, lo->heap_end - PAGE));
	nr = add(r, nr, "last", XMHF_MEM_SIZE - 8);	/* the block's last qword */
	for (i = 0; i < lo->num_cpus && i < XMHF_MAX_CPUS; i++) {
		const struct xmhf_layout_cpu *c = &lo->cpu[i];

		/* Live fields: the guest's RIP, the host's FS, a code descriptor. */
		snprintf(name, sizeof(name), "cpu%u-vmcb", i);
		nr = add(r, nr, name, c->vmcb + 0x578);
		snprintf(name, sizeof(name), "cpu%u-hsave", i);
		nr = add(r, nr, name, c->hsave + 0x578);
		snprintf(name, sizeof(name), "cpu%u-host-save", i);
		nr = add(r, nr, name, c->host_save + 0x440);
		snprintf(name, sizeof(name), "cpu%u-gdt", i);
		nr = add(r, nr, name, (c->gdt & ~7ull) + 8);
		snprintf(name, sizeof(name), "cpu%u-stack", i);
		nr = add(r, nr, name, c->stack + 4 * PAGE - 8);
	}
	return nr;
}

static int cmd_regions(const char *file)
{
	static struct xmhf_hv_layout lo;
	static struct region r[MAX_REGIONS];
	struct xmhf_status st;
	int fd, nr, i, bad;
	FILE *f;

	printf("1..3\n");
	fd = xmhf_fd();
	if (fd < 0 || xmhf_status(fd, &st) || st.state != XMHF_STATE_LAUNCHED)
		return fail_rest(3, "the hypervisor is not launched");
	ok(ioctl(fd, XMHF_IOC_HV_LAYOUT, &lo) == 0,
	   "the hypervisor reports where it keeps what (XMHF_IOC_HV_LAYOUT)");
	close(fd);
	bad = check_layout(&lo, &st);
	ok(!bad, "the report fits layout.h and the blob: code, data, bss, heap in order; "
	   "NPT, permission maps, VMCBs and per-CPU areas inside the block");
	nr = layout_regions(&lo, r);
	f = fopen(file, "w");
	for (i = 0; f && i < nr; i++) {
		fprintf(f, "%s %#llx\n", r[i].name, (unsigned long long)r[i].off);
		diag("%-16s %#9llx", r[i].name, (unsigned long long)r[i].off);
	}
	ok(f && fclose(f) == 0 && nr > 13, "%d probe addresses, one per region, written to %s", nr, file);
	return failed != 0;
}

static int read_regions(const char *file, struct region *r)
{
	char line[128];
	int nr = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (nr < MAX_REGIONS && fgets(line, sizeof(line), f)) {
		unsigned long long off;

		if (sscanf(line, "%23s %llx", r[nr].name, &off) != 2)
			continue;
		r[nr].off = off;
		if (off % 8 || off >= XMHF_MEM_SIZE)
			continue;
		nr++;
	}
	fclose(f);
	return nr;
}

/* ---------------------------------------------------------------- accesses */

struct access {
	int faulted;
	unsigned int trapnr;
	unsigned long long err;
	int si_code;		/* CPL 3 only */
	uint64_t value;
	unsigned int cpu;	/* CPL 0 only */
};

static int atk_fd = -1;

static int kernel_access(unsigned int map, int write, uint64_t off, uint64_t val,
			 struct access *a)
{
	struct xatk_probe p = {
		.offset = off, .map = map, .op = write ? XATK_OP_WRITE : XATK_OP_READ,
		.value = val,
	};

	if (ioctl(atk_fd, XATK_IOC_PROBE, &p))
		return -errno;
	a->faulted = p.faulted;
	a->trapnr = p.trapnr;
	a->err = p.error_code;
	a->value = p.value;
	a->cpu = p.cpu;
	a->si_code = 0;
	return 0;
}

static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probing;
static volatile struct access trapped;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	if (!probing) {		/* not ours: die as we would have */
		signal(sig, SIG_DFL);
		return;
	}
	trapped.faulted = sig;
	trapped.si_code = si->si_code;
	trapped.trapnr = uc->uc_mcontext.gregs[REG_TRAPNO];
	trapped.err = uc->uc_mcontext.gregs[REG_ERR];
	siglongjmp(probe_jmp, 1);
}

/* One load or store from CPL 3; a signal ends it and is recorded. */
static int user_access(volatile uint64_t *p, int write, uint64_t val, struct access *a)
{
	volatile uint64_t got = XATK_SENTINEL;

	memset((void *)&trapped, 0, sizeof(trapped));
	if (sigsetjmp(probe_jmp, 1)) {
		probing = 0;
		a->faulted = trapped.faulted;
		a->si_code = trapped.si_code;
		a->trapnr = trapped.trapnr;
		a->err = trapped.err;
		a->value = got;
		return 0;
	}
	probing = 1;
	if (write)
		*p = val;
	else
		got = *p;
	probing = 0;
	a->faulted = 0;
	a->value = got;
	return 0;
}

/* A path: how one CPU reaches the block. */
enum path { P_DIRECT, P_VMAP, P_USER, P_DEVMEM, P_COUNT };
static const char *const path_name[P_COUNT] = {
	[P_DIRECT] = "CPL 0 through Linux's direct map",
	[P_VMAP] = "CPL 0 through a second mapping (vmap of the page)",
	[P_USER] = "CPL 3 through an mmap of the block (remap_pfn_range)",
	[P_DEVMEM] = "CPL 3 through an mmap of /dev/mem",
};
static volatile uint8_t *user_map[P_COUNT];

static int do_access(enum path path, int write, uint64_t off, uint64_t val, struct access *a)
{
	if (path == P_DIRECT || path == P_VMAP)
		return kernel_access(path == P_DIRECT ? XATK_MAP_DIRECT : XATK_MAP_VMAP,
				     write, off, val, a);
	return user_access((volatile uint64_t *)(user_map[path] + off), write, val, a);
}

static void describe(char *buf, size_t len, const struct access *a, int load)
{
	if (!a->faulted && load)
		snprintf(buf, len, "went through (read %#llx)", (unsigned long long)a->value);
	else if (!a->faulted)
		snprintf(buf, len, "went through");
	else if (a->si_code)
		snprintf(buf, len, "signal %d si_code %d, trap %u error %#llx", a->faulted,
			 a->si_code, a->trapnr, a->err);
	else
		snprintf(buf, len, "trap %u error %#llx", a->trapnr, a->err);
}

/* #GP(0), and from CPL 3 the SIGSEGV Linux sends for it (SI_KERNEL). */
static int is_gp0(enum path path, const struct access *a)
{
	if (!a->faulted || a->trapnr != X86_TRAP_GP || a->err != 0)
		return 0;
	if (path == P_USER || path == P_DEVMEM)
		return a->faulted == SIGSEGV && a->si_code == SI_KERNEL;
	return 1;
}

static unsigned long traps_seen;

/*
 * Hoisted: the load and the store trap with #GP(0), the load leaves its
 * destination alone.  A load that went through is a failure; the store
 * then writes back what it read, so a broken protection is reported, not
 * turned into a crash (a changed NPT entry would take the guest down).
 */
static int probe_fault(enum path path, unsigned int cpu, const struct region *r)
{
	struct access rd, wr;
	char d1[96], d2[96];
	int err, good;

	err = do_access(path, 0, r->off, 0, &rd);
	if (!err)
		err = do_access(path, 1, r->off, rd.faulted ? PATTERN : rd.value, &wr);
	if (err) {
		diag("%s: probe ioctl failed: %s", r->name, strerror(-err));
		return 0;
	}
	traps_seen += !!rd.faulted + !!wr.faulted;
	good = is_gp0(path, &rd) && rd.value == XATK_SENTINEL && is_gp0(path, &wr);
	if (path <= P_VMAP && (rd.cpu != cpu || wr.cpu != cpu)) {
		diag("%s: ran on CPU %u/%u, not %u", r->name, rd.cpu, wr.cpu, cpu);
		good = 0;
	}
	if (!good) {
		describe(d1, sizeof(d1), &rd, 1);
		describe(d2, sizeof(d2), &wr, 0);
		diag("%s (+%#llx): load %s; store %s", r->name, (unsigned long long)r->off, d1, d2);
	}
	return good;
}

/* Natively: load, store a changed value, see it land, put it back. */
static int probe_access(enum path path, unsigned int cpu, const struct region *r)
{
	struct access rd, wr, back, undo;
	int err;

	err = do_access(path, 0, r->off, 0, &rd);
	if (!err && !rd.faulted)
		err = do_access(path, 1, r->off, rd.value ^ PATTERN, &wr);
	if (!err && !rd.faulted && !wr.faulted)
		err = do_access(path, 0, r->off, 0, &back);
	if (!err && !rd.faulted && !wr.faulted)
		err = do_access(path, 1, r->off, rd.value, &undo);
	if (err) {
		diag("%s: probe ioctl failed: %s", r->name, strerror(-err));
		return 0;
	}
	if (rd.faulted || wr.faulted || back.faulted || undo.faulted) {
		diag("%s (+%#llx): an access trapped (%u, error %#llx)", r->name,
		     (unsigned long long)r->off,
		     rd.faulted ? rd.trapnr : wr.faulted ? wr.trapnr : back.trapnr,
		     rd.faulted ? rd.err : wr.faulted ? wr.err : back.err);
		return 0;
	}
	if (back.value != (rd.value ^ PATTERN)) {
		diag("%s: the store did not land: read back %#llx", r->name,
		     (unsigned long long)back.value);
		return 0;
	}
	if (path <= P_VMAP && (rd.cpu != cpu || wr.cpu != cpu)) {
		diag("%s: ran on CPU %u/%u, not %u", r->name, rd.cpu, wr.cpu, cpu);
		return 0;
	}
	return 1;
}

static int online_cpus(unsigned int *cpus, int max)
{
	char buf[256], *s, *tok;
	int nr = 0, fd = open("/sys/devices/system/cpu/online", O_RDONLY);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	for (tok = strtok_r(buf, ",\n", &s); tok; tok = strtok_r(NULL, ",\n", &s)) {
		unsigned int a, b, c;

		if (sscanf(tok, "%u-%u", &a, &b) != 2)
			b = a;
		for (c = a; c <= b && nr < max; c++)
			cpus[nr++] = c;
	}
	return nr;
}

static int pin(unsigned int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static uint64_t npf_exits(int fd)
{
	static struct xmhf_hv_status hs;

	if (ioctl(fd, XMHF_IOC_HV_STATUS, &hs))
		return 0;
	return hs.exits[XMHF_EXIT_NPF];
}

/*
 * /dev/mem with STRICT_DEVMEM refuses RAM (EPERM), the Debian default.
 * Returns 1 when it refused every read and the mmap, 0 when it mapped
 * the block (then user_map[P_DEVMEM] is set), -1 on anything else.
 */
static int try_devmem(uint64_t phys, const struct region *r, int nr)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC), i, refused = 1;
	uint64_t v;
	void *m;

	if (fd < 0) {
		diag("/dev/mem: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < nr; i++) {
		if (pread(fd, &v, sizeof(v), phys + r[i].off) >= 0 || errno != EPERM) {
			diag("/dev/mem: reading %s: %s", r[i].name, strerror(errno));
			refused = 0;
		}
	}
	m = mmap(NULL, XMHF_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, phys);
	close(fd);
	if (m != MAP_FAILED) {
		user_map[P_DEVMEM] = m;
		return 0;
	}
	if (errno != EPERM) {
		diag("/dev/mem: mmap: %s", strerror(errno));
		return -1;
	}
	return refused ? 1 : -1;
}

static int cmd_sweep(int expect_fault, const char *file)
{
	static struct region r[MAX_REGIONS];
	unsigned int cpus[XMHF_MAX_CPUS];
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	struct xmhf_status st;
	struct xatk_target t;
	int fd, nr, ncpu, planned, devmem, i;
	uint64_t npf_before = 0;
	enum path p;

	nr = read_regions(file, r);
	ncpu = online_cpus(cpus, XMHF_MAX_CPUS);
	fd = xmhf_fd();
	atk_fd = open(XATK_DEVICE_PATH, O_RDWR);
	if (nr <= 0 || ncpu <= 0 || fd < 0 || atk_fd < 0 || xmhf_status(fd, &st) ||
	    !st.mem_phys || st.state != (expect_fault ? XMHF_STATE_LAUNCHED : XMHF_STATE_LOADED)) {
		printf("1..1\n");
		return fail_rest(1, "set-up: regions file, online CPUs, /dev/xmhf (in the right state) "
				 "and /dev/xmhf_attack (modprobe xmhf_attack)");
	}
	t.phys = st.mem_phys;
	t.size = XMHF_MEM_SIZE;
	if (ioctl(atk_fd, XATK_IOC_SET_TARGET, &t)) {
		printf("1..1\n");
		return fail_rest(1, "xmhf_attack takes the block as its target");
	}
	user_map[P_USER] = mmap(NULL, XMHF_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, atk_fd, 0);
	if (user_map[P_USER] == MAP_FAILED)
		user_map[P_USER] = NULL;
	devmem = try_devmem(st.mem_phys, r, nr);
	planned = 1 + ncpu * (devmem == 0 ? 4 : 3) + (expect_fault ? 2 : 0);
	printf("1..%d\n", planned);
	diag("block at %#llx, %d regions, CPUs online: %d", (unsigned long long)st.mem_phys, nr, ncpu);
	if (devmem == 0)
		ok(1, "/dev/mem maps the block's RAM: CPL 3 goes through it too");
	else
		ok(devmem == 1, "/dev/mem refuses every region of the block (STRICT_DEVMEM): "
		   "CPL 3 goes through xmhf_attack's mmap instead");

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (expect_fault)
		npf_before = npf_exits(fd);
	for (i = 0; i < ncpu; i++) {
		int pinned = pin(cpus[i]) == 0;

		for (p = 0; p < P_COUNT; p++) {
			int good = pinned, j, bad_regions = 0;

			if (p == P_DEVMEM && devmem != 0)
				continue;
			if (!user_map[p] && (p == P_USER || p == P_DEVMEM)) {
				diag("no mapping: %s", strerror(errno));
				good = 0;
			}
			for (j = 0; pinned && good && j < nr; j++)
				if (!(expect_fault ? probe_fault(p, cpus[i], &r[j]) :
						     probe_access(p, cpus[i], &r[j])))
					bad_regions++;
			good = good && !bad_regions;
			if (!pinned)
				diag("cannot run on CPU %u: %s", cpus[i], strerror(errno));
			ok(good, "CPU %u, %s: every region's load and store %s", cpus[i],
			   path_name[p], expect_fault ? "trap with #GP(0)" : "go through");
		}
	}
	if (expect_fault) {
		uint64_t npf = npf_exits(fd) - npf_before;

		ok(npf >= traps_seen && traps_seen > 0,
		   "the hypervisor took an NPF exit for each trap (%lu traps, %llu NPF exits)",
		   traps_seen, (unsigned long long)npf);
		ok(ioctl(fd, XMHF_IOC_SELFCHECK) == 1, "the runtime's code is unchanged (SELFCHECK)");
	}
	close(fd);
	return failed != 0;
}

/* ---------------------------------------------------------------- scrub */

struct blob {
	uint8_t *sl, *rt;
	size_t sl_size, rt_size;
};

static int load_blob(struct blob *b)
{
	const char *path = getenv("XMHF_BLOB") ? getenv("XMHF_BLOB") : "/lib/firmware/xmhf/xmhf.bin";
	struct xmhf_blob_header h;
	static uint8_t *data;
	struct stat sb;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &sb) || sb.st_size < (off_t)sizeof(h))
		return -1;
	data = malloc(sb.st_size);
	if (!data || read(fd, data, sb.st_size) != sb.st_size)
		return -1;
	close(fd);
	memcpy(&h, data, sizeof(h));
	if (h.magic != XMHF_BLOB_MAGIC || (uint64_t)h.sl_offset + h.sl_size > (uint64_t)sb.st_size ||
	    (uint64_t)h.rt_offset + h.rt_size > (uint64_t)sb.st_size ||
	    h.sl_size > XMHF_SL_MAX_SIZE || h.rt_size > XMHF_RT_MAX_SIZE)
		return -1;
	b->sl = data + h.sl_offset;
	b->sl_size = h.sl_size;
	b->rt = data + h.rt_offset;
	b->rt_size = h.rt_size;
	return 0;
}

/* The block as layout.h cuts it; the last part is the hypervisor's own scrub. */
enum part { PT_SL, PT_SLPB, PT_EARLY, PT_RT_IMAGE, PT_RT_REST, PT_COUNT };
static const char *const part_name[PT_COUNT] = {
	"SL block", "SL parameters", "early area", "runtime image", "runtime bss and heap",
};

static enum part part_of(uint64_t off, const struct blob *b)
{
	if (off < XMHF_SLPB_OFFSET)
		return PT_SL;
	if (off < XMHF_EARLY_OFFSET)
		return PT_SLPB;
	if (off < XMHF_RT_OFFSET)
		return PT_EARLY;
	if (off < XMHF_RT_OFFSET + b->rt_size)
		return PT_RT_IMAGE;
	return PT_RT_REST;
}

/*
 * Hypervisor content in the page at off of the block at base: a non-zero
 * 64-byte run of the blob's SL or runtime image at its place, the
 * parameter block's magic, the text "xmhf" (log, version strings), or
 * page tables like the SL's and the nested ones: entries into the block,
 * or an identity map in 2 MiB pages.
 */
static int hv_content(const uint8_t *pg, uint64_t off, const struct blob *b, uint64_t base)
{
	static const uint8_t zero[64];
	const uint8_t *img = NULL;
	size_t img_size = 0, img_off = 0, i;
	uint32_t magic;
	int ptes = 0, others = 0, idmap = 0;
	uint64_t q;

	if (off < XMHF_SL_MAX_SIZE) {
		img = b->sl, img_size = b->sl_size, img_off = XMHF_SL_OFFSET;
	} else if (off >= XMHF_RT_OFFSET) {
		img = b->rt, img_size = b->rt_size, img_off = XMHF_RT_OFFSET;
	}
	for (i = 0; img && i < PAGE; i += 64) {
		size_t at = off + i - img_off;

		if (at + 64 <= img_size && memcmp(img + at, zero, 64) &&
		    !memcmp(pg + i, img + at, 64))
			return 1;
	}
	memcpy(&magic, pg, sizeof(magic));
	if (off == XMHF_SLPB_OFFSET && magic == XMHF_SLPB_MAGIC)
		return 1;
	if (memmem(pg, PAGE, "xmhf", 4))
		return 1;
	for (i = 0; i < PAGE; i += 8) {
		memcpy(&q, pg + i, sizeof(q));
		if (!q)
			continue;
		if ((q & 1) && (q >> 52) == 0 && (q & ~0xfffull) - base < XMHF_MEM_SIZE)
			ptes++;
		else
			others++;
		/* 1:1 2 MiB pages, as the SL maps the first 4 GiB */
		if (i >= 64 && (q & 0x81) == 0x81) {
			uint64_t first;

			memcpy(&first, pg + i - 64, sizeof(first));
			if (q - first == 8 * 0x200000ull && !(first & 0x1fe000))
				idmap++;
		}
	}
	return (ptes && !others) || ptes >= 2 || idmap >= 8;
}

/* Pages of an image with a non-zero 64-byte run: what hv_content() can find. */
static unsigned long image_pages(const uint8_t *img, size_t size)
{
	static const uint8_t zero[64];
	unsigned long pages = 0;
	size_t off, i;

	for (off = 0; off < size; off += PAGE)
		for (i = off; i < off + PAGE && i + 64 <= size; i += 64)
			if (memcmp(img + i, zero, 64)) {
				pages++;
				break;
			}
	return pages;
}

struct scan {
	unsigned long pages, zero, content;
	unsigned long nonzero_in[PT_COUNT], content_in[PT_COUNT];
};

static void scan_block(const uint8_t *m, const struct blob *b, uint64_t base, struct scan *s)
{
	static const uint8_t zero[PAGE];
	uint64_t off;
	int i;

	memset(s, 0, sizeof(*s));
	for (off = 0; off < XMHF_MEM_SIZE; off += PAGE) {
		enum part pt = part_of(off, b);

		s->pages++;
		if (!memcmp(m + off, zero, PAGE)) {
			s->zero++;
			continue;
		}
		s->nonzero_in[pt]++;
		if (hv_content(m + off, off, b, base)) {
			s->content++;
			s->content_in[pt]++;
		}
	}
	for (i = 0; i < PT_COUNT; i++)
		if (s->nonzero_in[i])
			diag("%-22s %4lu pages not zero, %4lu with hypervisor content",
			     part_name[i], s->nonzero_in[i], s->content_in[i]);
}

static uint8_t *get_snapshot(struct xatk_snapshot *s)
{
	uint8_t *m = malloc(XMHF_MEM_SIZE);

	if (!m)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->buf = (uintptr_t)m;
	s->size = XMHF_MEM_SIZE;
	if (ioctl(atk_fd, XATK_IOC_SNAP_GET, s)) {
		free(m);
		return NULL;
	}
	return m;
}

static int scrub_results(const struct xatk_snapshot *s, const uint8_t *m, const struct blob *b,
			 unsigned int when)
{
	struct scan sc;

	ok(s->when == when && s->result == 0, "a snapshot of the block at %#llx was taken %s",
	   (unsigned long long)s->phys,
	   when == XATK_SNAP_AT_EXIT ? "inside rmmod, right after xmhf.ko's exit" :
				       "right after the unload");
	scan_block(m, b, s->phys, &sc);
	ok(sc.zero == sc.pages, "%lu of %lu pages read back as zeros", sc.zero, sc.pages);
	ok(sc.content == 0, "no page holds hypervisor content (%lu do): a non-zero page without "
	   "any would be a reused one", sc.content);
	return failed != 0;
}

static int scrub_setup(int need_blob, struct blob *b, struct xmhf_status *st, int *fd)
{
	struct xatk_target t;

	atk_fd = open(XATK_DEVICE_PATH, O_RDWR);
	if (atk_fd < 0)
		return -1;
	if (need_blob && load_blob(b))
		return -1;
	if (!fd)
		return 0;
	*fd = xmhf_fd();
	if (*fd < 0 || xmhf_status(*fd, st) || !st->mem_phys)
		return -1;
	t.phys = st->mem_phys;
	t.size = XMHF_MEM_SIZE;
	return ioctl(atk_fd, XATK_IOC_SET_TARGET, &t);
}

static int cmd_scrub_arm(void)
{
	struct xmhf_status st;
	int fd;

	printf("1..1\n");
	if (scrub_setup(0, NULL, &st, &fd) || st.state != XMHF_STATE_LAUNCHED)
		return fail_rest(1, "set-up: the hypervisor launched, xmhf_attack loaded");
	ok(ioctl(atk_fd, XATK_IOC_SNAP_ARM) == 0,
	   "xmhf_attack holds the block's range (%#llx) and snapshots it at xmhf.ko's exit",
	   (unsigned long long)st.mem_phys);
	return failed != 0;
}

static int cmd_scrub_check(void)
{
	struct xatk_snapshot s;
	struct blob b;
	uint8_t *m;

	printf("1..3\n");
	if (scrub_setup(1, &b, NULL, NULL) || !(m = get_snapshot(&s)))
		return fail_rest(3, "set-up: xmhf_attack loaded and armed, the blob readable");
	return scrub_results(&s, m, &b, XATK_SNAP_AT_EXIT);
}

static int cmd_scrub_unload(void)
{
	struct xmhf_status st;
	struct xatk_snapshot s;
	struct blob b;
	uint8_t *m;
	int fd, err;

	printf("1..4\n");
	if (scrub_setup(1, &b, &st, &fd) || st.state != XMHF_STATE_LAUNCHED)
		return fail_rest(4, "set-up: the hypervisor launched, xmhf_attack loaded, the blob readable");
	err = ioctl(fd, XMHF_IOC_UNLOAD);
	/* At once: the block is free memory from here on. */
	ioctl(atk_fd, XATK_IOC_SNAP_NOW);
	ok(err == 0, "the hypervisor unloads (XMHF_IOC_UNLOAD, as xmhfctl unload)");
	if (!(m = get_snapshot(&s)))
		return fail_rest(4, "the snapshot can be read");
	return scrub_results(&s, m, &b, XATK_SNAP_NOW);
}

/* The check can fail: the loaded (not launched) block shows the blob. */
static int cmd_scrub_native(void)
{
	struct xmhf_status st;
	struct xatk_snapshot s;
	struct scan sc;
	struct blob b;
	uint8_t *m;
	int fd;

	printf("1..3\n");
	if (scrub_setup(1, &b, &st, &fd) || st.state != XMHF_STATE_LOADED ||
	    ioctl(atk_fd, XATK_IOC_SNAP_NOW) || !(m = get_snapshot(&s)))
		return fail_rest(3, "set-up: the module loaded, not launched; xmhf_attack loaded");
	ok(s.when == XATK_SNAP_NOW && s.result == 0, "a snapshot of the loaded block at %#llx",
	   (unsigned long long)s.phys);
	scan_block(m, &b, s.phys, &sc);
	ok(sc.zero < sc.pages, "it is not all zeros (%lu of %lu pages are)", sc.zero, sc.pages);
	ok(sc.content_in[PT_SL] && sc.content_in[PT_SLPB] &&
	   sc.content_in[PT_RT_IMAGE] == image_pages(b.rt, b.rt_size),
	   "the check finds the SL, its parameters and every non-zero page of the runtime "
	   "image (%lu)", image_pages(b.rt, b.rt_size));
	return failed != 0;
}

/* ------------------------------------------------------ extra heap blocks */

/* Set-up for the blocks' commands: both devices, the module in state. */
static int blocks_setup(struct xmhf_status *st, int *fd, unsigned int state)
{
	*fd = xmhf_fd();
	atk_fd = open(XATK_DEVICE_PATH, O_RDWR);
	return *fd < 0 || atk_fd < 0 || xmhf_status(*fd, st) || !st->mem_phys ||
	       st->state != state || st->num_blocks == 0 || st->num_blocks > XMHF_MAX_BLOCKS;
}

static int target_block(const struct xmhf_status *st, unsigned int i)
{
	struct xatk_target t = { .phys = st->blocks_phys[i], .size = XMHF_MEM_SIZE };

	return ioctl(atk_fd, XATK_IOC_SET_TARGET, &t);
}

/*
 * The extra heap blocks (extra_blocks=N): their first, middle and last
 * qwords from CPL 0, through the direct map and a vmap, on CPU 0.
 * Launched every access traps with #GP(0); loaded only, each goes through.
 */
static int cmd_blocks(int expect_fault)
{
	static const uint64_t offs[] = { 0, XMHF_MEM_SIZE / 2, XMHF_MEM_SIZE - 8 };
	struct xmhf_status st;
	unsigned int i, k, good = 0, total = 0, shape = 1;
	int fd;
	enum path p;

	printf("1..2\n");
	if (blocks_setup(&st, &fd, expect_fault ? XMHF_STATE_LAUNCHED : XMHF_STATE_LOADED) ||
	    pin(0))
		return fail_rest(2, "set-up: xmhf loaded with extra_blocks (in the right state), "
				 "xmhf_attack loaded, CPU 0 online");
	if (st.mem_size != XMHF_MEM_SIZE * (1ull + st.num_blocks))
		shape = 0;
	for (i = 0; i < st.num_blocks; i++) {
		diag("extra block %u at %#llx", i, (unsigned long long)st.blocks_phys[i]);
		if (st.blocks_phys[i] % XMHF_MEM_SIZE || st.blocks_phys[i] == st.mem_phys ||
		    (i && st.blocks_phys[i] <= st.blocks_phys[i - 1]))
			shape = 0;
	}
	ok(shape, "the module reports %u extra 4 MiB blocks, aligned, sorted, apart from the "
	   "first, and a footprint of %llu KiB", st.num_blocks, (unsigned long long)st.mem_size >> 10);
	for (i = 0; i < st.num_blocks; i++) {
		if (target_block(&st, i)) {
			diag("xmhf_attack refuses block %u as its target: %s", i, strerror(errno));
			continue;
		}
		for (p = P_DIRECT; p <= P_VMAP; p++) {
			for (k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
				struct region r;

				snprintf(r.name, sizeof(r.name), "block%u", i);
				r.off = offs[k];
				total++;
				good += expect_fault ? probe_fault(p, 0, &r) : probe_access(p, 0, &r);
			}
		}
	}
	ok(total == st.num_blocks * 6 && good == total,
	   expect_fault ? "launched: all %u loads and stores in them trap with #GP(0)" :
			  "loaded only: all %u loads and stores in them go through", total);
	return failed != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "regions"))
		return cmd_regions(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "sweep") &&
	    (!strcmp(argv[2], "fault") || !strcmp(argv[2], "access")))
		return cmd_sweep(!strcmp(argv[2], "fault"), argv[3]);
	if (argc == 3 && !strcmp(argv[1], "blocks") &&
	    (!strcmp(argv[2], "fault") || !strcmp(argv[2], "access")))
		return cmd_blocks(!strcmp(argv[2], "fault"));
	if (argc == 2 && !strcmp(argv[1], "scrub-arm"))
		return cmd_scrub_arm();
	if (argc == 2 && !strcmp(argv[1], "scrub-check"))
		return cmd_scrub_check();
	if (argc == 2 && !strcmp(argv[1], "scrub-unload"))
		return cmd_scrub_unload();
	if (argc == 2 && !strcmp(argv[1], "scrub-native"))
		return cmd_scrub_native();
	fprintf(stderr, "usage: memsweep regions FILE | sweep fault|access FILE |\n"
		"       scrub-arm | scrub-check | scrub-unload | scrub-native\n");
	return 2;
}
