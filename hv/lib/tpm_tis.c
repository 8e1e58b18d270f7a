// SPDX-License-Identifier: GPL-2.0
/*
 * TPM transport over the TIS/FIFO MMIO interface (TCG PC Client Platform
 * TPM Profile, FIFO interface): probe, locality arbitration, the command
 * state machine and bounded polling.
 *
 * A command goes Idle -> Ready (commandReady) -> Reception (bytes written
 * while Expect is set) -> Execution (tpmGo) -> Completion (dataAvail, the
 * response read out) -> Idle (commandReady again).  Expect and dataAvail
 * are only looked at while stsValid is set.  Bytes move through the
 * byte-wide FIFO register, at most burstCount at a time.
 *
 * Registers are reached with single 8- or 32-bit volatile accesses only.
 * Nothing here divides or uses 64-bit arithmetic, so the 32-bit SL links
 * it without libgcc.
 */
#include <lib/tpm.h>
#include <lib/string.h>

#define STS_INVALID	0xffffffffu	/* inactive locality, or nothing there */

#ifdef XMHF_HOST_TEST
#define rd8(p)		tpm_mmio_read8(p)
#define rd32(p)		tpm_mmio_read32(p)
#define wr8(p, v)	tpm_mmio_write8(p, v)
#else
static inline u8 rd8(volatile u8 *p)
{
	return *p;
}

static inline u32 rd32(volatile u8 *p)
{
	return *(volatile u32 *)p;
}

static inline void wr8(volatile u8 *p, u8 v)
{
	*p = v;
}
#endif

static inline void relax(void)
{
	asm volatile("pause" : : : "memory");
}

static volatile u8 *reg(const struct tpm *t, unsigned int off)
{
	return t->regs + t->locality * TPM_LOCALITY_STRIDE + off;
}

static u32 read_sts(const struct tpm *t)
{
	return rd32(reg(t, TPM_REG_STS));
}

static void write_sts(const struct tpm *t, u8 v)
{
	wr8(reg(t, TPM_REG_STS), v);
}

static u32 burst_of(u32 sts)
{
	return (sts >> TPM_STS_BURST_SHIFT) & TPM_STS_BURST_MASK;
}

static bool locality_active(const struct tpm *t)
{
	u8 a = rd8(reg(t, TPM_REG_ACCESS));

	return a != 0xff &&
	       (a & (TPM_ACCESS_VALID | TPM_ACCESS_ACTIVE_LOCALITY)) ==
	       (TPM_ACCESS_VALID | TPM_ACCESS_ACTIVE_LOCALITY);
}

/*
 * Polls TPM_STS until (sts & mask) == want.  All-ones is never a valid
 * TPM_STS (reserved bits set): the locality is not active (any more), or
 * the device is gone.
 */
static int wait_sts(const struct tpm *t, u32 mask, u32 want, u32 *out)
{
	u32 n, sts;

	for (n = 0; n < t->spin_limit; n++) {
		sts = read_sts(t);
		if (sts == STS_INVALID)
			return -TPM_E_LOCALITY;
		if ((sts & mask) == want) {
			if (out)
				*out = sts;
			return 0;
		}
		relax();
	}
	return -TPM_E_TIMEOUT;
}

/* Idle/Completion/Reception/Execution -> Ready. */
static int go_ready(const struct tpm *t)
{
	u32 sts = read_sts(t);
	int rc;

	if (sts == STS_INVALID)
		return -TPM_E_LOCALITY;
	if (sts & TPM_STS_COMMAND_READY)
		return 0;
	write_sts(t, TPM_STS_COMMAND_READY);
	rc = wait_sts(t, TPM_STS_COMMAND_READY, TPM_STS_COMMAND_READY, NULL);
	if (rc != -TPM_E_TIMEOUT)
		return rc;
	/*
	 * From Completion (or an aborted Reception/Execution) a TPM may go
	 * to Idle on the first write and need a second one to become Ready.
	 */
	write_sts(t, TPM_STS_COMMAND_READY);
	return wait_sts(t, TPM_STS_COMMAND_READY, TPM_STS_COMMAND_READY, NULL);
}

/* Waits for a non-zero burstCount. */
static int wait_burst(const struct tpm *t, u32 *burst)
{
	u32 n, sts;

	for (n = 0; n < t->spin_limit; n++) {
		sts = read_sts(t);
		if (sts == STS_INVALID)
			return -TPM_E_LOCALITY;
		*burst = burst_of(sts);
		if (*burst)
			return 0;
		relax();
	}
	return -TPM_E_TIMEOUT;
}

