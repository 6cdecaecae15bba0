// SPDX-License-Identifier: GPL-2.0
/*
 * The byte stream of a flow: feeding in-order segments to the protocol
 * parser, and the hold policy that decides which held segments may go.
 *
 * Holding rules, per direction:
 *  - From the first byte of a message that may carry an object, everything
 *    is held until the message turns out to carry none, or its object's
 *    verdict is known ("fully held": it can be replaced whole).
 *  - A direction holds at most min(hold limit, peer window - 2 * MSS) bytes.
 *    Past that the oldest segments go ("trickling"), but never the newest
 *    one, and never the last byte of an object awaiting its verdict.
 *  - Segments leave strictly in order.
 *
 * Everything here runs with flow->lock held.
 */
#include <linux/skbuff.h>

#include "nfav.h"

/*
 * A sender limited by its congestion window stops sending once everything in
 * flight is held; without released data the receiver sends no ACKs.  When a
 * direction holds data and nothing new arrived for this long, it switches to
 * trickling: only the tail stays held.
 */
#define NFAV_STALL_TIMEOUT	msecs_to_jiffies(100)
/*
 * Below this many segments held, a pause is more likely a slow server than a
 * full congestion window (senders start with ten segments): wait, and trickle
 * only if the sender retransmits.
 */
#define NFAV_STALL_MIN_SEGS	8

struct nfav_parse_ctx {
	struct nfav_flow *flow;
	struct nfav_pkts *pkts;
	const u8 *run;			/* the run being parsed... */
	u32 run_len;			/* ...and its length */
};

/*
 * Trickling is for the objects that had begun when it started (before
 * trickle_upto): once they are all decided it ends, and later messages are
 * held whole again (a pipelined response after a trickled one can still be
 * replaced by the notice page).
 */
static void nfav_trickle_start(struct nfav_flow_dir *d)
{
	d->trickle = true;
	d->trickle_upto = d->ra.next_seq;
}

static void nfav_trickle_check(struct nfav_flow_dir *d)
{
	const struct nfav_object *obj;

	if (!d->trickle)
		return;
	list_for_each_entry(obj, &d->objects, list)
		if (obj->decision == NFAV_DECIDE_NONE &&
		    nfav_seq_before(obj->msg_start, d->trickle_upto))
			return;
	if (d->in_msg && !d->msg_has_object &&
	    nfav_seq_before(d->msg_start, d->trickle_upto))
		return;
	d->trickle = false;
}

static void nfav_cb_msg_begin(void *ctx, enum nfav_side side, u32 off)
{
	struct nfav_flow_dir *d = &((struct nfav_parse_ctx *)ctx)->flow->dir[side];

	d->in_msg = true;
	d->msg_has_object = false;
	d->msg_start = d->base_seq + off;
}

static int nfav_cb_obj_begin(void *ctx, enum nfav_side side,
			     const struct nfav_obj_meta *meta)
{
	struct nfav_parse_ctx *pc = ctx;
	struct nfav_flow_dir *d = &pc->flow->dir[side];
	struct nfav_object *obj;

	if (!d->in_msg) {
		/* The parser always opens a message first; be safe anyway. */
		d->in_msg = true;
		d->msg_start = d->base_seq;
	}
	d->msg_has_object = true;
	d->content_seen = false;
	obj = nfav_object_begin(pc->flow, side, meta, pc->pkts);
	d->cur = obj && obj->decision == NFAV_DECIDE_NONE ? obj : NULL;
	return d->cur ? 0 : 1;
}

static void nfav_cb_obj_data(void *ctx, enum nfav_side side, const u8 *data,
			     u32 len)
{
	struct nfav_parse_ctx *pc = ctx;
	struct nfav_flow_dir *d = &pc->flow->dir[side];
	struct nfav_object *obj = d->cur;
	u32 end = pc->run_len;

	if (!obj)
		return;
	/* Where the content ends on the wire (decoded data: the run's end). */
	if (data >= pc->run && data + len <= pc->run + pc->run_len)
		end = data + len - pc->run;
	d->content_end = d->base_seq + end;
	d->content_seen = true;
	nfav_object_data(obj, data, len, pc->pkts);
}

static void nfav_cb_obj_end(void *ctx, enum nfav_side side, u32 off)
{
	struct nfav_flow_dir *d = &((struct nfav_parse_ctx *)ctx)->flow->dir[side];
	struct nfav_object *obj = d->cur;

	if (!obj)
		return;
	d->cur = NULL;
	/*
	 * What is kept back until the verdict is its last content byte, not
	 * its last wire byte (a chunk terminator): the content must not reach
	 * the receiver whole.
	 */
	obj->end_seq = d->base_seq + off;
	if (d->content_seen && nfav_seq_before(d->content_end, obj->end_seq))
		obj->end_seq = d->content_end;
	nfav_object_end(obj);
}

static void nfav_cb_msg_end(void *ctx, enum nfav_side side, u32 off)
{
	struct nfav_flow_dir *d = &((struct nfav_parse_ctx *)ctx)->flow->dir[side];

	d->in_msg = false;
	d->msg_has_object = false;
}

static const struct nfav_proto_ops nfav_stream_ops = {
	.msg_begin = nfav_cb_msg_begin,
	.obj_begin = nfav_cb_obj_begin,
	.obj_data = nfav_cb_obj_data,
	.obj_end = nfav_cb_obj_end,
	.msg_end = nfav_cb_msg_end,
};

