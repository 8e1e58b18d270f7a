/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The hypervisor blob: one file (installed as /lib/firmware/xmhf/xmhf.bin)
 * that holds the secure loader and the runtime behind a versioned header.
 *
 *   +--------------------------+ 0
 *   | struct xmhf_blob_header  |
 *   +--------------------------+ sl_offset  (4 KiB aligned)
 *   | sl.bin (the SLB)         |   sl_size bytes, <= 64 KiB
 *   +--------------------------+ rt_offset  (4 KiB aligned)
 *   | runtime.bin              |   rt_size bytes
 *   +--------------------------+ total_size
 *
 * The header CRC only catches a damaged or truncated file.  It is not a
 * security check: integrity of the code is what the TPM measurement is for,
 * so a blob whose code differs by one byte still loads, and the quote shows
 * an unknown PCR17 value.
 */
#ifndef XMHF_UAPI_BLOB_H
#define XMHF_UAPI_BLOB_H

#ifndef __ASSEMBLY__
#include <xmhf/types.h>
#endif

#define XMHF_BLOB_MAGIC		0x464d4858	/* "XHMF" in memory order */
#define XMHF_BLOB_FMT_MAJOR	1	/* bumped on incompatible changes */
#define XMHF_BLOB_FMT_MINOR	0	/* bumped on compatible additions */
#define XMHF_BLOB_ALIGN		0x1000

#define XMHF_BLOB_ID_LEN	48
#define XMHF_RT_MAGIC		0x54524858	/* "XHRT" in memory order */
/* Flags the runtime was built with (none defined yet). */
#define XMHF_BLOB_F_KNOWN	0u

#ifndef __ASSEMBLY__
struct xmhf_blob_header {
	__u32 magic;
	__u16 fmt_major;
	__u16 fmt_minor;
	__u32 header_size;	/* sizeof(struct xmhf_blob_header) */
	__u32 header_crc32;	/* CRC-32 (IEEE) of the header, this field 0 */
	__u32 total_size;	/* header + padding + SL + runtime */
	__u32 sl_offset;
	__u32 sl_size;		/* bytes of sl.bin in the file */
	__u32 rt_offset;
	__u32 rt_size;		/* bytes of runtime.bin in the file */
	__u32 rt_mem_size;	/* runtime footprint incl. bss, 4 KiB multiple */
	__u32 rt_entry;		/* entry point, offset from the runtime base */
	__u32 flags;		/* XMHF_BLOB_F_*; unknown bits are rejected */
	__u32 reserved0;
	char build_id[XMHF_BLOB_ID_LEN];	/* NUL-terminated, e.g. "0.1.0-g1234abc" */
	__u8 reserved[32];	/* zero */
};

/*
 * The AMD Secure Loader Block begins with two 16-bit words: the entry point
 * offset and the length of the part that SKINIT measures.
 */
struct xmhf_slb_header {
	__u16 entry;
	__u16 length;
};

/*
 * The runtime image begins with this header, so the packer and the secure
 * loader can find its size and entry without an ELF parser.
 */
struct xmhf_rt_header {
	__u32 magic;
	__u32 image_size;	/* bytes of the file image */
	__u32 mem_size;		/* image + bss, 4 KiB multiple */
	__u32 entry;		/* offset of the 64-bit entry point */
	__u64 link_base;	/* virtual address the runtime is linked at */
	__u32 log_ring;		/* offset of struct xmhf_log_ring, 0 = none */
	/*
	 * Offset of the exit page, 0 = none: the code the runtime leaves
	 * through and parks the APs in, the one page of the image its
	 * unload scrub keeps (docs/architecture.md, "Unload").
	 */
	__u32 exit_page;
};
#endif /* __ASSEMBLY__ */

#endif /* XMHF_UAPI_BLOB_H */
