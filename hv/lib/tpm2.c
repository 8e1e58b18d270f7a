// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 2.0 commands the hypervisor needs, marshalled by hand from TPM 2.0
 * Library Part 3 (command/response layouts) and Part 2 (structures).
 * Everything on the wire is big-endian.
 *
 * Command:  tag u16 | commandSize u32 | commandCode u32 | handles
 *           | [authorizationSize u32 | TPMS_AUTH_COMMAND...]   (ST_SESSIONS)
 *           | parameters
 * Response: tag u16 | responseSize u32 | responseCode u32
 *           | [parameterSize u32] | parameters                  (ST_SESSIONS)
 *           | [TPMS_AUTH_RESPONSE...]
 *
 * The only session used is the password one: TPMS_AUTH_COMMAND =
 * sessionHandle TPM_RS_PW | nonceCaller (TPM2B, empty) | sessionAttributes
 * u8 (0) | hmac (TPM2B, the password: empty).
 */
#include <lib/tpm.h>
#include <lib/string.h>

/* Big enough for NV_Write/NV_Read of one chunk and every other command here. */
#define CMD_BUF_SIZE	(TPM_NV_CHUNK + 64)
#define RETRY_MAX	8	/* resends after TPM_RC_RETRY / TPM_RC_YIELDED */
#define PW_SESSION_SIZE	9	/* handle 4 + nonce.size 2 + attrs 1 + hmac.size 2 */
#define RANDOM_CHUNK	32	/* every TPM 2.0 returns at least a SHA-256's worth */

/*
 * One command and its response.  Kept apart (not one buffer for both) so
 * that a command can be sent again when the TPM asks for a retry.
 */
struct xfer {
	u8 cmd[CMD_BUF_SIZE];
	u8 rsp[CMD_BUF_SIZE];
};

/* ---- marshalling: a write cursor that counts past the end ---- */
struct wbuf {
	u8 *p, *rsp;
	size_t n, cap;
};

static void put8(struct wbuf *b, u8 v)
{
	if (b->n < b->cap)
		b->p[b->n] = v;
	b->n++;
}

static void put16(struct wbuf *b, u16 v)
{
	put8(b, v >> 8);
	put8(b, (u8)v);
}

static void put32(struct wbuf *b, u32 v)
{
	put16(b, v >> 16);
	put16(b, (u16)v);
}

static void putn(struct wbuf *b, const u8 *src, size_t len)
{
	if (b->n <= b->cap && len <= b->cap - b->n)
		memcpy(b->p + b->n, src, len);
	b->n += len;
}

static void begin(struct wbuf *b, struct xfer *x, u16 tag, u32 cc)
{
	b->p = x->cmd;
	b->rsp = x->rsp;
	b->n = 0;
	b->cap = CMD_BUF_SIZE;
	put16(b, tag);
	put32(b, 0);		/* commandSize, filled in by run() */
	put32(b, cc);
}

static void put_pw_session(struct wbuf *b)
{
	put32(b, PW_SESSION_SIZE);	/* authorizationSize */
	put32(b, TPM_RS_PW);
	put16(b, 0);			/* nonceCaller: empty */
	put8(b, 0);			/* sessionAttributes */
	put16(b, 0);			/* hmac = password: empty */
}

/* ---- unmarshalling: a read cursor that latches "short" ---- */
struct rbuf {
	const u8 *p;
	size_t n, off;
	bool bad;
};

static bool take(struct rbuf *r, size_t len)
{
	if (r->bad || len > r->n - r->off) {
		r->bad = true;
		return false;
	}
	r->off += len;
	return true;
}

static u8 get8(struct rbuf *r)
{
	return take(r, 1) ? r->p[r->off - 1] : 0;
}

static u16 get16(struct rbuf *r)
{
	u16 hi = get8(r);

	return (u16)(hi << 8 | get8(r));
}

static u32 get32(struct rbuf *r)
{
	u32 hi = get16(r);

	return hi << 16 | get16(r);
}

/* Copies len bytes out (dst may be NULL to skip them). */
static void getn(struct rbuf *r, u8 *dst, size_t len)
{
	if (take(r, len) && dst)
		memcpy(dst, r->p + r->off - len, len);
}

/* The parameters were well-formed and nothing is left over. */
static bool done_ok(const struct rbuf *r)
{
	return !r->bad && r->off == r->n;
}

/*
 * TPM_RC_RETRY: "the TPM was not able to start the command"; TPM_RC_YIELDED:
 * it suspended the command.  Both mean: send the same command again.
 * (swtpm answers the first NV_Write after NV_DefineSpace with RETRY.)
 */
static bool retryable(u32 rc)
{
	return rc == TPM_RC_RETRY || rc == TPM_RC_YIELDED;
}

/*
 * Sends the command in b (again, up to RETRY_MAX times, while the TPM
 * asks for a retry), checks the response framing and code, and points
 * params at the response parameters.  With sessions, the one
 * TPMS_AUTH_RESPONSE after them must fill the response exactly.
 */
