// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for hv/lib SHA-1, SHA-256 and HMAC.
 * Vectors: FIPS 180-4 examples, RFC 2202 (HMAC-SHA1), RFC 4231
 * (HMAC-SHA256).  The padding-boundary and key-length-boundary digests
 * were cross-checked with python3 hashlib/hmac.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/crypto.h>

#define MSG448	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define MSG896	"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn" \
		"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

/* Parse a hex string into out; returns the byte count. */
static size_t unhex(const char *hex, u8 *out)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2) {
		unsigned int v;

		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (u8)v;
	}
	return n;
}

static void check_digest(const u8 *got, const char *hex)
{
	u8 want[64];
	size_t n = unhex(hex, want);

	/* Guard against a mistyped vector that would compare nothing. */
	assert_true(n >= 12);
	assert_memory_equal(got, want, n);
}

static void check_sha1(const void *msg, size_t len, const char *hex)
{
	u8 d[SHA1_DIGEST_SIZE];

	sha1(msg, len, d);
	assert_int_equal(strlen(hex), 2 * SHA1_DIGEST_SIZE);
	check_digest(d, hex);
}

static void check_sha256(const void *msg, size_t len, const char *hex)
{
	u8 d[SHA256_DIGEST_SIZE];

	sha256(msg, len, d);
	assert_int_equal(strlen(hex), 2 * SHA256_DIGEST_SIZE);
	check_digest(d, hex);
}

static void test_sha1_fips(void **state)
{
	(void)state;
	check_sha1("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	check_sha1("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	check_sha1(MSG448, 56, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	check_sha1(MSG896, 112, "a49b2446a02c645bf419f995b67091253a04a259");
}

static void test_sha256_fips(void **state)
{
	(void)state;
	check_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223"
			       "b00361a396177a9cb410ff61f20015ad");
	check_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb924"
			    "27ae41e4649b934ca495991b7852b855");
	check_sha256(MSG448, 56, "248d6a61d20638b8e5c026930c3e6039"
				 "a33ce45964ff2167f6ecedd419db06c1");
	check_sha256(MSG896, 112, "cf5b16a778af8380036ce59e7b049237"
				  "0b249b11e8f07a51afac45037afee9d1");
}

#define MILLION 1000000

/* One million 'a': one-shot, and 1000 updates of 1000 bytes. */
static void test_million_a(void **state)
{
	static const char *h1 = "34aa973cd4c4daa4f61eeb2bdbad27316534016f";
	static const char *h256 = "cdc76e5c9914fb9281a1c7e284d73e67"
				  "f1809a48a497200e046d39ccc7112cd0";
	struct sha1_ctx c1;
	struct sha256_ctx c256;
	u8 d1[SHA1_DIGEST_SIZE], d256[SHA256_DIGEST_SIZE];
	u8 *buf = malloc(MILLION);
	int i;

	(void)state;
	assert_non_null(buf);
	memset(buf, 'a', MILLION);
	check_sha1(buf, MILLION, h1);
	check_sha256(buf, MILLION, h256);

	sha1_init(&c1);
	sha256_init(&c256);
	for (i = 0; i < MILLION / 1000; i++) {
		sha1_update(&c1, buf, 1000);
		sha256_update(&c256, buf, 1000);
	}
	sha1_final(&c1, d1);
	sha256_final(&c256, d256);
	check_digest(d1, h1);
	check_digest(d256, h256);
	free(buf);
}

/* Lengths around the point where the length field spills to a new block. */
static void test_padding_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *h1, *h256;
	} v[] = {
		{ 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a",
		  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699",
		  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5",
		  "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d",
		  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "11655326c708d70319be2610e8a57d9a5b959d3b",
		  "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	};
	u8 a[65];
	size_t i;

	(void)state;
	memset(a, 'a', sizeof(a));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check_sha1(a, v[i].len, v[i].h1);
		check_sha256(a, v[i].len, v[i].h256);
	}
}

static void fill_pattern(u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(i * 131 + 7);
}

/* Hash m[0..len) in pieces cut at the given offsets (ascending). */
static void sha1_pieces(const u8 *m, size_t len, const size_t *cut,
			size_t ncut, u8 *out)
{
	struct sha1_ctx c;
	size_t i, pos = 0;

	sha1_init(&c);
	for (i = 0; i < ncut && cut[i] <= len; i++) {
		sha1_update(&c, m + pos, cut[i] - pos);
		pos = cut[i];
	}
	sha1_update(&c, m + pos, len - pos);
	sha1_final(&c, out);
}

static void sha256_pieces(const u8 *m, size_t len, const size_t *cut,
			  size_t ncut, u8 *out)
{
	struct sha256_ctx c;
	size_t i, pos = 0;

	sha256_init(&c);
	for (i = 0; i < ncut && cut[i] <= len; i++) {
		sha256_update(&c, m + pos, cut[i] - pos);
		pos = cut[i];
	}
	sha256_update(&c, m + pos, len - pos);
	sha256_final(&c, out);
}

