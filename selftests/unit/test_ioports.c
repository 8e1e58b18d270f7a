// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O port policy (hv/arch/x86/ioports.c) against platforms played
 * here: q35's ICH9 (its PMBASE at 0x600) and an AMD FCH (Zen's 1022:790B
 * SMBus function, its PM registers behind 0xCD6/0xCD7 placing the ACPI
 * blocks at 0x400-0x427 and SMI_CMD at 0xB0), which this project cannot
 * boot: the FCH rows are tested only against this model.  The test sees
 * every IN and OUT that reaches "hardware", every reset the policy asks
 * for, and each page made read-only.  XMHF_HOST_TEST routes the ports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

/* The unit under test, whole: setup resets its state between tests. */
#include "../../hv/arch/x86/ioports.c"

/* ---- the platform */
static u8 port_mem[0x10000];	/* what an IN of each port reads */
static u8 fch_pm[256], fch_hw_index;
static bool is_fch;
static u32 id_1f0, id_013, id_140;	/* the IDs at 00:1f.0, 00:01.3, 00:14.0 */
static u32 pmbase_reg;		/* ICH9 LPC / PIIX4 PM register 0x40 */

static struct { u16 port; unsigned int size; u32 val; } outs[32];
static unsigned int nouts, nins;
static struct { u16 port; unsigned int size; u32 val; const char *why; } resets[4];
static unsigned int nresets, ncfg;
static u64 ro_page, ro_pages[2];	/* the last one, and the first two */
static unsigned int nro;
static char logged[8192];

u32 test_io_in(u16 port, unsigned int size)
{
	u32 v = 0;
	unsigned int i;

	nins++;
	if (is_fch && port == 0xcd7 && size == 1)
		return fch_pm[fch_hw_index];
	for (i = 0; i < size; i++)
		v |= (u32)port_mem[(u16)(port + i)] << 8 * i;
	return v;
}

void test_io_out(u16 port, unsigned int size, u32 val)
{
	unsigned int i;

	if (is_fch && port == 0xcd6 && size == 1) {
		fch_hw_index = (u8)val;
		return;		/* the hypervisor's own index replay: not counted */
	}
	if (is_fch && port == 0xcd7 && size == 1) {
		fch_pm[fch_hw_index] = (u8)val;
	} else {
		for (i = 0; i < size; i++)
			port_mem[(u16)(port + i)] = (u8)(val >> 8 * i);
	}
	if (nouts < ARRAY_SIZE(outs)) {
		outs[nouts].port = port;
		outs[nouts].size = size;
		outs[nouts].val = val;
	}
	nouts++;
}

u32 test_pci_read_boot(unsigned int dev, unsigned int fn, unsigned int reg)
{
	if (reg == 0)
		return dev == 0x1f && fn == 0 ? id_1f0 : dev == 1 && fn == 3 ? id_013 :
		       dev == 0x14 && fn == 0 ? id_140 : 0xffffffffu;
	if (reg == 0x40 && ((dev == 0x1f && id_1f0 != 0xffffffffu) ||
			    (dev == 1 && fn == 3 && id_013 != 0xffffffffu)))
		return pmbase_reg;
	return 0xffffffffu;
}

bool pci_cfg_io(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val)
{
	(void)v; (void)port; (void)size;
	ncfg++;
	if (in)
		*val = 0x12345678u & (size == 4 ? ~0u : (1u << 8 * size) - 1);
	return true;
}

void hv_reset_platform(struct vcpu *v, u16 port, unsigned int size, u32 val, const char *why)
{
	(void)v;
	if (nresets < ARRAY_SIZE(resets)) {
		resets[nresets].port = port;
		resets[nresets].size = size;
		resets[nresets].val = val;
		resets[nresets].why = why;
	}
	nresets++;
}

int npt_set_4k(struct npt *n, u64 gpa, bool read, bool write)
{
	(void)n;
	assert_true(read);
	assert_false(write);
	ro_page = gpa;
	if (nro < 2)
		ro_pages[nro] = gpa;
	nro++;
	return 0;
}

void hv_log(const char *fmt, ...)
{
	size_t n = strlen(logged);
	va_list ap;

	va_start(ap, fmt);
	if (n < sizeof(logged) - 1)
		vsnprintf(logged + n, sizeof(logged) - n, fmt, ap);
	va_end(ap);
}

static struct vcpu cpu;
static struct npt npt;
static u8 map[3 * 4096];

