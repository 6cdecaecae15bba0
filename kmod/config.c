// SPDX-License-Identifier: GPL-2.0
/*
 * nfav configuration: defaults, RCU replacement and the per-packet port
 * lookup.  A configuration is immutable once published; changes build a new
 * copy (netlink.c) and swap it in with nfav_config_replace().
 */

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/lockdep.h>

#include "nfav.h"

/**
 * nfav_config_default() - allocate a configuration holding the defaults
 *
 * Context: process context, may sleep.
 * Return: a new configuration (free with kfree() or publish it with
 * nfav_config_replace()), or NULL when out of memory.
 */
struct nfav_config *nfav_config_default(void)
{
	struct nfav_config *cfg;
	unsigned int p, r;

	BUILD_BUG_ON(NFAV_DEF_PORTS_MAX > NFAV_MAX_PORTS);

	cfg = kvzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return NULL;

	cfg->max_flows = NFAV_DEF_MAX_FLOWS;
	cfg->flow_timeout = NFAV_DEF_FLOW_TIMEOUT;
	cfg->hold_limit = NFAV_DEF_HOLD_LIMIT;
	cfg->mem_limit = NFAV_DEF_MEM_LIMIT;
	cfg->max_requests = NFAV_DEF_MAX_REQUESTS;

	for (p = NFAV_PROTO_HTTP; p <= NFAV_PROTO_MAX; p++) {
		const struct nfav_proto_desc *def = nfav_proto_entry(p);
		struct nfav_proto_config *pc = &cfg->proto[p];

		/* Only what has a parser can be on. */
		pc->enabled = def->default_on && def->parse;
		while (pc->nports < NFAV_DEF_PORTS_MAX &&
		       def->default_ports[pc->nports]) {
			pc->ports[pc->nports] = def->default_ports[pc->nports];
			pc->nports++;
		}
		pc->scan_timeout = NFAV_DEF_SCAN_TIMEOUT;
		pc->max_size = NFAV_DEF_MAX_SIZE;
		for (r = NFAV_REASON_DEFAULT; r <= NFAV_REASON_MAX; r++)
			pc->fallback[r] = NFAV_ACTION_LOG_PERMIT;
		/* what cannot be framed cannot be scanned */
		pc->fallback[NFAV_REASON_MALFORMED] = NFAV_ACTION_BLOCK;
		pc->notify = NFAV_NOTIFY_MESSAGE;
		pc->max_layers = NFAV_DEF_MAX_LAYERS;
		pc->header_limit = NFAV_DEF_HEADER_LIMIT;
		pc->scan_mode = NFAV_SCAN_ALL;
		if (nfav_list_parse(&pc->lists[NFAV_LIST_EXTENSIONS],
				    NFAV_LIST_EXT, NFAV_DEFAULT_EXTENSIONS,
				    NFAV_LIST_MAX)) {
			WARN_ON_ONCE(1);	/* the shipped list is bad */
			kvfree(cfg);
			return NULL;
		}
	}
	nfav_config_index(cfg);
	return cfg;
}

/**
 * nfav_config_index() - fill the per-packet port bitmap of @cfg
 * @cfg: a configuration about to be published
 */
void nfav_config_index(struct nfav_config *cfg)
{
	unsigned int p, i;

	bitmap_zero(cfg->ports, 65536);
	for (p = NFAV_PROTO_HTTP; p <= NFAV_PROTO_MAX; p++) {
		const struct nfav_proto_config *pc = &cfg->proto[p];

		if (!pc->enabled)
			continue;
		for (i = 0; i < pc->nports; i++)
			__set_bit(pc->ports[i], cfg->ports);
	}
}

/**
 * nfav_config_free() - free a configuration that was never published
 * @cfg: the configuration, or NULL
 */
void nfav_config_free(struct nfav_config *cfg)
{
	kvfree(cfg);
}

/**
 * nfav_config_replace() - publish a new configuration
 * @nn: the network namespace's state
 * @cfg: the new configuration; ownership passes to @nn
 *
 * Readers under rcu_read_lock() see either the old or the new configuration;
 * the old one is freed after a grace period.
 *
 * Context: process context, with @nn->config_lock held.
 * Return: 0.
 */
int nfav_config_replace(struct nfav_net *nn, struct nfav_config *cfg)
{
	struct nfav_config *old;

	lockdep_assert_held(&nn->config_lock);

	nfav_config_index(cfg);
	old = rcu_dereference_protected(nn->config,
					lockdep_is_held(&nn->config_lock));
	rcu_assign_pointer(nn->config, cfg);
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

/**
 * nfav_port_match() - is @port one of a protocol's server ports?
 * @pc: the protocol's configuration
 * @port: TCP port, host byte order
 *
 * Return: true if @port is in @pc's port list (enabled or not).
 */
bool nfav_port_match(const struct nfav_proto_config *pc, u16 port)
{
	unsigned int i;

	for (i = 0; i < pc->nports; i++)
		if (pc->ports[i] == port)
			return true;
	return false;
}

/**
 * nfav_proto_for_port() - which enabled protocol serves @port?
 * @cfg: the configuration, from rcu_dereference()
 * @port: server TCP port, host byte order
 *
 * Called per packet in softirq context under rcu_read_lock(): a bounded
 * linear scan (NFAV_PROTO_MAX protocols of at most NFAV_MAX_PORTS ports, no
 * locks, no writes).  A port belongs to at most one enabled protocol
 * (netlink.c enforces it), so the first match is the only one.
 *
 * Return: the enum nfav_proto, or NFAV_PROTO_UNSPEC if none.
 */
u8 nfav_proto_for_port(const struct nfav_config *cfg, u16 port)
{
	unsigned int p;

	for (p = NFAV_PROTO_HTTP; p <= NFAV_PROTO_MAX; p++) {
		const struct nfav_proto_config *pc = &cfg->proto[p];

		if (pc->enabled && nfav_port_match(pc, port))
			return p;
	}
	return NFAV_PROTO_UNSPEC;
}

/**
 * nfav_object_skipped() - does the configuration exempt an object from
 * scanning?
 * @pc: the protocol's configuration, from rcu_dereference()
 * @meta: what the parser knows about the object
 *
 * In by-extension mode only objects whose file name (Content-Disposition or
 * the URL's last path segment) has a listed extension are scanned.  Objects
 * of a bypassed content type (unless also listed as an exception), or from
 * a bypassed host or URL prefix, are not scanned.
 *
 * Return: true if the object passes unscanned.
 */
bool nfav_object_skipped(const struct nfav_proto_config *pc,
			 const struct nfav_obj_meta *meta)
{
	if (pc->scan_mode == NFAV_SCAN_BY_EXTENSION &&
	    !nfav_ext_match(&pc->lists[NFAV_LIST_EXTENSIONS], meta->name,
			    meta->url))
		return true;
	if (nfav_mime_bypassed(&pc->lists[NFAV_LIST_MIME_BYPASS],
			       &pc->lists[NFAV_LIST_MIME_SCAN],
			       meta->content_type))
		return true;
	return nfav_url_bypassed(&pc->lists[NFAV_LIST_URL_BYPASS], meta->host,
				 meta->url);
}
