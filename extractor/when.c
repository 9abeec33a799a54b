/*
 * when.c: spoken date expressions -> a date or a window, relative to the meeting's
 * local date D, per docs/date-conventions.md. A small tokenizer (words, numbers,
 * ordinals, 3/15, 2026-03-15, times) and a hand-written parser over tokens; no regex.
 * Does not decide whether a date is a due date: the extractor does. Invariant: pick is
 * inside [lo, hi]; expressions with no date (ASAP, soon) match with has_date = 0.
 *
 * Where the conventions are silent: a window's pick is its end (the deadline); "mid
 * next week" is [Tue, Thu]; "in a few weeks" is [D+14, D+21]; "in N months" keeps the
 * day (clamped to the month's end); "early next year" is [Jan 1, Mar 31]; "Monday
 * week" is a week after the next Monday; "3/15" is month/day unless the first number
 * is over 12; a bare month ("March") is a date only after in/by/until/before/through
 * or early/mid/late/end of; a bare ordinal ("15th") only after "the" or a preposition.
 * Since issue 12: "Friday after next" is [first Friday after D + 7, + 14] (a week on from
 * "next Friday"); "Tuesday the 19th" is the first 19th on or after D that is a Tuesday,
 * searched over 12 months, else no date; "Tuesday of this week" is that day of D's week,
 * even when past; "the last Monday of March" is that day of the month (next year when
 * past, as "March 15"); "the first Wednesday of the month" is D's month, or the next when
 * past; "third quarter" / "Q3 next year" / "next qtr" as "Q3" / "next quarter"; "in a
 * couple of months" is two months on give or take 14 days, "in a few months" two to three
 * months on; "give me a couple of weeks" as "in a couple of weeks"; "within ten days of the
 * audit" counts from an event: no date; "after the call" / "right after this call" is D
 * (the call is today); "before the quarter closes" / "the month is out" is that unit's end.
 * Not dates: a bare month after "for"/"from"/"on"/"after" ("windows for April"); "Q3",
 * "month end", "year end" naming a thing ("the Q3 calendar", "year end pricing", "out of
 * month-end"); "sat"/"sun" unless a weekday can stand there ("by Sat", "Sat. works",
 * "Sun the 8th"), never "it sat"; an abbreviation before a capitalised non-date word is
 * part of a name ("Thu Nguyen", "Sun Ridge"). "3 pm", "3 p.m.", "3 P.M." are times: a date
 * only with a day. "in two weeks' time" as "in two weeks"; a fortnight is 14 days; "end of
 * play" / "close of play" as "end of day"; "this time next week" / "a week today" is D+7,
 * "a week tomorrow" D+8; "within the week" / "within the month" as "this week" / "this
 * month"; "the weekend" / "this weekend" / "over the weekend" is [Sat, Sun] of D's week,
 * "next weekend" a week on, "by the weekend" / "before the weekend" Friday of D's week.
 */
#include "mapkeeper.h"
#include "util/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TOKENS 96
#define WORD_MAX 24
#define STRONG_REACH 8   /* tokens from an expression's start to its first strong token */
#define WEEKDAY_DAY_MONTHS 12 /* "Tuesday the 19th": months searched for a 19th that is a Tuesday */

enum tok_kind { T_WORD, T_NUM, T_ORD, T_SLASH, T_ISO, T_TIME, T_PUNCT };

struct tok {
	enum tok_kind kind;
	size_t start, end;   /* bytes in the text */
	char w[WORD_MAX];    /* lower-case word (T_WORD) */
	int n;               /* T_NUM / T_ORD value */
	int a, b, c;         /* T_SLASH m/d/y (c = 0 when absent); T_ISO y/m/d */
	signed char wd;      /* T_WORD: weekday 0-6 or -1 */
	signed char mon;     /* T_WORD: month 1-12 or 0 */
	signed char small;   /* T_WORD: "one".."twenty", "thirty" or -1 */
	signed char ord;     /* T_WORD: "first".."twentieth", "thirtieth" or -1 */
	signed char strong;  /* T_WORD: a date expression can be built on it */
	signed char cap;     /* T_WORD: said with a capital first letter */
	signed char poss;    /* T_WORD: "'s" followed it ("next year's") */
	unsigned lists;      /* T_WORD: bit l set when the word is one of wlists[l] */
};

struct toks {
	struct tok t[MAX_TOKENS];
	int n;
};

struct res {
	int has_date, window;
	struct mk_date lo, hi;
};

/* ---- dates (the arithmetic is util/calendar.c's) ---- */

static struct mk_date mkd(int y, int m, int d)
{
	struct mk_date r = { y, m, d };
	return r;
}

/* ---- results ---- */

static void one(struct res *r, struct mk_date d)
{
	r->has_date = 1;
	r->window = 0;
	r->lo = r->hi = d;
}

static void win(struct res *r, struct mk_date lo, struct mk_date hi)
{
	r->has_date = 1;
	r->window = mk_date_cmp(lo, hi) != 0;
	r->lo = lo;
	r->hi = hi;
}

static void nodate(struct res *r)
{
	memset(r, 0, sizeof *r);
}

static struct mk_date monday_of(struct mk_date d)
{
	return mk_date_add_days(d, -mk_date_weekday(d));
}

/* the first weekday wd (0 = Monday) strictly after d */
static struct mk_date weekday_after(struct mk_date d, int wd)
{
	int diff = (wd - mk_date_weekday(d) + 7) % 7;
	return mk_date_add_days(d, diff ? diff : 7);
}

static struct mk_date weekday_before(struct mk_date d, int wd)
{
	int diff = (mk_date_weekday(d) - wd + 7) % 7;
	return mk_date_add_days(d, -(diff ? diff : 7));
}

static struct mk_date add_months(struct mk_date d, int n)
{
	int m0 = d.y * 12 + (d.m - 1) + n;
	int y = m0 / 12, m = m0 % 12 + 1;
	int day = d.d > mk_month_days(y, m) ? mk_month_days(y, m) : d.d;
	return mkd(y, m, day);
}

/* month m of D's year, or of the next year when that month has ended */
static int year_for_month(struct mk_date D, int m)
{
	return m < D.m ? D.y + 1 : D.y;
}

/* ---- the words dates are made of ---- */

/* Every word the grammar looks up: its weekday (0 = Monday, -1),
 * month (1-12, 0), number ("one".."twenty", "thirty"; -1), ordinal ("first".."twentieth",
 * "thirtieth"; -1), and whether a date expression can be built on it ("strong"). */
struct lexeme {
	const char *w;
	signed char wd, mon, small, ord, strong;
};

static const struct lexeme lexicon[] = {
	{ "afternoon", -1, 0, -1, -1, 1 }, /* "this afternoon" */
	{ "apr", -1, 4, -1, -1, 1 },
	{ "april", -1, 4, -1, -1, 1 },
	{ "asap", -1, 0, -1, -1, 1 },
	{ "aug", -1, 8, -1, -1, 1 },
	{ "august", -1, 8, -1, -1, 1 },
	{ "business", -1, 0, -1, -1, 1 }, /* "close of business" */
	{ "call", -1, 0, -1, -1, 1 },     /* "after this call" */
	{ "cob", -1, 0, -1, -1, 1 },
	{ "couple", -1, 0, -1, -1, 1 },
	{ "day", -1, 0, -1, -1, 1 },
	{ "days", -1, 0, -1, -1, 1 },
	{ "dec", -1, 12, -1, -1, 1 },
	{ "december", -1, 12, -1, -1, 1 },
	{ "eight", -1, 0, 8, -1, 1 },
	{ "eighteen", -1, 0, 18, -1, 1 },
	{ "eighteenth", -1, 0, -1, 18, 1 },
	{ "eighth", -1, 0, -1, 8, 1 },
	{ "eleven", -1, 0, 11, -1, 1 },
	{ "eleventh", -1, 0, -1, 11, 1 },
	{ "eod", -1, 0, -1, -1, 1 },
	{ "eom", -1, 0, -1, -1, 1 },
	{ "eoq", -1, 0, -1, -1, 1 },
	{ "eow", -1, 0, -1, -1, 1 },
	{ "eoy", -1, 0, -1, -1, 1 },
	{ "evening", -1, 0, -1, -1, 1 }, /* "this evening" */
	{ "feb", -1, 2, -1, -1, 1 },
	{ "february", -1, 2, -1, -1, 1 },
	{ "few", -1, 0, -1, -1, 1 },
	{ "fifteen", -1, 0, 15, -1, 1 },
	{ "fifteenth", -1, 0, -1, 15, 1 },
	{ "fifth", -1, 0, -1, 5, 1 },
	{ "first", -1, 0, -1, 1, 1 },
	{ "five", -1, 0, 5, -1, 1 },
	{ "fortnight", -1, 0, -1, -1, 1 }, /* 14 days */
	{ "fortnights", -1, 0, -1, -1, 1 },
	{ "four", -1, 0, 4, -1, 1 },
	{ "fourteen", -1, 0, 14, -1, 1 },
	{ "fourteenth", -1, 0, -1, 14, 1 },
	{ "fourth", -1, 0, -1, 4, 1 },
	{ "fri", 4, 0, -1, -1, 1 },
	{ "friday", 4, 0, -1, -1, 1 },
	{ "holidays", -1, 0, -1, -1, 1 },
	{ "hour", -1, 0, -1, -1, 1 },
	{ "jan", -1, 1, -1, -1, 1 },
	{ "january", -1, 1, -1, -1, 1 },
	{ "jul", -1, 7, -1, -1, 1 },
	{ "july", -1, 7, -1, -1, 1 },
	{ "jun", -1, 6, -1, -1, 1 },
	{ "june", -1, 6, -1, -1, 1 },
	{ "mar", -1, 3, -1, -1, 1 },
	{ "march", -1, 3, -1, -1, 1 },
	{ "may", -1, 5, -1, -1, 1 },
	{ "meeting", -1, 0, -1, -1, 1 },  /* "after this meeting" */
	{ "midday", -1, 0, -1, -1, 1 },
	{ "mon", 0, 0, -1, -1, 1 },
	{ "monday", 0, 0, -1, -1, 1 },
	{ "month", -1, 0, -1, -1, 1 },
	{ "months", -1, 0, -1, -1, 1 },
	{ "nine", -1, 0, 9, -1, 1 },
	{ "nineteen", -1, 0, 19, -1, 1 },
	{ "nineteenth", -1, 0, -1, 19, 1 },
	{ "ninth", -1, 0, -1, 9, 1 },
	{ "noon", -1, 0, -1, -1, 1 },
	{ "nov", -1, 11, -1, -1, 1 },
	{ "november", -1, 11, -1, -1, 1 },
	{ "oct", -1, 10, -1, -1, 1 },
	{ "october", -1, 10, -1, -1, 1 },
	{ "one", -1, 0, 1, -1, 1 },
	{ "play", -1, 0, -1, -1, 1 },     /* "end of play", "close of play" */
	{ "point", -1, 0, -1, -1, 1 }, /* "at some point" */
	{ "q", -1, 0, -1, -1, 1 },
	{ "q1", -1, 0, -1, -1, 1 },
	{ "q2", -1, 0, -1, -1, 1 },
	{ "q3", -1, 0, -1, -1, 1 },
	{ "q4", -1, 0, -1, -1, 1 },
	{ "qtr", -1, 0, -1, -1, 1 },    /* read as "quarter" */
	{ "quarter", -1, 0, -1, -1, 1 },
	{ "right", -1, 0, -1, -1, 1 },
	{ "same", -1, 0, -1, -1, 1 },
	{ "sat", 5, 0, -1, -1, 1 },     /* only where a weekday can stand (abbrev_ok) */
	{ "saturday", 5, 0, -1, -1, 1 },
	{ "second", -1, 0, -1, 2, 1 },
	{ "sep", -1, 9, -1, -1, 1 },
	{ "sept", -1, 9, -1, -1, 1 },
	{ "september", -1, 9, -1, -1, 1 },
	{ "seven", -1, 0, 7, -1, 1 },
	{ "seventeen", -1, 0, 17, -1, 1 },
	{ "seventeenth", -1, 0, -1, 17, 1 },
	{ "seventh", -1, 0, -1, 7, 1 },
	{ "shortly", -1, 0, -1, -1, 1 },
	{ "six", -1, 0, 6, -1, 1 },
	{ "sixteen", -1, 0, 16, -1, 1 },
	{ "sixteenth", -1, 0, -1, 16, 1 },
	{ "sixth", -1, 0, -1, 6, 1 },
	{ "soon", -1, 0, -1, -1, 1 },
	{ "straight", -1, 0, -1, -1, 1 },
	{ "sun", 6, 0, -1, -1, 1 },     /* only where a weekday can stand (abbrev_ok) */
	{ "sunday", 6, 0, -1, -1, 1 },
	{ "ten", -1, 0, 10, -1, 1 },
	{ "tenth", -1, 0, -1, 10, 1 },
	{ "third", -1, 0, -1, 3, 1 },
	{ "thirteen", -1, 0, 13, -1, 1 },
	{ "thirteenth", -1, 0, -1, 13, 1 },
	{ "thirtieth", -1, 0, -1, 30, 1 },
	{ "thirty", -1, 0, 30, -1, 1 },
	{ "three", -1, 0, 3, -1, 1 },
	{ "thu", 3, 0, -1, -1, 1 },
	{ "thur", 3, 0, -1, -1, 1 },
	{ "thurs", 3, 0, -1, -1, 1 },
	{ "thursday", 3, 0, -1, -1, 1 },
	{ "tmr", -1, 0, -1, -1, 1 },
	{ "tmrw", -1, 0, -1, -1, 1 },
	{ "today", -1, 0, -1, -1, 1 },
	{ "tomorrow", -1, 0, -1, -1, 1 },
	{ "tonight", -1, 0, -1, -1, 1 },
	{ "tue", 1, 0, -1, -1, 1 },
	{ "tues", 1, 0, -1, -1, 1 },
	{ "tuesday", 1, 0, -1, -1, 1 },
	{ "twelfth", -1, 0, -1, 12, 1 },
	{ "twelve", -1, 0, 12, -1, 1 },
	{ "twentieth", -1, 0, -1, 20, 1 },
	{ "twenty", -1, 0, 20, -1, 1 },
	{ "two", -1, 0, 2, -1, 1 },
	{ "wed", 2, 0, -1, -1, 1 },
	{ "wednesday", 2, 0, -1, -1, 1 },
	{ "weds", 2, 0, -1, -1, 1 },
	{ "week", -1, 0, -1, -1, 1 },
	{ "weekend", -1, 0, -1, -1, 1 },
	{ "weeks", -1, 0, -1, -1, 1 },
	{ "year", -1, 0, -1, -1, 1 },
	{ "yesterday", -1, 0, -1, -1, 1 },
	{ "zero", -1, 0, 0, -1, 0 },
};

