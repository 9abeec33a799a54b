/*
 * phase.c: mk_phase_guess, the phase of a mutual action plan an item belongs to, from the
 * words of its action ("run the pilot" is proof of value, "send the signed NDA" procurement).
 * Does not read or change a plan, and keeps no state. Invariant: a phrase matches only whole
 * words, any case, with '-' '.' '/' read as spaces ("go-live" is "go live"); the most
 * specific phrase found wins (its weight, then the earliest, then the first in the table);
 * discovery when none is found.
 */
#include "mapkeeper.h"

#include <stddef.h>
#include <string.h>

#define PHASE_TEXT_MAX 512    /* bytes of an action looked at; the rest is ignored */

/* weight: 1 a word many steps share ("budget", "training"), 2 a word of one step ("pilot",
 * "kickoff"), 3 a named document or a phrase ("NDA", "proof of concept"), 4 a phrase that
 * overrides a weaker word of another phase in it ("vendor onboarding", "sign off on spend") */
struct phase_phrase {
	const char *words;        /* lower case, single spaces */
	enum mk_phase phase;
	int weight;
};

static const struct phase_phrase phase_phrases[] = {
	{ "demo", MK_PHASE_DISCOVERY, 1 },
	{ "demonstration", MK_PHASE_DISCOVERY, 1 },
	{ "requirements", MK_PHASE_DISCOVERY, 1 },
	{ "discovery", MK_PHASE_DISCOVERY, 1 },
	{ "discovery call", MK_PHASE_DISCOVERY, 3 },
	{ "reference", MK_PHASE_DISCOVERY, 2 },
	{ "reference call", MK_PHASE_DISCOVERY, 3 },
	{ "reference check", MK_PHASE_DISCOVERY, 3 },
	{ "use case", MK_PHASE_DISCOVERY, 3 },

	{ "pilot", MK_PHASE_PROOF, 2 },
	{ "poc", MK_PHASE_PROOF, 3 },
	{ "proof of concept", MK_PHASE_PROOF, 3 },
	{ "proof of value", MK_PHASE_PROOF, 3 },
	{ "trial", MK_PHASE_PROOF, 1 },
	{ "free trial", MK_PHASE_PROOF, 3 },
	{ "sandbox", MK_PHASE_PROOF, 2 },
	{ "test environment", MK_PHASE_PROOF, 3 },
	{ "exit criteria", MK_PHASE_PROOF, 3 },
	{ "success criteria", MK_PHASE_PROOF, 3 },
	{ "sign up", MK_PHASE_PROOF, 1 },    /* before "sign": the same place, this one wins */

	{ "business case", MK_PHASE_BUSINESS_CASE, 3 },
	{ "roi", MK_PHASE_BUSINESS_CASE, 3 },
	{ "budget", MK_PHASE_BUSINESS_CASE, 1 },
	{ "pricing", MK_PHASE_BUSINESS_CASE, 1 },
	{ "quote", MK_PHASE_BUSINESS_CASE, 1 },
	{ "proposal", MK_PHASE_BUSINESS_CASE, 1 },
	{ "savings", MK_PHASE_BUSINESS_CASE, 1 },
	{ "board", MK_PHASE_BUSINESS_CASE, 1 },
	{ "committee", MK_PHASE_BUSINESS_CASE, 1 },
	{ "trustee", MK_PHASE_BUSINESS_CASE, 1 },
	{ "cfo", MK_PHASE_BUSINESS_CASE, 1 },
	{ "sign off", MK_PHASE_BUSINESS_CASE, 1 },
	{ "cfo approval", MK_PHASE_BUSINESS_CASE, 3 },
	{ "cfo sign off", MK_PHASE_BUSINESS_CASE, 4 },
	{ "board approval", MK_PHASE_BUSINESS_CASE, 3 },
	{ "board sign off", MK_PHASE_BUSINESS_CASE, 4 },
	{ "budget approval", MK_PHASE_BUSINESS_CASE, 3 },
	{ "spend approval", MK_PHASE_BUSINESS_CASE, 3 },
	{ "sign off on spend", MK_PHASE_BUSINESS_CASE, 4 },
	{ "sign off on the spend", MK_PHASE_BUSINESS_CASE, 4 },

	{ "procurement", MK_PHASE_PROCUREMENT, 1 },
	{ "legal", MK_PHASE_PROCUREMENT, 1 },
	{ "security", MK_PHASE_PROCUREMENT, 1 },
	{ "contract", MK_PHASE_PROCUREMENT, 1 },
	{ "security review", MK_PHASE_PROCUREMENT, 3 },
	{ "security questionnaire", MK_PHASE_PROCUREMENT, 3 },
	{ "security requirements", MK_PHASE_PROCUREMENT, 4 },
	{ "questionnaire", MK_PHASE_PROCUREMENT, 2 },
	{ "soc 2", MK_PHASE_PROCUREMENT, 3 },
	{ "soc2", MK_PHASE_PROCUREMENT, 3 },
	{ "msa", MK_PHASE_PROCUREMENT, 3 },
	{ "dpa", MK_PHASE_PROCUREMENT, 3 },
	{ "nda", MK_PHASE_PROCUREMENT, 3 },
	{ "redline", MK_PHASE_PROCUREMENT, 2 },
	{ "legal review", MK_PHASE_PROCUREMENT, 3 },
	{ "insurance certificate", MK_PHASE_PROCUREMENT, 3 },
	{ "certificate of insurance", MK_PHASE_PROCUREMENT, 3 },
	{ "vendor onboarding", MK_PHASE_PROCUREMENT, 4 },
	{ "supplier onboarding", MK_PHASE_PROCUREMENT, 4 },
	{ "vendor registration", MK_PHASE_PROCUREMENT, 4 },
	{ "vendor form", MK_PHASE_PROCUREMENT, 3 },
	{ "w 9", MK_PHASE_PROCUREMENT, 3 },
	{ "w9", MK_PHASE_PROCUREMENT, 3 },
	{ "po", MK_PHASE_PROCUREMENT, 2 },
	{ "p o", MK_PHASE_PROCUREMENT, 2 },
	{ "purchase order", MK_PHASE_PROCUREMENT, 3 },
	{ "payment terms", MK_PHASE_PROCUREMENT, 3 },
	{ "baa", MK_PHASE_PROCUREMENT, 3 },
	{ "hipaa", MK_PHASE_PROCUREMENT, 2 },
	{ "subprocessor", MK_PHASE_PROCUREMENT, 2 },
	{ "pen test", MK_PHASE_PROCUREMENT, 3 },
	{ "penetration test", MK_PHASE_PROCUREMENT, 3 },
	{ "risk assessment", MK_PHASE_PROCUREMENT, 2 },
	{ "vendor risk", MK_PHASE_PROCUREMENT, 3 },
	{ "third party risk", MK_PHASE_PROCUREMENT, 3 },
	{ "supplier", MK_PHASE_PROCUREMENT, 2 },
	{ "vendor setup", MK_PHASE_PROCUREMENT, 3 },
	{ "insurance", MK_PHASE_PROCUREMENT, 2 },
	{ "certificates of insurance", MK_PHASE_PROCUREMENT, 3 },
	{ "addendum", MK_PHASE_PROCUREMENT, 2 },
	{ "exhibit", MK_PHASE_PROCUREMENT, 1 },
	{ "counsel", MK_PHASE_PROCUREMENT, 1 },
	{ "liability", MK_PHASE_PROCUREMENT, 2 },
	{ "indemnity", MK_PHASE_PROCUREMENT, 2 },

	{ "sign", MK_PHASE_SIGNATURE, 1 },
	{ "order form", MK_PHASE_SIGNATURE, 3 },
	{ "contract signed", MK_PHASE_SIGNATURE, 3 },
	{ "contract signature", MK_PHASE_SIGNATURE, 3 },
	{ "sign the contract", MK_PHASE_SIGNATURE, 3 },
	{ "signed contract", MK_PHASE_SIGNATURE, 3 },
	{ "countersign", MK_PHASE_SIGNATURE, 2 },
	{ "countersigned", MK_PHASE_SIGNATURE, 2 },
	{ "e sign", MK_PHASE_SIGNATURE, 3 },
	{ "esign", MK_PHASE_SIGNATURE, 3 },
	{ "e signature", MK_PHASE_SIGNATURE, 3 },
	{ "docusign", MK_PHASE_SIGNATURE, 3 },
	{ "kickoff", MK_PHASE_SIGNATURE, 2 },
	{ "kick off call", MK_PHASE_SIGNATURE, 3 },
	{ "kick off meeting", MK_PHASE_SIGNATURE, 3 },
	{ "the kick off", MK_PHASE_SIGNATURE, 2 },
	{ "implementation kickoff", MK_PHASE_SIGNATURE, 4 },

	{ "implementation", MK_PHASE_ONBOARDING, 2 },
	{ "training", MK_PHASE_ONBOARDING, 1 },
	{ "rollout", MK_PHASE_ONBOARDING, 2 },
	{ "roll out", MK_PHASE_ONBOARDING, 2 },
	{ "go live", MK_PHASE_ONBOARDING, 2 },
	{ "golive", MK_PHASE_ONBOARDING, 2 },
	{ "sso", MK_PHASE_ONBOARDING, 2 },
	{ "sso setup", MK_PHASE_ONBOARDING, 3 },
	{ "set up sso", MK_PHASE_ONBOARDING, 3 },
	{ "data migration", MK_PHASE_ONBOARDING, 3 },
	{ "migration", MK_PHASE_ONBOARDING, 2 },
	{ "onboarding", MK_PHASE_ONBOARDING, 1 },
	{ "onboard", MK_PHASE_ONBOARDING, 1 },
	{ "saml", MK_PHASE_ONBOARDING, 2 },
	{ "single sign on", MK_PHASE_ONBOARDING, 3 },
};

