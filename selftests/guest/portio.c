// SPDX-License-Identifier: GPL-2.0
/*
 * portio: port I/O from a root process (iopl 3), for the port attacks
 * (selftests/adversarial/30-ports.t).  Each argument is one access, made
 * in order by this one process, so that an address/data pair such as
 * 0xCF8 then 0xCFC is not split by another program:
 *
 *   iN:PORT        IN of N (1, 2, 4) bytes; prints the value, 0x%x
 *   oN:PORT:VAL    OUT of N bytes
 *   rK:iN:PORT     the same IN K times (prints the last value)
 *   rK:oN:PORT:VAL the same OUT K times
 *
 * Numbers are C literals (0x.. for hex).  Exit status 2 on a bad
 * argument or when iopl fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

static int access1(const char *a, int quiet)
{
	char dir;
	unsigned int size;
	unsigned long port, val = 0;
	char *end;

	dir = a[0];
	if ((dir != 'i' && dir != 'o') || !a[1] || a[2] != ':')
		return -1;
	size = (unsigned int)(a[1] - '0');
	if (size != 1 && size != 2 && size != 4)
		return -1;
	port = strtoul(a + 3, &end, 0);
	if (port > 0xffff || (dir == 'i' && *end) || (dir == 'o' && *end != ':'))
		return -1;
	if (dir == 'o') {
		val = strtoul(end + 1, &end, 0);
		if (*end)
			return -1;
		if (size == 1)
			outb((unsigned char)val, (unsigned short)port);
		else if (size == 2)
			outw((unsigned short)val, (unsigned short)port);
		else
			outl((unsigned int)val, (unsigned short)port);
		return 0;
	}
	val = size == 1 ? inb((unsigned short)port) : size == 2 ? inw((unsigned short)port) :
	      inl((unsigned short)port);
	if (!quiet)
		printf("0x%lx\n", val);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (iopl(3)) {
		perror("portio: iopl");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned long k = 1, j;
		char *end;

		if (a[0] == 'r') {
			k = strtoul(a + 1, &end, 0);
			if (*end != ':' || !k) {
				fprintf(stderr, "portio: bad argument '%s'\n", a);
				return 2;
			}
			a = end + 1;
		}
		for (j = 0; j < k; j++) {
			if (access1(a, j + 1 < k)) {
				fprintf(stderr, "portio: bad argument '%s'\n", argv[i]);
				return 2;
			}
		}
	}
	return 0;
}
