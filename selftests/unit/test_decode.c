// SPDX-License-Identifier: GPL-2.0
/* The decoders of hv/core/decode.c against hand-assembled bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <core/decode.h>

static struct sysinsn d;

#define DEC(...) ({ const u8 b_[] = { __VA_ARGS__ }; decode_sysinsn(b_, sizeof(b_), &d); })

static void test_mov_to_cr(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x22, 0xe7), 0);		/* mov %rdi,%cr4 */
	assert_int_equal(d.kind, SYSINSN_MOV_TO_CR);
	assert_int_equal(d.ctl, 4);
	assert_int_equal(d.gpr, 7);
	assert_int_equal(d.len, 3);
	assert_int_equal(DEC(0x41, 0x0f, 0x22, 0xd8), 0);	/* mov %r8,%cr3 */
	assert_int_equal(d.ctl, 3);
	assert_int_equal(d.gpr, 8);
	assert_int_equal(d.len, 4);
	assert_int_equal(DEC(0x44, 0x0f, 0x22, 0xc0), 0);	/* mov %rax,%cr8 */
	assert_int_equal(d.ctl, 8);
	assert_int_equal(DEC(0xf0, 0x0f, 0x22, 0xc0), 0);	/* lock mov %rax,%cr0 = CR8 */
	assert_int_equal(d.ctl, 8);
}

static void test_mov_from_cr_and_dr(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x20, 0xd8), 0);		/* mov %cr3,%rax */
	assert_int_equal(d.kind, SYSINSN_MOV_FROM_CR);
	assert_int_equal(d.ctl, 3);
	assert_int_equal(d.gpr, 0);
	assert_int_equal(DEC(0x0f, 0x23, 0xf9), 0);		/* mov %rcx,%db7 */
	assert_int_equal(d.kind, SYSINSN_MOV_TO_DR);
	assert_int_equal(d.ctl, 7);
	assert_int_equal(d.gpr, 1);
	assert_int_equal(DEC(0x49, 0x0f, 0x21, 0xc7), 0);	/* mov %db0,%r15 */
	assert_int_equal(d.kind, SYSINSN_MOV_FROM_DR);
	assert_int_equal(d.gpr, 15);
}

static void test_lldt_ltr(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x00, 0xd0), 0);		/* lldt %ax */
	assert_int_equal(d.kind, SYSINSN_LLDT);
	assert_int_equal(d.gpr, 0);
	assert_int_equal(DEC(0x0f, 0x00, 0xdf), 0);		/* ltr %di */
	assert_int_equal(d.kind, SYSINSN_LTR);
	assert_int_equal(d.gpr, 7);
	assert_int_equal(DEC(0x0f, 0x00, 0x10), -1);		/* lldt (%rax): memory */
}

/* CLTS and LMSW exit as CR0 writes: each must decode to what it writes. */
static void test_clts_lmsw(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x06), 0);			/* clts */
	assert_int_equal(d.kind, SYSINSN_CLTS);
	assert_int_equal(d.ctl, 0);
	assert_int_equal(d.len, 2);
	assert_int_equal(DEC(0x2e, 0x0f, 0x06), 0);		/* cs clts */
	assert_int_equal(d.len, 3);
	assert_int_equal(DEC(0xf0, 0x0f, 0x06), -1);		/* lock clts: #UD */
	assert_int_equal(DEC(0x0f, 0x01, 0xf0), 0);		/* lmsw %ax */
	assert_int_equal(d.kind, SYSINSN_LMSW);
	assert_int_equal(d.ctl, 0);
	assert_int_equal(d.gpr, 0);
	assert_int_equal(d.len, 3);
	assert_int_equal(DEC(0x41, 0x0f, 0x01, 0xf3), 0);	/* lmsw %r11w */
	assert_int_equal(d.gpr, 11);
	assert_int_equal(d.len, 4);
	assert_int_equal(DEC(0x0f, 0x01, 0x30), -1);		/* lmsw (%rax): memory */
	assert_int_equal(DEC(0x0f, 0x01, 0xf8), -1);		/* swapgs is /7 */
}

