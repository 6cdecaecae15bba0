// SPDX-License-Identifier: GPL-2.0
/*
 * Packets nfav writes itself: the notice that replaces a blocked object (its
 * bytes come from the protocol's table entry) and the resets that end a
 * blocked connection.  Built the way nf_reject
 * builds resets: addresses and ports of the flow as seen at FORWARD, routed
 * with a non-local source allowed, attached to the flow's conntrack entry so
 * that NAT and sequence adjustment apply, and sent with ip_local_out().
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/tcp.h>
#include <net/ip6_checksum.h>
#include <net/netfilter/nf_conntrack.h>
#include <linux/slab.h>

#include "nfav.h"

#define NFAV_TTL		64
#define NFAV_XMIT_WINDOW	8192

static int nfav_route4(struct net *net, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->daddr,
		.saddr = iph->saddr,
		.flowi4_proto = IPPROTO_TCP,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	skb_dst_set(skb, &rt->dst);
	return 0;
}

static int nfav_route6(struct net *net, struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct flowi6 fl6 = {
		.daddr = ip6h->daddr,
		.saddr = ip6h->saddr,
		.flowi6_proto = IPPROTO_TCP,
	};
	struct dst_entry *dst;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		int err = dst->error;

		dst_release(dst);
		return err;
	}
	skb_dst_set(skb, dst);
	return 0;
}

static struct sk_buff *nfav_build(struct nfav_flow *flow, enum nfav_side from,
				  u32 seq, u32 ack, u8 flags, const u8 *data,
				  u32 len)
{
	bool v4 = flow->family == NFPROTO_IPV4;
	const union nf_inet_addr *src, *dst;
	struct net *net = flow->nn->net;
	enum ip_conntrack_info ctinfo;
	unsigned int nhlen = v4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	unsigned int tcplen = sizeof(struct tcphdr) + len;
	struct sk_buff *skb;
	struct tcphdr *th;
	int err;

	skb = alloc_skb(LL_MAX_HEADER + nhlen + tcplen, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);

	src = from == NFAV_SIDE_SERVER ? &flow->saddr : &flow->caddr;
	dst = from == NFAV_SIDE_SERVER ? &flow->caddr : &flow->saddr;
	if (v4) {
		struct iphdr *iph = skb_put_zero(skb, nhlen);

		iph->version = 4;
		iph->ihl = nhlen / 4;
		iph->ttl = NFAV_TTL;
		iph->frag_off = htons(IP_DF);
		iph->protocol = IPPROTO_TCP;
		iph->saddr = src->ip;
		iph->daddr = dst->ip;
		iph->tot_len = htons(nhlen + tcplen);
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, nhlen);

		ip6_flow_hdr(ip6h, 0, 0);
		ip6h->hop_limit = NFAV_TTL;
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->saddr = src->in6;
		ip6h->daddr = dst->in6;
		ip6h->payload_len = htons(tcplen);
		skb->protocol = htons(ETH_P_IPV6);
	}

	skb_set_transport_header(skb, nhlen);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = from == NFAV_SIDE_SERVER ? flow->sport : flow->cport;
	th->dest = from == NFAV_SIDE_SERVER ? flow->cport : flow->sport;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = sizeof(*th) / 4;
	tcp_flag_byte(th) = flags;
	th->window = (flags & TCPHDR_RST) ? 0 : htons(NFAV_XMIT_WINDOW);
	if (len)
		skb_put_data(skb, data, len);

	if (v4) {
		th->check = csum_tcpudp_magic(src->ip, dst->ip, tcplen,
					      IPPROTO_TCP,
					      csum_partial(th, tcplen, 0));
		ip_send_check(ip_hdr(skb));
		err = nfav_route4(net, skb);
	} else {
		th->check = csum_ipv6_magic(&src->in6, &dst->in6, tcplen,
					    IPPROTO_TCP,
					    csum_partial(th, tcplen, 0));
		err = nfav_route6(net, skb);
	}
	skb->ip_summed = CHECKSUM_NONE;
	if (err || skb->len > dst_mtu(skb_dst(skb))) {
		kfree_skb(skb);
		return NULL;
	}
	skb->dev = skb_dst(skb)->dev;

	/* Part of the flow: NAT and seqadj treat it as the flow's own. */
	ctinfo = from == NFAV_SIDE_CLIENT ? IP_CT_ESTABLISHED :
		 IP_CT_ESTABLISHED_REPLY;
	nf_conntrack_get(&flow->ct->ct_general);
	nf_ct_set(skb, flow->ct, ctinfo);
	return skb;
}

/**
 * nfav_xmit - build TCP segments as if sent by one end of the flow
 * @flow: the flow, locked
 * @from: the end the segments pretend to come from
 * @seq: sequence number of the first byte
 * @ack: acknowledgment number
 * @tcp_flags: TCPHDR_* flags; FIN and PSH go on the last segment only
 * @data: payload, split by the receiver's MSS
 * @len: payload length
 * @p: the segments are queued on @p->xmit, sent after unlocking
 *
 * Return: 0, or -ENOMEM/-EHOSTUNREACH when nothing was queued.
 */
int nfav_xmit(struct nfav_flow *flow, enum nfav_side from, u32 seq, u32 ack,
	      u8 tcp_flags, const u8 *data, u32 len, struct nfav_pkts *p)
{
	u32 mss = flow->dir[from].mss, off = 0;
	struct sk_buff_head segs;
	struct sk_buff *skb;

	if (mss < 536 || mss > 1400)
		mss = mss < 536 ? 536 : 1400;
	__skb_queue_head_init(&segs);
	do {
		u32 n = min(len - off, mss);
		u8 flags = tcp_flags;

		if (off + n < len)
			flags &= ~(TCPHDR_FIN | TCPHDR_PSH);
		skb = nfav_build(flow, from, seq + off, ack, flags, data + off,
				 n);
		if (!skb) {
			__skb_queue_purge(&segs);
			return -EHOSTUNREACH;
		}
		__skb_queue_tail(&segs, skb);
		off += n;
	} while (off < len);
	skb_queue_splice_tail_init(&segs, &p->xmit);
	return 0;
}

/* Send a segment built by nfav_xmit().  Context: no flow lock held. */
void nfav_xmit_send(struct net *net, struct sk_buff *skb)
{
	local_bh_disable();
	if (skb->protocol == htons(ETH_P_IP))
		ip_local_out(net, NULL, skb);
	else
		ip6_local_out(net, NULL, skb);
	local_bh_enable();
}

/* "192.0.2.2:40000 -> 198.51.100.2:80" */
int nfav_flow_str(const struct nfav_flow *flow, char *buf, size_t size)
{
	if (flow->family == NFPROTO_IPV4)
		return scnprintf(buf, size, "%pI4:%u -> %pI4:%u",
				 &flow->caddr.ip, ntohs(flow->cport),
				 &flow->saddr.ip, ntohs(flow->sport));
	return scnprintf(buf, size, "[%pI6c]:%u -> [%pI6c]:%u",
			 &flow->caddr.in6, ntohs(flow->cport),
			 &flow->saddr.in6, ntohs(flow->sport));
}
