// SPDX-License-Identifier: GPL-2.0
/*
 * xmhfctl's golden-file parser and the verdict of `xmhfctl verify`
 * (userspace/xmhfctl/golden.c): present (DRTM, emulated), not present,
 * unloaded, unknown, malformed golden files, missing banks, nonce hex.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "golden.h"

/* The values of a real build (xmhf-golden output), shortened to what matters. */
#define DRTM1 "0a13add5dd9eeec9534a34ff84a56e3cf334a924"
#define DRTM256 "9e25593e450d0495e9ad7ffc11dea4265b69e4ba7983ee3daee599a9ae868f14"
#define EMU1 "bf807fc0761839d42d4e11fb14a154fb1fc78bda"
#define EMU256 "4c519053e586fd0afdbca68d24a0ac69f5dca18c01e748dabc89d607f794de0d"
/* The same, then extended with H("xmhf-ll: hypervisor unloaded"). */
#define DRTM1_UNL "3bba06d322f04bc409ef92d496219a3b84ae9453"
#define DRTM256_UNL "cfe546acc490548669b29389371979bd8a827ca555f103e21dd5a2a76ea118e5"
#define EMU1_UNL "26098bc75379512d1a5c047bc8e91ad8bc2bc6b5"
#define EMU256_UNL "20643bcf504740227dcae923064837629f4c225bb3cb228e6de422cf69302d5d"

static const char full[] =
	"# xmhf-ll golden PCR17 values (xmhf-golden 0.1.0)\n"
	"# drtm: 00..00 then extend slb, runtime; emulated: FF..FF then the same\n"
	"build_id 0.1.0-gb796854b3a\n"
	"slb sha1 61071b58767146b80991a16b0fd751de6032fb70\n"
	"slb sha256 59824f964e56a588ac3ba23da74a362fcbff44771fda24f065b26c8278afe8e0\n"
	"runtime sha1 66f6a758110540c9795261b3ca62f93ad208624c\n"
	"runtime sha256 24cdf55e14033c8754aec70fb57e6d5eb6581fbc9f11698ae9020d4c529f6736\n"
	"drtm sha1 " DRTM1 "\n"
	"drtm sha256 " DRTM256 "\n"
	"emulated sha1 " EMU1 "\n"
	"emulated sha256 " EMU256 "\n"
	"drtm-unloaded sha1 " DRTM1_UNL "\n"
	"drtm-unloaded sha256 " DRTM256_UNL "\n"
	"emulated-unloaded sha1 " EMU1_UNL "\n"
	"emulated-unloaded sha256 " EMU256_UNL "\n";

static int parse(const char *text, struct golden *g, char *err, size_t errlen)
{
	return golden_parse(text, strlen(text), g, err, errlen);
}

static void set_bank(struct pcr17 *p, enum golden_bank b, const char *hex)
{
	size_t n;

	assert_int_equal(hex_decode(hex, p->value[b], sizeof(p->value[b]), &n), 0);
	assert_int_equal(n, golden_bank_size(b));
	p->have[b] = true;
}

static void fill_bank(struct pcr17 *p, enum golden_bank b, uint8_t c)
{
	memset(p->value[b], c, golden_bank_size(b));
	p->have[b] = true;
}

static struct golden full_golden(void)
{
	struct golden g;
	char err[160];

	assert_int_equal(parse(full, &g, err, sizeof(err)), 0);
	return g;
}

/* ---------------------------------------------------------------- parser */

static void test_parse_full(void **state)
{
	struct golden g = full_golden();
	uint8_t want[32];
	size_t n;

	(void)state;
	assert_string_equal(g.build_id, "0.1.0-gb796854b3a");
	assert_true(g.have[GOLDEN_DRTM][GOLDEN_SHA1]);
	assert_true(g.have[GOLDEN_DRTM][GOLDEN_SHA256]);
	assert_true(g.have[GOLDEN_EMULATED][GOLDEN_SHA1]);
	assert_true(g.have[GOLDEN_EMULATED][GOLDEN_SHA256]);
	hex_decode(EMU256, want, sizeof(want), &n);
	assert_memory_equal(g.value[GOLDEN_EMULATED][GOLDEN_SHA256], want, 32);
	hex_decode(DRTM1, want, sizeof(want), &n);
	assert_memory_equal(g.value[GOLDEN_DRTM][GOLDEN_SHA1], want, 20);
	assert_true(g.have[GOLDEN_DRTM_UNLOADED][GOLDEN_SHA256]);
	hex_decode(EMU1_UNL, want, sizeof(want), &n);
	assert_memory_equal(g.value[GOLDEN_EMULATED_UNLOADED][GOLDEN_SHA1], want, 20);
}

