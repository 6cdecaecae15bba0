// SPDX-License-Identifier: GPL-2.0
/*
 * Content codings (HTTP Content-Encoding, and transfer codings other than
 * chunked): undo them as clients do, then scan what clients keep.
 *
 * NFAV_O_ENCODING lists the codings in the order they were applied; they are
 * undone last first, each into a new memfd.  Codings are transport, not
 * archive layers: libclamav scans the decoded content with the object's
 * whole layer limit.  Runs in a scan thread.
 *
 * Clients differ: some keep the bytes as sent (python's http.client, curl
 * without --compressed), others decode (browsers, curl --compressed), and a
 * decoding client keeps what it decoded before an error.  So:
 *
 *   "identity", "none", empty elements  skipped (curl takes "none" as
 *                                       identity)
 *   more than CODINGS_MAX codings       error malformed: curl refuses more
 *                                       than 5, nothing is scanned
 *   a coding nfavd does not know        the bytes as sent are scanned (no
 *                                       client decodes them), and the
 *                                       codings applied after it undone too
 *   data that does not decode           leniently, as curl: what decoded
 *   (invalid, truncated, bad checksum,  before the error is scanned, and the
 *   trailing bytes after the stream)    bytes as sent too; no error
 *   concatenated gzip members           all members, and the first alone
 *                                       (curl keeps only the first)
 *   decoded content over the limit      error content-size, or error
 *   (engine_decode_limit())             malformed if it is BOMB_RATIO times
 *                                       the object's size or more: a
 *                                       decompression bomb (decoding stops
 *                                       at the limit)
 *
 * With several contents to scan, one infected makes the object infected;
 * otherwise the verdict is that of the content clients mostly keep (the
 * decoded one; the bytes as sent when a coding is unknown).
 *
 * Decoders: gzip and x-gzip (zlib, concatenated members too), deflate (a
 * zlib stream, or a raw deflate stream as some servers send), br (brotli),
 * zstd (concatenated frames too; windows up to 8 MiB, RFC 9659).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "nfavd.h"

#define CODINGS_MAX	5	/* curl undoes at most 5 codings */
/* Decoded content this many times the object's size, past the limit: a bomb */
#define BOMB_RATIO	100
#define CODING_NAME_MAX	32
#define OUT_CHUNK	(128 * 1024)
#define ZSTD_WINDOW_LOG_MAX 23	/* 8 MiB windows, as RFC 9659 allows */

enum decode_status {
	DECODE_OK,
	DECODE_CORRUPT,		/* not valid data of the coding */
	DECODE_TOO_BIG,		/* decoded content over the limit */
	DECODE_RESOURCES,	/* memory, memfd */
};

/* Where a decoder's output goes: a memfd, bounded. */
struct sink {
	int fd;
	uint64_t size;
	uint64_t limit;
	uint64_t first;		/* size at the end of the first stream */
	bool ended;		/* the first stream ended */
	unsigned char *buf;	/* OUT_CHUNK bytes the decoder writes into */
	char *detail;		/* why decoding failed, for the logs */
	size_t detail_size;
};

struct input {
	const unsigned char *data;
	size_t len;
};

typedef enum decode_status (*decode_fn)(const struct input *in,
					struct sink *s);

struct coding {
	const char *name;
	decode_fn decode;
};

static enum decode_status sink_fail(struct sink *s, enum decode_status st,
				    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum decode_status sink_fail(struct sink *s, enum decode_status st,
				    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->detail, s->detail_size, fmt, ap);
	va_end(ap);
	return st;
}

/* Append the first @len bytes of s->buf. */
static enum decode_status sink_put(struct sink *s, size_t len)
{
	const unsigned char *p = s->buf;

