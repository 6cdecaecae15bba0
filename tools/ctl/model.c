// SPDX-License-Identifier: GPL-2.0
/*
 * Conversion between netlink attributes and the model structs.  Parsing is
 * defensive: the policies check attribute sizes, unknown attributes and enum
 * values from a newer module are skipped, and strings are copied by length
 * (never trusting a terminating NUL).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nfavctl.h"

static struct nla_policy top_policy[NFAV_A_MAX + 1] = {
	[NFAV_A_DAEMON_PID]		= { .type = NLA_U32 },
	[NFAV_A_DAEMON_PORTID]		= { .type = NLA_U32 },
	[NFAV_A_ENGINE_SIGNATURES]	= { .type = NLA_U32 },
	[NFAV_A_ENGINE_VERSION]		= { .type = NLA_U32 },
	[NFAV_A_ENGINE_LOADED]		= { .type = NLA_U64 },
	[NFAV_A_FLOWS]			= { .type = NLA_U32 },
	[NFAV_A_PENDING]		= { .type = NLA_U32 },
	[NFAV_A_HELD_BYTES]		= { .type = NLA_U64 },
	[NFAV_A_QUEUED_BYTES]		= { .type = NLA_U64 },
	[NFAV_A_MAX_FLOWS]		= { .type = NLA_U32 },
	[NFAV_A_FLOW_TIMEOUT]		= { .type = NLA_U32 },
	[NFAV_A_HOLD_LIMIT]		= { .type = NLA_U32 },
	[NFAV_A_MEM_LIMIT]		= { .type = NLA_U32 },
	[NFAV_A_MAX_REQUESTS]		= { .type = NLA_U32 },
	[NFAV_A_PROTOS]			= { .type = NLA_NESTED },
	[NFAV_A_OBJECT]			= { .type = NLA_NESTED },
	[NFAV_A_REASON]			= { .type = NLA_U8 },
	[NFAV_A_ACTION]			= { .type = NLA_U8 },
	[NFAV_A_EVENT]			= { .type = NLA_U8 },
	[NFAV_A_FLOW]			= { .type = NLA_NESTED },
};

static struct nla_policy proto_policy[NFAV_P_MAX + 1] = {
	[NFAV_P_ENABLED]	= { .type = NLA_U8 },
	[NFAV_P_SCAN_TIMEOUT]	= { .type = NLA_U32 },
	[NFAV_P_TRICKLE_TIMEOUT] = { .type = NLA_U32 },
	[NFAV_P_MAX_SIZE]	= { .type = NLA_U32 },
	[NFAV_P_FALLBACKS]	= { .type = NLA_NESTED },
	[NFAV_P_STATS]		= { .type = NLA_NESTED },
	[NFAV_P_NOTIFY_TYPE]	= { .type = NLA_U8 },
	[NFAV_P_MAX_LAYERS]	= { .type = NLA_U32 },
	[NFAV_P_HEADER_LIMIT]	= { .type = NLA_U32 },
	[NFAV_P_SCAN_MODE]	= { .type = NLA_U8 },
	[NFAV_P_EXTENSIONS]	= { .type = NLA_NESTED },
	[NFAV_P_MIME_BYPASS]	= { .type = NLA_NESTED },
	[NFAV_P_MIME_SCAN]	= { .type = NLA_NESTED },
	[NFAV_P_URL_BYPASS]	= { .type = NLA_NESTED },
};

static struct nla_policy flow_policy[NFAV_F_MAX + 1] = {
	[NFAV_F_PROTO]		= { .type = NLA_U8 },
	[NFAV_F_FAMILY]		= { .type = NLA_U8 },
	[NFAV_F_CLIENT_PORT]	= { .type = NLA_U16 },
	[NFAV_F_SERVER_PORT]	= { .type = NLA_U16 },
	[NFAV_F_STATE]		= { .type = NLA_U8 },
	[NFAV_F_HELD_BYTES]	= { .type = NLA_U32 },
	[NFAV_F_PENDING]	= { .type = NLA_U32 },
	[NFAV_F_AGE]		= { .type = NLA_U32 },
	[NFAV_F_OBJECTS]	= { .type = NLA_U64 },
};

static struct nla_policy object_policy[NFAV_O_MAX + 1] = {
	[NFAV_O_PROTO]		= { .type = NLA_U8 },
	[NFAV_O_DIRECTION]	= { .type = NLA_U8 },
	[NFAV_O_FAMILY]		= { .type = NLA_U8 },
	[NFAV_O_CLIENT_PORT]	= { .type = NLA_U16 },
	[NFAV_O_SERVER_PORT]	= { .type = NLA_U16 },
	[NFAV_O_MAX_LAYERS]	= { .type = NLA_U32 },
};

static int parse_top(struct nl_msg *msg, struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (!genlmsg_valid_hdr(nlh, 0))
		return -1;
	return genlmsg_parse(nlh, 0, tb, NFAV_A_MAX, top_policy) ? -1 : 0;
}

/* Copy a string attribute: up to its first NUL, truncated to size - 1. */
static void get_str(char *dst, size_t size, const struct nlattr *a)
{
	const char *p = nla_data(a);
	size_t n = strnlen(p, nla_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static int get_addr(struct nfav_addr *a, uint8_t family, const struct nlattr *nla)
{
	size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;

	a->family = family;
	a->len = 0;
	if (!nla)
		return 0;
	if (!want || (size_t)nla_len(nla) != want)
		return -1;
	memcpy(a->addr, nla_data(nla), want);
	a->len = want;
	return 0;
}

int parse_status(struct nl_msg *msg, struct nfav_status *st)
{
	struct nlattr *tb[NFAV_A_MAX + 1];

	memset(st, 0, sizeof(*st));
	if (parse_top(msg, tb))
		return -1;
	if (tb[NFAV_A_VERSION]) {
		st->has_version = true;
		get_str(st->version, sizeof(st->version), tb[NFAV_A_VERSION]);
	}
	if (tb[NFAV_A_DAEMON_PID]) {
		st->daemon_registered = true;
		st->daemon_pid = nla_get_u32(tb[NFAV_A_DAEMON_PID]);
	}
	if (tb[NFAV_A_DAEMON_PORTID])
		st->daemon_portid = nla_get_u32(tb[NFAV_A_DAEMON_PORTID]);
	if (tb[NFAV_A_ENGINE_SIGNATURES]) {
		st->has_signatures = true;
		st->signatures = nla_get_u32(tb[NFAV_A_ENGINE_SIGNATURES]);
	}
	if (tb[NFAV_A_ENGINE_VERSION]) {
		st->has_db_version = true;
		st->db_version = nla_get_u32(tb[NFAV_A_ENGINE_VERSION]);
	}
	if (tb[NFAV_A_ENGINE_LOADED]) {
		st->has_loaded = true;
		st->loaded = nla_get_u64(tb[NFAV_A_ENGINE_LOADED]);
	}
	if (tb[NFAV_A_ENGINE_LIBVERSION]) {
		st->has_engine = true;
		get_str(st->engine, sizeof(st->engine),
			tb[NFAV_A_ENGINE_LIBVERSION]);
	}
	if (tb[NFAV_A_FLOWS])
		st->flows = nla_get_u32(tb[NFAV_A_FLOWS]);
	if (tb[NFAV_A_PENDING])
		st->pending = nla_get_u32(tb[NFAV_A_PENDING]);
	if (tb[NFAV_A_HELD_BYTES])
		st->held_bytes = nla_get_u64(tb[NFAV_A_HELD_BYTES]);
	if (tb[NFAV_A_QUEUED_BYTES])
		st->queued_bytes = nla_get_u64(tb[NFAV_A_QUEUED_BYTES]);
	return 0;
}

static int parse_fallbacks(const struct nlattr *nest, uint8_t *fallback)
{
	struct nlattr *a;
	int rem, reason;

	nla_for_each_nested(a, nest, rem) {
		reason = nla_type(a);
		if (reason < 1 || reason > NFAV_REASON_MAX)
			continue;
		if (nla_len(a) < 1)
			return -1;
		fallback[reason] = nla_get_u8(a);
	}
	return 0;
}

int list_append(struct nfav_list *l, const char *entry)
{
	if (l->n == NFAV_LIST_MAX)
		return -1;
	l->entry[l->n] = strdup(entry);
	if (!l->entry[l->n])
		return -1;
	l->n++;
	return 0;
}

/* The index of entry in l, or -1. */
int list_find(const struct nfav_list *l, const char *entry)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->entry[i], entry))
			return (int)i;
	return -1;
}

