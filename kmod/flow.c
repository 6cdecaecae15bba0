// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table: one struct nfav_flow per tracked TCP connection, keyed by
 * the conntrack original tuple and zone.  Lookups run under RCU and take a
 * reference; the table itself holds one reference while the flow is linked.
 * A per-netns worker expires idle and finished flows.
 */
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/netdevice.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "nfav.h"

static struct kmem_cache *nfav_flow_cache;
static atomic_t nfav_flows_total = ATOMIC_INIT(0);

#define NFAV_GC_INTERVAL	HZ
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

/* Take a flow slot, within the namespace's and the global limit. */
static bool nfav_flow_slot(struct nfav_net *nn, u32 max_flows)
{
	if (atomic_inc_return(&nn->nflows) > max_flows) {
		atomic_dec(&nn->nflows);
		return false;
	}
	if (atomic_inc_return(&nfav_flows_total) > nfav_max_flows_total) {
		atomic_dec(&nfav_flows_total);
		atomic_dec(&nn->nflows);
		return false;
	}
	return true;
}

static void nfav_flow_slot_put(struct nfav_net *nn)
{
	atomic_dec(&nfav_flows_total);
	atomic_dec(&nn->nflows);
}

/* Flows looked at per eviction attempt, and the idle time that allows it. */
#define NFAV_EVICT_SCAN		16
#define NFAV_EVICT_IDLE		(10 * HZ)

/* Both FINs through, nothing held, no object pending. */
static bool nfav_flow_finished(const struct nfav_flow *flow)
{
	const struct nfav_flow_dir *c = &flow->dir[NFAV_SIDE_CLIENT];
	const struct nfav_flow_dir *s = &flow->dir[NFAV_SIDE_SERVER];

	return c->ra.fin && s->ra.fin && !c->ra.held && !s->ra.held &&
	       !c->ra.ooo && !s->ra.ooo && list_empty(&c->objects) &&
	       list_empty(&s->objects);
}

/**
 * nfav_flow_restartable - does a first SYN at @seq start a new connection
 * on the addresses and ports of @flow?
 * @flow: the flow, not locked
 * @seq: the SYN's sequence number
 *
 * Conntrack reopens an entry in TIME_WAIT or CLOSE for a new SYN: when the
 * old connection is over (finished, reset, blocked) and the SYN is not a
 * retransmission of its first one, the flow starts again.
 */
bool nfav_flow_restartable(struct nfav_flow *flow, u32 seq)
{
	const struct nfav_flow_dir *c = &flow->dir[NFAV_SIDE_CLIENT];
	bool ret;

	spin_lock_bh(&flow->lock);
	ret = c->isn_known && seq != c->isn &&
	      (flow->state == NFAV_FLOW_CLOSING ||
	       flow->state == NFAV_FLOW_BLOCKED || nfav_flow_finished(flow));
	spin_unlock_bh(&flow->lock);
	return ret;
}

/* May @flow make room for a new connection? */
static bool nfav_flow_evictable(const struct nfav_flow *flow)
{
	const struct nfav_flow_dir *c = &flow->dir[NFAV_SIDE_CLIENT];
	const struct nfav_flow_dir *s = &flow->dir[NFAV_SIDE_SERVER];

	lockdep_assert_held(&flow->lock);
	if (flow->embryonic || nfav_flow_finished(flow))
		return true;
	if (time_before(jiffies, flow->last_seen + NFAV_EVICT_IDLE))
		return false;
	switch (flow->state) {
	case NFAV_FLOW_BLOCKED:
	case NFAV_FLOW_CLOSING:
		return true;
	case NFAV_FLOW_ACTIVE:
		return !c->ra.held && !s->ra.held && !c->ra.ooo && !s->ra.ooo &&
		       list_empty(&c->objects) && list_empty(&s->objects);
	default:
		/* Bypassed: forgetting it would cut the connection. */
		return false;
	}
}

/*
 * Pick a flow to evict from the head of @list, rotating the busy ones to its
 * end.  Called with nn->lru_lock held; returns it with a reference, unlinked
 * from the list.
 */
static struct nfav_flow *nfav_flow_victim(struct list_head *list)
{
	struct nfav_flow *flow;
	unsigned int n;
	bool ok;

	for (n = 0; n < NFAV_EVICT_SCAN; n++) {
		flow = list_first_entry_or_null(list, struct nfav_flow, lru);
		if (!flow)
			break;
		list_move_tail(&flow->lru, list);
		spin_lock(&flow->lock);
		ok = nfav_flow_evictable(flow);
		spin_unlock(&flow->lock);
		if (ok && refcount_inc_not_zero(&flow->refcnt)) {
			list_del_init(&flow->lru);
			flow->on_embryonic = false;
			return flow;
		}
	}
	return NULL;
}

