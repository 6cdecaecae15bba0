// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: every forwarded TCP segment of a tracked flow goes through
 * nfav_hook().  Segments are put in order by the per-direction reassembler,
 * parsed, and then passed, held (stolen, like nf_queue does) or dropped.
 * Held segments are reinjected later through the saved okfn.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/netfilter/nf_conntrack_core.h>

#include "nfav.h"

/* After the filter table and everything else at FORWARD: the firewall
 * decides first, and reinjecting through okfn skips no other hook.
 */
#define NFAV_HOOK_PRIORITY	(INT_MAX - 1)

static struct kmem_cache *nfav_held_cache;

static void nfav_held_get_refs(struct nfav_held *h)
{
	dev_hold(h->state.in);
	dev_hold(h->state.out);
	if (h->state.sk)
		sock_hold(h->state.sk);
}

static void nfav_held_put_refs(struct nfav_held *h)
{
	dev_put(h->state.in);
	dev_put(h->state.out);
	if (h->state.sk)
		sock_put(h->state.sk);
}

/* Free the wrapper, not the packet. */
void nfav_held_free(struct nfav_held *h)
{
	nfav_held_put_refs(h);
	kmem_cache_free(nfav_held_cache, h);
}

void nfav_pkts_pass(struct nfav_pkts *p, struct nfav_held *h)
{
	h->where = NFAV_H_PASS;
	list_add_tail(&h->node, &p->pass);
}

void nfav_pkts_drop(struct nfav_pkts *p, struct nfav_held *h)
{
	h->where = NFAV_H_DROP;
	list_add_tail(&h->node, &p->drop);
}

void nfav_pkts_init(struct nfav_pkts *p)
{
	INIT_LIST_HEAD(&p->pass);
	INIT_LIST_HEAD(&p->drop);
	__skb_queue_head_init(&p->xmit);
}

/**
 * nfav_pkts_flush - carry out what was decided under the flow lock
 * @p: the packets
 * @reinject: false when the namespace is dying: pass becomes drop
 *
 * Context: no flow lock held.
 */
void nfav_pkts_flush(struct nfav_pkts *p, bool reinject)
{
	struct nfav_held *h, *tmp;
	struct sk_buff *skb;

	list_for_each_entry_safe(h, tmp, &p->pass, node) {
		list_del(&h->node);
		if (reinject) {
			rcu_read_lock();
			local_bh_disable();
			h->state.okfn(h->state.net, h->state.sk, h->skb);
			local_bh_enable();
			rcu_read_unlock();
		} else {
			kfree_skb(h->skb);
		}
		nfav_held_free(h);
	}
	while ((skb = __skb_dequeue(&p->xmit))) {
		if (reinject)
			nfav_xmit_send(dev_net(skb->dev), skb);
		else
			kfree_skb(skb);
	}
	list_for_each_entry_safe(h, tmp, &p->drop, node) {
		list_del(&h->node);
		kfree_skb(h->skb);
		nfav_held_free(h);
	}
}

static int nfav_tcp_offset6(struct sk_buff *skb)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	__be16 frag_off;
	int off;

	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
			       sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (off < 0 || nexthdr != IPPROTO_TCP || (frag_off & htons(~7)))
		return -1;
	return off;
}

/* TCP header offset of an IPv4 or IPv6 packet, or -1. */
static int nfav_tcp_offset(struct sk_buff *skb, u8 pf)
{
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP ||
		    (iph->frag_off & htons(IP_OFFSET)))
			return -1;
		return skb_network_offset(skb) + ip_hdrlen(skb);
	}
	return nfav_tcp_offset6(skb);
}

static u16 nfav_parse_mss(struct sk_buff *skb, int thoff,
			  const struct tcphdr *th)
{
	u8 buf[40];
	const u8 *opt;
	int len = th->doff * 4 - sizeof(*th), i = 0;

	if (len <= 0)
		return 0;
	opt = skb_header_pointer(skb, thoff + sizeof(*th), len, buf);
	if (!opt)
		return 0;
	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			break;
		if (opt[i] == TCPOPT_MSS && opt[i + 1] == TCPOLEN_MSS)
			return get_unaligned_be16(&opt[i + 2]);
		i += opt[i + 1];
	}
	return 0;
}

