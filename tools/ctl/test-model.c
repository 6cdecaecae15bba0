// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for nfavctl's parsers and printers, used by test-cli.sh.  It
 * builds netlink messages like the module's replies (including hostile
 * strings and malformed attributes) with libnl, runs them through the very
 * parse_*() and print_*() functions nfavctl uses, and prints the result.
 *
 *   test-model [-j|-p] KIND
 *   test-model [-j|-p] set ARGS...     set_parse_args + config_put + parse;
 *                                      list edits (add, del) are applied to
 *                                      the "config" reply
 *   test-model extack|extack-eperm|extack-fallback|extack-message|extack-list
 *   test-model offset-enabled|offset-notify-type
 *   test-model nlctrl-doit|nlctrl-dump|nlctrl-einval|nlctrl-enoent
 *   test-model listen       monitor loop on nlctrl "notify" until a signal
 *
 * Exit status: 0, 1 when parsing failed, or set_parse_args()'s exit code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nfavctl.h"

#define FAKE_FAMILY 0x42
#define EVENT_TIME ((time_t)1764480000)
/* Crafted replies may be larger than a request. */
#define REPLY_SIZE (4 * NFAV_NL_MSG_SIZE)

static struct nl_msg *new_msg_size(uint8_t cmd, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	genlmsg_put(msg, 1, 1, FAKE_FAMILY, 0, 0, cmd, NFAV_GENL_VERSION);
	return msg;
}

static struct nl_msg *new_msg(uint8_t cmd)
{
	return new_msg_size(cmd, REPLY_SIZE);
}

static void put_addr(struct nl_msg *msg, int attr, int family, const char *s)
{
	unsigned char a[16];

	inet_pton(family, s, a);
	nla_put(msg, attr, family == AF_INET ? 4 : 16, a);
}

static struct nl_msg *build_status(bool daemon)
{
	struct nl_msg *msg = new_msg(NFAV_CMD_GET_STATUS);

	nla_put_string(msg, NFAV_A_VERSION, "0.1");
	if (daemon) {
		nla_put_u32(msg, NFAV_A_DAEMON_PID, 123);
		nla_put_u32(msg, NFAV_A_DAEMON_PORTID, 4567);
		nla_put_u32(msg, NFAV_A_ENGINE_SIGNATURES, 2);
		nla_put_u32(msg, NFAV_A_ENGINE_VERSION, 0);
		nla_put_u64(msg, NFAV_A_ENGINE_LOADED, 1764480000);
		nla_put_string(msg, NFAV_A_ENGINE_LIBVERSION, "ClamAV 1.4.6");
	}
	nla_put_u32(msg, NFAV_A_FLOWS, 3);
	nla_put_u32(msg, NFAV_A_PENDING, 1);
	nla_put_u64(msg, NFAV_A_HELD_BYTES, 12345);
	nla_put_u64(msg, NFAV_A_QUEUED_BYTES, 0);
	return msg;
}

/* Every kind of byte that must not reach a terminal or break JSON raw. */
static const char nasty[] =
	"a\"b\\c\nd\re\tf\x01g\x1b[31mred\x7f"
	"\xff\xfe"			/* invalid bytes */
	"\xc3\x28"			/* bad continuation */
	"\xc0\xaf"			/* overlong '/' */
	"\xed\xa0\x80"			/* surrogate */
	"\xf4\x90\x80\x80"		/* above U+10FFFF */
	"\xc2\x9b" "2J"			/* C1 CSI */
	"\xe2\x80\xae" "gpj.exe"	/* right-to-left override */
	"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80" /* valid: u-umlaut, euro, emoji */
	"\xe2";				/* truncated sequence at the end */

/* A custom notice text with everything that needs escaping somewhere. */
static const char notice[] =
	"Say \"no\" to C:\\virus <b>&amp;</b> 'x' \xc3\xbc";

