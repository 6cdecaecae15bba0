// SPDX-License-Identifier: GPL-2.0
/*
 * libclamav engine: load, reload with an atomic swap, scan and classify.
 *
 * The current engine is a refcounted struct engine.  A scan takes a
 * reference (engine_get) for its whole duration, so a reload that swaps in a
 * new engine never pulls the old one from under a running scan: the old
 * engine is freed by whoever drops the last reference.
 *
 * The decompression layer limit is per object (NFAV_O_MAX_LAYERS), while
 * libclamav's CL_ENGINE_MAX_RECURSION is per engine and counts every level
 * of its recursion: archive members and decompressed streams, but also
 * unpacked executables (UPX and other packers), embedded objects, mail
 * attachments, document streams.  Only archive and compression formats are
 * decompression layers (layer_types[]): unpacking an executable or parsing
 * a document, a mail or an installer database is part of scanning that
 * file.
 *
 * A signature wins over the layer limit, at any depth: every scan goes as
 * deep as libclamav's recursion limit (NFAVD_RECURSION, 65 levels), bounded
 * in cost by the size, file count and time limits (engine_set_limits()),
 * and the layer limit only decides what a scan that found nothing yields.
 * libclamav's file inspection callback sees every file libclamav extracts
 * with its recursion level: scan_inspect() counts the layers among its
 * ancestors and remembers a file under more layers than the object's limit
 * (it is scanned all the same).  An infected object is infected; a clean
 * one with such a file takes the decompress-layer fallback.
 *
 * Such an object, and every file containing a file under too many layers,
 * would enter libclamav's clean file cache, and a later scan with the same
 * limit would take it as clean without looking, instead of taking the
 * fallback.  Once a scan has met such a file, its post-scan callback
 * therefore flags every file that finishes (that file, its ancestors, the
 * object) as blocked by callback, which keeps them out of the cache.  A
 * block ends the scan unless all matches are asked for
 * (CL_SCAN_GENERAL_ALLMATCHES), so every scan asks for them, and the
 * verdict is taken from the names reported to the virus-found callback: the
 * first real signature, else the first heuristic alert, the blocks' name
 * (CALLBACK_NAME) ignored.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <clamav.h>

#include "nfavd.h"

#define LIMITS_PREFIX		"Heuristics.Limits.Exceeded."
#define ENCRYPTED_PREFIX	"Heuristics.Encrypted."
#define BROKEN_PREFIX		"Heuristics.Broken."
#define CALLBACK_NAME		"Detected.By.Callback"	/* post-scan block */

static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static struct engine *engine_current;	/* protected by engine_lock */

static char libversion[64];

static void clamav_msg(enum cl_msg severity, const char *fullmsg,
		       const char *msg, void *context)
{
	char buf[512];
	size_t len;

	(void)fullmsg;
	(void)context;
	snprintf(buf, sizeof(buf), "%s", msg ? msg : "");
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';

	switch (severity) {
	case CL_MSG_ERROR:
		log_err("libclamav: %s", buf);
		break;
	case CL_MSG_WARN:
		log_warn("libclamav: %s", buf);
		break;
	default:
		log_debug("libclamav: %s", buf);
		break;
	}
}

int engine_init(void)
{
	cl_error_t ret;

	cl_set_clcb_msg(clamav_msg);
	ret = cl_init(CL_INIT_DEFAULT);
	if (ret != CL_SUCCESS) {
		log_err("cannot initialize libclamav: %s", cl_strerror(ret));
		return -1;
	}
	snprintf(libversion, sizeof(libversion), "ClamAV %s", cl_retver());
	return 0;
}

const char *engine_libversion(void)
{
	return libversion;
}

