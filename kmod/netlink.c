// SPDX-License-Identifier: GPL-2.0
/*
 * nfav generic netlink family: administration (status, configuration,
 * statistics, flows), the scan daemon's registration and verdicts, messages
 * built for the daemon, and events to the multicast group.  The contract is
 * uapi/linux/nfav.h.
 */

#include <linux/kernel.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "nfav.h"

#define NFAV_EPERM_MSG	"needs CAP_NET_ADMIN in the initial user namespace (see the userns_admin module parameter)"

enum nfav_mcgrp_index {
	NFAV_GRP_EVENTS,
};

static struct netlink_range_validation nfav_max_flows_range = {
	.min = 1,
	.max = 1 << 20,
};

static struct netlink_range_validation nfav_flow_timeout_range = {
	.min = 10,
	.max = 86400,
};

static struct netlink_range_validation nfav_hold_limit_range = {
	.min = 16384,
	.max = 64 << 20,
};

static struct netlink_range_validation nfav_mem_limit_range = {
	.min = 1024,
	.max = 4 << 20,			/* KiB: 4 GiB */
};

static struct netlink_range_validation nfav_max_requests_range = {
	.min = 1,
	.max = 100000,
};

static struct netlink_range_validation nfav_max_size_range = {
	.min = 1,
	.max = 4 << 20,			/* KiB: 4 GiB */
};

static struct netlink_range_validation nfav_header_limit_range = {
	.min = NFAV_HEADER_LIMIT_MIN,
	.max = NFAV_HEADER_LIMIT_MAX,
};

/*
 * A list nest: every member is an NFAV_L_ENTRY string.  The length of an
 * entry is checked per list (nfav_parse_list()); this bounds it overall.
 */
static const struct nla_policy nfav_list_policy[NFAV_L_MAX + 1] = {
	[NFAV_L_ENTRY]		= { .type = NLA_NUL_STRING,
				    .len = NFAV_URL_ENTRY_MAX },
};

/* NFAV_P_FALLBACKS: member type enum nfav_reason, payload enum nfav_action. */
static const struct nla_policy nfav_fallback_policy[NFAV_REASON_MAX + 1] = {
	[NFAV_REASON_DEFAULT ... NFAV_REASON_MAX] =
		NLA_POLICY_RANGE(NLA_U8, NFAV_ACTION_PERMIT, NFAV_ACTION_MAX),
};

static const struct nla_policy nfav_proto_policy[NFAV_P_MAX + 1] = {
	[NFAV_P_PAD]		= { .type = NLA_REJECT },
	[NFAV_P_ENABLED]	= NLA_POLICY_MAX(NLA_U8, 1),
	[NFAV_P_PORTS]		= NLA_POLICY_RANGE(NLA_BINARY, sizeof(u16),
						   NFAV_MAX_PORTS * sizeof(u16)),
	[NFAV_P_SCAN_TIMEOUT]	= NLA_POLICY_RANGE(NLA_U32,
						   NFAV_SCAN_TIMEOUT_MIN,
						   NFAV_SCAN_TIMEOUT_MAX),
	[NFAV_P_MAX_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&nfav_max_size_range),
	[NFAV_P_FALLBACKS]	= NLA_POLICY_NESTED(nfav_fallback_policy),
	[NFAV_P_STATS]		= { .type = NLA_REJECT },
	[NFAV_P_NOTIFY_TYPE]	= NLA_POLICY_RANGE(NLA_U8, NFAV_NOTIFY_MESSAGE,
						   NFAV_NOTIFY_MAX),
	[NFAV_P_MESSAGE]	= { .type = NLA_NUL_STRING,
				    .len = NFAV_MESSAGE_MAX },
	[NFAV_P_TRICKLE_TIMEOUT] = NLA_POLICY_MAX(NLA_U32,
						  NFAV_TRICKLE_TIMEOUT_MAX),
	[NFAV_P_MAX_LAYERS]	= NLA_POLICY_RANGE(NLA_U32, 1,
						   NFAV_MAX_LAYERS_MAX),
	[NFAV_P_HEADER_LIMIT]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&nfav_header_limit_range),
	[NFAV_P_SCAN_MODE]	= NLA_POLICY_RANGE(NLA_U8, NFAV_SCAN_ALL,
						   NFAV_SCAN_MAX),
	[NFAV_P_EXTENSIONS]	= NLA_POLICY_NESTED(nfav_list_policy),
	[NFAV_P_MIME_BYPASS]	= NLA_POLICY_NESTED(nfav_list_policy),
	[NFAV_P_MIME_SCAN]	= NLA_POLICY_NESTED(nfav_list_policy),
	[NFAV_P_URL_BYPASS]	= NLA_POLICY_NESTED(nfav_list_policy),
};

/* The list attributes, in enum nfav_list_id order. */
static const struct {
	u16 attr;
	u8 kind;			/* enum nfav_list_kind */
	u16 max_len;
} nfav_lists[NFAV_NLISTS] = {
	[NFAV_LIST_EXTENSIONS]	= { NFAV_P_EXTENSIONS, NFAV_LIST_EXT,
				    NFAV_EXTENSION_MAX },
	[NFAV_LIST_MIME_BYPASS]	= { NFAV_P_MIME_BYPASS, NFAV_LIST_MIME,
				    NFAV_MIME_MAX },
	[NFAV_LIST_MIME_SCAN]	= { NFAV_P_MIME_SCAN, NFAV_LIST_MIME,
				    NFAV_MIME_MAX },
	[NFAV_LIST_URL_BYPASS]	= { NFAV_P_URL_BYPASS, NFAV_LIST_URL,
				    NFAV_URL_ENTRY_MAX },
};

/* NFAV_A_PROTOS: member type enum nfav_proto. */
static const struct nla_policy nfav_protos_policy[NFAV_PROTO_MAX + 1] = {
	[NFAV_PROTO_HTTP ... NFAV_PROTO_MAX] =
		NLA_POLICY_NESTED(nfav_proto_policy),
};

