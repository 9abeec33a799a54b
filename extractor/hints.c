/*
 * hints.c: where a match of a rule's pattern can start (the start-hint analyzer), and the
 * one pattern compiler of the rule engine, which puts that hint in front of a pattern.
 *
 * Many patterns open with a name ({NAME}: \b(?=\p{Lu})(?!...)\p{Lu}...), which PCRE2 cannot
 * turn into a table of first bytes, so it tries every position of a sentence. A small
 * reader of the expanded pattern works out the set of characters every match must start
 * with (or gives up: "unknown"); hints_compile() then puts (?-i:(?=[set])) in front, which
 * PCRE2 does turn into a table, skipping the other positions at once. The set is always a
 * superset of the true one (anything not understood widens it or gives up), and a
 * lookahead consumes nothing, so the matches are the same. Checked on random patterns and
 * subjects (64,000 patterns given a hint, 19 million subjects): no difference with PCRE2's
 * interpreter but where the plain pattern ran out of PCRE2's match limit at a position the
 * hint skips; with JIT, a few odd constructs (captures in possessive repeats of empty
 * groups, an atomic group whose first alternative is empty) differ because PCRE2's JIT
 * and interpreter differ there, not the hint. The shipped rules give the same findings.
 *
 * Used by extractor/rules.c (compile_rule, and a split rule's branches when first run);
 * the interface is extractor/hints.h. Checked by tests/unit/test_reqlit.c (test_hints).
 */
#include "extractor/hints.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct fset {
	unsigned char ascii[16]; /* bit c: an ASCII character c may come first */
	int nonascii;            /* a character >= U+0080 may come first */
};

struct fscan {
	const char *p;
	int caseless;            /* the whole pattern is read as caseless when any of it may be */
	int failed;
};