/*
 * The word lists the grammar asks "is token i one of these?" of (starts()). Each token
 * learns its memberships once, from the same hash as the lexicon, when it is read, so
 * asking costs a bit test.
 */
enum wlist {
	WL_TIME, WL_DAY, WL_WEEK, WL_MONTH, WL_QUARTER, WL_YEAR, WL_REL, WL_MWIN, WL_WDAY, WL_NODATE,
	WL_FIRST, WL_PREP, WL_FILLER, WL_COUNT
};

static const char *const wlists[WL_COUNT] = {
	[WL_TIME] = "at|by|around|noon|midday|lunch|lunchtime|morning|afternoon|evening|"
		    "night|eod|cob|am|pm|end|close|first|the",
	[WL_DAY] = "today|tonight|tomorrow|tmrw|tmr|the|early|late",
	[WL_WEEK] = "the|early|beginning|start|mid|middle|end|late|later|all|sometime|some|next|this|eow|last|earlier",
	[WL_MONTH] = "the|end|month|eom|this|later|early|beginning|start|mid|late|next|last",
	[WL_QUARTER] = "the|end|quarter|eoq|this|next|q|q1|q2|q3|q4",
	[WL_YEAR] = "the|end|year|eoy|this|early|beginning|next",
	[WL_REL] = "in|within|over|a|an|couple|the",
	[WL_MWIN] = "the|week|beginning|start|early|middle|mid|end|late|later|first|second|third|fourth|last",
	[WL_WDAY] = "this|coming|next|last|past",
	[WL_NODATE] = "as|asap|right|straight|same|the|shortly|soon|before|after|at",
	/* may a date expression (or its preposition) start with it */
	[WL_FIRST] = "a|after|all|an|around|as|asap|at|before|beginning|by|close|cob|coming|couple|"
		     "during|early|end|eod|eom|eoq|eow|eoy|first|for|from|in|last|late|later|lunch|"
		     "lunchtime|mid|midday|middle|month|next|no|noon|on|over|past|q|quarter|right|same|"
		     "shortly|some|sometime|soon|start|starting|straight|the|this|through|thru|til|"
		     "till|tmr|tmrw|today|tomorrow|tonight|twenty|thirty|until|week|within|year|yesterday",
	/* one-word prepositions that lead a date and belong in its quote */
	[WL_PREP] = "by|before|on|until|till|til|through|thru|around|sometime|for|in|during|from|"
		    "starting|after",
	/* filler words: not tokens */
	[WL_FILLER] = "um|uh|erm|uhm|er",
};

/* An open-addressing hash of the lexicon and the lists' words, built once per process
 * (pthread_once). */
#define LEX_SLOTS 1024
struct wentry {
	char w[WORD_MAX];
	const struct lexeme *lx;  /* NULL: the word is only in lists */
	unsigned lists;
};
static struct wentry lex_tab[LEX_SLOTS];
static short lex_slot[LEX_SLOTS]; /* index + 1 into lex_tab; 0 = empty */
static int lex_n;
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

static unsigned lex_hash(const char *w)
{
	unsigned h = 2166136261u;
	for (; *w; w++)
		h = (h ^ (unsigned char)*w) * 16777619u;
	return h & (LEX_SLOTS - 1);
}

static struct wentry *lex_find(const char *w)
{
	for (unsigned h = lex_hash(w); lex_slot[h]; h = (h + 1) & (LEX_SLOTS - 1)) {
		struct wentry *e = &lex_tab[lex_slot[h] - 1];
		if (e->w[0] == w[0] && !strcmp(e->w, w))
			return e;
	}
	return NULL;
}

static struct wentry *lex_add(const char *w, size_t n)
{
	char key[WORD_MAX];
	struct wentry *e;
	unsigned h;
	if (n >= WORD_MAX)
		abort(); /* every word of the grammar is short */
	memcpy(key, w, n);
	key[n] = '\0';
	if ((e = lex_find(key)))
		return e;
	e = &lex_tab[lex_n++];
	memcpy(e->w, key, n + 1);
	for (h = lex_hash(key); lex_slot[h]; h = (h + 1) & (LEX_SLOTS - 1))
		;
	lex_slot[h] = (short)lex_n;
	return e;
}

/* The strong words' shapes: strong_shape[a][b] bit n = a strong word of n letters starts
 * with a, b; strong_one[a] = the one-letter strong word a. A quick no for most words. */
static unsigned short strong_shape[26][26];
static unsigned char strong_one[26];

static void lex_build(void)
{
	for (size_t i = 0; i < sizeof lexicon / sizeof lexicon[0]; i++) {
		const char *w = lexicon[i].w;
		size_t n = strlen(w);
		lex_add(w, n)->lx = &lexicon[i];
		if (!lexicon[i].strong || strspn(w, "abcdefghijklmnopqrstuvwxyz") != n)
			continue; /* "q1": never one word token (the tokenizer splits letters from digits) */
		if (n == 1)
			strong_one[w[0] - 'a'] = 1;
		else if (n <= 15)
			strong_shape[w[0] - 'a'][w[1] - 'a'] |= (unsigned short)(1u << n);
		else
			abort(); /* may_hold_date looks at words of up to 15 letters */
	}
	for (int l = 0; l < WL_COUNT; l++)
		for (const char *p = wlists[l]; *p;) {
			size_t n = strcspn(p, "|");
			lex_add(p, n)->lists |= 1u << l;
			p += n + (p[n] == '|');
		}
}

static const struct wentry *lookup(const char *w)
{
	pthread_once(&lex_once, lex_build);
	return lex_find(w);
}

/* ---- tokens ---- */


static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int read_num(const char *s, size_t n, size_t *i, int maxdigits)
{
	int v = 0, k = 0;
	while (*i < n && is_digit((unsigned char)s[*i]) && k < maxdigits) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k ? v : -1;
}

/* "pm", " pm", "p.m.", " p.m.", " P.M", "am" ... after a number at s[j]: bytes, or 0. One
 * space may come before; "3 people", "3 amazing" and "3 a month" are not times. */
static size_t ampm_len(const char *s, size_t n, size_t j)
{
	size_t k = j, dots = 0;
	if (k < n && s[k] == ' ')
		k++;
	if (k >= n || ((s[k] | 0x20) != 'a' && (s[k] | 0x20) != 'p'))
		return 0;
	k++;
	if (k < n && s[k] == '.')
		k++, dots++;
	if (k >= n || (s[k] | 0x20) != 'm')
		return 0;
	k++;
	if (k < n && s[k] == '.' && dots)
		k++;
	if (k < n && is_alpha((unsigned char)s[k]))
		return 0;
	return k - j;
}

/* Weekday abbreviations that are also words or names: "sat" and "sun" ("it sat with
 * legal", "Sun Valley") are weekdays only after a word that leads a day (by, on, this,
 * next ...), before a day of the month or a time of day, or as "Sat." opening a sentence;
 * any abbreviation ("Thu", "Wed") followed by a capitalised word that is no date word
 * ("Thu Nguyen", "Wed Harbor Capital") is part of a name. */