/* Attributes only the kernel sends are rejected. */
static const struct nla_policy nfav_policy[NFAV_A_MAX + 1] = {
	[NFAV_A_PAD]			= { .type = NLA_REJECT },
	[NFAV_A_VERSION]		= { .type = NLA_REJECT },
	[NFAV_A_DAEMON_PID]		= { .type = NLA_U32 },
	[NFAV_A_DAEMON_PORTID]		= { .type = NLA_REJECT },
	[NFAV_A_ENGINE_SIGNATURES]	= { .type = NLA_U32 },
	[NFAV_A_ENGINE_VERSION]		= { .type = NLA_U32 },
	[NFAV_A_ENGINE_LOADED]		= { .type = NLA_U64 },
	[NFAV_A_ENGINE_LIBVERSION]	= {
		.type = NLA_NUL_STRING,
		.len = sizeof_field(struct nfav_daemon, libversion) - 1,
	},
	[NFAV_A_FLOWS]			= { .type = NLA_REJECT },
	[NFAV_A_PENDING]		= { .type = NLA_REJECT },
	[NFAV_A_HELD_BYTES]		= { .type = NLA_REJECT },
	[NFAV_A_QUEUED_BYTES]		= { .type = NLA_REJECT },
	[NFAV_A_MAX_FLOWS]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &nfav_max_flows_range),
	[NFAV_A_FLOW_TIMEOUT]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &nfav_flow_timeout_range),
	[NFAV_A_HOLD_LIMIT]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &nfav_hold_limit_range),
	[NFAV_A_MEM_LIMIT]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &nfav_mem_limit_range),
	[NFAV_A_MAX_REQUESTS]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &nfav_max_requests_range),
	[NFAV_A_PROTOS]			= NLA_POLICY_NESTED(nfav_protos_policy),
	[NFAV_A_STATS]			= { .type = NLA_REJECT },
	[NFAV_A_OBJECT_ID]		= { .type = NLA_U64 },
	[NFAV_A_OFFSET]			= { .type = NLA_REJECT },
	[NFAV_A_DATA]			= { .type = NLA_REJECT },
	[NFAV_A_SIZE]			= { .type = NLA_REJECT },
	[NFAV_A_ABORTED]		= { .type = NLA_REJECT },
	[NFAV_A_OBJECT]			= { .type = NLA_REJECT },
	[NFAV_A_VERDICT]		= NLA_POLICY_RANGE(NLA_U8,
							   NFAV_VERDICT_CLEAN,
							   NFAV_VERDICT_MAX),
	[NFAV_A_REASON]			= NLA_POLICY_RANGE(NLA_U8,
							   NFAV_REASON_DEFAULT,
							   NFAV_REASON_MAX),
	[NFAV_A_ACTION]			= { .type = NLA_REJECT },
	[NFAV_A_VIRUS]			= {
		.type = NLA_NUL_STRING,
		.len = NFAV_VIRUS_MAX - 1,
	},
	[NFAV_A_EVENT]			= { .type = NLA_REJECT },
	[NFAV_A_FLOW]			= { .type = NLA_REJECT },
	[NFAV_A_CHECKED]		= NLA_POLICY_MIN(NLA_U64, 1),
};

static u8 nfav_af(u8 nfproto)
{
	return nfproto == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
}

static int nfav_put_addr(struct sk_buff *skb, int type, u8 nfproto,
			 const union nf_inet_addr *addr)
{
	if (nfproto == NFPROTO_IPV6)
		return nla_put_in6_addr(skb, type, &addr->in6);
	return nla_put_in_addr(skb, type, addr->ip);
}

/* A string from a fixed array, omitted when empty, always NUL-terminated. */
static int nfav_put_str(struct sk_buff *skb, int type, const char *s,
			size_t size)
{
	size_t len = strnlen(s, size);
	struct nlattr *nla;

	if (!len)
		return 0;
	nla = nla_reserve(skb, type, len + 1);
	if (!nla)
		return -EMSGSIZE;
	memcpy(nla_data(nla), s, len);
	((char *)nla_data(nla))[len] = '\0';
	return 0;
}

/* Upper bound of what nfav_nl_put_meta() writes. */
static size_t nfav_meta_size(void)
{
	return nla_total_size(0) +				/* nest */
	       3 * nla_total_size(sizeof(u8)) +			/* proto..family */
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       2 * nla_total_size(sizeof(u16)) +
	       nla_total_size(sizeof_field(struct nfav_object, name)) +
	       nla_total_size(sizeof_field(struct nfav_object, url)) +
	       nla_total_size(sizeof_field(struct nfav_object, content_type)) +
	       nla_total_size(sizeof_field(struct nfav_object, host)) +
	       nla_total_size(sizeof_field(struct nfav_object, encoding)) +
	       nla_total_size(sizeof(u32));
}

/**
 * nfav_nl_msg_new() - allocate a kernel-originated nfav message
 * @cmd: enum nfav_cmd
 * @payload: bytes of attributes the caller will add
 * @gfp: allocation flags
 * @hdr: where to store the user header, for genlmsg_end()
 *
 * The message has portid 0 and sequence 0.  The caller adds attributes and
 * finishes with genlmsg_end(skb, *hdr), or frees it with nlmsg_free().
 *
 * Return: the message, or NULL when out of memory.
 */
