// SPDX-License-Identifier: GPL-2.0
/*
 * nfavctl show status|config|stats|flows
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/msg.h>

#include "nfavctl.h"

/* "192.0.2.1:80", "[2001:db8::1]:80", or the address alone. */
void format_addr(char *buf, size_t size, const struct nfav_addr *a,
		 uint16_t port, bool with_port)
{
	char ip[INET6_ADDRSTRLEN];

	if (!a->len || !inet_ntop(a->family, a->addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	if (!with_port)
		snprintf(buf, size, "%s", ip);
	else if (a->family == AF_INET6 && a->len)
		snprintf(buf, size, "[%s]:%u", ip, port);
	else
		snprintf(buf, size, "%s:%u", ip, port);
}

static void format_time(char *buf, size_t size, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) ||
	    !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "%llu", (unsigned long long)t);
}

/*
 * Text output of a string that did not come from us: as is when it is plain
 * printable ASCII, else quoted with escapes.
 */
static void put_text(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p >= 0x7f || *p == '"' || *p == '\\' ||
		    *p == ',')
			break;
	if (*s && !*p)
		fputs(s, stdout);
	else
		fput_text_string(stdout, s, strlen(s));
}

void print_status(const struct nfav_status *st)
{
	char when[64];

	if (opts.json) {
		json_start(opts.pretty);
		json_obj_open(NULL);
		json_obj_open("module");
		json_bool("loaded", true);
		if (st->has_version)
			json_str("version", st->version);
		json_obj_close();
		json_obj_open("daemon");
		json_bool("registered", st->daemon_registered);
		if (st->daemon_registered) {
			json_u64("pid", st->daemon_pid);
			if (st->has_signatures)
				json_u64("signatures", st->signatures);
			if (st->has_db_version)
				json_u64("database_version", st->db_version);
			if (st->has_loaded)
				json_u64("loaded", st->loaded);
			if (st->has_engine)
				json_str("engine", st->engine);
		}
		json_obj_close();
		json_u64("flows", st->flows);
		json_u64("pending", st->pending);
		json_u64("held_bytes", st->held_bytes);
		json_u64("queued_bytes", st->queued_bytes);
		json_obj_close();
		json_finish();
		return;
	}

	fputs("module: loaded", stdout);
	if (st->has_version) {
		fputs(" (version ", stdout);
		put_text(st->version);
		putchar(')');
	}
	putchar('\n');
	if (st->daemon_registered) {
		printf("daemon: registered (pid %u)\n", st->daemon_pid);
		fputs("engine: ", stdout);
		put_text(st->has_engine ? st->engine : "unknown");
		if (st->has_signatures)
			printf(", %u signatures", st->signatures);
		if (st->has_db_version)
			printf(", database version %u", st->db_version);
		if (st->has_loaded && st->loaded) {
			format_time(when, sizeof(when), st->loaded);
			printf(", loaded %s", when);
		}
		putchar('\n');
	} else {
		puts("daemon: not registered");
		puts("engine: not loaded");
	}
	printf("flows: %u, pending objects: %u, held: %llu bytes, queued to daemon: %llu bytes\n",
	       st->flows, st->pending, (unsigned long long)st->held_bytes,
	       (unsigned long long)st->queued_bytes);
}

/* Status when the family is missing: say so, on stdout too. */
static void print_status_unloaded(void)
{
	if (opts.json) {
		json_start(opts.pretty);
		json_obj_open(NULL);
		json_obj_open("module");
		json_bool("loaded", false);
		json_obj_close();
		json_obj_close();
		json_finish();
	} else {
		puts("module: not loaded");
	}
}

