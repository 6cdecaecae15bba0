// SPDX-License-Identifier: GPL-2.0
/*
 * nfavctl - configure and watch nfav, the gateway antivirus.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "nfavctl.h"

void usage(FILE *f)
{
	fputs("Usage: nfavctl [-j|--json] [-p|--pretty] COMMAND [ARGUMENTS]\n"
	      "       nfavctl -h|--help|help\n"
	      "       nfavctl --version\n"
	      "\n"
	      "Commands:\n"
	      "  show status|config|stats|flows\n"
	      "  set global [max-flows N] [flow-timeout SECONDS] [hold-limit BYTES]\n"
	      "             [mem-limit KIB] [max-requests N]\n"
	      "  set PROTO [enabled yes|no] [ports P[,P...]] [scan-mode scan-all|by-extension]\n"
	      "            [scan-timeout 1-1800] [trickle-timeout 0-600] [max-size KIB]\n"
	      "            [max-layers 1-16] [header-limit 1024-262144|1k-256k]\n"
	      "            [notify-type message|protocol-only] [message TEXT]\n"
	      "            [LIST ENTRIES|none|default|add ENTRIES|del ENTRIES]...\n"
	      "            [fallback REASON ACTION]...\n"
	      "  stats clear\n"
	      "  monitor\n"
	      "  help\n"
	      "\n"
	      "  PROTO   := http | ftp | smtp | pop3 | imap\n"
	      "  REASON  := default | corrupt-file | password-file | decompress-layer |\n"
	      "             content-size | engine-not-ready | timeout | out-of-resources |\n"
	      "             too-many-requests | malformed\n"
	      "  ACTION  := permit | log-and-permit | block\n"
	      "  LIST    := extensions | mime-bypass | mime-scan | url-bypass\n"
	      "  ENTRIES := ENTRY[,ENTRY...]  (default: extensions only)\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json     JSON output (show and monitor)\n"
	      "  -p, --pretty   indented JSON output (implies --json)\n"
	      "  -h, --help     show this help\n"
	      "      --version  show the version\n"
	      "\n"
	      "Exit status: 0 success, 1 the operation failed, 2 usage error,\n"
	      "3 the nfav module is not loaded.\n", f);
}

int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

static const struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
} subcommands[] = {
	{ "show", cmd_show },
	{ "set", cmd_set },
	{ "stats", cmd_stats },
	{ "monitor", cmd_monitor },
	{ "help", cmd_help },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jph", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.json = true;
			opts.pretty = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("nfavctl %s (netlink family %s version %d)\n",
			       NFAVCTL_VERSION, NFAV_GENL_NAME,
			       NFAV_GENL_VERSION);
			return EXIT_OK;
		default:
			if (optopt && optopt != '?')
				err_msg("unknown option \"-%c\"; try \"nfavctl help\"",
					optopt);
			else
				err_msg("unknown option \"%s\"; try \"nfavctl help\"",
					argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		err_msg("missing command");
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(argv[0], subcommands[i].name))
			return subcommands[i].fn(argc, argv);
	err_msg("unknown command \"%s\"; try \"nfavctl help\"", argv[0]);
	return EXIT_USAGE;
}
