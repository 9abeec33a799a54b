/*
 * words.c: texts to bags of normalized words, for matching findings to plan items.
 * Lower-cases ASCII, splits on anything but letters, digits and UTF-8 letters, drops
 * stop words, filler, dates and ordinals, stems lightly (plurals, -ing, -ed, a few
 * irregular verbs), and adds one class token per synonym phrase found ("security review"
 * and "SIG" both give "#secq"). Does no I/O and keeps no state between calls (the word
 * hash is built once, under pthread_once).
 * Invariant: tables and texts go through the same merge_stem, so they compare.
 */
#include "merge/words.h"
#include "util/util.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX_RAW 160     /* words of one text looked at; the rest is ignored */

/* Words that never tell two actions apart. Surface forms, lower case. */
static const char *const words_stop[] = {
	"a", "an", "the", "and", "or", "but", "nor", "so", "if", "then", "than", "that", "this",
	"these", "those", "there", "here", "it", "its", "itself", "i", "me", "my", "mine",
	"myself", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his", "she",
	"her", "hers", "they", "them", "their", "theirs", "who", "whom", "whose", "which",
	"what", "when", "where", "why", "how", "am", "is", "are", "was", "were", "be", "been",
	"being", "will", "would", "shall", "should", "can", "could", "may", "might", "must",
	"to", "of", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "over",
	"under", "about", "after", "before", "up", "down", "out", "off", "through", "around",
	"back", "again", "across", "along", "not", "no", "yes", "yeah", "yep", "ok", "okay",
	"um", "uh", "uhm", "er", "erm", "hmm", "mm", "like", "just", "really", "actually",
	"basically", "honestly", "literally", "kind", "sort", "well", "right", "sure", "great",
	"good", "fine", "thanks", "thank", "sorry", "oh", "also", "too", "very", "quite",
	"pretty", "lot", "lots", "bit", "little", "some", "any", "all", "both", "each", "every",
	"more", "most", "other", "another", "such", "same", "own", "only", "even", "still",
	"already", "now", "once", "going", "gonna", "wanna", "gotta", "lets", "didn", "don",
	"doesn", "won", "isn", "wasn", "aren", "weren", "haven", "hasn", "hadn", "couldn",
	"wouldn", "shouldn", "ain", "as", "because", "while", "though", "although", "since",
	"until", "till", "unless", "whether", "thing", "things", "stuff", "something",
	"anything", "everything", "someone", "anyone", "everyone", "way", "mean", "guess",
	"think", "said", "say", "says", "tell", "told", "whatever", "via", "per", "vs", "etc",
	"hey", "hi", "cool", "perfect", "awesome", "absolutely", "definitely", "probably",
	"maybe", "hopefully", "realistically", "anyway", "anyways", "otherwise", "else",
	"both", "either", "neither", "much", "many", "few", "couple", "ever", "never", "always",
	"real", "stuck", "slip", "slipped", "slipping", "delayed", "dropped", "drop", "blocked",
	"approved", "sorted", "pending", "waiting", "status", "yet", "handful", "bunch",
};

/* Dates say when, not what: they are compared as dates, not as words. */
static const char *const words_time[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mondays", "tuesdays", "wednesdays", "thursdays", "fridays",
	"january", "february", "march", "april", "june", "july", "august", "september",
	"october", "november", "december", "jan", "feb", "apr", "jun", "jul", "aug", "sep",
	"sept", "oct", "nov", "dec", "today", "tomorrow", "tonight", "yesterday", "weekend",
	"week", "weeks", "month", "months", "year", "years", "day", "days", "morning",
	"afternoon", "evening", "noon", "eod", "eow", "asap", "soon", "later", "early", "late",
	"mid", "end", "next", "last", "quarter", "q1", "q2", "q3", "q4", "time", "date",
	"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
	"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
	"seventeenth", "eighteenth", "nineteenth", "twentieth", "thirtieth",
};

/* Verbs and nouns nearly every action has: they count, but little. Stemmed at init. */
static const char *const words_generic[] = {
	"send", "get", "have", "do", "make", "take", "give", "go", "come", "put", "set", "turn",
	"follow", "circle", "check", "let", "know", "look", "try", "keep", "see", "find",
	"share", "bring", "provide", "deliver", "complete", "finish", "return", "confirm",
	"ping", "reach", "chase", "ask", "talk", "work", "start", "kick", "need", "want", "use",
	"able", "hold", "move", "push", "pull", "loop", "add", "help", "wait", "hear", "read",
	"version", "doc", "document", "info", "information", "detail", "over", "one", "two",
	"three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
	"twenty", "thirty", "forty", "fifty", "hundred", "thousand", "k", "new", "full",
	"quick", "final", "first", "whole", "call", "piece", "part", "bit",
};

