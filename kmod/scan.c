// SPDX-License-Identifier: GPL-2.0
/*
 * Objects and their verdicts.
 *
 * An object is one transferred file or message.  Its content is streamed to
 * the scan daemon as it arrives (OBJECT_BEGIN, OBJECT_DATA..., OBJECT_END)
 * through a per-netns queue that a worker sends without blocking; once it
 * ends, a timer bounds the wait for the verdict.  Verdicts, fallbacks and
 * timeouts all end in a decision (pass or block), and decisions are carried
 * out in stream order by nfav_objects_settle().
 *
 * References: an object is referenced by its flow's list, by the id table
 * while the daemon may answer, and by its timer while armed.  It holds a
 * reference on its flow.
 */
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/tcp.h>

#include "nfav.h"

/*
 * Data per message: the skb head stays within a 16 KiB allocation; when that
 * (order-2) allocation fails, within one page.
 */
#define NFAV_TX_CHUNK		(15 * 1024)
#define NFAV_TX_CHUNK_MIN	(3 * 1024)
#define NFAV_TX_RETRY		1		/* jiffies */
#define NFAV_TX_BATCH		256

void nfav_count(struct nfav_net *nn, u8 proto, enum nfav_counter c)
{
	if (likely(proto < __NFAV_PROTO_MAX))
		atomic64_inc(&nn->stats[proto].c[c]);
}

static const char * const nfav_reason_names[__NFAV_REASON_MAX] = {
	[NFAV_REASON_NONE] = "none",
	[NFAV_REASON_DEFAULT] = "scan error",
	[NFAV_REASON_CORRUPT_FILE] = "corrupt file",
	[NFAV_REASON_PASSWORD_FILE] = "password-protected file",
	[NFAV_REASON_DECOMPRESS_LAYER] = "too many compression layers",
	[NFAV_REASON_CONTENT_SIZE] = "content too large",
	[NFAV_REASON_ENGINE_NOT_READY] = "scan engine not ready",
	[NFAV_REASON_TIMEOUT] = "scan timed out",
	[NFAV_REASON_OUT_OF_RESOURCES] = "out of resources",
	[NFAV_REASON_TOO_MANY_REQUESTS] = "too many scan requests",
	[NFAV_REASON_MALFORMED] = "malformed protocol data",
};

const char *nfav_reason_str(u8 reason)
{
	return reason < __NFAV_REASON_MAX ? nfav_reason_names[reason] :
	       "unknown";
}

/* ---- the queue toward the daemon ---- */

static void nfav_tx_queue(struct nfav_net *nn, struct sk_buff *skb)
{
	if (!READ_ONCE(nn->daemon.portid) || READ_ONCE(nn->dying) ||
	    READ_ONCE(nfav_unloading)) {
		kfree_skb(skb);
		return;
	}
	atomic64_add(skb->truesize, &nn->txq_bytes);
	skb_queue_tail(&nn->txq, skb);
	mod_delayed_work(system_wq, &nn->tx_work, 0);
}

static void nfav_tx_purge(struct nfav_net *nn)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&nn->txq))) {
		atomic64_sub(skb->truesize, &nn->txq_bytes);
		kfree_skb(skb);
	}
}

static void nfav_tx_work(struct work_struct *work)
{
	struct nfav_net *nn = container_of(to_delayed_work(work),
					   struct nfav_net, tx_work);
	struct sk_buff *skb, *clone;
	unsigned int sent = 0;
	u32 portid;
	int err;

	while ((skb = skb_dequeue(&nn->txq))) {
		portid = READ_ONCE(nn->daemon.portid);
		if (!portid || READ_ONCE(nn->dying) ||
		    READ_ONCE(nfav_unloading)) {
			atomic64_sub(skb->truesize, &nn->txq_bytes);
			kfree_skb(skb);
			continue;
		}
		clone = skb_clone(skb, GFP_KERNEL);
		if (!clone) {
			skb_queue_head(&nn->txq, skb);
			queue_delayed_work(system_wq, &nn->tx_work,
					   NFAV_TX_RETRY);
			return;
		}
		err = genlmsg_unicast(nn->net, clone, portid);
		if (err == -EAGAIN || err == -ENOBUFS || err == -ENOMEM) {
			/* The daemon's receive buffer is full: wait. */
			skb_queue_head(&nn->txq, skb);
			queue_delayed_work(system_wq, &nn->tx_work,
					   NFAV_TX_RETRY);
			return;
		}
		atomic64_sub(skb->truesize, &nn->txq_bytes);
		kfree_skb(skb);
		if (err == -ECONNREFUSED) {
			/* The daemon's socket is gone. */
			nfav_daemon_unregister(nn, portid);
			continue;
		}
		if (++sent >= NFAV_TX_BATCH) {
			queue_delayed_work(system_wq, &nn->tx_work, 0);
			return;
		}
	}
}

