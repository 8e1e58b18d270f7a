/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-1 and SHA-256 (FIPS 180-4) and HMAC over them (RFC 2104).
 * SHA-1 is here only because the TPM's sha1 PCR bank needs it.
 *
 * All *_final functions wipe their context, so a finished context holds
 * no trace of the (possibly secret) input.  Re-init before reuse.
 */
#ifndef XMHF_LIB_CRYPTO_H
#define XMHF_LIB_CRYPTO_H

#include <types.h>

#define SHA1_DIGEST_SIZE	20
#define SHA1_BLOCK_SIZE		64
#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha1_ctx {
	u32 state[5];
	u64 count;			/* bytes hashed so far */
	u8 buf[SHA1_BLOCK_SIZE];	/* partial block, count % 64 bytes */
};

struct sha256_ctx {
	u32 state[8];
	u64 count;
	u8 buf[SHA256_BLOCK_SIZE];
};

void sha1_init(struct sha1_ctx *c);
void sha1_update(struct sha1_ctx *c, const void *data, size_t len);
void sha1_final(struct sha1_ctx *c, u8 out[SHA1_DIGEST_SIZE]);
void sha1(const void *data, size_t len, u8 out[SHA1_DIGEST_SIZE]);

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, u8 out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, u8 out[SHA256_DIGEST_SIZE]);

/* Incremental HMAC: inner and outer hashes already keyed by *_init. */
struct hmac_sha1_ctx {
	struct sha1_ctx inner, outer;
};

struct hmac_sha256_ctx {
	struct sha256_ctx inner, outer;
};

void hmac_sha1_init(struct hmac_sha1_ctx *c, const void *key, size_t key_len);
void hmac_sha1_update(struct hmac_sha1_ctx *c, const void *msg, size_t len);
void hmac_sha1_final(struct hmac_sha1_ctx *c, u8 out[SHA1_DIGEST_SIZE]);
void hmac_sha1(const void *key, size_t key_len, const void *msg,
	       size_t msg_len, u8 out[SHA1_DIGEST_SIZE]);

void hmac_sha256_init(struct hmac_sha256_ctx *c, const void *key,
		      size_t key_len);
void hmac_sha256_update(struct hmac_sha256_ctx *c, const void *msg,
			size_t len);
void hmac_sha256_final(struct hmac_sha256_ctx *c,
		       u8 out[SHA256_DIGEST_SIZE]);
void hmac_sha256(const void *key, size_t key_len, const void *msg,
		 size_t msg_len, u8 out[SHA256_DIGEST_SIZE]);

#endif /* XMHF_LIB_CRYPTO_H */