static int abbrev_ok(const struct toks *ts, int i)
{
	static const char *const lead[] = { "by", "on", "until", "till", "til", "before", "this",
					    "next", "coming", "last", "past", "from", "every", "and",
					    "or", "through", "thru", "through", "after", NULL };
	const struct tok *t = &ts->t[i], *p = i > 0 ? &ts->t[i - 1] : NULL,
			 *x = i + 1 < ts->n ? &ts->t[i + 1] : NULL;
	const char *w = t->w;
	if (x && x->kind == T_WORD && x->cap && x->start == t->end + 1 && !x->strong && x->wd < 0 &&
	    !x->mon && (x->lists >> WL_PREP & 1) == 0)
		return 0;
	if (strcmp(w, "sat") && strcmp(w, "sun"))
		return 1;
	if (p && p->kind == T_WORD)
		for (int k = 0; lead[k]; k++)
			if (!strcmp(p->w, lead[k]))
				return 1;
	if (p && p->kind == T_PUNCT && p->w[0] == ',' && i > 1 && ts->t[i - 2].wd >= 0)
		return 1; /* "Fri, Sat" */
	if (x && (x->kind == T_ORD || x->kind == T_SLASH || x->kind == T_TIME ||
		  (x->kind == T_NUM && x->n >= 1 && x->n <= 31)))
		return 1;
	if (x && x->kind == T_WORD && (!strcmp(x->w, "morning") || !strcmp(x->w, "afternoon") ||
				       !strcmp(x->w, "evening") || !strcmp(x->w, "night") ||
				       !strcmp(x->w, "noon") || (!strcmp(x->w, "the") && i + 2 < ts->n &&
								 (ts->t[i + 2].kind == T_ORD || ts->t[i + 2].ord > 0))))
		return 1;
	if (x && x->kind == T_PUNCT && x->w[0] == '.' && (!p || p->kind == T_PUNCT))
		return 1; /* "Sat. works" */
	return 0;
}

static void tokenize(const char *s, size_t n, struct toks *ts)
{
	size_t i = 0;
	ts->n = 0;
	while (i < n && ts->n < MAX_TOKENS) {
		unsigned char c = (unsigned char)s[i];
		struct tok *t = &ts->t[ts->n];
		memset(t, 0, sizeof *t);
		t->start = i;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-' || c == '"' || c == '(' ||
		    c == ')') {
			i++;
			continue;
		}
		if (is_alpha(c)) {
			size_t k = 0;
			while (i < n && (is_alpha((unsigned char)s[i]) || s[i] == '\'')) {
				if (k + 1 < WORD_MAX)
					t->w[k++] = (char)(s[i] | 0x20);
				i++;
			}
			/* a typographic apostrophe: ’s */
			if (i + 2 < n && (unsigned char)s[i] == 0xE2 &&
			    (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
				i += 3;
				while (i < n && is_alpha((unsigned char)s[i]))
					i++;
			}
			t->w[k] = '\0';
			if (i >= 3 && (unsigned char)s[i - 2] == 0x99 && (s[i - 1] | 0x20) == 's')
				t->poss = 1;
			if (k > 2 && t->w[k - 2] == '\'' && t->w[k - 1] == 's') {
				t->w[k - 2] = '\0';
				t->poss = 1;
			}
			if (k > 1 && t->w[k - 1] == '\'' && t->w[k - 2] != '\'')
				t->w[k - 1] = '\0'; /* "two weeks' time" */
			if (!strcmp(t->w, "qtr"))
				strcpy(t->w, "quarter"); /* "next qtr" */
			t->cap = c >= 'A' && c <= 'Z';
			t->end = i;
			t->kind = T_WORD;
			{
				const struct wentry *e = lookup(t->w);
				const struct lexeme *lx = e ? e->lx : NULL;
				t->wd = lx ? lx->wd : -1;
				t->mon = lx ? lx->mon : 0;
				t->small = lx ? lx->small : -1;
				t->ord = lx ? lx->ord : -1;
				t->strong = lx ? lx->strong : 0;
				t->lists = e ? e->lists : 0;
			}
			/* filler words are not tokens */
			if (t->lists >> WL_FILLER & 1)
				continue;
			ts->n++;
			continue;
		}
		if (is_digit(c)) {
			size_t j = i;
			int a = read_num(s, n, &j, 4);
			if (j - i == 4 && j < n && s[j] == '-') { /* 2026-03-15 */
				size_t k = j + 1;
				int m = read_num(s, n, &k, 2), d = -1;
				if (m > 0 && k < n && s[k] == '-') {
					k++;
					d = read_num(s, n, &k, 2);
				}
				if (d > 0 && mk_date_valid(a, m, d)) {
					t->kind = T_ISO;
					t->a = a, t->b = m, t->c = d;
					t->end = i = k;
					ts->n++;
					continue;
				}
			}
			if (j - i <= 2 && j < n && s[j] == '/') { /* 3/15, 3/15/2027, 15/3/27 */
				size_t k = j + 1;
				int b = read_num(s, n, &k, 2), y = 0;
				if (b > 0) {
					if (k < n && s[k] == '/') {
						size_t k2 = k + 1;
						int yy = read_num(s, n, &k2, 4);
						if (yy >= 0) {
							y = yy < 100 ? 2000 + yy : yy;
							k = k2;
						}
					}
					t->kind = T_SLASH;
					t->a = a, t->b = b, t->c = y;
					t->end = i = k;
					ts->n++;
					continue;
				}
			}
			if (j - i <= 2 && j + 2 < n && s[j] == ':' && is_digit((unsigned char)s[j + 1]) &&
			    is_digit((unsigned char)s[j + 2])) {
				j += 3; /* 3:30, 3:30pm, 3:30 pm, 3:30 p.m. */
				j += ampm_len(s, n, j);
				t->kind = T_TIME;
				t->end = i = j;
				ts->n++;
				continue;
			}
			if (j - i <= 2 && a >= 1 && a <= 12 && ampm_len(s, n, j)) {
				t->kind = T_TIME; /* 3pm, 3 pm, 3 p.m., 3 P.M. */
				t->end = i = j + ampm_len(s, n, j);
				ts->n++;
				continue;
			}
			if (j - i <= 2 && j + 1 < n && is_alpha((unsigned char)s[j])) {
				char s1 = (char)(s[j] | 0x20), s2 = (char)(s[j + 1] | 0x20);
				if ((s1 == 's' && s2 == 't') || (s1 == 'n' && s2 == 'd') || (s1 == 'r' && s2 == 'd') ||
				    (s1 == 't' && s2 == 'h')) {
					if (j + 2 >= n || !is_alpha((unsigned char)s[j + 2])) {
						t->kind = T_ORD;
						t->n = a;
						t->end = i = j + 2;
						ts->n++;
						continue;
					}
				}
			}
			while (j < n && (is_digit((unsigned char)s[j]) || is_alpha((unsigned char)s[j])))
				j++;
			t->kind = T_NUM;
			t->n = a;
			t->end = i = j;
			ts->n++;
			continue;
		}
		/* punctuation (and any other byte, including UTF-8 sequences) */
		t->kind = T_PUNCT;
		t->w[0] = (char)c;
		t->end = ++i;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			t->end = ++i;
		ts->n++; /* kept: a comma may sit inside "Monday, March 2nd" */
	}
	for (int k = 0; k < ts->n; k++) {
		struct tok *t = &ts->t[k];
		size_t wl;
		if (t->kind != T_WORD || t->wd < 0)
			continue;
		wl = strlen(t->w);
		if ((wl < 3 || strcmp(t->w + wl - 3, "day")) && !abbrev_ok(ts, k))
			t->wd = -1;
	}
}

/* ---- token predicates ---- */

static int W(const struct toks *ts, int i, const char *w)
{
	return i >= 0 && i < ts->n && ts->t[i].kind == T_WORD && ts->t[i].w[0] == w[0] &&
	       !strcmp(ts->t[i].w, w);
}

/* words separated by single spaces: "end of the"; returns tokens matched or 0 */
static int Ws(const struct toks *ts, int i, const char *words)
{
	int k = 0;
	for (const char *p = words; *p; k++) {
		const char *q;
		if (i + k >= ts->n || ts->t[i + k].kind != T_WORD)
			return 0;
		q = ts->t[i + k].w;
		while (*p && *p != ' ' && *p == *q)
			p++, q++;
		if (*q || (*p && *p != ' '))
			return 0;
		if (*p == ' ')
			p++;
	}
	return k;
}

/* Is token i one of the words of wlists[l]? */
static int starts(const struct toks *ts, int i, enum wlist l)
{
	return i < ts->n && ts->t[i].kind == T_WORD && (ts->t[i].lists >> l & 1);
}

static int weekday_word(const struct toks *ts, int i)
{
	return i >= 0 && i < ts->n && ts->t[i].kind == T_WORD ? ts->t[i].wd : -1;
}

static int month_word(const struct toks *ts, int i)
{
	return i >= 0 && i < ts->n && ts->t[i].kind == T_WORD ? ts->t[i].mon : 0;
}

/*
 * A day of the month at i: 15, 15th, fifteenth, twenty first, twenty-first, thirty one
 * (cardinals only when allow_cardinal). Returns tokens used, *day set.
 */
static int day_number(const struct toks *ts, int i, int allow_cardinal, int *day)
{
	const struct tok *t;
	if (i >= ts->n)
		return 0;
	t = &ts->t[i];
	if ((t->kind == T_ORD || (t->kind == T_NUM && allow_cardinal)) && t->n >= 1 && t->n <= 31) {
		*day = t->n;
		return 1;
	}
	if (t->kind != T_WORD)
		return 0;
	int o = t->ord;
	if ((!strcmp(t->w, "twenty") || !strcmp(t->w, "thirty")) && i + 1 < ts->n &&
	    ts->t[i + 1].kind == T_WORD) {
		int base = t->w[1] == 'w' ? 20 : 30;
		int u = ts->t[i + 1].ord;
		if (u < 1 || u > 9)
			u = allow_cardinal ? ts->t[i + 1].small : -1;
		if (u >= 1 && u <= 9 && base + u <= 31) {
			*day = base + u;
			return 2;
		}
	}
	if (o >= 1) {
		*day = o;
		return 1;
	}
	if (allow_cardinal) {
		int c = t->small;
		if (c >= 1 && c <= 31) {
			*day = c;
			return 1;
		}
	}
	return 0;
}

static int year_token(const struct toks *ts, int i, int *y)
{
	if (i < ts->n && ts->t[i].kind == T_NUM && ts->t[i].n >= 2000 && ts->t[i].n <= 2100 &&
	    ts->t[i].end - ts->t[i].start == 4) {
		*y = ts->t[i].n;
		return 1;
	}
	return 0;
}

