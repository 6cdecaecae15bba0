/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfav - gateway antivirus for forwarded TCP application traffic.
 *
 * This header is the contract between the kernel module (nfav.ko), the scan
 * daemon (nfavd) and the administration tool (nfavctl).
 *
 * The generic netlink family is named NFAV_GENL_NAME, version
 * NFAV_GENL_VERSION.  It is per network namespace: every netns has its own
 * configuration, flows, statistics and scan daemon.  Every command requires
 * CAP_NET_ADMIN in the user namespace owning the network namespace; without
 * it the kernel answers -EPERM.
 *
 * Attribute layout
 * ----------------
 * Top-level attributes are NFAV_A_*.  Per-protocol settings and counters are
 * carried in NFAV_A_PROTOS, a nest whose members are themselves nests with
 * the attribute type set to the protocol (enum nfav_proto) and NFAV_P_*
 * attributes inside.  Maps keyed by an enum (fallback actions, fallback
 * counters) use the same pattern: a nest whose member attribute types are the
 * enum values.  Integers are in host byte order unless stated; addresses are
 * in network byte order (4 bytes for IPv4, 16 for IPv6).
 *
 * Administration commands (nfavctl)
 * ---------------------------------
 * NFAV_CMD_GET_STATUS: doit, no attributes.  Replies with
 *	NFAV_A_VERSION		string, module version
 *	NFAV_A_DAEMON_PID	u32, pid of the registered daemon (absent if none)
 *	NFAV_A_DAEMON_PORTID	u32, netlink port of the registered daemon
 *	NFAV_A_ENGINE_SIGNATURES u32, signatures loaded by the daemon
 *	NFAV_A_ENGINE_VERSION	u32, signature database version
 *	NFAV_A_ENGINE_LOADED	u64, unix time the engine was loaded
 *	NFAV_A_ENGINE_LIBVERSION string, scanning library version
 *	NFAV_A_FLOWS		u32, flows tracked now
 *	NFAV_A_PENDING		u32, objects awaiting a verdict now
 *	NFAV_A_HELD_BYTES	u64, payload bytes held now
 *	NFAV_A_QUEUED_BYTES	u64, bytes queued toward the daemon now
 *
 * NFAV_CMD_GET_CONFIG: doit, no attributes.  Replies with the global settings
 *	NFAV_A_MAX_FLOWS	u32, flow table limit
 *	NFAV_A_FLOW_TIMEOUT	u32, idle flow timeout in seconds
 *	NFAV_A_HOLD_LIMIT	u32, bytes a flow direction may hold
 *	NFAV_A_MEM_LIMIT	u32, KiB that may be queued toward the daemon
 *	NFAV_A_MAX_REQUESTS	u32, objects that may await a verdict at once
 * and NFAV_A_PROTOS with, for every protocol,
 *	NFAV_P_ENABLED		u8, 0 or 1
 *	NFAV_P_PORTS		binary, array of __u16 server ports (1 to
 *				NFAV_MAX_PORTS entries, host byte order)
 *	NFAV_P_SCAN_TIMEOUT	u32, seconds (1 to 1800) the daemon has to
 *				answer once an object is complete
 *	NFAV_P_MAX_SIZE		u32, content size limit in KiB
 *	NFAV_P_FALLBACKS	nest, member type enum nfav_reason, payload u8
 *				enum nfav_action
 *	NFAV_P_NOTIFY_TYPE	u8 enum nfav_notify: what the client of a
 *				blocked transfer is told
 *	NFAV_P_MESSAGE		string, at most NFAV_MESSAGE_MAX characters,
 *				added to the notice page ("" for none)
 *	NFAV_P_TRICKLE_TIMEOUT	u32, seconds (0 to NFAV_TRICKLE_TIMEOUT_MAX,
 *				0 = off): an object held this long without a
 *				verdict is trickled (all but its tail released)
 *	NFAV_P_MAX_LAYERS	u32, decompression layer limit (1 to
 *				NFAV_MAX_LAYERS_MAX): an object in which no
 *				signature matched and with content nested
 *				deeper takes the decompress-layer fallback
 *				(the daemon enforces it; see
 *				NFAV_O_MAX_LAYERS)
 *	NFAV_P_HEADER_LIMIT	u32, bytes (NFAV_HEADER_LIMIT_MIN to
 *				NFAV_HEADER_LIMIT_MAX) a message's header
 *				section may take; more is malformed
 *	NFAV_P_SCAN_MODE	u8 enum nfav_scan_mode
 *	NFAV_P_EXTENSIONS	list: file extensions scanned in
 *				NFAV_SCAN_BY_EXTENSION mode (lower case,
 *				without the dot)
 *	NFAV_P_MIME_BYPASS	list: content types passed unscanned
 *	NFAV_P_MIME_SCAN	list: exceptions to NFAV_P_MIME_BYPASS,
 *				always scanned
 *	NFAV_P_URL_BYPASS	list: "host" or "host/path-prefix" entries
 *				whose objects pass unscanned
 *
 * A list is a nest of NFAV_L_ENTRY strings (at most NFAV_LIST_MAX entries,
 * each at most the list's length limit below); an empty nest clears it.
 * Content type entries are "type/subtype", or "type/" for every subtype.  A
 * host entry matches that host (case-insensitive, without port); ".host"
 * matches it and every subdomain.  An object skipped by the scan mode or a
 * bypass list is counted in NFAV_S_SKIPPED and passes without scanning.
 *
 * NFAV_CMD_SET_CONFIG: doit.  Takes any subset of the attributes that
 *	NFAV_CMD_GET_CONFIG returns; absent attributes keep their value.  The
 *	change is validated as a whole and applied atomically: on error nothing
 *	changes and the extended ack names the offending attribute.
 *
 * NFAV_CMD_GET_STATS: doit, no attributes.  Replies with NFAV_A_PROTOS whose
 *	members carry NFAV_P_STATS, a nest of NFAV_S_* u64 counters;
 *	NFAV_S_FALLBACKS is a nest of reasons, each a nest of actions, each a
 *	u64.
 *
 * NFAV_CMD_CLEAR_STATS: doit, no attributes.  Zeroes every counter.
 *
 * NFAV_CMD_GET_FLOWS: dump.  One message per flow with NFAV_A_FLOW, a nest of
 *	NFAV_F_* attributes.
 *
 * Scan daemon commands (nfavd)
 * ----------------------------
 * NFAV_CMD_REGISTER: doit.  The sending socket becomes the scan daemon of the
 *	network namespace.  Attributes: NFAV_A_DAEMON_PID (required) and the
 *	NFAV_A_ENGINE_* attributes describing the loaded engine.  Fails with
 *	-EBUSY when another socket is registered.  Sending it again from the
 *	registered socket updates the engine description (after a reload).
 *	The registration ends with NFAV_CMD_UNREGISTER or when the socket is
 *	closed; objects awaiting a verdict then take the engine-not-ready
 *	fallback.  After the module is reloaded the daemon must resolve the
 *	family again and register anew.
 *
 * NFAV_CMD_UNREGISTER: doit, no attributes.
 *
 * NFAV_CMD_OBJECT_BEGIN: kernel to daemon, unicast.  An object starts.
 *	NFAV_A_OBJECT_ID	u64, unique among the netns's objects in
 *				flight (allocated cyclically, 1 to 2^32-1)
 *	NFAV_A_OBJECT		nest of NFAV_O_* metadata; it always
 *				carries NFAV_O_MAX_LAYERS, the protocol's
 *				decompression layer limit: each archive or
 *				compression format a file sits in is one
 *				layer (content codings are none).  The
 *				daemon scans as deep as its engine goes: a
 *				signature found at any depth gives
 *				NFAV_VERDICT_INFECTED; if none matched and
 *				content lies under more layers than the
 *				limit, it answers NFAV_VERDICT_ERROR with
 *				NFAV_REASON_DECOMPRESS_LAYER.
 *				NFAV_O_ENCODING, when present, lists the
 *				content codings applied to the data in the
 *				order they were applied (HTTP Content-Encoding,
 *				lower case, comma separated, "identity"
 *				omitted): the daemon undoes them as clients
 *				do (transport, not layers) and scans the
 *				result.  After a coding it does not know, the
 *				bytes as sent are scanned (what clients
 *				keep); data that does not decode is scanned
 *				as far as it decodes and as sent, without an
 *				error.  More than 5 codings, or a
 *				decompression bomb (decoded content over the
 *				daemon's size limit from an object at least
 *				100 times smaller), give
 *				NFAV_REASON_MALFORMED
 *
 * NFAV_CMD_OBJECT_DATA: kernel to daemon, unicast.  Object content, in order,
 *	without gaps: NFAV_A_OBJECT_ID, NFAV_A_OFFSET (u64, offset of the first
 *	byte) and NFAV_A_DATA (binary).  Content is after transfer decoding
 *	(e.g. HTTP chunked), but before content decoding (e.g. gzip).
 *
 * NFAV_CMD_OBJECT_END: kernel to daemon, unicast.  NFAV_A_OBJECT_ID and
 *	NFAV_A_SIZE (u64, total bytes sent).  With NFAV_A_ABORTED (flag) the
 *	object is abandoned (connection reset, fallback already applied) and
 *	no verdict is expected; otherwise the daemon answers with exactly one
 *	NFAV_CMD_VERDICT.  After an END without NFAV_A_ABORTED no further
 *	message about the object follows, even if it is abandoned later (its
 *	verdict then gets -ENOENT).  If the kernel runs out of memory an END
 *	may be missing: the daemon should expire objects that see no message
 *	for a long time.
 *
 * NFAV_CMD_VERDICT: doit, daemon to kernel.  Only the registered socket may
 *	send it.
 *	NFAV_A_OBJECT_ID	u64, required
 *	NFAV_A_VERDICT		u8 enum nfav_verdict, required
 *	NFAV_A_VIRUS		string, signature name (NFAV_VERDICT_INFECTED)
 *	NFAV_A_REASON		u8 enum nfav_reason (NFAV_VERDICT_ERROR): why
 *				the object could not be scanned; the kernel
 *				applies the configured fallback for it
 *	NFAV_A_CHECKED		u64: the answer to NFAV_CMD_OBJECT_CHECK of
 *				that size (see there)
 *	-ENOENT means the object is gone (timed out, connection closed);
 *	-EINVAL that it has not ended yet (a verdict without NFAV_A_CHECKED)
 *	or that no check of that size is pending.
 *
 * NFAV_CMD_OBJECT_CHECK: kernel to daemon, unicast.  NFAV_A_OBJECT_ID and
 *	NFAV_A_SIZE (u64, bytes sent so far).  The object is not complete, but
 *	its sender waits for the receiver to acknowledge the content held
 *	back (it retransmits it: after its timeout it sends nothing new until
 *	then).  The daemon scans the content received so far and answers with
 *	NFAV_CMD_VERDICT carrying NFAV_A_CHECKED = NFAV_A_SIZE: clean lets the
 *	kernel release what was checked (the object goes on, and is scanned
 *	again whole at its end); infected blocks it now; an error changes
 *	nothing (the content stays held until the end of the object).  At
 *	most one check per object is pending.
 *
 * Messages from the kernel to the daemon are queued in the kernel and sent
 * without blocking; the daemon should enlarge its receive buffer.  Nothing is
 * dropped silently: when the queue exceeds NFAV_A_MEM_LIMIT, new objects take
 * the out-of-resources fallback and are ended with NFAV_A_ABORTED.
 *
 * The malformed fallback (NFAV_REASON_MALFORMED) is taken by the kernel when
 * a parser finds a protocol violation it cannot frame (conflicting lengths,
 * bad chunk sizes, a header section over the limit).  Block ends the
 * connection (the message is blocked); permit and log-and-permit pass the
 * rest of the connection unscanned, since its framing is unknown.  The
 * daemon also answers it for an object's content codings that no client
 * undoes (see NFAV_CMD_OBJECT_BEGIN): that object takes the fallback, as
 * for the other reasons the daemon sends.
 *
 * Events
 * ------
 * NFAV_CMD_EVENT: kernel to the NFAV_MCGRP_EVENTS multicast group, sent for
 *	every detection, every object fallback that logs or blocks, and every
 *	evasion.  (Connections refused or passed because the flow table is
 *	full are logged and counted, not sent as events.)
 *	NFAV_A_EVENT (u8 enum nfav_event), NFAV_A_OBJECT (metadata),
 *	NFAV_A_VIRUS, NFAV_A_REASON, NFAV_A_ACTION as they apply.
 */
#ifndef _UAPI_LINUX_NFAV_H
#define _UAPI_LINUX_NFAV_H

#include <linux/types.h>

#define NFAV_GENL_NAME		"nfav"
#define NFAV_GENL_VERSION	1
#define NFAV_MCGRP_EVENTS	"events"

#define NFAV_MAX_PORTS		16
#define NFAV_SCAN_TIMEOUT_MIN	1
#define NFAV_SCAN_TIMEOUT_MAX	1800
#define NFAV_NAME_MAX		256	/* object names and URLs, with NUL */
#define NFAV_VIRUS_MAX		128	/* signature names, with NUL */
#define NFAV_MESSAGE_MAX	512	/* custom notice text, without NUL */
#define NFAV_TRICKLE_TIMEOUT_MAX 600
#define NFAV_MAX_LAYERS_MAX	16
#define NFAV_HEADER_LIMIT_MIN	1024
#define NFAV_HEADER_LIMIT_MAX	(256 * 1024)
#define NFAV_LIST_MAX		64	/* entries in a list */
#define NFAV_EXTENSION_MAX	15	/* chars of an extension entry */
#define NFAV_MIME_MAX		63	/* chars of a content type entry */
#define NFAV_URL_ENTRY_MAX	255	/* chars of a host/URL entry */

/* The extension list a new network namespace starts with. */
#define NFAV_DEFAULT_EXTENSIONS \
	"exe,dll,com,scr,pif,cpl,sys,drv,ocx,msi,msp,bat,cmd,ps1,vbs,vbe," \
	"js,jse,wsf,wsh,hta,lnk,jar,apk,elf,so,bin,sh,zip,rar,7z,gz,tgz," \
	"bz2,xz,tar,cab,iso,img,arj,lzh,ace,doc,docm,docx,xls,xlsm,xlsx," \
	"ppt,pptm,pptx,rtf,pdf,swf,chm,reg,dmg"

enum nfav_cmd {
	NFAV_CMD_UNSPEC,
	NFAV_CMD_GET_STATUS,
	NFAV_CMD_GET_CONFIG,
	NFAV_CMD_SET_CONFIG,
	NFAV_CMD_GET_STATS,
	NFAV_CMD_CLEAR_STATS,
	NFAV_CMD_GET_FLOWS,
	NFAV_CMD_REGISTER,
	NFAV_CMD_UNREGISTER,
	NFAV_CMD_OBJECT_BEGIN,
	NFAV_CMD_OBJECT_DATA,
	NFAV_CMD_OBJECT_END,
	NFAV_CMD_VERDICT,
	NFAV_CMD_EVENT,
	NFAV_CMD_OBJECT_CHECK,
	__NFAV_CMD_MAX
};
#define NFAV_CMD_MAX (__NFAV_CMD_MAX - 1)

enum nfav_attr {
	NFAV_A_UNSPEC,
	NFAV_A_PAD,
	NFAV_A_VERSION,			/* string */
	NFAV_A_DAEMON_PID,		/* u32 */
	NFAV_A_DAEMON_PORTID,		/* u32 */
	NFAV_A_ENGINE_SIGNATURES,	/* u32 */
	NFAV_A_ENGINE_VERSION,		/* u32 */
	NFAV_A_ENGINE_LOADED,		/* u64 */
	NFAV_A_ENGINE_LIBVERSION,	/* string */
	NFAV_A_FLOWS,			/* u32 */
	NFAV_A_PENDING,			/* u32 */
	NFAV_A_HELD_BYTES,		/* u64 */
	NFAV_A_QUEUED_BYTES,		/* u64 */
	NFAV_A_MAX_FLOWS,		/* u32 */
	NFAV_A_FLOW_TIMEOUT,		/* u32 */
	NFAV_A_HOLD_LIMIT,		/* u32 */
	NFAV_A_MEM_LIMIT,		/* u32 */
	NFAV_A_MAX_REQUESTS,		/* u32 */
	NFAV_A_PROTOS,			/* nest of nests, type enum nfav_proto */
	NFAV_A_STATS,			/* reserved */
	NFAV_A_OBJECT_ID,		/* u64 */
	NFAV_A_OFFSET,			/* u64 */
	NFAV_A_DATA,			/* binary */
	NFAV_A_SIZE,			/* u64 */
	NFAV_A_ABORTED,			/* flag */
	NFAV_A_OBJECT,			/* nest of NFAV_O_* */
	NFAV_A_VERDICT,			/* u8 enum nfav_verdict */
	NFAV_A_REASON,			/* u8 enum nfav_reason */
	NFAV_A_ACTION,			/* u8 enum nfav_action */
	NFAV_A_VIRUS,			/* string */
	NFAV_A_EVENT,			/* u8 enum nfav_event */
	NFAV_A_FLOW,			/* nest of NFAV_F_* */
	NFAV_A_CHECKED,			/* u64 */
	__NFAV_A_MAX
};
#define NFAV_A_MAX (__NFAV_A_MAX - 1)

enum nfav_proto_attr {
	NFAV_P_UNSPEC,
	NFAV_P_PAD,
	NFAV_P_ENABLED,			/* u8 */
	NFAV_P_PORTS,			/* binary: __u16[] */
	NFAV_P_SCAN_TIMEOUT,		/* u32, seconds */
	NFAV_P_MAX_SIZE,		/* u32, KiB */
	NFAV_P_FALLBACKS,		/* nest: type enum nfav_reason, u8 action */
	NFAV_P_STATS,			/* nest of NFAV_S_* */
	NFAV_P_NOTIFY_TYPE,		/* u8 enum nfav_notify */
	NFAV_P_MESSAGE,			/* string, <= NFAV_MESSAGE_MAX chars */
	NFAV_P_TRICKLE_TIMEOUT,		/* u32, seconds, 0 = off */
	NFAV_P_MAX_LAYERS,		/* u32 */
	NFAV_P_HEADER_LIMIT,		/* u32, bytes */
	NFAV_P_SCAN_MODE,		/* u8 enum nfav_scan_mode */
	NFAV_P_EXTENSIONS,		/* list */
	NFAV_P_MIME_BYPASS,		/* list */
	NFAV_P_MIME_SCAN,		/* list */
	NFAV_P_URL_BYPASS,		/* list */
	__NFAV_P_MAX
};
#define NFAV_P_MAX (__NFAV_P_MAX - 1)

/* Members of a list nest. */
enum nfav_list_attr {
	NFAV_L_UNSPEC,
	NFAV_L_ENTRY,			/* string */
	__NFAV_L_MAX
};
#define NFAV_L_MAX (__NFAV_L_MAX - 1)

/* Counters: all u64, except NFAV_S_FALLBACKS. */
enum nfav_stat_attr {
	NFAV_S_UNSPEC,
	NFAV_S_PAD,
	NFAV_S_FLOWS,		/* flows tracked since the last clear */
	NFAV_S_SCANNED,		/* objects that got a verdict from the daemon */
	NFAV_S_CLEAN,
	NFAV_S_INFECTED,
	NFAV_S_BLOCKED,		/* objects blocked, for any reason */
	NFAV_S_BYPASSED,	/* flows or messages passed unscanned on purpose */
	NFAV_S_MALFORMED,	/* protocol violations seen */
	NFAV_S_EVASIONS,	/* retransmissions that changed seen bytes */
	NFAV_S_OOO_DROPS,	/* segments dropped: out-of-order queue full */
	NFAV_S_FLOW_LIMIT,	/* flows not tracked: flow table full */
	NFAV_S_FALLBACKS,	/* nest: reason -> nest: action -> u64 */
	NFAV_S_SKIPPED,		/* objects not scanned by configuration */
	NFAV_S_UNTRACKED,	/* segments dropped: payload of a connection
				 * not followed (no conntrack entry, not seen
				 * from its SYN)
				 */
	NFAV_S_CHECKS,		/* NFAV_CMD_OBJECT_CHECKs sent: content so
				 * far scanned for a sender that waits
				 */
	NFAV_S_UNACKED,		/* segments dropped: the receiver has not
				 * acknowledged enough of what was released
				 * (its copies fill the bounds)
				 */
	__NFAV_S_MAX
};
#define NFAV_S_MAX (__NFAV_S_MAX - 1)

/* Object metadata. */
enum nfav_object_attr {
	NFAV_O_UNSPEC,
	NFAV_O_PROTO,		/* u8 enum nfav_proto */
	NFAV_O_DIRECTION,	/* u8 enum nfav_direction */
	NFAV_O_FAMILY,		/* u8 AF_INET or AF_INET6 */
	NFAV_O_CLIENT_ADDR,	/* binary, 4 or 16 bytes */
	NFAV_O_SERVER_ADDR,	/* binary, 4 or 16 bytes */
	NFAV_O_CLIENT_PORT,	/* u16 */
	NFAV_O_SERVER_PORT,	/* u16 */
	NFAV_O_NAME,		/* string: file name, if known */
	NFAV_O_URL,		/* string: URL, path or mailbox, if known */
	NFAV_O_CONTENT_TYPE,	/* string, if known */
	NFAV_O_HOST,		/* string: server host name, if known */
	NFAV_O_MAX_LAYERS,	/* u32: decompression layers allowed */
	NFAV_O_ENCODING,	/* string: content codings, as sent */
	__NFAV_O_MAX
};
#define NFAV_O_MAX (__NFAV_O_MAX - 1)

/* Flow description (NFAV_CMD_GET_FLOWS). */
enum nfav_flow_attr {
	NFAV_F_UNSPEC,
	NFAV_F_PAD,
	NFAV_F_PROTO,		/* u8 enum nfav_proto */
	NFAV_F_FAMILY,		/* u8 */
	NFAV_F_CLIENT_ADDR,	/* binary */
	NFAV_F_SERVER_ADDR,	/* binary */
	NFAV_F_CLIENT_PORT,	/* u16 */
	NFAV_F_SERVER_PORT,	/* u16 */
	NFAV_F_STATE,		/* u8 enum nfav_flow_state */
	NFAV_F_HELD_BYTES,	/* u32 */
	NFAV_F_PENDING,		/* u32, objects in progress or awaiting verdict */
	NFAV_F_AGE,		/* u32, milliseconds since the flow was created */
	NFAV_F_OBJECTS,		/* u64, objects seen on the flow */
	__NFAV_F_MAX
};
#define NFAV_F_MAX (__NFAV_F_MAX - 1)

enum nfav_proto {
	NFAV_PROTO_UNSPEC,
	NFAV_PROTO_HTTP,
	NFAV_PROTO_FTP,
	NFAV_PROTO_SMTP,
	NFAV_PROTO_POP3,
	NFAV_PROTO_IMAP,
	__NFAV_PROTO_MAX
};
#define NFAV_PROTO_MAX (__NFAV_PROTO_MAX - 1)

/* Which way an object travels. */
enum nfav_direction {
	NFAV_DIR_DOWNLOAD,	/* server to client */
	NFAV_DIR_UPLOAD,	/* client to server */
};

enum nfav_verdict {
	NFAV_VERDICT_UNSPEC,
	NFAV_VERDICT_CLEAN,
	NFAV_VERDICT_INFECTED,
	NFAV_VERDICT_ERROR,	/* with NFAV_A_REASON */
	__NFAV_VERDICT_MAX
};
#define NFAV_VERDICT_MAX (__NFAV_VERDICT_MAX - 1)

/* Fallback reasons: why an object could not be scanned. */
enum nfav_reason {
	NFAV_REASON_NONE,
	NFAV_REASON_DEFAULT,		/* any other scan error */
	NFAV_REASON_CORRUPT_FILE,
	NFAV_REASON_PASSWORD_FILE,	/* encrypted archive or document */
	NFAV_REASON_DECOMPRESS_LAYER,	/* too many nested archive layers */
	NFAV_REASON_CONTENT_SIZE,	/* object larger than the size limit */
	NFAV_REASON_ENGINE_NOT_READY,	/* no daemon registered */
	NFAV_REASON_TIMEOUT,		/* no verdict within the scan timeout */
	NFAV_REASON_OUT_OF_RESOURCES,	/* memory or flow limits reached */
	NFAV_REASON_TOO_MANY_REQUESTS,	/* too many objects awaiting verdicts */
	NFAV_REASON_MALFORMED,		/* protocol violation: framing unknown */
	__NFAV_REASON_MAX
};
#define NFAV_REASON_MAX (__NFAV_REASON_MAX - 1)

enum nfav_action {
	NFAV_ACTION_UNSPEC,
	NFAV_ACTION_PERMIT,		/* pass silently (counted) */
	NFAV_ACTION_LOG_PERMIT,		/* pass, log and send an event */
	NFAV_ACTION_BLOCK,		/* block as if infected */
	__NFAV_ACTION_MAX
};
#define NFAV_ACTION_MAX (__NFAV_ACTION_MAX - 1)

/* How the client of a blocked transfer is told (HTTP). */
enum nfav_notify {
	NFAV_NOTIFY_UNSPEC,
	NFAV_NOTIFY_MESSAGE,		/* 403 with a page naming the reason */
	NFAV_NOTIFY_PROTOCOL_ONLY,	/* bare 403, no page */
	__NFAV_NOTIFY_MAX
};
#define NFAV_NOTIFY_MAX (__NFAV_NOTIFY_MAX - 1)

/* Which objects are scanned. */
enum nfav_scan_mode {
	NFAV_SCAN_UNSPEC,
	NFAV_SCAN_ALL,			/* every object */
	NFAV_SCAN_BY_EXTENSION,		/* objects named with a listed extension */
	__NFAV_SCAN_MAX
};
#define NFAV_SCAN_MAX (__NFAV_SCAN_MAX - 1)

enum nfav_event {
	NFAV_EVENT_UNSPEC,
	NFAV_EVENT_DETECTION,		/* infected object blocked */
	NFAV_EVENT_FALLBACK,		/* fallback applied (logged or blocked) */
	NFAV_EVENT_EVASION,		/* flow blocked: conflicting retransmission */
	__NFAV_EVENT_MAX
};
#define NFAV_EVENT_MAX (__NFAV_EVENT_MAX - 1)

enum nfav_flow_state {
	NFAV_FLOW_HANDSHAKE,	/* waiting for the SYN-ACK */
	NFAV_FLOW_ACTIVE,	/* parsing and scanning */
	NFAV_FLOW_BYPASS,	/* passed unscanned (not the protocol, tunnel) */
	NFAV_FLOW_BLOCKED,	/* blocked: every further packet is dropped */
	NFAV_FLOW_CLOSING,	/* reset or torn down: packets are dropped */
};

#endif /* _UAPI_LINUX_NFAV_H */
