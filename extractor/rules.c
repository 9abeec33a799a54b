/*
 * rules.c: the rule engine: loads, expands, compiles, matches and checks the rule files
 * (rules/FORMAT.md). Owns struct mk_rules and every pcre2_code in it. Does not interpret
 * matches: extractor/extract.c does.
 * Loading: each line of a file is a comment, a define, a rule line or a key of the rule,
 * read through one table of keys in FORMAT.md's order (rule_keys). Patterns compile once
 * per process: UTF, UCP and caseless (unless "flags: case"), with a start hint when PCRE2
 * finds no first bytes itself (extractor/hints.c), then JIT; a pattern that fails gets
 * "file:line: cannot compile pattern at offset N: msg". A pattern that is one big
 * alternation is split into its branches (split_rule), each run only on a text holding
 * its literals (extractor/reqlit.c) and compiled when first run; the whole pattern's
 * match is the leftmost of theirs (match_units).
 * Matching: every rule's needs: words and literals are found in a text in one pass
 * (extractor/needs.c), which gives the rules that may match it; rules_match_kind runs
 * those of one kind over one sentence, rules_match_block a block of sentences rule after
 * rule (extractor/rules.h tells how to call them).
 */
#include "extractor/rules.h"
#include "extractor/hints.h"
#include "extractor/needs.h"
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
	"goal", "go_live", "criterion", "dependency", "next_meeting", "stance",
};

static const char *const group_names[RG_COUNT] = {
	"action", "owner", "name", "role", "item", "due", "text", "waiting", "on", "time", "who",
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
static const char *const go_live_tags[] = { "live", "signed", NULL };
static const char *const stance_tags[] = { "champion", "supporter", "neutral", "skeptic", "blocker", NULL };

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
	needs_free(rs->ix);
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
	if (r->kind == RK_VETO || r->kind == RK_RISK || r->kind == RK_UPDATE || r->kind == RK_GO_LIVE ||
	    r->kind == RK_STANCE) {
		const char *const *list = r->kind == RK_VETO ? veto_tags :
					  r->kind == RK_RISK ? risk_tags :
					  r->kind == RK_UPDATE ? update_tags :
					  r->kind == RK_GO_LIVE ? go_live_tags : stance_tags;
		const char *what = r->kind == RK_VETO ? "veto" :
				   r->kind == RK_UPDATE ? "change" : "category";
		if (!r->tag || !mk_in_list(r->tag, list)) {
			mk_diag_set(ps->diag, r->file, r->line, "rule '%s' needs a valid %s (got '%s')",
				    r->id, what, r->tag ? r->tag : "");
			return MK_ERULE;
		}
	}
	return MK_OK;
}

/* ---- the keys of a rule, in rules/FORMAT.md's order ---- */

/* The index of val in names[0..n) (NULL-terminated when n is 0), or -1. */
static int name_index(const char *const *names, size_t n, const char *val)
{
	for (size_t i = 0; n ? i < n : names[i] != NULL; i++)
		if (!strcmp(val, names[i]))
			return (int)i;
	return -1;
}

/* scope: values in the order of rule.scope_sentence; context: in RULE_CTX_* order */
static const char *const scope_names[] = { "near", "sentence", "head", "clause", NULL };
static const char *const context_names[] = { "any", "offer", "reply", NULL };

static enum mk_err key_kind(struct parse_state *ps, struct rule *r, char *val, long line)
{
	int k = name_index(kind_names, RK_KIND_COUNT, val);
	if (k < 0) {
		mk_diag_set(ps->diag, ps->file, line, "unknown kind '%s'", val);
		return MK_ERULE;
	}
	r->kind = (enum rule_kind)k;
	return MK_OK;
}

static enum mk_err key_pattern(struct parse_state *ps, struct rule *r, char *val, long line)
{
	free(r->pattern);
	r->pattern = mk_strdup(val);
	r->pattern_line = line;
	ps->cont = &r->pattern;
	return MK_OK;
}

static enum mk_err key_confidence(struct parse_state *ps, struct rule *r, char *val, long line)
{
	char *end;
	double c = strtod(val, &end);
	if (end == val || *end || c < 0 || c > 1) {
		mk_diag_set(ps->diag, ps->file, line, "confidence '%s' is not a number from 0 to 1", val);
		return MK_ERULE;
	}
	r->confidence = c;
	return MK_OK;
}

