// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the TCP reassembler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../kmod/proto/reasm.h"
#include "unit.h"

struct tseg {
	struct nfav_seg s;
	u32 base;		/* data[base] is the byte at s.seq (trimmed) */
	u8 data[];
};

static struct nfav_seg *mkseg(u32 seq, const char *data, int fin)
{
	size_t len = data ? strlen(data) : 0;
	struct tseg *t = malloc(sizeof(*t) + len + 1);

	assert_non_null(t);
	memset(&t->s, 0x5a, sizeof(t->s));	/* next must be set by reasm */
	t->s.seq = seq;
	t->s.len = (u32)len;
	t->s.fin = fin ? 1 : 0;
	t->base = 0;
	if (len)
		memcpy(t->data, data, len);
	return &t->s;
}

static void tcopy(void *ctx, const struct nfav_seg *seg, u32 off, u8 *buf,
		  u32 len)
{
	const struct tseg *t = (const struct tseg *)seg;
	unsigned long *calls = ctx;

	assert_true(off <= seg->len && len <= seg->len - off);
	assert_true(len > 0 && len <= 64);
	memcpy(buf, t->data + t->base + off, len);
	(*calls)++;
}

static const struct nfav_reasm_ops tops = { .copy = tcopy };
static unsigned long copies;

static enum nfav_reasm_res add(struct nfav_reasm *r, struct nfav_seg *s,
			       u32 *skip)
{
	return nfav_reasm_add(r, s, skip, &tops, &copies);
}

/* Check the list counters against the lists. */
static void check_lists(const struct nfav_reasm *r)
{
	const struct nfav_seg *s, *prev = NULL;
	u32 n = 0, b = 0;

	for (s = r->held; s; s = s->next) {
		n++;
		b += s->len;
		prev = s;
	}
	assert_int_equal(n, r->held_count);
	assert_int_equal(b, r->held_bytes);
	assert_ptr_equal(prev, r->held_last);
	n = 0;
	b = 0;
	prev = NULL;
	for (s = r->ooo; s; s = s->next) {
		if (prev)
			assert_false(nfav_seq_before(s->seq, prev->seq));
		n++;
		b += s->len;
		prev = s;
	}
	assert_int_equal(n, r->ooo_count);
	assert_int_equal(b, r->ooo_bytes);
	assert_true(r->ooo_count <= r->max_ooo_count);
	assert_true(r->ooo_bytes <= r->max_ooo_bytes);
}

static void drain(struct nfav_reasm *r)
{
	struct nfav_seg *s;

	check_lists(r);
	while ((s = nfav_reasm_pop_held(r)))
		free(s);
	while ((s = nfav_reasm_pop_ooo(r)))
		free(s);
	assert_int_equal(r->held_count, 0);
	assert_int_equal(r->held_bytes, 0);
	assert_int_equal(r->ooo_count, 0);
	assert_int_equal(r->ooo_bytes, 0);
	assert_null(r->held);
	assert_null(r->held_last);
	assert_null(r->ooo);
}

/* Add, expect NEW with @skip, advance and hold. */
static void add_new_hold(struct nfav_reasm *r, struct nfav_seg *s, u32 skip)
{
	u32 sk = 99;

	assert_int_equal(add(r, s, &sk), NFAV_RA_NEW);
	assert_int_equal(sk, skip);
	nfav_reasm_advance(r, s);
	nfav_reasm_hold(r, s);
	check_lists(r);
}

/* Add, expect @res, and free the segment unless it was queued. */
static void add_expect(struct nfav_reasm *r, struct nfav_seg *s,
		       enum nfav_reasm_res res)
{
	u32 sk;

	assert_int_equal(add(r, s, &sk), res);
	if (res != NFAV_RA_QUEUED)
		free(s);
	check_lists(r);
}

static void test_reasm_in_order(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s;
	u32 sk;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	s = mkseg(1000, "hello", 0);
	assert_int_equal(add(&r, s, &sk), NFAV_RA_NEW);
	assert_int_equal(sk, 0);
	nfav_reasm_advance(&r, s);
	assert_int_equal(r.next_seq, 1005);
	free(s);
	add_new_hold(&r, mkseg(1005, "world", 0), 0);
	assert_int_equal(r.next_seq, 1010);
	assert_false(r.fin);
	assert_null(nfav_reasm_next(&r, &sk));
	/* empty segments (pure ACKs) are passed */
	add_expect(&r, mkseg(1010, NULL, 0), NFAV_RA_OLD);
	add_expect(&r, mkseg(5, NULL, 0), NFAV_RA_OLD);
	drain(&r);
}

