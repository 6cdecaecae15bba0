/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the stream layer of nfav and the protocol parsers.
 *
 * A parser is an incremental push parser.  The stream layer feeds it the
 * bytes of each direction of a TCP connection strictly in order, in runs of
 * any length (a run may be a single byte), and signals the end of a direction
 * (FIN).  The parser reports what it finds through struct nfav_proto_ops.
 *
 * Offsets passed to the callbacks are relative to the start of the run being
 * parsed; the stream layer turns them into TCP sequence numbers.
 *
 * Within one direction, events come in this order:
 *   msg_begin [obj_begin obj_data* obj_end] msg_end
 * msg_begin marks the first byte of a message that may carry an object (for
 * HTTP the first byte of the status or request line): the stream layer holds
 * everything from there until the message ends without an object or the
 * object's verdict is known.  obj_end's offset is one past the last byte of
 * the object's encoded form on the wire (for chunked HTTP, after the final
 * chunk's trailers) and equals or precedes msg_end's offset.
 */
#ifndef _NFAV_PROTO_H
#define _NFAV_PROTO_H

#include "compat.h"

/* Directions of a connection, as the parsers see them. */
enum nfav_side {
	NFAV_SIDE_CLIENT = 0,	/* bytes sent by the client */
	NFAV_SIDE_SERVER = 1,	/* bytes sent by the server */
};

#define NFAV_META_NAME_MAX	128
#define NFAV_META_URL_MAX	256
#define NFAV_META_TYPE_MAX	64
#define NFAV_META_HOST_MAX	128
#define NFAV_META_ENC_MAX	48

/* What a parser knows about an object when it begins. */
struct nfav_obj_meta {
	char name[NFAV_META_NAME_MAX];	/* file name, "" if unknown */
	char url[NFAV_META_URL_MAX];	/* URL/path, "" if unknown */
	char content_type[NFAV_META_TYPE_MAX];
	char host[NFAV_META_HOST_MAX];	/* server host name, "" if unknown */
	/* content codings, in the order applied, comma separated, "" if none */
	char encoding[NFAV_META_ENC_MAX];
	u64 length;			/* declared length, or NFAV_LEN_UNKNOWN */
};
#define NFAV_LEN_UNKNOWN	((u64)-1)

/* Why a parser gives up on a connection or a message. */
enum nfav_parse_status {
	NFAV_PARSE_OK = 0,
	/* Not this protocol, a tunnel, an upgrade: pass the rest unscanned. */
	NFAV_PARSE_BYPASS,
	/* Protocol violation: block the object. */
	NFAV_PARSE_MALFORMED,
};

struct nfav_proto_ops {
	void (*msg_begin)(void *ctx, enum nfav_side side, u32 off);
	/* Return non-zero to tell the parser not to deliver obj_data. */
	int (*obj_begin)(void *ctx, enum nfav_side side,
			 const struct nfav_obj_meta *meta);
	void (*obj_data)(void *ctx, enum nfav_side side, const u8 *data,
			 u32 len);
	void (*obj_end)(void *ctx, enum nfav_side side, u32 off);
	void (*msg_end)(void *ctx, enum nfav_side side, u32 off);
};

#endif /* _NFAV_PROTO_H */