/* veto:, category: and change: (checked against the kind when the rule ends: finish_rule) */
static enum mk_err key_tag(struct parse_state *ps, struct rule *r, char *val, long line)
{
	(void)ps, (void)line;
	free(r->tag);
	r->tag = mk_strdup(val);
	return MK_OK;
}

/* val, one of names, as its index into *field; else "KEY 'val' is not ALLOWED". */
static enum mk_err key_choice(struct parse_state *ps, const char *const *names, const char *key,
			      const char *allowed, const char *val, long line, int *field)
{
	int k = name_index(names, 0, val);
	if (k < 0) {
		mk_diag_set(ps->diag, ps->file, line, "%s '%s' is not %s", key, val, allowed);
		return MK_ERULE;
	}
	*field = k;
	return MK_OK;
}

static enum mk_err key_scope(struct parse_state *ps, struct rule *r, char *val, long line)
{
	return key_choice(ps, scope_names, "scope", "'sentence', 'clause', 'near' or 'head'", val, line,
			  &r->scope_sentence);
}

static enum mk_err key_context(struct parse_state *ps, struct rule *r, char *val, long line)
{
	return key_choice(ps, context_names, "context", "'reply', 'offer' or 'any'", val, line, &r->context);
}

static enum mk_err key_flags(struct parse_state *ps, struct rule *r, char *val, long line)
{
	if (strcmp(val, "case")) {
		mk_diag_set(ps->diag, ps->file, line, "unknown flags '%s'", val);
		return MK_ERULE;
	}
	r->case_sensitive = 1;
	return MK_OK;
}

static enum mk_err key_needs(struct parse_state *ps, struct rule *r, char *val, long line)
{
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
	return MK_OK;
}

static enum mk_err key_example(struct parse_state *ps, struct rule *r, char *val, long line)
{
	(void)ps;
	add_example(r, val, 1, line);
	return MK_OK;
}

static enum mk_err key_counter(struct parse_state *ps, struct rule *r, char *val, long line)
{
	(void)ps;
	add_example(r, val, 0, line);
	return MK_OK;
}

/* Every key a rule takes, in the order rules/FORMAT.md ("Keys of a rule") lists them. */
static const struct rule_key {
	const char *name;
	enum mk_err (*parse)(struct parse_state *ps, struct rule *r, char *val, long line);
} rule_keys[] = {
	{ "kind", key_kind },             /* one of kind_names; required (finish_rule) */
	{ "pattern", key_pattern },       /* PCRE2 with {MACRO}s; continued by indented lines; required */
	{ "confidence", key_confidence }, /* 0 to 1; default 0.8 (new_rule) */
	{ "veto", key_tag },              /* vetoes: one of veto_tags (finish_rule) */
	{ "scope", key_scope },           /* vetoes: scope_names */
	{ "context", key_context },       /* commitments: context_names */
	{ "category", key_tag },          /* risks: one of risk_tags (finish_rule) */
	{ "change", key_tag },            /* updates: one of update_tags (finish_rule) */
	{ "flags", key_flags },           /* "case" */
	{ "needs", key_needs },           /* word|word|...: lower-cased, none empty; adds to the list */
	{ "example", key_example },       /* text [=> group=text; ...]; adds one */
	{ "counter", key_counter },       /* text; adds one */
};

/* A "key: value" line of the current rule. */
static enum mk_err parse_key(struct parse_state *ps, char *s, long line)
{
	char *colon = strchr(s, ':'), *key, *val;
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
	for (size_t i = 0; i < sizeof rule_keys / sizeof *rule_keys; i++)
		if (!strcmp(key, rule_keys[i].name))
			return rule_keys[i].parse(ps, ps->cur, val, line);
	mk_diag_set(ps->diag, ps->file, line, "unknown key '%s'", key);
	return MK_ERULE;
}

/* An indented line: appended to the pattern or define above (ps->cont). */
static enum mk_err parse_continuation(struct parse_state *ps, char *raw, long line)
{
	char *s = trim(raw);
	size_t a, b;
	if (!*s || *s == '#')
		return MK_OK;
	a = strlen(*ps->cont);
	b = strlen(s);
	if (a + b > MAX_PATTERN_BYTES) {
		mk_diag_set(ps->diag, ps->file, line, "pattern is longer than %u bytes", MAX_PATTERN_BYTES);
		return MK_ERULE;
	}
	*ps->cont = mk_realloc(*ps->cont, a + b + 1);
	memcpy(*ps->cont + a, s, b + 1);
	return MK_OK;
}

