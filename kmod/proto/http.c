// SPDX-License-Identifier: GPL-2.0
/*
 * Incremental HTTP/1.x push parser.
 *
 * Each direction runs a small state machine fed byte runs of any length.
 * Start and header lines are collected in dir->line (at most
 * NFAV_HTTP_LINE_MAX bytes) and matched against static tables once the line
 * is complete, in the manner of nf_conntrack_ftp.c; bodies are consumed in
 * bulk.  Every byte is looked at a bounded number of times: a line is scanned
 * once when it is complete, a body byte once.
 *
 * Framing follows RFC 9112: responses to HEAD, 1xx, 204 and 304 have no body;
 * Transfer-Encoding chunked wins over everything, and together with
 * Content-Length it is rejected (request smuggling); otherwise
 * Content-Length, otherwise (responses only) the body runs to the end of the
 * connection.
 */
#include "http.h"

/* Largest body or chunk length accepted. */
#define HTTP_LEN_MAX		0x4000000000000000ULL	/* 2^62 */
/* Longest method token accepted before the first space. */
#define HTTP_METHOD_MAX		24

enum http_state {
	HS_START = 0,		/* between messages */
	HS_LINE,		/* request or status line */
	HS_HDR,			/* header (or trailer) line */
	HS_HDR_SKIP,		/* rest of an overlong header we ignore */
	HS_BODY,		/* Content-Length body */
	HS_CLOSE,		/* body delimited by the end of the connection */
	HS_CHUNK_SIZE,		/* hex digits of a chunk size */
	HS_CHUNK_EXT,		/* rest of the chunk size line */
	HS_CHUNK_DATA,		/* chunk payload */
	HS_CHUNK_END,		/* CRLF after the chunk payload */
	HS_DEAD,		/* after the end of the direction */
};

/* dir->flags */
#define DF_SEEN		0x01	/* a valid start line was seen */

/* dir->msg_flags, reset at every message */
#define MF_EMIT		0x0001	/* this message reports events */
#define MF_MSG		0x0002	/* msg_begin reported, msg_end not yet */
#define MF_OBJ		0x0004	/* obj_begin reported, obj_end not yet */
#define MF_NODATA	0x0008	/* obj_begin asked for no obj_data */
#define MF_SP		0x0010	/* start line: first space seen */
#define MF_TRUNC	0x0020	/* start line: longer than line[] */
#define MF_CL		0x0040	/* Content-Length seen */
#define MF_TE		0x0080	/* Transfer-Encoding seen */
#define MF_CHUNKED	0x0100	/* last transfer coding is chunked */
#define MF_UPGRADE	0x0200	/* request carries Upgrade */
#define MF_TRAILER	0x0400	/* header lines are chunked trailers */
#define MF_CR		0x0800	/* chunk end: CR seen */
#define MF_STATUS	0x1000	/* start line: taken for a status line */

/* struct http_req.method */
enum http_method {
	HM_OTHER = 0,
	HM_GET,
	HM_HEAD,
	HM_POST,
	HM_PUT,
	HM_DELETE,
	HM_OPTIONS,
	HM_PATCH,
	HM_CONNECT,
	HM_TRACE,
};

/* struct http_req.flags */
#define RF_UPGRADE	0x01

/* dir->last_hdr */
enum http_hdr {
	HH_NONE = 0,		/* no header line yet */
	HH_OTHER,
	HH_CONTENT_LENGTH,
	HH_TRANSFER_ENCODING,
	HH_CONTENT_TYPE,
	HH_CONTENT_DISPOSITION,
	HH_UPGRADE,
	HH_HOST,
	HH_CONTENT_ENCODING,
};

struct http_word {
	const char *name;
	u8 len;
	u8 id;
};

static const struct http_word http_methods[] = {
	{ "GET",	3, HM_GET },
	{ "HEAD",	4, HM_HEAD },
	{ "POST",	4, HM_POST },
	{ "PUT",	3, HM_PUT },
	{ "DELETE",	6, HM_DELETE },
	{ "OPTIONS",	7, HM_OPTIONS },
	{ "PATCH",	5, HM_PATCH },
	{ "CONNECT",	7, HM_CONNECT },
	{ "TRACE",	5, HM_TRACE },
};

/* Header names, lower case. */
static const struct http_word http_headers[] = {
	{ "content-length",	 14, HH_CONTENT_LENGTH },
	{ "transfer-encoding",	 17, HH_TRANSFER_ENCODING },
	{ "content-type",	 12, HH_CONTENT_TYPE },
	{ "content-disposition", 19, HH_CONTENT_DISPOSITION },
	{ "upgrade",		  7, HH_UPGRADE },
	{ "host",		  4, HH_HOST },
	{ "content-encoding",	 16, HH_CONTENT_ENCODING },
};

/* Bytes after its leading white space that tell a status line from 0.9 */
#define HTTP_STATUS_PEEK	8

/* One call of nfav_http_parse() or nfav_http_eof(). */
struct http_run {
	struct nfav_http *h;
	struct nfav_http_dir *d;
	const struct nfav_proto_ops *ops;
	void *ctx;
	const u8 *data;
	u32 len;
	u32 pos;
	enum nfav_side side;
};

