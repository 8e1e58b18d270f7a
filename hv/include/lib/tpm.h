/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TPM 2.0 driver over the TIS/FIFO MMIO interface (TCG PC Client Platform
 * TPM Profile, "FIFO interface"), freestanding, built for both the 32-bit
 * secure loader and the 64-bit runtime.
 *
 * Two layers:
 *   hv/lib/tpm_tis.c  transport: probe, localities, FIFO, bounded polling;
 *   hv/lib/tpm2.c     TPM 2.0 commands (TPM 2.0 Library, Part 3) built and
 *                     parsed here, big-endian, with password sessions.
 *
 * No clock is needed: every wait polls a register at most spin_limit
 * times.  Every function returns 0 or a negative TPM_E_* code.
 */
#ifndef XMHF_LIB_TPM_H
#define XMHF_LIB_TPM_H

#include <types.h>

/* ---- TIS register file: one 4 KiB page per locality (PTP, FIFO) ---- */
#define TPM_TIS_BASE		0xFED40000u
#define TPM_LOCALITY_STRIDE	0x1000u
#define TPM_NR_LOCALITIES	5	/* 0-4; 4 is reserved to the CPU */

#define TPM_REG_ACCESS		0x000	/* 8 bit */
#define TPM_REG_INTF_CAPABILITY	0x014	/* 32 bit */
#define TPM_REG_STS		0x018	/* 32 bit */
#define TPM_REG_DATA_FIFO	0x024	/* 8 bit access only here */
#define TPM_REG_INTERFACE_ID	0x030	/* 32 bit */
#define TPM_REG_DID_VID		0xF00	/* 32 bit */

/* TPM_ACCESS_x */
#define TPM_ACCESS_ESTABLISHMENT	0x01
#define TPM_ACCESS_REQUEST_USE		0x02
#define TPM_ACCESS_PENDING_REQUEST	0x04
#define TPM_ACCESS_SEIZE		0x08
#define TPM_ACCESS_BEEN_SEIZED		0x10
#define TPM_ACCESS_ACTIVE_LOCALITY	0x20	/* read: ours; write 1: relinquish */
#define TPM_ACCESS_RESERVED		0x40	/* always reads 0 on a real TPM */
#define TPM_ACCESS_VALID		0x80	/* tpmRegValidSts */

/* TPM_STS_x */
#define TPM_STS_RESPONSE_RETRY	0x00000002u
#define TPM_STS_EXPECT		0x00000008u
#define TPM_STS_DATA_AVAIL	0x00000010u
#define TPM_STS_GO		0x00000020u
#define TPM_STS_COMMAND_READY	0x00000040u
#define TPM_STS_VALID		0x00000080u
#define TPM_STS_BURST_SHIFT	8		/* burstCount: bits 23:8 */
#define TPM_STS_BURST_MASK	0xffffu
#define TPM_STS_FAMILY_SHIFT	26		/* tpmFamily: bits 27:26 */
#define TPM_STS_FAMILY_MASK	0x3u
#define TPM_STS_FAMILY_TPM20	0x1u

/* TPM_INTF_CAPABILITY_x: InterfaceVersion, bits 30:28 */
#define TPM_INTF_VERSION_SHIFT	28
#define TPM_INTF_VERSION_MASK	0x7u
#define TPM_INTF_VERSION_TIS13_TPM20 0x3u	/* TIS 1.3 register set, TPM 2.0 */

/* TPM_INTERFACE_ID_x: InterfaceType bits 3:0, InterfaceVersion bits 7:4 */
#define TPM_INTF_TYPE_MASK	0xfu
#define TPM_INTF_TYPE_FIFO	0x0u	/* PTP FIFO for TPM 2.0 */
#define TPM_INTF_TYPE_CRB	0x1u
#define TPM_INTF_TYPE_TIS13	0xfu	/* legacy: look at INTF_CAPABILITY */
#define TPM_INTF_ID_VERSION_SHIFT 4
#define TPM_INTF_ID_VERSION_FIFO 0x0u

