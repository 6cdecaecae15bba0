/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfavctl - administration tool for nfav.
 *
 * The tool is split the way wireguard-tools is: main.c holds the subcommand
 * table, each subcommand family has its own file (show.c, set.c, stats.c,
 * monitor.c), netlink.c talks to the kernel, model.c converts between netlink
 * attributes and the small model structs below, and json.c/names.c do the
 * printing chores.
 */
#ifndef NFAVCTL_H
#define NFAVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <time.h>

#include <linux/netlink.h>
#include <linux/nfav.h>

struct nl_msg;
struct nlmsghdr;

#define PROG_NAME "nfavctl"

#ifndef NFAVCTL_VERSION
#define NFAVCTL_VERSION "0.1"
#endif

/* Exit codes: documented in nfavctl.8 and in the usage text. */
enum {
	EXIT_OK		= 0,	/* success */
	EXIT_FAIL	= 1,	/* the operation failed */
	EXIT_USAGE	= 2,	/* bad command line */
	EXIT_NOMODULE	= 3,	/* the nfav module is not loaded */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#else
#define PRINTF_FMT(a, b)
#endif

/* Global options (main.c). */
struct ctl_opts {
	bool json;
	bool pretty;
};
extern struct ctl_opts opts;

/* "nfavctl: " prefixed message on stderr. */
void err_msg(const char *fmt, ...) PRINTF_FMT(1, 2);

/* names.c: enum <-> keyword tables.  Lookups return -1 when unknown. */
const char *proto_name(unsigned int proto);
int proto_lookup(const char *name);
const char *reason_name(unsigned int reason);
int reason_lookup(const char *name);
const char *action_name(unsigned int action);
int action_lookup(const char *name);
const char *notify_name(unsigned int notify);
int notify_lookup(const char *name);
const char *scan_mode_name(unsigned int mode);
int scan_mode_lookup(const char *name);
const char *event_name(unsigned int event);
const char *flow_state_name(unsigned int state);
const char *direction_name(unsigned int dir);
const char *family_name(unsigned int family);

/* json.c: a tiny streaming JSON writer on stdout. */
void json_start(bool pretty);
void json_finish(void);
void json_obj_open(const char *key);
void json_obj_close(void);
void json_arr_open(const char *key);
void json_arr_close(void);
void json_u64(const char *key, uint64_t v);
void json_bool(const char *key, bool v);
void json_str(const char *key, const char *s);
void json_strn(const char *key, const char *s, size_t len);

/* Escaping of untrusted (network derived) strings. */
void fput_json_string(FILE *f, const char *s, size_t len);
void fput_text_string(FILE *f, const char *s, size_t len);

/* Model.  *_have bitmasks record which attributes the kernel sent. */
enum {
	CFG_MAX_FLOWS		= 1 << 0,
	CFG_FLOW_TIMEOUT	= 1 << 1,
	CFG_HOLD_LIMIT		= 1 << 2,
	CFG_MEM_LIMIT		= 1 << 3,
	CFG_MAX_REQUESTS	= 1 << 4,
};

enum {
	PCFG_ENABLED		= 1 << 0,
	PCFG_PORTS		= 1 << 1,
	PCFG_SCAN_TIMEOUT	= 1 << 2,
	PCFG_MAX_SIZE		= 1 << 3,
	PCFG_NOTIFY_TYPE	= 1 << 4,
	PCFG_MESSAGE		= 1 << 5,
	PCFG_TRICKLE_TIMEOUT	= 1 << 6,
	PCFG_MAX_LAYERS		= 1 << 7,
	PCFG_HEADER_LIMIT	= 1 << 8,
	PCFG_SCAN_MODE		= 1 << 9,
};
/* The have bit of list setting id (enum nfav_list_id). */
#define PCFG_LIST(id)	(1u << (10 + (id)))

/*
 * The list settings.  They share one representation and one code path each
 * for parsing, sending, printing and editing; list_info[] (names.c) holds
 * what differs.
 */
enum nfav_list_id {
	LIST_EXTENSIONS,
	LIST_MIME_BYPASS,
	LIST_MIME_SCAN,
	LIST_URL_BYPASS,
	NR_LISTS
};

struct nfav_list_info {
	const char *key;		/* command line and text keyword */
	const char *json;		/* JSON key */
	int attr;			/* NFAV_P_* */
	unsigned int max;		/* characters of an entry */
	const char *defaults;		/* "default": comma separated, or NULL */
};
extern const struct nfav_list_info list_info[NR_LISTS];

/*
 * How "set" changes a list (list_op[]); all but LIST_REPLACE need the
 * current list.
 */
enum {
	LIST_REPLACE,
	LIST_ADD,
	LIST_DEL,
};

/* Entries are allocated (config_free() frees them), in order. */
struct nfav_list {
	unsigned int n;
	char *entry[NFAV_LIST_MAX];
};

struct nfav_proto_config {
	bool present;
	unsigned int have;		/* PCFG_* */
	bool enabled;
	unsigned int nports;
	uint16_t ports[NFAV_MAX_PORTS];
	uint32_t scan_timeout;
	uint32_t max_size;
	uint32_t trickle_timeout;	/* seconds, 0 = off */
	uint32_t max_layers;
	uint32_t header_limit;		/* bytes */
	uint8_t scan_mode;		/* enum nfav_scan_mode */
	uint8_t notify_type;		/* enum nfav_notify */
	char message[NFAV_MESSAGE_MAX + 1];	/* "" for none */
	/* 0 (NFAV_ACTION_UNSPEC) means "not sent" / "not to be changed". */
	uint8_t fallback[NFAV_REASON_MAX + 1];
	struct nfav_list list[NR_LISTS];	/* have: PCFG_LIST(id) */
	uint8_t list_op[NR_LISTS];		/* set only: LIST_* */
};

struct nfav_config {
	unsigned int have;		/* CFG_* */
	uint32_t max_flows;
	uint32_t flow_timeout;
	uint32_t hold_limit;
	uint32_t mem_limit;
	uint32_t max_requests;
	struct nfav_proto_config proto[NFAV_PROTO_MAX + 1];
};

#define NFAV_STR_MAX	NFAV_NAME_MAX

struct nfav_status {
	bool has_version;
	char version[64];
	bool daemon_registered;
	uint32_t daemon_pid;
	uint32_t daemon_portid;
	bool has_signatures, has_db_version, has_loaded, has_engine;
	uint32_t signatures;
	uint32_t db_version;
	uint64_t loaded;
	char engine[128];
	uint32_t flows;
	uint32_t pending;
	uint64_t held_bytes;
	uint64_t queued_bytes;
};

struct nfav_proto_stats {
	bool present;
	uint64_t counter[NFAV_S_MAX + 1];	/* indexed by NFAV_S_* */
	uint64_t fallback[NFAV_REASON_MAX + 1][NFAV_ACTION_MAX + 1];
};

struct nfav_stats {
	struct nfav_proto_stats proto[NFAV_PROTO_MAX + 1];
};

struct nfav_addr {
	uint8_t family;			/* AF_INET, AF_INET6 or 0 */
	uint8_t len;			/* bytes valid in addr */
	uint8_t addr[16];
};

struct nfav_flow {
	uint8_t proto;
	uint8_t state;
	bool has_state;
	struct nfav_addr client, server;
	uint16_t client_port, server_port;
	uint32_t held_bytes;
	uint32_t pending;
	uint32_t age_ms;
	uint64_t objects;
};

struct nfav_flows {
	size_t n, cap;
	struct nfav_flow *flow;
};

struct nfav_object {
	bool has_proto, has_direction, has_ports;
	uint8_t proto, direction;
	struct nfav_addr client, server;
	uint16_t client_port, server_port;
	bool has_name, has_url, has_content_type, has_host, has_encoding;
	char name[NFAV_STR_MAX];
	char url[NFAV_STR_MAX];
	char content_type[NFAV_STR_MAX];
	char host[NFAV_STR_MAX];
	char encoding[NFAV_STR_MAX];
};

struct nfav_event_msg {
	uint8_t event;
	bool has_reason, has_action, has_virus;
	uint8_t reason, action;
	char virus[NFAV_VIRUS_MAX];
	struct nfav_object obj;
};

/* model.c: parse a reply into the model; 0 or -1 (malformed reply). */
int parse_status(struct nl_msg *msg, struct nfav_status *st);
int parse_config(struct nl_msg *msg, struct nfav_config *cfg);
int parse_stats(struct nl_msg *msg, struct nfav_stats *stats);
int parse_flow(struct nl_msg *msg, struct nfav_flow *flow);
int parse_event(struct nl_msg *msg, struct nfav_event_msg *ev);
int flows_append(struct nfav_flows *flows, const struct nfav_flow *flow);
void flows_free(struct nfav_flows *flows);
/* Put the settings marked in cfg (have bits, fallbacks != 0) into msg. */
int config_put(struct nl_msg *msg, const struct nfav_config *cfg);
/*
 * Free the list entries of cfg (parse_config() and set_parse_args() fill
 * them, also when they fail); cfg stays valid and its lists empty.
 */
void config_free(struct nfav_config *cfg);
/* list_*(): 0, or -1 when out of memory. */
int list_append(struct nfav_list *l, const char *entry);
int list_find(const struct nfav_list *l, const char *entry);
void list_remove(struct nfav_list *l, unsigned int i);
void list_clear(struct nfav_list *l);

/* Printers (show.c, monitor.c): text or JSON according to opts. */
void print_status(const struct nfav_status *st);
void print_config(const struct nfav_config *cfg);
void print_stats(const struct nfav_stats *stats);
void print_flows(const struct nfav_flows *flows);
void print_event(const struct nfav_event_msg *ev, time_t when);
/* Helpers shared by the printers. */
void format_addr(char *buf, size_t size, const struct nfav_addr *a,
		 uint16_t port, bool with_port);

/* netlink.c */
struct nfav_nl;

/*
 * Requests are built in buffers of this size: it holds the global settings
 * and every setting of one protocol with its lists full ("set" changes one
 * protocol at a time).
 */
#define NFAV_LIST_ATTR_SIZE(max) \
	(NLA_HDRLEN + NFAV_LIST_MAX * NLA_ALIGN(NLA_HDRLEN + (max) + 1))
#define NFAV_NL_MSG_SIZE \
	(4096 + NFAV_LIST_ATTR_SIZE(NFAV_EXTENSION_MAX) + \
	 2 * NFAV_LIST_ATTR_SIZE(NFAV_MIME_MAX) + \
	 NFAV_LIST_ATTR_SIZE(NFAV_URL_ENTRY_MAX))

typedef int (*reply_fn)(struct nl_msg *msg, void *arg);

/* Open a socket and resolve the family; returns an exit code. */
int nfav_nl_open(struct nfav_nl **nlp);
/* The same for another family: for the tests' use of nlctrl. */
int nfav_nl_open_family(struct nfav_nl **nlp, const char *name);
void nfav_nl_close(struct nfav_nl *nl);
/* A request for cmd (flags: e.g. NLM_F_DUMP); NULL on allocation failure. */
struct nl_msg *nfav_nl_msg(struct nfav_nl *nl, uint8_t cmd, int flags);
/* Send msg (consumed), feed every reply to fn; returns an exit code. */
int nfav_nl_request(struct nfav_nl *nl, struct nl_msg *msg, const char *what,
		    reply_fn fn, void *arg);
/*
 * Join family's multicast group and feed nfav events to fn until *stop,
 * waiting with the signal mask waitmask; returns an exit code.
 */
int nfav_nl_listen(struct nfav_nl *nl, const char *family, const char *group,
		   reply_fn fn, void *arg, volatile sig_atomic_t *stop,
		   const sigset_t *waitmask);
/* Report a kernel error message (NLMSG_ERROR) for request sent. */
int report_kernel_error(const struct nlmsghdr *errh, const struct nlmsghdr *sent,
			const char *what);
/* Describe the attribute at byte offset off of request sent. */
int describe_attr_offset(const struct nlmsghdr *sent, uint32_t off,
			 char *buf, size_t size);

/* Subcommands. */
int cmd_show(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* monitor.c: print events of family's group until SIGINT or SIGTERM. */
int monitor_run(struct nfav_nl *nl, const char *family, const char *group);

/*
 * set.c: parse "set ..." arguments into cfg; returns an exit code.  When
 * set_needs_current(), the list edits (add, del) are turned into whole lists
 * by set_apply_current() with the configuration read from the kernel.
 */
int set_parse_args(int argc, char **argv, struct nfav_config *cfg);
bool set_needs_current(const struct nfav_config *cfg);
int set_apply_current(struct nfav_config *cfg, const struct nfav_config *cur);

void usage(FILE *f);

#endif /* NFAVCTL_H */
