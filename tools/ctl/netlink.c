// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the nfav generic netlink family: resolving it, request/reply
 * and dump transactions with extended-ack error reporting, and listening to
 * the "events" multicast group.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nfavctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct nfav_nl {
	struct nl_sock *sk;
	int family;
};

int nfav_nl_open(struct nfav_nl **nlp)
{
	return nfav_nl_open_family(nlp, NFAV_GENL_NAME);
}

int nfav_nl_open_family(struct nfav_nl **nlp, const char *name)
{
	struct nfav_nl *nl;
	int one = 1, err;

	*nlp = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		err_msg("out of memory");
		return EXIT_FAIL;
	}
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		err_msg("out of memory");
		free(nl);
		return EXIT_FAIL;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		err_msg("cannot open a generic netlink socket: %s",
			nl_geterror(err));
		nfav_nl_close(nl);
		return EXIT_FAIL;
	}
	/* Extended acks carry the kernel's reason; older kernels lack them. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	nl->family = genl_ctrl_resolve(nl->sk, name);
	if (nl->family == -NLE_OBJ_NOTFOUND) {
		err_msg("%s module is not loaded", name);
		nfav_nl_close(nl);
		return EXIT_NOMODULE;
	}
	if (nl->family < 0) {
		err_msg("cannot resolve the %s netlink family: %s", name,
			nl_geterror(nl->family));
		nfav_nl_close(nl);
		return EXIT_FAIL;
	}
	*nlp = nl;
	return EXIT_OK;
}

void nfav_nl_close(struct nfav_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *nfav_nl_msg(struct nfav_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(NFAV_NL_MSG_SIZE);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags, cmd, NFAV_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static const char *const top_attr_names[NFAV_A_MAX + 1] = {
	[NFAV_A_MAX_FLOWS] = "max-flows",
	[NFAV_A_FLOW_TIMEOUT] = "flow-timeout",
	[NFAV_A_HOLD_LIMIT] = "hold-limit",
	[NFAV_A_MEM_LIMIT] = "mem-limit",
	[NFAV_A_MAX_REQUESTS] = "max-requests",
	[NFAV_A_PROTOS] = "protocols",
};

static const char *const proto_attr_names[NFAV_P_MAX + 1] = {
	[NFAV_P_ENABLED] = "enabled",
	[NFAV_P_PORTS] = "ports",
	[NFAV_P_SCAN_TIMEOUT] = "scan-timeout",
	[NFAV_P_TRICKLE_TIMEOUT] = "trickle-timeout",
	[NFAV_P_MAX_SIZE] = "max-size",
	[NFAV_P_FALLBACKS] = "fallback",
	[NFAV_P_NOTIFY_TYPE] = "notify-type",
	[NFAV_P_MESSAGE] = "message",
	[NFAV_P_MAX_LAYERS] = "max-layers",
	[NFAV_P_HEADER_LIMIT] = "header-limit",
	[NFAV_P_SCAN_MODE] = "scan-mode",
	[NFAV_P_EXTENSIONS] = "extensions",
	[NFAV_P_MIME_BYPASS] = "mime-bypass",
	[NFAV_P_MIME_SCAN] = "mime-scan",
	[NFAV_P_URL_BYPASS] = "url-bypass",
};

static bool is_list_attr(int type)
{
	int id;

	for (id = 0; id < NR_LISTS; id++)
		if (list_info[id].attr == type)
			return true;
	return false;
}

/* The attribute of the list [attrs, attrs + len) that contains offset off. */
static const struct nlattr *attr_at(const struct nlmsghdr *base,
				    const struct nlattr *attrs, int len,
				    uint32_t off)
{
	const struct nlattr *a;
	uint32_t start;
	int rem;

	nla_for_each_attr(a, attrs, len, rem) {
		start = (const char *)a - (const char *)base;
		if (off >= start && off < start + NLA_ALIGN(a->nla_len))
			return a;
	}
	return NULL;
}

static bool inside_payload(const struct nlmsghdr *base, const struct nlattr *a,
			   uint32_t off)
{
	return off >= (uint32_t)((const char *)nla_data(a) - (const char *)base);
}

static const char *safe_name(const char *const *table, size_t n, int type)
{
	return type >= 0 && (size_t)type < n && table[type] ? table[type] : NULL;
}

