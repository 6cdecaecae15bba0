// SPDX-License-Identifier: GPL-2.0
/*
 * nfavd: options, the offline modes (--check, --scan), daemonizing,
 * privilege drop, signals and the main event loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/capability.h>

#include <clamav.h>

#include "nfavd.h"

#define QUEUE_MAX	4096	/* finished objects waiting for a scan */

struct nfavd_options opts = {
	.database = NFAVD_DEFAULT_DATABASE,
	.max_recursion = 2,
	.max_filesize_kb = -1,
	.max_scansize_kb = -1,
	.max_scantime_ms = -1,
};

enum {
	OPT_CHECK = 256,
	OPT_SCAN,
	OPT_MAX_RECURSION,
	OPT_MAX_FILESIZE,
	OPT_MAX_SCANSIZE,
	OPT_MAX_SCANTIME,
	OPT_PIDFILE,
	OPT_ENCODING,
	OPT_MAX_LAYERS,
};

/* --scan only: how the files are taken. */
static const char *scan_encoding;	/* --encoding */
#define SCAN_LAYERS_MAX	16		/* limits in a --max-layers list */
static unsigned int scan_layers[SCAN_LAYERS_MAX];	/* --max-layers */
static int scan_nlayers;		/* 0: --max-recursion */

static const struct option long_options[] = {
	{ "database",		required_argument, NULL, 'd' },
	{ "foreground",		no_argument,	   NULL, 'f' },
	{ "threads",		required_argument, NULL, 't' },
	{ "user",		required_argument, NULL, 'u' },
	{ "pidfile",		required_argument, NULL, OPT_PIDFILE },
	{ "max-recursion",	required_argument, NULL, OPT_MAX_RECURSION },
	{ "max-filesize",	required_argument, NULL, OPT_MAX_FILESIZE },
	{ "max-scansize",	required_argument, NULL, OPT_MAX_SCANSIZE },
	{ "max-scantime",	required_argument, NULL, OPT_MAX_SCANTIME },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "check",		no_argument,	   NULL, OPT_CHECK },
	{ "scan",		no_argument,	   NULL, OPT_SCAN },
	{ "encoding",		required_argument, NULL, OPT_ENCODING },
	{ "max-layers",		required_argument, NULL, OPT_MAX_LAYERS },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: nfavd [OPTIONS]                 run the scan daemon\n"
"       nfavd [OPTIONS] --check         load the database and report it\n"
"       nfavd [OPTIONS] --scan [--encoding CODINGS] [--max-layers N[,N...]]\n"
"                              FILE...\n"
"                                       scan files as traffic would be\n"
"\n"
"Options:\n"
"  -d, --database DIR      signature database directory (default %s)\n"
"  -f, --foreground        do not daemonize; log to stderr too\n"
"  -t, --threads N         scan threads (default: number of CPUs)\n"
"  -u, --user NAME         drop privileges to NAME, keeping CAP_NET_ADMIN\n"
"      --pidfile FILE      write the daemon's pid to FILE\n"
"      --max-recursion N   decompression layer limit (default 2)\n"
"      --max-filesize KB   largest file libclamav scans (0: no limit)\n"
"      --max-scansize KB   most data scanned per object (0: no limit)\n"
"      --max-scantime MS   longest scan of one object (0: no limit)\n"
"      --encoding CODINGS  --scan: content codings applied to the files,\n"
"                          in order (e.g. \"gzip, br\"; default: none)\n"
"      --max-layers N[,N...]\n"
"                          --scan: layer limit of the files, codings\n"
"                          included (default: --max-recursion); with a\n"
"                          list, each file is scanned once per limit\n"
"  -v, --verbose           log debug messages\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"See nfavd(8).\n", NFAVD_DEFAULT_DATABASE);
}

static long long parse_number(const char *opt, const char *arg,
			      long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		fprintf(stderr, "nfavd: --%s: expected a number from %lld to "
			"%lld, got \"%s\"\n", opt, min, max, arg);
		exit(2);
	}
	return v;
}

