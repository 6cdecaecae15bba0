// SPDX-License-Identifier: GPL-2.0
/*
 * nfavctl stats clear
 */
#include <string.h>

#include "nfavctl.h"

int cmd_stats(int argc, char **argv)
{
	struct nfav_nl *nl;
	struct nl_msg *msg;
	int ret;

	if (argc < 2) {
		err_msg("stats: missing action: clear (use \"nfavctl show stats\" to read them)");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "clear")) {
		err_msg("stats: unknown action \"%s\": expected clear", argv[1]);
		return EXIT_USAGE;
	}
	if (argc > 2) {
		err_msg("stats clear: unexpected argument \"%s\"", argv[2]);
		return EXIT_USAGE;
	}
	ret = nfav_nl_open(&nl);
	if (ret)
		return ret;
	msg = nfav_nl_msg(nl, NFAV_CMD_CLEAR_STATS, 0);
	if (!msg) {
		err_msg("out of memory");
		nfav_nl_close(nl);
		return EXIT_FAIL;
	}
	ret = nfav_nl_request(nl, msg, "stats clear", NULL, NULL);
	nfav_nl_close(nl);
	return ret;
}