/* "define NAME = pattern" (s: after "define "). */
static enum mk_err parse_define(struct parse_state *ps, char *s, long line)
{
	char *name = trim(s), *eq = strchr(name, '='), *val;
	struct mk_rules *rs = ps->rs;
	if (!eq) {
		mk_diag_set(ps->diag, ps->file, line, "expected 'define NAME = pattern'");
		return MK_ERULE;
	}
	*eq = '\0';
	val = trim(eq + 1);
	name = trim(name);
	if (!is_macro_name(name, strlen(name))) {
		mk_diag_set(ps->diag, ps->file, line, "macro name '%s' must be upper case letters, digits and _", name);
		return MK_ERULE;
	}
	for (size_t i = 0; i < rs->nm; i++)
		if (!strcmp(rs->m[i].name, name)) {
			mk_diag_set(ps->diag, ps->file, line, "macro '%s' is already defined at %s:%ld", name,
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

/* "rule ID" (id: after "rule"): ends the rule before, starts a new one. */
static enum mk_err parse_rule_line(struct parse_state *ps, char *id, long line)
{
	enum mk_err err = finish_rule(ps);
	if (err)
		return err;
	id = trim(id);
	if (!*id) {
		mk_diag_set(ps->diag, ps->file, line, "rule has no id");
		return MK_ERULE;
	}
	for (size_t i = 0; i < ps->rs->n; i++)
		if (!strcmp(ps->rs->r[i].id, id)) {
			mk_diag_set(ps->diag, ps->file, line, "rule '%s' is already defined at %s:%ld", id,
				    ps->rs->r[i].file, ps->rs->r[i].line);
			return MK_ERULE;
		}
	ps->cur = new_rule(ps, id, line);
	return MK_OK;
}

static enum mk_err parse_line(struct parse_state *ps, char *raw, long line)
{
	char *s;
	if ((raw[0] == ' ' || raw[0] == '\t') && ps->cont)
		return parse_continuation(ps, raw, line);
	s = trim(raw);
	if (!*s || *s == '#')
		return MK_OK;
	ps->cont = NULL;
	if (!strncmp(s, "define ", 7))
		return parse_define(ps, s + 7, line);
	if (!strncmp(s, "rule ", 5) || !strcmp(s, "rule"))
		return parse_rule_line(ps, s + 4, line);
	return parse_key(ps, s, line);
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
	r->code = hints_compile(r->expanded, r->case_sensitive, 0, &ec, &off);
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

/* The word index of the rules (bit i: rule i) and of their branches (bits after theirs). */
static void index_needs(struct mk_rules *rs)
{
	size_t bits = rs->n;
	struct needs_entry *e;
	for (size_t i = 0; i < rs->n; i++)
		for (size_t k = 0; k < rs->r[i].nunits; k++)
			rs->r[i].units[k].bit = bits++;
	e = mk_calloc(bits ? bits : 1, sizeof *e);
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];
		e[i] = (struct needs_entry){ r->needs, r->nneeds, r->lits, r->nlits };
		for (size_t k = 0; k < r->nunits; k++) /* a unit has no needs: of its own */
			e[r->units[k].bit] = (struct needs_entry){ NULL, 0, r->units[k].lits, r->units[k].nlits };
	}
	rs->ix = needs_build(e, bits);
	free(e);
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
	index_needs(rs);
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
		u->code = hints_compile(u->pat, r->case_sensitive, 0, &ec, &off);
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
		pcre2_code *c = hints_compile(u->pat, r->case_sensitive, 1, &ec, &off);
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

void rules_scan_text(const struct mk_rules *rs, struct rules_scan *sc, const char *lower, size_t len)
{
	sc->lower = lower;
	sc->len = len;
	if (sc->cap < needs_hit_bytes(rs->ix)) {
		sc->cap = needs_hit_bytes(rs->ix);
		sc->hit = mk_realloc(sc->hit, sc->cap);
	}
	if (sc->capmay < needs_maskw(rs->ix)) {
		sc->capmay = needs_maskw(rs->ix);
		sc->may = mk_realloc(sc->may, sc->capmay * sizeof *sc->may);
	}
	needs_scan(rs->ix, sc->hit, sc->may, lower, len);
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

/* The matches of every rule of kind that mask may lets through (NULL: all). */
static size_t match_kind_may(const struct mk_rules *rs, enum rule_kind kind, const char *text, size_t len,
			     const uint64_t *may, pcre2_match_data *md, rules_match_fn fn, void *ctx)
{
	size_t count = 0;
	for (size_t i = 0; i < rs->by_kind_n[kind]; i++) {
		const struct rule *r = &rs->r[rs->by_kind_start[kind] + i];
		int stopped = 0;
		if (!rules_may_match(rs, r, may))
			continue;
		count += rules_match_rule_may(rs, r, may, text, len, md, fn, ctx, &stopped);
		if (stopped)
			return count;
	}
	return count;
}

size_t rules_match_kind(const struct mk_rules *rs, enum rule_kind kind, const char *text,
			const struct rules_scan *sc, size_t len, pcre2_match_data *md, rules_match_fn fn,
			void *ctx)
{
	return match_kind_may(rs, kind, text, len, sc ? sc->may : NULL, md, fn, ctx);
}

/* ---- a block of sentences ---- */

struct rules_block {
	const struct mk_rules *rs;
	size_t n, maskw;
	struct rules_text s[RULES_BLOCK_MAX];
	uint64_t *may;          /* RULES_BLOCK_MAX masks of maskw words */
	unsigned char *hit;     /* needs_scan's scratch (in may's allocation) */
	char *low;              /* one sentence ASCII-lower-cased */
	size_t caplow;
};

struct rules_block *rules_block_new(const struct mk_rules *rs)
{
	struct rules_block *b = mk_calloc(1, sizeof *b);
	b->rs = rs;
	b->maskw = needs_maskw(rs->ix);
	/* the masks, then the scan's scratch, in one allocation */
	b->may = mk_malloc(RULES_BLOCK_MAX * b->maskw * sizeof *b->may + needs_hit_bytes(rs->ix));
	b->hit = (unsigned char *)(b->may + RULES_BLOCK_MAX * b->maskw);
	return b;
}

void rules_block_free(struct rules_block *b)
{
	if (b) {
		free(b->may);
		free(b->low);
		free(b);
	}
}

/* A match in sentence i for kind index k, handed on to the block's caller. */
struct block_call {
	rules_block_fn fn;
	void *ctx;
	size_t i, k;
};

static int block_call(void *vctx, const struct rule_match *m)
{
	const struct block_call *bc = vctx;
	return bc->fn(bc->ctx, bc->i, bc->k, m);
}

void rules_match_block(struct rules_block *b, const struct rules_text *s, size_t n, const enum rule_kind *kinds,
		       size_t nkinds, pcre2_match_data *md, rules_block_fn fn, void *ctx)
{
	const struct mk_rules *rs = b->rs;
	struct block_call bc = { fn, ctx, 0, 0 };
	b->n = n < RULES_BLOCK_MAX ? n : RULES_BLOCK_MAX;
	for (size_t i = 0; i < b->n; i++) {
		b->s[i] = s[i];
		b->low = mk_grow(b->low, &b->caplow, s[i].len + 1, 1);
		rules_lower(s[i].text, s[i].len, b->low);
		needs_scan(rs->ix, b->hit, b->may + i * b->maskw, b->low, s[i].len);
	}
	for (bc.k = 0; bc.k < nkinds; bc.k++) {
		enum rule_kind kind = kinds[bc.k];
		for (size_t j = 0; j < rs->by_kind_n[kind]; j++) {
			const struct rule *r = &rs->r[rs->by_kind_start[kind] + j];
			for (bc.i = 0; bc.i < b->n; bc.i++) {
				const uint64_t *may = b->may + bc.i * b->maskw;
				int stopped = 0;
				if (rules_may_match(rs, r, may))
					rules_match_rule_may(rs, r, may, b->s[bc.i].text, b->s[bc.i].len, md, block_call, &bc,
							     &stopped);
			}
		}
	}
}

size_t rules_match_block_kind(struct rules_block *b, size_t i, enum rule_kind kind, pcre2_match_data *md,
			      rules_match_fn fn, void *ctx)
{
	if (i >= b->n)
		return 0;
	return match_kind_may(b->rs, kind, b->s[i].text, b->s[i].len, b->may + i * b->maskw, md, fn, ctx);
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
