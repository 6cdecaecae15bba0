// SPDX-License-Identifier: GPL-2.0
/*
 * nfavctl set global|PROTO KEYWORD VALUE ...
 *
 * Every argument is checked before the kernel is contacted; the kernel
 * validates the change again as a whole and applies it atomically.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "nfavctl.h"

/* A plain decimal number: digits only, no sign, no spaces, no suffix. */
static int parse_u32(const char *key, const char *s, uint32_t *v)
{
	unsigned long long n = 0;
	const char *p;

	if (!*s) {
		err_msg("%s: empty value, expected a number", key);
		return EXIT_USAGE;
	}
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9') {
			err_msg("%s: \"%s\" is not a number", key, s);
			return EXIT_USAGE;
		}
		n = n * 10 + (unsigned int)(*p - '0');
		if (n > UINT32_MAX) {
			err_msg("%s must be at most %u, got %s", key,
				UINT32_MAX, s);
			return EXIT_USAGE;
		}
	}
	*v = (uint32_t)n;
	return EXIT_OK;
}

static int parse_ports(const char *s, struct nfav_proto_config *pc)
{
	char buf[16];
	const char *p = s, *end;
	uint32_t port;
	unsigned int i;
	size_t len;

	pc->nports = 0;
	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (!len || len >= sizeof(buf)) {
			err_msg("ports: \"%s\" is not a list of ports like 80,8080",
				s);
			return EXIT_USAGE;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (parse_u32("ports", buf, &port))
			return EXIT_USAGE;
		if (port < 1 || port > 65535) {
			err_msg("ports: a port must be 1-65535, got %s", buf);
			return EXIT_USAGE;
		}
		for (i = 0; i < pc->nports; i++) {
			if (pc->ports[i] == port) {
				err_msg("ports: port %u is listed twice", port);
				return EXIT_USAGE;
			}
		}
		if (pc->nports == NFAV_MAX_PORTS) {
			err_msg("ports: at most %d ports, got more in \"%s\"",
				NFAV_MAX_PORTS, s);
			return EXIT_USAGE;
		}
		pc->ports[pc->nports++] = (uint16_t)port;
		if (!end)
			break;
		p = end + 1;
	}
	return EXIT_OK;
}

static void list_names(char *buf, size_t size, const char *(*name)(unsigned int),
		       int max)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i <= max && off < size; i++)
		off += snprintf(buf + off, size - off, "%s%s",
				i > 1 ? ", " : "", name(i));
}

static int parse_fallback(const char *reason, const char *action,
			  struct nfav_proto_config *pc)
{
	char names[256];
	int r, a;

	r = reason_lookup(reason);
	if (r < 1) {
		list_names(names, sizeof(names), reason_name, NFAV_REASON_MAX);
		err_msg("fallback: unknown reason \"%s\" (expected one of: %s)",
			reason, names);
		return EXIT_USAGE;
	}
	a = action_lookup(action);
	if (a < 1) {
		list_names(names, sizeof(names), action_name, NFAV_ACTION_MAX);
		err_msg("fallback %s: unknown action \"%s\" (expected one of: %s)",
			reason, action, names);
		return EXIT_USAGE;
	}
	if (pc->fallback[r]) {
		err_msg("fallback %s given twice", reason);
		return EXIT_USAGE;
	}
	pc->fallback[r] = (uint8_t)a;
	return EXIT_OK;
}

/*
 * The custom notice text: at most NFAV_MESSAGE_MAX bytes and no control
 * characters (the kernel puts it, HTML-escaped, into the notice page).
 */
static int parse_message(const char *s, struct nfav_proto_config *pc)
{
	const unsigned char *p;
	size_t len = strlen(s);

	if (len > NFAV_MESSAGE_MAX) {
		err_msg("message must be at most %d bytes, got %zu",
			NFAV_MESSAGE_MAX, len);
		return EXIT_USAGE;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			err_msg("message: control character 0x%02x at byte %zu is not allowed",
				*p, (size_t)(p - (const unsigned char *)s) + 1);
			return EXIT_USAGE;
		}
	}
	memcpy(pc->message, s, len + 1);
	return EXIT_OK;
}