static void reset_state(void)
{
	memset(port_mem, 0, sizeof(port_mem));
	memset(fch_pm, 0, sizeof(fch_pm));
	memset(blk, 0, sizeof(blk));
	memset(warned, 0, sizeof(warned));
	memset(unlisted_seen, 0, sizeof(unlisted_seen));
	memset(bars, 0, sizeof(bars));
	unlisted_ports = unlisted_refusals = 0;
	chip = 0;
	fch_index = fch_hw_index = 0;
	is_fch = false;
	id_1f0 = id_013 = id_140 = 0xffffffffu;
	pmbase_reg = 0;
	nouts = nins = nresets = ncfg = 0;
	ro_page = 0;
	nro = 0;
	logged[0] = 0;
}

/* q35: ICH9 LPC, PMBASE 0x600, the TCO watchdog halted already. */
static int setup_ich9(void **state)
{
	(void)state;
	reset_state();
	id_1f0 = 0x29188086;
	pmbase_reg = 0x601;
	port_mem[0x600 + 0x69] = 0x08;	/* TCO1_CNT: TMR_HLT */
	assert_int_equal(ioports_init(&npt, 0xe9), 0);
	ioports_fill_map(map, sizeof(map));
	nouts = nins = 0;
	logged[0] = 0;
	return 0;
}

/* Zen's FCH: the ACPI blocks where the PM registers 0x60-0x6B put them. */
static int setup_fch(void **state)
{
	(void)state;
	reset_state();
	is_fch = true;
	id_140 = 0x790b1022;
	fch_pm[0x60] = 0x00; fch_pm[0x61] = 0x04;	/* PM1 events 0x400 */
	fch_pm[0x62] = 0x04; fch_pm[0x63] = 0x04;	/* PM1 control 0x404 */
	fch_pm[0x64] = 0x08; fch_pm[0x65] = 0x04;	/* PM timer 0x408 */
	fch_pm[0x66] = 0x10; fch_pm[0x67] = 0x04;	/* P_BLK 0x410 */
	fch_pm[0x68] = 0x20; fch_pm[0x69] = 0x04;	/* GPE0 0x420 */
	fch_pm[0x6a] = 0xb0; fch_pm[0x6b] = 0x00;	/* SMI_CMD 0xB0 */
	assert_int_equal(ioports_init(&npt, 0xe9), 0);
	ioports_fill_map(map, sizeof(map));
	nouts = nins = 0;
	logged[0] = 0;
	return 0;
}

static bool intercepted(u16 port)
{
	return map[port / 8] & (1u << (port % 8));
}

static u32 in(u16 port, unsigned int size)
{
	u32 v = 0;

	ioports_access(&cpu, port, size, true, &v);
	return v;
}

static void out(u16 port, unsigned int size, u32 v)
{
	ioports_access(&cpu, port, size, false, &v);
}

/* ---- the default: refused */

static void test_unlisted_refused(void **state)
{
	(void)state;
	/* 0xB3 (APM_STS, the SMI handler's argument) is in no row. */
	assert_true(intercepted(0xb3));
	port_mem[0xb3] = 0x66;
	assert_int_equal(in(0xb3, 1), 0xff);
	out(0xb3, 1, 0x77);
	assert_int_equal(nouts, 0);
	assert_int_equal(nins, 0);
	assert_int_equal(port_mem[0xb3], 0x66);
	assert_non_null(strstr(logged, "IN of 1 byte(s) at refused port 0xb3"));
	/* Each port once: the second access is counted, not logged. */
	assert_null(strstr(strstr(logged, "refused port 0xb3") + 1, "refused port 0xb3"));
	assert_int_equal(unlisted_ports, 1);
	assert_int_equal(unlisted_refusals, 2);
	/* A dword over 0x1234: all ones, whatever is there. */
	port_mem[0x1234] = 1;
	assert_int_equal(in(0x1234, 4), 0xffffffffu);
	assert_int_equal(unlisted_ports, 2);
	assert_non_null(strstr(logged, "at refused port 0x1234"));
}

