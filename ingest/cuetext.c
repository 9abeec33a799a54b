/*
 * cuetext.c: turns a cue's raw payload into clean text: WebVTT/SRT tags removed
 * (<c.x>, <i>, <b>, <u>, <ruby>, <00:00:01.000>, <font>; <rt> text dropped), HTML
 * entities decoded, invisible marks (LRM, RLM, BOM, soft hyphen) dropped, whitespace
 * folded to single spaces, ends trimmed; each <v Name> starts a new segment.
 * Does not decide who speaks when no <v> is given (labels.c, the readers do).
 * Invariant: linear in the payload; the output is valid UTF-8 when the input is.
 */
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

struct entity {
	const char *name;
	uint32_t cp;
};

/* HTML named entities seen in transcripts (the full HTML list is not needed). */
static const struct entity entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", 0xA0 }, { "lrm", 0x200E }, { "rlm", 0x200F }, { "shy", 0xAD },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwsp", 0x200B }, { "zwnj", 0x200C }, { "zwj", 0x200D },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201A },
	{ "ldquo", 0x201C }, { "rdquo", 0x201D }, { "bdquo", 0x201E },
	{ "laquo", 0xAB }, { "raquo", 0xBB }, { "bull", 0x2022 }, { "middot", 0xB7 },
	{ "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 }, { "deg", 0xB0 },
	{ "euro", 0x20AC }, { "pound", 0xA3 }, { "yen", 0xA5 }, { "cent", 0xA2 },
	{ "times", 0xD7 }, { "divide", 0xF7 }, { "plusmn", 0xB1 }, { "sect", 0xA7 },
	{ "iexcl", 0xA1 }, { "iquest", 0xBF }, { "szlig", 0xDF },
	{ "aacute", 0xE1 }, { "agrave", 0xE0 }, { "acirc", 0xE2 }, { "atilde", 0xE3 },
	{ "auml", 0xE4 }, { "aring", 0xE5 }, { "ccedil", 0xE7 }, { "eacute", 0xE9 },
	{ "egrave", 0xE8 }, { "ecirc", 0xEA }, { "euml", 0xEB }, { "iacute", 0xED },
	{ "igrave", 0xEC }, { "icirc", 0xEE }, { "iuml", 0xEF }, { "ntilde", 0xF1 },
	{ "oacute", 0xF3 }, { "ograve", 0xF2 }, { "ocirc", 0xF4 }, { "otilde", 0xF5 },
	{ "ouml", 0xF6 }, { "oslash", 0xF8 }, { "uacute", 0xFA }, { "ugrave", 0xF9 },
	{ "ucirc", 0xFB }, { "uuml", 0xFC }, { "Aacute", 0xC1 }, { "Agrave", 0xC0 },
	{ "Auml", 0xC4 }, { "Aring", 0xC5 }, { "Ccedil", 0xC7 }, { "Eacute", 0xC9 },
	{ "Egrave", 0xC8 }, { "Iacute", 0xCD }, { "Ntilde", 0xD1 }, { "Oacute", 0xD3 },
	{ "Ouml", 0xD6 }, { "Oslash", 0xD8 }, { "Uacute", 0xDA }, { "Uuml", 0xDC },
};