/* A list attribute of comma separated entries; "" gives an empty nest. */
static void put_list(struct nl_msg *msg, int attr, const char *entries)
{
	struct nlattr *nest;
	const char *p, *end;
	char buf[512];
	size_t len;

	if (!*entries) {
		nla_put(msg, NLA_F_NESTED | attr, 0, NULL);
		return;
	}
	nest = nla_nest_start(msg, NLA_F_NESTED | attr);
	for (p = entries; ; p = end + 1) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		memcpy(buf, p, len);
		buf[len] = '\0';
		nla_put_string(msg, NFAV_L_ENTRY, buf);
		if (!end)
			break;
	}
	nla_nest_end(msg, nest);
}

/* Extensions e0,e1,...: n of them. */
static void put_numbered_list(struct nl_msg *msg, int attr, int n)
{
	struct nlattr *nest;
	char buf[16];
	int i;

	nest = nla_nest_start(msg, NLA_F_NESTED | attr);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "e%d", i);
		nla_put_string(msg, NFAV_L_ENTRY, buf);
	}
	nla_nest_end(msg, nest);
}

/*
 * The new settings of protocol i: http has short lists, ftp empty ones,
 * smtp none (an older module) and a scan mode from a newer one, pop3 a full
 * extension list.
 */
static void put_scan_settings(struct nl_msg *msg, int i)
{
	nla_put_u32(msg, NFAV_P_MAX_LAYERS, 8 + i);
	nla_put_u32(msg, NFAV_P_HEADER_LIMIT, 65536);
	nla_put_u8(msg, NFAV_P_SCAN_MODE,
		   i == NFAV_PROTO_HTTP ? NFAV_SCAN_BY_EXTENSION :
		   i == NFAV_PROTO_SMTP ? NFAV_SCAN_MAX + 1 : NFAV_SCAN_ALL);
	if (i == NFAV_PROTO_SMTP)
		return;
	if (i == NFAV_PROTO_POP3)
		put_numbered_list(msg, NFAV_P_EXTENSIONS, NFAV_LIST_MAX);
	else
		put_list(msg, NFAV_P_EXTENSIONS,
			 i == NFAV_PROTO_HTTP ? "exe,dll,zip" : "");
	put_list(msg, NFAV_P_MIME_BYPASS,
		 i == NFAV_PROTO_HTTP ? "image/,video/" : "");
	put_list(msg, NFAV_P_MIME_SCAN,
		 i == NFAV_PROTO_HTTP ? "image/svg+xml" : "");
	put_list(msg, NFAV_P_URL_BYPASS, i == NFAV_PROTO_HTTP ?
		 ".windowsupdate.com,example.org/static/" : "");
}

static struct nl_msg *build_config(int nprotos, bool odd_ports)
{
	static const uint16_t ports[] = { 80, 8080 };
	struct nl_msg *msg = new_msg(NFAV_CMD_GET_CONFIG);
	struct nlattr *protos, *p, *fb;
	int i, r;

