// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: one struct nfav_flow per tracked TCP connection, keyed by
 * the conntrack original tuple and zone.  Lookups run under RCU and take a
 * reference; the table itself holds one reference while the flow is linked.
 * A per-netns worker expires idle and finished flows.
 */
#include <linux/slab.h>
#include <linux/netdevice.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "nfav.h"

#define NFAV_GC_INTERVAL	HZ
#define NFAV_GC_BATCH		64
#define NFAV_DEAD_LINGER	(60 * HZ)

static const struct rhashtable_params nfav_flow_params = {
	.head_offset = offsetof(struct nfav_flow, node),
	.key_offset = offsetof(struct nfav_flow, key),
	.key_len = sizeof(struct nfav_flow_key),
	.automatic_shrinking = true,
};

void nfav_flow_key_init(struct nfav_flow_key *key, const struct nf_conn *ct)
{
	memset(key, 0, sizeof(*key));
	memcpy(&key->tuple, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
	       sizeof(key->tuple));
	key->tuple.dst.dir = 0;
	key->zone = nf_ct_zone_id(nf_ct_zone(ct), IP_CT_DIR_ORIGINAL);
}

/**
 * nfav_flow_lookup - find a flow and take a reference on it
 * @nn: per-netns state
 * @key: conntrack original tuple and zone
 *
 * Context: any; takes the RCU read lock itself.
 * Return: the flow with a reference held, or NULL.
 */
struct nfav_flow *nfav_flow_lookup(struct nfav_net *nn,
				   const struct nfav_flow_key *key)
{
	struct nfav_flow *flow;

	rcu_read_lock();
	flow = rhashtable_lookup(&nn->flows, key, nfav_flow_params);
	if (flow && !refcount_inc_not_zero(&flow->refcnt))
		flow = NULL;
	rcu_read_unlock();
	return flow;
}

/**
 * nfav_flow_create - start tracking a connection
 * @nn: per-netns state
 * @ct: the connection's conntrack entry (a reference is taken)
 * @key: its key
 * @proto: the application protocol
 *
 * Return: the new (or concurrently created) flow with a reference for the
 * caller, ERR_PTR(-ENOSPC) when the flow limit is reached, or
 * ERR_PTR(-ENOMEM).
 */
struct nfav_flow *nfav_flow_create(struct nfav_net *nn, struct nf_conn *ct,
				   const struct nfav_flow_key *key, u8 proto)
{
	struct nfav_config *cfg = nfav_config_rcu(nn);
	struct nfav_flow *flow, *old;

	if (atomic_inc_return(&nn->nflows) > cfg->max_flows) {
		atomic_dec(&nn->nflows);
		return ERR_PTR(-ENOSPC);
	}
	flow = kzalloc(sizeof(*flow), GFP_ATOMIC);
	if (!flow) {
		atomic_dec(&nn->nflows);
		return ERR_PTR(-ENOMEM);
	}
	memcpy(&flow->key, key, sizeof(*key));
	refcount_set(&flow->refcnt, 2);	/* the table's and the caller's */
	spin_lock_init(&flow->lock);
	flow->nn = nn;
	flow->proto = proto;
	flow->state = NFAV_FLOW_HANDSHAKE;
	flow->created = jiffies;
	flow->last_seen = flow->created;
	nf_conntrack_get(&ct->ct_general);
	flow->ct = ct;
	nfav_stream_init(flow);
	atomic_inc(&nn->live_flows);

	old = rhashtable_lookup_get_insert_fast(&nn->flows, &flow->node,
						nfav_flow_params);
	if (!old)
		return flow;

	/* Lost a race with another CPU, or the table failed. */
	atomic_dec(&nn->nflows);
	refcount_set(&flow->refcnt, 1);
	nfav_flow_put(flow);
	if (IS_ERR(old))
		return old;
	if (!refcount_inc_not_zero(&old->refcnt))
		return ERR_PTR(-ENOMEM);
	return old;
}

static void nfav_flow_free_rcu(struct rcu_head *rcu)
{
	struct nfav_flow *flow = container_of(rcu, struct nfav_flow, rcu);
	struct nfav_net *nn = flow->nn;

	nf_ct_put(flow->ct);
	kfree(flow);
	atomic_dec(&nn->live_flows);
}

void nfav_flow_put(struct nfav_flow *flow)
{
	if (refcount_dec_and_test(&flow->refcnt))
		call_rcu(&flow->rcu, nfav_flow_free_rcu);
}

/* Remove the flow from the table (once) and drop the table's reference. */
void nfav_flow_unlink(struct nfav_flow *flow)
{
	struct nfav_net *nn = flow->nn;

	if (rhashtable_remove_fast(&nn->flows, &flow->node,
				   nfav_flow_params) == 0) {
		atomic_dec(&nn->nflows);
		nfav_flow_put(flow);
	}
}

/**
 * nfav_flow_teardown - stop tracking a flow
 * @flow: the flow, with a reference held by the caller
 * @reinject: release held packets (true) or drop them (false)
 *
 * Objects in progress are abandoned (the daemon is told), held and queued
 * packets are released or dropped, and the flow leaves the table.
 */
