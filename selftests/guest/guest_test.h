/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-guest hypapp test programs share: TAP results and the
 * VMMCALL that reaches a hypapp (function in RAX, arguments in RDI, RSI).
 */
#ifndef XMHF_GUEST_TEST_H
#define XMHF_GUEST_TEST_H

#include <stdio.h>

static int n, failed;	/* results printed, and how many failed */

static inline void ok(int cond, const char *desc)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, desc);
	failed += !cond;
}

static inline long vmmcall(unsigned long fn, unsigned long a1, unsigned long a2)
{
	long ret;

	asm volatile("vmmcall" : "=a"(ret) : "a"(fn), "D"(a1), "S"(a2) : "memory");
	return ret;
}

#endif
