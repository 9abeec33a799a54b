/*
 * rules.c: loads, expands, compiles and checks the rule files (rules/FORMAT.md).
 * Owns struct mk_rules and every pcre2_code in it. Does not interpret matches.
 * Patterns compile once per process: UTF, UCP and caseless (unless "flags: case"), with
 * a start hint when PCRE2 finds no first bytes itself, then JIT; a pattern that fails gets
 * "file:line: cannot compile pattern at offset N: msg". Every rule's needs: words are found
 * for a text in one pass that yields the rules which may match it (rules_scan_mask), with
 * the literals every match of a pattern holds (reqlit.h). A pattern that is one big
 * alternation is split into its branches (split_rule), each run only on a text holding
 * its literals and compiled when first run; the whole pattern's match is the leftmost of
 * theirs (match_units).
 */
#include "extractor/rules.h"
#include "extractor/reqlit.h"
#include "extractor/wordlist.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MACRO_DEPTH 16
#define MAX_PATTERN_BYTES (256u * 1024u)

static const char *const kind_names[RK_KIND_COUNT] = {
	"commitment", "veto", "request", "accept", "stakeholder", "risk", "update",
};

static const char *const group_names[RG_COUNT] = {
	"action", "owner", "name", "role", "item", "due",
};

static const char *const veto_tags[] = {
	"negation", "hedge", "question", "past", "generic", "capability", "hypothetical", "meeting", "design",
	"prediction", NULL,
};
static const char *const risk_tags[] = {
	"budget", "timeline", "competition", "paper_process", "stakeholder", "technical",
	"priority", "none", NULL,
};
static const char *const update_tags[] = { "done", "new_due", "blocked", "dropped", NULL };

const char *rules_kind_name(enum rule_kind k)
{
	return (unsigned)k < RK_KIND_COUNT ? kind_names[k] : "unknown";
}

static void free_units(struct rule *r)
{
	for (size_t i = 0; i < r->nunits; i++) {
		pcre2_code_free(r->units[i].code);
		pcre2_code_free(atomic_load(&r->units[i].jcode));
		free(r->units[i].pat);
		reqlit_free(r->units[i].lits, r->units[i].nlits);
		free(r->units[i].lit_ids);
	}
	free(r->units);
	r->units = NULL;
	r->nunits = 0;
}

static void rule_release(struct rule *r)
{
	free(r->id);
	free(r->tag);
	free(r->pattern);
	free(r->expanded);
	pcre2_code_free(r->code);
	free(r->file);
	for (size_t i = 0; i < r->nex; i++) {
		free(r->ex[i].text);
		free(r->ex[i].expect);
	}
	free(r->ex);
	for (size_t i = 0; i < r->nneeds; i++)
		free(r->needs[i]);
	free(r->needs);
	reqlit_free(r->lits, r->nlits);
	free(r->lit_ids);
	free(r->need_ids);
	free_units(r);
	memset(r, 0, sizeof *r);
}

void mk_rules_free(struct mk_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_release(&rs->r[i]);
	free(rs->r);
	for (size_t i = 0; i < rs->nm; i++) {
		free(rs->m[i].name);
		free(rs->m[i].value);
		free(rs->m[i].file);
	}
	free(rs->m);
	for (size_t i = 0; i < rs->nneedles; i++)
		free(rs->needles[i]);
	free(rs->needles);
	free(rs->needle_len);
	free(rs->needle_rules);
	free(rs->needle_head4);
	free(rs->needle_mask4);
	free(rs->no_needs);
	free(rs->needle_lits);
	free(rs->no_lits);
	for (int b = 0; b < 256; b++)
		free(rs->by_byte[b]);
	for (int b = 0; b < RULES_PAIR_BUCKETS; b++) {
		free(rs->by_pair[b]);
		free(rs->by_tri[b]);
	}
	wordlists_free(rs);
	free(rs->dir);
	free(rs);
}

size_t mk_rules_count(const struct mk_rules *rs)
{
	return rs ? rs->n : 0;
}

