/*
 * action.c: a commitment's action as it should read on the plan (action.h). Works on
 * tokens (words and punctuation) of the captured words and of the sentences before
 * them: one dictionary of closed-class words (determiners, pronouns, prepositions,
 * particles, hedges...) and of the nouns deals are made of (documents, meetings)
 * classes every token; noun phrases are chunked from those classes, no tagger.
 * Invariant: the result holds only words said in the call (or their plain forms:
 * "get you X" -> "send X to NAME"), never NULL.
 */
#include "extractor/action.h"
#include "util/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAXTOK 96             /* tokens of one action or context sentence looked at */
#define CTX_SENTS 10          /* sentences back an antecedent is looked for */
#define CTX_TURNS 3           /* speaker changes back it is looked for */
#define NP_MAX 14             /* tokens of one noun phrase */

enum {
	W_DET = 1u << 0,    /* the a our your ... */
	W_NUM = 1u << 1,    /* two three couple */
	W_PRON = 1u << 2,   /* it them: objects to resolve */
	W_DEMO = 1u << 3,   /* that this those these: pronoun or determiner */
	W_SUBJ = 1u << 4,   /* I we you he she they */
	W_PART = 1u << 5,   /* over back around up: verb particles */
	W_PREP = 1u << 6,   /* to for with ... */
	W_ATT = 1u << 7,    /* of for on from with about in: may extend a noun phrase */
	W_CONJ = 1u << 8,   /* and or but so if because ... */
	W_VERB = 1u << 9,   /* is have get went: ends a noun phrase */
	W_ADV = 1u << 10,   /* just really then: ends a noun phrase */
	W_HEDGE = 1u << 11, /* dropped from an action anywhere */
	W_WEAK = 1u << 12,  /* thing way bit: says nothing alone */
	W_ART = 1u << 13,   /* a thing a deal is made of: deck, questionnaire, order form */
	W_MEET = 1u << 14,  /* a meeting: call, session, walkthrough */
	W_PAPER = 1u << 15, /* what gets signed: contract, order form, MSA */
	W_COMM = 1u << 16,  /* verbs whose object is a person: ask, ping, tell */
	W_EVENT = 1u << 17, /* verbs whose object may be a meeting: run, book, schedule */
	W_TIME = 1u << 18,  /* week, morning: a date's words */
};

#define W_STOPNP (W_PRON | W_DEMO | W_SUBJ | W_PART | W_PREP | W_CONJ | W_VERB | W_ADV | W_HEDGE | W_TIME)

struct dword {
	const char *w;
	unsigned bits;
};

static struct dword dict[] = {
	{ "the", W_DET }, { "a", W_DET }, { "an", W_DET }, { "our", W_DET }, { "your", W_DET },
	{ "their", W_DET }, { "my", W_DET }, { "his", W_DET }, { "its", W_DET }, { "some", W_DET },
	{ "any", W_DET }, { "another", W_DET }, { "every", W_DET }, { "each", W_DET }, { "all", W_DET },
	{ "her", W_DET | W_PRON }, { "both", W_PRON }, { "everything", W_WEAK },
	{ "two", W_NUM }, { "three", W_NUM }, { "four", W_NUM }, { "five", W_NUM }, { "six", W_NUM },
	{ "seven", W_NUM }, { "eight", W_NUM }, { "nine", W_NUM }, { "ten", W_NUM }, { "couple", W_NUM },
	{ "few", W_NUM }, { "twenty", W_NUM }, { "thirty", W_NUM }, { "fifty", W_NUM }, { "hundred", W_NUM },
	{ "it", W_PRON }, { "them", W_PRON }, { "him", W_PRON }, { "one", W_WEAK },
	{ "that", W_DEMO }, { "this", W_DEMO }, { "those", W_DEMO }, { "these", W_DEMO },
	{ "i", W_SUBJ }, { "we", W_SUBJ }, { "you", W_SUBJ }, { "he", W_SUBJ }, { "she", W_SUBJ },
	{ "they", W_SUBJ }, { "me", W_SUBJ }, { "us", W_SUBJ }, { "it's", W_SUBJ | W_VERB },
	{ "that's", W_SUBJ | W_VERB }, { "there", W_ADV }, { "here", W_ADV }, { "which", W_CONJ },
	{ "who", W_CONJ }, { "what", W_CONJ }, { "whoever", W_SUBJ }, { "everyone", W_SUBJ | W_WEAK },
	{ "everybody", W_SUBJ | W_WEAK }, { "someone", W_SUBJ | W_WEAK }, { "somebody", W_SUBJ | W_WEAK },
	{ "i'll", W_SUBJ }, { "we'll", W_SUBJ }, { "you'll", W_SUBJ }, { "he'll", W_SUBJ }, { "she'll", W_SUBJ },
	{ "they'll", W_SUBJ }, { "i'm", W_SUBJ }, { "we're", W_SUBJ }, { "you're", W_SUBJ },
	{ "they're", W_SUBJ }, { "he's", W_SUBJ }, { "she's", W_SUBJ }, { "there's", W_SUBJ }, { "i'd", W_SUBJ },
	{ "we'd", W_SUBJ }, { "you've", W_SUBJ }, { "we've", W_SUBJ }, { "i've", W_SUBJ },
	{ "over", W_PART | W_PREP }, { "back", W_PART }, { "across", W_PART | W_PREP }, { "around", W_PART | W_PREP },
	{ "round", W_PART }, { "up", W_PART }, { "off", W_PART }, { "out", W_PART }, { "through", W_PART | W_PREP },
	{ "along", W_PART }, { "together", W_PART }, { "down", W_PART }, { "away", W_PART },
	{ "to", W_PREP }, { "for", W_PREP | W_ATT }, { "with", W_PREP | W_ATT }, { "of", W_PREP | W_ATT },
	{ "on", W_PREP | W_ATT }, { "from", W_PREP | W_ATT }, { "about", W_PREP | W_ATT }, { "in", W_PREP | W_ATT },
	{ "at", W_PREP }, { "by", W_PREP }, { "into", W_PREP }, { "onto", W_PREP }, { "before", W_PREP | W_CONJ },
	{ "after", W_PREP | W_CONJ }, { "until", W_PREP | W_CONJ }, { "till", W_PREP | W_CONJ },
	{ "within", W_PREP }, { "via", W_PREP }, { "between", W_PREP | W_ATT }, { "per", W_PREP }, { "than", W_PREP },
	{ "as", W_CONJ }, { "like", W_PREP | W_HEDGE }, { "without", W_PREP }, { "under", W_PREP }, { "behind", W_PREP },
	{ "and", W_CONJ }, { "or", W_CONJ }, { "but", W_CONJ }, { "so", W_CONJ }, { "if", W_CONJ },
	{ "because", W_CONJ }, { "cause", W_CONJ }, { "once", W_CONJ }, { "when", W_CONJ }, { "while", W_CONJ },
	{ "since", W_CONJ }, { "though", W_CONJ }, { "although", W_CONJ }, { "unless", W_CONJ }, { "whether", W_CONJ },
	{ "where", W_CONJ }, { "how", W_CONJ }, { "why", W_CONJ }, { "whatever", W_CONJ }, { "nor", W_CONJ },
	{ "is", W_VERB }, { "are", W_VERB }, { "was", W_VERB }, { "were", W_VERB }, { "be", W_VERB },
	{ "been", W_VERB }, { "being", W_VERB }, { "am", W_VERB }, { "do", W_VERB }, { "does", W_VERB },
	{ "did", W_VERB }, { "done", W_VERB }, { "have", W_VERB }, { "has", W_VERB }, { "had", W_VERB },
	{ "get", W_VERB }, { "gets", W_VERB }, { "got", W_VERB }, { "go", W_VERB }, { "goes", W_VERB },
	{ "went", W_VERB }, { "gone", W_VERB }, { "will", W_VERB }, { "would", W_VERB }, { "can", W_VERB },
	{ "could", W_VERB }, { "should", W_VERB }, { "shall", W_VERB }, { "may", W_VERB }, { "might", W_VERB },
	{ "must", W_VERB }, { "need", W_VERB }, { "needs", W_VERB }, { "want", W_VERB }, { "wants", W_VERB },
	{ "take", W_VERB }, { "takes", W_VERB }, { "took", W_VERB }, { "make", W_VERB }, { "makes", W_VERB },
	{ "made", W_VERB }, { "come", W_VERB }, { "comes", W_VERB }, { "came", W_VERB }, { "see", W_VERB },
	{ "saw", W_VERB }, { "look", W_VERB }, { "looks", W_VERB }, { "said", W_VERB }, { "say", W_VERB },
	{ "says", W_VERB }, { "think", W_VERB }, { "know", W_VERB }, { "knows", W_VERB }, { "send", W_VERB },
	{ "sends", W_VERB }, { "sent", W_VERB }, { "lands", W_VERB }, { "landed", W_VERB }, { "land", W_VERB },
	{ "sit", W_VERB }, { "sits", W_VERB }, { "sat", W_VERB }, { "keep", W_VERB }, { "kept", W_VERB },
	{ "give", W_VERB }, { "gave", W_VERB }, { "put", W_VERB }, { "let", W_VERB }, { "seems", W_VERB },
	{ "seem", W_VERB }, { "mean", W_VERB }, { "means", W_VERB }, { "ask", W_VERB | W_COMM },
	{ "asked", W_VERB }, { "tell", W_VERB | W_COMM }, { "told", W_VERB }, { "ping", W_VERB | W_COMM },
	{ "email", W_COMM }, { "call", W_MEET | W_COMM }, { "text", W_COMM }, { "remind", W_VERB | W_COMM },
	{ "talk", W_VERB | W_COMM }, { "loop", W_VERB | W_COMM }, { "nudge", W_VERB | W_COMM },
	{ "chase", W_VERB | W_COMM }, { "contact", W_COMM }, { "introduce", W_VERB | W_COMM },
	{ "run", W_VERB | W_EVENT }, { "book", W_VERB | W_EVENT }, { "schedule", W_VERB | W_EVENT },
	{ "host", W_VERB | W_EVENT }, { "set", W_VERB | W_EVENT }, { "organize", W_VERB | W_EVENT },
	{ "organise", W_VERB | W_EVENT }, { "arrange", W_VERB | W_EVENT }, { "lead", W_EVENT },
	{ "join", W_VERB | W_EVENT }, { "attend", W_VERB | W_EVENT }, { "present", W_VERB | W_EVENT },
	{ "lock", W_VERB | W_EVENT }, { "record", W_EVENT }, { "moved", W_VERB }, { "happen", W_VERB },
	{ "happens", W_VERB }, { "works", W_VERB }, { "work", W_VERB }, { "help", W_VERB }, { "helps", W_VERB },
	{ "sign", W_VERB }, { "signs", W_VERB }, { "showed", W_VERB }, { "show", W_VERB }, { "use", W_VERB },
	{ "just", W_ADV | W_HEDGE }, { "basically", W_ADV | W_HEDGE }, { "actually", W_ADV | W_HEDGE },
	{ "probably", W_ADV | W_HEDGE }, { "hopefully", W_ADV | W_HEDGE }, { "definitely", W_ADV | W_HEDGE },
	{ "certainly", W_ADV | W_HEDGE }, { "absolutely", W_ADV | W_HEDGE }, { "really", W_ADV | W_HEDGE },
	{ "honestly", W_ADV | W_HEDGE }, { "literally", W_ADV | W_HEDGE }, { "maybe", W_ADV | W_HEDGE },
	{ "personally", W_ADV | W_HEDGE }, { "quickly", W_ADV | W_HEDGE }, { "myself", W_ADV | W_HEDGE },
	{ "ourselves", W_ADV | W_HEDGE }, { "himself", W_ADV | W_HEDGE }, { "herself", W_ADV | W_HEDGE },
	{ "themselves", W_ADV | W_HEDGE }, { "also", W_ADV | W_HEDGE }, { "properly", W_ADV | W_HEDGE },
	{ "directly", W_ADV | W_HEDGE }, { "fast", W_ADV | W_HEDGE }, { "still", W_ADV | W_HEDGE },
	{ "happily", W_ADV | W_HEDGE }, { "gladly", W_ADV | W_HEDGE }, { "obviously", W_ADV | W_HEDGE },
	{ "too", W_ADV }, { "then", W_ADV }, { "now", W_ADV }, { "very", W_ADV }, { "quite", W_ADV },
	{ "pretty", W_ADV }, { "right", W_ADV }, { "first", W_ADV }, { "later", W_ADV }, { "soon", W_ADV },
	{ "already", W_ADV }, { "again", W_ADV }, { "else", W_ADV }, { "anyway", W_ADV }, { "well", W_ADV },
	{ "yeah", W_ADV }, { "yes", W_ADV }, { "okay", W_ADV }, { "ok", W_ADV }, { "sure", W_ADV }, { "not", W_ADV },
	{ "no", W_ADV }, { "only", W_ADV }, { "even", W_ADV }, { "ever", W_ADV }, { "never", W_ADV },
	{ "january", W_TIME }, { "february", W_TIME }, { "march", W_TIME }, { "april", W_TIME }, { "june", W_TIME },
	{ "july", W_TIME }, { "august", W_TIME }, { "september", W_TIME }, { "october", W_TIME },
	{ "november", W_TIME }, { "december", W_TIME }, { "monday", W_TIME }, { "tuesday", W_TIME },
	{ "wednesday", W_TIME }, { "thursday", W_TIME }, { "friday", W_TIME }, { "saturday", W_TIME },
	{ "sunday", W_TIME }, { "eod", W_TIME }, { "night", W_TIME }, { "yesterday", W_TIME }, { "eow", W_TIME },
	{ "pull", W_VERB }, { "push", W_VERB }, { "write", W_VERB }, { "check", W_VERB }, { "confirm", W_VERB },
	{ "share", W_VERB }, { "provide", W_VERB }, { "submit", W_VERB }, { "finish", W_VERB }, { "complete", W_VERB },
	{ "circle", W_VERB }, { "follow", W_VERB }, { "reach", W_VERB }, { "forward", W_VERB }, { "turn", W_VERB },
	{ "raise", W_VERB }, { "open", W_VERB }, { "create", W_VERB }, { "add", W_VERB }, { "move", W_VERB },
	{ "start", W_VERB }, { "kick", W_VERB }, { "finalize", W_VERB }, { "finalise", W_VERB }, { "handle", W_VERB },
	{ "own", W_VERB }, { "grab", W_VERB }, { "find", W_VERB }, { "figure", W_VERB }, { "dig", W_VERB },
	{ "speak", W_VERB }, { "meet", W_VERB }, { "bring", W_VERB }, { "hold", W_VERB }, { "cut", W_VERB },
	{ "pass", W_VERB }, { "drop", W_VERB }, { "walk", W_VERB }, { "approve", W_VERB }, { "commit", W_VERB },
	{ "buy", W_VERB }, { "pay", W_VERB }, { "agree", W_VERB }, { "decide", W_VERB }, { "try", W_VERB },
	{ "wait", W_VERB }, { "stay", W_VERB }, { "scrub", W_VERB }, { "generate", W_VERB }, { "spin", W_VERB },
	{ "wire", W_VERB }, { "plug", W_VERB }, { "resend", W_VERB }, { "re-send", W_VERB }, { "resubmit", W_VERB },
	{ "rerun", W_VERB }, { "redo", W_VERB }, { "configure", W_VERB }, { "enable", W_VERB }, { "deliver", W_VERB },
	{ "train", W_VERB }, { "onboard", W_VERB }, { "prepare", W_VERB }, { "prep", W_VERB }, { "sort", W_VERB },
	{ "shoot", W_VERB }, { "fire", W_VERB }, { "put", W_VERB }, { "loop", W_VERB }, { "hop", W_VERB },
	{ "jump", W_VERB }, { "dial", W_VERB }, { "circulate", W_VERB }, { "distribute", W_VERB }, { "clarify", W_VERB },
	{ "explain", W_VERB }, { "cover", W_VERB }, { "cc", W_VERB }, { "chat", W_VERB }, { "touch", W_VERB },
	{ "coordinate", W_VERB }, { "line", W_VERB }, { "lined", W_VERB }, { "gonna", W_VERB }, { "wanna", W_VERB },
	{ "going", W_VERB }, { "able", W_ADV }, { "happy", W_ADV }, { "glad", W_ADV },
	{ "asap", W_TIME }, { "week", W_TIME }, { "weeks", W_TIME }, { "day", W_TIME }, { "days", W_TIME },
	{ "month", W_TIME }, { "months", W_TIME }, { "morning", W_TIME }, { "afternoon", W_TIME },
	{ "evening", W_TIME }, { "hour", W_TIME }, { "hours", W_TIME }, { "minute", W_TIME }, { "minutes", W_TIME },
	{ "today", W_TIME }, { "tomorrow", W_TIME }, { "tonight", W_TIME }, { "year", W_TIME }, { "quarter", W_TIME },
	{ "thing", W_WEAK }, { "things", W_WEAK }, { "stuff", W_WEAK }, { "ones", W_WEAK }, { "lot", W_WEAK },
	{ "bit", W_WEAK }, { "way", W_WEAK }, { "time", W_WEAK | W_TIME }, { "part", W_WEAK }, { "side", W_WEAK },
	{ "piece", W_WEAK }, { "point", W_WEAK }, { "question", W_WEAK }, { "idea", W_WEAK }, { "sense", W_WEAK },
	{ "end", W_WEAK | W_TIME }, { "guy", W_WEAK }, { "guys", W_WEAK }, { "people", W_WEAK }, { "folks", W_WEAK },
	{ "kind", W_WEAK }, { "sort", W_WEAK }, { "anything", W_WEAK }, { "something", W_WEAK },
	{ "nothing", W_WEAK }, { "percent", W_WEAK }, { "problem", W_WEAK }, { "issue", W_WEAK },
	{ "deal", W_WEAK }, { "conversation", W_WEAK }, { "case", W_WEAK | W_ART }, { "number", W_WEAK },
	{ "team", W_WEAK }, { "thanks", W_WEAK }, { "state", W_WEAK }, { "place", W_WEAK }, { "world", W_WEAK },
	{ "chance", W_WEAK }, { "reason", W_WEAK }, { "job", W_WEAK }, { "work", W_WEAK },
	{ "questionnaire", W_ART }, { "report", W_ART }, { "deck", W_ART }, { "proposal", W_ART },
	{ "quote", W_ART }, { "pricing", W_ART }, { "price", W_ART }, { "contract", W_ART | W_PAPER },
	{ "agreement", W_ART | W_PAPER }, { "msa", W_ART | W_PAPER }, { "dpa", W_ART | W_PAPER },
	{ "baa", W_ART | W_PAPER }, { "nda", W_ART | W_PAPER }, { "sow", W_ART | W_PAPER }, { "order", W_ART },
	{ "form", W_ART | W_PAPER }, { "redline", W_ART }, { "invite", W_ART }, { "invitation", W_ART }, { "spec", W_ART },
	{ "plan", W_ART }, { "list", W_ART }, { "summary", W_ART }, { "pager", W_ART }, { "one-pager", W_ART },
	{ "pack", W_ART }, { "packet", W_ART }, { "template", W_ART }, { "export", W_ART }, { "extract", W_ART },
	{ "file", W_ART }, { "data", W_ART }, { "sample", W_ART }, { "credential", W_ART }, { "login", W_ART },
	{ "certificate", W_ART }, { "cert", W_ART }, { "policy", W_ART }, { "numbers", W_ART }, { "figures", W_ART },
	{ "doc", W_ART }, { "document", W_ART }, { "documentation", W_ART }, { "draft", W_ART }, { "write-up", W_ART },
	{ "writeup", W_ART }, { "recap", W_ART }, { "notes", W_ART }, { "schedule", W_ART }, { "timeline", W_ART },
	{ "calendar", W_ART }, { "agenda", W_ART }, { "model", W_ART }, { "diagram", W_ART }, { "mapping", W_ART },
	{ "po", W_ART }, { "invoice", W_ART }, { "letter", W_ART }, { "checklist", W_ART }, { "link", W_ART },
	{ "recording", W_ART }, { "reference", W_ART }, { "names", W_ART }, { "budget", W_ART }, { "approval", W_ART },
	{ "answer", W_ART }, { "estimate", W_ART }, { "breakdown", W_ART }, { "sheet", W_ART }, { "spreadsheet", W_ART },
	{ "slide", W_ART }, { "analysis", W_ART }, { "assessment", W_ART }, { "attestation", W_ART }, { "log", W_ART },
	{ "result", W_ART }, { "benchmark", W_ART }, { "scorecard", W_ART }, { "roadmap", W_ART }, { "memo", W_ART },
	{ "access", W_ART }, { "key", W_ART }, { "account", W_ART }, { "tenant", W_ART }, { "sandbox", W_ART },
	{ "environment", W_ART }, { "build", W_ART }, { "image", W_ART }, { "release", W_ART }, { "version", W_ART },
	{ "fix", W_ART }, { "patch", W_ART }, { "ticket", W_ART }, { "request", W_ART }, { "registration", W_ART },
	{ "metadata", W_ART }, { "terms", W_ART }, { "addendum", W_ART | W_PAPER }, { "exhibit", W_ART },
	{ "clause", W_ART }, { "comments", W_ART }, { "feedback", W_ART }, { "response", W_ART }, { "spec", W_ART },
	{ "sla", W_ART | W_PAPER }, { "paperwork", W_ART | W_PAPER }, { "paper", W_ART | W_PAPER },
	{ "case", W_ART }, { "forms", W_ART }, { "script", W_ART }, { "guide", W_ART }, { "architecture", W_ART },
	{ "schema", W_ART }, { "runbook", W_ART }, { "playbook", W_ART }, { "workbook", W_ART }, { "wording", W_ART },
	{ "inventory", W_ART }, { "dictionary", W_ART }, { "charter", W_ART }, { "matrix", W_ART }, { "fee", W_ART },
	{ "modeling", W_ART }, { "modelling", W_ART },
	{ "range", W_ART }, { "ranges", W_ART }, { "details", W_ART }, { "info", W_ART }, { "information", W_ART },
	{ "pr", W_ART }, { "code", W_ART }, { "bytecode", W_ART }, { "statement", W_ART }, { "invoice", W_ART },
	{ "meeting", W_MEET }, { "session", W_MEET }, { "check-in", W_MEET }, { "checkin", W_MEET },
	{ "sync", W_MEET }, { "walkthrough", W_MEET }, { "review", W_MEET }, { "demo", W_MEET | W_ART },
	{ "workshop", W_MEET }, { "kickoff", W_MEET }, { "kick-off", W_MEET }, { "intro", W_MEET },
	{ "introduction", W_MEET }, { "training", W_MEET }, { "presentation", W_MEET }, { "huddle", W_MEET },
	{ "standup", W_MEET }, { "catch-up", W_MEET }, { "visit", W_MEET }, { "tour", W_MEET }, { "briefing", W_MEET },
	{ "interview", W_MEET }, { "webinar", W_MEET }, { "onsite", W_MEET }, { "offsite", W_MEET },
	{ "retro", W_MEET }, { "retrospective", W_MEET }, { "debrief", W_MEET },
};
#define NDICT (sizeof dict / sizeof dict[0])

