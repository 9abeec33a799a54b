/*
 * reqlit.c: the literal strings a pattern cannot match without (see reqlit.h). A small
 * reader of the PCRE2 syntax the rules use; whatever it does not know for sure makes it
 * give less (a shorter or no list), never a wrong one: the list is a filter that must
 * not change what a rule finds.
 *
 * For every part of a pattern it works out two things: `exact`, the few strings the
 * part can match at all (a word, "day" + "s?", "[sz]"), and `req`, strings one of which
 * every match of the part holds. A sequence joins neighbouring exact parts into longer
 * strings and keeps the best list it meets; an alternation needs a list from every
 * branch and unites them.
 */
#include "extractor/reqlit.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define SET_MAX 48   /* strings in an exact set */
#define REQ_MAX 512  /* strings in a req set */
#define STR_MAX 64   /* bytes in one string */

struct lset {
	char **s;
	size_t n;
	int ok;          /* 0: nothing known */
	size_t max;      /* 0: SET_MAX */
};

struct info {
	struct lset exact;
	struct lset req;
};

struct rd {
	const char *p;
	int bail;        /* syntax the reader does not follow: no list for the pattern */
};

static void set_free(struct lset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	s->s = NULL;
	s->n = 0;
	s->ok = 0;
}

static void info_free(struct info *f)
{
	set_free(&f->exact);
	set_free(&f->req);
}

/* Adds w (not yet owned; twice is harmless, reqlit_find drops repeats at the end); 0 when
 * the set would grow too big. */
static int set_add(struct lset *s, const char *w, size_t n)
{
	char *c;
	if (n > STR_MAX)
		return 0;
	if (s->n >= (s->max ? s->max : SET_MAX))
		return 0;
	c = mk_malloc(n + 1);
	memcpy(c, w, n);
	c[n] = '\0';
	s->s = mk_realloc(s->s, (s->n + 1) * sizeof *s->s);
	s->s[s->n++] = c;
	return 1;
}

static struct lset set_one(const char *w, size_t n)
{
	struct lset s = { NULL, 0, 1, 0 };
	set_add(&s, w, n);
	return s;
}

static struct lset set_copy(const struct lset *a)
{
	struct lset s = { NULL, 0, a->ok, a->max };
	for (size_t i = 0; i < a->n && s.ok; i++)
		if (!set_add(&s, a->s[i], strlen(a->s[i])))
			set_free(&s);
	return s;
}

/* a x b, or ok = 0 when too big. */
static struct lset set_cross(const struct lset *a, const struct lset *b)
{
	struct lset s = { NULL, 0, 1, 0 };
	char buf[2 * STR_MAX + 1];
	for (size_t i = 0; i < a->n && s.ok; i++)
		for (size_t j = 0; j < b->n && s.ok; j++) {
			size_t la = strlen(a->s[i]), lb = strlen(b->s[j]);
			if (la + lb > STR_MAX) {
				s.ok = 0;
				break;
			}
			memcpy(buf, a->s[i], la);
			memcpy(buf + la, b->s[j], lb);
			if (!set_add(&s, buf, la + lb))
				s.ok = 0;
		}
	if (!s.ok)
		set_free(&s);
	return s;
}

/* How much a req set filters: the length of its shortest string (0: useless). */
static size_t set_score(const struct lset *s)
{
	size_t m = (size_t)-1;
	if (!s->ok || !s->n)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		size_t l = strlen(s->s[i]);
		if (l < m)
			m = l;
	}
	return m;
}

/* Keeps the better of *best and cand (cand is consumed). */
static void keep_best(struct lset *best, struct lset *cand)
{
	size_t sb = set_score(best), sc = set_score(cand);
	if (sc > sb || (sc == sb && sc && cand->n < best->n)) {
		set_free(best);
		*best = *cand;
	} else {
		set_free(cand);
	}
	cand->s = NULL;
	cand->n = 0;
	cand->ok = 0;
}

static struct info info_empty(void) /* zero-width: matches "" exactly */
{
	struct info f = { set_one("", 0), { NULL, 0, 0, 0 } };
	return f;
}

static struct info info_none(void)
{
	struct info f = { { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 } };
	return f;
}