struct sk_buff *nfav_nl_msg_new(u8 cmd, size_t payload, gfp_t gfp,
				void **hdr)
{
	struct sk_buff *skb;

	skb = genlmsg_new(payload, gfp);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &nfav_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/**
 * nfav_nl_put_meta() - add the NFAV_A_OBJECT metadata nest
 * @skb: message being built
 * @flow: the flow the object travels on
 * @obj: the object, or NULL for a flow-level event (no direction, no names)
 *
 * Context: any; reads @flow and @obj, so the caller holds @flow->lock or
 * otherwise keeps them stable.
 * Return: 0, or -EMSGSIZE (the nest is cancelled).
 */
int nfav_nl_put_meta(struct sk_buff *skb, const struct nfav_flow *flow,
		     const struct nfav_object *obj)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, NFAV_A_OBJECT);
	if (!nest)
		return -EMSGSIZE;

	if (nla_put_u8(skb, NFAV_O_PROTO, flow->proto) ||
	    nla_put_u8(skb, NFAV_O_FAMILY, nfav_af(flow->family)) ||
	    nfav_put_addr(skb, NFAV_O_CLIENT_ADDR, flow->family, &flow->caddr) ||
	    nfav_put_addr(skb, NFAV_O_SERVER_ADDR, flow->family, &flow->saddr) ||
	    nla_put_u16(skb, NFAV_O_CLIENT_PORT, ntohs(flow->cport)) ||
	    nla_put_u16(skb, NFAV_O_SERVER_PORT, ntohs(flow->sport)))
		goto cancel;

	if (obj &&
	    (nla_put_u8(skb, NFAV_O_DIRECTION,
			obj->side == NFAV_SIDE_SERVER ? NFAV_DIR_DOWNLOAD :
							NFAV_DIR_UPLOAD) ||
	     nfav_put_str(skb, NFAV_O_NAME, obj->name, sizeof(obj->name)) ||
	     nfav_put_str(skb, NFAV_O_URL, obj->url, sizeof(obj->url)) ||
	     nfav_put_str(skb, NFAV_O_CONTENT_TYPE, obj->content_type,
			  sizeof(obj->content_type)) ||
	     nfav_put_str(skb, NFAV_O_HOST, obj->host, sizeof(obj->host)) ||
	     nfav_put_str(skb, NFAV_O_ENCODING, obj->encoding,
			  sizeof(obj->encoding)) ||
	     nla_put_u32(skb, NFAV_O_MAX_LAYERS, obj->max_layers)))
		goto cancel;

	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/**
 * nfav_nl_event() - multicast an event to NFAV_MCGRP_EVENTS
 * @nn: the network namespace's state
 * @flow: the flow concerned
 * @obj: the object concerned, or NULL
 * @event: enum nfav_event
 * @reason: enum nfav_reason, or NFAV_REASON_NONE
 * @action: enum nfav_action, or NFAV_ACTION_UNSPEC
 *
 * Nothing is built when nobody listens.  A listener whose socket is full
 * learns it from -ENOBUFS on its socket.
 *
 * Context: any, including softirq with @flow->lock held.
 */
void nfav_nl_event(struct nfav_net *nn, const struct nfav_flow *flow,
		   const struct nfav_object *obj, u8 event, u8 reason,
		   u8 action)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	if (READ_ONCE(nfav_unloading) ||
	    !genl_has_listeners(&nfav_genl_family, nn->net, NFAV_GRP_EVENTS))
		return;

	skb = nfav_nl_msg_new(NFAV_CMD_EVENT,
			      nla_total_size(sizeof(u8)) + nfav_meta_size() +
			      nla_total_size(NFAV_VIRUS_MAX) +
			      2 * nla_total_size(sizeof(u8)),
			      GFP_ATOMIC, &hdr);
	if (!skb) {
		net_warn_ratelimited("nfav: out of memory for an event\n");
		return;
	}

	if (nla_put_u8(skb, NFAV_A_EVENT, event) ||
	    nfav_nl_put_meta(skb, flow, obj) ||
	    (obj && nfav_put_str(skb, NFAV_A_VIRUS, obj->virus,
				 sizeof(obj->virus))) ||
	    (reason && nla_put_u8(skb, NFAV_A_REASON, reason)) ||
	    (action && nla_put_u8(skb, NFAV_A_ACTION, action))) {
		nlmsg_free(skb);
		net_warn_ratelimited("nfav: event does not fit its message\n");
		return;
	}
	genlmsg_end(skb, hdr);

	err = genlmsg_multicast_netns(&nfav_genl_family, nn->net, skb, 0,
				      NFAV_GRP_EVENTS, GFP_ATOMIC);
	if (err && err != -ESRCH)
		net_dbg_ratelimited("nfav: event not delivered: %d\n", err);
}

/* NFAV_CMD_GET_STATUS */

static size_t nfav_status_size(void)
{
	return nla_total_size(sizeof(NFAV_VERSION)) +
	       4 * nla_total_size(sizeof(u32)) +	/* pid .. db version */
	       nla_total_size_64bit(sizeof(u64)) +	/* loaded */
	       nla_total_size(sizeof_field(struct nfav_daemon, libversion)) +
	       2 * nla_total_size(sizeof(u32)) +	/* flows, pending */
	       2 * nla_total_size_64bit(sizeof(u64));	/* held, queued */
}

static int nfav_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));
	struct nfav_daemon d;
	struct sk_buff *msg;
	void *hdr;

	spin_lock_bh(&nn->daemon_lock);
	d = nn->daemon;
	spin_unlock_bh(&nn->daemon_lock);

	msg = genlmsg_new(nfav_status_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfav_genl_family, 0,
				NFAV_CMD_GET_STATUS);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_string(msg, NFAV_A_VERSION, NFAV_VERSION))
		goto nla_put_failure;
	if (d.portid &&
	    (nla_put_u32(msg, NFAV_A_DAEMON_PID, d.pid) ||
	     nla_put_u32(msg, NFAV_A_DAEMON_PORTID, d.portid) ||
	     nla_put_u32(msg, NFAV_A_ENGINE_SIGNATURES, d.signatures) ||
	     nla_put_u32(msg, NFAV_A_ENGINE_VERSION, d.db_version) ||
	     nla_put_u64_64bit(msg, NFAV_A_ENGINE_LOADED, d.loaded,
			       NFAV_A_PAD) ||
	     nfav_put_str(msg, NFAV_A_ENGINE_LIBVERSION, d.libversion,
			  sizeof(d.libversion))))
		goto nla_put_failure;
	if (nla_put_u32(msg, NFAV_A_FLOWS, atomic_read(&nn->nflows)) ||
	    nla_put_u32(msg, NFAV_A_PENDING, atomic_read(&nn->pending)) ||
	    nla_put_u64_64bit(msg, NFAV_A_HELD_BYTES,
			      atomic64_read(&nn->held_bytes), NFAV_A_PAD) ||
	    nla_put_u64_64bit(msg, NFAV_A_QUEUED_BYTES,
			      atomic64_read(&nn->txq_bytes), NFAV_A_PAD))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* NFAV_CMD_GET_CONFIG */

