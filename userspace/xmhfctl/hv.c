// SPDX-License-Identifier: GPL-2.0
/*
 * xmhfctl log, unload, bench-hypercall and bench-smp: calls into the
 * running hypervisor (and, for bench-smp's IPIs, into the module alone).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
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

/* --iterations for the kernel-timed benchmarks: 1 .. 10^6, as the module takes. */
static int parse_iterations(const char *cmd, const char *arg, __u64 *out)
{
	char *end;

	errno = 0;
	*out = strtoull(arg, &end, 10);
	if (errno || *end || !*out || *out > 1000000) {
		fprintf(stderr, "xmhfctl %s: --iterations wants 1..1000000, not '%s'\n", cmd, arg);
		return -1;
	}
	return 0;
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
	int c, fd;

	while ((c = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_iterations("bench-hypercall", optarg, &req.iterations))
				return EXIT_USAGE;
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

/*
 * The CPUs Linux has online, from sysfs ("0-3,5"); returns how many, or -1
 * if the list cannot be read.
 */
static int online_cpus(cpu_set_t *set)
{
	unsigned long a, b;
	char buf[4096], *p, *end;
	FILE *f;
	int n = 0;

	CPU_ZERO(set);
	f = fopen("/sys/devices/system/cpu/online", "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p)
		return -1;
	while (*p && *p != '\n') {
		a = strtoul(p, &end, 10);
		if (end == p)
			return -1;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return -1;
			p = end;
		}
		for (; a <= b && a < CPU_SETSIZE; a++, n++)
			CPU_SET(a, set);
		if (*p == ',')
			p++;
	}
	return n;
}

/* The first online CPU other than not (-1: none). */
static long first_cpu_but(const cpu_set_t *set, long not)
{
	long i;

	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, set) && i != not)
			return i;
	return -1;
}

static int parse_cpu(const char *opt, const char *arg, long *cpu)
{
	char *end;

	errno = 0;
	*cpu = strtol(arg, &end, 10);
	if (errno || *end || end == arg || *cpu < 0 || *cpu >= CPU_SETSIZE) {
		fprintf(stderr, "xmhfctl bench-smp: %s wants a CPU number, not '%s'\n",
			opt, arg);
		return -1;
	}
	return 0;
}

static int bench_smp_error(const struct xmhf_bench_smp_req *req, long from)
{
	const char *kind = req->kind == XMHF_BENCH_IPI ? "ipi" : "quiesce";

	switch (errno) {
	case ENODEV:
		fprintf(stderr, "xmhfctl bench-smp: %s: the hypervisor is not launched\n",
			kind);
		break;
	case ENOTTY:
		fprintf(stderr, "xmhfctl bench-smp: the module does not know XMHF_IOC_BENCH_SMP (module too old)\n");
		break;
	case EINVAL:
		if (req->kind == XMHF_BENCH_IPI)
			fprintf(stderr, "xmhfctl bench-smp: the module refused %llu IPIs from CPU %ld to CPU %u (EINVAL: is the target online?)\n",
				(unsigned long long)req->iterations, from, req->cpu);
		else
			fprintf(stderr, "xmhfctl bench-smp: the module refused %llu quiesces from CPU %ld (EINVAL)\n",
				(unsigned long long)req->iterations, from);
		break;
	case EIO:
		if (req->kind == XMHF_BENCH_QUIESCE) {
			fprintf(stderr, "xmhfctl bench-smp: the hypervisor refused or failed the quiesce hypercall (EIO; see xmhfctl log)\n");
			break;
		}
		/* fall through */
	default:
		fprintf(stderr, "xmhfctl bench-smp: %s failed: %s\n", kind, strerror(errno));
	}
	return 1;
}

