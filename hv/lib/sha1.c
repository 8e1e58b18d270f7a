// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-1 (FIPS 180-4 section 6.1).  Needed for the TPM's sha1 PCR bank;
 * do not use it for anything new.
 */
#include <lib/crypto.h>
#include <lib/md.h>
#include <lib/string.h>

static inline u32 rol32(u32 x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

/* The schedule is kept as a 16-word ring to keep the stack frame small. */
static void sha1_block(u32 st[5], const u8 *blk)
{
	u32 w[16], a = st[0], b = st[1], c = st[2], d = st[3], e = st[4];
	unsigned int t;

	for (t = 0; t < 16; t++)
		w[t] = load_be32(blk + 4 * t);

	for (t = 0; t < 80; t++) {
		u32 f, k, tmp;

		if (t >= 16)
			w[t & 15] = rol32(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^
					  w[(t - 14) & 15] ^ w[t & 15], 1);
		if (t < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (t < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (t < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		tmp = rol32(a, 5) + f + e + k + w[t & 15];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = tmp;
	}

	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	/* The schedule is derived from the message, which may be a key. */
	memzero_explicit(w, sizeof(w));
}

void sha1_init(struct sha1_ctx *c)
{
	c->state[0] = 0x67452301;
	c->state[1] = 0xefcdab89;
	c->state[2] = 0x98badcfe;
	c->state[3] = 0x10325476;
	c->state[4] = 0xc3d2e1f0;
	c->count = 0;
}

void sha1_update(struct sha1_ctx *c, const void *data, size_t len)
{
	md_update(c->state, c->buf, &c->count, data, len, sha1_block);
}

void sha1_final(struct sha1_ctx *c, u8 out[SHA1_DIGEST_SIZE])
{
	unsigned int i;

	md_final(c->state, c->buf, c->count, sha1_block);
	for (i = 0; i < 5; i++)
		store_be32(out + 4 * i, c->state[i]);
	memzero_explicit(c, sizeof(*c));
}

void sha1(const void *data, size_t len, u8 out[SHA1_DIGEST_SIZE])
{
	struct sha1_ctx c;

	sha1_init(&c);
	sha1_update(&c, data, len);
	sha1_final(&c, out);
}