static inline u8 http_lower(u8 c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline bool http_ows(u8 c)
{
	return c == ' ' || c == '\t';
}

/* White space clients skip around the parts of a status line */
static inline bool http_sws(u8 c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static inline bool http_digit(u8 c)
{
	return c >= '0' && c <= '9';
}

static const char http_tchar_punct[] = "!#$%&'*+-.^_`|~";

/* RFC 9110 tchar */
static bool http_tchar(u8 c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || http_digit(c))
		return true;
	return c && memchr(http_tchar_punct, c, sizeof(http_tchar_punct) - 1);
}

static int http_hex(u8 c)
{
	if (http_digit(c))
		return c - '0';
	c = http_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Case-insensitive match of @s (@n bytes) against lower-case @word. */
static bool http_ieq(const char *s, u32 n, const char *word, u32 wlen)
{
	u32 i;

	if (n != wlen)
		return false;
	for (i = 0; i < n; i++)
		if (http_lower(s[i]) != (u8)word[i])
			return false;
	return true;
}

static u8 http_lookup(const struct http_word *tab, u32 count, const char *s,
		      u32 n, bool icase)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (icase) {
			if (http_ieq(s, n, tab[i].name, tab[i].len))
				return tab[i].id;
		} else if (n == tab[i].len && !memcmp(s, tab[i].name, n)) {
			return tab[i].id;
		}
	}
	return 0;
}

