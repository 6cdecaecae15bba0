// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the TCP reassembler.
 *
 * A sender's stream of stream_len bytes (each byte a function of its
 * position) followed by a FIN is cut into segments by the input and fed in
 * any order, with duplicates and overlaps; some segments may be corrupted.
 * The caller's side is modelled as the kernel's stream layer does it: parse
 * NEW segments, take what nfav_reasm_next() returns, hold or pass, release.
 *
 * Invariants: list counters match the lists, the ooo list is sorted and
 * within its limits, every parsed byte follows the previous one (skip is
 * right), and without corrupted segments no conflict is reported and the
 * parsed stream equals the sender's.  ASan catches leaks and use after free
 * of the segments the reassembler owns.
 *
 * Input: 4 bytes initial sequence number (the top bits are forced to 1 half
 * of the time, to wrap around 2^32), 1 byte ooo count limit, 2 bytes stream
 * length, then 4-byte operations.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../kmod/proto/reasm.h"

struct fseg {
	struct nfav_seg s;
	int corrupt;
	u8 data[];
};

static u8 stream_byte(u32 pos)
{
	return (u8)(pos * 131u + (pos >> 8) * 7u + 3u);
}

static void fcopy(void *ctx, const struct nfav_seg *seg, u32 off, u8 *buf,
		  u32 len)
{
	const struct fseg *f = (const struct fseg *)seg;

	(void)ctx;
	if (off > seg->len || len > seg->len - off || !len)
		abort();
	memcpy(buf, f->data + off, len);
}

static const struct nfav_reasm_ops fops = { .copy = fcopy };

struct model {
	struct nfav_reasm r;
	u32 isn;
	u32 stream_len;
	u32 parsed;		/* bytes parsed so far */
	int fin_parsed;
	int corrupt_seen;	/* a corrupted segment was offered */
	int hold;
};

static void check_lists(const struct model *m)
{
	const struct nfav_reasm *r = &m->r;
	const struct nfav_seg *s, *prev = NULL;
	u32 n = 0, b = 0;

	for (s = r->held; s; s = s->next) {
		n++;
		b += s->len;
		prev = s;
	}
	if (n != r->held_count || b != r->held_bytes || prev != r->held_last)
		abort();
	n = 0;
	b = 0;
	prev = NULL;
	for (s = r->ooo; s; s = s->next) {
		if (prev && nfav_seq_before(s->seq, prev->seq))
			abort();
		n++;
		b += s->len;
		prev = s;
	}
	if (n != r->ooo_count || b != r->ooo_bytes ||
	    r->ooo_count > r->max_ooo_count || r->ooo_bytes > r->max_ooo_bytes)
		abort();
}

/* Parse an in-order segment from @skip on, then hold or free it. */
static void parse(struct model *m, struct nfav_seg *s, u32 skip)
{
	struct fseg *f = (struct fseg *)s;
	u32 i;

	if (skip > s->len)
		abort();
	if (skip < s->len || (s->fin && !m->r.fin)) {
		/* the first new byte is next_seq */
		if (s->seq + skip != m->r.next_seq)
			abort();
		for (i = skip; i < s->len; i++) {
			if (!m->corrupt_seen &&
			    f->data[i] != stream_byte(m->parsed))
				abort();
			m->parsed++;
		}
		if (s->fin) {
			if (!m->corrupt_seen && m->parsed != m->stream_len)
				abort();
			m->fin_parsed = 1;
		}
		nfav_reasm_advance(&m->r, s);
		if (s->fin && !m->r.fin)
			abort();
		if (m->hold) {
			nfav_reasm_hold(&m->r, s);
			return;
		}
	}
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m;
	struct nfav_seg *s;
	struct fseg *f;
	size_t i;
	u32 off, len, skip;
	enum nfav_reasm_res res;

	if (size < 7)
		return 0;
	memset(&m, 0, sizeof(m));
	m.isn = (u32)data[0] | (u32)data[1] << 8 | (u32)data[2] << 16 |
		(u32)data[3] << 24;
	if (data[0] & 1)
		m.isn |= 0xfffff000u;
	m.stream_len = ((u32)data[5] | (u32)data[6] << 8) % 4096;
	nfav_reasm_init(&m.r, m.isn, 2048, data[4] % 16);
	m.hold = 1;

	for (i = 7; i + 4 <= size; i += 4) {
		u8 op = data[i];

		switch (op & 7) {
		case 5:
			s = nfav_reasm_release(&m.r, m.isn +
				((u32)data[i + 1] | (u32)data[i + 2] << 8));
			free(s);
			continue;
		case 6:
			free(nfav_reasm_pop_held(&m.r));
			continue;
		case 7:
			m.hold = !m.hold;
			continue;
		}
		/* a segment of the stream, [off, off + len) */
		off = ((u32)data[i + 1] | (u32)data[i + 2] << 8) % 4096;
		len = data[i + 3] % 200;
		if (off > m.stream_len)
			off = m.stream_len;
		if (len > m.stream_len - off)
			len = m.stream_len - off;
		f = malloc(sizeof(*f) + len + 1);
		if (!f)
			abort();
		f->s.next = (struct nfav_seg *)f;	/* garbage */
		f->s.seq = m.isn + off;
		f->s.len = len;
		f->s.fin = (op & 8) && off + len == m.stream_len;
		f->corrupt = 0;
		for (skip = 0; skip < len; skip++)
			f->data[skip] = stream_byte(off + skip);
		if ((op & 0x30) == 0x30) {
			/* corrupted: a changed byte or a FIN in the wrong place */
			if (len)
				f->data[op % len] ^= 0x40;
			else
				f->s.fin = 1;
			f->corrupt = 1;
			m.corrupt_seen = 1;
		}
		res = nfav_reasm_add(&m.r, &f->s, &skip, &fops, NULL);
		switch (res) {
		case NFAV_RA_NEW:
			parse(&m, &f->s, skip);
			while ((s = nfav_reasm_next(&m.r, &skip)))
				parse(&m, s, skip);
			break;
		case NFAV_RA_QUEUED:
			break;
		case NFAV_RA_CONFLICT:
			if (!m.corrupt_seen)
				abort();
			free(f);
			goto out;
		case NFAV_RA_FULL:
			if (m.r.ooo_count < m.r.max_ooo_count &&
			    len <= m.r.max_ooo_bytes - m.r.ooo_bytes)
				abort();
			free(f);
			break;
		default:
			free(f);
			break;
		}
		check_lists(&m);
		if (nfav_reasm_next(&m.r, &skip))
			abort();	/* everything in order was taken */
	}
out:
	check_lists(&m);
	while ((s = nfav_reasm_pop_held(&m.r)))
		free(s);
	while ((s = nfav_reasm_pop_ooo(&m.r)))
		free(s);
	if (m.r.held_count || m.r.ooo_count || m.r.held_bytes ||
	    m.r.ooo_bytes)
		abort();
	return 0;
}
