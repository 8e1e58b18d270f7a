// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O port policy (arch/ioports.h), as one table: every port that is
 * not in a "native" row is intercepted.  A port in a row with a handler
 * goes to that handler; any other intercepted port is performed by the
 * hypervisor itself, as the guest asked, so that it sees every access.
 * docs/isolation-ports.md says the same, port by port.
 *
 * The permission map is checked for every byte an access covers (AMD
 * APM vol. 2, "I/O Permissions Map"): a 4-byte access at P-3 exits when
 * P is intercepted, whatever the other three bytes are.  An access that
 * overlaps several rows goes to the first of them in table order, so the
 * rows that guard the platform come first.
 */
#include <arch/ioports.h>
#include <arch/x86.h>
#include <core/log.h>
#include <core/pci.h>
#include <core/reset.h>
#include <core/vcpu.h>

struct io_access {
	struct vcpu *v;
	u16 port;
	u8 size;	/* 1, 2 or 4 */
	bool in;
	u32 val;	/* OUT: what the guest writes; IN: what it reads */
};

enum io_base {
	IO_ABS,		/* first/last are ports */
	IO_PM,		/* offsets into the chipset's ACPI PM block */
	IO_LOG,		/* offsets from the hypervisor's log port */
};

#define CHIP_ANY	0
#define CHIP_ICH9	1	/* q35's LPC bridge */
#define CHIP_PIIX4	2	/* i440fx's power management function */

struct io_row {
	u8 base;	/* enum io_base */
	u8 chip;	/* CHIP_ANY or the one chipset the row exists on */
	u16 first, last;
	/* NULL: the guest reaches these ports natively. */
	void (*handle)(struct io_access *a, unsigned int row);
	const char *what;
};

static void pci_addr_io(struct io_access *a, unsigned int row);
static void pci_data_io(struct io_access *a, unsigned int row);
static void port92_io(struct io_access *a, unsigned int row);
static void kbc_cmd_io(struct io_access *a, unsigned int row);
static void pm1_cnt_io(struct io_access *a, unsigned int row);
static void deny_writes_io(struct io_access *a, unsigned int row);
static void tco_cnt_io(struct io_access *a, unsigned int row);
static void log_port_io(struct io_access *a, unsigned int row);
static void deny_io(struct io_access *a, unsigned int row);

/* The policy.  Order matters: the first row an access overlaps decides. */
static const struct io_row io_policy[] = {
	/* Paths around the hypervisor: reset, sleep, SMI, PCI configuration. */
	{ IO_ABS, CHIP_ANY, 0xcf8, 0xcfb, pci_addr_io,
	  "PCI config address, reset control 0xCF9" },
	{ IO_ABS, CHIP_ANY, 0xcfc, 0xcff, pci_data_io, "PCI config data" },
	{ IO_ABS, CHIP_ANY, 0x92, 0x92, port92_io, "system control port A" },
	{ IO_ABS, CHIP_ANY, 0x64, 0x64, kbc_cmd_io, "keyboard controller command" },
	{ IO_PM, CHIP_ANY, 0x04, 0x05, pm1_cnt_io, "ACPI PM1a control" },
	{ IO_ABS, CHIP_ANY, 0xb2, 0xb2, deny_writes_io, "SMI command (APM_CNT)" },
	{ IO_PM, CHIP_ICH9, 0x30, 0x33, deny_writes_io, "SMI enables (SMI_EN)" },
	{ IO_PM, CHIP_ICH9, 0x68, 0x69, tco_cnt_io, "TCO watchdog control (TCO1_CNT)" },
	{ IO_LOG, CHIP_ANY, 0, 7, log_port_io, "the hypervisor's log port" },
	/* QEMU's firmware config: its DMA interface reads and writes any RAM. */
	{ IO_ABS, CHIP_ANY, 0x510, 0x51b, deny_io, "QEMU fw_cfg" },
	/* A write to TCO_DAT_IN or TCO_DAT_OUT is an SMI. */
	{ IO_PM, CHIP_ICH9, 0x62, 0x63, deny_writes_io, "TCO data in/out (SMI)" },

	/* What Linux uses often and cannot hurt the hypervisor with. */
	{ IO_PM, CHIP_ANY, 0x08, 0x0b, NULL, "ACPI PM timer" },
	{ IO_ABS, CHIP_ANY, 0x20, 0x21, NULL, "PIC 1" },
	{ IO_ABS, CHIP_ANY, 0xa0, 0xa1, NULL, "PIC 2" },
	{ IO_ABS, CHIP_ANY, 0x4d0, 0x4d1, NULL, "PIC edge/level control" },
	{ IO_ABS, CHIP_ANY, 0x40, 0x43, NULL, "PIT" },
	{ IO_ABS, CHIP_ANY, 0x61, 0x61, NULL, "NMI status and control, PIT gate" },
	{ IO_ABS, CHIP_ANY, 0x60, 0x60, NULL, "keyboard controller data" },
	{ IO_ABS, CHIP_ANY, 0x70, 0x71, NULL, "RTC/CMOS index and data" },
	{ IO_ABS, CHIP_ANY, 0x80, 0x80, NULL, "POST code (Linux's I/O delay)" },
	{ IO_ABS, CHIP_ANY, 0x3f8, 0x3ff, NULL, "COM1" },
	{ IO_ABS, CHIP_ANY, 0x2f8, 0x2ff, NULL, "COM2" },
	{ IO_ABS, CHIP_ANY, 0x3e8, 0x3ef, NULL, "COM3" },
	{ IO_ABS, CHIP_ANY, 0x2e8, 0x2ef, NULL, "COM4" },
};

