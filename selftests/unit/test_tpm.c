// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the TPM driver (hv/lib/tpm_tis.c, hv/lib/tpm2.c).
 *
 * The driver's register accesses (tpm_mmio_read8/read32/write8 under
 * XMHF_HOST_TEST) land in a software model of the TIS register file
 * written here from the PC Client PTP FIFO interface description:
 *
 *  - locality arbitration: a locality is active only once requested and
 *    granted; a holder keeps it until it relinquishes; TPM_STS reads from
 *    an inactive locality return all ones; the FIFO of an inactive
 *    locality must never be touched;
 *  - the state machine Idle -> Ready -> Reception -> Execution ->
 *    Completion, with Expect and dataAvail meaningful only under stsValid
 *    (the model reports them inverted while stsValid is clear, so a driver
 *    that trusts them early fails);
 *  - burstCount: the driver may move at most the last reported burstCount
 *    bytes before it reads TPM_STS again, and after a burst is used up the
 *    count reads 0 for a while;
 *  - a tiny TPM 2.0 behind it: PCR_Extend, PCR_Read, GetRandom, NV_Read and
 *    NV_Write, parsed strictly (tags, sizes, handles, the password session
 *    area) and answered in the real response format.
 *
 * Any protocol violation by the driver fails the test at once.  Expected
 * command bytes are written out by hand below from TPM 2.0 Part 3; the
 * expected PCR values were computed with python3 hashlib.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include <lib/tpm.h>
#include <lib/crypto.h>
#include <core/measure.h>

/* ------------------------------------------------------------ the model */

#define NLOC		5
#define PAGE		0x1000
#define SPIN		1000		/* small budget: timeouts end fast */
#define NV_INDEX	0x01500010u
#define NV_SIZE		600
#define NV_BUFFER_MAX	1024
#define LOG_MAX		64

/* Only its address is used: the "MMIO window" the driver is given. */
static u8 window[NLOC * PAGE] __attribute__((aligned(PAGE)));
#define BASE	((volatile u8 *)window)

enum state { IDLE, READY, RECEPTION, EXECUTION, COMPLETION };

struct logged {
	u8 bytes[4096];
	size_t len;
};

static struct fake {
	/* identity */
	bool absent;
	u32 iface_id, intf_cap, did_vid, family;
	u8 access_extra;
	unsigned int access_invalid;	/* ACCESS reads without tpmRegValidSts */

	/* behaviour */
	u32 wburst, rburst;		/* burst sizes for writes and reads */
	unsigned int refill;		/* STS reads showing burst 0 after one is used */
	unsigned int grant_delay;	/* ACCESS reads before a free locality is granted */
	bool never_grant;
	int holder;			/* locality active at start (-1: none) */
	unsigned int holder_reads;	/* ACCESS reads until the holder lets go (0: never) */
	unsigned int ready_delay;	/* STS reads until commandReady shows */
	unsigned int exec_delay;	/* STS reads in Execution */
	bool never_complete;
	bool strict;			/* commandReady in Completion/abort -> Idle */
	unsigned int valid_delay;	/* STS reads with stsValid clear after FIFO use/go */
	long rsp_cut;			/* deliver only this many response bytes (< 0: all) */
	unsigned int rsp_extra;		/* deliver this many bytes beyond the response */
	bool expect_stuck, expect_early;
	int revoke_after_cmds;		/* lose the locality after N commands (< 0: never) */
	bool revoke_after_rsp;		/* lose it once the response is read out */

	/* state */
	int active;
	bool req[NLOC];
	unsigned int grant_wait;
	enum state state;
	unsigned int ready_wait, exec_wait, valid_wait, refill_wait;
	bool used_up;
	u32 allow;			/* FIFO bytes allowed before the next STS read */
	u8 cmd[4096];
	size_t cmd_n;
	u8 rsp[4096];
	size_t rsp_n, rsp_off;

	/* counters */
	unsigned int acc[NLOC];		/* register accesses per locality page */
	unsigned int sts_reads, ready_writes, aborts, go, requests, relinquish;
	unsigned int ignored_sts_writes, cancels;

	/* the TPM behind it */
	u32 force_rc;			/* answer every command with this code */
	unsigned int retry_n;		/* answer the next N commands with retry_rc */
	u32 retry_rc;
	const u8 *raw;			/* answer with these bytes instead */
	size_t raw_len;
	bool sha1_bank, nobank_count0;
	u8 pcr1[24][20], pcr256[24][32];
	u32 pcr_counter;
	u8 nv[NV_SIZE];
	bool nv_written;
	u16 rnd_max;			/* GetRandom returns at most this many */
	int rnd_mode;			/* 0 ok, 1 zero bytes, 2 one too many */
	u8 rnd_next;
	struct logged log[LOG_MAX];
	unsigned int ncmds;
} F;

static void fake_reset(void)
{
	int i;

	memset(&F, 0, sizeof(F));
	F.iface_id = 0x00002100;	/* FIFO, version 0, 5 localities, TIS cap */
	F.intf_cap = 0x30000697;
	F.did_vid = 0x00011014;
	F.family = 1;
	F.access_extra = TPM_ACCESS_ESTABLISHMENT;
	F.wburst = 4096;
	F.rburst = 4096;
	F.strict = true;
	F.rsp_cut = -1;
	F.revoke_after_cmds = -1;
	F.active = -1;
	F.holder = -1;
	F.state = IDLE;
	F.sha1_bank = true;
	F.rnd_max = 32;
	for (i = 17; i <= 22; i++) {
		memset(F.pcr1[i], 0xff, 20);
		memset(F.pcr256[i], 0xff, 32);
	}
}