static struct sk_buff *nfav_tx_msg_gfp(u8 cmd, u32 id, size_t payload,
				       gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	skb = nfav_nl_msg_new(cmd, payload + nla_total_size_64bit(8), gfp,
			      &hdr);
	if (!skb)
		return NULL;
	if (nla_put_u64_64bit(skb, NFAV_A_OBJECT_ID, id, NFAV_A_PAD)) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

static struct sk_buff *nfav_tx_msg(u8 cmd, u32 id, size_t payload)
{
	return nfav_tx_msg_gfp(cmd, id, payload, GFP_ATOMIC);
}

/* A data message for @obj: a large one, or a one-page one if memory is tight. */
static struct sk_buff *nfav_tx_data_msg(struct nfav_object *obj)
{
	static const u32 sizes[] = { NFAV_TX_CHUNK, NFAV_TX_CHUNK_MIN };
	struct sk_buff *skb;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		skb = nfav_tx_msg_gfp(NFAV_CMD_OBJECT_DATA, obj->id,
				      nla_total_size_64bit(8) +
				      nla_total_size(sizes[i]),
				      NFAV_GFP_ACCOUNT | __GFP_NOWARN);
		if (skb) {
			obj->tx_chunk = sizes[i];
			return skb;
		}
	}
	return NULL;
}

static void nfav_tx_end_msg(struct sk_buff *skb)
{
	nlmsg_end(skb, (struct nlmsghdr *)skb->data);
}

/* Send the data message being filled, if any. */
static void nfav_object_flush(struct nfav_object *obj)
{
	struct sk_buff *skb = obj->tx;
	int len;

	if (!skb)
		return;
	obj->tx = NULL;
	len = skb_tail_pointer(skb) - (unsigned char *)obj->tx_attr;
	obj->tx_attr->nla_len = len;
	skb_put_zero(skb, nla_padlen(len - NLA_HDRLEN));
	nfav_tx_end_msg(skb);
	nfav_tx_queue(obj->flow->nn, skb);
}

static void nfav_object_send_end(struct nfav_object *obj, bool aborted)
{
	struct sk_buff *skb;

	if (!obj->id || obj->ended_sent)
		return;
	obj->ended_sent = true;
	if (aborted) {
		kfree_skb(obj->tx);
		obj->tx = NULL;
	} else {
		nfav_object_flush(obj);
	}
	skb = nfav_tx_msg(NFAV_CMD_OBJECT_END, obj->id,
			  nla_total_size_64bit(8) + nla_total_size(0));
	if (!skb)
		return;	/* the timer still bounds the wait */
	if (nla_put_u64_64bit(skb, NFAV_A_SIZE, obj->size, NFAV_A_PAD) ||
	    (aborted && nla_put_flag(skb, NFAV_A_ABORTED))) {
		kfree_skb(skb);
		return;
	}
	nfav_tx_end_msg(skb);
	nfav_tx_queue(obj->flow->nn, skb);
}

/*
 * A sender that pauses again and again must not make the daemon rescan a
 * growing object without bound: a new check of an object needs its content
 * doubled since the last one, or NFAV_CHECK_INTERVAL since that one was
 * answered, and never repeats a size.  A namespace has at most
 * NFAV_CHECKS_MAX checks outstanding (nfavd queues few and runs them only
 * when no whole object waits).  A check unanswered for scan-timeout seconds
 * is taken as lost.
 */
#define NFAV_CHECK_INTERVAL	HZ
#define NFAV_CHECKS_MAX		64

static void nfav_object_check_done(struct nfav_object *obj)
{
	if (obj->check_pending) {
		obj->check_pending = false;
		atomic_dec(&obj->flow->nn->checks);
	}
}

static void nfav_object_forget(struct nfav_object *obj);

/**
 * nfav_object_check - ask the daemon to scan what it has of @obj so far
 * @obj: an object being received, its flow locked
 * @content_end: sequence number one past its newest content byte
 *
 * Its sender waits for the acknowledgement of the content byte kept back
 * (see nfav_stream_stalled()).  A clean answer lets that content go
 * (nfav_verdict()); the object is still scanned whole at its end.
 */
void nfav_object_check(struct nfav_object *obj, u32 content_end)
{
	struct nfav_net *nn = obj->flow->nn;
	struct sk_buff *skb;
	unsigned long lost;

	lockdep_assert_held(&obj->flow->lock);
	if (obj->check_pending) {
		rcu_read_lock();
		lost = nfav_config_rcu(nn)->proto[obj->flow->proto].scan_timeout;
		rcu_read_unlock();
		if (time_before(jiffies, obj->check_time + lost * HZ))
			return;
		/* Lost (never sent, or never answered): it may go again. */
		nfav_object_check_done(obj);
		obj->check_size = 0;
	}
	if (!obj->id || obj->ended_sent || obj->decision != NFAV_DECIDE_NONE ||
	    !obj->size || obj->size == obj->check_size)
		return;
	if (obj->check_size && obj->size < 2 * obj->check_size &&
	    time_before(jiffies, obj->check_time + NFAV_CHECK_INTERVAL))
		return;
	if (atomic_inc_return(&nn->checks) > NFAV_CHECKS_MAX) {
		atomic_dec(&nn->checks);
		return;
	}
	nfav_object_flush(obj);
	skb = nfav_tx_msg(NFAV_CMD_OBJECT_CHECK, obj->id,
			  nla_total_size_64bit(8));
	if (skb && nla_put_u64_64bit(skb, NFAV_A_SIZE, obj->size, NFAV_A_PAD)) {
		kfree_skb(skb);
		skb = NULL;
	}
	if (!skb) {
		atomic_dec(&nn->checks);
		return;
	}
	nfav_tx_end_msg(skb);
	nfav_tx_queue(nn, skb);
	nfav_count(nn, obj->flow->proto, NFAV_C_CHECKS);
	obj->check_pending = true;
	obj->check_size = obj->size;
	obj->check_seq = content_end;
	obj->check_time = jiffies;
}