static void print_config_json(const struct nfav_config *cfg)
{
	const struct nfav_proto_config *pc;
	unsigned int i;
	int p, r, id;

	json_start(opts.pretty);
	json_obj_open(NULL);
	if (cfg->have & CFG_MAX_FLOWS)
		json_u64("max_flows", cfg->max_flows);
	if (cfg->have & CFG_FLOW_TIMEOUT)
		json_u64("flow_timeout", cfg->flow_timeout);
	if (cfg->have & CFG_HOLD_LIMIT)
		json_u64("hold_limit", cfg->hold_limit);
	if (cfg->have & CFG_MEM_LIMIT)
		json_u64("mem_limit", cfg->mem_limit);
	if (cfg->have & CFG_MAX_REQUESTS)
		json_u64("max_requests", cfg->max_requests);
	json_obj_open("protocols");
	for (p = 1; p <= NFAV_PROTO_MAX; p++) {
		pc = &cfg->proto[p];
		if (!pc->present)
			continue;
		json_obj_open(proto_name(p));
		if (pc->have & PCFG_ENABLED)
			json_bool("enabled", pc->enabled);
		if (pc->have & PCFG_PORTS) {
			json_arr_open("ports");
			for (i = 0; i < pc->nports; i++)
				json_u64(NULL, pc->ports[i]);
			json_arr_close();
		}
		if (pc->have & PCFG_SCAN_MODE)
			json_str("scan_mode", scan_mode_name(pc->scan_mode));
		if (pc->have & PCFG_SCAN_TIMEOUT)
			json_u64("scan_timeout", pc->scan_timeout);
		if (pc->have & PCFG_TRICKLE_TIMEOUT)
			json_u64("trickle_timeout", pc->trickle_timeout);
		if (pc->have & PCFG_MAX_SIZE)
			json_u64("max_size", pc->max_size);
		if (pc->have & PCFG_MAX_LAYERS)
			json_u64("max_layers", pc->max_layers);
		if (pc->have & PCFG_HEADER_LIMIT)
			json_u64("header_limit", pc->header_limit);
		if (pc->have & PCFG_NOTIFY_TYPE)
			json_str("notify_type", notify_name(pc->notify_type));
		if (pc->have & PCFG_MESSAGE)
			json_str("message", pc->message);
		for (id = 0; id < NR_LISTS; id++) {
			if (!(pc->have & PCFG_LIST(id)))
				continue;
			json_arr_open(list_info[id].json);
			for (i = 0; i < pc->list[id].n; i++)
				json_str(NULL, pc->list[id].entry[i]);
			json_arr_close();
		}
		json_obj_open("fallbacks");
		for (r = 1; r <= NFAV_REASON_MAX; r++)
			if (pc->fallback[r])
				json_str(reason_name(r),
					 action_name(pc->fallback[r]));
		json_obj_close();
		json_obj_close();
	}
	json_obj_close();
	json_obj_close();
	json_finish();
}

/*
 * "  KEY a,b,c" or "  KEY none"; an entry that is not plain printable ASCII
 * or holds a comma is quoted, so the list stays unambiguous.
 */
static void print_list(const char *key, const struct nfav_list *l)
{
	unsigned int i;

	printf("  %s ", key);
	for (i = 0; i < l->n; i++) {
		if (i)
			putchar(',');
		put_text(l->entry[i]);
	}
	if (!l->n)
		fputs("none", stdout);
	putchar('\n');
}

void print_config(const struct nfav_config *cfg)
{
	const struct nfav_proto_config *pc;
	const char *sep = "";
	unsigned int i;
	int p, r, id;

	if (opts.json) {
		print_config_json(cfg);
		return;
	}
	if (cfg->have)
		fputs("global:", stdout);
	if (cfg->have & CFG_MAX_FLOWS) {
		printf(" max-flows %u", cfg->max_flows);
		sep = ",";
	}
	if (cfg->have & CFG_FLOW_TIMEOUT) {
		printf("%s flow-timeout %us", sep, cfg->flow_timeout);
		sep = ",";
	}
	if (cfg->have & CFG_HOLD_LIMIT) {
		printf("%s hold-limit %u bytes", sep, cfg->hold_limit);
		sep = ",";
	}
	if (cfg->have & CFG_MEM_LIMIT) {
		printf("%s mem-limit %u KiB", sep, cfg->mem_limit);
		sep = ",";
	}
	if (cfg->have & CFG_MAX_REQUESTS)
		printf("%s max-requests %u", sep, cfg->max_requests);
	if (cfg->have)
		putchar('\n');

	for (p = 1; p <= NFAV_PROTO_MAX; p++) {
		pc = &cfg->proto[p];
		if (!pc->present)
			continue;
		printf("%s:", proto_name(p));
		sep = "";
		if (pc->have & PCFG_ENABLED) {
			printf(" %s", pc->enabled ? "enabled" : "disabled");
			sep = ",";
		}
		if (pc->have & PCFG_PORTS) {
			printf("%s ports ", sep);
			for (i = 0; i < pc->nports; i++)
				printf("%s%u", i ? "," : "", pc->ports[i]);
			if (!pc->nports)
				fputs("none", stdout);
			sep = ",";
		}
		if (pc->have & PCFG_SCAN_MODE) {
			printf("%s scan-mode %s", sep,
			       scan_mode_name(pc->scan_mode));
			sep = ",";
		}
		if (pc->have & PCFG_SCAN_TIMEOUT) {
			printf("%s scan-timeout %us", sep, pc->scan_timeout);
			sep = ",";
		}
		if (pc->have & PCFG_TRICKLE_TIMEOUT) {
			if (pc->trickle_timeout)
				printf("%s trickle-timeout %us", sep,
				       pc->trickle_timeout);
			else
				printf("%s trickle-timeout off", sep);
			sep = ",";
		}
		if (pc->have & PCFG_MAX_SIZE) {
			printf("%s max-size %u KiB", sep, pc->max_size);
			sep = ",";
		}
		if (pc->have & PCFG_MAX_LAYERS) {
			printf("%s max-layers %u", sep, pc->max_layers);
			sep = ",";
		}
		if (pc->have & PCFG_HEADER_LIMIT) {
			printf("%s header-limit %u bytes", sep,
			       pc->header_limit);
			sep = ",";
		}
		if (pc->have & PCFG_NOTIFY_TYPE)
			printf("%s notify-type %s", sep,
			       notify_name(pc->notify_type));
		putchar('\n');
		if ((pc->have & PCFG_MESSAGE) && pc->message[0]) {
			fputs("  message ", stdout);
			fput_text_string(stdout, pc->message,
					 strlen(pc->message));
			putchar('\n');
		}
		for (id = 0; id < NR_LISTS; id++)
			if (pc->have & PCFG_LIST(id))
				print_list(list_info[id].key, &pc->list[id]);
		for (r = 1; r <= NFAV_REASON_MAX; r++)
			if (pc->fallback[r])
				printf("  fallback %s %s\n", reason_name(r),
				       action_name(pc->fallback[r]));
	}
}

