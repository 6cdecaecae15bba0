/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfav internal interfaces.  One header for the module: every file includes
 * it; what a file exports to the others is declared here, grouped by file.
 */
#ifndef _NFAV_H
#define _NFAV_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/xarray.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/netfilter.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include <net/genetlink.h>

/*
 * Allocations of the packet path that a namespace's traffic causes (flows,
 * parser state, held-packet wrappers, objects, messages to the daemon) are
 * __GFP_ACCOUNT and made under set_active_memcg(nn->memcg): charged to the
 * namespace's memory cgroup.  Like socket memory charged in softirq, a
 * charge past the cgroup's limit is forced (GFP_ATOMIC cannot reclaim, and
 * failing would make a full cgroup drop or reset connections until some
 * task of it reclaims): the cgroup's own tasks then reclaim.  nfav's own
 * per-namespace and global limits are the hard bounds.
 */
#define NFAV_GFP_ACCOUNT	(GFP_ATOMIC | __GFP_ACCOUNT)

/* Kernels before 6.16 have only the old name. */
#ifndef timer_container_of
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

#include "../uapi/linux/nfav.h"
#include "proto/proto.h"
#include "proto/reasm.h"
#include "proto/http.h"
#include "proto/match.h"

#define NFAV_VERSION		"0.1"

/* Defaults (config.c). */
#define NFAV_DEF_MAX_FLOWS	8192
#define NFAV_DEF_FLOW_TIMEOUT	300		/* s, idle */
#define NFAV_DEF_HOLD_LIMIT	(256 * 1024)	/* bytes per direction */
#define NFAV_DEF_MEM_LIMIT	(64 * 1024)	/* KiB queued to the daemon */
#define NFAV_DEF_MAX_REQUESTS	4000
#define NFAV_DEF_SCAN_TIMEOUT	180		/* s */
#define NFAV_DEF_MAX_SIZE	10000		/* KiB */
#define NFAV_DEF_MAX_LAYERS	2
#define NFAV_DEF_HEADER_LIMIT	(64 * 1024)	/* bytes */
#define NFAV_OOO_MAX_BYTES	(256 * 1024)
#define NFAV_OOO_MAX_SEGS	64
/*
 * Held segments per direction: past either bound the oldest go (trickling),
 * as past the byte budget.  1-byte segments cannot pin thousands of skbs.
 */
#define NFAV_HOLD_MAX_SEGS	512
#define NFAV_HOLD_TRUESIZE_MULT	4	/* x hold-limit, in skb truesize */

/* Counters, per protocol.  Same order as NFAV_S_FLOWS.. in the uapi. */
enum nfav_counter {
	NFAV_C_FLOWS,
	NFAV_C_SCANNED,
	NFAV_C_CLEAN,
	NFAV_C_INFECTED,
	NFAV_C_BLOCKED,
	NFAV_C_BYPASSED,
	NFAV_C_MALFORMED,
	NFAV_C_EVASIONS,
	NFAV_C_OOO_DROPS,
	NFAV_C_FLOW_LIMIT,
	NFAV_C_SKIPPED,		/* NFAV_S_SKIPPED, after NFAV_S_FALLBACKS */
	NFAV_C_UNTRACKED,	/* NFAV_S_UNTRACKED */
	NFAV_C_CHECKS,		/* NFAV_S_CHECKS */
	NFAV_C_UNACKED,		/* NFAV_S_UNACKED */
	__NFAV_C_MAX
};

struct nfav_stats {
	atomic64_t c[__NFAV_C_MAX];
	atomic64_t fallback[__NFAV_REASON_MAX][__NFAV_ACTION_MAX];
};

/* The lists of a protocol's configuration. */
enum nfav_list_id {
	NFAV_LIST_EXTENSIONS,
	NFAV_LIST_MIME_BYPASS,
	NFAV_LIST_MIME_SCAN,
	NFAV_LIST_URL_BYPASS,
	NFAV_NLISTS
};

struct nfav_proto_config {
	bool enabled;
	u8 nports;
	u16 ports[NFAV_MAX_PORTS];
	u32 scan_timeout;			/* seconds */
	u32 max_size;				/* KiB */
	u8 fallback[__NFAV_REASON_MAX];		/* enum nfav_action */
	u8 notify;				/* enum nfav_notify */
	u32 trickle_timeout;			/* seconds, 0 = off */
	char message[NFAV_MESSAGE_MAX + 1];	/* custom notice text */
	u32 max_layers;				/* decompression layers */
	u32 header_limit;			/* bytes */
	u8 scan_mode;				/* enum nfav_scan_mode */
	struct nfav_strlist lists[NFAV_NLISTS];	/* enum nfav_list_id */
};