/* The daemon's answer to nfav_object_check(). */
static int nfav_object_checked(struct nfav_object *obj, u64 checked,
			       u8 verdict, const char *virus,
			       struct nfav_pkts *p)
{
	struct nfav_flow *flow = obj->flow;

	if (!obj->check_pending || checked != obj->check_size)
		return -EINVAL;
	nfav_object_check_done(obj);
	obj->check_time = jiffies;
	switch (verdict) {
	case NFAV_VERDICT_CLEAN:
		obj->checked_valid = true;
		obj->checked_size = obj->check_size;
		obj->checked_seq = obj->check_seq;
		if (obj->state == NFAV_OBJ_RECEIVING &&
		    flow->state == NFAV_FLOW_ACTIVE)
			nfav_stream_checked(flow, obj->side, p);
		break;
	case NFAV_VERDICT_INFECTED:
		nfav_count(flow->nn, flow->proto, NFAV_C_SCANNED);
		nfav_count(flow->nn, flow->proto, NFAV_C_INFECTED);
		strscpy(obj->virus, virus && virus[0] ? virus : "unknown",
			sizeof(obj->virus));
		obj->decision = NFAV_DECIDE_BLOCK;
		/* No verdict for the whole object is wanted any more. */
		nfav_object_send_end(obj, true);
		nfav_object_forget(obj);
		if (flow->dir[obj->side].cur == obj)
			flow->dir[obj->side].cur = NULL;
		nfav_objects_settle(flow, p);
		break;
	default:
		/* No conclusion: the content stays held until the end. */
		break;
	}
	return 0;
}

/* ---- object lifetime ---- */

static void nfav_object_free_rcu(struct rcu_head *rcu)
{
	struct nfav_object *obj = container_of(rcu, struct nfav_object, rcu);
	struct nfav_net *nn = obj->flow->nn;

	nfav_flow_put(obj->flow);
	kfree(obj);
	if (atomic_dec_and_test(&nn->live_objects))
		wake_up_var(&nn->live_flows);
}

void nfav_object_put(struct nfav_object *obj)
{
	if (refcount_dec_and_test(&obj->refcnt)) {
		kfree_skb(obj->tx);
		obj->tx = NULL;
		call_rcu(&obj->rcu, nfav_object_free_rcu);
	}
}

/* The daemon will not be asked about this object any more. */
static void nfav_object_forget(struct nfav_object *obj)
{
	struct nfav_net *nn = obj->flow->nn;

	nfav_object_check_done(obj);
	if (obj->counted_pending) {
		obj->counted_pending = false;
		atomic_dec(&nn->pending);
	}
	if (obj->id) {
		if (xa_erase_bh(&nn->objects, obj->id) == obj)
			nfav_object_put(obj);
	}
	if (timer_delete(&obj->timer))
		nfav_object_put(obj);
}

/* Unlink a settled or abandoned object from its flow. */
static void nfav_object_detach(struct nfav_object *obj)
{
	struct nfav_flow_dir *d = &obj->flow->dir[obj->side];

	lockdep_assert_held(&obj->flow->lock);
	if (d->cur == obj)
		d->cur = NULL;
	list_del_init(&obj->list);
	nfav_object_forget(obj);
	nfav_object_put(obj);
}

static void nfav_log_object(const struct nfav_object *obj, const char *what,
			    const char *why)
{
	char desc[96];

	if (!net_ratelimit())
		return;
	nfav_flow_str(obj->flow, desc, sizeof(desc));
	pr_info("nfav: %s %s \"%s\" (%s) on %s\n", what,
		obj->side == NFAV_SIDE_SERVER ? "download" : "upload",
		obj->url[0] ? obj->url : obj->name, why, desc);
}

/*
 * Decide an object that could not be scanned, per the configured action for
 * @reason.  The daemon is told to forget it.
 */
