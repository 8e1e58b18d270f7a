// SPDX-License-Identifier: GPL-2.0
/* xmhfctl status: what the module and the hypervisor report. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <unistd.h>
#include <xmhf/ioctl.h>
#include <xmhf/slparams.h>

#include "xmhfctl.h"

#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

static const char *const exit_names[XMHF_EXIT_CLASSES] = {
	[XMHF_EXIT_CPUID] = "cpuid", [XMHF_EXIT_VMMCALL] = "vmmcall",
	[XMHF_EXIT_MSR] = "msr", [XMHF_EXIT_NPF] = "npf",
	[XMHF_EXIT_SVM_INSN] = "svm_insn", [XMHF_EXIT_SHUTDOWN] = "shutdown",
	[XMHF_EXIT_OTHER] = "other", [XMHF_EXIT_IO] = "io",
	[XMHF_EXIT_EXCEPTION] = "exception", [XMHF_EXIT_INSN] = "insn",
	[XMHF_EXIT_SYSREG] = "cr_dr_ldt", [XMHF_EXIT_NMI] = "nmi",
	[XMHF_EXIT_INIT] = "init", [XMHF_EXIT_APIC] = "apic",
};

/* The hypervisor's totals (page 0) and every CPU's line, all pages. */
struct hv_report {
	struct xmhf_hv_status hv;
	unsigned int ncpu;
	struct xmhf_cpu_status cpu[XMHF_MAX_CPUS];
};

/*
 * How many entries of one page's cpu[] the hypervisor filled in: up to
 * num_cpus, never past the bytes it reported.
 */
static unsigned int hv_cpu_entries(const struct xmhf_hv_status *hv)
{
	size_t base = offsetof(struct xmhf_hv_status, cpu);
	unsigned int n;

	if (hv->size < base || hv->first_cpu >= hv->num_cpus)
		return 0;
	n = hv->num_cpus - hv->first_cpu;
	if (n > XMHF_STATUS_CPUS)
		n = XMHF_STATUS_CPUS;
	if (n > (hv->size - base) / sizeof(hv->cpu[0]))
		n = (hv->size - base) / sizeof(hv->cpu[0]);
	return n;
}

/* Page after page until every CPU is in; 0, or -1 with errno set. */
static int hv_report_get(int fd, struct hv_report *r)
{
	struct xmhf_hv_status *page = &r->hv;
	static struct xmhf_hv_status next;
	unsigned int n;

	memset(r, 0, sizeof(*r));
	if (ioctl(fd, XMHF_IOC_HV_STATUS, page))
		return -1;
	for (;;) {
		n = hv_cpu_entries(page);
		if (n == 0 || r->ncpu + n > XMHF_MAX_CPUS)
			return 0;
		memcpy(&r->cpu[r->ncpu], page->cpu, n * sizeof(page->cpu[0]));
		r->ncpu += n;
		if (r->ncpu >= r->hv.num_cpus)
			return 0;
		memset(&next, 0, sizeof(next));
		next.first_cpu = r->ncpu;
		if (ioctl(fd, XMHF_IOC_HV_STATUS_AT, &next))
			return -1;
		page = &next;
	}
}

static bool hv_has_quiesces(const struct xmhf_hv_status *hv)
{
	return hv->size >= offsetofend(struct xmhf_hv_status, quiesces);
}

/* The table sizes came after cpu[] (an older hypervisor stops before). */
static bool hv_has_tables(const struct xmhf_hv_status *hv)
{
	return hv->size >= offsetofend(struct xmhf_hv_status, dmap_pages);
}

/* The heap's figures came after the table sizes. */
static bool hv_has_heap(const struct xmhf_hv_status *hv)
{
	return hv->size >= offsetofend(struct xmhf_hv_status, heap_free_pages);
}

/* DMA protection came after the heap's figures. */
static bool hv_has_dma(const struct xmhf_hv_status *hv)
{
	return hv->size >= offsetofend(struct xmhf_hv_status, dma_events);
}

/* The virtual IOMMU's refusals came after. */
static bool hv_has_refused(const struct xmhf_hv_status *hv)
{
	return hv->size >= offsetofend(struct xmhf_hv_status, dma_refused);
}

static const char *dma_name(unsigned int mode)
{
	switch (mode) {
	case XMHF_DMA_NO_IOMMU:
		return "no IOMMU";
	case XMHF_DMA_OWNED:
		return "iommu-owned (Linux had it off)";
	case XMHF_DMA_LINUX_IOMMU:
		return "none: Linux uses the IOMMU; emulation not built yet";
	case XMHF_DMA_VIRTUAL:
		return "virtual-iommu (Linux's tables shadowed)";
	}
	return "unknown";
}

/* The words eventlog uses too. */
const char *measure_name(unsigned int state)
{
	switch (state) {
	case XMHF_MEAS_OK:
		return "measured";
	case XMHF_MEAS_FAILED:
		return "unmeasured (TPM error)";
	}
	return "unmeasured (no TPM)";
}

