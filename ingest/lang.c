/*
 * lang.c: tells whether a call's text is English, and names the likely language when it is
 * not: by script first (kana -> Japanese, Hangul -> Korean, Han -> Chinese, Cyrillic,
 * Greek, Arabic, Hebrew, Thai, Devanagari), then, for Latin script, by the share of words
 * that are common function words of English, German, French, Spanish, Portuguese, Italian
 * and Dutch. The lists are compiled tables: closed word classes (articles, pronouns,
 * prepositions) that need no tuning per deal, so the library and the fuzz targets need no
 * data files for them. Does not look at speaker names. Invariant: too little text to tell
 * counts as English, so a short call is never refused.
 */
#include "ingest/ingest.h"

#include <string.h>

/* Fewer Latin words than this, or fewer letters of another script: too little to tell. */
#define LANG_MIN_WORDS 25
#define LANG_MIN_LETTERS 20
/* A Latin-script text is English unless another list covers this much of it, and more than
 * the English list does. */
#define LANG_MIN_SHARE 0.12
/* Enough to tell: counting stops after this many words (or letters of other scripts). */
#define LANG_ENOUGH 20000

/*
 * Function words, lower case. Each list leaves out words common in English too ("die",
 * "was", "in", "a", "me", "no", "on"), so a hit says the language, not English.
 */
static const char *const words_en[] = {
	"the", "and", "to", "of", "that", "is", "it", "you", "we", "i", "this", "for", "with",
	"have", "be", "are", "not", "what", "they", "will", "can", "just", "but", "yeah", "about",
	"from", "at", "if", "there", "our", "your", "would", "think", "going", "do", "know",
	"like", "get", "okay", "right", "all", "so", "was", "my", "me", "on", "in", "a", "an",
	"or", "one", "how", "out", "up", "then", "some", "yes", "because", "were", "been",
	"which", "when", "could", "should", "don't", "it's", "that's", "i'm", "we're", "i'll",
	"we'll", "let's", "you're", "there's", "here", "also", "well", "really", "thanks",
	"thank", "by", "as", "no", "he", "she", "them", "their", "who", "any", "more", "did",
	"does", "has", "had", "want", "need", "see", "make", "now", "good", "yep",
};
static const char *const words_de[] = {
	"der", "das", "und", "ist", "nicht", "ich", "wir", "sie", "es", "ein", "eine", "einen",
	"zu", "mit", "auf", "für", "den", "dem", "des", "von", "auch", "noch", "aber", "wenn",
	"dass", "bis", "schon", "kann", "können", "werden", "wird", "haben", "habe", "hat",
	"sind", "bei", "oder", "nach", "über", "uns", "ja", "nein", "mal", "dann", "jetzt",
	"gut", "sehr", "gibt", "diese", "wie", "müssen", "soll", "doch", "nur", "mehr", "kein",
	"keine", "heute", "morgen", "woche", "ihnen", "mir", "mich", "euch", "unser", "unsere",
	"genau", "also", "vielleicht", "danke", "bitte", "schicke", "schicken", "machen",
};
static const char *const words_fr[] = {
	"le", "la", "les", "et", "est", "des", "du", "un", "une", "je", "nous", "vous", "il",
	"elle", "pas", "que", "qui", "pour", "avec", "dans", "sur", "ce", "cette", "mais",
	"oui", "non", "très", "bien", "alors", "donc", "aussi", "être", "avoir", "fait",
	"faire", "peut", "va", "vais", "sont", "c'est", "j'ai", "au", "aux", "leur", "notre",
	"votre", "semaine", "merci", "d'accord", "on", "ça", "y", "en", "de", "je", "lundi",
	"vendredi", "demain", "envoyer", "enverrai", "besoin", "avant",
};
static const char *const words_es[] = {
	"el", "los", "las", "y", "que", "es", "una", "por", "para", "con", "se", "lo", "su",
	"del", "al", "pero", "muy", "como", "está", "están", "yo", "nosotros", "usted",
	"ustedes", "también", "hay", "vamos", "puedo", "podemos", "sí", "bueno", "gracias",
	"semana", "eso", "esto", "esta", "este", "mañana", "viernes", "lunes", "enviar",
	"envío", "necesitamos", "tenemos", "hasta", "antes", "de", "la", "en", "un", "le",
};
static const char *const words_pt[] = {
	"o", "os", "as", "e", "que", "não", "uma", "um", "para", "com", "por", "do", "da",
	"dos", "das", "no", "na", "em", "eu", "nós", "você", "vocês", "também", "muito",
	"está", "são", "isso", "isto", "obrigado", "obrigada", "semana", "até", "sim", "vamos",
	"podemos", "mas", "ele", "ela",
};
static const char *const words_it[] = {
	"il", "lo", "gli", "e", "che", "non", "di", "un", "una", "per", "con", "del", "della",
	"sono", "è", "siamo", "noi", "voi", "io", "anche", "molto", "questo", "questa", "ma",
	"grazie", "settimana", "venerdì", "domani", "perché", "abbiamo", "possiamo", "sì",
	"allora", "quindi", "ci", "si",
};
static const char *const words_nl[] = {
	"de", "het", "een", "en", "niet", "ik", "wij", "we", "jij", "jullie", "zijn", "hebben",
	"heeft", "met", "voor", "op", "van", "dat", "ook", "maar", "nog", "wel", "dan", "naar",
	"bij", "kunnen", "kan", "wordt", "worden", "deze", "dit", "graag", "bedankt", "week",
	"morgen", "vrijdag", "sturen", "stuur", "ja", "nee",
};

