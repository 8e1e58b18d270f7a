// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime on the boot CPU: own descriptor tables, nested page tables,
 * then Linux as the guest, from the state it was saved in, until the
 * guest asks for UNLOAD.  Failing before VMRUN returns to Linux natively.
 */
#include <arch/x86.h>
#include <arch/dma.h>
#include <arch/intr_mmio.h>
#include <arch/ioports.h>
#include <core/cpu_setup.h>
#include <core/directmap.h>
#include <core/guest_mem.h>
#include <core/guest_ram.h>
#include <core/hv.h>
#include <core/hub.h>
#include <core/lapic.h>
#include <core/quiesce.h>
#include <core/smp.h>
#include <core/log.h>
#include <core/measure.h>
#include <core/mm.h>
#include <core/npt.h>
#include <core/pci.h>
#include <core/spinlock.h>
#include <core/svm.h>
#include <lib/crypto.h>
#include <lib/string.h>
#include <sl_handoff.h>
#include <xmhf/layout.h>
#include <xmhf/log.h>
#include <xmhf/slparams.h>
#include <xmhf/version.h>

void rt_main(const struct sl_handoff *h);
void rt_scrub_and_return(u64 tramp_pa, const u64 ranges[8], u64 prog) __attribute__((noreturn));

extern u8 _rt_start[], _rt_code_end[], _rt_image_end[], _rt_mem_end[], _rt_scrub_start[];
extern u8 _rt_exit_start[], _rt_exit_end[];
extern u8 boot_stack[];
extern struct xmhf_log_ring log_ring;

static struct xmhf_sl_params rt_params;
static struct xmhf_eventlog evlog;
static struct host_cpu bsp_host_cpu;
static struct vcpu bsp_vcpu;
static struct npt guest_npt;
static u8 code_hash[SHA256_DIGEST_SIZE];

/*
 * The last step of an unload or an abort, with the APs parked: scrub
 * every byte the hypervisor owns -- the extra blocks, then all of the
 * first block but three parts -- and return to Linux natively.  Kept:
 * the exit page (the code doing this, and where the APs are parked),
 * the SL's page tables this CPU runs on, and the log ring, which the
 * guest may read whole anyway (XMHF_HC_LOG).  None holds a secret.
 */
static void __attribute__((noreturn)) scrub_and_return(void)
{
	u64 base = rt_params.hv_phys_base, ranges[8], late[4], prog;

	/*
	 * The IOMMU keeps devices off until everything but its own tables is
	 * scrubbed: the stub then runs the release program and scrubs those
	 * last (docs/dma.md, "Unload").  prog 0: released already.
	 */
	prog = dma_release_prepare(late);
	hv_scrub_blocks_except(late[0], late[1] - late[0]);
	ranges[0] = base;
	ranges[1] = base + XMHF_EARLY_OFFSET;
	ranges[2] = prog ? base + XMHF_RT_OFFSET :
		    base + XMHF_EARLY_OFFSET + XMHF_EARLY_TABLES * 4096ull;
	ranges[3] = hv_pa(_rt_exit_start);
	ranges[4] = hv_pa(_rt_exit_end);
	ranges[5] = hv_pa(_rt_image_end);	/* the log ring follows the image */
	ranges[6] = hv_pa(_rt_scrub_start);
	ranges[7] = base + XMHF_MEM_SIZE;
	rt_scrub_and_return(rt_params.tramp_return_pa, ranges, prog);
}

/*
 * Give up before VMRUN: Linux continues natively and insmod fails.  APs
 * already in host mode park first; the module INITs them.
 */
static void __attribute__((noreturn)) rt_abort(const char *why)
{
	hv_log("xmhf: launch aborted: %s; returning to Linux natively\n", why);
	smp_park_aps();
	svm_r_init_off();
	scrub_and_return();
}

/*
 * Guest-physical RAM anywhere (through the direct map), never ours, a
 * hypapp's, or MMIO the hypervisor guards (core/guest_ram.c).
 */