static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

static int dword_cmp(const void *a, const void *b)
{
	const struct dword *x = a, *y = b;
	return strcmp(x->w, y->w);
}

static void dict_init(void)
{
	/* merge duplicates (a word may be listed by two roles) after sorting */
	size_t k = 0;
	qsort(dict, NDICT, sizeof dict[0], dword_cmp);
	for (size_t i = 0; i < NDICT; i++) {
		if (k && !strcmp(dict[k - 1].w, dict[i].w)) {
			dict[k - 1].bits |= dict[i].bits;
			continue;
		}
		dict[k++] = dict[i];
	}
	for (size_t i = k; i < NDICT; i++) { /* the tail repeats the last entry: never a new word */
		dict[i] = dict[k - 1];
	}
}

static unsigned lookup(const char *low)
{
	size_t lo = 0, hi = NDICT;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(dict[mid].w, low);
		if (!c)
			return dict[mid].bits;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- tokens ---- */

struct tok {
	const char *s;
	size_t n;
	char low[32];         /* ASCII lower case ("" when longer) */
	unsigned bits;
	unsigned char word;   /* a word (else punctuation) */
	unsigned char cap;    /* starts with an upper-case letter */
	unsigned char acro;   /* two or more letters, all upper case ("MSA", "SOC") */
	unsigned char date;   /* inside a date expression */
	unsigned char drop;   /* left out of the result */
	const char *repl;     /* said instead (owned by the caller's pool) */
};

struct toks {
	struct tok t[MAXTOK];
	size_t n;
	int more; /* the sentence goes on past the last token with ", <word>" */
};

static int is_wordc(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
}

/* Punctuation written in UTF-8 that is no part of a word: dashes, ellipsis, quotes. */
static size_t utf8_punct(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] == 0x93 || u[2] == 0x94 || u[2] == 0xa6 || u[2] == 0x9c || u[2] == 0x9d || u[2] == 0x98))
		return 3;
	return 0;
}

