// SPDX-License-Identifier: GPL-2.0
/*
 * Event recorder and replay harness for the HTTP parser.  See hlog.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hlog.h"

struct hlog {
	char *buf;
	size_t len, cap;
	unsigned long long base[2];	/* stream position of the run */
	unsigned int run_len;
	int in_msg[2], in_obj[2];
	unsigned long long last_end[2];	/* last obj_end/msg_end position */
	unsigned char *obj[2];
	size_t obj_len[2], obj_cap[2];
	int nodata;
	unsigned long events;
};

static const char side_name[2] = { 'C', 'S' };

static void lprintf(struct hlog *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < l->cap - l->len) {
			l->len += n;
			return;
		}
		l->cap = l->cap * 2 + (size_t)n + 64;
		l->buf = realloc(l->buf, l->cap);
		if (!l->buf)
			abort();
	}
}

static void lbytes(struct hlog *l, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (l->len + 8 >= l->cap) {
			l->cap = l->cap * 2 + 64;
			l->buf = realloc(l->buf, l->cap);
			if (!l->buf)
				abort();
		}
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' &&
		    p[i] != '!') {
			l->buf[l->len++] = (char)p[i];
			l->buf[l->len] = '\0';
		} else {
			lprintf(l, "\\x%02x", p[i]);
		}
	}
}

static void lerr(struct hlog *l, int side, const char *what,
		 unsigned int off)
{
	lprintf(l, "!ERR %c %s off=%u run=%u\n", side_name[side], what, off,
		l->run_len);
}

static void ev_msg_begin(void *ctx, enum nfav_side side, u32 off)
{
	struct hlog *l = ctx;
	unsigned long long pos = l->base[side] + off;

	l->events++;
	if (l->in_msg[side])
		lerr(l, side, "msg_begin inside a message", off);
	if (off >= l->run_len)
		lerr(l, side, "msg_begin offset outside the run", off);
	if (pos < l->last_end[side])
		lerr(l, side, "msg_begin before the previous end", off);
	l->in_msg[side] = 1;
	lprintf(l, "%c MB @%llu\n", side_name[side], pos);
}

static int ev_obj_begin(void *ctx, enum nfav_side side,
			const struct nfav_obj_meta *m)
{
	struct hlog *l = ctx;

	l->events++;
	if (!l->in_msg[side] || l->in_obj[side])
		lerr(l, side, "obj_begin outside a message or in an object",
		     0);
	if (strnlen(m->name, sizeof(m->name)) == sizeof(m->name) ||
	    strnlen(m->url, sizeof(m->url)) == sizeof(m->url) ||
	    strnlen(m->content_type, sizeof(m->content_type)) ==
	    sizeof(m->content_type) ||
	    strnlen(m->host, sizeof(m->host)) == sizeof(m->host) ||
	    strnlen(m->encoding, sizeof(m->encoding)) == sizeof(m->encoding))
		lerr(l, side, "metadata not terminated", 0);
	l->in_obj[side] = 1;
	l->obj_len[side] = 0;
	lprintf(l, "%c OB url=", side_name[side]);
	lbytes(l, (const unsigned char *)m->url, strnlen(m->url,
							 sizeof(m->url)));
	lprintf(l, " name=");
	lbytes(l, (const unsigned char *)m->name, strnlen(m->name,
							  sizeof(m->name)));
	lprintf(l, " type=");
	lbytes(l, (const unsigned char *)m->content_type,
	       strnlen(m->content_type, sizeof(m->content_type)));
	if (m->host[0]) {
		lprintf(l, " host=");
		lbytes(l, (const unsigned char *)m->host,
		       strnlen(m->host, sizeof(m->host)));
	}
	if (m->encoding[0]) {
		lprintf(l, " enc=");
		lbytes(l, (const unsigned char *)m->encoding,
		       strnlen(m->encoding, sizeof(m->encoding)));
	}
	lprintf(l, " len=%lld\n",
		m->length == NFAV_LEN_UNKNOWN ? -1LL : (long long)m->length);
	return l->nodata;
}

static void ev_obj_data(void *ctx, enum nfav_side side, const u8 *data,
			u32 len)
{
	struct hlog *l = ctx;

	if (!l->in_obj[side] || l->nodata || !len) {
		lerr(l, side, "obj_data outside an object or unwanted", len);
		return;
	}
	if (l->obj_len[side] + len > l->obj_cap[side]) {
		l->obj_cap[side] = (l->obj_len[side] + len) * 2;
		l->obj[side] = realloc(l->obj[side], l->obj_cap[side]);
		if (!l->obj[side])
			abort();
	}
	memcpy(l->obj[side] + l->obj_len[side], data, len);
	l->obj_len[side] += len;
}