int cmd_bench_smp(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const char usage[] =
		"usage: xmhfctl bench-smp --kind ipi|quiesce [--cpu N] [--from N]\n"
		"                         [--iterations N] [--json]\n"
		"Times SMP operations in the kernel, from one CPU:\n"
		"  ipi      IPI round trips (a synchronous cross-call) to CPU N; works\n"
		"           with the module loaded, launched or not (launch=none)\n"
		"  quiesce  quiesce test hypercalls: the hypervisor stops every other\n"
		"           CPU, changes a nested page table entry and resumes them\n"
		"           (hoisted only)\n"
		"Options:\n"
		"  -k, --kind K        ipi or quiesce (required)\n"
		"  -c, --cpu N         ipi: the target CPU (default: the first online CPU\n"
		"                      other than the one this runs on)\n"
		"  -f, --from N        the CPU to run on (default: the first online CPU,\n"
		"                      or the next one when that is the target)\n"
		"  -n, --iterations N  1..1000000 (default 1000)\n"
		"  -j, --json          one JSON object: kind, iterations, total_ns,\n"
		"                      ns_per_op, stopped, from, cpu\n";
	struct xmhf_bench_smp_req req = { .iterations = 1000 };
	long cpu = -1, from = -1;
	bool json = g->json;
	cpu_set_t online, pin;
	int c, fd, n;

	while ((c = getopt_long(argc, argv, "k:c:f:n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!strcmp(optarg, "ipi")) {
				req.kind = XMHF_BENCH_IPI;
			} else if (!strcmp(optarg, "quiesce")) {
				req.kind = XMHF_BENCH_QUIESCE;
			} else {
				fprintf(stderr, "xmhfctl bench-smp: --kind wants ipi or quiesce, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			if (parse_cpu("--cpu", optarg, &cpu))
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_cpu("--from", optarg, &from))
				return EXIT_USAGE;
			break;
		case 'n':
			if (parse_iterations("bench-smp", optarg, &req.iterations))
				return EXIT_USAGE;
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
	if (optind != argc) {
		fprintf(stderr, "xmhfctl bench-smp: unexpected argument '%s'\n%s",
			argv[optind], usage);
		return EXIT_USAGE;
	}
	if (!req.kind) {
		fprintf(stderr, "xmhfctl bench-smp: --kind is required\n%s", usage);
		return EXIT_USAGE;
	}
	if (req.kind == XMHF_BENCH_QUIESCE && cpu >= 0) {
		fprintf(stderr, "xmhfctl bench-smp: --cpu is for --kind ipi (quiesce stops every other CPU)\n");
		return EXIT_USAGE;
	}
	if (cpu >= 0 && cpu == from) {
		fprintf(stderr, "xmhfctl bench-smp: --cpu and --from are both CPU %ld\n", cpu);
		return EXIT_USAGE;
	}

	n = online_cpus(&online);
	if (n < 0) {
		fprintf(stderr, "xmhfctl bench-smp: cannot read /sys/devices/system/cpu/online\n");
		return 1;
	}
	if (from < 0)
		from = first_cpu_but(&online, cpu);
	if (from < 0) {
		fprintf(stderr, "xmhfctl bench-smp: no online CPU other than CPU %ld to run on\n",
			cpu);
		return 1;
	}
	if (!CPU_ISSET(from, &online)) {
		fprintf(stderr, "xmhfctl bench-smp: CPU %ld is not online\n", from);
		return 1;
	}
	if (req.kind == XMHF_BENCH_IPI) {
		if (cpu < 0)
			cpu = first_cpu_but(&online, from);
		if (cpu < 0) {
			fprintf(stderr, "xmhfctl bench-smp: ipi needs a second online CPU (online: %d)\n",
				n);
			return 1;
		}
		if (!CPU_ISSET(cpu, &online)) {
			fprintf(stderr, "xmhfctl bench-smp: CPU %ld is not online\n", cpu);
			return 1;
		}
		req.cpu = cpu;
	} else {
		/* Not used by quiesce: any other online CPU, else this one. */
		cpu = first_cpu_but(&online, from);
		req.cpu = cpu < 0 ? from : cpu;
		cpu = -1;
	}

	/* The kernel times from the CPU it is called on: pin this thread. */
	CPU_ZERO(&pin);
	CPU_SET(from, &pin);
	if (sched_setaffinity(0, sizeof(pin), &pin)) {
		fprintf(stderr, "xmhfctl bench-smp: cannot run on CPU %ld: %s\n",
			from, strerror(errno));
		return 1;
	}

	fd = xmhf_open();
	if (fd < 0)
		return 1;
	if (ioctl(fd, XMHF_IOC_BENCH_SMP, &req)) {
		int err = errno;

		close(fd);
		errno = err;
		return bench_smp_error(&req, from);
	}
	close(fd);

	if (json) {
		printf("{\"kind\":\"%s\",\"iterations\":%llu,\"total_ns\":%llu,\"ns_per_op\":%llu,\"stopped\":%llu,\"from\":%ld",
		       req.kind == XMHF_BENCH_IPI ? "ipi" : "quiesce",
		       (unsigned long long)req.iterations,
		       (unsigned long long)req.total_ns,
		       (unsigned long long)(req.total_ns / req.iterations),
		       (unsigned long long)req.stopped, from);
		if (cpu >= 0)
			printf(",\"cpu\":%ld", cpu);
		printf("}\n");
	} else if (req.kind == XMHF_BENCH_IPI) {
		printf("%llu IPI round trips, CPU %ld to CPU %ld: %llu ns each\n",
		       (unsigned long long)req.iterations, from, cpu,
		       (unsigned long long)(req.total_ns / req.iterations));
	} else {
		printf("%llu quiesces from CPU %ld, %llu other CPU%s stopped: %llu ns each\n",
		       (unsigned long long)req.iterations, from,
		       (unsigned long long)req.stopped, req.stopped == 1 ? "" : "s",
		       (unsigned long long)(req.total_ns / req.iterations));
	}
	return 0;
}
