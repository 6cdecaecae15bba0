// SPDX-License-Identifier: GPL-2.0
/*
 * Content codings (HTTP Content-Encoding): undo them, then scan.
 *
 * NFAV_O_ENCODING lists the codings in the order they were applied; they are
 * undone last first, each into a new memfd, and every one counts as a layer
 * against the object's limit.  libclamav then scans the decoded content with
 * what is left of the limit.  Runs in a scan thread.
 *
 *   unknown coding                      error default, nothing scanned
 *   more codings than the limit         error decompress-layer, nothing
 *                                       scanned
 *   decoded content over the limit      error content-size (decoding stops
 *   (engine_decode_limit())             there: decompression bombs)
 *   data that does not decode           that data is scanned as it is:
 *   (invalid, truncated, trailing       infected if a signature matches,
 *   bytes after the end of the stream)  else error corrupt-file
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

#define CODINGS_MAX	NFAVD_LAYERS_MAX
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

/* Start over (a second attempt with another decoder). */
static enum decode_status sink_reset(struct sink *s)
{
	s->size = 0;
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
 * make the data invalid.
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
		if (ret == Z_OK || ret == Z_STREAM_END) {
			st = sink_put(s, OUT_CHUNK - z.avail_out);
			if (st != DECODE_OK)
				break;
		}
		if (ret == Z_OK)
			continue;
		if (ret == Z_STREAM_END) {
			if (!z.avail_in && pos == in->len)
				break;
			if (members && inflateReset(&z) == Z_OK)
				continue;
			st = sink_fail(s, DECODE_CORRUPT,
				       "data after the end of the stream");
			break;
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

/* RFC 9110 says a zlib stream; some servers send raw deflate. */
static enum decode_status decode_deflate(const struct input *in,
					 struct sink *s)
{
	enum decode_status st = inflate_all(in, s, ZLIB_WINDOW, false);

	if (st != DECODE_CORRUPT)
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
		if (ret == BROTLI_DECODER_RESULT_SUCCESS && !avail_in)
			break;
		if (ret == BROTLI_DECODER_RESULT_SUCCESS)
			st = sink_fail(s, DECODE_CORRUPT,
				       "data after the end of the stream");
		else if (ret == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
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
			st = sink_fail(s, ZSTD_getErrorCode(ret) ==
				       ZSTD_error_memory_allocation ?
				       DECODE_RESOURCES : DECODE_CORRUPT,
				       "%s", ZSTD_getErrorName(ret));
			break;
		}
		st = sink_put(s, ob.pos);
		if (st != DECODE_OK)
			break;
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
 * Parse a coding list ("gzip, br": comma separated, optional white space,
 * empty elements and "identity" skipped) into @out, in the order applied.
 * Returns the number of codings (only the first CODINGS_MAX are stored), or
 * -1 with the first unknown one in @bad.
 */
static int codings_parse(const char *list, const struct coding **out,
			 char *bad, size_t bad_size)
{
	const char *p = list;
	int n = 0;

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
		c = len < sizeof(name) ? coding_find(name) : NULL;
		if (c) {
			if (n < CODINGS_MAX)
				out[n] = c;
			n++;
		} else if (len && (len >= sizeof(name) ||
				   strcasecmp(name, "identity"))) {
			snprintf(bad, bad_size, "%.*s", (int)len, p);
			return -1;
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
 * content stays empty, whatever the coding.
 */
static enum decode_status decode_one(const struct coding *c, int in_fd,
				     uint64_t limit, int *out_fd,
				     char *detail, size_t detail_size)
{
	struct sink s = {
		.fd = -1, .limit = limit,
		.detail = detail, .detail_size = detail_size,
	};
	enum decode_status st;
	struct input in;
	int err;

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
	if (st != DECODE_OK) {
		if (s.fd >= 0)
			close(s.fd);
		return st;
	}
	*out_fd = s.fd;
	return DECODE_OK;
}

/*
 * Scan @fd's content as an object sent with the content codings @encoding
 * (NULL: none), unpacking at most @max_layers layers, codings included.
 * @fd is left open.
 */
void content_scan(struct engine *e, int fd, const char *encoding,
		  unsigned int max_layers, struct scan_result *r)
{
	const struct coding *list[CODINGS_MAX];
	char detail[NFAV_VIRUS_MAX];
	unsigned int n, done;
	int cur = fd, next = -1;
	uint64_t limit;

	n = 0;
	if (encoding) {
		int ret = codings_parse(encoding, list, detail, sizeof(detail));

		if (ret < 0) {
			scan_error(r, NFAV_REASON_DEFAULT,
				   "unknown content coding \"%s\"", detail);
			return;
		}
		n = (unsigned int)ret;
	}
	if (n > max_layers) {
		scan_error(r, NFAV_REASON_DECOMPRESS_LAYER,
			   "%u content codings, limit %u layer%s", n,
			   max_layers, max_layers == 1 ? "" : "s");
		return;
	}

	limit = engine_decode_limit(e);
	for (done = 0; done < n; done++) {
		const struct coding *c = list[n - 1 - done];
		enum decode_status st;

		st = decode_one(c, cur, limit, &next, detail, sizeof(detail));
		if (st == DECODE_CORRUPT) {
			/* Scan what does not decode as it is. */
			engine_scan(e, cur, max_layers - done, r);
			if (r->verdict != NFAV_VERDICT_INFECTED)
				scan_error(r, NFAV_REASON_CORRUPT_FILE,
					   "%s: %s", c->name, detail);
			goto out;
		}
		if (st != DECODE_OK) {
			scan_error(r, st == DECODE_TOO_BIG ?
				   NFAV_REASON_CONTENT_SIZE :
				   NFAV_REASON_OUT_OF_RESOURCES,
				   "%s: %s", c->name, detail);
			goto out;
		}
		if (cur != fd)
			close(cur);
		cur = next;
	}
	engine_scan(e, cur, max_layers - n, r);
	if (n && r->verdict == NFAV_VERDICT_ERROR) {
		size_t len = strlen(r->detail);

		snprintf(r->detail + len, sizeof(r->detail) - len,
			 ", after %u content coding%s", n, n == 1 ? "" : "s");
	}
out:
	if (cur != fd)
		close(cur);
}