static void set_holder(int l)
{
	F.holder = l;
	F.active = l;
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static size_t delivered(void)
{
	if (F.rsp_cut >= 0)
		return (size_t)F.rsp_cut < F.rsp_n ? (size_t)F.rsp_cut : F.rsp_n;
	return F.rsp_n + F.rsp_extra;
}

static bool expect(void)
{
	u32 size;

	if (F.expect_stuck)
		return true;
	if (F.cmd_n < 6)
		return true;
	size = be32(F.cmd + 2);
	if (F.expect_early && F.cmd_n + 1 >= size)
		return false;
	return F.cmd_n < size;
}

static void grant_next(void)
{
	int l;

	if (F.never_grant || F.active >= 0)
		return;
	for (l = NLOC - 1; l >= 0; l--) {
		if (F.req[l]) {
			F.req[l] = false;
			F.active = l;
			return;
		}
	}
}

static void relinquish(int l)
{
	assert_int_equal(F.active, l);
	F.active = -1;
	F.relinquish++;
	if (F.state != IDLE)
		F.state = IDLE;		/* whatever was in flight is dropped */
	grant_next();
}

static unsigned int decode(volatile u8 *addr, unsigned int *reg)
{
	uintptr_t off = (uintptr_t)addr - (uintptr_t)window;

	if (off >= sizeof(window))
		fail_msg("MMIO outside the TIS window: %p", (void *)addr);
	*reg = off & (PAGE - 1);
	F.acc[off / PAGE]++;
	return off / PAGE;
}

static void tpm_process(void);

static void used(void)
{
	if (--F.allow == 0) {
		F.used_up = true;
		F.refill_wait = F.refill;
	}
}

static u32 sts_read(unsigned int l)
{
	u32 v, burst = 0;
	size_t avail;
	bool valid = true;

	F.sts_reads++;
	if (F.active != (int)l)
		return 0xffffffff;
	if (F.state == EXECUTION && !F.never_complete) {
		if (F.exec_wait)
			F.exec_wait--;
		else
			F.state = COMPLETION;
	}
	if (F.valid_wait) {
		F.valid_wait--;
		valid = false;
	}
	v = F.family << TPM_STS_FAMILY_SHIFT;
	switch (F.state) {
	case READY:
		if (F.ready_wait)
			F.ready_wait--;
		else
			v |= TPM_STS_COMMAND_READY;
		burst = F.wburst;
		break;
	case RECEPTION:
		if (expect())
			v |= TPM_STS_EXPECT;
		burst = F.wburst;
		break;
	case COMPLETION:
		avail = delivered() - F.rsp_off;
		if (avail)
			v |= TPM_STS_DATA_AVAIL;
		burst = avail < F.rburst ? (u32)avail : F.rburst;
		break;
	default:
		break;
	}
	if (!valid)		/* not meaningful yet: lie about them */
		v ^= TPM_STS_EXPECT | TPM_STS_DATA_AVAIL;
	else
		v |= TPM_STS_VALID;
	if (F.used_up) {
		if (F.refill_wait) {
			F.refill_wait--;
			burst = 0;
		} else {
			F.used_up = false;
		}
	}
	if (burst > 0xffff)
		burst = 0xffff;
	F.allow = burst;
	return v | burst << TPM_STS_BURST_SHIFT;
}

static u8 access_read(unsigned int l)
{
	u8 v;
	int i;

	if (F.holder >= 0 && F.holder_reads && --F.holder_reads == 0) {
		int h = F.holder;

		F.holder = -1;
		relinquish(h);
	}
	if (F.grant_wait && --F.grant_wait == 0)
		grant_next();
	if (F.access_invalid) {
		F.access_invalid--;
		return 0;
	}
	v = TPM_ACCESS_VALID | F.access_extra;
	if (F.active == (int)l)
		v |= TPM_ACCESS_ACTIVE_LOCALITY;
	if (F.req[l])
		v |= TPM_ACCESS_REQUEST_USE;
	for (i = 0; i < NLOC; i++)
		if (i != (int)l && F.req[i])
			v |= TPM_ACCESS_PENDING_REQUEST;
	return v;
}

u8 tpm_mmio_read8(volatile u8 *addr)
{
	unsigned int reg, l = decode(addr, &reg);
	u8 b;

	if (F.absent)
		return 0xff;
	switch (reg) {
	case TPM_REG_ACCESS:
		return access_read(l);
	case TPM_REG_DATA_FIFO:
		if (F.active != (int)l)
			fail_msg("FIFO read from inactive locality %u", l);
		if (F.allow == 0)
			fail_msg("FIFO read beyond burstCount");
		if (F.state != COMPLETION || F.rsp_off >= delivered())
			fail_msg("FIFO read with no data (state %d)", F.state);
		b = F.rsp_off < F.rsp_n ? F.rsp[F.rsp_off] : 0;
		F.rsp_off++;
		F.valid_wait = F.valid_delay;
		used();
		if (F.revoke_after_rsp && F.rsp_off == delivered())
			F.active = 3;
		return b;
	}
	fail_msg("8-bit read of register %#x", reg);
	return 0;
}

u32 tpm_mmio_read32(volatile u8 *addr)
{
	unsigned int reg, l = decode(addr, &reg);

	if (F.absent)
		return 0xffffffff;
	switch (reg) {
	case TPM_REG_INTF_CAPABILITY:
		return F.intf_cap;
	case TPM_REG_STS:
		return sts_read(l);
	case TPM_REG_INTERFACE_ID:
		return F.iface_id;
	case TPM_REG_DID_VID:
		return F.did_vid;
	}
	fail_msg("32-bit read of register %#x", reg);
	return 0;
}

static void access_write(unsigned int l, u8 v)
{
	if (v & ~(TPM_ACCESS_ACTIVE_LOCALITY | TPM_ACCESS_REQUEST_USE))
		fail_msg("unexpected TPM_ACCESS write %#x", v);
	if (v & TPM_ACCESS_ACTIVE_LOCALITY) {
		if (F.active == (int)l) {
			relinquish(l);
		} else {
			F.cancels += F.req[l];
			F.req[l] = false;
		}
	}
	if (v & TPM_ACCESS_REQUEST_USE) {
		F.requests++;
		if (F.active == (int)l)
			return;
		F.req[l] = true;
		if (F.active < 0 && !F.never_grant) {
			if (F.grant_delay)
				F.grant_wait = F.grant_delay;
			else
				grant_next();
		}
	}
}

static void sts_write(unsigned int l, u8 v)
{
	if (F.active != (int)l) {
		F.ignored_sts_writes++;
		return;
	}
	if (v == TPM_STS_COMMAND_READY) {
		F.ready_writes++;
		switch (F.state) {
		case IDLE:
			F.state = READY;
			F.ready_wait = F.ready_delay;
			break;
		case READY:
			F.cmd_n = 0;
			break;
		case RECEPTION:
		case EXECUTION:
			F.aborts++;
			F.state = F.strict ? IDLE : READY;
			F.ready_wait = 0;
			break;
		case COMPLETION:
			if (F.rsp_off < delivered())
				F.aborts++;
			F.state = F.strict ? IDLE : READY;
			F.ready_wait = 0;
			break;
		}
		F.cmd_n = 0;
		return;
	}
	if (v == TPM_STS_GO) {
		if (F.state != RECEPTION || expect())
			fail_msg("tpmGo in state %d, Expect %d", F.state, expect());
		F.go++;
		tpm_process();
		F.state = EXECUTION;
		F.exec_wait = F.exec_delay;
		F.valid_wait = F.valid_delay;
		F.rsp_off = 0;
		F.allow = 0;
		F.used_up = false;
		return;
	}
	fail_msg("unexpected TPM_STS write %#x", v);
}

void tpm_mmio_write8(volatile u8 *addr, u8 v)
{
	unsigned int reg, l = decode(addr, &reg);

	if (l == 4)
		fail_msg("write to locality 4");
	if (F.absent)
		return;
	switch (reg) {
	case TPM_REG_ACCESS:
		access_write(l, v);
		return;
	case TPM_REG_STS:
		sts_write(l, v);
		return;
	case TPM_REG_DATA_FIFO:
		if (F.active != (int)l)
			fail_msg("FIFO write from inactive locality %u", l);
		if (F.allow == 0)
			fail_msg("FIFO write beyond burstCount");
		if (F.state == READY) {
			if (F.ready_wait)
				fail_msg("FIFO write before commandReady");
			F.state = RECEPTION;
			F.cmd_n = 0;
		}
		if (F.state != RECEPTION)
			fail_msg("FIFO write in state %d", F.state);
		if (!expect())
			fail_msg("FIFO write while Expect is clear");
		assert_true(F.cmd_n < sizeof(F.cmd));
		F.cmd[F.cmd_n++] = v;
		F.valid_wait = F.valid_delay;
		used();
		return;
	}
	fail_msg("8-bit write of register %#x", reg);
}

/* ------------------------------------------------------- the tiny TPM */

struct cur {
	const u8 *p;
	size_t n, off;
};

static u8 c8(struct cur *c)
{
	assert_true(c->off + 1 <= c->n);
	return c->p[c->off++];
}

static u16 c16(struct cur *c)
{
	u16 v = (u16)(c8(c) << 8);

	return v | c8(c);
}

static u32 c32(struct cur *c)
{
	u32 v = (u32)c16(c) << 16;

	return v | c16(c);
}

static const u8 *cn(struct cur *c, size_t n)
{
	assert_true(c->off + n <= c->n);
	c->off += n;
	return c->p + c->off - n;
}

/* TPMS_AUTH_COMMAND for TPM_RS_PW, empty nonce and password: exactly. */
static void check_pw_session(struct cur *c)
{
	assert_int_equal(c32(c), 9);		/* authorizationSize */
	assert_int_equal(c32(c), TPM_RS_PW);
	assert_int_equal(c16(c), 0);		/* nonceCaller */
	assert_int_equal(c8(c), 0);		/* sessionAttributes */
	assert_int_equal(c16(c), 0);		/* hmac */
}

static void w8(u8 v)
{
	assert_true(F.rsp_n < sizeof(F.rsp));
	F.rsp[F.rsp_n++] = v;
}

static void w16(u16 v)
{
	w8(v >> 8);
	w8((u8)v);
}

static void w32(u32 v)
{
	w16(v >> 16);
	w16((u16)v);
}

static void wn(const u8 *p, size_t n)
{
	while (n--)
		w8(*p++);
}

static void rsp_begin(u16 tag)
{
	F.rsp_n = 0;
	w16(tag);
	w32(0);
	w32(TPM_RC_SUCCESS);
}

static void rsp_end(void)
{
	F.rsp[2] = (u8)(F.rsp_n >> 24);
	F.rsp[3] = (u8)(F.rsp_n >> 16);
	F.rsp[4] = (u8)(F.rsp_n >> 8);
	F.rsp[5] = (u8)F.rsp_n;
}

static void rsp_error(u32 rc)
{
	rsp_begin(TPM_ST_NO_SESSIONS);
	F.rsp[6] = (u8)(rc >> 24);
	F.rsp[7] = (u8)(rc >> 16);
	F.rsp[8] = (u8)(rc >> 8);
	F.rsp[9] = (u8)rc;
	rsp_end();
}

static void rsp_auth(void)
{
	w16(0);		/* nonceTPM */
	w8(0x01);	/* continueSession */
	w16(0);		/* hmac */
}

static bool may_extend(u32 pcr, int loc)
{
	switch (pcr) {		/* libtpms, as in TESTBENCH.md */
	case 17: case 18:
		return loc >= 2;
	case 19:
		return loc == 2 || loc == 3;
	case 20:
		return loc >= 1 && loc <= 3;
	case 21: case 22:
		return loc == 2;
	default:
		return true;
	}
}

static void do_pcr_extend(struct cur *c)
{
	u32 pcr = c32(c), count, i;
	const u8 *d[2];
	u16 alg[2];

	check_pw_session(c);
	count = c32(c);
	assert_true(count >= 1 && count <= 2);
	for (i = 0; i < count; i++) {
		alg[i] = c16(c);
		if (alg[i] == TPM_ALG_SHA1)
			d[i] = cn(c, 20);
		else if (alg[i] == TPM_ALG_SHA256)
			d[i] = cn(c, 32);
		else
			fail_msg("digest alg %#x", alg[i]);
	}
	assert_int_equal(c->off, c->n);
	assert_true(pcr < 24);
	if (!may_extend(pcr, F.active)) {
		rsp_error(TPM_RC_LOCALITY);
		return;
	}
	for (i = 0; i < count; i++) {
		u8 m[64];

		if (alg[i] == TPM_ALG_SHA1) {
			if (!F.sha1_bank)
				continue;	/* digests of unallocated banks are ignored */
			memcpy(m, F.pcr1[pcr], 20);
			memcpy(m + 20, d[i], 20);
			sha1(m, 40, F.pcr1[pcr]);
		} else {
			memcpy(m, F.pcr256[pcr], 32);
			memcpy(m + 32, d[i], 32);
			sha256(m, 64, F.pcr256[pcr]);
		}
	}
	F.pcr_counter++;
	rsp_begin(TPM_ST_SESSIONS);
	w32(0);			/* parameterSize */
	rsp_auth();
	rsp_end();
}

static void do_pcr_read(struct cur *c)
{
	u8 sel[3];
	u16 alg;
	int i, pcr = -1, bits = 0;

	assert_int_equal(c32(c), 1);
	alg = c16(c);
	assert_true(alg == TPM_ALG_SHA1 || alg == TPM_ALG_SHA256);
	assert_int_equal(c8(c), 3);
	memcpy(sel, cn(c, 3), 3);
	assert_int_equal(c->off, c->n);
	for (i = 0; i < 24; i++) {
		if (sel[i / 8] & (1 << (i % 8))) {
			pcr = i;
			bits++;
		}
	}
	assert_int_equal(bits, 1);

	rsp_begin(TPM_ST_NO_SESSIONS);
	w32(F.pcr_counter);
	if (alg == TPM_ALG_SHA1 && !F.sha1_bank) {
		if (F.nobank_count0) {
			w32(0);
		} else {
			w32(1);
			w16(alg);
			w8(3);
			w8(0); w8(0); w8(0);
		}
		w32(0);
		rsp_end();
		return;
	}
	w32(1);
	w16(alg);
	w8(3);
	wn(sel, 3);
	w32(1);
	if (alg == TPM_ALG_SHA1) {
		w16(20);
		wn(F.pcr1[pcr], 20);
	} else {
		w16(32);
		wn(F.pcr256[pcr], 32);
	}
	rsp_end();
}

static void do_get_random(struct cur *c)
{
	u16 want = c16(c), n, i;

	assert_int_equal(c->off, c->n);
	assert_true(want > 0);
	n = want < F.rnd_max ? want : F.rnd_max;
	if (F.rnd_mode == 1)
		n = 0;
	else if (F.rnd_mode == 2)
		n = want + 1;
	rsp_begin(TPM_ST_NO_SESSIONS);
	w16(n);
	for (i = 0; i < n; i++)
		w8(F.rnd_next++);
	rsp_end();
}

static bool nv_common(struct cur *c)
{
	u32 auth = c32(c), idx = c32(c);

	assert_int_equal(auth, idx);	/* authorized by the index itself */
	check_pw_session(c);
	if (idx != NV_INDEX) {
		rsp_error(0x18b);	/* TPM_RC_HANDLE + TPM_RC_1 */
		return false;
	}
	return true;
}

static void do_nv_read(struct cur *c)
{
	u16 size, off;

	if (!nv_common(c))
		return;
	size = c16(c);
	off = c16(c);
	assert_int_equal(c->off, c->n);
	assert_true(size > 0 && size <= NV_BUFFER_MAX);
	if (!F.nv_written) {
		rsp_error(0x14a);	/* TPM_RC_NV_UNINITIALIZED */
		return;
	}
	if ((u32)off + size > NV_SIZE) {
		rsp_error(0x146);	/* TPM_RC_NV_RANGE */
		return;
	}
	rsp_begin(TPM_ST_SESSIONS);
	w32(2 + size);
	w16(size);
	wn(F.nv + off, size);
	rsp_auth();
	rsp_end();
}

static void do_nv_write(struct cur *c)
{
	const u8 *data;
	u16 size, off;

	if (!nv_common(c))
		return;
	size = c16(c);
	data = cn(c, size);
	off = c16(c);
	assert_int_equal(c->off, c->n);
	assert_true(size > 0 && size <= NV_BUFFER_MAX);
	if ((u32)off + size > NV_SIZE) {
		rsp_error(0x146);
		return;
	}
	memcpy(F.nv + off, data, size);
	F.nv_written = true;
	rsp_begin(TPM_ST_SESSIONS);
	w32(0);
	rsp_auth();
	rsp_end();
}

static void tpm_process(void)
{
	struct cur c = { F.cmd, F.cmd_n, 0 };
	u16 tag = c16(&c);
	u32 size = c32(&c), cc = c32(&c);

	assert_int_equal(size, F.cmd_n);
	if (F.ncmds < LOG_MAX) {
		memcpy(F.log[F.ncmds].bytes, F.cmd, F.cmd_n);
		F.log[F.ncmds].len = F.cmd_n;
	}
	F.ncmds++;

	switch (cc) {
	case TPM_CC_PCR_EXTEND:
	case TPM_CC_NV_READ:
	case TPM_CC_NV_WRITE:
		assert_int_equal(tag, TPM_ST_SESSIONS);
		break;
	case TPM_CC_PCR_READ:
	case TPM_CC_GET_RANDOM:
		assert_int_equal(tag, TPM_ST_NO_SESSIONS);
		break;
	default:
		/* raw transmit tests send other codes */
		break;
	}

	if (F.retry_n) {
		F.retry_n--;
		rsp_error(F.retry_rc);
	} else if (F.force_rc) {
		rsp_error(F.force_rc);
	} else {
		switch (cc) {
		case TPM_CC_PCR_EXTEND:
			do_pcr_extend(&c);
			break;
		case TPM_CC_PCR_READ:
			do_pcr_read(&c);
			break;
		case TPM_CC_GET_RANDOM:
			do_get_random(&c);
			break;
		case TPM_CC_NV_READ:
			do_nv_read(&c);
			break;
		case TPM_CC_NV_WRITE:
			do_nv_write(&c);
			break;
		default:
			rsp_error(0x143);	/* TPM_RC_COMMAND_CODE */
			break;
		}
	}
	if (F.raw) {
		assert_true(F.raw_len <= sizeof(F.rsp));
		memcpy(F.rsp, F.raw, F.raw_len);
		F.rsp_n = F.raw_len;
	}
	if (F.revoke_after_cmds >= 0 && (int)F.ncmds >= F.revoke_after_cmds) {
		/* locality 3 seizes the TPM: ours is gone mid-command */
		F.active = 3;
		F.state = IDLE;
	}
}

/* ------------------------------------------------------------ helpers */

static int setup(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static void open_ok(struct tpm *t, unsigned int loc)
{
	assert_int_equal(tpm_open_spin(t, BASE, loc, SPIN), 0);
	assert_true(t->open);
	assert_int_equal(F.active, (int)loc);
}

/* Every access went to the handle's own locality page. */
static void only_locality(unsigned int loc)
{
	unsigned int l;

	for (l = 0; l < NLOC; l++)
		if (l != loc)
			assert_int_equal(F.acc[l], 0);
	assert_true(F.acc[loc] > 0);
}

/* The FIFO is idle again and no command was left behind. */
static void tpm_idle(void)
{
	assert_true(F.state == IDLE || F.state == READY);
}

static const u8 D1[20] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
};
static const u8 D2[32] = {
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
};
/* sha1(ff*20 || D1), sha256(ff*32 || D2), sha256(00*32 || D2) */
static const u8 PCR17_SHA1[20] = {
	0xd3, 0x2d, 0x23, 0xe5, 0xe1, 0x2c, 0x82, 0x50, 0x49, 0xe8,
	0x49, 0xb5, 0xd0, 0x8d, 0x81, 0x18, 0x39, 0x57, 0xb7, 0xa1,
};
static const u8 PCR17_SHA256[32] = {
	0x85, 0xbc, 0x36, 0xdd, 0x4c, 0xc3, 0x1a, 0xa4,
	0x6c, 0xae, 0x6b, 0x68, 0x9e, 0x0a, 0x1d, 0x16,
	0x4a, 0x52, 0x25, 0x60, 0x0e, 0x66, 0xe8, 0xbf,
	0x5a, 0xff, 0x19, 0xa9, 0xf5, 0x2c, 0x1c, 0xb6,
};
static const u8 PCR0_SHA256[32] = {
	0x5c, 0xa0, 0x11, 0xab, 0x55, 0x56, 0xce, 0x91,
	0xa8, 0x7e, 0x0b, 0x8a, 0xcf, 0xe2, 0xd6, 0xe8,
	0xa3, 0xcd, 0x03, 0xab, 0xda, 0xf8, 0xa4, 0x26,
	0x86, 0x6b, 0x66, 0x65, 0x69, 0xb5, 0xa9, 0x3a,
};

/* ------------------------------------------------------------ tests: open */

static void test_open_locality2(void **state)
{
	struct tpm t;

	(void)state;
	open_ok(&t, 2);
	assert_int_equal(t.locality, 2);
	assert_int_equal(t.did_vid, 0x00011014);
	assert_int_equal(t.spin_limit, SPIN);
	assert_int_equal(F.requests, 1);
	only_locality(2);
	tpm_close(&t);
	assert_false(t.open);
	assert_int_equal(F.active, -1);
	assert_int_equal(F.relinquish, 1);
	/* closing twice does nothing */
	tpm_close(&t);
	assert_int_equal(F.relinquish, 1);
}

static void test_open_default_spin(void **state)
{
	struct tpm t;

	(void)state;
	assert_int_equal(tpm_open(&t, BASE, 1), 0);
	assert_int_equal(t.spin_limit, TPM_SPIN_DEFAULT);
	assert_int_equal(F.active, 1);
	tpm_close(&t);
	assert_int_equal(tpm_open_spin(&t, BASE, 0, 0), 0);
	assert_int_equal(t.spin_limit, TPM_SPIN_DEFAULT);
}

static void test_open_no_tpm(void **state)
{
	struct tpm t;

	(void)state;
	F.absent = true;	/* every register reads all ones */
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_NODEV);
	assert_false(t.open);
	assert_true(F.acc[2] < 4);	/* no spinning on a missing device */
	/* a closed handle refuses commands */
	assert_int_equal(tpm2_get_random(&t, (u8 [4]){ 0 }, 4), -TPM_E_INVAL);
}