static int run(struct tpm *t, struct wbuf *b, struct rbuf *params)
{
	u16 tag = (u16)(b->p[0] << 8 | b->p[1]);
	unsigned int tries;
	struct rbuf r;
	size_t len;
	u32 psize;
	int rc;

	if (b->n > b->cap)
		return -TPM_E_INVAL;
	b->p[2] = (u8)(b->n >> 24);
	b->p[3] = (u8)(b->n >> 16);
	b->p[4] = (u8)(b->n >> 8);
	b->p[5] = (u8)b->n;

	for (tries = 0; ; tries++) {
		rc = tpm_transmit(t, b->p, b->n, b->rsp, CMD_BUF_SIZE, &len);
		if (rc)
			return rc;
		if (!retryable(t->last_rc) || tries == RETRY_MAX)
			break;
	}
	if (t->last_rc != TPM_RC_SUCCESS)
		return -TPM_E_RC;

	r.p = b->rsp;
	r.n = len;
	r.off = 0;
	r.bad = false;
	if (get16(&r) != tag)
		return -TPM_E_RESP;
	r.off = TPM_HEADER_SIZE;
	if (tag == TPM_ST_NO_SESSIONS) {
		params->p = r.p + r.off;
		params->n = r.n - r.off;
	} else {
		struct rbuf auth;
		u16 sz;

		psize = get32(&r);
		if (r.bad || psize > r.n - r.off)
			return -TPM_E_RESP;
		params->p = r.p + r.off;
		params->n = psize;

		auth.p = params->p + psize;
		auth.n = r.n - r.off - psize;
		auth.off = 0;
		auth.bad = false;
		sz = get16(&auth);	/* nonceTPM */
		getn(&auth, NULL, sz);
		get8(&auth);		/* sessionAttributes */
		sz = get16(&auth);	/* hmac */
		getn(&auth, NULL, sz);
		if (!done_ok(&auth))
			return -TPM_E_RESP;
	}
	params->off = 0;
	params->bad = false;
	return 0;
}

bool tpm_outcome_unknown(const struct tpm *t, int err)
{
	/*
	 * -TPM_E_RC comes only from a well-framed response to the last try
	 * (a TPM_RC_RETRY before it means "not started" as well); every
	 * -TPM_E_INVAL is returned before anything is written.  Any other
	 * error depends on how far the last transmit got: it clears
	 * cmd_sent first, so a stale value from an earlier command is
	 * never read here.
	 */
	if (!t || !err || err == -TPM_E_RC || err == -TPM_E_INVAL)
		return false;
	return t->cmd_sent;
}

int tpm2_pcr_extend(struct tpm *t, u32 pcr, const u8 *sha1, const u8 *sha256)
{
	struct xfer x;
	struct wbuf b;
	struct rbuf p;
	int rc;

	if (!t || pcr >= TPM_NR_PCRS || (!sha1 && !sha256))
		return -TPM_E_INVAL;

	begin(&b, &x, TPM_ST_SESSIONS, TPM_CC_PCR_EXTEND);
	put32(&b, pcr);			/* pcrHandle: the PCR's index */
	put_pw_session(&b);
	put32(&b, (sha1 ? 1 : 0) + (sha256 ? 1 : 0));	/* TPML_DIGEST_VALUES */
	if (sha1) {
		put16(&b, TPM_ALG_SHA1);			/* TPMT_HA */
		putn(&b, sha1, TPM_SHA1_SIZE);
	}
	if (sha256) {
		put16(&b, TPM_ALG_SHA256);
		putn(&b, sha256, TPM_SHA256_SIZE);
	}
	rc = run(t, &b, &p);
	if (rc)
		return rc;
	return done_ok(&p) ? 0 : -TPM_E_RESP;	/* no parameters */
}