/* --max-layers N[,N...]: at most SCAN_LAYERS_MAX limits. */
static void parse_layers(const char *arg)
{
	char buf[256], *tok, *save;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf)) {
		fprintf(stderr, "nfavd: --max-layers: list too long\n");
		exit(2);
	}
	scan_nlayers = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (scan_nlayers == SCAN_LAYERS_MAX) {
			fprintf(stderr, "nfavd: --max-layers: more than %d "
				"limits\n", SCAN_LAYERS_MAX);
			exit(2);
		}
		scan_layers[scan_nlayers++] = (unsigned int)parse_number(
				"max-layers", tok, 0, NFAVD_LAYERS_MAX);
	}
	if (!scan_nlayers)
		parse_number("max-layers", arg, 0, NFAVD_LAYERS_MAX);
}

/* ---- offline modes ------------------------------------------------------- */

static int mode_check(void)
{
	struct engine *e = engine_load(opts.database);

	if (!e)
		return 1;
	printf("database: %s\n", opts.database);
	printf("signatures: %u\n", e->signatures);
	printf("version: %u\n", e->version);
	printf("library: %s\n", engine_libversion());
	engine_put(e);
	return 0;
}

/* Scan @file once, print its line: 0 clean, 1 infected, 2 error. */
static int scan_file(struct engine *e, const char *file, unsigned int layers)
{
	struct scan_result r;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "nfavd: %s: %s\n", file, strerror(errno));
		printf("%s: ERROR %s\n", file, reason_name(NFAV_REASON_DEFAULT));
		fflush(stdout);
		return 2;
	}
	content_scan(e, fd, scan_encoding, layers, &r);
	close(fd);

	switch (r.verdict) {
	case NFAV_VERDICT_CLEAN:
		printf("%s: OK\n", file);
		break;
	case NFAV_VERDICT_INFECTED:
		printf("%s: %s FOUND\n", file, r.virus);
		break;
	default:
		printf("%s: ERROR %s\n", file, reason_name(r.reason));
		if (opts.verbose)
			fprintf(stderr, "nfavd: %s: %s\n", file, r.detail);
		break;
	}
	fflush(stdout);
	return r.verdict == NFAV_VERDICT_CLEAN ? 0 :
	       r.verdict == NFAV_VERDICT_INFECTED ? 1 : 2;
}

static int mode_scan(char **files, int nfiles)
{
	bool infected = false, error = false;
	struct engine *e;
	int i, j;

	if (!nfiles) {
		fprintf(stderr, "nfavd: --scan: no file given\n");
		return 2;
	}
	e = engine_load(opts.database);
	if (!e)
		return 2;
	if (!scan_nlayers)
		scan_layers[scan_nlayers++] = opts.max_recursion;

	/* One engine for all: later scans may hit its clean file cache. */
	for (i = 0; i < nfiles; i++) {
		for (j = 0; j < scan_nlayers; j++) {
			switch (scan_file(e, files[i], scan_layers[j])) {
			case 1:
				infected = true;
				break;
			case 2:
				error = true;
				break;
			}
		}
	}
	engine_put(e);
	return error ? 2 : infected ? 1 : 0;
}

/* ---- daemon setup -------------------------------------------------------- */

static int write_pidfile(void)
{
	char buf[32];
	int fd, len;

	if (!opts.pidfile)
		return 0;
	fd = open(opts.pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("pidfile %s: %s", opts.pidfile, strerror(errno));
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)len) != len) {
		log_err("pidfile %s: %s", opts.pidfile, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Double fork.  The original process waits on @ready_fd's pipe and exits
 * with the daemon's startup status (daemon_ready()).
 */
static int daemonize(int *ready_fd)
{
	int p[2], fd;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC)) {
		log_err("pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);	/* the daemon died during startup */
		_exit(c);
	}
	close(p[0]);
	if (setsid() < 0) {
		log_err("setsid: %s", strerror(errno));
		_exit(1);
	}
	pid = fork();
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		_exit(1);
	}
	if (pid > 0)
		_exit(0);

	if (chdir("/"))
		log_warn("chdir /: %s", strerror(errno));
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	*ready_fd = p[1];
	return 0;
}

