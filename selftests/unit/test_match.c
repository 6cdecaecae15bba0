// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the scan-selection rules (kmod/proto/match.c): list entry
 * checking and normalisation, extensions from file names and URLs, content
 * type bypass with exceptions, host and URL-prefix bypass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../kmod/proto/match.h"
#include "../../uapi/linux/nfav.h"
#include "unit.h"

#define MAXE	NFAV_LIST_MAX

static struct nfav_strlist *list_of(enum nfav_list_kind kind, const char *csv)
{
	struct nfav_strlist *l = calloc(1, sizeof(*l));
	const char *err;

	assert_non_null(l);
	err = nfav_list_parse(l, kind, csv, MAXE);
	if (err)
		fail_msg("list \"%s\": %s", csv, err);
	return l;
}

/* The entries of @l joined with commas (static buffer). */
static const char *joined(const struct nfav_strlist *l)
{
	static char buf[NFAV_LIST_BYTES + 1];
	const char *e;
	size_t o = 0;

	buf[0] = '\0';
	nfav_list_for_each(e, l)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
				      o ? "," : "", e);
	return buf;
}

static const char *add1(struct nfav_strlist *l, enum nfav_list_kind kind,
			const char *s)
{
	return nfav_list_add(l, kind, s, strlen(s), MAXE);
}

static void test_list_normalise(void **state)
{
	struct nfav_strlist *l;

	(void)state;
	l = list_of(NFAV_LIST_EXT, "EXE,.zip,exe,7Z,c++,x_y-z");
	assert_string_equal(joined(l), "exe,zip,7z,c++,x_y-z");
	assert_int_equal(l->count, 5);
	free(l);

	l = list_of(NFAV_LIST_MIME, "Image/,text/HTML,application/x-tar");
	assert_string_equal(joined(l), "image/,text/html,application/x-tar");
	free(l);

	l = list_of(NFAV_LIST_URL,
		    "HTTP://Example.COM/Path/A,.Updates.Example.org,[2001:db8::1]/x,h/");
	assert_string_equal(joined(l),
			    "example.com/Path/A,.updates.example.org,[2001:db8::1]/x,h/");
	free(l);
}

static void test_list_errors(void **state)
{
	struct nfav_strlist *l = calloc(1, sizeof(*l));
	char big[300];
	unsigned int i;

	(void)state;
	assert_non_null(l);
	assert_string_equal(nfav_list_parse(l, NFAV_LIST_EXT, "exe,tar.gz",
					    MAXE),
			    "extension: only letters, digits, '_', '+', '-'");
	assert_non_null(add1(l, NFAV_LIST_EXT, ""));
	assert_non_null(add1(l, NFAV_LIST_EXT, "."));
	assert_non_null(add1(l, NFAV_LIST_EXT, "abcdefghijklmnop"));	/* 16 */
	assert_null(add1(l, NFAV_LIST_EXT, "abcdefghijklmno"));	/* 15 */
	assert_non_null(add1(l, NFAV_LIST_EXT, "a b"));
	assert_non_null(add1(l, NFAV_LIST_MIME, "text"));
	assert_non_null(add1(l, NFAV_LIST_MIME, "/html"));
	assert_non_null(add1(l, NFAV_LIST_MIME, "text/html/x"));
	assert_non_null(add1(l, NFAV_LIST_MIME, "text/ht ml"));
	assert_non_null(add1(l, NFAV_LIST_MIME, "text/html;q=1"));
	assert_non_null(add1(l, NFAV_LIST_URL, ""));
	assert_non_null(add1(l, NFAV_LIST_URL, "."));
	assert_non_null(add1(l, NFAV_LIST_URL, "/path"));
	assert_non_null(add1(l, NFAV_LIST_URL, "http://"));
	assert_non_null(add1(l, NFAV_LIST_URL, "ex ample.com"));
	assert_non_null(add1(l, NFAV_LIST_URL, "example.com/a b"));
	assert_non_null(add1(l, NFAV_LIST_URL, "exa\x01mple.com"));
	assert_non_null(add1(l, NFAV_LIST_URL, "example.com/\x7f"));
	assert_non_null(add1(l, NFAV_LIST_URL, "user@example.com"));
	assert_non_null(add1(l, NFAV_LIST_URL, "example.com:80"));
	assert_non_null(add1(l, NFAV_LIST_URL, "http://http://example.com"));
	assert_non_null(add1(l, NFAV_LIST_URL, "[2001:db8::1]:80"));
	assert_non_null(add1(l, NFAV_LIST_URL, "[2001:db8::g]"));
	assert_non_null(add1(l, NFAV_LIST_URL, "[]"));
	assert_non_null(add1(l, NFAV_LIST_URL, "a[b]"));
	assert_null(add1(l, NFAV_LIST_URL, "[2001:DB8::1]/x"));
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	assert_non_null(add1(l, NFAV_LIST_URL, big));
	big[255] = '\0';
	assert_null(add1(l, NFAV_LIST_URL, big));
	free(l);

	/* entry count and byte budget */
	l = calloc(1, sizeof(*l));
	assert_non_null(l);
	for (i = 0; i < MAXE; i++) {
		snprintf(big, sizeof(big), "e%u", i);
		assert_null(add1(l, NFAV_LIST_EXT, big));
	}
	assert_null(add1(l, NFAV_LIST_EXT, "e0"));	/* duplicate: no-op */
	assert_string_equal(add1(l, NFAV_LIST_EXT, "one"), "too many entries");
	assert_int_equal(l->count, MAXE);
	free(l);
	l = calloc(1, sizeof(*l));
	assert_non_null(l);
	memset(big, 'b', 255);
	for (i = 0; i < NFAV_LIST_BYTES / 256; i++) {
		big[0] = (char)('a' + i);
		big[255] = '\0';
		assert_null(nfav_list_add(l, NFAV_LIST_URL, big, 255, MAXE));
	}
	big[0] = 'z';
	assert_string_equal(nfav_list_add(l, NFAV_LIST_URL, big, 255, MAXE),
			    "list too long");
	assert_true(l->used <= NFAV_LIST_BYTES);
	free(l);
}