const char *reason_name(enum nfav_reason reason)
{
	switch (reason) {
	case NFAV_REASON_NONE:			return "none";
	case NFAV_REASON_DEFAULT:		return "default";
	case NFAV_REASON_CORRUPT_FILE:		return "corrupt-file";
	case NFAV_REASON_PASSWORD_FILE:		return "password-file";
	case NFAV_REASON_DECOMPRESS_LAYER:	return "decompress-layer";
	case NFAV_REASON_CONTENT_SIZE:		return "content-size";
	case NFAV_REASON_ENGINE_NOT_READY:	return "engine-not-ready";
	case NFAV_REASON_TIMEOUT:		return "timeout";
	case NFAV_REASON_OUT_OF_RESOURCES:	return "out-of-resources";
	case NFAV_REASON_TOO_MANY_REQUESTS:	return "too-many-requests";
	case NFAV_REASON_MALFORMED:		return "malformed";
	default:				return "unknown";
	}
}

/* Version of one .cvd/.cld database file, 0 if absent or unreadable. */
static unsigned int cvd_version(const char *dir, const char *file)
{
	char path[PATH_MAX];
	struct cl_cvd *cvd;
	unsigned int version;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return 0;
	if (access(path, R_OK))
		return 0;
	cvd = cl_cvdhead(path);
	if (!cvd) {
		log_warn("%s: cannot read the database header", path);
		return 0;
	}
	version = cvd->version;
	cl_cvdfree(cvd);
	return version;
}

static unsigned int max_u(unsigned int a, unsigned int b)
{
	return a > b ? a : b;
}

/* The daily database's version, else the main one's, else 0. */
static unsigned int database_version(const char *dir)
{
	unsigned int v;

	v = max_u(cvd_version(dir, "daily.cld"), cvd_version(dir, "daily.cvd"));
	if (!v)
		v = max_u(cvd_version(dir, "main.cld"),
			  cvd_version(dir, "main.cvd"));
	return v;
}