/* ---- TPM 2.0 constants (Library Part 2) ---- */
#define TPM_ST_NO_SESSIONS	0x8001
#define TPM_ST_SESSIONS		0x8002

#define TPM_CC_NV_WRITE		0x00000137u
#define TPM_CC_NV_READ		0x0000014Eu
#define TPM_CC_GET_RANDOM	0x0000017Bu
#define TPM_CC_PCR_READ		0x0000017Eu
#define TPM_CC_PCR_EXTEND	0x00000182u

#define TPM_RS_PW		0x40000009u	/* password "session" handle */

#define TPM_ALG_SHA1		0x0004
#define TPM_ALG_SHA256		0x000B
#define TPM_SHA1_SIZE		20
#define TPM_SHA256_SIZE		32

#define TPM_RC_SUCCESS		0x000u
#define TPM_RC_LOCALITY		0x907u
#define TPM_RC_YIELDED		0x908u
#define TPM_RC_RETRY		0x922u

#define TPM_HEADER_SIZE		10	/* tag u16, size u32, code u32 */
#define TPM_NR_PCRS		24	/* PC Client: PCR 0-23 */
#define TPM_PCR_SELECT_SIZE	3	/* bytes of pcrSelect for 24 PCRs */

/*
 * NV_Read/NV_Write move at most this many bytes per command.  The PC
 * Client TPMs we know allow 1024 (TPM_PT_NV_BUFFER_MAX); 256 is well below
 * any of them and keeps the command buffers small on the SL's 8 KiB stack.
 */
#define TPM_NV_CHUNK		256

/*
 * Default poll budget per wait.  One poll is a register read plus PAUSE:
 * roughly 1-2 us on an LPC/SPI TPM, so this is on the order of 10-20 s,
 * longer than any command we issue may take (PTP TIMEOUT_B is 2 s).
 */
#define TPM_SPIN_DEFAULT	10000000u

/* ---- errors: negative, 0 is success ---- */
enum {
	TPM_E_NODEV = 1,	/* no TPM 2.0 with a FIFO interface there */
	TPM_E_TIMEOUT,		/* a wait ran out of spin_limit polls */
	TPM_E_LOCALITY,		/* locality not granted, or lost */
	TPM_E_IO,		/* FIFO protocol: stsValid/Expect/dataAvail */
	TPM_E_RESP,		/* malformed, short or oversized response */
	TPM_E_RC,		/* the TPM answered a non-zero response code */
	TPM_E_INVAL,		/* bad argument, or handle not open */
	TPM_E_NOBANK,		/* PCR_Read: bank not allocated / PCR absent */
	TPM_E_MAX_
};

struct tpm {
	/*
	 * Locality 0's register page as the caller addresses it: the 1:1
	 * pointer 0xFED40000 in the runtime, a segment-relative pointer in
	 * the SL.  The driver adds locality * 0x1000.
	 */
	volatile u8 *regs;
	unsigned int locality;	/* the one this handle owns (0-3) */
	u32 spin_limit;		/* polls per wait */
	u32 did_vid;		/* TPM_DID_VID, for the log */
	u32 intf_id;		/* TPM_INTERFACE_ID */
	u32 last_rc;		/* response code of the last completed command */
	bool open;		/* probe passed and the locality is ours */
	/*
	 * The last tpm_transmit wrote command bytes into the FIFO.  From
	 * then on the TPM may run the command, whatever happens to its
	 * answer (see tpm_outcome_unknown).
	 */
	bool cmd_sent;
};

/*
 * Probes the TPM (TPM_ACCESS valid, TPM_INTERFACE_ID / INTF_CAPABILITY /
 * TPM_STS.tpmFamily say TPM 2.0 over FIFO), requests `locality` and waits
 * until it is active.  tpm_open uses TPM_SPIN_DEFAULT; tpm_open_spin takes
 * the budget (0 means the default).  On failure nothing is left requested.
 */
