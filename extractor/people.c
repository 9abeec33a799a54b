/*
 * people.c: the people of a call (see people.h): who is on it, who was named, who
 * "he"/"she" is, and the stakeholders. A stakeholder match's name must read as a
 * person's: not a participant, not the seller's or buyer's organisation, not a common
 * word said at the start of a sentence ("Count me in"), not a place ("Osaka's fine"),
 * not a company ("Corvid Labs"); the word lists of the rules folder decide the last
 * three. Each person (or, without a name, each role) counts once per call, at its
 * first mention: a name said in passing before the sentence that makes it a stakeholder
 * ("Dmitri's out" ... "Dmitri, our CFO, ...") moves the finding back to that mention.
 */
#include "extractor/people.h"
#include "extractor/wordlist.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

struct people_mention {      /* the first time a capitalised word was said, not by its owner */
	char *word;
	size_t len;
	size_t sent, off;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_word(unsigned char c)
{
	return c >= 0x80 || c == '\'' || c == '-' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

void people_init(struct people *pp, const struct mk_rules *rs)
{
	memset(pp, 0, sizeof *pp);
	pp->common = rules_wordlist(rs, "common-words");
	pp->places = rules_wordlist(rs, "places");
	pp->orgwords = rules_wordlist(rs, "org-words");
}

void people_release(struct people *pp)
{
	for (size_t i = 0; i < pp->n; i++)
		free(pp->v[i].name);
	free(pp->v);
	for (size_t i = 0; i < pp->nmention; i++)
		free(pp->mention[i].word);
	free(pp->mention);
	free(pp->stake_sent);
	memset(pp, 0, sizeof *pp);
}

static int same_initial(const char *a, const char *b)
{
	return (*a | 0x20) == (*b | 0x20);
}

struct person *people_find_exact(struct people *pp, const char *name, size_t n)
{
	for (size_t i = 0; i < pp->n; i++)
		if (pp->v[i].len == n && same_initial(pp->v[i].name, name) && mk_strnieq(pp->v[i].name, name, n))
			return &pp->v[i];
	return NULL;
}

struct person *people_find(struct people *pp, const char *name, size_t n)
{
	struct person *p = people_find_exact(pp, name, n);
	if (p)
		return p;
	for (size_t i = pp->n; i-- > 0;) {
		const char *full = pp->v[i].name;
		if (pp->v[i].len > n && full[n] == ' ' && same_initial(full, name) && mk_strnieq(full, name, n))
			return &pp->v[i];
	}
	return NULL;
}

struct person *people_add(struct people *pp, const char *name, enum mk_side side, int participant)
{
	struct person *p = people_find_exact(pp, name, strlen(name));
	if (p)
		return p;
	pp->v = mk_grow(pp->v, &pp->cap, pp->n + 1, sizeof *pp->v);
	p = &pp->v[pp->n++];
	p->name = mk_strdup(name);
	p->len = strlen(name);
	p->side = side;
	p->participant = participant;
	return p;
}

void people_note(struct people *pp, const struct person *p, size_t sent)
{
	pp->last_third = p->name;
	pp->last_third_sent = sent;
	if (!p->participant) {
		pp->last_absent = p->name;
		pp->last_absent_sent = sent;
	}
}

const char *people_referent(const struct people *pp, size_t cur_sent, size_t reach)
{
	if (pp->last_absent && cur_sent - pp->last_absent_sent <= reach)
		return pp->last_absent;
	return pp->last_third;
}

int people_is_pronoun(const char *s, size_t n)
{
	static const char *const pr[] = { "he", "she", "they", "him", "her", "them", NULL };
	return mk_in_listn(s, n, pr);
}

int people_is_first_person(const char *s, size_t n)
{
	static const char *const fp[] = { "i", "we", "me", "us", "my team", "our team", NULL };
	return mk_in_listn(s, n, fp);
}

void people_clean_name(const char **s, size_t *n)
{
	while (*n && (is_space(**s) || **s == ',')) {
		(*s)++;
		(*n)--;
	}
	while (*n && (is_space((*s)[*n - 1]) || (*s)[*n - 1] == ',' || (*s)[*n - 1] == '.'))
		(*n)--;
	if (*n > 2 && (*s)[*n - 2] == '\'' && ((*s)[*n - 1] == 's' || (*s)[*n - 1] == 'S'))
		*n -= 2;
	if (*n > 4 && !memcmp(*s + *n - 4, "\xe2\x80\x99s", 4))
		*n -= 4;
}

/* ---- is it a person's name? ---- */

/* Is s the seller's or buyer's organisation, or its first word ("Harbor" of "Harbor & Pine")? */
static int org_is(const char *org, const char *s, size_t n)
{
	size_t first = 0;
	if (!org)
		return 0;
	while (org[first] && org[first] != ' ')
		first++;
	return (strlen(org) == n || first == n) && mk_strnieq(org, s, n);
}

static int org_name(const struct mk_extract_opts *o, const char *s, size_t n)
{
	return org_is(o->seller_org, s, n) || org_is(o->buyer_org, s, n);
}

/* Does a word of an organisation's name (of two or more letters) equal s[0..n)? */
static int org_word(const char *org, const char *s, size_t n)
{
	for (size_t i = 0; org && org[i];) {
		size_t j = i;
		while (org[j] && org[j] != ' ')
			j++;
		if (j - i == n && n >= 3 && mk_strnieq(org + i, s, n))
			return 1;
		i = org[j] ? j + 1 : j;
	}
	return 0;
}

/*
 * Does s[0..n) (a captured name: one to three words) read as a person? Not when it is an
 * organisation on the call, a place (whole or its first words), a company (its last word
 * is an org word), or a single word that is a common English word.
 */
static int name_like(const struct people *pp, const struct mk_extract_opts *o, const char *s, size_t n)
{
	size_t w[4][2], nw = 0;
	if (org_name(o, s, n) || mk_wordlist_has(pp->places, s, n))
		return 0;
	for (size_t i = 0; i < n && nw < 4;) {
		size_t j;
		while (i < n && (is_space(s[i]) || s[i] == ','))
			i++;
		if (i == n)
			break;
		for (j = i; j < n && !is_space(s[j]) && s[j] != ','; j++)
			;
		w[nw][0] = i;
		w[nw++][1] = j - i;
		i = j;
	}
	if (!nw)
		return 0;
	if (org_word(o->seller_org, s + w[0][0], w[0][1]) || org_word(o->buyer_org, s + w[0][0], w[0][1]))
		return 0;
	if (mk_wordlist_has(pp->places, s + w[0][0], w[0][1]))
		return 0;
	if (nw > 1 && (mk_wordlist_has(pp->orgwords, s + w[nw - 1][0], w[nw - 1][1]) ||
		       mk_wordlist_has(pp->places, s, w[1][0] + w[1][1])))
		return 0;
	if (mk_wordlist_has(pp->common, s + w[0][0], w[0][1]))
		return 0;
	if (nw > 1 && mk_wordlist_has(pp->common, s + w[nw - 1][0], w[nw - 1][1]))
		return 0;
	return 1;
}

/* ---- mentions in passing ---- */

static struct people_mention *mention_of(struct people *pp, const char *w, size_t n)
{
	for (size_t i = 0; i < pp->nmention; i++)
		if (pp->mention[i].len == n && mk_strnieq(pp->mention[i].word, w, n))
			return &pp->mention[i];
	return NULL;
}

void people_track_mentions(struct people *pp, const struct people_sentence *ps)
{
	const char *s = ps->said;
	size_t n = ps->len;
	for (size_t i = 0; i < n;) {
		size_t j;
		if (!is_word((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && is_word((unsigned char)s[j]); j++)
			;
		if (is_upper((unsigned char)s[i])) {
			size_t wn = j - i;
			if (wn > 2 && s[j - 2] == '\'' && s[j - 1] == 's')
				wn -= 2;
			struct person *p = people_find(pp, s + i, wn);
			if (p && strcmp(p->name, ps->speaker) && wn >= 2)
				people_note(pp, p, ps->index);
			/* a name said in passing: remember where it was first said */
			if (wn >= 3 && (!p || !p->participant) && !mention_of(pp, s + i, wn) &&
			    !mk_wordlist_has(pp->common, s + i, wn) && !mk_wordlist_has(pp->places, s + i, wn)) {
				pp->mention = mk_grow(pp->mention, &pp->capmention, pp->nmention + 1, sizeof *pp->mention);
				struct people_mention *m = &pp->mention[pp->nmention++];
				m->word = mk_strndup(s + i, wn);
				m->len = wn;
				m->sent = ps->index;
				m->off = i;
			}
		}
		i = j;
	}
}

/* ---- stakeholders ---- */

/* Was the role named before in this call: the same, or said in full before ("the
 * committee" after "the investment committee")? */
static int initials_are(const char *words, const char *acr)
{
	size_t k = 0;
	for (size_t i = 0; words[i]; i++)
		if ((i == 0 || words[i - 1] == ' ') && words[i] != ' ') {
			if (!acr[k] || (words[i] | 0x20) != (acr[k] | 0x20))
				return 0;
			k++;
		}
	return k > 1 && !acr[k];
}

/* Does a role name a body that decides ("change advisory board")? */
static int is_body(const char *role)
{
	static const char *const heads[] = { "board", "committee", "council", "commission", NULL };
	const char *sp = strrchr(role, ' ');
	const char *last = sp ? sp + 1 : role;
	for (int k = 0; heads[k]; k++)
		if (mk_strieq(last, heads[k]))
			return 1;
	return 0;
}

static int role_seen(const struct mk_findings *f, const char *role)
{
	size_t rn = strlen(role);
	int acr = rn >= 2 && rn <= 5;
	for (size_t i = 0; i < rn && acr; i++)
		acr = is_upper((unsigned char)role[i]);
	for (size_t i = 0; i < f->nstakeholders; i++) {
		const char *r = f->stakeholders[i].role;
		size_t n = r ? strlen(r) : 0;
		if (r && (mk_strieq(r, role) ||
			  (n > rn && r[n - rn - 1] == ' ' && mk_strieq(r + n - rn, role)) ||
			  (acr && initials_are(r, role) && is_body(r))))
			return 1;
	}
	return 0;
}

/* Is a one-word name the last word of a stakeholder named before ("Achterberg" after
 * "Simone Achterberg")? */
static int surname_seen(const struct mk_findings *f, const char *s, size_t n)
{
	if (memchr(s, ' ', n))
		return 0;
	for (size_t i = 0; i < f->nstakeholders; i++) {
		const char *nm = f->stakeholders[i].name;
		size_t l = nm ? strlen(nm) : 0;
		if (l > n && nm[l - n - 1] == ' ' && mk_strnieq(nm + l - n, s, n))
			return 1;
	}
	return 0;
}

/* Is another named match of the sentence's name a longer span holding m's ("Graham
 * Whitcombe" and "Whitcombe")? */
static int name_inside(const struct rule_match *m, const struct rule_match *mm, size_t nm)
{
	for (size_t i = 0; i < nm; i++)
		if (&mm[i] != m && mm[i].gs[RG_NAME] >= 0 && mm[i].gs[RG_NAME] <= m->gs[RG_NAME] &&
		    mm[i].ge[RG_NAME] >= m->ge[RG_NAME] &&
		    mm[i].ge[RG_NAME] - mm[i].gs[RG_NAME] > m->ge[RG_NAME] - m->gs[RG_NAME])
			return 1;
	return 0;
}

static int span_has_word(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= n; i++)
		if (mk_strnieq(s + i, word, w) && (i == 0 || !is_word((unsigned char)s[i - 1])) &&
		    (i + w == n || !is_word((unsigned char)s[i + w])))
			return 1;
	return 0;
}

static enum mk_side other_side(enum mk_side s)
{
	return s == MK_SIDE_BUYER ? MK_SIDE_SELLER : s == MK_SIDE_SELLER ? MK_SIDE_BUYER : MK_SIDE_UNKNOWN;
}

void people_stakeholders(struct people *pp, const struct mk_extract_opts *o, struct mk_findings *f,
			 const struct people_sentence *ps, const struct rule_match *mm, size_t nm)
{
	const struct rule_match *order[32];
	size_t no = 0, named_here = 0;
	/* named matches first: a role said beside a name is that person's role */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nm && no < 32; i++)
			if ((mm[i].gs[RG_NAME] >= 0) == (pass == 0))
				order[no++] = &mm[i];
	for (size_t i = 0; i < no; i++) {
		const struct rule_match *m = order[i];
		const char *ns = NULL, *rsn = NULL;
		size_t nn = 0, rn = 0;
		char *name = NULL, *role = NULL;
		enum mk_side side = ps->side;
		if (m->gs[RG_NAME] >= 0) {
			if (name_inside(m, mm, nm))
				continue;
			ns = ps->said + m->gs[RG_NAME];
			nn = (size_t)(m->ge[RG_NAME] - m->gs[RG_NAME]);
			people_clean_name(&ns, &nn);
		}
		if (m->gs[RG_ROLE] >= 0) {
			rsn = ps->said + m->gs[RG_ROLE];
			rn = (size_t)(m->ge[RG_ROLE] - m->gs[RG_ROLE]);
			people_clean_name(&rsn, &rn);
		}
		if ((!nn && !rn) || (!nn && named_here))
			continue;
		if (span_has_word(ps->text + m->start, m->end - m->start, "your"))
			side = other_side(side);
		if (nn) {
			struct person *p;
			if (people_is_pronoun(ns, nn) || people_is_first_person(ns, nn))
				continue;
			{ /* "Ask Tom ...": a common word opening the sentence is not part of the name */
				const char *sp = memchr(ns, ' ', nn);
				size_t at = 0;
				while (ps->said + at < ns && !is_word((unsigned char)ps->said[at]))
					at++;
				if (sp && ps->said + at == ns && !memchr(sp + 1, ' ', nn - (size_t)(sp + 1 - ns)) &&
				    mk_wordlist_has(pp->common, ns, (size_t)(sp - ns)) &&
				    !mk_wordlist_has(pp->common, sp + 1, nn - (size_t)(sp + 1 - ns))) {
					nn -= (size_t)(sp + 1 - ns);
					ns = sp + 1;
				}
			}
			p = people_find(pp, ns, nn);
			if (p && p->participant)
				continue;
			if (p) { /* seen before in this call: a later mention may add the surname */
				if (nn > strlen(p->name) && mk_strnieq(ns, p->name, strlen(p->name))) {
					for (size_t k = 0; k < f->nstakeholders; k++)
						if (f->stakeholders[k].name && !strcmp(f->stakeholders[k].name, p->name)) {
							free(f->stakeholders[k].name);
							f->stakeholders[k].name = mk_strndup(ns, nn);
						}
					free(p->name);
					p->name = mk_strndup(ns, nn);
					p->len = nn;
				}
				people_note(pp, p, ps->index);
				continue;
			}
			if (!name_like(pp, o, ns, nn) || surname_seen(f, ns, nn))
				continue;
			name = mk_strndup(ns, nn);
			if (*name >= 'a' && *name <= 'z') /* as recognition wrote it: "dmitri volkov" */
				for (size_t k = 0; name[k]; k++)
					if ((k == 0 || name[k - 1] == ' ') && name[k] >= 'a' && name[k] <= 'z')
						name[k] = (char)(name[k] - 32);
		}
		if (rn && !nn) { /* "the London office": a place's branch, not someone deciding */
			size_t w = 0;
			while (w < rn && rsn[w] != ' ')
				w++;
			if (w < rn && mk_wordlist_has(pp->places, rsn, w))
				continue;
		}
		if (rn) {
			role = mk_strndup(rsn, rn);
			if (!name && role_seen(f, role)) {
				free(role);
				continue;
			}
		}
		f->stakeholders = mk_grow(f->stakeholders, &pp->caps, f->nstakeholders + 1, sizeof *f->stakeholders);
		struct mk_stakeholder *sh = &f->stakeholders[f->nstakeholders++];
		memset(sh, 0, sizeof *sh);
		sh->name = name;
		sh->role = role;
		sh->side = side;
		sh->rule = m->rule->id;
		ps->evidence(ps->arg, ps->index, m->start, &sh->ev);
		pp->stake_sent = mk_grow(pp->stake_sent, &pp->capss, f->nstakeholders, sizeof *pp->stake_sent);
		pp->stake_sent[f->nstakeholders - 1] = ps->index;
		if (name) {
			struct person *p = people_add(pp, name, side, 0);
			people_note(pp, p, ps->index);
			named_here++;
		}
	}
}

void people_finish(struct people *pp, struct mk_findings *f, const struct people_sentence *ps)
{
	for (size_t i = 0; i < f->nstakeholders; i++) {
		struct mk_stakeholder *sh = &f->stakeholders[i];
		const struct people_mention *m;
		size_t wn = 0;
		if (!sh->name)
			continue;
		while (sh->name[wn] && sh->name[wn] != ' ')
			wn++;
		m = mention_of(pp, sh->name, wn);
		if (!m || m->sent >= pp->stake_sent[i])
			continue;
		free(sh->ev.speaker);
		free(sh->ev.quote);
		memset(&sh->ev, 0, sizeof sh->ev);
		ps->evidence(ps->arg, m->sent, m->off, &sh->ev);
	}
	/* back in the order they were said (a moved finding may now come earlier) */
	for (size_t i = 1; i < f->nstakeholders; i++)
		for (size_t k = i; k > 0 && f->stakeholders[k].ev.start_ms < f->stakeholders[k - 1].ev.start_ms; k--) {
			struct mk_stakeholder t = f->stakeholders[k];
			f->stakeholders[k] = f->stakeholders[k - 1];
			f->stakeholders[k - 1] = t;
		}
}