/* a time of day after or before a day: "morning", "at 3pm", "EOD", "end of day", "noon" */
static int time_of_day(const struct toks *ts, int i)
{
	int k = 0;
	if (i >= ts->n || (ts->t[i].kind != T_TIME &&
			   !starts(ts, i, WL_TIME)))
		return 0;
	if (W(ts, i, "at") || W(ts, i, "by") || W(ts, i, "around"))
		k = 1;
	if (i + k < ts->n && ts->t[i + k].kind == T_TIME)
		return k + 1;
	if (i + k < ts->n && ts->t[i + k].kind == T_NUM && ts->t[i + k].n <= 12 && k == 1 &&
	    (W(ts, i + k + 1, "o'clock") || W(ts, i + k + 1, "oclock")))
		return k + 2;
	if (W(ts, i + k, "noon") || W(ts, i + k, "midday") || W(ts, i + k, "lunch") ||
	    W(ts, i + k, "lunchtime"))
		return k + 1;
	if (k == 0 && (W(ts, i, "morning") || W(ts, i, "afternoon") || W(ts, i, "evening") ||
		       W(ts, i, "night") || W(ts, i, "eod") || W(ts, i, "cob") || W(ts, i, "am") ||
		       W(ts, i, "pm")))
		return 1;
	if (k == 0) {
		int n;
		if ((n = Ws(ts, i, "end of day")) || (n = Ws(ts, i, "end of the day")) ||
		    (n = Ws(ts, i, "the end of the day")) || (n = Ws(ts, i, "the end of day")) ||
		    (n = Ws(ts, i, "close of business")) || (n = Ws(ts, i, "first thing")) ||
		    (n = Ws(ts, i, "end of play")) || (n = Ws(ts, i, "close of play")))
			return n;
	}
	return 0;
}

/* ---- the grammar ---- */

static int parse_expr(const struct toks *ts, int i, struct mk_date D, int after_prep, struct res *r);

/* A day that a time or "end of day" can attach to: today, tomorrow, a weekday, a date. */
static int parse_day(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	int n, wd;
	if (!starts(ts, i, WL_DAY) && weekday_word(ts, i) < 0)
		return 0;
	if (W(ts, i, "early") || W(ts, i, "late")) { /* "early tomorrow", "late Friday" */
		if (!W(ts, i + 1, "tomorrow") && !W(ts, i + 1, "tmrw") && weekday_word(ts, i + 1) < 0)
			return 0;
		n = parse_day(ts, i + 1, D, r);
		return n ? n + 1 : 0;
	}
	if (W(ts, i, "today") || W(ts, i, "tonight")) {
		one(r, D);
		return 1;
	}
	if (W(ts, i, "tomorrow") || W(ts, i, "tmrw") || W(ts, i, "tmr")) {
		one(r, mk_date_add_days(D, 1));
		return 1;
	}
	if ((n = Ws(ts, i, "the day after tomorrow"))) {
		one(r, mk_date_add_days(D, 2));
		return n;
	}
	if ((wd = weekday_word(ts, i)) >= 0) {
		one(r, weekday_after(D, wd));
		return 1;
	}
	return 0;
}

static int parse_month_day(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	int m, day, n, y = 0, k;
	const struct tok *t = i < ts->n ? &ts->t[i] : NULL;
	if (!t)
		return 0;
	if (t->kind == T_ISO) {
		one(r, mkd(t->a, t->b, t->c));
		return 1;
	}
	if (t->kind == T_SLASH) {
		int mm = t->a, dd = t->b;
		if (mm > 12 && dd <= 12) {
			int x = mm;
			mm = dd;
			dd = x;
		}
		y = t->c ? t->c : year_for_month(D, mm);
		if (!mk_date_valid(y, mm, dd))
			return 0;
		if (!t->c && mk_date_cmp(mkd(y, mm, dd), D) < 0)
			y++;
		if (!mk_date_valid(y, mm, dd))
			return 0;
		one(r, mkd(y, mm, dd));
		return 1;
	}
	/* MONTH [the] DAY [,] [YEAR] */
	if ((m = month_word(ts, i))) {
		k = i + 1;
		if (i + 1 < ts->n && ts->t[i + 1].kind == T_PUNCT && ts->t[i + 1].w[0] == '.')
			k++; /* "Mar. 15" */
		if (W(ts, k, "the"))
			k++;
		if ((n = day_number(ts, k, 1, &day))) {
			k += n;
			if (k < ts->n && ts->t[k].kind == T_PUNCT && ts->t[k].w[0] == ',' && year_token(ts, k + 1, &y))
				k += 2;
			else if (year_token(ts, k, &y))
				k++;
			goto have;
		}
		return 0;
	}
	/* [the] DAY [of] MONTH [YEAR] */
	k = i;
	if (W(ts, k, "the"))
		k++;
	if ((n = day_number(ts, k, 0, &day)) || (k == i && (n = day_number(ts, k, 1, &day)) &&
						  ts->t[k].kind == T_NUM)) {
		k += n;
		if (W(ts, k, "of"))
			k++;
		if ((m = month_word(ts, k))) {
			k++;
			if (year_token(ts, k, &y))
				k++;
			goto have;
		}
	}
	return 0;
have:
	if (!y) {
		y = year_for_month(D, m);
		if (mk_date_valid(y, m, day) && mk_date_cmp(mkd(y, m, day), D) < 0)
			y++;
	}
	if (!mk_date_valid(y, m, day))
		return 0;
	one(r, mkd(y, m, day));
	return k - i;
}

/* "the 15th", "the twenty second": the first such day on or after D */
static int parse_bare_ordinal(const struct toks *ts, int i, struct mk_date D, int after_prep, struct res *r)
{
	static const char *const follow[] = { "at", "in", "on", "for", "and", "or", "so", "then", "which",
					      "when", "is", "works", "if", "that", "too", "as", "with",
					      "because", "but", "to", "we", "i", "you", "it", "latest",
					      "morning", "afternoon", "evening", "right", "ok", "okay",
					      "yeah", "then", "please", "work", "instead", NULL };
	int k = i, day, n;
	if (i >= ts->n || (!W(ts, i, "the") && ts->t[i].kind != T_ORD))
		return 0;
	if (W(ts, k, "the"))
		k++;
	else if (!after_prep || ts->t[i].kind != T_ORD)
		return 0;
	if (!(n = day_number(ts, k, 0, &day)))
		return 0;
	k += n;
	/* "the 20th of next month", "the 20th of this month" */
	if ((n = Ws(ts, k, "of next month")) || (n = Ws(ts, k, "of this month"))) {
		struct mk_date f = add_months(mkd(D.y, D.m, 1), W(ts, k + 1, "next"));
		if (!mk_date_valid(f.y, f.m, day))
			return 0;
		one(r, mkd(f.y, f.m, day));
		return k + n - i;
	}
	k += Ws(ts, k, "of the month"); /* "the first of the month" is "the 1st" */
	if (k < ts->n && ts->t[k].kind == T_WORD) {
		int ok = 0;
		for (int f = 0; follow[f]; f++)
			if (!strcmp(ts->t[k].w, follow[f]))
				ok = 1;
		if (!ok)
			return 0;
	}
	{
		struct mk_date d = mkd(D.y, D.m, day);
		int y = D.y, m = D.m;
		while (!mk_date_valid(y, m, day) || mk_date_cmp(mkd(y, m, day), D) < 0) {
			if (++m > 12) {
				m = 1;
				y++;
			}
			if (y > D.y + 1)
				return 0;
		}
		d = mkd(y, m, day);
		one(r, d);
	}
	return k - i;
}

/* Is w one of tokens i .. i + n - 1? Every phrase a parser below knows holds its unit word
 * ("week", "month", "year") within its first five tokens, so most tokens are turned away
 * before the phrases are tried. */
static int word_within(const struct toks *ts, int i, int n, const char *w)
{
	for (int k = i; k < i + n && k < ts->n; k++)
		if (W(ts, k, w))
			return 1;
	return 0;
}

/* Does a word that names a thing follow at i ("the Q3 change calendar", "year end
 * pricing")? Then the date before it only describes that thing. */
static int noun_follows(const struct toks *ts, int i)
{
	static const char *const fn[] = { "and", "or", "but", "so", "then", "if", "is", "was", "are",
					  "were", "be", "will", "would", "should", "can", "could",
					  "works", "work", "at", "to", "for", "of", "in", "on", "by", "with",
					  "too", "as", "latest", "right", "ok", "okay", "please", "when",
					  "because", "that", "which", "we", "i", "you", "they", "he", "she",
					  "it", "our", "your", "their", "the", "a", "an", "this", "next",
					  "timeframe", "time", "window", "period", "anyway", "probably",
					  "hopefully", "ideally", "at", "yeah", "yes", "then", "sometime",
					  "fine", "good", "great", "better", "tight", "busy", "open", "free",
					  "out", "over", "instead", "already", "still", "just", "too",
					  "i'll", "we'll", "you'll", "it'll", "they'll", "latest", NULL };
	const struct tok *t;
	if (i >= ts->n)
		return 0;
	t = &ts->t[i];
	if (t->kind != T_WORD || t->strong || t->wd >= 0 || t->mon)
		return 0;
	for (int k = 0; fn[k]; k++)
		if (!strcmp(t->w, fn[k]))
			return 0;
	return 1;
}

/* "month end", "quarter end", "year end" without "the" are a date only after a word that
 * leads one ("by month end", "at year end"), not in "out of month-end" or "year end pricing" */
static int bare_end_ok(const struct toks *ts, int i)
{
	if (i == 0 || ts->t[i - 1].kind == T_PUNCT) /* "Year-end works." */
		return !noun_follows(ts, i + 2);
	return ts->t[i - 1].kind == T_WORD &&
	       (W(ts, i - 1, "by") || W(ts, i - 1, "before") || W(ts, i - 1, "until") || W(ts, i - 1, "till") ||
		W(ts, i - 1, "til") || W(ts, i - 1, "at") || W(ts, i - 1, "around") || W(ts, i - 1, "for") ||
		W(ts, i - 1, "through") || W(ts, i - 1, "thru")) && !noun_follows(ts, i + 2);
}

/* "from this year", "of this month": the unit names where a thing is from, not a date */
static int from_of(const struct toks *ts, int i)
{
	return W(ts, i - 1, "from") || W(ts, i - 1, "of") || W(ts, i - 1, "since");
}

/* "before the quarter closes", "by the time the month ends", "until the year is out": the
 * end of D's unit; only after before/by/until/till */
static int unit_closes(const struct toks *ts, int i, const char *unit)
{
	int k = i, n;
	if (!(i > 0 && (W(ts, i - 1, "before") || W(ts, i - 1, "by") || W(ts, i - 1, "until") ||
			W(ts, i - 1, "till") || W(ts, i - 1, "til"))))
		return 0;
	if ((n = Ws(ts, k, "the time the")))
		k += n;
	else if (W(ts, k, "the"))
		k++;
	else
		return 0;
	if (!W(ts, k, unit))
		return 0;
	k++;
	if (W(ts, k, "closes") || W(ts, k, "ends") || W(ts, k, "is out") || W(ts, k, "is over"))
		return k + 1 - i;
	if ((n = Ws(ts, k, "is out")) || (n = Ws(ts, k, "is over")))
		return k + n - i;
	return 0;
}

