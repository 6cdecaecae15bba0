/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which objects are scanned: string lists of the configuration (file
 * extensions, content types, hosts and URL prefixes) and the matching rules
 * of uapi/linux/nfav.h.  Plain C, shared by the module and the unit tests.
 */
#ifndef _NFAV_PROTO_MATCH_H
#define _NFAV_PROTO_MATCH_H

#include "compat.h"

/* Bytes a list may take, every entry with its NUL. */
#define NFAV_LIST_BYTES		2048
/* Longest entries, without NUL (the uapi's NFAV_*_MAX). */
#define NFAV_LIST_EXT_MAX	15
#define NFAV_LIST_MIME_MAX	63
#define NFAV_LIST_URL_MAX	255

/*
 * A list of strings packed one after the other, each NUL-terminated.
 * Entries are stored normalised (see nfav_list_add()).
 */
struct nfav_strlist {
	u16 count;
	u16 used;			/* bytes of data[] in use */
	char data[NFAV_LIST_BYTES];
};

enum nfav_list_kind {
	NFAV_LIST_EXT,			/* "exe": extension, no dot */
	NFAV_LIST_MIME,			/* "type/subtype" or "type/" */
	NFAV_LIST_URL,			/* "[.]host[/path-prefix]" */
};

/* Iterate: for (e = l->data; e < l->data + l->used; e += strlen(e) + 1) */
#define nfav_list_for_each(e, l) \
	for ((e) = (l)->data; (e) < (l)->data + (l)->used; \
	     (e) += strlen(e) + 1)

/*
 * Check and normalise one entry of @len bytes (lower-case extensions, types
 * and hosts) and append it to @l.  Returns 0, or a static message saying
 * what is wrong with it.
 */
const char *nfav_list_add(struct nfav_strlist *l, enum nfav_list_kind kind,
			  const char *s, u32 len, u32 max_entries);

/*
 * Fill @l from a comma-separated list (the shipped defaults).  Returns 0 or
 * the message of the first bad entry.
 */
const char *nfav_list_parse(struct nfav_strlist *l, enum nfav_list_kind kind,
			    const char *csv, u32 max_entries);

/*
 * Does the file name @name (or the last path segment of @url) end in an
 * extension of @exts?  Either may be "" or NULL.
 */
bool nfav_ext_match(const struct nfav_strlist *exts, const char *name,
		    const char *url);

/*
 * Is content type @type (lower case, no parameters) in @bypass and not in
 * @scan?  An entry ending in '/' matches every subtype.
 */
bool nfav_mime_bypassed(const struct nfav_strlist *bypass,
			const struct nfav_strlist *scan, const char *type);

/*
 * Is the object at @host (Host header, may carry ":port") and request
 * target @url (origin-form or absolute-form) in @list?
 */
bool nfav_url_bypassed(const struct nfav_strlist *list, const char *host,
		       const char *url);

#endif /* _NFAV_PROTO_MATCH_H */