static struct info info_char(int c)
{
	char b = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	struct info f = { set_one(&b, 1), { NULL, 0, 0, 0 } };
	return f;
}

static struct info read_alt(struct rd *r);

/* Skips a lookaround's body up to its ')': it matches nothing of the text. Syntax the
 * reader would refuse inside (a back reference, \Q) still makes it give up. */
static struct info zero_width_group(struct rd *r)
{
	const char *p = r->p;
	int depth = 0;
	for (; *p; p++) {
		if (*p == '\\') {
			if (!p[1] || (p[1] >= '0' && p[1] <= '9') || strchr("QEKgko", p[1])) {
				r->bail = 1;
				return info_none();
			}
			p++;
		} else if (*p == '[') { /* a class: up to its ']' */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			for (; *p && *p != ']'; p++)
				if (*p == '\\' && p[1])
					p++;
				else if (*p == '[' && p[1] == ':' && strstr(p + 2, ":]"))
					p = strstr(p + 2, ":]") + 1;
			if (!*p)
				break;
		} else if (*p == '(') {
			if (p[1] == '?' && (p[2] == '(' || p[2] == 'R' || p[2] == '&' || p[2] == 'C' || p[2] == 'x' ||
					    (p[2] >= '0' && p[2] <= '9') || p[2] == '+' || (p[2] == 'P' && p[3] != '<'))) {
				r->bail = 1;
				return info_none();
			}
			depth++;
		} else if (*p == ')') {
			if (!depth--)
				break;
		}
	}
	if (*p != ')') {
		r->bail = 1;
		return info_none();
	}
	r->p = p + 1;
	return info_empty();
}

static struct info group(struct rd *r)
{
	struct info in = read_alt(r);
	if (*r->p != ')') {
		r->bail = 1;
		info_free(&in);
		return info_none();
	}
	r->p++;
	return in;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* After '(': the group. */
static struct info paren(struct rd *r)
{
	const char *p = r->p;
	if (*p != '?') {
		if (*p == '*') { /* (*VERB) */
			r->bail = 1;
			return info_none();
		}
		return group(r);
	}
	p++;
	if (*p == '#') { /* comment */
		const char *e = strchr(p, ')');
		if (!e) {
			r->bail = 1;
			return info_none();
		}
		r->p = e + 1;
		return info_empty();
	}
	if (*p == ':' || *p == '>' || *p == '|') {
		r->p = p + 1;
		return group(r);
	}
	if (*p == '=' || *p == '!') {
		r->p = p + 1;
		return zero_width_group(r);
	}
	if (*p == '<' && (p[1] == '=' || p[1] == '!')) {
		r->p = p + 2;
		return zero_width_group(r);
	}
	if (*p == '<' || *p == '\'' || (*p == 'P' && p[1] == '<')) { /* a named group */
		char close = *p == '\'' ? '\'' : '>';
		const char *e = strchr(p, close);
		if (!e) {
			r->bail = 1;
			return info_none();
		}
		r->p = e + 1;
		return group(r);
	}
	/* option letters: (?i) (?-i:...) (?i:...); x changes what spaces mean */
	{
		const char *q = p;
		while (*q && strchr("imnsJU-^", *q))
			q++;
		if (q > p || *q == ')' || *q == ':') {
			if (*q == ')') {
				r->p = q + 1;
				return info_empty();
			}
			if (*q == ':') {
				r->p = q + 1;
				return group(r);
			}
		}
	}
	r->bail = 1; /* conditions, recursion, callouts, (?x) */
	return info_none();
}

/* After '[': a class; exact when it is a few plain ASCII characters. */
static struct info char_class(struct rd *r)
{
	const char *p = r->p;
	struct lset s = { NULL, 0, 1, 0 };
	int neg = 0, plain = 1, first = 1;
	if (*p == '^') {
		neg = 1;
		p++;
	}
	while (*p && (*p != ']' || first)) {
		int c = (unsigned char)*p, lo;
		first = 0;
		if (c == '[' && p[1] == ':') { /* [:alpha:] */
			const char *e = strstr(p + 2, ":]");
			if (!e) {
				r->bail = 1;
				break;
			}
			p = e + 2;
			plain = 0;
			continue;
		}
		if (c == '\\') {
			int e = (unsigned char)p[1];
			if (!e) {
				r->bail = 1;
				break;
			}
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
				plain = 0; /* \s \d \x{..} \p{..} ... */
				p += 2;
				if ((e == 'x' || e == 'p' || e == 'P' || e == 'o' || e == 'N') && *p == '{') {
					const char *q = strchr(p, '}');
					if (!q) {
						r->bail = 1;
						break;
					}
					p = q + 1;
				} else if (e == 'x') {
					while (is_hex(*p))
						p++;
				}
				continue;
			}
			c = e;
			p += 2;
		} else if (c >= 0x80) {
			plain = 0;
			p++;
			while (((unsigned char)*p & 0xC0) == 0x80)
				p++;
			continue;
		} else {
			p++;
		}
		lo = c;
		if (*p == '-' && p[1] && p[1] != ']') { /* a range */
			int hi = (unsigned char)p[1];
			if (hi == '\\' || hi >= 0x80 || hi < lo || hi - lo > 8) {
				plain = 0;
				p += 2;
				if (hi == '\\' && *p)
					p++;
				continue;
			}
			p += 2;
			for (int k = lo; k <= hi && plain; k++) {
				char b = (char)(k >= 'A' && k <= 'Z' ? k + 32 : k);
				if (!set_add(&s, &b, 1))
					plain = 0;
			}
			continue;
		}
		if (plain) {
			char b = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			if (!set_add(&s, &b, 1))
				plain = 0;
		}
	}
	if (*p != ']')
		r->bail = 1;
	else
		p++;
	r->p = p;
	if (neg || !plain || r->bail || s.n > 6) {
		set_free(&s);
		return info_none();
	}
	{
		struct info f = { s, { NULL, 0, 0, 0 } };
		return f;
	}
}

