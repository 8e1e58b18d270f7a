// SPDX-License-Identifier: GPL-2.0
/*
 * hellotest: talks to the hello hypapp from CPL 3 (its hypercalls are
 * open to any CPL).  Prints TAP.  The hypervisor must be launched with
 * hello linked in (the default build).
 */
#include <stdio.h>
#include <string.h>
#include <xmhf/hypercall.h>
#include "guest_test.h"

static void cpuid0(void)
{
	unsigned int a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

int main(void)
{
	char buf[64] = "";
	long before, after, len;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* what was printed survives a crash */
	printf("1..5\n");
	before = vmmcall(XMHF_HC_HYPAPP_BASE + 0, 0, 0);
	for (i = 0; i < 10; i++)
		cpuid0();
	after = vmmcall(XMHF_HC_HYPAPP_BASE + 0, 0, 0);
	ok(before >= 0, "hello's hypercall 0 answers from CPL 3");
	ok(after - before >= 10, "hello counted our 10 CPUIDs");
	len = vmmcall(XMHF_HC_HYPAPP_BASE + 1, (unsigned long)buf, sizeof(buf));
	ok(len == 25 && !strcmp(buf, "hello from the hypervisor"),
	   "hello wrote its greeting into our buffer");
	ok(vmmcall(XMHF_HC_HYPAPP_BASE + 1, 0x10, 64) == -1,
	   "an unmapped buffer gets -1, not a crash");
	ok(vmmcall(XMHF_HC_HYPAPP_BASE + 7, 0, 0) == XMHF_HC_E_NOSYS,
	   "an unknown hello hypercall gets NOSYS");
	/* 80-hypapp.t compares hello's goodbye at unload with this. */
	printf("# hello counted %ld CPUIDs\n", vmmcall(XMHF_HC_HYPAPP_BASE + 0, 0, 0));
	return failed != 0;
}