static void nfav_object_fallback(struct nfav_object *obj, u8 reason)
{
	struct nfav_flow *flow = obj->flow;
	struct nfav_net *nn = flow->nn;
	u8 action;

	lockdep_assert_held(&flow->lock);
	if (obj->decision != NFAV_DECIDE_NONE)
		return;
	rcu_read_lock();
	action = nfav_config_rcu(nn)->proto[flow->proto].fallback[reason];
	rcu_read_unlock();
	if (action < NFAV_ACTION_PERMIT || action > NFAV_ACTION_MAX)
		action = NFAV_ACTION_LOG_PERMIT;

	atomic64_inc(&nn->stats[flow->proto].fallback[reason][action]);
	obj->reason = reason;
	obj->decision = action == NFAV_ACTION_BLOCK ? NFAV_DECIDE_BLOCK :
			NFAV_DECIDE_PASS;
	if (action != NFAV_ACTION_PERMIT) {
		nfav_log_object(obj, action == NFAV_ACTION_BLOCK ?
				"blocked" : "passed unscanned",
				nfav_reason_str(reason));
		nfav_nl_event(nn, flow, obj, NFAV_EVENT_FALLBACK, reason,
			      action);
	}
	nfav_object_send_end(obj, true);
	nfav_object_forget(obj);
	if (flow->dir[obj->side].cur == obj)
		flow->dir[obj->side].cur = NULL;
}

/**
 * nfav_object_out_of_resources - no memory to hold @obj's bytes
 * @obj: an undecided object, its flow locked
 *
 * The out-of-resources fallback decides; the caller settles the flow.
 */
void nfav_object_out_of_resources(struct nfav_object *obj)
{
	nfav_object_fallback(obj, NFAV_REASON_OUT_OF_RESOURCES);
}

static void nfav_object_timeout(struct timer_list *t)
{
	struct nfav_object *obj = timer_container_of(obj, t, timer);
	struct nfav_flow *flow = obj->flow;
	struct nfav_pkts p;

	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	if (obj->decision == NFAV_DECIDE_NONE && !list_empty(&obj->list)) {
		nfav_object_fallback(obj, NFAV_REASON_TIMEOUT);
		nfav_objects_settle(flow, &p);
	}
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, true);
	nfav_object_put(obj);
}

/**
 * nfav_object_begin - the parser found an object
 * @flow: the flow, locked
 * @side: who sends the object
 * @meta: what the parser knows about it
 * @p: packets to act on after unlocking
 *
 * Return: the object, possibly already decided by a fallback (engine not
 * ready, too many requests, declared size over the limit, no memory), or
 * NULL if not even that could be recorded: the flow is then blocked, since
 * nothing would bound what passes.
 */
struct nfav_object *nfav_object_begin(struct nfav_flow *flow,
				      enum nfav_side side,
				      const struct nfav_obj_meta *meta,
				      struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	struct nfav_net *nn = flow->nn;
	struct nfav_config *cfg;
	struct nfav_object *obj;
	struct sk_buff *skb;
	u64 max_size, mem_limit;
	u32 max_requests, id;
	u8 reason = NFAV_REASON_NONE, max_layers;
	bool skip;

	lockdep_assert_held(&flow->lock);
	rcu_read_lock();
	cfg = nfav_config_rcu(nn);
	max_size = (u64)cfg->proto[flow->proto].max_size * 1024;
	max_layers = cfg->proto[flow->proto].max_layers;
	mem_limit = (u64)cfg->mem_limit * 1024;
	max_requests = cfg->max_requests;
	skip = nfav_object_skipped(&cfg->proto[flow->proto], meta);
	rcu_read_unlock();

	obj = kzalloc(sizeof(*obj), NFAV_GFP_ACCOUNT | __GFP_NOWARN);
	if (!obj) {
		nfav_count(nn, flow->proto, NFAV_C_BLOCKED);
		nfav_flow_kill(flow, side, NULL, p);
		return NULL;
	}
	refcount_set(&obj->refcnt, 1);
	refcount_inc(&flow->refcnt);
	obj->flow = flow;
	obj->side = side;
	obj->msg_start = d->msg_start;
	obj->begun = jiffies;
	obj->fully_held = !nfav_seq_after(d->released, d->msg_start);
	timer_setup(&obj->timer, nfav_object_timeout, 0);
	strscpy(obj->name, meta->name, sizeof(obj->name));
	strscpy(obj->url, meta->url, sizeof(obj->url));
	strscpy(obj->content_type, meta->content_type,
		sizeof(obj->content_type));
	strscpy(obj->host, meta->host, sizeof(obj->host));
	strscpy(obj->encoding, meta->encoding, sizeof(obj->encoding));
	obj->max_layers = max_layers;
	atomic_inc(&nn->live_objects);
	list_add_tail(&obj->list, &d->objects);
	flow->objects_seen++;

	if (skip) {
		/* exempt by configuration: passes as it arrives */
		nfav_count(nn, flow->proto, NFAV_C_SKIPPED);
		obj->decision = NFAV_DECIDE_PASS;
		return obj;
	}

	if (!READ_ONCE(nn->daemon.portid))
		reason = NFAV_REASON_ENGINE_NOT_READY;
	else if (meta->length != NFAV_LEN_UNKNOWN && meta->length > max_size)
		reason = NFAV_REASON_CONTENT_SIZE;
	else if (atomic_read(&nn->pending) >= max_requests)
		reason = NFAV_REASON_TOO_MANY_REQUESTS;
	else if (atomic64_read(&nn->txq_bytes) > mem_limit)
		reason = NFAV_REASON_OUT_OF_RESOURCES;
	if (reason) {
		nfav_object_fallback(obj, reason);
		return obj;
	}

	if (xa_alloc_cyclic_bh(&nn->objects, &id, obj, XA_LIMIT(1, U32_MAX),
			       &nn->next_object_id, GFP_ATOMIC) < 0) {
		nfav_object_fallback(obj, NFAV_REASON_OUT_OF_RESOURCES);
		return obj;
	}
	refcount_inc(&obj->refcnt);	/* the id table's */
	obj->id = id;
	obj->counted_pending = true;
	atomic_inc(&nn->pending);

	skb = nfav_tx_msg(NFAV_CMD_OBJECT_BEGIN, id, 1280);
	if (!skb || nfav_nl_put_meta(skb, flow, obj)) {
		kfree_skb(skb);
		nfav_object_fallback(obj, NFAV_REASON_OUT_OF_RESOURCES);
		return obj;
	}
	nfav_tx_end_msg(skb);
	nfav_tx_queue(nn, skb);
	return obj;
}

