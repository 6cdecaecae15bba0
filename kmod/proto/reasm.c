// SPDX-License-Identifier: GPL-2.0
/*
 * TCP stream reassembly for one direction of a connection.  See reasm.h.
 *
 * Every segment that arrives is compared, byte for byte, with every copy of
 * the same sequence space the reassembler still owns (held and out-of-order
 * lists), a small chunk at a time through ops->copy.  The lists are bounded
 * by the caller (its hold policy, and what it admits) and by max_ooo_count,
 * so the work per segment is bounded too.  A FIN fixes the end of the stream: data at or after it,
 * or a FIN elsewhere, is a conflict.
 */
#include "reasm.h"

/* Bytes compared per ops->copy call, twice on the stack. */
#define RA_CMP_CHUNK	64

void nfav_reasm_init(struct nfav_reasm *r, u32 isn_next, u32 max_ooo_bytes,
		     u32 max_ooo_count)
{
	memset(r, 0, sizeof(*r));
	r->next_seq = isn_next;
	r->max_ooo_bytes = max_ooo_bytes;
	r->max_ooo_count = max_ooo_count;
}

/* Do the half-open sequence ranges [a, b) and [c, d) intersect? */
static bool ra_overlaps(u32 a, u32 b, u32 c, u32 d)
{
	u32 lo = nfav_seq_after(c, a) ? c : a;
	u32 hi = nfav_seq_before(d, b) ? d : b;

	return nfav_seq_before(lo, hi);
}

/* Are @n bytes of @a at @aoff equal to those of @b at @boff? */
static bool ra_same(const struct nfav_reasm_ops *ops, void *ctx,
		    const struct nfav_seg *a, u32 aoff,
		    const struct nfav_seg *b, u32 boff, u32 n)
{
	u8 ba[RA_CMP_CHUNK], bb[RA_CMP_CHUNK];
	u32 c;

	if (!ops || !ops->copy)
		return true;
	while (n) {
		c = n < RA_CMP_CHUNK ? n : RA_CMP_CHUNK;
		ops->copy(ctx, a, aoff, ba, c);
		ops->copy(ctx, b, boff, bb, c);
		if (memcmp(ba, bb, c))
			return false;
		aoff += c;
		boff += c;
		n -= c;
	}
	return true;
}

/* Compare the payload @seg and @o have in common. */
static bool ra_check(const struct nfav_reasm_ops *ops, void *ctx,
		     const struct nfav_seg *seg, const struct nfav_seg *o)
{
	u32 lo = seg->seq, hi = seg->seq + seg->len;

	if (nfav_seq_after(o->seq, lo))
		lo = o->seq;
	if (nfav_seq_before(o->seq + o->len, hi))
		hi = o->seq + o->len;
	if (!nfav_seq_before(lo, hi))
		return true;
	return ra_same(ops, ctx, seg, lo - seg->seq, o, lo - o->seq, hi - lo);
}

/* Does @seg disagree with what is known about the end of the stream? */
static bool ra_fin_conflict(const struct nfav_reasm *r,
			    const struct nfav_seg *seg)
{
	u32 dend = seg->seq + seg->len;
	const struct nfav_seg *o;

	if (r->fin_known) {
		if (seg->fin && dend != r->fin_seq)
			return true;
		/* payload at or after the FIN */
		return seg->len && nfav_seq_after(dend, r->fin_seq);
	}
	if (!seg->fin)
		return false;
	/* a FIN where payload was already seen */
	if (nfav_seq_before(dend, r->next_seq))
		return true;
	for (o = r->ooo; o; o = o->next)
		if (o->len && nfav_seq_after(o->seq + o->len, dend))
			return true;
	return false;
}

static void ra_learn_fin(struct nfav_reasm *r, const struct nfav_seg *seg)
{
	if (seg->fin) {
		r->fin_known = 1;
		r->fin_seq = seg->seq + seg->len;
	}
}