static size_t nfav_config_size(void)
{
	size_t proto = nla_total_size(0) +			/* member */
		       nla_total_size(sizeof(u8)) +		/* enabled */
		       nla_total_size(NFAV_MAX_PORTS * sizeof(u16)) +
		       2 * nla_total_size(sizeof(u32)) +
		       nla_total_size(0) +			/* fallbacks */
		       NFAV_REASON_MAX * nla_total_size(sizeof(u8)) +
		       nla_total_size(sizeof(u8)) +		/* notify */
		       nla_total_size(sizeof(u32)) +		/* trickle */
		       nla_total_size(NFAV_MESSAGE_MAX + 1) +	/* message */
		       2 * nla_total_size(sizeof(u32)) +	/* layers, hdr */
		       nla_total_size(sizeof(u8)) +		/* scan mode */
		       NFAV_NLISTS * (nla_total_size(0) +
				      NFAV_LIST_MAX * NLA_HDRLEN +
				      NFAV_LIST_BYTES + NFAV_LIST_MAX * 3);

	return 5 * nla_total_size(sizeof(u32)) +
	       nla_total_size(0) + NFAV_PROTO_MAX * proto;
}

static int nfav_put_list(struct sk_buff *skb, u16 attr,
			 const struct nfav_strlist *l)
{
	struct nlattr *nest;
	const char *e;

	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	nfav_list_for_each(e, l) {
		if (nla_put_string(skb, NFAV_L_ENTRY, e)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int nfav_put_proto_config(struct sk_buff *skb, unsigned int proto,
				 const struct nfav_proto_config *pc)
{
	struct nlattr *nest, *fb;
	unsigned int r;

	nest = nla_nest_start(skb, proto);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, NFAV_P_ENABLED, pc->enabled) ||
	    nla_put(skb, NFAV_P_PORTS, pc->nports * sizeof(pc->ports[0]),
		    pc->ports) ||
	    nla_put_u32(skb, NFAV_P_SCAN_TIMEOUT, pc->scan_timeout) ||
	    nla_put_u32(skb, NFAV_P_MAX_SIZE, pc->max_size) ||
	    nla_put_u8(skb, NFAV_P_NOTIFY_TYPE, pc->notify) ||
	    nla_put_u32(skb, NFAV_P_TRICKLE_TIMEOUT, pc->trickle_timeout) ||
	    nla_put_string(skb, NFAV_P_MESSAGE, pc->message) ||
	    nla_put_u32(skb, NFAV_P_MAX_LAYERS, pc->max_layers) ||
	    nla_put_u32(skb, NFAV_P_HEADER_LIMIT, pc->header_limit) ||
	    nla_put_u8(skb, NFAV_P_SCAN_MODE, pc->scan_mode))
		goto cancel;
	for (r = 0; r < NFAV_NLISTS; r++)
		if (nfav_put_list(skb, nfav_lists[r].attr, &pc->lists[r]))
			goto cancel;

	fb = nla_nest_start(skb, NFAV_P_FALLBACKS);
	if (!fb)
		goto cancel;
	for (r = NFAV_REASON_DEFAULT; r <= NFAV_REASON_MAX; r++)
		if (nla_put_u8(skb, r, pc->fallback[r]))
			goto cancel;
	nla_nest_end(skb, fb);

	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int nfav_put_config(struct sk_buff *skb, const struct nfav_config *cfg)
{
	struct nlattr *protos;
	unsigned int p;

	if (nla_put_u32(skb, NFAV_A_MAX_FLOWS, cfg->max_flows) ||
	    nla_put_u32(skb, NFAV_A_FLOW_TIMEOUT, cfg->flow_timeout) ||
	    nla_put_u32(skb, NFAV_A_HOLD_LIMIT, cfg->hold_limit) ||
	    nla_put_u32(skb, NFAV_A_MEM_LIMIT, cfg->mem_limit) ||
	    nla_put_u32(skb, NFAV_A_MAX_REQUESTS, cfg->max_requests))
		return -EMSGSIZE;

	protos = nla_nest_start(skb, NFAV_A_PROTOS);
	if (!protos)
		return -EMSGSIZE;
	for (p = NFAV_PROTO_HTTP; p <= NFAV_PROTO_MAX; p++) {
		if (nfav_put_proto_config(skb, p, &cfg->proto[p])) {
			nla_nest_cancel(skb, protos);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, protos);
	return 0;
}

static int nfav_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(nfav_config_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfav_genl_family, 0,
				NFAV_CMD_GET_CONFIG);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}

	rcu_read_lock();
	err = nfav_put_config(msg, rcu_dereference(nn->config));
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* NFAV_CMD_SET_CONFIG */

/* Length is bounded by the policy; the rest is checked here. */
static int nfav_parse_ports(struct nfav_proto_config *pc,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	u16 ports[NFAV_MAX_PORTS];
	unsigned int n, i, j;
	int len = nla_len(attr);

	if (len % sizeof(u16) || len > sizeof(ports)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "port list is not an array of u16");
		return -EINVAL;
	}
	n = len / sizeof(u16);
	memcpy(ports, nla_data(attr), len);

	for (i = 0; i < n; i++) {
		if (!ports[i]) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "port 0 is invalid");
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (ports[j] == ports[i]) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "duplicate port");
				return -EINVAL;
			}
		}
	}

	memcpy(pc->ports, ports, len);
	pc->nports = n;
	return 0;
}