static void nfav_stream_limits(struct nfav_flow *flow, struct nfav_flow_dir *d,
			       bool content_tail, u32 *soft, u32 *hard);
static bool nfav_stream_pass_head(struct nfav_flow *flow,
				  struct nfav_flow_dir *d, u32 upto,
				  struct nfav_pkts *p);

static void nfav_stall_arm(struct nfav_flow *flow);

/* Bytes up to d->released went: the objects they belong to are not whole. */
static void nfav_stream_released(struct nfav_flow_dir *d)
{
	struct nfav_object *obj;

	list_for_each_entry(obj, &d->objects, list)
		if (obj->fully_held &&
		    nfav_seq_after(d->released, obj->msg_start))
			obj->fully_held = false;
}

/* Jiffies at which @d's oldest undecided object starts trickling, or 0. */
static unsigned long nfav_trickle_deadline(struct nfav_flow *flow,
					   struct nfav_flow_dir *d)
{
	struct nfav_object *obj;
	u32 tt;

	if (d->trickle)
		return 0;
	rcu_read_lock();
	tt = nfav_config_rcu(flow->nn)->proto[flow->proto].trickle_timeout;
	rcu_read_unlock();
	if (!tt)
		return 0;
	list_for_each_entry(obj, &d->objects, list)
		if (obj->decision == NFAV_DECIDE_NONE)
			return (obj->begun + tt * HZ) | 1;
	return 0;
}

static bool nfav_stall_suspect(const struct nfav_flow_dir *d)
{
	return d->ra.held_bytes >= NFAV_STALL_MIN_SEGS * d->mss &&
	       !d->trickle && (d->cur || (d->in_msg && !d->msg_has_object));
}

static void nfav_stall_timeout(struct timer_list *t)
{
	struct nfav_flow *flow = timer_container_of(flow, t, stall_timer);
	struct nfav_pkts p;

	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	for (int i = 0; i < 2 && flow->state == NFAV_FLOW_ACTIVE; i++) {
		struct nfav_flow_dir *d = &flow->dir[i];
		unsigned long dl = nfav_trickle_deadline(flow, d);

		if (dl && time_after_eq(jiffies, dl)) {
			/* Held too long: keep the client alive. */
			nfav_trickle_start(d);
			nfav_stream_release(flow, i, &p);
		} else if (nfav_stall_suspect(d)) {
			nfav_stream_stalled(flow, i, false, &p);
		} else if (d->sent_blocked) {
			/* Copies could not be made: room may be back. */
			nfav_stream_release(flow, i, &p);
		}
	}
	nfav_stall_arm(flow);
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, true);
	nfav_flow_put(flow);
}

void nfav_stream_init(struct nfav_flow *flow)
{
	INIT_LIST_HEAD(&flow->dir[NFAV_SIDE_CLIENT].objects);
	INIT_LIST_HEAD(&flow->dir[NFAV_SIDE_SERVER].objects);
	timer_setup(&flow->stall_timer, nfav_stall_timeout, 0);
}

/**
 * nfav_stream_prepare - make sure the parser state exists
 * @flow: the flow, locked
 *
 * The parser state is allocated when the first payload byte arrives, not on
 * the SYN: a half-open or idle flow costs only struct nfav_flow.
 *
 * Return: 0, or -ENOMEM (the caller drops the segment; it is sent again).
 */
int nfav_stream_prepare(struct nfav_flow *flow)
{
	const struct nfav_proto_desc *pd = nfav_proto_get(flow->proto);
	void *st;

	lockdep_assert_held(&flow->lock);
	if (flow->pstate || !pd)
		return 0;
	st = kzalloc(pd->state_size, NFAV_GFP_ACCOUNT | __GFP_NOWARN);
	if (!st)
		return -ENOMEM;
	rcu_read_lock();
	pd->init(st, &nfav_config_rcu(flow->nn)->proto[flow->proto]);
	rcu_read_unlock();
	flow->pstate = st;
	return 0;
}

/*
 * Released bytes the receiver has not acknowledged are kept (a copy of each
 * segment's payload) until an ACK covers them, so that a retransmission of
 * them is compared with what was scanned: a receiver that did not get the
 * released copy (lost after the router) accepts the retransmission.  A copy,
 * not a clone: the packet that goes on must not leave cloned (NAT and
 * drivers would copy its head).
 *
 * Copies are packed into page-sized blocks (struct nfav_sent_blk), records
 * of a header and the payload, one after the other; a segment larger than
 * what is left of a block continues in the next one.  A block the receiver
 * has acknowledged whole is kept for reuse until the flow is idle for a GC
 * interval (nfav_sent_idle()), so a transfer in progress allocates blocks
 * only as its bytes in flight grow, nothing per segment.
 *
 * Nothing of an active flow is released without its copy: a segment whose
 * copy cannot be made stays held (d->sent_blocked: the release is tried
 * again on an ACK that frees copies, a retransmission, and from the stall
 * timer).  Bounds: per direction 4 x hold-limit bytes of records (headers
 * included, at least NFAV_SENT_MIN_LIMIT); per namespace max_sent_ns_kb and
 * all namespaces together max_sent_kb of blocks (their own budget: records
 * never take memory held packets need).  New data is admitted only while
 * the records it will need fit the direction's bound (nfav_sent_admit()).
 * Copies that stay unacknowledged under budget pressure cost their flow
 * (the GC, nfav_flow_expired()).
 */
