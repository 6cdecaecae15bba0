// SPDX-License-Identifier: GPL-2.0
/*
 * nfavctl monitor: one line (or one JSON object) per event of the "events"
 * multicast group, until SIGINT or SIGTERM.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include <netlink/msg.h>

#include "nfavctl.h"

static void print_event_json(const struct nfav_event_msg *ev, time_t when)
{
	const struct nfav_object *o = &ev->obj;
	char addr[64];

	json_start(false);	/* one object per line, even with -p */
	json_obj_open(NULL);
	json_u64("time", (uint64_t)when);
	json_str("event", event_name(ev->event));
	if (o->has_proto)
		json_str("proto", proto_name(o->proto));
	if (o->has_direction)
		json_str("direction", direction_name(o->direction));
	if (o->client.len || o->server.len)
		json_str("family", family_name(o->client.family));
	if (o->client.len) {
		format_addr(addr, sizeof(addr), &o->client, 0, false);
		json_str("client", addr);
	}
	if (o->has_ports)
		json_u64("client_port", o->client_port);
	if (o->server.len) {
		format_addr(addr, sizeof(addr), &o->server, 0, false);
		json_str("server", addr);
	}
	if (o->has_ports)
		json_u64("server_port", o->server_port);
	if (o->has_name)
		json_str("name", o->name);
	if (o->has_host)
		json_str("host", o->host);
	if (o->has_url)
		json_str("url", o->url);
	if (o->has_content_type)
		json_str("content_type", o->content_type);
	if (o->has_encoding)
		json_str("encoding", o->encoding);
	if (ev->has_virus)
		json_str("virus", ev->virus);
	if (ev->has_reason)
		json_str("reason", reason_name(ev->reason));
	if (ev->has_action)
		json_str("action", action_name(ev->action));
	json_obj_close();
	json_finish();
}

static void put_field(const char *key, const char *value)
{
	printf(" %s ", key);
	fput_text_string(stdout, value, strlen(value));
}

void print_event(const struct nfav_event_msg *ev, time_t when)
{
	const struct nfav_object *o = &ev->obj;
	char stamp[32], client[64], server[64];
	struct tm tm;

	if (opts.json) {
		print_event_json(ev, when);
		return;
	}
	if (!localtime_r(&when, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "%lld", (long long)when);
	printf("%s %s", stamp, event_name(ev->event));
	if (o->has_proto)
		printf(" %s", proto_name(o->proto));
	if (o->has_direction)
		printf(" %s", direction_name(o->direction));
	if (o->client.len || o->server.len || o->has_ports) {
		format_addr(client, sizeof(client), &o->client,
			    o->client_port, o->has_ports);
		format_addr(server, sizeof(server), &o->server,
			    o->server_port, o->has_ports);
		printf(" %s -> %s", client, server);
	}
	if (o->has_name)
		put_field("name", o->name);
	if (o->has_host)
		put_field("host", o->host);
	if (o->has_url)
		put_field("url", o->url);
	if (o->has_content_type)
		put_field("content-type", o->content_type);
	if (o->has_encoding)
		put_field("encoding", o->encoding);
	if (ev->has_virus)
		put_field("virus", ev->virus);
	if (ev->has_reason)
		printf(" reason %s", reason_name(ev->reason));
	if (ev->has_action)
		printf(" action %s", action_name(ev->action));
	putchar('\n');
	fflush(stdout);
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nfav_event_msg ev;

	(void)arg;
	if (parse_event(msg, &ev))
		return -1;
	print_event(&ev, time(NULL));
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int monitor_run(struct nfav_nl *nl, const char *family, const char *group)
{
	struct sigaction sa;
	sigset_t block, waitmask;

	/* Block the signals, and let ppoll() unblock them while it waits. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	return nfav_nl_listen(nl, family, group, event_cb, NULL, &stop,
			      &waitmask);
}

int cmd_monitor(int argc, char **argv)
{
	struct nfav_nl *nl;
	int ret;

	if (argc > 1) {
		err_msg("monitor: unexpected argument \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	ret = nfav_nl_open(&nl);
	if (ret)
		return ret;
	ret = monitor_run(nl, NFAV_GENL_NAME, NFAV_MCGRP_EVENTS);
	nfav_nl_close(nl);
	return ret;
}