static void test_ich9_rows(void **state)
{
	(void)state;
	/* Native: the PM timer (inside the PM block), PIT, COM1, VGA. */
	assert_false(intercepted(0x608));
	assert_false(intercepted(0x60b));
	assert_false(intercepted(0x600));	/* PM1 status */
	assert_false(intercepted(0x620));	/* GPE0 */
	assert_false(intercepted(0x62f));
	assert_false(intercepted(0x40));
	assert_false(intercepted(0x3f8));
	assert_false(intercepted(0x3c0));
	assert_false(intercepted(0x1f0));
	/* Intercepted: reset, sleep, SMI, PCI, the rest of the PM block, DMA. */
	assert_true(intercepted(0xcf9));
	assert_true(intercepted(0x604));
	assert_true(intercepted(0xb2));
	assert_true(intercepted(0x634));
	assert_true(intercepted(0x00));
	assert_true(intercepted(0xc0));
	assert_true(intercepted(0x81));
	assert_false(intercepted(0x80));
	assert_true(intercepted(0xe9));
	/* SMI_STS (PMBASE+0x34), in no row of its own: the PM block's. */
	port_mem[0x634] = 0x20;
	assert_int_equal(in(0x634, 4), 0xffffffffu);
	out(0x634, 4, 0x20);
	assert_int_equal(nouts, 0);
	assert_non_null(strstr(logged, "refused: chipset ACPI PM block"));
	/* The 8237: refused both ways. */
	out(0x0a, 1, 0x05);
	assert_int_equal(nouts, 0);
	assert_non_null(strstr(logged, "8237 ISA DMA controller 1"));
	/* QEMU's CPU hotplug registers (AML reads them): made. */
	port_mem[0xcd8] = 0x5a;
	assert_int_equal(in(0xcd8, 1), 0x5a);
	/* A dword at 0xCF6 reaches 0xCF8-0xCF9: refused whole. */
	assert_int_equal(in(0xcf6, 4), 0xffffffffu);
	/* P_BLK (PMBASE+0x10-0x15) is made; a dword at +0x14 reaches past it. */
	port_mem[0x610] = 3;
	assert_int_equal(in(0x610, 1), 3);
	assert_int_equal(in(0x614, 4), 0xffffffffu);
	/* A word at 0x92 covers 0x93, which is in no row: refused. */
	out(0x92, 2, 0x0002);
	assert_int_equal(nouts, 0);
	/* PM1a control: a sleep goes the reset path; a word, as Linux writes. */
	out(0x604, 2, 0x3400);
	assert_int_equal(nresets, 1);
	assert_int_equal(resets[0].port, 0x604);
	/* A dword at PM1a_CNT covers PMBASE+6-7: refused, no sleep. */
	out(0x604, 4, 0x3400);
	assert_int_equal(nresets, 1);
	/* 0xCF8 dword and 0xCFC: the configuration filter. */
	out(0xcf8, 4, 0x80000000u);
	assert_int_equal(in(0xcfc, 4), 0x12345678u);
	assert_int_equal(ncfg, 2);
}

/* A hypapp's subscription can make a native port exit: it is made. */
static void test_native_made(void **state)
{
	(void)state;
	port_mem[0x61] = 0x20;
	assert_int_equal(in(0x61, 1), 0x20);
	/* A word at 0x60: both ports native, made. */
	port_mem[0x60] = 0x1c;
	assert_int_equal(in(0x60, 2), 0x201c);
	/* A dword at 0x61 reaches 0x62-0x63, in no row: refused whole. */
	assert_int_equal(in(0x61, 4), 0xffffffffu);
}

/* ---- PCI I/O BARs */