static const size_t lens[] = { 0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120,
			       127, 128, 129, 191, 200, 300 };
static const size_t edges[] = { 0, 1, 55, 56, 63, 64, 65, 127, 128, 129 };

/* Every split point and a few multi-cut patterns equal the one-shot. */
static void test_incremental_splits(void **state)
{
	u8 m[300], one1[SHA1_DIGEST_SIZE], got1[SHA1_DIGEST_SIZE];
	u8 one256[SHA256_DIGEST_SIZE], got256[SHA256_DIGEST_SIZE];
	static const size_t multi[] = { 1, 56, 63, 64, 65, 129, 190, 256 };
	size_t li, e;

	(void)state;
	fill_pattern(m, sizeof(m));
	for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		size_t len = lens[li];

		sha1(m, len, one1);
		sha256(m, len, one256);
		for (e = 0; e < sizeof(edges) / sizeof(edges[0]); e++) {
			if (edges[e] > len)
				break;
			sha1_pieces(m, len, &edges[e], 1, got1);
			sha256_pieces(m, len, &edges[e], 1, got256);
			assert_memory_equal(got1, one1, sizeof(one1));
			assert_memory_equal(got256, one256, sizeof(one256));
		}
		sha1_pieces(m, len, multi, 8, got1);
		sha256_pieces(m, len, multi, 8, got256);
		assert_memory_equal(got1, one1, sizeof(one1));
		assert_memory_equal(got256, one256, sizeof(one256));
	}
}

static void test_incremental_bytewise(void **state)
{
	struct sha1_ctx c1;
	struct sha256_ctx c256;
	u8 d1[SHA1_DIGEST_SIZE], d256[SHA256_DIGEST_SIZE];
	const char *m = MSG896;
	size_t i;

	(void)state;
	sha1_init(&c1);
	sha256_init(&c256);
	for (i = 0; i < 112; i++) {
		sha1_update(&c1, m + i, 1);
		sha256_update(&c256, m + i, 1);
		/* Empty updates must be harmless anywhere. */
		sha1_update(&c1, m, 0);
		sha256_update(&c256, m, 0);
	}
	sha1_final(&c1, d1);
	sha256_final(&c256, d256);
	check_digest(d1, "a49b2446a02c645bf419f995b67091253a04a259");
	check_digest(d256, "cf5b16a778af8380036ce59e7b049237"
			   "0b249b11e8f07a51afac45037afee9d1");
}

static void assert_all_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(b[i], 0);
}

/* A finished context must not keep the message or the chaining state. */
static void test_final_wipes_context(void **state)
{
	struct sha1_ctx c1;
	struct sha256_ctx c256;
	struct hmac_sha256_ctx h;
	u8 d[SHA256_DIGEST_SIZE];

	(void)state;
	sha1_init(&c1);
	sha1_update(&c1, "secret", 6);
	sha1_final(&c1, d);
	assert_all_zero(&c1, sizeof(c1));

	sha256_init(&c256);
	sha256_update(&c256, "secret", 6);
	sha256_final(&c256, d);
	assert_all_zero(&c256, sizeof(c256));

	hmac_sha256_init(&h, "key", 3);
	hmac_sha256_update(&h, "secret", 6);
	hmac_sha256_final(&h, d);
	assert_all_zero(&h, sizeof(h));
}

struct hmac_vec {
	const char *key_hex;	/* NULL: use key_str */
	const char *key_str;
	size_t key_rep;		/* >0: key is key_rep bytes of key_hex's byte */
	const char *msg;
	size_t msg_rep;		/* >0: msg is msg_rep bytes of msg[0] */
	const char *mac_hex;	/* may be a truncated MAC */
};

static size_t build(const char *hex, const char *str, size_t rep, u8 *out)
{
	size_t n;

	if (!hex) {
		n = strlen(str);
		memcpy(out, str, n);
		return n;
	}
	n = unhex(hex, out);
	if (rep) {
		memset(out, out[0], rep);
		n = rep;
	}
	return n;
}

static u8 key_buf[256], msg_buf[256];

static void run_hmac(const struct hmac_vec *v, bool use_sha256)
{
	u8 d[SHA256_DIGEST_SIZE];
	size_t klen = build(v->key_hex, v->key_str, v->key_rep, key_buf);
	size_t mlen;

	if (v->msg_rep) {
		memset(msg_buf, v->msg[0], v->msg_rep);
		mlen = v->msg_rep;
	} else {
		mlen = build(NULL, v->msg, 0, msg_buf);
	}
	if (use_sha256)
		hmac_sha256(key_buf, klen, msg_buf, mlen, d);
	else
		hmac_sha1(key_buf, klen, msg_buf, mlen, d);
	check_digest(d, v->mac_hex);
}