/* Immutable once published; replaced whole under nfav_net.config_lock. */
struct nfav_config {
	struct rcu_head rcu;
	u32 max_flows;
	u32 flow_timeout;			/* seconds */
	u32 hold_limit;				/* bytes */
	u32 mem_limit;				/* KiB */
	u32 max_requests;
	struct nfav_proto_config proto[__NFAV_PROTO_MAX];
	/* Server ports of the enabled protocols: the per-packet check. */
	DECLARE_BITMAP(ports, 65536);
};

struct nfav_daemon {
	u32 portid;				/* 0: no daemon */
	u32 pid;
	u32 signatures;
	u32 db_version;
	u64 loaded;
	char libversion[64];
};

/* Per network namespace state. */
struct nfav_net {
	struct net *net;
	/*
	 * What this namespace's traffic makes nfav allocate is charged here:
	 * the memory cgroup of the task that created the namespace.
	 */
	struct mem_cgroup *memcg;
	bool hooks_registered;
	bool dying;

	struct nfav_config __rcu *config;
	struct mutex config_lock;

	struct rhashtable flows;
	atomic_t nflows;
	spinlock_t lru_lock;			/* nests the flow locks */
	struct list_head lru;			/* established flows, oldest first */
	struct list_head embryonic;		/* half-open flows, oldest first */
	struct delayed_work gc_work;

	struct xarray objects;			/* id -> struct nfav_object */
	u32 next_object_id;
	atomic_t pending;			/* objects awaiting a verdict */
	atomic_t checks;			/* OBJECT_CHECKs awaiting theirs */
	atomic_t live_objects;			/* allocated, not yet freed */
	atomic_t live_flows;			/* allocated, not yet freed */
	atomic64_t held_bytes;
	atomic64_t held_truesize;		/* of every stolen skb */
	atomic_long_t sent_mem;			/* blocks of copies: nfav_sent_blk */

	spinlock_t daemon_lock;
	struct nfav_daemon daemon;		/* under daemon_lock */

	struct sk_buff_head txq;		/* messages for the daemon */
	atomic64_t txq_bytes;			/* truesize queued */
	struct delayed_work tx_work;

	struct nfav_stats stats[__NFAV_PROTO_MAX];
};

/* Key of the flow table: conntrack original tuple and zone. */
struct nfav_flow_key {
	struct nf_conntrack_tuple tuple;
	u16 zone;
	u16 pad;
};

/* A stolen packet and what is needed to reinject it (like nf_queue_entry). */
struct nfav_held {
	struct nfav_seg seg;
	struct list_head node;		/* on a struct nfav_pkts list */
	struct sk_buff *skb;
	struct nf_hook_state state;	/* device references held */
	struct net_device *physin;	/* bridge ports, references held */
	struct net_device *physout;
	u32 data_off;			/* TCP payload offset in skb */
	u32 truesize;			/* charged to the global budget */
	u8 where;			/* enum nfav_held_where */
	u16 thoff;			/* TCP header offset in skb */
};

/*
 * Copies of released, unacknowledged payload (stream.c): a page of records,
 * each a header and the bytes.
 */
struct nfav_sent_blk {
	struct nfav_sent_blk *next;
	u32 lo, hi;			/* sequence range of its records */
	u32 used;			/* bytes of data[] in use */
	u32 last;			/* offset of the last record */
	u8 data[];
};

enum nfav_held_where {
	NFAV_H_NONE,
	NFAV_H_REASM,			/* in a reassembly list */
	NFAV_H_PASS,			/* on nfav_pkts.pass */
	NFAV_H_DROP,			/* on nfav_pkts.drop */
};

/*
 * What to do with packets once the flow lock is dropped: reinject @pass in
 * order, then transmit @xmit (built replies and resets), then free @drop.
 */
struct nfav_pkts {
	struct list_head pass;
	struct list_head drop;
	struct sk_buff_head xmit;
};

