// SPDX-License-Identifier: GPL-2.0
/*
 * xmhfctl eventlog: the hypervisor's measurement log, and PCR 17 replayed
 * from it (from FF..FF for the emulated launch, 00..00 for DRTM), so a
 * reader can compare it with `xmhfctl pcr`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <openssl/evp.h>
#include <xmhf/ioctl.h>
#include <xmhf/slparams.h>

#include "xmhfctl.h"

static const char *event_type(unsigned int type)
{
	switch (type) {
	case XMHF_EV_SLB:
		return "slb";
	case XMHF_EV_RUNTIME:
		return "runtime";
	case XMHF_EV_UNLOAD:
		return "unload";
	}
	return "unknown";
}

static void hex(const unsigned char *d, size_t n)
{
	while (n--)
		printf("%02x", *d++);
}

/* PCR = H(PCR || digest) over the log, in one bank. */
static int replay(const struct xmhf_eventlog *log, const EVP_MD *md,
		  size_t off, size_t len, bool drtm, unsigned char *pcr)
{
	unsigned int i, n;

	memset(pcr, drtm ? 0x00 : 0xff, len);
	for (i = 0; i < log->count && i < XMHF_EVLOG_MAX; i++) {
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		int ok = c && EVP_DigestInit_ex(c, md, NULL) &&
			 EVP_DigestUpdate(c, pcr, len) &&
			 EVP_DigestUpdate(c, (const unsigned char *)&log->ev[i] + off, len) &&
			 EVP_DigestFinal_ex(c, pcr, &n);

		EVP_MD_CTX_free(c);
		if (!ok)
			return -1;
	}
	return 0;
}

/*
 * What the log says of the launch's extends before the events: a replay
 * of a log whose extends failed is not what PCR 17 holds.
 */
static void print_state(const struct xmhf_eventlog *log, bool json)
{
	bool uncertain = log->flags & XMHF_EVLOG_F_UNCERTAIN;

	if (json) {
		printf("\"measurement\":");
		json_str(stdout, measure_name(log->state));
		printf(",\"tpm_error\":%d,\"tpm_rc\":%u,\"uncertain\":%s,",
		       log->state == XMHF_MEAS_FAILED ? log->tpm_error : 0,
		       log->tpm_rc, uncertain ? "true" : "false");
		return;
	}
	printf("measurement: %s", measure_name(log->state));
	if (log->state == XMHF_MEAS_FAILED)
		printf(": TPM error %d, TPM rc 0x%x; the events below may not all be in PCR 17",
		       log->tpm_error, log->tpm_rc);
	printf("\n");
	if (uncertain)
		printf("uncertain: an extend got no answer after the TPM took it, so the TPM\n"
		       "   may have made it: PCR 17 may hold more than the events below replay\n"
		       "   to, even a golden value; unload extends the marker all the same\n");
}

static void print(const struct xmhf_eventlog *log, bool drtm, bool json,
		  const unsigned char *r1, const unsigned char *r256)
{
	unsigned int i;

	if (json) {
		printf("{\"launch\":\"%s\",", drtm ? "drtm" : "emulated");
		print_state(log, true);
		printf("\"events\":[");
	} else {
		printf("launch: %s; PCR 17 starts at %s\n", drtm ? "DRTM" : "emulated",
		       drtm ? "00..00" : "FF..FF");
		print_state(log, false);
	}
	for (i = 0; i < log->count && i < XMHF_EVLOG_MAX; i++) {
		const struct xmhf_event *e = &log->ev[i];

		if (json) {
			printf("%s{\"pcr\":%u,\"type\":\"%s\",\"description\":", i ? "," : "",
			       e->pcr, event_type(e->type));
			json_str(stdout, e->desc);
			printf(",\"sha1\":\"");
			hex(e->sha1, sizeof(e->sha1));
			printf("\",\"sha256\":\"");
			hex(e->sha256, sizeof(e->sha256));
			printf("\"}");
		} else {
			printf("%u: PCR %u %-8s %s\n   sha1   ", i, e->pcr,
			       event_type(e->type), e->desc);
			hex(e->sha1, sizeof(e->sha1));
			printf("\n   sha256 ");
			hex(e->sha256, sizeof(e->sha256));
			printf("\n");
		}
	}
	printf(json ? "],\"replay\":{\"sha1\":\"" : "replayed PCR 17:\n   sha1   ");
	hex(r1, 20);
	printf(json ? "\",\"sha256\":\"" : "\n   sha256 ");
	hex(r256, 32);
	printf(json ? "\"}}\n" : "\n");
}

int cmd_eventlog(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const char usage[] = "usage: xmhfctl eventlog [--json]\n"
		"Prints every extend the hypervisor made into PCR 17 and the value they replay to.\n"
		"It says first whether the launch was measured, and whether an extend's outcome\n"
		"is unknown (the TPM took it and never answered): then PCR 17 may hold more.\n";
	struct xmhf_eventlog log;
	struct xmhf_status st = { .size = sizeof(st) };
	unsigned char r1[20], r256[32];
	bool json = g->json, drtm;
	int c, fd;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'h') {
			printf("%s", usage);
			return 0;
		} else {
			fprintf(stderr, "%s", usage);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "xmhfctl eventlog: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	fd = xmhf_open();
	if (fd < 0)
		return 1;
	if (ioctl(fd, XMHF_IOC_STATUS, &st) || ioctl(fd, XMHF_IOC_EVENTLOG, &log)) {
		fprintf(stderr, "xmhfctl: reading the event log failed: %s\n",
			errno == ENODEV ? "the hypervisor is not launched" : strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	drtm = st.launch_kind == XMHF_LAUNCH_SKINIT || st.launch_kind == XMHF_LAUNCH_SENTER;
	if (replay(&log, EVP_sha1(), offsetof(struct xmhf_event, sha1), 20, drtm, r1) ||
	    replay(&log, EVP_sha256(), offsetof(struct xmhf_event, sha256), 32, drtm, r256)) {
		fprintf(stderr, "xmhfctl: OpenSSL failed to replay the log\n");
		return 1;
	}
	print(&log, drtm, json, r1, r256);
	return 0;
}