static void *map_guest_ram(void *ctx, u64 gpa, size_t len)
{
	(void)ctx;
	return guest_ram_map(&rt_params, gpa, len);
}

/* CPU i's counters into cs, and added to the totals in st. */
static void status_cpu(struct xmhf_hv_status *st, struct xmhf_cpu_status *cs,
		       const struct vcpu *c)
{
	unsigned int j;

	cs->apic_id = c->apic_id;
	cs->state = c->state;
	cs->exits_total = c->exits_total;
	memcpy(cs->exits, c->exits, sizeof(cs->exits));
	cs->starts = c->starts;
	cs->nmis_reinjected = c->nmis_reinjected;
	st->exits_total += cs->exits_total;
	for (j = 0; j < XMHF_EXIT_CLASSES; j++)
		st->exits[j] += cs->exits[j];
}

/*
 * XMHF_HC_STATUS: totals over every CPU, per-CPU lines from CPU first on
 * (XMHF_STATUS_CPUS of them at most, so the reply stays one small buffer).
 */
long hv_status_to_guest(struct vcpu *v, u64 gva, u64 size, u64 first)
{
	static struct xmhf_hv_status st;	/* big: not on the stack */
	static struct xmhf_cpu_status scratch;
	static spinlock_t st_lock;
	struct guest_paging gp;
	unsigned int i;
	long ret;

	if (size < sizeof(st) || (first && first >= smp_count()))
		return XMHF_HC_E_INVAL;
	spin_lock(&st_lock);
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.version = XMHF_VERSION_MAJOR << 16 | XMHF_VERSION_MINOR;
	st.launch_kind = rt_params.launch_kind;
	st.num_cpus = smp_count();
	st.mem_size = rt_params.hv_size * (1ull + hv_blocks());
	st.num_blocks = hv_blocks();
	st.heap_pages = hv_heap_pages();
	st.heap_free_pages = hv_heap_free_pages();
	st.log_head = log_ring.head;
	st.measure_state = evlog.state;
	st.events = evlog.count;
	st.quiesces = quiesce_count();
	st.npt_pages = guest_npt.pages;
	st.dmap_pages = dmap_table_pages();
	st.dma_mode = dma_mode();
	st.dma_events = dma_events();
	st.dma_refused = dma_refused();
	st.first_cpu = (u32)first;
	/* Other CPUs' counters move meanwhile: a snapshot, not a sum at one instant. */
	for (i = 0; i < smp_count(); i++) {
		bool in_page = i >= first && i - first < XMHF_STATUS_CPUS;

		status_cpu(&st, in_page ? &st.cpu[i - first] : &scratch, smp_vcpu(i));
	}
	vcpu_guest_paging(v, &gp, map_guest_ram, NULL);
	ret = gm_copy_to_guest(&gp, gva, &st, sizeof(st)) ? XMHF_HC_E_FAULT : 0;
	spin_unlock(&st_lock);
	return ret;
}

#ifdef XMHF_TEST_HYPERCALLS	/* test builds only (Makefile, HV_TEST_HC) */
static u64 block_off(const void *va)
{
	return hv_pa(va) - rt_params.hv_phys_base;
}