/* Synonym phrases: "words|class". Words are surface forms; they are stemmed at init. */
static const char *const words_classes[] = {
	"security questionnaire|secq", "security review|secq", "sig|secq",
	"vendor questionnaire|secq", "security assessment|secq", "risk questionnaire|secq",
	"infosec review|secq", "caiq|secq", "security questions|secq",
	"vendor risk questionnaire|secq", "it security questionnaire|secq",
	"review|assess", "assessment|assess", "assess|assess", "evaluation|assess",
	"audit|assess",
	"msa|msa", "master agreement|msa", "master services agreement|msa",
	"master service agreement|msa", "contract|msa", "paper|msa", "paperwork|msa",
	"dpa|dpa", "data processing agreement|dpa", "data processing addendum|dpa",
	"data protection agreement|dpa",
	"order form|order", "quote|order", "pricing|order", "proposal|order",
	"price|order", "commercial proposal|order",
	"invite|meeting", "invitation|meeting", "meeting|meeting", "calendar|meeting",
	"call|meeting", "session|meeting", "walkthrough|meeting",
	"sow|sow", "statement of work|sow",
	"nda|nda", "mutual nda|nda", "non disclosure agreement|nda",
	"nondisclosure agreement|nda", "confidentiality agreement|nda",
	"po|po", "purchase order|po",
	"procurement|buyers", "purchasing|buyers", "business office|buyers",
	"purchasing department|buyers", "procurement team|buyers", "buying team|buyers",
	"sourcing team|buyers", "strategic sourcing|buyers",
	"redline|redline", "redlines|redline", "markup|redline", "mark up|redline",
	"marked up|redline", "comments|redline", "comment|redline", "edits|redline",
	"sandbox|sandbox", "test environment|sandbox", "poc environment|sandbox",
	"trial environment|sandbox", "test tenant|sandbox", "poc tenant|sandbox",
	"proof of value tenant|sandbox", "demo environment|sandbox", "tenant|sandbox",
	"soc 2|soc2", "soc two|soc2", "sock two|soc2", "soc2|soc2", "soc ii|soc2",
	"baa|baa", "business associate agreement|baa",
	"one pager|onepager", "one page|onepager", "onepager|onepager", "summary|onepager",
	"business case|case", "roi|case", "return on investment|case",
	"!this call|-", "!this meeting|-", "!today's call|-", "!after the call|-",
	"!on the call|-", "!before the call|-", "!of the call|-", "!from the call|-",
	"!the call today|-", "!end of the call|-",
	"sign|sign", "signature|sign", "execute|sign", "countersign|sign",
	"pen test|pentest", "penetration test|pentest", "pentest|pentest",
	"aoc|aoc", "attestation of compliance|aoc",
	"certificate of insurance|coi", "coi|coi", "insurance cert|coi",
	"insurance certificate|coi",
	"vendor forms|vendorsetup", "supplier forms|vendorsetup", "vendor setup|vendorsetup",
	"onboarding forms|vendorsetup", "vendor onboarding|vendorsetup",
	"onboarding packet|vendorsetup", "vendor form|vendorsetup",
	"intro|intro", "introduction|intro", "introduce|intro",
	"spec|spec", "specification|spec",
	"scorecard|criteria", "success criteria|criteria",
	"api key|key", "key|key", "credentials|key", "admin access|key",
	"!sign off|approve", "!signoff|approve", "!signed off|approve", "approve|approve",
	"approval|approve", "decide|approve", "decision|approve", "green light|approve",
	"answer|answer", "let you know|answer", "get back to you|answer",
	"come back to you|answer", "find out|answer", "confirm whether|answer",
};