static void test_bars(void **state)
{
	(void)state;
	ioports_pci_bar_launch(0x10, 4, 0xc041, 32, true);
	ioports_pci_bar_launch(0x18, 0, 0x0701, 32, true);	/* below 0x1000 */
	port_mem[0xc050] = 0x42;
	assert_int_equal(in(0xc050, 1), 0x42);
	out(0xc05c, 4, 0xdeadbeef);
	assert_int_equal(nouts, 1);
	/* Past the BAR's end, or straddling it: refused. */
	assert_int_equal(in(0xc060, 1), 0xff);
	assert_int_equal(in(0xc05e, 4), 0xffffffffu);
	/*
	 * Below 0x1000 nothing opens, not even where the launch found it: the
	 * kernel before the launch may have put it over Super I/O ports.
	 */
	port_mem[0x700] = 7;
	assert_int_equal(in(0x700, 1), 0xff);
	/* Nor a BAR that claims more than 256 ports, nor one wrapping past 4 GiB. */
	ioports_pci_bar_launch(0x20, 0, 0xd001, 512, true);
	port_mem[0xd000] = 0xd;
	assert_int_equal(in(0xd000, 1), 0xff);
	ioports_pci_bar_launch(0x28, 0, 0xffffffe1u, 32, true);
	port_mem[0xffe0] = 0xe;
	assert_int_equal(in(0xffe0, 1), 0xff);

	/* The guest moves BAR 4: closed during the write, open at its new place. */
	assert_true(ioports_pci_bars_close(0x10));
	assert_false(ioports_pci_bars_close(0x20));
	assert_int_equal(in(0xc050, 1), 0xff);
	ioports_pci_bar_update(0x10, 4, 0xe001, true);
	port_mem[0xe000] = 0x99;
	assert_int_equal(in(0xe000, 1), 0x99);
	assert_int_equal(in(0xc050, 1), 0xff);
	/* I/O decode off: closed. */
	ioports_pci_bars_close(0x10);
	ioports_pci_bar_update(0x10, 4, 0xe001, false);
	assert_int_equal(in(0xe000, 1), 0xff);
	/* Over the PM block (below 0x1000, not its launch place): stays closed. */
	ioports_pci_bars_close(0x10);
	ioports_pci_bar_update(0x10, 4, 0x0621, true);
	port_mem[0x634] = 0x20;
	assert_int_equal(in(0x634, 1), 0xff);
	assert_non_null(strstr(logged, "moved to 0x620: refused"));
	/* Below 0x1000 on a port in no row (not its launch place): closed too. */
	ioports_pci_bars_close(0x10);
	ioports_pci_bar_update(0x10, 4, 0x0801, true);
	port_mem[0x800] = 8;
	assert_int_equal(in(0x800, 1), 0xff);
	/* Beyond 64 KiB: closed. */
	ioports_pci_bar_update(0x10, 4, 0x10001, true);
	assert_int_equal(in(0x0000, 1), 0xff);
	/* A BAR of an unknown function (no launch size): nothing opens. */
	ioports_pci_bar_update(0x30, 0, 0xd001, true);
	assert_int_equal(in(0xd000, 1), 0xff);
}

/* A BAR put over the platform's ports never takes them: its rows win. */
static void test_bar_over_platform(void **state)
{
	(void)state;
	ioports_pci_bar_launch(0x10, 0, 0xcf9 & ~3u, 8, true);	/* 0xcf8-0xcff */
	ioports_pci_bar_launch(0x18, 0, 0xb1, 4, true);	/* 0xb0-0xb3 */
	/* 0xCF9 with RST_CPU: the reset path, not a BAR access. */
	out(0xcf9, 1, 0x06);
	assert_int_equal(nresets, 1);
	/* 0xCFC: the configuration filter. */
	in(0xcfc, 4);
	assert_int_equal(ncfg, 1);
	/* 0xB2: the SMI command row refuses the write. */
	out(0xb2, 1, 0x5a);
	assert_int_equal(nouts, 0);
	assert_non_null(strstr(logged, "refused: SMI command"));
	/* And the BAR's other ports stay refused: nothing below 0x1000 opens. */
	port_mem[0xb3] = 0x33;
	assert_int_equal(in(0xb3, 1), 0xff);
}

/* ---- the AMD FCH (a model only: no FCH boots here) */

static void test_fch_rows(void **state)
{
	(void)state;
	assert_int_equal(chip, CHIP_FCH);
	/* AcpiMmio's first page (PM, ACPI, SMI, watchdog aliases) and the
	 * watchdog's own page: read-only, and no other part may take them. */
	assert_int_equal(nro, 2);
	assert_int_equal(ro_pages[0], 0xfed80000ull);
	assert_int_equal(ro_pages[1], 0xfeb00000ull);
	assert_true(ioports_mmio_page(0xfed80300ull));
	assert_true(ioports_mmio_page(0xfeb00004ull));
	assert_false(ioports_mmio_page(0xfeb01000ull));
	assert_false(intercepted(0x408));	/* PM timer */
	assert_false(intercepted(0x400));	/* PM1 status */
	assert_false(intercepted(0x420));	/* GPE0 */
	assert_false(intercepted(0x427));
	assert_true(intercepted(0x404));	/* PM1 control */
	assert_true(intercepted(0xb0));		/* SMI command */
	assert_true(intercepted(0xcd6));
	assert_true(intercepted(0xcd7));
	assert_true(intercepted(0x410));	/* P_BLK: made, and seen */
	/* Sleep through the FCH's PM1 control: the reset path. */
	out(0x404, 2, 0x2000 | (5 << 10));
	assert_int_equal(nresets, 1);
	assert_int_equal(resets[0].port, 0x404);
	/* Its SMI command port takes no write; 0xB2 is in no row here. */
	out(0xb0, 1, 0xa0);
	out(0xb2, 1, 0xa0);
	assert_int_equal(nouts, 0);
	assert_non_null(strstr(logged, "refused: SMI command"));
	assert_non_null(strstr(logged, "at refused port 0xb2"));
	/* Q35's QEMU hotplug ports are not the FCH's. */
	assert_int_equal(in(0xcd8, 1), 0xff);
}