static void nfav_flow_init_addrs(struct nfav_flow *flow, struct sk_buff *skb,
				 const struct tcphdr *th, u8 pf)
{
	flow->family = pf;
	if (pf == NFPROTO_IPV4) {
		flow->caddr.ip = ip_hdr(skb)->saddr;
		flow->saddr.ip = ip_hdr(skb)->daddr;
	} else {
		flow->caddr.in6 = ipv6_hdr(skb)->saddr;
		flow->saddr.in6 = ipv6_hdr(skb)->daddr;
	}
	flow->cport = th->source;
	flow->sport = th->dest;
}

static void nfav_reasm_copy(void *ctx, const struct nfav_seg *seg, u32 off,
			    u8 *buf, u32 len)
{
	const struct nfav_held *h = container_of(seg, struct nfav_held, seg);

	if (skb_copy_bits(h->skb, h->data_off + off, buf, len))
		memset(buf, 0, len);
}

static const struct nfav_reasm_ops nfav_reasm_ops = {
	.copy = nfav_reasm_copy,
};

/* The handshake: learn initial sequence numbers, MSS and windows. */
static void nfav_flow_syn(struct nfav_flow *flow, enum nfav_side side,
			  struct sk_buff *skb, int thoff,
			  const struct tcphdr *th)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	u16 mss = nfav_parse_mss(skb, thoff, th);

	if (d->isn_known)
		return;
	if (side == NFAV_SIDE_SERVER && !th->ack)
		return;		/* simultaneous open: not tracked */
	nfav_reasm_init(&d->ra, ntohl(th->seq) + 1, NFAV_OOO_MAX_BYTES,
			NFAV_OOO_MAX_SEGS);
	d->released = d->ra.next_seq;
	d->isn_known = true;
	/* The MSS this end announces limits what the other end sends. */
	flow->dir[!side].mss = mss ? mss : 536;
	flow->dir[!side].peer_window = ntohs(th->window);
	if (side == NFAV_SIDE_SERVER &&
	    flow->dir[NFAV_SIDE_CLIENT].isn_known)
		flow->state = NFAV_FLOW_ACTIVE;
}