static void test_open_access_valid_late(void **state)
{
	struct tpm t;

	(void)state;
	F.access_invalid = 5;	/* tpmRegValidSts comes up after a while */
	open_ok(&t, 2);
	F.access_invalid = SPIN * 2;
	assert_int_equal(tpm_open_spin(&t, BASE, 3, SPIN), -TPM_E_NODEV);
}

static void test_open_wrong_interface(void **state)
{
	struct tpm t;

	(void)state;
	F.iface_id = 0x00004001;		/* CRB */
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_NODEV);
	F.iface_id = 0x00002110;		/* FIFO type, unknown version */
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_NODEV);
	F.iface_id = 0xffffffff;		/* TIS 1.3 register set ... */
	F.intf_cap = 0x00000097;		/* ... of a TPM 1.2 */
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_NODEV);
	F.iface_id = 0x00002100;
	F.access_extra = TPM_ACCESS_RESERVED;	/* not a TPM_ACCESS register */
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_NODEV);
	F.access_extra = 0;
	F.did_vid = 0xffffffff;
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_NODEV);
	assert_int_equal(F.requests, 0);	/* never got as far as asking */

	/* TIS 1.3 register set with a TPM 2.0 behind it is fine */
	F.did_vid = 0x001a15d1;
	F.iface_id = 0xffffffff;
	F.intf_cap = 0x30000097;
	open_ok(&t, 2);
	tpm_close(&t);

	/* TPM_STS.tpmFamily says 1.2: refused, locality given back */
	F.iface_id = 0x00002100;
	F.family = 0;
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_NODEV);
	assert_false(t.open);
	assert_int_equal(F.active, -1);
}