void list_remove(struct nfav_list *l, unsigned int i)
{
	free(l->entry[i]);
	l->n--;
	memmove(&l->entry[i], &l->entry[i + 1],
		(l->n - i) * sizeof(l->entry[0]));
}

void list_clear(struct nfav_list *l)
{
	while (l->n)
		free(l->entry[--l->n]);
}

void config_free(struct nfav_config *cfg)
{
	int p, id;

	for (p = 1; p <= NFAV_PROTO_MAX; p++)
		for (id = 0; id < NR_LISTS; id++)
			list_clear(&cfg->proto[p].list[id]);
}

/*
 * A list nest: NFAV_L_ENTRY strings, copied up to their first NUL.  More
 * than NFAV_LIST_MAX entries or a longer entry than the contract allows is
 * a malformed reply: such a list could not be edited and sent back intact.
 */
static int parse_list(const struct nlattr *nest, struct nfav_list *l,
		      unsigned int max)
{
	struct nlattr *a;
	char buf[NFAV_URL_ENTRY_MAX + 1];
	size_t len;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != NFAV_L_ENTRY)
			continue;	/* from a newer module */
		len = strnlen(nla_data(a), nla_len(a));
		if (len > max || len >= sizeof(buf))
			return -1;
		memcpy(buf, nla_data(a), len);
		buf[len] = '\0';
		if (list_append(l, buf))
			return -1;
	}
	return 0;
}