/* Irregular forms: surface -> base (the base is stemmed like any word). */
static const char *const words_irregular[][2] = {
	{ "sent", "send" }, { "ran", "run" }, { "went", "go" }, { "gone", "go" },
	{ "goes", "go" }, { "got", "get" }, { "gotten", "get" }, { "gave", "give" },
	{ "given", "give" }, { "came", "come" }, { "did", "do" }, { "does", "do" },
	{ "done", "do" }, { "made", "make" }, { "wrote", "write" }, { "written", "write" },
	{ "took", "take" }, { "taken", "take" }, { "brought", "bring" }, { "bought", "buy" },
	{ "built", "build" }, { "had", "have" }, { "has", "have" }, { "kept", "keep" },
	{ "left", "leave" }, { "met", "meet" }, { "paid", "pay" }, { "sat", "sit" },
	{ "spoke", "speak" }, { "spoken", "speak" }, { "began", "begin" }, { "begun", "begin" },
	{ "found", "find" }, { "held", "hold" }, { "led", "lead" },
	{ "emailed", "email" }, { "drafts", "draft" }, { "running", "run" },
	{ "getting", "get" }, { "putting", "put" }, { "setting", "set" },
};

_Static_assert(sizeof words_generic / sizeof words_generic[0] <= MERGE_MAX_GENERIC,
	       "words_generic outgrew struct merge_lex");
_Static_assert(sizeof words_classes / sizeof words_classes[0] <= MERGE_MAX_PHRASES,
	       "words_classes outgrew struct merge_lex");

static int words_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

#define WORDS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The stop and time words as one open-addressing hash, built once per process: a plan
 * merge looks up every word of every quote and item, and the lists hold ~200 words. */
#define WORDS_SLOTS 1024
static const char *words_slot[WORDS_SLOTS];
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static unsigned words_hash(const char *w)
{
	unsigned h = 2166136261u;
	for (; *w; w++)
		h = (h ^ (unsigned char)*w) * 16777619u;
	return h;
}

static void words_add_list(const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned h = words_hash(list[i]) & (WORDS_SLOTS - 1);
		while (words_slot[h] && strcmp(words_slot[h], list[i]))
			h = (h + 1) & (WORDS_SLOTS - 1);
		words_slot[h] = list[i];
	}
}

static void words_build(void)
{
	words_add_list(words_stop, WORDS_COUNT(words_stop));
	words_add_list(words_time, WORDS_COUNT(words_time));
}

_Static_assert(2 * (WORDS_COUNT(words_stop) + WORDS_COUNT(words_time)) < WORDS_SLOTS,
	       "the stop and time words outgrew their hash");

/* 1 when w is a stop word or a time word. */
static int words_skip(const char *w)
{
	unsigned h = words_hash(w) & (WORDS_SLOTS - 1);
	pthread_once(&words_once, words_build);
	for (; words_slot[h]; h = (h + 1) & (WORDS_SLOTS - 1))
		if (!strcmp(words_slot[h], w))
			return 1;
	return 0;
}

static int words_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int words_ascii(const char *w)
{
	for (; *w; w++)
		if ((unsigned char)*w >= 0x80)
			return 0;
	return 1;
}

void merge_stem(const char *word, char *out, size_t outlen)
{
	char w[MERGE_WORD_LEN];
	size_t n;

	if (!outlen)
		return;
	snprintf(w, sizeof w, "%s", word);
	for (size_t i = 0; i < WORDS_COUNT(words_irregular); i++) {
		if (w[0] == words_irregular[i][0][0] && !strcmp(w, words_irregular[i][0])) {
			snprintf(w, sizeof w, "%s", words_irregular[i][1]);
			break;
		}
	}
	n = strlen(w);
	if (!words_ascii(w) || n < 4)
		goto done;
	/* plurals and third person */
	if (n >= 5 && !strcmp(w + n - 3, "ies")) {
		strcpy(w + n - 3, "y");
		n -= 2;
	} else if (n >= 5 && (!strcmp(w + n - 4, "sses") || !strcmp(w + n - 4, "ches") ||
			      !strcmp(w + n - 4, "shes") || !strcmp(w + n - 3, "xes"))) {
		w[n -= 2] = '\0';
	} else if (w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i') {
		w[--n] = '\0';
	}
	/* -ing, -ed */
	if (n >= 6 && !strcmp(w + n - 3, "ing") && !words_vowel(w[n - 4]) &&
	    (words_vowel(w[0]) || words_vowel(w[1]) || words_vowel(w[2]))) {
		w[n -= 3] = '\0';
	} else if (n >= 5 && !strcmp(w + n - 3, "ied")) {
		strcpy(w + n - 3, "y");
		n -= 2;
	} else if (n >= 5 && !strcmp(w + n - 2, "ed") && w[n - 3] != 'e') {
		w[n -= 2] = '\0';
	} else {
		goto estrip;
	}
	/* shipp -> ship, plann -> plan (but call, pass, buzz stay) */
	if (n >= 3 && w[n - 1] == w[n - 2] && !words_vowel(w[n - 1]) && w[n - 1] != 'l' &&
	    w[n - 1] != 's' && w[n - 1] != 'z')
		w[--n] = '\0';
estrip:
	/* make/making -> mak: the silent e goes both ways */
	if (n >= 4 && w[n - 1] == 'e' && w[n - 2] != 'e')
		w[--n] = '\0';
done:
	snprintf(out, outlen, "%s", w);
}

