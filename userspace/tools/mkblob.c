// SPDX-License-Identifier: GPL-2.0
/*
 * mkblob: packs sl.bin and runtime.bin into the hypervisor blob described
 * in uapi/xmhf/blob.h, then checks the result with the module's own
 * validator so the build never produces a blob the module would refuse.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include <xmhf/layout.h>

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "mkblob: %s: %s\n", path, strerror(errno));
		goto out;
	}
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != (size_t)len) {
		fprintf(stderr, "mkblob: %s: read failed\n", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*size = len;
out:
	if (f)
		fclose(f);
	return buf;
}

static size_t align_up(size_t x)
{
	return (x + XMHF_BLOB_ALIGN - 1) & ~(size_t)(XMHF_BLOB_ALIGN - 1);
}

static int usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: mkblob --sl SL.bin --runtime RUNTIME.bin --build-id ID -o OUT\n");
	return code;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sl", required_argument, NULL, 's' },
		{ "runtime", required_argument, NULL, 'r' },
		{ "build-id", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *sl_path = NULL, *rt_path = NULL, *id = NULL, *out = NULL;
	struct xmhf_blob_header h = { 0 };
	const struct xmhf_rt_header *rt;
	size_t sl_size, rt_size;
	u8 *sl, *rtimg, *blob;
	FILE *f;
	int c, err;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sl_path = optarg; break;
		case 'r': rt_path = optarg; break;
		case 'b': id = optarg; break;
		case 'o': out = optarg; break;
		case 'h': return usage(0);
		default: return usage(2);
		}
	}
	if (!sl_path || !rt_path || !id || !out || optind != argc)
		return usage(2);
	if (strlen(id) >= sizeof(h.build_id)) {
		fprintf(stderr, "mkblob: build id longer than %zu\n",
			sizeof(h.build_id) - 1);
		return 1;
	}
	sl = read_file(sl_path, &sl_size);
	rtimg = read_file(rt_path, &rt_size);
	if (!sl || !rtimg)
		return 1;
	if (rt_size < sizeof(*rt)) {
		fprintf(stderr, "mkblob: %s: too small for a runtime header\n", rt_path);
		return 1;
	}
	rt = (const struct xmhf_rt_header *)rtimg;

	h.magic = XMHF_BLOB_MAGIC;
	h.fmt_major = XMHF_BLOB_FMT_MAJOR;
	h.fmt_minor = XMHF_BLOB_FMT_MINOR;
	h.header_size = sizeof(h);
	h.sl_offset = align_up(sizeof(h));
	h.sl_size = sl_size;
	h.rt_offset = align_up(h.sl_offset + sl_size);
	h.rt_size = rt_size;
	h.rt_mem_size = rt->mem_size;
	h.rt_entry = rt->entry;
	h.total_size = h.rt_offset + rt_size;
	strcpy(h.build_id, id);
	h.header_crc32 = xmhf_blob_header_crc(&h);

	blob = calloc(1, h.total_size);
	if (!blob)
		return 1;
	memcpy(blob, &h, sizeof(h));
	memcpy(blob + h.sl_offset, sl, sl_size);
	memcpy(blob + h.rt_offset, rtimg, rt_size);

	err = xmhf_blob_check(blob, h.total_size);
	if (err) {
		fprintf(stderr, "mkblob: result rejected: %s\n",
			xmhf_blob_strerror(err));
		return 1;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(blob, 1, h.total_size, f) != h.total_size ||
	    fclose(f)) {
		fprintf(stderr, "mkblob: %s: write failed\n", out);
		return 1;
	}
	printf("mkblob: %s: SL %zu bytes (measured %u), runtime %zu bytes (%u in memory)\n",
	       out, sl_size, xmhf_blob_slb(blob)->length, rt_size, h.rt_mem_size);
	free(blob);
	free(sl);
	free(rtimg);
	return 0;
}
