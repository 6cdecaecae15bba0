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
#include <linux/netfilter_bridge.h>
#include <net/ipv6.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include <net/netfilter/nf_conntrack_core.h>

#include "nfav.h"

/* After the filter table and everything else at FORWARD: the firewall
 * decides first, and reinjecting through okfn skips no other hook.
 */
#define NFAV_HOOK_PRIORITY	(INT_MAX - 1)

static struct kmem_cache *nfav_held_cache;

/*
 * Before a packet is kept past the hook, take what nf_queue takes: a
 * reference on its route (a forwarded skb's dst is only valid under RCU),
 * on its devices and socket, and on the bridge ports under br_netfilter.
 * Returns false if the route is already going away (drop the packet).
 */
static bool nfav_held_get_refs(struct nfav_held *h)
{
	struct sk_buff *skb = h->skb;

	if (!skb_dst_force(skb))
		return false;
	dev_hold(h->state.in);
	dev_hold(h->state.out);
	if (h->state.sk)
		sock_hold(h->state.sk);
	h->physin = NULL;
	h->physout = NULL;
#if IS_ENABLED(CONFIG_BRIDGE_NETFILTER)
	if (nf_bridge_info_exists(skb)) {
		h->physin = nf_bridge_get_physindev(skb, h->state.net);
		h->physout = nf_bridge_get_physoutdev(skb);
		dev_hold(h->physin);
		dev_hold(h->physout);
	}
#endif
	return true;
}

static void nfav_held_put_refs(struct nfav_held *h)
{
	dev_put(h->state.in);
	dev_put(h->state.out);
	dev_put(h->physin);
	dev_put(h->physout);
	if (h->state.sk)
		sock_put(h->state.sk);
}

/* Drop what the wrapper holds (not the packet): references, charges. */
static void nfav_held_release(struct nfav_held *h)
{
	struct nfav_net *nn = nfav_pernet(h->state.net);

	nfav_held_put_refs(h);
	atomic64_sub(h->truesize, &nn->held_truesize);
	nfav_mem_uncharge(h->truesize);
}

/* Free the wrapper, not the packet; the memory it pinned is uncharged. */
void nfav_held_free(struct nfav_held *h)
{
	nfav_held_release(h);
	kmem_cache_free(nfav_held_cache, h);
}

/*
 * A wrapper for a segment of @flow: the one the flow keeps for reuse, so
 * that segments passed at once allocate nothing, or a new one.
 */
static struct nfav_held *nfav_held_take(struct nfav_flow *flow)
{
	struct nfav_held *h = flow->spare_held;

	if (h) {
		flow->spare_held = NULL;
		return h;
	}
	return kmem_cache_alloc(nfav_held_cache, GFP_ATOMIC | __GFP_NOWARN);
}

/* The segment of @h went on at once: keep the wrapper for the next one. */
static void nfav_held_recycle(struct nfav_flow *flow, struct nfav_held *h)
{
	if (flow->spare_held) {
		nfav_held_free(h);
		return;
	}
	nfav_held_release(h);
	flow->spare_held = h;
}