void merge_lex_init(struct merge_lex *lex)
{
	memset(lex, 0, sizeof *lex);
	for (size_t i = 0; i < WORDS_COUNT(words_generic) && lex->ngeneric < MERGE_MAX_GENERIC; i++)
		merge_stem(words_generic[i], lex->generic[lex->ngeneric++], MERGE_WORD_LEN);
	for (size_t i = 0; i < WORDS_COUNT(words_classes) && lex->nphrases < MERGE_MAX_PHRASES; i++) {
		const char *s = words_classes[i], *bar = strchr(s, '|');
		struct merge_phrase *ph = &lex->phrases[lex->nphrases];
		char word[MERGE_WORD_LEN];
		size_t wl = 0;

		if (!bar)
			continue;
		ph->cls = bar + 1;
		if (*s == '!') {
			ph->consume = 1;
			s++;
		}
		for (const char *p = s; p <= bar; p++) {
			if (p == bar || *p == ' ') {
				word[wl] = '\0';
				if (wl && ph->n < MERGE_MAX_PHRASE)
					merge_stem(word, ph->w[ph->n++], MERGE_WORD_LEN);
				wl = 0;
			} else if (wl + 1 < sizeof word) {
				word[wl++] = *p;
			}
		}
		if (ph->n)
			lex->nphrases++;
	}
}

static int words_generic_word(const struct merge_lex *lex, const char *w)
{
	for (size_t i = 0; i < lex->ngeneric; i++)
		if (!strcmp(w, lex->generic[i]))
			return 1;
	return 0;
}

static int words_ordinal(const char *w)
{
	size_t n = strlen(w), d = 0;
	while (d < n && w[d] >= '0' && w[d] <= '9')
		d++;
	if (!d || d == n)
		return 0;
	return !strcmp(w + d, "st") || !strcmp(w + d, "nd") || !strcmp(w + d, "rd") ||
	       !strcmp(w + d, "th");
}

static void words_put(struct merge_bag *b, const char *w, float wt)
{
	for (size_t i = 0; i < b->n; i++) {
		if (b->w[i][0] == w[0] && !strcmp(b->w[i], w)) {
			if (wt > b->wt[i])
				b->wt[i] = wt;
			return;
		}
	}
	if (b->n >= MERGE_MAX_WORDS)
		return;
	snprintf(b->w[b->n], MERGE_WORD_LEN, "%s", w);
	b->wt[b->n++] = wt;
}