/* Replace list @id of a configuration with the entries of @nest. */
static int nfav_parse_list(struct nfav_strlist *l, unsigned int id,
			   const struct nlattr *nest,
			   struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	const char *msg;
	size_t len;
	int rem;

	/* the parsers' limits are the uapi's */
	BUILD_BUG_ON(NFAV_LIST_EXT_MAX - NFAV_EXTENSION_MAX);
	BUILD_BUG_ON(NFAV_LIST_MIME_MAX - NFAV_MIME_MAX);
	BUILD_BUG_ON(NFAV_LIST_URL_MAX - NFAV_URL_ENTRY_MAX);

	l->count = 0;
	l->used = 0;
	nla_for_each_nested(attr, nest, rem) {
		/* the policy checked that members are strings */
		if (nla_type(attr) != NFAV_L_ENTRY) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "not a list entry");
			return -EINVAL;
		}
		len = strnlen(nla_data(attr), nla_len(attr));
		if (len > nfav_lists[id].max_len) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "list entry too long");
			return -EINVAL;
		}
		msg = nfav_list_add(l, nfav_lists[id].kind, nla_data(attr),
				    len, NFAV_LIST_MAX);
		if (msg) {
			/* a static string, as NL_SET_ERR_MSG_ATTR() keeps */
			if (extack) {
				extack->_msg = msg;
				extack->bad_attr = attr;
			}
			return -EINVAL;
		}
	}
	return 0;
}

static int nfav_parse_proto(struct nfav_proto_config *pc, unsigned int proto,
			    const struct nlattr *nest,
			    const struct nlattr **blame,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFAV_P_MAX + 1];
	unsigned int r;
	int err;

	err = nla_parse_nested(tb, NFAV_P_MAX, nest, nfav_proto_policy,
			       extack);
	if (err)
		return err;

	*blame = nest;
	if (tb[NFAV_P_ENABLED]) {
		bool enabled = nla_get_u8(tb[NFAV_P_ENABLED]);

		if (enabled && !nfav_proto_get(proto)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFAV_P_ENABLED],
					    "protocol not supported yet");
			return -EOPNOTSUPP;
		}
		pc->enabled = enabled;
	}
	if (tb[NFAV_P_PORTS]) {
		err = nfav_parse_ports(pc, tb[NFAV_P_PORTS], extack);
		if (err)
			return err;
		*blame = tb[NFAV_P_PORTS];
	}
	if (tb[NFAV_P_SCAN_TIMEOUT])
		pc->scan_timeout = nla_get_u32(tb[NFAV_P_SCAN_TIMEOUT]);
	if (tb[NFAV_P_MAX_SIZE])
		pc->max_size = nla_get_u32(tb[NFAV_P_MAX_SIZE]);
	if (tb[NFAV_P_NOTIFY_TYPE])
		pc->notify = nla_get_u8(tb[NFAV_P_NOTIFY_TYPE]);
	if (tb[NFAV_P_TRICKLE_TIMEOUT])
		pc->trickle_timeout = nla_get_u32(tb[NFAV_P_TRICKLE_TIMEOUT]);
	if (tb[NFAV_P_MAX_LAYERS])
		pc->max_layers = nla_get_u32(tb[NFAV_P_MAX_LAYERS]);
	if (tb[NFAV_P_HEADER_LIMIT])
		pc->header_limit = nla_get_u32(tb[NFAV_P_HEADER_LIMIT]);
	if (tb[NFAV_P_SCAN_MODE])
		pc->scan_mode = nla_get_u8(tb[NFAV_P_SCAN_MODE]);
	for (r = 0; r < NFAV_NLISTS; r++) {
		if (!tb[nfav_lists[r].attr])
			continue;
		err = nfav_parse_list(&pc->lists[r], r, tb[nfav_lists[r].attr],
				      extack);
		if (err)
			return err;
	}
	if (tb[NFAV_P_MESSAGE])
		nla_strscpy(pc->message, tb[NFAV_P_MESSAGE],
			    sizeof(pc->message));
	if (tb[NFAV_P_FALLBACKS]) {
		struct nlattr *fb[NFAV_REASON_MAX + 1];

		err = nla_parse_nested(fb, NFAV_REASON_MAX,
				       tb[NFAV_P_FALLBACKS],
				       nfav_fallback_policy, extack);
		if (err)
			return err;
		for (r = NFAV_REASON_DEFAULT; r <= NFAV_REASON_MAX; r++)
			if (fb[r])
				pc->fallback[r] = nla_get_u8(fb[r]);
	}
	return 0;
}