/**
 * nfav_object_data - content bytes of an object, in order
 * @obj: the object (undecided)
 * @data: bytes
 * @len: how many
 * @p: packets to act on after unlocking
 */
void nfav_object_data(struct nfav_object *obj, const u8 *data, u32 len,
		      struct nfav_pkts *p)
{
	struct nfav_flow *flow = obj->flow;
	struct nfav_net *nn = flow->nn;
	u64 max_size, mem_limit;
	struct nlattr *nla;
	u32 room, n;

	lockdep_assert_held(&flow->lock);
	if (obj->decision != NFAV_DECIDE_NONE || !len)
		return;
	rcu_read_lock();
	max_size = (u64)nfav_config_rcu(nn)->proto[flow->proto].max_size * 1024;
	mem_limit = (u64)nfav_config_rcu(nn)->mem_limit * 1024;
	rcu_read_unlock();

	if (obj->size + len > max_size) {
		nfav_object_fallback(obj, NFAV_REASON_CONTENT_SIZE);
		return;
	}
	while (len) {
		if (!obj->tx) {
			if (atomic64_read(&nn->txq_bytes) > mem_limit) {
				nfav_object_fallback(obj,
					NFAV_REASON_OUT_OF_RESOURCES);
				return;
			}
			obj->tx = nfav_tx_data_msg(obj);
			if (!obj->tx ||
			    nla_put_u64_64bit(obj->tx, NFAV_A_OFFSET,
					      obj->size, NFAV_A_PAD)) {
				nfav_object_fallback(obj,
					NFAV_REASON_OUT_OF_RESOURCES);
				return;
			}
			nla = skb_put(obj->tx, NLA_HDRLEN);
			nla->nla_type = NFAV_A_DATA;
			nla->nla_len = NLA_HDRLEN;
			obj->tx_attr = nla;
		}
		room = obj->tx_chunk - (skb_tail_pointer(obj->tx) -
			(unsigned char *)obj->tx_attr - NLA_HDRLEN);
		n = min(room, len);
		skb_put_data(obj->tx, data, n);
		obj->size += n;
		data += n;
		len -= n;
		if (n == room)
			nfav_object_flush(obj);
	}
}

/* The object's last byte went through the parser. */
void nfav_object_end(struct nfav_object *obj)
{
	struct nfav_flow *flow = obj->flow;
	unsigned long timeout;

	lockdep_assert_held(&flow->lock);
	obj->state = NFAV_OBJ_COMPLETE;
	if (obj->decision != NFAV_DECIDE_NONE)
		return;
	nfav_object_send_end(obj, false);
	rcu_read_lock();
	timeout = nfav_config_rcu(flow->nn)->proto[flow->proto].scan_timeout;
	rcu_read_unlock();
	if (!mod_timer(&obj->timer, jiffies + timeout * HZ))
		refcount_inc(&obj->refcnt);
}

/**
 * nfav_objects_settle - carry out decisions, in stream order
 * @flow: the flow, locked
 * @p: packets to act on after unlocking
 *
 * Per direction, decided objects at the head of the list leave it: passed
 * ones free what they held, a blocked one blocks the flow.  An undecided
 * object stops the walk: what follows it stays held.
 */
