// SPDX-License-Identifier: GPL-2.0
/*
 * xmhfctl probe: the probe test hypapp's counters (uapi/xmhf/probe.h),
 * read with its own hypercall from CPL 3.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <xmhf/ioctl.h>
#include <xmhf/probe.h>

#include "xmhfctl.h"

static const char *const class_names[XMHF_PROBE_EV_COUNT] = {
	[XMHF_PROBE_EV_CR] = "cr", [XMHF_PROBE_EV_DR] = "dr",
	[XMHF_PROBE_EV_MSR] = "msr", [XMHF_PROBE_EV_EXCEPTION] = "exception",
	[XMHF_PROBE_EV_SHUTDOWN] = "shutdown", [XMHF_PROBE_EV_NMI] = "nmi", [XMHF_PROBE_EV_DESC] = "desc_table",
	[XMHF_PROBE_EV_INSN] = "insn", [XMHF_PROBE_EV_HYPERCALL] = "hypercall",
	[XMHF_PROBE_EV_IO] = "io", [XMHF_PROBE_EV_NPF] = "npf",
};

static long vmmcall(unsigned long fn, unsigned long a1, unsigned long a2)
{
	long ret;

	asm volatile("vmmcall" : "=a"(ret) : "a"(fn), "D"(a1), "S"(a2) : "memory");
	return ret;
}

/* VMMCALL without the hypervisor is #UD: ask the module first. */
static int launched(void)
{
	struct xmhf_status st = { .size = sizeof(st) };
	int fd = xmhf_open(), ok;

	if (fd < 0)
		return 0;
	ok = !ioctl(fd, XMHF_IOC_STATUS, &st) && st.state == XMHF_STATE_LAUNCHED;
	close(fd);
	if (!ok)
		fprintf(stderr, "xmhfctl: probe: the hypervisor is not launched\n");
	return ok;
}

int cmd_probe(const struct global_opts *g, int argc, char **argv)
{
	static struct xmhf_probe_stats st;
	unsigned long base = 0;
	int i;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] != 'j') {
		printf("usage: xmhfctl [--json] probe\nShows the probe test hypapp's event counters.\n");
		return argv[1][1] == 'h' || argv[1][2] == 'h' ? 0 : EXIT_USAGE;
	}
	if (!launched())
		return 1;
	/* The hypervisor does not fault pages in: the buffer must be resident. */
	memset(&st, 0, sizeof(st));
	for (i = 0; i < 8 && !base; i++)
		if (vmmcall(0x1000 + 0x100 * i + XMHF_PROBE_HC_IDENTIFY, 0, 0) == XMHF_PROBE_MAGIC)
			base = 0x1000 + 0x100 * i;
	if (!base || vmmcall(base + XMHF_PROBE_HC_STATS, (unsigned long)&st, sizeof(st))) {
		fprintf(stderr, "xmhfctl: probe: no probe hypapp in this hypervisor (build with HYPAPPS=\"... probe\")\n");
		return 1;
	}
	if (g->json || (argc > 1 && argv[1][1] == 'j'))
		printf("{");
	for (i = 0; i < XMHF_PROBE_EV_COUNT; i++) {
		if (!class_names[i])
			continue;
		if (g->json || (argc > 1 && argv[1][1] == 'j'))
			printf("%s\"%s\":{\"count\":%llu,\"last\":[%llu,%llu,%llu]}", i ? "," : "",
			       class_names[i], (unsigned long long)st.count[i],
			       (unsigned long long)st.last[i][0], (unsigned long long)st.last[i][1],
			       (unsigned long long)st.last[i][2]);
		else
			printf("%-11s %10llu   last: 0x%llx 0x%llx 0x%llx\n", class_names[i],
			       (unsigned long long)st.count[i], (unsigned long long)st.last[i][0],
			       (unsigned long long)st.last[i][1], (unsigned long long)st.last[i][2]);
	}
	if (g->json || (argc > 1 && argv[1][1] == 'j'))
		printf("}\n");
	return 0;
}