enum nfav_reasm_res nfav_reasm_add(struct nfav_reasm *r, struct nfav_seg *seg,
				   u32 *skip, const struct nfav_reasm_ops *ops,
				   void *ctx)
{
	u32 seq = seg->seq, end = nfav_seg_end(seg), cov, oend, old_end;
	struct nfav_seg *o, **pp;
	bool held = false;

	*skip = 0;
	if (!seg->len && !seg->fin)
		return NFAV_RA_OLD;
	if (ra_fin_conflict(r, seg))
		return NFAV_RA_CONFLICT;

	/* every copy we own of these bytes must agree */
	old_end = nfav_seq_before(end, r->next_seq) ? end : r->next_seq;
	/*
	 * Held bytes all precede next_seq: a segment at or after it (the
	 * common, in-order case) cannot overlap them, so the walk is skipped
	 * and the work per in-order segment is bounded by the ooo list.
	 */
	for (o = nfav_seq_before(seq, r->next_seq) ? r->held : NULL; o;
	     o = o->next) {
		if (!ra_check(ops, ctx, seg, o))
			return NFAV_RA_CONFLICT;
		if (nfav_seq_before(seq, r->next_seq) &&
		    ra_overlaps(seq, old_end, o->seq, nfav_seg_end(o)))
			held = true;
	}
	cov = seq;
	for (o = r->ooo; o; o = o->next) {
		if (!ra_check(ops, ctx, seg, o))
			return NFAV_RA_CONFLICT;
		/* the list is sorted: extend what is already queued */
		oend = nfav_seg_end(o);
		if (!nfav_seq_after(o->seq, cov) && nfav_seq_after(oend, cov))
			cov = oend;
	}

	if (!nfav_seq_after(end, r->next_seq))
		return held ? NFAV_RA_OLD_HELD : NFAV_RA_OLD;

	if (!nfav_seq_after(seq, r->next_seq)) {
		*skip = r->next_seq - seq;
		ra_learn_fin(r, seg);
		return NFAV_RA_NEW;
	}

	/* out of order */
	if (!nfav_seq_before(cov, end))
		return NFAV_RA_OLD_HELD;	/* a copy is queued already */
	if (r->ooo_count >= r->max_ooo_count ||
	    seg->len > r->max_ooo_bytes - r->ooo_bytes)
		return NFAV_RA_FULL;
	pp = &r->ooo;
	while (*pp && !nfav_seq_after((*pp)->seq, seq))
		pp = &(*pp)->next;
	seg->next = *pp;
	*pp = seg;
	r->ooo_count++;
	r->ooo_bytes += seg->len;
	ra_learn_fin(r, seg);
	return NFAV_RA_QUEUED;
}

void nfav_reasm_advance(struct nfav_reasm *r, const struct nfav_seg *seg)
{
	u32 end = nfav_seg_end(seg);

	if (!nfav_seq_after(end, r->next_seq))
		return;
	r->next_seq = end;
	if (seg->fin) {
		r->fin = true;
		ra_learn_fin(r, seg);
	}
}

struct nfav_seg *nfav_reasm_next(struct nfav_reasm *r, u32 *skip)
{
	struct nfav_seg *seg = r->ooo;

	if (!seg || nfav_seq_after(seg->seq, r->next_seq))
		return NULL;
	r->ooo = seg->next;
	seg->next = NULL;
	r->ooo_count--;
	r->ooo_bytes -= seg->len;
	if (nfav_seq_before(seg->seq + seg->len, r->next_seq))
		*skip = seg->len;
	else
		*skip = r->next_seq - seg->seq;
	return seg;
}

void nfav_reasm_hold(struct nfav_reasm *r, struct nfav_seg *seg)
{
	seg->next = NULL;
	if (r->held_last)
		r->held_last->next = seg;
	else
		r->held = seg;
	r->held_last = seg;
	r->held_bytes += seg->len;
	r->held_count++;
}

struct nfav_seg *nfav_reasm_pop_held(struct nfav_reasm *r)
{
	struct nfav_seg *seg = r->held;

	if (!seg)
		return NULL;
	r->held = seg->next;
	if (!r->held)
		r->held_last = NULL;
	seg->next = NULL;
	r->held_bytes -= seg->len;
	r->held_count--;
	return seg;
}

void nfav_reasm_held_trim(struct nfav_reasm *r, u32 n)
{
	struct nfav_seg *seg = r->held;

	if (!seg || !n || n >= seg->len)
		return;
	seg->seq += n;
	seg->len -= n;
	r->held_bytes -= n;
}

struct nfav_seg *nfav_reasm_release(struct nfav_reasm *r, u32 limit)
{
	if (!r->held || nfav_seq_after(nfav_seg_end(r->held), limit))
		return NULL;
	return nfav_reasm_pop_held(r);
}

struct nfav_seg *nfav_reasm_pop_ooo(struct nfav_reasm *r)
{
	struct nfav_seg *seg = r->ooo;

	if (!seg)
		return NULL;
	r->ooo = seg->next;
	seg->next = NULL;
	r->ooo_count--;
	r->ooo_bytes -= seg->len;
	return seg;
}