	if (len > s->limit - s->size)
		return sink_fail(s, DECODE_TOO_BIG,
				 "decoded content over %llu bytes",
				 (unsigned long long)s->limit);
	s->size += len;
	while (len) {
		ssize_t n = write(s->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return sink_fail(s, DECODE_RESOURCES,
					 "cannot store decoded content: %s",
					 n ? strerror(errno) : "short write");
		p += n;
		len -= (size_t)n;
	}
	return DECODE_OK;
}

/* The first stream (gzip member, zstd frame) ended here. */
static void sink_stream_end(struct sink *s)
{
	if (!s->ended) {
		s->ended = true;
		s->first = s->size;
	}
}

/* Start over (a second attempt with another decoder). */
static enum decode_status sink_reset(struct sink *s)
{
	s->size = 0;
	s->ended = false;
	if (ftruncate(s->fd, 0) || lseek(s->fd, 0, SEEK_SET) < 0)
		return sink_fail(s, DECODE_RESOURCES, "cannot reset: %s",
				 strerror(errno));
	return DECODE_OK;
}

/* ---- zlib: gzip, deflate ----------------------------------------------- */

#define GZIP_WINDOW	(16 + MAX_WBITS)
#define ZLIB_WINDOW	MAX_WBITS
#define RAW_WINDOW	(-MAX_WBITS)

/*
 * Inflate @in whole.  With @members, a stream that ends before the input
 * does is followed by another (gzip members); otherwise bytes after the end
 * are ignored, as curl ignores them.  On an error, what was inflated before
 * it stays in the sink.
 */
static enum decode_status inflate_all(const struct input *in, struct sink *s,
				      int window, bool members)
{
	enum decode_status st = DECODE_OK;
	size_t pos = 0;
	z_stream z;
	int ret;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, window) != Z_OK)
		return sink_fail(s, DECODE_RESOURCES, "zlib: out of memory");

	for (;;) {
		if (!z.avail_in && pos < in->len) {
			size_t n = in->len - pos;

			z.next_in = (Bytef *)in->data + pos;
			z.avail_in = n > UINT_MAX ? UINT_MAX : (uInt)n;
			pos += z.avail_in;
		}
		z.next_out = s->buf;
		z.avail_out = OUT_CHUNK;
		ret = inflate(&z, Z_NO_FLUSH);
		/* keep what came out, even before an error */
		st = sink_put(s, OUT_CHUNK - z.avail_out);
		if (st != DECODE_OK)
			break;
		if (ret == Z_OK)
			continue;
		if (ret == Z_STREAM_END) {
			sink_stream_end(s);
			if (!z.avail_in && pos == in->len)
				break;
			if (members && inflateReset(&z) == Z_OK)
				continue;
			break;		/* trailing bytes: ignored */
		}
		if (ret == Z_MEM_ERROR)
			st = sink_fail(s, DECODE_RESOURCES,
				       "zlib: out of memory");
		else if (ret == Z_BUF_ERROR)
			st = sink_fail(s, DECODE_CORRUPT, "truncated stream");
		else
			st = sink_fail(s, DECODE_CORRUPT, "%s",
				       z.msg ? z.msg : "invalid data");
		break;
	}
	inflateEnd(&z);
	return st;
}

static enum decode_status decode_gzip(const struct input *in, struct sink *s)
{
	return inflate_all(in, s, GZIP_WINDOW, true);
}

/*
 * RFC 9110 says a zlib stream; some servers send raw deflate.  As curl: raw
 * deflate only when the data is not a zlib stream from its start.
 */
static enum decode_status decode_deflate(const struct input *in,
					 struct sink *s)
{
	enum decode_status st = inflate_all(in, s, ZLIB_WINDOW, false);

	if (st != DECODE_CORRUPT || s->size)
		return st;
	st = sink_reset(s);
	if (st != DECODE_OK)
		return st;
	return inflate_all(in, s, RAW_WINDOW, false);
}

/* ---- brotli --------------------------------------------------------------- */

static enum decode_status decode_br(const struct input *in, struct sink *s)
{
	const uint8_t *next_in = in->data;
	size_t avail_in = in->len;
	enum decode_status st;
	BrotliDecoderState *b;