static void test_open_bad_locality(void **state)
{
	struct tpm t;
	unsigned int l;

	(void)state;
	assert_int_equal(tpm_open_spin(&t, BASE, 4, SPIN), -TPM_E_INVAL);
	assert_int_equal(tpm_open_spin(&t, BASE, 5, SPIN), -TPM_E_INVAL);
	assert_int_equal(tpm_open_spin(&t, BASE, 0x100000, SPIN), -TPM_E_INVAL);
	assert_int_equal(tpm_open_spin(NULL, BASE, 2, SPIN), -TPM_E_INVAL);
	for (l = 0; l < NLOC; l++)
		assert_int_equal(F.acc[l], 0);
}

static void test_open_locality_never_granted(void **state)
{
	struct tpm t;
	unsigned int before;

	(void)state;
	set_holder(0);		/* the guest holds locality 0 and keeps it */
	before = F.acc[2];
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_LOCALITY);
	assert_false(t.open);
	assert_int_equal(F.active, 0);
	assert_false(F.req[2]);			/* request withdrawn */
	assert_int_equal(F.cancels, 1);
	assert_true(F.acc[2] - before >= SPIN);	/* it did wait ... */
	assert_true(F.acc[2] - before < 3 * SPIN + 16);	/* ... boundedly */

	/* a TPM that grants nothing at all */
	fake_reset();
	F.never_grant = true;
	assert_int_equal(tpm_open_spin(&t, BASE, 2, SPIN), -TPM_E_LOCALITY);
	assert_int_equal(F.active, -1);
	assert_false(F.req[2]);
}

static void test_open_locality_granted_later(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	set_holder(0);
	F.holder_reads = 20;	/* the guest finishes its command */
	open_ok(&t, 2);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, sizeof(d)), 0);

	fake_reset();
	F.grant_delay = 7;	/* a free locality, granted after a few polls */
	open_ok(&t, 3);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, sizeof(d)), 0);
	only_locality(3);
}

static void test_open_already_active(void **state)
{
	struct tpm t;

	(void)state;
	set_holder(2);		/* e.g. the SL kept it for the runtime */
	open_ok(&t, 2);
	assert_int_equal(F.requests, 0);
}

/* ------------------------------------------------------- tests: transport */

static void pcr_roundtrip(void)
{
	struct tpm t;
	u8 d[32];

	open_ok(&t, 2);
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), 0);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA1, d, 20), 0);
	assert_memory_equal(d, PCR17_SHA1, 20);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
	assert_memory_equal(d, PCR17_SHA256, 32);
	assert_int_equal(F.go, 3);
	assert_int_equal(F.aborts, 0);
	tpm_idle();
	only_locality(2);
	tpm_close(&t);
}

static void test_burst_1(void **state)
{
	(void)state;
	F.wburst = 1;
	F.rburst = 1;
	F.refill = 3;
	pcr_roundtrip();
}

static void test_burst_7(void **state)
{
	(void)state;
	F.wburst = 7;
	F.rburst = 7;
	F.refill = 2;
	pcr_roundtrip();
}

static void test_burst_mixed_slow(void **state)
{
	(void)state;
	F.wburst = 64;
	F.rburst = 3;
	F.refill = 5;
	F.ready_delay = 4;
	F.exec_delay = 50;
	F.valid_delay = 3;
	pcr_roundtrip();
	assert_true(F.sts_reads > 3 * 50);
}

static void test_qemu_like_completion(void **state)
{
	(void)state;
	F.strict = false;	/* QEMU: Completion + commandReady -> Ready */
	pcr_roundtrip();
	/* Idle -> Ready once; after that each end leaves it Ready */
	assert_int_equal(F.ready_writes, 4);
}

static void test_stale_completion(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 2);
	/* someone left a response unread in Completion */
	F.state = COMPLETION;
	F.rsp_n = 10;
	memcpy(F.rsp, "\x80\x01\x00\x00\x00\x0a\x00\x00\x00\x00", 10);
	F.rsp_off = 0;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
	assert_memory_equal(d, (u8 [32]){ [0 ... 31] = 0xff }, 32);
	/* Completion -> Idle, Idle -> Ready, then Completion -> Idle at the end */
	assert_int_equal(F.ready_writes, 3);
	tpm_idle();
}

static void test_transmit_raw(void **state)
{
	static const u8 cmd[] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x7b,
		0x00, 0x05,
	};
	struct tpm t;
	u8 rsp[64];
	size_t n = 99;

	(void)state;
	F.rnd_next = 0x40;
	open_ok(&t, 2);
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd), rsp, sizeof(rsp), &n), 0);
	assert_int_equal(n, 17);
	assert_memory_equal(rsp, "\x80\x01\x00\x00\x00\x11\x00\x00\x00\x00\x00\x05"
			    "\x40\x41\x42\x43\x44", 17);
	assert_int_equal(t.last_rc, 0);

	/* a non-zero RC is still a delivered response at this layer */
	F.force_rc = TPM_RC_LOCALITY;
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd), rsp, sizeof(rsp), &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(t.last_rc, TPM_RC_LOCALITY);
}