static void ev_obj_end(void *ctx, enum nfav_side side, u32 off)
{
	struct hlog *l = ctx;
	unsigned long long pos = l->base[side] + off;

	l->events++;
	if (!l->in_obj[side])
		lerr(l, side, "obj_end outside an object", off);
	if (off > l->run_len)
		lerr(l, side, "obj_end offset outside the run", off);
	l->in_obj[side] = 0;
	l->last_end[side] = pos;
	lprintf(l, "%c OE @%llu %zu:", side_name[side], pos,
		l->obj_len[side]);
	lbytes(l, l->obj[side], l->obj_len[side]);
	lprintf(l, "\n");
	l->obj_len[side] = 0;
}

static void ev_msg_end(void *ctx, enum nfav_side side, u32 off)
{
	struct hlog *l = ctx;
	unsigned long long pos = l->base[side] + off;

	l->events++;
	if (!l->in_msg[side] || l->in_obj[side])
		lerr(l, side, "msg_end outside a message or in an object",
		     off);
	if (off > l->run_len)
		lerr(l, side, "msg_end offset outside the run", off);
	if (pos < l->last_end[side])
		lerr(l, side, "msg_end before obj_end", off);
	l->in_msg[side] = 0;
	l->last_end[side] = pos;
	lprintf(l, "%c ME @%llu\n", side_name[side], pos);
}

static const struct nfav_proto_ops hlog_ops = {
	.msg_begin = ev_msg_begin,
	.obj_begin = ev_obj_begin,
	.obj_data = ev_obj_data,
	.obj_end = ev_obj_end,
	.msg_end = ev_msg_end,
};

static const char *const status_name[] = { "ok", "bypass", "malformed" };

static unsigned int xorshift(unsigned int *s)
{
	unsigned int x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static void feed(struct nfav_http *h, struct hlog *l, int *st, int side,
		 const unsigned char *p, size_t n)
{
	unsigned long before = l->events;
	int r;

	l->run_len = (unsigned int)n;
	r = nfav_http_parse(h, side, p, (u32)n, &hlog_ops, l);
	l->base[side] += n;
	if (*st && (r != *st || l->events != before))
		lprintf(l, "!ERR events or new status after the parser stopped\n");
	if (r != NFAV_PARSE_OK && !*st)
		lprintf(l, "%c ST %s\n", side_name[side], status_name[r]);
	if (!*st)
		*st = r;
}

char *hreplay(const struct hstep *steps, size_t n, int scan_requests,
	      int nodata, enum hmode mode, unsigned int seed)
{
	struct nfav_http *h = malloc(sizeof(*h));
	struct hlog l;
	unsigned int rnd = seed * 2654435761u + 1;
	size_t i, off, run;
	int st = 0, r;

	if (!h)
		abort();
	memset(&l, 0, sizeof(l));
	l.cap = 256;
	l.buf = malloc(l.cap);
	if (!l.buf)
		abort();
	l.buf[0] = '\0';
	l.nodata = nodata;
	/* garbage in the state: init must set everything */
	memset(h, 0xa5, sizeof(*h));
	nfav_http_init(h, scan_requests, 0);
	for (i = 0; i < n; i++) {
		const struct hstep *s = &steps[i];
		const unsigned char *p = (const unsigned char *)s->data;

		if (s->eof) {
			unsigned long before = l.events;

			l.run_len = 0;
			r = nfav_http_eof(h, s->side, &hlog_ops, &l);
			if (st && (r != st || l.events != before))
				lprintf(&l, "!ERR events after the parser stopped\n");
			if (r != NFAV_PARSE_OK && !st) {
				lprintf(&l, "%c ST %s\n", side_name[s->side],
					status_name[r]);
				st = r;
			}
			continue;
		}
		switch (mode) {
		case HMODE_WHOLE:
			feed(h, &l, &st, s->side, p, s->len);
			break;
		case HMODE_BYTES:
			for (off = 0; off < s->len; off++)
				feed(h, &l, &st, s->side, p + off, 1);
			break;
		case HMODE_RANDOM:
			for (off = 0; off < s->len; off += run) {
				run = xorshift(&rnd);
				run = 1 + run % ((run & 0x100) ? 5 : 97);
				if (run > s->len - off)
					run = s->len - off;
				/* empty runs are legal too */
				if (!(xorshift(&rnd) & 15))
					feed(h, &l, &st, s->side, p + off, 0);
				feed(h, &l, &st, s->side, p + off, run);
			}
			break;
		case HMODE_POINT:
			off = (seed + i * 7919) % (s->len + 1);
			feed(h, &l, &st, s->side, p, off);
			feed(h, &l, &st, s->side, p + off, s->len - off);
			break;
		}
	}
	free(l.obj[0]);
	free(l.obj[1]);
	free(h);
	return l.buf;
}