void nfav_objects_settle(struct nfav_flow *flow, struct nfav_pkts *p)
{
	struct nfav_object *obj;

	lockdep_assert_held(&flow->lock);
	for (int side = 0; side < 2; side++) {
		struct nfav_flow_dir *d = &flow->dir[side];

		while ((obj = list_first_entry_or_null(&d->objects,
						       struct nfav_object,
						       list))) {
			if (flow->state == NFAV_FLOW_BLOCKED)
				return;
			if (obj->decision == NFAV_DECIDE_NONE)
				break;
			if (obj->decision == NFAV_DECIDE_BLOCK) {
				nfav_flow_kill(flow, side, obj, p);
				return;
			}
			nfav_object_detach(obj);
		}
	}
	nfav_stream_release(flow, NFAV_SIDE_CLIENT, p);
	nfav_stream_release(flow, NFAV_SIDE_SERVER, p);
}

/* Abandon every object of the flow (connection reset, flow blocked). */
void nfav_flow_abort_objects(struct nfav_flow *flow)
{
	struct nfav_object *obj, *tmp;

	lockdep_assert_held(&flow->lock);
	for (int side = 0; side < 2; side++) {
		list_for_each_entry_safe(obj, tmp, &flow->dir[side].objects,
					 list) {
			nfav_object_send_end(obj, true);
			nfav_object_detach(obj);
		}
	}
}

/* How many bytes of the held head segment precede @upto. */
static u32 nfav_held_prefix(struct nfav_flow_dir *d, u32 upto)
{
	struct nfav_seg *seg = d->ra.held;

	if (!seg || !nfav_seq_before(seg->seq, upto))
		return 0;
	return min(upto - seg->seq, seg->len);
}

/*
 * Send bytes [0, @len) of the held head segment, which precede the blocked
 * message, as built segments from @seq, copying through @buf.
 */
static int nfav_send_prefix(struct nfav_flow *flow, struct nfav_flow_dir *d,
			    u32 seq, u32 len, u8 *buf, u32 size,
			    struct nfav_pkts *p)
{
	u32 ack = flow->dir[NFAV_SIDE_CLIENT].ra.next_seq, off, n;
	struct nfav_held *h;

	for (off = 0; off < len; off += n) {
		h = container_of(d->ra.held, struct nfav_held, seg);
		n = min(len - off, size);
		if (skb_copy_bits(h->skb, h->data_off + off, buf, n) ||
		    nfav_xmit(flow, NFAV_SIDE_SERVER, seq + off, ack,
			      TCPHDR_ACK, buf, n, p))
			return -EHOSTUNREACH;
	}
	return 0;
}

/**
 * nfav_flow_send_resets - (re)send the resets of a blocked flow
 * @flow: the flow, locked
 * @p: the resets are queued on @p->xmit
 *
 * rst_seq[side] is the sequence number the peer of @side expects from it;
 * a reset that could not be built (no route) stays pending.
 */
void nfav_flow_send_resets(struct nfav_flow *flow, struct nfav_pkts *p)
{
	lockdep_assert_held(&flow->lock);
	for (int side = 0; side < 2; side++) {
		if (!(flow->rst_pending & BIT(side)))
			continue;
		/* From @side's end, as if it reset the connection. */
		if (!nfav_xmit(flow, side, flow->rst_seq[side],
			       flow->rst_seq[!side], TCPHDR_RST | TCPHDR_ACK,
			       NULL, 0, p))
			flow->rst_pending &= ~BIT(side);
	}
}

/*
 * A fully held download: the client gets the notice page in place of the
 * response, after whatever preceded the response in the held segments.
 */
static bool nfav_kill_replace(struct nfav_flow *flow, struct nfav_object *obj,
			      struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[NFAV_SIDE_SERVER];
	const size_t size = 8192;
	struct nfav_seg *seg;
	bool sent = false;
	u32 seq, pre;
	char *buf;
	int len;

	/* Bytes before the message go out first, as they are. */
	while ((seg = nfav_reasm_release(&d->ra, obj->msg_start))) {
		atomic64_sub(seg->len, &flow->nn->held_bytes);
		d->held_truesize -= container_of(seg, struct nfav_held,
						 seg)->truesize;
		d->released = nfav_seg_end(seg);
		nfav_pkts_pass(p, container_of(seg, struct nfav_held, seg));
	}
	buf = kmalloc(size, GFP_ATOMIC);
	if (!buf)
		return false;
	/*
	 * The head segment may hold the end of an earlier, decided response
	 * before the message (segments merged by the sender or by GRO): those
	 * bytes go first, then the page.
	 */
	seq = nfav_rcv_nxt(d);
	pre = nfav_held_prefix(d, obj->msg_start);
	if (pre == obj->msg_start - seq &&
	    !nfav_send_prefix(flow, d, seq, pre, (u8 *)buf, size, p)) {
		len = nfav_proto_get(flow->proto)->notice(flow, obj, buf, size);
		sent = len > 0 &&
		       !nfav_xmit(flow, NFAV_SIDE_SERVER, seq + pre,
				  flow->dir[NFAV_SIDE_CLIENT].ra.next_seq,
				  TCPHDR_ACK | TCPHDR_PSH | TCPHDR_FIN, buf,
				  len, p);
	}
	kfree(buf);
	return sent;
}