static void test_reasm_reordered(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *a, *b, *c, *s;
	u32 sk;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	c = mkseg(1010, "three", 0);
	b = mkseg(1005, "two..", 0);
	a = mkseg(1000, "one..", 0);
	add_expect(&r, c, NFAV_RA_QUEUED);
	add_expect(&r, b, NFAV_RA_QUEUED);
	assert_ptr_equal(r.ooo, b);	/* sorted */
	assert_null(nfav_reasm_next(&r, &sk));
	add_new_hold(&r, a, 0);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, b);
	assert_int_equal(sk, 0);
	nfav_reasm_advance(&r, s);
	nfav_reasm_hold(&r, s);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, c);
	assert_int_equal(sk, 0);
	nfav_reasm_advance(&r, s);
	nfav_reasm_hold(&r, s);
	assert_null(nfav_reasm_next(&r, &sk));
	assert_int_equal(r.next_seq, 1015);
	assert_int_equal(r.held_count, 3);
	assert_int_equal(r.held_bytes, 15);
	drain(&r);
}

static void test_reasm_duplicates(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	add_new_hold(&r, mkseg(1000, "hello", 0), 0);
	/* still held: drop the copy */
	add_expect(&r, mkseg(1000, "hello", 0), NFAV_RA_OLD_HELD);
	add_expect(&r, mkseg(1001, "ell", 0), NFAV_RA_OLD_HELD);
	s = nfav_reasm_release(&r, 1005);
	assert_non_null(s);
	free(s);
	/* released: the receiver has it, pass the copy */
	add_expect(&r, mkseg(1000, "hello", 0), NFAV_RA_OLD);
	add_expect(&r, mkseg(1000, "XXXXX", 0), NFAV_RA_OLD);
	/* a duplicate of a queued segment is dropped, not queued twice */
	add_expect(&r, mkseg(1010, "queued", 0), NFAV_RA_QUEUED);
	add_expect(&r, mkseg(1010, "queued", 0), NFAV_RA_OLD_HELD);
	add_expect(&r, mkseg(1011, "ueue", 0), NFAV_RA_OLD_HELD);
	assert_int_equal(r.ooo_count, 1);
	drain(&r);
}

static void test_reasm_partial_overlap(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s, *q1, *q2;
	u32 sk;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	add_new_hold(&r, mkseg(1000, "hello", 0), 0);
	/* starts in held bytes, goes on with new ones */
	add_new_hold(&r, mkseg(1003, "lo world", 0), 2);
	assert_int_equal(r.next_seq, 1011);
	/* overlapping out-of-order segments */
	q1 = mkseg(1020, "abcdef", 0);
	q2 = mkseg(1023, "defghi", 0);
	add_expect(&r, q1, NFAV_RA_QUEUED);
	add_expect(&r, q2, NFAV_RA_QUEUED);
	add_new_hold(&r, mkseg(1011, "012345678ab", 0), 0);
	assert_int_equal(r.next_seq, 1022);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, q1);
	assert_int_equal(sk, 2);
	nfav_reasm_advance(&r, s);
	nfav_reasm_hold(&r, s);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, q2);
	assert_int_equal(sk, 3);
	nfav_reasm_advance(&r, s);
	nfav_reasm_hold(&r, s);
	assert_int_equal(r.next_seq, 1029);
	/* a queued segment overtaken by an in-order one: skip == len */
	q1 = mkseg(1035, "xyz", 0);
	add_expect(&r, q1, NFAV_RA_QUEUED);
	add_new_hold(&r, mkseg(1029, "uvwxyzxyz", 0), 0);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, q1);
	assert_int_equal(sk, 3);
	free(s);
	drain(&r);
}