static void fs_add(struct fset *f, unsigned c)
{
	f->ascii[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static int fs_has(const struct fset *f, unsigned c)
{
	return f->ascii[c >> 3] >> (c & 7) & 1;
}

static void fs_range(struct fset *f, unsigned lo, unsigned hi)
{
	for (unsigned c = lo; c <= hi && c < 128; c++)
		fs_add(f, c);
	if (hi >= 128)
		f->nonascii = 1;
}

static void fs_union(struct fset *f, const struct fset *g)
{
	for (int i = 0; i < 16; i++)
		f->ascii[i] |= g->ascii[i];
	f->nonascii |= g->nonascii;
}

static void fs_all(struct fset *f)
{
	memset(f->ascii, 0xFF, sizeof f->ascii);
	f->nonascii = 1;
}

/*
 * Caseless: both cases of every letter. The only ASCII letters with a case partner
 * beyond ASCII are k (the Kelvin sign), s (the long s) and i (the Turkish dotted and
 * dotless i, which PCRE2 does not fold; counted anyway): they add "beyond ASCII", and a
 * character beyond ASCII adds them.
 */
static void fs_fold(struct fset *f, int caseless)
{
	static const char partners[] = "iks";
	if (!caseless)
		return;
	for (unsigned c = 'a'; c <= 'z'; c++)
		if (fs_has(f, c) || fs_has(f, c - 32)) {
			fs_add(f, c);
			fs_add(f, c - 32);
			if (strchr(partners, (int)c))
				f->nonascii = 1;
		}
	if (f->nonascii)
		for (const char *q = partners; *q; q++)
			fs_add(f, (unsigned)*q), fs_add(f, (unsigned)(*q - 32));
}

/* \d \w \s \h \v \p{..} and their negations (u = the letter); 0 when not one of them. */
static int fs_class_escape(struct fscan *sc, char u, struct fset *f)
{
	struct fset pos;
	int neg = u >= 'A' && u <= 'Z';
	char l = (char)(neg ? u + 32 : u);
	memset(&pos, 0, sizeof pos);
	pos.nonascii = 1;
	switch (l) {
	case 'd':
		fs_range(&pos, '0', '9');
		break;
	case 'w':
		fs_range(&pos, '0', '9'), fs_range(&pos, 'a', 'z'), fs_range(&pos, 'A', 'Z'), fs_add(&pos, '_');
		break;
	case 's':
		fs_range(&pos, 9, 13), fs_add(&pos, ' ');
		break;
	case 'h':
		fs_add(&pos, 9), fs_add(&pos, ' ');
		break;
	case 'v':
		fs_range(&pos, 10, 13);
		break;
	case 'p':
		if (sc->p[0] == '{' && !strncmp(sc->p, "{Lu}", 4))
			fs_range(&pos, 'A', 'Z'), sc->p += 4;
		else if (sc->p[0] == '{' && !strncmp(sc->p, "{Ll}", 4))
			fs_range(&pos, 'a', 'z'), sc->p += 4;
		else if (sc->p[0] == '{' && (!strncmp(sc->p, "{L}", 3) || !strncmp(sc->p, "{L&}", 4)))
			fs_range(&pos, 'a', 'z'), fs_range(&pos, 'A', 'Z'), sc->p += sc->p[2] == '}' ? 3 : 4;
		else if (sc->p[0] == '{' && strchr(sc->p, '}'))
			fs_all(&pos), sc->p = strchr(sc->p, '}') + 1;
		else
			return sc->failed = 1, 1;
		if (neg)
			neg = 0, fs_all(&pos); /* \P{..}: anything */
		break;
	default:
		return 0;
	}
	if (neg) {
		for (int i = 0; i < 16; i++)
			pos.ascii[i] = (unsigned char)~pos.ascii[i];
		pos.nonascii = 1;
	}
	fs_union(f, &pos);
	return 1;
}

/* One character of a class or a literal after a backslash at sc->p; -1 = not a single char. */
static long fs_escaped_char(struct fscan *sc)
{
	char e = *sc->p++;
	switch (e) {
	case 't':
		return '\t';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 'f':
		return '\f';
	case 'e':
		return 27;
	case 'a':
		return 7;
	case 'x':
		if (*sc->p == '{') {
			char *end;
			long v = strtol(sc->p + 1, &end, 16);
			if (*end != '}')
				return -1;
			sc->p = end + 1;
			return v;
		} else {
			long v = 0;
			int k = 0;
			for (; k < 2 && strchr("0123456789abcdefABCDEF", *sc->p) && *sc->p; k++, sc->p++)
				v = v * 16 + (*sc->p <= '9' ? *sc->p - '0' : (*sc->p | 0x20) - 'a' + 10);
			return v;
		}
	default:
		if ((unsigned char)e >= 0x80)
			return 0x80; /* an escaped character beyond ASCII */
		if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9') || !e)
			return -1;
		return (unsigned char)e;
	}
}

/* Skips one UTF-8 character at sc->p; returns its code point (0x80 for any non-ASCII). */
static long fs_utf8(struct fscan *sc)
{
	unsigned char c = (unsigned char)*sc->p++;
	if (c < 0x80)
		return c;
	while (((unsigned char)*sc->p & 0xC0) == 0x80)
		sc->p++;
	return 0x80;
}

static void fs_class(struct fscan *sc, struct fset *f)
{
	struct fset pos;
	int neg = 0, first = 1;
	memset(&pos, 0, sizeof pos);
	if (*sc->p == '^')
		neg = 1, sc->p++;
	for (;;) {
		long lo, hi;
		if (!*sc->p || (sc->p[0] == '[' && sc->p[1] == ':')) {
			sc->failed = 1;
			return;
		}
		if (*sc->p == ']' && !first) {
			sc->p++;
			break;
		}
		first = 0;
		if (*sc->p == '\\') {
			char e = sc->p[1];
			if (!e) {
				sc->failed = 1;
				return;
			}
			sc->p += 2;
			if (fs_class_escape(sc, e, &pos)) {
				if (sc->failed)
					return;
				continue;
			}
			sc->p--;
			if (*sc->p == 'b')
				sc->p++, lo = 8;
			else if ((lo = fs_escaped_char(sc)) < 0) {
				sc->failed = 1;
				return;
			}
		} else {
			lo = fs_utf8(sc);
		}
		hi = lo;
		if (sc->p[0] == '-' && sc->p[1] && sc->p[1] != ']') {
			sc->p++;
			if (*sc->p == '\\') {
				sc->p++;
				if ((hi = fs_escaped_char(sc)) < 0) {
					sc->failed = 1;
					return;
				}
			} else {
				hi = fs_utf8(sc);
			}
			if (hi < lo) {
				sc->failed = 1;
				return;
			}
		}
		fs_range(&pos, (unsigned)lo, (unsigned)hi);
	}
	if (neg) { /* no folding before the complement: a superset either way */
		for (int i = 0; i < 16; i++)
			pos.ascii[i] = (unsigned char)~pos.ascii[i];
		pos.nonascii = 1;
	} else {
		fs_fold(&pos, sc->caseless);
	}
	fs_union(f, &pos);
}

static void fs_alt(struct fscan *sc, struct fset *f, int *nullable);

/* A quantifier after an atom: 1 when it allows zero repeats. */
static int fs_quant(struct fscan *sc)
{
	int zero = 0;
	if (*sc->p == '*' || *sc->p == '?') {
		zero = 1;
		sc->p++;
	} else if (*sc->p == '+') {
		sc->p++;
	} else if (*sc->p == '{') {
		const char *q = sc->p + 1;
		long min;
		char *end;
		if (!(*q >= '0' && *q <= '9'))
			return 0; /* a literal { is read by the caller as the next atom */
		min = strtol(q, &end, 10);
		q = end;
		if (*q == ',') {
			q++;
			while (*q >= '0' && *q <= '9')
				q++;
		}
		if (*q != '}')
			return 0;
		sc->p = q + 1;
		zero = min == 0;
	} else {
		return 0;
	}
	if (*sc->p == '?' || *sc->p == '+')
		sc->p++;
	return zero;
}

/*
 * Past the opening of a group at p (just after its '('): (?: (?> (?= (?! (?<= (?<! (?<name>
 * (?i: (?-i: or a plain (. *assertion: a lookaround; *option: an option setting (?i) or
 * (?-i), which the returned pointer is past the ')' of. NULL: not understood.
 */
static const char *fs_group_open(const char *p, int *assertion, int *option)
{
	*assertion = *option = 0;
	if (*p == '*')
		return NULL;
	if (*p != '?')
		return p;
	p++;
	if (*p == ':' || *p == '>' || *p == '=' || *p == '!') {
		*assertion = *p == '=' || *p == '!';
		return p + 1;
	}
	if (*p == '<' && (p[1] == '=' || p[1] == '!')) {
		*assertion = 1;
		return p + 2;
	}
	if (*p == '<' && ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') || p[1] == '_')) {
		p = strchr(p, '>');
		return p ? p + 1 : NULL;
	}
	if (*p == 'i' || *p == '-') { /* (?i) (?-i) (?i: (?-i: */
		const char *q = p + (*p == '-');
		if (*q != 'i' || (q[1] != ')' && q[1] != ':'))
			return NULL;
		*option = q[1] == ')';
		return q + 2;
	}
	return NULL;
}

/* A group at sc->p (just after its '('): 1 when a quantifier may follow it. */
static int fs_group(struct fscan *sc, struct fset *f, int *nullable)
{
	int assertion, option;
	const char *p = fs_group_open(sc->p, &assertion, &option);
	if (!p) {
		sc->failed = 1;
		return 0;
	}
	sc->p = p;
	if (option) {
		*nullable = 1; /* an option setting matches nothing */
		return 0;
	}
	fs_alt(sc, f, nullable);
	if (sc->failed || *sc->p != ')') {
		sc->failed = 1;
		return 0;
	}
	sc->p++;
	if (assertion) { /* consumes nothing: the next items decide */
		memset(f, 0, sizeof *f);
		*nullable = 1;
		(void)fs_quant(sc); /* a repeated lookaround is still nullable */
		return 0;
	}
	return 1;
}

/* An escape at p (a backslash) outside a class: 1 when a quantifier may follow it. */
static int fs_escape(struct fscan *sc, const char *p, struct fset *f, int *nullable)
{
	char e = p[1];
	long c;
	if (!e) {
		sc->failed = 1;
		return 0;
	}
	sc->p = p + 2;
	if (strchr("bBAzZG", e)) {
		*nullable = 1;
		return 0;
	}
	if (fs_class_escape(sc, e, f))
		return !sc->failed;
	if (e == 'N' || e == 'R' || e == 'X') {
		fs_all(f);
		return 1;
	}
	sc->p = p + 1;
	if ((c = fs_escaped_char(sc)) < 0) {
		sc->failed = 1;
		return 0;
	}
	fs_range(f, (unsigned)c, (unsigned)c);
	fs_fold(f, sc->caseless);
	return 1;
}

/* One atom and its quantifier: its first set into f, *nullable when it may match nothing. */
static void fs_item(struct fscan *sc, struct fset *f, int *nullable)
{
	const char *p = sc->p;
	int quantifiable = 1;
	memset(f, 0, sizeof *f);
	*nullable = 0;
	if (*p == '(') {
		sc->p = p + 1;
		quantifiable = fs_group(sc, f, nullable);
	} else if (*p == '[') {
		sc->p = p + 1;
		fs_class(sc, f);
		quantifiable = !sc->failed;
	} else if (*p == '\\') {
		quantifiable = fs_escape(sc, p, f, nullable);
	} else if (*p == '^' || *p == '$') {
		sc->p = p + 1;
		*nullable = 1;
		quantifiable = 0;
	} else if (*p == '.') {
		sc->p = p + 1;
		fs_all(f);
	} else {
		long c = fs_utf8(sc);
		fs_range(f, (unsigned)c, (unsigned)c);
		fs_fold(f, sc->caseless);
	}
	if (quantifiable && fs_quant(sc))
		*nullable = 1;
}

/* Alternatives up to a ')' or the end: the union of their first sets. */
static void fs_alt(struct fscan *sc, struct fset *f, int *nullable)
{
	memset(f, 0, sizeof *f);
	*nullable = 0;
	for (;;) {
		int seq_nullable = 1;
		while (!sc->failed && *sc->p && *sc->p != '|' && *sc->p != ')') {
			struct fset g;
			int n;
			fs_item(sc, &g, &n);
			if (seq_nullable)
				fs_union(f, &g);
			seq_nullable = seq_nullable && n;
		}
		if (sc->failed)
			return;
		if (seq_nullable)
			*nullable = 1;
		if (*sc->p != '|')
			return;
		sc->p++;
	}
}

char *hints_start(const char *pat, int case_sensitive)
{
	struct fscan sc = { pat, !case_sensitive || strstr(pat, "(?i") != NULL, 0 };
	struct fset f;
	struct mk_buf b;
	int nullable, n = 0;
	if (strstr(pat, "\\K") || strstr(pat, "\\Q") || strstr(pat, "(?x"))
		return NULL;
	fs_alt(&sc, &f, &nullable);
	if (sc.failed || *sc.p || nullable)
		return NULL;
	for (unsigned c = 0; c < 128; c++)
		n += fs_has(&f, c);
	if (n > 96)
		return NULL; /* nearly anything: no gain */
	mk_buf_init(&b);
	mk_buf_adds(&b, "(?-i:(?=[");
	for (unsigned c = 0; c < 128; c++) {
		unsigned e = c;
		if (!fs_has(&f, c))
			continue;
		while (e + 1 < 128 && fs_has(&f, e + 1))
			e++;
		mk_buf_addf(&b, e > c ? "\\x{%x}-\\x{%x}" : "\\x{%x}", c, e);
		c = e;
	}
	if (f.nonascii)
		mk_buf_adds(&b, "\\x{80}-\\x{10ffff}");
	mk_buf_adds(&b, "]))");
	return mk_buf_detach(&b);
}

static pcre2_code *compile_nojit(const char *pat, int case_sensitive, int *errcode, PCRE2_SIZE *erroff)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | PCRE2_DUPNAMES;
	if (!case_sensitive)
		opts |= PCRE2_CASELESS;
	return pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, errcode, erroff, NULL);
}