#define RFC_KEY4	"0102030405060708090a0b0c0d0e0f10111213141516171819"

static void test_hmac_sha256_rfc4231(void **state)
{
	static const struct hmac_vec v[] = {
		/* 1 */ { "0b", NULL, 20, "Hi There", 0,
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		/* 2 */ { NULL, "Jefe", 0, "what do ya want for nothing?", 0,
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		/* 3 */ { "aa", NULL, 20, "\xdd", 50,
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		/* 4 */ { RFC_KEY4, NULL, 0, "\xcd", 50,
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		/* 5, truncated to 128 bits */
		{ "0c", NULL, 20, "Test With Truncation", 0,
		  "a3b6167473100ee06e0c796c2955552b" },
		/* 6 */ { "aa", NULL, 131,
		  "Test Using Larger Than Block-Size Key - Hash Key First", 0,
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		/* 7 */ { "aa", NULL, 131,
		  "This is a test using a larger than block-size key and a "
		  "larger than block-size data. The key needs to be hashed "
		  "before being used by the HMAC algorithm.", 0,
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		run_hmac(&v[i], true);
}

static void test_hmac_sha1_rfc2202(void **state)
{
	static const struct hmac_vec v[] = {
		{ "0b", NULL, 20, "Hi There", 0,
		  "b617318655057264e28bc0b6fb378c8ef146be00" },
		{ NULL, "Jefe", 0, "what do ya want for nothing?", 0,
		  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
		{ "aa", NULL, 20, "\xdd", 50,
		  "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
		{ RFC_KEY4, NULL, 0, "\xcd", 50,
		  "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
		{ "0c", NULL, 20, "Test With Truncation", 0,
		  "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04" },
		{ "aa", NULL, 80,
		  "Test Using Larger Than Block-Size Key - Hash Key First", 0,
		  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
		{ "aa", NULL, 80,
		  "Test Using Larger Than Block-Size Key and Larger Than One "
		  "Block-Size Data", 0,
		  "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		run_hmac(&v[i], false);
}

/* A 64-byte key is used as is; a 65-byte key is hashed first. */
static void test_hmac_key_boundary(void **state)
{
	u8 key[65], d1[SHA1_DIGEST_SIZE], d256[SHA256_DIGEST_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (u8)i;
	hmac_sha1(key, 64, "boundary", 8, d1);
	hmac_sha256(key, 64, "boundary", 8, d256);
	check_digest(d1, "f367a5da016833fe0c0883bbb5fd86e15393b9d9");
	check_digest(d256, "04660fc313657aa3500078e1f2788cc4"
			   "e328654092b137f946516e4d7a17adae");
	hmac_sha1(key, 65, "boundary", 8, d1);
	hmac_sha256(key, 65, "boundary", 8, d256);
	check_digest(d1, "257c964f6bcd5e331ac048e3695dc64cb38a71ac");
	check_digest(d256, "ea8a9678017bce7c50df43ced20cc4b1"
			   "12ed884969720bb2ec14e24ce582f037");
}

/* RFC 4231 case 7 fed to the incremental API in odd-sized pieces. */
static void test_hmac_incremental(void **state)
{
	static const char msg[] =
		"This is a test using a larger than block-size key and a "
		"larger than block-size data. The key needs to be hashed "
		"before being used by the HMAC algorithm.";
	struct hmac_sha256_ctx h;
	struct hmac_sha1_ctx h1;
	u8 key[131], d[SHA256_DIGEST_SIZE], one1[SHA1_DIGEST_SIZE];
	u8 d1[SHA1_DIGEST_SIZE];
	size_t pos, step, len = sizeof(msg) - 1;

	(void)state;
	memset(key, 0xaa, sizeof(key));
	for (step = 1; step <= 65; step += 8) {
		hmac_sha256_init(&h, key, sizeof(key));
		hmac_sha1_init(&h1, key, sizeof(key));
		for (pos = 0; pos < len; pos += step) {
			size_t n = len - pos < step ? len - pos : step;

			hmac_sha256_update(&h, msg + pos, n);
			hmac_sha1_update(&h1, msg + pos, n);
		}
		hmac_sha256_final(&h, d);
		hmac_sha1_final(&h1, d1);
		check_digest(d, "9b09ffa71b942fcb27635fbcd5b0e944"
				"bfdc63644f0713938a7f51535c3a35e2");
		hmac_sha1(key, sizeof(key), msg, len, one1);
		assert_memory_equal(d1, one1, sizeof(d1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_fips),
		cmocka_unit_test(test_sha256_fips),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_incremental_splits),
		cmocka_unit_test(test_incremental_bytewise),
		cmocka_unit_test(test_final_wipes_context),
		cmocka_unit_test(test_hmac_sha256_rfc4231),
		cmocka_unit_test(test_hmac_sha1_rfc2202),
		cmocka_unit_test(test_hmac_key_boundary),
		cmocka_unit_test(test_hmac_incremental),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