static void test_reasm_conflict_held(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	add_new_hold(&r, mkseg(1000, "hello", 0), 0);
	add_new_hold(&r, mkseg(1005, "world", 0), 0);
	add_expect(&r, mkseg(1001, "EL", 0), NFAV_RA_CONFLICT);
	/* across two held segments */
	add_expect(&r, mkseg(1003, "loWor", 0), NFAV_RA_CONFLICT);
	/* the old part of a new segment differs */
	add_expect(&r, mkseg(1008, "lX and more", 0), NFAV_RA_CONFLICT);
	assert_int_equal(r.next_seq, 1010);
	/* long segments are compared in chunks */
	s = mkseg(1000, "helloworld", 0);
	add_expect(&r, s, NFAV_RA_OLD_HELD);
	drain(&r);

	{
		char big[300], bad[300];

		memset(big, 'a', 299);
		big[299] = '\0';
		memcpy(bad, big, sizeof(bad));
		bad[250] = 'b';
		nfav_reasm_init(&r, 0, 4096, 8);
		add_new_hold(&r, mkseg(0, big, 0), 0);
		copies = 0;
		add_expect(&r, mkseg(0, big, 0), NFAV_RA_OLD_HELD);
		assert_true(copies >= 10);
		add_expect(&r, mkseg(0, bad, 0), NFAV_RA_CONFLICT);
		drain(&r);
	}
}

static void test_reasm_conflict_ooo(void **state)
{
	struct nfav_reasm r;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	add_expect(&r, mkseg(1010, "abcde", 0), NFAV_RA_QUEUED);
	add_expect(&r, mkseg(1012, "cX", 0), NFAV_RA_CONFLICT);
	add_expect(&r, mkseg(1008, "..aBc", 0), NFAV_RA_CONFLICT);
	/* an in-order segment that disagrees with a queued one */
	add_expect(&r, mkseg(1000, "0123456789abXde", 0), NFAV_RA_CONFLICT);
	assert_int_equal(r.next_seq, 1000);
	/* agreeing ones are fine */
	add_expect(&r, mkseg(1008, "89abc", 0), NFAV_RA_QUEUED);
	add_new_hold(&r, mkseg(1000, "0123456789abcde", 0), 0);
	drain(&r);
}

static void test_reasm_ooo_full(void **state)
{
	struct nfav_reasm r;

	(void)state;
	nfav_reasm_init(&r, 1000, 10, 2);
	add_expect(&r, mkseg(1010, "abc", 0), NFAV_RA_QUEUED);
	add_expect(&r, mkseg(1020, "def", 0), NFAV_RA_QUEUED);
	add_expect(&r, mkseg(1030, "g", 0), NFAV_RA_FULL);
	drain(&r);
	nfav_reasm_init(&r, 1000, 10, 2);
	add_expect(&r, mkseg(1010, "abcdefgh", 0), NFAV_RA_QUEUED);
	add_expect(&r, mkseg(1020, "ijk", 0), NFAV_RA_FULL);
	add_expect(&r, mkseg(1020, "ij", 0), NFAV_RA_QUEUED);
	/* in-order segments are never refused */
	add_new_hold(&r, mkseg(1000, "0123456789", 0), 0);
	drain(&r);
	nfav_reasm_init(&r, 1000, 0, 0);
	add_expect(&r, mkseg(1001, "x", 0), NFAV_RA_FULL);
	drain(&r);
}

static void test_reasm_fin_in_order(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	add_new_hold(&r, mkseg(1000, "bye", 1), 0);
	assert_true(r.fin);
	assert_int_equal(r.next_seq, 1004);
	/* the FIN is held: a retransmission is dropped */
	add_expect(&r, mkseg(1003, NULL, 1), NFAV_RA_OLD_HELD);
	add_expect(&r, mkseg(1000, "bye", 1), NFAV_RA_OLD_HELD);
	/* data after the FIN, or a FIN elsewhere */
	add_expect(&r, mkseg(1004, "more", 0), NFAV_RA_CONFLICT);
	add_expect(&r, mkseg(1002, "eXX", 0), NFAV_RA_CONFLICT);
	add_expect(&r, mkseg(1000, "by", 1), NFAV_RA_CONFLICT);
	add_expect(&r, mkseg(1004, NULL, 1), NFAV_RA_CONFLICT);
	/* release needs the FIN's sequence number too */
	assert_null(nfav_reasm_release(&r, 1003));
	s = nfav_reasm_release(&r, 1004);
	assert_non_null(s);
	free(s);
	add_expect(&r, mkseg(1003, NULL, 1), NFAV_RA_OLD);
	drain(&r);

	/* a pure FIN, and a FIN where data was */
	nfav_reasm_init(&r, 1000, 4096, 8);
	add_new_hold(&r, mkseg(1000, "abc", 0), 0);
	add_expect(&r, mkseg(1001, "b", 1), NFAV_RA_CONFLICT);
	add_new_hold(&r, mkseg(1003, NULL, 1), 0);
	assert_true(r.fin);
	assert_int_equal(r.next_seq, 1004);
	drain(&r);
}