struct nfav_sent_rec {
	u32 seq;
	u32 len;
	u32 stamp;		/* jiffies when its first byte was released */
	u8 data[];
};

/* A record takes the bytes that follow it if they are released this soon. */
#define NFAV_SENT_MERGE_AGE	(HZ / 4)

#define NFAV_SENT_BLK_DATA	(PAGE_SIZE - sizeof(struct nfav_sent_blk))
/* A record's header and alignment: what a segment costs beyond its bytes. */
#define NFAV_SENT_REC_COST	(sizeof(struct nfav_sent_rec) + 3)

static u32 nfav_sent_rec_size(u32 len)
{
	return ALIGN(sizeof(struct nfav_sent_rec) + len, 4);
}

/*
 * Records per direction: 4 x hold-limit, and at least what a large (GRO)
 * segment needs beside a full hold window of the smallest hold-limit.
 */
#define NFAV_SENT_MIN_LIMIT	(256 * 1024)

static u32 nfav_hold_limit(const struct nfav_flow *flow)
{
	u32 limit;

	rcu_read_lock();
	limit = nfav_config_rcu(flow->nn)->hold_limit;
	rcu_read_unlock();
	return limit;
}

static u32 nfav_sent_limit(const struct nfav_flow *flow)
{
	return max_t(u32, NFAV_HOLD_TRUESIZE_MULT * nfav_hold_limit(flow),
		     NFAV_SENT_MIN_LIMIT);
}

/**
 * nfav_sent_admit - may a segment of @d with payload be taken in?
 * @flow: the flow, locked and active
 * @d: the direction it belongs to
 * @seq: sequence number of its first payload byte
 * @len: payload bytes
 *
 * Everything from the released bytes up to the segment's end (held bytes,
 * the out-of-order span, holes included) will be released and recorded
 * before or with it: new bytes are admitted only if records for all of
 * that fit the direction's bound, and the namespace and global budgets have
 * room for them now.  A segment that brings nothing past what is already
 * queued (a retransmission, or one that fills a hole, whose room was
 * counted when the bytes after it came) is always admitted.  Otherwise the
 * segment is to be dropped: its sender sends it again once the receiver
 * has acknowledged what went before.
 */
bool nfav_sent_admit(const struct nfav_flow *flow,
		     const struct nfav_flow_dir *d, u32 seq, u32 len)
{
	u32 end = seq + len, top = d->ra.next_seq;
	const struct nfav_seg *o;
	u64 span, cost;

	lockdep_assert_held(&flow->lock);
	/*
	 * While copies fail, held segments cannot go: they are bounded here,
	 * as the hold policy bounds them otherwise (room comes back through
	 * this direction's ACKs or the budget retry).
	 */
	if (d->sent_blocked &&
	    (d->ra.held_count >= NFAV_HOLD_MAX_SEGS ||
	     d->held_truesize > NFAV_HOLD_TRUESIZE_MULT * nfav_hold_limit(flow)))
		return false;
	for (o = d->ra.ooo; o; o = o->next)
		if (nfav_seq_after(nfav_seg_end(o), top))
			top = nfav_seg_end(o);
	if (!nfav_seq_after(end, top))
		return true;
	/*
	 * Held bytes and everything up to the segment's end; each segment a
	 * record header, and one more for each block boundary it crosses.
	 */
	span = (u64)d->ra.held_bytes + (end - d->ra.next_seq);
	cost = span + NFAV_SENT_REC_COST *
	       ((u64)d->ra.held_count + d->ra.ooo_count + 1 +
		div_u64(span, NFAV_SENT_BLK_DATA) + 1);
	return d->sent_bytes + cost <= nfav_sent_limit(flow) &&
	       nfav_sent_room(flow->nn, end - top + NFAV_SENT_REC_COST);
}

/* A block to append to: the tail, a kept one, or a new one. */
static struct nfav_sent_blk *nfav_sent_blk_new(struct nfav_flow *flow,
					       struct nfav_flow_dir *d)
{
	struct nfav_sent_blk *b = d->sent_spare;

	if (b) {
		d->sent_spare = b->next;
	} else {
		if (!nfav_sent_charge(flow->nn, PAGE_SIZE))
			return NULL;
		b = kmalloc(PAGE_SIZE, NFAV_GFP_ACCOUNT | __GFP_NOWARN);
		if (!b) {
			nfav_sent_uncharge(flow->nn, PAGE_SIZE);
			return NULL;
		}
	}
	b->next = NULL;
	b->used = 0;
	b->last = 0;
	if (d->sent_last)
		d->sent_last->next = b;
	else
		d->sent = b;
	d->sent_last = b;
	return b;
}

static void nfav_sent_blk_free(struct nfav_flow *flow, struct nfav_sent_blk *b)
{
	nfav_sent_uncharge(flow->nn, PAGE_SIZE);
	kfree(b);
}

/*
 * Drop the records from (@b, @used) on: blocks after @b are kept for reuse,
 * @b is cut back (NULL: the list is emptied).
 */
static void nfav_sent_truncate(struct nfav_flow *flow, struct nfav_flow_dir *d,
			       struct nfav_sent_blk *b, u32 used, u32 bytes)
{
	struct nfav_sent_blk *n = b ? b->next : d->sent, *next;

