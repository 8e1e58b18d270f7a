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
/*
 * The I/O port policy (arch/ioports.h), as one table.  Deny by default:
 * a port in no row is refused (an IN reads all ones, an OUT is dropped)
 * and logged once.  A row is native (the guest reaches the port without
 * an exit), performed (the hypervisor makes the access as the guest
 * asked: it sees each one) or handled (its handler filters, refuses or
 * turns the access into a reset).  docs/isolation-ports.md says the same,
 * port by port.
 *
 * The permission map is checked for every byte an access covers (AMD
 * APM vol. 2, "I/O Permissions Map"): a 4-byte access at P-3 exits when
 * P is intercepted, whatever the other three bytes are.  An access that
 * overlaps several rows goes to the first of them in table order, so the
 * rows that guard the platform come first, and the PCI devices' I/O BARs
 * (a row whose ports pci.c keeps current) come after every platform row.
 */
#include <arch/ioports.h>
#include <arch/x86.h>
#include <core/log.h>
#include <core/npt.h>
#include <core/pci.h>
#include <core/reset.h>
#include <core/spinlock.h>
#include <core/vcpu.h>

#ifdef XMHF_HOST_TEST
/* The unit test plays the ports (selftests/unit/test_ioports.c). */
u32 test_io_in(u16 port, unsigned int size);
void test_io_out(u16 port, unsigned int size, u32 val);
#define io_in(port, size)	test_io_in(port, size)
#define io_out(port, size, v)	test_io_out(port, size, v)
#else
static u32 io_in(u16 port, unsigned int size)
{
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void io_out(u16 port, unsigned int size, u32 v)
{
	if (size == 1)
		outb(port, (u8)v);
	else if (size == 2)
		outw(port, (u16)v);
	else
		outl(port, v);
}
#endif

struct io_access {
	struct vcpu *v;
	u16 port;
	u8 size;	/* 1, 2 or 4 */
	bool in;
	u32 val;	/* OUT: what the guest writes; IN: what it reads */
};

/*
 * Where a row's ports are: absolute, or offsets into one of the ACPI
 * blocks the launch read from the chipset (a row ends where its block
 * does), or the hypervisor's log port, or the PCI I/O BARs.
 */
enum io_base {
	IO_ABS,		/* first/last are ports */
	IO_PM,		/* ICH9/PIIX4: the whole ACPI PM block (PMBASE) */
	IO_PM1EVT,	/* PM1a status and enable */
	IO_PM1CNT,	/* PM1a control: sleep */
	IO_PMTMR,	/* the ACPI PM timer */
	IO_GPE0,	/* GPE0 status and enable */
	IO_PCNT,	/* processor control (P_BLK: throttling, C2/C3 reads) */
	IO_SMICMD,	/* the SMI command port */
	IO_NBLOCKS,
	IO_LOG = IO_NBLOCKS,	/* offsets from the hypervisor's log port */
	IO_PCIBAR,	/* 0-0xffff: only ports of an open PCI I/O BAR */
};

/* The chipsets a row exists on (a mask). */
#define CHIP_ICH9	1	/* q35's LPC bridge */
#define CHIP_PIIX4	2	/* i440fx's power management function */
#define CHIP_FCH	4	/* AMD's FCH (Hudson/Bolton, and Zen's) */
#define CHIP_ANY	7

struct io_row {
	u8 base;	/* enum io_base */
	u8 chips;	/* CHIP_* mask: where the row exists */
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
static void fch_pmio_io(struct io_access *a, unsigned int row);
static void perform_io(struct io_access *a, unsigned int row);
static void pci_bar_io(struct io_access *a, unsigned int row);

#define ALL	0, 0xffff	/* a whole block */

/* The policy.  Order matters: the first row an access overlaps decides. */
static const struct io_row io_policy[] = {
	/* Paths around the hypervisor: reset, sleep, SMI, PCI configuration. */
	{ IO_ABS, CHIP_ANY, 0xcf8, 0xcfb, pci_addr_io,
	  "PCI config address, reset control 0xCF9" },
	{ IO_ABS, CHIP_ANY, 0xcfc, 0xcff, pci_data_io, "PCI config data" },
	{ IO_ABS, CHIP_ANY, 0x92, 0x92, port92_io, "system control port A" },
	{ IO_ABS, CHIP_ANY, 0x64, 0x64, kbc_cmd_io, "keyboard controller command" },
	{ IO_PM1CNT, CHIP_ANY, ALL, pm1_cnt_io, "ACPI PM1a control" },
	{ IO_SMICMD, CHIP_ANY, ALL, deny_writes_io, "SMI command" },
	{ IO_PM, CHIP_ICH9, 0x30, 0x33, deny_writes_io, "SMI enables (SMI_EN)" },
	{ IO_PM, CHIP_ICH9, 0x68, 0x69, tco_cnt_io, "TCO watchdog control (TCO1_CNT)" },
	{ IO_LOG, CHIP_ANY, 0, 7, log_port_io, "the hypervisor's log port" },
	/* QEMU's firmware config: its DMA interface reads and writes any RAM. */
	{ IO_ABS, CHIP_ANY, 0x510, 0x51b, deny_io, "QEMU fw_cfg" },
	/* A write to TCO_DAT_IN or TCO_DAT_OUT is an SMI. */
	{ IO_PM, CHIP_ICH9, 0x62, 0x63, deny_writes_io, "TCO data in/out (SMI)" },
	/* The FCH's PM registers: where the ACPI blocks and AcpiMmio lie. */
	{ IO_ABS, CHIP_FCH, 0xcd6, 0xcd7, fch_pmio_io, "FCH PM index/data (PMIO)" },
	/*
	 * The 8237 ISA DMA controller and its page registers (0x80 aside):
	 * it writes anywhere below 16 MiB, where the hypervisor's blocks may
	 * lie, and Linux programs it only for ISA DMA devices (floppy, old
	 * sound cards), none of which a hoisted machine needs.
	 */
	{ IO_ABS, CHIP_ANY, 0x00, 0x1f, deny_io, "8237 ISA DMA controller 1" },
	{ IO_ABS, CHIP_ANY, 0x81, 0x8f, deny_io, "8237 ISA DMA page registers" },
	{ IO_ABS, CHIP_ANY, 0xc0, 0xdf, deny_io, "8237 ISA DMA controller 2" },

	/* What Linux uses often and cannot hurt the hypervisor with: native. */
	{ IO_PMTMR, CHIP_ANY, ALL, NULL, "ACPI PM timer" },
	{ IO_PM1EVT, CHIP_ANY, ALL, NULL, "ACPI PM1a status and enable" },
	{ IO_GPE0, CHIP_ANY, ALL, NULL, "ACPI GPE0 status and enable" },
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
	{ IO_ABS, CHIP_ANY, 0x3b0, 0x3df, NULL, "VGA (and LPT at 0x3BC)" },
	{ IO_ABS, CHIP_ANY, 0x1ce, 0x1cf, NULL, "Bochs VBE index/data" },
	{ IO_ABS, CHIP_ANY, 0x1f0, 0x1f7, NULL, "legacy IDE primary" },
	{ IO_ABS, CHIP_ANY, 0x3f6, 0x3f6, NULL, "legacy IDE primary control" },
	{ IO_ABS, CHIP_ANY, 0x170, 0x177, NULL, "legacy IDE secondary" },
	{ IO_ABS, CHIP_ANY, 0x376, 0x376, NULL, "legacy IDE secondary control" },
	{ IO_ABS, CHIP_ANY, 0x3f0, 0x3f5, NULL, "floppy controller" },
	{ IO_ABS, CHIP_ANY, 0x3f7, 0x3f7, NULL, "floppy controller DIR/CCR" },
	{ IO_ABS, CHIP_ANY, 0x378, 0x37f, NULL, "LPT1" },
	{ IO_ABS, CHIP_ANY, 0x278, 0x27f, NULL, "LPT2" },

	/* Made by the hypervisor: Linux needs them, the hypervisor sees them. */
	{ IO_PCNT, CHIP_ANY, ALL, perform_io, "ACPI processor control (P_BLK)" },
	/*
	 * QEMU's ACPI hotplug registers, which its AML reads at boot (CPU
	 * _STA) and on hotplug events: q35's CPU hotplug (0xCD8) and PCI
	 * hotplug (0xCC0); i440fx's PCI (0xAE00) and CPU (0xAF00) hotplug
	 * and its GPE0 block (0xAFE0).  No such ports on real chipsets.
	 */
	{ IO_ABS, CHIP_ICH9, 0xcc0, 0xcd7, perform_io, "QEMU PCI hotplug (q35)" },
	{ IO_ABS, CHIP_ICH9, 0xcd8, 0xcf7, perform_io, "QEMU CPU hotplug (q35)" },
	{ IO_ABS, CHIP_PIIX4, 0xae00, 0xae17, perform_io, "QEMU PCI hotplug (i440fx)" },
	{ IO_ABS, CHIP_PIIX4, 0xaf00, 0xaf1f, perform_io, "QEMU CPU hotplug (i440fx)" },
	{ IO_ABS, CHIP_PIIX4, 0xafe0, 0xafe3, NULL, "QEMU GPE0 (i440fx)" },

	/* The rest of the PM block is the chipset's: no BAR takes it over. */
	{ IO_PM, CHIP_ICH9 | CHIP_PIIX4, ALL, deny_io, "chipset ACPI PM block" },
	/* Last: the PCI devices' I/O BARs, as pci.c sees them now. */
	{ IO_PCIBAR, CHIP_ANY, ALL, pci_bar_io, "PCI device I/O BAR" },
};

#define NROWS	(sizeof(io_policy) / sizeof(io_policy[0]))

static struct { u16 base, len; } blk[IO_NBLOCKS];	/* len 0: none here */
static unsigned int chip;
static u16 log_port;		/* 0: the hypervisor logs to no port */
static bool warned[NROWS];	/* each row's refusals are logged once */

/* Refused ports no row names: each logged once (8 KiB), then counted. */
static u8 unlisted_seen[65536 / 8];
static u32 unlisted_ports, unlisted_refusals;
static spinlock_t io_lock;	/* the FCH index, the BAR set, the counts */

/* ---- the PCI devices' I/O BARs (kept current by pci.c) ---- */

#define IO_BARS		64

static struct io_bar {
	u16 bdf;
	u8 bar;		/* 0-5 */
	bool used;
	bool open;	/* I/O decode on, the BAR below 0x10000 */
	u16 base;
	u32 size;
	u16 launch_base;	/* where it was at launch */
	bool launch_open;
} bars[IO_BARS];

/* The ports row r covers now: false when it does not exist here. */
static bool row_ports(unsigned int r, u32 *first, u32 *last)
{
	const struct io_row *row = &io_policy[r];
	u32 b;

	if (!(row->chips & chip))
		return false;
	if (row->base == IO_ABS || row->base == IO_PCIBAR) {
		*first = row->first;
		*last = row->last;
		return true;
	}
	if (row->base == IO_LOG) {
		if (!log_port)
			return false;
		/* debugcon is one port; a COM port has eight registers. */
		*first = log_port;
		*last = log_port == 0xe9 ? log_port : log_port + row->last;
		return true;
	}
	b = row->base;
	if (!blk[b].len || row->first >= blk[b].len)
		return false;
	*first = blk[b].base + row->first;
	*last = blk[b].base + (row->last < blk[b].len ? row->last : blk[b].len - 1u);
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
	if (a->in)
		a->val = io_in(a->port, a->size);
	else
		io_out(a->port, a->size, a->val);
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
 * A port no row lists (nor an open BAR): refused.  Each such port's first
 * refusal is logged with its number ("refused port 0x..."), the rest
 * counted, so that a boot shows what Linux would have needed.
 */
static void refuse_unlisted(struct io_access *a)
{
	bool first;

	spin_lock(&io_lock);
	first = !(unlisted_seen[a->port / 8] & (1u << (a->port % 8)));
	unlisted_seen[a->port / 8] |= (u8)(1u << (a->port % 8));
	if (first)
		unlisted_ports++;
	unlisted_refusals++;
	spin_unlock(&io_lock);
	if (first)
		hv_log("xmhf: CPU %u: %s of %u byte(s) at refused port 0x%x (0x%x): in no row of the port policy; each port logged once\n",
		       a->v->index, a->in ? "IN" : "OUT", a->size, a->port,
		       a->in ? 0 : a->val & size_mask(a->size));
	a->val = a->in ? size_mask(a->size) : 0;
}

static void perform_io(struct io_access *a, unsigned int row)
{
	(void)row;
	perform(a);
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
	u32 hi = blk[IO_PM1CNT].base + 1u;
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
	u32 hi = blk[IO_PM].base + 0x69u;
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

/*
 * The FCH's PM registers, index at 0xCD6, data at 0xCD7.  The index the
 * guest wrote is kept here (one for the platform, as on the chipset) and
 * replayed with each data access under io_lock, so that no other CPU's
 * index slips in between.  Writes to the registers that place or enable
 * the ACPI blocks, AcpiMmio and the watchdog are refused; everything
 * else (i2c-piix4's SMBus port select, reads) is made.
 */
static u8 fch_index;

/*
 * The bits of FCH PM register idx the guest may change through 0xCD7:
 * only i2c-piix4's SMBus port select (PM 0x2C/0x2E bits 1-2 on SB800,
 * PM 0x02 bits 3-4 on Hudson-2/KERNCZ).  Everything else is refused: the
 * PM space places the ACPI blocks and AcpiMmio, starts the watchdogs
 * (PM 0x00 bit 7, 0x03, 0x48) and resets the platform (0xC4, 0xC5).
 */
static u8 fch_pm_writable(u8 idx)
{
	return idx == 0x02 ? 0x18 : (idx == 0x2c || idx == 0x2e) ? 0x06 : 0;
}

static void fch_pmio_io(struct io_access *a, unsigned int row)
{
	u32 p;

	if (a->port < 0xcd6 || a->port + a->size > 0xcd8u) {
		refuse(a, row, "an access beyond the index/data pair");
		return;
	}
	/* Byte by byte: a word at 0xCD6 is the index, then the data. */
	spin_lock(&io_lock);
	for (p = a->port; p < (u32)a->port + a->size; p++) {
		if (p == 0xcd6) {
			if (a->in)
				set_byte(a, p, fch_index);
			else
				fch_index = byte_of(a, p);
			continue;
		}
		io_out(0xcd6, 1, fch_index);
		if (!a->in && (!fch_pm_writable(fch_index) ||
			       ((io_in(0xcd7, 1) ^ byte_of(a, p)) & ~fch_pm_writable(fch_index)))) {
			spin_unlock(&io_lock);
			refuse(a, row, "an FCH PM register other than the SMBus port select");
			return;
		}
		if (a->in)
			set_byte(a, p, (u8)io_in(0xcd7, 1));
		else
			io_out(0xcd7, 1, byte_of(a, p));
	}
	spin_unlock(&io_lock);
}

/* The open I/O BAR that holds the whole access, under io_lock: made. */
static void pci_bar_io(struct io_access *a, unsigned int row)
{
	unsigned int i;

	(void)row;
	spin_lock(&io_lock);
	for (i = 0; i < IO_BARS; i++) {
		const struct io_bar *b = &bars[i];

		if (b->used && b->open && a->port >= b->base &&
		    (u32)a->port + a->size <= (u32)b->base + b->size) {
			perform(a);
			spin_unlock(&io_lock);
			return;
		}
	}
	spin_unlock(&io_lock);
	refuse_unlisted(a);
}

/*
 * Whether a BAR at base may be opened: I/O decode on, inside the 64 KiB
 * of port space, and either where the launch found it or at 0x1000 and
 * above.  Below 0x1000 lie the chipset's fixed ports, which a BAR moved
 * there could take over or shadow.  Platform rows come first in the
 * table anyway: a BAR over them never opens them.
 */
/*
 * Never below 0x1000, even where the launch found it: the kernel before
 * the launch may have put a BAR over Super I/O or chipset ports that no
 * row names.  In u64: a 32-bit I/O BAR near 4 GiB must not wrap.
 */
static bool bar_may_open(const struct io_bar *b, u32 base, bool io_on)
{
	return io_on && b->size && base >= 0x1000 && (u64)base + b->size <= 0x10000u;
}

static struct io_bar *bar_of(u16 bdf, unsigned int bar)
{
	unsigned int i;

	for (i = 0; i < IO_BARS; i++)
		if (bars[i].used && bars[i].bdf == bdf && bars[i].bar == bar)
			return &bars[i];
	return NULL;
}

void ioports_pci_bar_launch(u16 bdf, unsigned int bar, u32 val, u32 size, bool io_on)
{
	struct io_bar *b = NULL;
	unsigned int i;
	u32 base = val & ~3u;

	for (i = 0; i < IO_BARS && !b; i++)
		if (!bars[i].used)
			b = &bars[i];
	/* A PCI I/O BAR decodes at most 256 ports. */
	if (!b || size < 4 || size > 256 || (size & (size - 1))) {
		hv_log("xmhf: PCI %02x:%02x.%x: I/O BAR %u (0x%x, %u bytes) not tracked: its ports stay refused\n",
		       bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, bar, base, size);
		return;
	}
	spin_lock(&io_lock);
	b->used = true;
	b->bdf = bdf;
	b->bar = (u8)bar;
	b->size = size;
	b->launch_base = (u16)base;
	b->launch_open = (u64)base + size <= 0x10000u;
	b->base = (u16)base;
	b->open = bar_may_open(b, base, io_on);
	spin_unlock(&io_lock);
	hv_log("xmhf: PCI %02x:%02x.%x: I/O BAR %u at 0x%x, %u ports: %s\n",
	       bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, bar, base, size,
	       b->open ? "open" : "closed (I/O decode off, or beyond 64 KiB)");
}

bool ioports_pci_bars_close(u16 bdf)
{
	unsigned int i;
	bool any = false;

	spin_lock(&io_lock);
	for (i = 0; i < IO_BARS; i++) {
		if (bars[i].used && bars[i].bdf == bdf) {
			bars[i].open = false;
			any = true;
		}
	}
	spin_unlock(&io_lock);
	return any;
}

void ioports_pci_bar_update(u16 bdf, unsigned int bar, u32 val, bool io_on)
{
	struct io_bar *b;
	u32 base = val & ~3u;
	bool was;

	spin_lock(&io_lock);
	b = bar_of(bdf, bar);
	if (!b) {
		spin_unlock(&io_lock);
		return;
	}
	was = b->base == (u16)base;
	b->base = (u16)base;
	b->open = bar_may_open(b, base, io_on);
	spin_unlock(&io_lock);
	if (!was && (val & 1) && (u64)base + b->size <= 0x10000u)
		hv_log("xmhf: PCI %02x:%02x.%x: I/O BAR %u moved to 0x%x: %s\n",
		       bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, bar, base,
		       b->open ? "open" : io_on ? "refused (below 0x1000)" : "closed");
}

/* The first row that covers port, or NROWS. */
static unsigned int first_row(u32 port)
{
	unsigned int r;
	u32 first, last;

	for (r = 0; r < NROWS; r++)
		if (row_ports(r, &first, &last) && port >= first && port <= last)
			return r;
	return NROWS;
}

/* Every port of the access lies in row r's ports. */
static bool inside(const struct io_access *a, unsigned int r)
{
	u32 first, last;

	return io_policy[r].base == IO_PCIBAR ||
	       (row_ports(r, &first, &last) && a->port >= first &&
		(u32)a->port + a->size - 1 <= last);
}

void ioports_access(struct vcpu *v, u16 port, unsigned int size, bool in, u32 *val)
{
	struct io_access a = { v, port, (u8)size, in, *val & size_mask(size) };
	unsigned int r, f;
	u32 first, last, p;
	bool native = true;

	/* Natively reached by policy: here only for a hypapp's subscription. */
	for (p = port; p < (u32)port + size && native; p++) {
		f = first_row(p);
		native = f < NROWS && !io_policy[f].handle;
	}
	if (native) {
		perform(&a);
		*val = a.val & size_mask(size);
		return;
	}
	for (r = 0; r < NROWS; r++) {
		if (!io_policy[r].handle || !row_ports(r, &first, &last))
			continue;
		if (last >= port && first < (u32)port + size)
			break;
	}
	/*
	 * The deciding row's handler sees only accesses inside its ports
	 * (0xCF8-0xCFB and the FCH pair look at each byte themselves); one
	 * that reaches past them is refused whole.
	 */
	if (r < NROWS && (inside(&a, r) || io_policy[r].handle == pci_addr_io ||
			  io_policy[r].handle == fch_pmio_io))
		io_policy[r].handle(&a, r);
	else if (r < NROWS)
		refuse(&a, r, "an access reaching past the row's ports");
	else
		refuse_unlisted(&a);
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

/* Each port takes its first row's policy: native or intercepted. */
void ioports_fill_map(u8 *map, size_t len)
{
	unsigned int r;
	u32 first, last;
	size_t i;

	for (i = 0; i < len; i++)
		map[i] = 0xff;
	for (r = NROWS; r-- > 0;)
		if (row_ports(r, &first, &last))
			set_bits(map, len, first, last, io_policy[r].handle != NULL);
}

#ifndef XMHF_HOST_TEST
/* Configuration dword of 00:dev.fn through 0xCF8 (the guest is not running). */
static u32 pci_read_boot(unsigned int dev, unsigned int fn, unsigned int reg)
{
	u32 saved = inl(0xcf8), val;

	outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	val = inl(0xcfc);
	outl(0xcf8, saved);
	return val;
}
#else
u32 test_pci_read_boot(unsigned int dev, unsigned int fn, unsigned int reg);
#define pci_read_boot(dev, fn, reg)	test_pci_read_boot(dev, fn, reg)
#endif

static void set_blk(enum io_base b, u32 base, u16 len)
{
	/* A block the chipset does not decode (0) or past 64 KiB: none. */
	if (!base || base + len > 0x10000u)
		len = 0;
	blk[b].base = (u16)base;
	blk[b].len = len;
}

/* One byte of the FCH's PM registers (the guest is not running). */
static u8 fch_pm_read(u8 idx)
{
	io_out(0xcd6, 1, idx);
	return (u8)io_in(0xcd7, 1);
}

static u16 fch_pm_read16(u8 idx)
{
	return (u16)(fch_pm_read(idx) | fch_pm_read(idx + 1) << 8);
}

/* AMD FCH: the SMBus function 00:14.0 or the LPC bridge 00:14.3. */
static bool fch_present(void)
{
	u32 smb = pci_read_boot(0x14, 0, 0), lpc = pci_read_boot(0x14, 3, 0);

	return smb == 0x780b1022 || smb == 0x790b1022 ||
	       lpc == 0x780e1022 || lpc == 0x790e1022;
}

#define FCH_ACPI_MMIO	0xfed80000ull	/* its first page: SMI, PM, ACPI, WDT */
#define FCH_WDT_MMIO	0xfeb00000ull	/* the watchdog's own decode (PM 0x00 bit 7) */

static const char *const chip_name[] = {
	[CHIP_ICH9] = "ICH9", [CHIP_PIIX4] = "PIIX4", [CHIP_FCH] = "AMD FCH",
};

int ioports_init(struct npt *npt, u16 port)
{
	u32 pm;

	log_port = port;
	if (pci_read_boot(0x1f, 0, 0) == 0x29188086) {		/* ICH9 LPC */
		chip = CHIP_ICH9;
		pm = pci_read_boot(0x1f, 0, 0x40) & 0xff80;
		set_blk(IO_PM, pm, 0x80);
		set_blk(IO_GPE0, pm ? pm + 0x20 : 0, 0x10);
		set_blk(IO_PCNT, pm ? pm + 0x10 : 0, 6);
	} else if (pci_read_boot(1, 3, 0) == 0x71138086) {	/* PIIX4 PM */
		chip = CHIP_PIIX4;
		pm = pci_read_boot(1, 3, 0x40) & 0xffc0;
		set_blk(IO_PM, pm, 0x40);
		set_blk(IO_GPE0, pm ? pm + 0x0c : 0, 4);
		set_blk(IO_PCNT, pm ? pm + 0x10 : 0, 6);
	} else if (fch_present()) {
		chip = CHIP_FCH;
		pm = 0;
		/* The ACPI blocks' addresses, in the PM registers 0x60-0x6B. */
		set_blk(IO_PM1EVT, fch_pm_read16(0x60), 4);
		set_blk(IO_PM1CNT, fch_pm_read16(0x62), 2);
		set_blk(IO_PMTMR, fch_pm_read16(0x64), 4);
		set_blk(IO_PCNT, fch_pm_read16(0x66), 6);
		set_blk(IO_GPE0, fch_pm_read16(0x68), 8);
		set_blk(IO_SMICMD, fch_pm_read16(0x6a), 1);
	} else {
		hv_log("xmhf: no known ACPI PM block (the chipset is not ICH9, PIIX4 or an AMD FCH): the sleep port cannot be guarded\n");
		return -1;
	}
	if (chip != CHIP_FCH) {
		set_blk(IO_PM1EVT, pm, 4);
		set_blk(IO_PM1CNT, pm ? pm + 4 : 0, 2);
		set_blk(IO_PMTMR, pm ? pm + 8 : 0, 4);
		set_blk(IO_SMICMD, 0xb2, 1);	/* APM_CNT, fixed on both */
	}
	if (!blk[IO_PM1CNT].len) {
		hv_log("xmhf: %s: the ACPI PM1a control block is not set up: the sleep port cannot be guarded\n",
		       chip_name[chip]);
		return -1;
	}
	/* A20 on, whatever the kernel before the launch left (bit 0: no reset). */
	io_out(0x92, 1, (io_in(0x92, 1) & ~1u) | 2);
	/* A watchdog left running would reset the platform past us: halt it. */
	if (chip == CHIP_ICH9 && !(io_in(pm + 0x68, 2) & 0x800)) {
		io_out(pm + 0x68, 2, io_in(pm + 0x68, 2) | 0x800);
		hv_log("xmhf: the TCO watchdog was running: halted\n");
	}
	/*
	 * The FCH's AcpiMmio page aliases the PM registers (+0x300), the
	 * ACPI blocks (+0x800), the SMI controls (+0x200) and the watchdog
	 * (+0xB00): read-only to the guest, a store there gets #GP.
	 */
	if (chip == CHIP_FCH && (npt_set_4k(npt, FCH_ACPI_MMIO, true, false) ||
				 npt_set_4k(npt, FCH_WDT_MMIO, true, false))) {
		hv_log("xmhf: AMD FCH: cannot write-protect AcpiMmio at 0x%lx or the watchdog at 0x%lx\n",
		       (unsigned long)FCH_ACPI_MMIO, (unsigned long)FCH_WDT_MMIO);
		return -1;
	}
	hv_log("xmhf: I/O ports: %s, PM1a control at 0x%x, SMI command at 0x%x, %u policy rows; every port in no row refused\n",
	       chip_name[chip], blk[IO_PM1CNT].base, blk[IO_SMICMD].base, (unsigned int)NROWS);
	return 0;
}

/*
 * Chipset pages the port policy keeps read-only: no other part may take
 * one over (an MSI-X table moved there, a hypercall buffer).  AcpiMmio's
 * page always (on other platforms the AMD IOMMU's registers lie there);
 * the FCH watchdog's once the launch has found an FCH.
 */
bool ioports_mmio_page(u64 gpa)
{
	u64 pg = gpa & ~0xfffull;

	return pg == FCH_ACPI_MMIO || (chip == CHIP_FCH && pg == FCH_WDT_MMIO);
}