/* A port may belong to one enabled protocol only. */
static int nfav_check_ports(const struct nfav_config *cfg,
			    const struct nlattr *const *blame,
			    const struct nlattr *protos,
			    struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	unsigned int p, q, i;

	for (p = NFAV_PROTO_HTTP; p <= NFAV_PROTO_MAX; p++) {
		const struct nfav_proto_config *pc = &cfg->proto[p];

		if (!pc->enabled)
			continue;
		for (q = p + 1; q <= NFAV_PROTO_MAX; q++) {
			if (!cfg->proto[q].enabled)
				continue;
			for (i = 0; i < pc->nports; i++) {
				if (!nfav_port_match(&cfg->proto[q],
						     pc->ports[i]))
					continue;
				attr = blame[q] ?: blame[p] ?: protos;
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "port used by another enabled protocol");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int nfav_parse_config(struct nfav_config *cfg, struct nlattr **attrs,
			     struct netlink_ext_ack *extack)
{
	const struct nlattr *blame[__NFAV_PROTO_MAX] = {};
	struct nlattr *tb[NFAV_PROTO_MAX + 1];
	unsigned int p;
	int err;

	if (attrs[NFAV_A_MAX_FLOWS])
		cfg->max_flows = nla_get_u32(attrs[NFAV_A_MAX_FLOWS]);
	if (attrs[NFAV_A_FLOW_TIMEOUT])
		cfg->flow_timeout = nla_get_u32(attrs[NFAV_A_FLOW_TIMEOUT]);
	if (attrs[NFAV_A_HOLD_LIMIT])
		cfg->hold_limit = nla_get_u32(attrs[NFAV_A_HOLD_LIMIT]);
	if (attrs[NFAV_A_MEM_LIMIT])
		cfg->mem_limit = nla_get_u32(attrs[NFAV_A_MEM_LIMIT]);
	if (attrs[NFAV_A_MAX_REQUESTS])
		cfg->max_requests = nla_get_u32(attrs[NFAV_A_MAX_REQUESTS]);

	if (!attrs[NFAV_A_PROTOS])
		return 0;

	err = nla_parse_nested(tb, NFAV_PROTO_MAX, attrs[NFAV_A_PROTOS],
			       nfav_protos_policy, extack);
	if (err)
		return err;
	for (p = NFAV_PROTO_HTTP; p <= NFAV_PROTO_MAX; p++) {
		if (!tb[p])
			continue;
		err = nfav_parse_proto(&cfg->proto[p], p, tb[p], &blame[p],
				       extack);
		if (err)
			return err;
	}
	return nfav_check_ports(cfg, blame, attrs[NFAV_A_PROTOS], extack);
}

static int nfav_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));
	struct nfav_config *cfg, *old;
	int err;

	if (!nfav_net_admin(genl_info_net(info), skb)) {
		NL_SET_ERR_MSG(info->extack, NFAV_EPERM_MSG);
		return -EPERM;
	}

	mutex_lock(&nn->config_lock);
	old = rcu_dereference_protected(nn->config,
					lockdep_is_held(&nn->config_lock));
	cfg = old ? kvmalloc(sizeof(*cfg), GFP_KERNEL) :
		    nfav_config_default();
	if (!cfg) {
		err = -ENOMEM;
		goto out_unlock;
	}
	if (old)
		memcpy(cfg, old, sizeof(*cfg));

	err = nfav_parse_config(cfg, info->attrs, info->extack);
	if (err) {
		nfav_config_free(cfg);
		goto out_unlock;
	}
	err = nfav_config_replace(nn, cfg);

out_unlock:
	mutex_unlock(&nn->config_lock);
	return err;
}

/* NFAV_CMD_GET_STATS */

static size_t nfav_stats_size(void)
{
	size_t u64_attr = nla_total_size_64bit(sizeof(u64));
	size_t proto = nla_total_size(0) +			/* member */
		       nla_total_size(0) +			/* P_STATS */
		       __NFAV_C_MAX * u64_attr +
		       nla_total_size(0) +			/* S_FALLBACKS */
		       NFAV_REASON_MAX * (nla_total_size(0) +
					  NFAV_ACTION_MAX * u64_attr);

	return nla_total_size(0) + NFAV_PROTO_MAX * proto;
}

static int nfav_put_stats(struct sk_buff *skb, const struct nfav_stats *st)
{
	struct nlattr *nest, *fbs, *fb;
	unsigned int i, r, a;

	BUILD_BUG_ON(NFAV_S_FLOWS + NFAV_C_SKIPPED != NFAV_S_FALLBACKS);
	BUILD_BUG_ON(NFAV_C_UNACKED + 1 != __NFAV_C_MAX);

	nest = nla_nest_start(skb, NFAV_P_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NFAV_C_SKIPPED; i++)
		if (nla_put_u64_64bit(skb, NFAV_S_FLOWS + i,
				      atomic64_read(&st->c[i]), NFAV_S_PAD))
			goto cancel;
	if (nla_put_u64_64bit(skb, NFAV_S_SKIPPED,
			      atomic64_read(&st->c[NFAV_C_SKIPPED]), NFAV_S_PAD) ||
	    nla_put_u64_64bit(skb, NFAV_S_UNTRACKED,
			      atomic64_read(&st->c[NFAV_C_UNTRACKED]),
			      NFAV_S_PAD) ||
	    nla_put_u64_64bit(skb, NFAV_S_CHECKS,
			      atomic64_read(&st->c[NFAV_C_CHECKS]), NFAV_S_PAD) ||
	    nla_put_u64_64bit(skb, NFAV_S_UNACKED,
			      atomic64_read(&st->c[NFAV_C_UNACKED]), NFAV_S_PAD))
		goto cancel;

	fbs = nla_nest_start(skb, NFAV_S_FALLBACKS);
	if (!fbs)
		goto cancel;
	for (r = NFAV_REASON_DEFAULT; r <= NFAV_REASON_MAX; r++) {
		fb = nla_nest_start(skb, r);
		if (!fb)
			goto cancel;
		/* Member types are actions: pad with the unused type 0. */
		for (a = NFAV_ACTION_PERMIT; a <= NFAV_ACTION_MAX; a++)
			if (nla_put_u64_64bit(skb, a,
					      atomic64_read(&st->fallback[r][a]),
					      NFAV_ACTION_UNSPEC))
				goto cancel;
		nla_nest_end(skb, fb);
	}
	nla_nest_end(skb, fbs);

	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int nfav_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));
	struct nlattr *protos, *nest;
	struct sk_buff *msg;
	unsigned int p;
	void *hdr;

	msg = genlmsg_new(nfav_stats_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfav_genl_family, 0,
				NFAV_CMD_GET_STATS);
	if (!hdr)
		goto nla_put_failure;

	protos = nla_nest_start(msg, NFAV_A_PROTOS);
	if (!protos)
		goto nla_put_failure;
	for (p = NFAV_PROTO_HTTP; p <= NFAV_PROTO_MAX; p++) {
		nest = nla_nest_start(msg, p);
		if (!nest || nfav_put_stats(msg, &nn->stats[p]))
			goto nla_put_failure;
		nla_nest_end(msg, nest);
	}
	nla_nest_end(msg, protos);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* NFAV_CMD_CLEAR_STATS */

