// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol table: what the core knows of each application protocol.
 * Adding a protocol is a parser under proto/ and an entry here; the core
 * never names a protocol.
 */
#include <linux/slab.h>

#include "nfav.h"

static void nfav_http_setup(void *st, const struct nfav_proto_config *pc)
{
	nfav_http_init(st, true, pc->header_limit);
}

static enum nfav_parse_status
nfav_http_feed(void *st, enum nfav_side side, const u8 *data, u32 len,
	       const struct nfav_proto_ops *ops, void *ctx)
{
	return nfav_http_parse(st, side, data, len, ops, ctx);
}

static enum nfav_parse_status
nfav_http_end(void *st, enum nfav_side side, const struct nfav_proto_ops *ops,
	      void *ctx)
{
	return nfav_http_eof(st, side, ops, ctx);
}

static const struct nfav_proto_desc nfav_protos[__NFAV_PROTO_MAX] = {
	[NFAV_PROTO_HTTP] = {
		.name = "HTTP",
		.state_size = sizeof(struct nfav_http),
		.init = nfav_http_setup,
		.parse = nfav_http_feed,
		.eof = nfav_http_end,
	},
};

/**
 * nfav_proto_get - the table entry of a protocol
 * @proto: enum nfav_proto
 *
 * Return: the entry, or NULL for a protocol without a parser.
 */
const struct nfav_proto_desc *nfav_proto_get(u8 proto)
{
	if (proto >= __NFAV_PROTO_MAX || !nfav_protos[proto].parse)
		return NULL;
	return &nfav_protos[proto];
}