static void test_transmit_bad_args(void **state)
{
	static const u8 cmd[] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x7b,
		0x00, 0x05,
	};
	struct tpm t;
	u8 rsp[64];
	size_t n = 99;
	unsigned int acc;

	(void)state;
	open_ok(&t, 2);
	acc = F.acc[2];
	/* header size disagrees with cmd_len */
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd) - 1, rsp, sizeof(rsp), &n),
			 -TPM_E_INVAL);
	assert_int_equal(n, 0);
	assert_int_equal(tpm_transmit(&t, cmd, 9, rsp, sizeof(rsp), &n), -TPM_E_INVAL);
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd), rsp, 9, &n), -TPM_E_INVAL);
	assert_int_equal(tpm_transmit(&t, NULL, sizeof(cmd), rsp, 64, &n), -TPM_E_INVAL);
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd), NULL, 64, &n), -TPM_E_INVAL);
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd), rsp, 64, NULL), -TPM_E_INVAL);
	assert_int_equal(tpm_transmit(NULL, cmd, sizeof(cmd), rsp, 64, &n), -TPM_E_INVAL);
	assert_int_equal(F.acc[2], acc);	/* nothing reached the TPM */
	assert_int_equal(F.ncmds, 0);
}

static void test_resp_oversized_for_buffer(void **state)
{
	static const u8 cmd[] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x7b,
		0x00, 0x20,
	};
	struct tpm t;
	u8 rsp[64];
	size_t n = 99;

	(void)state;
	open_ok(&t, 2);
	/* 44-byte response, 20-byte buffer */
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd), rsp, 20, &n), -TPM_E_RESP);
	assert_int_equal(n, 0);
	assert_int_equal(F.aborts, 1);		/* the rest was dropped */
	tpm_idle();
	/* and the TPM is usable right after */
	assert_int_equal(tpm_transmit(&t, cmd, sizeof(cmd), rsp, sizeof(rsp), &n), 0);
	assert_int_equal(n, 44);
}

static void test_resp_size_field_bad(void **state)
{
	static const u8 small[] = {	/* size 6 < header */
		0x80, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
	};
	static const u8 huge[] = {	/* size 0xffffffff */
		0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	};
	struct tpm t;
	u8 b[8];

	(void)state;
	open_ok(&t, 2);
	F.raw = small;
	F.raw_len = sizeof(small);
	assert_int_equal(tpm2_get_random(&t, b, 8), -TPM_E_RESP);
	tpm_idle();
	F.raw = huge;
	F.raw_len = sizeof(huge);
	assert_int_equal(tpm2_get_random(&t, b, 8), -TPM_E_RESP);
	tpm_idle();
	/* each command: Idle -> Ready at its start, back to Idle at its end */
	assert_int_equal(F.ready_writes, 4);
	assert_int_equal(F.go, 2);
}

static void test_resp_truncated(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	F.rburst = 5;
	open_ok(&t, 2);
	/* the header announces 62 bytes, dataAvail drops after 40 */
	F.rsp_cut = 40;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_IO);
	tpm_idle();
	/* dataAvail drops inside the header */
	F.rsp_cut = 4;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_IO);
	/* recovery */
	F.rsp_cut = -1;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
}

static void test_resp_extra_bytes(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 2);
	F.rsp_extra = 3;	/* dataAvail still set after the announced size */
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_IO);
	assert_int_equal(F.aborts, 1);
	tpm_idle();
}

static void test_data_avail_never(void **state)
{
	struct tpm t;
	u8 d[32];
	unsigned int before;

	(void)state;
	open_ok(&t, 2);
	F.never_complete = true;
	before = F.sts_reads;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_TIMEOUT);
	assert_true(F.sts_reads - before >= SPIN);
	assert_true(F.sts_reads - before < 4 * SPIN);
	assert_int_equal(F.aborts, 1);		/* the command was cancelled */
	tpm_idle();
	F.never_complete = false;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
}

static void test_sts_valid_never(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 2);
	F.valid_delay = 10 * SPIN;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_TIMEOUT);
	assert_int_equal(F.go, 0);
}

static void test_command_ready_never(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 2);
	F.ready_delay = 10 * SPIN;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_TIMEOUT);
	assert_int_equal(F.ncmds, 0);
}

static void test_burst_never(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	F.wburst = 0;
	open_ok(&t, 2);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_TIMEOUT);
	assert_int_equal(F.ncmds, 0);
}

static void test_expect_mismatch(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	F.wburst = 1;
	open_ok(&t, 2);
	F.expect_early = true;	/* TPM wants one byte less than we send */
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_IO);
	assert_int_equal(F.go, 0);
	assert_int_equal(F.aborts, 1);
	F.expect_early = false;
	F.expect_stuck = true;	/* TPM wants more than we send */
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_IO);
	assert_int_equal(F.go, 0);
	F.expect_stuck = false;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
}

static void test_locality_lost(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 2);
	F.revoke_after_cmds = 1;	/* seized while our command runs */
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_LOCALITY);
	assert_true(F.ignored_sts_writes >= 1);	/* cleanup write did no harm */
	/* and the next command does not even start */
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_LOCALITY);
	assert_int_equal(F.ncmds, 1);

	/* lost right after the last response byte: still reported as such */
	fake_reset();
	open_ok(&t, 2);
	F.revoke_after_rsp = true;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_LOCALITY);
	assert_int_equal(F.ncmds, 1);
}

/* --------------------------------------------------------- tests: TPM2 */

static void test_pcr_extend_bytes(void **state)
{
	static const u8 want[] = {
		0x80, 0x02,			/* TPM_ST_SESSIONS */
		0x00, 0x00, 0x00, 0x57,		/* commandSize 87 */
		0x00, 0x00, 0x01, 0x82,		/* TPM_CC_PCR_Extend */
		0x00, 0x00, 0x00, 0x11,		/* pcrHandle 17 */
		0x00, 0x00, 0x00, 0x09,		/* authorizationSize */
		0x40, 0x00, 0x00, 0x09,		/* TPM_RS_PW */
		0x00, 0x00,			/* nonceCaller */
		0x00,				/* sessionAttributes */
		0x00, 0x00,			/* hmac */
		0x00, 0x00, 0x00, 0x02,		/* TPML_DIGEST_VALUES.count */
		0x00, 0x04,			/* TPM_ALG_SHA1 */
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
		0x00, 0x0b,			/* TPM_ALG_SHA256 */
		0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
		0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
		0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
		0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	};
	struct tpm t;

	(void)state;
	open_ok(&t, 2);
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), 0);
	assert_int_equal(F.ncmds, 1);
	assert_int_equal(F.log[0].len, sizeof(want));
	assert_memory_equal(F.log[0].bytes, want, sizeof(want));
	assert_memory_equal(F.pcr1[17], PCR17_SHA1, 20);
	assert_memory_equal(F.pcr256[17], PCR17_SHA256, 32);
}

static void test_pcr_extend_one_bank(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 0);
	assert_int_equal(tpm2_pcr_extend(&t, 0, NULL, D2), 0);
	assert_int_equal(F.log[0].len, 10 + 4 + 4 + 9 + 4 + 2 + 32);
	assert_memory_equal(F.log[0].bytes + 27, "\x00\x00\x00\x01\x00\x0b", 6);
	assert_memory_equal(F.pcr256[0], PCR0_SHA256, 32);
	assert_memory_equal(F.pcr1[0], (u8 [20]){ 0 }, 20);	/* untouched */
	assert_int_equal(tpm2_pcr_read(&t, 0, TPM_ALG_SHA256, d, 32), 0);
	assert_memory_equal(d, PCR0_SHA256, 32);
	assert_int_equal(tpm2_pcr_extend(&t, 0, NULL, NULL), -TPM_E_INVAL);
	assert_int_equal(tpm2_pcr_extend(&t, 24, D1, D2), -TPM_E_INVAL);
	assert_int_equal(F.ncmds, 2);
}

static void test_pcr_extend_wrong_locality(void **state)
{
	struct tpm t;

	(void)state;
	open_ok(&t, 0);		/* PCR 17 cannot be extended from locality 0 */
	t.last_rc = 0;
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), -TPM_E_RC);
	assert_int_equal(t.last_rc, TPM_RC_LOCALITY);
	assert_memory_equal(F.pcr256[17], (u8 [32]){ [0 ... 31] = 0xff }, 32);
	assert_string_equal(tpm_strerror(-TPM_E_RC), "TPM returned an error code");
	tpm_idle();
}

