// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of MOV CR/DR, CLTS, LMSW r16 and LLDT/LTR r16 in 64-bit mode, MOV stores, and
 * the operand-less instructions of the insn exits (AMD APM vol. 3).
 */
#include <core/decode.h>

static bool legacy_prefix(u8 b)
{
	return b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

int decode_sysinsn(const u8 *b, size_t n, struct sysinsn *out)
{
	size_t i = 0;
	bool lock = false;
	u8 rex = 0, op, modrm, reg;

	while (i < n && i < 14 && (legacy_prefix(b[i]) || b[i] == 0xf0))
		lock |= b[i++] == 0xf0;
	if (i < n && (b[i] & 0xf0) == 0x40)	/* REX: only right before the opcode */
		rex = b[i++];
	/* CLTS (0f 06): no ModRM; it clears CR0.TS, so it is a CR0 write. */
	if (i + 2 <= n && i + 2 <= 15 && b[i] == 0x0f && b[i + 1] == 0x06 && !lock) {
		out->kind = SYSINSN_CLTS;
		out->ctl = 0;
		out->gpr = 0;
		out->len = (u8)(i + 2);
		return 0;
	}
	if (i + 3 > n || i + 3 > 15 || b[i] != 0x0f)
		return -1;
	op = b[i + 1];
	modrm = b[i + 2];
	reg = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
	out->gpr = (modrm & 7) | (rex & 1 ? 8 : 0);
	out->len = (u8)(i + 3);

	switch (op) {
	case 0x20: case 0x22:
		/* The ModRM mod field is ignored: the operand is always a GPR. */
		out->kind = op == 0x22 ? SYSINSN_MOV_TO_CR : SYSINSN_MOV_FROM_CR;
		out->ctl = lock && reg == 0 ? 8 : reg;	/* AMD: LOCK MOV CR0 is CR8 */
		return reg == 1 || reg == 5 || reg == 6 || reg == 7 || reg > 8 ? -1 : 0;
	case 0x21: case 0x23:
		out->kind = op == 0x23 ? SYSINSN_MOV_TO_DR : SYSINSN_MOV_FROM_DR;
		out->ctl = reg;
		return reg > 7 || lock ? -1 : 0;
	case 0x01:
		/* LMSW r16 (0f 01 /6, register form): CR0's low 4 bits. */
		if ((modrm >> 6) != 3 || ((modrm >> 3) & 7) != 6 || lock)
			return -1;
		out->kind = SYSINSN_LMSW;
		out->ctl = 0;
		return 0;
	case 0x00:
		if ((modrm >> 6) != 3 || lock)	/* register forms only */
			return -1;
		if (((modrm >> 3) & 7) == 2)
			out->kind = SYSINSN_LLDT;
		else if (((modrm >> 3) & 7) == 3)
			out->kind = SYSINSN_LTR;
		else
			return -1;
		out->ctl = 0;
		return 0;
	}
	return -1;
}

/*
 * MOV stores to memory (88, 89, C6 /0, C7 /0), for the nested page faults
 * on write-protected MMIO.  Without NRIPS nothing else gives the length.
 */

/* The prefixes a plain store may carry: operand size and segment overrides. */
static bool store_prefix(u8 b)
{
	return b == 0x66 || b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
	       b == 0x64 || b == 0x65;
}

/*
 * Bytes of the ModRM at b[0] with its SIB and displacement, or -1 for a
 * register operand or if they do not fit in n.  The no-base and the
 * RIP-relative forms are picked by the three low bits alone: REX.B does
 * not change them (r13 as a base needs mod 01 or 10, like rbp).
 */
static int modrm_bytes(const u8 *b, size_t n)
{
	u8 mod, rm;
	size_t len = 1;

	if (n < 1)
		return -1;
	mod = b[0] >> 6;
	rm = b[0] & 7;
	if (mod == 3)
		return -1;
	if (rm == 4) {
		if (n < 2)
			return -1;
		len++;
		if (mod == 0 && (b[1] & 7) == 5)	/* [index*s + disp32] */
			len += 4;
	} else if (mod == 0 && rm == 5) {		/* [rip + disp32] */
		len += 4;
	}
	if (mod == 1)
		len += 1;
	else if (mod == 2)
		len += 4;
	return len <= n ? (int)len : -1;
}

/* A little-endian immediate of 1, 2 or 4 bytes, zero-extended. */
static u64 read_le(const u8 *b, size_t bytes)
{
	u64 v = 0;

	while (bytes--)
		v = (v << 8) | b[bytes];
	return v;
}

/*
 * The source of a store whose ModRM reg field is reg; b and n cover what
 * follows the ModRM operand.  Bytes of immediate consumed, or -1.
 */
static int store_source(const u8 *b, size_t n, u8 op, u8 rex, u8 reg,
			struct memstore *s)
{
	size_t immlen;

	if (op == 0x88 || op == 0x89) {
		/* Without REX, byte registers 4..7 are AH..BH: bits 15:8. */
		if (s->size == 1 && !rex && reg >= 4)
			return -1;
		s->gpr = reg | (rex & 4 ? 8 : 0);
		return 0;
	}
	if (reg != 0)			/* C6/C7 /1../7: not a MOV */
		return -1;
	immlen = s->size < 4 ? s->size : 4;	/* there is no imm64 form */
	if (immlen > n)
		return -1;
	s->imm = true;
	s->imm_val = read_le(b, immlen);
	if (s->size == 8)
		s->imm_val = (u64)(s64)(s32)(u32)s->imm_val;
	return (int)immlen;
}

int decode_memstore(const u8 *b, size_t n, struct memstore *out)
{
	struct memstore s = { 0 };
	size_t i = 0;
	bool opsize = false;
	u8 rex = 0, op, reg;
	int m, imm;

	/* Longer than 15 bytes raises #GP: never look further. */
	if (n > 15)
		n = 15;
	while (i < n && store_prefix(b[i]))
		opsize |= b[i++] == 0x66;
	if (i < n && (b[i] & 0xf0) == 0x40)	/* REX counts only right before the opcode */
		rex = b[i++];
	if (i >= n)
		return -1;
	op = b[i++];
	if (op != 0x88 && op != 0x89 && op != 0xc6 && op != 0xc7)
		return -1;
	m = modrm_bytes(b + i, n - i);
	if (m < 0)
		return -1;
	reg = (b[i] >> 3) & 7;
	i += m;
	/* REX.W wins over 66; the byte forms ignore both. */
	s.size = !(op & 1) ? 1 : rex & 8 ? 8 : opsize ? 2 : 4;
	imm = store_source(b + i, n - i, op, rex, reg, &s);
	if (imm < 0)
		return -1;
	s.len = (u8)(i + imm);
	*out = s;
	return 0;
}

int decode_memload(const u8 *b, size_t n, struct memstore *out)
{
	struct memstore s = { 0 };
	size_t i = 0;
	bool opsize = false;
	u8 rex = 0, op, reg;
	int m;

	if (n > 15)
		n = 15;
	while (i < n && store_prefix(b[i]))
		opsize |= b[i++] == 0x66;
	if (i < n && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i >= n)
		return -1;
	op = b[i++];
	if (op != 0x8a && op != 0x8b)
		return -1;
	m = modrm_bytes(b + i, n - i);
	if (m < 0)
		return -1;
	reg = (b[i] >> 3) & 7;
	s.size = op == 0x8a ? 1 : rex & 8 ? 8 : opsize ? 2 : 4;
	/* Without REX, byte registers 4..7 are AH..BH: not emulated. */
	if (s.size == 1 && !rex && reg >= 4)
		return -1;
	s.gpr = reg | (rex & 4 ? 8 : 0);
	s.len = (u8)(i + m);
	*out = s;
	return 0;
}

/* Pure: no string functions, so the unit test links this file alone. */
static bool bytes_equal(const u8 *a, const u8 *b, size_t n)
{
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/* The opcode bytes after the prefixes, and what they are. */
static const struct {
	u8 op[3], n;
	enum plain_insn kind;
} plain_ops[] = {
	{ { 0x0f, 0x31 }, 2, PLAIN_RDTSC },
	{ { 0x0f, 0x01, 0xf9 }, 3, PLAIN_RDTSCP },
	{ { 0x0f, 0x09 }, 2, PLAIN_WBINVD },
	{ { 0xf4 }, 1, PLAIN_HLT },
	{ { 0x0f, 0xa2 }, 2, PLAIN_CPUID },
	{ { 0x0f, 0x32 }, 2, PLAIN_RDMSR },
	{ { 0x0f, 0x30 }, 2, PLAIN_WRMSR },
	{ { 0x0f, 0x01, 0xd9 }, 3, PLAIN_VMMCALL },
	{ { 0x0f, 0x08 }, 2, PLAIN_INVD },
};

int decode_plain(const u8 *b, size_t n, bool rex_ok, enum plain_insn *kind,
		 u8 *len)
{
	size_t i = 0, k;
	bool rep = false;

	if (n > 15)
		n = 15;
	while (i < n && legacy_prefix(b[i]))
		rep |= b[i++] == 0xf3;
	/* PAUSE is REP NOP: 90 after an F3, with no REX (REX.B 90 is XCHG). */
	if (i < n && b[i] == 0x90 && rep) {
		*kind = PLAIN_PAUSE;
		*len = (u8)(i + 1);
		return 0;
	}
	if (rex_ok && i < n && (b[i] & 0xf0) == 0x40)
		i++;
	for (k = 0; k < ARRAY_SIZE(plain_ops); k++) {
		if (i + plain_ops[k].n > n ||
		    !bytes_equal(b + i, plain_ops[k].op, plain_ops[k].n))
			continue;
		*kind = plain_ops[k].kind;
		*len = (u8)(i + plain_ops[k].n);
		return 0;
	}
	return -1;
}