	for (; n; n = next) {
		next = n->next;
		n->next = d->sent_spare;
		d->sent_spare = n;
	}
	if (b) {
		b->next = NULL;
		b->used = used;
	} else {
		d->sent = NULL;
	}
	d->sent_last = b;
	d->sent_bytes = bytes;
}

/* Free the blocks kept for reuse but @keep. */
static void nfav_sent_trim(struct nfav_flow *flow, struct nfav_flow_dir *d,
			   unsigned int keep)
{
	struct nfav_sent_blk *b, **pp = &d->sent_spare;

	while (*pp && keep--)
		pp = &(*pp)->next;
	while ((b = *pp)) {
		*pp = b->next;
		nfav_sent_blk_free(flow, b);
	}
}

/*
 * Blocks kept for reuse: as many as the direction's bound takes, none while
 * a budget is more than half used.
 */
static void nfav_sent_spares_fit(struct nfav_flow *flow,
				 struct nfav_flow_dir *d)
{
	nfav_sent_trim(flow, d, nfav_sent_pressure(flow->nn) ? 0 :
				nfav_sent_limit(flow) / NFAV_SENT_BLK_DATA);
}

/**
 * nfav_sent_record - keep a copy of a segment about to be released
 * @flow: the flow, locked
 * @d: its direction
 * @h: the segment
 *
 * Bytes that follow the last record (released within NFAV_SENT_MERGE_AGE)
 * extend it: in-order data makes about one record per block.
 *
 * Return: true if the segment may go: recorded whole, or the flow is not
 * active (nothing is compared any more).  False: nothing was recorded; the
 * segment must stay held.
 */
bool nfav_sent_record(struct nfav_flow *flow, struct nfav_flow_dir *d,
		      const struct nfav_held *h)
{
	struct nfav_sent_blk *last = d->sent_last, *b = last;
	u32 used = last ? last->used : 0, bytes = d->sent_bytes;
	u32 lo = last ? last->lo : 0, hi = last ? last->hi : 0;
	u32 tail = last ? last->last : 0, tail_len = 0;
	u32 len = h->seg.len, limit, off = 0, n, size, old;
	struct nfav_sent_rec *r = NULL;

	lockdep_assert_held(&flow->lock);
	if (!len || flow->state != NFAV_FLOW_ACTIVE)
		return true;
	/* No copy is kept: whatever went before was acknowledged. */
	if (!d->sent)
		d->sent_acked = h->seg.seq;
	limit = nfav_sent_limit(flow);
	if (last && last->used) {
		r = (struct nfav_sent_rec *)(last->data + last->last);
		tail_len = r->len;
		if (r->seq + r->len != h->seg.seq ||
		    time_after(jiffies, (unsigned long)r->stamp +
				       NFAV_SENT_MERGE_AGE))
			r = NULL;
	}
	if (r) {
		/* Extend the last record as far as its block goes. */
		old = last->used - last->last;
		n = min_t(u32, len, NFAV_SENT_BLK_DATA - last->last -
				    sizeof(*r) - r->len);
		size = nfav_sent_rec_size(r->len + n);
		if (d->sent_bytes - old + size > limit)
			goto undo;
		if (n && skb_copy_bits(h->skb, h->data_off, r->data + r->len, n))
			goto undo;
		r->len += n;
		d->sent_bytes += size - old;
		last->used = last->last + size;
		if (nfav_seq_after(r->seq + r->len, last->hi))
			last->hi = r->seq + r->len;
		off = n;
	}
	for (; off < len; off += n) {
		if (!b || b->used + nfav_sent_rec_size(1) > NFAV_SENT_BLK_DATA) {
			b = nfav_sent_blk_new(flow, d);
			if (!b)
				goto undo;
		}
		n = min_t(u32, len - off, NFAV_SENT_BLK_DATA - b->used -
					  sizeof(*r));
		size = nfav_sent_rec_size(n);
		if (d->sent_bytes + size > limit)
			goto undo;
		r = (struct nfav_sent_rec *)(b->data + b->used);
		if (skb_copy_bits(h->skb, h->data_off + off, r->data, n))
			goto undo;
		r->seq = h->seg.seq + off;
		r->len = n;
		r->stamp = (u32)jiffies;
		if (!b->used || nfav_seq_before(r->seq, b->lo))
			b->lo = r->seq;
		if (!b->used || nfav_seq_after(r->seq + n, b->hi))
			b->hi = r->seq + n;
		b->last = b->used;
		b->used += size;
		d->sent_bytes += size;
	}
	return true;

undo:
	/* All or nothing: forget what was copied of @h. */
	nfav_sent_truncate(flow, d, last, used, bytes);
	if (last) {
		last->lo = lo;
		last->hi = hi;
		last->last = tail;
		if (used)
			((struct nfav_sent_rec *)(last->data + tail))->len =
				tail_len;
	}
	/* Blocks this call took go back to the budget if it is short. */
	nfav_sent_spares_fit(flow, d);
	return false;
}

/* @flow is idle: it keeps nothing it does not use (called by the GC). */
void nfav_sent_idle(struct nfav_flow *flow)
{
	lockdep_assert_held(&flow->lock);
	for (int i = 0; i < 2; i++)
		if (!flow->dir[i].sent)
			nfav_sent_trim(flow, &flow->dir[i], 0);
	nfav_held_spare_free(flow);
}

