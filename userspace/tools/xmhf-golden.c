// SPDX-License-Identifier: GPL-2.0
/*
 * xmhf-golden: the PCR17 values a verifier should expect for a blob, for
 * both launch kinds and both banks (docs/architecture.md, "Measurement chain"):
 *
 *   DRTM:      PCR17 = 00..00, extend H(SLB), extend H(runtime)
 *   emulated:  PCR17 = FF..FF, extend H(SLB), extend H(runtime)
 *
 * H(SLB) covers the SLB header's length field worth of bytes (what SKINIT
 * measures); H(runtime) covers the runtime image.  OpenSSL does the
 * hashing, independently of the hypervisor's own SHA code.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "blob.h"
#include <xmhf/eventlog.h>
#include <xmhf/version.h>

#define MAX_DIGEST 32

struct bank {
	const char *name;
	const EVP_MD *(*md)(void);
	unsigned int len;
};

static const struct bank banks[] = {
	{ "sha1", EVP_sha1, 20 },
	{ "sha256", EVP_sha256, 32 },
};

struct values {
	u8 slb[MAX_DIGEST], rt[MAX_DIGEST];
	u8 drtm[MAX_DIGEST], emulated[MAX_DIGEST];
	/* After an unload: the marker extended on top (uapi/xmhf/eventlog.h). */
	u8 drtm_unloaded[MAX_DIGEST], emulated_unloaded[MAX_DIGEST];
};

static void hash2(const struct bank *b, const void *p1, size_t n1,
		  const void *p2, size_t n2, u8 *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, b->md(), NULL) ||
	    !EVP_DigestUpdate(ctx, p1, n1) ||
	    (n2 && !EVP_DigestUpdate(ctx, p2, n2)) ||
	    !EVP_DigestFinal_ex(ctx, out, NULL)) {
		fprintf(stderr, "xmhf-golden: OpenSSL %s failed\n", b->name);
		exit(1);
	}
	EVP_MD_CTX_free(ctx);
}

/* TPM2_PCR_Extend: PCR = H(PCR || digest). */
static void extend(const struct bank *b, u8 *pcr, const u8 *digest)
{
	hash2(b, pcr, b->len, digest, b->len, pcr);
}

static void compute(const struct bank *b, const u8 *blob, struct values *v)
{
	const struct xmhf_blob_header *h = (const void *)blob;
	u8 marker[MAX_DIGEST];

	hash2(b, blob + h->sl_offset, xmhf_blob_slb(blob)->length, NULL, 0, v->slb);
	hash2(b, blob + h->rt_offset, h->rt_size, NULL, 0, v->rt);

	memset(v->drtm, 0, b->len);
	extend(b, v->drtm, v->slb);
	extend(b, v->drtm, v->rt);

	memset(v->emulated, 0xff, b->len);
	extend(b, v->emulated, v->slb);
	extend(b, v->emulated, v->rt);

	hash2(b, XMHF_UNLOAD_MARKER, strlen(XMHF_UNLOAD_MARKER), NULL, 0, marker);
	memcpy(v->drtm_unloaded, v->drtm, b->len);
	extend(b, v->drtm_unloaded, marker);
	memcpy(v->emulated_unloaded, v->emulated, b->len);
	extend(b, v->emulated_unloaded, marker);
}

static void hex(FILE *f, const u8 *d, unsigned int n)
{
	while (n--)
		fprintf(f, "%02x", *d++);
}

static void print_text(FILE *f, const char *build_id, struct values *v)
{
	static const char *const names[] = { "slb", "runtime", "drtm", "emulated",
					     "drtm-unloaded", "emulated-unloaded" };
	unsigned int i, k;

	fprintf(f, "# xmhf-ll golden PCR17 values (xmhf-golden %s)\n", XMHF_VERSION_STRING);
	fprintf(f, "# drtm: 00..00 then extend slb, runtime; emulated: FF..FF then the same\n");
	fprintf(f, "# *-unloaded: then extend H(\"%s\"), the unload marker\n", XMHF_UNLOAD_MARKER);
	fprintf(f, "build_id %s\n", build_id);
	for (k = 0; k < 6; k++) {
		for (i = 0; i < 2; i++) {
			const u8 *d[] = { v[i].slb, v[i].rt, v[i].drtm, v[i].emulated,
					  v[i].drtm_unloaded, v[i].emulated_unloaded };

			fprintf(f, "%s %s ", names[k], banks[i].name);
			hex(f, d[k], banks[i].len);
			fputc('\n', f);
		}
	}
}

static void print_json(FILE *f, const char *build_id, struct values *v)
{
	unsigned int i;

	fprintf(f, "{\"build_id\":\"%s\"", build_id);
	for (i = 0; i < 2; i++) {
		fprintf(f, ",\"%s\":{\"slb\":\"", banks[i].name);
		hex(f, v[i].slb, banks[i].len);
		fprintf(f, "\",\"runtime\":\"");
		hex(f, v[i].rt, banks[i].len);
		fprintf(f, "\",\"drtm\":\"");
		hex(f, v[i].drtm, banks[i].len);
		fprintf(f, "\",\"emulated\":\"");
		hex(f, v[i].emulated, banks[i].len);
		fprintf(f, "\",\"drtm_unloaded\":\"");
		hex(f, v[i].drtm_unloaded, banks[i].len);
		fprintf(f, "\",\"emulated_unloaded\":\"");
		hex(f, v[i].emulated_unloaded, banks[i].len);
		fprintf(f, "\"}");
	}
	fprintf(f, "}\n");
}

static u8 *read_blob(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	long len;

	if (!f) {
		fprintf(stderr, "xmhf-golden: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc(len ? len : 1)) ||
	    fread(buf, 1, len, f) != (size_t)len) {
		fprintf(stderr, "xmhf-golden: %s: cannot read\n", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

static int usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: xmhf-golden [--json] [-o OUT] BLOB\n"
		"Prints the expected PCR17 values (sha1, sha256) for an xmhf blob,\n"
		"for a DRTM (SKINIT) launch and for the emulated launch.\n");
	return code;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *out = NULL;
	struct values v[2];
	bool json = false;
	size_t size;
	FILE *f = stdout;
	u8 *blob;
	int c, err;

	while ((c = getopt_long(argc, argv, "jo:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'o': out = optarg; break;
		case 'h': return usage(0);
		default: return usage(2);
		}
	}
	if (optind != argc - 1)
		return usage(2);
	blob = read_blob(argv[optind], &size);
	if (!blob)
		return 1;
	err = xmhf_blob_check(blob, size);
	if (err) {
		fprintf(stderr, "xmhf-golden: %s: not a valid blob: %s\n",
			argv[optind], xmhf_blob_strerror(err));
		return 1;
	}
	for (c = 0; c < 2; c++)
		compute(&banks[c], blob, &v[c]);

	if (out && !(f = fopen(out, "w"))) {
		fprintf(stderr, "xmhf-golden: %s: %s\n", out, strerror(errno));
		return 1;
	}
	if (json)
		print_json(f, ((struct xmhf_blob_header *)blob)->build_id, v);
	else
		print_text(f, ((struct xmhf_blob_header *)blob)->build_id, v);
	if (out && fclose(f)) {
		fprintf(stderr, "xmhf-golden: %s: write failed\n", out);
		return 1;
	}
	free(blob);
	return 0;
}