static int parse_week(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	struct mk_date mon, nmon;
	int n;
	if (!starts(ts, i, WL_WEEK) || (!W(ts, i, "eow") && !word_within(ts, i, 5, "week")))
		return 0;
	mon = monday_of(D);
	nmon = mk_date_add_days(mon, 7);
	if ((n = Ws(ts, i, "this time next week"))) {
		one(r, mk_date_add_days(D, 7));
		return n;
	}
	if ((n = Ws(ts, i, "the week after next"))) {
		win(r, mk_date_add_days(nmon, 7), mk_date_add_days(nmon, 11));
		return n;
	}
	/* next week and its parts */
	{
		static const struct { const char *w; int lo, hi; } next[] = {
			{ "early next week", 0, 1 }, { "beginning of next week", 0, 1 },
			{ "the beginning of next week", 0, 1 }, { "start of next week", 0, 1 },
			{ "the start of next week", 0, 1 }, { "mid next week", 1, 3 },
			{ "middle of next week", 1, 3 }, { "the middle of next week", 1, 3 },
			{ "end of next week", 3, 4 }, { "the end of next week", 3, 4 },
			{ "late next week", 3, 4 }, { "later next week", 3, 4 },
			{ "all next week", 0, 4 }, { "all of next week", 0, 4 }, { "sometime next week", 0, 4 },
			{ "some time next week", 0, 4 }, { "next week", 0, 4 }, { "the following week", 0, 4 },
			{ "this coming week", 0, 4 }, { "the coming week", 0, 4 },
		};
		for (size_t k = 0; k < sizeof next / sizeof next[0]; k++)
			if ((n = Ws(ts, i, next[k].w))) {
				win(r, mk_date_add_days(nmon, next[k].lo), mk_date_add_days(nmon, next[k].hi));
				return n;
			}
	}
	{
		static const char *const thisw[] = { "the end of this week", "the end of the week",
						    "end of this week", "end of the week", "end of week",
						    "later this week", "the rest of the week", "this week",
						    "eow", NULL };
		for (int k = 0; thisw[k]; k++)
			if ((n = Ws(ts, i, thisw[k]))) {
				one(r, mk_date_add_days(mon, 4));
				return n;
			}
	}
	if ((n = Ws(ts, i, "last week")) || (n = Ws(ts, i, "earlier this week"))) {
		if (W(ts, i, "last"))
			win(r, mk_date_add_days(mon, -7), mk_date_add_days(mon, -3));
		else
			win(r, mon, D);
		return n;
	}
	return 0;
}

static int parse_month_rel(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	struct mk_date first, nfirst;
	int nl, n;
	static const char *const endthis[] = { "the end of the month", "the end of this month",
					       "end of the month", "end of this month", "end of month",
					       "month end", "eom", "this month", "later this month",
					       "the rest of the month", NULL };
	if (!starts(ts, i, WL_MONTH) || (!W(ts, i, "eom") && !word_within(ts, i, 5, "month")))
		return 0;
	first = mkd(D.y, D.m, 1);
	nfirst = add_months(first, 1);
	nl = mk_month_days(nfirst.y, nfirst.m);
	if ((n = unit_closes(ts, i, "month"))) {
		one(r, mkd(D.y, D.m, mk_month_days(D.y, D.m)));
		return n;
	}
	for (int k = 0; endthis[k]; k++)
		if ((n = Ws(ts, i, endthis[k]))) {
			if (W(ts, i, "month") && !bare_end_ok(ts, i))
				return 0;
			if (W(ts, i, "this") && from_of(ts, i))
				return 0; /* "the report from this month" */
			one(r, mkd(D.y, D.m, mk_month_days(D.y, D.m)));
			return n;
		}
	if ((n = Ws(ts, i, "the end of next month")) || (n = Ws(ts, i, "end of next month"))) {
		one(r, mkd(nfirst.y, nfirst.m, nl));
		return n;
	}
	if ((n = Ws(ts, i, "early next month")) || (n = Ws(ts, i, "beginning of next month")) ||
	    (n = Ws(ts, i, "the beginning of next month")) || (n = Ws(ts, i, "start of next month")) ||
	    (n = Ws(ts, i, "the start of next month"))) {
		win(r, nfirst, mkd(nfirst.y, nfirst.m, 10));
		return n;
	}
	if ((n = Ws(ts, i, "mid next month")) || (n = Ws(ts, i, "the middle of next month"))) {
		win(r, mkd(nfirst.y, nfirst.m, 11), mkd(nfirst.y, nfirst.m, 20));
		return n;
	}
	if ((n = Ws(ts, i, "late next month"))) {
		win(r, mkd(nfirst.y, nfirst.m, 21), mkd(nfirst.y, nfirst.m, nl));
		return n;
	}
	if ((n = Ws(ts, i, "next month"))) {
		win(r, nfirst, mkd(nfirst.y, nfirst.m, nl));
		return n;
	}
	if ((n = Ws(ts, i, "last month"))) {
		struct mk_date p = add_months(first, -1);
		win(r, p, mkd(p.y, p.m, mk_month_days(p.y, p.m)));
		return n;
	}
	return 0;
}

static int quarter_word(const struct toks *ts, int i, int *q)
{
	static const char *const ord[] = { "first", "second", "third", "fourth" };
	if (i < ts->n && ts->t[i].kind == T_WORD && ts->t[i].w[0] == 'q' && ts->t[i].w[1] >= '1' &&
	    ts->t[i].w[1] <= '4' && !ts->t[i].w[2]) {
		*q = ts->t[i].w[1] - '0';
		return 1;
	}
	/* "Q 3" split by the tokenizer */
	if (W(ts, i, "q") && i + 1 < ts->n && ts->t[i + 1].kind == T_NUM && ts->t[i + 1].n >= 1 &&
	    ts->t[i + 1].n <= 4) {
		*q = ts->t[i + 1].n;
		return 2;
	}
	for (int k = 0; k < 4; k++) {
		if (W(ts, i, "the") && W(ts, i + 1, ord[k]) && W(ts, i + 2, "quarter")) {
			*q = k + 1;
			return 3;
		}
		if (W(ts, i, ord[k]) && W(ts, i + 1, "quarter")) { /* "third quarter" */
			*q = k + 1;
			return 2;
		}
	}
	return 0;
}

static int parse_quarter(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	int cq = (D.m - 1) / 3 + 1, n, q, y;
	static const char *const endthis[] = { "the end of the quarter", "the end of this quarter",
					       "end of the quarter", "end of this quarter", "end of quarter",
					       "quarter end", "eoq", "this quarter", NULL };
	if (!starts(ts, i, WL_QUARTER) && !(i < ts->n && ts->t[i].ord >= 1 && ts->t[i].ord <= 4))
		return 0;
	if ((n = unit_closes(ts, i, "quarter"))) {
		one(r, mkd(D.y, cq * 3, mk_month_days(D.y, cq * 3)));
		return n;
	}
	for (int k = 0; endthis[k]; k++)
		if ((n = Ws(ts, i, endthis[k]))) {
			if (W(ts, i, "quarter") && !bare_end_ok(ts, i))
				return 0;
			if (W(ts, i, "this") && from_of(ts, i))
				return 0; /* "the report from this quarter" */
			one(r, mkd(D.y, cq * 3, mk_month_days(D.y, cq * 3)));
			return n;
		}
	if ((n = Ws(ts, i, "the end of next quarter")) || (n = Ws(ts, i, "end of next quarter"))) {
		int nq = cq % 4 + 1, ny = cq == 4 ? D.y + 1 : D.y; /* as "end of the quarter", one on */
		one(r, mkd(ny, nq * 3, mk_month_days(ny, nq * 3)));
		return n;
	}
	if ((n = Ws(ts, i, "next quarter"))) {
		int nq = cq % 4 + 1, ny = cq == 4 ? D.y + 1 : D.y;
		win(r, mkd(ny, nq * 3 - 2, 1), mkd(ny, nq * 3, mk_month_days(ny, nq * 3)));
		return n;
	}
	{
		int k = i, end = 0;
		if ((n = Ws(ts, k, "the end of")) || (n = Ws(ts, k, "end of"))) {
			end = 1;
			k += n;
		}
		if ((n = quarter_word(ts, k, &q))) {
			k += n;
			if (W(ts, k, "of") && year_token(ts, k + 1, &y))
				k += 2;
			else if ((n = Ws(ts, k, "of next year")) || (n = Ws(ts, k, "next year"))) {
				y = D.y + 1; /* "Q3 next year", "the third quarter of next year" */
				k += n;
			} else if ((n = Ws(ts, k, "of this year")) || (n = Ws(ts, k, "this year"))) {
				y = D.y;
				k += n;
			} else if (!year_token(ts, k, &y))
				y = 0;
			else
				k++;
			/* "the Q3 change calendar": Q3 describes the calendar */
			if (!end && noun_follows(ts, k))
				return 0;
			if (!y) {
				y = D.y;
				if (mk_date_cmp(mkd(y, q * 3, mk_month_days(y, q * 3)), D) < 0)
					y++;
			}
			if (end)
				one(r, mkd(y, q * 3, mk_month_days(y, q * 3)));
			else
				win(r, mkd(y, q * 3 - 2, 1), mkd(y, q * 3, mk_month_days(y, q * 3)));
			return k - i;
		}
	}
	return 0;
}

static int parse_year(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	int n;
	static const char *const endthis[] = { "the end of the year", "the end of this year",
					       "end of the year", "end of this year", "end of year",
					       "year end", "eoy", "this year", NULL };
	if (!starts(ts, i, WL_YEAR) || (!W(ts, i, "eoy") && !word_within(ts, i, 5, "year")))
		return 0;
	if ((n = unit_closes(ts, i, "year"))) {
		one(r, mkd(D.y, 12, 31));
		return n;
	}
	for (int k = 0; endthis[k]; k++)
		if ((n = Ws(ts, i, endthis[k]))) {
			if (W(ts, i, "year") && !bare_end_ok(ts, i))
				return 0;
			if (W(ts, i, "this") && from_of(ts, i))
				return 0; /* "the report from this year" */
			one(r, mkd(D.y, 12, 31));
			return n;
		}
	if ((n = Ws(ts, i, "early next year")) || (n = Ws(ts, i, "the beginning of next year")) ||
	    (n = Ws(ts, i, "beginning of next year")) || (n = Ws(ts, i, "the start of next year"))) {
		win(r, mkd(D.y + 1, 1, 1), mkd(D.y + 1, 3, 31));
		return n;
	}
	if ((n = Ws(ts, i, "the end of next year")) || (n = Ws(ts, i, "end of next year"))) {
		one(r, mkd(D.y + 1, 12, 31));
		return n;
	}
	if ((n = Ws(ts, i, "next year"))) {
		win(r, mkd(D.y + 1, 1, 1), mkd(D.y + 1, 12, 31));
		return n;
	}
	return 0;
}