/*
 * A list entry we sent, for an error message: entries edited with add or
 * del come back from the kernel, so what is not printable ASCII becomes '?'.
 */
static void entry_text(char *buf, size_t size, const struct nlattr *a)
{
	const unsigned char *s = nla_data(a);
	size_t n = strnlen(nla_data(a), nla_len(a)), i;

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	buf[n] = '\0';
}

int describe_attr_offset(const struct nlmsghdr *sent, uint32_t off,
			 char *buf, size_t size)
{
	const struct nlattr *a, *p, *q;
	char entry[NFAV_URL_ENTRY_MAX + 1];
	const char *name;
	int type;

	if (!sent || sent->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    off >= sent->nlmsg_len)
		return -1;
	a = attr_at(sent, (const struct nlattr *)((const char *)sent +
			NLMSG_HDRLEN + GENL_HDRLEN),
		    sent->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, off);
	if (!a)
		return -1;
	type = nla_type(a);
	name = safe_name(top_attr_names, ARRAY_SIZE(top_attr_names), type);
	if (!name)
		return -1;
	if (type != NFAV_A_PROTOS || !inside_payload(sent, a, off)) {
		snprintf(buf, size, "%s", name);
		return 0;
	}
	p = attr_at(sent, nla_data(a), nla_len(a), off);
	if (!p || nla_type(p) < 1 || nla_type(p) > NFAV_PROTO_MAX) {
		snprintf(buf, size, "%s", name);
		return 0;
	}
	q = inside_payload(sent, p, off) ?
	    attr_at(sent, nla_data(p), nla_len(p), off) : NULL;
	if (!q || !safe_name(proto_attr_names, ARRAY_SIZE(proto_attr_names),
			     nla_type(q))) {
		snprintf(buf, size, "%s", proto_name(nla_type(p)));
		return 0;
	}
	name = proto_attr_names[nla_type(q)];
	if (nla_type(q) == NFAV_P_FALLBACKS && inside_payload(sent, q, off)) {
		a = attr_at(sent, nla_data(q), nla_len(q), off);
		if (a && nla_type(a) >= 1 && nla_type(a) <= NFAV_REASON_MAX) {
			snprintf(buf, size, "%s fallback %s",
				 proto_name(nla_type(p)),
				 reason_name(nla_type(a)));
			return 0;
		}
	}
	if (is_list_attr(nla_type(q)) && inside_payload(sent, q, off)) {
		a = attr_at(sent, nla_data(q), nla_len(q), off);
		if (a && nla_type(a) == NFAV_L_ENTRY) {
			entry_text(entry, sizeof(entry), a);
			snprintf(buf, size, "%s %s entry \"%s\"",
				 proto_name(nla_type(p)), name, entry);
			return 0;
		}
	}
	snprintf(buf, size, "%s %s", proto_name(nla_type(p)), name);
	return 0;
}

/*
 * Print a kernel error (error is a negative errno) with its extended-ack
 * attributes [tlvs, tlvs + len); returns the exit code.
 */
static int report_error(int error, const struct nlattr *tlvs, int len,
			const struct nlmsghdr *sent, const char *what)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	char attr[NFAV_URL_ENTRY_MAX + 64];

	memset(tb, 0, sizeof(tb));
	if (tlvs && len > 0)
		nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)tlvs, len,
			  NULL);

	if (error == -EPERM || error == -EACCES)
		err_msg("permission denied: nfavctl needs CAP_NET_ADMIN in the initial user namespace (run as root on the host)");
	else if (error == -EOPNOTSUPP)
		err_msg("%s: not supported by the loaded nfav module", what);
	else
		err_msg("%s failed: %s", what, strerror(-error));

	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		const char *m = nla_data(tb[NLMSGERR_ATTR_MSG]);
		size_t n = strnlen(m, nla_len(tb[NLMSGERR_ATTR_MSG]));

		fprintf(stderr, PROG_NAME ": kernel: ");
		fwrite(m, 1, n, stderr);
		fputc('\n', stderr);
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4 &&
	    !describe_attr_offset(sent, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]),
				  attr, sizeof(attr)))
		err_msg("the kernel rejected: %s", attr);
	return EXIT_FAIL;
}

