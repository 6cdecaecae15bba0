// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the scan-selection rules (kmod/proto/match.c).
 *
 * Input: four NUL-separated strings: a comma-separated list, then a file
 * name, a host and a URL.  The list is loaded as each kind; every accepted
 * list must respect its budget and hold only normalised entries that are
 * accepted again unchanged; the matchers run on the three strings (which may
 * be anything, as they come from the network) and must not read past them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../kmod/proto/match.h"

static struct nfav_strlist list, again;

static const char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p, *z = memchr(s, 0, end - s);
	size_t n = z ? (size_t)(z - s) : (size_t)(end - s);
	char *out = malloc(n + 1);

	if (!out)
		abort();
	memcpy(out, s, n);
	out[n] = '\0';
	*p = z ? z + 1 : end;
	return out;
}

static void check_list(enum nfav_list_kind kind)
{
	const char *e;
	unsigned int n = 0;

	if (list.used > NFAV_LIST_BYTES || list.count > 64)
		abort();
	memset(&again, 0, sizeof(again));
	nfav_list_for_each(e, &list) {
		n++;
		if (!*e || nfav_list_add(&again, kind, e, strlen(e), 64))
			abort();
	}
	if (n != list.count || again.count != list.count ||
	    again.used != list.used || memcmp(again.data, list.data, list.used))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	const char *csv = field(&p, end), *name = field(&p, end);
	const char *host = field(&p, end), *url = field(&p, end);
	int k;

	for (k = NFAV_LIST_EXT; k <= NFAV_LIST_URL; k++) {
		memset(&list, 0, sizeof(list));
		if (!nfav_list_parse(&list, k, csv, 64))
			check_list(k);
		switch (k) {
		case NFAV_LIST_EXT:
			nfav_ext_match(&list, name, url);
			nfav_ext_match(&list, url, name);
			break;
		case NFAV_LIST_MIME:
			nfav_mime_bypassed(&list, &list, name);
			break;
		default:
			nfav_url_bypassed(&list, host, url);
			nfav_url_bypassed(&list, NULL, name);
			break;
		}
	}
	free((void *)csv);
	free((void *)name);
	free((void *)host);
	free((void *)url);
	return 0;
}
