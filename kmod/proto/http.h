/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Incremental HTTP/1.x parser.  See proto.h for the event model.
 *
 * Both directions of one connection share a struct nfav_http: the parser
 * remembers the methods of outstanding requests (pipelining) to frame the
 * responses (HEAD, 1xx, 204, 304 have no body; a 2xx answer to CONNECT starts
 * a tunnel).  Requests beyond what it can remember make the connection
 * malformed, never unscanned.
 */
#ifndef _NFAV_PROTO_HTTP_H
#define _NFAV_PROTO_HTTP_H

#include "proto.h"

#define NFAV_HTTP_LINE_MAX	1024	/* longest start or header line kept */
/*
 * Outstanding requests are kept packed in NFAV_HTTP_QUEUE_BYTES: at least 15
 * whatever their URLs, about 40 of 100 bytes; never more than
 * NFAV_HTTP_PIPELINE_MAX.
 */
#define NFAV_HTTP_QUEUE_BYTES	4096
#define NFAV_HTTP_PIPELINE_MAX	255

struct nfav_http_dir {
	u8 state;		/* parser state, private */
	u8 flags;		/* private */
	u16 line_len;		/* bytes in line[] */
	u32 msg_flags;		/* private, per message */
	u64 remaining;		/* body or chunk bytes left */
	u64 content_length;
	u32 off_base;		/* private */
	struct nfav_obj_meta meta;
	char line[NFAV_HTTP_LINE_MAX];
	u16 status_code;	/* private: status of the response */
	u8 last_hdr;		/* private: last header seen (obs-fold) */
	u8 lead;		/* private: white space before a status line */
	u32 hdr_bytes;		/* private: header section bytes so far */
	char te[NFAV_META_ENC_MAX];	/* private: transfer codings */
};

struct nfav_http {
	struct nfav_http_dir dir[2];	/* indexed by enum nfav_side */
	/*
	 * Outstanding requests, oldest first, private: each a header (method,
	 * flags, lengths of URL, name and host) and the three strings.
	 */
	u8 queue[NFAV_HTTP_QUEUE_BYTES];
	u16 queue_len;			/* bytes used */
	u16 queue_last;			/* offset of the newest request */
	u8 pending_count;		/* requests in queue[] */
	u8 scan_requests;		/* emit request bodies as objects */
	u8 status;			/* enum nfav_parse_status once failed */
	u32 header_limit;		/* bytes of a header section, 0: any */
};

/*
 * Start parsing a connection.  @scan_requests: report request bodies as
 * objects.  @header_limit: a start line with its headers (or a trailer
 * section) longer than this many bytes is malformed; 0 for no limit.
 */
void nfav_http_init(struct nfav_http *h, bool scan_requests,
		    u32 header_limit);

/*
 * Feed @len bytes of direction @side.  Returns NFAV_PARSE_OK, or the status
 * that stopped the parser; once stopped, every later call returns the same
 * status and emits nothing.
 */
enum nfav_parse_status nfav_http_parse(struct nfav_http *h,
				       enum nfav_side side, const u8 *data,
				       u32 len,
				       const struct nfav_proto_ops *ops,
				       void *ctx);

/*
 * Direction @side ended (FIN).  A close-delimited body ends here: obj_end and
 * msg_end are emitted with offset 0 (the run is empty).  A message cut short
 * by the FIN (fewer body bytes than Content-Length, an unfinished chunk) ends
 * there too: obj_end and msg_end, and the object is scanned as it is.
 */
enum nfav_parse_status nfav_http_eof(struct nfav_http *h, enum nfav_side side,
				     const struct nfav_proto_ops *ops,
				     void *ctx);

#endif /* _NFAV_PROTO_HTTP_H */