/* With @flow: its spare wrapper. */
void nfav_held_spare_free(struct nfav_flow *flow)
{
	if (flow->spare_held)
		kmem_cache_free(nfav_held_cache, flow->spare_held);
	flow->spare_held = NULL;
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

struct nfav_tcpopts {
	u16 mss;			/* 0: none */
	bool ts;			/* a timestamp option */
	u32 tsval;
};

/* The MSS and timestamp options of a segment, as the receiver reads them. */
static void nfav_parse_opts(struct sk_buff *skb, int thoff,
			    const struct tcphdr *th, struct nfav_tcpopts *o)
{
	u8 buf[40];
	const u8 *opt;
	int len = th->doff * 4 - sizeof(*th), i = 0;

	memset(o, 0, sizeof(*o));
	if (len <= 0)
		return;
	opt = skb_header_pointer(skb, thoff + sizeof(*th), len, buf);
	if (!opt)
		return;
	while (i < len) {
		if (opt[i] == TCPOPT_EOL)
			break;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			break;
		if (opt[i] == TCPOPT_MSS && opt[i + 1] == TCPOLEN_MSS) {
			o->mss = get_unaligned_be16(&opt[i + 2]);
		} else if (opt[i] == TCPOPT_TIMESTAMP &&
			   opt[i + 1] == TCPOLEN_TIMESTAMP) {
			o->ts = true;
			o->tsval = get_unaligned_be32(&opt[i + 2]);
		}
		i += opt[i + 1];
	}
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

/* What the hook learnt of a TCP segment. */
struct nfav_tcp {
	struct tcphdr th;	/* a copy */
	int thoff;		/* TCP header offset */
	u32 plen;		/* payload bytes */
};

/* Parse the TCP header of @skb; false if it is not a usable TCP segment. */
static bool nfav_tcp_parse(struct sk_buff *skb, u8 pf, struct nfav_tcp *t)
{
	const struct tcphdr *th;

	t->thoff = nfav_tcp_offset(skb, pf);
	if (t->thoff < 0)
		return false;
	th = skb_header_pointer(skb, t->thoff, sizeof(t->th), &t->th);
	if (!th || th->doff < 5 || t->thoff + th->doff * 4 > skb->len)
		return false;
	if (th != &t->th)
		memcpy(&t->th, th, sizeof(t->th));
	t->plen = skb->len - t->thoff - th->doff * 4;
	return true;
}

/*
 * PAWS (RFC 7323): once both SYNs carried timestamps, a receiver discards a
 * data segment whose timestamp is older than the newest it accepted in
 * order.  Such a segment must not be parsed either: what nfav scanned would
 * not be what the receiver gets, and the bytes the receiver does accept at
 * that place would come later as a "retransmission".  Returns true to drop
 * @skb; @tsval is its timestamp, for nfav_paws_update().
 */
static bool nfav_paws_stale(struct nfav_flow *flow, enum nfav_side side,
			    struct sk_buff *skb, const struct nfav_tcp *t,
			    bool *has_ts, u32 *tsval)
{
	const struct nfav_flow_dir *d = &flow->dir[side];
	struct nfav_tcpopts o;

	*has_ts = false;
	if (!d->ts_ok || !flow->dir[!side].ts_ok ||
	    t->th.doff * 4 < sizeof(t->th) + TCPOLEN_TSTAMP_ALIGNED)
		return false;
	nfav_parse_opts(skb, t->thoff, &t->th, &o);
	if (!o.ts)
		return false;
	*has_ts = true;
	*tsval = o.tsval;
	return d->ts_recent_valid && (s32)(o.tsval - d->ts_recent) < 0;
}

/*
 * Make @skb carry only the first @keep bytes of its TCP payload (the TCP
 * header at @thoff from skb->data, the network header), without FIN, with
 * its lengths and checksums fixed up.
 */
static int nfav_skb_trim_payload(struct sk_buff *skb, u8 pf,
				 unsigned int thoff, unsigned int keep)
{
	unsigned int hlen, tcplen, payload;
	struct tcphdr *th;
	__wsum csum;

	if (skb_ensure_writable(skb, thoff + sizeof(*th)))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + thoff);
	hlen = thoff + th->doff * 4;
	if (skb_ensure_writable(skb, hlen) || pskb_trim(skb, hlen + keep))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + thoff);
	th->fin = 0;
	tcplen = skb->len - thoff;
	payload = tcplen - th->doff * 4;
	if (skb_is_gso(skb)) {
		if (payload > skb_shinfo(skb)->gso_size)
			skb_shinfo(skb)->gso_segs =
				DIV_ROUND_UP(payload, skb_shinfo(skb)->gso_size);
		else
			skb_gso_reset(skb);
	}
	if (pf == NFPROTO_IPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len - skb_network_offset(skb));
		ip_send_check(iph);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(skb->len - skb_network_offset(skb) -
					  sizeof(*ip6h));
	}
	th->check = 0;
	if (skb_is_gso(skb)) {
		/* Segmentation computes the checksum of each segment. */
		if (pf == NFPROTO_IPV4)
			th->check = ~tcp_v4_check(tcplen, ip_hdr(skb)->saddr,
						  ip_hdr(skb)->daddr, 0);
		else
			th->check = ~tcp_v6_check(tcplen, &ipv6_hdr(skb)->saddr,
						  &ipv6_hdr(skb)->daddr, 0);
		if (!skb_partial_csum_set(skb, thoff,
					  offsetof(struct tcphdr, check)))
			return -EINVAL;
		return 0;
	}
	csum = skb_checksum(skb, thoff, tcplen, 0);
	if (pf == NFPROTO_IPV4)
		th->check = tcp_v4_check(tcplen, ip_hdr(skb)->saddr,
					 ip_hdr(skb)->daddr, csum);
	else
		th->check = tcp_v6_check(tcplen, &ipv6_hdr(skb)->saddr,
					 &ipv6_hdr(skb)->daddr, csum);
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/*
 * Remove the payload of a SYN (TCP Fast Open data).  The receiver then
 * acknowledges only the SYN and the client sends the data again once the
 * connection is open, where it is parsed as the start of the stream like any
 * other: SYN data never reaches the receiver unparsed, and never twice with
 * different content.
 */