static void test_reasm_fin_out_of_order(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s, *f;
	u32 sk;

	(void)state;
	nfav_reasm_init(&r, 1000, 4096, 8);
	f = mkseg(1005, "world", 1);
	add_expect(&r, f, NFAV_RA_QUEUED);
	/* data beyond the queued FIN, another FIN */
	add_expect(&r, mkseg(1008, "ldX", 0), NFAV_RA_CONFLICT);
	add_expect(&r, mkseg(1011, "x", 0), NFAV_RA_CONFLICT);
	add_expect(&r, mkseg(1007, NULL, 1), NFAV_RA_CONFLICT);
	add_new_hold(&r, mkseg(1000, "hello", 0), 0);
	assert_false(r.fin);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, f);
	assert_int_equal(sk, 0);
	nfav_reasm_advance(&r, s);
	nfav_reasm_hold(&r, s);
	assert_true(r.fin);
	assert_int_equal(r.next_seq, 1011);
	drain(&r);

	/* a pure FIN waiting for the data before it */
	nfav_reasm_init(&r, 1000, 4096, 8);
	f = mkseg(1003, NULL, 1);
	add_expect(&r, f, NFAV_RA_QUEUED);
	add_new_hold(&r, mkseg(1000, "abc", 0), 0);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, f);
	assert_int_equal(sk, 0);
	assert_true(nfav_seq_after(nfav_seg_end(s), r.next_seq));
	nfav_reasm_advance(&r, s);
	assert_true(r.fin);
	free(s);
	drain(&r);

	/* a FIN before queued data */
	nfav_reasm_init(&r, 1000, 4096, 8);
	add_expect(&r, mkseg(1010, "late", 0), NFAV_RA_QUEUED);
	add_expect(&r, mkseg(1005, "early", 1), NFAV_RA_CONFLICT);
	drain(&r);
}

static void test_reasm_wraparound(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s, *q;
	u32 sk;

	(void)state;
	nfav_reasm_init(&r, 0xfffffffa, 4096, 8);
	q = mkseg(2, "later", 0);
	add_expect(&r, q, NFAV_RA_QUEUED);
	add_expect(&r, mkseg(0xfffffffe, "wxyz", 0), NFAV_RA_QUEUED);
	assert_int_equal(r.ooo->seq, 0xfffffffe);	/* sorted across 0 */
	add_expect(&r, mkseg(0xfffffffd, "?wX", 0), NFAV_RA_CONFLICT);
	add_new_hold(&r, mkseg(0xfffffffa, "abcdwx", 0), 0);
	assert_int_equal(r.next_seq, 0);
	s = nfav_reasm_next(&r, &sk);
	assert_non_null(s);
	assert_int_equal(s->seq, 0xfffffffe);
	assert_int_equal(sk, 2);
	nfav_reasm_advance(&r, s);
	nfav_reasm_hold(&r, s);
	assert_int_equal(r.next_seq, 2);
	s = nfav_reasm_next(&r, &sk);
	assert_ptr_equal(s, q);
	assert_int_equal(sk, 0);
	nfav_reasm_advance(&r, s);
	nfav_reasm_hold(&r, s);
	assert_int_equal(r.next_seq, 7);
	/* duplicates across the wrap */
	add_expect(&r, mkseg(0xffffffff, "xyzl", 0), NFAV_RA_OLD_HELD);
	add_expect(&r, mkseg(0xffffffff, "xyZl", 0), NFAV_RA_CONFLICT);
	/* release with a limit past the wrap */
	s = nfav_reasm_release(&r, 0xffffffff);
	assert_null(s);
	s = nfav_reasm_release(&r, 0);
	assert_non_null(s);
	assert_int_equal(s->seq, 0xfffffffa);
	free(s);
	s = nfav_reasm_release(&r, 1);
	assert_null(s);
	s = nfav_reasm_release(&r, 2);
	assert_non_null(s);
	free(s);
	add_expect(&r, mkseg(0xfffffffb, "bcde", 0), NFAV_RA_OLD);
	add_new_hold(&r, mkseg(7, "end", 1), 0);
	assert_int_equal(r.next_seq, 11);
	drain(&r);
}