int tpm_open(struct tpm *t, volatile u8 *regs, unsigned int locality);
int tpm_open_spin(struct tpm *t, volatile u8 *regs, unsigned int locality,
		  u32 spin_limit);
/* Relinquishes the locality; the handle must be opened again to be used. */
void tpm_close(struct tpm *t);

/*
 * Sends one command (cmd_len must equal the size in its header) and
 * reads the response into resp (at most resp_max bytes).  cmd and resp may
 * be the same buffer: the command is sent completely before the response
 * is read.  Returns 0 when a well-framed response arrived, whatever its
 * response code; t->last_rc holds that code.  On any error the TPM is
 * told to drop the command (commandReady) before returning.
 */
int tpm_transmit(struct tpm *t, const u8 *cmd, size_t cmd_len,
		 u8 *resp, size_t resp_max, size_t *resp_len);

/*
 * TPM2 commands.  A command answered with TPM_RC_RETRY or TPM_RC_YIELDED
 * is sent again (up to 8 times, at once: there is no clock).  Any other
 * non-zero response code gives TPM_E_RC with the code in t->last_rc.
 *
 * tpm2_pcr_extend sends ONE TPM2_PCR_Extend with a TPML_DIGEST_VALUES
 * holding the sha1 and the sha256 digest, authorized by a password session
 * (TPM_RS_PW, empty password).  A NULL digest leaves that bank out; at
 * least one is required.
 */
int tpm2_pcr_extend(struct tpm *t, u32 pcr, const u8 *sha1,
		    const u8 *sha256);
/* alg TPM_ALG_SHA1 or TPM_ALG_SHA256; digest_len >= 20 or 32, that many written. */
int tpm2_pcr_read(struct tpm *t, u32 pcr, u16 alg, u8 *digest,
		  size_t digest_len);
/* Loops over TPM2_GetRandom until len bytes are in buf. */
int tpm2_get_random(struct tpm *t, u8 *buf, size_t len);
/*
 * NV index data, authorized by the index itself with an empty password
 * (TPM_RS_PW), TPM_NV_CHUNK bytes per command.  offset + len <= 65536.
 * On failure part of buf may already have been read or written.
 */
int tpm2_nv_read(struct tpm *t, u32 nv_index, u16 offset, u8 *buf, u16 len);
int tpm2_nv_write(struct tpm *t, u32 nv_index, u16 offset, const u8 *buf,
		  u16 len);

/*
 * After a TPM 2.0 command (tpm2_*) failed with err: may the TPM have run
 * it all the same?  False when it certainly did not: nothing reached the
 * FIFO (tpm_open failed, the TPM never became ready), or the TPM answered
 * with an error response code (-TPM_E_RC: a TPM 2.0 command that fails
 * changes nothing).  True once command bytes went out and no valid
 * response code came back: a timeout, a FIFO protocol error, a lost
 * locality, a malformed response (even one with a success code).  The
 * PTP has the TPM start only at tpmGo, but a TPM that breaks the FIFO
 * protocol may not keep to that either, so the first byte counts.
 * Meaningful only for the handle's last command; false for err == 0.
 */
bool tpm_outcome_unknown(const struct tpm *t, int err);

/* Text for a TPM_E_* code (negative or positive); never NULL. */
const char *tpm_strerror(int err);

#ifdef XMHF_HOST_TEST
/*
 * Host unit tests supply the register accesses (a software TIS); the
 * hypervisor build uses plain volatile loads and stores instead.
 */
u8 tpm_mmio_read8(volatile u8 *addr);
u32 tpm_mmio_read32(volatile u8 *addr);
void tpm_mmio_write8(volatile u8 *addr, u8 val);
#endif

#endif /* XMHF_LIB_TPM_H */