static int nfav_syn_strip(struct sk_buff *skb, u8 pf, const struct nfav_tcp *t)
{
	return nfav_skb_trim_payload(skb, pf, t->thoff, 0);
}

/**
 * nfav_held_split - let the first @n payload bytes of a held segment go
 * @h: the segment, first in its direction's held list
 * @n: bytes, 0 < @n < h->seg.len
 *
 * A copy of the packet trimmed to those bytes (without FIN) is returned, to
 * be passed; the caller then trims @h (nfav_reasm_held_trim()), whose packet
 * is left as it is: when it goes, the receiver sees the first bytes again,
 * as in any retransmission.  The copy is not charged to the held budget (it
 * leaves at once).
 *
 * Return: the copy, with its own references, or NULL (no memory).
 */
struct nfav_held *nfav_held_split(struct nfav_held *h, u32 n)
{
	const struct tcphdr *th;
	struct nfav_held *c;
	struct sk_buff *skb;

	if (!n || n >= h->seg.len)
		return NULL;
	/*
	 * A private header, the payload pages shared (a GRO packet can be
	 * 64 KiB); a frag_list GSO packet is copied whole and made a plain
	 * one, its list layout would not survive the trim.
	 */
	if (skb_is_gso(h->skb) &&
	    (skb_shinfo(h->skb)->gso_type & SKB_GSO_FRAGLIST)) {
		skb = skb_copy(h->skb, GFP_ATOMIC | __GFP_NOWARN);
		if (skb)
			skb_shinfo(skb)->gso_type &= ~SKB_GSO_FRAGLIST;
	} else {
		skb = pskb_copy(h->skb, GFP_ATOMIC | __GFP_NOWARN);
	}
	if (!skb)
		return NULL;
	c = kmem_cache_alloc(nfav_held_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!c)
		goto err_skb;
	/*
	 * The packet's payload may start before the segment (an earlier
	 * split): the copy ends @n bytes into the segment.
	 */
	if (!pskb_may_pull(skb, h->thoff + sizeof(*th)))
		goto err_c;
	th = (struct tcphdr *)(skb->data + h->thoff);
	if (nfav_skb_trim_payload(skb, h->state.pf, h->thoff,
				  h->data_off + n - h->thoff - th->doff * 4))
		goto err_c;
	*c = *h;
	c->skb = skb;
	c->seg.next = NULL;
	c->seg.len = n;
	c->seg.fin = 0;
	c->truesize = 0;
	c->where = NFAV_H_NONE;
	INIT_LIST_HEAD(&c->node);
	if (!nfav_held_get_refs(c))
		goto err_c;
	h->data_off += n;
	return c;

err_c:
	kmem_cache_free(nfav_held_cache, c);
err_skb:
	kfree_skb(skb);
	return NULL;
}