static int parse_proto_config(const struct nlattr *nest,
			      struct nfav_proto_config *pc)
{
	struct nlattr *tb[NFAV_P_MAX + 1];
	size_t len, i;
	const uint8_t *p;
	int id;

	if (nla_parse_nested(tb, NFAV_P_MAX, (struct nlattr *)nest,
			     proto_policy))
		return -1;
	pc->present = true;
	if (tb[NFAV_P_ENABLED]) {
		pc->have |= PCFG_ENABLED;
		pc->enabled = nla_get_u8(tb[NFAV_P_ENABLED]);
	}
	if (tb[NFAV_P_PORTS]) {
		len = nla_len(tb[NFAV_P_PORTS]);
		if (len % 2 || len / 2 > NFAV_MAX_PORTS)
			return -1;
		p = nla_data(tb[NFAV_P_PORTS]);
		pc->have |= PCFG_PORTS;
		pc->nports = len / 2;
		for (i = 0; i < pc->nports; i++)
			memcpy(&pc->ports[i], p + 2 * i, 2);
	}
	if (tb[NFAV_P_SCAN_TIMEOUT]) {
		pc->have |= PCFG_SCAN_TIMEOUT;
		pc->scan_timeout = nla_get_u32(tb[NFAV_P_SCAN_TIMEOUT]);
	}
	if (tb[NFAV_P_TRICKLE_TIMEOUT]) {
		pc->have |= PCFG_TRICKLE_TIMEOUT;
		pc->trickle_timeout = nla_get_u32(tb[NFAV_P_TRICKLE_TIMEOUT]);
	}
	if (tb[NFAV_P_MAX_SIZE]) {
		pc->have |= PCFG_MAX_SIZE;
		pc->max_size = nla_get_u32(tb[NFAV_P_MAX_SIZE]);
	}
	if (tb[NFAV_P_NOTIFY_TYPE]) {
		pc->have |= PCFG_NOTIFY_TYPE;
		pc->notify_type = nla_get_u8(tb[NFAV_P_NOTIFY_TYPE]);
	}
	if (tb[NFAV_P_MESSAGE]) {
		pc->have |= PCFG_MESSAGE;
		get_str(pc->message, sizeof(pc->message), tb[NFAV_P_MESSAGE]);
	}
	if (tb[NFAV_P_MAX_LAYERS]) {
		pc->have |= PCFG_MAX_LAYERS;
		pc->max_layers = nla_get_u32(tb[NFAV_P_MAX_LAYERS]);
	}
	if (tb[NFAV_P_HEADER_LIMIT]) {
		pc->have |= PCFG_HEADER_LIMIT;
		pc->header_limit = nla_get_u32(tb[NFAV_P_HEADER_LIMIT]);
	}
	if (tb[NFAV_P_SCAN_MODE]) {
		pc->have |= PCFG_SCAN_MODE;
		pc->scan_mode = nla_get_u8(tb[NFAV_P_SCAN_MODE]);
	}
	for (id = 0; id < NR_LISTS; id++) {
		if (!tb[list_info[id].attr])
			continue;
		pc->have |= PCFG_LIST(id);
		if (parse_list(tb[list_info[id].attr], &pc->list[id],
			       list_info[id].max))
			return -1;
	}
	if (tb[NFAV_P_FALLBACKS] &&
	    parse_fallbacks(tb[NFAV_P_FALLBACKS], pc->fallback))
		return -1;
	return 0;
}