/* Splits text into lower-case surface words; "key's" -> "key", "didn't" -> "didn". */
static size_t words_split(const char *text, char (*raw)[MERGE_WORD_LEN], size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = 0;

	while (*s && n < max) {
		size_t len = 0;
		while (*s && !words_is_alpha(*s))
			s++;
		if (!*s)
			break;
		while (*s && words_is_alpha(*s)) {
			/* U+2018, U+2019 (quotes), U+2013, U+2014 (dashes), U+2026 split words */
			if (s[0] == 0xE2 && s[1] == 0x80 && s[2])
				break;
			if (len + 1 < MERGE_WORD_LEN) {
				unsigned char c = *s;
				raw[n][len++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
			}
			s++;
		}
		raw[n][len] = '\0';
		/* an apostrophe suffix ('s, 'll, n't) is not a word of its own */
		if (n > 0 && (!strcmp(raw[n], "s") || !strcmp(raw[n], "ll") || !strcmp(raw[n], "re") ||
			      !strcmp(raw[n], "ve") || !strcmp(raw[n], "d") || !strcmp(raw[n], "t") ||
			      !strcmp(raw[n], "m")))
			continue;
		if (len)
			n++;
		if (s[0] == 0xE2 && s[1] == 0x80 && s[2])
			s += 3;
	}
	return n;
}

/* The value of a number word ("seven", "forty", "hundred"), or -1. */
static long words_number(const char *w)
{
	static const char *const small[] = {
		"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
		"eighteen", "nineteen",
	};
	static const char *const tens[] = { "twenty", "thirty", "forty", "fifty", "sixty",
					    "seventy", "eighty", "ninety" };
	for (size_t i = 0; i < WORDS_COUNT(small); i++)
		if (!strcmp(w, small[i]))
			return (long)i;
	for (size_t i = 0; i < WORDS_COUNT(tens); i++)
		if (!strcmp(w, tens[i]))
			return 20 + 10 * (long)i;
	if (!strcmp(w, "hundred"))
		return 100;
	if (!strcmp(w, "thousand"))
		return 1000;
	if (!strcmp(w, "million"))
		return 1000000;
	return -1;
}

static int words_ordinal(const char *w);

static int words_ordinal_word(const char *w)
{
	static const char *const ord[] = { "first", "second", "third", "fourth", "fifth", "sixth",
					   "seventh", "eighth", "ninth", "th", "st", "nd", "rd" };
	for (size_t i = 0; i < WORDS_COUNT(ord); i++)
		if (!strcmp(w, ord[i]))
			return 1;
	return words_ordinal(w);
}

/* Quantities said in words or digits ("two hundred", "200", "fifteen") give one token
 * "=VALUE", so "the two hundred files" and "a sample of 200" share it. Values under ten
 * say little ("one of these", "two things") and are left as words; a number followed by
 * an ordinal ("twenty sixth") is a date. Marks the words it reads in used[]. */
static void words_numbers(struct merge_bag *b, char (*raw)[MERGE_WORD_LEN], char *used, size_t n,
			  float scale, float taper)
{
	for (size_t i = 0; i < n;) {
		long total = 0, cur = 0, v;
		size_t j = i;
		int digits = 0;
		char tok[MERGE_WORD_LEN];

		if (raw[i][0] >= '0' && raw[i][0] <= '9') {
			size_t k = 0;
			while (raw[i][k] >= '0' && raw[i][k] <= '9')
				k++;
			if (raw[i][k] || k > 9) {
				i++;
				continue;
			}
			cur = atol(raw[i]);
			digits = 1;
			j = i + 1;
		} else {
			for (; j < n && (v = words_number(raw[j])) >= 0; j++) {
				if (v >= 1000) {
					total += (cur ? cur : 1) * v;
					cur = 0;
				} else if (v == 100) {
					cur = (cur ? cur : 1) * 100;
				} else {
					cur += v;
				}
			}
			if (j == i) {
				i++;
				continue;
			}
		}
		v = total + cur;
		if (v >= 10 && !(j < n && words_ordinal_word(raw[j]))) {
			snprintf(tok, sizeof tok, "=%ld", v);
			words_put(b, tok, MERGE_W_WORD * scale * (1 - taper * (float)i / (float)n));
			for (size_t k = i; k < j; k++)
				used[k] = 1;
		} else if (!digits && j < n && words_ordinal_word(raw[j])) {
			for (size_t k = i; k < j; k++)
				used[k] = 1; /* a date's day */
		}
		i = j;
	}
}

void merge_bag_add(const struct merge_lex *lex, struct merge_bag *b, const char *text, float scale)
{
	merge_bag_add_taper(lex, b, text, scale, 0);
}

void merge_bag_add_taper(const struct merge_lex *lex, struct merge_bag *b, const char *text,
			 float scale, float taper)
{
	char raw[WORDS_MAX_RAW][MERGE_WORD_LEN];
	char stem[WORDS_MAX_RAW][MERGE_WORD_LEN];
	char used[WORDS_MAX_RAW];
	size_t n;

	if (!text)
		return;
	n = words_split(text, raw, WORDS_MAX_RAW);
	for (size_t i = 0; i < n; i++)
		merge_stem(raw[i], stem[i], MERGE_WORD_LEN);
	/* synonym phrases, on the stemmed words (stop words included: "statement of work");
	 * a consuming phrase ("sign off") leaves its words to nothing else */
	memset(used, 0, sizeof used);
	for (int pass = 1; pass >= 0; pass--) {
		for (size_t i = 0; i < n; i++) {
			for (size_t p = 0; p < lex->nphrases; p++) {
				const struct merge_phrase *ph = &lex->phrases[p];
				size_t k = 0;
				char cls[MERGE_WORD_LEN];
				if (ph->consume != pass || ph->w[0][0] != stem[i][0])
					continue;
				while (k < ph->n && i + k < n && !used[i + k] && !strcmp(stem[i + k], ph->w[k]))
					k++;
				if (k < ph->n)
					continue;
				snprintf(cls, sizeof cls, "#%s", ph->cls);
				if (strcmp(ph->cls, "-"))
					words_put(b, cls, MERGE_W_CLASS * scale * (1 - taper * (float)i / (float)n));
				for (k = 0; pass && k < ph->n; k++)
					used[i + k] = 1;
				if (ph->n == 1 && !used[i])
					used[i] = 2; /* "SIG" is the class: the word itself adds nothing */
			}
		}
	}
	words_numbers(b, raw, used, n, scale, taper);
	for (size_t i = 0; i < n; i++) {
		const char *w = raw[i];
		if (used[i] == 2) {
			words_put(b, stem[i], 0); /* kept, weightless, to tell a word from its synonym */
			continue;
		}
		if (used[i] || words_skip(w) || words_ordinal(w))
			continue;
		if (!strcmp(stem[i], "of") || !stem[i][0])
			continue;
		words_put(b, stem[i], (words_generic_word(lex, stem[i]) ? MERGE_W_GENERIC : MERGE_W_WORD) *
				      scale * (1 - taper * (float)i / (float)n));
	}
}

float merge_bag_weight(const struct merge_bag *b)
{
	float s = 0;
	for (size_t i = 0; i < b->n; i++)
		s += b->wt[i];
	return s;
}

float merge_bag_content(const struct merge_bag *b)
{
	float s = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->wt[i] > MERGE_W_GENERIC * 2)
			s += b->wt[i];
	return s;
}