/* text, lower case, every run of other than letters, digits and apostrophes one space, with
 * a space before and after: " send the signed nda ". Its length. */
static size_t phase_normalize(const char *text, char *out, size_t outlen)
{
	size_t n = 0;

	out[n++] = ' ';
	for (const char *p = text; *p && n + 2 < outlen; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80)
			out[n++] = (char)c;
		else if (out[n - 1] != ' ')
			out[n++] = ' ';
	}
	if (out[n - 1] != ' ')
		out[n++] = ' ';
	out[n] = '\0';
	return n;
}

/* Where phrase first occurs in norm as whole words (a plural or possessive allowed:
 * "pilots", "references", "NDA's"), or -1. */
static long phase_find(const char *norm, const char *phrase)
{
	size_t n = strlen(phrase);

	for (const char *p = norm; (p = strstr(p, phrase)) != NULL; p++) {
		const char *end = p + n;
		if (p == norm || p[-1] != ' ')
			continue;
		if (*end == '\'' && end[1] == 's')
			end++;
		if (*end == 's')
			end++;
		if (*end == ' ')
			return (long)(p - norm);
	}
	return -1;
}

enum mk_phase mk_phase_guess(const char *action)
{
	char norm[PHASE_TEXT_MAX];
	enum mk_phase best = MK_PHASE_DISCOVERY;
	int best_weight = 0;
	long best_at = 0;

	if (!action)
		return best;
	phase_normalize(action, norm, sizeof norm);
	for (size_t i = 0; i < sizeof phase_phrases / sizeof phase_phrases[0]; i++) {
		const struct phase_phrase *ph = &phase_phrases[i];
		long at = phase_find(norm, ph->words);
		if (at < 0)
			continue;
		if (ph->weight > best_weight || (ph->weight == best_weight && at < best_at)) {
			best = ph->phase;
			best_weight = ph->weight;
			best_at = at;
		}
	}
	return best;
}