static void classify(struct tok *t)
{
	size_t k = 0, upper = 0, letters = 0;
	int ascii = 1;
	for (size_t i = 0; i < t->n; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (c >= 0x80)
			ascii = 0;
		if (c >= 'A' && c <= 'Z')
			upper++;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			letters++;
	}
	if (t->n < sizeof t->low) {
		for (size_t i = 0; i < t->n; i++) {
			unsigned char c = (unsigned char)t->s[i];
			if (c == 0xe2 && i + 2 < t->n && (unsigned char)t->s[i + 1] == 0x80 &&
			    (unsigned char)t->s[i + 2] == 0x99) { /* ’ */
				t->low[k++] = '\'';
				i += 2;
				continue;
			}
			t->low[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	t->low[k] = '\0';
	t->cap = t->s[0] >= 'A' && t->s[0] <= 'Z';
	t->acro = ascii && letters >= 2 && upper == letters && !(t->n == 3 && t->s[1] == '/'); /* not "N/A" */
	t->bits = k ? lookup(t->low) : 0;
	if (!t->bits && k > 2 && strchr(t->low, '\'') && strcmp(t->low + k - 2, "'s"))
		t->bits = W_VERB; /* can't, won't, they'd */
	if (!t->bits && k > 3 && t->low[k - 1] == 's') { /* plural of a listed noun */
		char w[32];
		memcpy(w, t->low, k - 1);
		w[k - 1] = '\0';
		t->bits = lookup(w) & (W_ART | W_MEET | W_PAPER | W_WEAK);
	}
}

static void tokenize(const char *s, size_t n, struct toks *T)
{
	size_t i = 0;
	T->n = 0;
	T->more = 0;
	while (i < n && T->n < MAXTOK) {
		unsigned char c = (unsigned char)s[i];
		size_t p, j;
		struct tok *t;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		t = &T->t[T->n];
		memset(t, 0, sizeof *t);
		t->s = s + i;
		if ((p = utf8_punct(s + i, n - i)) != 0) {
			t->n = p;
			i += p;
			T->n++;
			continue;
		}
		if (!is_wordc(c)) {
			t->n = 1;
			/* "..." is one token */
			while (c == '.' && i + t->n < n && s[i + t->n] == '.')
				t->n++;
			i += t->n;
			T->n++;
			continue;
		}
		for (j = i; j < n; j++) {
			unsigned char d = (unsigned char)s[j];
			if (utf8_punct(s + j, n - j))
				break;
			if (is_wordc(d))
				continue;
			/* one-pager, E&O, IQ/OQ, 2.5: joined when a word character follows */
			if ((d == '-' || d == '/' || d == '&' || d == '.') && j + 1 < n && is_wordc((unsigned char)s[j + 1]) &&
			    (unsigned char)s[j + 1] < 0x80 && j > i)
				continue;
			break;
		}
		/* a trailing apostrophe is a quote, not part of the word */
		while (j > i + 1 && s[j - 1] == '\'')
			j--;
		t->n = j - i;
		t->word = 1;
		classify(t);
		i = j;
		T->n++;
	}
}

static int is(const struct tok *t, const char *w)
{
	return t->word && !strcmp(t->low, w);
}

struct date_mark {
	const char *base;
	struct toks *T;
};

static int date_cb(void *vctx, const struct mk_when *w)
{
	struct date_mark *dm = vctx;
	for (size_t i = 0; i < dm->T->n; i++) {
		struct tok *t = &dm->T->t[i];
		size_t a = (size_t)(t->s - dm->base);
		if (a + t->n > w->start && a < w->start + w->len)
			t->date = 1;
	}
	return 0;
}

static void mark_dates(struct toks *T, const char *s, size_t n, struct mk_date today)
{
	struct date_mark dm = { s, T };
	if (n)
		mk_when_scan(s, n, today, date_cb, &dm);
	/* "last night", "this afternoon", "next week" the scanner may leave: when, not what */
	for (size_t i = 0; i + 1 < T->n; i++)
		if ((is(&T->t[i], "last") || is(&T->t[i], "next") || is(&T->t[i], "this") || is(&T->t[i], "early") ||
		     is(&T->t[i], "late")) &&
		    (T->t[i + 1].bits & W_TIME) && !(T->t[i + 1].bits & W_WEAK))
			T->t[i].date = T->t[i + 1].date = 1;
}


static int punct(const struct tok *t, char c)
{
	return !t->word && t->n == 1 && t->s[0] == c;
}

static int is_dash(const struct tok *t)
{
	return !t->word && (punct(t, '-') || (t->n == 3 && (unsigned char)t->s[2] != 0xa6 &&
					      ((unsigned char)t->s[2] == 0x93 || (unsigned char)t->s[2] == 0x94)));
}

static int is_ellipsis(const struct tok *t)
{
	return !t->word && ((t->n == 3 && (unsigned char)t->s[0] == 0xe2 && (unsigned char)t->s[2] == 0xa6) ||
			    (t->n >= 2 && t->s[0] == '.'));
}

/* A word that can be part of a noun phrase's body. */
static int np_word(const struct tok *t)
{
	if (!t->word || t->date)
		return 0;
	if (t->bits & W_STOPNP)
		return (t->bits & (W_ART | W_MEET)) && !(t->bits & (W_SUBJ | W_PRON | W_CONJ));
	return 1;
}

static int content_word(const struct tok *t)
{
	return np_word(t) && !(t->bits & (W_WEAK | W_DET | W_NUM));
}

/* ---- a growing string ---- */

struct out {
	struct mk_buf b;
};

static void out_word(struct mk_buf *b, const char *s, size_t n)
{
	if (!n)
		return;
	if (b->len && b->s[b->len - 1] != ' ' && b->s[b->len - 1] != '(' &&
	    !(n == 1 && (s[0] == ',' || s[0] == ';' || s[0] == ':' || s[0] == ')' || s[0] == '?' || s[0] == '.' ||
			 s[0] == '!')))
		mk_buf_addc(b, ' ');
	mk_buf_add(b, s, n);
}

/* ---- noun phrases ---- */

struct np {
	size_t a, b;          /* tokens [a, b) */
	unsigned bits;        /* OR of its words' classes */
	unsigned head;        /* the classes of its head (the last word before "of", "for" ...) */
	int noun;             /* holds a listed noun (not only an acronym) */
	unsigned main;        /* the classes of its words before "of", "for" ... */
	int content;          /* content words */
	int plural;
	int person;           /* capitalised words only: a name, not a thing */
};

/* The noun phrase starting at token i (a determiner, a number or a body word), or 0. */
static int np_at(const struct toks *T, size_t i, struct np *np)
{
	size_t j = i, body = 0, att = 0;
	const struct tok *t = &T->t[i];
	memset(np, 0, sizeof *np);
	if (!t->word || t->date || (t->bits & (W_SUBJ | W_CONJ | W_PREP | W_VERB | W_ADV)))
		return 0;
	/* no phrase starts where a verb does: "I'll send", "to review", "can share" */
	if (i > 0 && !(t->bits & (W_DET | W_NUM | W_DEMO))) {
		size_t k = i - 1;
		const struct tok *p;
		while (k > 0 && (T->t[k].bits & (W_ADV | W_HEDGE)) && T->t[k].word)
			k--;
		p = &T->t[k];
		if (p->word && (((p->bits & W_SUBJ) && !is(p, "you") && !is(p, "me") && !is(p, "us")) || is(p, "to") ||
				is(p, "will") || is(p, "would") || is(p, "can") || is(p, "could") || is(p, "should") ||
				is(p, "please") || is(p, "let's") || is(p, "must") || is(p, "might") || is(p, "gonna")))
			return 0;
	}
	/* "Tanya Rourke pull": a name, then a verb the dictionary does not know */
	if (t->cap && !t->acro && !(t->bits & (W_ART | W_MEET | W_DET | W_NUM | W_DEMO))) {
		size_t k = i;
		while (k < T->n && k - i < 3 && T->t[k].word && T->t[k].cap && !T->t[k].acro && !T->t[k].date &&
		       !(T->t[k].bits & (W_ART | W_MEET | W_STOPNP))) {
			size_t wn = strlen(T->t[k].low);
			k++;
			if (wn > 2 && !strcmp(T->t[k - 1].low + wn - 2, "'s"))
				break; /* "Owen's BAA comments" goes on */
		}
		if (k > i && !(strlen(T->t[k - 1].low) > 2 && !strcmp(T->t[k - 1].low + strlen(T->t[k - 1].low) - 2, "'s"))) {
			np->a = i;
			np->b = k;
			np->person = 1;
			np->content = (int)(k - i);
			return 1;
		}
	}
	if ((t->bits & W_DET) && i + 2 < T->n && (is(&T->t[i + 1], "check") || is(&T->t[i + 1], "catch") ||
						  is(&T->t[i + 1], "follow")) &&
	    (is(&T->t[i + 2], "in") || is(&T->t[i + 2], "up"))) { /* "a check in": a meeting */
		np->a = i;
		np->b = i + 3;
		np->head = np->bits = W_MEET;
		np->noun = 1;
		np->content = 1;
		return 1;
	}
	if ((t->bits & (W_DET | W_NUM)) && !(t->bits & W_PRON && !(t->bits & W_DET))) {
		j++;
		while (j < T->n && (T->t[j].bits & W_NUM) && T->t[j].word)
			j++;
		if (j < T->n && is(&T->t[j], "of")) /* a couple of names */
			j++;
		if (j < T->n && (T->t[j].bits & W_DET) && !(T->t[j].bits & W_PRON))
			j++;
	} else if (t->bits & W_DEMO) {
		size_t wn = i + 1 < T->n ? strlen(T->t[i + 1].low) : 0;
		if (wn > 3 && !strcmp(T->t[i + 1].low + wn - 2, "ed")) /* "get that approved" */
			return 0;
		j++;
	}
	for (;;) {
		size_t k = j, nb = 0;
		while (k < T->n && k - i < NP_MAX &&
		       (np_word(&T->t[k]) ||
			/* "a first version", "a three year term", "the final draft" */
			(T->t[k].word && !T->t[k].date && k + 1 < T->n && np_word(&T->t[k + 1]) &&
			 !(T->t[k + 1].bits & W_TIME) &&
			 ((T->t[k].bits & W_TIME && !(T->t[k].bits & W_WEAK)) ||
			  ((is(&T->t[k], "first") || is(&T->t[k], "last") || is(&T->t[k], "next")) && k == j))))) {
			/* a verb form after the head ends the phrase: "the questionnaire went" */
			const struct tok *w = &T->t[k];
			size_t wn = strlen(w->low);
			if (nb && wn > 4 && !strcmp(w->low + wn - 2, "ed") && !(w->bits & (W_ART | W_MEET)))
				break;
			/* "a newer schema the app team uses": a determiner after the head starts a clause */
			if (nb && (w->bits & W_DET) && !(w->bits & (W_NUM | W_ART | W_MEET)))
				break;
			/* "the summary Darnell was writing": a name after the head starts a clause */
			if (nb && w->cap && !w->acro && !(w->bits & (W_ART | W_MEET)) && !T->t[k - 1].cap &&
			    !T->t[k - 1].acro)
				break;
			if (nb && wn > 4 && !strcmp(w->low + wn - 3, "ing") && !(w->bits & (W_ART | W_MEET)) &&
			    k + 1 < T->n && (T->t[k + 1].bits & (W_DET | W_SUBJ | W_PRON | W_PREP)))
				break;
			k++;
			nb++;
		}
		if (!nb)
			break;
		j = k;
		if (!body) {
			np->head = T->t[k - 1].bits;
			for (size_t q = i; q < k; q++)
				np->main |= T->t[q].bits | (T->t[q].acro ? W_ART : 0);
		}
		body += nb;
		/* "of the order form", "for the mobile app", "and the DPA" */
		if (att < 2 && j + 1 < T->n && ((T->t[j].bits & W_ATT) || is(&T->t[j], "and")) &&
		    !T->t[j + 1].date) {
			size_t k2 = j + 1;
			int conj = is(&T->t[j], "and");
			if ((T->t[k2].bits & W_DET) && !(T->t[k2].bits & W_PRON))
				k2++;
			if (k2 < T->n && np_word(&T->t[k2]) && !(T->t[k2].bits & W_WEAK) &&
			    (!conj || (T->t[k2].bits & (W_ART | W_MEET)) || T->t[k2].acro || k2 > j + 1)) {
				/* a person after "with"/"from" is whom, not what */
				if (!conj && T->t[k2].cap && !T->t[k2].acro && !(T->t[k2].bits & (W_ART | W_MEET)) &&
				    (is(&T->t[j], "with") || is(&T->t[j], "from")))
					break;
				att++;
				j = k2;
				continue;
			}
		}
		break;
	}
	if (!body)
		return 0;
	np->a = i;
	np->b = j;
	np->person = 1;
	for (size_t k = i; k < j; k++) {
		const struct tok *w = &T->t[k];
		np->bits |= w->bits;
		if (content_word(w)) {
			np->content++;
			if (!w->cap || w->acro || (w->bits & (W_ART | W_MEET)))
				np->person = 0;
		}
		if (w->bits & (W_ART | W_MEET))
			np->noun = 1;
		if (w->acro)
			np->bits |= W_ART;
	}
	{
		const struct tok *h = &T->t[j - 1];
		size_t hn = strlen(h->low);
		np->plural = (hn > 3 && h->low[hn - 1] == 's' && h->low[hn - 2] != 's') || is(h, "data");
		for (size_t k = i; k < j; k++)
			if (is(&T->t[k], "and"))
				np->plural = 1;
	}
	if (!np->content)
		return 0;
	/* a bare phrase must name a thing: "samples", "the DPA", not "meet" */
	if (!(t->bits & (W_DET | W_NUM | W_DEMO))) {
		size_t tn = strlen(t->low);
		int poss = tn > 2 && !strcmp(t->low + tn - 2, "'s");
		int after_verb = i > 0 && T->t[i - 1].word && (T->t[i - 1].bits & W_VERB) && !(T->t[i - 1].bits & W_SUBJ);
		if (!(np->bits & (W_ART | W_MEET)))
			return 0;
		if (!(t->bits & (W_ART | W_MEET)) && !t->acro && !t->cap && !poss && !after_verb)
			return 0;
	}
	return 1;
}

/* Renders a noun phrase, "a"/"your"/"some" made "the" (what was said before is now known). */
static void np_render(struct mk_buf *b, const struct toks *T, const struct np *np)
{
	size_t i = np->a;
	const struct tok *t = &T->t[i];
	if ((t->bits & (W_DET | W_DEMO)) && !(t->bits & W_NUM) && !is(t, "all") && !is(t, "both") && !is(t, "every") &&
	    !is(t, "each")) {
		out_word(b, "the", 3);
		i++;
	}
	for (; i < np->b; i++)
		if (!T->t[i].drop)
			out_word(b, T->t[i].s, T->t[i].n);
}

/* ---- the conversation ---- */

struct cand {
	double score;
	struct mk_buf text;
	int found;
};

enum want { WANT_THING, WANT_PERSON, WANT_MEETING, WANT_PAPER };

static void consider(struct cand *best, const struct toks *T, const struct np *np, double score)
{
	if (best->found && score <= best->score)
		return;
	best->found = 1;
	best->score = score;
	mk_buf_reset(&best->text);
	np_render(&best->text, T, np);
}

/* "on the agenda", "it's my calendar", "in your inbox": where things go, not a thing sent */
static double container_np(const struct toks *T, const struct np *np)
{
	static const char *const w[] = { "agenda", "agendas", "calendar", "calendars", "inbox", "diary", "radar",
					 "docket", NULL };
	const struct tok *h = &T->t[np->b - 1];
	return h->word && mk_in_list(h->low, w) ? 3 : 0;
}

/* Scores the noun phrases of one text for a pronoun. */
static void scan_text(struct cand *best, const char *s, size_t n, struct mk_date today, double base,
		      enum want want, int plural, size_t first_tok)
{
	static __thread struct toks T;
	tokenize(s, n, &T);
	mark_dates(&T, s, n, today);
	for (size_t i = first_tok; i < T.n; i++) {
		struct np np;
		double sc = base + 0.05 * (double)i;
		if (!np_at(&T, i, &np))
			continue;
		if (want == WANT_PERSON) {
			if (!np.person)
				continue;
			sc += 2;
		} else {
			if (np.person)
				continue;
			if ((np.head & W_WEAK) && !(np.head & (W_ART | W_MEET)))
				continue; /* "our security team", "the fun part" */
			if ((np.main & W_ART) && want != WANT_MEETING)
				sc += np.noun ? 3 : 1.5;
			else if ((np.bits & W_ART) && want != WANT_MEETING)
				sc += 1; /* "the walkthrough with their finance lead on the calendar" */
			if (want == WANT_PAPER && !(np.head & W_PAPER))
				continue;
			if ((np.head & W_MEET) && want != WANT_MEETING && !(np.head & W_ART))
				continue; /* "you'll have it": a thing, not a meeting */
			if (np.head & W_MEET)
				sc += want == WANT_MEETING ? 5 : -1;
			else if (want == WANT_MEETING)
				continue;
			if (plural >= 0)
				sc += np.plural == plural ? 1 : -1;
			sc += (want == WANT_MEETING ? 0.1 : 0.3) * (double)(np.content < 4 ? np.content : 4);
			/* the subject of a relative clause is said in passing */
			if (i > 0 && (is(&T.t[i - 1], "anything") || is(&T.t[i - 1], "that")))
				sc -= 1;
			sc -= container_np(&T, &np);
		}
		consider(best, &T, &np, sc);
		i = np.b - 1;
	}
}

/* ---- the thing named at the front of the sentence, before the promise ---- */

struct topic {
	struct toks T;
	struct np np;
	const char *prep; /* "for", "on", "about" said before it, or NULL */
	int comma;        /* set off by a comma, not an object put first ("the X I can send") */
};

static int topic_meta(const struct tok *t)
{
	static const char *const w[] = { "news", "truth", "answer", "upshot", "gist", "reality", "fact", "catch",
					 "goal", "hope", "record", "sake", "example", "instance", "starters",
					 "context", "front", "note", "topic", "subject", "timing", "rest", "moment",
					 "meantime", "interim", "worst", "best", "plan", "line", "short", "long",
					 "bottom", "good", "bad", "other", "same", NULL };
	return t->word && mk_in_list(t->low, w);
}

/* A thing named at the very front of text[0, n): "And the export declaration, ..., I'll send it",
 * "For supplier registration, I'll send you ...", "The pallet counts per depot I can send"; with
 * prior, in a sentence said before, only after "on/about" ("One more thing, on the loyalty
 * table.") or as "The X, there is ..."; 0: none. */
static int topic_in(const char *text, size_t n, struct mk_date today, struct topic *tp, int prior)
{
	static const char *const lead[] = { "and", "so", "okay", "ok", "right", "now", "then", "also", "well",
					    "yeah", "yes", "great", "alright", "oh", "um", "uh", "sure", "perfect",
					    "cool", "fine", "good", NULL };
	struct toks *T = &tp->T;
	size_t i = 0, a, j, k, subj = 0;
	memset(&tp->np, 0, sizeof tp->np);
	tp->prep = NULL;
	tp->comma = 0;
	if (n < 6)
		return 0;
	tokenize(text, n, T);
	mark_dates(T, text, n, today);
	/* "One (more) thing, on the ...", "Quick question, about the ..." */
	if (prior && T->n > 3 && (is(&T->t[0], "one") || is(&T->t[0], "quick"))) {
		for (k = 1; k < 3 && !punct(&T->t[k], ','); k++)
			;
		if (punct(&T->t[k], ','))
			i = k + 1;
	}
	while (i < T->n && (!T->t[i].word || mk_in_list(T->t[i].low, lead)) && !is_dash(&T->t[i]))
		i++;
	/* "And Dana, for the pilot, ...": whom it is said to */
	for (k = i; k < T->n && k < i + 2 && T->t[k].word && T->t[k].cap && !T->t[k].acro && !T->t[k].date &&
		    !(T->t[k].bits & (W_ART | W_MEET | W_STOPNP | W_DET));)
		k++;
	if (k > i && k < T->n && (punct(&T->t[k], ',') || is(&T->t[k], "for") || is(&T->t[k], "on") ||
				  is(&T->t[k], "about") || is(&T->t[k], "as")))
		for (i = k; i < T->n && punct(&T->t[i], ',');)
			i++;
	if (i + 1 < T->n && is(&T->t[i], "as") && is(&T->t[i + 1], "for")) {
		tp->prep = "about";
		i += 2;
	} else if (i < T->n && (is(&T->t[i], "for") || is(&T->t[i], "on") || is(&T->t[i], "about") ||
				is(&T->t[i], "regarding") || is(&T->t[i], "re"))) {
		tp->prep = is(&T->t[i], "for") ? "for" : "about";
		i++;
	}
	a = i;
	if (i < T->n && T->t[i].word && (T->t[i].bits & (W_DET | W_DEMO)) && !(T->t[i].bits & W_PRON) &&
	    !is(&T->t[i], "any") && !is(&T->t[i], "every") && !is(&T->t[i], "all"))
		i++;
	/* the words of the thing: "volumes per country", "the list of sites" */
	for (j = i; j < T->n && j < a + 9; j++) {
		const struct tok *t = &T->t[j];
		if (np_word(t) && !(t->bits & (W_DET | W_DEMO)) && !topic_meta(t))
			continue;
		if (j > i && j + 1 < T->n && (is(t, "of") || is(t, "per") || is(t, "for")) && np_word(&T->t[j + 1]))
			continue;
		break;
	}
	if (j == i || j >= T->n)
		return 0;
	{
		const struct tok *h = &T->t[j - 1];
		int person = 1, content = 0;
		if (h->bits & (W_WEAK | W_TIME | W_NUM) || h->date || !content_word(h))
			return 0;
		for (k = i; k < j; k++) {
			if (T->t[k].date)
				return 0;
			if (content_word(&T->t[k])) {
				content++;
				if (!T->t[k].cap || T->t[k].acro || (T->t[k].bits & (W_ART | W_MEET)))
					person = 0;
			}
		}
		if (!content || (person && !tp->prep)) /* "Dana, I'll ...": whom I talk to */
			return 0;
		/* "Realistically, ...", "W9, certificate of insurance, ...": no thing set up as the topic */
		if ((!tp->prep || prior) && i == a && !(T->t[j - 1].bits & (W_ART | W_MEET)) && (prior || !T->t[j - 1].acro))
			return 0; /* said before, "On security, I'll have Tariq send the questionnaire": a field */
		if ((h->bits & W_MEET) && tp->prep && strcmp(tp->prep, "for")) /* "on the call, I'll ..." */
			return 0;
	}
	tp->comma = punct(&T->t[j], ',');
	if (prior && (tp->prep ? strcmp(tp->prep, "about") != 0 : !tp->comma)) /* "for the pilot we need X" */
		return 0;
	/* "The X, there are ...", not a list ("W9 request, the insurance certificate, ...") */
	if (prior && !tp->prep &&
	    (j + 1 >= T->n || !((T->t[j + 1].bits & (W_SUBJ | W_PRON | W_VERB)) || is(&T->t[j + 1], "there"))))
		return 0;
	/* what comes after: another promise in between ends it ("the X, I'll do A, and I'll do B") */
	for (k = j + 1; k < T->n && !prior; k++)
		if (T->t[k].word && (T->t[k].bits & W_SUBJ) && !is(&T->t[k], "you") && !is(&T->t[k], "me") &&
		    !is(&T->t[k], "us")) {
			if (subj)
				return 0;
			subj = k;
		}
	if (prior) {
		; /* "On the rollout plan, what would you need?" */
	} else if (!tp->comma) {
		/* "the usage numbers I can send": the subject and its helper verb, nothing else */
		if (!(T->t[j].bits & W_SUBJ) || !T->t[j].word || is(&T->t[j], "you") || is(&T->t[j], "it's") ||
		    is(&T->t[j], "that's") || is(&T->t[j], "there's"))
			return 0;
		for (k = j + 1; k < T->n; k++)
			if (!T->t[k].word || !(is(&T->t[k], "can") || is(&T->t[k], "will") || is(&T->t[k], "could") ||
					       is(&T->t[k], "should") || (T->t[k].bits & W_ADV)))
				return 0;
	} else if (!subj) {
		return 0;
	}
	tp->np.a = a;
	tp->np.b = j;
	tp->np.head = T->t[j - 1].bits;
	for (k = a; k < j; k++)
		tp->np.bits |= T->t[k].bits | (T->t[k].acro ? W_ART : 0);
	{
		size_t hn = strlen(T->t[j - 1].low);
		tp->np.plural = (hn > 3 && T->t[j - 1].low[hn - 1] == 's' && T->t[j - 1].low[hn - 2] != 's') ||
				is(&T->t[j - 1], "data");
	}
	return 1;
}

/* The topic in sentence e->si before the promise at pos (its subject and all). */
static int fronted_topic(const struct act_env *e, const char *pos, struct topic *tp)
{
	struct act_sent se;
	if (!pos || !e->sentence(e->ctx, e->si, &se) || pos < se.text || pos > se.text + se.len)
		return 0;
	return topic_in(se.text, (size_t)(pos - se.text), e->today, tp, 0);
}

/* "One more thing, on the loyalty table." said before: what the talk since is about, above the
 * other nouns of that sentence ("a copy in the warehouse"). */
static void topic_prior(struct cand *best, const struct act_sent *se, struct mk_date today, double base,
			enum want want, int plural)
{
	static __thread struct topic tp;
	double sc = base + 5;
	if (want == WANT_PERSON || !topic_in(se->text, se->len, today, &tp, 1))
		return;
	if ((want == WANT_MEETING) != !!(tp.np.head & W_MEET) || (want == WANT_PAPER && !(tp.np.head & W_PAPER)))
		return;
	if (plural >= 0)
		sc += tp.np.plural == plural ? 1 : -1;
	for (size_t k = tp.np.a; k < tp.np.b; k++)
		if (content_word(&tp.T.t[k]) && sc < base + 6.2)
			sc += 0.3;
	consider(best, &tp.T, &tp.np, sc);
}

/* The topic as the antecedent of a pronoun of the promise, above all else said before. */
static void topic_antecedent(struct cand *best, const struct act_env *e, const char *pos, enum want want,
			     int plural)
{
	static __thread struct topic tp;
	if (want == WANT_PERSON || !fronted_topic(e, pos, &tp))
		return;
	if (tp.prep && strcmp(tp.prep, "about")) /* "for the pilot, I'll set it up": not the pilot */
		return;
	if ((want == WANT_MEETING) != !!(tp.np.head & W_MEET) || (want == WANT_PAPER && !(tp.np.head & W_PAPER)))
		return;
	consider(best, &tp.T, &tp.np, 30 + (plural >= 0 && tp.np.plural != plural ? -2 : 0));
}

/* The best antecedent for a pronoun at byte pos of sentence e->si into out; 0: none. */
static int antecedent(const struct act_env *e, const char *pos, enum want want, int plural, struct mk_buf *out)
{
	struct cand best;
	struct act_sent se;
	int turns = 0;
	const char *last_speaker = e->speaker;
	memset(&best, 0, sizeof best);
	mk_buf_init(&best.text);
	if (e->request && *e->request)
		scan_text(&best, e->request, strlen(e->request), e->today, 12, want, plural, 1);
	if (pos && e->sentence(e->ctx, e->si, &se) && pos >= se.text && pos <= se.text + se.len) {
		/* the sentence before the commitment, and within it only what comes before an "and"
		 * ("print labels for both sites and ship them"), not its own object ("rerun the
		 * numbers on that") */
		size_t lim = e->at < (size_t)(pos - se.text) ? e->at : (size_t)(pos - se.text);
		for (size_t k = (size_t)(pos - se.text); k >= e->at + 5 && k > 5; k--)
			if (!memcmp(se.text + k - 5, " and ", 5)) {
				lim = k - 5;
				break;
			}
		{
			size_t t = lim;
			while (t && (se.text[t - 1] == ' '))
				t--;
			/* "And the landlord consent, I'll get it signed": the topic named just before */
			scan_text(&best, se.text, lim, e->today,
				  t && se.text[t - 1] == ',' && t == lim - 1 && !(e->request && *e->request) ? 14 : 10.5,
				  want, plural, 0);
		}
	}
	topic_antecedent(&best, e, pos, want, plural);
	for (size_t k = 1; k <= (want == WANT_MEETING ? 2 * CTX_SENTS : CTX_SENTS) && k <= e->si; k++) {
		if (!e->sentence(e->ctx, e->si - k, &se))
			break;
		if (se.speaker && last_speaker && strcmp(se.speaker, last_speaker)) {
			if (++turns > (want == WANT_MEETING ? 2 * CTX_TURNS : CTX_TURNS))
				break;
			last_speaker = se.speaker;
		}
		scan_text(&best, se.text, se.len, e->today,
			  10 - (want == WANT_MEETING ? 0.7 : 1.2) * (double)k + (se.question ? 1 : 0) + (turns == 0 ? 1 : 0),
			  want, plural, 0);
		topic_prior(&best, &se, e->today, 10 - 1.2 * (double)k + (se.question ? 1 : 0) + (turns == 0 ? 1 : 0), want,
			    plural);
	}
	if (best.found && best.score > 4) {
		mk_buf_add(out, best.text.s, best.text.len);
		mk_buf_release(&best.text);
		return 1;
	}
	mk_buf_release(&best.text);
	return 0;
}

/* ---- cleaning the captured words ---- */

/* Leaves out hedges, fillers and false starts ("the, the SOW", "re… regenerate"). */
static void drop_noise(struct toks *T)
{
	for (size_t i = 0; i < T->n; i++) {
		struct tok *t = &T->t[i];
		if (t->drop)
			continue;
		if (t->word && (t->bits & W_HEDGE)) {
			if (is(t, "like")) { /* "like" is a word too: only after a comma or a determiner */
				int filler = i + 1 < T->n && (punct(&T->t[i + 1], ',') || (T->t[i + 1].bits & W_DET));
				if (!filler || (i > 0 && !punct(&T->t[i - 1], ',') && !(T->t[i - 1].bits & W_DET)))
					continue;
			}
			if ((is(t, "still") || is(t, "also") || is(t, "directly")) && i == 0)
				continue;
			t->drop = 1;
			if (i + 1 < T->n && punct(&T->t[i + 1], ',') && (i == 0 || punct(&T->t[i - 1], ',')))
				T->t[i + 1].drop = 1;
			continue;
		}
		/* you know / I think / I guess / I mean / kind of / sort of */
		if (i + 1 < T->n && ((is(t, "you") && is(&T->t[i + 1], "know") && (i + 2 >= T->n || !T->t[i + 2].word)) ||
				     (is(t, "i") && (is(&T->t[i + 1], "think") || is(&T->t[i + 1], "guess") ||
						     is(&T->t[i + 1], "mean")) &&
				      (i == 0 || !T->t[i - 1].word)) ||
				     ((is(t, "kind") || is(t, "sort")) && is(&T->t[i + 1], "of") && i > 0 &&
				      !(T->t[i - 1].bits & W_DET)))) {
			t->drop = T->t[i + 1].drop = 1;
			if (i > 0 && punct(&T->t[i - 1], ','))
				T->t[i - 1].drop = 1;
			continue;
		}
		/* "re… regenerate", "send the— send the deck": a cut-off word */
		if (t->word && i + 2 < T->n && (is_ellipsis(&T->t[i + 1]) || is_dash(&T->t[i + 1])) && T->t[i + 2].word &&
		    T->t[i + 2].n >= t->n && !strncmp(T->t[i + 2].low, t->low, strlen(t->low))) {
			t->drop = T->t[i + 1].drop = 1;
			continue;
		}
	}
	for (size_t i = 0; i < T->n; i++) /* "start working on… the fork choice" */
		if (is_ellipsis(&T->t[i]))
			T->t[i].drop = 1;
	/* "the, the SOW", "for the, for the", "I, I'll" */
	for (size_t len = 2; len >= 1; len--) {
		for (size_t i = 0; i + len < T->n; i++) {
			size_t j = i + len, k, same = 1;
			if (T->t[i].drop)
				continue;
			if (j < T->n && (punct(&T->t[j], ',') || is_dash(&T->t[j]) || is_ellipsis(&T->t[j])))
				j++;
			if (j + len > T->n)
				continue;
			for (k = 0; k < len && same; k++)
				same = T->t[i + k].word && T->t[j + k].word && T->t[i + k].low[0] &&
				       !strcmp(T->t[i + k].low, T->t[j + k].low);
			if (!same || (len == 1 && T->t[i].bits & W_NUM))
				continue;
			for (k = i; k < j; k++)
				T->t[k].drop = 1;
		}
		if (len == 1)
			break;
	}
}

/* Is there a verb of asking or finding out ("ask", "check", "find out", "confirm") among
 * the few words before T->t[i], with no clause break between? */
static int asks_before(const struct toks *T, size_t i)
{
	static const char *const verbs[] = { "ask", "check", "confirm", "verify", "see", "find",
					     "double-check", "figure", "ping", "email", "text", "call" };
	for (size_t k = i, steps = 0; k-- > 0 && steps < 6; steps++) {
		const struct tok *t = &T->t[k];
		if (t->drop)
			continue;
		if (punct(t, ',') || punct(t, ';') || punct(t, '.') || is_dash(t))
			return 0;
		for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; v++)
			if (is(t, verbs[v]))
				return is(t, "find") || is(t, "figure") ? k + 1 < i && is(&T->t[k + 1], "out") : 1;
	}
	return 0;
}

/* Where the clause before T->t[i] ends when ", and (of course|then|also) " opens a new one
 * there (the comma or the "and"); 0 when T->t[i] goes on the clause before it. */
static size_t new_clause_before(const struct toks *T, size_t i)
{
	size_t k = i;
	while (k > 0 && (T->t[k - 1].drop || is(&T->t[k - 1], "course") || is(&T->t[k - 1], "then") ||
			 is(&T->t[k - 1], "also") || is(&T->t[k - 1], "obviously") ||
			 (is(&T->t[k - 1], "of") && k < i && is(&T->t[k], "course"))))
		k--;
	if (k < 2 || !(is(&T->t[k - 1], "and") || is(&T->t[k - 1], "but")))
		return 0;
	k--;
	return punct(&T->t[k - 1], ',') ? k - 1 : k;
}

/* Where the action's own clause ends: before a side clause ("so you have it", ", she runs").
 * A condition ("if legal clears it") is copied into cond. */
static size_t clause_end(const struct toks *T, struct mk_buf *cond)
{
	for (size_t i = 1; i < T->n; i++) {
		const struct tok *t = &T->t[i], *nx = i + 1 < T->n ? &T->t[i + 1] : NULL;
		if (t->drop)
			continue;
		/* "ask Pia if the crane fits", "check with legal whether ...": after a verb of asking
		 * or finding out, "if"/"whether" opens what is asked, not a condition */
		if ((is(t, "if") || is(t, "whether")) && asks_before(T, i))
			continue;
		if (is(t, "if") || is(t, "unless") || is(t, "assuming") || (is(t, "as") && nx && is(nx, "long")) ||
		    is(t, "provided")) {
			size_t e = i + 1, c = new_clause_before(T, i);
			while (e < T->n && !punct(&T->t[e], ',') && !punct(&T->t[e], ';') && !is_dash(&T->t[e]) &&
			       !is(&T->t[e], "so") && !is(&T->t[e], "but") && !is(&T->t[e], "because"))
				e++;
			/* ", and if the venue falls through, we'll move it online": the condition opens
			 * the next clause and belongs to it */
			if (c && ((e + 1 < T->n && punct(&T->t[e], ',') && T->t[e + 1].word) || (e >= T->n && T->more)))
				return c;
			if (e > i + 2 && cond && !cond->len)
				for (size_t k = i; k < e; k++)
					if (!T->t[k].drop)
						out_word(cond, T->t[k].s, T->t[k].n);
			return i;
		}
		if (punct(t, ',') && nx && nx->word &&
		    ((nx->bits & W_SUBJ) || ((nx->bits & W_CONJ) && !is(nx, "and") && !is(nx, "or") && !is(nx, "once")) ||
		     is(nx, "it") || is(nx, "that") || is(nx, "this") ||
		     is(nx, "then") || is(nx, "just") || is(nx, "otherwise") || is(nx, "hopefully") || is(nx, "please")))
			return i;
		/* "..., Hiroshi and I will split it": a new clause with its own subject */
		if (punct(t, ',') && nx && nx->word && nx->cap && !nx->acro && !nx->bits && i + 3 < T->n &&
		    is(&T->t[i + 2], "and") && (is(&T->t[i + 3], "i") || is(&T->t[i + 3], "we") || is(&T->t[i + 3], "i'll") ||
						 is(&T->t[i + 3], "we'll")))
			return i;
		/* ", and Priyanka, you bring ...", ", and then Callum, Priyanka": someone addressed */
		if (punct(t, ',') && nx && is(nx, "and")) {
			size_t k = i + 2, names = 0;
			if (k < T->n && is(&T->t[k], "then"))
				k++;
			while (k < T->n && T->t[k].word && T->t[k].cap && !T->t[k].acro && !T->t[k].bits)
				k++, names++;
			if (names && names <= 2 && (k >= T->n || punct(&T->t[k], ',') || is(&T->t[k], "you")))
				return i;
		}
		if (t->word && (is(t, "because") || is(t, "since") || is(t, "which") || is(t, "whereas") ||
				is(t, "though") || is(t, "although") || is(t, "but") || is(t, "while") ||
				is(t, "cause")))
			return i;
		if (is(t, "so") && nx && ((nx->bits & (W_SUBJ | W_DET)) || is(nx, "that") || is(nx, "it")))
			return i;
		if ((is(t, "before") || is(t, "after") || is(t, "when") || is(t, "until")) && nx &&
		    ((nx->bits & W_SUBJ) || is(nx, "it")))
			return i;
		if ((is_dash(t) || punct(t, ';') || punct(t, ':') || punct(t, '(')) && i >= 2)
			return i;
		if (is(t, "and") && nx && (((nx->bits & W_SUBJ) && !is(nx, "you") && !is(nx, "me") && !is(nx, "us")) ||
					   (is(nx, "then") && i + 2 < T->n && (T->t[i + 2].bits & W_SUBJ))))
			return i;
		/* "and get back to you", "and let you know": a promise to report, not the work */
		if (is(t, "and") && nx &&
		    ((is(nx, "get") || is(nx, "come") || is(nx, "circle") || is(nx, "revert")) && i + 2 < T->n &&
		     is(&T->t[i + 2], "back")))
			return i;
		if (is(t, "and") && nx && is(nx, "let") && i + 2 < T->n &&
		    (is(&T->t[i + 2], "you") || is(&T->t[i + 2], "everyone")))
			return i;
	}
	return T->n;
}

/* Leaves out the due date and the small word before it ("by Friday"), unless the date
 * names a thing ("the Q3 change calendar", "the June agenda"). */
static void drop_dates(struct toks *T, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		if (!T->t[i].date || T->t[i].drop)
			continue;
		while (j < n && T->t[j].date)
			j++;
		/* "the logs from August", "the numbers of last quarter": what, not when */
		if ((i > 0 && (is(&T->t[i - 1], "from") || is(&T->t[i - 1], "of") || is(&T->t[i - 1], "since") ||
			       is(&T->t[i - 1], "during") || is(&T->t[i - 1], "between")) &&
		     !(i > 1 && (T->t[i - 2].bits & W_TIME) && !(T->t[i - 2].bits & W_WEAK))) ||
		    is(&T->t[i], "from") || is(&T->t[i], "since") || is(&T->t[i], "during")) {
			i = j - 1;
			continue;
		}
		/* a date inside a noun phrase: "the Q3 calendar", "April load data" */
		if (j < n && content_word(&T->t[j]) && !(T->t[j].bits & W_VERB) &&
		    ((i > 0 && (T->t[i - 1].bits & W_DET)) || T->t[j].bits & (W_ART | W_MEET))) {
			i = j - 1;
			continue;
		}
		for (size_t k = i; k < j; k++)
			T->t[k].drop = 1;
		/* "the morning of the tenth", "the tenth, first thing" */
		while (j < n && T->t[j].word && (T->t[j].bits & W_TIME) && !(T->t[j].bits & W_WEAK))
			T->t[j++].drop = 1;
		if (i > 0 && (T->t[i - 1].bits & W_DET) && !(T->t[i - 1].bits & W_PRON))
			T->t[--i].drop = 1;
		/* "by", "on", "before", "early", "first thing", "right after this call" */
		for (size_t k = i; k-- > 0;) {
			struct tok *p = &T->t[k];
			if (p->drop)
				continue;
			if (is(p, "by") || is(p, "on") || is(p, "before") || is(p, "until") || is(p, "till") ||
			    is(p, "for") || is(p, "in") || is(p, "within") || is(p, "at") || is(p, "around") ||
			    is(p, "early") || is(p, "mid") || is(p, "late") || is(p, "latest") || is(p, "thing") ||
			    is(p, "first") || is(p, "right") || is(p, "after") || is(p, "over") || is(p, "no") ||
			    is(p, "later") || is(p, "than") || punct(p, ',') ||
			    /* "on the morning of the 14th" */
			    ((p->bits & W_TIME) && !(p->bits & W_WEAK)) ||
			    (is(p, "of") && k > 0 && (T->t[k - 1].bits & W_TIME)) ||
			    (is(p, "the") && k + 1 < n && (T->t[k + 1].bits & W_TIME) && T->t[k + 1].drop)) {
				if ((is(p, "over") || is(p, "around")) && k > 0 && !T->t[k - 1].drop && T->t[k - 1].word &&
				    !(T->t[k - 1].bits & (W_SUBJ | W_PREP)))
					break; /* "send it over Friday": "over" belongs to send */
				p->drop = 1;
				continue;
			}
			break;
		}
		i = j - 1;
	}
	/* ", the morning" left after "on the tenth": a time word that names nothing */
	for (size_t i = 0; i < n; i++) {
		struct tok *t = &T->t[i];
		size_t k = i + 1;
		if (t->drop || !t->word || !(is(t, "morning") || is(t, "afternoon") || is(t, "evening") || is(t, "night")))
			continue;
		while (k < n && T->t[k].drop)
			k++;
		if (k < n && T->t[k].word && content_word(&T->t[k]))
			continue; /* "a three year term" */
		t->drop = 1;
		for (size_t b = i; b-- > 0;) {
			if (T->t[b].drop)
				continue;
			if (((T->t[b].bits & W_DET) && !(T->t[b].bits & W_PRON)) || punct(&T->t[b], ','))
				T->t[b].drop = 1;
			else
				break;
		}
	}
	/* "after this call", "right after this", "as soon as possible", "same day" */
	for (size_t i = 0; i + 1 < n; i++) {
		struct tok *t = &T->t[i];
		if ((is(t, "after") || is(t, "before")) && (is(&T->t[i + 1], "this") || is(&T->t[i + 1], "the")) &&
		    (i + 2 >= n || is(&T->t[i + 2], "call") || is(&T->t[i + 2], "meeting") || !T->t[i + 2].word ||
		     i + 3 >= n)) {
			size_t e = i + 2 < n && T->t[i + 2].word ? i + 3 : i + 2;
			if (is(&T->t[i + 1], "the") && e == i + 2)
				continue;
			for (size_t k = i; k < e && k < n; k++)
				T->t[k].drop = 1;
			if (i > 0 && is(&T->t[i - 1], "right"))
				T->t[i - 1].drop = 1;
		}
		if (is(t, "same") && is(&T->t[i + 1], "day"))
			t->drop = T->t[i + 1].drop = 1;
		if (is(t, "as") && i + 3 < n && is(&T->t[i + 1], "soon") && is(&T->t[i + 2], "as") &&
		    (is(&T->t[i + 3], "possible") || is(&T->t[i + 3], "i") || is(&T->t[i + 3], "we")))
			for (size_t k = i; k < n; k++)
				T->t[k].drop = 1;
	}
}

/* ---- the pieces put together ---- */

struct pool {
	char *s[8];
	size_t n;
};

static const char *pool_add(struct pool *p, char *s)
{
	if (p->n == sizeof p->s / sizeof p->s[0]) {
		free(s);
		return NULL;
	}
	return p->s[p->n++] = s;
}

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->s[i]);
	p->n = 0;
}