/*
 * The table is full: make room by forgetting the oldest half-open flow (a
 * SYN flood thus evicts itself instead of locking everyone else out of
 * scanning), else one idle for NFAV_EVICT_IDLE with nothing held or pending,
 * which is reset first (its later payload would be dropped as untracked).
 * Half-open flows have a list of their own, so established ones in front of
 * them never hide them; at most NFAV_EVICT_SCAN flows of each list are
 * looked at, so each attempt costs a bounded amount of work.
 */
static bool nfav_flow_evict(struct nfav_net *nn)
{
	struct nfav_flow *victim;
	struct nfav_pkts p;

	spin_lock_bh(&nn->lru_lock);
	victim = nfav_flow_victim(&nn->embryonic);
	if (!victim)
		victim = nfav_flow_victim(&nn->lru);
	spin_unlock_bh(&nn->lru_lock);
	if (!victim)
		return false;

	/*
	 * Reset both ends (once both sequence numbers are known), or the
	 * connection would hang with its payload dropped as untracked.
	 */
	nfav_pkts_init(&p);
	spin_lock_bh(&victim->lock);
	if (victim->state == NFAV_FLOW_ACTIVE && !nfav_flow_finished(victim) &&
	    victim->dir[NFAV_SIDE_SERVER].isn_known)
		nfav_flow_kill(victim, NFAV_SIDE_SERVER, NULL, &p);
	spin_unlock_bh(&victim->lock);
	nfav_pkts_flush(&p, true);
	nfav_flow_teardown(victim, false);
	nfav_flow_put(victim);
	return true;
}

/**
 * nfav_flow_established - the client acknowledged the server's SYN: the
 * flow is no longer half-open
 * @flow: the flow, not locked (the LRU lock nests the flow locks)
 *
 * It moves from the half-open list, where it would be evicted first, to the
 * list of established flows.
 */
void nfav_flow_established(struct nfav_flow *flow)
{
	struct nfav_net *nn = flow->nn;

	spin_lock_bh(&nn->lru_lock);
	if (flow->on_embryonic && !flow->unlinked) {
		list_move_tail(&flow->lru, &nn->lru);
		flow->on_embryonic = false;
	}
	spin_unlock_bh(&nn->lru_lock);
}

/**
 * nfav_flow_create - start tracking a connection
 * @nn: per-netns state
 * @ct: the connection's conntrack entry (a reference is taken)
 * @key: its key
 * @proto: the application protocol
 * @bypass: create it in the bypass state, beyond the namespace's flow limit
 *          (the flow table is full and out-of-resources permits)
 *
 * When the table is full the oldest half-open flow is evicted first.
 *
 * Return: the new (or concurrently created) flow with a reference for the
 * caller, ERR_PTR(-ENOSPC) when a limit is reached, or ERR_PTR(-ENOMEM).
 */