static bool once(unsigned int *have, unsigned int bit, const char *key)
{
	if (*have & bit) {
		err_msg("%s given twice", key);
		return false;
	}
	*have |= bit;
	return true;
}

static int parse_global(int argc, char **argv, struct nfav_config *cfg)
{
	static const struct {
		const char *key;
		unsigned int bit;
		size_t off;
	} keys[] = {
		{ "max-flows", CFG_MAX_FLOWS,
		  offsetof(struct nfav_config, max_flows) },
		{ "flow-timeout", CFG_FLOW_TIMEOUT,
		  offsetof(struct nfav_config, flow_timeout) },
		{ "hold-limit", CFG_HOLD_LIMIT,
		  offsetof(struct nfav_config, hold_limit) },
		{ "mem-limit", CFG_MEM_LIMIT,
		  offsetof(struct nfav_config, mem_limit) },
		{ "max-requests", CFG_MAX_REQUESTS,
		  offsetof(struct nfav_config, max_requests) },
	};
	uint32_t v;
	size_t k;
	int i;

	for (i = 0; i < argc; i += 2) {
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(argv[i], keys[k].key))
				break;
		if (k == ARRAY_SIZE(keys)) {
			err_msg("set global: unknown keyword \"%s\" (expected %s)",
				argv[i],
				"max-flows, flow-timeout, hold-limit, mem-limit or max-requests");
			return EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			err_msg("%s needs a value", argv[i]);
			return EXIT_USAGE;
		}
		if (!once(&cfg->have, keys[k].bit, keys[k].key) ||
		    parse_u32(keys[k].key, argv[i + 1], &v))
			return EXIT_USAGE;
		memcpy((char *)cfg + keys[k].off, &v, sizeof(v));
	}
	return EXIT_OK;
}

static int parse_proto(const char *proto, int argc, char **argv,
		       struct nfav_proto_config *pc)
{
	const char *key;
	uint32_t v;
	int i, ret;