#define ENTITY_MAX_NAME 8

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* &#NNN; &#xHH; (s is just after "&#"); bad code points become U+FFFD. */
static size_t entity_numeric(const char *s, size_t n, uint32_t *cp)
{
	size_t i = 0;
	uint32_t v = 0;
	int hex = 0, k = 0;
	if (i < n && (s[i] == 'x' || s[i] == 'X'))
		hex = 1, i++;
	for (; i < n && k < 8; i++, k++) {
		int d = hex ? hex_val((unsigned char)s[i]) : (is_digit((unsigned char)s[i]) ? s[i] - '0' : -1);
		if (d < 0)
			break;
		v = v * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (k == 0 || i >= n || s[i] != ';')
		return 0;
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		v = 0xFFFD;
	*cp = v;
	return i + 1;
}

size_t entity_decode(const char *s, size_t n, uint32_t *cp)
{
	size_t k = 0;
	if (n && s[0] == '#') {
		size_t used = entity_numeric(s + 1, n - 1, cp);
		return used ? used + 1 : 0;
	}
	while (k < n && k <= ENTITY_MAX_NAME && (is_letter((unsigned char)s[k]) || is_digit((unsigned char)s[k])))
		k++;
	if (k == 0 || k > ENTITY_MAX_NAME || k >= n || s[k] != ';')
		return 0;
	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
		if (entities[i].name[0] == s[0] && strlen(entities[i].name) == k &&
		    !memcmp(entities[i].name, s, k)) {
			*cp = entities[i].cp;
			return k + 1;
		}
	return 0;
}

size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- output with whitespace folding ---- */

struct out {
	struct clean *c;
	size_t region;   /* where the current speaker name or text starts in c->buf */
	int space;       /* a space is owed before the next visible byte */
};

static void out_space(struct out *o)
{
	if (o->c->buf.len > o->region)
		o->space = 1;
}

static void out_bytes(struct out *o, const char *s, size_t n)
{
	if (o->space) {
		mk_buf_addc(&o->c->buf, ' ');
		o->space = 0;
	}
	mk_buf_add(&o->c->buf, s, n);
}

static int cp_is_space(uint32_t cp)
{
	return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x3000;
}

static int cp_is_invisible(uint32_t cp)
{
	return cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF;
}

static void out_cp(struct out *o, uint32_t cp)
{
	char u[4];
	if (cp_is_space(cp))
		out_space(o);
	else if (!cp_is_invisible(cp))
		out_bytes(o, u, utf8_put(cp, u));
}

/*
 * Writes the character at s[0..n) (an entity when markup is on) and returns how
 * many bytes it used. Raw invisible marks and Unicode spaces are recognised from
 * their UTF-8 bytes; any other byte is copied as is.
 */
static size_t out_char(struct out *o, const char *s, size_t n, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t k;
	if (u[0] < 0x20 || u[0] == ' ' || u[0] == 0x7F) {
		out_space(o);
		return 1;
	}
	if (u[0] == '&' && (flags & CLEAN_MARKUP) && (k = entity_decode(s + 1, n - 1, &cp))) {
		out_cp(o, cp);
		return k + 1;
	}
	if (u[0] == 0xC2 && n >= 2 && (u[1] == 0xA0 || u[1] == 0xAD || (u[1] >= 0x80 && u[1] <= 0x9F))) {
		out_cp(o, u[1]);
		return 2;
	}
	if (n >= 3 && ((u[0] == 0xE2 && u[1] == 0x80 &&
			((u[2] >= 0x80 && u[2] <= 0x8F) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF)) ||
		       (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ||
		       (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80))) {
		out_cp(o, ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F));
		return 3;
	}
	out_bytes(o, s, 1);
	return 1;
}

/* How many bytes at s need no care: copied as they are. */
static size_t plain_run(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n) {
		unsigned char c = (unsigned char)s[k];
		if (c <= ' ' || c == '<' || c == '&' || c == '{' || c == 0x7F || c == 0xC2 ||
		    c == 0xE2 || c == 0xE3 || c == 0xEF)
			break;
		k++;
	}
	return k;
}

/* ---- segments ---- */

void clean_init(struct clean *c)
{
	mk_buf_init(&c->buf);
	c->seg = NULL;
	c->nseg = c->cap = 0;
}

void clean_release(struct clean *c)
{
	if (!c)
		return;
	mk_buf_release(&c->buf);
	free(c->seg);
	clean_init(c);
}

static void seg_close(struct clean *c)
{
	struct clean_seg *g = &c->seg[c->nseg - 1];
	g->txt_len = c->buf.len - g->txt_off;
}