/* Report the startup status to the waiting parent; stop using stderr. */
static void daemon_ready(int ready_fd, int status)
{
	char c = (char)status;
	int fd;

	if (ready_fd < 0)
		return;
	if (write(ready_fd, &c, 1) != 1)
		log_warn("cannot report the startup status: %s",
			 strerror(errno));
	close(ready_fd);
	log_set_stderr(false);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static int capset_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective = CAP_TO_MASK(CAP_NET_ADMIN);
	data[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted = CAP_TO_MASK(CAP_NET_ADMIN);
	return (int)syscall(SYS_capset, &hdr, data);
}

/* CAP_NET_ADMIN must be effective and nothing else permitted. */
static bool caps_verify(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned int i;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	for (i = 0; i < 2; i++) {
		uint32_t want = i == CAP_TO_INDEX(CAP_NET_ADMIN) ?
				CAP_TO_MASK(CAP_NET_ADMIN) : 0;

		if (data[i].effective != want || data[i].permitted != want ||
		    data[i].inheritable)
			return false;
	}
	return true;
}

/*
 * Become @opts.user, keeping only CAP_NET_ADMIN (VERDICT and REGISTER need
 * it).  Capabilities are per thread: call before any thread is started.
 */
static int drop_privileges(void)
{
	struct passwd *pw;

	if (!opts.user)
		return 0;
	errno = 0;
	pw = getpwnam(opts.user);
	if (!pw) {
		log_err("user %s: %s", opts.user,
			errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L)) {
		log_err("PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) || setgid(pw->pw_gid) ||
	    setuid(pw->pw_uid)) {
		log_err("cannot become user %s: %s", opts.user,
			strerror(errno));
		return -1;
	}
	if (capset_net_admin()) {
		log_err("cannot keep CAP_NET_ADMIN: %s", strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);

	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getegid() != pw->pw_gid ||
	    (pw->pw_uid != 0 && setuid(0) == 0) || !caps_verify()) {
		log_err("privilege drop to %s could not be verified", opts.user);
		return -1;
	}
	log_info("running as user %s (uid %u, gid %u) with CAP_NET_ADMIN only",
		 opts.user, (unsigned int)pw->pw_uid, (unsigned int)pw->pw_gid);
	if (access(opts.database, R_OK | X_OK))
		log_warn("user %s cannot read %s: reloads will fail",
			 opts.user, opts.database);
	return 0;
}

/* One fd per object being received or queued: allow as many as we may. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			log_warn("cannot raise the file descriptor limit: %s",
				 strerror(errno));
	}
}

/* ---- the daemon ---------------------------------------------------------- */

static int event_loop(int sfd, int reload_fd)
{
	int64_t next_tick = 0;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = kernel_rx_fd(), .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
			{ .fd = reload_fd, .events = POLLIN },
		};
		struct timespec ts;
		int64_t now, timeout;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (now >= next_tick) {
			if (kernel_tick() == KERNEL_TICK_FATAL)
				return 1;
			next_tick = now + 1000;
		}
		timeout = next_tick - now;

		if (poll(pfd, 3, (int)timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[0].revents)
			kernel_rx_process();
		if (pfd[2].revents & POLLIN) {
			if (reload_finish())
				kernel_engine_changed();
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			switch (si.ssi_signo) {
			case SIGHUP:
				reload_start(reload_fd);
				break;
			case SIGTERM:
			case SIGINT:
				log_notice("signal %d: shutting down",
					   (int)si.ssi_signo);
				return 0;
			}
		}
	}
}

/* Make @path absolute: the daemon runs in "/" (reloads, pidfile removal). */
static char *absolute_path(const char *path)
{
	char cwd[PATH_MAX], *abs;

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(path);
	if (asprintf(&abs, "%s/%s", cwd, path) < 0)
		return NULL;
	return abs;
}

static int run_daemon(void)
{
	int ready_fd = -1, sfd = -1, reload_fd = -1, ret = 1;
	char *database, *pidfile = NULL;
	struct engine *e;
	sigset_t mask;

	database = absolute_path(opts.database);
	if (opts.pidfile)
		pidfile = absolute_path(opts.pidfile);
	if (!database || (opts.pidfile && !pidfile)) {
		log_err("out of memory");
		goto out_free;
	}
	opts.database = database;
	opts.pidfile = pidfile;

	e = engine_load(opts.database);
	if (!e)
		goto out_free;
	log_info("loaded %u signatures from %s (database version %u, %s)",
		 e->signatures, opts.database, e->version, engine_libversion());
	engine_install(e);

	if (kernel_open())
		goto out_engine;
	raise_fd_limit();

	if (!opts.foreground && daemonize(&ready_fd))
		goto out_nl;
	if (write_pidfile())
		goto out_ready;
	if (drop_privileges())
		goto out_pidfile;

	/* Signals are handled by the event loop; threads inherit the mask. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	reload_fd = eventfd(0, EFD_CLOEXEC);
	if (sfd < 0 || reload_fd < 0) {
		log_err("signalfd/eventfd: %s", strerror(errno));
		goto out_pidfile;
	}
	if (pool_start(opts.threads, QUEUE_MAX))
		goto out_fds;

	log_notice("nfavd %s started (pid %d)", NFAVD_VERSION, (int)getpid());
	daemon_ready(ready_fd, 0);
	ready_fd = -1;

	ret = event_loop(sfd, reload_fd);

	kernel_shutdown();
	reload_stop();
	pool_stop();
	objects_clear();
	log_notice("nfavd stopped");
out_fds:
	if (sfd >= 0)
		close(sfd);
	if (reload_fd >= 0)
		close(reload_fd);
out_pidfile:
	if (opts.pidfile && unlink(opts.pidfile) && errno != ENOENT)
		log_debug("cannot remove %s: %s", opts.pidfile,
			  strerror(errno));
out_ready:
	daemon_ready(ready_fd, 1);
out_nl:
	kernel_close();
out_engine:
	engine_install(NULL);
out_free:
	free(database);
	free(pidfile);
	return ret;
}

int main(int argc, char **argv)
{
	bool check = false, scan = false;
	long n;
	int c;

	n = sysconf(_SC_NPROCESSORS_ONLN);
	opts.threads = n > 0 ? (unsigned int)n : 1;

	while ((c = getopt_long(argc, argv, "d:ft:u:vhV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			opts.database = optarg;
			break;
		case 'f':
			opts.foreground = true;
			break;
		case 't':
			opts.threads = (unsigned int)parse_number("threads",
							optarg, 1, 1024);
			break;
		case 'u':
			opts.user = optarg;
			break;
		case OPT_PIDFILE:
			opts.pidfile = optarg;
			break;
		case OPT_MAX_RECURSION:
			opts.max_recursion = (unsigned int)parse_number(
				"max-recursion", optarg, 0, NFAVD_LAYERS_MAX);
			break;
		case OPT_MAX_FILESIZE:
			opts.max_filesize_kb = parse_number("max-filesize",
							    optarg, 0, 4194303);
			break;
		case OPT_MAX_SCANSIZE:
			opts.max_scansize_kb = parse_number("max-scansize",
							    optarg, 0, 4194303);
			break;
		case OPT_MAX_SCANTIME:
			opts.max_scantime_ms = parse_number("max-scantime",
							    optarg, 0,
							    UINT_MAX);
			break;
		case 'v':
			opts.verbose = true;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_SCAN:
			scan = true;
			break;
		case OPT_ENCODING:
			scan_encoding = optarg;
			break;
		case OPT_MAX_LAYERS:
			parse_layers(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("nfavd %s (ClamAV %s)\n", NFAVD_VERSION,
			       cl_retver());
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (check && scan) {
		fprintf(stderr, "nfavd: --check and --scan exclude each other\n");
		return 2;
	}
	if (!scan && (scan_encoding || scan_nlayers)) {
		fprintf(stderr, "nfavd: --encoding and --max-layers need "
			"--scan\n");
		return 2;
	}
	if (!scan && optind < argc) {
		fprintf(stderr, "nfavd: unexpected argument \"%s\"\n",
			argv[optind]);
		return 2;
	}

	if (check || scan) {
		log_open(false, true, opts.verbose);
		if (engine_init())
			return check ? 1 : 2;
		return check ? mode_check() : mode_scan(argv + optind,
							 argc - optind);
	}

	/* A daemon keeps no descriptor it inherited, except stdio. */
	if (!opts.foreground)
		close_range(3, ~0u, 0);
	log_open(true, true, opts.verbose);
	if (engine_init())
		return 1;
	return run_daemon();
}
