/* SPDX-License-Identifier: GPL-2.0 */
/* Builds a small, valid hypervisor blob in memory for the unit tests. */
#ifndef XMHF_TEST_BLOB_FIXTURE_H
#define XMHF_TEST_BLOB_FIXTURE_H

#include <stddef.h>
#include "blob.h"

#define FIX_SL_SIZE	0x300
#define FIX_RT_SIZE	0x2000
#define FIX_RT_MEM	0x8000
#define FIX_RT_ENTRY	0x40

/* Returns a malloc'ed blob of *size bytes; free() it. */
unsigned char *fixture_blob(size_t *size);
/* Recomputes the header CRC after a test changed a header field. */
void fixture_reseal(unsigned char *blob);

#endif