/* After '\\'. */
static struct info escape(struct rd *r)
{
	int c = (unsigned char)*r->p;
	if (!c) {
		r->bail = 1;
		return info_none();
	}
	r->p++;
	switch (c) {
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'h': case 'H': case 'v':
	case 'V': case 'R': case 'X': case 'C': case 'n': case 't': case 'r': case 'f': case 'e':
	case 'a':
		return info_none();
	case 'N':
		if (*r->p == '{') {
			r->bail = 1;
			return info_none();
		}
		return info_none();
	case 'p': case 'P':
		if (*r->p == '{') {
			const char *e = strchr(r->p, '}');
			if (!e) {
				r->bail = 1;
				return info_none();
			}
			r->p = e + 1;
		} else if (*r->p) {
			r->p++;
		}
		return info_none();
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G':
		return info_empty();
	case 'x': {
		long v = 0;
		if (*r->p == '{') {
			const char *q = r->p + 1;
			while (is_hex(*q))
				q++;
			if (*q != '}' || q == r->p + 1) {
				r->bail = 1;
				return info_none();
			}
			v = strtol(r->p + 1, NULL, 16);
			r->p = q + 1;
		} else {
			int k = 0;
			while (k < 2 && is_hex(r->p[k]))
				k++;
			for (int i = 0; i < k; i++)
				v = v * 16 + (r->p[i] <= '9' ? r->p[i] - '0' : (r->p[i] | 32) - 'a' + 10);
			r->p += k;
		}
		if (v >= 0x20 && v < 0x7F)
			return info_char((int)v);
		return info_none();
	}
	case 'c':
		if (*r->p)
			r->p++;
		return info_none();
	default:
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			r->bail = 1; /* back references, \K, \Q, \g, \k, \o ... */
			return info_none();
		}
		if (c >= 0x80) /* an escaped non-ASCII character: its bytes fold otherwise */
			return info_none();
		return info_char(c);
	}
}