struct nfav_flow_dir {
	struct nfav_reasm ra;
	u32 isn;			/* initial sequence number */
	u32 held_truesize;		/* skb truesize on ra.held */
	bool isn_known;
	bool in_msg;			/* a message is being parsed... */
	bool msg_has_object;
	u32 msg_start;			/* ...starting at this sequence */
	u32 base_seq;			/* sequence of the run being parsed */
	u32 released;			/* everything before was released */
	u32 mss;
	u32 peer_window;		/* receive window of the other end */
	bool trickle;			/* hold only the tail (sender stalled) */
	u32 trickle_upto;		/* ...for objects begun before this */
	struct list_head objects;	/* struct nfav_object, stream order */
	struct nfav_object *cur;	/* object receiving data, if any */
	/* One past the newest content byte of cur: the tail never released. */
	u32 content_end;
	bool content_seen;
	/*
	 * Copies of released bytes the receiver has not acknowledged, in
	 * release order: a retransmission of them is compared with them.
	 * Every released byte of an active flow has one.  sent_bytes: of
	 * records, headers included; sent_spare: blocks kept for reuse.
	 */
	struct nfav_sent_blk *sent, *sent_last, *sent_spare;
	u32 sent_bytes;
	u32 sent_acked;			/* the receiver's highest ACK */
	bool sent_blocked;		/* a release stopped: no room for a copy */
	/* Timestamps (RFC 7323): this side's SYN carried one; its newest. */
	bool ts_ok;
	bool ts_recent_valid;
	u32 ts_recent;
};

struct nfav_flow {
	struct rhash_head node;
	struct nfav_flow_key key;
	refcount_t refcnt;
	struct rcu_head rcu;
	struct nfav_net *nn;
	struct nf_conn *ct;		/* reference held */

	spinlock_t lock;		/* protects everything below */
	u8 proto;			/* enum nfav_proto */
	u8 family;			/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	u8 state;			/* enum nfav_flow_state */
	bool bypass_after;		/* bypass once objects are settled */
	u8 rst_pending;			/* BIT(side): reset from that side due */
	u32 rst_seq[2];			/* sequence of those resets */
	bool blocked_counted;
	union nf_inet_addr caddr, saddr;	/* as seen at FORWARD */
	__be16 cport, sport;
	unsigned long created;		/* jiffies */
	unsigned long last_seen;	/* jiffies */
	u64 objects_seen;
	struct nfav_flow_dir dir[2];	/* enum nfav_side */
	struct timer_list stall_timer;	/* holds a reference when armed */
	struct list_head lru;		/* on nfav_net.lru or .embryonic, under lru_lock */
	bool embryonic;			/* the client has not acked the SYN-ACK */
	bool on_embryonic;		/* on nfav_net.embryonic, under lru_lock */
	bool unlinked;			/* out of the table, under nfav_net.lru_lock */
	void *pstate;			/* parser state, allocated on first data */
	struct nfav_held *spare_held;	/* a wrapper kept for reuse */
};

enum nfav_object_state {
	NFAV_OBJ_RECEIVING,		/* bytes still arriving */
	NFAV_OBJ_COMPLETE,		/* ended, verdict outstanding */
};

enum nfav_decision {
	NFAV_DECIDE_NONE,
	NFAV_DECIDE_PASS,
	NFAV_DECIDE_BLOCK,
};

struct nfav_object {
	struct list_head list;		/* in flow->dir[side].objects */
	struct nfav_flow *flow;		/* reference held */
	refcount_t refcnt;
	struct rcu_head rcu;
	struct timer_list timer;	/* scan timeout; holds a reference */
	u32 id;				/* 0: never sent to the daemon */
	u8 side;			/* enum nfav_side that sends it */
	u8 state;			/* enum nfav_object_state */
	u8 decision;			/* enum nfav_decision */
	u8 reason;			/* enum nfav_reason of a fallback */
	u8 max_layers;			/* decompression layers allowed */
	bool fully_held;		/* message start still held */
	bool counted_pending;		/* counted in nfav_net.pending */
	bool ended_sent;
	bool check_pending;		/* an OBJECT_CHECK awaits its answer */
	bool checked_valid;		/* checked_seq is valid */
	u32 check_seq;			/* content end when the check was sent */
	u64 check_size;			/* content bytes the last check covers */
	u64 checked_size;		/* content bytes checked clean */
	u32 checked_seq;		/* ... up to this sequence number */
	unsigned long check_time;	/* jiffies: last check sent/answered */
	u32 msg_start;			/* sequence of the message's first byte */
	u32 end_seq;			/* past its last content byte, once ended */
	unsigned long begun;		/* jiffies */
	u64 size;			/* content bytes seen */
	/* Data message being filled (under the flow lock). */
	struct sk_buff *tx;
	struct nlattr *tx_attr;
	u32 tx_chunk;			/* data bytes tx has room for */
	u64 tx_offset;
	char virus[NFAV_VIRUS_MAX];
	char name[NFAV_META_NAME_MAX];
	char url[NFAV_META_URL_MAX];
	char content_type[NFAV_META_TYPE_MAX];
	char host[NFAV_META_HOST_MAX];
	char encoding[NFAV_META_ENC_MAX];
};