/* Starts a segment; name (raw annotation of <v>) may be empty: nobody named. */
static void seg_open(struct out *o, const char *name, size_t n)
{
	struct clean *c = o->c;
	struct clean_seg *g;
	if (c->nseg)
		seg_close(c);
	c->seg = mk_grow(c->seg, &c->cap, c->nseg + 1, sizeof *c->seg);
	g = &c->seg[c->nseg++];
	o->region = g->spk_off = c->buf.len;
	o->space = 0;
	for (size_t i = 0; i < n;)
		i += out_char(o, name + i, n - i, CLEAN_MARKUP);
	g->spk_len = c->buf.len - g->spk_off;
	g->has_speaker = g->spk_len > 0;
	o->region = g->txt_off = c->buf.len;
	o->space = 0;
}

/* ---- tags ---- */

/* The tag's name: letters and digits up to '.', whitespace or the end. */
static size_t tag_name(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && (is_letter((unsigned char)s[k]) || is_digit((unsigned char)s[k])))
		k++;
	return k;
}

static int name_is(const char *s, size_t k, const char *want)
{
	return strlen(want) == k && !memcmp(s, want, k);
}

/*
 * Handles the tag in s[0..n) (between '<' and '>'); returns 0 when it is not a tag
 * at all, so the '<' is text. *in_rt tracks ruby text, which is dropped.
 */
static int tag_apply(struct out *o, const char *s, size_t n, int *in_rt)
{
	const char *p;
	int64_t ms;
	size_t k;
	if (n && s[0] == '/') {
		k = tag_name(s + 1, n - 1);
		if (!k)
			return 0;
		if (name_is(s + 1, k, "rt") || name_is(s + 1, k, "ruby"))
			*in_rt = 0;
		return 1;
	}
	if (n && is_digit((unsigned char)s[0])) {
		p = s;
		return stamp_cue(&p, s + n, &ms) && p == s + n;
	}
	k = tag_name(s, n);
	if (!k || !is_letter((unsigned char)s[0]))
		return 0;
	if (name_is(s, k, "v") && !*in_rt) {
		size_t a = k;
		while (a < n && s[a] != ' ' && s[a] != '\t')
			a++;	/* skip classes: <v.loud.x Name> */
		seg_open(o, s + a, n - a);
	} else if (name_is(s, k, "rt")) {
		*in_rt = 1;
	}
	return 1;
}

/* The end of the markup block starting at s[i] ('>' or '}'), on the same line; n if none. */
static size_t close_at(const char *s, size_t n, size_t i, char want, size_t *cache)
{
	if (*cache != (size_t)-1 && *cache > i)
		return *cache;
	size_t j = i + 1;
	while (j < n && s[j] != want && s[j] != '\n' && s[j] != '\r')
		j++;
	*cache = j;
	return j;
}

void clean_text(struct clean *c, const char *s, size_t n, unsigned flags)
{
	struct out o = { c, 0, 0 };
	size_t gt = (size_t)-1, brace = (size_t)-1;
	int in_rt = 0;
	mk_buf_reset(&c->buf);
	if (!c->buf.s)
		mk_buf_add(&c->buf, "", 0);
	c->nseg = 0;
	seg_open(&o, "", 0);
	for (size_t i = 0; i < n;) {
		if ((flags & CLEAN_MARKUP) && s[i] == '<') {
			size_t j = close_at(s, n, i, '>', &gt);
			if (j < n && s[j] == '>' && tag_apply(&o, s + i + 1, j - i - 1, &in_rt)) {
				i = j + 1;
				continue;
			}
		}
		if ((flags & CLEAN_ASS) && s[i] == '{' && i + 1 < n && s[i + 1] == '\\') {
			size_t j = close_at(s, n, i, '}', &brace);
			if (j < n && s[j] == '}') {
				i = j + 1;
				continue;
			}
		}
		if (in_rt) {
			i++;
			continue;
		}
		size_t run = plain_run(s + i, n - i);
		if (run) {
			out_bytes(&o, s + i, run);
			i += run;
			continue;
		}
		i += out_char(&o, s + i, n - i, flags);
	}
	seg_close(c);
}
