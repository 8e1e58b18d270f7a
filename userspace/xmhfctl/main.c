// SPDX-License-Identifier: GPL-2.0
/*
 * xmhfctl: the command-line tool for xmhf-ll.
 *   xmhfctl [--json] COMMAND [ARGS]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <xmhf/version.h>

#include "xmhfctl.h"

struct command {
	const char *name;
	int (*run)(const struct global_opts *g, int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "status", cmd_status, "show the hypervisor's state, footprint and exit counters" },
	{ "log", cmd_log, "print the hypervisor's log" },
	{ "eventlog", cmd_eventlog, "print the measurement log and the PCR 17 it replays to" },
	{ "unload", cmd_unload, "devirtualize: the hypervisor leaves, Linux runs natively" },
	{ "bench-hypercall", cmd_bench_hypercall, "time null hypercalls" },
	{ "bench-smp", cmd_bench_smp, "time IPI round trips or quiesces of the other CPUs" },
	{ "probe", cmd_probe, "the probe test hypapp's event counters" },
	{ "pcr", cmd_pcr, "show PCR 17-19 (TPM)" }, { "quote", cmd_quote, "quote PCR 17-19 with a nonce (TPM)" }, { "verify", cmd_verify, "check a quote; is the hypervisor present?" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: xmhfctl [--json] [--help] [--version] COMMAND [ARGS]\n\n"
		"Controls the xmhf-ll hypervisor through /dev/xmhf.\n\n"
		"Options:\n"
		"  -j, --json     machine-readable JSON output\n"
		"  -h, --help     show this help\n"
		"  -V, --version  show the version\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nRun 'xmhfctl COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct global_opts g = { 0 };
	size_t i;
	int c;

	/* '+' stops at the command name, so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			g.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("xmhfctl %s\n", XMHF_VERSION_STRING);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			argc -= optind;
			argv += optind;
			optind = 1;
			return commands[i].run(&g, argc, argv);
		}
	}
	fprintf(stderr, "xmhfctl: unknown command '%s' (see xmhfctl --help)\n",
		argv[optind]);
	return EXIT_USAGE;
}