int parse_config(struct nl_msg *msg, struct nfav_config *cfg)
{
	static const struct {
		int attr;
		unsigned int bit;
		size_t off;
	} globals[] = {
		{ NFAV_A_MAX_FLOWS, CFG_MAX_FLOWS,
		  offsetof(struct nfav_config, max_flows) },
		{ NFAV_A_FLOW_TIMEOUT, CFG_FLOW_TIMEOUT,
		  offsetof(struct nfav_config, flow_timeout) },
		{ NFAV_A_HOLD_LIMIT, CFG_HOLD_LIMIT,
		  offsetof(struct nfav_config, hold_limit) },
		{ NFAV_A_MEM_LIMIT, CFG_MEM_LIMIT,
		  offsetof(struct nfav_config, mem_limit) },
		{ NFAV_A_MAX_REQUESTS, CFG_MAX_REQUESTS,
		  offsetof(struct nfav_config, max_requests) },
	};
	struct nlattr *tb[NFAV_A_MAX + 1], *a;
	uint32_t v;
	size_t i;
	int rem, proto;

	memset(cfg, 0, sizeof(*cfg));
	if (parse_top(msg, tb))
		return -1;
	for (i = 0; i < ARRAY_SIZE(globals); i++) {
		if (!tb[globals[i].attr])
			continue;
		v = nla_get_u32(tb[globals[i].attr]);
		memcpy((char *)cfg + globals[i].off, &v, sizeof(v));
		cfg->have |= globals[i].bit;
	}
	if (!tb[NFAV_A_PROTOS])
		return 0;
	nla_for_each_nested(a, tb[NFAV_A_PROTOS], rem) {
		proto = nla_type(a);
		if (proto < 1 || proto > NFAV_PROTO_MAX)
			continue;
		if (parse_proto_config(a, &cfg->proto[proto]))
			return -1;
	}
	return 0;
}

static int parse_stat_fallbacks(const struct nlattr *nest,
				struct nfav_proto_stats *ps)
{
	struct nlattr *r, *a;
	int rem, rem2, reason, action;

	nla_for_each_nested(r, nest, rem) {
		reason = nla_type(r);
		if (reason < 1 || reason > NFAV_REASON_MAX)
			continue;
		nla_for_each_nested(a, r, rem2) {
			action = nla_type(a);
			if (action < 1 || action > NFAV_ACTION_MAX)
				continue;
			if (nla_len(a) < 8)
				return -1;
			ps->fallback[reason][action] = nla_get_u64(a);
		}
	}
	return 0;
}

static int parse_proto_stats(const struct nlattr *nest,
			     struct nfav_proto_stats *ps)
{
	struct nlattr *tb[NFAV_P_MAX + 1], *a;
	int rem, type;

