/* SPDX-License-Identifier: GPL-2.0 */
/* Shared pieces of the xmhfctl subcommands. */
#ifndef XMHFCTL_H
#define XMHFCTL_H

#include <stdbool.h>
#include <stdio.h>

struct xmhf_status;

struct global_opts {
	bool json;
};

/* Exit codes: 0 ok, 1 failure, 2 usage error. */
#define EXIT_USAGE 2

int cmd_status(const struct global_opts *g, int argc, char **argv);
int cmd_log(const struct global_opts *g, int argc, char **argv);
int cmd_eventlog(const struct global_opts *g, int argc, char **argv);
int cmd_probe(const struct global_opts *g, int argc, char **argv);
int cmd_unload(const struct global_opts *g, int argc, char **argv);
int cmd_bench_hypercall(const struct global_opts *g, int argc, char **argv);
int cmd_bench_smp(const struct global_opts *g, int argc, char **argv);
int cmd_pcr(const struct global_opts *g, int argc, char **argv);
int cmd_quote(const struct global_opts *g, int argc, char **argv);
int cmd_verify(const struct global_opts *g, int argc, char **argv);

/* Opens /dev/xmhf, printing why it cannot; returns an fd or -1. */
int xmhf_open(void);
int xmhf_get_status(int fd, struct xmhf_status *st);

/* "measured", "unmeasured (TPM error)" or "unmeasured (no TPM)". */
const char *measure_name(unsigned int state);

/* JSON string output with escaping. */
void json_str(FILE *f, const char *s);

#endif
