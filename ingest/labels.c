/*
 * labels.c: decides whether the "X" of "X: text" names a speaker. A label is at
 * most INGEST_MAX_LABEL bytes and 6 words, has a letter, no sentence punctuation
 * (?!;"), is not a heading word ("Note", "Agenda", "Action items"); it is a NAME
 * when every word looks like part of a name ("Dr. Melissa Ko", "Akash | ECH",
 * "Marius van der Wijden", or a one-word handle like "potuz"), else only MAYBE ("and
 * the answer is"), which a file must use twice before it counts. Does not touch utterances.
 * Invariant: a labelset points into its caller's text, which must outlive it and
 * not change while it is used; accepted labels are sorted.
 */
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

#define LABEL_MAX_WORDS 6

/* Whole labels (ASCII case-insensitive) that head notes rather than name people. */
static const char *const not_names[] = {
	"note", "notes", "nb", "ps", "fyi", "todo", "to do", "re", "fwd", "edit", "update",
	"updates", "reminder", "warning", "caution", "important", "tip", "hint", "example",
	"summary", "agenda", "attendees", "participants", "present", "absent", "date", "time",
	"when", "where", "location", "subject", "title", "topic", "decision", "decisions",
	"action", "actions", "action item", "action items", "next step", "next steps",
	"takeaways", "key takeaways", "status", "owner", "due", "deadline", "link", "url",
	"http", "https", "mailto", "email", "e-mail", "phone", "address", "transcript",
	"recording", "meeting", "meeting notes", "minutes", "source", "result", "results",
	"so", "and", "but", "or", "also", "well", "ok", "okay", "yes", "no", "yeah", "then",
	"now", "first", "second", "third", "finally", "plus", "basically", "anyway", "like",
	"because", "hi", "hey", "hello", "thanks", "the", "this", "that", "it", "i", "we",
	"you", "they", "he", "she", "here", "there", "what", "why", "how", "who", "which",
};

/* Lower-case words that belong inside names. */
static const char *const particles[] = {
	"van", "von", "der", "den", "de", "da", "das", "del", "della", "di", "do", "dos",
	"du", "la", "le", "bin", "ibn", "al", "el", "ter", "ten", "y", "e", "zu", "af", "av",
};

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int in_list(const char *const *list, size_t n, const char *s, size_t k, int fold)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		if (list[i][0] != (fold ? lower((unsigned char)s[0]) : s[0]) || strlen(list[i]) != k)
			continue;
		while (j < k && (fold ? lower((unsigned char)s[j]) : s[j]) == list[i][j])
			j++;
		if (j == k)
			return 1;
	}
	return 0;
}

/* A word of a name: not starting lower-case, or with a capital/digit inside, or a particle. */
static int word_namelike(const char *w, size_t k)
{
	if (!(w[0] >= 'a' && w[0] <= 'z'))
		return 1;
	for (size_t i = 1; i < k; i++)
		if ((w[i] >= 'A' && w[i] <= 'Z') || (w[i] >= '0' && w[i] <= '9'))
			return 1;
	return in_list(particles, sizeof particles / sizeof particles[0], w, k, 0);
}

enum label_kind label_kind(const char *s, size_t n)
{
	size_t words = 0, namelike = 0;
	int letter = 0;
	if (n == 0 || n > INGEST_MAX_LABEL || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ',' ||
	    s[0] == '-')
		return LABEL_NO;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == ':' || c == '?' || c == '!' || c == ';' || c == '"' || c == '=' ||
		    c == '<' || c == '>' || c == '*' || c == '{' || c == '}' || c == '\\')
			return LABEL_NO;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
			letter = 1;
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0xA6)
			return LABEL_NO;	/* an ellipsis: speech, not a name */
		if (c == '.' && i + 1 < n && s[i + 1] == '.')
			return LABEL_NO;
	}
	if (!letter || in_list(not_names, sizeof not_names / sizeof not_names[0], s, n, 1))
		return LABEL_NO;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (j > i) {
			words++;
			namelike += word_namelike(s + i, j - i);
		}
		i = j + 1;
	}
	if (words > LABEL_MAX_WORDS)
		return LABEL_NO;
	if (namelike == words || words == 1)	/* a one-word handle: "potuz", "mirgee" */
		return LABEL_NAME;
	return LABEL_MAYBE;
}

size_t label_prefix(const char *s, size_t n)
{
	size_t lim = n < INGEST_MAX_LABEL + 1 ? n : INGEST_MAX_LABEL + 1;
	for (size_t i = 0; i < lim; i++)
		if (s[i] == ':')
			return (i > 0 && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t')) ? i : 0;
	return 0;
}

/* ---- labelset ---- */

struct label_ent {
	const char *s;
	size_t n;
	enum label_kind k;
};

void labelset_init(struct labelset *ls)
{
	ls->v = NULL;
	ls->n = ls->cap = 0;
	ls->acc = NULL;
	ls->nacc = 0;
}

void labelset_release(struct labelset *ls)
{
	if (!ls)
		return;
	free(ls->v);
	free(ls->acc);
	labelset_init(ls);
}

void labelset_add(struct labelset *ls, const char *s, size_t n, enum label_kind k)
{
	if (k == LABEL_NO)
		return;
	ls->v = mk_grow(ls->v, &ls->cap, ls->n + 1, sizeof *ls->v);
	ls->v[ls->n].s = s;
	ls->v[ls->n].n = n;
	ls->v[ls->n].k = k;
	ls->n++;
}

static int span_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct label_ent *x = a, *y = b;
	return span_cmp(x->s, x->n, y->s, y->n);
}

void labelset_resolve(struct labelset *ls)
{
	free(ls->acc);
	ls->acc = NULL;
	ls->nacc = 0;
	if (!ls->n)
		return;
	qsort(ls->v, ls->n, sizeof *ls->v, ent_cmp);
	ls->acc = mk_malloc(ls->n * sizeof *ls->acc);
	for (size_t i = 0; i < ls->n;) {
		size_t j = i;
		int name = 0;
		while (j < ls->n && !ent_cmp(&ls->v[i], &ls->v[j]))
			name |= ls->v[j++].k == LABEL_NAME;
		if (name || j - i >= 2)
			ls->acc[ls->nacc++] = i;
		i = j;
	}
}

int labelset_accepts(const struct labelset *ls, const char *s, size_t n)
{
	size_t lo = 0, hi = ls->nacc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct label_ent *e = &ls->v[ls->acc[mid]];
		int c = span_cmp(s, n, e->s, e->n);
		if (!c)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}