	b = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	if (!b)
		return sink_fail(s, DECODE_RESOURCES, "brotli: out of memory");
	for (;;) {
		uint8_t *next_out = s->buf;
		size_t avail_out = OUT_CHUNK;
		BrotliDecoderResult ret;

		ret = BrotliDecoderDecompressStream(b, &avail_in, &next_in,
						    &avail_out, &next_out,
						    NULL);
		st = sink_put(s, OUT_CHUNK - avail_out);
		if (st != DECODE_OK)
			break;
		if (ret == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
			continue;
		if (ret == BROTLI_DECODER_RESULT_SUCCESS)
			break;		/* trailing bytes: ignored */
		if (ret == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
			st = sink_fail(s, DECODE_CORRUPT, "truncated stream");
		else
			st = sink_fail(s, DECODE_CORRUPT, "%s",
				       BrotliDecoderErrorString(
					       BrotliDecoderGetErrorCode(b)));
		break;
	}
	BrotliDecoderDestroyInstance(b);
	return st;
}

/* ---- zstd ----------------------------------------------------------------- */

static enum decode_status decode_zstd(const struct input *in, struct sink *s)
{
	ZSTD_inBuffer ib = { .src = in->data, .size = in->len };
	enum decode_status st = DECODE_OK;
	size_t ret = 0;
	ZSTD_DCtx *z;

	z = ZSTD_createDCtx();
	if (!z)
		return sink_fail(s, DECODE_RESOURCES, "zstd: out of memory");
	ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	for (;;) {
		ZSTD_outBuffer ob = { .dst = s->buf, .size = OUT_CHUNK };

		ret = ZSTD_decompressStream(z, &ob, &ib);
		if (ZSTD_isError(ret)) {
			/* keep what came out before the error */
			st = sink_put(s, ob.pos);
			if (st != DECODE_OK)
				break;
			st = sink_fail(s, ZSTD_getErrorCode(ret) ==
				       ZSTD_error_memory_allocation ?
				       DECODE_RESOURCES : DECODE_CORRUPT,
				       "%s", ZSTD_getErrorName(ret));
			break;
		}
		st = sink_put(s, ob.pos);
		if (st != DECODE_OK)
			break;
		if (!ret)
			sink_stream_end(s);
		/* Done when the input is used up and nothing is held back. */
		if (ib.pos == ib.size && ob.pos < ob.size) {
			if (ret)
				st = sink_fail(s, DECODE_CORRUPT,
					       "truncated stream");
			break;
		}
	}
	ZSTD_freeDCtx(z);
	return st;
}

/* ---- coding lists --------------------------------------------------------- */

static const struct coding codings[] = {
	{ "gzip",	decode_gzip },
	{ "x-gzip",	decode_gzip },
	{ "deflate",	decode_deflate },
	{ "br",		decode_br },
	{ "zstd",	decode_zstd },
};

static const struct coding *coding_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(codings) / sizeof(codings[0]); i++)
		if (!strcasecmp(name, codings[i].name))
			return &codings[i];
	return NULL;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parse a coding list ("gzip, br": comma separated, optional white space;
 * empty elements, "identity" and "none" skipped) into @out, in the order
 * applied, a coding nfavd does not know as NULL with the first such name in
 * @bad.  Returns the number of codings; only the first CODINGS_MAX are
 * stored.
 */
static unsigned int codings_parse(const char *list, const struct coding **out,
				  char *bad, size_t bad_size)
{
	const char *p = list;
	unsigned int n = 0;

	bad[0] = '\0';
	for (;;) {
		const char *end = p + strcspn(p, ",");
		char name[CODING_NAME_MAX];
		const struct coding *c;
		size_t len;

		while (p < end && is_ows(*p))
			p++;
		len = (size_t)(end - p);
		while (len && is_ows(p[len - 1]))
			len--;
		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		if (len && (len >= sizeof(name) ||
			    (strcasecmp(name, "identity") &&
			     strcasecmp(name, "none")))) {
			c = len < sizeof(name) ? coding_find(name) : NULL;
			if (!c && !bad[0])
				snprintf(bad, bad_size, "%.*s", (int)len, p);
			if (n < CODINGS_MAX)
				out[n] = c;
			n++;
		}
		if (!*end)
			return n;
		p = end + 1;
	}
}

/* Map @fd's whole content (empty: data NULL). */
static int input_map(int fd, struct input *in)
{
	struct stat st;
	void *p;

	in->data = NULL;
	in->len = 0;
	if (fstat(fd, &st))
		return -errno;
	if (!st.st_size)
		return 0;
	if ((uint64_t)st.st_size > SIZE_MAX)
		return -EFBIG;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	in->data = p;
	in->len = (size_t)st.st_size;
	return 0;
}

static void input_unmap(struct input *in)
{
	if (in->data)
		munmap((void *)in->data, in->len);
}

/*
 * Undo coding @c of @in_fd's content into a new memfd (*@out_fd).  Empty
 * content stays empty, whatever the coding.  With DECODE_CORRUPT, *@out_fd
 * holds what decoded before the error; *@first is the size of the first
 * stream's content when more followed it, else 0.
 */
static enum decode_status decode_one(const struct coding *c, int in_fd,
				     uint64_t limit, int *out_fd,
				     uint64_t *first, char *detail,
				     size_t detail_size)
{
	struct sink s = {
		.fd = -1, .limit = limit,
		.detail = detail, .detail_size = detail_size,
	};
	enum decode_status st;
	struct input in;
	int err;

	*first = 0;
	err = input_map(in_fd, &in);
	if (err)
		return sink_fail(&s, DECODE_RESOURCES, "cannot map: %s",
				 strerror(-err));
	s.fd = memfd_create("nfavd-decoded", MFD_CLOEXEC);
	s.buf = malloc(OUT_CHUNK);
	if (s.fd < 0 || !s.buf)
		st = sink_fail(&s, DECODE_RESOURCES, "%s",
			       s.fd < 0 ? strerror(errno) : "out of memory");
	else if (!in.len)
		st = DECODE_OK;
	else
		st = c->decode(&in, &s);
	free(s.buf);
	input_unmap(&in);
	if (st != DECODE_OK && st != DECODE_CORRUPT) {
		if (s.fd >= 0)
			close(s.fd);
		return st;
	}
	if (s.ended && s.first < s.size)
		*first = s.first;
	*out_fd = s.fd;
	return st;
}

/* A new memfd with the first @len bytes of @fd, -1 on failure. */
static int fd_prefix(int fd, uint64_t len)
{
	int out = memfd_create("nfavd-prefix", MFD_CLOEXEC);
	loff_t in_off = 0;

	if (out < 0)
		return -1;
	while (len) {
		ssize_t n = copy_file_range(fd, &in_off, out, NULL,
					    len > SSIZE_MAX ? SSIZE_MAX : len,
					    0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(out);
			return -1;
		}
		len -= (uint64_t)n;
	}
	return out;
}

static uint64_t fd_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_size;
}

