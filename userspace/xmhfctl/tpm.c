// SPDX-License-Identifier: GPL-2.0
/*
 * xmhfctl pcr, quote and verify: PCR 17-19 and quotes over them.
 *
 * pcr and quote talk to the TPM through tpm2-tss: ESYS over the TCTI loader,
 * "device:/dev/tpmrm0" unless --tcti or $TPM2TOOLS_TCTI names another.
 * verify needs no TPM: it checks a quote directory with OpenSSL, so it runs
 * on any machine.  None of them needs the xmhf module.
 *
 * The attestation key (AK) is a primary key in the endorsement hierarchy,
 * made by TPM2_CreatePrimary from the fixed template below: the same TPM
 * derives the same key every time, so nothing is persisted and no handle
 * is kept.  It is an ECC NIST P-256, ECDSA-SHA256, restricted signing key.
 *
 * A quote directory holds, in the formats tpm2-tools 5.4 reads
 * (tpm2_checkquote -u ak.pub -m quote.msg -s quote.sig -f quote.pcrs
 *  -g sha256 -q NONCE):
 *   quote.msg   the signed TPMS_ATTEST, marshalled (TPM byte order)
 *   quote.sig   TPMT_SIGNATURE, marshalled
 *   quote.pcrs  the quoted PCR values in tpm2-tools' "serialized" layout:
 *               TPML_PCR_SELECTION, a UINT32 count, then that many
 *               TPML_DIGEST, each the in-memory C struct of tss2's headers
 *               in little-endian byte order (see pcrs_serialize())
 *   ak.pub      the AK's TPM2B_PUBLIC, marshalled (tpm2-tools' "tss" format)
 *   ak.pem      the AK as a PEM SubjectPublicKeyInfo, for other verifiers
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "golden.h"
#include "xmhfctl.h"

#define DEFAULT_TCTI "device:/dev/tpmrm0"

#define F_MSG "quote.msg"
#define F_SIG "quote.sig"
#define F_PCRS "quote.pcrs"
#define F_AKPUB "ak.pub"
#define F_AKPEM "ak.pem"

/* The PCRs that pcr shows and quote covers. */
#define NQ 3
static const unsigned int qpcr[NQ] = { 17, 18, 19 };

#define MAX_NONCE 64
#define MAX_VALUES (TPM2_NUM_PCR_BANKS * TPM2_MAX_PCRS)
#define MAX_FILE 65536

/* The command name for messages ("xmhfctl quote"). */
static const char *me = "xmhfctl";

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", me);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* tpm2-tss logs its own errors (and the unmarshalling of a damaged file) to
 * stderr; ours say more.  An explicit TSS2_LOG still wins, for debugging. */
static void quiet_tss(const char *name)
{
	me = name;
	setenv("TSS2_LOG", "all+none", 0);
}

/* ---------------------------------------------------------------- hashes */

struct alg {
	TPMI_ALG_HASH id;
	const char *name;
	size_t size;
	const EVP_MD *(*md)(void);
	int bank;		/* enum golden_bank, or -1 */
};

static const struct alg algs[] = {
	{ TPM2_ALG_SHA1, "sha1", 20, EVP_sha1, GOLDEN_SHA1 },
	{ TPM2_ALG_SHA256, "sha256", 32, EVP_sha256, GOLDEN_SHA256 },
	{ TPM2_ALG_SHA384, "sha384", 48, EVP_sha384, -1 },
	{ TPM2_ALG_SHA512, "sha512", 64, EVP_sha512, -1 },
};

static const struct alg *alg_by_id(TPMI_ALG_HASH id)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].id == id)
			return &algs[i];
	return NULL;
}

static const struct alg *alg_by_bank(int bank)
{
	return alg_by_id(bank == GOLDEN_SHA1 ? TPM2_ALG_SHA1 : TPM2_ALG_SHA256);
}

/* ---------------------------------------------------------------- PCR sets */

/* A PCR selection and its values, in selection order (bank by bank, PCR
 * numbers ascending), the order the TPM hashes them for a quote. */
struct pcrset {
	TPML_PCR_SELECTION sel;
	unsigned int n;
	TPM2B_DIGEST v[MAX_VALUES];
};

static bool sel_has(const TPMS_PCR_SELECTION *s, unsigned int pcr)
{
	return pcr / 8 < s->sizeofSelect && (s->pcrSelect[pcr / 8] >> (pcr % 8)) & 1;
}

static unsigned int sel_count(const TPML_PCR_SELECTION *sel)
{
	unsigned int i, pcr, n = 0;

	for (i = 0; i < sel->count; i++)
		for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++)
			n += sel_has(&sel->pcrSelections[i], pcr);
	return n;
}

static bool sel_equal(const TPML_PCR_SELECTION *a, const TPML_PCR_SELECTION *b)
{
	unsigned int i, pcr;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++) {
		if (a->pcrSelections[i].hash != b->pcrSelections[i].hash)
			return false;
		for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++)
			if (sel_has(&a->pcrSelections[i], pcr) != sel_has(&b->pcrSelections[i], pcr))
				return false;
	}
	return true;
}

/* "sha256:17,18,19 sha1:17,18,19" */
static void sel_string(const TPML_PCR_SELECTION *sel, char *out, size_t size)
{
	size_t len = 0;
	unsigned int i, pcr;

	out[0] = '\0';
	for (i = 0; i < sel->count && len < size; i++) {
		const struct alg *a = alg_by_id(sel->pcrSelections[i].hash);
		char sep = ':';

		if (a)
			len += snprintf(out + len, size - len, "%s%s", i ? " " : "", a->name);
		else
			len += snprintf(out + len, size - len, "%s0x%04x", i ? " " : "",
					sel->pcrSelections[i].hash);
		for (pcr = 0; pcr < TPM2_MAX_PCRS && len < size; pcr++) {
			if (!sel_has(&sel->pcrSelections[i], pcr))
				continue;
			len += snprintf(out + len, size - len, "%c%u", sep, pcr);
			sep = ',';
		}
	}
}

static const TPM2B_DIGEST *pcrset_find(const struct pcrset *set, TPMI_ALG_HASH alg,
				       unsigned int which)
{
	unsigned int i, pcr, k = 0;

	for (i = 0; i < set->sel.count; i++) {
		const TPMS_PCR_SELECTION *s = &set->sel.pcrSelections[i];

		for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++) {
			if (!sel_has(s, pcr))
				continue;
			if (s->hash == alg && pcr == which)
				return k < set->n ? &set->v[k] : NULL;
			k++;
		}
	}
	return NULL;
}

/* The quote's PCR digest: H(value || value || ...) in selection order. */
static int pcrset_digest(const struct pcrset *set, const struct alg *a, TPM2B_DIGEST *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int i, len = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, a->md(), NULL);

	for (i = 0; ok && i < set->n; i++)
		ok = EVP_DigestUpdate(ctx, set->v[i].buffer, set->v[i].size);
	ok = ok && EVP_DigestFinal_ex(ctx, out->buffer, &len);
	EVP_MD_CTX_free(ctx);
	out->size = len;
	return ok ? 0 : -1;
}