/* Nothing more will be compared (the flow is blocked or bypassed). */
void nfav_sent_free(struct nfav_flow *flow)
{
	for (int i = 0; i < 2; i++) {
		struct nfav_flow_dir *d = &flow->dir[i];

		nfav_sent_truncate(flow, d, NULL, 0, 0);
		nfav_sent_trim(flow, d, 0);
	}
}

/*
 * The receiver of @d acknowledged everything before @ack.  Returns true if
 * that freed room for copies.
 */
bool nfav_sent_acked(struct nfav_flow *flow, struct nfav_flow_dir *d, u32 ack)
{
	struct nfav_sent_blk *b;
	bool freed = false;

	lockdep_assert_held(&flow->lock);
	if (nfav_seq_after(ack, d->sent_acked))
		d->sent_acked = ack;
	while ((b = d->sent) && !nfav_seq_after(b->hi, ack)) {
		d->sent = b->next;
		d->sent_bytes -= b->used;
		b->next = d->sent_spare;
		d->sent_spare = b;
		freed = true;
	}
	if (!d->sent)
		d->sent_last = NULL;
	if (freed)
		nfav_sent_spares_fit(flow, d);
	return freed;
}

/*
 * Has the oldest copy in @d that its receiver has not acknowledged been
 * kept longer than @age?
 */
bool nfav_sent_stale(const struct nfav_flow_dir *d, unsigned long age)
{
	const struct nfav_sent_blk *b = d->sent;
	u32 at;

	if (!b)
		return false;
	for (at = 0; at < b->used;
	     at += nfav_sent_rec_size(((const struct nfav_sent_rec *)
				       (b->data + at))->len)) {
		const struct nfav_sent_rec *r =
			(const struct nfav_sent_rec *)(b->data + at);

		if (nfav_seq_after(r->seq + r->len, d->sent_acked))
			return time_after(jiffies,
					  (unsigned long)r->stamp + age);
	}
	return false;
}

/*
 * Do the bytes [@seq, @seq + @len) of @skb (payload at @data_off) agree
 * with the released, unacknowledged records they overlap?
 */
bool nfav_sent_matches(const struct nfav_flow_dir *d, struct sk_buff *skb,
		       u32 data_off, u32 seq, u32 len)
{
	const struct nfav_sent_blk *b;
	u8 a[64];

	for (b = d->sent; b; b = b->next) {
		u32 at;

		if (!nfav_seq_before(b->lo, seq + len) ||
		    !nfav_seq_after(b->hi, seq))
			continue;	/* nothing of it overlaps */
		for (at = 0; at < b->used;
		     at += nfav_sent_rec_size(((const struct nfav_sent_rec *)
					       (b->data + at))->len)) {
			const struct nfav_sent_rec *r =
				(const struct nfav_sent_rec *)(b->data + at);
			u32 from, to;

			from = nfav_seq_after(r->seq, seq) ? r->seq : seq;
			to = nfav_seq_before(seq + len, r->seq + r->len) ?
				 seq + len : r->seq + r->len;
			while (nfav_seq_before(from, to)) {
				u32 n = min_t(u32, to - from, sizeof(a));

				if (skb_copy_bits(skb, data_off + (from - seq),
						  a, n) ||
				    memcmp(a, r->data + (from - r->seq), n))
					return false;
				from += n;
			}
		}
	}
	return true;
}

/* The parser will not run again on @flow: free its state. */
void nfav_stream_free(struct nfav_flow *flow)
{
	kfree(flow->pstate);
	flow->pstate = NULL;
	nfav_sent_free(flow);
	nfav_held_spare_free(flow);
}

/* The flow stops being parsed: the stall timer must not run any more. */
void nfav_stream_stop(struct nfav_flow *flow)
{
	if (timer_delete(&flow->stall_timer))
		nfav_flow_put(flow);
}

/* (Re)arm the stall timer while a direction holds data of an object. */
static void nfav_stall_arm(struct nfav_flow *flow)
{
	unsigned long expires = 0, dl;

	if (flow->state != NFAV_FLOW_ACTIVE)
		return;
	for (int i = 0; i < 2; i++) {
		struct nfav_flow_dir *d = &flow->dir[i];

		dl = nfav_trickle_deadline(flow, d);
		if (dl && (!expires || time_before(dl, expires)))
			expires = dl;
		dl = jiffies + NFAV_STALL_TIMEOUT;
		if ((nfav_stall_suspect(d) || d->sent_blocked) &&
		    (!expires || time_before(dl, expires)))
			expires = dl;
	}
	if (!expires)
		return;
	if (!mod_timer(&flow->stall_timer, expires))
		refcount_inc(&flow->refcnt);
}

/*
 * Let held bytes go up to @hard: whole segments, then the bytes before @hard
 * of the segment that straddles it, as a trimmed copy (nfav_held_split()).
 * A segment with a FIN stays.
 */
static void nfav_stream_release_upto(struct nfav_flow *flow,
				     struct nfav_flow_dir *d, u32 hard,
				     struct nfav_pkts *p)
{
	struct nfav_held *c;
	struct nfav_seg *seg;
	u32 n;

