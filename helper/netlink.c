// SPDX-License-Identifier: GPL-2.0
/*
 * nfavd's side of the nfav generic netlink protocol (uapi/linux/nfav.h is
 * the contract; this is a summary).
 *
 *   daemon -> kernel, from the "rx" socket (the registered one):
 *     REGISTER    DAEMON_PID, ENGINE_SIGNATURES, ENGINE_VERSION,
 *                 ENGINE_LOADED, ENGINE_LIBVERSION; -EBUSY if another socket
 *                 is registered in the netns.  Sent again after a reload to
 *                 update the engine description.
 *     VERDICT     OBJECT_ID, VERDICT (+ VIRUS if infected, + REASON if
 *                 error); exactly one per OBJECT_END without ABORTED.  Only
 *                 the registered socket may send it.  -ENOENT: the object is
 *                 gone (timed out, connection closed): normal.
 *     UNREGISTER  on exit.
 *   daemon -> kernel, from the "ctl" socket:
 *     family resolution (genl ctrl) and GET_STATUS every second: -ENOENT
 *     means the module is gone; a DAEMON_PORTID that is not ours means the
 *     registration is gone (module reloaded): register again.
 *   kernel -> daemon, unicast to the rx socket:
 *     OBJECT_BEGIN  OBJECT_ID, OBJECT (metadata nest: for the logs, and
 *                   MAX_LAYERS and ENCODING for the scan)
 *     OBJECT_DATA   OBJECT_ID, OFFSET, DATA: in order, without gaps
 *     OBJECT_END    OBJECT_ID, SIZE, optional ABORTED (no verdict wanted)
 *
 * The main thread owns the rx socket for receiving and for the synchronous
 * REGISTER/UNREGISTER requests; workers send VERDICTs on the same socket
 * with a plain send(2) of a complete message (atomic for netlink, and it
 * touches no libnl socket state).  Errors for verdicts come back to the rx
 * socket and are logged by the main thread.
 *
 * A "generation" counts kernel-side resets (family lost, registration
 * lost): a verdict computed for an older generation is dropped, as the
 * kernel that asked for it is gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "nfavd.h"

#define RX_BUFFER_SIZE		(1 << 20)	/* largest kernel message */
#define RX_SOCKET_BUFFER	(32 << 20)	/* SO_RCVBUF(FORCE) */
#define RX_BATCH		64		/* messages per nl_rx_process */
#define REQUEST_TIMEOUT_MS	5000
#define OBJECT_IDLE_MAX		3600		/* seconds without a message */

static struct {
	struct nl_sock *rx;		/* registered: objects in, verdicts out */
	struct nl_sock *ctl;		/* family resolution, GET_STATUS */
	uint32_t port;			/* rx's netlink port id */
	unsigned char *buf;
	atomic_uint seq;

	pthread_mutex_t lock;		/* written by main, read by workers */
	int family;			/* 0: not resolved */
	uint32_t gen;
	bool registered;

	/* main thread only */
	bool warned_absent;
	bool update_pending;		/* engine changed: REGISTER again */
	unsigned long enobufs;
	bool waiting;			/* a synchronous request is pending */
	uint32_t wait_seq;
	bool wait_done;
	int wait_err;
	char wait_ext[128];
} nl = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static const char *const cmd_names[] = {
	[NFAV_CMD_GET_STATUS]	= "GET_STATUS",
	[NFAV_CMD_REGISTER]	= "REGISTER",
	[NFAV_CMD_UNREGISTER]	= "UNREGISTER",
	[NFAV_CMD_VERDICT]	= "VERDICT",
};

static const char *cmd_name(unsigned int cmd)
{
	if (cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) && cmd_names[cmd])
		return cmd_names[cmd];
	return "request";
}

/* ---- sockets ------------------------------------------------------------ */

static int rx_buffer_enlarge(int fd)
{
	int size = RX_SOCKET_BUFFER;
	socklen_t len = sizeof(size);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size))) {
		log_debug("SO_RCVBUFFORCE: %s; trying SO_RCVBUF",
			  strerror(errno));
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)))
			log_warn("cannot enlarge the netlink receive buffer: %s",
				 strerror(errno));
	}
	/*
	 * A full buffer makes the kernel wait and retry (nothing is lost),
	 * but netlink would still flag an overrun: ask it not to.
	 */
	{
		int one = 1;

		if (setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one,
			       sizeof(one)))
			log_warn("NETLINK_NO_ENOBUFS: %s", strerror(errno));
	}
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len))
		return -1;
	if (size < RX_SOCKET_BUFFER)
		log_warn("netlink receive buffer is only %d KiB (wanted %d KiB; "
			 "raise net.core.rmem_max or run with CAP_NET_ADMIN)",
			 size / 1024, RX_SOCKET_BUFFER / 1024);
	else
		log_debug("netlink receive buffer: %d KiB", size / 1024);
	return 0;
}