/* XMHF_HC_LAYOUT: offsets of the runtime's parts, read-only. */
long hv_layout_to_guest(struct vcpu *v, u64 gva, u64 size)
{
	static struct xmhf_hv_layout lo;
	static spinlock_t lo_lock;
	struct guest_paging gp;
	u64 msrpm, iopm;
	unsigned int i;
	long ret;

	if (size < sizeof(lo))
		return XMHF_HC_E_INVAL;
	spin_lock(&lo_lock);
	memset(&lo, 0, sizeof(lo));
	lo.size = sizeof(lo);
	lo.num_cpus = smp_count();
	lo.rt_code_end = block_off(_rt_code_end);
	lo.rt_image_end = block_off(_rt_image_end);
	lo.rt_mem_end = block_off(_rt_mem_end);
	lo.heap_next = lo.rt_mem_end + hv_heap_used();
	lo.heap_end = XMHF_RT_OFFSET + XMHF_RT_MAX_SIZE;
	lo.npt_root = guest_npt.root_pa - rt_params.hv_phys_base;
	svm_perm_maps(&msrpm, &iopm);
	lo.msrpm = msrpm - rt_params.hv_phys_base;
	lo.iopm = iopm - rt_params.hv_phys_base;
	lo.log_ring = block_off(&log_ring);
	for (i = 0; i < smp_count(); i++) {
		const struct vcpu *c = smp_vcpu(i);
		struct xmhf_layout_cpu *lc = &lo.cpu[i];

		lc->vmcb = c->arch_pa - rt_params.hv_phys_base;
		lc->hsave = c->hsave_pa - rt_params.hv_phys_base;
		lc->host_save = c->host_save_pa - rt_params.hv_phys_base;
		/* The boot CPU's live in bss, the APs' on the heap. */
		lc->gdt = block_off(i ? ((struct host_cpu *)c->host)->gdt :
				    bsp_host_cpu.gdt);
		lc->stack = block_off(i ? c->stack_top - AP_STACK_PAGES * 4096 :
				      boot_stack);
	}
	vcpu_guest_paging(v, &gp, map_guest_ram, NULL);
	ret = gm_copy_to_guest(&gp, gva, &lo, sizeof(lo)) ? XMHF_HC_E_FAULT : 0;
	spin_unlock(&lo_lock);
	return ret;
}
#endif /* XMHF_TEST_HYPERCALLS */

/* Copies log bytes from position pos on; returns how many. */
long hv_log_to_guest(struct vcpu *v, u64 gva, u64 size, u64 pos)
{
	char chunk[256];	/* per call: CPUs may read the log at once */
	struct guest_paging gp;
	u64 head = log_ring.head, oldest, done = 0;

	if (size > 1ull << 20)
		return XMHF_HC_E_INVAL;
	oldest = head > XMHF_LOG_SIZE ? head - XMHF_LOG_SIZE : 0;
	if (pos < oldest)
		pos = oldest;
	vcpu_guest_paging(v, &gp, map_guest_ram, NULL);
	while (done < size && pos < head) {
		u64 n = 0;

		while (n < sizeof(chunk) && done + n < size && pos + n < head) {
			chunk[n] = log_ring.data[(pos + n) % XMHF_LOG_SIZE];
			n++;
		}
		if (gm_copy_to_guest(&gp, gva + done, chunk, n))
			return done ? (long)done : XMHF_HC_E_FAULT;
		done += n;
		pos += n;
	}
	return (long)done;
}

int ha_read_guest(struct vcpu *v, void *dst, u64 gva, size_t len)
{
	struct guest_paging gp;

	vcpu_guest_paging(v, &gp, map_guest_ram, NULL);
	return gm_copy_from_guest(&gp, dst, gva, len);
}

/*
 * Without NRIPS (QEMU TCG) every CPUID or VMMCALL exit reads its
 * instruction to learn its length, and a full guest page walk per exit
 * made those exits 40% dearer.  So the last code page each vCPU
 * translated is kept, keyed by CR3, the paging mode bits, the CPL and
 * the linear page.
 * The physical page is checked as guest RAM again on every use, so the
 * hypervisor never reads what it would refuse.  A stale entry (code
 * remapped without a CR3 write) misreads only the guest's own code, and
 * the caller falls back to the exit's unprefixed length when the bytes
 * are not the instruction the exit names.
 */
/* The last code page each vCPU translated, and its key. */
static struct {
	u64 cr3, lin, gpa;	/* lin bit 0: valid */
	u32 mode;		/* code_mode() */
} code_cache[XMHF_MAX_CPUS];