	while ((seg = d->ra.held) && !seg->fin &&
	       nfav_stream_pass_head(flow, d, hard, p))
		;
	seg = d->ra.held;
	if (seg && nfav_seq_before(seg->seq, hard) &&
	    nfav_seq_before(hard, seg->seq + seg->len)) {
		struct nfav_held *h = container_of(seg, struct nfav_held, seg);

		n = hard - seg->seq;
		c = nfav_held_split(h, n);
		if (c && !nfav_sent_record(flow, d, c)) {
			/*
			 * No room for its copy: the bytes stay held, @h as it
			 * was (nfav_held_split() moved only its data_off).
			 */
			h->data_off -= n;
			consume_skb(c->skb);
			nfav_held_free(c);
			c = NULL;
			d->sent_blocked = true;
		}
		if (c) {
			nfav_reasm_held_trim(&d->ra, n);
			atomic64_sub(n, &flow->nn->held_bytes);
			d->released = hard;
			nfav_pkts_pass(p, c);
		}
	}
	nfav_stream_released(d);
}

/**
 * nfav_stream_stalled - the sender of a direction seems to wait for ACKs
 * @flow: the flow, locked
 * @side: the direction
 * @retrans: the sender retransmitted held bytes
 * @p: released segments go to @p->pass
 *
 * Called when a direction made no progress for NFAV_STALL_TIMEOUT, or when
 * its sender retransmits bytes that are held.  The direction trickles:
 * everything but the tail goes; on a retransmission everything but the
 * newest content byte, see below.
 */
void nfav_stream_stalled(struct nfav_flow *flow, enum nfav_side side,
			 bool retrans, struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	u32 soft, hard;

	lockdep_assert_held(&flow->lock);
	if (!d->ra.held_bytes || flow->state != NFAV_FLOW_ACTIVE)
		return;
	/*
	 * Only a sender in the middle of a message can be stuck on us; a
	 * complete object waiting for its verdict stays fully held.  Bytes
	 * held because their copies could not be made are tried again.
	 */
	if (!d->cur && !(d->in_msg && !d->msg_has_object)) {
		if (d->sent_blocked)
			nfav_stream_release(flow, side, p);
		return;
	}
	nfav_trickle_start(d);
	nfav_stream_release(flow, side, p);
	if (!retrans)
		return;
	/*
	 * The sender retransmits held bytes: after its timeout it sends
	 * nothing new until they are acknowledged, so waiting for the end of
	 * the object would wait forever.  Let everything go up to the newest
	 * content byte of the object, which stays held (in a segment of its
	 * own if need be: the bytes before it go as a trimmed copy), and
	 * never a FIN nor the end of an object that awaits its verdict.  The
	 * receiver acknowledges what it got, the sender moves on to new data,
	 * and the object still cannot reach the receiver whole.
	 */
	nfav_stream_limits(flow, d, true, &soft, &hard);
	nfav_stream_release_upto(flow, d, hard, p);
	/*
	 * The sender waits for the kept byte: ask the daemon whether the
	 * content so far is clean, and let the byte go if it is.
	 */
	if (d->cur && d->content_seen)
		nfav_object_check(d->cur, d->content_end);
}

/**
 * nfav_stream_checked - the content of the object being received in a
 * direction was checked clean as far as it goes: what was kept back for it
 * goes (never a FIN, nor the end of an object that awaits its verdict)
 * @flow: the flow, locked
 * @side: the direction
 * @p: released segments go to @p->pass
 */
void nfav_stream_checked(struct nfav_flow *flow, enum nfav_side side,
			 struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	u32 soft, hard;

	lockdep_assert_held(&flow->lock);
	nfav_stream_limits(flow, d, true, &soft, &hard);
	nfav_stream_release_upto(flow, d, hard, p);
}

static void nfav_stream_hold(struct nfav_flow *flow, struct nfav_flow_dir *d,
			     struct nfav_held *h)
{
	nfav_reasm_hold(&d->ra, &h->seg);
	h->where = NFAV_H_REASM;
	d->held_truesize += h->truesize;
	atomic64_add(h->seg.len, &flow->nn->held_bytes);
}

/* A segment left the held list: account for it, put it on @to. */
static void nfav_stream_unhold(struct nfav_flow *flow, struct nfav_flow_dir *d,
			       struct nfav_seg *seg, struct list_head *to,
			       u8 where)
{
	struct nfav_held *h = container_of(seg, struct nfav_held, seg);

	atomic64_sub(seg->len, &flow->nn->held_bytes);
	d->held_truesize -= h->truesize;
	h->where = where;
	list_add_tail(&h->node, to);
}

/*
 * Release the oldest held segment of @d if it ends by @upto and, while the
 * flow is active, a copy of it could be kept (nfav_sent_record()).
 */
static bool nfav_stream_pass_head(struct nfav_flow *flow,
				  struct nfav_flow_dir *d, u32 upto,
				  struct nfav_pkts *p)
{
	struct nfav_seg *seg = d->ra.held;

	lockdep_assert_held(&flow->lock);
	if (!seg || nfav_seq_after(nfav_seg_end(seg), upto))
		return false;
	if (!nfav_sent_record(flow, d, container_of(seg, struct nfav_held,
						    seg))) {
		/* Tried again on an ACK, a retransmission or the timer. */
		d->sent_blocked = true;
		return false;
	}
	nfav_reasm_pop_held(&d->ra);
	d->released = nfav_seg_end(seg);
	nfav_stream_unhold(flow, d, seg, &p->pass, NFAV_H_PASS);
	return true;
}