static void render(struct mk_buf *b, const struct toks *T, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct tok *t = &T->t[i];
		if (t->drop)
			continue;
		if (t->repl)
			out_word(b, t->repl, strlen(t->repl));
		else
			out_word(b, t->s, t->n);
	}
	/* no dangling small word at the end: "the field mapping for the" */
	for (;;) {
		size_t k = b->len;
		while (k && b->s[k - 1] != ' ')
			k--;
		if (!k || k == b->len)
			break;
		{
			char w[16];
			size_t wn = b->len - k;
			unsigned bits;
			if (wn >= sizeof w)
				break;
			for (size_t i = 0; i < wn; i++)
				w[i] = (char)(b->s[k + i] >= 'A' && b->s[k + i] <= 'Z' ? b->s[k + i] + 32 : b->s[k + i]);
			w[wn] = '\0';
			bits = lookup(w);
			if (!(bits & (W_DET | W_CONJ)) && strcmp(w, "for") && strcmp(w, "of") && strcmp(w, "to") &&
			    strcmp(w, "with") && strcmp(w, "from") && strcmp(w, "about") && strcmp(w, "by") &&
			    strcmp(w, "at") && strcmp(w, "into") && strcmp(w, "via") && strcmp(w, "per") && strcmp(w, "than"))
				break;
			if (!strcmp(w, "her") || !strcmp(w, "his") || !strcmp(w, "that") || !strcmp(w, "this"))
				break;
			b->len = k - 1;
			b->s[b->len] = '\0';
		}
	}
	/* no punctuation at either end */
	while (b->len && (b->s[b->len - 1] == ',' || b->s[b->len - 1] == ' ' || b->s[b->len - 1] == '-' ||
			  b->s[b->len - 1] == '.' || b->s[b->len - 1] == ';' || b->s[b->len - 1] == ':'))
		b->s[--b->len] = '\0';
	{
		size_t k = 0;
		while (k < b->len && (b->s[k] == ',' || b->s[k] == ' ' || b->s[k] == '-' || b->s[k] == '.'))
			k++;
		if (k) {
			memmove(b->s, b->s + k, b->len - k + 1);
			b->len -= k;
		}
	}
}

/* Is token i a pronoun object to resolve? Returns how many tokens it spans (0: no). */
static size_t pronoun_at(const struct toks *T, size_t i, size_t n)
{
	const struct tok *t = &T->t[i], *nx = i + 1 < n ? &T->t[i + 1] : NULL;
	if (!t->word || t->drop || t->date)
		return 0;
	if (is(t, "it") || is(t, "them") || is(t, "it's"))
		return 1;
	if (is(t, "both") && !(nx && np_word(nx) && !(nx->bits & W_HEDGE)))
		return 1;
	if (is(t, "all") && nx && is(nx, "of") && i + 2 < n &&
	    (is(&T->t[i + 2], "that") || is(&T->t[i + 2], "it") || is(&T->t[i + 2], "them") || is(&T->t[i + 2], "those")))
		return 3;
	if (t->bits & W_DEMO) {
		if (nx && (is(nx, "one") || is(nx, "ones")))
			return 2;
		if (!nx || !nx->word || nx->date || (nx->bits & (W_PART | W_PREP | W_ADV | W_CONJ | W_HEDGE)) ||
		    is(nx, "done") || is(nx, "ready") || is(nx, "signed") || is(nx, "sorted") || is(nx, "booked") ||
		    is(nx, "set") || is(nx, "approved") || is(nx, "finished") || is(nx, "sent") || is(nx, "trained"))
			return 1;
	}
	return 0;
}

static int verb_is(const struct toks *T, size_t n, unsigned bits)
{
	for (size_t i = 0; i < n && i < 2; i++)
		if (!T->t[i].drop && T->t[i].word)
			return (T->t[i].bits & bits) != 0;
	return 0;
}

static int first_word_is(const struct toks *T, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (!T->t[i].drop && T->t[i].word)
			return is(&T->t[i], w);
	return 0;
}

/* "the MSA", "the master agreement", "the paperwork": the deal's contract itself */
static int master_paper(const char *np)
{
	static const char *const w[] = { "msa", "contract", "agreement", "paperwork", "paper", "deal", NULL };
	size_t n = strlen(np), k = n;
	while (k && np[k - 1] != ' ')
		k--;
	for (int i = 0; w[i]; i++)
		if (mk_strieq(np + k, w[i]) || (n - k == strlen(w[i]) + 1 && mk_strnieq(np + k, w[i], strlen(w[i])) &&
						 np[n - 1] == 's'))
			return strcmp(w[i], "agreement") || !strstr(np, "privacy") ? 1 : 0;
	return 0;
}

/* Is the number at token i the whole object ("send you two tomorrow", "pull three"), after
 * a verb or its recipient, with no noun of its own? */
static int bare_number(const struct toks *T, size_t i, size_t n)
{
	const struct tok *p = &T->t[i - 1], *nx = i + 1 < n ? &T->t[i + 1] : NULL;
	if (T->t[i].date || !(p->word && ((p->bits & W_VERB) || is(p, "you") || is(p, "me") || is(p, "us") ||
					  is(p, "him") || is(p, "her") || is(p, "them"))))
		return 0;
	if ((p->bits & W_DET) || (nx && nx->word && (nx->bits & W_TIME) && !nx->date)) /* "thirty minutes" */
		return 0;
	return !nx || !nx->word || nx->date || nx->drop ||
	       ((nx->bits & (W_PREP | W_ADV | W_CONJ | W_TIME | W_PART)) && !(nx->bits & (W_ART | W_MEET)) && !is(nx, "of"));
}

/* Resolves the first pronoun object of the action (and "him"/"her"), in place. */
/* Where a meeting goes: "on the calendar", "in the diary". */
static const char *const calendar_words[] = { "calendar", "calendars", "diary", "diaries", "books", "schedule", NULL };

/* "(get that) on the calendar", "in the diary": where a meeting goes (the one asked for, when
 * the promise answers a request) */
static int on_calendar(const struct toks *T, size_t k, size_t n)
{
	if (k + 1 < n && (is(&T->t[k], "on") || is(&T->t[k], "in") || is(&T->t[k], "into")))
		for (size_t j = k + 1; j < n && j < k + 4; j++)
			if (mk_in_list(T->t[j].low, calendar_words))
				return 1;
	return 0;
}

static void resolve_pronouns(const struct act_env *e, struct toks *T, size_t n, struct pool *pool)
{
	int done = 0;
	const char *he_she = e->he_she && e->speaker && strcmp(e->he_she, e->speaker) ? e->he_she : NULL;
	for (size_t i = 0; i < n && i < 16; i++) {
		size_t span = pronoun_at(T, i, n);
		struct tok *t = &T->t[i];
		if (!t->word || t->drop)
			continue;
		if ((is(t, "him") || (is(t, "her") && (i + 1 >= n || !np_word(&T->t[i + 1]) ||
						      (T->t[i + 1].bits & (W_DET | W_NUM))))) && he_she) {
			t->repl = he_she;
			continue;
		}
		if ((is(t, "his") || is(t, "her")) && he_she && i + 1 < n && np_word(&T->t[i + 1])) {
			t->repl = pool_add(pool, mk_sprintf("%s's", he_she));
			continue;
		}
		/* "I'll send you two tomorrow" after "and case studies?": two of what was asked about */
		if (!span && !done && i > 0 && (t->bits & W_NUM) && !is(t, "few") && !is(t, "couple") &&
		    !is(t, "hundred") && bare_number(T, i, n)) {
			struct mk_buf b;
			mk_buf_init(&b);
			if (antecedent(e, t->s, WANT_THING, 1, &b)) {
				const char *what = b.s;
				if (!strncmp(what, "the ", 4))
					what += 4;
				if (strncmp(what, t->low, strlen(t->low)) || what[strlen(t->low)] != ' ')
					t->repl = pool_add(pool, mk_sprintf("%.*s %s", (int)t->n, t->s, what));
				done = 1;
			}
			mk_buf_release(&b);
			continue;
		}
		if (!span || done)
			continue;
		if (i > 0 && is(&T->t[i - 1], "of")) /* "the rest of them", "all of it" */
			continue;
		/* "update the plan with all of that": everything said, no one thing to name */
		if (span == 3 && i > 1 && is(&T->t[i - 1], "with")) {
			for (size_t k = i - 1; k < i + 3; k++)
				T->t[k].drop = 1;
			continue;
		}
		{ /* "put together a model and send it over": the action says what "it" is */
			size_t k, amp = 0;
			struct np np;
			for (k = 1; k < i; k++)
				if (is(&T->t[k], "and") && !T->t[k].drop)
					amp = k;
			for (k = 1; amp && k < amp; k++)
				if (!T->t[k].drop && np_at(T, k, &np) && !np.person && np.b <= amp)
					break;
			if (amp && k < amp) {
				done = 1;
				continue;
			}
		}
		{
			struct mk_buf b;
			enum want want = WANT_THING;
			int plural = is(t, "them") || is(t, "those") || is(t, "these") || is(t, "both") ? 1 :
				     is(t, "it") || is(t, "that") || is(t, "this") ? 0 : -1;
			if (verb_is(T, i, W_COMM) && (is(t, "them") || is(t, "those")))
				want = WANT_PERSON;
			else if (first_word_is(T, i, "sign"))
				want = WANT_PAPER;
			else if (verb_is(T, i, W_EVENT) || (on_calendar(T, i + span, n) && e->request && *e->request))
				want = WANT_MEETING;
			mk_buf_init(&b);
			if (want == WANT_PAPER && (!antecedent(e, t->s, want, plural, &b) || master_paper(b.s))) {
				mk_buf_reset(&b); /* what a deal signs: one name for it, so later news finds it */
				mk_buf_adds(&b, "the contract");
			}
			if (b.len || antecedent(e, t->s, want, plural, &b) ||
			    (want != WANT_THING && antecedent(e, t->s, WANT_THING, plural, &b))) {
				if (is(t, "it's"))
					mk_buf_adds(&b, " is");
				t->repl = pool_add(pool, mk_buf_detach(&b));
				for (size_t k = i + 1; k < i + span; k++)
					T->t[k].drop = 1;
				done = 1;
			}
			mk_buf_release(&b);
		}
	}
}

/* ---- the topic named before the promise, when the action leaves it out ---- */

/* Does the action hold the word (or its singular/plural)? */
static int action_has_word(const char *a, const struct tok *t)
{
	size_t wn = strlen(t->low);
	if (wn > 3 && t->low[wn - 1] == 's')
		wn--;
	for (const char *p = a; *p; p++)
		if ((p == a || p[-1] == ' ') && !strncasecmp(p, t->low, wn) &&
		    (!p[wn] || p[wn] == ' ' || p[wn] == ',' || ((p[wn] == 's' || p[wn] == '\'') && (!p[wn + 1] || p[wn + 1] == ' '))))
			return 1;
	return 0;
}

/* "For supplier registration, I'll send you our bank forms": "send our bank forms for supplier
 * registration"; "On the layout, I'll have a first draft to you": "send a first draft of the
 * layout". NULL: the action says it already, or there is no such topic. */
static char *topic_tail(const struct act_env *e, const char *pos, const char *a)
{
	static __thread struct topic tp;
	static const char *const part[] = { "draft", "version", "copy", "outline", "cut", "pass", "revision",
					    "sketch", "mockup", "mock-up", NULL };
	static const char *const about[] = { "talk", "speak", "ask", "ping", "tell", "check", "chat", "email",
					     "call", "text", "circle", "follow", "brief", "update", NULL };
	struct mk_buf b;
	const char *prep = "for";
	size_t k;
	if (!*a || !strchr(a, ' ') || strchr(a, '(') || !fronted_topic(e, pos, &tp) || (!tp.comma && !tp.prep))
		return NULL;
	for (k = tp.np.a; k < tp.np.b; k++) /* all its words there already: nothing to add */
		if (content_word(&tp.T.t[k]) && !action_has_word(a, &tp.T.t[k]))
			break;
	if (k == tp.np.b)
		return NULL;
	{
		const char *p = a;
		size_t wn = strcspn(a, " ");
		if (mk_in_listn(a, wn, about))
			prep = "about";
		for (; *p; p += strcspn(p, " "), p += *p == ' ') {
			size_t n = strcspn(p, " ,");
			if (mk_in_listn(p, n, part) || (n > 1 && p[n - 1] == 's' && mk_in_listn(p, n - 1, part)))
				prep = "of";
		}
	}
	mk_buf_init(&b);
	mk_buf_adds(&b, a);
	out_word(&b, prep, strlen(prep));
	np_render(&b, &tp.T, &tp.np);
	return mk_buf_detach(&b);
}

/* ---- "the questionnaire" said before as "the vendor risk questionnaire" ---- */

static int same_head(const struct tok *a, const struct tok *b)
{
	size_t an = strlen(a->low), bn = strlen(b->low);
	if (!an || !bn)
		return 0;
	if (an == bn)
		return !strcmp(a->low, b->low);
	if (an + 1 == bn && b->low[bn - 1] == 's')
		return !strncmp(a->low, b->low, an);
	if (bn + 1 == an && a->low[an - 1] == 's')
		return !strncmp(a->low, b->low, bn);
	return 0;
}