static void test_pcr_read_bytes(void **state)
{
	static const u8 want[] = {
		0x80, 0x01,			/* TPM_ST_NO_SESSIONS */
		0x00, 0x00, 0x00, 0x14,		/* commandSize 20 */
		0x00, 0x00, 0x01, 0x7e,		/* TPM_CC_PCR_Read */
		0x00, 0x00, 0x00, 0x01,		/* TPML_PCR_SELECTION.count */
		0x00, 0x0b,			/* TPM_ALG_SHA256 */
		0x03,				/* sizeofSelect */
		0x00, 0x00, 0x02,		/* PCR 17 */
	};
	struct tpm t;
	u8 d[40];

	(void)state;
	open_ok(&t, 2);
	memset(d, 0xee, sizeof(d));
	F.pcr256[17][0] = 0x5a;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, sizeof(d)), 0);
	assert_int_equal(F.log[0].len, sizeof(want));
	assert_memory_equal(F.log[0].bytes, want, sizeof(want));
	assert_int_equal(d[0], 0x5a);
	assert_int_equal(d[31], 0xff);
	assert_int_equal(d[32], 0xee);		/* exactly 32 written */

	assert_int_equal(tpm2_pcr_read(&t, 3, TPM_ALG_SHA1, d, 20), 0);
	assert_memory_equal(F.log[1].bytes + 14, "\x00\x04\x03\x08\x00\x00", 6);
	assert_memory_equal(d, (u8 [20]){ 0 }, 20);
	assert_int_equal(tpm2_pcr_read(&t, 23, TPM_ALG_SHA1, d, 20), 0);
	assert_memory_equal(F.log[2].bytes + 17, "\x00\x00\x80", 3);
}

static void test_pcr_read_bad_args(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 2);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 31), -TPM_E_INVAL);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA1, d, 19), -TPM_E_INVAL);
	assert_int_equal(tpm2_pcr_read(&t, 17, 0x000c, d, 32), -TPM_E_INVAL);
	assert_int_equal(tpm2_pcr_read(&t, 24, TPM_ALG_SHA1, d, 32), -TPM_E_INVAL);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA1, NULL, 32), -TPM_E_INVAL);
	assert_int_equal(F.ncmds, 0);
}

static void test_pcr_read_no_bank(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	F.sha1_bank = false;	/* swtpm_setup's default: sha256 only */
	open_ok(&t, 2);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA1, d, 20), -TPM_E_NOBANK);
	F.nobank_count0 = true;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA1, d, 20), -TPM_E_NOBANK);
	/* the sha1 half of a two-bank extend is ignored, sha256 still works */
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), 0);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
	assert_memory_equal(d, PCR17_SHA256, 32);
}

static void test_pcr_read_malformed(void **state)
{
	/* valid header, then a digest of the wrong size (20 for sha256) */
	static const u8 wrong_size[] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x14,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	};
	/* selection echoes another algorithm */
	static const u8 wrong_alg[] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x03, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00,
	};
	/* response cut after the selection */
	static const u8 short_rsp[] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x02,
	};
	struct tpm t;
	u8 d[32], good[64];
	size_t n;

	(void)state;
	open_ok(&t, 2);
	F.raw = wrong_size;
	F.raw_len = sizeof(wrong_size);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_RESP);
	F.raw = wrong_alg;
	F.raw_len = sizeof(wrong_alg);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_RESP);
	F.raw = short_rsp;
	F.raw_len = sizeof(short_rsp);
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_RESP);

	/* a correct response ... */
	F.raw = NULL;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
	n = F.rsp_n;
	memcpy(good, F.rsp, n);
	/* ... whose tag says sessions, for a no-sessions command */
	good[1] = 0x02;
	F.raw = good;
	F.raw_len = n;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_RESP);
	/* ... with one trailing byte */
	good[1] = 0x01;
	good[n] = 0;
	good[5] = (u8)(n + 1);
	F.raw = good;
	F.raw_len = n + 1;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_RESP);
}

static void test_session_response_malformed(void **state)
{
	/* parameterSize points past the end */
	static const u8 psize_big[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x01, 0x00, 0x00,
	};
	/* auth area with a trailing byte */
	static const u8 auth_long[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	/* no auth area at all */
	static const u8 auth_missing[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	/* no parameterSize */
	static const u8 no_psize[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00,
	};
	/* NV_Write answers with a parameter it should not have */
	static const u8 extra_param[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	};
	/* a non-empty nonce and hmac are fine */
	static const u8 auth_filled[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb, 0x01, 0x00,
		0x02, 0xcc, 0xdd,
	};
	struct tpm t;

	(void)state;
	open_ok(&t, 2);
	F.raw = psize_big;
	F.raw_len = sizeof(psize_big);
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), -TPM_E_RESP);
	F.raw = auth_long;
	F.raw_len = sizeof(auth_long);
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), -TPM_E_RESP);
	F.raw = auth_missing;
	F.raw_len = sizeof(auth_missing);
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), -TPM_E_RESP);
	F.raw = no_psize;
	F.raw_len = sizeof(no_psize);
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), -TPM_E_RESP);
	F.raw = extra_param;
	F.raw_len = sizeof(extra_param);
	assert_int_equal(tpm2_nv_write(&t, NV_INDEX, 0, D1, 4), -TPM_E_RESP);
	F.raw = auth_filled;
	F.raw_len = sizeof(auth_filled);
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), 0);
	assert_int_equal(F.aborts, 0);	/* all framed fine at the FIFO level */
}

static void test_get_random_loops(void **state)
{
	static const u8 want0[] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x7b,
		0x00, 0x20,			/* bytesRequested 32 */
	};
	struct tpm t;
	u8 b[101];
	unsigned int i;

	(void)state;
	F.rnd_max = 7;		/* the TPM hands out 7 bytes at a time */
	F.rburst = 7;
	open_ok(&t, 2);
	memset(b, 0, sizeof(b));
	assert_int_equal(tpm2_get_random(&t, b, 100), 0);
	assert_int_equal(F.ncmds, 15);		/* ceil(100 / 7) */
	assert_memory_equal(F.log[0].bytes, want0, sizeof(want0));
	assert_memory_equal(F.log[14].bytes + 10, "\x00\x02", 2);	/* last: 2 left */
	for (i = 0; i < 100; i++)
		assert_int_equal(b[i], (u8)i);
	assert_int_equal(b[100], 0);

	assert_int_equal(tpm2_get_random(&t, b, 0), 0);
	assert_int_equal(F.ncmds, 15);
	assert_int_equal(tpm2_get_random(&t, NULL, 4), -TPM_E_INVAL);
}

static void test_get_random_bad(void **state)
{
	struct tpm t;
	u8 b[16];

	(void)state;
	open_ok(&t, 2);
	F.rnd_mode = 1;		/* zero bytes: must not loop forever */
	assert_int_equal(tpm2_get_random(&t, b, 16), -TPM_E_RESP);
	assert_int_equal(F.ncmds, 1);
	F.rnd_mode = 2;		/* more than asked for */
	assert_int_equal(tpm2_get_random(&t, b, 16), -TPM_E_RESP);
	F.rnd_mode = 0;
	F.force_rc = TPM_RC_RETRY;
	t.last_rc = 0;
	assert_int_equal(tpm2_get_random(&t, b, 16), -TPM_E_RC);
	assert_int_equal(t.last_rc, TPM_RC_RETRY);
}

static void test_nv_roundtrip(void **state)
{
	static const u8 want_hdr[] = {
		0x80, 0x02,			/* TPM_ST_SESSIONS */
		0x00, 0x00, 0x01, 0x23,		/* 10+8+13+2+256+2 = 291 */
		0x00, 0x00, 0x01, 0x37,		/* TPM_CC_NV_Write */
		0x01, 0x50, 0x00, 0x10,		/* authHandle = the index */
		0x01, 0x50, 0x00, 0x10,		/* nvIndex */
		0x00, 0x00, 0x00, 0x09, 0x40, 0x00, 0x00, 0x09,
		0x00, 0x00, 0x00, 0x00, 0x00,	/* password session */
		0x01, 0x00,			/* data.size 256 */
	};
	static const u8 want_read[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0x01, 0x4e,
		0x01, 0x50, 0x00, 0x10, 0x01, 0x50, 0x00, 0x10,
		0x00, 0x00, 0x00, 0x09, 0x40, 0x00, 0x00, 0x09,
		0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x00,			/* size 256 */
		0x00, 0x0a,			/* offset 10 */
	};
	struct tpm t;
	u8 in[590], out[591];
	unsigned int i;

	(void)state;
	F.wburst = 7;
	F.rburst = 1;
	open_ok(&t, 2);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (u8)(i * 7 + 3 + (i >> 8) * 0x55);
	assert_int_equal(tpm2_nv_write(&t, NV_INDEX, 10, in, sizeof(in)), 0);
	assert_int_equal(F.ncmds, 3);		/* 256 + 256 + 78 */
	assert_memory_equal(F.log[0].bytes, want_hdr, sizeof(want_hdr));
	assert_memory_equal(F.log[0].bytes + sizeof(want_hdr), in, 256);
	assert_memory_equal(F.log[0].bytes + sizeof(want_hdr) + 256, "\x00\x0a", 2);
	assert_memory_equal(F.log[2].bytes + 31, "\x00\x4e", 2);	/* 78 bytes */
	assert_memory_equal(F.log[2].bytes + 33 + 78, "\x02\x0a", 2);	/* at 522 */
	assert_memory_equal(F.nv + 10, in, sizeof(in));

	memset(out, 0xee, sizeof(out));
	assert_int_equal(tpm2_nv_read(&t, NV_INDEX, 10, out, sizeof(in)), 0);
	assert_int_equal(F.ncmds, 6);
	assert_memory_equal(F.log[3].bytes, want_read, sizeof(want_read));
	assert_memory_equal(F.log[4].bytes + 31, "\x01\x00\x01\x0a", 4);	/* 256 at 266 */
	assert_memory_equal(F.log[5].bytes + 31, "\x00\x4e\x02\x0a", 4);	/* 78 at 522 */
	assert_memory_equal(out, in, sizeof(in));
	assert_int_equal(out[590], 0xee);

	assert_int_equal(tpm2_nv_read(&t, NV_INDEX, 0, out, 0), 0);
	assert_int_equal(F.ncmds, 6);
}