static int nfav_nl_clear_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));
	unsigned int p, i, r, a;

	if (!nfav_net_admin(genl_info_net(info), skb)) {
		NL_SET_ERR_MSG(info->extack, NFAV_EPERM_MSG);
		return -EPERM;
	}

	for (p = 0; p < ARRAY_SIZE(nn->stats); p++) {
		struct nfav_stats *st = &nn->stats[p];

		for (i = 0; i < ARRAY_SIZE(st->c); i++)
			atomic64_set(&st->c[i], 0);
		for (r = 0; r < ARRAY_SIZE(st->fallback); r++)
			for (a = 0; a < ARRAY_SIZE(st->fallback[r]); a++)
				atomic64_set(&st->fallback[r][a], 0);
	}
	return 0;
}

/* NFAV_CMD_GET_FLOWS */

struct nfav_flows_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

/* What is reported of a flow, copied under its lock. */
struct nfav_flow_snap {
	union nf_inet_addr caddr, saddr;
	__be16 cport, sport;
	u8 proto, family, state;
	u32 held, pending, age;
	u64 objects;
};

static void nfav_flow_snap(struct nfav_flow *flow, struct nfav_flow_snap *s)
{
	const struct nfav_object *obj;
	unsigned int side;

	spin_lock_bh(&flow->lock);
	s->caddr = flow->caddr;
	s->saddr = flow->saddr;
	s->cport = flow->cport;
	s->sport = flow->sport;
	s->proto = flow->proto;
	s->family = flow->family;
	s->state = flow->state;
	if (s->state == NFAV_FLOW_ACTIVE &&
	    !flow->dir[NFAV_SIDE_SERVER].isn_known)
		s->state = NFAV_FLOW_HANDSHAKE;
	s->held = 0;
	s->pending = 0;
	for (side = 0; side < ARRAY_SIZE(flow->dir); side++) {
		s->held += flow->dir[side].ra.held_bytes;
		list_for_each_entry(obj, &flow->dir[side].objects, list)
			s->pending++;
	}
	s->age = jiffies_to_msecs(jiffies - flow->created);
	s->objects = flow->objects_seen;
	spin_unlock_bh(&flow->lock);
}

