// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vmmcall: the peer figure for xmhf-ll's null hypercall.
 *
 * A minimal KVM user.  It creates a VM with one 64 KiB memory slot and one
 * vCPU in real mode, whose code runs VMMCALL in a loop (ECX times, set by
 * this program) and then writes to an I/O port.  KVM handles VMMCALL in the
 * kernel (an unknown hypercall number just gets -KVM_ENOSYS in RAX), so the
 * only exit that reaches userspace is the final OUT.
 *
 * A KVM_RUN with N round trips is timed with CLOCK_MONOTONIC, and so is a
 * KVM_RUN with 1 round trip (the fixed cost: entry, the OUT exit, the trip
 * to userspace), R times each; the figure is the difference of the fastest
 * of each, divided by N - 1: the cost of one VMMCALL round trip handled in
 * the kernel.  The fastest, because noise (interrupts, other work on the
 * host) only ever adds time.
 *
 *   kvm-vmmcall [--iterations N] [--repeat R] [--timeout S] [--json]
 *
 * Exit status: 0 with a figure, 1 when KVM is missing or the guest misbehaved,
 * 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PROG "kvm-vmmcall"

#define MEM_SIZE	0x10000u	/* one slot at guest-physical 0 */
#define CODE_ADDR	0x1000u		/* the loop */
#define TRAP_ADDR	0x0e00u		/* exception stubs, 8 bytes each */
#define STACK_TOP	0x8000u
#define PORT_DONE	0x10		/* the loop is over */
#define PORT_TRAP	0x11		/* the guest took an exception; AL = vector */
#define KVM_ENOSYS_RET	((uint32_t)-1000)	/* -KVM_ENOSYS, 32-bit guest view */

#define DEFAULT_ITERATIONS 20000UL
#define DEFAULT_REPEAT 5UL
#define MAX_REPEAT 100UL
#define DEFAULT_TIMEOUT 120

struct vm {
	int kvm, vm, vcpu;
	uint8_t *mem;
	struct kvm_run *run;
	size_t run_size;
};

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The guest, 16-bit real mode, CS = DS = SS = 0:
 *
 *   1000: 66 31 c0        top:  xor  eax, eax      ; hypercall 0: unknown to KVM
 *   1003: 0f 01 d9              vmmcall            ; KVM: RAX = -KVM_ENOSYS
 *   1006: 66 49                 dec  ecx
 *   1008: 75 f6                 jnz  top
 *   100a: e6 10           done: out  0x10, al
 *   100c: f4                    hlt
 *   100d: eb fb                 jmp  done
 *
 * Every vector of the IVT points at a stub "mov al, vector; out 0x11, al;
 * hlt", so a VMMCALL that KVM does not handle (#UD) is reported, not run
 * into the weeds.  The rest of memory is HLT.
 */
static const uint8_t guest_loop[] = {
	0x66, 0x31, 0xc0,
	0x0f, 0x01, 0xd9,
	0x66, 0x49,
	0x75, 0xf6,
	0xe6, PORT_DONE,
	0xf4,
	0xeb, 0xfb,
};

static void build_guest(uint8_t *mem)
{
	unsigned int v;

	memset(mem, 0xf4, MEM_SIZE);
	for (v = 0; v < 256; v++) {
		unsigned int vec = v < 32 ? v : 255;
		uint16_t stub = (uint16_t)(TRAP_ADDR + 8 * (vec < 32 ? vec : 32));
		uint8_t *s = mem + stub;

		/* IVT entry: offset, segment 0. */
		mem[4 * v] = (uint8_t)stub;
		mem[4 * v + 1] = (uint8_t)(stub >> 8);
		mem[4 * v + 2] = 0;
		mem[4 * v + 3] = 0;
		s[0] = 0xb0;			/* mov al, vec */
		s[1] = (uint8_t)vec;
		s[2] = 0xe6;			/* out PORT_TRAP, al */
		s[3] = PORT_TRAP;
		s[4] = 0xf4;			/* hlt */
		s[5] = 0xeb;			/* jmp $-3 (back to the out) */
		s[6] = 0xfb;
	}
	memcpy(mem + CODE_ADDR, guest_loop, sizeof(guest_loop));
}