/* Feed the new bytes of an in-order segment to the parser. */
static enum nfav_parse_status nfav_stream_feed(struct nfav_flow *flow,
					       enum nfav_side side,
					       struct nfav_held *h, u32 skip,
					       struct nfav_pkts *p)
{
	struct nfav_parse_ctx ctx = { .flow = flow, .pkts = p };
	struct nfav_flow_dir *d = &flow->dir[side];
	enum nfav_parse_status st = NFAV_PARSE_OK;
	const struct nfav_proto_desc *pd = nfav_proto_get(flow->proto);
	struct skb_seq_state seq;
	unsigned int consumed = 0, n;
	const u8 *data;

	if (unlikely(!pd))
		return NFAV_PARSE_BYPASS;
	if (!flow->pstate)	/* no payload yet (a FIN): nothing to parse */
		return h->seg.len ? NFAV_PARSE_BYPASS : NFAV_PARSE_OK;
	if (skip < h->seg.len) {
		skb_prepare_seq_read(h->skb, h->data_off + skip,
				     h->data_off + h->seg.len, &seq);
		while ((n = skb_seq_read(consumed, &data, &seq)) != 0) {
			d->base_seq = h->seg.seq + skip + consumed;
			ctx.run = data;
			ctx.run_len = n;
			st = pd->parse(flow->pstate, side, data, n,
				       &nfav_stream_ops, &ctx);
			consumed += n;
			if (st != NFAV_PARSE_OK) {
				skb_abort_seq_read(&seq);
				break;
			}
		}
	}
	if (st == NFAV_PARSE_OK && h->seg.fin) {
		d->base_seq = h->seg.seq + h->seg.len;
		st = pd->eof(flow->pstate, side, &nfav_stream_ops, &ctx);
	}
	return st;
}

static bool nfav_flow_idle(const struct nfav_flow *flow)
{
	return list_empty(&flow->dir[0].objects) &&
	       list_empty(&flow->dir[1].objects);
}

/*
 * The parser met data it cannot frame: the malformed fallback decides.
 * Block ends the connection; permit passes the rest of it unscanned (its
 * objects already complete are still scanned and enforced).
 */
static void nfav_stream_malformed(struct nfav_flow *flow, enum nfav_side side,
				  struct nfav_pkts *p)
{
	struct nfav_net *nn = flow->nn;
	u8 action;

	rcu_read_lock();
	action = nfav_config_rcu(nn)->proto[flow->proto].fallback[NFAV_REASON_MALFORMED];
	rcu_read_unlock();
	if (action < NFAV_ACTION_PERMIT || action > NFAV_ACTION_MAX)
		action = NFAV_ACTION_BLOCK;

	nfav_count(nn, flow->proto, NFAV_C_MALFORMED);
	atomic64_inc(&nn->stats[flow->proto].fallback[NFAV_REASON_MALFORMED][action]);
	if (action != NFAV_ACTION_PERMIT) {
		if (net_ratelimit()) {
			char desc[96];

			nfav_flow_str(flow, desc, sizeof(desc));
			pr_info("nfav: malformed %s from the %s on %s, %s\n",
				nfav_proto_get(flow->proto)->name, side == NFAV_SIDE_SERVER ? "server" :
				"client", desc, action == NFAV_ACTION_BLOCK ?
				"blocked" : "passed unscanned");
		}
		nfav_nl_event(nn, flow, NULL, NFAV_EVENT_FALLBACK,
			      NFAV_REASON_MALFORMED, action);
	}
	if (action == NFAV_ACTION_BLOCK)
		nfav_flow_kill(flow, side, NULL, p);
	else
		flow->bypass_after = true;
}

/* One in-order segment: parse it (unless the flow stopped parsing), hold. */
static void nfav_stream_one(struct nfav_flow *flow, enum nfav_side side,
			    struct nfav_held *h, u32 skip, struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	enum nfav_parse_status st = NFAV_PARSE_OK;

	if (flow->state == NFAV_FLOW_ACTIVE && !flow->bypass_after)
		st = nfav_stream_feed(flow, side, h, skip, p);
	nfav_reasm_advance(&d->ra, &h->seg);
	nfav_stream_hold(flow, d, h);

	if (flow->state == NFAV_FLOW_BLOCKED) {
		/* Blocked while parsing: nothing held may leave. */
		nfav_stream_collect(flow, &p->drop, NFAV_H_DROP);
		return;
	}
	if (flow->state != NFAV_FLOW_ACTIVE)
		return;
	switch (st) {
	case NFAV_PARSE_OK:
		break;
	case NFAV_PARSE_BYPASS:
		if (!flow->bypass_after)
			nfav_count(flow->nn, flow->proto, NFAV_C_BYPASSED);
		flow->bypass_after = true;
		break;
	case NFAV_PARSE_MALFORMED:
	default:
		nfav_stream_malformed(flow, side, p);
		break;
	}
}

/**
 * nfav_stream_parse - an in-order segment arrived
 * @flow: the flow, locked
 * @side: who sent it
 * @h: the segment (not yet owned by the reassembler)
 * @skip: leading bytes already seen
 * @p: where released, dropped and built packets go
 *
 * Parses @h and every queued segment it makes in order, settles objects
 * whose verdicts are known and releases what the hold policy allows.
 */