static void test_parse_tolerant(void **state)
{
	/* Blank lines, tabs, CRLF, upper-case hex, no final newline, and a
	 * line a later format might add are all fine. */
	static const char text[] =
		"\n   \n\t# comment\r\n"
		"unload sha256 whatever the future brings\n"
		"emulated\tsha256  " "4C519053E586FD0AFDBCA68D24A0AC69F5DCA18C01E748DABC89D607F794DE0D" "\r\n"
		"drtm sha1 " DRTM1;
	struct golden g;
	char err[160] = "";

	(void)state;
	assert_int_equal(parse(text, &g, err, sizeof(err)), 0);
	assert_true(g.have[GOLDEN_EMULATED][GOLDEN_SHA256]);
	assert_true(g.have[GOLDEN_DRTM][GOLDEN_SHA1]);
	assert_false(g.have[GOLDEN_DRTM][GOLDEN_SHA256]);
	assert_false(g.have[GOLDEN_EMULATED][GOLDEN_SHA1]);
	assert_int_equal(g.value[GOLDEN_EMULATED][GOLDEN_SHA256][0], 0x4c);
	assert_string_equal(g.build_id, "");
}

static void expect_bad(const char *text, const char *msg_part)
{
	struct golden g;
	char err[160] = "";

	assert_int_equal(parse(text, &g, err, sizeof(err)), -1);
	if (!strstr(err, msg_part))
		fail_msg("error '%s' does not mention '%s'", err, msg_part);
}

static void test_parse_malformed(void **state)
{
	(void)state;
	expect_bad("emulated sha512 " EMU256 "\n", "line 1: unknown bank");
	expect_bad("# c\nemulated sha256\n", "line 2: want three fields");
	expect_bad("emulated sha256 " EMU256 " extra\n", "want three fields");
	expect_bad("emulated sha256 " EMU1 "\n", "a sha256 value has 64 hex digits");
	expect_bad("emulated sha1 " EMU256 "\n", "a sha1 value has 40 hex digits");
	expect_bad("drtm sha1 0a13add5dd9eeec9534a34ff84a56e3cf334a92g\n", "not hex");
	expect_bad("slb sha256 xyz\n", "line 1");
	expect_bad("build_id\n", "want 'build_id ID'");
	expect_bad("emulated sha256 " EMU256 "\nemulated sha256 " EMU256 "\n",
		   "line 2: repeated value");
	expect_bad("emulated sha1 " EMU1 "\nemulated-unloaded sha256 " EMU1_UNL "\n",
		   "line 2: a sha256 value has 64 hex digits");
	/* Unload values alone say nothing about a launch. */
	expect_bad("emulated-unloaded sha256 " EMU256_UNL "\n", "no 'drtm' or 'emulated'");
	/* Nothing a verdict could use. */
	expect_bad("", "no 'drtm' or 'emulated'");
	expect_bad("# only comments\nbuild_id x\nslb sha1 " EMU1 "\n", "no 'drtm' or 'emulated'");
}