static void vm_open(struct vm *vm)
{
	struct kvm_userspace_memory_region region;
	int api, size;

	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0) {
		if (errno == ENOENT)
			die("/dev/kvm does not exist: load kvm_amd (or kvm_intel) first, "
			    "on a CPU with hardware virtualization");
		die("cannot open /dev/kvm: %s", strerror(errno));
	}
	api = ioctl(vm->kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		die("KVM API version %d, expected %d", api, KVM_API_VERSION);
	if (ioctl(vm->kvm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0)
		die("KVM lacks KVM_CAP_USER_MEMORY");

	vm->vm = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->vm < 0)
		die("KVM_CREATE_VM failed: %s (is hardware virtualization enabled and "
		    "not held by another hypervisor?)", strerror(errno));

	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED)
		die("mmap of %u bytes of guest memory: %s", MEM_SIZE, strerror(errno));
	build_guest(vm->mem);

	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

	vm->vcpu = ioctl(vm->vm, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		die("KVM_CREATE_VCPU: %s", strerror(errno));
	size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE returned %d", size);
	vm->run_size = (size_t)size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		die("mmap of the vCPU's kvm_run: %s", strerror(errno));
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = (uint64_t)sel << 4;
	s->limit = 0xffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
}

/* Real mode, everything at segment 0, IP at the loop, ECX = count. */
static void vcpu_reset(struct vm *vm, uint32_t count)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vm->vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS: %s", strerror(errno));
	set_seg(&sregs.cs, 0, 0xb);	/* code, read, accessed */
	set_seg(&sregs.ds, 0, 0x3);	/* data, write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.idt.base = 0;
	sregs.idt.limit = 0x3ff;
	/* Real mode (PE off), caches on (the reset value has CD and NW set). */
	sregs.cr0 &= ~(1ull | (1ull << 29) | (1ull << 30));
	if (ioctl(vm->vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_ADDR;
	regs.rsp = STACK_TOP;
	regs.rflags = 0x2;		/* reserved bit; IF off */
	regs.rcx = count;
	if (ioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS: %s", strerror(errno));
}

static const char *exception_name(unsigned int v)
{
	static const char *const names[32] = {
		[0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF",
		[5] = "#BR", [6] = "#UD", [7] = "#NM", [8] = "#DF", [10] = "#TS",
		[11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF",
		[16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
	};

	return v < 32 && names[v] ? names[v] : "an interrupt";
}

/* Runs the guest loop COUNT times; returns the KVM_RUN time in ns. */
static uint64_t run_loop(struct vm *vm, uint32_t count)
{
	struct kvm_regs regs;
	struct kvm_run *r = vm->run;
	uint64_t t0, t1;
	int rc;

	vcpu_reset(vm, count);
	t0 = now_ns();
	do {
		rc = ioctl(vm->vcpu, KVM_RUN, 0);
	} while (rc < 0 && errno == EINTR && !timed_out);
	t1 = now_ns();
	if (rc < 0) {
		if (timed_out)
			die("the guest did not finish %" PRIu32 " round trips within "
			    "the timeout", count);
		die("KVM_RUN: %s", strerror(errno));
	}

	switch (r->exit_reason) {
	case KVM_EXIT_IO: {
		uint8_t al = 0;

		if (r->io.direction == KVM_EXIT_IO_OUT && r->io.size == 1)
			al = *((uint8_t *)r + r->io.data_offset);
		if (r->io.port == PORT_DONE)
			break;
		if (r->io.port == PORT_TRAP)
			die("the guest took %s (vector %u)%s", exception_name(al), al,
			    al == 6 ? ": VMMCALL was not handled by KVM" : "");
		die("unexpected I/O exit, port %#x", r->io.port);
	}
	case KVM_EXIT_HYPERCALL:
		die("VMMCALL exited to userspace (KVM_EXIT_HYPERCALL, nr %llu): "
		    "this KVM does not handle it in the kernel",
		    (unsigned long long)r->hypercall.nr);
	case KVM_EXIT_FAIL_ENTRY:
		die("VM entry failed, hardware reason %#llx",
		    (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		die("KVM internal error, suberror %u", r->internal.suberror);
	case KVM_EXIT_SHUTDOWN:
		die("the guest shut down (triple fault)");
	case KVM_EXIT_HLT:
		die("the guest halted outside its code");
	default:
		die("unexpected exit reason %u", r->exit_reason);
	}

	/* The loop ran to its end and VMMCALL came back from KVM's handler. */
	if (ioctl(vm->vcpu, KVM_GET_REGS, &regs) < 0)
		die("KVM_GET_REGS: %s", strerror(errno));
	if ((uint32_t)regs.rcx != 0)
		die("the guest left the loop with ECX = %#" PRIx32, (uint32_t)regs.rcx);
	if ((uint32_t)regs.rax != KVM_ENOSYS_RET)
		die("VMMCALL returned EAX = %#" PRIx32 ", expected -KVM_ENOSYS",
		    (uint32_t)regs.rax);
	return t1 - t0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--iterations N] [--repeat R] [--timeout S] [--json]\n\n"
		"Times the round trip of a VMMCALL that KVM handles in the kernel: a\n"
		"real-mode guest runs VMMCALL N times, then exits with one OUT.\n"
		"The figure is (T(N) - T(1)) / (N - 1), where T(n) is the fastest of R\n"
		"KVM_RUNs doing n round trips each (CLOCK_MONOTONIC).\n\n"
		"  -n, --iterations N  round trips in each timed run (default %lu, >= 2)\n"
		"  -r, --repeat R      timed runs of each kind (default %lu, at most %lu)\n"
		"  -t, --timeout S     give up after S seconds (default %d, 0 = never)\n"
		"  -j, --json          one JSON object on stdout\n"
		"  -h, --help          this text\n\n"
		"Needs /dev/kvm (load kvm_amd first).\n",
		DEFAULT_ITERATIONS, DEFAULT_REPEAT, MAX_REPEAT, DEFAULT_TIMEOUT);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long iterations = DEFAULT_ITERATIONS, timeout = DEFAULT_TIMEOUT;
	unsigned long repeat = DEFAULT_REPEAT, r;
	uint64_t t_one = UINT64_MAX, t_n = UINT64_MAX, t;
	struct sigaction sa;
	bool json = false;
	struct vm vm;
	double per;
	int c;

	while ((c = getopt_long(argc, argv, "n:r:t:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!parse_ulong(optarg, UINT32_MAX, &iterations) || iterations < 2) {
				fprintf(stderr, PROG ": --iterations wants 2..%u, got '%s'\n",
					UINT32_MAX, optarg);
				return 2;
			}
			break;
		case 'r':
			if (!parse_ulong(optarg, MAX_REPEAT, &repeat) || !repeat) {
				fprintf(stderr, PROG ": --repeat wants 1..%lu, got '%s'\n",
					MAX_REPEAT, optarg);
				return 2;
			}
			break;
		case 't':
			if (!parse_ulong(optarg, 86400, &timeout)) {
				fprintf(stderr, PROG ": --timeout wants seconds, got '%s'\n",
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
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	/* SIGALRM makes KVM_RUN return EINTR: a guest that never exits is caught. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned int)timeout);

	vm_open(&vm);
	run_loop(&vm, 1);		/* warm-up: faults the guest's pages in */
	for (r = 0; r < repeat; r++) {
		t = run_loop(&vm, 1);
		if (t < t_one)
			t_one = t;
		t = run_loop(&vm, (uint32_t)iterations);
		if (t < t_n)
			t_n = t;
	}
	alarm(0);

	per = t_n > t_one ? (double)(t_n - t_one) / (double)(iterations - 1) : 0.0;
	if (json)
		printf("{\"bench\":\"kvm-vmmcall\",\"iterations\":%lu,\"repeat\":%lu,"
		       "\"ns_per_op\":%.1f,\"run_ns\":%" PRIu64 ",\"fixed_ns\":%" PRIu64 "}\n",
		       iterations, repeat, per, t_n, t_one);
	else
		printf("kvm-vmmcall: VMMCALL round trip handled by KVM: %.1f ns\n"
		       "  fastest of %lu KVM_RUNs with %lu round trips: %.3f ms; with 1 "
		       "(fixed cost: entry, OUT exit, userspace): %.1f us\n",
		       per, repeat, iterations, (double)t_n / 1e6, (double)t_one / 1e3);

	munmap(vm.run, vm.run_size);
	munmap(vm.mem, MEM_SIZE);
	close(vm.vcpu);
	close(vm.vm);
	close(vm.kvm);
	return 0;
}
