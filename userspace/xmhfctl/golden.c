// SPDX-License-Identifier: GPL-2.0
/* Golden PCR17 values and the verdict of `xmhfctl verify` (see golden.h). */
#include <stdio.h>
#include <string.h>

#include "golden.h"

static const struct {
	const char *name;
	size_t size;
} bank_info[GOLDEN_BANKS] = {
	[GOLDEN_SHA1] = { "sha1", 20 },
	[GOLDEN_SHA256] = { "sha256", 32 },
};

size_t golden_bank_size(enum golden_bank b)
{
	return bank_info[b].size;
}

const char *golden_bank_name(enum golden_bank b)
{
	return bank_info[b].name;
}

int golden_bank_from_name(const char *name)
{
	int b;

	for (b = 0; b < GOLDEN_BANKS; b++)
		if (!strcmp(name, bank_info[b].name))
			return b;
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *s, uint8_t *out, size_t max, size_t *outlen)
{
	size_t n = strlen(s), i;

	if (!n || n % 2 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return 0;
}

void hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

#define MAX_FIELDS 4

/* Splits line (modified in place) at blanks; returns the number of fields,
 * at most MAX_FIELDS + 1 (more means "too many"). */
static int split(char *line, char **f)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			return n;
		if (n > MAX_FIELDS)
			return n;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static int fail(char *err, size_t errlen, unsigned int line, const char *what,
		const char *arg)
{
	if (err && errlen)
		snprintf(err, errlen, "line %u: %s%s%s%s", line, what,
			 arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return -1;
}

int golden_parse(const char *text, size_t len, struct golden *g,
		 char *err, size_t errlen)
{
	char buf[512], *f[MAX_FIELDS + 1];
	unsigned int lineno = 0;
	size_t pos = 0;
	bool any = false;

	memset(g, 0, sizeof(*g));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - text) : len) - pos;
		int nf, kind, bank;

		lineno++;
		if (n >= sizeof(buf))
			return fail(err, errlen, lineno, "line too long", NULL);
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += n + 1;
		if (strlen(buf) != n)
			return fail(err, errlen, lineno, "NUL byte: not a text file", NULL);

		nf = split(buf, f);
		if (!nf || f[0][0] == '#')
			continue;
		if (!strcmp(f[0], "build_id")) {
			if (nf != 2)
				return fail(err, errlen, lineno, "want 'build_id ID'", NULL);
			snprintf(g->build_id, sizeof(g->build_id), "%s", f[1]);
			continue;
		}
		if (!strcmp(f[0], "drtm"))
			kind = GOLDEN_DRTM;
		else if (!strcmp(f[0], "emulated"))
			kind = GOLDEN_EMULATED;
		else if (!strcmp(f[0], "drtm-unloaded"))
			kind = GOLDEN_DRTM_UNLOADED;
		else if (!strcmp(f[0], "emulated-unloaded"))
			kind = GOLDEN_EMULATED_UNLOADED;
		else if (!strcmp(f[0], "slb") || !strcmp(f[0], "runtime"))
			kind = -1;	/* the component hashes: checked, not kept */
		else
			continue;	/* a line a later format added */
		if (nf != 3)
			return fail(err, errlen, lineno,
				    "want three fields (KIND BANK HEX) on a line starting with", f[0]);
		bank = golden_bank_from_name(f[1]);
		if (bank < 0)
			return fail(err, errlen, lineno, "unknown bank (sha1 or sha256)", f[1]);
		if (strlen(f[2]) != 2 * bank_info[bank].size) {
			char what[64];

			snprintf(what, sizeof(what), "a %s value has %zu hex digits, not",
				 bank_info[bank].name, 2 * bank_info[bank].size);
			return fail(err, errlen, lineno, what, f[2]);
		}
		{
			uint8_t v[GOLDEN_MAX_DIGEST];
			size_t got;

			if (hex_decode(f[2], v, sizeof(v), &got))
				return fail(err, errlen, lineno, "not hex", f[2]);
			if (kind < 0)
				continue;
			if (g->have[kind][bank])
				return fail(err, errlen, lineno, "repeated value for", f[0]);
			memcpy(g->value[kind][bank], v, got);
			g->have[kind][bank] = true;
			if (kind == GOLDEN_DRTM || kind == GOLDEN_EMULATED)
				any = true;
		}
	}
	if (!any) {
		if (err && errlen)
			snprintf(err, errlen, "no 'drtm' or 'emulated' PCR17 values");
		return -1;
	}
	return 0;
}

static bool all_bytes(const uint8_t *v, size_t n, uint8_t c)
{
	while (n--)
		if (*v++ != c)
			return false;
	return true;
}

static int matches(const struct golden *g, const struct pcr17 *p, int kind)
{
	int b, compared = 0;

	for (b = 0; b < GOLDEN_BANKS; b++) {
		if (!p->have[b] || !g->have[kind][b])
			continue;
		if (memcmp(p->value[b], g->value[kind][b], bank_info[b].size))
			return -1;
		compared++;
	}
	return compared;
}

int golden_comparable_banks(const struct golden *g, const struct pcr17 *p)
{
	int b, n = 0;

	for (b = 0; b < GOLDEN_BANKS; b++)
		if (p->have[b] && (g->have[GOLDEN_DRTM][b] || g->have[GOLDEN_EMULATED][b]))
			n++;
	return n;
}

enum verdict golden_verdict(const struct golden *g, const struct pcr17 *p)
{
	bool any = false, post_boot = true;
	int b;

	for (b = 0; b < GOLDEN_BANKS; b++) {
		if (!p->have[b])
			continue;
		any = true;
		if (!all_bytes(p->value[b], bank_info[b].size, 0xff) &&
		    !all_bytes(p->value[b], bank_info[b].size, 0x00))
			post_boot = false;
	}
	if (!any)
		return VERDICT_UNKNOWN;
	if (post_boot)
		return VERDICT_NOT_PRESENT;
	if (matches(g, p, GOLDEN_DRTM) > 0)
		return VERDICT_DRTM;
	if (matches(g, p, GOLDEN_EMULATED) > 0)
		return VERDICT_EMULATED;
	if (matches(g, p, GOLDEN_DRTM_UNLOADED) > 0 || matches(g, p, GOLDEN_EMULATED_UNLOADED) > 0)
		return VERDICT_UNLOADED;
	return VERDICT_UNKNOWN;
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_DRTM:
		return "drtm";
	case VERDICT_EMULATED:
		return "emulated";
	case VERDICT_NOT_PRESENT:
		return "not_present";
	case VERDICT_UNLOADED:
		return "unloaded";
	default:
		return "unknown";
	}
}

const char *verdict_text(enum verdict v)
{
	switch (v) {
	case VERDICT_DRTM:
		return "hypervisor present: launched by DRTM";
	case VERDICT_EMULATED:
		return "hypervisor present: emulated launch";
	case VERDICT_NOT_PRESENT:
		return "hypervisor not present (PCR17 is the post-boot value FF..FF or 00..00)";
	case VERDICT_UNLOADED:
		return "hypervisor not present (unloaded: PCR17 holds a launch and the unload marker)";
	default:
		return "unknown measurement: PCR17 matches no golden value "
		       "(another or a modified hypervisor, or a second launch in this boot)";
	}
}

bool verdict_present(enum verdict v)
{
	return v == VERDICT_DRTM || v == VERDICT_EMULATED;
}

int verdict_exit_code(enum verdict v)
{
	return verdict_present(v) ? 0 : EXIT_NOT_PRESENT;
}