/* Does PCRE2 know where a match can start (a first code unit or a table of them)? */
static int has_start_info(const pcre2_code *code)
{
	uint32_t first = 0;
	const uint8_t *bitmap = NULL;
	pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &first);
	pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap);
	return first != 0 || bitmap != NULL;
}

pcre2_code *hints_compile(const char *pat, int case_sensitive, int jit, int *errcode, PCRE2_SIZE *erroff)
{
	pcre2_code *code = compile_nojit(pat, case_sensitive, errcode, erroff);
	char *hint;
	if (code && !has_start_info(code) && (hint = hints_start(pat, case_sensitive))) {
		char *hinted = mk_sprintf("%s%s", hint, pat);
		int ec;
		PCRE2_SIZE eo;
		pcre2_code *h = compile_nojit(hinted, case_sensitive, &ec, &eo);
		uint32_t first = 1;
		const uint8_t *bitmap = NULL;
		if (h) {
			pcre2_pattern_info(h, PCRE2_INFO_FIRSTCODETYPE, &first);
			pcre2_pattern_info(h, PCRE2_INFO_FIRSTBITMAP, &bitmap);
		}
		/* Only a table of first bytes: when PCRE2 10.42 takes a single first code unit
		 * from a lookahead it may also skip past it looking for the pattern's required
		 * code unit, and miss a match that starts there ((?=[A])a?a+ caseless misses
		 * "A"). */
		if (h && first == 0 && bitmap) {
			pcre2_code_free(code);
			code = h;
		} else {
			pcre2_code_free(h);
		}
		free(hinted);
		free(hint);
	}
	if (code && jit)
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	return code;
}

