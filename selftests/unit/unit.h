/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NFAV_UNIT_H
#define _NFAV_UNIT_H

#include <stddef.h>
#include "hlog.h"

struct CMUnitTest;

/* Fill @t with the tests of a file; return how many. */
size_t http_tests(struct CMUnitTest *t);
size_t reasm_tests(struct CMUnitTest *t);
size_t match_tests(struct CMUnitTest *t);
void http_dump(void);

/* Replay whole, bytewise, random and point splits; compare the logs. */
void http_check_replays(const struct hstep *steps, size_t n, int scan,
			int nodata, const char *expect);

#endif
