// SPDX-License-Identifier: GPL-2.0
/*
 * JSON writer and escaping of untrusted strings.
 *
 * File names, URLs, content types and signature names come from network
 * traffic.  Whatever bytes they hold, the JSON output stays valid (control
 * characters are escaped, invalid UTF-8 bytes are written as \u00XX) and the
 * text output cannot drive the terminal (control characters, C1 controls and
 * invalid bytes become C-style escapes).  Bidirectional-override characters
 * are escaped too, so a name cannot pretend to end in another extension.
 */
#include <string.h>

#include "nfavctl.h"

#define JSON_MAX_DEPTH 16

static struct {
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH + 1];
} jw;

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* Code points that are valid but must not reach a terminal or a viewer raw. */
static bool unsafe_cp(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       cp == 0x200e || cp == 0x200f ||		/* LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, embeddings */
	       (cp >= 0x2066 && cp <= 0x2069);		/* isolates */
}

void fput_json_string(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	uint32_t cp;

	fputc('"', f);
	while (i < len) {
		switch (s[i]) {
		case '"':
			fputs("\\\"", f);
			i++;
			continue;
		case '\\':
			fputs("\\\\", f);
			i++;
			continue;
		case '\n':
			fputs("\\n", f);
			i++;
			continue;
		case '\r':
			fputs("\\r", f);
			i++;
			continue;
		case '\t':
			fputs("\\t", f);
			i++;
			continue;
		}
		n = utf8_seq(s + i, len - i, &cp);
		if (!n) {
			/* Invalid byte: keep its value, as U+0080..U+00FF. */
			fprintf(f, "\\u%04x", s[i]);
			i++;
		} else if (unsafe_cp(cp)) {
			fprintf(f, "\\u%04x", (unsigned int)cp);
			i += n;
		} else {
			fwrite(s + i, 1, n, f);
			i += n;
		}
	}
	fputc('"', f);
}

void fput_text_string(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, k;
	uint32_t cp;

	fputc('"', f);
	while (i < len) {
		switch (s[i]) {
		case '"':
			fputs("\\\"", f);
			i++;
			continue;
		case '\\':
			fputs("\\\\", f);
			i++;
			continue;
		case '\n':
			fputs("\\n", f);
			i++;
			continue;
		case '\r':
			fputs("\\r", f);
			i++;
			continue;
		case '\t':
			fputs("\\t", f);
			i++;
			continue;
		}
		n = utf8_seq(s + i, len - i, &cp);
		if (!n) {
			fprintf(f, "\\x%02x", s[i]);
			i++;
		} else if (unsafe_cp(cp)) {
			if (cp < 0x80)
				fprintf(f, "\\x%02x", (unsigned int)cp);
			else if (cp <= 0x9f)
				for (k = 0; k < n; k++)
					fprintf(f, "\\x%02x", s[i + k]);
			else
				fprintf(f, "\\u%04x", (unsigned int)cp);
			i += n;
		} else {
			fwrite(s + i, 1, n, f);
			i += n;
		}
	}
	fputc('"', f);
}

static void jw_indent(void)
{
	int i;

	putchar('\n');
	for (i = 0; i < jw.depth; i++)
		fputs("  ", stdout);
}

static void jw_sep(const char *key)
{
	if (jw.depth > 0) {
		if (!jw.first[jw.depth])
			putchar(',');
		jw.first[jw.depth] = false;
		if (jw.pretty)
			jw_indent();
	}
	if (key) {
		fput_json_string(stdout, key, strlen(key));
		fputs(jw.pretty ? ": " : ":", stdout);
	}
}

void json_start(bool pretty)
{
	jw.pretty = pretty;
	jw.depth = 0;
}

void json_finish(void)
{
	putchar('\n');
	fflush(stdout);
}

static void jw_open(const char *key, char c)
{
	jw_sep(key);
	putchar(c);
	if (jw.depth < JSON_MAX_DEPTH)
		jw.depth++;
	jw.first[jw.depth] = true;
}

static void jw_close(char c)
{
	bool empty = jw.first[jw.depth];

	if (jw.depth > 0)
		jw.depth--;
	if (jw.pretty && !empty)
		jw_indent();
	putchar(c);
}

void json_obj_open(const char *key)
{
	jw_open(key, '{');
}

void json_obj_close(void)
{
	jw_close('}');
}

void json_arr_open(const char *key)
{
	jw_open(key, '[');
}

void json_arr_close(void)
{
	jw_close(']');
}

void json_u64(const char *key, uint64_t v)
{
	jw_sep(key);
	printf("%llu", (unsigned long long)v);
}

void json_bool(const char *key, bool v)
{
	jw_sep(key);
	fputs(v ? "true" : "false", stdout);
}

void json_strn(const char *key, const char *s, size_t len)
{
	jw_sep(key);
	fput_json_string(stdout, s, len);
}

void json_str(const char *key, const char *s)
{
	json_strn(key, s, strlen(s));
}