/*
 * Urgent data: the receiver's stack takes the byte at the urgent pointer out
 * of the stream (unless SO_OOBINLINE), so what it reads would differ from
 * what was scanned.  Clear URG on segments of a scanned stream: the byte is
 * then delivered in line, exactly as it was parsed.
 */
static int nfav_urg_clear(struct sk_buff *skb, struct nfav_tcp *t)
{
	struct tcphdr *th;
	__be32 old_flags;

	if (skb_ensure_writable(skb, t->thoff + sizeof(*th)))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + t->thoff);
	old_flags = tcp_flag_word(th);
	th->urg = 0;
	inet_proto_csum_replace4(&th->check, skb, old_flags,
				 tcp_flag_word(th), false);
	inet_proto_csum_replace2(&th->check, skb, th->urg_ptr, 0, false);
	th->urg_ptr = 0;
	t->th.urg = 0;
	t->th.urg_ptr = 0;
	return 0;
}

enum nfav_syn_res {
	NFAV_SYN_DONE,		/* handled: no payload to process */
	NFAV_SYN_DROP,		/* a SYN the connection cannot carry */
};

/*
 * A SYN or SYN-ACK: learn the initial sequence number, MSS and window of its
 * sender.  Each side has one ISN: a SYN from a side whose ISN is known is a
 * retransmission only at that ISN; any other (a forged mid-stream SYN-ACK)
 * is dropped.  Only the client's SYN may carry data (TCP Fast Open); it is
 * stripped (nfav_syn_strip()).  Both sides may open (simultaneous open).
 */
static enum nfav_syn_res nfav_flow_syn(struct nfav_flow *flow,
				       enum nfav_side side,
				       struct sk_buff *skb, u8 pf,
				       const struct nfav_tcp *t)
{
	struct nfav_flow_dir *d = &flow->dir[side];
	struct nfav_tcpopts o;
	u32 seq = ntohl(t->th.seq);
	u16 mss;

	nfav_parse_opts(skb, t->thoff, &t->th, &o);
	mss = o.mss;

	if (d->isn_known && seq != d->isn && side == NFAV_SIDE_CLIENT &&
	    !t->th.ack && !flow->dir[NFAV_SIDE_SERVER].isn_known &&
	    !d->ra.held && !d->ra.ooo) {
		/*
		 * A new attempt on the same addresses and ports before the
		 * server answered (conntrack takes it too): nothing of the
		 * old one was parsed, start again from this SYN.
		 */
		d->isn_known = false;
	}
	if (d->isn_known) {
		if (seq != d->isn)
			return NFAV_SYN_DROP;
	} else {
		if (t->plen && side != NFAV_SIDE_CLIENT)
			return NFAV_SYN_DROP;
		nfav_reasm_init(&d->ra, seq + 1, NFAV_OOO_MAX_BYTES,
				NFAV_OOO_MAX_SEGS);
		d->isn = seq;
		d->released = d->ra.next_seq;
		d->isn_known = true;
		d->ts_ok = o.ts;
		d->ts_recent_valid = o.ts;
		d->ts_recent = o.tsval;
		/* The MSS this end announces limits what the other end sends. */
		flow->dir[!side].mss = mss ? mss : 536;
		flow->dir[!side].peer_window = ntohs(t->th.window);
	}
	if (t->plen && nfav_syn_strip(skb, pf, t))
		return NFAV_SYN_DROP;
	return NFAV_SYN_DONE;
}

void nfav_evasion(struct nfav_flow *flow, const char *what, const char *done)
{
	nfav_count(flow->nn, flow->proto, NFAV_C_EVASIONS);
	if (net_ratelimit()) {
		char desc[96];

		nfav_flow_str(flow, desc, sizeof(desc));
		pr_warn("nfav: %s on %s, %s\n", what, desc, done);
	}
	nfav_nl_event(flow->nn, flow, NULL, NFAV_EVENT_EVASION, 0, 0);
}

