// SPDX-License-Identifier: GPL-2.0
/* Access to /dev/xmhf with errors a user can act on. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <xmhf/ioctl.h>

#include "xmhfctl.h"

int xmhf_open(void)
{
	struct stat sb;
	int fd = open(XMHF_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT && stat("/sys/module/xmhf", &sb))
		fprintf(stderr, "xmhfctl: the xmhf module is not loaded (try: modprobe xmhf)\n");
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "xmhfctl: %s: permission denied (run as root)\n",
			XMHF_DEVICE_PATH);
	else
		fprintf(stderr, "xmhfctl: %s: %s\n", XMHF_DEVICE_PATH, strerror(errno));
	return -1;
}

int xmhf_get_status(int fd, struct xmhf_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	if (ioctl(fd, XMHF_IOC_STATUS, st)) {
		fprintf(stderr, "xmhfctl: status request failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