/*
 * tpm2-tools' "serialized" PCR values file (tpm2_quote -o, tpm2_pcrread -o
 * -F serialized, tpm2_checkquote -f).  It is a dump of the C structs of
 * tss2's headers in little-endian order:
 *   TPML_PCR_SELECTION    u32 count, then 16 x { u16 hash, u8 sizeofSelect,
 *                         u8 pcrSelect[4], u8 pad }       = 132 bytes
 *   u32                   number of TPML_DIGEST that follow
 *   TPML_DIGEST, each     u32 count, then 8 x { u16 size, u8 buffer[64] }
 *                                                         = 532 bytes
 * The digests run on across the lists in selection order.  We write the
 * fields one by one (zero padding); the asserts tie the sizes to the headers.
 */
#define SER_SEL_ENTRY 8
#define SER_SEL_SIZE (4 + TPM2_NUM_PCR_BANKS * SER_SEL_ENTRY)
#define SER_HA_SIZE 64
#define SER_LIST_MAX 8
#define SER_LIST_SIZE (4 + SER_LIST_MAX * (2 + SER_HA_SIZE))

_Static_assert(sizeof(TPMS_PCR_SELECTION) == SER_SEL_ENTRY &&
	       offsetof(TPMS_PCR_SELECTION, sizeofSelect) == 2 &&
	       offsetof(TPMS_PCR_SELECTION, pcrSelect) == 3 &&
	       TPM2_PCR_SELECT_MAX == 4, "TPMS_PCR_SELECTION layout");
_Static_assert(sizeof(TPML_PCR_SELECTION) == SER_SEL_SIZE, "TPML_PCR_SELECTION layout");
_Static_assert(sizeof(TPMU_HA) == SER_HA_SIZE && sizeof(TPM2B_DIGEST) == 2 + SER_HA_SIZE,
	       "TPM2B_DIGEST layout");