/*
 * The global held-memory budget is exhausted.  An object being received in
 * this direction takes the out-of-resources fallback (permit: its held
 * segments go now; block: the flow is reset).  A segment of a direction that
 * holds nothing and is between messages goes on uncharged (it is most likely
 * passed at once).  Otherwise the segment is dropped and will be sent again.
 * Returns true to drop the segment.
 */
static bool nfav_flow_out_of_mem(struct nfav_flow *flow, enum nfav_side side,
				 struct nfav_pkts *p)
{
	struct nfav_flow_dir *d = &flow->dir[side];

	if (!d->cur)
		return d->in_msg || d->ra.held || d->ra.ooo;
	nfav_object_out_of_resources(d->cur);
	nfav_objects_settle(flow, p);
	if (flow->state == NFAV_FLOW_ACTIVE)
		nfav_stream_release(flow, side, p);
	/* Still holding (no room for copies): not one more, uncharged. */
	return flow->state == NFAV_FLOW_ACTIVE && d->ra.held;
}

/* Process one segment of a tracked flow.  Returns the netfilter verdict. */
static unsigned int nfav_flow_packet(struct nfav_flow *flow,
				     struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     enum ip_conntrack_dir ctdir,
				     struct nfav_tcp *t)
{
	enum nfav_side side = ctdir == IP_CT_DIR_ORIGINAL ?
			      NFAV_SIDE_CLIENT : NFAV_SIDE_SERVER;
	struct nfav_net *nn = flow->nn;
	struct nfav_flow_dir *d = &flow->dir[side];
	unsigned int verdict = NF_ACCEPT;
	bool established = false, has_ts = false;
	u32 tsval = 0;
	const struct tcphdr *th = &t->th;
	struct nfav_held *h;
	struct nfav_pkts p;
	u32 skip, plen = t->plen, truesize;
	int res;

	/*
	 * The receiver drops a corrupt segment; acting on it would put us out
	 * of step with what the receiver sees (an insertion).
	 */
	if (nf_checksum(skb, state->hook, t->thoff, IPPROTO_TCP, state->pf))
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

	/*
	 * The receiver acts on URG in any segment (a bare ACK or a SYN-ACK
	 * can point into data that follows): clear it on every segment.
	 */
	if (unlikely(th->urg) && nfav_urg_clear(skb, t)) {
		verdict = NF_DROP;
		goto out_unlock;
	}

	if (th->syn) {
		if (nfav_flow_syn(flow, side, skb, state->pf, t) ==
		    NFAV_SYN_DROP) {
			nfav_evasion(flow, "SYN out of place", "dropped");
			verdict = NF_DROP;
		}
		goto out_unlock;
	}
	if (!d->isn_known) {
		/* No SYN seen from this side: its bytes cannot be placed. */
		if (plen || th->fin)
			verdict = NF_DROP;
		goto out_unlock;
	}

	/* The client acknowledged the server's SYN: no longer half-open. */
	if (unlikely(flow->embryonic) && side == NFAV_SIDE_CLIENT && th->ack &&
	    flow->dir[NFAV_SIDE_SERVER].isn_known) {
		flow->embryonic = false;
		established = true;
	}