/* ---- parsing a file ---- */

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int is_macro_name(const char *s, size_t n)
{
	if (n == 0 || n > 64 || !(s[0] >= 'A' && s[0] <= 'Z'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

struct parse_state {
	struct mk_rules *rs;
	const char *file;
	struct rule *cur;
	char **cont;       /* the string a continuation line appends to */
	struct mk_diag *diag;
};

static struct rule *new_rule(struct parse_state *ps, const char *id, long line)
{
	struct mk_rules *rs = ps->rs;
	struct rule *r;
	rs->r = mk_grow(rs->r, &rs->cap, rs->n + 1, sizeof *rs->r);
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	r->id = mk_strdup(id);
	r->kind = RK_KIND_COUNT;
	r->confidence = 0.8;
	r->file = mk_strdup(ps->file);
	r->line = line;
	return r;
}

static void add_example(struct rule *r, const char *text, int must_match, long line)
{
	struct rule_example *e;
	const char *arrow = strstr(text, " => ");
	r->ex = mk_grow(r->ex, &r->capex, r->nex + 1, sizeof *r->ex);
	e = &r->ex[r->nex++];
	e->must_match = must_match;
	e->line = line;
	if (arrow && must_match) {
		e->text = mk_strndup(text, (size_t)(arrow - text));
		e->expect = mk_strdup(arrow + 4);
	} else {
		e->text = mk_strdup(text);
		e->expect = NULL;
	}
}

static enum mk_err finish_rule(struct parse_state *ps)
{
	struct rule *r = ps->cur;
	ps->cur = NULL;
	if (!r)
		return MK_OK;
	if (r->kind == RK_KIND_COUNT) {
		mk_diag_set(ps->diag, r->file, r->line, "rule '%s' has no kind", r->id);
		return MK_ERULE;
	}
	if (!r->pattern) {
		mk_diag_set(ps->diag, r->file, r->line, "rule '%s' has no pattern", r->id);
		return MK_ERULE;
	}
	if (r->kind == RK_VETO || r->kind == RK_RISK || r->kind == RK_UPDATE) {
		const char *const *list = r->kind == RK_VETO ? veto_tags :
					  r->kind == RK_RISK ? risk_tags : update_tags;
		const char *what = r->kind == RK_VETO ? "veto" :
				   r->kind == RK_RISK ? "category" : "change";
		if (!r->tag || !mk_in_list(r->tag, list)) {
			mk_diag_set(ps->diag, r->file, r->line, "rule '%s' needs a valid %s (got '%s')",
				    r->id, what, r->tag ? r->tag : "");
			return MK_ERULE;
		}
	}
	return MK_OK;
}

static enum mk_err parse_line(struct parse_state *ps, char *raw, long line)
{
	char *s, *colon, *key, *val;
	if ((raw[0] == ' ' || raw[0] == '\t') && ps->cont) {
		s = trim(raw);
		if (!*s || *s == '#')
			return MK_OK;
		size_t a = strlen(*ps->cont), b = strlen(s);
		if (a + b > MAX_PATTERN_BYTES) {
			mk_diag_set(ps->diag, ps->file, line, "pattern is longer than %u bytes",
				    MAX_PATTERN_BYTES);
			return MK_ERULE;
		}
		*ps->cont = mk_realloc(*ps->cont, a + b + 1);
		memcpy(*ps->cont + a, s, b + 1);
		return MK_OK;
	}
	s = trim(raw);
	if (!*s || *s == '#')
		return MK_OK;
	ps->cont = NULL;
	if (!strncmp(s, "define ", 7)) {
		char *name = trim(s + 7), *eq = strchr(name, '=');
		struct mk_rules *rs = ps->rs;
		if (!eq) {
			mk_diag_set(ps->diag, ps->file, line, "expected 'define NAME = pattern'");
			return MK_ERULE;
		}
		*eq = '\0';
		val = trim(eq + 1);
		name = trim(name);
		if (!is_macro_name(name, strlen(name))) {
			mk_diag_set(ps->diag, ps->file, line,
				    "macro name '%s' must be upper case letters, digits and _", name);
			return MK_ERULE;
		}
		for (size_t i = 0; i < rs->nm; i++)
			if (!strcmp(rs->m[i].name, name)) {
				mk_diag_set(ps->diag, ps->file, line,
					    "macro '%s' is already defined at %s:%ld", name,
					    rs->m[i].file, rs->m[i].line);
				return MK_ERULE;
			}
		rs->m = mk_grow(rs->m, &rs->capm, rs->nm + 1, sizeof *rs->m);
		rs->m[rs->nm].name = mk_strdup(name);
		rs->m[rs->nm].value = mk_strdup(val);
		rs->m[rs->nm].file = mk_strdup(ps->file);
		rs->m[rs->nm].line = line;
		ps->cont = &rs->m[rs->nm].value;
		rs->nm++;
		return MK_OK;
	}
	if (!strncmp(s, "rule ", 5) || !strcmp(s, "rule")) {
		enum mk_err err = finish_rule(ps);
		char *id = trim(s + 4);
		if (err)
			return err;
		if (!*id) {
			mk_diag_set(ps->diag, ps->file, line, "rule has no id");
			return MK_ERULE;
		}
		for (size_t i = 0; i < ps->rs->n; i++)
			if (!strcmp(ps->rs->r[i].id, id)) {
				mk_diag_set(ps->diag, ps->file, line, "rule '%s' is already defined at %s:%ld",
					    id, ps->rs->r[i].file, ps->rs->r[i].line);
				return MK_ERULE;
			}
		ps->cur = new_rule(ps, id, line);
		return MK_OK;
	}
	colon = strchr(s, ':');
	if (!colon) {
		mk_diag_set(ps->diag, ps->file, line, "expected 'key: value', 'rule ID' or 'define NAME = ...'");
		return MK_ERULE;
	}
	*colon = '\0';
	key = trim(s);
	val = trim(colon + 1);
	if (!ps->cur) {
		mk_diag_set(ps->diag, ps->file, line, "'%s' outside a rule", key);
		return MK_ERULE;
	}
	struct rule *r = ps->cur;
	if (!strcmp(key, "kind")) {
		int k;
		for (k = 0; k < RK_KIND_COUNT; k++)
			if (!strcmp(val, kind_names[k]))
				break;
		if (k == RK_KIND_COUNT) {
			mk_diag_set(ps->diag, ps->file, line, "unknown kind '%s'", val);
			return MK_ERULE;
		}
		r->kind = (enum rule_kind)k;
	} else if (!strcmp(key, "pattern")) {
		free(r->pattern);
		r->pattern = mk_strdup(val);
		r->pattern_line = line;
		ps->cont = &r->pattern;
	} else if (!strcmp(key, "confidence")) {
		char *end;
		double c = strtod(val, &end);
		if (end == val || *end || c < 0 || c > 1) {
			mk_diag_set(ps->diag, ps->file, line, "confidence '%s' is not a number from 0 to 1", val);
			return MK_ERULE;
		}
		r->confidence = c;
	} else if (!strcmp(key, "veto") || !strcmp(key, "category") || !strcmp(key, "change")) {
		free(r->tag);
		r->tag = mk_strdup(val);
	} else if (!strcmp(key, "needs")) {
		char *save = NULL, *w;
		for (w = strtok_r(val, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
			size_t n = strlen(w);
			if (!n) {
				mk_diag_set(ps->diag, ps->file, line, "empty word in needs");
				return MK_ERULE;
			}
			r->needs = mk_realloc(r->needs, (r->nneeds + 1) * sizeof *r->needs);
			r->needs[r->nneeds] = mk_malloc(n + 1);
			rules_lower(w, n, r->needs[r->nneeds]);
			r->nneeds++;
		}
	} else if (!strcmp(key, "scope")) {
		if (strcmp(val, "sentence") && strcmp(val, "near") && strcmp(val, "head") && strcmp(val, "clause")) {
			mk_diag_set(ps->diag, ps->file, line, "scope '%s' is not 'sentence', 'clause', 'near' or 'head'", val);
			return MK_ERULE;
		}
		r->scope_sentence = !strcmp(val, "sentence") ? 1 : !strcmp(val, "head") ? 2 : !strcmp(val, "clause") ? 3 : 0;
	} else if (!strcmp(key, "context")) {
		if (strcmp(val, "reply") && strcmp(val, "offer") && strcmp(val, "any")) {
			mk_diag_set(ps->diag, ps->file, line, "context '%s' is not 'reply', 'offer' or 'any'", val);
			return MK_ERULE;
		}
		r->context = !strcmp(val, "reply") ? RULE_CTX_REPLY : !strcmp(val, "offer") ? RULE_CTX_OFFER : RULE_CTX_ANY;
	} else if (!strcmp(key, "flags")) {
		if (!strcmp(val, "case")) {
			r->case_sensitive = 1;
		} else {
			mk_diag_set(ps->diag, ps->file, line, "unknown flags '%s'", val);
			return MK_ERULE;
		}
	} else if (!strcmp(key, "example")) {
		add_example(r, val, 1, line);
	} else if (!strcmp(key, "counter")) {
		add_example(r, val, 0, line);
	} else {
		mk_diag_set(ps->diag, ps->file, line, "unknown key '%s'", key);
		return MK_ERULE;
	}
	return MK_OK;
}

static enum mk_err parse_file(struct mk_rules *rs, const char *path, struct mk_diag *diag)
{
	FILE *f = fopen(path, "rb");
	struct parse_state ps = { rs, path, NULL, NULL, diag };
	struct mk_buf line;
	enum mk_err err = MK_OK;
	long lineno = 0, total = 0;
	int c;
	if (!f) {
		mk_diag_set(diag, path, 0, "cannot open rules file: %s", strerror(errno));
		return MK_EIO;
	}
	mk_buf_init(&line);
	for (;;) {
		mk_buf_reset(&line);
		c = EOF;
		while ((c = fgetc(f)) != EOF && c != '\n') {
			if (++total > (long)MK_MAX_RULES_FILE_BYTES) {
				mk_diag_set(diag, path, lineno + 1, "rules file is larger than %u bytes",
					    MK_MAX_RULES_FILE_BYTES);
				err = MK_ETOOBIG;
				goto out;
			}
			mk_buf_addc(&line, (char)c);
		}
		if (c == EOF && line.len == 0)
			break;
		lineno++;
		if (!line.s)
			mk_buf_adds(&line, "");
		if (!mk_utf8_valid(line.s, line.len, NULL) || memchr(line.s, '\0', line.len)) {
			mk_diag_set(diag, path, lineno, "invalid UTF-8");
			err = MK_EUTF8;
			goto out;
		}
		err = parse_line(&ps, line.s, lineno);
		if (err)
			goto out;
		if (c == EOF)
			break;
	}
	err = finish_rule(&ps);
out:
	mk_buf_release(&line);
	fclose(f);
	return err;
}

/* ---- macros and compilation ---- */

static const struct rule_macro *find_macro(const struct mk_rules *rs, const char *s, size_t n)
{
	for (size_t i = 0; i < rs->nm; i++)
		if (strlen(rs->m[i].name) == n && !memcmp(rs->m[i].name, s, n))
			return &rs->m[i];
	return NULL;
}

static enum mk_err expand(const struct mk_rules *rs, const char *src, struct mk_buf *out, int depth,
			  const char *file, long line, struct mk_diag *diag)
{
	if (depth > MACRO_DEPTH) {
		mk_diag_set(diag, file, line, "macros nest deeper than %d (a macro uses itself?)",
			    MACRO_DEPTH);
		return MK_ERULE;
	}
	for (const char *p = src; *p;) {
		if (*p == '\\' && p[1]) { /* an escape: \{, or \p{Lu} and \x{..} kept whole */
			size_t n = 2;
			if (p[2] == '{' && strchr("pPxgkN", p[1])) {
				const char *e = strchr(p + 2, '}');
				if (e)
					n = (size_t)(e - p) + 1;
			}
			mk_buf_add(out, p, n);
			p += n;
			continue;
		}
		if (*p == '{') {
			const char *e = strchr(p + 1, '}');
			if (e && is_macro_name(p + 1, (size_t)(e - p - 1))) {
				const struct rule_macro *m = find_macro(rs, p + 1, (size_t)(e - p - 1));
				enum mk_err err;
				if (!m) {
					mk_diag_set(diag, file, line, "unknown macro {%.*s}",
						    (int)(e - p - 1), p + 1);
					return MK_ERULE;
				}
				mk_buf_adds(out, "(?:");
				err = expand(rs, m->value, out, depth + 1, file, line, diag);
				if (err)
					return err;
				mk_buf_adds(out, ")");
				if (out->len > MAX_PATTERN_BYTES) {
					mk_diag_set(diag, file, line, "expanded pattern is longer than %u bytes",
						    MAX_PATTERN_BYTES);
					return MK_ERULE;
				}
				p = e + 1;
				continue;
			}
		}
		mk_buf_addc(out, *p++);
	}
	return MK_OK;
}

/* ---- where a match can start ----
 *
 * Many patterns open with a name ({NAME}: \b(?=\p{Lu})(?!...)\p{Lu}...), which PCRE2 cannot
 * turn into a table of first bytes, so it tries every position of a sentence. A small
 * reader of the expanded pattern works out the set of characters every match must start
 * with (or gives up: "unknown"); compile() then puts (?-i:(?=[set])) in front, which
 * PCRE2 does turn into a table, skipping the other positions at once. The set is always a
 * superset of the true one (anything not understood widens it or gives up), and a
 * lookahead consumes nothing, so the matches are the same. Checked on random patterns and
 * subjects (64,000 patterns given a hint, 19 million subjects): no difference with PCRE2's
 * interpreter but where the plain pattern ran out of PCRE2's match limit at a position the
 * hint skips; with JIT, a few odd constructs (captures in possessive repeats of empty
 * groups, an atomic group whose first alternative is empty) differ because PCRE2's JIT
 * and interpreter differ there, not the hint. The shipped rules give the same findings.
 */
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

/* One atom and its quantifier: its first set into f, *nullable when it may match nothing. */
static void fs_item(struct fscan *sc, struct fset *f, int *nullable)
{
	const char *p = sc->p;
	memset(f, 0, sizeof *f);
	*nullable = 0;
	if (*p == '(') {
		int assertion = 0;
		p++;
		if (*p == '*') {
			sc->failed = 1;
			return;
		}
		if (*p == '?') {
			p++;
			if (*p == ':' || *p == '>' || *p == '=' || *p == '!') {
				assertion = *p == '=' || *p == '!';
				p++;
			} else if (*p == '<' && (p[1] == '=' || p[1] == '!')) {
				assertion = 1;
				p += 2;
			} else if (*p == '<' && ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') || p[1] == '_')) {
				p = strchr(p, '>');
				if (!p) {
					sc->failed = 1;
					return;
				}
				p++;
			} else if (*p == 'i' || *p == '-') { /* (?i) (?-i) (?i: (?-i: */
				const char *q = p + (*p == '-');
				if (*q != 'i' || (q[1] != ')' && q[1] != ':')) {
					sc->failed = 1;
					return;
				}
				if (q[1] == ')') {
					sc->p = q + 2;
					*nullable = 1; /* an option setting matches nothing */
					return;
				}
				p = q + 2;
			} else {
				sc->failed = 1;
				return;
			}
		}
		sc->p = p;
		fs_alt(sc, f, nullable);
		if (sc->failed || *sc->p != ')') {
			sc->failed = 1;
			return;
		}
		sc->p++;
		if (assertion) { /* consumes nothing: the next items decide */
			memset(f, 0, sizeof *f);
			*nullable = 1;
			if (fs_quant(sc))
				*nullable = 1;
			return;
		}
	} else if (*p == '[') {
		sc->p = p + 1;
		fs_class(sc, f);
		if (sc->failed)
			return;
	} else if (*p == '\\') {
		char e = p[1];
		if (!e) {
			sc->failed = 1;
			return;
		}
		sc->p = p + 2;
		if (strchr("bBAzZG", e)) {
			*nullable = 1;
			return;
		}
		if (fs_class_escape(sc, e, f)) {
			if (sc->failed)
				return;
		} else if (e == 'N' || e == 'R' || e == 'X') {
			fs_all(f);
		} else {
			long c;
			sc->p = p + 1;
			if ((c = fs_escaped_char(sc)) < 0) {
				sc->failed = 1;
				return;
			}
			fs_range(f, (unsigned)c, (unsigned)c);
			fs_fold(f, sc->caseless);
		}
	} else if (*p == '^' || *p == '$') {
		sc->p = p + 1;
		*nullable = 1;
		return;
	} else if (*p == '.') {
		sc->p = p + 1;
		fs_all(f);
	} else {
		long c = fs_utf8(sc);
		fs_range(f, (unsigned)c, (unsigned)c);
		fs_fold(f, sc->caseless);
	}
	if (fs_quant(sc))
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

/* The lookahead to put in front of pat, or NULL when nothing useful is known. */
static char *start_hint(const char *pat, int case_sensitive)
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

/* Compiles pat, with a start hint in front when PCRE2 finds none itself, then JIT. */
static pcre2_code *compile(const char *pat, int case_sensitive, int jit, int *errcode, PCRE2_SIZE *erroff)
{
	pcre2_code *code = compile_nojit(pat, case_sensitive, errcode, erroff);
	char *hint;
	if (code && !has_start_info(code) && (hint = start_hint(pat, case_sensitive))) {
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

/* Group numbers per field of code (the first four of a name); 1 when a name has more. */
static int resolve_groups(const pcre2_code *code, int group[RG_COUNT][4], int *ngroup)
{
	int more = 0;
	for (int g = 0; g < RG_COUNT; g++) {
		PCRE2_SPTR first, last;
		uint32_t entry = 0;
		int rc = pcre2_substring_nametable_scan(code, (PCRE2_SPTR)group_names[g], &first, &last);
		pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
		ngroup[g] = 0;
		if (rc <= 0 || !entry)
			continue;
		for (PCRE2_SPTR e = first; e <= last && ngroup[g] < 4; e += entry)
			group[g][ngroup[g]++] = (e[0] << 8) | e[1];
		more |= last > first + 3 * entry;
	}
	return more;
}

#define UNITS_MAX 64
/*
 * A rule whose pattern is one big alternation (\b(?:A|B|...)) runs branch by branch,
 * each only on a text that holds one of its literals (reqlit.h): PCRE2 tries every
 * branch at every word of a sentence, most of the time of a big risk rule. Only when
 * at most one branch has no literals (it runs on every text); otherwise the rule stays whole.
 */
static void split_rule(struct rule *r)
{
	size_t n = 0, bare = 0;
	char **pats = reqlit_split(r->expanded, &n);
	if (!pats)
		return;
	if (n > UNITS_MAX)
		goto out;
	{ /* a long rest after the alternation, copied into every branch, costs more than it gains */
		size_t sum = 0, whole = strlen(r->expanded);
		for (size_t i = 0; i < n; i++)
			sum += strlen(pats[i]);
		if (sum > whole + whole / 4)
			goto out;
	}
	r->units = mk_calloc(n, sizeof *r->units);
	r->nunits = n;
	for (size_t i = 0; i < n; i++) {
		struct rule_unit *u = &r->units[i];
		u->lits = reqlit_find(pats[i], &u->nlits);
		bare += !u->nlits;
	}
	if (bare > 1) {
		free_units(r);
		goto out;
	}
	for (size_t i = 0; i < n; i++) { /* compiled when first run */
		r->units[i].pat = pats[i];
		pats[i] = NULL;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(pats[i]);
	free(pats);
}

static enum mk_err compile_rule(const struct mk_rules *rs, struct rule *r, struct mk_diag *diag)
{
	struct mk_buf b;
	enum mk_err err;
	int ec;
	PCRE2_SIZE off;
	mk_buf_init(&b);
	err = expand(rs, r->pattern, &b, 0, r->file, r->pattern_line, diag);
	if (err)
		goto out;
	r->expanded = mk_buf_detach(&b);
	r->lits = reqlit_find(r->expanded, &r->nlits);
	r->code = compile(r->expanded, r->case_sensitive, 0, &ec, &off);
	if (!r->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		mk_diag_set(diag, r->file, r->pattern_line, "cannot compile pattern at offset %zu: %s",
			    (size_t)off, (const char *)msg);
		err = MK_ERULE;
		goto out;
	}
	if (!resolve_groups(r->code, r->group, r->ngroup)) /* else a branch would see a fifth group */
		split_rule(r);
	if (!r->units)
		pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	{
		size_t jit = 0;
		pcre2_pattern_info(r->code, PCRE2_INFO_JITSIZE, &jit);
		r->jit = jit > 0;
	}
out:
	mk_buf_release(&b);
	return err;
}

static int by_kind(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	/* keep load order within a kind: file then line */
	int c = strcmp(x->file, y->file);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static size_t pair_bucket(unsigned char a, unsigned char b)
{
	return ((size_t)a * 31u + b) % RULES_PAIR_BUCKETS;
}

/* The first three bytes of a needle (or a text position), as 16 bits. */
static unsigned tri_hash(uint32_t three)
{
	return (three * 2654435761u) >> 16;
}

/* Needles by their text while they are indexed: an open-addressing table of ids + 1. */
struct needle_table {
	size_t *slot;
	size_t cap;
};

static size_t needle_hash(const char *w)
{
	size_t h = 1469598103934665603ull;
	for (; *w; w++)
		h = (h ^ (unsigned char)*w) * 1099511628211ull;
	return h;
}

/* The index of needle w (lower case), added when new. */
static size_t needle_id(struct mk_rules *rs, struct needle_table *t, const char *word, size_t *cap)
{
	const unsigned char *w = (const unsigned char *)word;
	size_t j, lcap = *cap, at;
	if (2 * (rs->nneedles + 1) > t->cap) { /* grow: at most half full */
		size_t ncap = t->cap ? 2 * t->cap : 1024, *ns = mk_calloc(ncap, sizeof *ns);
		for (size_t i = 0; i < t->cap; i++)
			if (t->slot[i]) {
				size_t k = needle_hash(rs->needles[t->slot[i] - 1]) & (ncap - 1);
				while (ns[k])
					k = (k + 1) & (ncap - 1);
				ns[k] = t->slot[i];
			}
		free(t->slot);
		t->slot = ns;
		t->cap = ncap;
	}
	for (at = needle_hash(word) & (t->cap - 1); t->slot[at]; at = (at + 1) & (t->cap - 1))
		if (!strcmp(rs->needles[t->slot[at] - 1], word))
			return t->slot[at] - 1;
	j = rs->nneedles;
	t->slot[at] = j + 1;
	rs->needles = mk_grow(rs->needles, cap, j + 1, sizeof *rs->needles);
	rs->needle_len = mk_grow(rs->needle_len, &lcap, j + 1, sizeof *rs->needle_len);
	rs->needles[j] = mk_strdup(word);
	rs->needle_len[j] = strlen(word);
	rs->nneedles++;
	if (!w[1]) {
		rs->by_byte[w[0]] = mk_realloc(rs->by_byte[w[0]], (rs->nby_byte[w[0]] + 1) * sizeof **rs->by_byte);
		rs->by_byte[w[0]][rs->nby_byte[w[0]]++] = j;
		rs->any_byte_needle = 1;
	} else if (!w[2]) {
		unsigned pair = (unsigned)w[0] << 8 | w[1];
		size_t h = pair_bucket(w[0], w[1]);
		rs->by_pair[h] = mk_realloc(rs->by_pair[h], (rs->nby_pair[h] + 1) * sizeof **rs->by_pair);
		rs->by_pair[h][rs->nby_pair[h]++] = j;
		rs->pair_bits[pair >> 3] |= (unsigned char)(1u << (pair & 7));
	} else {
		unsigned h = tri_hash((uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16);
		size_t b = h % RULES_PAIR_BUCKETS;
		rs->by_tri[b] = mk_realloc(rs->by_tri[b], (rs->nby_tri[b] + 1) * sizeof **rs->by_tri);
		rs->by_tri[b][rs->nby_tri[b]++] = j;
		rs->tri_bits[h >> 3] |= (unsigned char)(1u << (h & 7));
	}
	if (w[1]) {
		unsigned pair = (unsigned)w[0] << 8 | w[1];
		rs->start_bits[pair >> 3] |= (unsigned char)(1u << (pair & 7));
	}
	return j;
}

/* Gives every distinct needs: word and pattern literal an index, and lists them by their
 * first byte(s). */
static void index_needles(struct mk_rules *rs)
{
	size_t cap = 0, bits = rs->n;
	struct needle_table nt = { NULL, 0 };
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];
		if (r->nneeds) {
			r->need_ids = mk_malloc(r->nneeds * sizeof *r->need_ids);
			for (size_t k = 0; k < r->nneeds; k++)
				r->need_ids[k] = needle_id(rs, &nt, r->needs[k], &cap);
		}
		if (r->nlits) {
			r->lit_ids = mk_malloc(r->nlits * sizeof *r->lit_ids);
			for (size_t k = 0; k < r->nlits; k++)
				r->lit_ids[k] = needle_id(rs, &nt, r->lits[k], &cap);
		}
	}
	for (size_t i = 0; i < rs->n; i++) /* the units' bits follow the rules' */
		for (size_t k = 0; k < rs->r[i].nunits; k++) {
			struct rule_unit *u = &rs->r[i].units[k];
			u->bit = bits++;
			u->lit_ids = u->nlits ? mk_malloc(u->nlits * sizeof *u->lit_ids) : NULL;
			for (size_t l = 0; l < u->nlits; l++)
				u->lit_ids[l] = needle_id(rs, &nt, u->lits[l], &cap);
		}
	free(nt.slot);
	rs->maskw = (bits + 63) / 64 ? (bits + 63) / 64 : 1;
	rs->needle_rules = mk_calloc(rs->nneedles ? rs->nneedles * rs->maskw : 1, sizeof *rs->needle_rules);
	rs->needle_lits = mk_calloc(rs->nneedles ? rs->nneedles * rs->maskw : 1, sizeof *rs->needle_lits);
	rs->no_needs = mk_calloc(rs->maskw, sizeof *rs->no_needs);
	rs->no_lits = mk_calloc(rs->maskw, sizeof *rs->no_lits);
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];
		if (!r->nneeds)
			rs->no_needs[i / 64] |= 1ull << (i % 64);
		if (!r->nlits)
			rs->no_lits[i / 64] |= 1ull << (i % 64);
		for (size_t k = 0; k < r->nneeds; k++)
			rs->needle_rules[r->need_ids[k] * rs->maskw + i / 64] |= 1ull << (i % 64);
		for (size_t k = 0; k < r->nlits; k++)
			rs->needle_lits[r->lit_ids[k] * rs->maskw + i / 64] |= 1ull << (i % 64);
		for (size_t k = 0; k < r->nunits; k++) { /* a unit has no needs: of its own */
			const struct rule_unit *u = &r->units[k];
			rs->no_needs[u->bit / 64] |= 1ull << (u->bit % 64);
			if (!u->nlits)
				rs->no_lits[u->bit / 64] |= 1ull << (u->bit % 64);
			for (size_t l = 0; l < u->nlits; l++)
				rs->needle_lits[u->lit_ids[l] * rs->maskw + u->bit / 64] |= 1ull << (u->bit % 64);
		}
	}
	rs->needle_head4 = mk_calloc(rs->nneedles + 1, sizeof *rs->needle_head4);
	rs->needle_mask4 = mk_calloc(rs->nneedles + 1, sizeof *rs->needle_mask4);
	for (size_t j = 0; j < rs->nneedles; j++) { /* the first (up to) four bytes, to compare at once */
		size_t n = rs->needle_len[j] < 4 ? rs->needle_len[j] : 4;
		memcpy(&rs->needle_head4[j], rs->needles[j], n);
		memset(&rs->needle_mask4[j], 0xFF, n);
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The JIT compiler frees its work memory in many pieces, and glibc hands each piece at the
 * heap's top back to the kernel at once: some 3,500 brk calls per load, most of its time on
 * a virtual machine, and more of them while extracting. Freed memory is kept instead (up
 * to 64 MiB, the heap only grows to what a process uses at its peak anyway).
 */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
	static int done;
	if (!done) {
		done = 1;
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
	}
#endif
}

enum mk_err mk_rules_load(struct mk_rules **out, const char *dir, struct mk_diag *diag)
{
	struct mk_rules *rs = mk_calloc(1, sizeof *rs);
	enum mk_err err = MK_OK;
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, capn = 0;
	keep_freed_memory();
	*out = NULL;
	rs->dir = mk_strdup(dir);
	if (!d) {
		mk_diag_set(diag, dir, 0, "cannot open rules folder: %s", strerror(errno));
		err = MK_EIO;
		goto out;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 6 && !strcmp(de->d_name + l - 6, ".rules") && de->d_name[0] != '.') {
			names = mk_grow(names, &capn, nn + 1, sizeof *names);
			names[nn++] = mk_sprintf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	if (!nn) {
		mk_diag_set(diag, dir, 0, "no .rules files in the rules folder");
		err = MK_ERULE;
		goto out;
	}
	qsort(names, nn, sizeof *names, name_cmp);
	for (size_t i = 0; i < nn; i++) {
		err = parse_file(rs, names[i], diag);
		if (err)
			goto out;
	}
	if (!rs->n) { /* empty files: extraction would find nothing, silently */
		mk_diag_set(diag, dir, 0, "the .rules files in the rules folder hold no rule");
		err = MK_ERULE;
		goto out;
	}
	for (size_t i = 0; i < rs->n; i++) {
		err = compile_rule(rs, &rs->r[i], diag);
		if (err)
			goto out;
	}
	err = wordlists_load_dir(rs, dir, diag);
	if (err)
		goto out;
	qsort(rs->r, rs->n, sizeof *rs->r, by_kind);
	index_needles(rs);
	for (size_t i = rs->n; i-- > 0;) {
		rs->by_kind_start[rs->r[i].kind] = i;
		rs->by_kind_n[rs->r[i].kind]++;
	}
	*out = rs;
	rs = NULL;
out:
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	mk_rules_free(rs);
	return err;
}

/* ---- matching ---- */

pcre2_match_data *rules_match_data(const struct mk_rules *rs)
{
	uint32_t max = 1;
	for (size_t i = 0; i < rs->n; i++) {
		uint32_t c = 0;
		pcre2_pattern_info(rs->r[i].code, PCRE2_INFO_CAPTURECOUNT, &c);
		if (c + 1 > max)
			max = c + 1;
	}
	return pcre2_match_data_create(max, NULL);
}

/* A match (rc from PCRE2) into m: its span and the first set group of each field. */
static int fill_match(const struct rule *r, const int group[RG_COUNT][4], const int *ngroup, int rc,
		      pcre2_match_data *md, struct rule_match *m)
{
	PCRE2_SIZE *ov;
	if (rc <= 0)
		return 0;
	ov = pcre2_get_ovector_pointer(md);
	m->rule = r;
	m->start = ov[0];
	m->end = ov[1];
	for (int g = 0; g < RG_COUNT; g++) {
		m->gs[g] = m->ge[g] = -1;
		for (int k = 0; k < ngroup[g]; k++) {
			int n = group[g][k];
			if (n > 0 && n < rc && ov[2 * n] != PCRE2_UNSET) {
				m->gs[g] = (long)ov[2 * n];
				m->ge[g] = (long)ov[2 * n + 1];
				break;
			}
		}
	}
	return 1;
}

static int run_rule(const struct rule *r, const char *text, size_t len, size_t off,
		    pcre2_match_data *md, struct rule_match *m)
{
	/* the JIT entry point skips pcre2_match's checks: the text is valid UTF-8 already */
	int rc = r->jit ? pcre2_jit_match(r->code, (PCRE2_SPTR)text, len, off, 0, md, NULL) :
			  pcre2_match(r->code, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, NULL);
	return fill_match(r, (const int (*)[4])r->group, r->ngroup, rc, md, m);
}


/*
 * Unit u of r, compiled: on its first run (most branches of the big rules never run in a
 * call), for the interpreter; after UNIT_HOT runs also for the JIT (a JIT compile costs
 * as much as some hundred runs of a small pattern). The rules are shared read-only
 * between threads: one compiles under the lock, the others wait for it; a code, once
 * published, never changes. 0 when the branch does not compile alone: the caller runs
 * the whole pattern instead.
 */
#define UNIT_HOT 16
static pthread_mutex_t unit_lock = PTHREAD_MUTEX_INITIALIZER;

static int unit_ready(const struct rule *r, const struct rule_unit *cu)
{
	struct rule_unit *u = (struct rule_unit *)cu; /* lazily filled, the rest stays read-only */
	int ready = atomic_load_explicit(&u->ready, memory_order_acquire);
	if (ready)
		return ready > 0;
	pthread_mutex_lock(&unit_lock);
	ready = atomic_load_explicit(&u->ready, memory_order_relaxed);
	if (!ready) {
		int ec;
		PCRE2_SIZE off;
		u->code = compile(u->pat, r->case_sensitive, 0, &ec, &off);
		if (u->code)
			(void)resolve_groups(u->code, u->group, u->ngroup);
		ready = u->code ? 1 : -1;
		atomic_store_explicit(&u->ready, ready, memory_order_release);
	}
	pthread_mutex_unlock(&unit_lock);
	return ready > 0;
}

/* The code to run unit u with (unit_ready said yes): JIT-compiled once it is hot. */
static const pcre2_code *unit_code(const struct rule *r, const struct rule_unit *cu, int *jit)
{
	struct rule_unit *u = (struct rule_unit *)cu;
	pcre2_code *j = atomic_load_explicit(&u->jcode, memory_order_acquire);
	*jit = 1;
	if (j)
		return j;
	*jit = 0;
	if (atomic_fetch_add_explicit(&u->runs, 1, memory_order_relaxed) == UNIT_HOT) {
		int ec;
		PCRE2_SIZE off;
		size_t size = 0;
		pcre2_code *c = compile(u->pat, r->case_sensitive, 1, &ec, &off);
		if (c)
			pcre2_pattern_info(c, PCRE2_INFO_JITSIZE, &size);
		if (size) {
			atomic_store_explicit(&u->jcode, c, memory_order_release);
			*jit = 1;
			return c;
		}
		pcre2_code_free(c);
	}
	return u->code;
}

/* The same for one unit of a split rule. */
static int run_unit(const struct rule *r, const struct rule_unit *u, const char *text, size_t len, size_t off,
		    pcre2_match_data *md, struct rule_match *m)
{
	int jit;
	const pcre2_code *code = unit_code(r, u, &jit);
	int rc = jit ? pcre2_jit_match(code, (PCRE2_SPTR)text, len, off, 0, md, NULL) :
		       pcre2_match(code, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, NULL);
	return fill_match(r, (const int (*)[4])u->group, u->ngroup, rc, md, m);
}

void rules_lower(const char *s, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[n] = '\0';
}

/* Needle id occurs: the rules that need it may match, and so may those whose pattern
 * literals hold it (lm: LITS_MASKW words at most, NULL past that). */
#define LITS_MASKW 64
static void scan_hit(const struct mk_rules *rs, unsigned char *hit, uint64_t *may, uint64_t *lm, size_t id)
{
	hit[id] = 1;
	for (size_t w = 0; w < rs->maskw; w++)
		may[w] |= rs->needle_rules[id * rs->maskw + w];
	if (lm)
		for (size_t w = 0; w < rs->maskw; w++)
			lm[w] |= rs->needle_lits[id * rs->maskw + w];
}

/* Does s hold a character that a caseless ASCII letter matches beyond ASCII (U+212A KELVIN
 * SIGN: k, U+017F LONG S: s)? Then the pattern literals, compared ASCII-caseless, say nothing. */
static int has_odd_fold(const char *s, size_t len)
{
	for (const char *p = s; (p = memchr(p, 0xE2, len - (size_t)(p - s))) && len - (size_t)(p - s) >= 3; p++)
		if ((unsigned char)p[1] == 0x84 && (unsigned char)p[2] == 0xAA)
			return 1;
	for (const char *p = s; (p = memchr(p, 0xC5, len - (size_t)(p - s))) && len - (size_t)(p - s) >= 2; p++)
		if ((unsigned char)p[1] == 0xBF)
			return 1;
	return 0;
}

void rules_scan_mask(const struct mk_rules *rs, unsigned char *hit, uint64_t *may, const char *lower,
		     size_t len)
{
	const unsigned char *s = (const unsigned char *)lower;
	uint64_t lmask[LITS_MASKW], *lm = rs->maskw <= LITS_MASKW && !has_odd_fold(lower, len) ? lmask : NULL;
	memcpy(may, rs->no_needs, rs->maskw * sizeof *may);
	if (lm)
		memcpy(lm, rs->no_lits, rs->maskw * sizeof *lm);
	memset(hit, 0, rs->nneedles + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char b = s[i];
		unsigned pair;
		if (rs->any_byte_needle)
			for (size_t k = 0; k < rs->nby_byte[b]; k++)
				if (!hit[rs->by_byte[b][k]])
					scan_hit(rs, hit, may, lm, rs->by_byte[b][k]);
		if (i + 1 >= len)
			break;
		pair = (unsigned)b << 8 | s[i + 1];
		if (!(rs->start_bits[pair >> 3] >> (pair & 7) & 1))
			continue; /* no needle starts with these two bytes: most positions */
		if (rs->pair_bits[pair >> 3] >> (pair & 7) & 1) { /* two-byte needles */
			size_t h = pair_bucket(b, s[i + 1]);
			for (size_t k = 0; k < rs->nby_pair[h]; k++) {
				size_t id = rs->by_pair[h][k];
				const unsigned char *nd = (const unsigned char *)rs->needles[id];
				if (!hit[id] && nd[0] == b && nd[1] == s[i + 1])
					scan_hit(rs, hit, may, lm, id);
			}
		}
		if (i + 2 >= len)
			continue;
		{ /* longer needles, by their first three bytes */
			uint32_t at = (uint32_t)b | (uint32_t)s[i + 1] << 8 | (uint32_t)s[i + 2] << 16;
			unsigned h = tri_hash(at);
			if (!(rs->tri_bits[h >> 3] >> (h & 7) & 1))
				continue;
			if (len - i >= 4)
				at |= (uint32_t)s[i + 3] << 24;
			for (size_t k = 0, bk = h % RULES_PAIR_BUCKETS; k < rs->nby_tri[bk]; k++) {
				size_t id = rs->by_tri[bk][k], n = rs->needle_len[id], j;
				const unsigned char *nd = (const unsigned char *)rs->needles[id];
				if (hit[id] || (at & rs->needle_mask4[id]) != rs->needle_head4[id] || n > len - i)
					continue;
				for (j = 4; j < n && nd[j] == s[i + j]; j++)
					;
				if (j >= n)
					scan_hit(rs, hit, may, lm, id);
			}
		}
	}
	if (lm)
		for (size_t w = 0; w < rs->maskw; w++)
			may[w] &= lm[w];
}

void rules_scan_text(const struct mk_rules *rs, struct rules_scan *sc, const char *lower, size_t len)
{
	sc->lower = lower;
	sc->len = len;
	if (sc->cap < rs->nneedles + 1) {
		sc->cap = rs->nneedles + 1;
		sc->hit = mk_realloc(sc->hit, sc->cap);
	}
	if (sc->capmay < rs->maskw) {
		sc->capmay = rs->maskw;
		sc->may = mk_realloc(sc->may, sc->capmay * sizeof *sc->may);
	}
	rules_scan_mask(rs, sc->hit, sc->may, lower, len);
}

void rules_scan_release(struct rules_scan *sc)
{
	if (!sc)
		return;
	free(sc->hit);
	free(sc->may);
	memset(sc, 0, sizeof *sc);
}

/* Does the text hold one of the rule's needs: words? */
static int has_needs(const struct mk_rules *rs, const struct rule *r, const struct rules_scan *sc)
{
	return rules_may_match(rs, r, sc ? sc->may : NULL);
}

static size_t match_whole(const struct rule *r, const char *text, size_t len, pcre2_match_data *md,
			  rules_match_fn fn, void *ctx, int *stopped);

/* Past a match that ended at end, searched for from off: where the next search starts. */
static size_t next_off(const char *text, size_t len, size_t off, size_t end)
{
	if (end > off)
		return end;
	off++;
	while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
		off++;
	return off;
}

/*
 * A split rule: each allowed unit's leftmost match from off is kept; the leftmost of
 * them (the lowest unit among those starting there) is the whole pattern's match, as
 * PCRE2 tries the branches in order at each start. A unit's match that starts at or past
 * the next off is still its leftmost from there: only the others run again.
 */
static size_t match_units(const struct rule *r, const uint64_t *may, const char *text,
			  size_t len, pcre2_match_data *md, rules_match_fn fn, void *ctx, int *stopped)
{
	struct rule_match next[UNITS_MAX];
	unsigned char live[UNITS_MAX];
	size_t count = 0, off = 0;
	for (size_t i = 0; i < r->nunits; i++) {
		const struct rule_unit *u = &r->units[i];
		live[i] = !may || (may[u->bit / 64] >> (u->bit % 64) & 1);
		if (live[i] && !unit_ready(r, u))
			return match_whole(r, text, len, md, fn, ctx, stopped);
	}
	for (size_t i = 0; i < r->nunits; i++)
		if (live[i])
			live[i] = (unsigned char)run_unit(r, &r->units[i], text, len, 0, md, &next[i]);
	for (;;) {
		size_t best = r->nunits;
		for (size_t i = 0; i < r->nunits; i++)
			if (live[i] && (best == r->nunits || next[i].start < next[best].start))
				best = i;
		if (best == r->nunits)
			return count;
		count++;
		if (fn(ctx, &next[best])) {
			*stopped = 1;
			return count;
		}
		off = next_off(text, len, off, next[best].end);
		if (off > len)
			return count;
		for (size_t i = 0; i < r->nunits; i++)
			if (live[i] && next[i].start < off)
				live[i] = (unsigned char)run_unit(r, &r->units[i], text, len, off, md, &next[i]);
	}
}

size_t rules_match_rule_may(const struct mk_rules *rs, const struct rule *r, const uint64_t *may, const char *text,
			    size_t len, pcre2_match_data *md, rules_match_fn fn, void *ctx, int *stopped)
{
	(void)rs; /* the mask's layout is the rules' (a unit's bit is in the unit) */
	if (r->units)
		return match_units(r, may, text, len, md, fn, ctx, stopped);
	return rules_match_rule(r, text, len, md, fn, ctx, stopped);
}

size_t rules_match_rule(const struct rule *r, const char *text, size_t len, pcre2_match_data *md,
			rules_match_fn fn, void *ctx, int *stopped)
{
	if (r->units)
		return match_units(r, NULL, text, len, md, fn, ctx, stopped);
	return match_whole(r, text, len, md, fn, ctx, stopped);
}

/* The rule's whole pattern (JIT-compiled unless the rule is split). */
static size_t match_whole(const struct rule *r, const char *text, size_t len, pcre2_match_data *md,
			  rules_match_fn fn, void *ctx, int *stopped)
{
	size_t count = 0, off = 0;
	struct rule_match m;
	while (off <= len && run_rule(r, text, len, off, md, &m)) {
		count++;
		if (fn(ctx, &m)) {
			*stopped = 1;
			return count;
		}
		if (m.end > off)
			off = m.end;
		else {
			off++;
			while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
				off++;
		}
	}
	return count;
}

size_t rules_match_kind(const struct mk_rules *rs, enum rule_kind kind, const char *text,
			const struct rules_scan *sc, size_t len, pcre2_match_data *md, rules_match_fn fn,
			void *ctx)
{
	size_t count = 0;
	for (size_t i = 0; i < rs->by_kind_n[kind]; i++) {
		const struct rule *r = &rs->r[rs->by_kind_start[kind] + i];
		int stopped = 0;
		if (!has_needs(rs, r, sc))
			continue;
		count += rules_match_rule_may(rs, r, sc ? sc->may : NULL, text, len, md, fn, ctx, &stopped);
		if (stopped)
			return count;
	}
	return count;
}

/* ---- checking examples ---- */

static const char *field_span(const struct rule_match *m, const char *text, const char *field,
			      size_t *n)
{
	for (int g = 0; g < RG_COUNT; g++)
		if (!strcmp(field, group_names[g])) {
			if (m->gs[g] < 0)
				return NULL;
			*n = (size_t)(m->ge[g] - m->gs[g]);
			return text + m->gs[g];
		}
	return NULL;
}

/* Checks "field=value; field=value" against the first match; fills why on failure. */
static int check_expect(const struct rule_match *m, const char *text, const char *expect,
			char *why, size_t whylen)
{
	char *copy = mk_strdup(expect), *save = NULL, *part;
	int ok = 1;
	for (part = strtok_r(copy, ";", &save); part && ok; part = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(part, '='), *field, *want;
		const char *got;
		size_t n = 0;
		if (!eq) {
			snprintf(why, whylen, "expected 'field=value' in '%s'", trim(part));
			ok = 0;
			break;
		}
		*eq = '\0';
		field = trim(part);
		want = trim(eq + 1);
		got = field_span(m, text, field, &n);
		if (!got) {
			snprintf(why, whylen, "group '%s' did not capture (wanted '%s')", field, want);
			ok = 0;
		} else if (strlen(want) != n || !mk_strnieq(got, want, n)) {
			snprintf(why, whylen, "group '%s' captured '%.*s', wanted '%s'", field, (int)n,
				 got, want);
			ok = 0;
		}
	}
	free(copy);
	return ok;
}

static int keep_first(void *ctx, const struct rule_match *m)
{
	*(struct rule_match *)ctx = *m;
	return 1;
}

/* The rule's first match in text, as extraction finds it (split rules by their units). */
static int first_match(const struct mk_rules *rs, const struct rule *r, const uint64_t *may, const char *text,
		       size_t len, pcre2_match_data *md, struct rule_match *m)
{
	int stopped = 0;
	return rules_match_rule_may(rs, r, may, text, len, md, keep_first, m, &stopped) > 0;
}

size_t mk_rules_check(const struct mk_rules *rs, mk_rules_report_fn report, void *ctx,
		      size_t *nexamples)
{
	pcre2_match_data *md = rules_match_data(rs);
	struct rules_scan sc = { 0 };
	size_t fails = 0, nex = 0;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];
		if (r->nex == 0) {
			char msg[300];
			snprintf(msg, sizeof msg, "rule '%s' has no examples", r->id);
			report(ctx, r->file, r->line, msg);
			fails++;
			continue;
		}
		for (size_t j = 0; j < r->nex; j++) {
			const struct rule_example *e = &r->ex[j];
			struct rule_match m;
			char msg[900], why[600];
			size_t len = strlen(e->text);
			char *lower = mk_malloc(len + 1);
			int hit;
			rules_lower(e->text, len, lower);
			rules_scan_text(rs, &sc, lower, len);
			hit = has_needs(rs, r, &sc) && first_match(rs, r, sc.may, e->text, len, md, &m);
			free(lower);
			nex++;
			if (e->must_match && !hit) {
				snprintf(msg, sizeof msg, "rule '%s' does not match its example '%s'", r->id,
					 e->text);
			} else if (!e->must_match && hit) {
				snprintf(msg, sizeof msg, "rule '%s' matches its counter-example '%s' at '%.*s'",
					 r->id, e->text, (int)(m.end - m.start), e->text + m.start);
			} else if (e->must_match && e->expect &&
				   !check_expect(&m, e->text, e->expect, why, sizeof why)) {
				snprintf(msg, sizeof msg, "rule '%s' on '%s': %s", r->id, e->text, why);
			} else {
				continue;
			}
			report(ctx, r->file, e->line, msg);
			fails++;
		}
	}
	pcre2_match_data_free(md);
	rules_scan_release(&sc);
	*nexamples = nex;
	return fails;
}

/* ---- where the rules live ---- */

static int is_dir(const char *p)
{
	DIR *d = opendir(p);
	if (!d)
		return 0;
	closedir(d);
	return 1;
}

char *mk_rules_default_dir(void)
{
	const char *env = getenv("MAPKEEPER_RULES");
	char exe[4096];
	ssize_t n;
	if (env && *env)
		return mk_strdup(env);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash, *cand;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			cand = mk_sprintf("%s/rules", exe);
			if (is_dir(cand))
				return cand;
			free(cand);
			cand = mk_sprintf("%s/../rules", exe);
			if (is_dir(cand))
				return cand;
			free(cand);
			cand = mk_sprintf("%s/../share/mapkeeper/rules", exe);
			if (is_dir(cand))
				return cand;
			free(cand);
		}
	}
#ifdef MK_SHAREDIR
	/* where `make install` put them, for a binary copied elsewhere */
	if (is_dir(MK_SHAREDIR "/rules"))
		return mk_strdup(MK_SHAREDIR "/rules");
#endif
	return mk_strdup("rules");
}