	nla_put_u32(msg, NFAV_A_MAX_FLOWS, 65536);
	nla_put_u32(msg, NFAV_A_FLOW_TIMEOUT, 300);
	nla_put_u32(msg, NFAV_A_HOLD_LIMIT, 262144);
	nla_put_u32(msg, NFAV_A_MEM_LIMIT, 65536);
	nla_put_u32(msg, NFAV_A_MAX_REQUESTS, 4000);
	protos = nla_nest_start(msg, NLA_F_NESTED | NFAV_A_PROTOS);
	for (i = 1; i <= nprotos; i++) {
		p = nla_nest_start(msg, NLA_F_NESTED | i);
		nla_put_u8(msg, NFAV_P_ENABLED, i == NFAV_PROTO_HTTP);
		nla_put(msg, NFAV_P_PORTS, odd_ports ? 3 : sizeof(ports),
			ports);
		nla_put_u32(msg, NFAV_P_SCAN_TIMEOUT, 180);
		nla_put_u32(msg, NFAV_P_MAX_SIZE, 10000);
		nla_put_u8(msg, NFAV_P_NOTIFY_TYPE,
			   i == NFAV_PROTO_FTP ? NFAV_NOTIFY_PROTOCOL_ONLY :
			   i == NFAV_PROTO_SMTP ? NFAV_NOTIFY_MAX + 1 :
			   NFAV_NOTIFY_MESSAGE);
		nla_put_string(msg, NFAV_P_MESSAGE,
			       i == NFAV_PROTO_HTTP ? notice : "");
		put_scan_settings(msg, i);
		fb = nla_nest_start(msg, NLA_F_NESTED | NFAV_P_FALLBACKS);
		for (r = 1; r <= NFAV_REASON_MAX; r++)
			nla_put_u8(msg, r, r == NFAV_REASON_ENGINE_NOT_READY ?
				   NFAV_ACTION_LOG_PERMIT : NFAV_ACTION_BLOCK);
		/* A reason from a newer module: skipped. */
		nla_put_u8(msg, NFAV_REASON_MAX + 5, NFAV_ACTION_BLOCK);
		nla_nest_end(msg, fb);
		nla_nest_end(msg, p);
	}
	/* A protocol from a newer module: skipped. */
	p = nla_nest_start(msg, NLA_F_NESTED | (NFAV_PROTO_MAX + 3));
	nla_put_u8(msg, NFAV_P_ENABLED, 1);
	nla_nest_end(msg, p);
	nla_nest_end(msg, protos);
	return msg;
}

/* An entry of c repeated len times. */
static void put_entry_of(struct nl_msg *msg, char c, size_t len)
{
	char buf[NFAV_URL_ENTRY_MAX + 2];

	memset(buf, c, len);
	buf[len] = '\0';
	nla_put_string(msg, NFAV_L_ENTRY, buf);
}

/*
 * Lists at their limits for http and ftp: NFAV_LIST_MAX entries of the
 * longest length each; with over, one entry more or one longer entry.
 */
static struct nl_msg *build_long_lists(const char *over)
{
	static const unsigned int max[] = {
		NFAV_EXTENSION_MAX, NFAV_MIME_MAX, NFAV_MIME_MAX,
		NFAV_URL_ENTRY_MAX,
	};
	static const int attrs[] = {
		NFAV_P_EXTENSIONS, NFAV_P_MIME_BYPASS, NFAV_P_MIME_SCAN,
		NFAV_P_URL_BYPASS,
	};
	struct nl_msg *msg = new_msg(NFAV_CMD_GET_CONFIG);
	struct nlattr *protos, *p, *l;
	int proto, k, i;

	protos = nla_nest_start(msg, NLA_F_NESTED | NFAV_A_PROTOS);
	for (proto = NFAV_PROTO_HTTP; proto <= NFAV_PROTO_FTP; proto++) {
		p = nla_nest_start(msg, NLA_F_NESTED | proto);
		for (k = 0; k < 4; k++) {
			l = nla_nest_start(msg, NLA_F_NESTED | attrs[k]);
			for (i = 0; i < NFAV_LIST_MAX; i++)
				put_entry_of(msg, 'a' + i % 26,
					     max[k] - (i < 26 ? 0 : 1 + i / 26));
			if (over && !strcmp(over, "count") && k == 3)
				put_entry_of(msg, 'z', 1);
			if (over && !strcmp(over, "length") && k == 0)
				put_entry_of(msg, 'z', max[k] + 1);
			nla_nest_end(msg, l);
		}
		nla_nest_end(msg, p);
	}
	nla_nest_end(msg, protos);
	return msg;
}

/* Hostile list entries: what the text output must quote or escape. */
static struct nl_msg *build_nasty_lists(void)
{
	struct nl_msg *msg = new_msg(NFAV_CMD_GET_CONFIG);
	struct nlattr *protos, *p, *l;
	static const char nonul[] = "no-nul";