	/*
	 * The other end's released bytes up to the ACK arrived; what was held
	 * for want of room for copies may go now.
	 */
	if (th->ack && flow->dir[!side].sent &&
	    nfav_sent_acked(flow, &flow->dir[!side], ntohl(th->ack_seq)) &&
	    flow->dir[!side].sent_blocked) {
		nfav_stream_release(flow, !side, &p);
		if (flow->state != NFAV_FLOW_ACTIVE) {
			/* It went to bypass (or was blocked) meanwhile. */
			verdict = flow->state == NFAV_FLOW_BYPASS ? NF_ACCEPT :
				  NF_DROP;
			goto out_unlock;
		}
	}

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
		nfav_sent_free(flow);
		flow->state = NFAV_FLOW_CLOSING;
		goto out_unlock;
	}
	if (!plen && !th->fin)
		goto out_unlock;	/* a bare ACK */

	if (plen && nfav_paws_stale(flow, side, skb, t, &has_ts, &tsval)) {
		verdict = NF_DROP;	/* the receiver would discard it */
		goto out_unlock;
	}

	/*
	 * Bytes already released and not yet acknowledged must come again as
	 * they were scanned: the receiver may not have got them.
	 */
	if (plen && d->sent && nfav_seq_before(ntohl(th->seq), d->released) &&
	    !nfav_sent_matches(d, skb, t->thoff + th->doff * 4,
			       ntohl(th->seq), plen)) {
		nfav_evasion(flow, "retransmission differs from released bytes",
			     "flow blocked");
		nfav_flow_kill(flow, side, NULL, &p);
		verdict = NF_DROP;
		goto out_unlock;
	}

	/*
	 * New bytes come in only while what they follow can be released with
	 * a copy kept: a receiver that does not acknowledge what went stalls
	 * its sender (whose segments are dropped and sent again).
	 */
	if (plen && !nfav_sent_admit(flow, d, ntohl(th->seq), plen)) {
		nfav_count(nn, flow->proto, NFAV_C_UNACKED);
		/*
		 * A retransmission that also carries held bytes: its sender
		 * waits for them (as for NFAV_RA_OLD_HELD).
		 */
		if (nfav_seq_before(ntohl(th->seq), d->ra.next_seq) &&
		    nfav_seq_after(ntohl(th->seq) + plen, d->released))
			nfav_stream_stalled(flow, side, true, &p);
		verdict = NF_DROP;
		goto out_unlock;
	}

	if (plen && unlikely(nfav_stream_prepare(flow))) {
		nfav_count(nn, flow->proto, NFAV_C_OOO_DROPS);
		verdict = NF_DROP;	/* no memory: the sender retransmits */
		goto out_unlock;
	}

	truesize = skb->truesize;
	if (unlikely(!nfav_mem_charge(truesize))) {
		if (nfav_flow_out_of_mem(flow, side, &p)) {
			nfav_count(nn, flow->proto, NFAV_C_OOO_DROPS);
			verdict = NF_DROP;
			goto out_unlock;
		}
		if (flow->state != NFAV_FLOW_ACTIVE) {
			verdict = flow->state == NFAV_FLOW_BYPASS ?
				  NF_ACCEPT : NF_DROP;
			goto out_unlock;
		}
		/* Not charged: the object passed, or nothing is held. */
		truesize = 0;
	}
	h = nfav_held_take(flow);
	if (unlikely(!h)) {
		nfav_mem_uncharge(truesize);
		verdict = NF_DROP;	/* the sender retransmits */
		goto out_unlock;
	}
	h->seg.next = NULL;
	h->seg.seq = ntohl(th->seq);
	h->seg.len = plen;
	h->seg.fin = th->fin;
	h->skb = skb;
	h->state = *state;
	h->thoff = t->thoff;
	h->data_off = t->thoff + th->doff * 4;
	h->where = NFAV_H_NONE;
	h->truesize = truesize;
	INIT_LIST_HEAD(&h->node);
	if (unlikely(!nfav_held_get_refs(h))) {
		nfav_mem_uncharge(truesize);
		flow->spare_held = h;	/* (no spare: it was taken) */
		verdict = NF_DROP;
		goto out_unlock;
	}
	atomic64_add(truesize, &nn->held_truesize);

	res = nfav_reasm_add(&d->ra, &h->seg, &skip, &nfav_reasm_ops, NULL);
	switch (res) {
	case NFAV_RA_NEW:
		/* An in-order segment sets the newest timestamp (PAWS). */
		if (has_ts && (s32)(tsval - d->ts_recent) > 0)
			d->ts_recent = tsval;
		nfav_stream_parse(flow, side, h, skip, &p);
		break;
	case NFAV_RA_QUEUED:
		h->where = NFAV_H_REASM;
		verdict = NF_STOLEN;
		break;
	case NFAV_RA_OLD:
		nfav_held_recycle(flow, h);
		goto out_unlock;
	case NFAV_RA_OLD_HELD:
		/* The sender timed out waiting for ACKs: let data through. */
		nfav_held_recycle(flow, h);
		nfav_stream_stalled(flow, side, true, &p);
		verdict = NF_DROP;
		goto out_unlock;
	case NFAV_RA_FULL:
		nfav_held_recycle(flow, h);
		nfav_count(nn, flow->proto, NFAV_C_OOO_DROPS);
		verdict = NF_DROP;
		goto out_unlock;
	case NFAV_RA_CONFLICT:
	default:
		nfav_held_recycle(flow, h);
		nfav_evasion(flow, "conflicting retransmission",
			     "flow blocked");
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
				nfav_held_recycle(flow, h);
				verdict = NF_ACCEPT;
			} else {
				verdict = NF_STOLEN;
			}
			break;
		case NFAV_H_DROP:
			list_del_init(&h->node);
			nfav_held_recycle(flow, h);
			verdict = NF_DROP;
			break;
		default:
			verdict = NF_STOLEN;
			break;
		}
	}