void nfav_stream_parse(struct nfav_flow *flow, enum nfav_side side,
		       struct nfav_held *h, u32 skip, struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	struct nfav_seg *seg;

	lockdep_assert_held(&flow->lock);
	nfav_stream_one(flow, side, h, skip, p);

	while (flow->state != NFAV_FLOW_BLOCKED &&
	       (seg = nfav_reasm_next(&d->ra, &skip))) {
		struct nfav_held *q = container_of(seg, struct nfav_held, seg);

		if (skip >= seg->len && !(seg->fin && !d->ra.fin)) {
			/* Entirely seen already: a duplicate. */
			nfav_pkts_drop(p, q);
			continue;
		}
		nfav_stream_one(flow, side, q, skip, p);
	}

	if (flow->state == NFAV_FLOW_BLOCKED)
		return;
	nfav_objects_settle(flow, p);
	if (flow->state == NFAV_FLOW_BLOCKED)
		return;
	nfav_stream_release(flow, NFAV_SIDE_CLIENT, p);
	nfav_stream_release(flow, NFAV_SIDE_SERVER, p);
	nfav_stall_arm(flow);
}

/*
 * Objects whose verdicts are outstanding constrain what may leave.  With
 * @content_tail, the segment carrying the newest content byte of the object
 * being received stays too.
 */
static void nfav_stream_limits(struct nfav_flow *flow, struct nfav_flow_dir *d,
			       bool content_tail, u32 *soft, u32 *hard)
{
	struct nfav_object *obj;
	u32 s = d->ra.next_seq, hd = d->ra.next_seq, lim;

	if (d->in_msg && !d->msg_has_object) {
		lim = nfav_seq_after(d->released, d->msg_start) ?
		      d->released : d->msg_start;
		if (nfav_seq_before(lim, s))
			s = lim;
	}
	list_for_each_entry(obj, &d->objects, list) {
		if (obj->decision == NFAV_DECIDE_PASS)
			continue;
		lim = obj->fully_held ? obj->msg_start : d->released;
		if (nfav_seq_before(lim, s))
			s = lim;
		if (obj->state == NFAV_OBJ_COMPLETE &&
		    nfav_seq_before(obj->end_seq - 1, hd))
			hd = obj->end_seq - 1;
	}
	/*
	 * The object being received keeps its newest content byte held, not
	 * only its last wire byte (a chunk terminator, a FIN): trickling must
	 * never hand over all of its content.
	 */
	if (content_tail && d->cur && d->cur->decision == NFAV_DECIDE_NONE &&
	    d->content_seen && nfav_seq_before(d->content_end - 1, hd) &&
	    !(d->cur->checked_valid && d->cur->checked_seq == d->content_end &&
	      d->cur->checked_size == d->cur->size))
		hd = d->content_end - 1;
	*soft = s;
	*hard = hd;
}

/**
 * nfav_stream_release - let held segments go as far as the policy allows
 * @flow: the flow, locked
 * @side: the direction
 * @p: released segments are appended to @p->pass, in order
 */
void nfav_stream_release(struct nfav_flow *flow, enum nfav_side side,
			 struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	struct nfav_config *cfg;
	u32 soft, hard, allowed, reserve, truesize_max;

	lockdep_assert_held(&flow->lock);
	if (flow->state == NFAV_FLOW_BLOCKED)
		return;

	if (flow->bypass_after && nfav_flow_idle(flow)) {
		/*
		 * The rest of the connection is not ours to scan: everything
		 * it owns goes, out-of-order segments too (in sequence order;
		 * the receiver sorts them), and the parser state is freed.
		 */
		flow->state = NFAV_FLOW_BYPASS;
		nfav_stream_stop(flow);
		nfav_stream_collect(flow, &p->pass, NFAV_H_PASS);
		nfav_stream_free(flow);
		return;
	}

	d->sent_blocked = false;	/* set again if a copy fails */
	/* Trickling lasts until the objects it was for are decided. */
	nfav_trickle_check(d);
	nfav_stream_limits(flow, d, true, &soft, &hard);
	while (nfav_stream_pass_head(flow, d, soft, p))
		;

	rcu_read_lock();
	cfg = nfav_config_rcu(flow->nn);
	allowed = cfg->hold_limit;
	rcu_read_unlock();
	truesize_max = NFAV_HOLD_TRUESIZE_MULT * allowed;
	reserve = 2 * d->mss;
	if (d->peer_window < reserve || d->trickle)
		allowed = 0;
	else
		allowed = min(allowed, d->peer_window - reserve);

	while ((d->ra.held_bytes > allowed ||
		d->ra.held_count > NFAV_HOLD_MAX_SEGS ||
		d->held_truesize > truesize_max) && d->ra.held &&
	       d->ra.held != d->ra.held_last &&
	       nfav_stream_pass_head(flow, d, hard, p))
		;

	nfav_stream_released(d);
	if (d->sent_blocked)
		nfav_stall_arm(flow);	/* try again */
}

/*
 * Take every packet the flow owns (held and out of order) onto @list, which
 * is the pass (@where NFAV_H_PASS) or the drop list (NFAV_H_DROP).
 */
void nfav_stream_collect(struct nfav_flow *flow, struct list_head *list,
			 u8 where)
{
	struct nfav_seg *seg;

	lockdep_assert_held(&flow->lock);
	for (int i = 0; i < 2; i++) {
		struct nfav_flow_dir *d = &flow->dir[i];

		while ((seg = nfav_reasm_pop_held(&d->ra)))
			nfav_stream_unhold(flow, d, seg, list, where);
		while ((seg = nfav_reasm_pop_ooo(&d->ra))) {
			struct nfav_held *h = container_of(seg,
						struct nfav_held, seg);

			h->where = where;
			list_add_tail(&h->node, list);
		}
	}
}