/* Process one segment of a tracked flow.  Returns the netfilter verdict. */
static unsigned int nfav_flow_packet(struct nfav_flow *flow,
				     struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     enum ip_conntrack_dir ctdir)
{
	enum nfav_side side = ctdir == IP_CT_DIR_ORIGINAL ?
			      NFAV_SIDE_CLIENT : NFAV_SIDE_SERVER;
	struct nfav_net *nn = flow->nn;
	struct nfav_flow_dir *d = &flow->dir[side];
	unsigned int verdict = NF_ACCEPT;
	struct tcphdr _th;
	const struct tcphdr *th;
	struct nfav_held *h;
	struct nfav_pkts p;
	u32 skip, plen;
	int thoff, res;

	thoff = nfav_tcp_offset(skb, state->pf);
	if (thoff < 0)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || th->doff < 5 || thoff + th->doff * 4 > skb->len)
		return NF_ACCEPT;
	plen = skb->len - thoff - th->doff * 4;
	/*
	 * The receiver drops a corrupt segment; acting on it would put us out
	 * of step with what the receiver sees (an insertion).
	 */
	if (nf_checksum(skb, state->hook, thoff, IPPROTO_TCP, state->pf))
		return NF_DROP;

	nfav_pkts_init(&p);
	spin_lock_bh(&flow->lock);
	flow->last_seen = jiffies;

	switch (flow->state) {
	case NFAV_FLOW_BLOCKED:
	case NFAV_FLOW_CLOSING:
		spin_unlock_bh(&flow->lock);
		return NF_DROP;
	case NFAV_FLOW_BYPASS:
		spin_unlock_bh(&flow->lock);
		return NF_ACCEPT;
	}

	if (th->syn) {
		if (plen) {
			/* TCP Fast Open data: not ours to reassemble. */
			flow->state = NFAV_FLOW_BYPASS;
			nfav_count(nn, flow->proto, NFAV_C_BYPASSED);
			goto out_unlock;
		}
		nfav_flow_syn(flow, side, skb, thoff, th);
		goto out_unlock;
	}
	if (!d->isn_known || flow->state == NFAV_FLOW_HANDSHAKE)
		goto out_unlock;

	/* What this end can receive limits what the other end may hold. */
	flow->dir[!side].peer_window = (u32)ntohs(th->window) <<
		flow->ct->proto.tcp.seen[ctdir].td_scale;

	if (th->rst) {
		/*
		 * Only a reset the receiver accepts (RFC 5961: at exactly the
		 * next sequence number it expects) ends the connection; any
		 * other is passed and changes nothing here, or a forged one
		 * would let the rest of the stream through unscanned.  After
		 * it, nothing unscanned is delivered and every later packet
		 * of the connection is dropped.
		 */
		if (ntohl(th->seq) != nfav_rcv_nxt(d))
			goto out_unlock;
		nfav_stream_stop(flow);
		nfav_flow_abort_objects(flow);
		nfav_stream_collect(flow, &p.drop, NFAV_H_DROP);
		flow->state = NFAV_FLOW_CLOSING;
		goto out_unlock;
	}
	if (!plen && !th->fin)
		goto out_unlock;	/* a bare ACK */

	h = kmem_cache_alloc(nfav_held_cache, GFP_ATOMIC);
	if (unlikely(!h)) {
		verdict = NF_DROP;	/* the sender retransmits */
		goto out_unlock;
	}
	h->seg.next = NULL;
	h->seg.seq = ntohl(th->seq);
	h->seg.len = plen;
	h->seg.fin = th->fin;
	h->skb = skb;
	h->state = *state;
	h->data_off = thoff + th->doff * 4;
	h->where = NFAV_H_NONE;
	INIT_LIST_HEAD(&h->node);
	nfav_held_get_refs(h);

	res = nfav_reasm_add(&d->ra, &h->seg, &skip, &nfav_reasm_ops, NULL);
	switch (res) {
	case NFAV_RA_NEW:
		nfav_stream_parse(flow, side, h, skip, &p);
		break;
	case NFAV_RA_QUEUED:
		h->where = NFAV_H_REASM;
		verdict = NF_STOLEN;
		break;
	case NFAV_RA_OLD:
		nfav_held_free(h);
		goto out_unlock;
	case NFAV_RA_OLD_HELD:
		/* The sender timed out waiting for ACKs: let data through. */
		nfav_held_free(h);
		nfav_stream_stalled(flow, side, true, &p);
		verdict = NF_DROP;
		goto out_unlock;
	case NFAV_RA_FULL:
		nfav_held_free(h);
		nfav_count(nn, flow->proto, NFAV_C_OOO_DROPS);
		verdict = NF_DROP;
		goto out_unlock;
	case NFAV_RA_CONFLICT:
	default:
		nfav_held_free(h);
		nfav_count(nn, flow->proto, NFAV_C_EVASIONS);
		if (net_ratelimit()) {
			char desc[96];

			nfav_flow_str(flow, desc, sizeof(desc));
			pr_warn("nfav: conflicting retransmission on %s, flow blocked\n",
				desc);
		}
		nfav_nl_event(nn, flow, NULL, NFAV_EVENT_EVASION, 0, 0);
		nfav_flow_kill(flow, side, NULL, &p);
		verdict = NF_DROP;
		goto out_unlock;
	}

	if (res == NFAV_RA_NEW) {
		/*
		 * @h went through the parser: it is held, or on the pass or
		 * drop list.  The last packet to pass, with nothing built to
		 * follow it, is left to netfilter; others are reinjected in
		 * order by nfav_pkts_flush().
		 */
		switch (h->where) {
		case NFAV_H_PASS:
			if (list_is_last(&h->node, &p.pass) &&
			    skb_queue_empty(&p.xmit)) {
				list_del_init(&h->node);
				nfav_held_free(h);
				verdict = NF_ACCEPT;
			} else {
				verdict = NF_STOLEN;
			}
			break;
		case NFAV_H_DROP:
			list_del_init(&h->node);
			nfav_held_free(h);
			verdict = NF_DROP;
			break;
		default:
			verdict = NF_STOLEN;
			break;
		}
	}

out_unlock:
	spin_unlock_bh(&flow->lock);
	nfav_pkts_flush(&p, true);
	return verdict;
}

/* A connection's first SYN (no ACK), as conntrack's NEW state can also be
 * a connection picked up in the middle.
 */
static bool nfav_is_syn(struct sk_buff *skb, u8 pf)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	int thoff;

	thoff = nfav_tcp_offset(skb, pf);
	if (thoff < 0)
		return false;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	return th && th->syn && !th->ack && !th->rst && !th->fin;
}