	for (i = 0; i < argc; i += 2) {
		key = argv[i];
		if (strcmp(key, "enabled") && strcmp(key, "ports") &&
		    strcmp(key, "scan-timeout") && strcmp(key, "max-size") &&
		    strcmp(key, "trickle-timeout") &&
		    strcmp(key, "fallback") && strcmp(key, "notify-type") &&
		    strcmp(key, "message")) {
			err_msg("set %s: unknown keyword \"%s\" (expected %s)",
				proto, key,
				"enabled, ports, scan-timeout, trickle-timeout, max-size, fallback, notify-type or message");
			return EXIT_USAGE;
		}
		if (!strcmp(key, "fallback") && i + 2 >= argc) {
			err_msg("fallback needs a reason and an action");
			return EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			err_msg("%s needs a value", key);
			return EXIT_USAGE;
		}
		if (!strcmp(key, "enabled")) {
			if (!once(&pc->have, PCFG_ENABLED, key))
				return EXIT_USAGE;
			if (!strcmp(argv[i + 1], "yes")) {
				pc->enabled = true;
			} else if (!strcmp(argv[i + 1], "no")) {
				pc->enabled = false;
			} else {
				err_msg("enabled must be yes or no, got \"%s\"",
					argv[i + 1]);
				return EXIT_USAGE;
			}
		} else if (!strcmp(key, "ports")) {
			if (!once(&pc->have, PCFG_PORTS, key))
				return EXIT_USAGE;
			ret = parse_ports(argv[i + 1], pc);
			if (ret)
				return ret;
		} else if (!strcmp(key, "scan-timeout")) {
			if (!once(&pc->have, PCFG_SCAN_TIMEOUT, key) ||
			    parse_u32(key, argv[i + 1], &v))
				return EXIT_USAGE;
			if (v < NFAV_SCAN_TIMEOUT_MIN ||
			    v > NFAV_SCAN_TIMEOUT_MAX) {
				err_msg("scan-timeout must be %d-%d seconds, got %u",
					NFAV_SCAN_TIMEOUT_MIN,
					NFAV_SCAN_TIMEOUT_MAX, v);
				return EXIT_USAGE;
			}
			pc->scan_timeout = v;
		} else if (!strcmp(key, "trickle-timeout")) {
			if (!once(&pc->have, PCFG_TRICKLE_TIMEOUT, key) ||
			    parse_u32(key, argv[i + 1], &v))
				return EXIT_USAGE;
			if (v > NFAV_TRICKLE_TIMEOUT_MAX) {
				err_msg("trickle-timeout must be 0-%d seconds, got %u",
					NFAV_TRICKLE_TIMEOUT_MAX, v);
				return EXIT_USAGE;
			}
			pc->trickle_timeout = v;
		} else if (!strcmp(key, "max-size")) {
			if (!once(&pc->have, PCFG_MAX_SIZE, key) ||
			    parse_u32(key, argv[i + 1], &v))
				return EXIT_USAGE;
			pc->max_size = v;
		} else if (!strcmp(key, "notify-type")) {
			if (!once(&pc->have, PCFG_NOTIFY_TYPE, key))
				return EXIT_USAGE;
			ret = notify_lookup(argv[i + 1]);
			if (ret < 1) {
				err_msg("notify-type must be message or protocol-only, got \"%s\"",
					argv[i + 1]);
				return EXIT_USAGE;
			}
			pc->notify_type = (uint8_t)ret;
		} else if (!strcmp(key, "message")) {
			if (!once(&pc->have, PCFG_MESSAGE, key))
				return EXIT_USAGE;
			ret = parse_message(argv[i + 1], pc);
			if (ret)
				return ret;
		} else {
			ret = parse_fallback(argv[i + 1], argv[i + 2], pc);
			if (ret)
				return ret;
			i++;
		}
	}
	return EXIT_OK;
}

int set_parse_args(int argc, char **argv, struct nfav_config *cfg)
{
	char names[128];
	int proto, ret;

	memset(cfg, 0, sizeof(*cfg));
	if (argc < 2) {
		list_names(names, sizeof(names), proto_name, NFAV_PROTO_MAX);
		err_msg("set: missing object: global or a protocol (%s)", names);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "global")) {
		ret = parse_global(argc - 2, argv + 2, cfg);
		proto = 0;
	} else {
		proto = proto_lookup(argv[1]);
		if (proto < 1) {
			list_names(names, sizeof(names), proto_name,
				   NFAV_PROTO_MAX);
			err_msg("set: unknown object \"%s\": expected global or a protocol (%s)",
				argv[1], names);
			return EXIT_USAGE;
		}
		ret = parse_proto(argv[1], argc - 2, argv + 2,
				  &cfg->proto[proto]);
	}
	if (ret)
		return ret;
	if (argc == 2) {
		err_msg("set %s: nothing to set", argv[1]);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_set(int argc, char **argv)
{
	struct nfav_config cfg;
	struct nfav_nl *nl;
	struct nl_msg *msg;
	char what[32];
	int ret;

	ret = set_parse_args(argc, argv, &cfg);
	if (ret)
		return ret;
	ret = nfav_nl_open(&nl);
	if (ret)
		return ret;
	msg = nfav_nl_msg(nl, NFAV_CMD_SET_CONFIG, 0);
	if (!msg || config_put(msg, &cfg)) {
		err_msg("out of memory");
		if (msg)
			nlmsg_free(msg);
		nfav_nl_close(nl);
		return EXIT_FAIL;
	}
	snprintf(what, sizeof(what), "set %s", argv[1]);
	ret = nfav_nl_request(nl, msg, what, NULL, NULL);
	nfav_nl_close(nl);
	return ret;
}