	if (nla_parse_nested(tb, NFAV_P_MAX, (struct nlattr *)nest,
			     proto_policy))
		return -1;
	ps->present = true;
	if (!tb[NFAV_P_STATS])
		return 0;
	nla_for_each_nested(a, tb[NFAV_P_STATS], rem) {
		type = nla_type(a);
		if (type == NFAV_S_FALLBACKS) {
			if (parse_stat_fallbacks(a, ps))
				return -1;
			continue;
		}
		if (type < NFAV_S_FLOWS || type > NFAV_S_MAX)
			continue;
		if (nla_len(a) < 8)
			return -1;
		ps->counter[type] = nla_get_u64(a);
	}
	return 0;
}

int parse_stats(struct nl_msg *msg, struct nfav_stats *stats)
{
	struct nlattr *tb[NFAV_A_MAX + 1], *a;
	int rem, proto;

	memset(stats, 0, sizeof(*stats));
	if (parse_top(msg, tb))
		return -1;
	if (!tb[NFAV_A_PROTOS])
		return 0;
	nla_for_each_nested(a, tb[NFAV_A_PROTOS], rem) {
		proto = nla_type(a);
		if (proto < 1 || proto > NFAV_PROTO_MAX)
			continue;
		if (parse_proto_stats(a, &stats->proto[proto]))
			return -1;
	}
	return 0;
}

int parse_flow(struct nl_msg *msg, struct nfav_flow *flow)
{
	struct nlattr *tb[NFAV_A_MAX + 1], *fb[NFAV_F_MAX + 1];
	uint8_t family = 0;

	memset(flow, 0, sizeof(*flow));
	if (parse_top(msg, tb) || !tb[NFAV_A_FLOW])
		return -1;
	if (nla_parse_nested(fb, NFAV_F_MAX, tb[NFAV_A_FLOW], flow_policy))
		return -1;
	if (fb[NFAV_F_PROTO])
		flow->proto = nla_get_u8(fb[NFAV_F_PROTO]);
	if (fb[NFAV_F_FAMILY])
		family = nla_get_u8(fb[NFAV_F_FAMILY]);
	if (get_addr(&flow->client, family, fb[NFAV_F_CLIENT_ADDR]) ||
	    get_addr(&flow->server, family, fb[NFAV_F_SERVER_ADDR]))
		return -1;
	if (fb[NFAV_F_CLIENT_PORT])
		flow->client_port = nla_get_u16(fb[NFAV_F_CLIENT_PORT]);
	if (fb[NFAV_F_SERVER_PORT])
		flow->server_port = nla_get_u16(fb[NFAV_F_SERVER_PORT]);
	if (fb[NFAV_F_STATE]) {
		flow->has_state = true;
		flow->state = nla_get_u8(fb[NFAV_F_STATE]);
	}
	if (fb[NFAV_F_HELD_BYTES])
		flow->held_bytes = nla_get_u32(fb[NFAV_F_HELD_BYTES]);
	if (fb[NFAV_F_PENDING])
		flow->pending = nla_get_u32(fb[NFAV_F_PENDING]);
	if (fb[NFAV_F_AGE])
		flow->age_ms = nla_get_u32(fb[NFAV_F_AGE]);
	if (fb[NFAV_F_OBJECTS])
		flow->objects = nla_get_u64(fb[NFAV_F_OBJECTS]);
	return 0;
}

int flows_append(struct nfav_flows *flows, const struct nfav_flow *flow)
{
	struct nfav_flow *n;
	size_t cap;

	if (flows->n == flows->cap) {
		cap = flows->cap ? flows->cap * 2 : 64;
		n = realloc(flows->flow, cap * sizeof(*n));
		if (!n)
			return -1;
		flows->flow = n;
		flows->cap = cap;
	}
	flows->flow[flows->n++] = *flow;
	return 0;
}

void flows_free(struct nfav_flows *flows)
{
	free(flows->flow);
	memset(flows, 0, sizeof(*flows));
}

