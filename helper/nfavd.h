/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfavd - the nfav scan daemon.  Internal header shared by all of helper/.
 *
 * Threads:
 *   main      event loop (main.c): kernel messages (netlink.c), signals,
 *             the one-second maintenance tick; owns the object table
 *             (objects.c), which therefore needs no lock
 *   workers   pool.c: undo the content codings of one finished object
 *             (coding.c), scan it (engine.c) and send its verdict
 *             (netlink.c)
 *   reload    engine.c: builds a new engine on SIGHUP, then swaps it in
 */
#ifndef NFAVD_H
#define NFAVD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>
#include <time.h>

#include <linux/nfav.h>

#define NFAVD_VERSION "0.1.0"
#define NFAVD_DEFAULT_DATABASE "/var/lib/clamav"

/* Decompression layer limits: --max-recursion, --max-layers, the kernel's. */
#define NFAVD_LAYERS_MAX 64
_Static_assert(NFAVD_LAYERS_MAX >= NFAV_MAX_LAYERS_MAX,
	       "the daemon must allow every layer limit the kernel may send");

/* ---- main.c: options ---------------------------------------------------- */

struct nfavd_options {
	const char *database;
	bool foreground;
	bool verbose;
	unsigned int threads;
	const char *user;
	const char *pidfile;
	unsigned int max_recursion;	/* default decompression layer limit */
	long long max_filesize_kb;	/* -1: libclamav default */
	long long max_scansize_kb;	/* -1: libclamav default */
	long long max_scantime_ms;	/* -1: libclamav default */
};

extern struct nfavd_options opts;

/* ---- log.c ---------------------------------------------------------------- */

void log_open(bool to_syslog, bool to_stderr, bool verbose);
void log_set_stderr(bool to_stderr);
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

/* ---- engine.c ------------------------------------------------------------- */

struct cl_engine;

/* A compiled libclamav engine, shared by reference between scans. */
struct engine {
	struct cl_engine *cl;
	atomic_uint refs;
	unsigned int signatures;
	unsigned int version;		/* daily (else main) database version */
	uint64_t loaded;		/* unix time */
};

struct scan_result {
	enum nfav_verdict verdict;
	enum nfav_reason reason;	/* NFAV_VERDICT_ERROR */
	char virus[NFAV_VIRUS_MAX];	/* NFAV_VERDICT_INFECTED */
	char detail[NFAV_VIRUS_MAX];	/* what libclamav said, for logs */
};

int engine_init(void);
struct engine *engine_load(const char *dir);
void engine_install(struct engine *e);
struct engine *engine_get(void);
void engine_put(struct engine *e);
void engine_scan(struct engine *e, int fd, unsigned int max_layers,
		 struct scan_result *r);
uint64_t engine_decode_limit(const struct engine *e);
const char *engine_libversion(void);
const char *reason_name(enum nfav_reason reason);
void scan_error(struct scan_result *r, enum nfav_reason reason,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int reload_start(int notify_fd);
bool reload_finish(void);
void reload_stop(void);

/* ---- coding.c ------------------------------------------------------------- */

/* Default bound of decoded content when libclamav's size limits are off. */
#define NFAVD_DECODE_MAX_DEFAULT (256ull << 20)

void content_scan(struct engine *e, int fd, const char *encoding,
		  unsigned int max_layers, struct scan_result *r);

/* ---- objects.c ------------------------------------------------------------ */

#define OBJECT_DESC_MAX 1024

/*
 * What OBJECT_BEGIN says about how to scan an object.  objects_begin() takes
 * the (malloc'ed) encoding.
 */
struct object_meta {
	char *encoding;			/* content codings, NULL if none */
	unsigned int max_layers;	/* decompression layer limit */
	enum nfav_reason error;		/* NONE, or why it cannot be scanned */
};

/* An object being received.  Owned by the main thread. */
struct object {
	uint64_t id;
	int fd;				/* memfd, -1 once failed */
	uint64_t size;			/* bytes received so far */
	enum nfav_reason error;		/* NONE while healthy */
	time_t last;			/* CLOCK_MONOTONIC seconds */
	char *encoding;			/* NFAV_O_ENCODING, NULL if none */
	unsigned int max_layers;
	struct object *next;		/* hash chain */
	char desc[OBJECT_DESC_MAX];	/* for logs */
};

struct object *objects_begin(uint64_t id, const char *desc,
			     struct object_meta *meta);
struct object *objects_find(uint64_t id);
void objects_data(struct object *o, uint64_t offset, const void *data,
		  size_t len);
void objects_remove(struct object *o);
void object_free(struct object *o);
unsigned int objects_clear(void);
unsigned int objects_expire(time_t idle);
unsigned int objects_count(void);
time_t monotonic_now(void);

/* ---- pool.c --------------------------------------------------------------- */

/* A finished object waiting for, or being, scanned. */
struct job {
	uint64_t id;
	int fd;
	uint64_t size;
	char *encoding;			/* content codings, NULL if none */
	unsigned int max_layers;
	uint32_t gen;			/* netlink generation it belongs to */
	uint64_t checked;		/* a check of the first bytes, or 0 */
	struct job *next;
	char desc[OBJECT_DESC_MAX];
};

/* Checks queued at most: each rescans an object's first bytes. */
#define CHECK_QUEUE_MAX 32

int pool_start(unsigned int threads, unsigned int queue_max);
int pool_submit(struct job *job);
void job_free(struct job *job);
unsigned int pool_flush(void);
void pool_stop(void);

/* ---- netlink.c ------------------------------------------------------------ */

enum kernel_tick_result {
	KERNEL_TICK_OK,
	KERNEL_TICK_FATAL,
};

int kernel_open(void);
int kernel_rx_fd(void);
void kernel_rx_process(void);
enum kernel_tick_result kernel_tick(void);
void kernel_engine_changed(void);
void kernel_send_verdict(const struct job *job, const struct scan_result *r);
void kernel_shutdown(void);
void kernel_close(void);

#endif /* NFAVD_H */