static int send_cmd(struct tpm *t, const u8 *buf, size_t len)
{
	volatile u8 *fifo = reg(t, TPM_REG_DATA_FIFO);
	size_t i = 0;
	u32 burst, sts = 0;
	int rc;

	while (i < len) {
		rc = wait_burst(t, &burst);
		if (rc)
			return rc;
		t->cmd_sent = true;	/* from the first byte on */
		for (; burst && i < len; burst--)
			wr8(fifo, buf[i++]);
		rc = wait_sts(t, TPM_STS_VALID, TPM_STS_VALID, &sts);
		if (rc)
			return rc;
		/* Expect must stay set until the last byte, and drop after it. */
		if (i < len && !(sts & TPM_STS_EXPECT))
			return -TPM_E_IO;
	}
	if (sts & TPM_STS_EXPECT)
		return -TPM_E_IO;
	return 0;
}

/*
 * Reads exactly len response bytes.  A valid status without dataAvail
 * before the last byte means the TPM has less than it announced.
 */
static int read_bytes(const struct tpm *t, u8 *buf, size_t len)
{
	volatile u8 *fifo = reg(t, TPM_REG_DATA_FIFO);
	u32 n, sts, burst;

	while (len) {
		for (n = 0; ; n++) {
			if (n == t->spin_limit)
				return -TPM_E_TIMEOUT;
			sts = read_sts(t);
			if (sts == STS_INVALID)
				return -TPM_E_LOCALITY;
			if (sts & TPM_STS_VALID) {
				if (!(sts & TPM_STS_DATA_AVAIL))
					return -TPM_E_IO;
				burst = burst_of(sts);
				if (burst)
					break;
			}
			relax();
		}
		for (; burst && len; burst--, len--)
			*buf++ = rd8(fifo);
	}
	return 0;
}