	protos = nla_nest_start(msg, NLA_F_NESTED | NFAV_A_PROTOS);
	p = nla_nest_start(msg, NLA_F_NESTED | NFAV_PROTO_HTTP);
	l = nla_nest_start(msg, NLA_F_NESTED | NFAV_P_URL_BYPASS);
	nla_put(msg, NFAV_L_ENTRY, sizeof(nasty) - 1, nasty);
	nla_put_string(msg, NFAV_L_ENTRY, "a,b");
	nla_put_string(msg, NFAV_L_ENTRY, "");
	nla_put(msg, NFAV_L_ENTRY, sizeof(nonul) - 1, nonul);
	nla_put(msg, NFAV_L_ENTRY, sizeof("cut\0hidden"), "cut\0hidden");
	/* A member type from a newer module: skipped. */
	nla_put_string(msg, NFAV_L_MAX + 1, "skipped");
	nla_put_string(msg, NFAV_L_ENTRY, "plain.example/x");
	nla_nest_end(msg, l);
	/* Two empty nests: lists that are set and empty. */
	nla_put(msg, NLA_F_NESTED | NFAV_P_MIME_SCAN, 0, NULL);
	nla_put(msg, NLA_F_NESTED | NFAV_P_EXTENSIONS, 0, NULL);
	nla_nest_end(msg, p);
	nla_nest_end(msg, protos);
	return msg;
}

static struct nl_msg *build_stats(void)
{
	struct nl_msg *msg = new_msg(NFAV_CMD_GET_STATS);
	struct nlattr *protos, *p, *s, *fb, *r;
	int i, c, reason, a;

	protos = nla_nest_start(msg, NLA_F_NESTED | NFAV_A_PROTOS);
	for (i = 1; i <= NFAV_PROTO_MAX; i++) {
		p = nla_nest_start(msg, NLA_F_NESTED | i);
		s = nla_nest_start(msg, NLA_F_NESTED | NFAV_P_STATS);
		for (c = NFAV_S_FLOWS; c <= NFAV_S_MAX; c++)
			if (c != NFAV_S_FALLBACKS)
				nla_put_u64(msg, c, (uint64_t)i * 100 + c);
		/* A counter from a newer module: skipped. */
		nla_put_u64(msg, NFAV_S_MAX + 1, 999);
		fb = nla_nest_start(msg, NLA_F_NESTED | NFAV_S_FALLBACKS);
		for (reason = 1; reason <= NFAV_REASON_MAX; reason++) {
			r = nla_nest_start(msg, NLA_F_NESTED | reason);
			for (a = 1; a <= NFAV_ACTION_MAX; a++)
				nla_put_u64(msg, a, reason * 10 + a);
			nla_nest_end(msg, r);
		}
		nla_nest_end(msg, fb);
		nla_nest_end(msg, s);
		nla_nest_end(msg, p);
	}
	nla_nest_end(msg, protos);
	return msg;
}

static struct nl_msg *build_flow(int family, const char *c, const char *s,
				 uint8_t state, uint32_t age)
{
	struct nl_msg *msg = new_msg(NFAV_CMD_GET_FLOWS);
	struct nlattr *f;

	f = nla_nest_start(msg, NLA_F_NESTED | NFAV_A_FLOW);
	nla_put_u8(msg, NFAV_F_PROTO, NFAV_PROTO_HTTP);
	nla_put_u8(msg, NFAV_F_FAMILY, family);
	put_addr(msg, NFAV_F_CLIENT_ADDR, family, c);
	put_addr(msg, NFAV_F_SERVER_ADDR, family, s);
	nla_put_u16(msg, NFAV_F_CLIENT_PORT, 40000);
	nla_put_u16(msg, NFAV_F_SERVER_PORT, 80);
	nla_put_u8(msg, NFAV_F_STATE, state);
	nla_put_u32(msg, NFAV_F_HELD_BYTES, 0);
	nla_put_u32(msg, NFAV_F_PENDING, 0);
	nla_put_u32(msg, NFAV_F_AGE, age);
	nla_put_u64(msg, NFAV_F_OBJECTS, 1);
	nla_nest_end(msg, f);
	return msg;
}