static void test_extensions(void **state)
{
	struct nfav_strlist *l = list_of(NFAV_LIST_EXT, "exe,zip,gz,7z");
	struct nfav_strlist *none = list_of(NFAV_LIST_EXT, "");

	(void)state;
	assert_true(nfav_ext_match(l, "setup.exe", NULL));
	assert_true(nfav_ext_match(l, "SETUP.EXE", ""));
	assert_true(nfav_ext_match(l, "a.tar.gz", NULL));
	assert_true(nfav_ext_match(l, "x.7Z", NULL));
	/* Windows drops trailing dots and spaces */
	assert_true(nfav_ext_match(l, "evil.exe.", NULL));
	assert_true(nfav_ext_match(l, "evil.exe . .", NULL));
	assert_true(nfav_ext_match(l, "evil.exe   ", NULL));
	assert_false(nfav_ext_match(l, "readme.txt", NULL));
	assert_false(nfav_ext_match(l, "exe", NULL));
	assert_false(nfav_ext_match(l, "setup.exe.txt", NULL));
	assert_false(nfav_ext_match(l, "", NULL));
	assert_false(nfav_ext_match(l, NULL, NULL));
	assert_false(nfav_ext_match(l, "a.exexexexexexexexexe", NULL));
	/* from the URL: last segment, no query, percent-decoded */
	assert_true(nfav_ext_match(l, "", "/dl/setup.exe"));
	assert_true(nfav_ext_match(l, "", "/dl/setup.exe?x=1.txt"));
	assert_true(nfav_ext_match(l, "", "/dl/setup.exe#frag.txt"));
	assert_true(nfav_ext_match(l, "", "/dl/setup%2Eexe"));
	assert_true(nfav_ext_match(l, "", "/dl/setup.%65%58%65"));
	assert_true(nfav_ext_match(l, "", "http://h.example/a/b.zip"));
	assert_true(nfav_ext_match(l, "", "/a/b.zip%20"));
	assert_false(nfav_ext_match(l, "", "/a.zip/b"));
	assert_false(nfav_ext_match(l, "", "/a.zip/"));
	assert_false(nfav_ext_match(l, "", "/download?f=a.zip"));
	assert_false(nfav_ext_match(l, "", "/a%2fb.zip%2"));
	/* Content-Disposition name or URL: either listed is enough */
	assert_true(nfav_ext_match(l, "report.pdf", "/get/report.zip"));
	assert_true(nfav_ext_match(l, "report.zip", "/get?id=1"));
	assert_false(nfav_ext_match(none, "a.exe", "/a.exe"));
	free(l);
	free(none);
}