/* Does @dir hold any file libclamav would load?  (libclamav's CLI_DBEXT) */
static bool has_database_files(const char *dir)
{
	static const char *const exts[] = {
		".db", ".hdb", ".hdu", ".fp", ".mdb", ".mdu", ".hsb", ".hsu",
		".sfp", ".msb", ".msu", ".ndb", ".ndu", ".ldb", ".ldu", ".sdb",
		".zmd", ".rmd", ".pdb", ".gdb", ".wdb", ".cbc", ".ftm", ".cfg",
		".cvd", ".cld", ".cud", ".cdb", ".cat", ".crb", ".idb", ".ioc",
		".yar", ".yara", ".pwdb", ".ign", ".ign2", ".imp", ".info",
	};
	struct dirent *de;
	bool found = false;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return true;	/* let libclamav's error stand */
	while (!found && (de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		size_t i;

		for (i = 0; dot && i < sizeof(exts) / sizeof(exts[0]); i++)
			if (!strcasecmp(dot, exts[i]))
				found = true;
	}
	closedir(d);
	return found;
}

static int set_limit(struct cl_engine *cl, enum cl_engine_field field,
		     const char *name, long long value)
{
	cl_error_t ret = cl_engine_set_num(cl, field, value);

	if (ret != CL_SUCCESS) {
		log_err("cannot set %s to %lld: %s", name, value,
			cl_strerror(ret));
		return -1;
	}
	return 0;
}

/*
 * libclamav's recursion limit, for every scan: it bounds the nesting of
 * everything, layers or not, and must let the deepest layer limit be
 * reached.  libclamav counts the object itself as recursion level 0 and
 * refuses to descend to level CL_ENGINE_MAX_RECURSION; every layer takes at
 * least one level, so NFAVD_LAYERS_MAX layers need NFAVD_LAYERS_MAX + 1.
 * Every scan goes this deep whatever its object's layer limit, so that a
 * signature is found at any depth; the work it does is bounded by the
 * engine's other limits, whatever the depth: CL_ENGINE_MAX_SCANSIZE (bytes
 * scanned per object), CL_ENGINE_MAX_FILESIZE (bytes per extracted file),
 * CL_ENGINE_MAX_FILES (files per object) and CL_ENGINE_MAX_SCANTIME.
 * Deeper nesting yields Heuristics.Limits.Exceeded.MaxRecursion: error
 * decompress-layer unless a signature matched.
 */
#define NFAVD_RECURSION	(NFAVD_LAYERS_MAX + 1)
_Static_assert(NFAVD_RECURSION >= 17, "at least libclamav's default");

static int engine_set_limits(struct cl_engine *cl)
{
	if (set_limit(cl, CL_ENGINE_MAX_RECURSION, "max-recursion",
		      NFAVD_RECURSION))
		return -1;
	if (opts.max_filesize_kb >= 0 &&
	    set_limit(cl, CL_ENGINE_MAX_FILESIZE, "max-filesize",
		      opts.max_filesize_kb * 1024))
		return -1;
	if (opts.max_scansize_kb >= 0 &&
	    set_limit(cl, CL_ENGINE_MAX_SCANSIZE, "max-scansize",
		      opts.max_scansize_kb * 1024))
		return -1;
	if (opts.max_scantime_ms >= 0 &&
	    set_limit(cl, CL_ENGINE_MAX_SCANTIME, "max-scantime",
		      opts.max_scantime_ms))
		return -1;
	return 0;
}

/*
 * The decompression layers: libclamav's types (as its callbacks name them)
 * of the archive and compression formats.  A file inside one of these is one
 * layer deeper than the file holding it; a .tar.gz is two layers (the gzip
 * stream, then the tar archive in it), like a zip inside a zip.
 *
 * Not layers, though libclamav recurses into them: executables and what
 * packers (UPX, ASPack, FSG, MEW, PESpin, Petite, Upack, WWPack, yC, ...)
 * unpack from them, ELF and Mach-O files; OLE2 (MSI installer databases,
 * Office documents), OOXML, RTF, PDF, HWP, OneNote and other documents;
 * HTML and scripts; mail, MIME, TNEF, and the encodings uuencode, BinHex and
 * base64; partition maps (MBR, GPT, APM); images.
 */
static const char *const layer_types[] = {
	/* compressed streams */
	"CL_TYPE_GZ", "CL_TYPE_BZ", "CL_TYPE_XZ", "CL_TYPE_MSSZDD",
	/* archives, and their self-extracting forms */
	"CL_TYPE_ZIP", "CL_TYPE_ZIPSFX", "CL_TYPE_RAR", "CL_TYPE_RARSFX",
	"CL_TYPE_7Z", "CL_TYPE_7ZSFX", "CL_TYPE_ARJ", "CL_TYPE_ARJSFX",
	"CL_TYPE_MSCAB", "CL_TYPE_CABSFX", "CL_TYPE_EGG", "CL_TYPE_EGGSFX",
	"CL_TYPE_ALZ", "CL_TYPE_LHA_LZH", "CL_TYPE_POSIX_TAR",
	"CL_TYPE_OLD_TAR", "CL_TYPE_CPIO_OLD", "CL_TYPE_CPIO_ODC",
	"CL_TYPE_CPIO_NEWC", "CL_TYPE_CPIO_CRC", "CL_TYPE_XAR",
	/* compiled help, installers: compressed file collections */
	"CL_TYPE_MSCHM", "CL_TYPE_SIS", "CL_TYPE_NULSFT", "CL_TYPE_AUTOIT",
	"CL_TYPE_ISHIELD_MSI",
	/* disk images and file systems */
	"CL_TYPE_ISO9660", "CL_TYPE_UDF", "CL_TYPE_DMG",
	"CL_TYPE_PART_HFSPLUS",
};

/*
 * Documents that are zip files: libclamav unzips them, then also scans each
 * zip entry it finds in them again as an embedded zip (see
 * ancestor_layers()), which is not a layer either.
 */
static const char *const zip_document_types[] = {
	"CL_TYPE_OOXML_WORD", "CL_TYPE_OOXML_PPT", "CL_TYPE_OOXML_XL",
	"CL_TYPE_OOXML_HWP",
};

static bool type_in(const char *type, const char *const *table, size_t n)
{
	size_t i;

	for (i = 0; type && i < n; i++)
		if (!strcmp(type, table[i]))
			return true;
	return false;
}

#define TYPE_IN(type, table) \
	type_in(type, table, sizeof(table) / sizeof(table[0]))

/* A file on the path from the object to the file being inspected. */
struct scan_level {
	bool seen;		/* inspected: the fields below are set */
	bool zip_document;	/* of zip_document_types[] */
	size_t size;
	unsigned int layers;	/* layers its content is under, its own too */
};

/*
 * A file libclamav is in, as its callbacks tell: inspected, then (unless
 * the clean cache had it) pre-scan, its files, post-scan.
 */
struct scan_open {
	uint32_t level;		/* recursion level */
	bool deep;		/* under more layers than the limit */
	bool scanning;		/* not from the cache: a post-scan will come */
	bool above_deep;	/* not deep, and a file inside it is */
};

/* What one scan needs from its callbacks. */
struct scan_ctx {
	unsigned int max_layers;	/* the object's layer limit */
	struct scan_level level[NFAVD_RECURSION + 1];	/* by recursion level */
	unsigned int deep;		/* files under more layers (scanned) */
	unsigned int deep_layers;	/* layers above the first one */
	uint32_t deep_level;		/* its recursion level */
	char deep_type[32];		/* and its libclamav type */
	struct scan_open open[NFAVD_RECURSION + 1];	/* by level, outer first */
	unsigned int nopen;
	char virus[NFAV_VIRUS_MAX];	/* first real signature, "" if none */
	char heuristic[NFAV_VIRUS_MAX];	/* first heuristic alert, "" if none */
};

static bool heuristic_reason(const char *virname, enum nfav_reason *reason);

/*
 * How many layers a file at recursion level @lvl, of @size bytes, is under:
 * those of its parent, whose size libclamav tells (@parent_size).
 *
 * libclamav inspects files depth first, so the last file inspected at each
 * level above @lvl is on the path to it, with one exception: libclamav does
 * not run the callback for the views it opens on an object embedded in
 * another file (an archive appended to an executable, as self-extracting
 * archives are; an NSIS, AutoIt or InstallShield payload; an executable
 * inside an executable; the zip entries of an OOXML document), but scans
 * the files it extracts from them one level deeper.  The file inspected
 * last at the parent's level may then be an earlier sibling of the view,
 * which its size tells apart.  A view whose size is the file's own is the
 * embedded file itself, scanned again as a file of its own (an executable
 * in an unpacked one), and a view in a zip document is a part of that
 * document: not layers.  Any other view is a container whose files
 * libclamav extracted: an archive or an installer payload, one layer.
 */
static unsigned int ancestor_layers(struct scan_ctx *ctx, uint32_t lvl,
				    size_t size, size_t parent_size)
{
	const struct scan_level *holder;
	struct scan_level *parent;
	uint32_t i;

	if (!lvl)
		return 0;
	parent = &ctx->level[lvl - 1];
	if (parent->seen && parent->size == parent_size)
		return parent->layers;

	/* An embedded view, in the closest file inspected. */
	parent->seen = false;
	for (i = lvl - 1; i > 0; i--)
		if (ctx->level[i - 1].seen)
			break;
	if (!i)
		return size != parent_size;
	holder = &ctx->level[i - 1];
	return holder->layers +
	       (size != parent_size && !holder->zip_document);
}

/*
 * libclamav's file inspection callback: count the files under too many
 * layers.  They are scanned all the same (a signature in them wins).
 *
 * libclamav runs it before its clean cache check, so a deep file taken
 * from the cache is still seen (and counted), but the files inside a
 * cached file are not: the files holding a deep one that are not deep
 * themselves must not enter the cache, or a later scan would stop at them,
 * clean, instead of taking the fallback.  Those are flagged here
 * (above_deep) and blocked when they finish (scan_post()).  Deep files and
 * their content may be cached: duplicates under an archive (a "zip bomb")
 * are then only hashed.
 */
static cl_error_t scan_inspect(int fd, const char *type,
			       const char **ancestors, size_t parent_file_size,
			       const char *file_name, size_t file_size,
			       const char *file_buffer,
			       uint32_t recursion_level,
			       uint32_t layer_attributes, void *context)
{
	struct scan_ctx *ctx = context;
	unsigned int layers;
	bool deep;
	uint32_t i;

	(void)fd;
	(void)ancestors;
	(void)file_name;
	(void)file_buffer;
	(void)layer_attributes;
	if (!ctx)
		return CL_CLEAN;
	if (recursion_level > NFAVD_RECURSION) {	/* not from libclamav */
		layers = UINT_MAX;
	} else {
		/* Files deeper than this one are done with. */
		for (i = recursion_level + 1; i <= NFAVD_RECURSION; i++)
			ctx->level[i].seen = false;
		layers = ancestor_layers(ctx, recursion_level, file_size,
					 parent_file_size);
		ctx->level[recursion_level] = (struct scan_level){
			.seen = true,
			.zip_document = TYPE_IN(type, zip_document_types),
			.size = file_size,
			.layers = layers + TYPE_IN(type, layer_types),
		};
	}
	deep = layers > ctx->max_layers;
	if (deep && !ctx->deep++) {
		ctx->deep_layers = layers;
		ctx->deep_level = recursion_level;
		snprintf(ctx->deep_type, sizeof(ctx->deep_type), "%s",
			 type ? type : "?");
	}

	/* Depth first: the files open at this level or deeper are done. */
	while (ctx->nopen && ctx->open[ctx->nopen - 1].level >= recursion_level)
		ctx->nopen--;
	for (i = 0; deep && i < ctx->nopen; i++)
		if (!ctx->open[i].deep)
			ctx->open[i].above_deep = true;
	/* levels increase upward: at most recursion_level files below */
	if (recursion_level <= NFAVD_RECURSION &&
	    ctx->nopen < sizeof(ctx->open) / sizeof(ctx->open[0]))
		ctx->open[ctx->nopen++] = (struct scan_open){
			.level = recursion_level,
			.deep = deep,
		};
	return CL_CLEAN;
}

/* libclamav's pre-scan callback: the file inspected last is not cached. */
static cl_error_t scan_pre(int fd, const char *type, void *context)
{
	struct scan_ctx *ctx = context;

	(void)fd;
	(void)type;
	if (ctx && ctx->nopen)
		ctx->open[ctx->nopen - 1].scanning = true;
	return CL_CLEAN;
}

/*
 * libclamav's post-scan callback, for every file that finishes (the
 * innermost one open that is not from the cache): block it if it holds a
 * deep file without being deep, so that it does not enter the clean cache.
 */
static cl_error_t scan_post(int fd, int result, const char *virname,
			    void *context)
{
	struct scan_ctx *ctx = context;

	(void)fd;
	(void)result;
	(void)virname;
	if (!ctx)
		return CL_CLEAN;
	while (ctx->nopen && !ctx->open[ctx->nopen - 1].scanning)
		ctx->nopen--;
	if (!ctx->nopen)
		return ctx->deep ? CL_VIRUS : CL_CLEAN;	/* lost track */
	return ctx->open[--ctx->nopen].above_deep ? CL_VIRUS : CL_CLEAN;
}

/* libclamav's virus-found callback: every match (all-match mode). */
static void scan_found(int fd, const char *virname, void *context)
{
	struct scan_ctx *ctx = context;
	enum nfav_reason reason;
	char *name;

	(void)fd;
	if (!ctx || !virname || !strcmp(virname, CALLBACK_NAME))
		return;
	name = heuristic_reason(virname, &reason) ? ctx->heuristic : ctx->virus;
	if (!name[0])
		snprintf(name, NFAV_VIRUS_MAX, "%s", virname);
}

/*
 * Load and compile the signatures of @dir into a new engine holding one
 * reference.  Every failure is logged naming @dir.
 */
struct engine *engine_load(const char *dir)
{
	unsigned int sigs = 0;
	struct engine *e;
	struct stat st;
	cl_error_t ret;

	if (stat(dir, &st)) {
		log_err("database directory %s: %s", dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_err("database directory %s: not a directory", dir);
		return NULL;
	}

	e = calloc(1, sizeof(*e));
	if (!e) {
		log_err("cannot load database %s: out of memory", dir);
		return NULL;
	}
	e->cl = cl_engine_new();
	if (!e->cl) {
		log_err("cannot load database %s: cannot create engine", dir);
		goto err_free;
	}
	if (engine_set_limits(e->cl))
		goto err_engine;
	cl_engine_set_clcb_file_inspection(e->cl, scan_inspect);
	cl_engine_set_clcb_pre_scan(e->cl, scan_pre);
	cl_engine_set_clcb_post_scan(e->cl, scan_post);
	cl_engine_set_clcb_virus_found(e->cl, scan_found);

	ret = cl_load(dir, e->cl, &sigs, CL_DB_STDOPT);
	if (ret == CL_EOPEN && !has_database_files(dir)) {
		log_err("no signatures loaded from %s: no signature database "
			"files in it", dir);
		goto err_engine;
	}
	if (ret != CL_SUCCESS) {
		log_err("cannot load database %s: %s", dir, cl_strerror(ret));
		goto err_engine;
	}
	if (!sigs) {
		log_err("no signatures loaded from %s", dir);
		goto err_engine;
	}
	ret = cl_engine_compile(e->cl);
	if (ret != CL_SUCCESS) {
		log_err("cannot compile database %s: %s", dir, cl_strerror(ret));
		goto err_engine;
	}

	atomic_init(&e->refs, 1);
	e->signatures = sigs;
	e->version = database_version(dir);
	e->loaded = (uint64_t)time(NULL);
	return e;

err_engine:
	cl_engine_free(e->cl);
err_free:
	free(e);
	return NULL;
}

/* Make @e (and its reference) current; the old engine's reference drops. */
void engine_install(struct engine *e)
{
	struct engine *old;

	pthread_mutex_lock(&engine_lock);
	old = engine_current;
	engine_current = e;
	pthread_mutex_unlock(&engine_lock);

	if (old)
		engine_put(old);
}

/* A reference to the current engine, NULL if none. */
struct engine *engine_get(void)
{
	struct engine *e;

	pthread_mutex_lock(&engine_lock);
	e = engine_current;
	if (e)
		atomic_fetch_add(&e->refs, 1);
	pthread_mutex_unlock(&engine_lock);
	return e;
}

void engine_put(struct engine *e)
{
	if (atomic_fetch_sub(&e->refs, 1) == 1) {
		cl_engine_free(e->cl);
		free(e);
	}
}

/* Limit detections ("Heuristics.Limits.Exceeded.<what>") to reasons. */
static enum nfav_reason limit_reason(const char *what)
{
	if (!strcmp(what, "MaxRecursion"))
		return NFAV_REASON_DECOMPRESS_LAYER;
	if (!strcmp(what, "MaxFileSize") || !strcmp(what, "MaxScanSize") ||
	    !strcmp(what, "MaxFiles"))
		return NFAV_REASON_CONTENT_SIZE;
	return NFAV_REASON_DEFAULT;
}

/* Make @r an error verdict; the printf-style detail is for the logs. */
void scan_error(struct scan_result *r, enum nfav_reason reason,
		const char *fmt, ...)
{
	va_list ap;

	memset(r, 0, sizeof(*r));
	r->verdict = NFAV_VERDICT_ERROR;
	r->reason = reason;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* Detections that are not signatures: heuristic alerts to reasons. */
static bool heuristic_reason(const char *virname, enum nfav_reason *reason)
{
	if (!strncmp(virname, LIMITS_PREFIX, strlen(LIMITS_PREFIX)))
		*reason = limit_reason(virname + strlen(LIMITS_PREFIX));
	else if (!strncmp(virname, ENCRYPTED_PREFIX, strlen(ENCRYPTED_PREFIX)))
		*reason = NFAV_REASON_PASSWORD_FILE;
	else if (!strncmp(virname, BROKEN_PREFIX, strlen(BROKEN_PREFIX)))
		*reason = NFAV_REASON_CORRUPT_FILE;
	else
		return false;
	return true;
}

/* libclamav's errors to reasons. */
static enum nfav_reason error_reason(cl_error_t ret)
{
	switch (ret) {
	case CL_EFORMAT:
	case CL_EPARSE:
	case CL_EUNPACK:
		return NFAV_REASON_CORRUPT_FILE;
	case CL_EMAXREC:
		return NFAV_REASON_DECOMPRESS_LAYER;
	case CL_EMAXSIZE:
	case CL_EMAXFILES:
		return NFAV_REASON_CONTENT_SIZE;
	case CL_EMEM:
	case CL_ETMPFILE:
	case CL_ETMPDIR:
		return NFAV_REASON_OUT_OF_RESOURCES;
	default:
		return NFAV_REASON_DEFAULT;
	}
}

/* The mapping documented in nfavd(8), "VERDICTS". */
static void classify(cl_error_t ret, const char *virname,
		     struct scan_result *r)
{
	enum nfav_reason reason;

	memset(r, 0, sizeof(*r));
	switch (ret) {
	case CL_CLEAN:
		r->verdict = NFAV_VERDICT_CLEAN;
		break;
	case CL_VIRUS:
		if (!virname)
			virname = "Unknown";
		if (heuristic_reason(virname, &reason)) {
			scan_error(r, reason, "%s", virname);
			break;
		}
		r->verdict = NFAV_VERDICT_INFECTED;
		snprintf(r->virus, sizeof(r->virus), "%s", virname);
		snprintf(r->detail, sizeof(r->detail), "%s", virname);
		break;
	default:
		scan_error(r, error_reason(ret), "%s", cl_strerror(ret));
		break;
	}
}

/*
 * The most decoded content (bytes) worth producing for a scan by @e: more
 * would not be scanned anyway.  The smaller of libclamav's file size and
 * scan size limits, NFAVD_DECODE_MAX_DEFAULT if both are off.
 */
uint64_t engine_decode_limit(const struct engine *e)
{
	long long file = cl_engine_get_num(e->cl, CL_ENGINE_MAX_FILESIZE, NULL);
	long long scan = cl_engine_get_num(e->cl, CL_ENGINE_MAX_SCANSIZE, NULL);

	if (file <= 0 || (scan > 0 && scan < file))
		file = scan;
	return file > 0 ? (uint64_t)file : NFAVD_DECODE_MAX_DEFAULT;
}

/*
 * Scan the whole content of @fd (from offset 0, whatever its position), as
 * deep as libclamav goes.  A signature found at any depth makes it
 * infected; if none was, content under more than @max_layers nested layers
 * makes it error decompress-layer.
 */
void engine_scan(struct engine *e, int fd, unsigned int max_layers,
		 struct scan_result *r)
{
	struct scan_ctx ctx = { .max_layers = max_layers };
	struct cl_scan_options so;
	const char *virname = NULL;
	unsigned long int scanned = 0;
	long long maxsize;
	struct stat st;
	cl_error_t ret;

	memset(&so, 0, sizeof(so));
	so.general = CL_SCAN_GENERAL_HEURISTICS | CL_SCAN_GENERAL_ALLMATCHES;
	so.parse = ~0u;			/* every parser: archives, mail, PE... */
	so.heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX |
		       CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE |
		       CL_SCAN_HEURISTIC_ENCRYPTED_DOC;

	/*
	 * libclamav reports an object over the file size limit as CL_VIRUS
	 * without a name: classify it here, without reading it.
	 */
	maxsize = cl_engine_get_num(e->cl, CL_ENGINE_MAX_FILESIZE, NULL);
	if (maxsize > 0 && !fstat(fd, &st) && st.st_size > maxsize) {
		classify(CL_VIRUS, LIMITS_PREFIX "MaxFileSize", r);
		return;
	}

	ret = cl_scandesc_callback(fd, NULL, &virname, &scanned, e->cl, &so,
				   &ctx);
	/* All matches: a scan may end in an error after a signature. */
	if (ret != CL_CLEAN && ctx.virus[0]) {
		ret = CL_VIRUS;
		virname = ctx.virus;
	} else if (ret == CL_VIRUS && ctx.heuristic[0]) {
		virname = ctx.heuristic;
	} else if (ret == CL_VIRUS && virname &&
		   !strcmp(virname, CALLBACK_NAME)) {
		ret = ctx.deep ? CL_CLEAN : CL_ERROR; /* blocks only */
	}
	classify(ret, virname, r);

	/* A signature found at any depth wins over the layer limit. */
	if (ctx.deep && r->verdict != NFAV_VERDICT_INFECTED)
		scan_error(r, NFAV_REASON_DECOMPRESS_LAYER,
			   "%u file%s over the layer limit (first: %s under "
			   "%u layer%s, recursion level %u)", ctx.deep,
			   ctx.deep == 1 ? "" : "s", ctx.deep_type,
			   ctx.deep_layers,
			   ctx.deep_layers == 1 ? "" : "s",
			   ctx.deep_level);
}

/* ---- SIGHUP reload ---------------------------------------------------- */

static pthread_t reload_thread;
static bool reload_running;	/* main thread only */
static bool reload_ok;		/* written by the reload thread before join */
static int reload_notify_fd;

static void *reload_main(void *arg)
{
	uint64_t one = 1;
	struct engine *e;

	(void)arg;
	log_notice("reloading the database from %s", opts.database);
	e = engine_load(opts.database);
	if (e) {
		log_notice("database reloaded: %u signatures, version %u",
			   e->signatures, e->version);
		engine_install(e);
		reload_ok = true;
	} else {
		log_err("database reload failed: keeping the loaded engine");
		reload_ok = false;
	}
	if (write(reload_notify_fd, &one, sizeof(one)) != sizeof(one))
		log_err("cannot notify the end of the reload: %s",
			strerror(errno));
	return NULL;
}

/* Start a reload in the background; @notify_fd (eventfd) fires when done. */
int reload_start(int notify_fd)
{
	int err;

	if (reload_running) {
		log_notice("reload already in progress");
		return 0;
	}
	reload_notify_fd = notify_fd;
	err = pthread_create(&reload_thread, NULL, reload_main, NULL);
	if (err) {
		log_err("cannot start the reload thread: %s", strerror(err));
		return -1;
	}
	reload_running = true;
	return 0;
}

/* After the notification: reap the thread; true if a new engine is in. */
bool reload_finish(void)
{
	uint64_t v;

	if (read(reload_notify_fd, &v, sizeof(v)) != sizeof(v))
		return false;
	if (!reload_running)
		return false;
	pthread_join(reload_thread, NULL);
	reload_running = false;
	return reload_ok;
}

/* At exit: wait for a reload still running (it may not be abandoned). */
void reload_stop(void)
{
	if (!reload_running)
		return;
	pthread_join(reload_thread, NULL);
	reload_running = false;
}
