/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP stream reassembly for one direction of a connection, independent of
 * sk_buffs so that it can be tested in userspace.
 *
 * The caller owns struct nfav_seg (in the kernel it lives in a wrapper next
 * to the sk_buff) and gives the reassembler access to the payload bytes
 * through nfav_reasm_ops.copy.  The reassembler keeps two lists of segments
 * it owns:
 *
 *  - held: segments already parsed (their bytes are before next_seq) that the
 *    caller decided to hold; contiguous and in order.  The caller releases
 *    them from the head with nfav_reasm_release().
 *  - ooo: segments that start after next_seq, waiting for the gap to fill,
 *    sorted by sequence number, bounded by max_ooo_count / max_ooo_bytes.
 *
 * Sequence numbers wrap: all comparisons are modulo 2^32.
 *
 * Retransmitted bytes are compared with the copy the reassembler still owns
 * (held or out-of-order); a difference is an evasion attempt and reported as
 * NFAV_RA_CONFLICT.  Bytes already released cannot be compared: the receiver
 * has the original and drops the duplicate.
 */
#ifndef _NFAV_PROTO_REASM_H
#define _NFAV_PROTO_REASM_H

#include "compat.h"

struct nfav_seg {
	struct nfav_seg *next;
	u32 seq;	/* sequence number of the first payload byte */
	u32 len;	/* payload bytes */
	u8 fin;		/* carries a FIN, which occupies sequence seq + len */
};

struct nfav_reasm_ops {
	/* Copy @len payload bytes of @seg starting at @off into @buf. */
	void (*copy)(void *ctx, const struct nfav_seg *seg, u32 off, u8 *buf,
		     u32 len);
};

struct nfav_reasm {
	u32 next_seq;		/* next in-order sequence number */
	bool fin;		/* the FIN has been delivered in order */
	struct nfav_seg *held, *held_last;
	struct nfav_seg *ooo;
	u32 held_bytes;		/* payload bytes in held */
	u32 held_count;
	u32 ooo_bytes;		/* payload bytes in ooo */
	u32 ooo_count;
	u32 max_ooo_bytes;
	u32 max_ooo_count;
	u32 fin_seq;		/* private: sequence number of the FIN */
	u8 fin_known;		/* private: fin_seq is valid */
};

enum nfav_reasm_res {
	/* In order: parse from *skip on, then nfav_reasm_advance(). */
	NFAV_RA_NEW,
	/* Only bytes still held or already queued out of order: drop it. */
	NFAV_RA_OLD_HELD,
	/* Only bytes already released, or an empty segment: pass it. */
	NFAV_RA_OLD,
	NFAV_RA_QUEUED,		/* out of order: now in the ooo list */
	NFAV_RA_FULL,		/* out of order, no room: drop it */
	NFAV_RA_CONFLICT,	/* changes bytes seen before: evasion */
};

void nfav_reasm_init(struct nfav_reasm *r, u32 isn_next, u32 max_ooo_bytes,
		     u32 max_ooo_count);

/*
 * Classify a segment that just arrived.  For NFAV_RA_NEW, *skip is the number
 * of leading payload bytes that are before next_seq (already seen; they have
 * been compared); it equals len when only the FIN is new.  Only
 * NFAV_RA_QUEUED takes ownership of @seg.
 */
enum nfav_reasm_res nfav_reasm_add(struct nfav_reasm *r, struct nfav_seg *seg,
				   u32 *skip, const struct nfav_reasm_ops *ops,
				   void *ctx);

/* The segment given as NFAV_RA_NEW (or by nfav_reasm_next) was parsed. */
void nfav_reasm_advance(struct nfav_reasm *r, const struct nfav_seg *seg);

/*
 * Take the next out-of-order segment that has become in order (its seq is at
 * or before next_seq), with *skip set as for NFAV_RA_NEW.  Segments entirely
 * before next_seq are returned too, with *skip == len (the caller passes or
 * frees them as for NFAV_RA_OLD).  NULL when the gap is still open.
 *
 * With *skip == len a segment may still carry a FIN that is not delivered
 * yet (nfav_seq_after(nfav_seg_end(seg), r->next_seq)): treat it as
 * NFAV_RA_NEW (end of direction, then nfav_reasm_advance()).  A segment that
 * is entirely old had its bytes delivered by another copy; freeing it is
 * always safe, passing it may let held bytes reach the receiver early.
 */
struct nfav_seg *nfav_reasm_next(struct nfav_reasm *r, u32 *skip);

/* Append an in-order, parsed segment to the held list. */
void nfav_reasm_hold(struct nfav_reasm *r, struct nfav_seg *seg);

/*
 * Remove and return the head of the held list if all of its sequence space
 * (payload and FIN) is before @limit; NULL otherwise.
 */
struct nfav_seg *nfav_reasm_release(struct nfav_reasm *r, u32 limit);

/* Remove and return the head of the held list unconditionally (or NULL). */
struct nfav_seg *nfav_reasm_pop_held(struct nfav_reasm *r);
/*
 * The first @n payload bytes of the oldest held segment were released (by a
 * copy): it now covers only its later bytes.  0 < @n < its length.
 */
void nfav_reasm_held_trim(struct nfav_reasm *r, u32 n);

/* Remove and return the head of the ooo list (or NULL), for teardown. */
struct nfav_seg *nfav_reasm_pop_ooo(struct nfav_reasm *r);

/* Sequence space of a segment: payload plus FIN. */
static inline u32 nfav_seg_end(const struct nfav_seg *seg)
{
	return seg->seq + seg->len + (seg->fin ? 1 : 0);
}

static inline bool nfav_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool nfav_seq_after(u32 a, u32 b)
{
	return nfav_seq_before(b, a);
}

#endif /* _NFAV_PROTO_REASM_H */