out_unlock:
	spin_unlock_bh(&flow->lock);
	if (unlikely(established))
		nfav_flow_established(flow);
	nfav_pkts_flush(&p, true);
	return verdict;
}

/*
 * A TCP segment of a scanned port that nfav cannot follow: no conntrack
 * entry (invalid or untracked), or a connection not seen from its SYN (it
 * was open before nfav was loaded or the port configured, or its flow was
 * forgotten).  Its payload would reach the receiver unscanned: drop it.
 * Segments without payload (ACKs, resets, FINs) pass.
 */
static unsigned int nfav_untracked(struct nfav_net *nn, u8 proto,
				   const struct nfav_tcp *t)
{
	if (!t->plen)
		return NF_ACCEPT;
	nfav_count(nn, proto, NFAV_C_UNTRACKED);
	net_info_ratelimited("nfav: dropped payload of an untracked connection on port %u/%u\n",
			     ntohs(t->th.source), ntohs(t->th.dest));
	return NF_DROP;
}

/* Does the first-SYN rule let @t start tracking a connection? */
static bool nfav_is_first_syn(const struct nfav_tcp *t)
{
	return t->th.syn && !t->th.ack && !t->th.rst && !t->th.fin;
}

/* A new connection: track it unless the table is full. */
static struct nfav_flow *nfav_flow_start(struct nfav_net *nn, u8 proto,
					 struct nf_conn *ct,
					 const struct nfav_flow_key *key,
					 struct sk_buff *skb, u8 pf,
					 const struct nfav_tcp *t)
{
	struct nfav_config *cfg;
	struct nfav_flow *flow;
	u8 action;

	flow = nfav_flow_create(nn, ct, key, proto, false);
	if (!IS_ERR(flow)) {
		spin_lock_bh(&flow->lock);
		if (!flow->family)
			nfav_flow_init_addrs(flow, skb, &t->th, pf);
		spin_unlock_bh(&flow->lock);
		nfav_count(nn, proto, NFAV_C_FLOWS);
		return flow;
	}

	cfg = nfav_config_rcu(nn);
	action = cfg->proto[proto].fallback[NFAV_REASON_OUT_OF_RESOURCES];
	nfav_count(nn, proto, NFAV_C_FLOW_LIMIT);
	atomic64_inc(&nn->stats[proto].fallback[NFAV_REASON_OUT_OF_RESOURCES][action]);
	if (action == NFAV_ACTION_BLOCK) {
		net_info_ratelimited("nfav: flow table full, refusing a connection\n");
		return ERR_PTR(-ENOSPC);
	}
	if (action == NFAV_ACTION_LOG_PERMIT)
		net_info_ratelimited("nfav: flow table full, passing a connection unscanned\n");
	/*
	 * Remember the connection as bypassed (beyond the namespace's limit,
	 * within the global one), or its payload would be dropped as
	 * untracked.
	 */
	flow = nfav_flow_create(nn, ct, key, proto, true);
	return IS_ERR(flow) ? ERR_PTR(-ENOSPC) : flow;
}

