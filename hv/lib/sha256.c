// SPDX-License-Identifier: GPL-2.0
/* SHA-256 (FIPS 180-4 section 6.2). */
#include <lib/crypto.h>
#include <lib/md.h>
#include <lib/string.h>

/* First 32 bits of the fractional parts of the cube roots of primes 2..311. */
static const u32 K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline u32 ror32(u32 x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

#define S0(x)	(ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22))
#define S1(x)	(ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25))
#define s0(x)	(ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define s1(x)	(ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))

/* The schedule is kept as a 16-word ring to keep the stack frame small. */
static void sha256_block(u32 st[8], const u8 *blk)
{
	u32 w[16], v[8];
	unsigned int t;

	for (t = 0; t < 16; t++)
		w[t] = load_be32(blk + 4 * t);
	for (t = 0; t < 8; t++)
		v[t] = st[t];

	for (t = 0; t < 64; t++) {
		u32 a = v[0], e = v[4], t1, t2;

		/* w[t & 15] still holds W[t - 16] here. */
		if (t >= 16)
			w[t & 15] += s1(w[(t - 2) & 15]) + w[(t - 7) & 15] +
				     s0(w[(t - 15) & 15]);
		t1 = v[7] + S1(e) + ((e & v[5]) ^ (~e & v[6])) + K[t] +
		     w[t & 15];
		t2 = S0(a) + ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + t2;
	}

	for (t = 0; t < 8; t++)
		st[t] += v[t];
	/* Both arrays are derived from the message, which may be a key. */
	memzero_explicit(w, sizeof(w));
	memzero_explicit(v, sizeof(v));
}

void sha256_init(struct sha256_ctx *c)
{
	/* First 32 bits of the fractional parts of sqrt(2..19). */
	c->state[0] = 0x6a09e667;
	c->state[1] = 0xbb67ae85;
	c->state[2] = 0x3c6ef372;
	c->state[3] = 0xa54ff53a;
	c->state[4] = 0x510e527f;
	c->state[5] = 0x9b05688c;
	c->state[6] = 0x1f83d9ab;
	c->state[7] = 0x5be0cd19;
	c->count = 0;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	md_update(c->state, c->buf, &c->count, data, len, sha256_block);
}

void sha256_final(struct sha256_ctx *c, u8 out[SHA256_DIGEST_SIZE])
{
	unsigned int i;

	md_final(c->state, c->buf, c->count, sha256_block);
	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, c->state[i]);
	memzero_explicit(c, sizeof(*c));
}

void sha256(const void *data, size_t len, u8 out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}