static void test_nv_errors(void **state)
{
	struct tpm t;
	u8 b[64];

	(void)state;
	open_ok(&t, 2);
	assert_int_equal(tpm2_nv_read(&t, NV_INDEX, 0, b, 16), -TPM_E_RC);
	assert_int_equal(t.last_rc, 0x14a);		/* not written yet */
	assert_int_equal(tpm2_nv_write(&t, NV_INDEX, NV_SIZE - 8, b, 16), -TPM_E_RC);
	assert_int_equal(t.last_rc, 0x146);		/* out of range */
	assert_int_equal(tpm2_nv_write(&t, 0x01500011, 0, b, 16), -TPM_E_RC);
	assert_int_equal(t.last_rc, 0x18b);		/* no such index */
	assert_int_equal(F.ncmds, 3);

	/* argument checks never reach the TPM */
	assert_int_equal(tpm2_nv_read(&t, NV_INDEX, 0xfff0, b, 0x11), -TPM_E_INVAL);
	assert_int_equal(tpm2_nv_write(&t, NV_INDEX, 0xffff, b, 2), -TPM_E_INVAL);
	assert_int_equal(tpm2_nv_read(&t, NV_INDEX, 0, NULL, 2), -TPM_E_INVAL);
	assert_int_equal(tpm2_nv_write(&t, NV_INDEX, 0, NULL, 2), -TPM_E_INVAL);
	assert_int_equal(tpm2_nv_read(NULL, NV_INDEX, 0, b, 2), -TPM_E_INVAL);
	assert_int_equal(F.ncmds, 3);

	/* the last byte of a 64 KiB index is addressable */
	assert_int_equal(tpm2_nv_read(&t, NV_INDEX, 0xffff, b, 1), -TPM_E_RC);
	assert_int_equal(F.ncmds, 4);
}

static void test_rc_header_only(void **state)
{
	struct tpm t;
	u8 d[32];

	(void)state;
	open_ok(&t, 2);
	F.force_rc = TPM_RC_LOCALITY;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_RC);
	assert_int_equal(t.last_rc, TPM_RC_LOCALITY);
	assert_int_equal(tpm2_nv_write(&t, NV_INDEX, 0, d, 4), -TPM_E_RC);
	assert_int_equal(F.aborts, 0);
	tpm_idle();
	F.force_rc = 0;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
	assert_int_equal(t.last_rc, 0);
}

static void test_retry(void **state)
{
	struct tpm t;
	u8 d[32], in[300];
	unsigned int i;

	(void)state;
	open_ok(&t, 2);
	for (i = 0; i < sizeof(in); i++)
		in[i] = (u8)(i ^ 0x5c);
	/* swtpm answered the first NV_Write after NV_DefineSpace with RETRY */
	F.retry_n = 2;
	F.retry_rc = TPM_RC_RETRY;
	assert_int_equal(tpm2_nv_write(&t, NV_INDEX, 0, in, sizeof(in)), 0);
	assert_int_equal(F.ncmds, 4);		/* chunk 1 three times, chunk 2 */
	assert_int_equal(F.log[0].len, F.log[2].len);
	assert_memory_equal(F.log[0].bytes, F.log[2].bytes, F.log[0].len);
	assert_memory_equal(F.nv, in, sizeof(in));
	assert_int_equal(t.last_rc, 0);

	F.retry_n = 1;
	F.retry_rc = TPM_RC_YIELDED;
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), 0);
	assert_int_equal(F.ncmds, 6);

	/* a TPM that keeps asking: given up after 1 + 8 sends */
	F.retry_n = 100;
	F.retry_rc = TPM_RC_RETRY;
	assert_int_equal(tpm2_pcr_extend(&t, 17, D1, D2), -TPM_E_RC);
	assert_int_equal(t.last_rc, TPM_RC_RETRY);
	assert_int_equal(F.ncmds, 6 + 9);

	/* other warnings are not retried */
	F.retry_n = 1;
	F.retry_rc = 0x90a;	/* TPM_RC_TESTING */
	assert_int_equal(tpm2_pcr_read(&t, 17, TPM_ALG_SHA256, d, 32), -TPM_E_RC);
	assert_int_equal(t.last_rc, 0x90a);
	assert_int_equal(F.ncmds, 16);
}

/* ------------------------------------------- tests: was it made or not? */

/*
 * tpm_outcome_unknown: after a failed command, could the TPM have run it?
 * "Definite" (false) only when nothing reached the FIFO or the TPM
 * answered with an error code; "uncertain" (true) once bytes went out and
 * no valid answer came back.  The model runs a command at tpmGo, so in the
 * uncertain cases below the PCR really did change: the very thing a
 * caller must not rule out.
 */
static const u8 FF32[32] = { [0 ... 31] = 0xff };

static void test_outcome_definite_nothing_sent(void **state)
{
	struct tpm t;
	int err;

	(void)state;
	F.absent = true;			/* tpm_open fails: no TPM */
	err = tpm_open_spin(&t, BASE, 2, SPIN);
	assert_int_equal(err, -TPM_E_NODEV);
	assert_false(tpm_outcome_unknown(&t, err));

	fake_reset();
	F.never_grant = true;			/* tpm_open fails: no locality */
	err = tpm_open_spin(&t, BASE, 2, SPIN);
	assert_int_equal(err, -TPM_E_LOCALITY);
	assert_false(tpm_outcome_unknown(&t, err));

	fake_reset();
	open_ok(&t, 2);
	F.ready_delay = 10 * SPIN;		/* never Ready: timeout before a byte */
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_TIMEOUT);
	assert_false(tpm_outcome_unknown(&t, err));

	F.ready_delay = 0;
	F.wburst = 0;				/* burstCount stays 0: same */
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_TIMEOUT);
	assert_false(tpm_outcome_unknown(&t, err));
	assert_int_equal(F.ncmds, 0);
	assert_memory_equal(F.pcr256[17], FF32, 32);

	assert_int_equal(tpm2_pcr_extend(&t, 24, D1, D2), -TPM_E_INVAL);
	assert_false(tpm_outcome_unknown(&t, -TPM_E_INVAL));
	assert_false(tpm_outcome_unknown(&t, 0));
	assert_false(tpm_outcome_unknown(NULL, -TPM_E_TIMEOUT));
}

static void test_outcome_definite_error_rc(void **state)
{
	struct tpm t;
	int err;

	(void)state;
	open_ok(&t, 2);
	F.force_rc = 0x101;			/* TPM_RC_FAILURE */
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_RC);
	assert_true(t.cmd_sent);		/* it went out ... */
	assert_false(tpm_outcome_unknown(&t, err));	/* ... and was refused */
	assert_memory_equal(F.pcr256[17], FF32, 32);

	/* asked to retry until the driver gave up: never started */
	F.force_rc = 0;
	F.retry_n = 100;
	F.retry_rc = TPM_RC_RETRY;
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_RC);
	assert_false(tpm_outcome_unknown(&t, err));
	assert_memory_equal(F.pcr256[17], FF32, 32);
}

static void test_outcome_uncertain_timeout(void **state)
{
	struct tpm t;
	int err;

	(void)state;
	open_ok(&t, 2);
	F.never_complete = true;		/* taken, run, never answered */
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_TIMEOUT);
	assert_true(tpm_outcome_unknown(&t, err));
	assert_memory_equal(F.pcr256[17], PCR17_SHA256, 32);	/* it was made */

	/* the next command on the handle is judged on its own */
	F.never_complete = false;
	F.ready_delay = 10 * SPIN;
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_TIMEOUT);
	assert_false(tpm_outcome_unknown(&t, err));
}