static u32 be32_at(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static int recv_resp(struct tpm *t, u8 *buf, size_t max, size_t *out)
{
	u32 size, sts;
	int rc;

	rc = read_bytes(t, buf, TPM_HEADER_SIZE);
	if (rc)
		return rc;
	size = be32_at(buf + 2);
	if (size < TPM_HEADER_SIZE || size > max)
		return -TPM_E_RESP;
	rc = read_bytes(t, buf + TPM_HEADER_SIZE, size - TPM_HEADER_SIZE);
	if (rc)
		return rc;
	/* Everything announced was read: the TPM must have nothing left. */
	rc = wait_sts(t, TPM_STS_VALID, TPM_STS_VALID, &sts);
	if (rc)
		return rc;
	if (sts & TPM_STS_DATA_AVAIL)
		return -TPM_E_IO;
	*out = size;
	return 0;
}

int tpm_transmit(struct tpm *t, const u8 *cmd, size_t cmd_len,
		 u8 *resp, size_t resp_max, size_t *resp_len)
{
	size_t n = 0;
	int rc;

	if (!t || !t->open || !cmd || !resp || !resp_len)
		return -TPM_E_INVAL;
	t->cmd_sent = false;
	*resp_len = 0;
	if (cmd_len < TPM_HEADER_SIZE || be32_at(cmd + 2) != cmd_len ||
	    resp_max < TPM_HEADER_SIZE)
		return -TPM_E_INVAL;
	if (!locality_active(t))
		return -TPM_E_LOCALITY;

	rc = go_ready(t);
	if (!rc)
		rc = send_cmd(t, cmd, cmd_len);
	if (!rc) {
		write_sts(t, TPM_STS_GO);
		rc = wait_sts(t, TPM_STS_VALID | TPM_STS_DATA_AVAIL,
			      TPM_STS_VALID | TPM_STS_DATA_AVAIL, NULL);
	}
	if (!rc)
		rc = recv_resp(t, resp, resp_max, &n);

	/* Completion -> Idle on success; abort and drop on failure. */
	write_sts(t, TPM_STS_COMMAND_READY);
	if (rc)
		return rc;
	t->last_rc = be32_at(resp + 6);
	*resp_len = n;
	return 0;
}

static int probe(struct tpm *t)
{
	u32 n, cap, sts;
	u8 a = 0;

	/* tpmRegValidSts: the other TPM_ACCESS bits mean something. */
	for (n = 0; n < t->spin_limit; n++) {
		a = rd8(reg(t, TPM_REG_ACCESS));
		if (a == 0xff || (a & TPM_ACCESS_RESERVED))
			return -TPM_E_NODEV;
		if (a & TPM_ACCESS_VALID)
			break;
		relax();
	}
	if (!(a & TPM_ACCESS_VALID))
		return -TPM_E_NODEV;

	t->did_vid = rd32(reg(t, TPM_REG_DID_VID));
	if (t->did_vid == 0 || t->did_vid == 0xffffffffu)
		return -TPM_E_NODEV;

	t->intf_id = rd32(reg(t, TPM_REG_INTERFACE_ID));
	cap = rd32(reg(t, TPM_REG_INTF_CAPABILITY));
	switch (t->intf_id & TPM_INTF_TYPE_MASK) {
	case TPM_INTF_TYPE_FIFO:
		sts = (t->intf_id >> TPM_INTF_ID_VERSION_SHIFT) & 0xf;
		if (sts != TPM_INTF_ID_VERSION_FIFO)
			return -TPM_E_NODEV;
		break;
	case TPM_INTF_TYPE_TIS13:
		/* The older register set: only a TPM 2.0 behind it will do. */
		if (((cap >> TPM_INTF_VERSION_SHIFT) & TPM_INTF_VERSION_MASK) !=
		    TPM_INTF_VERSION_TIS13_TPM20)
			return -TPM_E_NODEV;
		break;
	default:		/* CRB, or something newer we do not speak */
		return -TPM_E_NODEV;
	}
	return 0;
}

static int request_locality(struct tpm *t)
{
	u32 n;

	if (locality_active(t))
		return 0;
	wr8(reg(t, TPM_REG_ACCESS), TPM_ACCESS_REQUEST_USE);
	for (n = 0; n < t->spin_limit; n++) {
		if (locality_active(t))
			return 0;
		relax();
	}
	/* Withdraw the request: writing activeLocality cancels a pending one. */
	wr8(reg(t, TPM_REG_ACCESS), TPM_ACCESS_ACTIVE_LOCALITY);
	return -TPM_E_LOCALITY;
}

int tpm_open_spin(struct tpm *t, volatile u8 *regs, unsigned int locality,
		  u32 spin_limit)
{
	u32 sts;
	int rc;

	if (!t)
		return -TPM_E_INVAL;
	memset(t, 0, sizeof(*t));
	/* Locality 4 belongs to the CPU (and QEMU drops writes to it). */
	if (locality >= TPM_NR_LOCALITIES - 1)
		return -TPM_E_INVAL;
	t->regs = regs;
	t->locality = locality;
	t->spin_limit = spin_limit ? spin_limit : TPM_SPIN_DEFAULT;

	rc = probe(t);
	if (rc)
		return rc;
	rc = request_locality(t);
	if (rc)
		return rc;
	/* TPM_STS is readable now that the locality is ours. */
	sts = read_sts(t);
	if (sts == STS_INVALID ||
	    ((sts >> TPM_STS_FAMILY_SHIFT) & TPM_STS_FAMILY_MASK) !=
	    TPM_STS_FAMILY_TPM20) {
		wr8(reg(t, TPM_REG_ACCESS), TPM_ACCESS_ACTIVE_LOCALITY);
		return -TPM_E_NODEV;
	}
	t->open = true;
	return 0;
}

int tpm_open(struct tpm *t, volatile u8 *regs, unsigned int locality)
{
	return tpm_open_spin(t, regs, locality, TPM_SPIN_DEFAULT);
}

void tpm_close(struct tpm *t)
{
	if (!t || !t->open)
		return;
	wr8(reg(t, TPM_REG_ACCESS), TPM_ACCESS_ACTIVE_LOCALITY);
	t->open = false;
}

const char *tpm_strerror(int err)
{
	static const char *const msg[TPM_E_MAX_] = {
		[0]		= "success",
		[TPM_E_NODEV]	= "no TPM 2.0 with a FIFO interface",
		[TPM_E_TIMEOUT]	= "TPM timed out",
		[TPM_E_LOCALITY] = "TPM locality not granted or lost",
		[TPM_E_IO]	= "TPM FIFO protocol error",
		[TPM_E_RESP]	= "malformed TPM response",
		[TPM_E_RC]	= "TPM returned an error code",
		[TPM_E_INVAL]	= "invalid TPM request",
		[TPM_E_NOBANK]	= "PCR bank not allocated",
	};

	if (err < 0) {
		if (err <= -TPM_E_MAX_)
			return "unknown TPM error";
		err = -err;
	}
	if (err >= TPM_E_MAX_)
		return "unknown TPM error";
	return msg[err];
}