/* What decides a translation besides CR3: paging mode and rights. */
static u32 code_mode(const struct guest_paging *gp)
{
	/* Bits 31, 16; 4, 5, 12, 20-22; 10, 11; the CPL in 24-25: no overlap. */
	return (u32)(gp->cr0 & (X86_CR0_PG | X86_CR0_WP)) |
	       (u32)(gp->cr4 & (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_LA57 | X86_CR4_SMEP |
				X86_CR4_SMAP | X86_CR4_PKE)) |
	       (u32)(gp->efer & (EFER_LMA | EFER_NXE)) | (u32)(gp->cpl & 3) << 24;
}

size_t vcpu_code_bytes(struct vcpu *v, u64 lin, u8 buf[15])
{
	struct guest_paging gp;
	const u8 *p;
	u64 gpa, page = (lin & ~0xfffull) | 1;
	typeof(&code_cache[0]) c;

	if ((lin & 0xfff) > 0x1000 - 15 || v->index >= XMHF_MAX_CPUS)
		return 0;
	c = &code_cache[v->index];
	vcpu_guest_paging(v, &gp, map_guest_ram, NULL);
	if (c->lin != page || c->cr3 != gp.cr3 || c->mode != code_mode(&gp)) {
		c->lin = 0;
		if (gm_translate(&gp, lin, GM_READ, &gpa))
			return 0;
		c->gpa = gpa & ~0xfffull;
		c->cr3 = gp.cr3;
		c->mode = code_mode(&gp);
		c->lin = page;
	}
	p = map_guest_ram(NULL, c->gpa + (lin & 0xfff), 15);
	if (!p) {
		c->lin = 0;
		return 0;
	}
	memcpy(buf, p, 15);
	return 15;
}

int ha_write_guest(struct vcpu *v, u64 gva, const void *src, size_t len)
{
	struct guest_paging gp;

	vcpu_guest_paging(v, &gp, map_guest_ram, NULL);
	return gm_copy_to_guest(&gp, gva, src, len);
}

long hv_eventlog_to_guest(struct vcpu *v, u64 gva, u64 size)
{
	struct guest_paging gp;

	if (size < sizeof(evlog))
		return XMHF_HC_E_INVAL;
	vcpu_guest_paging(v, &gp, map_guest_ram, NULL);
	return gm_copy_to_guest(&gp, gva, &evlog, sizeof(evlog)) ? XMHF_HC_E_FAULT : 0;
}

/*
 * So that no later quote can claim the hypervisor is here: an extend
 * that no golden value contains.  Needed when the launch was measured,
 * and when an extend's outcome is unknown (the TPM may have made it, so
 * PCR 17 may be golden although the state says FAILED).  Skipped only
 * when PCR 17 certainly holds no golden value: no TPM, or every failed
 * extend certainly not made.  A failed marker leaves the log as it was,
 * except that an uncertain one sets the flag for good.
 */
int hv_extend_unload_marker(void)
{
	static const char marker[] = XMHF_UNLOAD_MARKER;
	u32 state = evlog.state, rc = evlog.tpm_rc, flags = evlog.flags;
	s32 error = evlog.tpm_error;
	struct xmhf_event *ev;
	bool unknown;

	if (state != XMHF_MEAS_OK && !(flags & XMHF_EVLOG_F_UNCERTAIN))
		return 0;
	ev = evlog_add(&evlog, XMHF_EV_UNLOAD, marker, sizeof(marker) - 1,
		       "unload marker");
	evlog.flags &= ~XMHF_EVLOG_F_UNCERTAIN;	/* to see what this extend does */
	if (ev && !evlog_extend(&evlog, (volatile u8 *)(uintptr_t)rt_params.tpm_base, ev)) {
		evlog.flags |= flags;
		return 0;
	}
	unknown = evlog.flags & XMHF_EVLOG_F_UNCERTAIN;
	hv_log("xmhf: extending the unload marker failed (%d, TPM rc 0x%x%s): staying\n",
	       ev ? evlog.tpm_error : 0, ev ? evlog.tpm_rc : 0,
	       !ev ? ", the event log is full" : unknown ? ", outcome unknown" : "");
	if (ev)
		evlog.count--;		/* not known to have happened: keep the log replayable */
	evlog.state = state;
	evlog.tpm_error = error;
	evlog.tpm_rc = rc;
	evlog.flags |= flags;
	return -1;
}

