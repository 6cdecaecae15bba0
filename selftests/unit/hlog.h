/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event recorder and replay harness for the HTTP parser, shared by the unit
 * tests and the fuzzer.  Events are written as text lines; offsets are turned
 * into absolute stream positions and object bytes are collected, so a log does
 * not depend on how the input was split into runs.  Nesting and offset
 * violations are written into the log as lines starting with "!ERR".
 */
#ifndef _NFAV_UNIT_HLOG_H
#define _NFAV_UNIT_HLOG_H

#include <stddef.h>
#include "../../kmod/proto/http.h"

struct hstep {
	int side;		/* enum nfav_side */
	const char *data;
	size_t len;
	int eof;		/* end of direction instead of data */
};

#define HC(s)	{ NFAV_SIDE_CLIENT, s, sizeof(s) - 1, 0 }
#define HS(s)	{ NFAV_SIDE_SERVER, s, sizeof(s) - 1, 0 }
#define HCEOF	{ NFAV_SIDE_CLIENT, NULL, 0, 1 }
#define HSEOF	{ NFAV_SIDE_SERVER, NULL, 0, 1 }

enum hmode {
	HMODE_WHOLE,	/* every step in one run */
	HMODE_BYTES,	/* 1-byte runs */
	HMODE_RANDOM,	/* seeded random splits */
	HMODE_POINT,	/* each step split in two at seed % (len + 1) */
};

/*
 * Replay @n steps through a fresh parser.  Returns a malloc'ed log (free
 * it).  @nodata: obj_begin returns non-zero (no obj_data wanted).
 */
char *hreplay(const struct hstep *steps, size_t n, int scan_requests,
	      int nodata, enum hmode mode, unsigned int seed);

#endif