int report_kernel_error(const struct nlmsghdr *errh, const struct nlmsghdr *sent,
			const char *what)
{
	const struct nlmsgerr *e;
	size_t ack_len;

	if (errh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
		err_msg("%s failed: truncated error from the kernel", what);
		return EXIT_FAIL;
	}
	e = nlmsg_data(errh);
	if (!(errh->nlmsg_flags & NLM_F_ACK_TLVS))
		return report_error(e->error, NULL, 0, sent, what);
	/* The echoed request follows unless NETLINK_CAP_ACK took effect. */
	ack_len = NLMSG_HDRLEN + sizeof(*e);
	if (!(errh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	if (errh->nlmsg_len <= ack_len)
		return report_error(e->error, NULL, 0, sent, what);
	return report_error(e->error,
			    (const struct nlattr *)((const char *)errh + ack_len),
			    errh->nlmsg_len - ack_len, sent, what);
}

struct transaction {
	bool done;
	int exit;			/* exit code once done */
	reply_fn fn;
	void *arg;
	const struct nlmsghdr *sent;
	const char *what;
};

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	if (t->exit == EXIT_OK && t->fn && t->fn(msg, t->arg)) {
		err_msg("%s: malformed reply from the kernel", t->what);
		t->exit = EXIT_FAIL;
	}
	return NL_OK;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	int error = 0;

	/* A dump that fails part way ends with an error in NLMSG_DONE. */
	if (h->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
		memcpy(&error, nlmsg_data(h), sizeof(int));
	if (error < 0) {
		size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));

		t->exit = report_error(error,
			(h->nlmsg_flags & NLM_F_ACK_TLVS) && h->nlmsg_len > off ?
			(const struct nlattr *)((const char *)h + off) : NULL,
			h->nlmsg_len > off ? (int)(h->nlmsg_len - off) : 0,
			t->sent, t->what);
	}
	t->done = true;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->done = true;
	return NL_STOP;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct transaction *t = arg;
	const struct nlmsghdr *h =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);

	(void)nla;
	t->exit = report_kernel_error(h, t->sent, t->what);
	t->done = true;
	return NL_STOP;
}

int nfav_nl_request(struct nfav_nl *nl, struct nl_msg *msg, const char *what,
		    reply_fn fn, void *arg)
{
	struct transaction t = {
		.exit = EXIT_OK, .fn = fn, .arg = arg, .what = what,
	};
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		err_msg("out of memory");
		return EXIT_FAIL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &t);

	err = nl_send_auto(nl->sk, msg);
	t.sent = nlmsg_hdr(msg);
	if (err < 0) {
		err_msg("%s: cannot send to the kernel: %s", what,
			nl_geterror(err));
		t.exit = EXIT_FAIL;
		goto out;
	}
	while (!t.done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !t.done) {
			err_msg("%s: cannot receive from the kernel: %s", what,
				nl_geterror(err));
			t.exit = EXIT_FAIL;
			break;
		}
	}
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return t.exit;
}

/* Monitoring. */

struct listener {
	struct nfav_nl *nl;
	reply_fn fn;
	void *arg;
	int exit;
	int pending_join;		/* group to join after this batch, or 0 */
};

/*
 * nlctrl tells us when the module goes away and comes back; the family and
 * group ids may change across a reload, so they are taken from the message.
 */