/* Copy @n bytes to a NUL-terminated buffer of @size, truncating. */
static void http_strlcpy(char *dst, const char *src, u32 n, u32 size)
{
	n = min(n, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- outstanding requests ---- */

/* A request in h->queue: this header, then URL, name and host. */
struct http_req {
	u8 method;		/* enum http_method */
	u8 flags;		/* RF_* */
	u8 url_len, name_len, host_len;
};

#define HTTP_REQ_HDR	sizeof(struct http_req)

static inline struct http_req *http_req_first(struct nfav_http *h)
{
	return (struct http_req *)h->queue;
}

static inline struct http_req *http_req_last(struct nfav_http *h)
{
	return (struct http_req *)(h->queue + h->queue_last);
}

static u32 http_req_size(const struct http_req *q)
{
	return HTTP_REQ_HDR + q->url_len + q->name_len + q->host_len;
}

/*
 * Remember a request and the metadata of its response: @m's URL, name and
 * host.  Without room for the URL, the request is kept without it (a
 * response without a URL is still scanned).  Returns -1 without room at all.
 */
static int http_req_push(struct nfav_http *h, u8 method,
			 const struct nfav_obj_meta *m)
{
	u32 url = strlen(m->url), name = strlen(m->name);
	u32 host = strlen(m->host), room, need;
	struct http_req *q;
	u8 *p;

	if (h->pending_count >= NFAV_HTTP_PIPELINE_MAX)
		return -1;
	room = NFAV_HTTP_QUEUE_BYTES - h->queue_len;
	need = HTTP_REQ_HDR + name + host;
	if (need > room)
		return -1;
	if (need + url > room)
		url = 0;
	q = (struct http_req *)(h->queue + h->queue_len);
	q->method = method;
	q->flags = 0;
	q->url_len = url;
	q->name_len = name;
	q->host_len = host;
	p = (u8 *)(q + 1);
	memcpy(p, m->url, url);
	memcpy(p + url, m->name, name);
	memcpy(p + url + name, m->host, host);
	h->queue_last = h->queue_len;
	h->queue_len += need + url;
	h->pending_count++;
	return 0;
}

/* The newest request learns its host (from a Host header), if there is room. */
static void http_req_set_host(struct nfav_http *h, const char *host)
{
	struct http_req *q = http_req_last(h);
	u32 n = strlen(host);

	if (q->host_len || n > NFAV_HTTP_QUEUE_BYTES - (u32)h->queue_len)
		return;
	memcpy(h->queue + h->queue_len, host, n);
	q->host_len = n;
	h->queue_len += n;
}

static void http_copy_str(char *dst, const u8 *src, u32 n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The oldest request is answered: its URL, host and (unless the response
 * named the object) name go to @m, and it is forgotten.
 */
static void http_req_pop(struct nfav_http *h, struct nfav_obj_meta *m)
{
	struct http_req *q = http_req_first(h);
	const u8 *p = (const u8 *)(q + 1);
	u32 size = http_req_size(q);

	http_copy_str(m->url, p, q->url_len);
	if (!m->name[0])
		http_copy_str(m->name, p + q->url_len, q->name_len);
	http_copy_str(m->host, p + q->url_len + q->name_len, q->host_len);
	h->queue_len -= size;
	memmove(h->queue, h->queue + size, h->queue_len);
	h->queue_last = h->pending_count > 1 ? h->queue_last - size : 0;
	h->pending_count--;
}

/* ---- events ---- */

static void http_msg_begin(struct http_run *r, u32 off)
{
	if (r->side == NFAV_SIDE_CLIENT && !r->h->scan_requests)
		return;
	r->d->msg_flags |= MF_EMIT | MF_MSG;
	if (r->ops->msg_begin)
		r->ops->msg_begin(r->ctx, r->side, off);
}

static void http_obj_begin(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;

	if (!(d->msg_flags & MF_EMIT) || (d->msg_flags & MF_OBJ))
		return;
	d->msg_flags |= MF_OBJ;
	if (r->ops->obj_begin && r->ops->obj_begin(r->ctx, r->side, &d->meta))
		d->msg_flags |= MF_NODATA;
}

static void http_obj_data(struct http_run *r, const u8 *p, u32 n)
{
	if ((r->d->msg_flags & (MF_OBJ | MF_NODATA)) != MF_OBJ || !n)
		return;
	if (r->ops->obj_data)
		r->ops->obj_data(r->ctx, r->side, p, n);
}

static void http_obj_end(struct http_run *r, u32 off)
{
	if (!(r->d->msg_flags & MF_OBJ))
		return;
	r->d->msg_flags &= ~(MF_OBJ | MF_NODATA);
	if (r->ops->obj_end)
		r->ops->obj_end(r->ctx, r->side, off);
}

static void http_msg_end(struct http_run *r, u32 off)
{
	http_obj_end(r, off);
	if (!(r->d->msg_flags & MF_MSG))
		return;
	r->d->msg_flags &= ~MF_MSG;
	if (r->ops->msg_end)
		r->ops->msg_end(r->ctx, r->side, off);
}

/* The message ends at @off; the next byte starts a new one. */
static void http_msg_done(struct http_run *r, u32 off)
{
	http_msg_end(r, off);
	r->d->state = HS_START;
	r->d->msg_flags = 0;
	r->d->line_len = 0;
}

/* Stop the parser for good at the current byte. */
static int http_fail(struct http_run *r, enum nfav_parse_status st)
{
	if (st == NFAV_PARSE_BYPASS)
		http_msg_end(r, r->pos);
	else
		http_obj_end(r, r->pos);
	r->h->status = st;
	return st;
}

/* Client bytes that do not parse: not HTTP at all, or a violation. */
static int http_not_http(struct http_run *r)
{
	if (r->side == NFAV_SIDE_CLIENT && !(r->d->flags & DF_SEEN))
		return http_fail(r, NFAV_PARSE_BYPASS);
	return http_fail(r, NFAV_PARSE_MALFORMED);
}

/* ---- metadata ---- */

/*
 * Store @n bytes of a file name in @dst: percent-decoded if @pct, keeping
 * only the part after the last slash or backslash.
 */
static void http_set_name(char *dst, const u8 *src, u32 n, bool pct)
{
	u32 i, o = 0;
	int hi, lo;
	u8 c;

	/* to the end: a slash after a long segment starts the name anew */
	for (i = 0; i < n; i++) {
		c = src[i];
		if (pct && c == '%' && i + 2 < n) {
			hi = http_hex(src[i + 1]);
			lo = http_hex(src[i + 2]);
			if (hi >= 0 && lo >= 0) {
				u8 v = (u8)(hi << 4 | lo);

				if (v >= 0x20 && v != 0x7f) {
					c = v;
					i += 2;
				}
			}
		}
		if (c < 0x20 || c == 0x7f)
			c = '_';
		if (c == '/' || c == '\\') {
			o = 0;
			continue;
		}
		if (o < NFAV_META_NAME_MAX - 1)
			dst[o++] = c;
	}
	dst[o] = '\0';
}

/* Name of the object a request target designates: its last path segment. */
static void http_url_name(char *dst, const u8 *t, u32 n)
{
	u32 i, end = n, start = 0;

	for (i = 0; i < n; i++) {
		if (t[i] == '?' || t[i] == '#') {
			end = i;
			break;
		}
	}
	/* absolute-form: skip scheme and authority */
	for (i = 0; i + 2 < end && t[i] != '/'; i++) {
		if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/') {
			start = i + 3;
			while (start < end && t[start] != '/')
				start++;
			break;
		}
	}
	/* authority-form (CONNECT) and asterisk-form name nothing */
	if (start == 0 && (!n || t[0] != '/'))
		start = end;
	http_set_name(dst, t + start, end - start, true);
}

/* Content-Disposition: take filename*= (preferred) or filename=. */
static void http_cd_name(struct nfav_http_dir *d, u8 *v, u32 n)
{
	u32 i = 0, ns, nl, vs, vl, q;
	bool star, found = false;

	while (i < n) {
		while (i < n && (http_ows(v[i]) || v[i] == ';'))
			i++;
		ns = i;
		while (i < n && v[i] != '=' && v[i] != ';' && !http_ows(v[i]))
			i++;
		nl = i - ns;
		while (i < n && http_ows(v[i]))
			i++;
		if (i >= n || v[i] != '=')
			goto next;
		i++;
		while (i < n && http_ows(v[i]))
			i++;
		if (i < n && v[i] == '"') {
			/* quoted-string: drop the escapes in place */
			vs = ++i;
			q = i;
			while (i < n && v[i] != '"') {
				if (v[i] == '\\' && i + 1 < n)
					i++;
				v[q++] = v[i++];
			}
			vl = q - vs;
			if (i < n)
				i++;
		} else {
			vs = i;
			while (i < n && v[i] != ';' && !http_ows(v[i]))
				i++;
			vl = i - vs;
		}
		star = http_ieq((const char *)v + ns, nl, "filename*", 9);
		if (star) {
			/* charset'language'value */
			for (q = 0; q < 2; q++) {
				while (vl && v[vs] != '\'') {
					vs++;
					vl--;
				}
				if (vl) {
					vs++;
					vl--;
				}
			}
			http_set_name(d->meta.name, v + vs, vl, true);
			found = true;
		} else if (!found &&
			   http_ieq((const char *)v + ns, nl, "filename", 8)) {
			http_set_name(d->meta.name, v + vs, vl, false);
		}
next:
		while (i < n && v[i] != ';')
			i++;
	}
}

/* Content-Type: the media type, lower case, without parameters. */
static void http_set_type(struct nfav_http_dir *d, const u8 *v, u32 n)
{
	u32 i;

	for (i = 0; i < n && i < NFAV_META_TYPE_MAX - 1; i++) {
		if (v[i] == ';' || http_ows(v[i]))
			break;
		d->meta.content_type[i] = http_lower(v[i]);
	}
	d->meta.content_type[i] = '\0';
}

/*
 * The next element of the comma-separated list @v (@n bytes) from *@i:
 * its bounds in [*@s, *@e), without white space.  Empty elements are
 * skipped.  Returns false at the end of the list.
 */
static bool http_list_next(const u8 *v, u32 n, u32 *i, u32 *s, u32 *e)
{
	while (*i < n) {
		while (*i < n && (http_ows(v[*i]) || v[*i] == ','))
			(*i)++;
		*s = *i;
		while (*i < n && v[*i] != ',')
			(*i)++;
		*e = *i;
		while (*e > *s && http_ows(v[*e - 1]))
			(*e)--;
		if (*e > *s)
			return true;
	}
	return false;
}

/*
 * Append the codings of the list @v (@n bytes) to @dst (@size bytes),
 * lower case, comma separated, without "identity".  Codings that do not fit
 * are malformed: no client undoes that many (curl stops at 5), and the
 * daemon must see every coding to scan what clients keep.
 */
static int http_add_codings(char *dst, u32 size, const u8 *v, u32 n)
{
	u32 i = 0, s, e, o = strlen(dst);

	while (http_list_next(v, n, &i, &s, &e)) {
		if (http_ieq((const char *)v + s, e - s, "identity", 8))
			continue;
		if (o + (o ? 1 : 0) + (e - s) >= size)
			return NFAV_PARSE_MALFORMED;
		if (o)
			dst[o++] = ',';
		while (s < e)
			dst[o++] = http_lower(v[s++]);
		dst[o] = '\0';
	}
	return NFAV_PARSE_OK;
}

/*
 * The host of a request: lower case, kept whole or not at all (a truncated
 * name could match a bypass entry it does not belong to).
 */
static void http_set_host(char *dst, const u8 *v, u32 n)
{
	u32 i;

	if (n >= NFAV_META_HOST_MAX) {
		dst[0] = '\0';
		return;
	}
	for (i = 0; i < n; i++)
		dst[i] = (v[i] < 0x20 || v[i] == 0x7f) ? '_' : http_lower(v[i]);
	dst[n] = '\0';
}

/* The authority of an absolute-form request target, or nothing. */
static void http_url_host(char *dst, const u8 *t, u32 n)
{
	u32 i, s;

	dst[0] = '\0';
	for (i = 0; i + 2 < n && t[i] != '/'; i++) {
		if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/') {
			s = i + 3;
			for (i = s; i < n && t[i] != '/' && t[i] != '?' &&
			     t[i] != '#'; i++)
				;
			http_set_host(dst, t + s, i - s);
			return;
		}
	}
}

/* ---- header values ---- */

static int http_content_length(struct nfav_http_dir *d, const u8 *v, u32 n)
{
	u64 val, first = 0;
	u32 i = 0, digits;
	bool any = false;

	/* 1#DIGIT, all equal (RFC 9110 8.6) */
	for (;;) {
		while (i < n && http_ows(v[i]))
			i++;
		val = 0;
		digits = 0;
		while (i < n && http_digit(v[i])) {
			/* no 64-bit division: 32-bit kernels lack it */
			if (val > HTTP_LEN_MAX / 10)
				return NFAV_PARSE_MALFORMED;
			val = val * 10 + (v[i] - '0');
			if (val > HTTP_LEN_MAX)
				return NFAV_PARSE_MALFORMED;
			digits++;
			i++;
		}
		if (!digits || (any && val != first))
			return NFAV_PARSE_MALFORMED;
		first = val;
		any = true;
		while (i < n && http_ows(v[i]))
			i++;
		if (i == n)
			break;
		if (v[i] != ',')
			return NFAV_PARSE_MALFORMED;
		i++;
	}
	if ((d->msg_flags & MF_CL) && d->content_length != first)
		return NFAV_PARSE_MALFORMED;
	d->msg_flags |= MF_CL;
	d->content_length = first;
	return NFAV_PARSE_OK;
}

static int http_transfer_encoding(struct nfav_http_dir *d, const u8 *v, u32 n)
{
	u32 i = 0, s, e;
	bool any = false;

	while (http_list_next(v, n, &i, &s, &e)) {
		any = true;
		/* nothing may follow chunked */
		if (d->msg_flags & MF_CHUNKED)
			return NFAV_PARSE_MALFORMED;
		if (http_ieq((const char *)v + s, e - s, "chunked", 7))
			d->msg_flags |= MF_CHUNKED;
		else if (http_add_codings(d->te, sizeof(d->te), v + s, e - s))
			return NFAV_PARSE_MALFORMED;
	}
	if (!any)
		return NFAV_PARSE_MALFORMED;
	d->msg_flags |= MF_TE;
	return NFAV_PARSE_OK;
}

/* A complete, non-empty header line of @n bytes is in d->line. */
static int http_header(struct http_run *r, u32 n)
{
	struct nfav_http_dir *d = r->d;
	u8 *l = (u8 *)d->line;
	u32 i, e;
	u8 id;

	if (http_ows(l[0])) {
		/* obs-fold: harmless only after a header we ignore */
		return d->last_hdr == HH_OTHER ? NFAV_PARSE_OK :
		       NFAV_PARSE_MALFORMED;
	}
	for (i = 0; i < n && http_tchar(l[i]); i++)
		;
	if (!i || i == n || l[i] != ':')
		return NFAV_PARSE_MALFORMED;
	id = http_lookup(http_headers, ARRAY_SIZE(http_headers), d->line, i,
			 true);
	d->last_hdr = id ? id : HH_OTHER;
	i++;
	while (i < n && http_ows(l[i]))
		i++;
	e = n;
	while (e > i && http_ows(l[e - 1]))
		e--;
	switch (id) {
	case HH_CONTENT_LENGTH:
		return http_content_length(d, l + i, e - i);
	case HH_TRANSFER_ENCODING:
		return http_transfer_encoding(d, l + i, e - i);
	case HH_CONTENT_TYPE:
		http_set_type(d, l + i, e - i);
		break;
	case HH_CONTENT_DISPOSITION:
		http_cd_name(d, l + i, e - i);
		break;
	case HH_UPGRADE:
		d->msg_flags |= MF_UPGRADE;
		break;
	case HH_CONTENT_ENCODING:
		return http_add_codings(d->meta.encoding,
					sizeof(d->meta.encoding), l + i,
					e - i);
	case HH_HOST:
		/* an absolute-form target's authority wins (RFC 9112 3.2.2) */
		if (r->side == NFAV_SIDE_CLIENT && r->h->pending_count &&
		    !d->meta.host[0]) {
			http_set_host(d->meta.host, l + i, e - i);
			http_req_set_host(r->h, d->meta.host);
		}
		break;
	}
	return NFAV_PARSE_OK;
}

/* ---- start lines ---- */

static int http_request_line(struct http_run *r, u32 n)
{
	struct nfav_http *h = r->h;
	struct nfav_http_dir *d = r->d;
	const u8 *l = (const u8 *)d->line;
	u32 i, sp, ts, te;
	u8 method;
	bool v09 = false;

	for (i = 0; i < n; i++)
		if (l[i] < 0x20 || l[i] == 0x7f)
			return http_not_http(r);
	for (sp = 0; sp < n && l[sp] != ' '; sp++)
		;
	ts = sp + 1;
	for (te = ts; te < n && l[te] != ' '; te++)
		;
	if (sp == 0 || ts >= n || te == ts)
		return http_not_http(r);
	method = http_lookup(http_methods, ARRAY_SIZE(http_methods), d->line,
			     sp, false);
	if (te < n) {
		/* HTTP-version: HTTP/1.x */
		if (n - te - 1 != 8 || memcmp(l + te + 1, "HTTP/1.", 7) ||
		    !http_digit(l[te + 8]))
			return http_not_http(r);
	} else if (!(d->msg_flags & MF_TRUNC)) {
		/* HTTP/0.9 simple request */
		if (method != HM_GET)
			return http_not_http(r);
		v09 = true;
	}
	http_strlcpy(d->meta.url, d->line + ts, te - ts, sizeof(d->meta.url));
	http_url_name(d->meta.name, l + ts, te - ts);
	http_url_host(d->meta.host, l + ts, te - ts);
	/* more requests outstanding than remembered: never unscanned */
	if (http_req_push(h, method, &d->meta))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	d->flags |= DF_SEEN;
	r->pos++;
	if (v09) {
		http_msg_done(r, r->pos);
		return NFAV_PARSE_OK;
	}
	d->state = HS_HDR;
	d->line_len = 0;
	return NFAV_PARSE_OK;
}

/*
 * A status line, parsed as leniently as clients do: white space (not only
 * one SP) around the parts, any version after "HTTP/" (python takes
 * "HTTP/1.10", curl "HTTP/2"), any case (curl, browsers), and anything but
 * a digit after the code (curl takes "200OK").  Whatever one of them takes
 * for a status line is framed as HTTP/1.x; the rest is malformed.
 */
static int http_status_line(struct http_run *r, u32 n)
{
	struct nfav_http_dir *d = r->d;
	const u8 *l = (const u8 *)d->line;
	u32 i = d->lead + 4, v;

	for (v = 0; v < n; v++)
		if (!l[v])
			return http_fail(r, NFAV_PARSE_MALFORMED);
	/* "HTTP/" then a version starting with a digit */
	if (i + 1 >= n || l[i] != '/' || !http_digit(l[i + 1]))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	for (v = i + 1; v < n && !http_sws(l[v]); v++)
		;
	for (i = v; i < n && http_sws(l[i]); i++)
		;
	if (i == v || i + 3 > n || !http_digit(l[i]) ||
	    !http_digit(l[i + 1]) || !http_digit(l[i + 2]) ||
	    (i + 3 < n && http_digit(l[i + 3])))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	d->status_code = (l[i] - '0') * 100 + (l[i + 1] - '0') * 10 +
			 (l[i + 2] - '0');
	if (d->status_code < 100)
		return http_fail(r, NFAV_PARSE_MALFORMED);
	d->flags |= DF_SEEN;
	d->state = HS_HDR;
	d->line_len = 0;
	r->pos++;
	return NFAV_PARSE_OK;
}

static int http_simple_response(struct http_run *r);

/*
 * Where "http" (any case) starts among the first bytes of a response: after
 * its leading white space, or up to 4 bytes later (browsers skip that much
 * junk before it); -1 if it is not there.
 */
static int http_status_find(const struct nfav_http_dir *d)
{
	u32 i, end = min((u32)d->line_len, (u32)d->lead + HTTP_STATUS_PEEK);

	for (i = 0; i + 4 <= end; i++)
		if (http_ieq(d->line + i, 4, "http", 4))
			return i;
	return -1;
}

/*
 * Enough of a response's first line is known to tell a status line (some
 * client takes it for one) from HTTP/0.9 (no "http" near the start).  With
 * junk before the "http", clients disagree: malformed.
 */
static int http_status_decide(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	int at = http_status_find(d);

	if (at < 0)
		return http_simple_response(r);
	if ((u32)at != d->lead)
		return http_fail(r, NFAV_PARSE_MALFORMED);
	d->msg_flags |= MF_STATUS;
	return NFAV_PARSE_OK;
}

/* Strip the CR of a complete line; a CR anywhere else is not tolerated. */
static int http_line_len(struct nfav_http_dir *d, u32 *n)
{
	u32 i, len = d->line_len;

	if (len && d->line[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++)
		if (d->line[i] == '\r')
			return -1;
	*n = len;
	return 0;
}

/* Server bytes that do not start with "HTTP/": an HTTP/0.9 response. */
static int http_simple_response(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;

	http_req_pop(r->h, &d->meta);
	d->state = HS_CLOSE;
	http_obj_begin(r);
	http_obj_data(r, (const u8 *)d->line, d->line_len);
	d->line_len = 0;
	return NFAV_PARSE_OK;
}

/* ---- states ---- */

static int http_st_start(struct http_run *r)
{
	struct nfav_http *h = r->h;
	struct nfav_http_dir *d = r->d;
	u8 c = r->data[r->pos];

	if (c == '\r' || c == '\n') {
		r->pos++;
		return NFAV_PARSE_OK;
	}
	d->msg_flags = 0;
	d->line_len = 0;
	d->remaining = 0;
	d->content_length = 0;
	d->status_code = 0;
	d->last_hdr = HH_NONE;
	d->lead = 0;
	d->hdr_bytes = 0;
	d->te[0] = '\0';
	memset(&d->meta, 0, sizeof(d->meta));
	d->meta.length = NFAV_LEN_UNKNOWN;
	if (r->side == NFAV_SIDE_SERVER) {
		if (!h->pending_count)
			return http_fail(r, NFAV_PARSE_MALFORMED);
	} else if (h->pending_count &&
		   http_req_last(h)->method == HM_CONNECT) {
		/* the client does not wait for the answer to CONNECT */
		return http_fail(r, NFAV_PARSE_BYPASS);
	}
	http_msg_begin(r, r->pos);
	d->state = HS_LINE;
	return NFAV_PARSE_OK;
}

static int http_st_line(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	int st;
	u32 n;
	u8 c;

	while (r->pos < r->len) {
		c = r->data[r->pos];
		if (r->side == NFAV_SIDE_SERVER && !(d->msg_flags & MF_STATUS)) {
			if (c == '\n' ||
			    d->line_len >= d->lead + HTTP_STATUS_PEEK) {
				st = http_status_decide(r);
				if (st || d->state != HS_LINE)
					return st;
			} else if (http_sws(c) && d->line_len == d->lead) {
				if (d->lead == 0xff)
					return http_fail(r,
							 NFAV_PARSE_MALFORMED);
				d->lead++;
			}
		}
		if (c == '\n') {
			if (http_line_len(d, &n))
				return http_not_http(r);
			if (r->side == NFAV_SIDE_SERVER)
				return http_status_line(r, n);
			if (!(d->msg_flags & MF_SP))
				return http_not_http(r);
			return http_request_line(r, n);
		}
		if (r->side == NFAV_SIDE_SERVER) {
			if (!c && (d->msg_flags & MF_STATUS))
				return http_fail(r, NFAV_PARSE_MALFORMED);
		} else if (!(d->msg_flags & MF_SP)) {
			if (c == ' ' && d->line_len)
				d->msg_flags |= MF_SP;
			else if (!http_tchar(c) ||
				 d->line_len >= HTTP_METHOD_MAX)
				return http_not_http(r);
		} else if (!c) {
			return http_not_http(r);
		}
		if (d->line_len >= NFAV_HTTP_LINE_MAX &&
		    r->side == NFAV_SIDE_SERVER)
			return http_fail(r, NFAV_PARSE_MALFORMED);
		if (d->line_len < NFAV_HTTP_LINE_MAX)
			d->line[d->line_len++] = c;
		else
			d->msg_flags |= MF_TRUNC;	/* long URL: keep a prefix */
		r->pos++;
	}
	return NFAV_PARSE_OK;
}

static void http_begin_chunks(struct nfav_http_dir *d)
{
	d->state = HS_CHUNK_SIZE;
	d->line_len = 0;
	d->remaining = 0;
}

static void http_begin_body(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;

	d->meta.length = d->content_length;
	d->remaining = d->content_length;
	d->state = HS_BODY;
	http_obj_begin(r);
}

static int http_request_done(struct http_run *r)
{
	struct nfav_http *h = r->h;
	struct nfav_http_dir *d = r->d;

	if (d->msg_flags & MF_UPGRADE)
		http_req_last(h)->flags |= RF_UPGRADE;
	if (d->msg_flags & MF_TE) {
		if (!(d->msg_flags & MF_CHUNKED))
			return http_fail(r, NFAV_PARSE_MALFORMED);
		http_begin_chunks(d);
	} else if (d->content_length) {
		http_begin_body(r);
	} else {
		http_msg_done(r, r->pos);
	}
	return NFAV_PARSE_OK;
}

static int http_response_done(struct http_run *r)
{
	struct nfav_http *h = r->h;
	struct nfav_http_dir *d = r->d;
	struct http_req *req = http_req_first(h);
	u16 code = d->status_code;
	u8 method = req->method;

	if (code < 200) {
		if (code == 101) {
			if (!(req->flags & RF_UPGRADE))
				return http_fail(r, NFAV_PARSE_MALFORMED);
			return http_fail(r, NFAV_PARSE_BYPASS);
		}
		/* interim: the final response follows */
		http_msg_done(r, r->pos);
		return NFAV_PARSE_OK;
	}
	http_req_pop(h, &d->meta);
	if (method == HM_CONNECT && code < 300)
		return http_fail(r, NFAV_PARSE_BYPASS);
	if (method == HM_HEAD || code == 204 || code == 304) {
		http_msg_done(r, r->pos);
	} else if (d->msg_flags & MF_CHUNKED) {
		http_begin_chunks(d);
	} else if (d->msg_flags & MF_TE) {
		d->state = HS_CLOSE;
	} else if (d->msg_flags & MF_CL) {
		if (d->content_length)
			http_begin_body(r);
		else
			http_msg_done(r, r->pos);
	} else {
		d->state = HS_CLOSE;
	}
	return NFAV_PARSE_OK;
}

/* The empty line after the headers; r->pos is just past it. */
static int http_headers_done(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;

	d->line_len = 0;
	if ((d->msg_flags & (MF_TE | MF_CL)) == (MF_TE | MF_CL))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	/* transfer codings other than chunked were applied last */
	if (d->te[0] &&
	    http_add_codings(d->meta.encoding, sizeof(d->meta.encoding),
			     (const u8 *)d->te, strlen(d->te)))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	if (r->side == NFAV_SIDE_CLIENT)
		return http_request_done(r);
	return http_response_done(r);
}

/* A header line does not fit in line[]. */
static int http_hdr_overflow(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	u32 i;

	if (d->msg_flags & MF_TRAILER) {
		d->state = HS_HDR_SKIP;
		return NFAV_PARSE_OK;
	}
	if (http_ows(d->line[0])) {
		if (d->last_hdr != HH_OTHER)
			return http_fail(r, NFAV_PARSE_MALFORMED);
		d->state = HS_HDR_SKIP;
		return NFAV_PARSE_OK;
	}
	for (i = 0; i < d->line_len && http_tchar(d->line[i]); i++)
		;
	/* only a header that does not matter to framing or metadata */
	if (!i || i == d->line_len || d->line[i] != ':' ||
	    http_lookup(http_headers, ARRAY_SIZE(http_headers), d->line, i,
			true))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	d->last_hdr = HH_OTHER;
	d->state = HS_HDR_SKIP;
	return NFAV_PARSE_OK;
}

static int http_st_hdr(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	u32 n;
	int st;
	u8 c;

	while (r->pos < r->len) {
		c = r->data[r->pos];
		if (c == '\n')
			break;
		if (!c)
			return http_fail(r, NFAV_PARSE_MALFORMED);
		if (d->line_len >= NFAV_HTTP_LINE_MAX)
			return http_hdr_overflow(r);
		d->line[d->line_len++] = c;
		r->pos++;
	}
	if (r->pos == r->len)
		return NFAV_PARSE_OK;
	if (http_line_len(d, &n))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	if (d->msg_flags & MF_TRAILER) {
		r->pos++;
		d->line_len = 0;
		if (!n)
			http_msg_done(r, r->pos);
		return NFAV_PARSE_OK;
	}
	if (!n) {
		r->pos++;
		return http_headers_done(r);
	}
	st = http_header(r, n);
	if (st)
		return http_fail(r, st);
	d->line_len = 0;
	r->pos++;
	return NFAV_PARSE_OK;
}

static int http_st_hdr_skip(struct http_run *r)
{
	u8 c;

	while (r->pos < r->len) {
		c = r->data[r->pos];
		if (!c)
			return http_fail(r, NFAV_PARSE_MALFORMED);
		r->pos++;
		if (c == '\n') {
			r->d->state = HS_HDR;
			r->d->line_len = 0;
			break;
		}
	}
	return NFAV_PARSE_OK;
}

static int http_st_body(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	u32 n = r->len - r->pos;

	if (d->remaining < n)
		n = (u32)d->remaining;
	http_obj_data(r, r->data + r->pos, n);
	r->pos += n;
	d->remaining -= n;
	if (d->remaining)
		return NFAV_PARSE_OK;
	if (d->state == HS_CHUNK_DATA)
		d->state = HS_CHUNK_END;
	else
		http_msg_done(r, r->pos);
	return NFAV_PARSE_OK;
}

static int http_st_close(struct http_run *r)
{
	http_obj_begin(r);
	http_obj_data(r, r->data + r->pos, r->len - r->pos);
	r->pos = r->len;
	return NFAV_PARSE_OK;
}

/* The chunk size line ended; r->pos is at its LF. */
static int http_chunk_line(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;

	r->pos++;
	d->line_len = 0;
	if (!d->remaining) {
		/* last-chunk: trailers follow */
		d->msg_flags |= MF_TRAILER;
		d->state = HS_HDR;
		return NFAV_PARSE_OK;
	}
	http_obj_begin(r);
	d->state = HS_CHUNK_DATA;
	return NFAV_PARSE_OK;
}

static int http_st_chunk_size(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	int v;
	u8 c;

	while (r->pos < r->len) {
		c = r->data[r->pos];
		v = http_hex(c);
		if (v < 0)
			break;
		if (d->remaining > (HTTP_LEN_MAX >> 4) ||
		    d->line_len >= NFAV_HTTP_LINE_MAX)
			return http_fail(r, NFAV_PARSE_MALFORMED);
		d->remaining = (d->remaining << 4) | v;
		if (d->remaining > HTTP_LEN_MAX)
			return http_fail(r, NFAV_PARSE_MALFORMED);
		d->line_len++;
		r->pos++;
	}
	if (r->pos == r->len)
		return NFAV_PARSE_OK;
	c = r->data[r->pos];
	if (!d->line_len)
		return http_fail(r, NFAV_PARSE_MALFORMED);
	if (c == '\n')
		return http_chunk_line(r);
	if (c != ';' && c != '\r' && !http_ows(c))
		return http_fail(r, NFAV_PARSE_MALFORMED);
	d->state = HS_CHUNK_EXT;
	return NFAV_PARSE_OK;
}

static int http_st_chunk_ext(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	u8 c;

	while (r->pos < r->len) {
		c = r->data[r->pos];
		if (c == '\n')
			return http_chunk_line(r);
		if (!c || d->line_len >= NFAV_HTTP_LINE_MAX)
			return http_fail(r, NFAV_PARSE_MALFORMED);
		d->line_len++;
		r->pos++;
	}
	return NFAV_PARSE_OK;
}

static int http_st_chunk_end(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	u8 c = r->data[r->pos];

	if (c == '\r' && !(d->msg_flags & MF_CR)) {
		d->msg_flags |= MF_CR;
		r->pos++;
		return NFAV_PARSE_OK;
	}
	if (c != '\n')
		return http_fail(r, NFAV_PARSE_MALFORMED);
	d->msg_flags &= ~MF_CR;
	r->pos++;
	http_begin_chunks(d);
	return NFAV_PARSE_OK;
}

static int http_step(struct http_run *r)
{
	switch (r->d->state) {
	case HS_START:
		return http_st_start(r);
	case HS_LINE:
		return http_st_line(r);
	case HS_HDR:
		return http_st_hdr(r);
	case HS_HDR_SKIP:
		return http_st_hdr_skip(r);
	case HS_BODY:
	case HS_CHUNK_DATA:
		return http_st_body(r);
	case HS_CLOSE:
		return http_st_close(r);
	case HS_CHUNK_SIZE:
		return http_st_chunk_size(r);
	case HS_CHUNK_EXT:
		return http_st_chunk_ext(r);
	case HS_CHUNK_END:
		return http_st_chunk_end(r);
	}
	/* data after the end of the direction */
	return http_fail(r, NFAV_PARSE_MALFORMED);
}

void nfav_http_init(struct nfav_http *h, bool scan_requests,
		    u32 header_limit)
{
	memset(h, 0, sizeof(*h));
	h->scan_requests = scan_requests ? 1 : 0;
	h->header_limit = header_limit;
}

/* Start, header and trailer lines count against the header limit. */
static int http_step_counted(struct http_run *r)
{
	struct nfav_http_dir *d = r->d;
	u8 state = d->state;
	u32 start = r->pos;
	int st;

	st = http_step(r);
	if (st || !r->h->header_limit ||
	    (state != HS_LINE && state != HS_HDR && state != HS_HDR_SKIP))
		return st;
	d->hdr_bytes += r->pos - start;
	if (d->hdr_bytes > r->h->header_limit)
		return http_fail(r, NFAV_PARSE_MALFORMED);
	return NFAV_PARSE_OK;
}

enum nfav_parse_status nfav_http_parse(struct nfav_http *h,
				       enum nfav_side side, const u8 *data,
				       u32 len,
				       const struct nfav_proto_ops *ops,
				       void *ctx)
{
	struct http_run r;

	if (h->status)
		return h->status;
	if (unlikely(side != NFAV_SIDE_CLIENT && side != NFAV_SIDE_SERVER))
		return NFAV_PARSE_MALFORMED;
	r.h = h;
	r.d = &h->dir[side];
	r.ops = ops;
	r.ctx = ctx;
	r.data = data;
	r.len = len;
	r.pos = 0;
	r.side = side;
	while (r.pos < r.len)
		if (http_step_counted(&r))
			break;
	return h->status;
}

enum nfav_parse_status nfav_http_eof(struct nfav_http *h, enum nfav_side side,
				     const struct nfav_proto_ops *ops,
				     void *ctx)
{
	struct http_run r;

	if (h->status)
		return h->status;
	if (unlikely(side != NFAV_SIDE_CLIENT && side != NFAV_SIDE_SERVER))
		return NFAV_PARSE_MALFORMED;
	r.h = h;
	r.d = &h->dir[side];
	r.ops = ops;
	r.ctx = ctx;
	r.data = NULL;
	r.len = 0;
	r.pos = 0;
	r.side = side;
	/* a few bytes without "http" near the start, then the end: HTTP/0.9 */
	if (side == NFAV_SIDE_SERVER && r.d->state == HS_LINE &&
	    !(r.d->msg_flags & MF_STATUS) && http_status_find(r.d) < 0)
		http_simple_response(&r);
	http_msg_end(&r, 0);
	r.d->state = HS_DEAD;
	r.d->msg_flags = 0;
	return NFAV_PARSE_OK;
}