static void test_reasm_release_limit(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s;

	(void)state;
	nfav_reasm_init(&r, 100, 4096, 8);
	add_new_hold(&r, mkseg(100, "aaaa", 0), 0);
	add_new_hold(&r, mkseg(104, "bbbb", 0), 0);
	add_new_hold(&r, mkseg(108, "cccc", 0), 0);
	assert_null(nfav_reasm_release(&r, 103));
	assert_null(nfav_reasm_release(&r, 100));
	s = nfav_reasm_release(&r, 106);
	assert_non_null(s);
	assert_int_equal(s->seq, 100);
	free(s);
	assert_null(nfav_reasm_release(&r, 106));
	assert_int_equal(r.held_count, 2);
	assert_int_equal(r.held_bytes, 8);
	s = nfav_reasm_release(&r, 112);
	assert_non_null(s);
	free(s);
	s = nfav_reasm_release(&r, 112);
	assert_non_null(s);
	free(s);
	assert_null(nfav_reasm_release(&r, 112));
	assert_null(r.held_last);
	/* the list works again after it was emptied */
	add_new_hold(&r, mkseg(112, "dd", 0), 0);
	s = nfav_reasm_pop_held(&r);
	assert_non_null(s);
	free(s);
	assert_null(nfav_reasm_pop_held(&r));
	assert_null(nfav_reasm_pop_ooo(&r));
	drain(&r);
}

/*
 * The first bytes of the oldest held segment were released (by a copy): the
 * segment covers only its later bytes, which are still compared; the
 * released ones are not.
 */
static void test_reasm_held_trim(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s;

	(void)state;
	nfav_reasm_init(&r, 1, 4096, 8);
	s = mkseg(1, "content+X", 0);
	add_new_hold(&r, s, 0);
	add_new_hold(&r, mkseg(10, "tail", 0), 0);
	nfav_reasm_held_trim(&r, 8);
	((struct tseg *)s)->base = 8;
	assert_int_equal(s->seq, 9);
	assert_int_equal(s->len, 1);
	assert_int_equal(r.held_bytes, 5);
	assert_int_equal(r.held_count, 2);
	check_lists(&r);
	/* nothing happens for 0 bytes or the whole segment */
	nfav_reasm_held_trim(&r, 0);
	nfav_reasm_held_trim(&r, 1);
	assert_int_equal(s->seq, 9);
	assert_int_equal(r.held_bytes, 5);
	/* a retransmission of all of it: the kept byte is compared */
	add_expect(&r, mkseg(1, "CONTENT+X", 0), NFAV_RA_OLD_HELD);
	add_expect(&r, mkseg(1, "content+Y", 0), NFAV_RA_CONFLICT);
	s = nfav_reasm_release(&r, 10);
	assert_non_null(s);
	assert_int_equal(s->seq, 9);
	free(s);
	drain(&r);
}

/* Segments that are not held (passed) cannot be compared any more. */
static void test_reasm_passed(void **state)
{
	struct nfav_reasm r;
	struct nfav_seg *s;
	u32 sk;

	(void)state;
	nfav_reasm_init(&r, 1, 4096, 8);
	s = mkseg(1, "passed", 0);
	assert_int_equal(add(&r, s, &sk), NFAV_RA_NEW);
	nfav_reasm_advance(&r, s);
	free(s);
	add_expect(&r, mkseg(1, "PASSED", 0), NFAV_RA_OLD);
	add_new_hold(&r, mkseg(4, "SED+held", 0), 3);
	add_expect(&r, mkseg(5, "ED+", 0), NFAV_RA_OLD_HELD);
	add_expect(&r, mkseg(5, "ED-", 0), NFAV_RA_CONFLICT);
	drain(&r);
}

size_t reasm_tests(struct CMUnitTest *t)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test(test_reasm_in_order),
		cmocka_unit_test(test_reasm_reordered),
		cmocka_unit_test(test_reasm_duplicates),
		cmocka_unit_test(test_reasm_partial_overlap),
		cmocka_unit_test(test_reasm_conflict_held),
		cmocka_unit_test(test_reasm_conflict_ooo),
		cmocka_unit_test(test_reasm_ooo_full),
		cmocka_unit_test(test_reasm_fin_in_order),
		cmocka_unit_test(test_reasm_fin_out_of_order),
		cmocka_unit_test(test_reasm_wraparound),
		cmocka_unit_test(test_reasm_release_limit),
		cmocka_unit_test(test_reasm_passed),
		cmocka_unit_test(test_reasm_held_trim),
	};

	memcpy(t, all, sizeof(all));
	return ARRAY_SIZE(all);
}
