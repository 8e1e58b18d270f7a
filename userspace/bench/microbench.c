// SPDX-License-Identifier: GPL-2.0
/*
 * microbench: small OS microbenchmarks, run natively and then again with the
 * hypervisor loaded under Linux, so that `make bench` can print the
 * hoisted/native ratio of each.
 *
 *   microbench getpid   [--iterations N] [--repeat R] [--cpu C] [--json]
 *   microbench cpuid    [--iterations N] [--repeat R] [--cpu C] [--json]
 *   microbench forkexec [... same ...] [--exec PATH]
 *   microbench mmap     [... same ...]
 *   microbench time [--json] -- COMMAND [ARG...]
 *
 * Method: R repetitions (default 15) of a loop of N iterations, each timed
 * as a whole with CLOCK_MONOTONIC; the figure is the fastest repetition
 * divided by N.  Noise here only ever adds time (timer interrupts, other
 * work on the host, under QEMU translation-cache flushes and the host's
 * scheduling of the vCPU threads), so the minimum is the steadiest
 * estimate: in the testbench, four runs in one boot spread by 5-7% on the
 * minimum against 20-70% on the median.  The median and the slowest
 * repetition are printed with it.  --cpu pins the loop (and the children
 * of forkexec) to one CPU, so that the figure does not depend on how many
 * CPUs are online or where the scheduler puts the child.
 *
 * `time` runs COMMAND (its stdout goes to our stderr) and prints how long it
 * took in ns; it exits with COMMAND's status.  It stands in for `date +%s%N`,
 * which busybox's date does not support.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "microbench"
#define MAX_REPEAT 101
#define MMAP_SIZE (64u * 1024u)

struct bench {
	const char *name;
	const char *what;
	unsigned long default_iterations;
	int (*loop)(unsigned long n);
};

static const char *exec_path = "/bin/true";

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int loop_getpid(unsigned long n)
{
	pid_t self = getpid();
	unsigned long i;

	/* The raw system call: no libc caching of the pid. */
	for (i = 0; i < n; i++) {
		if (syscall(SYS_getpid) != self) {
			fprintf(stderr, PROG ": getpid returned another pid\n");
			return -1;
		}
	}
	return 0;
}

/* CPUID always exits to the hypervisor: its cost is one world switch. */
static int loop_cpuid(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		unsigned int a = 0, b, c = 0, d;

		asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	}
	return 0;
}

static int loop_forkexec(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
			return -1;
		}
		if (pid == 0) {
			execl(exec_path, exec_path, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid) {
			fprintf(stderr, PROG ": waitpid: %s\n", strerror(errno));
			return -1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, PROG ": %s did not exit with 0 (wait status %#x)%s\n",
				exec_path, status,
				WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
				": exec failed" : "");
			return -1;
		}
	}
	return 0;
}