#define NROWS	(sizeof(io_policy) / sizeof(io_policy[0]))

static u16 pm_base;		/* the ACPI PM block; never 0 after init */
static unsigned int chip;
static u16 log_port;		/* 0: the hypervisor logs to no port */
static bool warned[NROWS];	/* each row's refusals are logged once */

/* The ports row r covers now: false when it does not exist here. */
static bool row_ports(unsigned int r, u32 *first, u32 *last)
{
	const struct io_row *row = &io_policy[r];
	u32 base = 0;

	if (row->chip != CHIP_ANY && row->chip != chip)
		return false;
	if (row->base == IO_PM) {
		base = pm_base;
	} else if (row->base == IO_LOG) {
		if (!log_port)
			return false;
		base = log_port;
		/* debugcon is one port; a COM port has eight registers. */
		*first = base;
		*last = log_port == 0xe9 ? base : base + row->last;
		return true;
	}
	*first = base + row->first;
	*last = base + row->last;
	return true;
}

static u32 size_mask(unsigned int size)
{
	return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
}

static bool covers(const struct io_access *a, u32 port)
{
	return port >= a->port && port < (u32)a->port + a->size;
}

/* The byte the access carries for port (which it covers). */
static u8 byte_of(const struct io_access *a, u32 port)
{
	return (u8)(a->val >> (8 * (port - a->port)));
}

static void set_byte(struct io_access *a, u32 port, u8 b)
{
	unsigned int sh = 8 * (port - a->port);

	a->val = (a->val & ~(0xffu << sh)) | (u32)b << sh;
}

/* The access, on the hardware, as the guest made it. */
static void perform(struct io_access *a)
{
	if (a->in) {
		a->val = a->size == 1 ? inb(a->port) : a->size == 2 ? inw(a->port) : inl(a->port);
	} else if (a->size == 1) {
		outb(a->port, (u8)a->val);
	} else if (a->size == 2) {
		outw(a->port, (u16)a->val);
	} else {
		outl(a->port, a->val);
	}
}

/* Refused: an OUT is dropped, an IN reads all ones (nothing there). */
static void refuse(struct io_access *a, unsigned int row, const char *why)
{
	if (!warned[row]) {
		warned[row] = true;
		hv_log("xmhf: CPU %u: %s of %u byte(s) at port 0x%x (0x%x) refused: %s (%s); logged once\n",
		       a->v->index, a->in ? "IN" : "OUT", a->size, a->port,
		       a->in ? 0 : a->val & size_mask(a->size), io_policy[row].what, why);
	}
	a->val = a->in ? size_mask(a->size) : 0;
}

/*
 * Reset or sleep: the guest's OUT is made only after the hypervisor has
 * scrubbed itself.  When it comes back, the access is dropped.
 */
static void reset_path(struct io_access *a, unsigned int row, const char *why)
{
	hv_reset_platform(a->v, a->port, a->size, a->val & size_mask(a->size), why);
	refuse(a, row, "the reset was not made");
}