static int nfav_flow_fill(struct nfav_flow *flow, void *arg)
{
	struct nfav_flows_ctx *ctx = arg;
	struct sk_buff *skb = ctx->skb;
	struct nfav_flow_snap s;
	struct nlattr *nest;
	void *hdr;

	nfav_flow_snap(flow, &s);

	hdr = genlmsg_put(skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &nfav_genl_family,
			  NLM_F_MULTI, NFAV_CMD_GET_FLOWS);
	if (!hdr)
		return -EMSGSIZE;

	nest = nla_nest_start(skb, NFAV_A_FLOW);
	if (!nest ||
	    nla_put_u8(skb, NFAV_F_PROTO, s.proto) ||
	    nla_put_u8(skb, NFAV_F_FAMILY, nfav_af(s.family)) ||
	    nfav_put_addr(skb, NFAV_F_CLIENT_ADDR, s.family, &s.caddr) ||
	    nfav_put_addr(skb, NFAV_F_SERVER_ADDR, s.family, &s.saddr) ||
	    nla_put_u16(skb, NFAV_F_CLIENT_PORT, ntohs(s.cport)) ||
	    nla_put_u16(skb, NFAV_F_SERVER_PORT, ntohs(s.sport)) ||
	    nla_put_u8(skb, NFAV_F_STATE, s.state) ||
	    nla_put_u32(skb, NFAV_F_HELD_BYTES, s.held) ||
	    nla_put_u32(skb, NFAV_F_PENDING, s.pending) ||
	    nla_put_u32(skb, NFAV_F_AGE, s.age) ||
	    nla_put_u64_64bit(skb, NFAV_F_OBJECTS, s.objects, NFAV_F_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * cb->args[0]: flows already reported (nfav_flow_foreach's position);
 * cb->args[1]: set once the walk has completed.
 */
static int nfav_nl_get_flows(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfav_net *nn = nfav_pernet(sock_net(skb->sk));
	struct nfav_flows_ctx ctx = { .skb = skb, .cb = cb };
	unsigned long pos = cb->args[0];
	int err;

	if (!nfav_net_admin(sock_net(skb->sk), cb->skb))
		return -EPERM;

	if (cb->args[1])
		return 0;

	err = nfav_flow_foreach(nn, nfav_flow_fill, &ctx, &pos);
	cb->args[0] = pos;
	if (!err) {
		cb->args[1] = 1;
		return skb->len;
	}
	/* Full: send what we have and come back for the rest. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err;
}

/* NFAV_CMD_REGISTER, NFAV_CMD_UNREGISTER */

static int nfav_nl_register(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	struct nfav_daemon d = {};
	int err;

	if (!nfav_net_admin(genl_info_net(info), skb)) {
		NL_SET_ERR_MSG(info->extack, NFAV_EPERM_MSG);
		return -EPERM;
	}

	if (GENL_REQ_ATTR_CHECK(info, NFAV_A_DAEMON_PID))
		return -EINVAL;

	d.portid = info->snd_portid;
	d.pid = nla_get_u32(attrs[NFAV_A_DAEMON_PID]);
	if (attrs[NFAV_A_ENGINE_SIGNATURES])
		d.signatures = nla_get_u32(attrs[NFAV_A_ENGINE_SIGNATURES]);
	if (attrs[NFAV_A_ENGINE_VERSION])
		d.db_version = nla_get_u32(attrs[NFAV_A_ENGINE_VERSION]);
	if (attrs[NFAV_A_ENGINE_LOADED])
		d.loaded = nla_get_u64(attrs[NFAV_A_ENGINE_LOADED]);
	if (attrs[NFAV_A_ENGINE_LIBVERSION])
		nla_strscpy(d.libversion, attrs[NFAV_A_ENGINE_LIBVERSION],
			    sizeof(d.libversion));

	err = nfav_daemon_register(nn, info->snd_portid, &d);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack, "another daemon is registered");
	return err;
}

static int nfav_nl_unregister(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));

	if (!nfav_net_admin(genl_info_net(info), skb)) {
		NL_SET_ERR_MSG(info->extack, NFAV_EPERM_MSG);
		return -EPERM;
	}

	return nfav_daemon_unregister(nn, info->snd_portid);
}

/* NFAV_CMD_VERDICT */

static int nfav_nl_verdict(struct sk_buff *skb, struct genl_info *info)
{
	struct nfav_net *nn = nfav_pernet(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	u8 verdict, reason = NFAV_REASON_NONE;
	const char *virus = "";
	bool daemon;
	int err;

	if (!nfav_net_admin(genl_info_net(info), skb)) {
		NL_SET_ERR_MSG(info->extack, NFAV_EPERM_MSG);
		return -EPERM;
	}

	if (GENL_REQ_ATTR_CHECK(info, NFAV_A_OBJECT_ID) ||
	    GENL_REQ_ATTR_CHECK(info, NFAV_A_VERDICT))
		return -EINVAL;

	spin_lock_bh(&nn->daemon_lock);
	daemon = nn->daemon.portid && nn->daemon.portid == info->snd_portid;
	spin_unlock_bh(&nn->daemon_lock);
	if (!daemon) {
		NL_SET_ERR_MSG(info->extack,
			       "sender is not the registered daemon");
		return -EPERM;
	}

	verdict = nla_get_u8(attrs[NFAV_A_VERDICT]);
	if (attrs[NFAV_A_REASON])
		reason = nla_get_u8(attrs[NFAV_A_REASON]);
	else if (verdict == NFAV_VERDICT_ERROR &&
		 GENL_REQ_ATTR_CHECK(info, NFAV_A_REASON))
		return -EINVAL;
	if (attrs[NFAV_A_VIRUS])
		virus = nla_data(attrs[NFAV_A_VIRUS]);

	err = nfav_verdict(nn, nla_get_u64(attrs[NFAV_A_OBJECT_ID]),
			   attrs[NFAV_A_CHECKED] ?
			   nla_get_u64(attrs[NFAV_A_CHECKED]) : 0, verdict,
			   reason, virus);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[NFAV_A_OBJECT_ID],
				    "object is gone");
	return err;
}

/*
 * Privilege model: reading status and counters needs no privilege; the
 * configuration (bypass lists, messages) needs CAP_NET_ADMIN of the
 * namespace's user namespace.  Everything else needs CAP_NET_ADMIN in the namespace's user
 * namespace (GENL_UNS_ADMIN_PERM) and, unless the module was loaded with
 * userns_admin=1, in the initial user namespace too (nfav_net_admin()).
 */
static const struct genl_small_ops nfav_genl_ops[] = {
	{
		.cmd = NFAV_CMD_GET_STATUS,
		.doit = nfav_nl_get_status,
	}, {
		.cmd = NFAV_CMD_GET_CONFIG,
		.doit = nfav_nl_get_config,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFAV_CMD_SET_CONFIG,
		.doit = nfav_nl_set_config,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFAV_CMD_GET_STATS,
		.doit = nfav_nl_get_stats,
	}, {
		.cmd = NFAV_CMD_CLEAR_STATS,
		.doit = nfav_nl_clear_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFAV_CMD_GET_FLOWS,
		.dumpit = nfav_nl_get_flows,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFAV_CMD_REGISTER,
		.doit = nfav_nl_register,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFAV_CMD_UNREGISTER,
		.doit = nfav_nl_unregister,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFAV_CMD_VERDICT,
		.doit = nfav_nl_verdict,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group nfav_genl_mcgrps[] = {
	[NFAV_GRP_EVENTS] = {
		.name = NFAV_MCGRP_EVENTS,
		/* Events name hosts and URLs: admins only. */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/*
 * A new family: resv_start_op stays 0, so every command gets strict
 * attribute validation and a checked genl header.  The handlers take their
 * own locks (config_lock, daemon_lock, the flow locks), hence parallel_ops.
 */
struct genl_family nfav_genl_family __ro_after_init = {
	.name = NFAV_GENL_NAME,
	.version = NFAV_GENL_VERSION,
	.maxattr = NFAV_A_MAX,
	.policy = nfav_policy,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,
	.small_ops = nfav_genl_ops,
	.n_small_ops = ARRAY_SIZE(nfav_genl_ops),
	.mcgrps = nfav_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nfav_genl_mcgrps),
	.module = THIS_MODULE,
};

/* The daemon's socket closed without NFAV_CMD_UNREGISTER. */
static int nfav_nl_notify(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	const struct netlink_notify *n = ptr;
	struct nfav_net *nn;
	bool daemon;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;

	nn = nfav_pernet(n->net);
	if (!nn)
		return NOTIFY_DONE;

	spin_lock_bh(&nn->daemon_lock);
	daemon = nn->daemon.portid == n->portid;
	spin_unlock_bh(&nn->daemon_lock);
	if (daemon)
		nfav_daemon_unregister(nn, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block nfav_nl_notifier = {
	.notifier_call = nfav_nl_notify,
};

/**
 * nfav_netlink_init() - register the netlink notifier and the family
 *
 * Call it after the pernet operations are registered, because the notifier
 * looks up the per-netns state of any netns.
 *
 * Return: 0 or a negative errno; nothing stays registered on error.
 */
int __init nfav_netlink_init(void)
{
	int err;

	err = netlink_register_notifier(&nfav_nl_notifier);
	if (err)
		return err;

	err = genl_register_family(&nfav_genl_family);
	if (err)
		goto err_family;
	return 0;

err_family:
	netlink_unregister_notifier(&nfav_nl_notifier);
	return err;
}

/**
 * nfav_netlink_exit() - unregister the family and the netlink notifier
 *
 * Call before the pernet operations are unregistered.
 */
void nfav_netlink_exit(void)
{
	genl_unregister_family(&nfav_genl_family);
	netlink_unregister_notifier(&nfav_nl_notifier);
}