static int count_word(const struct toks *ts, int i, int *v)
{
	if (i < ts->n && ts->t[i].kind == T_NUM && ts->t[i].n >= 1 && ts->t[i].n <= 365) {
		*v = ts->t[i].n;
		return 1;
	}
	if (i < ts->n && ts->t[i].kind == T_WORD) {
		int s = ts->t[i].small;
		if (s >= 1) {
			*v = s;
			return 1;
		}
		if (!strcmp(ts->t[i].w, "a") || !strcmp(ts->t[i].w, "an")) {
			*v = 1;
			return 1;
		}
	}
	return 0;
}

/* in N days/weeks/months, within ..., N weeks from now, a couple of weeks, a few days */
static int parse_relative(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	int k = i, n, v = 0, lead = 0;
	if (i < ts->n && ts->t[i].kind == T_WORD && !starts(ts, i, WL_REL) &&
	    ts->t[i].small < 0)
		return 0;
	if (W(ts, k, "in") || W(ts, k, "within") || (W(ts, k, "over") && W(ts, k + 1, "the"))) {
		k++;
		lead = 1; /* "over the next few days" */
	} else if (i >= 2 && W(ts, i - 2, "give") && (W(ts, i - 1, "me") || W(ts, i - 1, "us"))) {
		lead = 1; /* "give me a couple of weeks" is "in a couple of weeks" */
	}
	if ((n = Ws(ts, k, "the next hour")) || (n = Ws(ts, k, "the hour")) ||
	    (n = Ws(ts, k, "an hour")) || (n = Ws(ts, k, "a few hours")) || (n = Ws(ts, k, "a couple of hours"))) {
		if (!lead)
			return 0;
		one(r, D);
		return k + n - i;
	}
	if ((n = Ws(ts, k, "a couple of weeks")) || (n = Ws(ts, k, "a couple weeks")) ||
	    (n = Ws(ts, k, "couple of weeks")) || (n = Ws(ts, k, "couple weeks")) ||
	    (n = Ws(ts, k, "the next couple of weeks")) || (n = Ws(ts, k, "the next couple weeks"))) {
		int from = Ws(ts, k + n, "from now") || Ws(ts, k + n, "from today") ? 2 : 0;
		if (!lead && !from)
			return 0;
		win(r, mk_date_add_days(D, 10), mk_date_add_days(D, 18));
		return k + n + from - i;
	}
	if ((n = Ws(ts, k, "a few days")) || (n = Ws(ts, k, "a couple of days")) ||
	    (n = Ws(ts, k, "a couple days")) || (n = Ws(ts, k, "couple of days")) ||
	    (n = Ws(ts, k, "the next few days")) || (n = Ws(ts, k, "the next couple of days")) ||
	    (n = Ws(ts, k, "the next couple days"))) {
		win(r, mk_date_add_days(D, 2), mk_date_add_days(D, 5));
		return k + n - i;
	}
	if ((n = Ws(ts, k, "a few weeks")) || (n = Ws(ts, k, "the next few weeks"))) {
		if (!lead)
			return 0;
		win(r, mk_date_add_days(D, 14), mk_date_add_days(D, 21));
		return k + n - i;
	}
	/* "in a couple of months" and "in a few months", as their weeks: two months give or
	 * take a fortnight; two to three months */
	if ((n = Ws(ts, k, "a couple of months")) || (n = Ws(ts, k, "a couple months")) ||
	    (n = Ws(ts, k, "the next couple of months")) || (n = Ws(ts, k, "the next couple months"))) {
		int from = Ws(ts, k + n, "from now") || Ws(ts, k + n, "from today") ? 2 : 0;
		struct mk_date two = add_months(D, 2);
		if (!lead && !from)
			return 0;
		win(r, mk_date_add_days(two, -14), mk_date_add_days(two, 14));
		return k + n + from - i;
	}
	if ((n = Ws(ts, k, "a few months")) || (n = Ws(ts, k, "the next few months"))) {
		if (!lead)
			return 0;
		win(r, add_months(D, 2), add_months(D, 3));
		return k + n - i;
	}
	if (W(ts, i, "within") && ((n = Ws(ts, k, "the week")) || (n = Ws(ts, k, "the month")))) {
		if (W(ts, k + 1, "week")) /* as "this week", "this month" */
			one(r, mk_date_add_days(monday_of(D), 4));
		else
			one(r, mkd(D.y, D.m, mk_month_days(D.y, D.m)));
		return k + n - i;
	}
	if ((n = Ws(ts, k, "the next week")) || (n = Ws(ts, k, "the next seven days"))) {
		if (!lead)
			return 0;
		win(r, mk_date_add_days(D, 1), mk_date_add_days(D, 7));
		return k + n - i;
	}
	if (lead && (n = Ws(ts, k, "the next")) && !W(ts, k + n, "a") && !W(ts, k + n, "an"))
		k += n; /* "within the next two weeks" is "within two weeks" */
	if (!(n = count_word(ts, k, &v)))
		return 0;
	k += n;
	{
		int unit = 0, biz = 0; /* 1 day, 7 week, 30 month */
		if (W(ts, k, "business") || W(ts, k, "working")) {
			biz = 1;
			k++;
		}
		if (W(ts, k, "day") || W(ts, k, "days"))
			unit = 1;
		else if (!biz && (W(ts, k, "week") || W(ts, k, "weeks")))
			unit = 7;
		else if (!biz && (W(ts, k, "month") || W(ts, k, "months")))
			unit = 30;
		else if (!biz && (W(ts, k, "fortnight") || W(ts, k, "fortnights")))
			unit = 14;
		else
			return 0;
		k++;
		if (lead && W(ts, k, "time"))
			k++; /* "in two weeks' time" */
		{
			int from = 0, wd;
			struct mk_date base = D;
			if (Ws(ts, k, "from now") || Ws(ts, k, "from today")) {
				from = 2;
			} else if (!lead && unit == 7 && (W(ts, k, "today") || W(ts, k, "tomorrow"))) {
				from = 1; /* "a week today", "a week tomorrow" */
				base = mk_date_add_days(D, W(ts, k, "tomorrow"));
			} else if (W(ts, k, "from") && (wd = weekday_word(ts, k + 1)) >= 0) {
				base = weekday_after(D, wd);
				from = 2;
			} else if (Ws(ts, k, "from tomorrow")) {
				base = mk_date_add_days(D, 1);
				from = 2;
			}
			if (!lead && !from)
				return 0;
			/* "within ten days of the audit", "two weeks after signing": counted from an
			 * event, not from the meeting: no date */
			if (!from && (W(ts, k, "of") || W(ts, k, "after")) && k + 1 < ts->n &&
			    ts->t[k + 1].kind == T_WORD && !ts->t[k + 1].strong && ts->t[k + 1].wd < 0 &&
			    !ts->t[k + 1].mon) {
				nodate(r);
				k += 2;
				if (k < ts->n && ts->t[k].kind == T_WORD && !ts->t[k].strong &&
				    (W(ts, k - 1, "the") || W(ts, k - 1, "our") || W(ts, k - 1, "your") ||
				     W(ts, k - 1, "their") || W(ts, k - 1, "that") || W(ts, k - 1, "this")))
					k++; /* "of the audit" */
				return k - i;
			}
			k += from;
			if (unit == 30) {
				one(r, add_months(base, v));
			} else if (biz) {
				struct mk_date d = base;
				for (int left = v; left > 0;) {
					d = mk_date_add_days(d, 1);
					if (mk_date_weekday(d) < 5)
						left--;
				}
				one(r, d);
			} else {
				one(r, mk_date_add_days(base, v * unit));
			}
		}
	}
	return k - i;
}

/* early/mid/late/end of/beginning of MONTH, in/by MONTH, the first week of MONTH, the week of X */
static int parse_month_window(const struct toks *ts, int i, struct mk_date D, int after_prep, struct res *r)
{
	static const struct { const char *w; int part; } parts[] = {
		{ "the beginning of", 1 }, { "beginning of", 1 }, { "the start of", 1 }, { "start of", 1 },
		{ "early", 1 }, { "the middle of", 2 }, { "middle of", 2 }, { "mid", 2 },
		{ "the end of", 3 }, { "end of", 3 }, { "late", 3 }, { "later in", 3 },
	};
	int k = i, n, part = 0, m, y = 0;
	if (!starts(ts, i, WL_MWIN) && !(after_prep && month_word(ts, i)))
		return 0;
	static const char *const wk[] = { "first", "second", "third", "fourth", "last" };
	/* the first week of January */
	for (int w = 0; w < 5; w++) {
		int the = W(ts, k, "the") ? 1 : 0, next = 0;
		if (!W(ts, k + the, wk[w]) || !Ws(ts, k + the + 1, "week of"))
			continue;
		if (Ws(ts, k + the + 3, "next month")) { /* as "of MONTH", with next month's */
			m = D.m % 12 + 1;
			next = 1;
		} else if (!(m = month_word(ts, k + the + 3))) {
			continue;
		}
		{
			int used = the + 4 + next;
			if (next)
				y = m == 1 ? D.y + 1 : D.y;
			else if (year_token(ts, k + used, &y))
				used++;
			else
				y = year_for_month(D, m);
			struct mk_date d1 = mkd(y, m, 1);
			int off = (7 - mk_date_weekday(d1)) % 7;
			struct mk_date mon = mk_date_add_days(d1, off);
			if (w == 4) {
				struct mk_date lastd = mkd(y, m, mk_month_days(y, m));
				mon = monday_of(lastd);
				if (mon.m != m || mk_date_add_days(mon, 4).m != m)
					mon = mk_date_add_days(mon, -7);
			} else {
				mon = mk_date_add_days(mon, 7 * w);
			}
			win(r, mon, mk_date_add_days(mon, 4));
			return used;
		}
	}
	/* the week of January 11th, the week of the 11th */
	if ((n = Ws(ts, k, "the week of")) || (n = Ws(ts, k, "week of"))) {
		struct res d;
		int u = parse_month_day(ts, k + n, D, &d);
		if (!u)
			u = parse_bare_ordinal(ts, k + n, D, 1, &d);
		if (u) {
			struct mk_date mon = monday_of(d.lo);
			win(r, mon, mk_date_add_days(mon, 4));
			return n + u;
		}
		return 0;
	}
	for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
		if ((n = Ws(ts, k, parts[p].w))) {
			part = parts[p].part;
			k += n;
			break;
		}
	if (!part && !after_prep)
		return 0;
	/* a bare month leads a due date after in/by/until/before/through/during/around, not
	 * after "for" ("windows for April", "resubmit you for July"), "from", "after", "on" */
	if (!part && i > 0 && (W(ts, i - 1, "for") || W(ts, i - 1, "from") || W(ts, i - 1, "after") ||
			       W(ts, i - 1, "starting") || W(ts, i - 1, "on")))
		return 0;
	if (!(m = month_word(ts, k)))
		return 0;
	k++;
	if (year_token(ts, k, &y))
		k++;
	else
		y = year_for_month(D, m);
	{
		int ld = mk_month_days(y, m);
		switch (part) {
		case 1: win(r, mkd(y, m, 1), mkd(y, m, 10)); break;
		case 2: win(r, mkd(y, m, 11), mkd(y, m, 20)); break;
		case 3: win(r, mkd(y, m, 21), mkd(y, m, ld)); break;
		default: win(r, mkd(y, m, 1), mkd(y, m, ld)); break;
		}
	}
	return k - i;
}