/*
 * A blocked upload: the server never gets its end (the held tail is
 * dropped and the server reset); the client gets the notice page as the
 * answer to its request.
 */
static bool nfav_kill_answer(struct nfav_flow *flow, struct nfav_object *obj,
			     struct nfav_pkts *p)
{
	const size_t size = 8192;
	bool sent = false;
	char *buf;
	int len;

	buf = kmalloc(size, GFP_ATOMIC);
	if (!buf)
		return false;
	len = nfav_proto_get(flow->proto)->notice(flow, obj, buf, size);
	if (len > 0)
		sent = !nfav_xmit(flow, NFAV_SIDE_SERVER,
				  nfav_rcv_nxt(&flow->dir[NFAV_SIDE_SERVER]),
				  nfav_rcv_nxt(&flow->dir[NFAV_SIDE_CLIENT]),
				  TCPHDR_ACK | TCPHDR_PSH | TCPHDR_FIN, buf,
				  len, p);
	kfree(buf);
	return sent;
}

/**
 * nfav_flow_kill - block a flow
 * @flow: the flow, locked
 * @side: the direction that carried the offending data
 * @obj: the blocked object, or NULL (evasion, protocol violation, no memory)
 * @p: packets to act on after unlocking
 *
 * Where the protocol writes a notice (its table entry's notice()), a fully
 * held download is replaced by it and a blocked upload is answered with it;
 * the server is reset.  Otherwise what is
 * still held is dropped and both ends are reset, so the receiver never gets
 * the last byte.  Every later packet of the flow is dropped.
 */
void nfav_flow_kill(struct nfav_flow *flow, enum nfav_side side,
		    struct nfav_object *obj, struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	struct nfav_flow_dir *o = &flow->dir[!side];
	const struct nfav_proto_desc *desc;
	struct nfav_net *nn = flow->nn;
	bool page_sent = false;

	lockdep_assert_held(&flow->lock);
	if (flow->state == NFAV_FLOW_BLOCKED)
		return;

	if (obj) {
		nfav_count(nn, flow->proto, NFAV_C_BLOCKED);
		if (obj->virus[0]) {
			nfav_log_object(obj, "blocked infected", obj->virus);
			nfav_nl_event(nn, flow, obj, NFAV_EVENT_DETECTION, 0,
				      NFAV_ACTION_BLOCK);
		}
	}

	desc = nfav_proto_get(flow->proto);
	if (obj && desc && desc->notice) {
		if (side == NFAV_SIDE_SERVER && obj->fully_held)
			page_sent = nfav_kill_replace(flow, obj, p);
		else if (side == NFAV_SIDE_CLIENT)
			page_sent = nfav_kill_answer(flow, obj, p);
	}
	/*
	 * The server is always reset, the client unless it got the notice.
	 * A reset that cannot be routed now (link down) is retried by the
	 * flow GC while the blocked flow is remembered.
	 */
	flow->rst_seq[side] = nfav_rcv_nxt(d);
	flow->rst_seq[!side] = nfav_rcv_nxt(o);
	flow->rst_pending = BIT(NFAV_SIDE_CLIENT);
	if (!page_sent)
		flow->rst_pending |= BIT(NFAV_SIDE_SERVER);
	nfav_flow_send_resets(flow, p);

	nfav_stream_stop(flow);
	nfav_flow_abort_objects(flow);
	nfav_stream_collect(flow, &p->drop, NFAV_H_DROP);
	nfav_sent_free(flow);
	flow->state = NFAV_FLOW_BLOCKED;
}

/**
 * nfav_verdict - the daemon's answer for an object
 * @nn: per-netns state
 * @id: the object
 * @checked: 0 for the verdict on the whole object, else the size of the
 *           check (nfav_object_check()) this answers
 * @verdict: enum nfav_verdict
 * @reason: enum nfav_reason, for NFAV_VERDICT_ERROR
 * @virus: signature name, for NFAV_VERDICT_INFECTED
 *
 * Context: process context.
 * Return: 0, or -ENOENT when the object is gone.
 */