struct lang_list {
	const char *name, *code;
	const char *const *words;
	size_t n;
};

#define LIST(name, code, w) { name, code, w, sizeof w / sizeof w[0] }
static const struct lang_list lists[] = {
	LIST("English", "en", words_en), LIST("German", "de", words_de),
	LIST("French", "fr", words_fr), LIST("Spanish", "es", words_es),
	LIST("Portuguese", "pt", words_pt), LIST("Italian", "it", words_it),
	LIST("Dutch", "nl", words_nl),
};
#define NLISTS (sizeof lists / sizeof lists[0])

enum script {
	SC_LATIN, SC_CYRILLIC, SC_GREEK, SC_ARABIC, SC_HEBREW, SC_DEVANAGARI, SC_THAI,
	SC_HANGUL, SC_KANA, SC_HAN, SC_COUNT
};

static enum script script_of(uint32_t cp, int *letter)
{
	*letter = 1;
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x1E00 && cp <= 0x1EFF))
		return SC_LATIN;
	if (cp >= 0x400 && cp <= 0x52F)
		return SC_CYRILLIC;
	if (cp >= 0x370 && cp <= 0x3FF)
		return SC_GREEK;
	if ((cp >= 0x600 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F))
		return SC_ARABIC;
	if (cp >= 0x590 && cp <= 0x5FF)
		return SC_HEBREW;
	if (cp >= 0x900 && cp <= 0x97F)
		return SC_DEVANAGARI;
	if (cp >= 0xE00 && cp <= 0xE7F)
		return SC_THAI;
	if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F))
		return SC_HANGUL;
	if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9F))
		return SC_KANA;
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF))
		return SC_HAN;
	*letter = 0;
	return SC_LATIN;
}

/* Decodes one UTF-8 sequence at s (a bad byte counts as one non-letter). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t k;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	k = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
	if (k == 1 || k > n) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = s[0] & (0x3F >> (k - 1));
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return k;
}

/* Is the lower-cased word w[0..k) in list? (UTF-8 words compare byte for byte.) */
static int in_words(const struct lang_list *l, const char *w, size_t k)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->words[i]) == k && !memcmp(l->words[i], w, k))
			return 1;
	return 0;
}