struct nfav_flow *nfav_flow_create(struct nfav_net *nn, struct nf_conn *ct,
				   const struct nfav_flow_key *key, u8 proto,
				   bool bypass)
{
	struct nfav_config *cfg = nfav_config_rcu(nn);
	struct nfav_flow *flow, *old;
	u32 limit = bypass ? U32_MAX : cfg->max_flows;

	if (!nfav_flow_slot(nn, limit)) {
		if (bypass || !nfav_flow_evict(nn) ||
		    !nfav_flow_slot(nn, limit))
			return ERR_PTR(-ENOSPC);
	}
	flow = kmem_cache_zalloc(nfav_flow_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!flow) {
		nfav_flow_slot_put(nn);
		return ERR_PTR(-ENOMEM);
	}
	memcpy(&flow->key, key, sizeof(*key));
	refcount_set(&flow->refcnt, 2);	/* the table's and the caller's */
	spin_lock_init(&flow->lock);
	flow->nn = nn;
	flow->proto = proto;
	flow->state = bypass ? NFAV_FLOW_BYPASS : NFAV_FLOW_ACTIVE;
	flow->created = jiffies;
	flow->last_seen = flow->created;
	flow->embryonic = !bypass;
	INIT_LIST_HEAD(&flow->lru);
	nf_conntrack_get(&ct->ct_general);
	flow->ct = ct;
	nfav_stream_init(flow);
	atomic_inc(&nn->live_flows);

	old = rhashtable_lookup_get_insert_fast(&nn->flows, &flow->node,
						nfav_flow_params);
	if (!old) {
		/* Unless a teardown already unlinked it (another CPU). */
		spin_lock_bh(&nn->lru_lock);
		if (!flow->unlinked) {
			flow->on_embryonic = !bypass;
			list_add_tail(&flow->lru, bypass ? &nn->lru :
				      &nn->embryonic);
		}
		spin_unlock_bh(&nn->lru_lock);
		return flow;
	}

	/* Lost a race with another CPU, or the table failed. */
	nfav_flow_slot_put(nn);
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
	nfav_stream_free(flow);
	kmem_cache_free(nfav_flow_cache, flow);
	if (atomic_dec_and_test(&nn->live_flows))
		wake_up_var(&nn->live_flows);
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

	spin_lock_bh(&nn->lru_lock);
	list_del_init(&flow->lru);
	flow->unlinked = true;
	spin_unlock_bh(&nn->lru_lock);
	if (rhashtable_remove_fast(&nn->flows, &flow->node,
				   nfav_flow_params) == 0) {
		nfav_flow_slot_put(nn);
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
	if (flow->state != NFAV_FLOW_BLOCKED)
		flow->state = NFAV_FLOW_CLOSING;
	/* (not ACTIVE any more: nothing released now is recorded) */
	if (reinject)
		nfav_stream_collect(flow, &p.pass, NFAV_H_PASS);
	else
		nfav_stream_collect(flow, &p.drop, NFAV_H_DROP);
	nfav_sent_free(flow);
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
	NFAV_IDLE,		/* no packet for flow-timeout seconds */
	NFAV_GONE,		/* conntrack forgot the connection */
	NFAV_UNCONFIGURED,	/* its port is no longer scanned */
	NFAV_UNACKED,		/* pins copies its receiver never acknowledges */
};

/*
 * Copies of released bytes unacknowledged this long, while the budget for
 * them is more than half used, cost the connection: far beyond any
 * retransmission timeout, and a receiver with a closed window has nothing
 * unacknowledged but a probe byte.
 */
#define NFAV_SENT_STALE		(30 * HZ)

/* Called with flow->lock. */
static enum nfav_expiry nfav_flow_expired(struct nfav_flow *flow,
					  unsigned long timeout)
{
	const struct nfav_flow_dir *c = &flow->dir[NFAV_SIDE_CLIENT];
	const struct nfav_flow_dir *s = &flow->dir[NFAV_SIDE_SERVER];
	bool scanned;

	lockdep_assert_held(&flow->lock);
	/*
	 * A flow lives as long as its conntrack entry: a half-open one dies
	 * with the SYN_SENT/SYN_RECV timeouts, a bypassed one with the
	 * connection, whatever flow-timeout says.
	 */
	if (nf_ct_is_confirmed(flow->ct) &&
	    (nf_ct_is_dying(flow->ct) || nf_ct_is_expired(flow->ct)))
		return NFAV_GONE;
	rcu_read_lock();
	scanned = test_bit(ntohs(flow->key.tuple.dst.u.tcp.port),
			   nfav_config_rcu(flow->nn)->ports);
	rcu_read_unlock();
	if (!scanned)
		return NFAV_UNCONFIGURED;
	if (flow->state == NFAV_FLOW_BYPASS)
		return NFAV_LIVE;
	if (flow->state == NFAV_FLOW_ACTIVE &&
	    (nfav_sent_stale(c, NFAV_SENT_STALE) ||
	     nfav_sent_stale(s, NFAV_SENT_STALE)) &&
	    nfav_sent_pressure(flow->nn))
		return NFAV_UNACKED;
	/*
	 * A finished flow stays until conntrack forgets the connection
	 * (TIME_WAIT): a retransmission of its last bytes must still pass
	 * as already seen, not be dropped as untracked.  A full table
	 * evicts it first.
	 */
	if (nfav_flow_finished(flow))
		return NFAV_LIVE;
	/* A dead connection is remembered while its packets keep coming. */
	if ((flow->state == NFAV_FLOW_BLOCKED ||
	     flow->state == NFAV_FLOW_CLOSING) &&
	    time_after(jiffies, flow->last_seen + NFAV_DEAD_LINGER))
		return NFAV_IDLE;
	/* A verdict may legitimately take scan-timeout: wait for it. */
	if (time_after(jiffies, flow->last_seen + timeout) &&
	    list_empty(&c->objects) && list_empty(&s->objects))
		return NFAV_IDLE;
	return NFAV_LIVE;
}

/*
 * Call @act (no lock held, a reference held, may sleep) on every flow for
 * which @pick (called with the flow locked) returns true.  One pass over the
 * table: the walk is paused, not restarted, around each @act.
 */
static void nfav_flows_sweep(struct nfav_net *nn,
			     bool (*pick)(struct nfav_flow *flow, void *arg),
			     void (*act)(struct nfav_flow *flow, void *arg),
			     void *arg)
{
	struct rhashtable_iter iter;
	struct nfav_flow *flow;
	bool chosen;

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
		rhashtable_walk_stop(&iter);
		act(flow, arg);
		nfav_flow_put(flow);
		cond_resched();
		rhashtable_walk_start(&iter);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/*
 * The GC picked @flow.  A connection that stayed idle past the flow timeout
 * is reset before it is forgotten: once out of the table its later packets
 * would pass unscanned.
 */
static void nfav_flow_expire(struct nfav_flow *flow, void *arg)
{
	unsigned long timeout = *(unsigned long *)arg;
	enum nfav_expiry why;
	struct nfav_pkts p;

	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	why = nfav_flow_expired(flow, timeout);
	if (why == NFAV_LIVE) {
		/* A packet came since it was picked. */
		spin_unlock_bh(&flow->lock);
		return;
	}
	if (why == NFAV_UNACKED)
		nfav_evasion(flow, "released bytes never acknowledged while copies are short of memory",
			     "flow blocked");
	if (flow->state == NFAV_FLOW_ACTIVE &&
	    (why == NFAV_IDLE || why == NFAV_UNACKED))
		nfav_flow_kill(flow, NFAV_SIDE_SERVER, NULL, &p);
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, true);
	/*
	 * An idle or dead flow's held packets are stale: drop them.  Those of
	 * a port no longer scanned go on, unscanned, as configured.
	 */
	nfav_flow_teardown(flow, why == NFAV_UNCONFIGURED);
}

/* GC: pick expired flows; retry the resets of blocked ones meanwhile. */
static bool nfav_gc_pick(struct nfav_flow *flow, void *arg)
{
	unsigned long timeout = *(unsigned long *)arg;
	struct nfav_pkts p;

	if (nfav_flow_expired(flow, timeout) != NFAV_LIVE)
		return true;
	if (time_after(jiffies, flow->last_seen + NFAV_GC_INTERVAL))
		nfav_sent_idle(flow);
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
	unsigned long timeout;

	rcu_read_lock();
	timeout = nfav_config_rcu(nn)->flow_timeout * HZ;
	rcu_read_unlock();

	nfav_flows_sweep(nn, nfav_gc_pick, nfav_flow_expire, &timeout);

	if (!READ_ONCE(nn->dying))
		queue_delayed_work(system_power_efficient_wq, &nn->gc_work,
				   NFAV_GC_INTERVAL);
}

/* Does a held packet pin @dev (its devices or bridge ports)? */
static bool nfav_held_uses_dev(const struct nfav_held *h,
			       const struct net_device *dev)
{
	return h->state.in == dev || h->state.out == dev ||
	       h->physin == dev || h->physout == dev;
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
			found = nfav_held_uses_dev(h, dev);
		}
		for (seg = flow->dir[i].ra.ooo; seg && !found; seg = seg->next) {
			h = container_of(seg, struct nfav_held, seg);
			found = nfav_held_uses_dev(h, dev);
		}
	}
	return found;
}

