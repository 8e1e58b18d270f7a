/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Release version, shared by every component so they can report it alike. */
#ifndef XMHF_UAPI_VERSION_H
#define XMHF_UAPI_VERSION_H

#define XMHF_VERSION_MAJOR 0
#define XMHF_VERSION_MINOR 1
#define XMHF_VERSION_PATCH 0
#define XMHF_VERSION_STRING "0.1.0"

#endif /* XMHF_UAPI_VERSION_H */