static int parse_object(const struct nlattr *nest, struct nfav_object *o)
{
	struct nlattr *tb[NFAV_O_MAX + 1];
	uint8_t family = 0;

	if (nla_parse_nested(tb, NFAV_O_MAX, (struct nlattr *)nest,
			     object_policy))
		return -1;
	if (tb[NFAV_O_PROTO]) {
		o->has_proto = true;
		o->proto = nla_get_u8(tb[NFAV_O_PROTO]);
	}
	if (tb[NFAV_O_DIRECTION]) {
		o->has_direction = true;
		o->direction = nla_get_u8(tb[NFAV_O_DIRECTION]);
	}
	if (tb[NFAV_O_FAMILY])
		family = nla_get_u8(tb[NFAV_O_FAMILY]);
	if (get_addr(&o->client, family, tb[NFAV_O_CLIENT_ADDR]) ||
	    get_addr(&o->server, family, tb[NFAV_O_SERVER_ADDR]))
		return -1;
	if (tb[NFAV_O_CLIENT_PORT] || tb[NFAV_O_SERVER_PORT])
		o->has_ports = true;
	if (tb[NFAV_O_CLIENT_PORT])
		o->client_port = nla_get_u16(tb[NFAV_O_CLIENT_PORT]);
	if (tb[NFAV_O_SERVER_PORT])
		o->server_port = nla_get_u16(tb[NFAV_O_SERVER_PORT]);
	if (tb[NFAV_O_NAME]) {
		o->has_name = true;
		get_str(o->name, sizeof(o->name), tb[NFAV_O_NAME]);
	}
	if (tb[NFAV_O_URL]) {
		o->has_url = true;
		get_str(o->url, sizeof(o->url), tb[NFAV_O_URL]);
	}
	if (tb[NFAV_O_CONTENT_TYPE]) {
		o->has_content_type = true;
		get_str(o->content_type, sizeof(o->content_type),
			tb[NFAV_O_CONTENT_TYPE]);
	}
	if (tb[NFAV_O_HOST]) {
		o->has_host = true;
		get_str(o->host, sizeof(o->host), tb[NFAV_O_HOST]);
	}
	if (tb[NFAV_O_ENCODING]) {
		o->has_encoding = true;
		get_str(o->encoding, sizeof(o->encoding), tb[NFAV_O_ENCODING]);
	}
	return 0;
}