int merge_bag_has(const struct merge_bag *b, const char *word)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->w[i][0] == word[0] && !strcmp(b->w[i], word))
			return 1;
	return 0;
}

void merge_bag_compare(const struct merge_bag *a, const struct merge_bag *b, struct merge_sim *out)
{
	float wa = merge_bag_weight(a), wb = merge_bag_weight(b);

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < a->n; i++) {
		for (size_t j = 0; j < b->n; j++) {
			if (a->w[i][0] != b->w[j][0] || strcmp(a->w[i], b->w[j]))
				continue;
			float m = a->wt[i] < b->wt[j] ? a->wt[i] : b->wt[j];
			out->shared += m;
			if (a->wt[i] > MERGE_W_GENERIC * 2 && b->wt[j] > MERGE_W_GENERIC * 2)
				out->shared_content += m;
			break;
		}
	}
	if (wa > 0 && wb > 0)
		out->sim = out->shared / sqrtf(wa * wb);
	if (out->sim > 1)
		out->sim = 1;
}

/* ---- names ---- */

/* Length of the next name word at s (letters, digits, UTF-8, '-', '\''), after skipping. */
static size_t words_name_word(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t n = 0;
	while (*p && !(words_is_alpha(*p)))
		p++;
	*s = (const char *)p;
	while (p[n] && (words_is_alpha(p[n]) || p[n] == '-' || p[n] == '\''))
		n++;
	return n;
}

int merge_same_person(const char *a, const char *b)
{
	size_t na, nb;

	if (!a || !b)
		return 0;
	if (!words_name_word(&a) || !words_name_word(&b))
		return 0;
	for (;;) {
		na = words_name_word(&a);
		nb = words_name_word(&b);
		if (!na && !nb)
			return 1;       /* all words equal */
		if (!na || !nb)
			return 1;       /* one name is the other's first word(s) */
		if (na != nb || !mk_strnieq(a, b, na))
			return 0;
		a += na;
		b += nb;
	}
}

int merge_names(const char *text, const char *name)
{
	const char *n = name, *t = text;
	size_t nl, tl;

	if (!text || !name)
		return 0;
	nl = words_name_word(&n);
	if (nl < 2)
		return 0;
	while ((tl = words_name_word(&t)) > 0) {
		int possessive = (tl == nl + 2 && t[nl] == '\'' && (t[nl + 1] | 32) == 's') ||
				 (tl == nl + 4 && !memcmp(t + nl, "\xE2\x80\x99", 3) && (t[nl + 3] | 32) == 's');
		if ((tl == nl || possessive) && mk_strnieq(t, n, nl))
			return 1;
		t += tl;
	}
	return 0;
}