/*
 * 0xCF8-0xCFB: the PCI address register takes 4-byte accesses at 0xCF8;
 * the byte at 0xCF9 is the reset control register on its own.  Any other
 * access that touches 0xCF9 is refused (its bytes could reach it).
 */
static void pci_addr_io(struct io_access *a, unsigned int row)
{
	u8 rcr;

	if (!covers(a, 0xcf9) || (a->port == 0xcf8 && a->size == 4)) {
		pci_data_io(a, row);
		return;
	}
	if (a->port != 0xcf9 || a->size != 1) {
		refuse(a, row, "an access of another width over 0xCF9");
		return;
	}
	rcr = byte_of(a, 0xcf9);
	if (!a->in && (rcr & 4))	/* RST_CPU: the reset itself */
		reset_path(a, row, "reset control register 0xCF9");
	else
		perform(a);		/* the reset type (bits 1, 3), or a read */
}

static void deny_io(struct io_access *a, unsigned int row)
{
	refuse(a, row, "denied");
}

static void pci_data_io(struct io_access *a, unsigned int row)
{
	if (!pci_cfg_io(a->v, a->port, a->size, a->in, &a->val))
		refuse(a, row, "PCI configuration filter");
}

/*
 * Port A: bit 0 is a fast reset, bit 1 the A20 gate.  A20 stays on: with
 * it off the CPU drops address bit 20 everywhere, nested walks included,
 * so guest stores would alias the APIC and the hypervisor its own pages.
 */
static void port92_io(struct io_access *a, unsigned int row)
{
	if (!a->in && (byte_of(a, 0x92) & 1))
		reset_path(a, row, "port 0x92 fast reset");
	else if (!a->in && !(byte_of(a, 0x92) & 2))
		refuse(a, row, "A20 off refused");
	else
		perform(a);
}

/*
 * The 8042's command port: commands 0xF0-0xFF pulse its output lines,
 * an even one the reset line (0xFE is the one Linux uses); 0xD1 writes
 * the whole output port, whose bit 0 is the reset line, through 0x60
 * (which the guest reaches natively), so it is refused; 0xDD turns A20
 * off (see port92_io()).
 */
static void kbc_cmd_io(struct io_access *a, unsigned int row)
{
	u8 cmd = byte_of(a, 0x64);

	if (a->in)
		perform(a);
	else if ((cmd & 0xf0) == 0xf0 && !(cmd & 1))
		reset_path(a, row, "keyboard controller reset pulse");
	else if (cmd == 0xd1)
		refuse(a, row, "write output port (reset line) refused");
	else if (cmd == 0xdd)
		refuse(a, row, "A20 off refused");
	else
		perform(a);
}

/*
 * PM1a_CNT: SLP_EN (bit 13) with SLP_TYP (bits 10-12) enters a sleep
 * state, S5 (power-off) among them.  Whatever the state, the hypervisor
 * scrubs itself first: S3 would resume at the OS waking vector natively,
 * and an S5 or S4 machine keeps DRAM a moment too.
 */
static void pm1_cnt_io(struct io_access *a, unsigned int row)
{
	static const char *const typ[8] = {
		"ACPI sleep, SLP_TYP 0", "ACPI sleep, SLP_TYP 1", "ACPI sleep, SLP_TYP 2",
		"ACPI sleep, SLP_TYP 3", "ACPI sleep, SLP_TYP 4", "ACPI sleep, SLP_TYP 5",
		"ACPI sleep, SLP_TYP 6", "ACPI sleep, SLP_TYP 7",
	};
	u32 hi = pm_base + 5;
	u8 b;

	if (a->in || !covers(a, hi)) {
		perform(a);
		return;
	}
	b = byte_of(a, hi);
	if (b & 0x20)
		reset_path(a, row, typ[(b >> 2) & 7]);
	else
		perform(a);
}

static void deny_writes_io(struct io_access *a, unsigned int row)
{
	if (a->in)
		perform(a);
	else
		refuse(a, row, "no guest writes");
}

/*
 * TCO1_CNT: clearing TCO_TMR_HLT (bit 11) starts the watchdog, whose
 * second timeout resets the platform behind the hypervisor's back.  The
 * bit is kept set; the rest of the write goes through.
 */
