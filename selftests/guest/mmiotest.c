// SPDX-License-Identifier: GPL-2.0
/*
 * mmiotest PHYS [VALUE]: one byte of MMIO by the guest kernel through the
 * module's test ioctl (selftest=1).  Prints "ok VALUE" or "fault" and
 * exits 0, or 1 when the ioctl itself failed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <xmhf/ioctl.h>

int main(int argc, char **argv)
{
	struct xmhf_test_mmio m = { 0 };
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: mmiotest PHYS [VALUE]\n");
		return 2;
	}
	m.phys = strtoull(argv[1], NULL, 0);
	if (argc == 3) {
		m.write = 1;
		m.value = strtoul(argv[2], NULL, 0);
	}
	fd = open(XMHF_DEVICE_PATH, O_RDWR);
	if (fd < 0 || ioctl(fd, XMHF_IOC_TEST_MMIO, &m)) {
		perror("mmiotest");
		return 1;
	}
	if (m.result)
		printf("fault\n");
	else
		printf("ok 0x%02x\n", m.value);
	return 0;
}