/* A word that qualifies a head noun: "vendor", "risk", "SOC", "revised". */
static int modifier_word(const struct tok *t)
{
	size_t wn = strlen(t->low);
	if (!t->word || t->date || !np_word(t) || (t->bits & (W_DET | W_NUM | W_WEAK | W_TIME | W_PRON | W_DEMO)))
		return 0;
	static const char *const vague[] = { "different", "same", "other", "whole", "right", "wrong", "entire",
					     "usual", "real", "actual", "proper", "new", "old", "big", "small",
					     "quick", "short", "long", "good", "bad", "rough", "separate", "own",
					     "specific", "particular", "general", "current", "latest", "full",
					     "final", "whatever", "certain", "various", "main", NULL };
	if (wn > 2 && !strcmp(t->low + wn - 2, "'s"))
		return 0;
	for (int k = 0; vague[k]; k++)
		if (!strcmp(t->low, vague[k]))
			return 0;
	return wn > 1 || t->acro;
}

/* The modifiers before head token h of T: [*from, h). */
static size_t modifiers_before(const struct toks *T, size_t h, size_t max)
{
	size_t k = h;
	while (k > 0 && h - k < max && modifier_word(&T->t[k - 1]) && !T->t[k - 1].drop)
		k--;
	return k;
}

/* The fullest name the call gave a thing the action names short: "return the questionnaire"
 * after "the vendor risk questionnaire" was talked about -> "return the vendor risk
 * questionnaire". Only when the earlier name holds every word the action's has. NULL: none. */
static char *fuller_names(const struct act_env *e, const char *a, const char *pos)
{
	static __thread struct toks A, C;
	struct mk_buf b;
	const char *last = a;
	int any = 0;
	tokenize(a, strlen(a), &A);
	mk_buf_init(&b);
	for (size_t h = 1; h < A.n && h < 24; h++) {
		const struct tok *t = &A.t[h];
		size_t m0 = modifiers_before(&A, h, 3);
		struct act_sent se;
		int best_found = 0;
		struct mk_buf best;
		const char *last_sp = e->speaker;
		const struct tok *det;
		int done = 0;
		if (!t->word || t->date || t->cap || !(t->bits & (W_ART | W_MEET)) || (t->bits & W_WEAK) ||
		    (h + 1 < A.n && np_word(&A.t[h + 1]) && !(A.t[h + 1].bits & (W_PREP | W_ATT))))
			continue;
		/* a thing known already ("the questionnaire", "send credentials"), not a new one ("a
		 * template") nor someone's own ("our template", "Hannah's review") */
		if (m0 == 0)
			continue;
		det = &A.t[m0 - 1];
		if (!(is(det, "the") || is(det, "that") || is(det, "this") || is(det, "those") || is(det, "these") ||
		      (det->word && (det->bits & (W_VERB | W_PART)) && !(det->bits & W_DET))))
			continue;
		mk_buf_init(&best);
		/* the last mention of the thing decides, a few turns back at most */
		for (size_t k = 0, turns = 0; k <= CTX_SENTS && k <= e->si && !done; k++) {
			size_t lim;
			if (!e->sentence(e->ctx, e->si - k, &se))
				break;
			if (se.speaker && last_sp && strcmp(se.speaker, last_sp)) {
				if (++turns > CTX_TURNS)
					break;
				last_sp = se.speaker;
			}
			lim = se.len;
			if (k == 0) {
				if (!pos || pos < se.text || pos > se.text + se.len)
					continue;
				lim = e->at < (size_t)(pos - se.text) ? e->at : (size_t)(pos - se.text);
			}
			tokenize(se.text, lim, &C);
			mark_dates(&C, se.text, lim, e->today);
			for (size_t j = C.n; j-- > 1 && !done;) {
				size_t c0, extra = 0, have = 0;
				if (!same_head(&C.t[j], t) || (j + 1 < C.n && modifier_word(&C.t[j + 1])))
					continue;
				c0 = modifiers_before(&C, j, 3);
				done = 1;
				if (c0 == j)
					continue;
				/* every modifier the action has must be among the earlier ones */
				for (size_t q = m0; q < h; q++) {
					int f = 0;
					for (size_t r = c0; r < j && !f; r++)
						f = !strcmp(A.t[q].low, C.t[r].low);
					if (!f)
						break;
					have++;
				}
				if (have < h - m0)
					continue;
				for (size_t r = c0; r < j; r++) {
					int f = 0;
					for (size_t q = m0; q < h && !f; q++)
						f = !strcmp(A.t[q].low, C.t[r].low);
					extra += !f;
				}
				if (!extra)
					continue;
				for (size_t r = c0; r < j; r++)
					out_word(&best, C.t[r].s, C.t[r].n);
				best_found = 1;
			}
		}
		if (best_found) {
			const char *from = m0 < h ? A.t[m0].s : t->s;
			mk_buf_add(&b, last, (size_t)(from - last));
			mk_buf_add(&b, best.s, best.len);
			mk_buf_addc(&b, ' ');
			last = t->s;
			any = 1;
		}
		mk_buf_release(&best);
	}
	if (!any) {
		mk_buf_release(&b);
		return NULL;
	}
	mk_buf_adds(&b, last);
	return mk_buf_detach(&b);
}

static int recipient_word(const struct tok *t)
{
	return t->word && (is(t, "you") || is(t, "him") || is(t, "her") || is(t, "them") || is(t, "us") || is(t, "me") ||
			   (t->cap && !t->acro && !(t->bits & (W_DET | W_ART | W_MEET))));
}

/* "get you the deck" / "get the deck over to you" / "have it back to you": the transfer
 * said plainly ("send the deck to NAME", "return the questionnaire to NAME"); "you" named. */
static char *plain_transfer(const struct act_env *e, const char *a)
{
	static __thread struct toks T;
	struct mk_buf b;
	size_t v = 0, r = 0, rn = 0, np_a, np_b, k;
	int back = 0, moved = 0;
	const char *you = NULL;
	struct np np;
	(void)e;
	tokenize(a, strlen(a), &T);
	if (T.n < 2 || !(is(&T.t[0], "get") || is(&T.t[0], "have") || is(&T.t[0], "send") || is(&T.t[0], "shoot") ||
			 is(&T.t[0], "fire") || is(&T.t[0], "give")))
		return NULL;
	k = 1;
	if (is(&T.t[k], "over") || is(&T.t[k], "across") || is(&T.t[k], "out")) /* "send over the deck" */
		k++, moved = 1;
	if (k + 1 < T.n && recipient_word(&T.t[k]) && ((T.t[k + 1].bits & (W_DET | W_NUM)) || np_word(&T.t[k + 1])) &&
	    !(T.t[k + 1].bits & (W_VERB | W_PART | W_PREP))) {
		r = k;
		rn = 1;
		k++;
		if (k < T.n && T.t[k].cap && T.t[r].cap && !(T.t[k].bits & (W_DET | W_ART)) && !T.t[k].acro &&
		    k + 1 < T.n && (T.t[k + 1].bits & (W_DET | W_NUM))) /* a first and last name */
			k++, rn = 2;
	}
	if (k >= T.n || !np_at(&T, k, &np) || np.person)
		return NULL;
	np_a = np.a;
	np_b = np.b;
	k = np_b;
	while (k < T.n && (is(&T.t[k], "over") || is(&T.t[k], "across") || is(&T.t[k], "back") ||
			   is(&T.t[k], "through"))) {
		back |= is(&T.t[k], "back");
		moved = 1;
		k++;
	}
	if (!r && k + 1 < T.n && is(&T.t[k], "to") && recipient_word(&T.t[k + 1]) && !(T.t[k + 1].bits & W_VERB)) {
		r = k + 1;
		rn = 1;
		if (r + 1 < T.n && T.t[r].cap && T.t[r + 1].cap && !T.t[r + 1].acro)
			rn = 2;
		moved = 1;
		k = r + rn;
	} else if (!r && k + 2 < T.n && is(&T.t[k], "to") && (T.t[k + 1].bits & W_DET) && np_word(&T.t[k + 2])) {
		struct np rp; /* "to the trustee", "to the right people" */
		if (np_at(&T, k + 1, &rp)) {
			r = k + 1;
			rn = rp.b - rp.a;
			moved = 1;
			k = rp.b;
		}
	}
	if (!moved && !r)
		return NULL;
	if (is(&T.t[0], "give") && !r)
		return NULL;
	/* "you", "me", "us": the other side or the asker, whom the plan does not need named */
	if (r && rn == 1 && (is(&T.t[r], "you") || is(&T.t[r], "me") || is(&T.t[r], "us")))
		you = "";
	mk_buf_init(&b);
	mk_buf_adds(&b, back ? "return" : (is(&T.t[0], "send") || is(&T.t[0], "get") || is(&T.t[0], "have") ||
					   is(&T.t[0], "shoot") || is(&T.t[0], "fire")) ? "send" : "give");
	for (size_t i = np_a; i < np_b; i++)
		out_word(&b, T.t[i].s, T.t[i].n);
	for (size_t i = k; i < T.n; i++)
		if (!(i >= r && i < r + rn))
			out_word(&b, T.t[i].s, T.t[i].n);
	if (r && !you) {
		out_word(&b, "to", 2);
		for (size_t i = r; i < r + rn; i++)
			out_word(&b, T.t[i].s, T.t[i].n);
	}
	(void)v;
	return mk_buf_detach(&b);
}

/* "come back to you with a revised rate card", "make sure the checklist is in your inbox":
 * what is handed over, said plainly ("send a revised rate card").
 * NULL: not such a phrase, or what follows is a person or names nothing. */
static char *plain_send(const char *a)
{
	static __thread struct toks T;
	struct np np;
	struct mk_buf b;
	size_t k = 0, tail;
	tokenize(a, strlen(a), &T);
	if (T.n < 4)
		return NULL;
	if ((is(&T.t[0], "come") || is(&T.t[0], "circle") || is(&T.t[0], "get")) && is(&T.t[1], "back")) {
		k = 2;
		if (k + 1 < T.n && is(&T.t[k], "to") && (is(&T.t[k + 1], "you") || is(&T.t[k + 1], "us")))
			k += 2;
		if (k >= T.n || !is(&T.t[k], "with"))
			return NULL;
		k++;
	} else if (is(&T.t[0], "make") && is(&T.t[1], "sure")) {
		/* "make sure the checklist is in your inbox" */
		size_t v;
		for (v = 2; v < T.n && !is(&T.t[v], "is") && !is(&T.t[v], "are"); v++)
			;
		if (v + 3 >= T.n || v == 2 || !is(&T.t[v + 1], "in") || !is(&T.t[v + 2], "your") ||
		    !(is(&T.t[v + 3], "inbox") || is(&T.t[v + 3], "hands") || is(&T.t[v + 3], "email")))
			return NULL;
		if (!np_at(&T, 2, &np) || np.person || np.b != v || np.content < 1)
			return NULL;
		mk_buf_init(&b);
		mk_buf_adds(&b, "send");
		for (size_t i = np.a; i < np.b; i++)
			out_word(&b, T.t[i].s, T.t[i].n);
		for (size_t i = v + 4; i < T.n; i++)
			out_word(&b, T.t[i].s, T.t[i].n);
		return mk_buf_detach(&b);
	} else
		return NULL;
	if (k >= T.n || !np_at(&T, k, &np) || np.person || np.content < 1)
		return NULL;
	tail = np.a;
	mk_buf_init(&b);
	mk_buf_adds(&b, "send");
	for (size_t i = tail; i < T.n; i++)
		out_word(&b, T.t[i].s, T.t[i].n);
	return mk_buf_detach(&b);
}

/* "get the reference call on the calendar", "put an hour in the diary for the mapping
 * review", "get the walkthrough booked": a meeting set up, said plainly ("schedule X").
 * NULL: not such a phrase, or what is set up is no meeting or a person. */
static char *plain_schedule(const char *a)
{
	static __thread struct toks T;
	struct np np;
	struct mk_buf b;
	size_t k, c, x = 0, xe = 0;
	tokenize(a, strlen(a), &T);
	if (T.n < 3 || !(is(&T.t[0], "get") || is(&T.t[0], "put") || is(&T.t[0], "block") || is(&T.t[0], "find")))
		return NULL;
	/* where "on the calendar" / "in the diary" is said, if at all */
	for (c = 2; c + 1 < T.n; c++)
		if (is(&T.t[c], "on") || is(&T.t[c], "in") || is(&T.t[c], "into")) {
			size_t j = c + 1;
			if (j < T.n && (T.t[j].bits & W_DET))
				j++;
			/* "on the calendar", not "on the schedule" (a plan, as often as a meeting) */
			if (j < T.n && mk_in_list(T.t[j].low, calendar_words) && !is(&T.t[j], "schedule"))
				break;
		}
	if (c + 1 < T.n) {
		k = c + 1 + ((T.t[c + 1].bits & W_DET) ? 1 : 0) + 1;
		if (np_at(&T, 1, &np) && !np.person && (np.head & W_MEET)) /* "get the reference call on ..." */
			x = 1, xe = c;
		else if (k + 1 < T.n && is(&T.t[k], "for") && np_at(&T, k + 1, &np) && !np.person && (np.head & W_MEET))
			x = np.a, xe = np.b, k = np.b; /* "an hour in the diary for the mapping review" */
		else
			return NULL;
	} else {
		/* "get the walkthrough booked" */
		if (!is(&T.t[0], "get") || !np_at(&T, 1, &np) || np.person || !(np.head & W_MEET) || np.b >= T.n ||
		    !(is(&T.t[np.b], "booked") || is(&T.t[np.b], "scheduled")))
			return NULL;
		x = np.a, xe = np.b, k = np.b + 1;
	}
	mk_buf_init(&b);
	mk_buf_adds(&b, "schedule");
	for (size_t i = x; i < xe; i++)
		out_word(&b, T.t[i].s, T.t[i].n);
	for (size_t i = k; i < T.n; i++)
		out_word(&b, T.t[i].s, T.t[i].n);
	return mk_buf_detach(&b);
}

/* "draft the berth rules and get them over to you", "tidy the log and get it to Ana":
 * the hand-over said plainly ("... and send it"). NULL: no such tail. */
static char *plain_tail_transfer(const char *a)
{
	static __thread struct toks T;
	size_t i, k;
	struct mk_buf b;
	tokenize(a, strlen(a), &T);
	for (i = 1; i + 3 < T.n; i++)
		if (is(&T.t[i], "and") && (is(&T.t[i + 1], "get") || is(&T.t[i + 1], "have")) &&
		    (is(&T.t[i + 2], "it") || is(&T.t[i + 2], "that") || is(&T.t[i + 2], "them") || is(&T.t[i + 2], "those")))
			break;
	if (i + 3 >= T.n)
		return NULL;
	k = i + 3;
	if (k < T.n && (is(&T.t[k], "over") || is(&T.t[k], "across") || is(&T.t[k], "back")))
		k++;
	if (k + 1 >= T.n || !is(&T.t[k], "to") || !recipient_word(&T.t[k + 1]))
		return NULL;
	mk_buf_init(&b);
	mk_buf_add(&b, a, (size_t)(T.t[i + 1].s - a));
	mk_buf_adds(&b, is(&T.t[i + 2], "that") || is(&T.t[i + 2], "it") ? "send it" : "send them");
	if (!(is(&T.t[k + 1], "you") || is(&T.t[k + 1], "me") || is(&T.t[k + 1], "us")))
		mk_buf_addf(&b, " to %.*s", (int)T.t[k + 1].n, T.t[k + 1].s);
	mk_buf_adds(&b, T.t[k + 1].s + T.t[k + 1].n);
	return mk_buf_detach(&b);
}

/* "send an invite" with nothing about what for: the meeting talked about before. */
static char *invite_for(const struct act_env *e, const char *a, const char *pos)
{
	static __thread struct toks T;
	size_t k = 1;
	struct mk_buf b, m;
	tokenize(a, strlen(a), &T);
	if (T.n < 2)
		return NULL;
	if (!(is(&T.t[0], "send") || is(&T.t[0], "put") || is(&T.t[0], "get") || is(&T.t[0], "throw") ||
	      is(&T.t[0], "sort") || is(&T.t[0], "do") || is(&T.t[0], "book") || is(&T.t[0], "schedule")))
		return NULL;
	if (k < T.n && (is(&T.t[k], "out") || is(&T.t[k], "over")))
		k++;
	if (k < T.n && (T.t[k].bits & W_DET))
		k++;
	if (k < T.n && is(&T.t[k], "calendar"))
		k++;
	if (k >= T.n || !(is(&T.t[k], "invite") || is(&T.t[k], "invites") || is(&T.t[k], "invitation") ||
			  is(&T.t[k], "hold") || is(&T.t[k], "placeholder")))
		return NULL;
	for (size_t i = k + 1; i < T.n; i++)
		if (is(&T.t[i], "for") || is(&T.t[i], "to"))
			return NULL;
	mk_buf_init(&m);
	if (!antecedent(e, pos, WANT_MEETING, -1, &m) || strstr(m.s, "invite")) {
		mk_buf_release(&m);
		return NULL;
	}
	mk_buf_init(&b);
	mk_buf_add(&b, a, (size_t)(T.t[k].s + T.t[k].n - a));
	mk_buf_adds(&b, " for ");
	mk_buf_add(&b, m.s, m.len);
	mk_buf_adds(&b, T.t[k].s + T.t[k].n);
	mk_buf_release(&m);
	return mk_buf_detach(&b);
}

/* Words of an action that say what is done (not "do", "it", "send", "over"). */
static int content_count(const char *a)
{
	static __thread struct toks T;
	int c = 0;
	tokenize(a, strlen(a), &T);
	for (size_t i = 0; i < T.n; i++) {
		const struct tok *t = &T.t[i];
		if (!t->word || (t->bits & (W_DET | W_PRON | W_DEMO | W_SUBJ | W_PART | W_PREP | W_CONJ | W_ADV | W_HEDGE |
					   W_WEAK | W_TIME)))
			continue;
		if (is(t, "do") || is(t, "have") || is(t, "get") || is(t, "make") || is(t, "handle") || is(t, "take") ||
		    is(t, "care") || is(t, "own") || is(t, "manage") || is(t, "sort") || is(t, "be") || is(t, "go") ||
		    is(t, "is") || is(t, "it's") || is(t, "that's"))
			continue;
		c++;
	}
	return c;
}

/* Does the request's action say all the action says (its words but the light verbs)? Then
 * it says it better: "have the downtime logs" answering "can you send the downtime logs from
 * August?" is the request's "send the downtime logs from August". */
int action_within(const char *a, const char *request)
{
	static __thread struct toks A, R;
	int any = 0;
	if (!a || !request)
		return 0;
	tokenize(a, strlen(a), &A);
	tokenize(request, strlen(request), &R);
	for (size_t i = 0; i < A.n; i++) {
		const struct tok *t = &A.t[i];
		int found = 0;
		if (!t->word || (t->bits & (W_DET | W_PRON | W_DEMO | W_SUBJ | W_PART | W_PREP | W_CONJ | W_ADV | W_HEDGE |
					   W_WEAK | W_TIME)) ||
		    is(t, "have") || is(t, "get") || is(t, "send") || is(t, "do") || is(t, "make") || is(t, "see") ||
		    is(t, "receive"))
			continue;
		for (size_t j = 0; j < R.n && !found; j++)
			found = R.t[j].word && !strcmp(R.t[j].low, t->low);
		if (!found)
			return 0;
		any = 1;
	}
	return any;
}

/* An action that names no work of its own: under two content words, or a stand-in verb
 * ("handle it", "sort that out", "take care of it") whose object came from a pronoun. */
int action_is_generic(const char *a)
{
	static const char *const standins[] = { "handle ", "sort ", "take care of ", "deal with ", "do ",
						"tackle ", "cover " };
	if (!a || content_count(a) < 2)
		return 1;
	for (size_t i = 0; i < sizeof standins / sizeof standins[0]; i++)
		if (!strncmp(a, standins[i], strlen(standins[i])))
			return 1;
	return 0;
}

/* "can someone send the accessibility reports?" a turn or two before: what was asked
 * ("send the accessibility reports"), when no request rule took it. */