static void test_fch_pmio(void **state)
{
	(void)state;
	/* The guest's index is its own; reads replay it. */
	out(0xcd6, 1, 0x62);
	assert_int_equal(in(0xcd6, 1), 0x62);
	assert_int_equal(in(0xcd7, 1), 0x04);
	/* Moving PM1a control away (0x62-0x63): refused, the block stays. */
	out(0xcd7, 1, 0x00);
	out(0xcd6, 1, 0x63);
	out(0xcd7, 1, 0x0f);
	assert_int_equal(fch_pm[0x62], 0x04);
	assert_int_equal(fch_pm[0x63], 0x04);
	/* The same as one word at 0xCD6 (index 0x6a, data): refused. */
	out(0xcd6, 2, 0x006a);
	assert_int_equal(fch_pm[0x6a], 0xb0);
	/* AcpiMmio (0x24), AcpiConfig (0x74), the watchdogs (0x03, 0x48). */
	out(0xcd6, 2, 0x0024);
	out(0xcd6, 2, 0x0074);
	out(0xcd6, 2, 0x0c03);
	out(0xcd6, 2, 0x0048);
	assert_int_equal(nouts, 0);
	assert_non_null(strstr(logged, "an FCH PM register other than the SMBus port select"));
	/* Deny by default: CF9Shadow (0xC5), the watchdog's decode (0x00 bit 7). */
	out(0xcd6, 2, 0x06c5);
	out(0xcd6, 2, 0x8000);
	assert_int_equal(fch_pm[0xc5], 0);
	assert_int_equal(fch_pm[0x00], 0);
	/* The port select's own bits only: bit 0 of 0x2E is not one of them. */
	out(0xcd6, 2, 0x072e);
	assert_int_equal(fch_pm[0x2e], 0);
	/* i2c-piix4's SMBus port select (0x2E, 0x02 on Zen): made. */
	out(0xcd6, 1, 0x2e);
	out(0xcd7, 1, 0x06);
	assert_int_equal(fch_pm[0x2e], 0x06);
	out(0xcd6, 2, 0x1802);
	assert_int_equal(fch_pm[0x02], 0x18);
	assert_int_equal(in(0xcd6, 2), 0x1802);
	/* The index the hypervisor replays does not leak into the guest's. */
	fch_hw_index = 0x99;
	assert_int_equal(in(0xcd6, 1), 0x02);
	/* A dword at 0xCD4 reaches 0xCD4-0xCD5 (BIOS RAM): refused. */
	out(0xcd4, 4, 0x00620000);
	assert_int_equal(fch_pm[0x62], 0x04);
}

static void test_fch_launch_fails_closed(void **state)
{
	(void)state;
	reset_state();
	is_fch = true;
	id_140 = 0x790b1022;	/* PM1 control at 0: not set up */
	assert_int_equal(ioports_init(&npt, 0), -1);
	assert_non_null(strstr(logged, "PM1a control block is not set up"));
	reset_state();
	assert_int_equal(ioports_init(&npt, 0), -1);	/* no known chipset */
	assert_non_null(strstr(logged, "no known ACPI PM block"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unlisted_refused, setup_ich9),
		cmocka_unit_test_setup(test_ich9_rows, setup_ich9),
		cmocka_unit_test_setup(test_native_made, setup_ich9),
		cmocka_unit_test_setup(test_bars, setup_ich9),
		cmocka_unit_test_setup(test_bar_over_platform, setup_ich9),
		cmocka_unit_test_setup(test_fch_rows, setup_fch),
		cmocka_unit_test_setup(test_fch_pmio, setup_fch),
		cmocka_unit_test(test_fch_launch_fails_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
