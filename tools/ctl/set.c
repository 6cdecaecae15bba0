// SPDX-License-Identifier: GPL-2.0
/*
 * nfavctl set global|PROTO KEYWORD VALUE ...
 *
 * Every argument is checked before the kernel is contacted; the kernel
 * validates the change again as a whole and applies it atomically.  List
 * entries are normalized the way the kernel stores them, so that "add" and
 * "del" can compare them with the current list, which they read first.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* A plain decimal number from min to max; unit is put after the range. */
static int parse_range(const char *key, const char *s, uint32_t min,
		       uint32_t max, const char *unit, uint32_t *v)
{
	if (parse_u32(key, s, v))
		return EXIT_USAGE;
	if (*v < min || *v > max) {
		err_msg("%s must be %u-%u%s, got %u", key, min, max, unit, *v);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* BYTES: a decimal number, with a k or K suffix for KiB, from min to max. */
static int parse_bytes(const char *key, const char *s, uint32_t min,
		       uint32_t max, uint32_t *v)
{
	unsigned long long n = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned int)(*p - '0');
		if (n > UINT32_MAX)
			n = UINT32_MAX + 1ULL;	/* too large; keep parsing */
	}
	if (p == s || (*p && ((*p != 'k' && *p != 'K') || p[1]))) {
		err_msg("%s: \"%s\" is not a size in bytes like 65536 or 64k",
			key, s);
		return EXIT_USAGE;
	}
	if (*p)
		n *= 1024;
	if (n < min || n > max) {
		err_msg("%s must be %u-%u bytes (%uk-%uk), got %s", key, min,
			max, min / 1024, max / 1024, s);
		return EXIT_USAGE;
	}
	*v = (uint32_t)n;
	return EXIT_OK;
}

/* Lists. */

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/*
 * An argument for an error message: printable ASCII as it is, other bytes
 * as \xNN, cut after 64 characters.  The result lives until the next call.
 */
static const char *shown(const char *s)
{
	static char buf[64 + 8];
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0;

	for (; *p && off < 64; p++) {
		if (*p >= 0x20 && *p < 0x7f)
			buf[off++] = (char)*p;
		else
			off += snprintf(buf + off, sizeof(buf) - off,
					"\\x%02x", *p);
	}
	snprintf(buf + off, sizeof(buf) - off, "%s", *p ? "..." : "");
	return buf;
}

/* The offending character c for an error message: 'c' or 0xNN. */
static const char *char_shown(char c)
{
	static char buf[8];

	if (c > 0x20 && c < 0x7f)
		snprintf(buf, sizeof(buf), "'%c'", c);
	else
		snprintf(buf, sizeof(buf), "0x%02x", (unsigned char)c);
	return buf;
}

static int bad_char(const char *key, char c, const char *in,
		    const char *allowed)
{
	err_msg("%s: invalid character %s in \"%s\"%s", key, char_shown(c),
		shown(in), allowed);
	return EXIT_USAGE;
}

static int too_long(const char *key, const char *in, unsigned int max)
{
	err_msg("%s: \"%s\" is longer than %u characters", key, shown(in), max);
	return EXIT_USAGE;
}

/*
 * Entry checkers: in is one entry as given, out receives it normalized
 * (it has room for in).  They return an exit code.
 *
 * An extension: [a-z0-9_+-], lower-cased, a leading dot stripped.
 */
static int check_extension(const char *key, const char *in, char *out)
{
	const char *p = in[0] == '.' ? in + 1 : in;
	size_t i;

	if (!*p) {
		err_msg("%s: \"%s\" is not an extension", key, in);
		return EXIT_USAGE;
	}
	if (strlen(p) > NFAV_EXTENSION_MAX)
		return too_long(key, in, NFAV_EXTENSION_MAX);
	for (i = 0; p[i]; i++) {
		out[i] = ascii_lower(p[i]);
		if (!is_alnum(out[i]) && !strchr("_+-", out[i]))
			return bad_char(key, p[i], in,
					" (allowed: a-z, 0-9, _, + and -)");
	}
	out[i] = '\0';
	return EXIT_OK;
}

/* An HTTP token character (RFC 9110), but the slash. */
static bool is_tchar(char c)
{
	return c && (is_alnum(c) || strchr("!#$%&'*+-.^_`|~", c));
}