static void test_outcome_uncertain_bad_answer(void **state)
{
	/* a success code, then an auth area with a trailing byte */
	static const u8 auth_long[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	static const u8 size_small[] = {	/* responseSize 6 < header */
		0x80, 0x02, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
	};
	struct tpm t;
	int err;

	(void)state;
	open_ok(&t, 2);
	F.raw = auth_long;			/* malformed response */
	F.raw_len = sizeof(auth_long);
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_RESP);
	assert_true(tpm_outcome_unknown(&t, err));
	assert_memory_equal(F.pcr256[17], PCR17_SHA256, 32);

	F.raw = size_small;			/* malformed header */
	F.raw_len = sizeof(size_small);
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_RESP);
	assert_true(tpm_outcome_unknown(&t, err));

	F.raw = NULL;
	F.rsp_cut = 4;				/* dataAvail drops in the header */
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_IO);
	assert_true(tpm_outcome_unknown(&t, err));

	/* locality seized while the command runs */
	fake_reset();
	open_ok(&t, 2);
	F.revoke_after_cmds = 1;
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_LOCALITY);
	assert_true(tpm_outcome_unknown(&t, err));

	/*
	 * Expect still set after the last byte: the TPM never saw tpmGo, but
	 * one that gets the FIFO protocol wrong is not trusted to wait for it.
	 */
	fake_reset();
	open_ok(&t, 2);
	F.expect_stuck = true;
	err = tpm2_pcr_extend(&t, 17, D1, D2);
	assert_int_equal(err, -TPM_E_IO);
	assert_int_equal(F.go, 0);
	assert_true(tpm_outcome_unknown(&t, err));
}

/* evlog_extend: the log says FAILED either way, and UNCERTAIN only when due. */
static void extend_into_log(struct xmhf_eventlog *log, const struct xmhf_event **ev)
{
	static const char data[] = "an event";

	memset(log, 0, sizeof(*log));
	log->state = XMHF_MEAS_OK;
	*ev = evlog_add(log, XMHF_EV_RUNTIME, data, sizeof(data), "test");
	assert_non_null(*ev);
}

static void test_evlog_extend_outcome(void **state)
{
	struct xmhf_eventlog log;
	const struct xmhf_event *ev;

	(void)state;
	/* made */
	extend_into_log(&log, &ev);
	assert_int_equal(evlog_extend(&log, BASE, ev), 0);
	assert_int_equal(log.state, XMHF_MEAS_OK);
	assert_int_equal(log.flags, 0);
	assert_int_equal(F.active, -1);		/* locality 2 given back */

	/* no TPM: definite */
	fake_reset();
	F.absent = true;
	extend_into_log(&log, &ev);
	assert_int_equal(evlog_extend(&log, BASE, ev), -TPM_E_NODEV);
	assert_int_equal(log.state, XMHF_MEAS_FAILED);
	assert_int_equal(log.tpm_error, -TPM_E_NODEV);
	assert_int_equal(log.flags, 0);

	/* an error code: definite */
	fake_reset();
	F.force_rc = 0x101;
	extend_into_log(&log, &ev);
	assert_int_equal(evlog_extend(&log, BASE, ev), -TPM_E_RC);
	assert_int_equal(log.state, XMHF_MEAS_FAILED);
	assert_int_equal(log.tpm_rc, 0x101);
	assert_int_equal(log.flags, 0);
	assert_memory_equal(F.pcr256[17], FF32, 32);

	/* taken and never answered: uncertain, and the PCR did change */
	fake_reset();
	F.never_complete = true;
	extend_into_log(&log, &ev);
	assert_int_equal(evlog_extend(&log, BASE, ev), -TPM_E_TIMEOUT);
	assert_int_equal(log.state, XMHF_MEAS_FAILED);
	assert_int_equal(log.flags, XMHF_EVLOG_F_UNCERTAIN);
	assert_memory_not_equal(F.pcr256[17], FF32, 32);
	assert_int_equal(F.active, -1);

	/* the flag stays when a later extend fails definitely */
	F.never_complete = false;
	F.force_rc = 0x101;
	assert_int_equal(evlog_extend(&log, BASE, ev), -TPM_E_RC);
	assert_int_equal(log.flags, XMHF_EVLOG_F_UNCERTAIN);

	/* a malformed answer: uncertain */
	fake_reset();
	F.rsp_cut = 4;
	extend_into_log(&log, &ev);
	assert_int_equal(evlog_extend(&log, BASE, ev), -TPM_E_IO);
	assert_int_equal(log.flags, XMHF_EVLOG_F_UNCERTAIN);
}

static void test_strerror(void **state)
{
	int i, j;

	(void)state;
	assert_string_equal(tpm_strerror(0), "success");
	for (i = 1; i < TPM_E_MAX_; i++) {
		assert_non_null(tpm_strerror(-i));
		assert_string_equal(tpm_strerror(-i), tpm_strerror(i));
		assert_string_not_equal(tpm_strerror(-i), "unknown TPM error");
		for (j = 1; j < i; j++)
			assert_string_not_equal(tpm_strerror(-i), tpm_strerror(-j));
	}
	assert_string_equal(tpm_strerror(-TPM_E_MAX_), "unknown TPM error");
	assert_string_equal(tpm_strerror(INT_MIN), "unknown TPM error");
	assert_string_equal(tpm_strerror(INT_MAX), "unknown TPM error");
	assert_string_equal(tpm_strerror(-TPM_E_NODEV),
			    "no TPM 2.0 with a FIFO interface");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_open_locality2, setup),
		cmocka_unit_test_setup(test_open_default_spin, setup),
		cmocka_unit_test_setup(test_open_no_tpm, setup),
		cmocka_unit_test_setup(test_open_access_valid_late, setup),
		cmocka_unit_test_setup(test_open_wrong_interface, setup),
		cmocka_unit_test_setup(test_open_bad_locality, setup),
		cmocka_unit_test_setup(test_open_locality_never_granted, setup),
		cmocka_unit_test_setup(test_open_locality_granted_later, setup),
		cmocka_unit_test_setup(test_open_already_active, setup),
		cmocka_unit_test_setup(test_burst_1, setup),
		cmocka_unit_test_setup(test_burst_7, setup),
		cmocka_unit_test_setup(test_burst_mixed_slow, setup),
		cmocka_unit_test_setup(test_qemu_like_completion, setup),
		cmocka_unit_test_setup(test_stale_completion, setup),
		cmocka_unit_test_setup(test_transmit_raw, setup),
		cmocka_unit_test_setup(test_transmit_bad_args, setup),
		cmocka_unit_test_setup(test_resp_oversized_for_buffer, setup),
		cmocka_unit_test_setup(test_resp_size_field_bad, setup),
		cmocka_unit_test_setup(test_resp_truncated, setup),
		cmocka_unit_test_setup(test_resp_extra_bytes, setup),
		cmocka_unit_test_setup(test_data_avail_never, setup),
		cmocka_unit_test_setup(test_sts_valid_never, setup),
		cmocka_unit_test_setup(test_command_ready_never, setup),
		cmocka_unit_test_setup(test_burst_never, setup),
		cmocka_unit_test_setup(test_expect_mismatch, setup),
		cmocka_unit_test_setup(test_locality_lost, setup),
		cmocka_unit_test_setup(test_pcr_extend_bytes, setup),
		cmocka_unit_test_setup(test_pcr_extend_one_bank, setup),
		cmocka_unit_test_setup(test_pcr_extend_wrong_locality, setup),
		cmocka_unit_test_setup(test_pcr_read_bytes, setup),
		cmocka_unit_test_setup(test_pcr_read_bad_args, setup),
		cmocka_unit_test_setup(test_pcr_read_no_bank, setup),
		cmocka_unit_test_setup(test_pcr_read_malformed, setup),
		cmocka_unit_test_setup(test_session_response_malformed, setup),
		cmocka_unit_test_setup(test_get_random_loops, setup),
		cmocka_unit_test_setup(test_get_random_bad, setup),
		cmocka_unit_test_setup(test_nv_roundtrip, setup),
		cmocka_unit_test_setup(test_nv_errors, setup),
		cmocka_unit_test_setup(test_rc_header_only, setup),
		cmocka_unit_test_setup(test_retry, setup),
		cmocka_unit_test_setup(test_outcome_definite_nothing_sent, setup),
		cmocka_unit_test_setup(test_outcome_definite_error_rc, setup),
		cmocka_unit_test_setup(test_outcome_uncertain_timeout, setup),
		cmocka_unit_test_setup(test_outcome_uncertain_bad_answer, setup),
		cmocka_unit_test_setup(test_evlog_extend_outcome, setup),
		cmocka_unit_test_setup(test_strerror, setup),
	};

	return cmocka_run_group_tests_name("tpm", tests, NULL, NULL);
}