static void test_parse_nul_and_long(void **state)
{
	static const char nul[] = "emulated sha1 " EMU1 "\n\0garbage\n";
	char longline[1024];
	struct golden g;
	char err[160] = "";

	(void)state;
	assert_int_equal(golden_parse(nul, sizeof(nul) - 1, &g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: NUL byte"));
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	expect_bad(longline, "line 1: line too long");
}

/* ---------------------------------------------------------------- verdict */

static void test_verdict_emulated(void **state)
{
	struct golden g = full_golden();
	struct pcr17 p = { 0 };

	(void)state;
	set_bank(&p, GOLDEN_SHA256, EMU256);
	set_bank(&p, GOLDEN_SHA1, EMU1);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_EMULATED);
	assert_string_equal(verdict_text(VERDICT_EMULATED), "hypervisor present: emulated launch");
	assert_string_equal(verdict_name(VERDICT_EMULATED), "emulated");
	assert_true(verdict_present(VERDICT_EMULATED));
	assert_int_equal(verdict_exit_code(VERDICT_EMULATED), 0);
	/* sha256 alone is enough. */
	p.have[GOLDEN_SHA1] = false;
	assert_int_equal(golden_verdict(&g, &p), VERDICT_EMULATED);
}

static void test_verdict_drtm(void **state)
{
	struct golden g = full_golden();
	struct pcr17 p = { 0 };

	(void)state;
	set_bank(&p, GOLDEN_SHA256, DRTM256);
	set_bank(&p, GOLDEN_SHA1, DRTM1);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_DRTM);
	assert_string_equal(verdict_text(VERDICT_DRTM), "hypervisor present: launched by DRTM");
	assert_int_equal(verdict_exit_code(VERDICT_DRTM), 0);
}

static void test_verdict_not_present(void **state)
{
	struct golden g = full_golden();
	struct pcr17 p = { 0 };

	(void)state;
	/* After TPM start-up, never extended. */
	fill_bank(&p, GOLDEN_SHA256, 0xff);
	fill_bank(&p, GOLDEN_SHA1, 0xff);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_NOT_PRESENT);
	/* Reset by a DRTM, nothing measured. */
	fill_bank(&p, GOLDEN_SHA256, 0x00);
	fill_bank(&p, GOLDEN_SHA1, 0x00);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_NOT_PRESENT);
	/* Only the sha256 bank. */
	p.have[GOLDEN_SHA1] = false;
	assert_int_equal(golden_verdict(&g, &p), VERDICT_NOT_PRESENT);
	assert_false(verdict_present(VERDICT_NOT_PRESENT));
	assert_int_equal(verdict_exit_code(VERDICT_NOT_PRESENT), EXIT_NOT_PRESENT);
	assert_non_null(strstr(verdict_text(VERDICT_NOT_PRESENT), "hypervisor not present"));
	assert_string_equal(verdict_name(VERDICT_NOT_PRESENT), "not_present");
}

static void test_verdict_unloaded(void **state)
{
	struct golden g = full_golden();
	struct pcr17 p = { 0 };

	(void)state;
	set_bank(&p, GOLDEN_SHA256, EMU256_UNL);
	set_bank(&p, GOLDEN_SHA1, EMU1_UNL);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNLOADED);
	set_bank(&p, GOLDEN_SHA256, DRTM256_UNL);
	set_bank(&p, GOLDEN_SHA1, DRTM1_UNL);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNLOADED);
	assert_false(verdict_present(VERDICT_UNLOADED));
	assert_int_equal(verdict_exit_code(VERDICT_UNLOADED), EXIT_NOT_PRESENT);
	assert_string_equal(verdict_name(VERDICT_UNLOADED), "unloaded");
	assert_non_null(strstr(verdict_text(VERDICT_UNLOADED), "hypervisor not present (unloaded"));
	/* Banks from different kinds do not add up to one. */
	set_bank(&p, GOLDEN_SHA1, EMU1_UNL);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	/* A golden file without unload lines (older xmhf-golden): unknown. */
	{
		static const char old[] = "emulated sha256 " EMU256 "\n";
		char err[160];

		assert_int_equal(parse(old, &g, err, sizeof(err)), 0);
		memset(&p, 0, sizeof(p));
		set_bank(&p, GOLDEN_SHA256, EMU256_UNL);
		assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	}
}