static void test_rejects(void **state)
{
	(void)state;
	assert_int_equal(DEC(0x0f, 0x22, 0xc8), -1);		/* CR1 does not exist */
	assert_int_equal(DEC(0x44, 0x0f, 0x22, 0xc8), -1);	/* CR9 */
	assert_int_equal(DEC(0x0f, 0xa2), -1);			/* cpuid, too short anyway */
	assert_int_equal(DEC(0x0f, 0x01, 0xd9), -1);		/* vmmcall */
	assert_int_equal(DEC(0x90, 0x0f, 0x22, 0xe7), -1);	/* NOP is no prefix */
	assert_int_equal(DEC(0x0f), -1);
	assert_int_equal(decode_sysinsn(NULL, 0, &d), -1);
	assert_int_equal(DEC(0x40, 0x66, 0x0f, 0x22, 0xe7), -1); /* REX not last */
}

/* ---- MOV stores (decode_memstore) */

struct store_case {
	const char *what;
	u8 bytes[15];
	u8 len, size, gpr;
	bool imm;
	u64 imm_val;
};

static const struct store_case stores[] = {
	{ "mov %eax,(%rcx)", { 0x89, 0x01 }, 2, 4, 0, false, 0 },
	{ "mov %edx,0xfee00300 (SIB, no base)",
	  { 0x89, 0x14, 0x25, 0x00, 0x03, 0xe0, 0xfe }, 7, 4, 2, false, 0 },
	{ "mov %r14d,0x300(%rax)",
	  { 0x44, 0x89, 0xb0, 0x00, 0x03, 0x00, 0x00 }, 7, 4, 14, false, 0 },
	{ "mov %eax,-0x10(%rbp)", { 0x89, 0x45, 0xf0 }, 3, 4, 0, false, 0 },
	{ "mov %eax,0x12345678(%rip)",
	  { 0x89, 0x05, 0x78, 0x56, 0x34, 0x12 }, 6, 4, 0, false, 0 },
	{ "movl $0x4500,(%rax)",
	  { 0xc7, 0x00, 0x00, 0x45, 0x00, 0x00 }, 6, 4, 0, true, 0x4500 },
	{ "movl $0x44332211,0x300(%rax)",
	  { 0xc7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44 },
	  10, 4, 0, true, 0x44332211 },
	{ "movl $0x80000000,(%rax): no sign extension at size 4",
	  { 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80 }, 6, 4, 0, true, 0x80000000 },
	{ "movq $-1,(%rax)",
	  { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff }, 7, 8, 0, true, ~0ULL },
	{ "movq $0x7fffffff,(%rax)",
	  { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f }, 7, 8, 0, true, 0x7fffffff },
	{ "movw $0x1234,(%rax)",
	  { 0x66, 0xc7, 0x00, 0x34, 0x12 }, 5, 2, 0, true, 0x1234 },
	{ "movb $0x80,(%rax)", { 0xc6, 0x00, 0x80 }, 3, 1, 0, true, 0x80 },
	{ "mov %rcx,(%rax)", { 0x48, 0x89, 0x08 }, 3, 8, 1, false, 0 },
	{ "mov %cx,(%rax)", { 0x66, 0x89, 0x08 }, 3, 2, 1, false, 0 },
	{ "mov %rcx,(%rax): REX.W wins over 66",
	  { 0x66, 0x48, 0x89, 0x08 }, 4, 8, 1, false, 0 },
	{ "mov %cl,(%rax)", { 0x88, 0x08 }, 2, 1, 1, false, 0 },
	{ "mov %sil,(%rax)", { 0x40, 0x88, 0x30 }, 3, 1, 6, false, 0 },
	{ "mov %r15b,(%rax)", { 0x44, 0x88, 0x38 }, 3, 1, 15, false, 0 },
	{ "mov %ecx,%fs:(%rax)", { 0x64, 0x89, 0x08 }, 3, 4, 1, false, 0 },
	{ "mov %eax,(%r12) (SIB)", { 0x41, 0x89, 0x04, 0x24 }, 4, 4, 0, false, 0 },
	{ "mov %eax,0x0(%r13): disp8, not RIP",
	  { 0x41, 0x89, 0x45, 0x00 }, 4, 4, 0, false, 0 },
	{ "mov %eax,0x8(%rbp,%riz): SIB base 5 with mod 01 is rbp+disp8",
	  { 0x89, 0x44, 0x25, 0x08 }, 4, 4, 0, false, 0 },
	{ "mov %eax,0x300(,%r9,4): REX.X, no base",
	  { 0x42, 0x89, 0x04, 0x8d, 0x00, 0x03, 0x00, 0x00 }, 8, 4, 0, false, 0 },
	{ "mov %eax,0x300(%r13,%rax,1): SIB base 5 + REX.B with mod 10",
	  { 0x41, 0x89, 0x84, 0x05, 0x00, 0x03, 0x00, 0x00 }, 8, 4, 0, false, 0 },
	{ "movw $0x1234,%gs:0x300(%rax,%rbx,8): 15 bytes",
	  { 0x3e, 0x3e, 0x3e, 0x3e, 0x65, 0x66, 0xc7, 0x84, 0xd8,
	    0x00, 0x03, 0x00, 0x00, 0x34, 0x12 }, 15, 2, 0, true, 0x1234 },
};

