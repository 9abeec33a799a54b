/*
 * form.c: the parts of an HTTP request a browser fills in, read from untrusted bytes: a
 * field of an application/x-www-form-urlencoded body (percent-decoded, '+' a space), a
 * cookie of a Cookie header, and a name typed in a form made fit to record. Pure
 * functions over byte ranges into the caller's buffers: no allocation, no I/O; a value
 * that does not fit is refused whole, never cut. See mapkeeper.h, "HTTP forms and
 * cookies"; cli/serve_session.c uses them for the login and the session cookie.
 */
#include "mapkeeper.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

/* The value of hex digit c, or -1. */
static int form_hex(char c)
{
	static const char digits[] = "0123456789abcdef";
	const char *at = c ? strchr(digits, tolower((unsigned char)c)) : NULL;
	return at ? (int)(at - digits) : -1;
}

/* Decodes s[0..n) into out: 1, or 0 when it needs more than outlen - 1 bytes. */
static int form_decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	if (!outlen)
		return 0;
	for (size_t k = 0; k < n; k++) {
		char ch = s[k];
		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%' && k + 2 < n && form_hex(s[k + 1]) >= 0 && form_hex(s[k + 2]) >= 0) {
			ch = (char)(form_hex(s[k + 1]) * 16 + form_hex(s[k + 2]));
			k += 2;
		}
		if (o + 1 >= outlen)
			return 0;
		out[o++] = ch;
	}
	out[o] = '\0';
	return 1;
}

int mk_form_field(const char *body, size_t len, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key), i = 0;
	if (outlen)
		out[0] = '\0';
	while (body && i < len) {
		size_t end = i;
		while (end < len && body[end] != '&')
			end++;
		if (end - i > kl && !memcmp(body + i, key, kl) && body[i + kl] == '=') {
			if (form_decode(body + i + kl + 1, end - i - kl - 1, out, outlen))
				return 1;
			if (outlen)
				out[0] = '\0';
			return -1;
		}
		i = end + 1;
	}
	return 0;
}

/* The end of a cookie's value starting at v: the first ';' or ',' outside double quotes. */
static const char *cookie_value_end(const char *v)
{
	int quoted = 0;
	for (; *v && (quoted || (*v != ';' && *v != ',')); v++)
		if (*v == '"')
			quoted = !quoted;
	return v;
}

int mk_cookie_get(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	const char *p = header;
	if (outlen)
		out[0] = '\0';
	while (p && *p) {
		const char *key, *kend, *v, *vend;
		while (*p == ' ' || *p == '\t')
			p++;
		key = p;
		while (*p && *p != '=' && *p != ';' && *p != ',')
			p++;
		kend = p;
		while (kend > key && (kend[-1] == ' ' || kend[-1] == '\t'))
			kend--;
		v = *p == '=' ? p + 1 : p; /* a cookie without '=' has the empty value */
		vend = *p == '=' ? cookie_value_end(v) : p;
		p = *vend ? vend + 1 : vend;
		if ((size_t)(kend - key) != nl || memcmp(key, name, nl))
			continue;
		if (vend - v >= 2 && v[0] == '"' && vend[-1] == '"')
			v++, vend--;
		if ((size_t)(vend - v) >= outlen)
			return -1;
		memcpy(out, v, (size_t)(vend - v));
		out[vend - v] = '\0';
		return 1;
	}
	return 0;
}

size_t mk_form_text(const char *in, size_t max, char *out, size_t outlen)
{
	size_t o = 0, bad;
	if (!outlen)
		return 0;
	if (max > outlen - 1)
		max = outlen - 1;
	for (const unsigned char *p = (const unsigned char *)(in ? in : ""); *p && o < max; p++)
		if (*p >= 0x20 && *p != 0x7f)
			out[o++] = (char)*p;
	while (o && out[o - 1] == ' ')
		o--;
	if (!mk_utf8_valid(out, o, &bad))
		o = 0;
	out[o] = '\0';
	return o;
}