static void ctrl_notify(struct listener *l, struct nl_msg *msg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *g, *gb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	const char *name;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_NAME] || !tb[CTRL_ATTR_FAMILY_ID] ||
	    nla_len(tb[CTRL_ATTR_FAMILY_ID]) < 2)
		return;
	name = nla_data(tb[CTRL_ATTR_FAMILY_NAME]);
	if (strnlen(name, nla_len(tb[CTRL_ATTR_FAMILY_NAME])) !=
	    strlen(NFAV_GENL_NAME) || strncmp(name, NFAV_GENL_NAME,
					      strlen(NFAV_GENL_NAME)))
		return;
	if (gh->cmd == CTRL_CMD_DELFAMILY) {
		err_msg("nfav module unloaded; waiting for it to be loaded again");
		return;
	}
	if (gh->cmd != CTRL_CMD_NEWFAMILY || !tb[CTRL_ATTR_MCAST_GROUPS])
		return;
	l->nl->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	nla_for_each_nested(g, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		if (nla_parse_nested(gb, CTRL_ATTR_MCAST_GRP_MAX, g, NULL) ||
		    !gb[CTRL_ATTR_MCAST_GRP_NAME] || !gb[CTRL_ATTR_MCAST_GRP_ID] ||
		    nla_len(gb[CTRL_ATTR_MCAST_GRP_ID]) < 4)
			continue;
		name = nla_data(gb[CTRL_ATTR_MCAST_GRP_NAME]);
		if (strnlen(name, nla_len(gb[CTRL_ATTR_MCAST_GRP_NAME])) ==
		    strlen(NFAV_MCGRP_EVENTS) &&
		    !strncmp(name, NFAV_MCGRP_EVENTS, strlen(NFAV_MCGRP_EVENTS)))
			l->pending_join = nla_get_u32(gb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	if (l->pending_join)
		err_msg("nfav module loaded; monitoring again");
}

static int seq_ok_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int listen_cb(struct nl_msg *msg, void *arg)
{
	struct listener *l = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct genlmsghdr *gh;

	if (!genlmsg_valid_hdr(h, 0))
		return NL_SKIP;
	gh = nlmsg_data(h);
	if (h->nlmsg_type == GENL_ID_CTRL) {
		ctrl_notify(l, msg);
		return NL_OK;
	}
	if (h->nlmsg_type != l->nl->family || gh->cmd != NFAV_CMD_EVENT)
		return NL_SKIP;
	if (l->fn(msg, l->arg))
		err_msg("monitor: skipped a malformed event");
	return NL_OK;
}

static int join(struct nfav_nl *nl, int group, const char *name)
{
	int err = nl_socket_add_membership(nl->sk, group);

	if (err == -NLE_PERM) {
		err_msg("permission denied: nfavctl needs CAP_NET_ADMIN in the initial user namespace (run as root on the host)");
		return EXIT_FAIL;
	}
	if (err < 0) {
		err_msg("cannot join the %s multicast group: %s", name,
			nl_geterror(err));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int nfav_nl_listen(struct nfav_nl *nl, const char *family, const char *group,
		   reply_fn fn, void *arg, volatile sig_atomic_t *stop,
		   const sigset_t *waitmask)
{
	struct listener l = { .nl = nl, .fn = fn, .arg = arg, .exit = EXIT_OK };
	struct pollfd pfd;
	struct nl_cb *cb;
	int grp, ctrl_grp, err, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, family, group);
	if (grp == -NLE_OBJ_NOTFOUND) {
		err_msg("the %s module has no \"%s\" multicast group",
			family, group);
		return EXIT_FAIL;
	}
	if (grp < 0) {
		err_msg("cannot resolve the %s %s group: %s", family, group,
			nl_geterror(grp));
		return EXIT_FAIL;
	}
	ctrl_grp = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");

	ret = join(nl, grp, group);
	if (ret)
		return ret;
	/* Following module reloads is a convenience; failure is not fatal. */
	if (ctrl_grp >= 0)
		nl_socket_add_membership(nl->sk, ctrl_grp);

	nl_socket_disable_seq_check(nl->sk);
	nl_socket_set_nonblocking(nl->sk);
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		err_msg("out of memory");
		return EXIT_FAIL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, listen_cb, &l);
	/* Events carry sequence number 0: this callback set must not check. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok_cb, NULL);

	pfd.fd = nl_socket_get_fd(nl->sk);
	pfd.events = POLLIN;
	while (!*stop) {
		/* Signals are blocked except while waiting here. */
		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			err_msg("poll: %s", strerror(errno));
			l.exit = EXIT_FAIL;
			break;
		}
		err = nl_recvmsgs(nl->sk, cb);
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: the socket buffer overflowed. */
			err_msg("events were lost: the receive buffer overflowed");
		} else if (err < 0 && err != -NLE_INTR && err != -NLE_AGAIN) {
			err_msg("monitor: cannot receive from the kernel: %s",
				nl_geterror(err));
			l.exit = EXIT_FAIL;
			break;
		}
		if (l.pending_join) {
			ret = join(nl, l.pending_join, NFAV_MCGRP_EVENTS);
			l.pending_join = 0;
			if (ret) {
				l.exit = ret;
				break;
			}
		}
	}
	nl_cb_put(cb);
	return l.exit;
}