#ifdef XMHF_TEST_HYPERCALLS	/* test builds only */
/*
 * XMHF_HC_QUIESCE_TEST: stop the others, change one nested entry of a
 * page of plain guest RAM (not the hypervisor's, a hypapp's or the
 * APIC's), resume them.  Returns how many CPUs were stopped.
 */
#define QUIESCE_TEST_HEAP_MIN	128	/* pages */

long hv_quiesce_test(struct vcpu *v, u64 gpa, u64 read_only)
{
	int stopped, err;

	/* Each new 2 MiB split costs a heap page: keep what hypapps need. */
	if ((gpa & 0xfff) || read_only > 1 || !map_guest_ram(NULL, gpa, 0x1000) ||
	    hub_owns_page(gpa) || gpa == lapic_mmio_base() || intr_mmio_page(gpa) ||
	    hv_heap_free_pages() < QUIESCE_TEST_HEAP_MIN)
		return XMHF_HC_E_INVAL;
	stopped = quiesce_begin(v);
	if (stopped < 0)
		return XMHF_HC_E_BUSY;	/* a CPU did not answer */
	err = npt_set_4k(&guest_npt, gpa, true, !read_only);
	quiesce_end(v);
	return err ? XMHF_HC_E_INVAL : (long)stopped;
}

/*
 * XMHF_HC_NMI_HOLD_TEST: stay here, GIF clear (host code runs so), for
 * ms milliseconds, reaching no quiesce safe point: the hypervisor's NMI
 * to this CPU waits until the next VMRUN sets GIF.  That is what a CPU
 * does on hardware while its guest sits in an NMI handler (the CPU holds
 * NMIs until the guest's IRET); QEMU TCG does not model that for an
 * injected NMI (docs/architecture.md, "SMP"), so the test plays it here.
 */
long hv_nmi_hold_test(u64 ms, u64 magic)
{
	u64 end;

	if (magic != XMHF_NMI_HOLD_MAGIC || !ms || ms > 15000)
		return XMHF_HC_E_INVAL;
	end = tsc_us() + ms * 1000;
	while (tsc_us() < end)
		cpu_relax();
	return 0;
}
#endif

static void hash_code(u8 out[SHA256_DIGEST_SIZE])
{
	sha256(_rt_start, (size_t)(_rt_code_end - _rt_start), out);
}

/* 1 when code and rodata still hash to what they did at launch. */
long hv_selfcheck(void)
{
	u8 now[SHA256_DIGEST_SIZE];

	hash_code(now);
	return !memcmp(now, code_hash, sizeof(now));
}

/* The end of RAM or 4 GiB, whichever is higher, in 1 GiB steps. */
static u64 npt_initial_end(void)
{
	u64 end = 1ull << 32;
	u32 i;

	for (i = 0; i < rt_params.num_ram; i++)
		if (rt_params.ram[i].start + rt_params.ram[i].size > end)
			end = rt_params.ram[i].start + rt_params.ram[i].size;
	return ALIGN_UP(end, 1ull << 30);
}

