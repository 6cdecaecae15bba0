// SPDX-License-Identifier: GPL-2.0
/*
 * Keywords for the enums of the netlink contract.  The same words are used on
 * the command line, in text output and in JSON output.
 */
#include <string.h>
#include <sys/socket.h>

#include "nfavctl.h"

static const char *const proto_names[NFAV_PROTO_MAX + 1] = {
	[NFAV_PROTO_HTTP] = "http",
	[NFAV_PROTO_FTP] = "ftp",
	[NFAV_PROTO_SMTP] = "smtp",
	[NFAV_PROTO_POP3] = "pop3",
	[NFAV_PROTO_IMAP] = "imap",
};

static const char *const reason_names[NFAV_REASON_MAX + 1] = {
	[NFAV_REASON_DEFAULT] = "default",
	[NFAV_REASON_CORRUPT_FILE] = "corrupt-file",
	[NFAV_REASON_PASSWORD_FILE] = "password-file",
	[NFAV_REASON_DECOMPRESS_LAYER] = "decompress-layer",
	[NFAV_REASON_CONTENT_SIZE] = "content-size",
	[NFAV_REASON_ENGINE_NOT_READY] = "engine-not-ready",
	[NFAV_REASON_TIMEOUT] = "timeout",
	[NFAV_REASON_OUT_OF_RESOURCES] = "out-of-resources",
	[NFAV_REASON_TOO_MANY_REQUESTS] = "too-many-requests",
	[NFAV_REASON_MALFORMED] = "malformed",
};

static const char *const action_names[NFAV_ACTION_MAX + 1] = {
	[NFAV_ACTION_PERMIT] = "permit",
	[NFAV_ACTION_LOG_PERMIT] = "log-and-permit",
	[NFAV_ACTION_BLOCK] = "block",
};

static const char *const notify_names[NFAV_NOTIFY_MAX + 1] = {
	[NFAV_NOTIFY_MESSAGE] = "message",
	[NFAV_NOTIFY_PROTOCOL_ONLY] = "protocol-only",
};

static const char *const scan_mode_names[NFAV_SCAN_MAX + 1] = {
	[NFAV_SCAN_ALL] = "scan-all",
	[NFAV_SCAN_BY_EXTENSION] = "by-extension",
};

const struct nfav_list_info list_info[NR_LISTS] = {
	[LIST_EXTENSIONS] = {
		.key = "extensions", .json = "extensions",
		.attr = NFAV_P_EXTENSIONS, .max = NFAV_EXTENSION_MAX,
		.defaults = NFAV_DEFAULT_EXTENSIONS,
	},
	[LIST_MIME_BYPASS] = {
		.key = "mime-bypass", .json = "mime_bypass",
		.attr = NFAV_P_MIME_BYPASS, .max = NFAV_MIME_MAX,
	},
	[LIST_MIME_SCAN] = {
		.key = "mime-scan", .json = "mime_scan",
		.attr = NFAV_P_MIME_SCAN, .max = NFAV_MIME_MAX,
	},
	[LIST_URL_BYPASS] = {
		.key = "url-bypass", .json = "url_bypass",
		.attr = NFAV_P_URL_BYPASS, .max = NFAV_URL_ENTRY_MAX,
	},
};

static const char *const event_names[NFAV_EVENT_MAX + 1] = {
	[NFAV_EVENT_DETECTION] = "detection",
	[NFAV_EVENT_FALLBACK] = "fallback",
	[NFAV_EVENT_EVASION] = "evasion",
};

static const char *const state_names[] = {
	[NFAV_FLOW_HANDSHAKE] = "handshake",
	[NFAV_FLOW_ACTIVE] = "active",
	[NFAV_FLOW_BYPASS] = "bypass",
	[NFAV_FLOW_BLOCKED] = "blocked",
	[NFAV_FLOW_CLOSING] = "closing",
};

static const char *const direction_names[] = {
	[NFAV_DIR_DOWNLOAD] = "download",
	[NFAV_DIR_UPLOAD] = "upload",
};

static const char *name_of(const char *const *table, size_t n, unsigned int v)
{
	if (v < n && table[v])
		return table[v];
	return "unknown";
}

static int lookup(const char *const *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i] && !strcmp(table[i], name))
			return (int)i;
	return -1;
}

const char *proto_name(unsigned int v)
{
	return name_of(proto_names, ARRAY_SIZE(proto_names), v);
}

int proto_lookup(const char *name)
{
	return lookup(proto_names, ARRAY_SIZE(proto_names), name);
}

const char *reason_name(unsigned int v)
{
	return name_of(reason_names, ARRAY_SIZE(reason_names), v);
}

int reason_lookup(const char *name)
{
	return lookup(reason_names, ARRAY_SIZE(reason_names), name);
}

const char *action_name(unsigned int v)
{
	return name_of(action_names, ARRAY_SIZE(action_names), v);
}

int action_lookup(const char *name)
{
	return lookup(action_names, ARRAY_SIZE(action_names), name);
}

const char *notify_name(unsigned int v)
{
	return name_of(notify_names, ARRAY_SIZE(notify_names), v);
}

int notify_lookup(const char *name)
{
	return lookup(notify_names, ARRAY_SIZE(notify_names), name);
}

const char *scan_mode_name(unsigned int v)
{
	return name_of(scan_mode_names, ARRAY_SIZE(scan_mode_names), v);
}

int scan_mode_lookup(const char *name)
{
	return lookup(scan_mode_names, ARRAY_SIZE(scan_mode_names), name);
}

const char *event_name(unsigned int v)
{
	return name_of(event_names, ARRAY_SIZE(event_names), v);
}

const char *flow_state_name(unsigned int v)
{
	return name_of(state_names, ARRAY_SIZE(state_names), v);
}

const char *direction_name(unsigned int v)
{
	return name_of(direction_names, ARRAY_SIZE(direction_names), v);
}

const char *family_name(unsigned int family)
{
	switch (family) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	default:
		return "unknown";
	}
}