/* A quantifier at r->p: min and max (-1: no limit); 0 when there is none. */
static int quantifier(struct rd *r, long *min, long *max)
{
	const char *p = r->p;
	if (*p == '?' || *p == '*' || *p == '+') {
		*min = *p == '+' ? 1 : 0;
		*max = *p == '?' ? 1 : -1;
		p++;
	} else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
		char *e;
		*min = strtol(p + 1, &e, 10);
		if (*e == '}') {
			*max = *min;
		} else if (*e == ',' && e[1] == '}') {
			*max = -1;
			e++;
		} else if (*e == ',' && e[1] >= '0' && e[1] <= '9') {
			*max = strtol(e + 1, &e, 10);
			if (*e != '}')
				return 0;
		} else {
			return 0; /* a literal '{' */
		}
		p = e + 1;
	} else {
		return 0;
	}
	if (*p == '?' || *p == '+') /* lazy, possessive: the same strings */
		p++;
	r->p = p;
	return 1;
}

/* One item with its quantifier; at '|', ')' or the end: returns 0. */
static int read_item(struct rd *r, struct info *out)
{
	int c = (unsigned char)*r->p;
	struct info a;
	long min, max;
	if (!c || c == '|' || c == ')')
		return 0;
	r->p++;
	if (c == '(')
		a = paren(r);
	else if (c == '[')
		a = char_class(r);
	else if (c == '\\')
		a = escape(r);
	else if (c == '.')
		a = info_none();
	else if (c == '^' || c == '$')
		a = info_empty();
	else if (c >= 0x80) {
		while (((unsigned char)*r->p & 0xC0) == 0x80)
			r->p++;
		a = info_none();
	} else
		a = info_char(c);
	if (r->bail) {
		info_free(&a);
		return 0;
	}
	if (quantifier(r, &min, &max)) {
		if (min == 0) {
			if (max == 1 && a.exact.ok) { /* x? : x or nothing */
				struct lset e = set_copy(&a.exact);
				if (!set_add(&e, "", 0))
					set_free(&e);
				info_free(&a);
				a = info_none();
				a.exact = e;
			} else {
				info_free(&a);
				a = info_none();
			}
		} else if (!(min == 1 && max == 1)) { /* once or more: what one time needs */
			struct lset q = a.exact.ok ? set_copy(&a.exact) : set_copy(&a.req);
			info_free(&a);
			a = info_none();
			a.req = q;
		}
	}
	*out = a;
	return 1;
}

static struct info read_seq(struct rd *r)
{
	struct lset run = set_one("", 0), best = { NULL, 0, 0, 0 };
	int all_exact = 1;
	struct info it, f;
	while (read_item(r, &it)) {
		if (it.exact.ok) {
			struct lset x = set_cross(&run, &it.exact);
			if (!x.ok) { /* too many: the run so far is one candidate, a new run starts */
				all_exact = 0;
				keep_best(&best, &run);
				run = set_copy(&it.exact);
			} else {
				set_free(&run);
				run = x;
			}
		} else {
			struct lset cp;
			all_exact = 0;
			keep_best(&best, &run);
			run = set_one("", 0);
			cp = set_copy(&it.req);
			keep_best(&best, &cp);
		}
		info_free(&it);
	}
	if (all_exact && !r->bail) {
		struct lset cp = set_copy(&run);
		keep_best(&best, &cp);
		f.exact = run;
	} else {
		keep_best(&best, &run);
		f.exact.s = NULL;
		f.exact.n = 0;
		f.exact.ok = 0;
	}
	f.req = best;
	if (!set_score(&f.req))
		set_free(&f.req);
	return f;
}

static struct info read_alt(struct rd *r)
{
	struct info f = read_seq(r);
	while (*r->p == '|' && !r->bail) {
		struct info g;
		r->p++;
		g = read_seq(r);
		if (f.exact.ok && g.exact.ok) {
			for (size_t i = 0; i < g.exact.n && f.exact.ok; i++)
				if (!set_add(&f.exact, g.exact.s[i], strlen(g.exact.s[i])))
					set_free(&f.exact);
		} else {
			set_free(&f.exact);
		}
		if (f.req.ok && g.req.ok) {
			f.req.max = REQ_MAX;
			for (size_t i = 0; i < g.req.n && f.req.ok; i++)
				if (!set_add(&f.req, g.req.s[i], strlen(g.req.s[i])))
					set_free(&f.req);
		} else {
			set_free(&f.req);
		}
		info_free(&g);
	}
	return f;
}

