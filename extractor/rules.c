/*
 * rules.c: loads, expands, compiles and checks the rule files (rules/FORMAT.md).
 * Owns struct mk_rules and every pcre2_code in it. Does not interpret matches.
 * Patterns compile once per process: UTF, UCP and caseless (unless "flags: case"),
 * then JIT; a pattern that fails gets "file:line: cannot compile pattern at offset N: msg".
 */
#include "extractor/rules.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
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
	"negation", "hedge", "question", "past", "generic", "capability", "hypothetical", NULL,
};
static const char *const risk_tags[] = {
	"budget", "timeline", "competition", "paper_process", "stakeholder", "technical",
	"priority", NULL,
};
static const char *const update_tags[] = { "done", "new_due", "blocked", "dropped", NULL };

const char *rules_kind_name(enum rule_kind k)
{
	return (unsigned)k < RK_KIND_COUNT ? kind_names[k] : "unknown";
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
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
	free(r->need_ids);
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
	for (int b = 0; b < 256; b++)
		free(rs->by_byte[b]);
	for (int b = 0; b < RULES_PAIR_BUCKETS; b++)
		free(rs->by_pair[b]);
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
		if (!r->tag || !in_list(r->tag, list)) {
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
		if (strcmp(val, "sentence") && strcmp(val, "near")) {
			mk_diag_set(ps->diag, ps->file, line, "scope '%s' is not 'sentence' or 'near'", val);
			return MK_ERULE;
		}
		r->scope_sentence = !strcmp(val, "sentence");
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

static pcre2_code *compile(const char *pat, int case_sensitive, int *errcode, PCRE2_SIZE *erroff)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | PCRE2_DUPNAMES;
	pcre2_code *code;
	if (!case_sensitive)
		opts |= PCRE2_CASELESS;
	code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, errcode, erroff, NULL);
	if (code)
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
	return code;
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
	r->code = compile(r->expanded, r->case_sensitive, &ec, &off);
	if (!r->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		mk_diag_set(diag, r->file, r->pattern_line, "cannot compile pattern at offset %zu: %s",
			    (size_t)off, (const char *)msg);
		err = MK_ERULE;
		goto out;
	}
	for (int g = 0; g < RG_COUNT; g++) {
		PCRE2_SPTR first, last;
		uint32_t entry = 0;
		int rc = pcre2_substring_nametable_scan(r->code, (PCRE2_SPTR)group_names[g], &first, &last);
		pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
		r->ngroup[g] = 0;
		if (rc <= 0 || !entry)
			continue;
		for (PCRE2_SPTR e = first; e <= last && r->ngroup[g] < 4; e += entry)
			r->group[g][r->ngroup[g]++] = (e[0] << 8) | e[1];
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

/* Gives every distinct needs: word an index, and lists them by their first byte(s). */
static void index_needles(struct mk_rules *rs)
{
	size_t cap = 0;
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];
		if (!r->nneeds)
			continue;
		r->need_ids = mk_malloc(r->nneeds * sizeof *r->need_ids);
		for (size_t k = 0; k < r->nneeds; k++) {
			size_t j;
			for (j = 0; j < rs->nneedles; j++)
				if (!strcmp(rs->needles[j], r->needs[k]))
					break;
			if (j == rs->nneedles) {
				const unsigned char *w = (const unsigned char *)r->needs[k];
				size_t lcap = cap;
				rs->needles = mk_grow(rs->needles, &cap, j + 1, sizeof *rs->needles);
				rs->needle_len = mk_grow(rs->needle_len, &lcap, j + 1, sizeof *rs->needle_len);
				rs->needles[j] = mk_strdup(r->needs[k]);
				rs->needle_len[j] = strlen(r->needs[k]);
				rs->nneedles++;
				if (!w[1]) {
					rs->by_byte[w[0]] = mk_realloc(rs->by_byte[w[0]],
								       (rs->nby_byte[w[0]] + 1) * sizeof **rs->by_byte);
					rs->by_byte[w[0]][rs->nby_byte[w[0]]++] = j;
				} else {
					size_t h = pair_bucket(w[0], w[1]);
					rs->by_pair[h] = mk_realloc(rs->by_pair[h], (rs->nby_pair[h] + 1) * sizeof **rs->by_pair);
					rs->by_pair[h][rs->nby_pair[h]++] = j;
				}
			}
			r->need_ids[k] = j;
		}
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum mk_err mk_rules_load(struct mk_rules **out, const char *dir, struct mk_diag *diag)
{
	struct mk_rules *rs = mk_calloc(1, sizeof *rs);
	enum mk_err err = MK_OK;
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, capn = 0;
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
	for (size_t i = 0; i < rs->n; i++) {
		err = compile_rule(rs, &rs->r[i], diag);
		if (err)
			goto out;
	}
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

static int run_rule(const struct rule *r, const char *text, size_t len, size_t off,
		    pcre2_match_data *md, struct rule_match *m)
{
	int rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, NULL);
	PCRE2_SIZE *ov;
	if (rc <= 0)
		return 0;
	ov = pcre2_get_ovector_pointer(md);
	m->rule = r;
	m->start = ov[0];
	m->end = ov[1];
	for (int g = 0; g < RG_COUNT; g++) {
		m->gs[g] = m->ge[g] = -1;
		for (int k = 0; k < r->ngroup[g]; k++) {
			int n = r->group[g][k];
			if (n > 0 && n < rc && ov[2 * n] != PCRE2_UNSET) {
				m->gs[g] = (long)ov[2 * n];
				m->ge[g] = (long)ov[2 * n + 1];
				break;
			}
		}
	}
	return 1;
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
	if (sc->cap < rs->nneedles + 1) {
		sc->cap = rs->nneedles + 1;
		sc->hit = mk_realloc(sc->hit, sc->cap);
	}
	memset(sc->hit, 0, rs->nneedles + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)lower[i];
		for (size_t k = 0; k < rs->nby_byte[b]; k++)
			sc->hit[rs->by_byte[b][k]] = 1;
		if (i + 1 < len) {
			size_t h = pair_bucket(b, (unsigned char)lower[i + 1]);
			for (size_t k = 0; k < rs->nby_pair[h]; k++) {
				size_t id = rs->by_pair[h][k];
				const char *nd = rs->needles[id];
				size_t n;
				if (sc->hit[id] || nd[0] != lower[i] || nd[1] != lower[i + 1])
					continue;
				n = rs->needle_len[id];
				if (n <= len - i && !memcmp(lower + i, nd, n))
					sc->hit[id] = 1;
			}
		}
	}
}

void rules_scan_release(struct rules_scan *sc)
{
	if (!sc)
		return;
	free(sc->hit);
	memset(sc, 0, sizeof *sc);
}

/* Does the text hold one of the rule's needs: words? */
static int has_needs(const struct rule *r, const struct rules_scan *sc)
{
	if (!r->nneeds || !sc)
		return 1;
	for (size_t i = 0; i < r->nneeds; i++)
		if (sc->hit[r->need_ids[i]])
			return 1;
	return 0;
}

size_t rules_match_kind(const struct mk_rules *rs, enum rule_kind kind, const char *text,
			const struct rules_scan *sc, size_t len, pcre2_match_data *md, rules_match_fn fn,
			void *ctx)
{
	size_t count = 0;
	if (!rs->by_kind_n[kind])
		return 0;
	for (size_t i = 0; i < rs->by_kind_n[kind]; i++) {
		const struct rule *r = &rs->r[rs->by_kind_start[kind] + i];
		size_t off = 0;
		struct rule_match m;
		if (!has_needs(r, sc))
			continue;
		while (off <= len && run_rule(r, text, len, off, md, &m)) {
			count++;
			if (fn(ctx, &m))
				return count;
			if (m.end > off)
				off = m.end;
			else {
				off++;
				while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
					off++;
			}
		}
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
			hit = has_needs(r, &sc) && run_rule(r, e->text, len, 0, md, &m);
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
	return mk_strdup("rules");
}
