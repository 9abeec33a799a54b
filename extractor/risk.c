/*
 * risk.c: one risk per sentence at most, from the risk rules' matches (see risk.h).
 * A rule of category "none" (a scheduling line, agenda talk) that outranks the risk
 * rules of its sentence leaves it without a risk; so does a sentence that only names a
 * topic, with no verb ("So, the works council.", "Okay, indemnity."), and a seller's line
 * that does not speak of the buyer's side (the seller's own product and plans). A
 * category found within RISK_REPEAT_MS is the same risk said again.
 */
#include "extractor/risk.h"
#include "util/util.h"

#include <string.h>

#define RISK_REPEAT_MS 45000 /* a risk of the same category this soon after one is the same risk */
#define TOPIC_MAX_WORDS 4    /* a verbless sentence this short names a topic */
#define WORD_MAX 16          /* longer words are none of the short words looked for here */

static int word_byte(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '\'' ||
	       (unsigned char)ch >= 0x80; /* UTF-8 letters and the typographic apostrophe */
}

/*
 * The next word of s[0..len) from *i, lower-cased into buf (empty when longer than
 * WORD_MAX - 1 bytes); advances *i past it. Returns 0 when no word is left.
 */
static int next_word(const char *s, size_t len, size_t *i, char buf[WORD_MAX])
{
	size_t a = *i, b;
	while (a < len && !word_byte(s[a]))
		a++;
	for (b = a; b < len && word_byte(s[b]); b++)
		;
	*i = b;
	if (a == b)
		return 0;
	buf[0] = 0;
	if (b - a < WORD_MAX) {
		for (size_t k = 0; k < b - a; k++)
			buf[k] = s[a + k] >= 'A' && s[a + k] <= 'Z' ? (char)(s[a + k] - 'A' + 'a') : s[a + k];
		buf[b - a] = 0;
	}
	return 1;
}

/* "So, the works council." "Okay, indemnity." "Data residency.": a few words, no verb. */
static int topic_line(const char *s, size_t len)
{
	static const char *const verbs[] = {
		"is", "are", "was", "were", "be", "been", "am", "has", "have", "had", "do", "does",
		"did", "can", "could", "will", "would", "should", "must", "may", "might", "need",
		"needs", "goes", "go", "got", "gets", "takes", "wants", "says", NULL,
	};
	char w[WORD_MAX];
	size_t i = 0, words = 0;
	while (next_word(s, len, &i, w)) {
		/* a verb, or a word that carries one: it's, we're, won't */
		if (mk_in_list(w, verbs) || strchr(w, '\'') || strstr(w, "\xe2\x80\x99"))
			return 0;
		if (++words > TOPIC_MAX_WORDS)
			return 0;
	}
	return 1;
}

/* Does a seller's sentence speak of the buyer's side ("your peak", "he's still asking")? */
static int buyer_ref(const char *s, size_t len)
{
	static const char *const words[] = {
		"your", "you're", "you\xe2\x80\x99re", "you've", "you\xe2\x80\x99ve", "you'd",
		"you\xe2\x80\x99" "d", "he", "he's", "he\xe2\x80\x99s", "she", "she's", "she\xe2\x80\x99s",
		NULL,
	};
	char w[WORD_MAX];
	size_t i = 0;
	while (next_word(s, len, &i, w))
		if (mk_in_list(w, words))
			return 1;
	return 0;
}

const struct rule_match *risk_pick(const struct rule_match *m, const int64_t *start_ms, size_t n,
				   const char *text, size_t len, int seller, const struct mk_findings *f)
{
	const struct rule_match *best = NULL;
	for (size_t i = 0; i < n; i++) {
		int none = !strcmp(m[i].rule->tag, RISK_NONE);
		/* a category said in the last RISK_REPEAT_MS gives way to another one: "finance
		   froze spending, so it goes to the committee" after talk of the budget is the
		   committee */
		if (!none && risk_repeats(f, m[i].rule->tag, start_ms[i]))
			continue;
		if (!best || m[i].rule->confidence > best->rule->confidence)
			best = &m[i];
	}
	if (!best || !strcmp(best->rule->tag, RISK_NONE) || topic_line(text, len))
		return NULL;
	if (seller && !buyer_ref(text, len))
		return NULL;
	return best;
}

int risk_repeats(const struct mk_findings *f, const char *category, int64_t start_ms)
{
	for (size_t i = 0; i < f->nrisks; i++) {
		const struct mk_risk *r = &f->risks[i];
		if (!strcmp(r->category, category) && start_ms - r->ev.start_ms < RISK_REPEAT_MS)
			return 1;
	}
	return 0;
}