struct lang_count {
	size_t letters[SC_COUNT];
	size_t words;
	size_t other;               /* letters of scripts other than Latin */
	size_t hits[NLISTS];
};

/* Counts the words of one text: letters by script, Latin words in each list. */
static void count_text(struct lang_count *c, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	char w[32];
	size_t k = 0;
	int latin = 1;
	while (i <= n) {
		uint32_t cp = 0;
		size_t step = i < n ? utf8_next(p + i, n - i, &cp) : 1;
		int letter = 0;
		enum script sc = i < n ? script_of(cp, &letter) : SC_LATIN;
		if (letter) {
			c->letters[sc]++;
			c->other += sc != SC_LATIN;
		}
		if (letter || (cp == '\'' && k > 0) || cp == 0x2019) {
			if (cp == 0x2019)
				cp = '\'';	/* a typographic apostrophe: "don’t" */
			if (sc != SC_LATIN && letter)
				latin = 0;
			if (k + step < sizeof w) {
				if (cp < 0x80)
					w[k++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
				else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
					k += utf8_put(cp + 32, w + k);	/* Latin-1 capitals */
				else
					memcpy(w + k, p + i, step), k += step;
			} else {
				latin = 0;	/* too long to be a function word */
			}
		} else if (k) {
			if (latin) {
				c->words++;
				for (size_t l = 0; l < NLISTS; l++)
					c->hits[l] += in_words(&lists[l], w, k);
			}
			k = 0;
			latin = 1;
		}
		i += step;
	}
}

void mk_transcript_language(const struct mk_transcript *t, struct mk_language *out)
{
	struct lang_count c;
	size_t latin, other = 0, best = 0;
	enum script top = SC_LATIN;
	static const char *const script_names[SC_COUNT][2] = {
		[SC_CYRILLIC] = { "Russian", "ru" }, [SC_GREEK] = { "Greek", "el" },
		[SC_ARABIC] = { "Arabic", "ar" }, [SC_HEBREW] = { "Hebrew", "he" },
		[SC_DEVANAGARI] = { "Hindi", "hi" }, [SC_THAI] = { "Thai", "th" },
		[SC_HANGUL] = { "Korean", "ko" }, [SC_KANA] = { "Japanese", "ja" },
		[SC_HAN] = { "Chinese", "zh" },
	};

	memset(&c, 0, sizeof c);
	memset(out, 0, sizeof *out);
	out->english = 1;
	out->name = "English";
	out->code = "en";
	for (size_t i = 0; t && i < t->n && c.words + c.other < LANG_ENOUGH; i++)
		count_text(&c, t->utt[i].text ? t->utt[i].text : "");
	latin = c.letters[SC_LATIN];
	for (int s = SC_CYRILLIC; s < SC_COUNT; s++) {
		other += c.letters[s];
		if (top == SC_LATIN || c.letters[s] > c.letters[top])
			top = (enum script)s;
	}
	out->words = c.words;
	out->english_share = c.words ? (double)c.hits[0] / (double)c.words : 0;
	if (other >= LANG_MIN_LETTERS && other > latin) {
		/* Japanese writes kanji beside its kana: any real share of kana says Japanese */
		if ((top == SC_HAN || top == SC_KANA) && c.letters[SC_KANA] * 10 >= c.letters[SC_HAN])
			top = SC_KANA;
		else if (top == SC_KANA)
			top = SC_HAN;
		out->english = 0;
		out->name = script_names[top][0];
		out->code = script_names[top][1];
		return;
	}
	if (c.words < LANG_MIN_WORDS)
		return;
	best = 1;
	for (size_t l = 2; l < NLISTS; l++)
		if (c.hits[l] > c.hits[best])
			best = l;
	if (c.hits[best] > c.hits[0] && (double)c.hits[best] / (double)c.words >= LANG_MIN_SHARE) {
		out->english = 0;
		out->name = lists[best].name;
		out->code = lists[best].code;
	}
}