static struct nl_msg *build_event(int kind)
{
	struct nl_msg *msg = new_msg(NFAV_CMD_EVENT);
	struct nlattr *o;
	bool v6 = kind == 2;

	nla_put_u8(msg, NFAV_A_EVENT, kind == 0 ? NFAV_EVENT_DETECTION :
		   kind == 2 ? NFAV_EVENT_EVASION : NFAV_EVENT_FALLBACK);
	o = nla_nest_start(msg, NLA_F_NESTED | NFAV_A_OBJECT);
	nla_put_u8(msg, NFAV_O_PROTO, NFAV_PROTO_HTTP);
	nla_put_u8(msg, NFAV_O_DIRECTION, NFAV_DIR_DOWNLOAD);
	nla_put_u8(msg, NFAV_O_FAMILY, v6 ? AF_INET6 : AF_INET);
	put_addr(msg, NFAV_O_CLIENT_ADDR, v6 ? AF_INET6 : AF_INET,
		 v6 ? "2001:db8::2" : "192.0.2.2");
	put_addr(msg, NFAV_O_SERVER_ADDR, v6 ? AF_INET6 : AF_INET,
		 v6 ? "2001:db8:1::2" : "198.51.100.2");
	nla_put_u16(msg, NFAV_O_CLIENT_PORT, 40000);
	nla_put_u16(msg, NFAV_O_SERVER_PORT, 80);
	if (kind == 3) {
		/* Hostile strings, the name without its terminating NUL. */
		nla_put(msg, NFAV_O_NAME, sizeof(nasty) - 1, nasty);
		nla_put(msg, NFAV_O_URL, sizeof(nasty), nasty);
		nla_put(msg, NFAV_O_CONTENT_TYPE, sizeof(nasty), nasty);
		nla_put(msg, NFAV_O_HOST, sizeof(nasty), nasty);
		nla_put(msg, NFAV_O_ENCODING, sizeof(nasty) - 1, nasty);
	} else if (kind != 2) {
		nla_put_string(msg, NFAV_O_NAME, "eicar.com");
		nla_put_string(msg, NFAV_O_URL, "http://198.51.100.2/eicar.com");
		nla_put_string(msg, NFAV_O_CONTENT_TYPE, "application/octet-stream");
	}
	if (kind == 0) {
		nla_put_string(msg, NFAV_O_HOST, "www.example.com");
		nla_put_string(msg, NFAV_O_ENCODING, "gzip,br");
	}
	nla_put_u32(msg, NFAV_O_MAX_LAYERS, 8);
	nla_nest_end(msg, o);
	if (kind == 0 || kind == 3)
		nla_put(msg, NFAV_A_VIRUS, kind == 3 ? sizeof(nasty) :
			sizeof("Eicar-Signature"),
			kind == 3 ? nasty : "Eicar-Signature");
	if (kind == 1) {
		nla_put_u8(msg, NFAV_A_REASON, NFAV_REASON_TIMEOUT);
		nla_put_u8(msg, NFAV_A_ACTION, NFAV_ACTION_LOG_PERMIT);
	} else {
		nla_put_u8(msg, NFAV_A_ACTION, NFAV_ACTION_BLOCK);
	}
	return msg;
}