static void check_store(const struct store_case *c, size_t n)
{
	struct memstore ms;

	memset(&ms, 0xaa, sizeof(ms));
	if (decode_memstore(c->bytes, n, &ms) != 0)
		fail_msg("%s: rejected", c->what);
	if (ms.len != c->len || ms.size != c->size || ms.imm != c->imm)
		fail_msg("%s: len %u size %u imm %d", c->what, ms.len, ms.size, ms.imm);
	if (c->imm && ms.imm_val != c->imm_val)
		fail_msg("%s: imm_val %#llx", c->what, (unsigned long long)ms.imm_val);
	if (!c->imm && ms.gpr != c->gpr)
		fail_msg("%s: gpr %u", c->what, ms.gpr);
}

static void test_store_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(stores); i++) {
		check_store(&stores[i], stores[i].len);
		/* Bytes after the instruction change nothing. */
		check_store(&stores[i], sizeof(stores[i].bytes));
	}
}

/* Every strict prefix of a valid store is rejected, without reading past n. */
static void test_store_truncated(void **state)
{
	struct memstore ms;
	u8 *copy;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(stores); i++) {
		for (size_t n = 0; n < stores[i].len; n++) {
			/* Exactly n bytes on the heap, so an overread is caught. */
			copy = test_malloc(n ? n : 1);
			memcpy(copy, stores[i].bytes, n);
			if (decode_memstore(copy, n, &ms) != -1)
				fail_msg("%s: accepted with %zu bytes", stores[i].what, n);
			test_free(copy);
		}
	}
	assert_int_equal(decode_memstore(NULL, 0, &ms), -1);
}

/* ---- MOV loads (decode_memload): Linux's readl/readq of MMIO registers */

static void test_load_forms(void **state)
{
	static const struct { const char *what; u8 bytes[15]; u8 len, size, gpr; } loads[] = {
		{ "mov 0x2000(%rdx),%eax (readl)", { 0x8b, 0x82, 0x00, 0x20, 0x00, 0x00 }, 6, 4, 0 },
		{ "mov 0x18(%rax),%rax (readq)", { 0x48, 0x8b, 0x40, 0x18 }, 4, 8, 0 },
		{ "mov (%rdi),%r9 (REX.WR)", { 0x4c, 0x8b, 0x0f }, 3, 8, 9 },
		{ "mov (%rax),%cx (66)", { 0x66, 0x8b, 0x08 }, 3, 2, 1 },
		{ "mov (%rax),%sil (REX byte)", { 0x40, 0x8a, 0x30 }, 3, 1, 6 },
		{ "mov %gs:0x10(%r12),%edx (SIB)", { 0x65, 0x41, 0x8b, 0x54, 0x24, 0x10 }, 6, 4, 2 },
	};
	struct memstore ms;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(loads); i++) {
		for (size_t n = 0; n < loads[i].len; n++)
			if (decode_memload(loads[i].bytes, n, &ms) != -1)
				fail_msg("%s: accepted with %zu bytes", loads[i].what, n);
		if (decode_memload(loads[i].bytes, sizeof(loads[i].bytes), &ms) ||
		    ms.len != loads[i].len || ms.size != loads[i].size ||
		    ms.gpr != loads[i].gpr || ms.imm)
			fail_msg("%s: len %u size %u gpr %u", loads[i].what, ms.len, ms.size, ms.gpr);
	}
	/* Register forms, stores, AH..BH without REX, LOCK: not loads. */
	assert_int_equal(decode_memload((const u8[]){ 0x8b, 0xc1 }, 2, &ms), -1);
	assert_int_equal(decode_memload((const u8[]){ 0x89, 0x01 }, 2, &ms), -1);
	assert_int_equal(decode_memload((const u8[]){ 0x8a, 0x20 }, 2, &ms), -1);
	assert_int_equal(decode_memload((const u8[]){ 0xf0, 0x8b, 0x01 }, 3, &ms), -1);
}