int nfav_verdict(struct nfav_net *nn, u64 id, u64 checked, u8 verdict,
		 u8 reason, const char *virus)
{
	struct mem_cgroup *old_memcg;
	struct nfav_object *obj;
	struct nfav_flow *flow;
	struct nfav_pkts p;
	int ret = 0;

	if (id == 0 || id > U32_MAX)
		return -ENOENT;
	rcu_read_lock();
	obj = xa_load(&nn->objects, id);
	if (obj && !refcount_inc_not_zero(&obj->refcnt))
		obj = NULL;
	rcu_read_unlock();
	if (!obj)
		return -ENOENT;

	flow = obj->flow;
	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	/* What the verdict makes nfav allocate is the namespace's. */
	old_memcg = set_active_memcg(nn->memcg);
	if (obj->decision != NFAV_DECIDE_NONE || obj->id != id ||
	    list_empty(&obj->list)) {
		ret = -ENOENT;
		goto out;
	}
	if (checked) {
		ret = nfav_object_checked(obj, checked, verdict, virus, &p);
		goto out;
	}
	if (obj->state != NFAV_OBJ_COMPLETE) {
		/* The daemon has not seen the whole object. */
		ret = -EINVAL;
		goto out;
	}
	nfav_count(nn, flow->proto, NFAV_C_SCANNED);
	switch (verdict) {
	case NFAV_VERDICT_CLEAN:
		nfav_count(nn, flow->proto, NFAV_C_CLEAN);
		obj->decision = NFAV_DECIDE_PASS;
		nfav_object_forget(obj);
		break;
	case NFAV_VERDICT_INFECTED:
		nfav_count(nn, flow->proto, NFAV_C_INFECTED);
		strscpy(obj->virus, virus && virus[0] ? virus : "unknown",
			sizeof(obj->virus));
		obj->decision = NFAV_DECIDE_BLOCK;
		nfav_object_forget(obj);
		break;
	default:
		if (reason < NFAV_REASON_DEFAULT || reason > NFAV_REASON_MAX)
			reason = NFAV_REASON_DEFAULT;
		obj->ended_sent = true;	/* nothing more to tell the daemon */
		nfav_object_fallback(obj, reason);
		break;
	}
	nfav_objects_settle(flow, &p);
out:
	set_active_memcg(old_memcg);
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, true);
	nfav_object_put(obj);
	return ret;
}

/* Apply the engine-not-ready fallback to every object awaiting a verdict. */
static void nfav_daemon_gone(struct nfav_net *nn)
{
	struct nfav_object *obj;
	unsigned long idx;

	nfav_tx_purge(nn);
	xa_for_each(&nn->objects, idx, obj) {
		struct nfav_flow *flow = obj->flow;
		struct nfav_pkts p;

		if (!refcount_inc_not_zero(&obj->refcnt))
			continue;
		nfav_pkts_init(&p);
		spin_lock_bh(&flow->lock);
		if (obj->decision == NFAV_DECIDE_NONE &&
		    !list_empty(&obj->list)) {
			obj->ended_sent = true;
			nfav_object_fallback(obj,
					     NFAV_REASON_ENGINE_NOT_READY);
			nfav_objects_settle(flow, &p);
		}
		spin_unlock_bh(&flow->lock);
		nfav_pkts_flush(&p, true);
		nfav_object_put(obj);
	}
}

int nfav_daemon_register(struct nfav_net *nn, u32 portid,
			 const struct nfav_daemon *d)
{
	bool fresh;

	spin_lock_bh(&nn->daemon_lock);
	if (nn->daemon.portid && nn->daemon.portid != portid) {
		spin_unlock_bh(&nn->daemon_lock);
		return -EBUSY;
	}
	fresh = !nn->daemon.portid;
	nn->daemon = *d;
	WRITE_ONCE(nn->daemon.portid, portid);
	spin_unlock_bh(&nn->daemon_lock);
	if (fresh)
		pr_info("nfav: scan daemon registered (pid %u, %u signatures)\n",
			d->pid, d->signatures);
	return 0;
}

int nfav_daemon_unregister(struct nfav_net *nn, u32 portid)
{
	u32 pid;

	spin_lock_bh(&nn->daemon_lock);
	if (!portid || nn->daemon.portid != portid) {
		spin_unlock_bh(&nn->daemon_lock);
		return -ENOENT;
	}
	pid = nn->daemon.pid;
	memset(&nn->daemon, 0, sizeof(nn->daemon));
	spin_unlock_bh(&nn->daemon_lock);
	pr_info("nfav: scan daemon (pid %u) gone\n", pid);
	nfav_daemon_gone(nn);
	return 0;
}

int nfav_scan_init(struct nfav_net *nn)
{
	xa_init_flags(&nn->objects, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_BH);
	nn->next_object_id = 1;
	atomic_set(&nn->live_objects, 0);
	skb_queue_head_init(&nn->txq);
	atomic64_set(&nn->txq_bytes, 0);
	INIT_DELAYED_WORK(&nn->tx_work, nfav_tx_work);
	return 0;
}

/* Called after every flow is gone; waits for objects still being freed. */
void nfav_scan_exit(struct nfav_net *nn)
{
	/*
	 * Objects go with their timers and RCU callbacks, flows with RCU
	 * callbacks: both wake the waiter on nn->live_flows at zero.
	 */
	rcu_barrier();
	while (!wait_var_event_timeout(&nn->live_flows,
				       !atomic_read(&nn->live_objects) &&
				       !atomic_read(&nn->live_flows), 10 * HZ))
		pr_warn("nfav: waiting for %d objects and %d flows\n",
			atomic_read(&nn->live_objects),
			atomic_read(&nn->live_flows));
	cancel_delayed_work_sync(&nn->tx_work);
	nfav_tx_purge(nn);
	WARN_ON(!xa_empty(&nn->objects));
	xa_destroy(&nn->objects);
}