/* A fake NLMSG_ERROR for request sent, with extended-ack TLVs. */
static int run_extack(int error, int target, const char *text, bool done)
{
	static char *args[] = { "set", "http", "enabled", "yes",
				"scan-timeout", "5", "notify-type",
				"protocol-only", "message", "hello",
				"url-bypass", "a.example,b.example/x",
				"fallback", "timeout", "block", NULL };
	struct nfav_config cfg;
	struct nl_msg *sent, *err;
	struct nlmsghdr *sh, *eh;
	struct nlmsgerr *e;
	struct nlattr *a;
	uint32_t off = 0;
	int rem, rem2, rem3, ret;

	if (set_parse_args((int)ARRAY_SIZE(args) - 1, args, &cfg))
		return EXIT_FAIL;
	sent = new_msg(NFAV_CMD_SET_CONFIG);
	config_put(sent, &cfg);
	config_free(&cfg);
	sh = nlmsg_hdr(sent);

	/* Find the offset of the target attribute inside http's nest. */
	nlmsg_for_each_attr(a, sh, GENL_HDRLEN, rem) {
		struct nlattr *p, *q, *r;

		if (nla_type(a) != NFAV_A_PROTOS)
			continue;
		nla_for_each_nested(p, a, rem2) {
			nla_for_each_nested(q, p, rem3) {
				if (nla_type(q) == target)
					off = (char *)q - (char *)sh;
				if (target == -1 &&
				    nla_type(q) == NFAV_P_FALLBACKS) {
					r = nla_data(q);
					off = (char *)r - (char *)sh;
				}
				/* -2: the second entry of url-bypass. */
				if (target == -2 &&
				    nla_type(q) == NFAV_P_URL_BYPASS) {
					r = nla_next(nla_data(q), &rem3);
					off = (char *)r - (char *)sh;
				}
			}
		}
	}

	err = nlmsg_alloc_simple(done ? NLMSG_DONE : NLMSG_ERROR,
				 NLM_F_CAPPED | NLM_F_ACK_TLVS);
	if (done) {
		nlmsg_append(err, &error, sizeof(error), NLMSG_ALIGNTO);
	} else {
		e = nlmsg_reserve(err, sizeof(*e), NLMSG_ALIGNTO);
		memset(e, 0, sizeof(*e));
		e->error = error;
		e->msg = *sh;
	}
	if (text)
		nla_put_string(err, NLMSGERR_ATTR_MSG, text);
	if (off)
		nla_put_u32(err, NLMSGERR_ATTR_OFFS, off);
	eh = nlmsg_hdr(err);
	if (done) {
		/* Exercise the dump path's parser on a DONE message. */
		struct nlattr *tlv = (struct nlattr *)((char *)eh +
				NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int)));
		char buf[128];

		(void)tlv;
		ret = describe_attr_offset(sh, off, buf, sizeof(buf));
		printf("%s\n", ret ? "?" : buf);
		ret = EXIT_OK;
	} else {
		ret = report_kernel_error(eh, sh, "set http");
	}
	nlmsg_free(err);
	nlmsg_free(sent);
	return ret;
}

static int count_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(*(int *)arg)++;
	return 0;
}

/*
 * The request/reply machinery against a real kernel family, nlctrl: a doit
 * with a reply and an ack, a dump, and a kernel error.
 */
static int run_nlctrl(const char *what)
{
	struct nfav_nl *nl;
	struct nl_msg *msg;
	int count = 0, ret;

	ret = nfav_nl_open_family(&nl, "nlctrl");
	if (ret)
		return ret;
	msg = nfav_nl_msg(nl, CTRL_CMD_GETFAMILY,
			  !strcmp(what, "dump") ? NLM_F_DUMP : 0);
	if (!strcmp(what, "doit"))
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	else if (!strcmp(what, "einval"))	/* longer than GENL_NAMSIZ */
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nfav-no-such-family");
	else if (!strcmp(what, "enoent"))
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nfav-nosuch");
	ret = nfav_nl_request(nl, msg, "nlctrl", count_cb, &count);
	nfav_nl_close(nl);
	printf("replies %d\n", count);
	return ret;
}

