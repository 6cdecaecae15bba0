// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration lists and the rules that decide whether an object is
 * scanned: scan mode by-extension, content-type bypass with exceptions, and
 * host/URL-prefix bypass.  See match.h and uapi/linux/nfav.h.
 */
#include "match.h"

static inline u8 m_lower(u8 c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline bool m_alnum(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* RFC 9110 tchar, lower case */
static bool m_tchar(u8 c)
{
	return m_alnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool m_host_char(u8 c)
{
	return m_alnum(c) || c == '-' || c == '.' || c == '_' || c == ':' ||
	       c == '[' || c == ']';
}

static int m_hex(u8 c)
{
	c = m_lower(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A name of letters, digits, '-', '_' and dots, or "[IPv6]": no port. */
static bool m_host_ok(const char *h, u32 n)
{
	u32 i;

	if (h[0] != '[') {
		for (i = 0; i < n; i++)
			if (h[i] == ':' || h[i] == '[' || h[i] == ']')
				return false;
		return true;
	}
	if (n < 3 || h[n - 1] != ']')
		return false;
	for (i = 1; i < n - 1; i++)
		if (m_hex(h[i]) < 0 && h[i] != ':' && h[i] != '.')
			return false;
	return true;
}

/* Lower-case @n bytes of @s into @out, check them; 0 or a message. */
static const char *m_norm_ext(char *out, const char *s, u32 n)
{
	u32 i;

	if (n && s[0] == '.') {
		s++;
		n--;
	}
	if (!n)
		return "empty extension";
	if (n > NFAV_LIST_EXT_MAX)
		return "extension too long";
	for (i = 0; i < n; i++) {
		out[i] = m_lower(s[i]);
		if (!m_alnum(out[i]) && !strchr("_+-", out[i]))
			return "extension: only letters, digits, '_', '+', '-'";
	}
	out[n] = '\0';
	return NULL;
}

static const char *m_norm_mime(char *out, const char *s, u32 n)
{
	u32 i, slash = 0, nslash = 0;

	if (!n)
		return "empty content type";
	if (n > NFAV_LIST_MIME_MAX)
		return "content type too long";
	for (i = 0; i < n; i++) {
		out[i] = m_lower(s[i]);
		if (out[i] == '/') {
			slash = i;
			nslash++;
		} else if (!m_tchar(out[i])) {
			return "content type: invalid character";
		}
	}
	if (nslash != 1 || !slash)
		return "content type must be type/subtype or type/";
	out[n] = '\0';
	return NULL;
}

static const char *m_norm_url(char *out, const char *s, u32 n)
{
	u32 i, o = 0, hs;

	if (n >= 7 && m_lower(s[0]) == 'h' && m_lower(s[1]) == 't' &&
	    m_lower(s[2]) == 't' && m_lower(s[3]) == 'p' && s[4] == ':' &&
	    s[5] == '/' && s[6] == '/') {
		s += 7;
		n -= 7;
	}
	if (n > NFAV_LIST_URL_MAX)
		return "URL entry too long";
	hs = (n && s[0] == '.') ? 1 : 0;
	for (i = 0; i < n && s[i] != '/'; i++) {
		out[o++] = m_lower(s[i]);
		if (i >= hs && !m_host_char(out[o - 1]))
			return "URL entry: invalid character in the host";
	}
	if (i == hs)
		return "URL entry: empty host";
	if (!m_host_ok(out + hs, i - hs))
		return "URL entry: a host name or [IPv6 address], without port";
	for (; i < n; i++) {
		if ((u8)s[i] <= ' ' || (u8)s[i] >= 0x7f)
			return "URL entry: invalid character in the path";
		out[o++] = s[i];
	}
	out[o] = '\0';
	return NULL;
}

const char *nfav_list_add(struct nfav_strlist *l, enum nfav_list_kind kind,
			  const char *s, u32 len, u32 max_entries)
{
	char *buf = l->data + l->used;
	const char *err, *e;

	/* a normalised entry is never longer than what it came from */
	if (l->used + len + 1 > NFAV_LIST_BYTES)
		return "list too long";
	switch (kind) {
	case NFAV_LIST_EXT:
		err = m_norm_ext(buf, s, len);
		break;
	case NFAV_LIST_MIME:
		err = m_norm_mime(buf, s, len);
		break;
	default:
		err = m_norm_url(buf, s, len);
		break;
	}
	if (err)
		return err;
	for (e = l->data; e < buf; e += strlen(e) + 1)
		if (!strcmp(e, buf))
			return NULL;	/* already listed */
	if (l->count >= max_entries)
		return "too many entries";
	l->used += strlen(buf) + 1;
	l->count++;
	return NULL;
}

const char *nfav_list_parse(struct nfav_strlist *l, enum nfav_list_kind kind,
			    const char *csv, u32 max_entries)
{
	const char *err, *comma;
	u32 n;

	l->count = 0;
	l->used = 0;
	while (*csv) {
		comma = strchr(csv, ',');
		n = comma ? (u32)(comma - csv) : (u32)strlen(csv);
		err = nfav_list_add(l, kind, csv, n, max_entries);
		if (err)
			return err;
		csv += n;
		if (*csv)
			csv++;
	}
	return NULL;
}

/*
 * The extension of a file name: the characters after its last dot, lower
 * case.  Trailing dots and spaces do not count (Windows drops them: a file
 * saved as "x.exe. " is x.exe).  With @url, @s is a request target: its
 * last path segment is used, percent-decoded, without query or fragment.
 * Returns false if there is none or it is too long to be listed.
 */
#define M_TAIL	(NFAV_LIST_EXT_MAX + 2)
static bool m_extension(const char *s, bool url, char *ext)
{
	char tail[M_TAIL];
	u32 n = 0, i, dot;
	bool run = false, run_dot = false;
	int hi, lo;
	u8 c;

	for (i = 0; s[i]; i++) {
		c = s[i];
		if (url && (c == '?' || c == '#'))
			break;
		if (url && c == '%') {
			hi = m_hex(s[i + 1]);
			lo = hi >= 0 ? m_hex(s[i + 2]) : -1;
			if (lo >= 0) {
				c = (u8)(hi << 4 | lo);
				i += 2;
			}
		}
		if (c == '/' || c == '\\') {
			n = 0;
			run = false;
			run_dot = false;
			continue;
		}
		if (c == '.' || c == ' ') {
			run = true;
			run_dot |= c == '.';
			continue;
		}
		if (run) {
			/* a run of dots and spaces inside the name */
			if (n == M_TAIL)
				memmove(tail, tail + 1, --n);
			tail[n++] = run_dot ? '.' : ' ';
			run = false;
			run_dot = false;
		}
		if (n == M_TAIL)
			memmove(tail, tail + 1, --n);
		tail[n++] = m_lower(c);
	}
	for (dot = n; dot && tail[dot - 1] != '.'; dot--)
		;
	if (!dot || n - dot > NFAV_LIST_EXT_MAX || n == dot)
		return false;
	memcpy(ext, tail + dot, n - dot);
	ext[n - dot] = '\0';
	return true;
}

static bool m_listed(const struct nfav_strlist *l, const char *s)
{
	const char *e;

	nfav_list_for_each(e, l)
		if (!strcmp(e, s))
			return true;
	return false;
}

bool nfav_ext_match(const struct nfav_strlist *exts, const char *name,
		    const char *url)
{
	char ext[NFAV_LIST_EXT_MAX + 1];

	if (name && m_extension(name, false, ext) && m_listed(exts, ext))
		return true;
	return url && m_extension(url, true, ext) && m_listed(exts, ext);
}

static bool m_mime_listed(const struct nfav_strlist *l, const char *type)
{
	const char *e;
	size_t n;

	nfav_list_for_each(e, l) {
		n = strlen(e);
		if (e[n - 1] == '/' ? !strncmp(e, type, n) : !strcmp(e, type))
			return true;
	}
	return false;
}

bool nfav_mime_bypassed(const struct nfav_strlist *bypass,
			const struct nfav_strlist *scan, const char *type)
{
	if (!type || !type[0])
		return false;
	return m_mime_listed(bypass, type) && !m_mime_listed(scan, type);
}

/*
 * The host of @s (up to @end) without a user part, a port or a trailing
 * dot: its start in *@host, its length returned (0 if none).
 */
static u32 m_host(const char *s, const char *end, const char **host)
{
	const char *at, *p, *colon = NULL;

	for (at = s; at < end && *at != '@'; at++)
		;
	if (at < end)
		s = at + 1;
	for (p = s; p < end; p++) {
		if (*p == ']')
			colon = NULL;
		else if (*p == ':')
			colon = p;
	}
	if (colon)
		end = colon;
	if (end > s && end[-1] == '.')
		end--;
	*host = s;
	return end - s;
}

/* Case-insensitive: @h (@n bytes, any case) equals lower-case @e? */
static bool m_ieq(const char *h, const char *e, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (m_lower(h[i]) != (u8)e[i])
			return false;
	return true;
}

static bool m_host_match(const char *entry, u32 elen, const char *host,
			 u32 hlen)
{
	if (entry[0] != '.')
		return elen == hlen && m_ieq(host, entry, hlen);
	/* ".example.org": example.org and any name below it */
	if (elen - 1 == hlen && m_ieq(host, entry + 1, hlen))
		return true;
	return hlen > elen && m_ieq(host + hlen - elen, entry, elen);
}

bool nfav_url_bypassed(const struct nfav_strlist *list, const char *host,
		       const char *url)
{
	const char *path = "", *e, *a, *slash, *h;
	u32 hl, el;

	if (!list->count || !url)
		return false;
	a = strstr(url, "://");
	if (a && a < url + strcspn(url, "/?#")) {
		/* absolute-form: scheme://authority/path */
		a += 3;
		path = a + strcspn(a, "/?#");
		hl = m_host(a, path, &h);
	} else {
		if (url[0] == '/')
			path = url;
		hl = host ? m_host(host, host + strlen(host), &h) : 0;
	}
	if (!hl)
		return false;
	nfav_list_for_each(e, list) {
		slash = strchr(e, '/');
		el = slash ? (u32)(slash - e) : (u32)strlen(e);
		if (!m_host_match(e, el, h, hl))
			continue;
		if (!slash || !strncmp(path, slash, strlen(slash)))
			return true;
	}
	return false;
}