_Static_assert(sizeof(TPML_DIGEST) == SER_LIST_SIZE, "TPML_DIGEST layout");

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* Returns a malloc()ed buffer of *len bytes. */
static uint8_t *pcrs_serialize(const struct pcrset *set, size_t *len)
{
	unsigned int lists = (set->n + SER_LIST_MAX - 1) / SER_LIST_MAX, i, k;
	uint8_t *buf, *p;

	*len = SER_SEL_SIZE + 4 + (size_t)lists * SER_LIST_SIZE;
	buf = calloc(1, *len);
	if (!buf)
		return NULL;
	put32(buf, set->sel.count);
	for (i = 0; i < set->sel.count; i++) {
		const TPMS_PCR_SELECTION *s = &set->sel.pcrSelections[i];

		p = buf + 4 + i * SER_SEL_ENTRY;
		put16(p, s->hash);
		p[2] = s->sizeofSelect;
		memcpy(p + 3, s->pcrSelect, TPM2_PCR_SELECT_MAX);
	}
	put32(buf + SER_SEL_SIZE, lists);
	for (i = 0; i < lists; i++) {
		unsigned int cnt = set->n - i * SER_LIST_MAX;

		if (cnt > SER_LIST_MAX)
			cnt = SER_LIST_MAX;
		p = buf + SER_SEL_SIZE + 4 + i * SER_LIST_SIZE;
		put32(p, cnt);
		for (k = 0; k < cnt; k++) {
			const TPM2B_DIGEST *d = &set->v[i * SER_LIST_MAX + k];

			put16(p + 4 + k * (2 + SER_HA_SIZE), d->size);
			memcpy(p + 4 + k * (2 + SER_HA_SIZE) + 2, d->buffer, d->size);
		}
	}
	return buf;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * Parses a serialized PCR values file; on error, says why in why.  Bytes
 * the format does not use (padding, unused entries, digest buffers past
 * their size, selection bytes past sizeofSelect) must be zero, as tpm2-tools
 * writes them: a quote directory whose bytes changed is refused, even where
 * the change would not alter a value.
 */
static int pcrs_parse(const uint8_t *b, size_t len, struct pcrset *set, char *why, size_t wlen)
{
	unsigned int i, k, lists, total, pcr;

	memset(set, 0, sizeof(*set));
	if (len < SER_SEL_SIZE + 4) {
		snprintf(why, wlen, "%zu bytes is too short for a PCR values file", len);
		return -1;
	}
	set->sel.count = get32(b);
	if (!set->sel.count || set->sel.count > TPM2_NUM_PCR_BANKS) {
		snprintf(why, wlen, "bad PCR selection (%u banks)", set->sel.count);
		return -1;
	}
	for (i = 0; i < set->sel.count; i++) {
		const uint8_t *p = b + 4 + i * SER_SEL_ENTRY;
		TPMS_PCR_SELECTION *s = &set->sel.pcrSelections[i];

		s->hash = get16(p);
		s->sizeofSelect = p[2];
		memcpy(s->pcrSelect, p + 3, TPM2_PCR_SELECT_MAX);
		if (!alg_by_id(s->hash)) {
			snprintf(why, wlen, "unsupported hash algorithm 0x%04x", s->hash);
			return -1;
		}
		if (s->sizeofSelect > TPM2_PCR_SELECT_MAX ||
		    !all_zero(p + 3 + s->sizeofSelect, SER_SEL_ENTRY - 3 - s->sizeofSelect)) {
			snprintf(why, wlen, "bad PCR selection for bank %u", i);
			return -1;
		}
	}
	if (!all_zero(b + 4 + i * SER_SEL_ENTRY, (TPM2_NUM_PCR_BANKS - i) * SER_SEL_ENTRY)) {
		snprintf(why, wlen, "bytes after the PCR selection are not zero");
		return -1;
	}
	total = sel_count(&set->sel);
	lists = get32(b + SER_SEL_SIZE);
	if (lists > MAX_VALUES ||
	    len != SER_SEL_SIZE + 4 + (size_t)lists * SER_LIST_SIZE) {
		snprintf(why, wlen, "%zu bytes do not hold a selection and %u digest lists",
			 len, lists);
		return -1;
	}
	for (i = 0; i < lists; i++) {
		const uint8_t *p = b + SER_SEL_SIZE + 4 + i * SER_LIST_SIZE;
		unsigned int cnt = get32(p);

		if (cnt > SER_LIST_MAX) {
			snprintf(why, wlen, "digest list %u has %u entries (at most 8)", i, cnt);
			return -1;
		}
		for (k = 0; k < cnt; k++, set->n++) {
			const uint8_t *d = p + 4 + k * (2 + SER_HA_SIZE);

			if (set->n >= total) {
				snprintf(why, wlen, "more values than the %u selected PCRs", total);
				return -1;
			}
			set->v[set->n].size = get16(d);
			if (set->v[set->n].size > SER_HA_SIZE) {
				snprintf(why, wlen, "bad digest size %u", set->v[set->n].size);
				return -1;
			}
			memcpy(set->v[set->n].buffer, d + 2, set->v[set->n].size);
			if (!all_zero(d + 2 + set->v[set->n].size, SER_HA_SIZE - set->v[set->n].size)) {
				snprintf(why, wlen, "bytes after value %u are not zero", set->n);
				return -1;
			}
		}
		if (!all_zero(p + 4 + cnt * (2 + SER_HA_SIZE), (SER_LIST_MAX - cnt) * (2 + SER_HA_SIZE))) {
			snprintf(why, wlen, "unused entries of digest list %u are not zero", i);
			return -1;
		}
	}
	if (set->n != total) {
		snprintf(why, wlen, "%u values for %u selected PCRs", set->n, total);
		return -1;
	}
	for (i = 0, k = 0; i < set->sel.count; i++) {
		const struct alg *a = alg_by_id(set->sel.pcrSelections[i].hash);

		for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++) {
			if (!sel_has(&set->sel.pcrSelections[i], pcr))
				continue;
			if (set->v[k++].size != a->size) {
				snprintf(why, wlen, "%s PCR%u has %u bytes, not %zu", a->name,
					 pcr, set->v[k - 1].size, a->size);
				return -1;
			}
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- files */

static void join(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

static int write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	join(path, dir, name);
	f = fopen(path, "wb");
	if (!f) {
		err("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	if (fwrite(data, 1, len, f) != len) {
		err("cannot write %s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f)) {
		err("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Reads path (at most MAX_FILE bytes) into a malloc()ed buffer. */
static uint8_t *read_file(const char *path, size_t *len)
{
	uint8_t *buf = malloc(MAX_FILE + 1);
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f || !buf) {
		err("cannot read %s: %s", path, f ? "out of memory" : strerror(errno));
		goto fail;
	}
	n = fread(buf, 1, MAX_FILE + 1, f);
	if (ferror(f)) {
		err("cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	if (n > MAX_FILE) {
		err("%s: too large (more than %d bytes)", path, MAX_FILE);
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	if (f)
		fclose(f);
	free(buf);
	return NULL;
}

static int ensure_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		err("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		err("%s is not a directory", dir);
		return -1;
	}
	if (access(dir, W_OK)) {
		err("cannot write into %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- TPM */

struct tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	const char *conf;
};

static void tpm_err(const char *what, TSS2_RC rc)
{
	err("%s failed: %s (0x%x)", what, Tss2_RC_Decode(rc), rc);
}

static int tpm_open(struct tpm *t, const char *opt)
{
	const char *conf = opt ? opt : getenv("TPM2TOOLS_TCTI");
	TSS2_RC rc;

	memset(t, 0, sizeof(*t));
	if (!conf || !*conf)
		conf = DEFAULT_TCTI;
	t->conf = conf;

	if (!strncmp(conf, "device:", 7) || !strcmp(conf, "device")) {
		const char *path = conf[6] == ':' && conf[7] ? conf + 7 : "/dev/tpm0";

		if (access(path, F_OK)) {
			err("no TPM: %s: %s (no TPM driver, or no TPM; "
			    "another TCTI with --tcti or TPM2TOOLS_TCTI)", path, strerror(errno));
			return -1;
		}
		if (access(path, R_OK | W_OK)) {
			err("cannot open the TPM at %s: %s (run as root, or join the tss group)",
			    path, strerror(errno));
			return -1;
		}
	}
	rc = Tss2_TctiLdr_Initialize(conf, &t->tcti);
	if (rc != TSS2_RC_SUCCESS) {
		err("cannot open the TPM through TCTI '%s': %s (0x%x)", conf,
		    Tss2_RC_Decode(rc), rc);
		return -1;
	}
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		err("cannot start ESYS on TCTI '%s': %s (0x%x)", conf, Tss2_RC_Decode(rc), rc);
		Tss2_TctiLdr_Finalize(&t->tcti);
		return -1;
	}
	return 0;
}

static void tpm_close(struct tpm *t)
{
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
}

/* Which of sha1/sha256 the TPM has allocated PCR17 in. */
static int active_banks(struct tpm *t, bool active[GOLDEN_BANKS])
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;
	unsigned int i;

	active[GOLDEN_SHA1] = active[GOLDEN_SHA256] = false;
	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				TPM2_CAP_PCRS, 0, 1, &more, &cap);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_err("reading the TPM's PCR banks (TPM2_GetCapability)", rc);
		return -1;
	}
	for (i = 0; i < cap->data.assignedPCR.count; i++) {
		const TPMS_PCR_SELECTION *s = &cap->data.assignedPCR.pcrSelections[i];
		const struct alg *a = alg_by_id(s->hash);

		if (a && a->bank >= 0 && sel_has(s, 17))
			active[a->bank] = true;
	}
	Esys_Free(cap);
	return 0;
}

/* PCR 17-19 of the wanted banks, sha256 first. */
static void sel_build(TPML_PCR_SELECTION *sel, const bool want[GOLDEN_BANKS])
{
	static const int order[] = { GOLDEN_SHA256, GOLDEN_SHA1 };
	unsigned int i, j;

	memset(sel, 0, sizeof(*sel));
	for (i = 0; i < 2; i++) {
		TPMS_PCR_SELECTION *s = &sel->pcrSelections[sel->count];

		if (!want[order[i]])
			continue;
		s->hash = alg_by_bank(order[i])->id;
		s->sizeofSelect = 3;
		for (j = 0; j < NQ; j++)
			s->pcrSelect[qpcr[j] / 8] |= 1 << (qpcr[j] % 8);
		sel->count++;
	}
}

/*
 * Reads the PCRs in sel into set, in selection order.  TPM2_PCR_Read returns
 * at most 8 values and says which ones it returned, so ask again for the
 * rest until all are in.
 */
static int read_pcrs(struct tpm *t, const TPML_PCR_SELECTION *want, struct pcrset *set)
{
	static uint8_t val[TPM2_NUM_PCR_BANKS][TPM2_MAX_PCRS][SER_HA_SIZE];
	static uint16_t vsize[TPM2_NUM_PCR_BANKS][TPM2_MAX_PCRS];
	TPML_PCR_SELECTION left = *want;
	unsigned int i, pcr, round;

	memset(vsize, 0, sizeof(vsize));
	for (round = 0; sel_count(&left) && round < 64; round++) {
		TPML_PCR_SELECTION *got = NULL;
		TPML_DIGEST *vals = NULL;
		UINT32 counter;
		unsigned int k = 0, taken = 0;
		TSS2_RC rc;

		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   &left, &counter, &got, &vals);
		if (rc != TSS2_RC_SUCCESS) {
			tpm_err("TPM2_PCR_Read", rc);
			return -1;
		}
		for (i = 0; i < got->count; i++) {
			const TPMS_PCR_SELECTION *s = &got->pcrSelections[i];
			unsigned int b;

			for (b = 0; b < want->count; b++)
				if (want->pcrSelections[b].hash == s->hash)
					break;
			for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++) {
				if (!sel_has(s, pcr))
					continue;
				if (k >= vals->count || b == want->count ||
				    !sel_has(&left.pcrSelections[b], pcr) ||
				    vals->digests[k].size > SER_HA_SIZE) {
					err("the TPM answered TPM2_PCR_Read with values it was not asked for");
					Esys_Free(got);
					Esys_Free(vals);
					return -1;
				}
				vsize[b][pcr] = vals->digests[k].size;
				memcpy(val[b][pcr], vals->digests[k].buffer, vsize[b][pcr]);
				left.pcrSelections[b].pcrSelect[pcr / 8] &= ~(1 << (pcr % 8));
				k++;
				taken++;
			}
		}
		Esys_Free(got);
		Esys_Free(vals);
		if (!taken)
			break;
	}
	for (i = 0; i < left.count; i++) {
		for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++) {
			if (sel_has(&left.pcrSelections[i], pcr)) {
				const struct alg *a = alg_by_id(left.pcrSelections[i].hash);

				err("the TPM returned no value for %s PCR%u (is the %s bank active?)",
				    a ? a->name : "?", pcr, a ? a->name : "?");
				return -1;
			}
		}
	}
	memset(set, 0, sizeof(*set));
	set->sel = *want;
	for (i = 0; i < want->count; i++) {
		const struct alg *a = alg_by_id(want->pcrSelections[i].hash);

		for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++) {
			if (!sel_has(&want->pcrSelections[i], pcr))
				continue;
			if (!a || vsize[i][pcr] != a->size) {
				err("the TPM returned a %u-byte value for PCR%u of a %zu-byte bank",
				    vsize[i][pcr], pcr, a ? a->size : 0);
				return -1;
			}
			set->v[set->n].size = vsize[i][pcr];
			memcpy(set->v[set->n].buffer, val[i][pcr], vsize[i][pcr]);
			set->n++;
		}
	}
	return 0;
}

static void print_hex(FILE *f, const uint8_t *d, size_t n)
{
	while (n--)
		fprintf(f, "%02x", *d++);
}

/* Text: "sha256:" then "  17: hex" lines; JSON: {"sha256":{"17":"hex",...},...} */
static void print_pcrset(const struct pcrset *set, bool json)
{
	unsigned int i, pcr, k = 0;

	if (json)
		printf("{");
	for (i = 0; i < set->sel.count; i++) {
		const TPMS_PCR_SELECTION *s = &set->sel.pcrSelections[i];
		const struct alg *a = alg_by_id(s->hash);
		bool first = true;

		if (json)
			printf("%s\"%s\":{", i ? "," : "", a->name);
		else
			printf("%s:\n", a->name);
		for (pcr = 0; pcr < TPM2_MAX_PCRS; pcr++) {
			if (!sel_has(s, pcr))
				continue;
			if (json)
				printf("%s\"%u\":\"", first ? "" : ",", pcr);
			else
				printf("  %u: ", pcr);
			print_hex(stdout, set->v[k].buffer, set->v[k].size);
			printf(json ? "\"" : "\n");
			first = false;
			k++;
		}
		if (json)
			printf("}");
	}
	if (json)
		printf("}\n");
}

/* ---------------------------------------------------------------- pcr */

static void pcr_usage(FILE *f)
{
	fprintf(f, "usage: xmhfctl pcr [--bank sha1|sha256] [--tcti TCTI] [--json]\n"
		"Shows PCR 17, 18 and 19 (both banks unless --bank says one).\n"
		"The TPM is reached through TCTI (default: $TPM2TOOLS_TCTI, else %s).\n",
		DEFAULT_TCTI);
}

int cmd_pcr(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bank", required_argument, NULL, 'b' },
		{ "tcti", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct pcrset set;
	bool json = g->json, want[GOLDEN_BANKS] = { true, true }, active[GOLDEN_BANKS];
	const char *tcti = NULL;
	TPML_PCR_SELECTION sel;
	struct tpm t;
	int c, bank = -1, ret = 1;

	quiet_tss("xmhfctl pcr");
	while ((c = getopt_long(argc, argv, "b:t:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bank = golden_bank_from_name(optarg);
			if (bank < 0) {
				err("--bank wants sha1 or sha256, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			tcti = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			pcr_usage(stdout);
			return 0;
		default:
			pcr_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		err("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (tpm_open(&t, tcti))
		return 1;
	if (active_banks(&t, active))
		goto out;
	if (bank >= 0) {
		want[!bank] = false;
		if (!active[bank]) {
			err("the TPM has no active %s bank for PCR17", golden_bank_name(bank));
			goto out;
		}
	} else {
		want[GOLDEN_SHA1] = active[GOLDEN_SHA1];
		want[GOLDEN_SHA256] = active[GOLDEN_SHA256];
		if (!want[GOLDEN_SHA1] && !want[GOLDEN_SHA256]) {
			err("the TPM has neither a sha1 nor a sha256 bank for PCR17");
			goto out;
		}
	}
	sel_build(&sel, want);
	if (read_pcrs(&t, &sel, &set))
		goto out;
	print_pcrset(&set, json);
	ret = 0;
out:
	tpm_close(&t);
	return ret;
}

/* ---------------------------------------------------------------- OpenSSL */

static void ssl_err(const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	err("%s%s%s", what, e ? ": " : "", buf);
	ERR_clear_error();
}

/* An OpenSSL key for a TPM public area: ECC (P-256, P-384) or RSA. */
static EVP_PKEY *pkey_from_tpm(const TPMT_PUBLIC *p, char *desc, size_t dlen)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *e = NULL;
	uint8_t oct[1 + 2 * 48];	/* the builder keeps a pointer to it */
	int ok = 0;

	if (!bld)
		goto out;
	if (p->type == TPM2_ALG_ECC) {
		const TPMS_ECC_POINT *pt = &p->unique.ecc;
		const char *curve;
		size_t fl;

		switch (p->parameters.eccDetail.curveID) {
		case TPM2_ECC_NIST_P256:
			curve = "prime256v1";
			fl = 32;
			break;
		case TPM2_ECC_NIST_P384:
			curve = "secp384r1";
			fl = 48;
			break;
		default:
			err("the AK is on an unsupported curve (0x%04x)",
			    p->parameters.eccDetail.curveID);
			goto out;
		}
		if (pt->x.size > fl || pt->y.size > fl || !pt->x.size || !pt->y.size) {
			err("the AK's public point does not fit its curve");
			goto out;
		}
		/* Uncompressed point: 04 || X || Y, each left-padded to the field size. */
		memset(oct, 0, sizeof(oct));
		oct[0] = 4;
		memcpy(oct + 1 + fl - pt->x.size, pt->x.buffer, pt->x.size);
		memcpy(oct + 1 + 2 * fl - pt->y.size, pt->y.buffer, pt->y.size);
		ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve, 0) &&
		     OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, oct, 1 + 2 * fl);
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
		snprintf(desc, dlen, "ecc-%s", fl == 32 ? "p256" : "p384");
	} else if (p->type == TPM2_ALG_RSA) {
		UINT32 exp = p->parameters.rsaDetail.exponent;

		n = BN_bin2bn(p->unique.rsa.buffer, p->unique.rsa.size, NULL);
		e = BN_new();
		ok = n && e && BN_set_word(e, exp ? exp : 65537) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
		snprintf(desc, dlen, "rsa-%u", p->parameters.rsaDetail.keyBits);
	} else {
		err("the AK is neither an ECC nor an RSA key (type 0x%04x)", p->type);
		goto out;
	}
	ok = ok && ctx && (params = OSSL_PARAM_BLD_to_param(bld)) &&
	     EVP_PKEY_fromdata_init(ctx) > 0 &&
	     EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) > 0;
	if (!ok) {
		ssl_err("the AK's public key is not valid");
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(n);
	BN_free(e);
	return pkey;
}

static int digest(const struct alg *a, const void *data, size_t len, uint8_t *out)
{
	unsigned int n;

	return EVP_Digest(data, len, out, &n, a->md(), NULL) ? 0 : -1;
}

/*
 * Checks sig over msg with pkey.  Returns 0 (good), 1 (bad signature, with
 * no other problem) or -1 (cannot check; said why).  *halg is the signature's
 * hash, which the TPM also used for the quote's PCR digest.
 */
static int check_signature(EVP_PKEY *pkey, const TPMT_PUBLIC *pub, const TPMT_SIGNATURE *sig,
			   const uint8_t *msg, size_t len, const struct alg **halg,
			   char *sdesc, size_t slen)
{
	uint8_t dgst[64], *der = NULL;
	const uint8_t *s;
	size_t siglen;
	EVP_PKEY_CTX *ctx = NULL;
	ECDSA_SIG *es = NULL;
	TPMI_ALG_HASH h;
	int pad = 0, ret = -1, derlen;

	switch (sig->sigAlg) {
	case TPM2_ALG_ECDSA:
		if (pub->type != TPM2_ALG_ECC)
			goto mismatch;
		h = sig->signature.ecdsa.hash;
		es = ECDSA_SIG_new();
		if (!es)
			goto ssl;
		{
			BIGNUM *r = BN_bin2bn(sig->signature.ecdsa.signatureR.buffer,
					      sig->signature.ecdsa.signatureR.size, NULL);
			BIGNUM *ss = BN_bin2bn(sig->signature.ecdsa.signatureS.buffer,
					       sig->signature.ecdsa.signatureS.size, NULL);

			if (!r || !ss || !ECDSA_SIG_set0(es, r, ss)) {
				BN_free(r);
				BN_free(ss);
				goto ssl;
			}
		}
		derlen = i2d_ECDSA_SIG(es, &der);
		if (derlen <= 0)
			goto ssl;
		s = der;
		siglen = derlen;
		snprintf(sdesc, slen, "ecdsa");
		break;
	case TPM2_ALG_RSASSA:
	case TPM2_ALG_RSAPSS:
		if (pub->type != TPM2_ALG_RSA)
			goto mismatch;
		h = sig->signature.rsassa.hash;	/* rsapss has the same layout */
		s = sig->signature.rsassa.sig.buffer;
		siglen = sig->signature.rsassa.sig.size;
		pad = sig->sigAlg == TPM2_ALG_RSASSA ? RSA_PKCS1_PADDING : RSA_PKCS1_PSS_PADDING;
		snprintf(sdesc, slen, sig->sigAlg == TPM2_ALG_RSASSA ? "rsassa" : "rsapss");
		break;
	default:
		err("the signature's scheme (0x%04x) is not supported (ECDSA, RSASSA, RSAPSS)",
		    sig->sigAlg);
		goto out;
	}
	{
		/* A key with a scheme signs only with that scheme and hash. */
		const TPMT_ECC_SCHEME *ks = &pub->parameters.eccDetail.scheme;
		const TPMT_RSA_SCHEME *rs = &pub->parameters.rsaDetail.scheme;
		TPMI_ALG_ASYM_SCHEME kscheme = pub->type == TPM2_ALG_ECC ? ks->scheme : rs->scheme;
		TPMI_ALG_HASH khash = pub->type == TPM2_ALG_ECC ? ks->details.anySig.hashAlg :
			rs->details.anySig.hashAlg;

		if (kscheme != TPM2_ALG_NULL && (kscheme != sig->sigAlg || khash != h)) {
			err("the signature's scheme is not the AK's own (the key or the signature was changed)");
			goto out;
		}
	}
	*halg = alg_by_id(h);
	if (!*halg) {
		err("the signature uses an unsupported hash (0x%04x)", h);
		goto out;
	}
	snprintf(sdesc + strlen(sdesc), slen - strlen(sdesc), "-%s", (*halg)->name);
	if (digest(*halg, msg, len, dgst))
		goto ssl;
	ctx = EVP_PKEY_CTX_new(pkey, NULL);
	if (!ctx || EVP_PKEY_verify_init(ctx) <= 0 ||
	    (pad && EVP_PKEY_CTX_set_rsa_padding(ctx, pad) <= 0) ||
	    (pad == RSA_PKCS1_PSS_PADDING &&
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_AUTO) <= 0) ||
	    EVP_PKEY_CTX_set_signature_md(ctx, (*halg)->md()) <= 0)
		goto ssl;
	ret = EVP_PKEY_verify(ctx, s, siglen, dgst, (*halg)->size) == 1 ? 0 : 1;
	ERR_clear_error();
	goto out;
mismatch:
	err("the signature's scheme (0x%04x) does not fit the AK's key type", sig->sigAlg);
	goto out;
ssl:
	ssl_err("OpenSSL could not check the signature");
out:
	EVP_PKEY_CTX_free(ctx);
	ECDSA_SIG_free(es);
	OPENSSL_free(der);
	return ret;
}

static int write_pem(const char *dir, const TPMT_PUBLIC *pub)
{
	char path[PATH_MAX], desc[32];
	EVP_PKEY *pkey = pkey_from_tpm(pub, desc, sizeof(desc));
	FILE *f;
	int ok;

	if (!pkey)
		return -1;
	join(path, dir, F_AKPEM);
	f = fopen(path, "w");
	if (!f) {
		err("cannot write %s: %s", path, strerror(errno));
		EVP_PKEY_free(pkey);
		return -1;
	}
	ok = PEM_write_PUBKEY(f, pkey);
	ok = !fclose(f) && ok;
	EVP_PKEY_free(pkey);
	if (!ok)
		err("cannot write %s", path);
	return ok ? 0 : -1;
}

/* ---------------------------------------------------------------- quote */

/* The AK template: fixed, so TPM2_CreatePrimary derives the same key from
 * the endorsement seed every time.  The label in unique.x keeps it apart
 * from other software's keys with an otherwise identical template. */
static void ak_template(TPM2B_PUBLIC *t)
{
	static const char label[] = "xmhf-ll AK v1";

	memset(t, 0, sizeof(*t));
	t->publicArea.type = TPM2_ALG_ECC;
	t->publicArea.nameAlg = TPM2_ALG_SHA256;
	t->publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
		TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
		TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
	t->publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
	t->publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
	t->publicArea.parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
	t->publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	t->publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	t->publicArea.unique.ecc.x.size = sizeof(label) - 1;
	memcpy(t->publicArea.unique.ecc.x.buffer, label, sizeof(label) - 1);
}

static int create_ak(struct tpm *t, ESYS_TR *ak, TPM2B_PUBLIC **pub)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION none = { 0 };
	TPM2B_PUBLIC tmpl;
	TSS2_RC rc;

	ak_template(&tmpl);
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside, &none,
				ak, pub, NULL, NULL, NULL);
	if ((rc & ~TPM2_RC_N_MASK) == TPM2_RC_BAD_AUTH ||
	    (rc & ~TPM2_RC_N_MASK) == TPM2_RC_AUTH_FAIL) {
		err("creating the attestation key: the endorsement hierarchy has a password "
		    "(xmhfctl needs it empty)");
		return -1;
	}
	if (rc != TSS2_RC_SUCCESS) {
		tpm_err("creating the attestation key (TPM2_CreatePrimary)", rc);
		return -1;
	}
	return 0;
}

static void quote_usage(FILE *f)
{
	fprintf(f, "usage: xmhfctl quote --nonce HEX [--out DIR] [--tcti TCTI] [--json]\n"
		"Quotes PCR 17, 18 and 19 (sha256, and sha1 when the TPM has that bank) with\n"
		"the nonce (1 to %d bytes, in hex) as qualifying data, signed by an attestation\n"
		"key derived in the endorsement hierarchy.  Writes into DIR (default .):\n"
		"  " F_MSG "   the signed TPMS_ATTEST\n"
		"  " F_SIG "   its TPMT_SIGNATURE\n"
		"  " F_PCRS "  the quoted PCR values (tpm2-tools serialized format)\n"
		"  " F_AKPUB "      the attestation key (TPM2B_PUBLIC)\n"
		"  " F_AKPEM "      the same key in PEM\n"
		"Check it with 'xmhfctl verify --in DIR --nonce HEX', or with\n"
		"'tpm2_checkquote -u ak.pub -m quote.msg -s quote.sig -f quote.pcrs -g sha256 -q HEX'.\n",
		MAX_NONCE);
}

/* --nonce: required, 1..MAX_NONCE bytes of hex; what is the nonce for. */
static int parse_nonce(const char *hex, unsigned char *buf, size_t size,
		       size_t *len, const char *what)
{
	if (!hex) {
		err("--nonce HEX is required: %s", what);
		return -1;
	}
	if (hex_decode(hex, buf, size, len)) {
		err("--nonce wants 1 to %d bytes as an even number of hex digits, not '%s'",
		    MAX_NONCE, hex);
		return -1;
	}
	return 0;
}

int cmd_quote(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonce", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "tcti", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct pcrset set;
	const char *nonce_hex = NULL, *dir = ".", *tcti = NULL;
	bool json = g->json, active[GOLDEN_BANKS];
	uint8_t nonce[MAX_NONCE], buf[sizeof(TPMT_SIGNATURE) + sizeof(TPM2B_PUBLIC)];
	char selstr[128];
	size_t nonce_len = 0, off, len;
	ESYS_TR ak = ESYS_TR_NONE;
	TPM2B_PUBLIC *akpub = NULL;
	TPM2B_ATTEST *quoted = NULL;
	TPMT_SIGNATURE *sig = NULL;
	TPML_PCR_SELECTION sel;
	TPMS_ATTEST attest;
	uint8_t *pcrs = NULL;
	struct tpm t;
	int c, tries, ret = 1;

	quiet_tss("xmhfctl quote");
	while ((c = getopt_long(argc, argv, "n:o:t:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			nonce_hex = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 't':
			tcti = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			quote_usage(stdout);
			return 0;
		default:
			quote_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		err("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (parse_nonce(nonce_hex, nonce, sizeof(nonce), &nonce_len,
			"a fresh value from the verifier"))
		return EXIT_USAGE;
	if (!*dir || ensure_dir(dir))
		return 1;
	if (tpm_open(&t, tcti))
		return 1;
	if (active_banks(&t, active))
		goto out;
	if (!active[GOLDEN_SHA256]) {
		err("the TPM has no active sha256 bank for PCR17; a quote needs it");
		goto out;
	}
	sel_build(&sel, active);
	if (create_ak(&t, &ak, &akpub))
		goto out;

	/* Read, then quote; if an extend came in between, the quote's digest
	 * does not match the values read, so do both again. */
	for (tries = 0;; tries++) {
		TPM2B_DATA qdata = { .size = nonce_len };
		TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_NULL };
		const struct alg *a;
		TPM2B_DIGEST d;
		TSS2_RC rc;

		memcpy(qdata.buffer, nonce, nonce_len);
		if (read_pcrs(&t, &sel, &set))
			goto out;
		rc = Esys_Quote(t.esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				&qdata, &scheme, &sel, &quoted, &sig);
		if (rc != TSS2_RC_SUCCESS) {
			tpm_err("TPM2_Quote", rc);
			goto out;
		}
		off = 0;
		memset(&attest, 0, sizeof(attest));
		rc = Tss2_MU_TPMS_ATTEST_Unmarshal(quoted->attestationData, quoted->size,
						   &off, &attest);
		a = sig->sigAlg == TPM2_ALG_ECDSA ? alg_by_id(sig->signature.ecdsa.hash) : NULL;
		if (rc != TSS2_RC_SUCCESS || off != quoted->size ||
		    attest.type != TPM2_ST_ATTEST_QUOTE || !a) {
			err("the TPM's quote is not a TPMS_ATTEST quote signed with ECDSA");
			goto out;
		}
		if (!sel_equal(&attest.attested.quote.pcrSelect, &sel)) {
			err("the TPM quoted other PCRs than asked for");
			goto out;
		}
		if (pcrset_digest(&set, a, &d)) {
			ssl_err("hashing the PCR values");
			goto out;
		}
		if (d.size == attest.attested.quote.pcrDigest.size &&
		    !memcmp(d.buffer, attest.attested.quote.pcrDigest.buffer, d.size))
			break;
		if (tries == 4) {
			err("the PCRs kept changing while quoting (5 tries)");
			goto out;
		}
		Esys_Free(quoted);
		Esys_Free(sig);
		quoted = NULL;
		sig = NULL;
	}

	if (write_file(dir, F_MSG, quoted->attestationData, quoted->size))
		goto out;
	off = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(sig, buf, sizeof(buf), &off) != TSS2_RC_SUCCESS) {
		err("cannot marshal the signature");
		goto out;
	}
	if (write_file(dir, F_SIG, buf, off))
		goto out;
	pcrs = pcrs_serialize(&set, &len);
	if (!pcrs) {
		err("out of memory");
		goto out;
	}
	if (write_file(dir, F_PCRS, pcrs, len))
		goto out;
	off = 0;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(akpub, buf, sizeof(buf), &off) != TSS2_RC_SUCCESS) {
		err("cannot marshal the attestation key");
		goto out;
	}
	if (write_file(dir, F_AKPUB, buf, off) || write_pem(dir, &akpub->publicArea))
		goto out;

	sel_string(&sel, selstr, sizeof(selstr));
	if (json) {
		const TPM2B_DIGEST *p17 = pcrset_find(&set, TPM2_ALG_SHA256, 17);

		printf("{\"dir\":");
		json_str(stdout, dir);
		printf(",\"nonce\":\"%s\",\"pcrs\":\"%s\",\"key\":\"ecc-p256\",\"hierarchy\":\"endorsement\""
		       ",\"files\":{\"message\":\"" F_MSG "\",\"signature\":\"" F_SIG "\""
		       ",\"pcrs\":\"" F_PCRS "\",\"ak_pub\":\"" F_AKPUB "\",\"ak_pem\":\"" F_AKPEM "\"}"
		       ",\"pcr17_sha256\":\"", nonce_hex, selstr);
		print_hex(stdout, p17->buffer, p17->size);
		printf("\",\"reset_count\":%u,\"restart_count\":%u}\n",
		       attest.clockInfo.resetCount, attest.clockInfo.restartCount);
	} else {
		printf("quoted:         %s\n", selstr);
		printf("nonce:          %s\n", nonce_hex);
		printf("key:            ECC P-256 ECDSA-SHA256 restricted signing key (endorsement hierarchy)\n");
		printf("wrote:          %s/{" F_MSG "," F_SIG "," F_PCRS "," F_AKPUB "," F_AKPEM "}\n", dir);
		printf("check with:     xmhfctl verify --in %s --nonce %s\n", dir, nonce_hex);
	}
	ret = 0;
out:
	if (ak != ESYS_TR_NONE)
		Esys_FlushContext(t.esys, ak);
	Esys_Free(akpub);
	Esys_Free(quoted);
	Esys_Free(sig);
	free(pcrs);
	tpm_close(&t);
	return ret;
}

/* ---------------------------------------------------------------- verify */

static void verify_usage(FILE *f)
{
	fprintf(f, "usage: xmhfctl verify --nonce HEX [--in DIR] [--ak FILE] [--golden FILE] [--json]\n"
		"Checks a quote that 'xmhfctl quote' wrote into DIR (default .), without a TPM:\n"
		"the signature (with the attestation key in DIR/" F_AKPUB ", or FILE), the nonce,\n"
		"and the PCR values against the quote's digest.  Then compares PCR17 with the\n"
		"golden values (default %s).\n"
		"Exit status: 0 hypervisor present, %d not present or unknown measurement,\n"
		"1 the quote does not check out, 2 usage.\n",
		GOLDEN_DEFAULT_PATH, EXIT_NOT_PRESENT);
}

/* Reads a whole file and unmarshals it; any byte left over is damage too. */
static int load_sig(const char *path, TPMT_SIGNATURE *sig)
{
	size_t len, off = 0;
	uint8_t *b = read_file(path, &len);
	int ret = -1;

	if (!b)
		return -1;
	memset(sig, 0, sizeof(*sig));
	if (Tss2_MU_TPMT_SIGNATURE_Unmarshal(b, len, &off, sig) != TSS2_RC_SUCCESS || off != len)
		err("%s: damaged: not a marshalled TPMT_SIGNATURE", path);
	else
		ret = 0;
	free(b);
	return ret;
}

static int load_pub(const char *path, TPM2B_PUBLIC *pub)
{
	size_t len, off = 0;
	uint8_t *b = read_file(path, &len);
	int ret = -1;

	if (!b)
		return -1;
	memset(pub, 0, sizeof(*pub));
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(b, len, &off, pub) != TSS2_RC_SUCCESS || off != len)
		err("%s: damaged: not a marshalled TPM2B_PUBLIC (the attestation key)", path);
	else
		ret = 0;
	free(b);
	return ret;
}

int cmd_verify(const struct global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "in", required_argument, NULL, 'i' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "ak", required_argument, NULL, 'a' },
		{ "golden", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct pcrset set;
	static TPMS_ATTEST attest;
	static TPMT_SIGNATURE sig;
	static TPM2B_PUBLIC pub;
	const char *dir = ".", *nonce_hex = NULL, *ak_path = NULL;
	const char *golden_path = GOLDEN_DEFAULT_PATH;
	char path[PATH_MAX], why[160], kdesc[32], sdesc[32], selstr[256];
	uint8_t nonce[MAX_NONCE], *msg = NULL, *raw = NULL;
	size_t nonce_len = 0, msg_len, raw_len;
	const TPMA_OBJECT need = TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT |
		TPMA_OBJECT_FIXEDTPM;
	bool json = g->json;
	const struct alg *halg = NULL;
	EVP_PKEY *pkey = NULL;
	struct golden gold;
	struct pcr17 p17 = { 0 };
	enum verdict v;
	TPM2B_DIGEST d;
	int c, b, ret = 1;

	quiet_tss("xmhfctl verify");
	while ((c = getopt_long(argc, argv, "i:n:a:g:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			dir = optarg;
			break;
		case 'n':
			nonce_hex = optarg;
			break;
		case 'a':
			ak_path = optarg;
			break;
		case 'g':
			golden_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			verify_usage(stdout);
			return 0;
		default:
			verify_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		err("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (parse_nonce(nonce_hex, nonce, sizeof(nonce), &nonce_len,
			"the nonce the quote was asked for"))
		return EXIT_USAGE;

	/* Load everything first: a missing or damaged file is its own error. */
	join(path, dir, F_MSG);
	msg = read_file(path, &msg_len);
	if (!msg)
		goto out;
	{
		size_t off = 0;

		if (Tss2_MU_TPMS_ATTEST_Unmarshal(msg, msg_len, &off, &attest) != TSS2_RC_SUCCESS ||
		    off != msg_len) {
			err("%s: damaged: not a marshalled TPMS_ATTEST", path);
			goto out;
		}
	}
	join(path, dir, F_SIG);
	if (load_sig(path, &sig))
		goto out;
	if (ak_path)
		snprintf(path, sizeof(path), "%s", ak_path);
	else
		join(path, dir, F_AKPUB);
	if (load_pub(path, &pub))
		goto out;
	if ((pub.publicArea.objectAttributes & need) != need) {
		err("%s: not a restricted signing key of a TPM: a signature by it proves nothing",
		    path);
		goto out;
	}
	if (pub.publicArea.objectAttributes & (TPMA_OBJECT_RESERVED1_MASK |
	    TPMA_OBJECT_RESERVED2_MASK | TPMA_OBJECT_RESERVED3_MASK | TPMA_OBJECT_RESERVED4_MASK |
	    0xfff00000 /* bits 20-31; 19 is x509sign */ | TPMA_OBJECT_DECRYPT) || !alg_by_id(pub.publicArea.nameAlg)) {
		err("%s: damaged: attributes or name algorithm no TPM key can have", path);
		goto out;
	}
	join(path, dir, F_PCRS);
	raw = read_file(path, &raw_len);
	if (!raw)
		goto out;
	if (pcrs_parse(raw, raw_len, &set, why, sizeof(why))) {
		err("%s: damaged: %s", path, why);
		goto out;
	}

	/* 1. The AK signed the message. */
	pkey = pkey_from_tpm(&pub.publicArea, kdesc, sizeof(kdesc));
	if (!pkey)
		goto out;
	switch (check_signature(pkey, &pub.publicArea, &sig, msg, msg_len, &halg,
				sdesc, sizeof(sdesc))) {
	case 0:
		break;
	case 1:
		err("bad signature: " F_MSG " was not signed by this attestation key "
		    "(the quote, the signature or the key was changed)");
		goto out;
	default:
		goto out;
	}
	/* 2. The TPM made it, and it is a quote. */
	if (attest.magic != TPM2_GENERATED_VALUE) {
		err(F_MSG " was not generated by a TPM (magic 0x%08x)", attest.magic);
		goto out;
	}
	if (attest.type != TPM2_ST_ATTEST_QUOTE) {
		err(F_MSG " is not a quote (attestation type 0x%04x)", attest.type);
		goto out;
	}
	/* 3. It answers our nonce. */
	if (attest.extraData.size != nonce_len ||
	    memcmp(attest.extraData.buffer, nonce, nonce_len)) {
		char got[2 * sizeof(attest.extraData.buffer) + 1];

		hex_encode(attest.extraData.buffer, attest.extraData.size, got);
		err("nonce mismatch: the quote answers nonce '%s', not '%s' "
		    "(a stale or replayed quote)", got, nonce_hex);
		goto out;
	}
	/* 4. The PCR values are the quoted ones. */
	if (!sel_equal(&attest.attested.quote.pcrSelect, &set.sel)) {
		err(F_PCRS " holds other PCRs than the quote covers");
		goto out;
	}
	if (pcrset_digest(&set, halg, &d)) {
		ssl_err("hashing the PCR values");
		goto out;
	}
	if (d.size != attest.attested.quote.pcrDigest.size ||
	    memcmp(d.buffer, attest.attested.quote.pcrDigest.buffer, d.size)) {
		err("PCR digest mismatch: the values in " F_PCRS " are not the quoted ones "
		    "(the file was changed)");
		goto out;
	}
	/* 5. PCR17 against the golden values. */
	for (b = 0; b < GOLDEN_BANKS; b++) {
		const TPM2B_DIGEST *p = pcrset_find(&set, alg_by_bank(b)->id, 17);

		if (p) {
			/* The PCR file is the quoter's: a size that is not the bank's is a lie. */
			if (p->size != alg_by_bank(b)->size || p->size > GOLDEN_MAX_DIGEST) {
				err(F_PCRS " holds a PCR 17 value of the wrong size for its bank");
				goto out;
			}
			p17.have[b] = true;
			memcpy(p17.value[b], p->buffer, p->size);
		}
	}
	if (!p17.have[GOLDEN_SHA256]) {
		err("the quote does not cover PCR17 in the sha256 bank");
		goto out;
	}
	free(raw);
	raw = read_file(golden_path, &raw_len);
	if (!raw)
		goto out;
	if (golden_parse((const char *)raw, raw_len, &gold, why, sizeof(why))) {
		err("%s: not a golden values file: %s", golden_path, why);
		goto out;
	}
	v = golden_verdict(&gold, &p17);
	if (v == VERDICT_UNKNOWN && !golden_comparable_banks(&gold, &p17))
		fprintf(stderr, "%s: note: %s has no value for the banks in the quote\n",
			me, golden_path);

	sel_string(&set.sel, selstr, sizeof(selstr));
	if (json) {
		printf("{\"signature\":\"good\",\"key\":\"%s\",\"scheme\":\"%s\","
		       "\"nonce\":\"matches\",\"pcr_digest\":\"matches\",\"pcrs\":\"%s\",\"pcr17\":{",
		       kdesc, sdesc, selstr);
		for (b = GOLDEN_BANKS - 1; b >= 0; b--) {
			if (!p17.have[b])
				continue;
			printf("%s\"%s\":\"", b == GOLDEN_SHA256 ? "" : ",", golden_bank_name(b));
			print_hex(stdout, p17.value[b], golden_bank_size(b));
			printf("\"");
		}
		printf("},\"golden\":");
		json_str(stdout, golden_path);
		printf(",\"build_id\":");
		json_str(stdout, gold.build_id);
		printf(",\"reset_count\":%u,\"restart_count\":%u,\"verdict\":\"%s\","
		       "\"present\":%s,\"message\":", attest.clockInfo.resetCount,
		       attest.clockInfo.restartCount, verdict_name(v),
		       verdict_present(v) ? "true" : "false");
		json_str(stdout, verdict_text(v));
		printf("}\n");
	} else {
		printf("signature:      good (%s attestation key, %s)\n", kdesc, sdesc);
		printf("nonce:          matches\n");
		printf("pcr digest:     matches %s (%s)\n", F_PCRS, selstr);
		for (b = GOLDEN_BANKS - 1; b >= 0; b--) {
			if (!p17.have[b])
				continue;
			printf("PCR17 %-8s  ", golden_bank_name(b));
			print_hex(stdout, p17.value[b], golden_bank_size(b));
			printf("\n");
		}
		if (gold.build_id[0])
			printf("golden:         %s (build %s)\n", golden_path, gold.build_id);
		else
			printf("golden:         %s\n", golden_path);
		printf("verdict:        %s\n", verdict_text(v));
	}
	ret = verdict_exit_code(v);
out:
	EVP_PKEY_free(pkey);
	free(msg);
	free(raw);
	return ret;
}