int tpm2_pcr_read(struct tpm *t, u32 pcr, u16 alg, u8 *digest,
		  size_t digest_len)
{
	u8 sel[TPM_PCR_SELECT_SIZE] = { 0 };
	struct xfer x;
	u32 count, i;
	size_t size, at;
	struct wbuf b;
	struct rbuf p;
	u8 nsel, bits = 0;
	u16 sz;
	int rc;

	if (alg == TPM_ALG_SHA1)
		size = TPM_SHA1_SIZE;
	else if (alg == TPM_ALG_SHA256)
		size = TPM_SHA256_SIZE;
	else
		return -TPM_E_INVAL;
	if (!t || !digest || digest_len < size || pcr >= TPM_NR_PCRS)
		return -TPM_E_INVAL;

	begin(&b, &x, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
	put32(&b, 1);			/* TPML_PCR_SELECTION.count */
	put16(&b, alg);			/* TPMS_PCR_SELECTION.hash */
	put8(&b, TPM_PCR_SELECT_SIZE);	/* sizeofSelect */
	sel[pcr >> 3] = (u8)(1u << (pcr & 7));
	putn(&b, sel, sizeof(sel));
	rc = run(t, &b, &p);
	if (rc)
		return rc;

	get32(&p);			/* pcrUpdateCounter */
	count = get32(&p);		/* pcrSelectionOut */
	if (p.bad || count > 1)
		return -TPM_E_RESP;
	if (count == 1) {
		if (get16(&p) != alg)
			return -TPM_E_RESP;
		nsel = get8(&p);
		for (i = 0; i < nsel && !p.bad; i++) {
			u8 v = get8(&p);

			if (i == pcr >> 3)
				bits = v;
		}
		if (p.bad)
			return -TPM_E_RESP;
		/* The selection echoes what was read: only our PCR, or nothing. */
		bits &= (u8)(1u << (pcr & 7));
	}
	count = get32(&p);		/* pcrValues: TPML_DIGEST */
	if (p.bad)
		return -TPM_E_RESP;
	if (!bits) {
		/* Bank not allocated (or PCR absent): nothing selected, nothing read. */
		return count == 0 && done_ok(&p) ? -TPM_E_NOBANK : -TPM_E_RESP;
	}
	if (count != 1)
		return -TPM_E_RESP;
	sz = get16(&p);
	if (p.bad || sz != size)
		return -TPM_E_RESP;
	at = p.off;
	getn(&p, NULL, size);
	if (!done_ok(&p))
		return -TPM_E_RESP;
	memcpy(digest, p.p + at, size);	/* only once all of it checked out */
	return 0;
}

int tpm2_get_random(struct tpm *t, u8 *out, size_t len)
{
	struct xfer x;
	struct wbuf b;
	struct rbuf p;
	u16 want, got;
	int rc;

	if (!t || (!out && len))
		return -TPM_E_INVAL;
	while (len) {
		want = len < RANDOM_CHUNK ? (u16)len : RANDOM_CHUNK;
		begin(&b, &x, TPM_ST_NO_SESSIONS, TPM_CC_GET_RANDOM);
		put16(&b, want);		/* bytesRequested */
		rc = run(t, &b, &p);
		if (rc)
			return rc;
		got = get16(&p);		/* randomBytes: TPM2B_DIGEST */
		/* Fewer than asked is allowed; none would loop forever. */
		if (p.bad || got == 0 || got > want)
			return -TPM_E_RESP;
		getn(&p, out, got);
		if (!done_ok(&p))
			return -TPM_E_RESP;
		out += got;
		len -= got;
	}
	return 0;
}

static int nv_check(struct tpm *t, const void *buf, u16 offset, u16 len)
{
	if (!t || (!buf && len))
		return -TPM_E_INVAL;
	if ((u32)offset + len > 0x10000u)
		return -TPM_E_INVAL;
	return 0;
}

int tpm2_nv_read(struct tpm *t, u32 nv_index, u16 offset, u8 *out, u16 len)
{
	struct xfer x;
	struct wbuf b;
	struct rbuf p;
	u16 n, got;
	int rc;

	rc = nv_check(t, out, offset, len);
	while (!rc && len) {
		n = len < TPM_NV_CHUNK ? len : TPM_NV_CHUNK;
		begin(&b, &x, TPM_ST_SESSIONS, TPM_CC_NV_READ);
		put32(&b, nv_index);		/* authHandle: the index itself */
		put32(&b, nv_index);		/* nvIndex */
		put_pw_session(&b);
		put16(&b, n);			/* size */
		put16(&b, offset);		/* offset */
		rc = run(t, &b, &p);
		if (rc)
			break;
		got = get16(&p);		/* data: TPM2B_MAX_NV_BUFFER */
		if (p.bad || got != n)
			return -TPM_E_RESP;
		getn(&p, out, n);
		if (!done_ok(&p))
			return -TPM_E_RESP;
		out += n;
		offset += n;	/* may wrap to 0 on the last chunk: unused then */
		len -= n;
	}
	return rc;
}

int tpm2_nv_write(struct tpm *t, u32 nv_index, u16 offset, const u8 *data,
		  u16 len)
{
	struct xfer x;
	struct wbuf b;
	struct rbuf p;
	u16 n;
	int rc;

	rc = nv_check(t, data, offset, len);
	while (!rc && len) {
		n = len < TPM_NV_CHUNK ? len : TPM_NV_CHUNK;
		begin(&b, &x, TPM_ST_SESSIONS, TPM_CC_NV_WRITE);
		put32(&b, nv_index);		/* authHandle: the index itself */
		put32(&b, nv_index);		/* nvIndex */
		put_pw_session(&b);
		put16(&b, n);			/* data: TPM2B_MAX_NV_BUFFER */
		putn(&b, data, n);
		put16(&b, offset);		/* offset */
		rc = run(t, &b, &p);
		if (rc)
			break;
		if (!done_ok(&p))		/* no parameters */
			return -TPM_E_RESP;
		data += n;
		offset += n;
		len -= n;
	}
	return rc;
}