static int parse_weekday(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	int k = i, wd, rel = 0, n;
	if (!starts(ts, i, WL_WDAY) && weekday_word(ts, i) < 0)
		return 0;
	if (W(ts, k, "this") || W(ts, k, "coming") || Ws(ts, k, "this coming") == 2) {
		k += W(ts, k + 1, "coming") ? 2 : 1;
		rel = 1;
	} else if (W(ts, k, "next")) {
		k++;
		rel = 2;
	} else if (W(ts, k, "last") || W(ts, k, "past")) {
		k++;
		rel = 3;
	}
	if ((wd = weekday_word(ts, k)) < 0)
		return 0;
	k++;
	/* "Monday, March 2nd": the explicit date wins */
	{
		int j = k, day;
		struct res d;
		if (j < ts->n && ts->t[j].kind == T_PUNCT && ts->t[j].w[0] == ',')
			j++;
		if ((n = parse_month_day(ts, j, D, &d))) {
			*r = d;
			return j + n - i;
		}
		/* "Tuesday the 19th", "Friday 13th": the first month whose DAY is that weekday */
		if ((W(ts, j, "the") && (n = parse_bare_ordinal(ts, j, D, 1, &d))) ||
		    (j < ts->n && ts->t[j].kind == T_ORD && (n = parse_bare_ordinal(ts, j, D, 1, &d)))) {
			day = d.lo.d;
			nodate(r);
			for (int mo = 0; mo < WEEKDAY_DAY_MONTHS; mo++) {
				struct mk_date f = add_months(mkd(D.y, D.m, 1), mo);
				if (mk_date_valid(f.y, f.m, day) && mk_date_cmp(mkd(f.y, f.m, day), D) >= 0 &&
				    mk_date_weekday(mkd(f.y, f.m, day)) == wd) {
					one(r, mkd(f.y, f.m, day));
					break;
				}
			}
			return j + n - i;
		}
	}
	/* "Friday after next": a week on from "next Friday" */
	if (!rel && (n = Ws(ts, k, "after next"))) {
		struct mk_date lo = mk_date_add_days(weekday_after(D, wd), 7);
		win(r, lo, mk_date_add_days(lo, 7));
		return k + n - i;
	}
	/* "Tuesday of this week", "Tuesday this week": that day of D's week, even when past */
	if (!rel && ((n = Ws(ts, k, "of this week")) || (n = Ws(ts, k, "this week")))) {
		one(r, mk_date_add_days(monday_of(D), wd));
		return k + n - i;
	}
	if (rel == 3) {
		one(r, weekday_before(D, wd));
	} else if (rel == 2) {
		struct mk_date lo = weekday_after(D, wd);
		win(r, lo, mk_date_add_days(lo, 7));
	} else if (!rel && ((n = Ws(ts, k, "next week")) || (n = Ws(ts, k, "of next week")))) {
		one(r, mk_date_add_days(monday_of(D), 7 + wd)); /* "Friday next week" */
		k += n;
	} else if (W(ts, k, "week") && !rel) { /* "Monday week" */
		one(r, mk_date_add_days(weekday_after(D, wd), 7));
		k++;
	} else {
		one(r, weekday_after(D, wd));
	}
	return k - i;
}

/* "this weekend", "over the weekend" -> [Sat, Sun] of D's week; "next weekend" a week on;
 * "by the weekend" / "before the weekend" -> Friday of D's week (the working week's end) */
static int parse_weekend(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	int n, next = 0;
	struct mk_date sat;
	int k = i;
	if (!word_within(ts, i, 4, "weekend"))
		return 0;
	if (W(ts, k, "over") && W(ts, k + 1, "the"))
		k++; /* "over the weekend" */
	if ((n = Ws(ts, k, "this coming weekend")) || (n = Ws(ts, k, "the coming weekend")) ||
	    (n = Ws(ts, k, "this weekend")) || (n = Ws(ts, k, "the weekend"))) {
		next = 0;
	} else if ((n = Ws(ts, k, "next weekend"))) {
		next = 1;
	} else {
		return 0;
	}
	n += k - i;
	sat = mk_date_add_days(monday_of(D), 5 + 7 * next);
	if (!next && i > 0 && (W(ts, i - 1, "by") || W(ts, i - 1, "before"))) {
		struct mk_date fri = mk_date_add_days(monday_of(D), 4);
		one(r, mk_date_cmp(fri, D) < 0 ? D : fri);
		return n;
	}
	win(r, mk_date_cmp(sat, D) < 0 ? D : sat, mk_date_add_days(sat, 1));
	return n;
}

/* "the last Monday of March", "the first Friday of next month", "the 2nd Tuesday in
 * April 2027", "the first Wednesday of the month" (D's month, or the next when past) */
static int parse_nth_weekday(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	static const char *const nth[] = { "first", "second", "third", "fourth", "fifth", "last" };
	int k = i, which = -1, wd, m, y = 0, yexp = 0, mrel = -1;
	if (W(ts, k, "the"))
		k++;
	if (k < ts->n && ts->t[k].kind == T_ORD && ts->t[k].n >= 1 && ts->t[k].n <= 5)
		which = ts->t[k].n - 1;
	for (int q = 0; q < 6 && which < 0; q++)
		if (W(ts, k, nth[q]))
			which = q;
	if (which < 0 || (wd = weekday_word(ts, k + 1)) < 0)
		return 0;
	if (!W(ts, k + 2, "of") && !W(ts, k + 2, "in")) {
		if (which == 5)
			return 0; /* "last Monday" is the one before D */
		mrel = 0; /* "first Wednesday": of the month */
		k += 2;
	} else if (k += 3, (m = month_word(ts, k))) {
		k++;
		if (year_token(ts, k, &y))
			k++, yexp = 1;
		else
			y = year_for_month(D, m);
	} else if (Ws(ts, k, "next month")) {
		mrel = 1;
		k += 2;
	} else if (Ws(ts, k, "this month") || Ws(ts, k, "the month")) {
		mrel = 0;
		k += 2;
	} else {
		return 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		struct mk_date f, d;
		if (mrel >= 0)
			f = add_months(mkd(D.y, D.m, 1), mrel + pass);
		else
			f = mkd(y + pass, m, 1);
		if (which == 5) {
			d = mkd(f.y, f.m, mk_month_days(f.y, f.m));
			d = mk_date_add_days(d, -((mk_date_weekday(d) - wd + 7) % 7));
		} else {
			d = mk_date_add_days(f, (wd - mk_date_weekday(f) + 7) % 7 + 7 * which);
			if (d.m != f.m)
				return 0; /* no fifth Monday that month */
		}
		if (mk_date_cmp(d, D) >= 0 || yexp || mrel == 1 || pass == 1) {
			one(r, d);
			return k - i;
		}
	}
	return 0;
}

static int parse_nodate(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	static const char *const nd[] = { "as soon as possible", "asap", "as soon as we can",
					  "as soon as i can", "right away", "straight away",
					  "same day", "the same day", "shortly", "soon", "before the holidays",
					  "after the holidays", "at some point", NULL };
	/* this call is today: "after the call", "right after this meeting" */
	static const char *const today[] = { "right after this call", "right after the call",
					     "right after this meeting", "straight after this call",
					     "straight after the call", "right after this",
					     "after this call", "after the call", "after this meeting", NULL };
	int n;
	if (!starts(ts, i, WL_NODATE))
		return 0;
	for (int k = 0; today[k]; k++)
		if ((n = Ws(ts, i, today[k]))) {
			one(r, D);
			return n;
		}
	for (int k = 0; nd[k]; k++)
		if ((n = Ws(ts, i, nd[k]))) {
			nodate(r);
			return n;
		}
	return 0;
}

static int parse_expr(const struct toks *ts, int i, struct mk_date D, int after_prep, struct res *r)
{
	int n, t;
	if (i >= ts->n)
		return 0;
	/* a time or "first thing" before a day: "by 3pm Friday", "end of day Thursday" */
	if ((t = time_of_day(ts, i)) && !W(ts, i, "morning") && !W(ts, i, "afternoon") &&
	    !W(ts, i, "evening") && !W(ts, i, "night")) {
		int k = i + t;
		if (W(ts, k, "on"))
			k++;
		if ((n = parse_day(ts, k, D, r)) || (n = parse_month_day(ts, k, D, r)))
			return k + n - i;
		if (W(ts, i, "eod") || W(ts, i, "cob") || Ws(ts, i, "end of day") || Ws(ts, i, "end of the day") ||
		    Ws(ts, i, "the end of") || Ws(ts, i, "close of business") || Ws(ts, i, "end of play") ||
		    Ws(ts, i, "close of play")) {
			one(r, D);
			return t;
		}
	}
	{ /* every reading; the longest wins ("March thirty first" over "March") */
		struct res cand;
		int best = 0, c;
		n = 0;
#define TRY(call)                       \
		do {                            \
			c = (call);             \
			if (c > best) {         \
				best = c;       \
				*r = cand;      \
			}                       \
		} while (0)
		TRY(parse_nodate(ts, i, D, &cand));
		TRY(parse_week(ts, i, D, &cand));
		TRY(parse_month_rel(ts, i, D, &cand));
		TRY(parse_quarter(ts, i, D, &cand));
		TRY(parse_year(ts, i, D, &cand));
		TRY(parse_relative(ts, i, D, &cand));
		TRY(parse_month_window(ts, i, D, after_prep, &cand));
		TRY(parse_weekday(ts, i, D, &cand));
		TRY(parse_nth_weekday(ts, i, D, &cand));
		TRY(parse_weekend(ts, i, D, &cand));
		TRY(parse_month_day(ts, i, D, &cand));
		TRY(parse_day(ts, i, D, &cand));
		TRY(parse_bare_ordinal(ts, i, D, after_prep, &cand));
#undef TRY
		n = best;
	}
	/* "next year's budget", "this quarter's numbers": the unit names the budget */
	if (n && ts->t[i + n - 1].poss && noun_follows(ts, i + n) &&
	    (W(ts, i + n - 1, "year") || W(ts, i + n - 1, "quarter") || W(ts, i + n - 1, "month")))
		return 0;
	if (n) {
		/* a time of day after: "Friday morning", "tomorrow EOD", "Thursday at noon" */
		if (r->has_date && (t = time_of_day(ts, i + n)))
			n += t;
		return n;
	}
	if (W(ts, i, "eod") || W(ts, i, "cob") || W(ts, i, "tonight")) {
		one(r, D);
		return 1;
	}
	/* later the same day: as "today" and "tonight" */
	if ((n = Ws(ts, i, "this afternoon")) || (n = Ws(ts, i, "this evening")) || (n = Ws(ts, i, "later today"))) {
		one(r, D);
		return n;
	}
	if (W(ts, i, "yesterday")) {
		one(r, mk_date_add_days(D, -1));
		return 1;
	}
	return 0;
}