static int asked_before(const struct act_env *e, struct mk_buf *out)
{
	static __thread struct toks T;
	struct act_sent se;
	int turns = 0;
	const char *last = e->speaker;
	for (size_t k = 1; k <= 6 && k <= e->si; k++) {
		size_t i;
		if (!e->sentence(e->ctx, e->si - k, &se))
			break;
		if (se.speaker && last && strcmp(se.speaker, last)) {
			if (++turns > 2)
				break;
			last = se.speaker;
		}
		if (!se.question || (se.speaker && e->speaker && !strcmp(se.speaker, e->speaker)))
			continue;
		tokenize(se.text, se.len, &T);
		mark_dates(&T, se.text, se.len, e->today);
		for (i = 0; i + 2 < T.n; i++) {
			const struct tok *m = &T.t[i], *w = &T.t[i + 1];
			size_t v = i + 2;
			if (!(is(m, "can") || is(m, "could") || is(m, "would") || is(m, "will")))
				continue;
			if (!(is(w, "someone") || is(w, "somebody") || is(w, "anyone") || is(w, "anybody") || is(w, "you") ||
			      is(w, "we")))
				continue;
			while (v < T.n && (is(&T.t[v], "please") || is(&T.t[v], "also") || is(&T.t[v], "just") ||
					   is(&T.t[v], "guys") || is(&T.t[v], "all")))
				v++;
			if (v >= T.n || !T.t[v].word || (T.t[v].bits & (W_SUBJ | W_DET | W_PREP | W_ADV)) ||
			    is(&T.t[v], "be") || is(&T.t[v], "see") || is(&T.t[v], "hear") || is(&T.t[v], "do"))
				continue;
			T.n = clause_end(&T, NULL) > v ? clause_end(&T, NULL) : T.n;
			drop_dates(&T, T.n);
			for (size_t j = 0; j < v; j++)
				T.t[j].drop = 1;
			render(out, &T, T.n);
			if (out->len && out->s[out->len - 1] == '?')
				out->s[--out->len] = '\0';
			if (content_count(out->s) >= 2)
				return 1;
			mk_buf_reset(out);
		}
	}
	return 0;
}

/* The condition said before the commitment in its sentence: "If the pilot passes, we'll sign". */
static void leading_condition(const struct act_env *e, struct mk_buf *cond)
{
	static __thread struct toks T;
	struct act_sent se;
	size_t i;
	if (!e->sentence(e->ctx, e->si, &se) || e->at > se.len)
		return;
	tokenize(se.text, e->at, &T);
	for (i = 0; i < T.n; i++)
		if (is(&T.t[i], "if") || is(&T.t[i], "assuming") || is(&T.t[i], "provided") || is(&T.t[i], "unless"))
			break;
	if (i + 2 >= T.n)
		return;
	{
		size_t j = i + 1;
		while (j < T.n && !punct(&T.t[j], ',') && !is(&T.t[j], "then"))
			j++;
		if (j < i + 3)
			return;
		for (size_t k = i; k < j; k++)
			if (!T.t[k].drop)
				out_word(cond, T.t[k].s, T.t[k].n);
	}
}

/* ---- "Can your scheduler take readings?" / "I'll check with the controls team" ---- */

/* Is the action T[0..n) a promise to find something out that names no topic ("check with
 * the controls team", "ask her", "talk to Teodor", "circle back on that", "check
 * internally")? 1: ask or check ("... whether"), 2: talk or call ("... about whether"),
 * 3: come back ("... on whether"); 0: not one. mark: leave out its "it"/"on that". */
static int findout_bare(struct toks *T, size_t n, int mark, struct mk_buf *tail)
{
	size_t i = 0, with = 0;
	int kind = 0, obj = 0;
	while (i < n && (T->t[i].drop || !T->t[i].word))
		i++;
	if (i >= n)
		return 0;
	{
		const struct tok *v = &T->t[i], *nx = i + 1 < n ? &T->t[i + 1] : NULL;
		if (is(v, "check") || is(v, "confirm") || is(v, "verify") || is(v, "double-check") || is(v, "ask"))
			kind = 1, i++;
		else if ((is(v, "find") || is(v, "figure")) && nx && is(nx, "out"))
			kind = 1, i += 2;
		else if ((is(v, "look") || is(v, "dig")) && nx && is(nx, "into"))
			kind = 1, i += 2, obj = 1;
		else if (is(v, "follow") && nx && is(nx, "up"))
			kind = 3, i += 2;
		else if ((is(v, "have") || is(v, "get")) && nx && (is(nx, "an") || is(nx, "you")) &&
			 ((i + 2 < n && is(&T->t[i + 2], "answer")) ||
			  (i + 3 < n && is(&T->t[i + 2], "an") && is(&T->t[i + 3], "answer"))))
			kind = 3, i += is(nx, "you") ? 4 : 3; /* "have an answer (for you)" */
		else if (is(v, "talk") || is(v, "speak") || is(v, "chat") || is(v, "ping") || is(v, "call") ||
			 is(v, "email") || is(v, "text") || is(v, "chase"))
			kind = 2, i++;
		else if ((is(v, "circle") || is(v, "get") || is(v, "come")) && nx && is(nx, "back"))
			kind = 3, i += 2;
		else if (is(v, "revert"))
			kind = 3, i++;
		else
			return 0;
	}
	for (; i < n; i++) {
		struct tok *t = &T->t[i];
		if (t->drop)
			continue;
		if (!t->word) {
			if (punct(t, ',') || punct(t, '.') || punct(t, '?') || punct(t, '!'))
				continue;
			return 0;
		}
		if (is(t, "with") || is(t, "to") || is(t, "from")) {
			with = 1;
			continue;
		}
		/* "and revert", "and get back to you": the report after, kept after the topic */
		if (is(t, "and") && i + 1 < n && i > 0 &&
		    (is(&T->t[i + 1], "revert") || is(&T->t[i + 1], "confirm") || is(&T->t[i + 1], "report") ||
		     ((is(&T->t[i + 1], "get") || is(&T->t[i + 1], "come") || is(&T->t[i + 1], "circle")) && i + 2 < n &&
		      is(&T->t[i + 2], "back")))) {
			if (tail)
				for (; i < n; i++)
					if (!T->t[i].drop && (T->t[i].drop = 1) && !T->t[i].date)
						out_word(tail, T->t[i].s, T->t[i].n);
			return kind;
		}
		if (is(t, "internally") || is(t, "around") || is(t, "in-house"))
			continue;
		if (is(t, "for") && i + 1 < n && (is(&T->t[i + 1], "you") || is(&T->t[i + 1], "us"))) {
			i++;
			continue;
		}
		if ((is(t, "it") || is(t, "that") || is(t, "this")) && (obj || kind == 1 || kind == 3)) {
			if (mark)
				t->drop = 1;
			continue;
		}
		if ((is(t, "on") || is(t, "about") || is(t, "into")) && i + 1 < n &&
		    (is(&T->t[i + 1], "it") || is(&T->t[i + 1], "that") || is(&T->t[i + 1], "this"))) {
			if (mark)
				t->drop = T->t[i + 1].drop = 1;
			i++;
			continue;
		}
		if (is(t, "them") || is(t, "him") || is(t, "her") || is(t, "you") || is(t, "us") || is(t, "me"))
			continue;
		if (with && with++ <= 5 && !(t->bits & (W_VERB | W_CONJ | W_PREP | W_SUBJ | W_PRON | W_DEMO)))
			continue; /* "with the controls team", "from Marisa" */
		if (t->cap && !t->bits && !with)
			continue; /* "ask Dana", "call Bramble Growers" */
		return 0;
	}
	return kind;
}

/* Words that start a question's predicate after its subject: "(can your scheduler) take ...",
 * "(is quarterly billing) possible". */
static int pred_start(const struct tok *t)
{
	static const char *const w[] = { "accept", "support", "allow", "include", "integrate", "connect", "match",
					 "process", "receive", "store", "export", "import", "require", "offer",
					 "provide", "fit", "expect", "plan", "waive", "extend", "honor", "honour",
					 "lower", "reduce", "deploy", "scale", "read", "apply", "qualify", "count",
					 "replace", "block", "permit", "reach", "invoice", "bill", "discount", "able",
					 "ready", "possible", "available", "allowed", "included", "still", "certified",
					 "compliant", "required", "open", "willing", "okay", "fine", "on", "in", "part",
					 "live", "done", "signed", "approved", "going", NULL };
	if (!t->word)
		return 1;
	if (t->bits & (W_VERB | W_PREP | W_CONJ) && !(t->bits & (W_ART | W_MEET)))
		return 1;
	for (int i = 0; w[i]; i++)
		if (is(t, w[i]))
			return 1;
	return 0;
}

static int aux_word(const struct tok *t)
{
	static const char *const w[] = { "can", "could", "would", "will", "do", "does", "did", "is", "are", "was",
					 "were", "has", "have", "should", "shall", "might", NULL };
	for (int i = 0; w[i]; i++)
		if (is(t, w[i]))
			return 1;
	return 0;
}

/* One word of the asker's said by the one who answers: "your" -> "our"; other side's
 * "we" -> "they". subj: in subject place. */
static void swapped_word(struct mk_buf *b, const struct tok *t, int other, int subj, const char *asker)
{
	static const char *const sw[][3] = { { "you", "we", "us" }, { "your", "our", "our" }, { "yours", "ours", "ours" },
					     { "we", "they", "they" }, { "us", "them", "them" }, { "our", "their", "their" },
					     { "ours", "theirs", "theirs" } };
	for (size_t k = 0; k < sizeof sw / sizeof sw[0]; k++)
		if (is(t, sw[k][0]) && (k < 3 || other)) {
			out_word(b, sw[k][subj ? 1 : 2], strlen(sw[k][subj ? 1 : 2]));
			return;
		}
	if ((is(t, "i") || is(t, "me")) && asker) {
		size_t fn = strcspn(asker, " ");
		out_word(b, asker, fn);
		return;
	}
	out_word(b, t->s, t->n);
}

/* "accept" -> "accepts" after "does X" is undone. */
static void third_person(struct mk_buf *b, const struct tok *t)
{
	char w[40];
	size_t n = strlen(t->low);
	if (!n || n + 3 >= sizeof w || !t->word || t->cap) {
		out_word(b, t->s, t->n);
		return;
	}
	memcpy(w, t->low, n + 1);
	if (!strcmp(w, "have"))
		strcpy(w, "has");
	else if (n > 1 && w[n - 1] == 'y' && !strchr("aeiou", w[n - 2]))
		strcpy(w + n - 1, "ies");
	else if (w[n - 1] == 's' || w[n - 1] == 'x' || w[n - 1] == 'z' || w[n - 1] == 'o' ||
		 (n > 1 && (w[n - 1] == 'h') && (w[n - 2] == 'c' || w[n - 2] == 's')))
		strcat(w, "es");
	else
		strcat(w, "s");
	out_word(b, w, strlen(w));
}

/* The tokens from i on to the end of the question's clause (before "?", ", or", "or not"). */
static size_t q_end(const struct toks *Q, size_t i)
{
	for (; i < Q->n; i++) {
		const struct tok *t = &Q->t[i], *nx = i + 1 < Q->n ? &Q->t[i + 1] : NULL;
		if (punct(t, '?') || punct(t, ';') || is_dash(t) || punct(t, '.') || punct(t, '!'))
			break;
		if (punct(t, ',') && (!nx || !nx->word || is(nx, "or") || is(nx, "like") || is(nx, "because") ||
				      is(nx, "right") || is(nx, "cause") || (nx->bits & W_SUBJ) || aux_word(nx)))
			break;
		if (is(t, "or") && (!nx || !nx->word || is(nx, "not") || is(nx, "no") || aux_word(nx)))
			break;
		if (is(t, "because") || is(t, "cause"))
			break;
	}
	return i;
}

/* The question's clause from its aux a on, subject first: "(can) your scheduler take X" ->
 * "our scheduler can take X", "(does) the freeze lift" -> "the freeze lifts", "(is) the
 * notice period" -> "the notice period is" when tail. Q->t[s..e) follows the aux. */
static int uninvert(const struct toks *Q, const struct tok *a, size_t s, size_t e, int other, const char *asker,
		    int tail, struct mk_buf *out)
{
	int does = is(a, "does"), doaux = does || is(a, "do") || is(a, "did"), pron;
	const char *au = a->low;
	size_t v, k;
	if (s >= e || !Q->t[s].word)
		return 0;
	pron = (Q->t[s].bits & (W_SUBJ | W_DEMO)) != 0;
	if (pron)
		v = s + 1;
	else {
		for (v = s + 1; v < e && v < s + 6 && !pred_start(&Q->t[v]); v++)
			;
		if (v >= e && tail && !doaux) {
			for (k = s; k < e; k++)
				if (!Q->t[k].drop)
					swapped_word(out, &Q->t[k], other, k == s, asker);
			out_word(out, au, strlen(au));
			return 1;
		}
		if (v >= e && doaux && e > s + 1 && e <= s + 5 && !Q->t[e - 1].cap && !(Q->t[e - 1].bits & W_STOPNP))
			v = e - 1; /* "does your procurement freeze lift" */
		if (v >= e || v >= s + 6 || !Q->t[v].word)
			return 0;
	}
	for (k = s; k < v; k++)
		if (!Q->t[k].drop)
			swapped_word(out, &Q->t[k], other, k == s, asker);
	if (!doaux) {
		if (other && (is(&Q->t[s], "you") || is(&Q->t[s], "we"))) /* "are you" -> "we are" */
			au = !strcmp(au, "is") ? "are" : !strcmp(au, "was") ? "were" : !strcmp(au, "has") ? "have" : au;
		if (v == s + 1 && is(&Q->t[s], "i") && asker)
			au = !strcmp(au, "am") ? "is" : au;
		out_word(out, au, strlen(au));
	} else if (is(a, "did"))
		out_word(out, "did", 3);
	for (k = v; k < e; k++) {
		if (Q->t[k].drop)
			continue;
		if (k == v && does && !pron && !(Q->t[k].bits & W_CONJ))
			third_person(out, &Q->t[k]);
		else
			swapped_word(out, &Q->t[k], other, 0, asker);
	}
	return 1;
}

/* The question Q (said by asker; other: from the other side) as a clause the answer can
 * hold: "can your scheduler take readings" -> "whether our scheduler can take readings",
 * "when does the freeze lift" -> "when the freeze lifts". A request to find out ("could
 * you find out the notice period?") is returned as what it asks, *request set. */
static int question_clause(struct toks *Q, int other, const char *asker, struct mk_buf *out, int *request)
{
	for (size_t p = 0; p + 1 < Q->n; p++) /* an offer ("do you want me to ..."), or the call itself */
		if (((is(&Q->t[p], "want") || is(&Q->t[p], "like")) && (is(&Q->t[p + 1], "me") || is(&Q->t[p + 1], "us"))) ||
		    (aux_word(&Q->t[p]) && is(&Q->t[p + 1], "i")) || is(&Q->t[p], "hear") || is(&Q->t[p], "screen") ||
		    is(&Q->t[p], "sense") || is(&Q->t[p], "sound") || is(&Q->t[p], "sounds") || is(&Q->t[p], "mute") ||
		    is(&Q->t[p + 1], "hear") || is(&Q->t[p + 1], "screen") || is(&Q->t[p + 1], "sense"))
			return 0;
	for (size_t p = 0; p < Q->n; p++) {
		const struct tok *a = &Q->t[p], *pv = p ? &Q->t[p - 1] : NULL;
		size_t s, e, k;
		if (a->drop || !a->word)
			continue;
		if (pv && pv->word && !is(pv, "and") && !is(pv, "so") && !is(pv, "but") && !is(pv, "okay") &&
		    !is(pv, "ok") && !is(pv, "then") && !is(pv, "also") && !is(pv, "well") && !is(pv, "now") &&
		    !is(pv, "yeah") && !is(pv, "right") && !is(pv, "just") && !is(pv, "any"))
			continue;
		mk_buf_reset(out);
		*request = 0;
		if ((is(a, "chance") && pv && is(pv, "any")) ||
		    (aux_word(a) && p + 3 < Q->n && is(&Q->t[p + 1], "you") &&
		     (is(&Q->t[p + 2], "know") || (p + 4 < Q->n && is(&Q->t[p + 2], "happen") && is(&Q->t[p + 4], "know"))))) {
			/* "any chance Graham would sign", "do you know if/when ...": already a clause */
			if (is(a, "chance"))
				s = p + 1 + (p + 1 < Q->n && is(&Q->t[p + 1], "that"));
			else {
				s = p + (is(&Q->t[p + 2], "know") ? 3 : 5);
				if (s >= Q->n || !(is(&Q->t[s], "if") || is(&Q->t[s], "whether") || (Q->t[s].bits & W_CONJ)))
					continue;
			}
			if (!is(a, "chance") && !is(&Q->t[s], "if") && !is(&Q->t[s], "whether"))
				mk_buf_adds(out, Q->t[s].low);
			else
				mk_buf_adds(out, "whether");
			if (!is(a, "chance"))
				s++;
			e = q_end(Q, s);
			for (k = s; k < e; k++)
				if (!Q->t[k].drop)
					swapped_word(out, &Q->t[k], other, k == s || (Q->t[k - 1].bits & W_CONJ), asker);
		} else if (is(a, "what") || is(a, "which") || is(a, "when") || is(a, "who") || is(a, "how") ||
			   is(a, "where") || is(a, "what's") || is(a, "when's") || is(a, "who's")) {
			/* "what's the notice period", "how many seats do you need", "who signs it" */
			static const struct tok is_tok = { "is", 2, "is", W_VERB, 1, 0, 0, 0, 0, NULL };
			const struct tok *au = NULL;
			s = p + 1;
			if (is(a, "what's") || is(a, "when's") || is(a, "who's"))
				au = &is_tok;
			if (is(a, "how") && s < Q->n &&
			    (is(&Q->t[s], "many") || is(&Q->t[s], "much") || is(&Q->t[s], "long") || is(&Q->t[s], "soon")))
				s++;
			while (!au && s < Q->n && s < p + 4 && Q->t[s].word && !aux_word(&Q->t[s]) &&
			       !(Q->t[s].bits & (W_VERB | W_SUBJ | W_PREP)))
				s++;
			if (!au && s < Q->n && aux_word(&Q->t[s]))
				au = &Q->t[s++];
			e = q_end(Q, s);
			mk_buf_add(out, a->low, strlen(a->low) - (au == &is_tok ? 2 : 0));
			for (k = p + 1; k < s; k++)
				if (!Q->t[k].drop && !aux_word(&Q->t[k]))
					out_word(out, Q->t[k].s, Q->t[k].n);
			if (au && !uninvert(Q, au, s, e, other, asker, 1, out))
				continue;
			for (k = s; !au && k < e; k++) /* "who signs on your side" */
				if (!Q->t[k].drop)
					swapped_word(out, &Q->t[k], other, 0, asker);
		} else if (aux_word(a)) {
			/* "can your scheduler take readings", "would the co-op go with a two season pilot" */
			s = p + 1;
			if (s < Q->n && (is(&Q->t[s], "you") || is(&Q->t[s], "someone") || is(&Q->t[s], "somebody") ||
					 is(&Q->t[s], "anyone") || is(&Q->t[s], "anybody")) &&
			    (is(a, "can") || is(a, "could") || is(a, "would") || is(a, "will"))) {
				/* "could you find out X": the request itself */
				size_t r = s + 1;
				while (r < Q->n && (is(&Q->t[r], "please") || is(&Q->t[r], "also") || is(&Q->t[r], "just")))
					r++;
				if (r + 1 < Q->n && (is(&Q->t[r], "find") || is(&Q->t[r], "figure")) && is(&Q->t[r + 1], "out"))
					r += 2;
				else if (r < Q->n && (is(&Q->t[r], "check") || is(&Q->t[r], "confirm") || is(&Q->t[r], "verify")))
					r++;
				else
					r = 0;
				if (r) {
					e = q_end(Q, r);
					for (k = s + 1; k < e; k++)
						if (!Q->t[k].drop && !is(&Q->t[k], "please") && !is(&Q->t[k], "also") &&
						    !is(&Q->t[k], "just"))
							swapped_word(out, &Q->t[k], other, 0, asker);
					*request = 1;
					if (content_count(out->s) >= 2)
						return 1;
					continue;
				}
			}
			e = q_end(Q, s);
			mk_buf_adds(out, "whether");
			if (!uninvert(Q, a, s, e, other, asker, 0, out))
				continue;
		} else
			continue;
		if (out->len && content_count(out->s) >= 2)
			return 1;
	}
	mk_buf_reset(out);
	return 0;
}

/* What the promiser said they don't know, just before the promise: "I don't know whether
 * the kiosk firmware is signed", "I'm not sure the export keeps attachments", "we need to
 * see if the ledger can replay a batch", "I need to double check the licence covers X" ->
 * "whether ..." (never one about "it" or "that" alone). */