void rt_main(const struct sl_handoff *h)
{
	static const char *const meas[] = {
		[XMHF_MEAS_NONE] = "unmeasured (no TPM)",
		[XMHF_MEAS_OK] = "PCR 17 extended",
		[XMHF_MEAS_FAILED] = "unmeasured (TPM error)",
	};
	bool la57;

	memcpy(&rt_params, &h->params, sizeof(rt_params));
	memcpy(&evlog, &h->log, sizeof(evlog));
	/* Before any abort: the release must know the SL's IOMMU state. */
	dma_adopt(&rt_params, &h->dma);
	log_init((u16)rt_params.debug_port);
	/* Own descriptor tables first, so a fault is reported, not a reset. */
	idt_init();
	host_cpu_setup(&bsp_host_cpu);
	mm_init(rt_params.hv_phys_base);
	hash_code(code_hash);

	la57 = read_cr4() & X86_CR4_LA57;
	hv_log("xmhf runtime %s: at 0x%llx, %u CPUs, %s-level paging, guest RIP 0x%llx\n",
	       XMHF_VERSION_STRING, rt_params.hv_phys_base, rt_params.num_cpus,
	       la57 ? "5" : "4", rt_params.bsp.rip);

	hv_log("xmhf: measurement: %s, %u events%s\n",
	       evlog.state <= XMHF_MEAS_FAILED ? meas[evlog.state] : "?", evlog.count,
	       evlog.flags & XMHF_EVLOG_F_UNCERTAIN ?
	       "; an extend's outcome is unknown: unload will need the marker" : "");
	delay_init(rt_params.tsc_khz);
	lapic_init();
	/* Before the direct map: no RAM, no heap block in configuration space. */
	if (pci_locate())
		rt_abort("cannot tell where PCI configuration space (ECAM) is");
	if (guest_ram_launch_check(&rt_params))
		rt_abort("the RAM map or a heap block overlaps PCI ECAM");
	if (dmap_init(&rt_params, la57))
		rt_abort("out of memory for the direct map of RAM and the heap");
	if (dma_reserve(&rt_params))
		rt_abort("no contiguous room for the IOMMU's tables");
	if (npt_init(&guest_npt, la57, npt_initial_end()) ||
	    npt_set_4k(&guest_npt, lapic_mmio_base(), true, false) ||
	    intr_mmio_launch(&guest_npt))
		rt_abort("out of memory for the nested page tables");
	if (dma_launch(&rt_params, &guest_npt))
		rt_abort("the IOMMU was free but could not be taken for DMA protection");
	if (pci_init(&guest_npt))
		rt_abort("cannot put PCI configuration space under the hypervisor (ECAM, or SR-IOV VFs enabled)");
	if (ioports_init(&guest_npt, (u16)rt_params.debug_port))
		rt_abort("no known ACPI PM block: the sleep ports cannot be guarded");
	lvt_launch_scrub();
	if (svm_init(&guest_npt) || svm_vcpu_alloc(&bsp_vcpu))
		rt_abort("out of memory for the VMCB");
	if (smp_init(&rt_params, &bsp_vcpu))
		rt_abort("cannot set up the CPUs");
	if (hub_init(&guest_npt))
		rt_abort("a hypapp failed to initialize");
	svm_rebuild_intercepts();
	svm_cpu_enable(&bsp_vcpu);
	svm_vcpu_load(&bsp_vcpu, &rt_params.bsp);
	hub_cpu_main(0);
	if (smp_start_aps(&rt_params))
		rt_abort("an AP did not start");
	if (rt_params.flags & XMHF_SLPB_F_TEST_ABORT)
		rt_abort("the module asked for a test abort before VMRUN");
	hv_log("xmhf: nested paging up to 0x%lx in %lu KiB of tables, heap %lu of %lu KiB used; running Linux as the guest\n",
	       npt_initial_end(), guest_npt.pages * 4,
	       (hv_heap_pages() - hv_heap_free_pages()) * 4, hv_heap_pages() * 4);

	bsp_vcpu.state = XMHF_CPU_GUEST;
	vcpu_loop(&bsp_vcpu);
	/* Only a platform reset on another CPU parks the boot CPU. */
	if (bsp_vcpu.park)
		smp_park_self(&bsp_vcpu);

	smp_park_aps();
	hv_log("xmhf: unload: %lu exits handled on the boot CPU; shutting the hypapps down\n",
	       bsp_vcpu.exits_total);
	hub_shutdown();
	svm_r_init_off();	/* Linux sends INITs to CPUs it brings up */
	hv_log("xmhf: unload: scrubbing and returning to Linux\n");
	scrub_and_return();
}