/*
 * What cmd_set() does, with the "config" reply as the current
 * configuration, and the request parsed back and printed.  The request has
 * the size nfavctl gives it.
 */
static int run_set(int argc, char **argv)
{
	struct nfav_config cfg, cur, back;
	struct nl_msg *msg;
	int ret;

	memset(&cur, 0, sizeof(cur));
	memset(&back, 0, sizeof(back));
	ret = set_parse_args(argc, argv, &cfg);
	if (!ret && set_needs_current(&cfg)) {
		msg = build_config(NFAV_PROTO_MAX, false);
		ret = parse_config(msg, &cur) ? EXIT_FAIL :
		      set_apply_current(&cfg, &cur);
		nlmsg_free(msg);
	}
	if (!ret) {
		msg = new_msg_size(NFAV_CMD_SET_CONFIG, NFAV_NL_MSG_SIZE);
		if (config_put(msg, &cfg) || parse_config(msg, &back)) {
			fprintf(stderr, "test-model: config_put failed\n");
			ret = EXIT_FAIL;
		} else {
			print_config(&back);
		}
		nlmsg_free(msg);
	}
	config_free(&cfg);
	config_free(&cur);
	config_free(&back);
	return ret;
}

/* A reply parsed, printed, put into a request and parsed back the same. */
static int run_config(struct nl_msg *reply, bool round_trip)
{
	struct nfav_config cfg, back;
	struct nl_msg *msg;
	int ret = EXIT_OK;

	memset(&back, 0, sizeof(back));
	if (parse_config(reply, &cfg)) {
		ret = EXIT_FAIL;
	} else if (!round_trip) {
		print_config(&cfg);
	} else {
		msg = new_msg(NFAV_CMD_SET_CONFIG);
		if (config_put(msg, &cfg) || parse_config(msg, &back))
			ret = EXIT_FAIL;
		else
			print_config(&back);
		nlmsg_free(msg);
	}
	config_free(&cfg);
	config_free(&back);
	nlmsg_free(reply);
	return ret;
}

