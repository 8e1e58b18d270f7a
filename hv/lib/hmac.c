// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC (RFC 2104) over SHA-1 and SHA-256.  Both hashes use 64-byte blocks.
 * Every stack buffer that held key material is wiped before returning;
 * the hash contexts wipe themselves in *_final.
 */
#include <lib/crypto.h>
#include <lib/string.h>

#define HMAC_BLOCK	64
#define IPAD		0x36
#define OPAD		0x5c

static void make_pad(u8 out[HMAC_BLOCK], const u8 key[HMAC_BLOCK], u8 pad)
{
	unsigned int i;

	for (i = 0; i < HMAC_BLOCK; i++)
		out[i] = key[i] ^ pad;
}

void hmac_sha1_init(struct hmac_sha1_ctx *c, const void *key, size_t key_len)
{
	u8 k[HMAC_BLOCK], blk[HMAC_BLOCK];

	/* Keys longer than a block are replaced by their hash. */
	memset(k, 0, sizeof(k));
	if (key_len > HMAC_BLOCK)
		sha1(key, key_len, k);
	else
		memcpy(k, key, key_len);

	make_pad(blk, k, IPAD);
	sha1_init(&c->inner);
	sha1_update(&c->inner, blk, HMAC_BLOCK);
	make_pad(blk, k, OPAD);
	sha1_init(&c->outer);
	sha1_update(&c->outer, blk, HMAC_BLOCK);

	memzero_explicit(k, sizeof(k));
	memzero_explicit(blk, sizeof(blk));
}

void hmac_sha1_update(struct hmac_sha1_ctx *c, const void *msg, size_t len)
{
	sha1_update(&c->inner, msg, len);
}

void hmac_sha1_final(struct hmac_sha1_ctx *c, u8 out[SHA1_DIGEST_SIZE])
{
	u8 d[SHA1_DIGEST_SIZE];

	sha1_final(&c->inner, d);
	sha1_update(&c->outer, d, sizeof(d));
	sha1_final(&c->outer, out);
	memzero_explicit(d, sizeof(d));
}

void hmac_sha1(const void *key, size_t key_len, const void *msg,
	       size_t msg_len, u8 out[SHA1_DIGEST_SIZE])
{
	struct hmac_sha1_ctx c;

	hmac_sha1_init(&c, key, key_len);
	hmac_sha1_update(&c, msg, msg_len);
	hmac_sha1_final(&c, out);
}

void hmac_sha256_init(struct hmac_sha256_ctx *c, const void *key,
		      size_t key_len)
{
	u8 k[HMAC_BLOCK], blk[HMAC_BLOCK];

	memset(k, 0, sizeof(k));
	if (key_len > HMAC_BLOCK)
		sha256(key, key_len, k);
	else
		memcpy(k, key, key_len);

	make_pad(blk, k, IPAD);
	sha256_init(&c->inner);
	sha256_update(&c->inner, blk, HMAC_BLOCK);
	make_pad(blk, k, OPAD);
	sha256_init(&c->outer);
	sha256_update(&c->outer, blk, HMAC_BLOCK);

	memzero_explicit(k, sizeof(k));
	memzero_explicit(blk, sizeof(blk));
}

void hmac_sha256_update(struct hmac_sha256_ctx *c, const void *msg,
			size_t len)
{
	sha256_update(&c->inner, msg, len);
}

void hmac_sha256_final(struct hmac_sha256_ctx *c,
		       u8 out[SHA256_DIGEST_SIZE])
{
	u8 d[SHA256_DIGEST_SIZE];

	sha256_final(&c->inner, d);
	sha256_update(&c->outer, d, sizeof(d));
	sha256_final(&c->outer, out);
	memzero_explicit(d, sizeof(d));
}

void hmac_sha256(const void *key, size_t key_len, const void *msg,
		 size_t msg_len, u8 out[SHA256_DIGEST_SIZE])
{
	struct hmac_sha256_ctx c;

	hmac_sha256_init(&c, key, key_len);
	hmac_sha256_update(&c, msg, msg_len);
	hmac_sha256_final(&c, out);
}