#define VIEWS_MAX	4

/* The contents to scan for one object; views[0] decides unless infected. */
struct views {
	int fd[VIEWS_MAX];
	bool owned[VIEWS_MAX];
	unsigned int n;
};

static void views_add(struct views *v, int fd, bool owned)
{
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (v->fd[i] == fd)
			return;
	if (v->n == VIEWS_MAX) {
		if (owned)
			close(fd);
		return;
	}
	v->fd[v->n] = fd;
	v->owned[v->n++] = owned;
}

/*
 * Undo codings @list[@from..@n) last first, leniently.  Returns the decoded
 * content's fd (@fd itself if nothing was undone), or -1 with @r set.
 * *@partial is set when some data did not decode; *@mid is then the input
 * of the first coding that did not decode, when that is neither @fd nor the
 * result (a client that undoes only the codings before keeps it), else -1.
 * When the last coding applied decodes to a first gzip member (or zstd
 * frame) followed by more, *@pre is a new fd with that first one's content
 * alone, else -1.
 */
static int decode_chain(struct engine *e, int fd, const struct coding **list,
			unsigned int from, unsigned int n, int *pre, int *mid,
			bool *partial, struct scan_result *r)
{
	uint64_t limit = engine_decode_limit(e), wire = fd_size(fd), first;
	char detail[NFAV_VIRUS_MAX];
	int cur = fd, next = -1;
	unsigned int k;

	for (k = n; k-- > from;) {
		const struct coding *c = list[k];
		enum decode_status st;

		st = decode_one(c, cur, limit, &next, &first, detail,
				sizeof(detail));
		if (st == DECODE_TOO_BIG) {
			if (limit / BOMB_RATIO >= wire)
				scan_error(r, NFAV_REASON_MALFORMED,
					   "%s: decompression bomb: over %llu "
					   "bytes from %llu", c->name,
					   (unsigned long long)limit,
					   (unsigned long long)wire);
			else
				scan_error(r, NFAV_REASON_CONTENT_SIZE,
					   "%s: %s", c->name, detail);
			goto fail;
		}
		if (st == DECODE_RESOURCES) {
			scan_error(r, NFAV_REASON_OUT_OF_RESOURCES, "%s: %s",
				   c->name, detail);
			goto fail;
		}
		if (st == DECODE_CORRUPT) {
			*partial = true;
			log_debug("%s: decoded leniently: %s", c->name,
				  detail);
		}
		/* curl keeps the first member only: scan it alone too */
		if (first && k == n - 1 && k == from)
			*pre = fd_prefix(next, first);
		if (st == DECODE_CORRUPT && cur != fd && *mid < 0)
			*mid = cur;
		else if (cur != fd)
			close(cur);
		cur = next;
	}
	return cur;
fail:
	if (*pre >= 0) {
		close(*pre);
		*pre = -1;
	}
	if (*mid >= 0) {
		close(*mid);
		*mid = -1;
	}
	if (cur != fd)
		close(cur);
	return -1;
}

