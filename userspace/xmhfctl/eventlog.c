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

static void print(const struct xmhf_eventlog *log, bool drtm, bool json,
		  const unsigned char *r1, const unsigned char *r256)
{
	unsigned int i;

	if (json)
		printf("{\"launch\":\"%s\",\"events\":[", drtm ? "drtm" : "emulated");
	else
		printf("launch: %s; PCR 17 starts at %s\n", drtm ? "DRTM" : "emulated",
		       drtm ? "00..00" : "FF..FF");
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
		"Prints every extend the hypervisor made into PCR 17 and the value they replay to.\n";
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