static struct nl_sock *socket_open(const char *what)
{
	struct nl_sock *sk;
	int err;

	sk = nl_socket_alloc();
	if (!sk) {
		log_err("cannot allocate the %s netlink socket", what);
		return NULL;
	}
	err = genl_connect(sk);
	if (err) {
		log_err("cannot open the %s generic netlink socket: %s", what,
			nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

int kernel_open(void)
{
	int one = 1, fd;

	nl.buf = malloc(RX_BUFFER_SIZE);
	if (!nl.buf) {
		log_err("cannot allocate the netlink receive buffer");
		return -1;
	}
	nl.rx = socket_open("receive");
	if (!nl.rx)
		goto err;
	nl.ctl = socket_open("control");
	if (!nl.ctl)
		goto err;

	/* Kernel unicasts carry no sequence number of ours. */
	nl_socket_disable_seq_check(nl.rx);
	nl_socket_set_nonblocking(nl.rx);
	fd = nl_socket_get_fd(nl.rx);
	rx_buffer_enlarge(fd);
	/* Error messages in the kernel's words, for the logs. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl.port = nl_socket_get_local_port(nl.rx);
	atomic_init(&nl.seq, (unsigned int)time(NULL));
	return 0;

err:
	kernel_close();
	return -1;
}

int kernel_rx_fd(void)
{
	return nl_socket_get_fd(nl.rx);
}

void kernel_close(void)
{
	if (nl.rx)
		nl_socket_free(nl.rx);
	if (nl.ctl)
		nl_socket_free(nl.ctl);
	nl.rx = nl.ctl = NULL;
	free(nl.buf);
	nl.buf = NULL;
}

/* ---- sending ------------------------------------------------------------ */

static struct nl_msg *msg_new(int family, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 NLM_F_REQUEST | flags, cmd, NFAV_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send a complete message on the rx socket.  Any thread. */
static int rx_send(struct nl_msg *msg, uint32_t *seqp)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	ssize_t n;

	h->nlmsg_seq = atomic_fetch_add(&nl.seq, 1);
	h->nlmsg_pid = nl.port;
	if (seqp)
		*seqp = h->nlmsg_seq;
	do {
		n = send(nl_socket_get_fd(nl.rx), h, h->nlmsg_len, 0);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Send @msg (with NLM_F_ACK) on the rx socket and wait for its ack, handling
 * whatever else arrives meanwhile.  Main thread.  Returns 0 or -errno.
 */
static int rx_request(struct nl_msg *msg)
{
	int64_t deadline = now_ms() + REQUEST_TIMEOUT_MS;
	struct pollfd pfd = { .fd = kernel_rx_fd(), .events = POLLIN };
	int err;

	nl.wait_done = false;
	nl.wait_err = 0;
	nl.wait_ext[0] = '\0';
	err = rx_send(msg, &nl.wait_seq);
	if (err)
		return err;
	nl.waiting = true;
	while (!nl.wait_done) {
		int64_t left = deadline - now_ms();

		if (left <= 0) {
			nl.waiting = false;
			return -ETIMEDOUT;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			err = -errno;
			nl.waiting = false;
			return err;
		}
		kernel_rx_process();
	}
	nl.waiting = false;
	return nl.wait_err;
}

static void log_verdict(uint64_t id, const char *desc,
			const struct scan_result *r)
{
	switch (r->verdict) {
	case NFAV_VERDICT_INFECTED:
		log_notice("object %llu: %s FOUND: %s",
			   (unsigned long long)id, r->virus, desc);
		break;
	case NFAV_VERDICT_ERROR:
		log_notice("object %llu: ERROR %s (%s): %s",
			   (unsigned long long)id, reason_name(r->reason),
			   r->detail, desc);
		break;
	default:
		log_debug("object %llu: OK: %s", (unsigned long long)id, desc);
		break;
	}
}

static void send_verdict(uint64_t id, uint32_t gen, const char *desc,
			 uint64_t checked, const struct scan_result *r)
{
	struct nl_msg *msg;
	bool current;
	int family, err;

	log_verdict(id, desc, r);

	pthread_mutex_lock(&nl.lock);
	current = nl.registered && gen == nl.gen;
	family = nl.family;
	pthread_mutex_unlock(&nl.lock);
	if (!current) {
		log_debug("object %llu: verdict dropped: the kernel side was "
			  "reset", (unsigned long long)id);
		return;
	}

	msg = msg_new(family, NFAV_CMD_VERDICT, 0);
	if (!msg ||
	    nla_put_u64(msg, NFAV_A_OBJECT_ID, id) ||
	    nla_put_u8(msg, NFAV_A_VERDICT, r->verdict) ||
	    (checked && nla_put_u64(msg, NFAV_A_CHECKED, checked)) ||
	    (r->verdict == NFAV_VERDICT_INFECTED &&
	     nla_put_string(msg, NFAV_A_VIRUS, r->virus)) ||
	    (r->verdict == NFAV_VERDICT_ERROR &&
	     nla_put_u8(msg, NFAV_A_REASON, r->reason))) {
		log_err("object %llu: cannot build the verdict message",
			(unsigned long long)id);
		nlmsg_free(msg);
		return;
	}
	err = rx_send(msg, NULL);
	nlmsg_free(msg);
	if (err)
		log_err("object %llu: cannot send the verdict: %s",
			(unsigned long long)id, strerror(-err));
}

/* Worker threads: the verdict of a scanned job. */
void kernel_send_verdict(const struct job *job, const struct scan_result *r)
{
	send_verdict(job->id, job->gen, job->desc, job->checked, r);
}

/* Main thread: an error verdict for an object that cannot be scanned. */
static void send_error(uint64_t id, const char *desc, enum nfav_reason reason,
		       const char *detail)
{
	struct scan_result r;

	scan_error(&r, reason, "%s", detail);
	send_verdict(id, nl.gen, desc, 0, &r);
}

/* ---- state changes (main thread) ------------------------------------------ */

/* Forget everything the kernel side sent: it is gone or forgot us. */
static void reset_generation(const char *why)
{
	unsigned int objects, queued;

	pthread_mutex_lock(&nl.lock);
	nl.registered = false;
	nl.gen++;
	pthread_mutex_unlock(&nl.lock);

	objects = objects_clear();
	queued = pool_flush();
	if (objects || queued)
		log_warn("%s: dropped %u objects being received and %u "
			 "waiting for a scan", why, objects, queued);
}

static void family_lost(const char *why)
{
	log_warn("%s: waiting for the nfav module", why);
	reset_generation(why);
	pthread_mutex_lock(&nl.lock);
	nl.family = 0;
	pthread_mutex_unlock(&nl.lock);
}

/* REGISTER (or, with @update, refresh the engine description). */
static enum kernel_tick_result do_register(bool update)
{
	struct engine *e = engine_get();
	struct nl_msg *msg;
	int err;

	msg = msg_new(nl.family, NFAV_CMD_REGISTER, NLM_F_ACK);
	if (!msg || !e ||
	    nla_put_u32(msg, NFAV_A_DAEMON_PID, (uint32_t)getpid()) ||
	    nla_put_u32(msg, NFAV_A_ENGINE_SIGNATURES, e->signatures) ||
	    nla_put_u32(msg, NFAV_A_ENGINE_VERSION, e->version) ||
	    nla_put_u64(msg, NFAV_A_ENGINE_LOADED, e->loaded) ||
	    nla_put_string(msg, NFAV_A_ENGINE_LIBVERSION, engine_libversion())) {
		log_err("cannot build the REGISTER message");
		nlmsg_free(msg);
		if (e)
			engine_put(e);
		return KERNEL_TICK_OK;
	}

	/*
	 * Verdicts may flow as soon as the kernel has processed REGISTER,
	 * which can be before its ack is read here.
	 */
	pthread_mutex_lock(&nl.lock);
	nl.registered = true;
	pthread_mutex_unlock(&nl.lock);

	err = rx_request(msg);
	nlmsg_free(msg);
	if (!err) {
		log_notice("%s with the nfav module (port %u): %u signatures, "
			   "database version %u, %s",
			   update ? "engine updated" : "registered", nl.port,
			   e->signatures, e->version, engine_libversion());
		engine_put(e);
		return KERNEL_TICK_OK;
	}
	engine_put(e);

	if (update) {
		log_err("cannot update the engine description: %s%s%s",
			strerror(-err), nl.wait_ext[0] ? ": " : "",
			nl.wait_ext);
		return KERNEL_TICK_OK;
	}

	pthread_mutex_lock(&nl.lock);
	nl.registered = false;
	pthread_mutex_unlock(&nl.lock);

	switch (-err) {
	case EBUSY:
		log_err("another scan daemon is registered in this network "
			"namespace: exiting");
		return KERNEL_TICK_FATAL;
	case EPERM:
		log_err("registration refused: CAP_NET_ADMIN is required");
		return KERNEL_TICK_FATAL;
	case ENOENT:
	case EOPNOTSUPP:
		family_lost("the nfav family vanished during registration");
		return KERNEL_TICK_OK;
	default:
		log_err("registration failed: %s%s%s; retrying", strerror(-err),
			nl.wait_ext[0] ? ": " : "", nl.wait_ext);
		return KERNEL_TICK_OK;
	}
}

struct status {
	bool has_portid;
	uint32_t portid;
	uint32_t pid;
};

static int status_parse(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NFAV_A_MAX + 1];
	struct status *st = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NFAV_A_MAX, NULL))
		return NL_SKIP;
	if (tb[NFAV_A_DAEMON_PORTID] &&
	    nla_len(tb[NFAV_A_DAEMON_PORTID]) >= 4) {
		st->has_portid = true;
		st->portid = nla_get_u32(tb[NFAV_A_DAEMON_PORTID]);
	}
	if (tb[NFAV_A_DAEMON_PID] && nla_len(tb[NFAV_A_DAEMON_PID]) >= 4)
		st->pid = nla_get_u32(tb[NFAV_A_DAEMON_PID]);
	return NL_OK;
}

/* GET_STATUS on the control socket.  Returns 0 or a libnl error. */
static int get_status(struct status *st)
{
	struct nl_msg *msg;
	int err;

	memset(st, 0, sizeof(*st));
	msg = msg_new(nl.family, NFAV_CMD_GET_STATUS, 0);
	if (!msg)
		return -NLE_NOMEM;
	nl_socket_modify_cb(nl.ctl, NL_CB_VALID, NL_CB_CUSTOM, status_parse, st);
	/*
	 * Not nl_send_sync(): libnl stops reading after the (non-multipart)
	 * reply, and the ACK that follows would be taken as the answer to
	 * the next request.  Read the reply, then the ACK.
	 */
	err = nl_send_auto(nl.ctl, msg);
	nlmsg_free(msg);
	if (err < 0)
		return err;
	err = nl_recvmsgs_default(nl.ctl);
	if (err < 0)
		return err;
	return nl_wait_for_ack(nl.ctl);
}

/*
 * Once a second: resolve the family if needed, register if needed, and
 * check with GET_STATUS that the module and our registration still exist.
 */
enum kernel_tick_result kernel_tick(void)
{
	struct status st;
	unsigned int n;
	int err;

	n = objects_expire(OBJECT_IDLE_MAX);
	if (n)
		log_warn("%u objects expired: no message for %d seconds", n,
			 OBJECT_IDLE_MAX);

	if (!nl.family) {
		int id = genl_ctrl_resolve(nl.ctl, NFAV_GENL_NAME);

		if (id < 0) {
			if (!nl.warned_absent)
				log_warn("generic netlink family \"%s\" not "
					 "found (nfav module not loaded?): "
					 "retrying every second",
					 NFAV_GENL_NAME);
			nl.warned_absent = true;
			return KERNEL_TICK_OK;
		}
		nl.warned_absent = false;
		pthread_mutex_lock(&nl.lock);
		nl.family = id;
		pthread_mutex_unlock(&nl.lock);
		log_info("generic netlink family \"%s\" found (id %d)",
			 NFAV_GENL_NAME, id);
	}

	if (!nl.registered) {
		nl.update_pending = false;
		return do_register(false);
	}
	if (nl.update_pending) {
		nl.update_pending = false;
		return do_register(true);
	}

	err = get_status(&st);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_OPNOTSUPP) {
		family_lost("the nfav module was unloaded");
		return KERNEL_TICK_OK;
	}
	if (err) {
		log_warn("GET_STATUS failed: %s", nl_geterror(err));
		return KERNEL_TICK_OK;
	}
	if (!st.has_portid || st.portid != nl.port) {
		if (st.has_portid)
			log_warn("the nfav module reports port %u (pid %u) as "
				 "its scan daemon, not us (port %u)",
				 st.portid, st.pid, nl.port);
		reset_generation("registration lost");
		return do_register(false);
	}
	return KERNEL_TICK_OK;
}

/* A new engine is in: describe it to the kernel at the next tick. */
void kernel_engine_changed(void)
{
	nl.update_pending = true;
}

/* SIGTERM: stop verdicts and UNREGISTER. */
void kernel_shutdown(void)
{
	struct nl_msg *msg;
	bool registered;
	int err;

	pthread_mutex_lock(&nl.lock);
	registered = nl.registered;
	nl.registered = false;
	pthread_mutex_unlock(&nl.lock);
	if (!registered || !nl.family)
		return;

	msg = msg_new(nl.family, NFAV_CMD_UNREGISTER, NLM_F_ACK);
	if (!msg)
		return;
	err = rx_request(msg);
	nlmsg_free(msg);
	if (err)
		log_warn("UNREGISTER failed: %s", strerror(-err));
	else
		log_notice("unregistered from the nfav module");
}

/* ---- receiving (main thread) -------------------------------------------- */

static const char *const proto_names[] = {
	[NFAV_PROTO_HTTP] = "http",
	[NFAV_PROTO_FTP] = "ftp",
	[NFAV_PROTO_SMTP] = "smtp",
	[NFAV_PROTO_POP3] = "pop3",
	[NFAV_PROTO_IMAP] = "imap",
};

static unsigned int attr_u8(const struct nlattr *a, unsigned int def)
{
	return a && nla_len(a) >= 1 ? nla_get_u8((struct nlattr *)a) : def;
}

static unsigned int attr_u16(const struct nlattr *a)
{
	return a && nla_len(a) >= 2 ? nla_get_u16((struct nlattr *)a) : 0;
}

static unsigned int attr_u32(const struct nlattr *a, unsigned int def)
{
	return a && nla_len(a) >= 4 ? nla_get_u32((struct nlattr *)a) : def;
}

/*
 * A log-safe copy of a (possibly unterminated) string attribute: tabs become
 * spaces, other control characters '?'.
 */
static void attr_str(const struct nlattr *a, char *buf, size_t size)
{
	const char *s = nla_data(a);
	size_t i, n = strnlen(s, (size_t)nla_len(a));

	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = s[i] == '\t' ? ' ' :
			 (s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	buf[n] = '\0';
}

/* attr_str() into a new allocation. */
static char *attr_strdup(const struct nlattr *a)
{
	size_t size = strnlen(nla_data(a), (size_t)nla_len(a)) + 1;
	char *s = malloc(size);

	if (s)
		attr_str(a, s, size);
	return s;
}

static void attr_addr(const struct nlattr *a, unsigned int port, char *buf,
		      size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	if (a && nla_len(a) == 4)
		inet_ntop(AF_INET, nla_data(a), addr, sizeof(addr));
	else if (a && nla_len(a) == 16)
		inet_ntop(AF_INET6, nla_data(a), addr, sizeof(addr));
	snprintf(buf, size, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr,
		 port);
}

/* Append ' @label "value"' if string attribute @a is present. */
static void describe_str(char *buf, size_t size, const char *label,
			 const struct nlattr *a)
{
	size_t len = strlen(buf);
	char s[NFAV_NAME_MAX];

	if (!a || len >= size)
		return;
	attr_str(a, s, sizeof(s));
	snprintf(buf + len, size - len, " %s \"%s\"", label, s);
}

/*
 * "http download 10.0.0.1:80 -> 10.0.0.2:40000 name "x" host "h" url "y"
 * type "t" encoding "gzip""
 */
static void describe(struct nlattr **ob, char *buf, size_t size)
{
	char client[64], server[64];
	unsigned int proto, dir;

	proto = attr_u8(ob[NFAV_O_PROTO], 0);
	dir = attr_u8(ob[NFAV_O_DIRECTION], NFAV_DIR_DOWNLOAD);
	attr_addr(ob[NFAV_O_CLIENT_ADDR], attr_u16(ob[NFAV_O_CLIENT_PORT]),
		  client, sizeof(client));
	attr_addr(ob[NFAV_O_SERVER_ADDR], attr_u16(ob[NFAV_O_SERVER_PORT]),
		  server, sizeof(server));

	if (dir == NFAV_DIR_UPLOAD)
		snprintf(buf, size, "%s upload %s -> %s",
			 proto <= NFAV_PROTO_MAX && proto_names[proto] ?
			 proto_names[proto] : "?", client, server);
	else
		snprintf(buf, size, "%s download %s -> %s",
			 proto <= NFAV_PROTO_MAX && proto_names[proto] ?
			 proto_names[proto] : "?", server, client);

	describe_str(buf, size, "name", ob[NFAV_O_NAME]);
	describe_str(buf, size, "host", ob[NFAV_O_HOST]);
	describe_str(buf, size, "url", ob[NFAV_O_URL]);
	describe_str(buf, size, "type", ob[NFAV_O_CONTENT_TYPE]);
	describe_str(buf, size, "encoding", ob[NFAV_O_ENCODING]);
}

/*
 * The scan settings of an object: its layer limit (--max-recursion if the
 * kernel sends none) and content codings.
 */
static void object_meta(struct nlattr **ob, struct object_meta *meta)
{
	memset(meta, 0, sizeof(*meta));
	meta->max_layers = attr_u32(ob[NFAV_O_MAX_LAYERS], opts.max_recursion);
	if (meta->max_layers > NFAVD_LAYERS_MAX)
		meta->max_layers = NFAVD_LAYERS_MAX;
	if (ob[NFAV_O_ENCODING]) {
		meta->encoding = attr_strdup(ob[NFAV_O_ENCODING]);
		if (!meta->encoding)
			meta->error = NFAV_REASON_OUT_OF_RESOURCES;
	}
}

static void on_begin(uint64_t id, struct nlattr **tb)
{
	struct nlattr *ob[NFAV_O_MAX + 1];
	char desc[OBJECT_DESC_MAX];
	struct object_meta meta;

	if (tb[NFAV_A_OBJECT] &&
	    !nla_parse_nested(ob, NFAV_O_MAX, tb[NFAV_A_OBJECT], NULL)) {
		describe(ob, desc, sizeof(desc));
	} else {
		memset(ob, 0, sizeof(ob));
		snprintf(desc, sizeof(desc), "(no metadata)");
	}
	object_meta(ob, &meta);
	log_debug("object %llu begins (layer limit %u): %s",
		  (unsigned long long)id, meta.max_layers, desc);
	objects_begin(id, desc, &meta);
}

static void on_data(uint64_t id, struct nlattr **tb)
{
	struct object *o = objects_find(id);

	if (!o) {
		log_debug("data for unknown object %llu ignored",
			  (unsigned long long)id);
		return;
	}
	objects_data(o, tb[NFAV_A_OFFSET] ?
		     nla_get_u64(tb[NFAV_A_OFFSET]) : UINT64_MAX,
		     tb[NFAV_A_DATA] ? nla_data(tb[NFAV_A_DATA]) : NULL,
		     tb[NFAV_A_DATA] ? (size_t)nla_len(tb[NFAV_A_DATA]) : 0);
}

static void on_end(uint64_t id, struct nlattr **tb)
{
	struct object *o = objects_find(id);
	uint64_t size;
	struct job *job;

	if (tb[NFAV_A_ABORTED]) {
		log_debug("object %llu aborted", (unsigned long long)id);
		if (o) {
			objects_remove(o);
			object_free(o);
		}
		return;
	}
	if (!o) {
		log_warn("end of unknown object %llu: answering with an error",
			 (unsigned long long)id);
		send_error(id, "(unknown object)", NFAV_REASON_DEFAULT,
			   "unknown object");
		return;
	}
	objects_remove(o);

	size = tb[NFAV_A_SIZE] ? nla_get_u64(tb[NFAV_A_SIZE]) : UINT64_MAX;
	if (o->error == NFAV_REASON_NONE && size != o->size) {
		log_warn("object %llu: kernel sent %llu bytes, %llu received",
			 (unsigned long long)id, (unsigned long long)size,
			 (unsigned long long)o->size);
		o->error = NFAV_REASON_DEFAULT;
	}
	if (o->error != NFAV_REASON_NONE) {
		send_error(id, o->desc, o->error, "content not received");
		object_free(o);
		return;
	}

	job = malloc(sizeof(*job));
	if (!job) {
		send_error(id, o->desc, NFAV_REASON_OUT_OF_RESOURCES,
			   "out of memory");
		object_free(o);
		return;
	}
	job->id = id;
	job->fd = o->fd;
	job->size = o->size;
	job->encoding = o->encoding;
	job->max_layers = o->max_layers;
	job->gen = nl.gen;
	job->checked = 0;
	memcpy(job->desc, o->desc, sizeof(job->desc));
	o->fd = -1;
	o->encoding = NULL;
	object_free(o);

	log_debug("object %llu complete (%llu bytes): queued for scanning",
		  (unsigned long long)id, (unsigned long long)job->size);
	if (pool_submit(job)) {
		send_error(id, job->desc, NFAV_REASON_OUT_OF_RESOURCES,
			   "scan queue full");
		job_free(job);
	}
}

/*
 * The kernel's sender waits for content it keeps back: scan what the object
 * has so far (a new open file description of its memfd, which goes on
 * growing) and answer with NFAV_A_CHECKED.  The object stays in the table.
 */
static void on_check(uint64_t id, struct nlattr **tb)
{
	struct object *o = objects_find(id);
	uint64_t size = tb[NFAV_A_SIZE] ? nla_get_u64(tb[NFAV_A_SIZE]) : 0;
	struct scan_result r;
	struct job *job;
	char path[64];
	int fd;

	if (!size) {
		log_err("check of object %llu without a size ignored",
			(unsigned long long)id);
		return;
	}
	if (!o || o->error != NFAV_REASON_NONE || o->size < size) {
		scan_error(&r, NFAV_REASON_DEFAULT, "content not received");
		send_verdict(id, nl.gen, o ? o->desc : "(unknown object)",
			     size, &r);
		return;
	}
	o->last = monotonic_now();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", o->fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		scan_error(&r, NFAV_REASON_OUT_OF_RESOURCES, "%s: %s", path,
			   strerror(errno));
		send_verdict(id, nl.gen, o->desc, size, &r);
		return;
	}
	job = malloc(sizeof(*job));
	if (job) {
		job->encoding = o->encoding ? strdup(o->encoding) : NULL;
		if (o->encoding && !job->encoding) {
			free(job);
			job = NULL;
		}
	}
	if (!job) {
		close(fd);
		scan_error(&r, NFAV_REASON_OUT_OF_RESOURCES, "out of memory");
		send_verdict(id, nl.gen, o->desc, size, &r);
		return;
	}
	job->id = id;
	job->fd = fd;
	job->size = size;
	job->max_layers = o->max_layers;
	job->gen = nl.gen;
	job->checked = size;
	memcpy(job->desc, o->desc, sizeof(job->desc));
	log_debug("object %llu: sender waits: checking its first %llu bytes",
		  (unsigned long long)id, (unsigned long long)size);
	if (pool_submit(job)) {
		scan_error(&r, NFAV_REASON_OUT_OF_RESOURCES,
			   "check queue full");
		send_verdict(id, nl.gen, job->desc, size, &r);
		job_free(job);
	}
}

static struct nla_policy nfav_policy[NFAV_A_MAX + 1] = {
	[NFAV_A_OBJECT_ID]	= { .type = NLA_U64 },
	[NFAV_A_OFFSET]		= { .type = NLA_U64 },
	[NFAV_A_DATA]		= { .type = NLA_UNSPEC },
	[NFAV_A_SIZE]		= { .type = NLA_U64 },
	[NFAV_A_ABORTED]	= { .type = NLA_FLAG },
	[NFAV_A_OBJECT]		= { .type = NLA_NESTED },
};

static void handle_genl(struct nlmsghdr *h)
{
	struct nlattr *tb[NFAV_A_MAX + 1];
	struct genlmsghdr *g;
	uint64_t id;
	int err;

	if (!genlmsg_valid_hdr(h, 0)) {
		log_err("short message from the kernel ignored");
		return;
	}
	g = nlmsg_data(h);
	err = genlmsg_parse(h, 0, tb, NFAV_A_MAX, nfav_policy);
	if (err) {
		log_err("malformed message (command %u) from the kernel: %s",
			g->cmd, nl_geterror(err));
		return;
	}
	if (g->cmd != NFAV_CMD_OBJECT_BEGIN && g->cmd != NFAV_CMD_OBJECT_DATA &&
	    g->cmd != NFAV_CMD_OBJECT_END && g->cmd != NFAV_CMD_OBJECT_CHECK) {
		log_debug("kernel message with command %u ignored", g->cmd);
		return;
	}
	if (!tb[NFAV_A_OBJECT_ID]) {
		log_err("kernel message (command %u) without an object id",
			g->cmd);
		return;
	}
	id = nla_get_u64(tb[NFAV_A_OBJECT_ID]);

	switch (g->cmd) {
	case NFAV_CMD_OBJECT_BEGIN:
		on_begin(id, tb);
		break;
	case NFAV_CMD_OBJECT_DATA:
		on_data(id, tb);
		break;
	case NFAV_CMD_OBJECT_END:
		on_end(id, tb);
		break;
	case NFAV_CMD_OBJECT_CHECK:
		on_check(id, tb);
		break;
	}
}

/* The extended ack's message, if the kernel sent one. */
static void extack_msg(const struct nlmsghdr *h, const struct nlmsgerr *e,
		       char *buf, size_t size)
{
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;

	buf[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off >= h->nlmsg_len)
		return;
	a = nla_find((struct nlattr *)((char *)h + off),
		     (int)(h->nlmsg_len - off), NLMSGERR_ATTR_MSG);
	if (a && nla_len(a) > 0)
		attr_str(a, buf, size);
}

static void handle_error(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = nlmsg_data(h);
	struct nlattr *tb[NFAV_A_MAX + 1];
	unsigned long long id = 0;
	unsigned int cmd = 0;
	char ext[128];

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return;
	if (e->msg.nlmsg_len < NLMSG_HDRLEN)
		return;
	extack_msg(h, e, ext, sizeof(ext));

	if (nl.waiting && e->msg.nlmsg_seq == nl.wait_seq) {
		nl.wait_err = e->error;
		nl.wait_done = true;
		snprintf(nl.wait_ext, sizeof(nl.wait_ext), "%s", ext);
		return;
	}
	if (!e->error)
		return;

	/* The request is echoed unless capped: find what failed. */
	if (!(h->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN &&
	    NLMSG_LENGTH(sizeof(*e)) - NLMSG_HDRLEN + e->msg.nlmsg_len <=
	    h->nlmsg_len) {
		struct nlmsghdr *req = (struct nlmsghdr *)&e->msg;

		cmd = ((struct genlmsghdr *)nlmsg_data(req))->cmd;
		if (!genlmsg_parse(req, 0, tb, NFAV_A_MAX, NULL) &&
		    tb[NFAV_A_OBJECT_ID] && nla_len(tb[NFAV_A_OBJECT_ID]) >= 8)
			id = nla_get_u64(tb[NFAV_A_OBJECT_ID]);
	}

	if (cmd == NFAV_CMD_VERDICT && e->error == -ENOENT)
		log_debug("object %llu: gone before its verdict (timed out or "
			  "connection closed)", id);
	else
		log_warn("kernel rejected %s (object %llu): %s%s%s",
			 cmd_name(cmd), id, strerror(-e->error),
			 ext[0] ? ": " : "", ext);
}

static void process_buffer(unsigned char *buf, int len)
{
	struct nlmsghdr *h;

	for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len);
	     h = nlmsg_next(h, &len)) {
		if (h->nlmsg_type == NLMSG_ERROR)
			handle_error(h);
		else if (h->nlmsg_type < NLMSG_MIN_TYPE)
			continue;	/* NOOP, DONE, OVERRUN */
		else if (nl.family && h->nlmsg_type == nl.family)
			handle_genl(h);
		else
			log_debug("message of type %u ignored",
				  h->nlmsg_type);
	}
}

/* Read and handle what the rx socket holds (a bounded batch). */
void kernel_rx_process(void)
{
	int fd = kernel_rx_fd(), i;

	for (i = 0; i < RX_BATCH; i++) {
		struct sockaddr_nl sa;
		struct iovec iov = { .iov_base = nl.buf,
				     .iov_len = RX_BUFFER_SIZE };
		struct msghdr mh = {
			.msg_name = &sa, .msg_namelen = sizeof(sa),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		ssize_t n;

		n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == ENOBUFS) {
				nl.enobufs++;
				log_err("netlink receive queue overflow "
					"(ENOBUFS, %lu so far): kernel messages "
					"were lost.  The nfav module must never "
					"overrun the daemon: please report this "
					"bug.  Objects with missing content get "
					"an error verdict.", nl.enobufs);
				continue;
			}
			log_err("netlink receive: %s", strerror(errno));
			return;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			log_err("netlink message larger than %d bytes "
				"truncated: please report this bug",
				RX_BUFFER_SIZE);
			continue;
		}
		if (sa.nl_pid != 0)
			continue;	/* not from the kernel */
		process_buffer(nl.buf, (int)n);
	}
}