static void test_verdict_unknown(void **state)
{
	struct golden g = full_golden();
	struct pcr17 p = { 0 };

	(void)state;
	/* Some other measurement. */
	fill_bank(&p, GOLDEN_SHA256, 0x5a);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	assert_int_equal(verdict_exit_code(VERDICT_UNKNOWN), EXIT_NOT_PRESENT);
	assert_string_equal(verdict_name(VERDICT_UNKNOWN), "unknown");
	assert_non_null(strstr(verdict_text(VERDICT_UNKNOWN), "unknown measurement"));
	/* One byte off a golden value. */
	set_bank(&p, GOLDEN_SHA256, EMU256);
	p.value[GOLDEN_SHA256][31] ^= 1;
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	/* The banks disagree: emulated in sha256, DRTM in sha1. */
	set_bank(&p, GOLDEN_SHA256, EMU256);
	set_bank(&p, GOLDEN_SHA1, DRTM1);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	/* One bank post-boot, the other golden: not a TPM that exists. */
	fill_bank(&p, GOLDEN_SHA1, 0xff);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	/* Mixed FF/00 in one bank is a measurement, not the post-boot value. */
	memset(&p, 0, sizeof(p));
	fill_bank(&p, GOLDEN_SHA256, 0xff);
	p.value[GOLDEN_SHA256][0] = 0;
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	/* No bank at all. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
}

static void test_verdict_missing_banks(void **state)
{
	static const char only256[] = "emulated sha256 " EMU256 "\ndrtm sha256 " DRTM256 "\n";
	static const char only1[] = "emulated sha1 " EMU1 "\n";
	static const char drtm_only[] = "drtm sha256 " DRTM256 "\n";
	struct golden g;
	struct pcr17 p = { 0 };
	char err[160];

	(void)state;
	/* Golden file without sha1: the quote's sha1 bank is not compared. */
	assert_int_equal(parse(only256, &g, err, sizeof(err)), 0);
	set_bank(&p, GOLDEN_SHA256, EMU256);
	fill_bank(&p, GOLDEN_SHA1, 0x11);
	assert_int_equal(golden_comparable_banks(&g, &p), 1);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_EMULATED);

	/* Golden file with sha1 only, quote with both banks. */
	assert_int_equal(parse(only1, &g, err, sizeof(err)), 0);
	set_bank(&p, GOLDEN_SHA1, EMU1);
	fill_bank(&p, GOLDEN_SHA256, 0x22);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_EMULATED);

	/* Golden file with sha1 only, quote with sha256 only: nothing to compare. */
	p.have[GOLDEN_SHA1] = false;
	assert_int_equal(golden_comparable_banks(&g, &p), 0);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
	/* ... but an all-FF PCR17 needs no golden value. */
	fill_bank(&p, GOLDEN_SHA256, 0xff);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_NOT_PRESENT);

	/* A launch kind missing from the golden file is never matched. */
	assert_int_equal(parse(drtm_only, &g, err, sizeof(err)), 0);
	assert_false(g.have[GOLDEN_EMULATED][GOLDEN_SHA256]);
	memset(&p, 0, sizeof(p));
	set_bank(&p, GOLDEN_SHA256, EMU256);
	assert_int_equal(golden_verdict(&g, &p), VERDICT_UNKNOWN);
}

/* ---------------------------------------------------------------- hex */

static void test_hex(void **state)
{
	uint8_t out[4];
	char back[9];
	size_t n;

	(void)state;
	assert_int_equal(hex_decode("00aBfF7e", out, sizeof(out), &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(out[1], 0xab);
	hex_encode(out, n, back);
	assert_string_equal(back, "00abff7e");
	assert_int_equal(hex_decode("", out, sizeof(out), &n), -1);
	assert_int_equal(hex_decode("abc", out, sizeof(out), &n), -1);
	assert_int_equal(hex_decode("0x12", out, sizeof(out), &n), -1);
	assert_int_equal(hex_decode("zz", out, sizeof(out), &n), -1);
	assert_int_equal(hex_decode("12 4", out, sizeof(out), &n), -1);
	assert_int_equal(hex_decode("0011223344", out, sizeof(out), &n), -1);	/* too long */
	assert_int_equal(golden_bank_from_name("sha256"), GOLDEN_SHA256);
	assert_int_equal(golden_bank_from_name("SHA1"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_tolerant),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_nul_and_long),
		cmocka_unit_test(test_verdict_emulated),
		cmocka_unit_test(test_verdict_drtm),
		cmocka_unit_test(test_verdict_not_present),
		cmocka_unit_test(test_verdict_unloaded),
		cmocka_unit_test(test_verdict_unknown),
		cmocka_unit_test(test_verdict_missing_banks),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