static const struct {
	int attr;
	const char *text;	/* text output keyword */
	const char *json;	/* JSON key */
} counters[] = {
	{ NFAV_S_FLOWS,		"flows",	"flows" },
	{ NFAV_S_SCANNED,	"scanned",	"scanned" },
	{ NFAV_S_CLEAN,		"clean",	"clean" },
	{ NFAV_S_INFECTED,	"infected",	"infected" },
	{ NFAV_S_BLOCKED,	"blocked",	"blocked" },
	{ NFAV_S_BYPASSED,	"bypassed",	"bypassed" },
	{ NFAV_S_SKIPPED,	"skipped",	"skipped" },
	{ NFAV_S_MALFORMED,	"malformed",	"malformed" },
	{ NFAV_S_EVASIONS,	"evasions",	"evasions" },
	{ NFAV_S_OOO_DROPS,	"ooo-drops",	"ooo_drops" },
	{ NFAV_S_FLOW_LIMIT,	"flow-limit",	"flow_limit" },
	{ NFAV_S_UNTRACKED,	"untracked",	"untracked" },
	{ NFAV_S_CHECKS,	"checks",	"checks" },
	{ NFAV_S_UNACKED,	"unacked-drops", "unacked_drops" },
};

void print_stats(const struct nfav_stats *stats)
{
	const struct nfav_proto_stats *ps;
	size_t i;
	int p, r, a;

	if (opts.json) {
		json_start(opts.pretty);
		json_obj_open(NULL);
		json_obj_open("protocols");
	}
	for (p = 1; p <= NFAV_PROTO_MAX; p++) {
		ps = &stats->proto[p];
		if (!ps->present)
			continue;
		if (opts.json) {
			json_obj_open(proto_name(p));
			for (i = 0; i < ARRAY_SIZE(counters); i++)
				json_u64(counters[i].json,
					 ps->counter[counters[i].attr]);
			json_obj_open("fallbacks");
			for (r = 1; r <= NFAV_REASON_MAX; r++) {
				json_obj_open(reason_name(r));
				for (a = 1; a <= NFAV_ACTION_MAX; a++)
					json_u64(action_name(a),
						 ps->fallback[r][a]);
				json_obj_close();
			}
			json_obj_close();
			json_obj_close();
			continue;
		}
		printf("%s:", proto_name(p));
		for (i = 0; i < ARRAY_SIZE(counters); i++)
			printf(" %s %llu", counters[i].text,
			       (unsigned long long)ps->counter[counters[i].attr]);
		putchar('\n');
		for (r = 1; r <= NFAV_REASON_MAX; r++) {
			printf("  fallback %s:", reason_name(r));
			for (a = 1; a <= NFAV_ACTION_MAX; a++)
				printf(" %s %llu", action_name(a),
				       (unsigned long long)ps->fallback[r][a]);
			putchar('\n');
		}
	}
	if (opts.json) {
		json_obj_close();
		json_obj_close();
		json_finish();
	}
}