/* A segment of a tracked connection of a scanned port. */
static unsigned int nfav_tracked(struct nfav_net *nn, u8 proto,
				 struct nf_conn *ct,
				 enum ip_conntrack_info ctinfo,
				 struct sk_buff *skb,
				 const struct nf_hook_state *state,
				 struct nfav_tcp *t)
{
	struct nfav_flow_key key;
	struct nfav_flow *flow;
	unsigned int verdict;

	nfav_flow_key_init(&key, ct);
	flow = nfav_flow_lookup(nn, &key);
	if (flow && unlikely(nfav_is_first_syn(t)) &&
	    CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL &&
	    (flow->ct != ct ? ctinfo == IP_CT_NEW :
	     nfav_flow_restartable(flow, ntohl(t->th.seq)))) {
		/*
		 * The same addresses and ports, but a new connection (a new
		 * conntrack entry, or the old one reopened after the
		 * connection ended): forget the old flow, which may linger
		 * blocked or finished, and track this one from its SYN.
		 */
		nfav_flow_teardown(flow, false);
		nfav_flow_put(flow);
		flow = NULL;
	}
	if (!flow) {
		/* Only connections seen from their first SYN are tracked. */
		if (CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL ||
		    !nfav_is_first_syn(t))
			return nfav_untracked(nn, proto, t);
		flow = nfav_flow_start(nn, proto, ct, &key, skb, state->pf,
				       t);
		if (IS_ERR(flow))
			return NF_DROP;
	}

	verdict = nfav_flow_packet(flow, skb, state, CTINFO2DIR(ctinfo), t);
	nfav_flow_put(flow);
	return verdict;
}

static unsigned int nfav_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct nfav_net *nn = nfav_pernet(state->net);
	struct nfav_config *cfg = nfav_config_rcu(nn);
	enum ip_conntrack_info ctinfo;
	struct mem_cgroup *old_memcg;
	struct nfav_tcp t;
	struct nf_conn *ct;
	unsigned int verdict;
	u16 port;
	u8 proto;

	ct = nf_ct_get(skb, &ctinfo);
	if (unlikely(!ct)) {
		/* Invalid or untracked: only the ports tell. */
		if (!nfav_tcp_parse(skb, state->pf, &t))
			return NF_ACCEPT;
		port = ntohs(t.th.dest);
		if (!test_bit(port, cfg->ports)) {
			port = ntohs(t.th.source);
			if (!test_bit(port, cfg->ports))
				return NF_ACCEPT;
		}
		return nfav_untracked(nn, nfav_proto_for_port(cfg, port), &t);
	}
	if (nf_ct_protonum(ct) != IPPROTO_TCP)
		return NF_ACCEPT;
	port = ntohs(ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.u.tcp.port);
	if (!test_bit(port, cfg->ports)) {
		/*
		 * A connection conntrack picked up in the middle may have its
		 * directions reversed (the server's packet came first): its
		 * original source port is then the scanned one.  Not ours to
		 * follow, and never to carry payload.
		 */
		port = ntohs(ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u.tcp.port);
		if (likely(!test_bit(port, cfg->ports)) ||
		    !(ct->proto.tcp.seen[0].flags & IP_CT_TCP_FLAG_BE_LIBERAL) ||
		    !nfav_tcp_parse(skb, state->pf, &t))
			return NF_ACCEPT;
		return nfav_untracked(nn, nfav_proto_for_port(cfg, port), &t);
	}
	if (ctinfo == IP_CT_RELATED || ctinfo == IP_CT_RELATED_REPLY)
		return NF_ACCEPT;
	if (!nfav_tcp_parse(skb, state->pf, &t))
		return NF_ACCEPT;
	proto = nfav_proto_for_port(cfg, port);

	/* What this connection makes nfav allocate is the namespace's. */
	old_memcg = set_active_memcg(nn->memcg);
	verdict = nfav_tracked(nn, proto, ct, ctinfo, skb, state, &t);
	set_active_memcg(old_memcg);
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
	nfav_held_cache = KMEM_CACHE(nfav_held, SLAB_ACCOUNT);
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