/*
 * Scan @fd's content as an object sent with the content codings @encoding
 * (NULL: none), unpacking at most @max_layers archive layers in what it
 * decodes to.  @fd is left open.
 */
void content_scan(struct engine *e, int fd, const char *encoding,
		  unsigned int max_layers, struct scan_result *r)
{
	const struct coding *list[CODINGS_MAX];
	char bad[CODING_NAME_MAX + 8];
	struct views v = { .n = 0 };
	unsigned int n = 0, from = 0, i;
	bool partial = false;
	int dec, pre = -1, mid = -1;

	if (encoding)
		n = codings_parse(encoding, list, bad, sizeof(bad));
	if (n > CODINGS_MAX) {
		scan_error(r, NFAV_REASON_MALFORMED,
			   "%u content codings, clients undo at most %u", n,
			   CODINGS_MAX);
		return;
	}
	/* only the codings applied after the last unknown one can be undone */
	for (i = 0; i < n; i++)
		if (!list[i])
			from = i + 1;
	dec = decode_chain(e, fd, list, from, n, &pre, &mid, &partial, r);
	if (dec < 0) {
		if (pre >= 0)
			close(pre);
		return;
	}
	/* first what clients mostly keep: it decides, unless infected */
	if (from) {
		views_add(&v, fd, false);	/* no client decodes them all */
		views_add(&v, dec, dec != fd);
	} else {
		views_add(&v, dec, dec != fd);
		if (partial)
			views_add(&v, fd, false);
	}
	if (mid >= 0)
		views_add(&v, mid, true);
	if (pre >= 0)
		views_add(&v, pre, true);
	for (i = 0; i < v.n; i++) {
		struct scan_result one;

		engine_scan(e, v.fd[i], max_layers, i ? &one : r);
		if (i && one.verdict == NFAV_VERDICT_INFECTED) {
			*r = one;
			break;
		}
		if (!i && r->verdict == NFAV_VERDICT_INFECTED)
			break;
	}
	if (from && r->verdict == NFAV_VERDICT_ERROR) {
		size_t len = strlen(r->detail);

		snprintf(r->detail + len, sizeof(r->detail) - len,
			 " (unknown content coding \"%s\")", bad);
	}
	for (i = 0; i < v.n; i++)
		if (v.owned[i])
			close(v.fd[i]);
}