static unsigned int nfav_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct nfav_net *nn = nfav_pernet(state->net);
	enum ip_conntrack_info ctinfo;
	struct nfav_flow_key key;
	struct nfav_flow *flow;
	struct nf_conn *ct;
	unsigned int verdict;
	u8 proto;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_protonum(ct) != IPPROTO_TCP ||
	    ctinfo == IP_CT_RELATED || ctinfo == IP_CT_RELATED_REPLY)
		return NF_ACCEPT;

	proto = nfav_proto_for_port(nfav_config_rcu(nn),
		ntohs(ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u.tcp.port));
	nfav_flow_key_init(&key, ct);
	flow = nfav_flow_lookup(nn, &key);
	if (flow && unlikely(flow->ct != ct) && ctinfo == IP_CT_NEW &&
	    nfav_is_syn(skb, state->pf)) {
		/*
		 * The same addresses and ports, but a new connection (the
		 * old conntrack entry is gone): forget the old flow, which
		 * may linger blocked, and track this one from its SYN.
		 */
		nfav_flow_teardown(flow, false);
		nfav_flow_put(flow);
		flow = NULL;
	}
	if (!flow) {
		struct tcphdr _th;
		const struct tcphdr *th;
		int thoff;

		/* Only connections seen from their first SYN are tracked. */
		if (!proto || CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL)
			return NF_ACCEPT;
		thoff = nfav_tcp_offset(skb, state->pf);
		if (thoff < 0)
			return NF_ACCEPT;
		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		if (!th || !th->syn || th->ack || th->rst || th->fin)
			return NF_ACCEPT;

		flow = nfav_flow_create(nn, ct, &key, proto);
		if (IS_ERR(flow)) {
			struct nfav_config *cfg = nfav_config_rcu(nn);
			u8 action = cfg->proto[proto].fallback
					[NFAV_REASON_OUT_OF_RESOURCES];

			nfav_count(nn, proto, NFAV_C_FLOW_LIMIT);
			atomic64_inc(&nn->stats[proto].fallback
				     [NFAV_REASON_OUT_OF_RESOURCES][action]);
			if (action == NFAV_ACTION_BLOCK) {
				net_info_ratelimited("nfav: flow table full, refusing a connection\n");
				return NF_DROP;
			}
			if (action == NFAV_ACTION_LOG_PERMIT)
				net_info_ratelimited("nfav: flow table full, passing a connection unscanned\n");
			return NF_ACCEPT;
		}
		spin_lock_bh(&flow->lock);
		if (!flow->family)
			nfav_flow_init_addrs(flow, skb, th, state->pf);
		spin_unlock_bh(&flow->lock);
		nfav_count(nn, proto, NFAV_C_FLOWS);
	}

	verdict = nfav_flow_packet(flow, skb, state, CTINFO2DIR(ctinfo));
	nfav_flow_put(flow);
	return verdict;
}

static const struct nf_hook_ops nfav_hook_ops[] = {
	{
		.hook = nfav_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NFAV_HOOK_PRIORITY,
	},
	{
		.hook = nfav_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NFAV_HOOK_PRIORITY,
	},
};

int nfav_hook_init(void)
{
	nfav_held_cache = KMEM_CACHE(nfav_held, 0);
	return nfav_held_cache ? 0 : -ENOMEM;
}

void nfav_hook_exit(void)
{
	kmem_cache_destroy(nfav_held_cache);
}

int nfav_hooks_register(struct net *net)
{
	int ret;

	ret = nf_ct_netns_get(net, NFPROTO_IPV4);
	if (ret)
		return ret;
	ret = nf_ct_netns_get(net, NFPROTO_IPV6);
	if (ret)
		goto err_ct6;
	ret = nf_register_net_hooks(net, nfav_hook_ops,
				    ARRAY_SIZE(nfav_hook_ops));
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	nf_ct_netns_put(net, NFPROTO_IPV6);
err_ct6:
	nf_ct_netns_put(net, NFPROTO_IPV4);
	return ret;
}

void nfav_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, nfav_hook_ops, ARRAY_SIZE(nfav_hook_ops));
	nf_ct_netns_put(net, NFPROTO_IPV6);
	nf_ct_netns_put(net, NFPROTO_IPV4);
}
