// SPDX-License-Identifier: GPL-2.0
/* Decoding of MOV CR/DR and LLDT/LTR r16 in 64-bit mode (AMD APM vol. 3). */
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