static void tco_cnt_io(struct io_access *a, unsigned int row)
{
	u32 hi = pm_base + 0x69;
	u8 b;

	if (!a->in && covers(a, hi) && !((b = byte_of(a, hi)) & 0x08)) {
		set_byte(a, hi, b | 0x08);
		if (!warned[row]) {
			warned[row] = true;
			hv_log("xmhf: CPU %u: the TCO watchdog stays halted (TCO1_CNT write 0x%x); logged once\n",
			       a->v->index, a->val & size_mask(a->size));
		}
	}
	perform(a);
}

/*
 * The hypervisor's own log: debugcon is the hypervisor's alone (the
 * guest could forge its lines).  A COM port given as the log port is
 * the guest's console as well: the hypervisor makes those accesses.
 */
static void log_port_io(struct io_access *a, unsigned int row)
{
	if (log_port == 0xe9)
		refuse(a, row, "the hypervisor's log");
	else
		perform(a);
}

void ioports_access(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val)
{
	struct io_access a = { v, port, (u8)size, in, *val & size_mask(size) };
	unsigned int r;
	u32 first, last;

	for (r = 0; r < NROWS; r++) {
		if (!io_policy[r].handle || !row_ports(r, &first, &last))
			continue;
		if (last >= port && first < (u32)port + size)
			break;
	}
	if (r < NROWS)
		io_policy[r].handle(&a, r);
	else
		perform(&a);	/* not the platform's: seen, then made */
	*val = a.val & size_mask(size);
}

static void set_bits(u8 *map, size_t len, u32 first, u32 last, bool on)
{
	u32 p;

	for (p = first; p <= last && p / 8 < len; p++) {
		if (on)
			map[p / 8] |= (u8)(1u << (p % 8));
		else
			map[p / 8] &= (u8)~(1u << (p % 8));
	}
}

void ioports_fill_map(u8 *map, size_t len)
{
	unsigned int r;
	u32 first, last;
	size_t i;

	for (i = 0; i < len; i++)
		map[i] = 0xff;
	for (r = 0; r < NROWS; r++)
		if (!io_policy[r].handle && row_ports(r, &first, &last))
			set_bits(map, len, first, last, false);
	/* A handler's port stays intercepted whatever native row overlaps it. */
	for (r = 0; r < NROWS; r++)
		if (io_policy[r].handle && row_ports(r, &first, &last))
			set_bits(map, len, first, last, true);
}

/* Configuration dword of 00:dev.fn through 0xCF8 (the guest is not running). */
static u32 pci_read_boot(unsigned int dev, unsigned int fn, unsigned int reg)
{
	u32 saved = inl(0xcf8), val;

	outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	val = inl(0xcfc);
	outl(0xcf8, saved);
	return val;
}

int ioports_init(u16 port)
{
	log_port = port;
	if (pci_read_boot(0x1f, 0, 0) == 0x29188086) {		/* ICH9 LPC */
		chip = CHIP_ICH9;
		pm_base = (u16)(pci_read_boot(0x1f, 0, 0x40) & 0xff80);
	} else if (pci_read_boot(1, 3, 0) == 0x71138086) {	/* PIIX4 PM */
		chip = CHIP_PIIX4;
		pm_base = (u16)(pci_read_boot(1, 3, 0x40) & 0xffc0);
	}
	if (!pm_base) {
		hv_log("xmhf: no ACPI PM block found (chipset not ICH9 or PIIX4, or PMBASE unset): the sleep port cannot be guarded\n");
		return -1;
	}
	/* A20 on, whatever the kernel before the launch left (bit 0: no reset). */
	outb(0x92, (u8)((inb(0x92) & ~1) | 2));
	/* A watchdog left running would reset the platform past us: halt it. */
	if (chip == CHIP_ICH9 && !(inw(pm_base + 0x68) & 0x800)) {
		outw(pm_base + 0x68, inw(pm_base + 0x68) | 0x800);
		hv_log("xmhf: the TCO watchdog was running: halted\n");
	}
	hv_log("xmhf: I/O ports: %s ACPI PM block at 0x%x, %u policy rows; everything else intercepted\n",
	       chip == CHIP_ICH9 ? "ICH9" : "PIIX4", pm_base, (unsigned int)NROWS);
	return 0;
}