static int unknown_clause(const struct toks *Q, struct mk_buf *out)
{
	for (size_t p = 1; p + 2 < Q->n; p++) {
		const struct tok *t = &Q->t[p], *pv = &Q->t[p - 1];
		size_t s = p + 1, e, k;
		int conj = 0;
		if (t->drop || !t->word)
			continue;
		if (is(t, "know") && (is(pv, "don't") || is(pv, "dont") || is(pv, "didn't") || is(pv, "not") ||
				      (p > 1 && (is(&Q->t[p - 2], "don't") || is(&Q->t[p - 2], "not")))))
			conj = 1;
		else if (is(t, "sure") && (is(pv, "not") || is(pv, "unsure")))
			conj = 0;
		else if ((is(t, "check") || is(t, "confirm") || is(t, "verify") || is(t, "double-check") ||
			  (is(t, "see") && (is(&Q->t[s], "if") || is(&Q->t[s], "whether")))) &&
			 (is(pv, "to") || (is(pv, "double") && p > 1 && is(&Q->t[p - 2], "to"))))
			conj = 0;
		else if (is(t, "out") && (is(pv, "find") || is(pv, "figure")) && p > 1 && is(&Q->t[p - 2], "to"))
			conj = 0;
		else
			continue;
		if (is(&Q->t[s], "if") || is(&Q->t[s], "whether") || is(&Q->t[s], "that"))
			s++;
		else if (conj)
			continue; /* "I don't know Pete" */
		if (s >= Q->n || !Q->t[s].word || is(&Q->t[s], "it") || is(&Q->t[s], "it's") || is(&Q->t[s], "that") ||
		    is(&Q->t[s], "that's") || is(&Q->t[s], "this") || is(&Q->t[s], "they") || is(&Q->t[s], "there"))
			return 0;
		e = q_end(Q, s);
		if (is(&Q->t[s - 1], "if") || is(&Q->t[s - 1], "whether") || is(&Q->t[s - 1], "that") ||
		    (Q->t[s].bits & W_SUBJ))
			; /* a clause */
		else { /* "the licence covers the depot": a verb after a short noun phrase */
			for (k = s + 1; k < e && k < s + 5; k++) {
				size_t ln = strlen(Q->t[k].low);
				if ((Q->t[k].word && !Q->t[k].bits && !Q->t[k].cap && ln > 3 && Q->t[k].low[ln - 1] == 's' &&
				     Q->t[k].low[ln - 2] != 's') ||
				    (ln > 3 && !strcmp(Q->t[k].low + ln - 2, "'s")) ||
				    (aux_word(&Q->t[k]) && !(Q->t[k].bits & W_ART)))
					break;
			}
			if (k >= e || k >= s + 5 || k + 1 >= e)
				return 0;
		}
		mk_buf_adds(out, "whether");
		for (k = s; k < e; k++)
			if (!Q->t[k].drop)
				out_word(out, Q->t[k].s, Q->t[k].n);
		if (content_count(out->s) >= 2)
			return 1;
		mk_buf_reset(out);
		return 0;
	}
	return 0;
}

/* "Can your scheduler take inbound readings?" / "Not sure, honestly. I'll check with the
 * integration team": a promise to find out that names no topic takes the question the
 * other speaker put to the promiser just before (their last turn, right before this one),
 * as "whether ..." ("check with the controls team whether our scheduler can take inbound
 * readings"). Returns what to add to the action, or NULL; a request to find out replaces
 * the action (its tokens are then left out). */
static char *asked_topic(const struct act_env *e, struct toks *T, size_t n)
{
	static __thread struct toks Q;
	struct act_sent se;
	struct mk_buf q;
	const char *asker = NULL;
	int kind = findout_bare(T, n, 0, NULL), own = 0, theirs = 0, request = 0;
	for (size_t i = 1; i < n; i++) /* "ask Pia if the crane fits": what is asked, "whether" */
		if (is(&T->t[i], "if") && !T->t[i].drop)
			for (size_t k = i, steps = 0; k-- > 0 && steps < 6 && T->t[k].word; steps++)
				if (is(&T->t[k], "ask") || is(&T->t[k], "check") || is(&T->t[k], "confirm") ||
				    is(&T->t[k], "verify") || is(&T->t[k], "double-check") || is(&T->t[k], "see") ||
				    (is(&T->t[k], "out") && k > 0 && (is(&T->t[k - 1], "find") || is(&T->t[k - 1], "figure")))) {
					T->t[i].repl = "whether";
					break;
				}
	if (!kind)
		return NULL;
	mk_buf_init(&q);
	if (e->sentence(e->ctx, e->si, &se) && e->at <= se.len) { /* "I'm not sure X, let me check" */
		tokenize(se.text, e->at, &Q);
		drop_noise(&Q);
		unknown_clause(&Q, &q);
	}
	for (size_t k = 1; !q.len && k <= 8 && k <= e->si; k++) {
		if (!e->sentence(e->ctx, e->si - k, &se) || !se.speaker || !e->speaker)
			break;
		if (!strcmp(se.speaker, e->speaker)) {
			if (asker || se.question || ++own > 2)
				break; /* the promiser's own question, or an older turn */
			tokenize(se.text, se.len, &Q);
			drop_noise(&Q);
			if (unknown_clause(&Q, &q))
				break;
			continue;
		}
		if (asker && strcmp(se.speaker, asker))
			break;
		asker = se.speaker;
		if (++theirs > 3)
			break;
		if (!se.question)
			continue;
		tokenize(se.text, se.len, &Q);
		drop_noise(&Q);
		{
			int other = e->side && e->side(e->ctx, asker) != e->side(e->ctx, e->speaker);
			if (question_clause(&Q, other, asker, &q, &request))
				break;
		}
	}
	if (!q.len) {
		mk_buf_release(&q);
		return NULL;
	}
	if (request) {
		for (size_t i = 0; i < n; i++)
			T->t[i].drop = 1;
		return mk_buf_detach(&q);
	}
	{
		struct mk_buf tail;
		char *r;
		size_t i = n;
		mk_buf_init(&tail);
		findout_bare(T, n, 1, &tail);
		while (i > 0 && (T->t[i - 1].drop || !T->t[i - 1].word))
			i--;
		if (i > 1 && is(&T->t[i - 1], "them")) /* "ask them whether": not who "them" may be */
			T->t[i - 1].drop = 1;
		r = mk_sprintf("%s%s%s%s%s", i > 1 && is(&T->t[i - 1], "them") ? "them " : "",
			       kind == 2 ? "about " : kind == 3 ? "on " : "", q.s, tail.len ? " " : "", tail.len ? tail.s : "");
		mk_buf_release(&tail);
		mk_buf_release(&q);
		return r;
	}
}

/* The action so far, then what was asked (asked_topic), freed. */
static void add_topic(struct mk_buf *b, char *topic)
{
	if (!topic)
		return;
	if (b->len)
		mk_buf_addc(b, ' ');
	mk_buf_adds(b, topic);
	free(topic);
}

/* "circle back", "follow up", "have an answer", "get a decision": says that, not on what */
static int thin_end(const char *a)
{
	static const char *const w[] = { " back", " up", " answer", " decision", " response", " update", " word",
					 " check", " feedback", NULL };
	size_t n = strlen(a);
	for (int i = 0; w[i]; i++) {
		size_t k = strlen(w[i]);
		if (n > k && !strcmp(a + n - k, w[i]))
			return 1;
	}
	return 0;
}

/* The thing text[0..n) names best (from token first_tok on), into out. */
static void thing_in(const char *text, size_t n, struct mk_date today, size_t first_tok, struct mk_buf *out)
{
	struct cand best;
	memset(&best, 0, sizeof best);
	mk_buf_init(&best.text);
	scan_text(&best, text, n, today, 10, WANT_THING, -1, first_tok);
	if (best.found)
		mk_buf_add(out, best.text.s, best.text.len);
	mk_buf_release(&best.text);
}

/* The thing named in the other side's question a turn or two before, into out. */
static void asked_thing(const struct act_env *e, struct mk_buf *out)
{
	struct act_sent se;
	for (size_t k = 1; k <= 4 && k <= e->si; k++) {
		if (!e->sentence(e->ctx, e->si - k, &se))
			return;
		if (!se.question || !se.speaker || !e->speaker || !strcmp(se.speaker, e->speaker))
			continue;
		thing_in(se.text, se.len, e->today, 0, out);
		return;
	}
}

/* Does np hold a word of list a or of list b? */
static int thin_np(const char *np, const char *const *a, const char *const *b)
{
	static __thread struct toks T;
	tokenize(np, strlen(np), &T);
	for (size_t i = 0; i < T.n; i++)
		if (mk_in_list(T.t[i].low, a) || mk_in_list(T.t[i].low, b))
			return 1;
	return 0;
}

/* "I'll have the results to you Thursday" after "could you run the load forecast?": a
 * deliverable that names only its kind says of what, from the talk just before ("send the
 * results of the load forecast"); NULL when it says already or nothing fits. */
static char *thin_object(const struct act_env *e, const char *a)
{
	static const char *const of[] = { "results", "numbers", "figures", "findings", "estimate", "estimates",
					  "sample", "samples", "details", "breakdown", "summary", "names", NULL };
	static const char *const on[] = { "answer", "feedback", "update", "decision", "response", "thoughts", NULL };
	static const char *const plain[] = { "rough", "first", "final", "full", "latest", "revised", "updated", "new",
					     "initial", "written", "couple", "few", "quick", "detailed", NULL };
	static __thread struct toks T;
	const char *prep = NULL;
	struct mk_buf m, b;
	size_t i, last = 0;
	int found = 0;
	tokenize(a, strlen(a), &T);
	for (i = 0; i < T.n; i++)
		if (T.t[i].word && !(is(&T.t[i], "to") || is(&T.t[i], "you") || is(&T.t[i], "over") ||
				     is(&T.t[i], "back") || is(&T.t[i], "across")))
			last = i, found = 1;
	if (!found || T.n > 8 || strchr(a, '(') || !(T.t[0].bits & W_VERB))
		return NULL;
	for (int k = 0; of[k] && !prep; k++)
		if (is(&T.t[last], of[k]))
			prep = " of ";
	for (int k = 0; on[k] && !prep; k++)
		if (is(&T.t[last], on[k]))
			prep = " on ";
	if (!prep)
		return NULL;
	/* only "the results", "a rough estimate": not "the POC results" */
	for (i = 0; i < last; i++)
		if (T.t[i].word && i > 0 && !(T.t[i].bits & (W_DET | W_SUBJ | W_PREP | W_NUM)) &&
		    !mk_in_list(T.t[i].low, plain))
			return NULL;
	mk_buf_init(&m);
	if (e->request && *e->request)
		thing_in(e->request, strlen(e->request), e->today, 1, &m);
	else
		asked_thing(e, &m);
	if (!m.len || content_count(m.s) < 1 || strstr(a, m.s) || thin_np(m.s, of, on)) {
		mk_buf_release(&m);
		return NULL;
	}
	mk_buf_init(&b);
	mk_buf_adds(&b, a);
	mk_buf_adds(&b, prep);
	mk_buf_add(&b, m.s, m.len);
	mk_buf_release(&m);
	return mk_buf_detach(&b);
}

/* ---- "send it to Alicia" -> "send it to Alicia Brandt" ---- */

/* The surname said after first (a capitalised word not in the dictionary) in text, into
 * out (size cap); 0 when none. */
static int surname_in(const char *text, size_t len, const char *first, size_t fn, char *out, size_t cap)
{
	for (size_t i = 0; i + fn + 2 < len; i++) {
		size_t j, k;
		char low[32];
		if (memcmp(text + i, first, fn) || (i > 0 && is_wordc((unsigned char)text[i - 1])) || text[i + fn] != ' ')
			continue;
		j = i + fn + 1;
		if (!(text[j] >= 'A' && text[j] <= 'Z'))
			continue;
		for (k = j; k < len && (is_wordc((unsigned char)text[k]) || text[k] == '-') && text[k] != '\''; k++)
			;
		if (k - j < 2 || k - j >= sizeof low || k - j >= cap)
			continue;
		for (size_t q = j; q < k; q++)
			low[q - j] = (char)(text[q] >= 'A' && text[q] <= 'Z' ? text[q] + 32 : text[q]);
		low[k - j] = '\0';
		if (lookup(low))
			continue; /* "Alicia Said", "Priya Monday" */
		{
			int upper = 1;
			for (size_t q = j; q < k; q++)
				upper &= !(text[q] >= 'a' && text[q] <= 'z');
			if (upper)
				continue; /* "Omar CFO": an acronym, no name */
		}
		memcpy(out, text + j, k - j);
		out[k - j] = '\0';
		return 1;
	}
	return 0;
}

/* A person named by first name only in the action, named in full as the call named them
 * before (a speaker, or "First Last" said): the plan names people in full. NULL: no change. */
static char *full_names(const struct act_env *e, const char *a)
{
	static __thread struct toks T;
	struct mk_buf b;
	const char *last = a;
	int any = 0;
	tokenize(a, strlen(a), &T);
	mk_buf_init(&b);
	for (size_t i = 1; i < T.n; i++) {
		const struct tok *t = &T.t[i];
		char first[32], sur[32];
		size_t fn = t->n;
		int found = 0;
		struct act_sent se;
		if (!t->word || !t->cap || t->acro || t->bits || fn < 3 || fn >= sizeof first ||
		    (i + 1 < T.n && T.t[i + 1].word && T.t[i + 1].cap) || (T.t[i - 1].word && T.t[i - 1].cap))
			continue;
		memcpy(first, t->s, fn);
		first[fn] = '\0';
		if (fn > 2 && !strcmp(first + fn - 2, "'s"))
			first[fn -= 2] = '\0';
		if (strchr(first, '\'') || strchr(first, '-'))
			continue;
		{
			char low[32];
			for (size_t q = 0; q <= fn; q++)
				low[q] = (char)(first[q] >= 'A' && first[q] <= 'Z' ? first[q] + 32 : first[q]);
			if (lookup(low))
				continue;
		}
		for (size_t k = 0; k <= e->si && k < 400 && !found; k++) {
			if (!e->sentence(e->ctx, e->si - k, &se))
				break;
			if (se.speaker)
				found = surname_in(se.speaker, strlen(se.speaker), first, fn, sur, sizeof sur);
			if (!found)
				found = surname_in(se.text, se.len, first, fn, sur, sizeof sur);
		}
		if (!found)
			continue;
		{ /* "Kenji, our architect, Kenji Arakawa": named in full already */
			char *full = mk_sprintf("%s %s", first, sur);
			int have = strstr(a, full) != NULL;
			free(full);
			if (have)
				continue;
		}
		mk_buf_add(&b, last, (size_t)(t->s + fn - last));
		mk_buf_addc(&b, ' ');
		mk_buf_adds(&b, sur);
		last = t->s + fn;
		any = 1;
	}
	if (!any) {
		mk_buf_release(&b);
		return NULL;
	}
	mk_buf_adds(&b, last);
	return mk_buf_detach(&b);
}

/* ---- "here's what I'll do": the promise said next ---- */

static char *action_make_at(const struct act_env *e, const char *s, size_t n, size_t due_a, size_t due_b,
			    int depth);

/* Does s[i..n) start with phrase (lower case, "'" also matching U+2019) at a word start?
 * Returns the length matched, 0 if not. */
static size_t phrase_at(const char *s, size_t n, size_t i, const char *phrase)
{
	size_t j = i;
	if (i > 0 && is_wordc((unsigned char)s[i - 1]))
		return 0;
	for (const char *p = phrase; *p; p++) {
		unsigned char c;
		if (j >= n)
			return 0;
		c = (unsigned char)s[j];
		if (*p == '\'' && c == 0xe2 && j + 2 < n && (unsigned char)s[j + 1] == 0x80 &&
		    (unsigned char)s[j + 2] == 0x99) {
			j += 3;
			continue;
		}
		if ((char)(c >= 'A' && c <= 'Z' ? c + 32 : c) != *p)
			return 0;
		j++;
	}
	if (j < n && is_wordc((unsigned char)s[j]))
		return 0;
	return j - i;
}

static const char *const promise_words[] = { "i'll", "we'll", "i will", "we will", "i can", "we can",
					     "i'm going to", "we're going to", "i am going to", "let me", NULL };

/* Where the promised work starts in s[from..n): after the first "I'll", "we'll", "let me"...
 * (0: none before limit). */
static size_t promise_after(const char *s, size_t n, size_t from, size_t limit)
{
	for (size_t i = from; i < n && i < limit; i++)
		for (int k = 0; promise_words[k]; k++) {
			size_t m = phrase_at(s, n, i, promise_words[k]);
			if (m) {
				i += m;
				while (i < n && s[i] == ' ')
					i++;
				return i < n ? i : 0;
			}
		}
	return 0;
}

/* Does the text before s[at] in its sentence end with a preface to a promise: "what I'll
 * (do)", "here's what we can (do)", "let me (do this)"? */
static int preface_before(const char *text, size_t at, int this_form)
{
	static const char *const lead[] = { "what", NULL };
	static const char *const lead_this[] = { "let me", "i'll", "we'll", "i will", "we will", NULL };
	size_t i = at;
	while (i > 0 && text[i - 1] == ' ')
		i--;
	/* the modal just before "do" */
	for (int k = 0; promise_words[k]; k++) {
		size_t pl = strlen(promise_words[k]);
		for (size_t st = i > pl + 4 ? i - pl - 4 : 0; st < i; st++) {
			size_t m = phrase_at(text, i, st, promise_words[k]);
			size_t b = st;
			if (!m || st + m != i)
				continue;
			if (this_form) {
				for (int q = 0; lead_this[q]; q++)
					if (!strcmp(lead_this[q], promise_words[k]))
						return 1;
				return 0;
			}
			while (b > 0 && text[b - 1] == ' ')
				b--;
			for (int q = 0; lead[q]; q++) {
				size_t ln = strlen(lead[q]);
				if (b >= ln && phrase_at(text, b, b - ln, lead[q]))
					return 1;
			}
			return 0;
		}
	}
	return 0;
}

/* "So what I'll do, I'll book the crane ...", "Here's what I'll do. I'll send ...",
 * "Let me do this. I'll book ...": the action is the promise said next (in the sentence,
 * else in the speaker's next sentence); NULL when the words are not such a preface. */
static char *preface_action(const struct act_env *e, const char *s, size_t n, int depth)
{
	struct act_sent se, nx;
	size_t i = 0, at, p;
	int this_form = 0;
	struct act_env e2;
	if (depth || !e->sentence(e->ctx, e->si, &se) || s < se.text || s > se.text + se.len)
		return NULL;
	while (i < n && !is_wordc((unsigned char)s[i]))
		i++;
	if (!phrase_at(s, n, i, "do"))
		return NULL;
	i += 2;
	while (i < n && s[i] == ' ')
		i++;
	if (phrase_at(s, n, i, "this")) {
		this_form = 1;
		i += 4;
	}
	if (i < n && s[i] != ' ' && s[i] != ',' && s[i] != '.' && s[i] != ':' && s[i] != '!')
		return NULL; /* "do the review" */
	at = (size_t)(s - se.text);
	if (!preface_before(se.text, at, this_form))
		return NULL;
	e2 = *e;
	/* what follows "do" in the sentence, past the captured words too */
	i += at;
	while (i < se.len && (se.text[i] == ' ' || se.text[i] == ',' || se.text[i] == '.' || se.text[i] == ':' ||
			      se.text[i] == '!'))
		i++;
	/* the same sentence goes on: "what we can do, we'll split the invoice" */
	if (i < se.len) {
		if (this_form || phrase_at(se.text, se.len, i, "is"))
			return NULL; /* "what I'll do is ..." a rule reads */
		p = promise_after(se.text, se.len, i, i + 2);
		if (!p)
			return NULL;
		e2.at = p;
		return action_make_at(&e2, se.text + p, se.len - p, 0, 0, 1);
	}
	/* the next sentence of the same speaker: "Here's what I'll do. If ..., I'll put it ..." */
	for (size_t k = 1; k <= 2; k++) {
		if (!e->sentence(e->ctx, e->si + k, &nx) || !nx.speaker || !e->speaker || strcmp(nx.speaker, e->speaker) ||
		    nx.question)
			return NULL;
		p = promise_after(nx.text, nx.len, 0, 160);
		if (p) {
			e2.si = e->si + k;
			e2.at = p;
			return action_make_at(&e2, nx.text + p, nx.len - p, 0, 0, 1);
		}
	}
	return NULL;
}

