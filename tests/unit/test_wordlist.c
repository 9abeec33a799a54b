/* test_wordlist.c: word lists (extractor/wordlist.c, rules/FORMAT.md): parsing, caseless
 * look-ups, errors, and the lists of the repository's rules folder. */
#include "extractor/rules.h"
#include "extractor/wordlist.h"
#include "util/util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void test_parse(void)
{
	const char *text = "# a comment\n\ncount\n  Perfect  \r\ntenth\nnew york\n";
	struct mk_wordlist *wl = NULL;
	struct mk_diag d = { 0 };
	CHECK(mk_wordlist_parse(&wl, "t.list", text, strlen(text), &d) == MK_OK);
	CHECK(mk_wordlist_count(wl) == 4);
	CHECK(mk_wordlist_has(wl, "Count", 5));
	CHECK(mk_wordlist_has(wl, "COUNT", 5));
	CHECK(mk_wordlist_has(wl, "perfect", 7));
	CHECK(mk_wordlist_has(wl, "New York", 8));
	CHECK(mk_wordlist_has(wl, "tenths", 5)); /* n bytes only */
	CHECK(!mk_wordlist_has(wl, "Carl", 4));
	CHECK(!mk_wordlist_has(wl, "coun", 4));
	CHECK(!mk_wordlist_has(wl, "# a comment", 11));
	CHECK(!mk_wordlist_has(wl, "", 0));
	CHECK(!mk_wordlist_has(NULL, "count", 5));
	mk_wordlist_free(wl);
}

static void test_errors(void)
{
	struct mk_wordlist *wl = NULL;
	struct mk_diag d = { 0 };
	char msg[256];
	CHECK(mk_wordlist_parse(&wl, "t.list", "osaka\nlima\nOsaka\n", 17, &d) == MK_ERULE && !wl);
	mk_diag_format(&d, msg, sizeof msg);
	CHECK(strstr(msg, "t.list:3") != NULL);
	CHECK(mk_wordlist_parse(&wl, "t.list", "ok\n\xff\n", 5, &d) == MK_EUTF8 && !wl);
	CHECK(mk_wordlist_load(&wl, "/nonexistent/x.list", &d) == MK_EIO && !wl);
	CHECK(mk_wordlist_parse(&wl, "t.list", "", 0, &d) == MK_OK && mk_wordlist_count(wl) == 0);
	mk_wordlist_free(wl);
}

/* the repository's lists load with the rules: common words out, first names in */
static void test_rules_lists(void)
{
	struct mk_rules *rs = NULL;
	struct mk_diag d = { 0 };
	CHECK(mk_rules_load(&rs, "rules", &d) == MK_OK);
	if (!rs)
		return;
	const struct mk_wordlist *cw = rules_wordlist(rs, "common-words");
	const struct mk_wordlist *pl = rules_wordlist(rs, "places");
	CHECK(mk_wordlist_count(cw) > 50000);
	static const char *const common[] = { "Count", "Perfect", "Tenth", "Great", "Remote", NULL };
	static const char *const names[] = { "Carl", "Mark", "Frank", "Grace", "Dana", "Will", NULL };
	for (int i = 0; common[i]; i++)
		CHECK(mk_wordlist_has(cw, common[i], strlen(common[i])));
	for (int i = 0; names[i]; i++)
		CHECK(!mk_wordlist_has(cw, names[i], strlen(names[i])));
	CHECK(mk_wordlist_has(pl, "Osaka", 5) && mk_wordlist_has(pl, "Monterrey", 9));
	CHECK(!mk_wordlist_has(pl, "Austin", 6));
	CHECK(rules_wordlist(rs, "no-such-list") == NULL);
	mk_rules_free(rs);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_errors);
	RUN(test_rules_lists);
	return tap_done();
}
