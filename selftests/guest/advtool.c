// SPDX-License-Identifier: GPL-2.0
/*
 * advtool: small helpers for the adversarial suite (selftests/adversarial).
 *
 *   advtool selfcheck        XMHF_IOC_SELFCHECK: prints 1 (the runtime's
 *                            code is unchanged), 0, or "error ERRNO"
 *   advtool nocap CMD [ARG]  runs CMD as this (root) user without
 *                            CAP_SYS_ADMIN: dropped from the bounding,
 *                            permitted, effective and inheritable sets
 *   advtool norawio CMD [ARG] the same without CAP_SYS_RAWIO
 *   advtool cpuid66          CPUID 0x40000000 with an operand-size prefix
 *                            (66 0f a2, 3 bytes), then a marker MOV; prints
 *                            "ok SIGNATURE" when the MOV ran.  A hypervisor
 *                            that skips a fixed 2 bytes resumes inside the
 *                            instruction (at a2, a MOV with a 64-bit
 *                            address) and the marker never runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <xmhf/ioctl.h>

static int selfcheck(void)
{
	int fd = open(XMHF_DEVICE_PATH, O_RDWR), r;

	if (fd < 0) {
		printf("error %d\n", errno);
		return 1;
	}
	r = ioctl(fd, XMHF_IOC_SELFCHECK);
	if (r < 0)
		printf("error %d\n", errno);
	else
		printf("%d\n", r);
	close(fd);
	return r < 0;
}

static int nocap(int cap, char **argv)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	__u32 bit = 1u << (cap % 32);

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) || syscall(SYS_capget, &h, d)) {
		perror("advtool nocap");
		return 1;
	}
	d[cap / 32].effective &= ~bit;
	d[cap / 32].permitted &= ~bit;
	d[cap / 32].inheritable &= ~bit;
	if (syscall(SYS_capset, &h, d)) {
		perror("advtool nocap: capset");
		return 1;
	}
	execvp(argv[0], argv);
	perror("advtool nocap: exec");
	return 127;
}

static int cpuid66(void)
{
	unsigned int a = 0x40000000, b = 0, c = 0, d = 0, marker = 0;
	char sig[13];

	asm volatile(".byte 0x66, 0x0f, 0xa2\n\t"
		     "mov $0x1234, %[m]"
		     : "+a"(a), "=b"(b), "+c"(c), "=d"(d), [m] "+r"(marker));
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	if (marker != 0x1234) {
		printf("marker not set\n");
		return 1;
	}
	printf("ok %s\n", sig);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "selfcheck"))
		return selfcheck();
	if (argc == 2 && !strcmp(argv[1], "cpuid66"))
		return cpuid66();
	if (argc >= 3 && !strcmp(argv[1], "nocap"))
		return nocap(CAP_SYS_ADMIN, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "norawio"))
		return nocap(CAP_SYS_RAWIO, argv + 2);
	fprintf(stderr, "usage: advtool selfcheck | cpuid66 | nocap CMD [ARG...] | norawio CMD [ARG...]\n");
	return 2;
}