/* The sequence number the receiver of direction @d expects next. */
static inline u32 nfav_rcv_nxt(const struct nfav_flow_dir *d)
{
	return d->ra.held ? d->ra.held->seq : d->ra.next_seq;
}

/* protos.c: one entry per application protocol. */
#define NFAV_DEF_PORTS_MAX	2

struct nfav_proto_desc {
	const char *name;
	bool default_on;		/* scanned in a fresh namespace */
	u16 default_ports[NFAV_DEF_PORTS_MAX];	/* 0-terminated if fewer */
	size_t state_size;		/* parser state, per flow */
	void (*init)(void *st, const struct nfav_proto_config *pc);
	enum nfav_parse_status (*parse)(void *st, enum nfav_side side,
					const u8 *data, u32 len,
					const struct nfav_proto_ops *ops,
					void *ctx);
	enum nfav_parse_status (*eof)(void *st, enum nfav_side side,
				      const struct nfav_proto_ops *ops,
				      void *ctx);
	/*
	 * Enforcement: write into @buf (@size >= 2048 bytes) what takes the
	 * place of blocked @obj: for a fully held object from the server,
	 * what the client receives instead of its message; for a blocked
	 * upload, the answer the client receives.  Return the length, or a
	 * negative error.  NULL or an error: both ends are reset.
	 */
	int (*notice)(const struct nfav_flow *flow,
		      const struct nfav_object *obj, char *buf, size_t size);
};

const struct nfav_proto_desc *nfav_proto_get(u8 proto);
const struct nfav_proto_desc *nfav_proto_entry(u8 proto);

/* main.c */
struct nfav_net *nfav_pernet(const struct net *net);
extern bool nfav_unloading;	/* no more messages to userspace */
extern unsigned int nfav_max_flows_total;
bool nfav_mem_charge(u32 truesize);
void nfav_mem_uncharge(u32 truesize);
bool nfav_sent_room(struct nfav_net *nn, u32 size);
bool nfav_sent_pressure(struct nfav_net *nn);
bool nfav_sent_charge(struct nfav_net *nn, u32 size);
void nfav_sent_uncharge(struct nfav_net *nn, u32 size);
bool nfav_net_admin(const struct net *net, struct sk_buff *skb);

/* config.c */
struct nfav_config *nfav_config_default(void);
int nfav_config_replace(struct nfav_net *nn, struct nfav_config *cfg);
void nfav_config_index(struct nfav_config *cfg);
bool nfav_port_match(const struct nfav_proto_config *pc, u16 port);
u8 nfav_proto_for_port(const struct nfav_config *cfg, u16 port);
bool nfav_object_skipped(const struct nfav_proto_config *pc,
			 const struct nfav_obj_meta *meta);
void nfav_config_free(struct nfav_config *cfg);
static inline struct nfav_config *nfav_config_rcu(struct nfav_net *nn)
{
	return rcu_dereference(nn->config);
}

/* flow.c */
int nfav_flows_init(struct nfav_net *nn);
void nfav_flows_exit(struct nfav_net *nn);
struct nfav_flow *nfav_flow_lookup(struct nfav_net *nn,
				   const struct nfav_flow_key *key);
struct nfav_flow *nfav_flow_create(struct nfav_net *nn, struct nf_conn *ct,
				   const struct nfav_flow_key *key, u8 proto,
				   bool bypass);
void nfav_flow_established(struct nfav_flow *flow);
bool nfav_flow_restartable(struct nfav_flow *flow, u32 seq);
int nfav_flow_cache_init(void);
void nfav_flow_cache_exit(void);
void nfav_flow_put(struct nfav_flow *flow);
void nfav_flow_unlink(struct nfav_flow *flow);
void nfav_flow_key_init(struct nfav_flow_key *key, const struct nf_conn *ct);
void nfav_flow_teardown(struct nfav_flow *flow, bool reinject);
void nfav_flows_flush_dev(struct nfav_net *nn, struct net_device *dev);
int nfav_flow_foreach(struct nfav_net *nn,
		      int (*fn)(struct nfav_flow *flow, void *arg), void *arg,
		      unsigned long *pos);

/* hook.c */
int nfav_hooks_register(struct net *net);
void nfav_hooks_unregister(struct net *net);
void nfav_pkts_init(struct nfav_pkts *p);
void nfav_pkts_flush(struct nfav_pkts *p, bool reinject);
void nfav_held_free(struct nfav_held *h);
struct nfav_held *nfav_held_split(struct nfav_held *h, u32 n);
void nfav_held_spare_free(struct nfav_flow *flow);
void nfav_evasion(struct nfav_flow *flow, const char *what, const char *done);
void nfav_pkts_pass(struct nfav_pkts *p, struct nfav_held *h);
void nfav_pkts_drop(struct nfav_pkts *p, struct nfav_held *h);
int nfav_hook_init(void);
void nfav_hook_exit(void);

