// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every unit test in one cmocka group, with TAP output.
 * `unit_tests --dump` prints the HTTP golden logs instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "unit.h"

static struct CMUnitTest tests[512];

int main(int argc, char **argv)
{
	size_t n = 0;

	if (argc > 1 && !strcmp(argv[1], "--dump")) {
		http_dump();
		return 0;
	}
	n += http_tests(tests + n);
	n += reasm_tests(tests + n);
	n += match_tests(tests + n);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests("nfav_unit", tests, n, NULL, NULL);
}