int parse_event(struct nl_msg *msg, struct nfav_event_msg *ev)
{
	struct nlattr *tb[NFAV_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (parse_top(msg, tb))
		return -1;
	if (tb[NFAV_A_EVENT])
		ev->event = nla_get_u8(tb[NFAV_A_EVENT]);
	if (tb[NFAV_A_REASON]) {
		ev->has_reason = true;
		ev->reason = nla_get_u8(tb[NFAV_A_REASON]);
	}
	if (tb[NFAV_A_ACTION]) {
		ev->has_action = true;
		ev->action = nla_get_u8(tb[NFAV_A_ACTION]);
	}
	if (tb[NFAV_A_VIRUS]) {
		ev->has_virus = true;
		get_str(ev->virus, sizeof(ev->virus), tb[NFAV_A_VIRUS]);
	}
	if (tb[NFAV_A_OBJECT] && parse_object(tb[NFAV_A_OBJECT], &ev->obj))
		return -1;
	return 0;
}

static bool proto_config_empty(const struct nfav_proto_config *pc)
{
	int r;

	if (pc->have)
		return false;
	for (r = 1; r <= NFAV_REASON_MAX; r++)
		if (pc->fallback[r])
			return false;
	return true;
}

/* An empty nest is sent too: it clears the list. */
static int put_list(struct nl_msg *msg, int attr, const struct nfav_list *l)
{
	struct nlattr *nest;
	unsigned int i;

	if (!l->n)
		return nla_put(msg, NLA_F_NESTED | attr, 0, NULL);
	nest = nla_nest_start(msg, NLA_F_NESTED | attr);
	if (!nest)
		return -1;
	for (i = 0; i < l->n; i++)
		if (nla_put_string(msg, NFAV_L_ENTRY, l->entry[i]))
			return -1;
	return nla_nest_end(msg, nest);
}

static int put_proto_config(struct nl_msg *msg, int proto,
			    const struct nfav_proto_config *pc)
{
	struct nlattr *nest, *fb;
	int r, id;

	nest = nla_nest_start(msg, NLA_F_NESTED | proto);
	if (!nest)
		return -1;
	if ((pc->have & PCFG_ENABLED) &&
	    nla_put_u8(msg, NFAV_P_ENABLED, pc->enabled))
		return -1;
	if ((pc->have & PCFG_PORTS) &&
	    nla_put(msg, NFAV_P_PORTS, pc->nports * sizeof(uint16_t),
		    pc->ports))
		return -1;
	if ((pc->have & PCFG_TRICKLE_TIMEOUT) &&
	    nla_put_u32(msg, NFAV_P_TRICKLE_TIMEOUT, pc->trickle_timeout))
		return -1;
	if ((pc->have & PCFG_SCAN_TIMEOUT) &&
	    nla_put_u32(msg, NFAV_P_SCAN_TIMEOUT, pc->scan_timeout))
		return -1;
	if ((pc->have & PCFG_MAX_SIZE) &&
	    nla_put_u32(msg, NFAV_P_MAX_SIZE, pc->max_size))
		return -1;
	if ((pc->have & PCFG_NOTIFY_TYPE) &&
	    nla_put_u8(msg, NFAV_P_NOTIFY_TYPE, pc->notify_type))
		return -1;
	if ((pc->have & PCFG_MESSAGE) &&
	    nla_put_string(msg, NFAV_P_MESSAGE, pc->message))
		return -1;
	if ((pc->have & PCFG_MAX_LAYERS) &&
	    nla_put_u32(msg, NFAV_P_MAX_LAYERS, pc->max_layers))
		return -1;
	if ((pc->have & PCFG_HEADER_LIMIT) &&
	    nla_put_u32(msg, NFAV_P_HEADER_LIMIT, pc->header_limit))
		return -1;
	if ((pc->have & PCFG_SCAN_MODE) &&
	    nla_put_u8(msg, NFAV_P_SCAN_MODE, pc->scan_mode))
		return -1;
	for (id = 0; id < NR_LISTS; id++)
		if ((pc->have & PCFG_LIST(id)) &&
		    put_list(msg, list_info[id].attr, &pc->list[id]))
			return -1;
	for (r = 1; r <= NFAV_REASON_MAX; r++)
		if (pc->fallback[r])
			break;
	if (r <= NFAV_REASON_MAX) {
		fb = nla_nest_start(msg, NLA_F_NESTED | NFAV_P_FALLBACKS);
		if (!fb)
			return -1;
		for (r = 1; r <= NFAV_REASON_MAX; r++)
			if (pc->fallback[r] &&
			    nla_put_u8(msg, r, pc->fallback[r]))
				return -1;
		nla_nest_end(msg, fb);
	}
	return nla_nest_end(msg, nest);
}

int config_put(struct nl_msg *msg, const struct nfav_config *cfg)
{
	struct nlattr *protos = NULL;
	int p;

	if ((cfg->have & CFG_MAX_FLOWS) &&
	    nla_put_u32(msg, NFAV_A_MAX_FLOWS, cfg->max_flows))
		return -1;
	if ((cfg->have & CFG_FLOW_TIMEOUT) &&
	    nla_put_u32(msg, NFAV_A_FLOW_TIMEOUT, cfg->flow_timeout))
		return -1;
	if ((cfg->have & CFG_HOLD_LIMIT) &&
	    nla_put_u32(msg, NFAV_A_HOLD_LIMIT, cfg->hold_limit))
		return -1;
	if ((cfg->have & CFG_MEM_LIMIT) &&
	    nla_put_u32(msg, NFAV_A_MEM_LIMIT, cfg->mem_limit))
		return -1;
	if ((cfg->have & CFG_MAX_REQUESTS) &&
	    nla_put_u32(msg, NFAV_A_MAX_REQUESTS, cfg->max_requests))
		return -1;
	for (p = 1; p <= NFAV_PROTO_MAX; p++) {
		if (proto_config_empty(&cfg->proto[p]))
			continue;
		if (!protos) {
			protos = nla_nest_start(msg, NLA_F_NESTED | NFAV_A_PROTOS);
			if (!protos)
				return -1;
		}
		if (put_proto_config(msg, p, &cfg->proto[p]))
			return -1;
	}
	/* Fails when the nest outgrows its 16-bit length. */
	if (protos && nla_nest_end(msg, protos))
		return -1;
	return 0;
}