static void nfav_flow_kill_dev(struct nfav_flow *flow, void *arg)
{
	struct nfav_pkts p;

	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	nfav_flow_kill(flow, NFAV_SIDE_SERVER, NULL, &p);
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, true);
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
	nfav_flows_sweep(nn, nfav_flow_uses_dev, nfav_flow_kill_dev, dev);
}

int nfav_flows_init(struct nfav_net *nn)
{
	int ret;

	atomic_set(&nn->nflows, 0);
	atomic_set(&nn->live_flows, 0);
	spin_lock_init(&nn->lru_lock);
	INIT_LIST_HEAD(&nn->lru);
	INIT_LIST_HEAD(&nn->embryonic);
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

static void nfav_flow_exit_one(struct nfav_flow *flow, void *arg)
{
	nfav_flow_teardown(flow, *(bool *)arg);
}

void nfav_flows_exit(struct nfav_net *nn)
{
	bool reinject = check_net(nn->net);

	WRITE_ONCE(nn->dying, true);
	cancel_delayed_work_sync(&nn->gc_work);

	do {
		nfav_flows_sweep(nn, nfav_pick_all, nfav_flow_exit_one,
				 &reinject);
	} while (atomic_read(&nn->nflows));

	rhashtable_destroy(&nn->flows);
}

int nfav_flow_cache_init(void)
{
	nfav_flow_cache = KMEM_CACHE(nfav_flow, SLAB_ACCOUNT);
	return nfav_flow_cache ? 0 : -ENOMEM;
}

void nfav_flow_cache_exit(void)
{
	kmem_cache_destroy(nfav_flow_cache);
}