int main(int argc, char **argv)
{
	union {
		struct nfav_status status;
		struct nfav_config config;
		struct nfav_stats stats;
		struct nfav_event_msg event;
	} u;
	struct nfav_flows flows = { 0 };
	struct nfav_flow flow;
	struct nl_msg *msg[3] = { NULL };
	const char *kind;
	int ret = EXIT_OK, i;

	while (argc > 1 && argv[1][0] == '-') {
		opts.json = true;
		opts.pretty = !strcmp(argv[1], "-p");
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: test-model [-j|-p] KIND\n");
		return EXIT_USAGE;
	}
	kind = argv[1];
	if (!strcmp(kind, "set"))
		return run_set(argc - 1, argv + 1);
	if (!strcmp(kind, "listen")) {
		/* The monitor loop on nlctrl's group, until SIGINT/SIGTERM. */
		struct nfav_nl *nl;

		ret = nfav_nl_open_family(&nl, "nlctrl");
		if (ret)
			return ret;
		printf("listening\n");
		fflush(stdout);
		ret = monitor_run(nl, "nlctrl", "notify");
		nfav_nl_close(nl);
		return ret;
	}
	if (!strncmp(kind, "nlctrl-", 7))
		return run_nlctrl(kind + 7);
	if (!strcmp(kind, "extack"))
		return run_extack(-EINVAL, NFAV_P_SCAN_TIMEOUT,
				  "scan timeout out of range", false);
	if (!strcmp(kind, "extack-eperm"))
		return run_extack(-EPERM, 0, NULL, false);
	if (!strcmp(kind, "extack-fallback"))
		return run_extack(-ERANGE, -1, "bad action", false);
	if (!strcmp(kind, "offset-enabled"))
		return run_extack(-EINVAL, NFAV_P_ENABLED, NULL, true);
	if (!strcmp(kind, "offset-notify-type"))
		return run_extack(-EINVAL, NFAV_P_NOTIFY_TYPE, NULL, true);
	if (!strcmp(kind, "extack-message"))
		return run_extack(-EINVAL, NFAV_P_MESSAGE,
				  "message too long", false);
	if (!strcmp(kind, "extack-list"))
		return run_extack(-EINVAL, -2, "invalid host", false);
	if (!strcmp(kind, "offset-list"))
		return run_extack(-EINVAL, NFAV_P_URL_BYPASS, NULL, true);
	if (!strcmp(kind, "config-long"))
		return run_config(build_long_lists(NULL), true);
	if (!strcmp(kind, "config-nasty"))
		return run_config(build_nasty_lists(), false);
	if (!strcmp(kind, "malformed-list-count"))
		return run_config(build_long_lists("count"), false);
	if (!strcmp(kind, "malformed-list-length"))
		return run_config(build_long_lists("length"), false);

	if (!strcmp(kind, "status") || !strcmp(kind, "status-nodaemon")) {
		msg[0] = build_status(!strcmp(kind, "status"));
		if (parse_status(msg[0], &u.status))
			ret = EXIT_FAIL;
		else
			print_status(&u.status);
	} else if (!strcmp(kind, "malformed-status")) {
		msg[0] = new_msg(NFAV_CMD_GET_STATUS);
		nla_put_u16(msg[0], NFAV_A_FLOWS, 3);	/* u32 expected */
		ret = parse_status(msg[0], &u.status) ? EXIT_FAIL : EXIT_OK;
	} else if (!strcmp(kind, "config") || !strcmp(kind, "config-http") ||
		   !strcmp(kind, "malformed-ports")) {
		msg[0] = build_config(!strcmp(kind, "config") ?
				      NFAV_PROTO_MAX : 1,
				      !strcmp(kind, "malformed-ports"));
		if (parse_config(msg[0], &u.config))
			ret = EXIT_FAIL;
		else
			print_config(&u.config);
		config_free(&u.config);
	} else if (!strcmp(kind, "stats")) {
		msg[0] = build_stats();
		if (parse_stats(msg[0], &u.stats))
			ret = EXIT_FAIL;
		else
			print_stats(&u.stats);
	} else if (!strcmp(kind, "flows") || !strcmp(kind, "flows-empty")) {
		if (!strcmp(kind, "flows")) {
			msg[0] = build_flow(AF_INET, "192.0.2.2",
					    "198.51.100.2", NFAV_FLOW_ACTIVE,
					    1200);
			msg[1] = build_flow(AF_INET6, "2001:db8::2",
					    "2001:db8:1::2", NFAV_FLOW_BLOCKED,
					    61234);
			msg[2] = build_flow(AF_INET, "192.0.2.3",
					    "198.51.100.2", 77, 5);
		}
		for (i = 0; i < 3 && msg[i]; i++) {
			if (parse_flow(msg[i], &flow) ||
			    flows_append(&flows, &flow))
				ret = EXIT_FAIL;
		}
		if (!ret)
			print_flows(&flows);
		flows_free(&flows);
	} else if (!strncmp(kind, "event-", 6)) {
		static const char *const kinds[] = {
			"detection", "fallback", "evasion", "nasty",
		};

		for (i = 0; i < 4; i++)
			if (!strcmp(kind + 6, kinds[i]))
				break;
		if (i == 4) {
			fprintf(stderr, "test-model: unknown kind %s\n", kind);
			return EXIT_USAGE;
		}
		msg[0] = build_event(i);
		if (parse_event(msg[0], &u.event))
			ret = EXIT_FAIL;
		else
			print_event(&u.event, EVENT_TIME);
	} else {
		fprintf(stderr, "test-model: unknown kind %s\n", kind);
		return EXIT_USAGE;
	}
	for (i = 0; i < 3; i++)
		if (msg[i])
			nlmsg_free(msg[i]);
	return ret;
}