void print_flows(const struct nfav_flows *flows)
{
	const struct nfav_flow *f;
	char client[64], server[64];
	size_t i;

	if (opts.json) {
		json_start(opts.pretty);
		json_arr_open(NULL);
	}
	for (i = 0; i < flows->n; i++) {
		f = &flows->flow[i];
		if (opts.json) {
			json_obj_open(NULL);
			json_str("proto", proto_name(f->proto));
			json_str("family", family_name(f->client.family));
			format_addr(client, sizeof(client), &f->client, 0, false);
			format_addr(server, sizeof(server), &f->server, 0, false);
			json_str("client", client);
			json_u64("client_port", f->client_port);
			json_str("server", server);
			json_u64("server_port", f->server_port);
			json_str("state", f->has_state ?
				 flow_state_name(f->state) : "unknown");
			json_u64("held_bytes", f->held_bytes);
			json_u64("pending", f->pending);
			json_u64("objects", f->objects);
			json_u64("age_ms", f->age_ms);
			json_obj_close();
			continue;
		}
		format_addr(client, sizeof(client), &f->client,
			    f->client_port, true);
		format_addr(server, sizeof(server), &f->server,
			    f->server_port, true);
		printf("%s %s -> %s %s held %u pending %u objects %llu age %u.%us\n",
		       proto_name(f->proto), client, server,
		       f->has_state ? flow_state_name(f->state) : "unknown",
		       f->held_bytes, f->pending,
		       (unsigned long long)f->objects,
		       f->age_ms / 1000, f->age_ms % 1000 / 100);
	}
	if (opts.json) {
		json_arr_close();
		json_finish();
	}
}

static int status_cb(struct nl_msg *msg, void *arg)
{
	return parse_status(msg, arg);
}

static int config_cb(struct nl_msg *msg, void *arg)
{
	config_free(arg);
	return parse_config(msg, arg);
}

static int stats_cb(struct nl_msg *msg, void *arg)
{
	return parse_stats(msg, arg);
}

static int flow_cb(struct nl_msg *msg, void *arg)
{
	struct nfav_flow flow;

	if (parse_flow(msg, &flow))
		return -1;
	return flows_append(arg, &flow);
}

enum show_what { SHOW_STATUS, SHOW_CONFIG, SHOW_STATS, SHOW_FLOWS };

static const struct {
	const char *name;
	enum show_what what;
	uint8_t cmd;
	const char *desc;
} show_objects[] = {
	{ "status", SHOW_STATUS, NFAV_CMD_GET_STATUS, "show status" },
	{ "config", SHOW_CONFIG, NFAV_CMD_GET_CONFIG, "show config" },
	{ "stats", SHOW_STATS, NFAV_CMD_GET_STATS, "show stats" },
	{ "flows", SHOW_FLOWS, NFAV_CMD_GET_FLOWS, "show flows" },
};

int cmd_show(int argc, char **argv)
{
	union {
		struct nfav_status status;
		struct nfav_config config;
		struct nfav_stats stats;
	} u;
	struct nfav_flows flows = { 0 };
	struct nfav_nl *nl;
	struct nl_msg *msg;
	reply_fn fn = NULL;
	void *arg = &u;
	size_t i;
	int ret;

	if (argc < 2) {
		err_msg("show: missing object: status, config, stats or flows");
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(show_objects); i++)
		if (!strcmp(argv[1], show_objects[i].name))
			break;
	if (i == ARRAY_SIZE(show_objects)) {
		err_msg("show: unknown object \"%s\": expected status, config, stats or flows",
			argv[1]);
		return EXIT_USAGE;
	}
	if (argc > 2) {
		err_msg("show %s: unexpected argument \"%s\"", argv[1], argv[2]);
		return EXIT_USAGE;
	}

	ret = nfav_nl_open(&nl);
	if (ret) {
		if (ret == EXIT_NOMODULE && show_objects[i].what == SHOW_STATUS)
			print_status_unloaded();
		return ret;
	}
	msg = nfav_nl_msg(nl, show_objects[i].cmd,
			  show_objects[i].what == SHOW_FLOWS ? NLM_F_DUMP : 0);
	if (!msg) {
		err_msg("out of memory");
		nfav_nl_close(nl);
		return EXIT_FAIL;
	}
	memset(&u, 0, sizeof(u));
	switch (show_objects[i].what) {
	case SHOW_STATUS:
		fn = status_cb;
		break;
	case SHOW_CONFIG:
		fn = config_cb;
		break;
	case SHOW_STATS:
		fn = stats_cb;
		break;
	case SHOW_FLOWS:
		fn = flow_cb;
		arg = &flows;
		break;
	}
	ret = nfav_nl_request(nl, msg, show_objects[i].desc, fn, arg);
	nfav_nl_close(nl);
	if (ret == EXIT_OK) {
		switch (show_objects[i].what) {
		case SHOW_STATUS:
			print_status(&u.status);
			break;
		case SHOW_CONFIG:
			print_config(&u.config);
			break;
		case SHOW_STATS:
			print_stats(&u.stats);
			break;
		case SHOW_FLOWS:
			print_flows(&flows);
			break;
		}
	}
	if (show_objects[i].what == SHOW_CONFIG)
		config_free(&u.config);
	flows_free(&flows);
	return ret;
}