/* stream.c: the parser glue and the hold policy, under flow->lock. */
void nfav_stream_init(struct nfav_flow *flow);
int nfav_stream_prepare(struct nfav_flow *flow);
void nfav_stream_free(struct nfav_flow *flow);
void nfav_stream_stop(struct nfav_flow *flow);
bool nfav_sent_admit(const struct nfav_flow *flow,
		     const struct nfav_flow_dir *d, u32 seq, u32 len);
bool nfav_sent_record(struct nfav_flow *flow, struct nfav_flow_dir *d,
		      const struct nfav_held *h);
bool nfav_sent_acked(struct nfav_flow *flow, struct nfav_flow_dir *d, u32 ack);
bool nfav_sent_stale(const struct nfav_flow_dir *d, unsigned long age);
void nfav_sent_idle(struct nfav_flow *flow);
void nfav_sent_free(struct nfav_flow *flow);
bool nfav_sent_matches(const struct nfav_flow_dir *d, struct sk_buff *skb,
		       u32 data_off, u32 seq, u32 len);
void nfav_stream_checked(struct nfav_flow *flow, enum nfav_side side,
			 struct nfav_pkts *p);
void nfav_stream_stalled(struct nfav_flow *flow, enum nfav_side side,
			 bool retrans, struct nfav_pkts *p);
void nfav_stream_parse(struct nfav_flow *flow, enum nfav_side side,
		       struct nfav_held *h, u32 skip, struct nfav_pkts *p);
void nfav_stream_release(struct nfav_flow *flow, enum nfav_side side,
			 struct nfav_pkts *p);
void nfav_stream_collect(struct nfav_flow *flow, struct list_head *list,
			 u8 where);

/* scan.c: objects, the daemon channel, verdicts and enforcement. */
int nfav_scan_init(struct nfav_net *nn);
void nfav_scan_exit(struct nfav_net *nn);
struct nfav_object *nfav_object_begin(struct nfav_flow *flow,
				      enum nfav_side side,
				      const struct nfav_obj_meta *meta,
				      struct nfav_pkts *p);
void nfav_object_data(struct nfav_object *obj, const u8 *data, u32 len,
		      struct nfav_pkts *p);
void nfav_object_end(struct nfav_object *obj);
void nfav_object_put(struct nfav_object *obj);
void nfav_objects_settle(struct nfav_flow *flow, struct nfav_pkts *p);
void nfav_object_out_of_resources(struct nfav_object *obj);
void nfav_flow_abort_objects(struct nfav_flow *flow);
void nfav_flow_kill(struct nfav_flow *flow, enum nfav_side side,
		   struct nfav_object *obj, struct nfav_pkts *p);
void nfav_flow_send_resets(struct nfav_flow *flow, struct nfav_pkts *p);
void nfav_object_check(struct nfav_object *obj, u32 content_end);
int nfav_verdict(struct nfav_net *nn, u64 id, u64 checked, u8 verdict,
		 u8 reason, const char *virus);
int nfav_daemon_register(struct nfav_net *nn, u32 portid,
			 const struct nfav_daemon *d);
int nfav_daemon_unregister(struct nfav_net *nn, u32 portid);
void nfav_count(struct nfav_net *nn, u8 proto, enum nfav_counter c);

const char *nfav_reason_str(u8 reason);

/* inject.c */
int nfav_xmit(struct nfav_flow *flow, enum nfav_side from, u32 seq, u32 ack,
	      u8 tcp_flags, const u8 *data, u32 len, struct nfav_pkts *p);
void nfav_xmit_send(struct net *net, struct sk_buff *skb);
int nfav_flow_str(const struct nfav_flow *flow, char *buf, size_t size);

/* netlink.c */
extern struct genl_family nfav_genl_family;
int nfav_netlink_init(void);
void nfav_netlink_exit(void);
struct sk_buff *nfav_nl_msg_new(u8 cmd, size_t payload, gfp_t gfp,
				void **hdr);
int nfav_nl_put_meta(struct sk_buff *skb, const struct nfav_flow *flow,
		     const struct nfav_object *obj);
void nfav_nl_event(struct nfav_net *nn, const struct nfav_flow *flow,
		   const struct nfav_object *obj, u8 event, u8 reason,
		   u8 action);

#endif /* _NFAV_H */