/* words that may lead a date expression and belong in its quote */
static int prep_len(const struct toks *ts, int i)
{
	int n;
	if ((n = Ws(ts, i, "no later than")) || (n = Ws(ts, i, "at the latest by")) ||
	    (n = Ws(ts, i, "sometime before")) || (n = Ws(ts, i, "some time before")))
		return n;
	if (i >= 0 && starts(ts, i, WL_PREP))
		return 1;
	return 0;
}

static void fill(const struct toks *ts, int i, int n, const struct res *r, struct mk_when *out)
{
	memset(out, 0, sizeof *out);
	out->has_date = r->has_date;
	out->is_window = r->has_date && r->window;
	out->lo = r->lo;
	out->hi = r->hi;
	out->pick = r->hi; /* a window's deadline end */
	out->start = ts->t[i].start;
	out->len = ts->t[i + n - 1].end - ts->t[i].start;
}

/* Can a date expression (or its preposition) start with this token? A quick test. */
static int may_start(const struct tok *t)
{
	if (t->kind == T_PUNCT)
		return 0;
	if (t->kind != T_WORD)
		return 1;
	if (t->w[0] == 'q' && t->w[1] >= '1' && t->w[1] <= '4' && !t->w[2])
		return 1;
	if (t->lists >> WL_FIRST & 1)
		return 1;
	return -1; /* the caller asks the weekday, month and number words */
}

/* Is the token before i "a" or "an"? */
static int article_before(const struct toks *ts, int i)
{
	const struct tok *t;
	if (i <= 0 || i > ts->n)
		return 0;
	t = ts->t + (i - 1);
	return t->kind == T_WORD && t->w[0] == 'a' && (!t->w[1] || (t->w[1] == 'n' && !t->w[2]));
}

/* the longest expression at token i (with a leading preposition when one helps) */
static int expr_at(const struct toks *ts, int i, struct mk_date D, struct res *r)
{
	/* "at the end of the day" is an idiom ("ultimately"), not a deadline */
	if ((i > 0 && W(ts, i - 1, "at") && Ws(ts, i, "the end of the day")) ||
	    (i > 1 && W(ts, i - 2, "at") && W(ts, i - 1, "the") && Ws(ts, i, "end of the day")))
		return 0;
	int ms = may_start(&ts->t[i]);
	if (!ms || (ms < 0 && weekday_word(ts, i) < 0 && !month_word(ts, i) &&
		    ts->t[i].small < 0 && ts->t[i].ord < 0))
		return 0;
	int p = prep_len(ts, i), n;
	/* "a July first go-live", "a Friday deadline": the date only describes a thing */
	if (!p && article_before(ts, i)) {
		struct res ra;
		int na = parse_expr(ts, i, D, 0, &ra);
		if (na && noun_follows(ts, i + na))
			return 0;
	}
	if (p) {
		struct res rp;
		int np;
		/* "around within two weeks": the date starts at "within", not before it */
		if (prep_len(ts, i + p) || W(ts, i + p, "within") || W(ts, i + p, "over"))
			return 0;
		np = parse_expr(ts, i + p, D, 1, &rp);
		/* "in" and "within" belong to "in two weeks": try the whole first */
		int nw = parse_expr(ts, i, D, 0, r);
		if (np && p + np > nw) {
			*r = rp;
			return p + np;
		}
		return nw;
	}
	n = parse_expr(ts, i, D, 0, r);
	return n;
}

/* Does the text hold a token every date expression needs (a number, a day or month name,
 * week, month, today, ASAP ...)? Most sentences do not, and skip the grammar. */
static int has_date_word(const struct toks *ts)
{
	for (int i = 0; i < ts->n; i++) {
		const struct tok *t = &ts->t[i];
		if (t->kind == T_NUM || t->kind == T_ORD || t->kind == T_SLASH || t->kind == T_ISO ||
		    (t->kind == T_WORD && t->strong))
			return 1;
	}
	return 0;
}

/*
 * Could text hold a date expression? Every expression holds a number or a strong word
 * (has_date_word), and a strong word token is the letters that open a run of letters
 * (lower-cased; "'s" and "’s" after them are dropped). So: no digit, and no run opening
 * with a strong word, means no expression, and the text need not be read into tokens.
 */
static int may_hold_date(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	pthread_once(&lex_once, lex_build);
	for (size_t i = 0; i < len;) {
		size_t j;
		if (is_digit(s[i]))
			return 1;
		if (!is_alpha(s[i])) {
			i++;
			continue;
		}
		for (j = i; j < len && is_alpha(s[j]); j++)
			;
		{
			size_t n = j - i;
			int a = (s[i] | 0x20) - 'a';
			if (n == 1 ? strong_one[a] :
			    n <= 15 && (strong_shape[a][(s[i + 1] | 0x20) - 'a'] >> n & 1)) {
				char w[16];
				const struct wentry *e;
				for (size_t k = 0; k < n; k++)
					w[k] = (char)(s[i + k] | 0x20);
				w[n] = '\0';
				e = lex_find(w);
				if (e && e->lx && e->lx->strong)
					return 1;
			}
		}
		i = j;
	}
	return 0;
}

size_t mk_when_scan(const char *text, size_t len, struct mk_date ref, mk_when_fn fn, void *ctx)
{
	struct toks ts;
	size_t base = 0, count = 0;
	if (!text || !may_hold_date(text, len))
		return 0;
	/* long texts are read in windows so the token buffer stays bounded */
	while (base < len) {
		size_t next = len;
		int i;
		tokenize(text + base, len - base, &ts);
		if (ts.n == MAX_TOKENS)
			next = base + ts.t[MAX_TOKENS - 12].start;
		if (!has_date_word(&ts)) {
			base = next;
			continue;
		}
		/* every expression holds a strong token ("Friday", "week", "15th") near its start */
		int next_strong = MAX_TOKENS * 2;
		signed char near[MAX_TOKENS];
		for (i = ts.n - 1; i >= 0; i--) {
			const struct tok *t = &ts.t[i];
			if (t->kind == T_NUM || t->kind == T_ORD || t->kind == T_SLASH || t->kind == T_ISO ||
			    (t->kind == T_WORD && t->strong))
				next_strong = i;
			near[i] = next_strong - i <= STRONG_REACH;
		}
		for (i = 0; i < ts.n; i++) {
			struct res r;
			struct mk_when w;
			int n;
			if (ts.n == MAX_TOKENS && i >= MAX_TOKENS - 12)
				break; /* too close to the window's end: read on from here */
			if (!near[i] || ts.t[i].kind == T_PUNCT || (n = expr_at(&ts, i, ref, &r)) <= 0)
				continue;
			fill(&ts, i, n, &r, &w);
			w.start += base;
			count++;
			if (fn(ctx, &w))
				return count;
			if (ts.n == MAX_TOKENS && i + n >= MAX_TOKENS - 12) {
				next = base + ts.t[i].start + w.len; /* resume after this expression */
				break;
			}
			i += n - 1;
		}
		base = next;
	}
	return count;
}

static int take_first(void *ctx, const struct mk_when *w)
{
	*(struct mk_when *)ctx = *w;
	return 1;
}

enum mk_err mk_when_find(const char *text, struct mk_date ref, struct mk_when *out)
{
	if (!text)
		return MK_EARG;
	return mk_when_scan(text, strlen(text), ref, take_first, out) ? MK_OK : MK_ENOTFOUND;
}

enum mk_err mk_when_resolve(const char *phrase, struct mk_date ref, struct mk_when *out)
{
	struct toks ts;
	struct res r;
	int n, last;
	if (!phrase)
		return MK_EARG;
	tokenize(phrase, strlen(phrase), &ts);
	last = ts.n;
	while (last > 0 && ts.t[last - 1].kind == T_PUNCT)
		last--;
	if (last == 0 || ts.n == MAX_TOKENS)
		return MK_EDATE;
	n = expr_at(&ts, 0, ref, &r);
	if (n != last)
		return MK_EDATE;
	fill(&ts, 0, n, &r, out);
	return MK_OK;
}

/* ---- the clause a date is said in ---- */

int mk_when_side_clause(const char *text, size_t len)
{
	static const char *const opener[] = { "if", "whether", "unless", "once", "assuming",
					      "provided", "since", NULL };
	static const char *const past[] = { "had", "was", "were", "did", "went", NULL };
	static const char *const subject[] = { "i", "we", "you", "they", "he", "she", "i'll", "we'll",
					       "you'll", "they'll", "he'll", "she'll", "it'll", "i'd",
					       "we'd", "you'd", "they'd", "he'd", "she'd", "i'm", "we're",
					       "they're", "he's", "she's", NULL };
	char w[WORD_MAX];
	size_t i = len;
	int words = 0, pending_subject = 0, span_end;
	if (!text)
		return 0;
	/* "ask finance to keep the quote open through March 3rd": the end of what an infinitive holds */
	span_end = !strncasecmp(text + len, "through ", 8) || !strncasecmp(text + len, "until ", 6) ||
		   !strncasecmp(text + len, "till ", 5) || !strncasecmp(text + len, "thru ", 5);
	while (i > 0 && words < 16) {
		size_t end, k = 0;
		unsigned char ch = (unsigned char)text[i - 1];
		if (ch == ',' || ch == ';' || ch == '.' || ch == '?' || ch == '!' || ch == ':')
			return 0; /* the clause starts here */
		if (!is_alpha(ch) && ch != '\'' && ch != 0x99) {
			i--;
			continue;
		}
		end = i;
		while (i > 0 && (is_alpha((unsigned char)text[i - 1]) || text[i - 1] == '\'' ||
				 ((unsigned char)text[i - 1] == 0x99 && i >= 3 &&
				  (unsigned char)text[i - 3] == 0xE2)))
			i -= (unsigned char)text[i - 1] == 0x99 ? 3 : 1;
		for (size_t j = i; j < end && k + 1 < sizeof w;) {
			if ((unsigned char)text[j] == 0xE2) { /* ’ */
				w[k++] = '\'';
				j += 3;
				continue;
			}
			w[k++] = (char)(text[j] | (text[j] == '\'' ? 0 : 0x20));
			j++;
		}
		w[k] = '\0';
		if (!k)
			return 0;
		words++;
		if (pending_subject) /* the word before a subject: does it open a side clause? */
			return mk_in_list(w, opener);
		if (mk_in_list(w, opener) || mk_in_list(w, past) || (span_end && !strcmp(w, "to")))
			return 1;
		if (mk_in_list(w, subject))
			pending_subject = 1; /* "whether he'd sign", or a main clause's subject */
	}
	return 0;
}

int mk_when_names_day(const char *text, size_t len)
{
	struct toks ts;
	if (!text)
		return 0;
	tokenize(text, len, &ts);
	for (int i = 0; i < ts.n; i++) {
		const struct tok *t = &ts.t[i];
		if (t->kind == T_ORD || t->kind == T_SLASH || t->kind == T_ISO ||
		    (t->kind == T_WORD && (t->wd >= 0 || t->mon || t->ord > 0)))
			return 1;
	}
	return 0;
}
