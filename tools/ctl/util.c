// SPDX-License-Identifier: GPL-2.0
/*
 * Global options and error reporting.
 */
#include <stdarg.h>

#include "nfavctl.h"

struct ctl_opts opts;

void err_msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(PROG_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
