// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the HTTP parser.
 *
 * Input: one flag byte (bit 0: scan_requests, bit 1: obj_begin asks for no
 * data), then steps separated by 0xff.  A step's first byte says what it is:
 * 'S' server data, 's' server end, 'c' client end, anything else client
 * data; the rest of the step is the data.
 *
 * Invariants checked: events are well nested and their offsets lie within
 * the run (hlog reports violations as "!ERR"), nothing is emitted after the
 * parser stopped, and the log does not depend on how the steps are split:
 * whole runs, a split at a point derived from the input, random splits and,
 * for small inputs, 1-byte runs all give the same log.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hlog.h"

#define MAX_FUZZ_STEPS	64

static void compare(const char *a, const char *b, const char *what)
{
	if (strcmp(a, b)) {
		fprintf(stderr, "log differs (%s)\n--- whole\n%s--- split\n%s",
			what, a, b);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hstep steps[MAX_FUZZ_STEPS];
	size_t n = 0, i = 1, start;
	unsigned int hash = 2166136261u;
	char *whole, *other;
	int flags;

	if (size < 1)
		return 0;
	flags = data[0];
	for (i = 0; i < size; i++)
		hash = (hash ^ data[i]) * 16777619u;
	i = 1;
	while (i < size && n < MAX_FUZZ_STEPS) {
		uint8_t kind = data[i++];

		start = i;
		while (i < size && data[i] != 0xff)
			i++;
		steps[n].side = (kind == 'S' || kind == 's') ?
				NFAV_SIDE_SERVER : NFAV_SIDE_CLIENT;
		steps[n].eof = kind == 's' || kind == 'c';
		steps[n].data = (const char *)data + start;
		steps[n].len = steps[n].eof ? 0 : i - start;
		if (steps[n].eof)
			steps[n].data = NULL;
		n++;
		i++;	/* the separator */
	}

	whole = hreplay(steps, n, flags & 1, !!(flags & 2), HMODE_WHOLE, 0);
	if (strstr(whole, "!ERR")) {
		fprintf(stderr, "%s", whole);
		abort();
	}
	other = hreplay(steps, n, flags & 1, !!(flags & 2), HMODE_POINT, hash);
	compare(whole, other, "point");
	free(other);
	other = hreplay(steps, n, flags & 1, !!(flags & 2), HMODE_RANDOM,
			hash);
	compare(whole, other, "random");
	free(other);
	if (size <= 2048) {
		other = hreplay(steps, n, flags & 1, !!(flags & 2),
				HMODE_BYTES, 0);
		compare(whole, other, "bytes");
		free(other);
	}
	free(whole);
	return 0;
}
