// SPDX-License-Identifier: GPL-2.0
/*
 * Logging: syslog (LOG_DAEMON, ident "nfavd") and/or stderr.  Debug messages
 * are dropped unless --verbose.  Safe to call from any thread.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nfavd.h"

static bool log_syslog;
static bool log_stderr = true;
static bool log_verbose;

void log_open(bool to_syslog, bool to_stderr, bool verbose)
{
	log_syslog = to_syslog;
	log_stderr = to_stderr;
	log_verbose = verbose;
	if (log_syslog)
		openlog("nfavd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* Called once, before any thread is started (daemonizing). */
void log_set_stderr(bool to_stderr)
{
	log_stderr = to_stderr;
}

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error: ";
	case LOG_WARNING:
		return "warning: ";
	case LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

void log_msg(int prio, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	if (prio == LOG_DEBUG && !log_verbose)
		return;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	if (log_syslog)
		syslog(prio, "%s", buf);
	if (log_stderr)
		fprintf(stderr, "nfavd: %s%s\n", prio_name(prio), buf);
}