static void print_hv_text(const struct hv_report *r)
{
	const struct xmhf_hv_status *hv = &r->hv;
	unsigned int i, n;

	printf("measurement:    %s, %u events in the log\n",
	       measure_name(hv->measure_state), hv->events);
	printf("hypervisor:     %u.%u, %u CPU%s under it, log %llu bytes\n",
	       hv->version >> 16, hv->version & 0xffff, hv->num_cpus,
	       hv->num_cpus == 1 ? "" : "s", (unsigned long long)hv->log_head);
	printf("exits:          %llu total", (unsigned long long)hv->exits_total);
	for (i = 0; i < XMHF_EXIT_CLASSES; i++)
		if (hv->exits[i])
			printf(", %s %llu", exit_names[i], (unsigned long long)hv->exits[i]);
	printf("\n");
	if (hv_has_quiesces(hv))
		printf("quiesces:       %llu\n", (unsigned long long)hv->quiesces);
	if (hv_has_tables(hv))
		printf("nested page tables: %llu KiB, direct map: %llu KiB\n",
		       (unsigned long long)hv->npt_pages * 4,
		       (unsigned long long)hv->dmap_pages * 4);
	if (hv_has_heap(hv))
		printf("footprint:      %llu KiB in %u block%s of 4 MiB; heap %llu KiB, %llu KiB free\n",
		       (unsigned long long)hv->mem_size >> 10, hv->num_blocks + 1,
		       hv->num_blocks ? "s" : "",
		       (unsigned long long)hv->heap_pages * 4,
		       (unsigned long long)hv->heap_free_pages * 4);
	if (hv_has_dma(hv))
		printf("dma protection: %s, %llu IOMMU event%s\n", dma_name(hv->dma_mode),
		       (unsigned long long)hv->dma_events, hv->dma_events == 1 ? "" : "s");
	if (hv_has_refused(hv))
		printf("dma refused: %llu\n", (unsigned long long)hv->dma_refused);
	n = r->ncpu;
	if (!n)
		return;
	printf("%-4s %7s  %-14s %12s %8s %16s\n",
	       "cpu", "apic id", "state", "exits", "starts", "nmis reinjected");
	for (i = 0; i < n; i++) {
		const struct xmhf_cpu_status *c = &r->cpu[i];

		printf("%-4u %7u  %-14s %12llu %8llu %16llu\n", i, c->apic_id,
		       xmhf_cpu_state_name(c->state),
		       (unsigned long long)c->exits_total,
		       (unsigned long long)c->starts,
		       (unsigned long long)c->nmis_reinjected);
	}
}

static void print_exits_json(const __u64 *exits)
{
	int i;

	printf("{");
	for (i = 0; i < XMHF_EXIT_CLASSES; i++)
		printf("%s\"%s\":%llu", i ? "," : "", exit_names[i],
		       (unsigned long long)exits[i]);
	printf("}");
}

static void print_cpus_json(const struct hv_report *r)
{
	unsigned int i, n = r->ncpu;

	printf(",\"cpus\":[");
	for (i = 0; i < n; i++) {
		const struct xmhf_cpu_status *c = &r->cpu[i];

		printf("%s{\"cpu\":%u,\"apic_id\":%u,\"state\":", i ? "," : "",
		       i, c->apic_id);
		json_str(stdout, xmhf_cpu_state_name(c->state));
		printf(",\"exits_total\":%llu,\"starts\":%llu,\"nmis_reinjected\":%llu,\"exits\":",
		       (unsigned long long)c->exits_total,
		       (unsigned long long)c->starts,
		       (unsigned long long)c->nmis_reinjected);
		print_exits_json(c->exits);
		printf("}");
	}
	printf("]");
}

/*
 * "num_cpus" is the hypervisor's count, "cpus" one object per CPU it
 * reports, in its order ([0] is the boot CPU; match Linux's CPUs by APIC
 * ID).
 */
static void print_hv_json(const struct hv_report *r)
{
	const struct xmhf_hv_status *hv = &r->hv;

	printf(",\"hypervisor\":{\"version\":\"%u.%u\",\"num_cpus\":%u,\"measurement\":",
	       hv->version >> 16, hv->version & 0xffff, hv->num_cpus);
	json_str(stdout, measure_name(hv->measure_state));
	printf(",\"events\":%u,\"log_head\":%llu,\"exits_total\":%llu,\"exits\":",
	       hv->events, (unsigned long long)hv->log_head,
	       (unsigned long long)hv->exits_total);
	print_exits_json(hv->exits);
	if (hv_has_quiesces(hv))
		printf(",\"quiesces\":%llu", (unsigned long long)hv->quiesces);
	if (hv_has_tables(hv))
		printf(",\"npt_kib\":%llu,\"dmap_kib\":%llu",
		       (unsigned long long)hv->npt_pages * 4,
		       (unsigned long long)hv->dmap_pages * 4);
	if (hv_has_heap(hv))
		printf(",\"mem_size\":%llu,\"blocks\":%u,\"heap_kib\":%llu,\"heap_free_kib\":%llu",
		       (unsigned long long)hv->mem_size, hv->num_blocks + 1,
		       (unsigned long long)hv->heap_pages * 4,
		       (unsigned long long)hv->heap_free_pages * 4);
	if (hv_has_dma(hv)) {
		printf(",\"dma_protection\":");
		json_str(stdout, dma_name(hv->dma_mode));
		printf(",\"dma_events\":%llu", (unsigned long long)hv->dma_events);
		if (hv_has_refused(hv))
			printf(",\"dma_refused\":%llu", (unsigned long long)hv->dma_refused);
	}
	print_cpus_json(r);
	printf("}");
}

