/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Golden PCR17 values and the verdict of `xmhfctl verify`: pure functions,
 * no TPM and no OpenSSL, so the host unit tests can drive them
 * (selftests/unit/test_golden.c).
 */
#ifndef XMHFCTL_GOLDEN_H
#define XMHFCTL_GOLDEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the build installs the golden values, next to the blob. */
#define GOLDEN_DEFAULT_PATH "/lib/firmware/xmhf/xmhf.golden"

/* `xmhfctl verify` exits with this when the quote is good but shows no
 * known hypervisor (not present, or an unknown measurement). */
#define EXIT_NOT_PRESENT 3

#define GOLDEN_MAX_DIGEST 32

enum golden_bank { GOLDEN_SHA1, GOLDEN_SHA256, GOLDEN_BANKS };
enum golden_kind {
	GOLDEN_DRTM,			/* "drtm": after a DRTM launch */
	GOLDEN_EMULATED,		/* "emulated": after an emulated launch */
	GOLDEN_DRTM_UNLOADED,		/* "drtm-unloaded": then the unload marker */
	GOLDEN_EMULATED_UNLOADED,	/* "emulated-unloaded" */
	GOLDEN_KINDS
};

struct golden {
	bool have[GOLDEN_KINDS][GOLDEN_BANKS];
	uint8_t value[GOLDEN_KINDS][GOLDEN_BANKS][GOLDEN_MAX_DIGEST];
	char build_id[128];
};

/* PCR17 as the quote shows it, per bank (a bank may be missing). */
struct pcr17 {
	bool have[GOLDEN_BANKS];
	uint8_t value[GOLDEN_BANKS][GOLDEN_MAX_DIGEST];
};

enum verdict {
	VERDICT_DRTM,		/* a golden DRTM value */
	VERDICT_EMULATED,	/* a golden emulated-launch value */
	VERDICT_NOT_PRESENT,	/* every bank is all-FF or all-00 */
	VERDICT_UNLOADED,	/* a golden launch, then the unload marker */
	VERDICT_UNKNOWN,	/* anything else */
};

size_t golden_bank_size(enum golden_bank b);
const char *golden_bank_name(enum golden_bank b);
/* "sha1" or "sha256" -> bank; -1 for anything else. */
int golden_bank_from_name(const char *name);

/*
 * Parses an xmhf.golden file (as userspace/tools/xmhf-golden writes it):
 *   # comment
 *   build_id ID
 *   (slb|runtime|drtm|emulated|drtm-unloaded|emulated-unloaded) (sha1|sha256) HEX
 * Blank lines and comments are skipped. Lines with another first word are
 * ignored, so a later format can add lines; a known line with a bad bank,
 * a digest of the wrong length, missing or extra fields, or a repeated
 * value is an error. At least one drtm or emulated value is required.
 * Returns 0, or -1 with a message (that names the line) in err.
 */
int golden_parse(const char *text, size_t len, struct golden *g,
		 char *err, size_t errlen);

/* How many banks both g (for a drtm or emulated value) and p have. */
int golden_comparable_banks(const struct golden *g, const struct pcr17 *p);

/*
 * The verdict for PCR17:
 *  - not present: every bank p has is all-FF (the value after TPM start-up,
 *    never extended) or all-00 (reset by a DRTM, nothing measured);
 *  - DRTM / emulated: every bank that both p and g have equals g's value for
 *    that launch kind, and there is at least one such bank;
 *  - unloaded: the same with the drtm-unloaded or emulated-unloaded values
 *    (the boot's first launch, then the unload marker);
 *  - unknown: anything else (another or a modified hypervisor, banks that
 *    disagree, a second launch in the same boot, ...).
 */
enum verdict golden_verdict(const struct golden *g, const struct pcr17 *p);
const char *verdict_name(enum verdict v);	/* "drtm", "emulated", ... */
const char *verdict_text(enum verdict v);	/* the sentence for people */
bool verdict_present(enum verdict v);
int verdict_exit_code(enum verdict v);		/* 0 present, EXIT_NOT_PRESENT */

/* Hex (no prefix, either case, even length) -> bytes: 0, or -1 when s is
 * empty, not hex, of odd length or longer than max bytes. */
int hex_decode(const char *s, uint8_t *out, size_t max, size_t *outlen);
/* Lower-case hex, NUL-terminated: out holds 2 * n + 1 chars. */
void hex_encode(const uint8_t *in, size_t n, char *out);

#endif