static void test_mime(void **state)
{
	struct nfav_strlist *by = list_of(NFAV_LIST_MIME,
					  "image/,video/mp4,text/");
	struct nfav_strlist *sc = list_of(NFAV_LIST_MIME,
					  "image/svg+xml,text/html");
	struct nfav_strlist *none = list_of(NFAV_LIST_MIME, "");

	(void)state;
	assert_true(nfav_mime_bypassed(by, sc, "image/png"));
	assert_true(nfav_mime_bypassed(by, sc, "video/mp4"));
	assert_true(nfav_mime_bypassed(by, sc, "text/plain"));
	assert_false(nfav_mime_bypassed(by, sc, "image/svg+xml"));
	assert_false(nfav_mime_bypassed(by, sc, "text/html"));
	assert_false(nfav_mime_bypassed(by, sc, "video/mp4x"));
	assert_false(nfav_mime_bypassed(by, sc, "video/"));
	assert_false(nfav_mime_bypassed(by, sc, "imagex/png"));
	assert_false(nfav_mime_bypassed(by, sc, "application/zip"));
	assert_false(nfav_mime_bypassed(by, sc, ""));
	assert_false(nfav_mime_bypassed(by, sc, NULL));
	assert_false(nfav_mime_bypassed(none, none, "image/png"));
	assert_true(nfav_mime_bypassed(by, none, "image/svg+xml"));
	free(by);
	free(sc);
	free(none);
}

static void test_url(void **state)
{
	struct nfav_strlist *l = list_of(NFAV_LIST_URL,
		"updates.example.com,.cdn.example.net,files.example.org/pub/,[2001:db8::1]");
	struct nfav_strlist *none = list_of(NFAV_LIST_URL, "");

	(void)state;
	assert_true(nfav_url_bypassed(l, "updates.example.com", "/x.exe"));
	assert_true(nfav_url_bypassed(l, "UPDATES.Example.COM:8080", "/x"));
	assert_true(nfav_url_bypassed(l, "updates.example.com.", "/x"));
	assert_false(nfav_url_bypassed(l, "a.updates.example.com", "/x"));
	assert_false(nfav_url_bypassed(l, "updates.example.com.evil", "/x"));
	assert_false(nfav_url_bypassed(l, "xupdates.example.com", "/x"));
	/* ".domain": the domain and below */
	assert_true(nfav_url_bypassed(l, "cdn.example.net", "/x"));
	assert_true(nfav_url_bypassed(l, "a.b.cdn.example.net", "/x"));
	assert_false(nfav_url_bypassed(l, "xcdn.example.net", "/x"));
	assert_false(nfav_url_bypassed(l, "example.net", "/x"));
	/* host/path prefix */
	assert_true(nfav_url_bypassed(l, "files.example.org", "/pub/a.iso"));
	assert_false(nfav_url_bypassed(l, "files.example.org", "/pubx"));
	assert_false(nfav_url_bypassed(l, "files.example.org", "/private/a"));
	assert_false(nfav_url_bypassed(l, "files.example.org", "*"));
	/* absolute-form targets carry their own host */
	assert_true(nfav_url_bypassed(l, "other",
				      "http://updates.example.com/x"));
	assert_true(nfav_url_bypassed(l, NULL,
				      "http://u:p@files.example.org:81/pub/y"));
	assert_false(nfav_url_bypassed(l, "updates.example.com",
				       "http://evil.example/x"));
	assert_false(nfav_url_bypassed(l, "files.example.org",
				       "http://files.example.org/priv"));
	/* IPv6 literal with and without port */
	assert_true(nfav_url_bypassed(l, "[2001:db8::1]", "/"));
	assert_true(nfav_url_bypassed(l, "[2001:db8::1]:8080", "/"));
	assert_false(nfav_url_bypassed(l, "[2001:db8::2]", "/"));
	/* unknown host: never bypassed */
	assert_false(nfav_url_bypassed(l, "", "/x"));
	assert_false(nfav_url_bypassed(l, NULL, "/x"));
	assert_false(nfav_url_bypassed(l, ":80", "/x"));
	assert_false(nfav_url_bypassed(none, "updates.example.com", "/x"));
	free(l);
	free(none);
}

/* The shipped default list is valid. */
static void test_defaults(void **state)
{
	struct nfav_strlist *l = calloc(1, sizeof(*l));

	(void)state;
	assert_non_null(l);
	assert_null(nfav_list_parse(l, NFAV_LIST_EXT, NFAV_DEFAULT_EXTENSIONS,
				    MAXE));
	assert_true(l->count > 40);
	assert_true(nfav_ext_match(l, "x.exe", NULL));
	assert_true(nfav_ext_match(l, "x.docm", NULL));
	assert_false(nfav_ext_match(l, "x.txt", NULL));
	assert_false(nfav_ext_match(l, "x.png", NULL));
	free(l);
}

size_t match_tests(struct CMUnitTest *t)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_normalise),
		cmocka_unit_test(test_list_errors),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_defaults),
	};

	memcpy(t, tests, sizeof(tests));
	return ARRAY_SIZE(tests);
}