char **reqlit_find(const char *pattern, size_t *n)
{
	struct rd r = { pattern, 0 };
	struct info f;
	char **out;
	*n = 0;
	f = read_alt(&r);
	if (r.bail || *r.p || set_score(&f.req) < 3) { /* "is", "a": no use as a filter */
		info_free(&f);
		return NULL;
	}
	{ /* repeats out */
		size_t k = 0;
		for (size_t i = 0; i < f.req.n; i++) {
			int seen = 0;
			for (size_t j = 0; j < k && !seen; j++)
				seen = !strcmp(f.req.s[j], f.req.s[i]);
			if (seen)
				free(f.req.s[i]);
			else
				f.req.s[k++] = f.req.s[i];
		}
		f.req.n = k;
	}
	out = f.req.s;
	*n = f.req.n;
	f.req.s = NULL;
	f.req.n = 0;
	info_free(&f);
	return out;
}

void reqlit_free(char **lits, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lits[i]);
	free(lits);
}

/* Is item [a, b) a zero-width test with no choice and no capture inside: \b, ^, (?<!...),
 * (?=...), (?i)? */
static int plain_assertion(const char *a, const char *b)
{
	size_t n = (size_t)(b - a);
	if ((n == 1 && *a == '^') || (n == 2 && a[0] == '\\' && strchr("bBAG", a[1])))
		return 1;
	if (n < 3 || a[0] != '(' || a[1] != '?' || b[-1] != ')')
		return 0;
	if (!(a[2] == '=' || a[2] == '!' || (a[2] == '<' && (a[3] == '=' || a[3] == '!')) ||
	      strspn(a + 2, "imnsJU-^") == n - 3))
		return 0;
	for (const char *p = a + 1; p < b; p++) { /* no capturing group inside */
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p != '(')
			continue;
		if (p[1] != '?' || p[2] == '\'' || p[2] == 'P')
			return 0;
		if (p[2] == '<' && p[3] != '=' && p[3] != '!')
			return 0;
	}
	return 1;
}

char **reqlit_split(const char *pattern, size_t *n)
{
	struct rd r = { pattern, 0 };
	const char *pre_end, *alt_end, **bs = NULL, **be = NULL;
	size_t nb = 0;
	char **out = NULL;
	*n = 0;
	for (;;) { /* the zero-width tests in front */
		const char *q = r.p;
		struct info it;
		if (q[0] == '(' && q[1] == '?' && q[2] == ':')
			break;
		if (!read_item(&r, &it) || r.bail)
			return NULL;
		info_free(&it);
		if (!plain_assertion(q, r.p))
			return NULL;
	}
	pre_end = r.p;
	r.p += 3;
	for (;;) { /* the branches */
		const char *a = r.p;
		struct info it = read_seq(&r);
		info_free(&it);
		if (r.bail)
			goto fail;
		bs = mk_realloc(bs, (nb + 1) * sizeof *bs);
		be = mk_realloc(be, (nb + 1) * sizeof *be);
		bs[nb] = a;
		be[nb++] = r.p;
		if (*r.p == ')')
			break;
		if (*r.p != '|')
			goto fail;
		r.p++;
	}
	r.p++;
	alt_end = r.p;
	if (nb < 2 || (*r.p && strchr("?*+{", *r.p)))
		goto fail;
	for (const char *p = pre_end + 3; p < alt_end; p++) /* (a(?i)b|c): the option reaches c too */
		if (p[0] == '(' && p[1] == '?' && strspn(p + 2, "imnsJU-^") > 0 && p[2 + strspn(p + 2, "imnsJU-^")] == ')')
			goto fail;
	{ /* what follows: one sequence to the end */
		struct info it = read_seq(&r);
		info_free(&it);
		if (r.bail || *r.p)
			goto fail;
	}
	out = mk_malloc(nb * sizeof *out);
	for (size_t i = 0; i < nb; i++)
		out[i] = mk_sprintf("%.*s(?:%.*s)%s", (int)(pre_end - pattern), pattern, (int)(be[i] - bs[i]), bs[i],
				    alt_end);
	*n = nb;
fail:
	free(bs);
	free(be);
	return out;
}
