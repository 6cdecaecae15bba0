// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol table: what the core knows of each application protocol.
 * Adding a protocol is a parser under proto/ and an entry here; the core
 * never names a protocol.
 */
#include <linux/slab.h>
#include <linux/kernel.h>

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

/* Append @s to @buf with HTML special characters escaped. */
static size_t nfav_html_escape(char *buf, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 7 < size; s++) {
		unsigned char c = *s;

		switch (c) {
		case '<':
			n += scnprintf(buf + n, size - n, "&lt;");
			break;
		case '>':
			n += scnprintf(buf + n, size - n, "&gt;");
			break;
		case '&':
			n += scnprintf(buf + n, size - n, "&amp;");
			break;
		case '"':
			n += scnprintf(buf + n, size - n, "&quot;");
			break;
		case '\'':
			n += scnprintf(buf + n, size - n, "&#39;");
			break;
		default:
			buf[n++] = c < 0x20 || c == 0x7f ? '?' : c;
			break;
		}
	}
	buf[n] = '\0';
	return n;
}

/*
 * The 403 response that replaces a blocked download (the client gets it in
 * place of the response) or answers a blocked upload.
 */
static int nfav_http_notice(const struct nfav_flow *flow,
			    const struct nfav_object *obj, char *buf,
			    size_t size)
{
	struct {
		char url[NFAV_META_URL_MAX * 2];
		char name[NFAV_META_NAME_MAX * 2];
		char why[NFAV_VIRUS_MAX * 2 + 32];
		char desc[96];
		char custom[NFAV_MESSAGE_MAX * 6 + 16];
		char body[4608];
	} *t;
	const struct nfav_proto_config *pc;
	int blen, hlen, ret;
	u8 notify;

	if (size < 2048)
		return -ENOSPC;
	t = kmalloc(sizeof(*t), GFP_ATOMIC);
	if (!t)
		return -ENOMEM;
	rcu_read_lock();
	pc = &nfav_config_rcu(flow->nn)->proto[flow->proto];
	notify = pc->notify;
	t->custom[0] = '\0';
	if (pc->message[0]) {
		size_t n = scnprintf(t->custom, sizeof(t->custom), "<p>");

		n += nfav_html_escape(t->custom + n, sizeof(t->custom) - n - 8,
				      pc->message);
		scnprintf(t->custom + n, sizeof(t->custom) - n, "</p>\n");
	}
	rcu_read_unlock();
	if (notify == NFAV_NOTIFY_PROTOCOL_ONLY) {
		ret = scnprintf(buf, size,
				"HTTP/1.1 403 Forbidden\r\n"
				"Content-Length: 0\r\n"
				"Connection: close\r\n"
				"X-Blocked-By: nfav\r\n\r\n");
		kfree(t);
		return ret;
	}
	nfav_html_escape(t->url, sizeof(t->url), obj->url[0] ? obj->url : "-");
	nfav_html_escape(t->name, sizeof(t->name),
			 obj->name[0] ? obj->name : "-");
	if (obj->virus[0]) {
		size_t n = scnprintf(t->why, sizeof(t->why), "virus found: ");

		nfav_html_escape(t->why + n, sizeof(t->why) - n, obj->virus);
	} else {
		scnprintf(t->why, sizeof(t->why), "could not be scanned (%s)",
			  nfav_reason_str(obj->reason));
	}
	nfav_flow_str(flow, t->desc, sizeof(t->desc));

	blen = scnprintf(t->body, sizeof(t->body),
			 "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Blocked by nfav</title></head><body>\n"
			 "<h1>Transfer blocked</h1>\n"
			 "<p>The gateway antivirus of this network blocked this %s: %s.</p>\n"
			 "<ul>\n<li>URL: %s</li>\n<li>File: %s</li>\n"
			 "<li>Connection: %s</li>\n</ul>\n"
			 "%s<p>Ask your network administrator if you need this file.</p>\n"
			 "</body></html>\n",
			 obj->side == NFAV_SIDE_SERVER ? "download" : "upload",
			 t->why, t->url, t->name, t->desc, t->custom);
	hlen = scnprintf(buf, size,
			 "HTTP/1.1 403 Forbidden\r\n"
			 "Content-Type: text/html; charset=utf-8\r\n"
			 "Content-Length: %d\r\n"
			 "Cache-Control: no-store\r\n"
			 "Connection: close\r\n"
			 "X-Blocked-By: nfav\r\n\r\n", blen);
	ret = -ENOSPC;
	if (hlen + blen < size) {
		memcpy(buf + hlen, t->body, blen);
		ret = hlen + blen;
	}
	kfree(t);
	return ret;
}

static const struct nfav_proto_desc nfav_protos[__NFAV_PROTO_MAX] = {
	[NFAV_PROTO_HTTP] = {
		.name = "HTTP",
		.default_on = true,
		.default_ports = { 80, 8080 },
		.state_size = sizeof(struct nfav_http),
		.init = nfav_http_setup,
		.parse = nfav_http_feed,
		.eof = nfav_http_end,
		.notice = nfav_http_notice,
	},
	/* Not implemented yet: present in the configuration, off. */
	[NFAV_PROTO_FTP] = {
		.name = "FTP",
		.default_ports = { 21 },
	},
	[NFAV_PROTO_SMTP] = {
		.name = "SMTP",
		.default_ports = { 25, 587 },
	},
	[NFAV_PROTO_POP3] = {
		.name = "POP3",
		.default_ports = { 110 },
	},
	[NFAV_PROTO_IMAP] = {
		.name = "IMAP",
		.default_ports = { 143 },
	},
};

/**
 * nfav_proto_entry - the table entry of a protocol, implemented or not
 * @proto: enum nfav_proto, at most NFAV_PROTO_MAX
 *
 * Return: the entry (its name and defaults; parse is NULL for a protocol
 * without a parser).
 */
const struct nfav_proto_desc *nfav_proto_entry(u8 proto)
{
	return &nfav_protos[proto];
}

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