#define MS(...) ({ const u8 b_[] = { __VA_ARGS__ }; struct memstore m_; \
		   decode_memstore(b_, sizeof(b_), &m_); })

static void test_store_rejects(void **state)
{
	(void)state;
	assert_int_equal(MS(0x88, 0xe0), -1);			/* mov %ah,%al: register */
	assert_int_equal(MS(0x89, 0xc8), -1);			/* mov %ecx,%eax */
	assert_int_equal(MS(0xc7, 0xc0, 1, 0, 0, 0), -1);	/* mov $1,%eax */
	assert_int_equal(MS(0x88, 0x30), -1);			/* mov %dh,(%rax) */
	assert_int_equal(MS(0x88, 0x20), -1);			/* mov %ah,(%rax) */
	assert_int_equal(MS(0xf0, 0x89, 0x08), -1);		/* lock */
	assert_int_equal(MS(0xf3, 0x89, 0x08), -1);		/* rep */
	assert_int_equal(MS(0xf2, 0x89, 0x08), -1);		/* repne */
	assert_int_equal(MS(0x67, 0x89, 0x08), -1);		/* address size */
	assert_int_equal(MS(0x40, 0x66, 0x89, 0x08), -1);	/* REX not last */
	assert_int_equal(MS(0x48, 0x48, 0x89, 0x08), -1);	/* two REX */
	assert_int_equal(MS(0x8b, 0x08), -1);			/* a load */
	assert_int_equal(MS(0xa3, 0, 0, 0, 0, 0, 0, 0, 0), -1);	/* mov %eax,moffs */
	assert_int_equal(MS(0x87, 0x08), -1);			/* xchg */
	assert_int_equal(MS(0xc7, 0x08, 1, 0, 0, 0), -1);	/* C7 /1 */
	assert_int_equal(MS(0xc6, 0x38, 1), -1);		/* C6 /7 */
	assert_int_equal(MS(0x0f, 0x89, 0x08), -1);		/* two-byte opcode */
	assert_int_equal(MS(0x90, 0x89, 0x08), -1);		/* NOP is no prefix */
	/* 16 bytes: 11 prefixes + c7 80 disp32 imm32 is over the limit. */
	assert_int_equal(MS(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
			    0x3e, 0x3e, 0x3e, 0xc7, 0x00, 0, 0, 0, 0), -1);
	/* 15 prefixes: no opcode within the limit. */
	assert_int_equal(MS(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
			    0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x08), -1);
}

/* ---- operand-less instructions of the insn exits (decode_plain) */
static enum plain_insn pk;
static u8 pl;

#define PLAIN(rex, ...) ({ const u8 b_[] = { __VA_ARGS__ }; \
			   decode_plain(b_, sizeof(b_), rex, &pk, &pl); })

static void test_plain_forms(void **state)
{
	(void)state;
	assert_int_equal(PLAIN(true, 0x0f, 0x31), 0);
	assert_int_equal(pk, PLAIN_RDTSC);
	assert_int_equal(pl, 2);
	assert_int_equal(PLAIN(true, 0x0f, 0x01, 0xf9, 0xcc), 0);
	assert_int_equal(pk, PLAIN_RDTSCP);
	assert_int_equal(pl, 3);
	assert_int_equal(PLAIN(true, 0x0f, 0x09), 0);
	assert_int_equal(pk, PLAIN_WBINVD);
	assert_int_equal(PLAIN(false, 0xf4), 0);
	assert_int_equal(pk, PLAIN_HLT);
	assert_int_equal(pl, 1);
	assert_int_equal(PLAIN(true, 0xf3, 0x90), 0);
	assert_int_equal(pk, PLAIN_PAUSE);
	assert_int_equal(pl, 2);
}