void nfav_flow_teardown(struct nfav_flow *flow, bool reinject)
{
	struct nfav_pkts p;

	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	nfav_stream_stop(flow);
	nfav_flow_abort_objects(flow);
	if (reinject)
		nfav_stream_collect(flow, &p.pass, NFAV_H_PASS);
	else
		nfav_stream_collect(flow, &p.drop, NFAV_H_DROP);
	if (flow->state != NFAV_FLOW_BLOCKED)
		flow->state = NFAV_FLOW_CLOSING;
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, reinject);
	nfav_flow_unlink(flow);
}

/**
 * nfav_flow_foreach - call @fn for each flow
 * @nn: per-netns state
 * @fn: called with a flow reference held and no lock held; a non-zero
 *      return stops the walk and is returned
 * @arg: passed to @fn
 * @pos: flows to skip; advanced past every flow for which @fn returned 0
 *
 * Context: process context.
 */
int nfav_flow_foreach(struct nfav_net *nn,
		      int (*fn)(struct nfav_flow *flow, void *arg), void *arg,
		      unsigned long *pos)
{
	struct rhashtable_iter iter;
	struct nfav_flow *flow;
	unsigned long idx = 0;
	int ret = 0;

	rhashtable_walk_enter(&nn->flows, &iter);
	rhashtable_walk_start(&iter);
	for (;;) {
		flow = rhashtable_walk_next(&iter);
		if (!flow)
			break;
		if (IS_ERR(flow)) {
			if (PTR_ERR(flow) == -EAGAIN)
				continue;
			break;
		}
		if (idx++ < *pos)
			continue;
		if (!refcount_inc_not_zero(&flow->refcnt))
			continue;
		rhashtable_walk_stop(&iter);
		ret = fn(flow, arg);
		nfav_flow_put(flow);
		rhashtable_walk_start(&iter);
		if (ret)
			break;
		(*pos)++;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return ret;
}

enum nfav_expiry {
	NFAV_LIVE,
	NFAV_FINISHED,		/* both FINs through, nothing held */
	NFAV_IDLE,		/* no packet for flow-timeout seconds */
};

/* Called with flow->lock. */
static enum nfav_expiry nfav_flow_expired(struct nfav_flow *flow,
					  unsigned long timeout)
{
	const struct nfav_flow_dir *c = &flow->dir[NFAV_SIDE_CLIENT];
	const struct nfav_flow_dir *s = &flow->dir[NFAV_SIDE_SERVER];

	lockdep_assert_held(&flow->lock);
	if (c->ra.fin && s->ra.fin && !c->ra.held && !s->ra.held &&
	    !c->ra.ooo && !s->ra.ooo && list_empty(&c->objects) &&
	    list_empty(&s->objects))
		return NFAV_FINISHED;
	/* A dead connection is remembered while its packets keep coming. */
	if ((flow->state == NFAV_FLOW_BLOCKED ||
	     flow->state == NFAV_FLOW_CLOSING) &&
	    time_after(jiffies, flow->last_seen + NFAV_DEAD_LINGER))
		return NFAV_IDLE;
	if (time_after(jiffies, flow->last_seen + timeout))
		return NFAV_IDLE;
	return NFAV_LIVE;
}

/*
 * Take a reference on up to NFAV_GC_BATCH flows for which @pick returns true
 * (called with the flow locked) and store them in @victims.  Returns how many;
 * *@more is set when the batch filled up before the end of the table.
 */
static unsigned int nfav_flows_pick(struct nfav_net *nn,
				    bool (*pick)(struct nfav_flow *flow,
						 void *arg),
				    void *arg, struct nfav_flow **victims,
				    bool *more)
{
	struct rhashtable_iter iter;
	struct nfav_flow *flow;
	unsigned int n = 0;
	bool chosen;

	*more = false;
	rhashtable_walk_enter(&nn->flows, &iter);
	rhashtable_walk_start(&iter);
	while ((flow = rhashtable_walk_next(&iter))) {
		if (IS_ERR(flow))
			continue;
		spin_lock_bh(&flow->lock);
		chosen = pick(flow, arg);
		spin_unlock_bh(&flow->lock);
		if (!chosen || !refcount_inc_not_zero(&flow->refcnt))
			continue;
		victims[n++] = flow;
		if (n == NFAV_GC_BATCH) {
			*more = true;
			break;
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return n;
}

/*
 * The GC picked @flow.  A connection that stayed idle past the flow timeout
 * is reset before it is forgotten: once out of the table its later packets
 * would pass unscanned.
 */
static void nfav_flow_expire(struct nfav_flow *flow, unsigned long timeout)
{
	struct nfav_pkts p;

	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	if (flow->state == NFAV_FLOW_ACTIVE &&
	    nfav_flow_expired(flow, timeout) == NFAV_IDLE)
		nfav_flow_kill(flow, NFAV_SIDE_SERVER, NULL, &p);
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, true);
	/* An idle flow's held packets are stale: drop them. */
	nfav_flow_teardown(flow, false);
}

/* GC: pick expired flows; retry the resets of blocked ones meanwhile. */
static bool nfav_gc_pick(struct nfav_flow *flow, void *arg)
{
	unsigned long timeout = *(unsigned long *)arg;
	struct nfav_pkts p;

	if (nfav_flow_expired(flow, timeout) != NFAV_LIVE)
		return true;
	if (flow->rst_pending) {
		/* A link may have come back. */
		nfav_pkts_init(&p);
		nfav_flow_send_resets(flow, &p);
		spin_unlock_bh(&flow->lock);
		nfav_pkts_flush(&p, true);
		spin_lock_bh(&flow->lock);
	}
	return false;
}

static void nfav_gc_work(struct work_struct *work)
{
	struct nfav_net *nn = container_of(to_delayed_work(work),
					   struct nfav_net, gc_work);
	struct nfav_flow *victims[NFAV_GC_BATCH];
	unsigned long timeout;
	unsigned int n, i;
	bool more;

	rcu_read_lock();
	timeout = nfav_config_rcu(nn)->flow_timeout * HZ;
	rcu_read_unlock();

	do {
		n = nfav_flows_pick(nn, nfav_gc_pick, &timeout, victims, &more);
		for (i = 0; i < n; i++) {
			nfav_flow_expire(victims[i], timeout);
			nfav_flow_put(victims[i]);
		}
		cond_resched();
	} while (more);

	if (!READ_ONCE(nn->dying))
		queue_delayed_work(system_power_efficient_wq, &nn->gc_work,
				   NFAV_GC_INTERVAL);
}

static bool nfav_flow_uses_dev(struct nfav_flow *flow, void *arg)
{
	struct net_device *dev = arg;
	struct nfav_held *h;
	bool found = false;

	lockdep_assert_held(&flow->lock);
	if (flow->state == NFAV_FLOW_BLOCKED)
		return false;
	/* Peek without taking packets out of the reassembly lists. */
	for (int i = 0; i < 2 && !found; i++) {
		struct nfav_seg *seg;

		for (seg = flow->dir[i].ra.held; seg && !found; seg = seg->next) {
			h = container_of(seg, struct nfav_held, seg);
			found = h->state.in == dev || h->state.out == dev;
		}
		for (seg = flow->dir[i].ra.ooo; seg && !found; seg = seg->next) {
			h = container_of(seg, struct nfav_held, seg);
			found = h->state.in == dev || h->state.out == dev;
		}
	}
	return found;
}

/**
 * nfav_flows_flush_dev - a device goes away: drop packets that use it
 * @nn: per-netns state
 * @dev: the device
 *
 * Flows holding packets that entered or leave through @dev are blocked: their
 * held packets are dropped (never delivered unscanned) and both ends reset.
 */
void nfav_flows_flush_dev(struct nfav_net *nn, struct net_device *dev)
{
	struct nfav_flow *victims[NFAV_GC_BATCH];
	unsigned int n, i;
	bool more;

	do {
		n = nfav_flows_pick(nn, nfav_flow_uses_dev, dev, victims,
				    &more);
		for (i = 0; i < n; i++) {
			struct nfav_pkts p;

			nfav_pkts_init(&p);
			spin_lock_bh(&victims[i]->lock);
			nfav_flow_kill(victims[i], NFAV_SIDE_SERVER, NULL, &p);
			spin_unlock_bh(&victims[i]->lock);
			nfav_pkts_flush(&p, true);
			nfav_flow_put(victims[i]);
		}
	} while (more);
}

int nfav_flows_init(struct nfav_net *nn)
{
	int ret;

	atomic_set(&nn->nflows, 0);
	atomic_set(&nn->live_flows, 0);
	ret = rhashtable_init(&nn->flows, &nfav_flow_params);
	if (ret)
		return ret;
	INIT_DELAYED_WORK(&nn->gc_work, nfav_gc_work);
	queue_delayed_work(system_power_efficient_wq, &nn->gc_work,
			   NFAV_GC_INTERVAL);
	return 0;
}

static bool nfav_pick_all(struct nfav_flow *flow, void *arg)
{
	return true;
}

/*
 * The namespace goes away or the module is unloaded.  Hooks are already
 * unregistered.  When the namespace itself lives on (module unload), held
 * packets are released so that connections carry on unscanned; in a dying
 * namespace they are dropped.
 */

void nfav_flows_exit(struct nfav_net *nn)
{
	bool reinject = check_net(nn->net);
	struct nfav_flow *victims[NFAV_GC_BATCH];
	unsigned int n, i;
	bool more;

	WRITE_ONCE(nn->dying, true);
	cancel_delayed_work_sync(&nn->gc_work);

	do {
		n = nfav_flows_pick(nn, nfav_pick_all, NULL, victims, &more);
		for (i = 0; i < n; i++) {
			nfav_flow_teardown(victims[i], reinject);
			nfav_flow_put(victims[i]);
		}
	} while (n);

	rhashtable_destroy(&nn->flows);
}
