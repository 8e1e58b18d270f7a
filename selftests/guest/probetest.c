// SPDX-License-Identifier: GPL-2.0
/*
 * probetest: triggers every event class the hub dispatches and checks
 * the probe hypapp saw each with the right details (issue 6, acceptance
 * 1); then unsubscribes and checks the exits stop.  Needs the probe blob
 * (modprobe xmhf blob=xmhf/xmhf-probe.bin selftest=1).  Prints TAP.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <asm/ldt.h>
#include <linux/perf_event.h>
#include <linux/hw_breakpoint.h>
#include <xmhf/ioctl.h>
#include <xmhf/probe.h>
#include "guest_test.h"

static unsigned long base;
static struct xmhf_probe_stats st;

static int stats(void)
{
	long r = vmmcall(base + XMHF_PROBE_HC_STATS, (unsigned long)&st, sizeof(st));

	if (r)
		printf("# STATS hypercall failed: %ld\n", r);
	return r == 0;
}

/* Exit status of a child that ran fn: the signal that killed it. */
static int child_signal(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void do_int3(void) { asm volatile("int3"); }
static void do_ud2(void) { asm volatile("ud2"); }

static void do_cpuid(void)
{
	unsigned int a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

/* RDTSCP: ECX is TSC_AUX, which Linux sets to the CPU (and node) number. */
static unsigned int do_rdtscp(void)
{
	unsigned int a, d, c;

	asm volatile("rdtscp" : "=a"(a), "=d"(d), "=c"(c));
	return c;
}

/*
 * The same with a REX prefix (48 0f 01 f9), EDI set and CF clear: RIP
 * must move past all 4 bytes.  Landing 2 short runs "01 f9" (ADD ECX,
 * EDI), landing 1 short runs "f9" (STC): either shows, in ECX or in CF
 * (RDTSCP leaves the flags alone).  Bit 31 of the result is CF.
 */
static unsigned int do_rex_rdtscp(void)
{
	unsigned int a, d, c;
	unsigned char cf;

	asm volatile("mov $0x1000, %%edi\n\tclc\n\t.byte 0x48, 0x0f, 0x01, 0xf9\n\tsetc %3"
		     : "=a"(a), "=d"(d), "=c"(c), "=q"(cf) : : "rdi", "cc");
	return c | (unsigned int)cf << 31;
}

/* WBINVD needs CPL 0: the probe module runs it (selftests/kmod/xmhf_svmprobe). */
static int do_wbinvd(void)
{
	return system("echo wbinvd > /sys/module/xmhf_svmprobe/parameters/cmd && "
		      "grep -qx ok /sys/module/xmhf_svmprobe/parameters/cmd");
}

static int msr(int fd, int write, uint64_t *val)
{
	struct xmhf_test_msr m = { .msr = XMHF_PROBE_MSR, .write = write, .value = *val };
	int err = ioctl(fd, XMHF_IOC_TEST_MSR, &m);

	*val = m.value;
	return err;
}

static uint64_t gpa_of(void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	pread(fd, &e, 8, ((uintptr_t)p / 4096) * 8);
	close(fd);
	return (e & ((1ull << 55) - 1)) * 4096;
}

static uint64_t hv_exits(int fd, int cls)
{
	struct xmhf_hv_status hv;

	return ioctl(fd, XMHF_IOC_HV_STATUS, &hv) ? 0 : hv.exits[cls];
}

int main(void)
{
	uint64_t before[XMHF_PROBE_EV_COUNT], v = 0, gpa, io0, exc0, insn0;
	volatile char *page;
	int i, fd = open(XMHF_DEVICE_PATH, O_RDWR);

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..46\n");
	for (i = 0; i < 8 && !base; i++)
		if (vmmcall(0x1000 + 0x100 * i + XMHF_PROBE_HC_IDENTIFY, 0, 0) == XMHF_PROBE_MAGIC)
			base = 0x1000 + 0x100 * i;
	if (!base || fd < 0 || ioperm(XMHF_PROBE_PORT - 3, 8, 1) ||
	    system("modprobe xmhf_svmprobe")) {
		printf("Bail out! no probe hypapp, /dev/xmhf, ioperm or xmhf_svmprobe\n");
		return 1;
	}
	stats();
	memcpy(before, st.count, sizeof(before));
	uint64_t cpuid0 = st.insn_count[0], rdtsc0 = st.insn_count[1], hlt0 = st.insn_count[3];

	for (i = 0; i < 5; i++)
		do_cpuid();
	for (i = 0; i < 3; i++)
		asm volatile("rdtsc" ::: "eax", "edx");
	outb(0x5a, XMHF_PROBE_PORT);
	(void)inb(XMHF_PROBE_PORT);
	msr(fd, 0, &v);
	ok(child_signal(do_int3) == SIGTRAP, "int3 still gives the process SIGTRAP");
	ok(child_signal(do_ud2) == SIGILL, "ud2 still gives the process SIGILL");
	usleep(200000);			/* the kernel's idle loop HLTs meanwhile */
	stats();
	ok(st.insn_count[0] - cpuid0 >= 5, "CPUID: counted");
	ok(st.insn_count[1] - rdtsc0 >= 3, "RDTSC: counted");
	ok(st.insn_count[3] > hlt0, "HLT (the idle loop): counted");
	ok(st.count[XMHF_PROBE_EV_IO] - before[XMHF_PROBE_EV_IO] >= 2, "port I/O: counted");
	ok(st.last[XMHF_PROBE_EV_IO][0] == XMHF_PROBE_PORT && st.last[XMHF_PROBE_EV_IO][1] == (1 | 1 << 8 | 1 << 16),
	   "port I/O: last was a 1-byte IN from the probe's port, a 1-byte instruction");
	/* Wider accesses that cover the port are the probe's too, with their lengths. */
	uint64_t n_io = st.count[XMHF_PROBE_EV_IO];
	outl(0x11223344, XMHF_PROBE_PORT - 3);		/* ef: covers port-3 .. port */
	stats();
	ok(st.count[XMHF_PROBE_EV_IO] == n_io + 1 && st.last[XMHF_PROBE_EV_IO][0] == XMHF_PROBE_PORT - 3 &&
	   st.last[XMHF_PROBE_EV_IO][1] == (4 | 1 << 16) && st.last[XMHF_PROBE_EV_IO][2] == 0x11223344,
	   "port I/O: a 4-byte OUT at port-3 covers the port: seen (port-3, 4 bytes, 1-byte insn)");
	outw(0x5566, XMHF_PROBE_PORT - 1);		/* 66 ef */
	stats();
	ok(st.count[XMHF_PROBE_EV_IO] == n_io + 2 && st.last[XMHF_PROBE_EV_IO][0] == XMHF_PROBE_PORT - 1 &&
	   st.last[XMHF_PROBE_EV_IO][1] == (2 | 2 << 16),
	   "port I/O: a 2-byte OUT at port-1: seen, with the operand-size prefix in its length (2)");
	asm volatile("inl %w1, %0" : "=a"(i) : "Nd"((uint16_t)(XMHF_PROBE_PORT - 2)));	/* ed */
	stats();
	ok(st.count[XMHF_PROBE_EV_IO] == n_io + 3 && st.last[XMHF_PROBE_EV_IO][1] == (4 | 1 << 8 | 1 << 16),
	   "port I/O: a 4-byte IN at port-2: seen");
	outl(0x11223344, XMHF_PROBE_PORT + 1);		/* starts past the port */
	stats();
	ok(st.count[XMHF_PROBE_EV_IO] == n_io + 3, "port I/O: a 4-byte OUT at port+1 is not the probe's");
	(void)inb(XMHF_PROBE_PORT);	/* the last I/O event is the port's own again (85-probe.t) */
	ok(st.count[XMHF_PROBE_EV_MSR] > before[XMHF_PROBE_EV_MSR], "MSR read: counted");
	ok(st.last[XMHF_PROBE_EV_MSR][0] == XMHF_PROBE_MSR && st.last[XMHF_PROBE_EV_MSR][1] == 0,
	   "MSR read: details (MSR 0x8b, read)");
	v = 0;
	msr(fd, 1, &v);
	stats();
	ok(st.last[XMHF_PROBE_EV_MSR][1] == 1, "MSR write: counted with its details");
	/* QEMU TCG raises INT3 as a software interrupt: no #BP intercept exit there. */
	ok(st.count[XMHF_PROBE_EV_EXCEPTION] - before[XMHF_PROBE_EV_EXCEPTION] >= 1, "#UD: counted");
	ok(st.last[XMHF_PROBE_EV_EXCEPTION][0] == 6, "exception: last was #UD (vector 6)");
	ok(st.count[XMHF_PROBE_EV_HYPERCALL] > before[XMHF_PROBE_EV_HYPERCALL], "the probe's own hypercall: counted");

	/*
	 * RDTSCP on the last CPU (TSC_AUX is then not 0, which a broken
	 * emulation could give too), PAUSE, and WBINVD from the kernel.
	 */
	cpu_set_t was, cpu0;
	unsigned int aux = ~0u, rex_aux = ~0u;
	int last = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	uint64_t rdtscp0 = st.insn_count[XMHF_PROBE_INSN_RDTSCP];
	uint64_t pause0 = st.insn_count[XMHF_PROBE_INSN_PAUSE];
	uint64_t wbinvd0 = st.insn_count[XMHF_PROBE_INSN_WBINVD];

	sched_getaffinity(0, sizeof(was), &was);
	CPU_ZERO(&cpu0);
	CPU_SET(last, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	for (i = 0; i < 3; i++)
		aux = do_rdtscp();
	rex_aux = do_rex_rdtscp();
	sched_setaffinity(0, sizeof(was), &was);
	for (i = 0; i < 3; i++)
		asm volatile("pause");
	i = do_wbinvd();
	stats();
	ok(st.insn_count[XMHF_PROBE_INSN_RDTSCP] - rdtscp0 >= 3, "RDTSCP: counted");
	printf("# on CPU %d: RDTSCP gave ECX %#x, the REX-prefixed one %#x\n", last, aux, rex_aux);
	ok((aux & 0xfff) == (unsigned int)last, "RDTSCP still loads TSC_AUX into ECX (the last CPU's number)");
	ok((rex_aux & 0x80000fff) == (unsigned int)last,
	   "a REX-prefixed RDTSCP: ECX is TSC_AUX, CF clear: RIP moved past all 4 bytes");
	ok(st.insn_count[XMHF_PROBE_INSN_PAUSE] - pause0 >= 3, "PAUSE: counted");
	ok(i == 0 && st.insn_count[XMHF_PROBE_INSN_WBINVD] - wbinvd0 >= 1,
	   "WBINVD (at CPL 0, by xmhf_svmprobe): counted");

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		printf("Bail out! mmap failed\n");
		return 1;
	}
	page[0] = 1;
	mlock((void *)page, 4096);	/* keep the frame the probe protects */
	gpa = gpa_of((void *)page);
	/* CPL 3 may not change nested permissions; the kernel (CPL 0) may. */
	ok(vmmcall(base + XMHF_PROBE_HC_PROTECT, gpa, 0) == XMHF_HC_E_PERM,
	   "PROTECT from CPL 3 is refused (XMHF_HC_E_PERM)");
	struct xmhf_raw_hypercall rh = { .fn = base + XMHF_PROBE_HC_PROTECT, .a1 = gpa };
	ok(gpa && !ioctl(fd, XMHF_IOC_TEST_HYPERCALL, &rh) && rh.ret == 0,
	   "the probe write-protects our page (PROTECT from CPL 0)");
	page[8] = 42;			/* NPF: the probe lifts the protection, retry */
	stats();
	ok(page[8] == 42, "the write went through after the probe's retry");
	ok(st.count[XMHF_PROBE_EV_NPF] > before[XMHF_PROBE_EV_NPF], "NPF on the protected page: counted");
	ok((st.last[XMHF_PROBE_EV_NPF][0] & ~0xfffull) == gpa && st.last[XMHF_PROBE_EV_NPF][1],
	   "NPF: details (our page, a write)");

	/* CR4 write: PR_SET_TSC makes Linux set CR4.TSD for this task. */
	prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0);
	stats();
	ok(st.count[XMHF_PROBE_EV_CR] > before[XMHF_PROBE_EV_CR], "CR4 write: counted");
	ok(st.last[XMHF_PROBE_EV_CR][0] == 4 && (st.last[XMHF_PROBE_EV_CR][1] & 4),
	   "CR4 write: details (CR4, TSD set)");
	prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0);

	/* DR7 write: a hardware breakpoint on one of our variables. */
	static volatile long watched;
	struct perf_event_attr pa = { .type = PERF_TYPE_BREAKPOINT, .size = sizeof(pa),
		.bp_type = HW_BREAKPOINT_W, .bp_addr = (uintptr_t)&watched,
		.bp_len = HW_BREAKPOINT_LEN_8, .exclude_kernel = 1 };
	int pfd = syscall(SYS_perf_event_open, &pa, 0, -1, -1, 0);
	watched = 1;
	stats();
	ok(pfd >= 0 && st.count[XMHF_PROBE_EV_DR] > before[XMHF_PROBE_EV_DR], "DR7 write: counted");
	ok(st.last[XMHF_PROBE_EV_DR][0] == 7, "DR7 write: details (DR7)");
	if (pfd >= 0)
		close(pfd);

	/* LLDT: installing an LDT makes Linux load it. */
	struct user_desc ud = { .entry_number = 0, .base_addr = 0, .limit = 0xfff,
		.seg_32bit = 1, .useable = 1 };
	long lrc = syscall(SYS_modify_ldt, 1, &ud, sizeof(ud));
	stats();
	ok(lrc == 0 && st.count[XMHF_PROBE_EV_DESC] > before[XMHF_PROBE_EV_DESC], "LLDT: counted");
	ok(st.last[XMHF_PROBE_EV_DESC][0] != 0, "LLDT: details (a non-null LDT selector)");

	/* Linux's INIT to an AP it onlines, and the NMIs of sysrq l (backtraces). */
	if (access("/sys/devices/system/cpu/cpu1/online", W_OK) == 0) {
		stats();
		memcpy(before, st.count, sizeof(before));
		i = system("echo 0 > /sys/devices/system/cpu/cpu1/online && "
			   "echo 1 > /sys/devices/system/cpu/cpu1/online");
		stats();
		ok(i == 0 && st.count[XMHF_PROBE_EV_SHUTDOWN] > before[XMHF_PROBE_EV_SHUTDOWN] &&
		   st.last[XMHF_PROBE_EV_SHUTDOWN][0] == 0, "guest INIT (CPU 1 onlined): counted, not a shutdown");
		i = system("echo l > /proc/sysrq-trigger");
		usleep(300000);
		stats();
		ok(i == 0 && st.count[XMHF_PROBE_EV_NMI] > before[XMHF_PROBE_EV_NMI],
		   "guest NMI (sysrq l backtraces): counted");
	} else {
		printf("ok %d - guest INIT: counted # SKIP one CPU only\n", ++n);
		printf("ok %d - guest NMI: counted # SKIP one CPU only\n", ++n);
	}

	/*
	 * SELFCHECK must see a change to the runtime's code and rodata: the
	 * probe flips a byte of its own rodata (a test-only hypercall), and
	 * flips it back.
	 */
	ok(ioctl(fd, XMHF_IOC_SELFCHECK) == 1, "self-check: the runtime is unchanged");
	ok(vmmcall(base + XMHF_PROBE_HC_FLIP, 0, 0) == (XMHF_PROBE_FLIP_BYTE ^ 0xff),
	   "the probe flipped a byte of its rodata");
	ok(ioctl(fd, XMHF_IOC_SELFCHECK) == 0, "self-check reports the changed runtime");
	ok(vmmcall(base + XMHF_PROBE_HC_FLIP, 0, 0) == XMHF_PROBE_FLIP_BYTE &&
	   ioctl(fd, XMHF_IOC_SELFCHECK) == 1, "self-check: unchanged again once flipped back");

	/* Unsubscribe: the intercepts go off, so no more exits of those classes. */
	vmmcall(base + XMHF_PROBE_HC_UNSUBSCRIBE, 1 << XMHF_PROBE_EV_MSR | 1 << XMHF_PROBE_EV_IO |
		1 << XMHF_PROBE_EV_EXCEPTION | 1 << XMHF_PROBE_EV_INSN | 1 << XMHF_PROBE_EV_CR |
		1 << XMHF_PROBE_EV_DR | 1 << XMHF_PROBE_EV_DESC, 0);
	stats();
	memcpy(before, st.count, sizeof(before));
	io0 = hv_exits(fd, XMHF_EXIT_IO);
	exc0 = hv_exits(fd, XMHF_EXIT_EXCEPTION);
	insn0 = hv_exits(fd, XMHF_EXIT_INSN);
	uint64_t sys0 = hv_exits(fd, XMHF_EXIT_SYSREG);
	outb(0x5a, XMHF_PROBE_PORT);
	child_signal(do_ud2);
	asm volatile("rdtsc" ::: "eax", "edx");
	do_rdtscp();
	asm volatile("pause");
	i = do_wbinvd();
	usleep(100000);
	/* The port goes back to the port policy, which intercepts it (unknown port). */
	ok(hv_exits(fd, XMHF_EXIT_IO) > io0, "after unsubscribing: the port is the port policy's again (it exits)");
	ok(hv_exits(fd, XMHF_EXIT_EXCEPTION) == exc0, "after unsubscribing: no more exception exits");
	ok(i == 0 && hv_exits(fd, XMHF_EXIT_INSN) == insn0,
	   "after unsubscribing: no more RDTSC/RDTSCP/PAUSE/WBINVD/HLT exits");
	prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0);
	prctl(PR_SET_TSC, PR_TSC_ENABLE, 0, 0, 0);
	ok(hv_exits(fd, XMHF_EXIT_SYSREG) == sys0, "after unsubscribing: no more CR/DR/LLDT exits");
	ok(stats() && st.count[XMHF_PROBE_EV_IO] == before[XMHF_PROBE_EV_IO] &&
	   st.count[XMHF_PROBE_EV_EXCEPTION] == before[XMHF_PROBE_EV_EXCEPTION],
	   "after unsubscribing: the probe's counters stand still");
	ok(child_signal(do_int3) == SIGTRAP, "the guest still works: int3 gives SIGTRAP");
	ok(system("rmmod xmhf_svmprobe") == 0, "xmhf_svmprobe unloads");
	return failed != 0;
}
