// SPDX-License-Identifier: GPL-2.0
/* xmhfctl log, unload and bench-hypercall: calls into the running hypervisor. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <xmhf/ioctl.h>
#include <xmhf/log.h>

#include "xmhfctl.h"

/* Parses "--help" (and nothing else) for commands without options. */
static int no_options(const char *usage, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("%s", usage);
			return 0;
		}
		fprintf(stderr, "%s", usage);
		return EXIT_USAGE;
	}
	if (optind != argc) {
		fprintf(stderr, "xmhfctl: unexpected argument '%s'\n%s", argv[optind], usage);
		return EXIT_USAGE;
	}
	return -1;
}

static int hv_error(const char *what)
{
	if (errno == ENODEV)
		fprintf(stderr, "xmhfctl: %s: the hypervisor is not launched\n", what);
	else
		fprintf(stderr, "xmhfctl: %s failed: %s\n", what, strerror(errno));
	return 1;
}

int cmd_log(const struct global_opts *g, int argc, char **argv)
{
	static char buf[XMHF_LOG_SIZE];
	struct xmhf_log_req req = { .buf = (unsigned long)buf, .size = sizeof(buf) };
	int fd, ret = no_options("usage: xmhfctl log\nPrints the hypervisor's log.\n",
				 argc, argv);

	(void)g;
	if (ret >= 0)
		return ret;
	fd = xmhf_open();
	if (fd < 0)
		return 1;
	do {
		if (ioctl(fd, XMHF_IOC_LOG, &req)) {
			ret = hv_error("reading the log");
			break;
		}
		fwrite(buf, 1, req.len, stdout);
		req.pos += req.len;
		ret = 0;
	} while (req.len && req.pos < req.head);
	close(fd);
	return ret;
}

int cmd_unload(const struct global_opts *g, int argc, char **argv)
{
	int fd, ret = no_options("usage: xmhfctl unload\nDevirtualizes: the hypervisor leaves, Linux runs natively.\n",
				 argc, argv);

	(void)g;
	if (ret >= 0)
		return ret;
	fd = xmhf_open();
	if (fd < 0)
		return 1;
	ret = 0;
	if (ioctl(fd, XMHF_IOC_UNLOAD))
		ret = hv_error("unload");
	else
		printf("hypervisor unloaded; Linux runs natively\n");
	close(fd);
	return ret;
}

int cmd_bench_hypercall(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const char usage[] = "usage: xmhfctl bench-hypercall [--iterations N] [--json]\n"
		"Times N null hypercalls issued from the kernel (default 10000).\n";
	struct xmhf_bench_req req = { .iterations = 10000 };
	bool json = g->json;
	char *end;
	int c, fd;

	while ((c = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			errno = 0;
			req.iterations = strtoull(optarg, &end, 10);
			if (errno || *end || !req.iterations || req.iterations > 1000000) {
				fprintf(stderr, "xmhfctl: --iterations wants 1..1000000, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("%s", usage);
			return 0;
		default:
			fprintf(stderr, "%s", usage);
			return EXIT_USAGE;
		}
	}
	fd = xmhf_open();
	if (fd < 0)
		return 1;
	if (ioctl(fd, XMHF_IOC_BENCH, &req)) {
		close(fd);
		return hv_error("bench");
	}
	close(fd);
	if (json)
		printf("{\"iterations\":%llu,\"total_ns\":%llu,\"ns_per_call\":%llu}\n",
		       (unsigned long long)req.iterations, (unsigned long long)req.total_ns,
		       (unsigned long long)(req.total_ns / req.iterations));
	else
		printf("%llu null hypercalls: %llu ns each\n",
		       (unsigned long long)req.iterations,
		       (unsigned long long)(req.total_ns / req.iterations));
	return 0;
}