/* 1 when the sentence of e goes on after s[0..n) with ", <word>" (a clause cut off there) */
static int goes_on(const struct act_env *e, const char *s, size_t n)
{
	struct act_sent se;
	const char *p, *end;
	if (!e->sentence(e->ctx, e->si, &se) || s < se.text || s + n > se.text + se.len)
		return 0;
	p = s + n;
	end = se.text + se.len;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p++ != ',')
		return 0;
	while (p < end && *p == ' ')
		p++;
	return p < end && is_wordc((unsigned char)*p);
}

/* ---- "I'll X, and I'll Y": two pieces of work promised in one breath ---- */

static int no_sentence(void *ctx, size_t si, struct act_sent *out)
{
	(void)ctx, (void)si, (void)out;
	return 0;
}

/* Is every word of x that says what (three letters or more, no pronoun, determiner or
 * preposition) also a word of y or of z? */
static int said_in(const char *x, const char *y, const char *z)
{
	static __thread struct toks X, Y;
	tokenize(x, strlen(x), &X);
	for (size_t i = 0; i < X.n; i++) {
		const struct tok *t = &X.t[i];
		int found = 0;
		if (!t->word || t->n < 3 || (t->bits & (W_DET | W_PRON | W_DEMO | W_SUBJ | W_PREP | W_CONJ | W_HEDGE)))
			continue;
		for (int k = 0; k < 2 && !found; k++) {
			tokenize(k ? z : y, strlen(k ? z : y), &Y);
			for (size_t j = 0; j < Y.n && !found; j++)
				found = Y.t[j].word && !strcmp(Y.t[j].low, t->low);
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* Does a hold "it", "them", "that", "this", "those" or "these"? */
static int has_pronoun(const char *a)
{
	static const char *const pr[] = { "it", "them", "that", "this", "those", "these", NULL };
	size_t n = strlen(a);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; pr[k]; k++)
			if (phrase_at(a, n, i, pr[k]))
				return 1;
	return 0;
}

/* Does text[w..n) start with a subject's contraction: "she'd", "he's", "they're"? */
static int subj_contraction(const char *text, size_t n, size_t w)
{
	static const char *const subj[] = { "he", "she", "they", "it", "you", "i", "we", "that", "there", NULL };
	for (int k = 0; subj[k]; k++) {
		size_t m = strlen(subj[k]), j = w + m;
		char low[8];
		if (w + m >= n)
			continue;
		for (size_t q = 0; q < m; q++)
			low[q] = (char)(text[w + q] >= 'A' && text[w + q] <= 'Z' ? text[w + q] + 32 : text[w + q]);
		low[m] = '\0';
		if (strcmp(low, subj[k]))
			continue;
		if (text[j] == '\'' || ((unsigned char)text[j] == 0xe2 && j + 2 < n && (unsigned char)text[j + 1] == 0x80 &&
					(unsigned char)text[j + 2] == 0x99))
			return 1;
	}
	return 0;
}

/* Does a side clause with its own subject start at text[i], a comma: ", he sits next to
 * me", ", she'd run it", ", which", ", so", ", I'll"? */
static int side_clause_at(const char *text, size_t n, size_t i)
{
	static const char *const subj[] = { "he", "she", "they", "it", "you", "i", "we", "which", "so", "but", NULL };
	size_t w = i + 1;
	if (text[i] != ',')
		return 0;
	while (w < n && text[w] == ' ')
		w++;
	if (phrase_at(text, n, w, "you know"))
		return 0;
	for (int k = 0; subj[k]; k++)
		if (phrase_at(text, n, w, subj[k]))
			return 1;
	return promise_after(text, n, w, w + 1) || subj_contraction(text, n, w);
}

/* Where a second promise of the same speaker starts in text[from..n): ", and I'll", " and
 * we'll", ", I'll", ", then I'll"; the offset of its work (0: none). */
static size_t second_promise_at(const char *text, size_t n, size_t from, size_t upto)
{
	static const char *const heads[] = { "i'll", "we'll", "i will", "we will", "i'm going to", "we're going to",
					     "i can", NULL };
	int side = 0; /* past a side clause */
	for (size_t i = from; i < n && i <= upto + 80; i++) {
		size_t j = i, m = 0;
		int comma = 0, conj = 0;
		if (i > from && side_clause_at(text, n, i - 1) && !promise_after(text, n, i, i + 8))
			side = 1;
		if (text[i] != ',' && !(text[i] == ' ' && phrase_at(text, n, i + 1, "and")))
			continue;
		if (text[j] == ',')
			comma = 1, j++;
		while (j < n && text[j] == ' ')
			j++;
		if ((m = phrase_at(text, n, j, "and")) != 0) {
			conj = 1, j += m;
			while (j < n && text[j] == ' ')
				j++;
		}
		if ((m = phrase_at(text, n, j, "then")) != 0) {
			conj = 1, j += m;
			while (j < n && (text[j] == ' ' || text[j] == ','))
				j++;
		}
		if ((!comma && !conj) || ((i > upto || side) && !(comma && conj)))
			continue; /* past a side clause only as ", and I'll" */
		if (!comma && i > 0 && text[i - 1] != ',') { /* "Hiroshi and I will": a subject of two */
			size_t w = i;
			while (w > 0 && is_wordc((unsigned char)text[w - 1]))
				w--;
			if (text[w] >= 'A' && text[w] <= 'Z' && i - w > 1)
				continue;
		}
		for (int k = 0; heads[k]; k++)
			if ((m = phrase_at(text, n, j, heads[k])) != 0) {
				j += m;
				while (j < n && text[j] == ' ')
					j++;
				return j < n ? j : 0;
			}
	}
	return 0;
}

/* An unpunctuated run-on turn, "I'll write the test plan I'll share it with the team by
 * Monday", is split into its clauses, and the next clause's promise only lends its date to
 * this one: when this clause ends with the first piece and holds no date, the next clause
 * of the same speaker that opens with "I'll"/"we'll" is the second piece. *se becomes that
 * clause and *si its index; returns where its work starts (0: none). */
static size_t runon_next(const struct act_env *e, struct act_sent *se, size_t upto, size_t *si)
{
	static __thread struct toks T;
	struct act_sent nx;
	uintptr_t gap;
	size_t i, p;
	char last = se->len ? se->text[se->len - 1] : '.';
	if (last == '.' || last == '?' || last == '!' || last == ',' || upto + 2 < se->len || !e->speaker ||
	    !e->sentence(e->ctx, e->si + 1, &nx) || nx.question || !nx.speaker || strcmp(nx.speaker, e->speaker))
		return 0;
	gap = (uintptr_t)nx.text - (uintptr_t)(se->text + se->len);
	if ((uintptr_t)nx.text < (uintptr_t)(se->text + se->len) || gap > 3)
		return 0; /* not the same turn's next clause */
	tokenize(se->text, se->len, &T);
	mark_dates(&T, se->text, se->len, e->today);
	for (i = 0; i < T.n; i++)
		if (T.t[i].date)
			return 0; /* a dated clause: the next one is its own item */
	i = 0;
	while (i < nx.len && nx.text[i] == ' ')
		i++;
	for (int k = 0; k < 2; k++) {
		size_t m = phrase_at(nx.text, nx.len, i, "and");
		if (!m)
			m = phrase_at(nx.text, nx.len, i, "then");
		if (!m)
			m = phrase_at(nx.text, nx.len, i, "so");
		i += m;
		while (i < nx.len && nx.text[i] == ' ')
			i++;
	}
	if (!(p = promise_after(nx.text, nx.len, i, i + 1)) || phrase_at(nx.text, nx.len, i, "let me") ||
	    phrase_at(nx.text, nx.len, i, "we can"))
		return 0;
	for (const char *const *v = (const char *const[]){ "have", "get", "ask", NULL }; *v; v++) {
		size_t m = phrase_at(nx.text, nx.len, p, *v);
		if (m && p + m + 1 < nx.len && nx.text[p + m + 1] >= 'A' && nx.text[p + m + 1] <= 'Z')
			return 0; /* "I'll have Radek check it": his own item (commit.delegate) */
	}
	*se = nx;
	*si = e->si + 1;
	return p;
}

/* The second piece of work when the promise goes on in the same sentence, "I'll draft the
 * memo, and I'll send you the final by Thursday": the action is both, "draft the memo and
 * send you the final". Not a hedge ("and I'll try to"), a report back with nothing in hand
 * ("and I'll get back to you"), talk about the meeting ("and we'll go through it then"), nor
 * the same work said again. a: the first piece. NULL: no second piece. */
static char *second_piece(const struct act_env *e, const char *s, size_t n, const char *a)
{
	static const char *const not_work[] = { "be", "try", "probably", "maybe", "hopefully", "possibly", "perhaps",
						"see", "go", "walk", "talk", "discuss", "cover", "chat", "meet",
						"need", "want", "have to", "keep you", "let", "get back", "come back",
						"circle back", "loop back", "report back", "revert", "follow up",
						"touch base", "ping", "update you", "make sure of", "do it", "do that", "take care",
						"handle", "leave", "stop", "share my screen", "pick", "start", "kick",
						"wrap", "hand", "jump", "catch", "move on", "take questions", "show you",
						"open it up", "answer", "explain", "present it", "have an answer", "have answers",
						"have news", NULL };
	struct act_sent se;
	struct act_env e2;
	size_t from, p, j, end, m, with = 0, si = e->si;
	char *a2, *raw, *out;
	if (!*a || !e->sentence(e->ctx, e->si, &se) || s < se.text || s + n > se.text + se.len || se.question)
		return NULL;
	from = (size_t)(s - se.text);
	/* the first piece is the speaker's own promise: "I'll", "we'll", "let me" before it */
	if (e->at >= from || !promise_after(se.text, from + 1, e->at, from + 1))
		return NULL;
	/* right after the first piece's words, not after a side clause (", he's in the building, I'll") */
	if (!(p = second_promise_at(se.text, se.len, from + 1, from + n)) &&
	    !(p = runon_next(e, &se, from + n, &si)))
		return NULL;
	/* its own words end before a side clause: ", she'd be running it" */
	for (end = p; end < se.len && !side_clause_at(se.text, se.len, end); end++)
		;
	j = p;
	while (j < se.len && (phrase_at(se.text, se.len, j, "also") || phrase_at(se.text, se.len, j, "just") ||
			      phrase_at(se.text, se.len, j, "then") || phrase_at(se.text, se.len, j, "definitely") ||
			      phrase_at(se.text, se.len, j, "personally") || phrase_at(se.text, se.len, j, "actually"))) {
		while (j < se.len && se.text[j] != ' ')
			j++;
		while (j < se.len && se.text[j] == ' ')
			j++;
	}
	/* "and I'll come back with a revised quote": what is brought back is sent */
	if (phrase_at(se.text, se.len, j, "come back") || phrase_at(se.text, se.len, j, "get back") ||
	    phrase_at(se.text, se.len, j, "circle back"))
		for (size_t w = j; w + 6 < end; w++)
			if ((m = phrase_at(se.text, end, w, "with")) != 0 && w + m + 1 < end) {
				static const char *const thin[] = { "what", "whatever", "how", "whether", "where", "an answer",
								    "answers", "an update", "news", "something", "anything",
								    "feedback", "thoughts", "that", "this", "it", NULL };
				with = w + m + 1;
				for (int k = 0; thin[k]; k++)
					if (phrase_at(se.text, end, with, thin[k]))
						return NULL; /* "come back with what I can do": nothing in hand */
				break;
			}
	for (int k = 0; not_work[k] && !with; k++)
		if (phrase_at(se.text, se.len, j, not_work[k]))
			return NULL;
	e2 = *e;
	e2.si = si;
	e2.at = p;
	e2.request = NULL;
	if (with)
		p = e2.at = with;
	/* the words as said ("send it", "confirm"): said in one breath, "it" is the first
	 * piece's; only "get it to you" says too little, and then what "it" stands for, when
	 * the first piece names it */
	a2 = action_make_at(&e2, se.text + p, end - p, 0, 0, 2);
	e2.sentence = no_sentence;
	raw = action_make_at(&e2, se.text + p, end - p, 0, 0, 2);
	if (content_count(raw) >= 1 || !has_pronoun(raw) || !said_in(strchr(a2, ' ') ? strchr(a2, ' ') : a2, raw, a)) {
		free(a2);
		a2 = raw;
	} else {
		free(raw);
	}
	if (content_count(a2) < 1 || said_in(a2, a, "")) {
		free(a2);
		return NULL;
	}
	out = mk_sprintf("%s and %s%s", a, with ? "send " : "", a2); /* "send" what comes back */
	free(a2);
	return out;
}

char *action_make(const struct act_env *e, const char *s, size_t n, size_t due_a, size_t due_b)
{
	return action_make_at(e, s, n, due_a, due_b, 0);
}

static char *action_make_at(const struct act_env *e, const char *s, size_t n, size_t due_a, size_t due_b, int depth)
{
	static __thread struct toks T;
	struct mk_buf b, cond;
	struct pool pool = { { 0 }, 0 };
	size_t end;
	char *a, *t2;
	pthread_once(&dict_once, dict_init);
	if ((a = preface_action(e, s, n, depth)) != NULL)
		return a;
	mk_buf_init(&b);
	mk_buf_init(&cond);
	tokenize(s, n, &T);
	T.more = goes_on(e, s, n);
	mark_dates(&T, s, n, e->today);
	if (due_b > due_a)
		for (size_t i = 0; i < T.n; i++) {
			size_t o = (size_t)(T.t[i].s - s);
			if (o + T.t[i].n > due_a && o < due_b)
				T.t[i].date = 1;
		}
	/* "do is split it" (what I can do is ...), a leading "that"/"is" */
	{
		size_t i = 0;
		while (i < T.n && !T.t[i].word)
			T.t[i++].drop = 1;
		/* "I'll, uh, I'll get the SOW over": the restart's own "I'll" */
		while (i + 1 < T.n && (is(&T.t[i], "i'll") || is(&T.t[i], "we'll"))) {
			T.t[i++].drop = 1;
			while (i < T.n && !T.t[i].word)
				T.t[i++].drop = 1;
		}
		if (i + 1 < T.n && is(&T.t[i], "do") && is(&T.t[i + 1], "is"))
			T.t[i].drop = T.t[i + 1].drop = 1;
		/* "(someone) from my team write the job": the delegate's "from ..." is not the work */
		if (i + 2 < T.n && is(&T.t[i], "from")) {
			size_t k = i + 1;
			while (k < T.n && k < i + 5 && T.t[k].word && !(T.t[k].bits & (W_VERB | W_PREP | W_SUBJ)) &&
			       !(k > i + 2 && k + 1 < T.n && (T.t[k + 1].bits & W_DET)))
				k++;
			if (k > i + 1 && k + 1 < T.n && k < i + 5 && !(T.t[k].bits & (W_SUBJ | W_PREP)) &&
			    ((T.t[k].bits & W_VERB) || (T.t[k + 1].bits & W_DET)))
				for (size_t q = i; q < k; q++)
					T.t[q].drop = 1;
		}
	}
	drop_noise(&T);
	end = clause_end(&T, &cond);
	drop_dates(&T, end);
	/* "scrub them first", "on our end", "as well", "for real" at the end say nothing */
	for (size_t i = end; i-- > 1;) {
		struct tok *t = &T.t[i];
		if (t->drop || !t->word)
			continue;
		if (is(t, "first") || is(t, "too") || is(t, "then") || is(t, "now") || is(t, "again") || is(t, "anyway") ||
		    is(t, "though") || is(t, "please") || is(t, "today")) {
			t->drop = 1;
			continue;
		}
		if (is(t, "well") && i > 1 && is(&T.t[i - 1], "as")) {
			t->drop = T.t[i - 1].drop = 1;
			continue;
		}
		if ((is(t, "end") || is(t, "side")) && i > 2 &&
		    (is(&T.t[i - 1], "our") || is(&T.t[i - 1], "my") || is(&T.t[i - 1], "their")) && is(&T.t[i - 2], "on")) {
			t->drop = T.t[i - 1].drop = T.t[i - 2].drop = 1;
			continue;
		}
		break;
	}
	if (!cond.len)
		leading_condition(e, &cond);
	char *topic = asked_topic(e, &T, end);
	resolve_pronouns(e, &T, end, &pool);
	render(&b, &T, end);
	add_topic(&b, topic);
	pool_free(&pool);
	a = mk_buf_detach(&b);
	/* "you'll have them Monday": the speaker sends them */
	{
		struct act_sent se;
		if (e->sentence(e->ctx, e->si, &se) && e->at + 4 < se.len && !strncasecmp(se.text + e->at, "you", 3) &&
		    (!strncmp(a, "have ", 5) || !strncmp(a, "get ", 4) || !strncmp(a, "receive ", 8) ||
		     !strncmp(a, "see ", 4))) {
			char *x = mk_sprintf("send %s", strchr(a, ' ') + 1);
			free(a);
			a = x;
		}
	}
	if ((t2 = plain_transfer(e, a)) != NULL) {
		free(a);
		a = t2;
	}
	if ((t2 = plain_schedule(a)) != NULL) {
		free(a);
		a = t2;
	}
	if ((t2 = plain_send(a)) != NULL) {
		free(a);
		a = t2;
	}
	if ((t2 = plain_tail_transfer(a)) != NULL) {
		free(a);
		a = t2;
	}
	if ((t2 = invite_for(e, a, s)) != NULL) {
		free(a);
		a = t2;
	}
	/* nothing said what: the request answered, else what was talked about just before */
	if (*a && !strchr(a, ' ') && !(e->request && *e->request)) { /* "sign", "check", "respond" */
		struct mk_buf m;
		mk_buf_init(&m);
		if (antecedent(e, s, !strcmp(a, "sign") ? WANT_PAPER : WANT_THING, -1, &m) || !strcmp(a, "sign")) {
			mk_buf_init(&b);
			mk_buf_adds(&b, a);
			if (m.len && !strcmp(a, "sign") && master_paper(m.s))
				mk_buf_reset(&m);
			if (m.len)
				out_word(&b, m.s, m.len);
			else
				mk_buf_adds(&b, " the contract");
			free(a);
			a = mk_buf_detach(&b);
		}
		mk_buf_release(&m);
	}
	/* "have an answer", "circle back": thin; say what about */
	if (content_count(a) == 1 && strchr(a, ' ') && !(e->request && *e->request) && !strchr(a, '(') &&
	    thin_end(a)) {
		struct mk_buf m;
		mk_buf_init(&m);
		if (antecedent(e, s, WANT_THING, -1, &m) && !strstr(a, m.s + (strncmp(m.s, "the ", 4) ? 0 : 4))) {
			mk_buf_init(&b);
			mk_buf_adds(&b, a);
			mk_buf_adds(&b, " on ");
			mk_buf_add(&b, m.s, m.len);
			free(a);
			a = mk_buf_detach(&b);
		}
		mk_buf_release(&m);
	}
	if (content_count(a) < 1 || (content_count(a) < 2 && e->request && *e->request && strlen(a) < 12)) {
		struct mk_buf q;
		mk_buf_init(&q);
		if (e->request && *e->request) {
			free(a);
			a = mk_strdup(e->request);
		} else if (asked_before(e, &q)) {
			free(a);
			a = mk_buf_detach(&q);
		} else {
			struct mk_buf m;
			mk_buf_init(&m);
			if (antecedent(e, s, WANT_THING, -1, &m)) {
				mk_buf_init(&b);
				mk_buf_adds(&b, a);
				out_word(&b, m.s, m.len);
				free(a);
				a = mk_buf_detach(&b);
			}
			mk_buf_release(&m);
		}
		mk_buf_release(&q);
	}
	if ((t2 = topic_tail(e, s, a)) != NULL) {
		free(a);
		a = t2;
	}
	if (depth != 2 && (t2 = second_piece(e, s, n, a)) != NULL) {
		free(a);
		a = t2;
	}
	if (!depth && (t2 = fuller_names(e, a, s)) != NULL) {
		free(a);
		a = t2;
	}
	if (!depth && (t2 = full_names(e, a)) != NULL) {
		free(a);
		a = t2;
	}
	if ((t2 = thin_object(e, a)) != NULL) {
		free(a);
		a = t2;
	}
	if (cond.len && !strstr(a, cond.s)) {
		mk_buf_init(&b);
		mk_buf_adds(&b, a);
		mk_buf_adds(&b, *a ? " (" : "(");
		if (cond.s[0] >= 'A' && cond.s[0] <= 'Z' && cond.len > 1 && cond.s[1] >= 'a' && cond.s[1] <= 'z')
			cond.s[0] = (char)(cond.s[0] + 32); /* "If" -> "if", not "I" or "SOW" */
		mk_buf_add(&b, cond.s, cond.len);
		mk_buf_adds(&b, ")");
		free(a);
		a = mk_buf_detach(&b);
	}
	mk_buf_release(&cond);
	return a;
}