static void print_text(const struct xmhf_status *st)
{
	unsigned int i;

	printf("state:          %s", xmhf_state_name(st->state));
	if (st->state == XMHF_STATE_LAUNCHED)
		printf(" (%s)\n", xmhf_launch_kind_name(st->launch_kind));
	else if (st->state == XMHF_STATE_LOADED)
		printf(" (not launched)\n");
	else
		printf("\n");
	printf("launch kind:    %s\n", xmhf_launch_kind_name(st->launch_kind));
	printf("module:         %s\n", st->module_version);
	printf("blob:           %s (format %u.%u)\n", st->blob_build_id,
	       st->blob_fmt_major, st->blob_fmt_minor);
	printf("memory:         %llu KiB", (unsigned long long)st->mem_size >> 10);
	if (st->mem_phys)
		printf(" at %#llx", (unsigned long long)st->mem_phys);
	for (i = 0; st->mem_phys && i < st->num_blocks && i < XMHF_MAX_BLOCKS; i++)
		printf(", %#llx", (unsigned long long)st->blocks_phys[i]);
	printf("\n");
	printf("secure loader:  %llu bytes\n", (unsigned long long)st->sl_size);
	printf("runtime:        %llu KiB\n", (unsigned long long)st->rt_mem_size >> 10);
	printf("cpus online:    %u\n", st->num_cpus);
}

static void print_json(const struct xmhf_status *st)
{
	unsigned int i;

	printf("{\"state\":");
	json_str(stdout, xmhf_state_name(st->state));
	printf(",\"launched\":%s,\"launch_kind\":",
	       st->state == XMHF_STATE_LAUNCHED ? "true" : "false");
	json_str(stdout, xmhf_launch_kind_name(st->launch_kind));
	printf(",\"module_version\":");
	json_str(stdout, st->module_version);
	printf(",\"blob_build_id\":");
	json_str(stdout, st->blob_build_id);
	printf(",\"blob_format\":\"%u.%u\"", st->blob_fmt_major, st->blob_fmt_minor);
	printf(",\"mem_size\":%llu,\"mem_phys\":%llu,\"sl_size\":%llu,\"rt_mem_size\":%llu",
	       (unsigned long long)st->mem_size, (unsigned long long)st->mem_phys,
	       (unsigned long long)st->sl_size, (unsigned long long)st->rt_mem_size);
	printf(",\"cpus_online\":%u", st->num_cpus);
	/* The first block's base is mem_phys; these are the others. */
	printf(",\"blocks_phys\":[");
	for (i = 0; i < st->num_blocks && i < XMHF_MAX_BLOCKS; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)st->blocks_phys[i]);
	printf("]");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xmhfctl [--json] status\n"
		"Shows whether the hypervisor is loaded or launched, and its footprint.\n"
		"Once launched, also the hypervisor's exit counters, how many times it\n"
		"stopped the other CPUs (quiesces) and one line per CPU under it: index,\n"
		"APIC ID, state, exits, guest starts (SIPIs), NMIs reinjected.\n");
}

int cmd_status(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ 0 }
	};
	struct xmhf_status st;
	static struct hv_report hv;
	bool json = g->json, have_hv = false;
	int c, fd, err;

	while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'j':
			json = true;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xmhfctl status: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	fd = xmhf_open();
	if (fd < 0)
		return 1;
	err = xmhf_get_status(fd, &st);
	memset(&hv, 0, sizeof(hv));
	if (!err && st.state == XMHF_STATE_LAUNCHED) {
		/* The hypervisor's own report, through a hypercall. */
		if (hv_report_get(fd, &hv) == 0)
			have_hv = true;
		else
			fprintf(stderr, "xmhfctl: the hypervisor's status hypercall failed: %s\n",
				strerror(errno));
	}
	close(fd);
	if (err)
		return 1;
	if (json) {
		print_json(&st);
		if (have_hv)
			print_hv_json(&hv);
		printf("}\n");
	} else {
		print_text(&st);
		if (have_hv)
			print_hv_text(&hv);
	}
	return 0;
}