/* A content type: "type/subtype" or "type/" ("type/" + "*" is taken too). */
static int check_mime(const char *key, const char *in, char *out)
{
	size_t i, len;
	char *slash;

	for (i = 0; in[i]; i++)
		out[i] = ascii_lower(in[i]);
	out[i] = '\0';
	len = i;
	if (len >= 2 && !strcmp(out + len - 2, "/*"))
		out[--len] = '\0';
	if (len > NFAV_MIME_MAX)
		return too_long(key, in, NFAV_MIME_MAX);
	for (i = 0; i < len; i++)
		if (out[i] != '/' && !is_tchar(out[i]))
			return bad_char(key, in[i], in,
					" (allowed: a-z, 0-9 and !#$%&'*+-.^_`|~)");
	slash = strchr(out, '/');
	if (!slash || slash == out || strchr(slash + 1, '/') ||
	    !strncmp(out, "*/", 2)) {
		err_msg("%s: \"%s\" is not a content type like text/html or text/",
			key, shown(in));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * A URL entry: "host", "host/path-prefix" or ".host..." (and subdomains);
 * "http://" is stripped and the host lower-cased, without a trailing dot
 * (the kernel drops it from request hosts).  The host is a name of
 * letters, digits, '-', '_' and '.', or an IPv6 address in brackets; the
 * path is printable ASCII without spaces.
 */
static int check_url(const char *key, const char *in, char *out)
{
	const char *p = in;
	size_t i, hlen;
	char *host;

	if (!strncasecmp(p, "http://", 7))
		p += 7;
	if (strlen(p) > NFAV_URL_ENTRY_MAX)
		return too_long(key, in, NFAV_URL_ENTRY_MAX);
	for (i = 0; p[i]; i++) {
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return bad_char(key, p[i], in,
					" (printable ASCII only, no spaces)");
		out[i] = p[i];
	}
	out[i] = '\0';
	if (strstr(out, "://")) {
		err_msg("%s: \"%s\": only http:// can be given as a scheme",
			key, shown(in));
		return EXIT_USAGE;
	}
	host = out[0] == '.' ? out + 1 : out;
	hlen = strcspn(host, "/");
	if (!hlen) {
		err_msg("%s: \"%s\" has no host", key, shown(in));
		return EXIT_USAGE;
	}
	for (i = 0; i < hlen; i++)
		out[host - out + i] = ascii_lower(host[i]);
	if (host[0] == '[') {
		if (host[hlen - 1] != ']' || hlen < 3 || host != out) {
			err_msg("%s: \"%s\": an IPv6 address is written [2001:db8::1]",
				key, shown(in));
			return EXIT_USAGE;
		}
		for (i = 1; i < hlen - 1; i++)
			if (!isxdigit((unsigned char)host[i]) &&
			    host[i] != ':' && host[i] != '.')
				return bad_char(key, host[i], in,
						" (in an IPv6 address)");
		return EXIT_OK;
	}
	for (i = 0; i < hlen; i++) {
		if (host[i] == ':') {
			err_msg("%s: \"%s\": give the host without a port",
				key, shown(in));
			return EXIT_USAGE;
		}
		if (!is_alnum(host[i]) && !strchr("-_.", host[i]))
			return bad_char(key, host[i], in, " (in the host)");
		if (host[i] == '.' && (!i || host[i - 1] == '.')) {
			err_msg("%s: \"%s\": the host has an empty label",
				key, shown(in));
			return EXIT_USAGE;
		}
	}
	if (hlen > 1 && host[hlen - 1] == '.')
		memmove(host + hlen - 1, host + hlen, strlen(host + hlen) + 1);
	return EXIT_OK;
}

static int (*const list_check[NR_LISTS])(const char *key, const char *in,
					 char *out) = {
	[LIST_EXTENSIONS] = check_extension,
	[LIST_MIME_BYPASS] = check_mime,
	[LIST_MIME_SCAN] = check_mime,
	[LIST_URL_BYPASS] = check_url,
};

/*
 * Comma separated entries into l, each checked and normalized by the
 * list's checker; an empty entry, a duplicate and more than NFAV_LIST_MAX
 * entries are refused.
 */
static int parse_entries(int id, const char *value, struct nfav_list *l)
{
	/* Room for the longest entry with "http://" and one character more. */
	char in[NFAV_URL_ENTRY_MAX + 9], out[sizeof(in)];
	const char *key = list_info[id].key, *p, *end;
	unsigned int n = 1;
	size_t len, cut;
	int ret;

	if (!*value) {
		err_msg("%s: empty value (use none for an empty list)", key);
		return EXIT_USAGE;
	}
	for (p = value; *p; p++)
		n += *p == ',';
	if (n > NFAV_LIST_MAX) {
		err_msg("%s: at most %d entries, got %u", key, NFAV_LIST_MAX, n);
		return EXIT_USAGE;
	}
	for (p = value; ; p = end + 1) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		if (!len) {
			err_msg("%s: empty entry in \"%s\"", key, shown(value));
			return EXIT_USAGE;
		}
		cut = len < sizeof(in) ? len : sizeof(in) - 1;
		memcpy(in, p, cut);
		in[cut] = '\0';
		if (cut < len)	/* too long, whatever the checker strips */
			return too_long(key, in, list_info[id].max);
		ret = list_check[id](key, in, out);
		if (ret)
			return ret;
		if (list_find(l, out) >= 0) {
			err_msg("%s: \"%s\" is listed twice", key, shown(out));
			return EXIT_USAGE;
		}
		if (list_append(l, out)) {
			err_msg("out of memory");
			return EXIT_FAIL;
		}
		if (!end)
			return EXIT_OK;
	}
}

static int list_lookup(const char *key)
{
	int id;

	for (id = 0; id < NR_LISTS; id++)
		if (!strcmp(key, list_info[id].key))
			return id;
	return -1;
}

/*
 * LIST ENTRIES | none | default | add ENTRIES | del ENTRIES, with argv[0]
 * the first word after LIST; *used is set to the words taken.
 */
static int parse_list_arg(int id, int argc, char **argv,
			  struct nfav_proto_config *pc, int *used)
{
	const char *key = list_info[id].key, *word = argv[0];

	*used = 1;
	if (!strcmp(word, "add") || !strcmp(word, "del")) {
		if (argc < 2) {
			err_msg("%s %s needs a value", key, word);
			return EXIT_USAGE;
		}
		*used = 2;
		if (!strcmp(argv[1], "none") || !strcmp(argv[1], "default")) {
			err_msg("%s %s: \"%s\" is a keyword, not an entry", key,
				word, argv[1]);
			return EXIT_USAGE;
		}
		pc->list_op[id] = word[0] == 'a' ? LIST_ADD : LIST_DEL;
		return parse_entries(id, argv[1], &pc->list[id]);
	}
	if (!strcmp(word, "none"))
		return EXIT_OK;
	if (!strcmp(word, "default")) {
		if (!list_info[id].defaults) {
			err_msg("%s has no default (use none for an empty list)",
				key);
			return EXIT_USAGE;
		}
		word = list_info[id].defaults;
	}
	return parse_entries(id, word, &pc->list[id]);
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

/* The keywords of "set PROTO"; bit 0 for fallback, which may repeat. */
static const struct {
	const char *key;
	unsigned int bit;
} proto_keys[] = {
	{ "enabled", PCFG_ENABLED },
	{ "ports", PCFG_PORTS },
	{ "scan-mode", PCFG_SCAN_MODE },
	{ "scan-timeout", PCFG_SCAN_TIMEOUT },
	{ "trickle-timeout", PCFG_TRICKLE_TIMEOUT },
	{ "max-size", PCFG_MAX_SIZE },
	{ "max-layers", PCFG_MAX_LAYERS },
	{ "header-limit", PCFG_HEADER_LIMIT },
	{ "fallback", 0 },
	{ "notify-type", PCFG_NOTIFY_TYPE },
	{ "message", PCFG_MESSAGE },
	{ "extensions", PCFG_LIST(LIST_EXTENSIONS) },
	{ "mime-bypass", PCFG_LIST(LIST_MIME_BYPASS) },
	{ "mime-scan", PCFG_LIST(LIST_MIME_SCAN) },
	{ "url-bypass", PCFG_LIST(LIST_URL_BYPASS) },
};

static int unknown_proto_key(const char *proto, const char *key)
{
	char names[256];
	size_t k, off = 0, n = ARRAY_SIZE(proto_keys);

	for (k = 0; k < n && off < sizeof(names); k++)
		off += snprintf(names + off, sizeof(names) - off, "%s%s",
				!k ? "" : k == n - 1 ? " or " : ", ",
				proto_keys[k].key);
	err_msg("set %s: unknown keyword \"%s\" (expected %s)", proto, key,
		names);
	return EXIT_USAGE;
}

static int parse_proto(const char *proto, int argc, char **argv,
		       struct nfav_proto_config *pc)
{
	const char *key, *value;
	size_t k;
	int i, ret, used;

	for (i = 0; i < argc; i += 2) {
		key = argv[i];
		for (k = 0; k < ARRAY_SIZE(proto_keys); k++)
			if (!strcmp(key, proto_keys[k].key))
				break;
		if (k == ARRAY_SIZE(proto_keys))
			return unknown_proto_key(proto, key);
		if (!proto_keys[k].bit && i + 2 >= argc) {
			err_msg("fallback needs a reason and an action");
			return EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			err_msg("%s needs a value", key);
			return EXIT_USAGE;
		}
		if (proto_keys[k].bit &&
		    !once(&pc->have, proto_keys[k].bit, key))
			return EXIT_USAGE;
		value = argv[i + 1];
		ret = EXIT_OK;
		switch (proto_keys[k].bit) {
		case PCFG_ENABLED:
			if (!strcmp(value, "yes")) {
				pc->enabled = true;
			} else if (!strcmp(value, "no")) {
				pc->enabled = false;
			} else {
				err_msg("enabled must be yes or no, got \"%s\"",
					value);
				return EXIT_USAGE;
			}
			break;
		case PCFG_PORTS:
			ret = parse_ports(value, pc);
			break;
		case PCFG_SCAN_MODE:
			ret = scan_mode_lookup(value);
			if (ret < 1) {
				err_msg("scan-mode must be scan-all or by-extension, got \"%s\"",
					value);
				return EXIT_USAGE;
			}
			pc->scan_mode = (uint8_t)ret;
			ret = EXIT_OK;
			break;
		case PCFG_SCAN_TIMEOUT:
			ret = parse_range(key, value, NFAV_SCAN_TIMEOUT_MIN,
					  NFAV_SCAN_TIMEOUT_MAX, " seconds",
					  &pc->scan_timeout);
			break;
		case PCFG_TRICKLE_TIMEOUT:
			ret = parse_range(key, value, 0,
					  NFAV_TRICKLE_TIMEOUT_MAX, " seconds",
					  &pc->trickle_timeout);
			break;
		case PCFG_MAX_SIZE:
			ret = parse_u32(key, value, &pc->max_size);
			break;
		case PCFG_MAX_LAYERS:
			ret = parse_range(key, value, 1, NFAV_MAX_LAYERS_MAX, "",
					  &pc->max_layers);
			break;
		case PCFG_HEADER_LIMIT:
			ret = parse_bytes(key, value, NFAV_HEADER_LIMIT_MIN,
					  NFAV_HEADER_LIMIT_MAX,
					  &pc->header_limit);
			break;
		case PCFG_NOTIFY_TYPE:
			ret = notify_lookup(value);
			if (ret < 1) {
				err_msg("notify-type must be message or protocol-only, got \"%s\"",
					value);
				return EXIT_USAGE;
			}
			pc->notify_type = (uint8_t)ret;
			ret = EXIT_OK;
			break;
		case PCFG_MESSAGE:
			ret = parse_message(value, pc);
			break;
		case 0:
			ret = parse_fallback(value, argv[i + 2], pc);
			i++;
			break;
		default:
			ret = parse_list_arg(list_lookup(key), argc - i - 1,
					     argv + i + 1, pc, &used);
			i += used - 1;
			break;
		}
		if (ret)
			return ret;
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

bool set_needs_current(const struct nfav_config *cfg)
{
	int p, id;

	for (p = 1; p <= NFAV_PROTO_MAX; p++)
		for (id = 0; id < NR_LISTS; id++)
			if ((cfg->proto[p].have & PCFG_LIST(id)) &&
			    cfg->proto[p].list_op[id] != LIST_REPLACE)
				return true;
	return false;
}

/*
 * The current list cur with the entries of edit added or deleted, into res.
 * Adding a listed entry does nothing; deleting one that is not listed is an
 * error, and so is growing the list beyond NFAV_LIST_MAX.
 */
static int edit_list(const char *what, int op, const struct nfav_list *cur,
		     const struct nfav_list *edit, struct nfav_list *res)
{
	unsigned int i;
	int at;

	for (i = 0; i < cur->n; i++)
		if (list_append(res, cur->entry[i]))
			goto oom;
	for (i = 0; i < edit->n; i++) {
		at = list_find(res, edit->entry[i]);
		if (op == LIST_DEL) {
			if (at < 0) {
				err_msg("%s: \"%s\" is not in the list", what,
					shown(edit->entry[i]));
				return EXIT_FAIL;
			}
			list_remove(res, at);
		} else if (at < 0) {
			if (res->n == NFAV_LIST_MAX) {
				err_msg("%s: cannot add \"%s\": the list has %d entries, the most it may have",
					what, shown(edit->entry[i]),
					NFAV_LIST_MAX);
				return EXIT_FAIL;
			}
			if (list_append(res, edit->entry[i]))
				goto oom;
		}
	}
	return EXIT_OK;
oom:
	err_msg("out of memory");
	return EXIT_FAIL;
}

int set_apply_current(struct nfav_config *cfg, const struct nfav_config *cur)
{
	const struct nfav_proto_config *cp;
	struct nfav_proto_config *pc;
	struct nfav_list res;
	char what[64];
	int p, id, ret;

	for (p = 1; p <= NFAV_PROTO_MAX; p++) {
		pc = &cfg->proto[p];
		cp = &cur->proto[p];
		for (id = 0; id < NR_LISTS; id++) {
			if (!(pc->have & PCFG_LIST(id)) ||
			    pc->list_op[id] == LIST_REPLACE)
				continue;
			snprintf(what, sizeof(what), "set %s %s %s",
				 proto_name(p), list_info[id].key,
				 pc->list_op[id] == LIST_ADD ? "add" : "del");
			if (!(cp->have & PCFG_LIST(id))) {
				err_msg("%s: the nfav module did not report the current list",
					what);
				return EXIT_FAIL;
			}
			memset(&res, 0, sizeof(res));
			ret = edit_list(what, pc->list_op[id], &cp->list[id],
					&pc->list[id], &res);
			if (ret) {
				list_clear(&res);
				return ret;
			}
			list_clear(&pc->list[id]);
			pc->list[id] = res;
			pc->list_op[id] = LIST_REPLACE;
		}
	}
	return EXIT_OK;
}

static int config_cb(struct nl_msg *msg, void *arg)
{
	config_free(arg);
	return parse_config(msg, arg);
}

int cmd_set(int argc, char **argv)
{
	struct nfav_config cfg, cur;
	struct nfav_nl *nl = NULL;
	struct nl_msg *msg;
	char what[32];
	int ret;

	memset(&cur, 0, sizeof(cur));
	ret = set_parse_args(argc, argv, &cfg);
	if (ret)
		goto out;
	ret = nfav_nl_open(&nl);
	if (ret)
		goto out;
	snprintf(what, sizeof(what), "set %s", argv[1]);
	if (set_needs_current(&cfg)) {
		/* Read, edit, write back: not atomic against other writers. */
		msg = nfav_nl_msg(nl, NFAV_CMD_GET_CONFIG, 0);
		if (!msg) {
			err_msg("out of memory");
			ret = EXIT_FAIL;
			goto out;
		}
		ret = nfav_nl_request(nl, msg, what, config_cb, &cur);
		if (ret)
			goto out;
		ret = set_apply_current(&cfg, &cur);
		if (ret)
			goto out;
	}
	msg = nfav_nl_msg(nl, NFAV_CMD_SET_CONFIG, 0);
	if (!msg || config_put(msg, &cfg)) {
		err_msg("out of memory");
		if (msg)
			nlmsg_free(msg);
		ret = EXIT_FAIL;
		goto out;
	}
	ret = nfav_nl_request(nl, msg, what, NULL, NULL);
out:
	nfav_nl_close(nl);
	config_free(&cur);
	config_free(&cfg);
	return ret;
}