/* RIP must move past every prefix: a REX RDTSCP is 4 bytes, not 3. */
static void test_plain_prefixes(void **state)
{
	(void)state;
	assert_int_equal(PLAIN(true, 0x48, 0x0f, 0x01, 0xf9), 0);
	assert_int_equal(pk, PLAIN_RDTSCP);
	assert_int_equal(pl, 4);
	assert_int_equal(PLAIN(true, 0x66, 0x2e, 0x0f, 0x31), 0);
	assert_int_equal(pk, PLAIN_RDTSC);
	assert_int_equal(pl, 4);
	assert_int_equal(PLAIN(true, 0x66, 0xf3, 0x90), 0);
	assert_int_equal(pk, PLAIN_PAUSE);
	assert_int_equal(pl, 3);
	assert_int_equal(PLAIN(true, 0x3e, 0xf4), 0);
	assert_int_equal(pl, 2);
}

/* The exits RIP used to skip by a fixed length: prefixes count. */
static void test_plain_exits(void **state)
{
	(void)state;
	assert_int_equal(PLAIN(true, 0x0f, 0xa2), 0);
	assert_int_equal(pk, PLAIN_CPUID);
	assert_int_equal(pl, 2);
	assert_int_equal(PLAIN(true, 0x66, 0x0f, 0xa2), 0);
	assert_int_equal(pk, PLAIN_CPUID);
	assert_int_equal(pl, 3);
	assert_int_equal(PLAIN(true, 0x48, 0x0f, 0x32), 0);
	assert_int_equal(pk, PLAIN_RDMSR);
	assert_int_equal(pl, 3);
	assert_int_equal(PLAIN(true, 0x2e, 0x3e, 0x0f, 0x30), 0);
	assert_int_equal(pk, PLAIN_WRMSR);
	assert_int_equal(pl, 4);
	assert_int_equal(PLAIN(true, 0x0f, 0x01, 0xd9), 0);
	assert_int_equal(pk, PLAIN_VMMCALL);
	assert_int_equal(pl, 3);
	assert_int_equal(PLAIN(true, 0x66, 0x0f, 0x01, 0xd9), 0);
	assert_int_equal(pl, 4);
	assert_int_equal(PLAIN(true, 0x0f, 0x08), 0);
	assert_int_equal(pk, PLAIN_INVD);
	assert_int_equal(PLAIN(true, 0x0f, 0x01, 0xd8), -1);	/* VMRUN */
}

static void test_plain_rejects(void **state)
{
	(void)state;
	/* Outside 64-bit mode 48 is DEC EAX, not a prefix. */
	assert_int_equal(PLAIN(false, 0x48, 0x0f, 0x31), -1);
	assert_int_equal(PLAIN(true, 0xf0, 0x0f, 0x31), -1);	/* LOCK */
	assert_int_equal(PLAIN(true, 0x0f), -1);		/* truncated */
	assert_int_equal(PLAIN(true, 0x0f, 0x01), -1);
	assert_int_equal(PLAIN(true, 0x0f, 0x01, 0xf8), -1);	/* SWAPGS */
	assert_int_equal(PLAIN(true, 0x90), -1);		/* NOP is no PAUSE */
	assert_int_equal(PLAIN(true, 0xf3, 0x41, 0x90), -1);	/* REX.B 90: XCHG */
	assert_int_equal(PLAIN(true, 0x0f, 0x0b), -1);		/* UD2 */
	/* 14 prefixes leave no room for a 2-byte opcode in 15 bytes. */
	assert_int_equal(PLAIN(true, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
			       0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x0f, 0x31), -1);
	assert_int_equal(PLAIN(true, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
			       0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xf4), 0);
	assert_int_equal(pl, 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov_to_cr), cmocka_unit_test(test_mov_from_cr_and_dr),
		cmocka_unit_test(test_lldt_ltr), cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_store_forms), cmocka_unit_test(test_load_forms),
		cmocka_unit_test(test_store_truncated),
		cmocka_unit_test(test_store_rejects), cmocka_unit_test(test_plain_forms),
		cmocka_unit_test(test_plain_prefixes), cmocka_unit_test(test_plain_rejects),
		cmocka_unit_test(test_clts_lmsw), cmocka_unit_test(test_plain_exits),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
