// SPDX-License-Identifier: GPL-2.0
/*
 * msrtest MSR [VALUE]: RDMSR (or WRMSR of VALUE) by the guest kernel via
 * the module's test ioctl (selftest=1).  Prints "ok VALUE" or "fault".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <xmhf/ioctl.h>

int main(int argc, char **argv)
{
	struct xmhf_test_msr m = { 0 };
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: msrtest MSR [VALUE]\n");
		return 2;
	}
	m.msr = strtoul(argv[1], NULL, 0);
	if (argc == 3) {
		m.write = 1;
		m.value = strtoull(argv[2], NULL, 0);
	}
	fd = open(XMHF_DEVICE_PATH, O_RDWR);
	if (fd < 0 || ioctl(fd, XMHF_IOC_TEST_MSR, &m)) {
		perror("msrtest");
		return 1;
	}
	if (m.result)
		printf("fault\n");
	else
		printf("ok 0x%llx\n", (unsigned long long)m.value);
	return 0;
}