static int loop_mmap(unsigned long n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long i;

	for (i = 0; i < n; i++) {
		volatile unsigned char *p;
		size_t off;

		p = mmap(NULL, MMAP_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, PROG ": mmap: %s\n", strerror(errno));
			return -1;
		}
		for (off = 0; off < MMAP_SIZE; off += page)
			p[off] = (unsigned char)off;	/* one fault per page */
		if (munmap((void *)p, MMAP_SIZE) != 0) {
			fprintf(stderr, PROG ": munmap: %s\n", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static const struct bench benches[] = {
	{ "getpid", "getpid() system call", 50000, loop_getpid },
	{ "forkexec", "fork + exec + waitpid", 20, loop_forkexec },
	{ "mmap", "mmap 64 KiB / touch each page / munmap", 200, loop_mmap },
	{ "cpuid", "CPUID leaf 0", 2000, loop_cpuid },
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: " PROG " BENCH [--iterations N] [--repeat R] [--json]\n"
		"       " PROG " time [--json] -- COMMAND [ARG...]\n\n"
		"Prints ns per iteration: the fastest of R timed loops of N iterations\n"
		"(CLOCK_MONOTONIC), with the median and the slowest loop.\n\n"
		"benchmarks (default N):\n");
	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		fprintf(f, "  %-9s %s (%lu)\n", benches[i].name, benches[i].what,
			benches[i].default_iterations);
	fprintf(f,
		"  time      run COMMAND (its stdout goes to stderr), print its wall\n"
		"            time in ns, exit with its status\n\n"
		"options:\n"
		"  -n, --iterations N  iterations per loop\n"
		"  -r, --repeat R      timed loops (default 15, at most %d), after one\n"
		"                      untimed warm-up loop of N/10 iterations\n"
		"  -e, --exec PATH     program forkexec runs (default /bin/true)\n"
		"  -c, --cpu N         run (with any child) on CPU N only\n"
		"  -j, --json          one JSON object on stdout\n"
		"  -h, --help          this text\n", MAX_REPEAT);
}

static bool parse_ulong(const char *s, unsigned long min, unsigned long max,
			unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int cmd_time(bool json, int argc, char **argv)
{
	uint64_t t0, t1;
	int status;
	pid_t pid;

	if (argc < 1) {
		fprintf(stderr, PROG ": time: no COMMAND given\n");
		return 2;
	}
	fflush(stdout);
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		/* Our stdout carries only the figure. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, PROG ": cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, PROG ": waitpid: %s\n", strerror(errno));
			return 1;
		}
	}
	t1 = now_ns();
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (json)
		printf("{\"bench\":\"time\",\"ns\":%" PRIu64 ",\"status\":%d}\n",
		       t1 - t0, status);
	else
		printf("%" PRIu64 "\n", t1 - t0);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "exec", required_argument, NULL, 'e' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint64_t t[MAX_REPEAT], med;
	unsigned long iterations = 0, repeat = 15, r, cpu = ULONG_MAX;
	const struct bench *b = NULL;
	const char *name;
	bool json = false;
	size_t i;
	int c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	name = argv[1];
	argc--;
	argv++;

	while ((c = getopt_long(argc, argv, "+n:r:e:c:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!parse_ulong(optarg, 1, 1000000000UL, &iterations)) {
				fprintf(stderr, PROG ": --iterations wants 1..1000000000, got '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'r':
			if (!parse_ulong(optarg, 1, MAX_REPEAT, &repeat)) {
				fprintf(stderr, PROG ": --repeat wants 1..%d, got '%s'\n",
					MAX_REPEAT, optarg);
				return 2;
			}
			break;
		case 'e':
			exec_path = optarg;
			break;
		case 'c':
			if (!parse_ulong(optarg, 0, CPU_SETSIZE - 1, &cpu)) {
				fprintf(stderr, PROG ": --cpu wants a CPU number, got '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	if (cpu != ULONG_MAX) {
		cpu_set_t set;

		/* Children inherit it: fork+exec stays on that CPU too. */
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			fprintf(stderr, PROG ": cannot run on CPU %lu: %s\n", cpu,
				strerror(errno));
			return 1;
		}
	}
	if (!strcmp(name, "time"))
		return cmd_time(json, argc - optind, argv + optind);

	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		if (!strcmp(name, benches[i].name))
			b = &benches[i];
	if (!b) {
		fprintf(stderr, PROG ": unknown benchmark '%s'\n", name);
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!iterations)
		iterations = b->default_iterations;

	/* Warm-up: caches, TLBs, the page cache of the exec'd binary. */
	if (b->loop(iterations / 10 ? iterations / 10 : 1))
		return 1;
	for (r = 0; r < repeat; r++) {
		uint64_t t0 = now_ns();

		if (b->loop(iterations))
			return 1;
		t[r] = now_ns() - t0;
	}
	qsort(t, repeat, sizeof(t[0]), cmp_u64);
	med = repeat % 2 ? t[repeat / 2] : (t[repeat / 2 - 1] + t[repeat / 2]) / 2;

	if (json)
		printf("{\"bench\":\"%s\",\"iterations\":%lu,\"repeat\":%lu,"
		       "\"ns_per_op\":%.1f,\"median_ns_per_op\":%.1f,\"max_ns_per_op\":%.1f}\n",
		       b->name, iterations, repeat, (double)t[0] / (double)iterations,
		       (double)med / (double)iterations,
		       (double)t[repeat - 1] / (double)iterations);
	else
		printf("%s: %s: %.1f ns per iteration (fastest of %lu x %lu; "
		       "median %.1f, slowest %.1f)\n",
		       b->name, b->what, (double)t[0] / (double)iterations, repeat,
		       iterations, (double)med / (double)iterations,
		       (double)t[repeat - 1] / (double)iterations);
	return 0;
}
