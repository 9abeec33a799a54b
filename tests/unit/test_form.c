/*
 * test_form.c: the HTTP form and cookie parsing of util/form.c (mk_form_field,
 * mk_cookie_get, mk_form_text): percent escapes good and bad, '+', empty values,
 * repeated keys, fields without '=', values that do not fit, very long input, quotes
 * and blanks in cookies, control characters and bad UTF-8 in a typed name.
 */
#include "mapkeeper.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* mk_form_field over a NUL-terminated body. */
static int field(const char *body, const char *key, char *out, size_t outlen)
{
	return mk_form_field(body, strlen(body), key, out, outlen);
}

static void test_form_decode(void)
{
	char v[64];
	CHECK(field("token=abc&name=Maya", "token", v, sizeof v) == 1);
	CHECK_STR(v, "abc");
	CHECK(field("token=abc&name=Maya", "name", v, sizeof v) == 1);
	CHECK_STR(v, "Maya");
	CHECK(field("name=Maya+Ortiz", "name", v, sizeof v) == 1);
	CHECK_STR(v, "Maya Ortiz");
	CHECK(field("next=%2Fdeal%3Fname%3DAcme%20Co", "next", v, sizeof v) == 1);
	CHECK_STR(v, "/deal?name=Acme Co");
	CHECK(field("n=%c3%A9t%C3%a9", "n", v, sizeof v) == 1); /* either case of hex */
	CHECK_STR(v, "\xc3\xa9t\xc3\xa9");
	CHECK(field("n=%2B%26%3D", "n", v, sizeof v) == 1);      /* escaped + & = */
	CHECK_STR(v, "+&=");
}

static void test_form_bad_escapes(void)
{
	char v[64];
	CHECK(field("n=100%", "n", v, sizeof v) == 1);
	CHECK_STR(v, "100%");
	CHECK(field("n=%4", "n", v, sizeof v) == 1);
	CHECK_STR(v, "%4");
	CHECK(field("n=%zz%4g", "n", v, sizeof v) == 1);
	CHECK_STR(v, "%zz%4g");
	CHECK(field("n=%%41", "n", v, sizeof v) == 1);
	CHECK_STR(v, "%A");
	CHECK(field("n=%4&m=1", "n", v, sizeof v) == 1); /* an escape does not reach past '&' */
	CHECK_STR(v, "%4");
	CHECK(field("n=a%00b", "n", v, sizeof v) == 1);  /* %00 is a NUL byte */
	CHECK(v[0] == 'a' && v[1] == '\0' && v[2] == 'b' && v[3] == '\0');
}

static void test_form_keys(void)
{
	char v[64];
	CHECK(field("token=&name=x", "token", v, sizeof v) == 1); /* empty value */
	CHECK_STR(v, "");
	CHECK(field("a=1&a=2", "a", v, sizeof v) == 1); /* the first counts */
	CHECK_STR(v, "1");
	CHECK(field("token&name=x", "token", v, sizeof v) == 0); /* no '=' */
	CHECK(field("tokenx=1", "token", v, sizeof v) == 0);
	CHECK(field("xtoken=1", "token", v, sizeof v) == 0);
	CHECK(field("to%6Ben=1", "token", v, sizeof v) == 0); /* keys are not decoded */
	CHECK(field("", "token", v, sizeof v) == 0);
	CHECK_STR(v, "");
	CHECK(field("&&&", "a", v, sizeof v) == 0);
	CHECK(field("&a=1&", "a", v, sizeof v) == 1);
	CHECK_STR(v, "1");
	CHECK(field("a==1", "a", v, sizeof v) == 1);
	CHECK_STR(v, "=1");
	CHECK(mk_form_field(NULL, 0, "a", v, sizeof v) == 0);
	CHECK(mk_form_field("a=1&b=2", 3, "b", v, sizeof v) == 0); /* only len bytes count */
	CHECK(mk_form_field("a=12", 3, "a", v, sizeof v) == 1);
	CHECK_STR(v, "1");
	CHECK(mk_form_field("a=%41", 4, "a", v, sizeof v) == 1); /* an escape cut by len stays */
	CHECK_STR(v, "%4");
}

static void test_form_sizes(void)
{
	char v[4], *big;
	size_t n = 200000;
	CHECK(field("a=abc", "a", v, sizeof v) == 1); /* exactly fits */
	CHECK_STR(v, "abc");
	CHECK(field("a=abcd", "a", v, sizeof v) == -1);
	CHECK_STR(v, "");
	CHECK(field("a=%41%42%43", "a", v, sizeof v) == 1); /* decoded length counts */
	CHECK_STR(v, "ABC");
	CHECK(field("a=x", "a", v, 0) == -1);
	big = malloc(n + 1);
	if (!big)
		abort();
	memset(big, '%', n);
	memcpy(big, "z=1&", 4);
	memcpy(big + n - 4, "&y=2", 4);
	big[n] = '\0';
	CHECK(field(big, "y", v, sizeof v) == 1);
	CHECK_STR(v, "2");
	CHECK(field(big, "z", v, sizeof v) == 1);
	CHECK(field(big, "x", v, sizeof v) == 0);
	memcpy(big, "x=%%", 4); /* a value of 200,000 bytes */
	CHECK(field(big, "x", v, sizeof v) == -1);
	free(big);
}

static void test_cookie(void)
{
	char v[40];
	CHECK(mk_cookie_get("mk_session=abc", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "abc");
	CHECK(mk_cookie_get("a=1; mk_session=abc; b=2", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "abc");
	CHECK(mk_cookie_get("a=1;mk_session=abc", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "abc");
	CHECK(mk_cookie_get("a=1,  mk_session = abc", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, " abc"); /* blanks around a name go, the value is as written */
	CHECK(mk_cookie_get("\tmk_session=abc ", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "abc ");
	CHECK(mk_cookie_get("mk_session=\"abc\"", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "abc");
	CHECK(mk_cookie_get("q=\"a;b,c\"; mk_session=x", "q", v, sizeof v) == 1);
	CHECK_STR(v, "a;b,c");
	CHECK(mk_cookie_get("q=\"a;b\"; mk_session=x", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "x");
	CHECK(mk_cookie_get("q=\"; mk_session=x", "mk_session", v, sizeof v) == 0); /* an open quote runs on */
	CHECK(mk_cookie_get("q=\"", "q", v, sizeof v) == 1);
	CHECK_STR(v, "\"");
	CHECK(mk_cookie_get("q=\"\"", "q", v, sizeof v) == 1);
	CHECK_STR(v, "");
	CHECK(mk_cookie_get("mk_session=1; mk_session=2", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "1");
	CHECK(mk_cookie_get("mk_session; x=1", "mk_session", v, sizeof v) == 1); /* no '=' */
	CHECK_STR(v, "");
	CHECK(mk_cookie_get("mk_session=", "mk_session", v, sizeof v) == 1);
	CHECK_STR(v, "");
	CHECK(mk_cookie_get("MK_SESSION=abc; xmk_session=1; mk_sessionx=2", "mk_session", v, sizeof v) == 0);
	CHECK_STR(v, "");
	CHECK(mk_cookie_get("", "mk_session", v, sizeof v) == 0);
	CHECK(mk_cookie_get(";;, ;", "mk_session", v, sizeof v) == 0);
	CHECK(mk_cookie_get(NULL, "mk_session", v, sizeof v) == 0);
	CHECK(mk_cookie_get("a==b", "a", v, sizeof v) == 1);
	CHECK_STR(v, "=b");
}

static void test_cookie_sizes(void)
{
	char v[33], *big;
	size_t n = 100000;
	CHECK(mk_cookie_get("s=0123456789abcdef0123456789abcdef", "s", v, sizeof v) == 1);
	CHECK_STR(v, "0123456789abcdef0123456789abcdef");
	CHECK(mk_cookie_get("s=0123456789abcdef0123456789abcdef0", "s", v, sizeof v) == -1);
	CHECK_STR(v, "");
	big = malloc(n + 1);
	if (!big)
		abort();
	memset(big, 'x', n);
	memcpy(big, "a=", 2);
	memcpy(big + n - 5, "; s=1", 5);
	big[n] = '\0';
	CHECK(mk_cookie_get(big, "s", v, sizeof v) == 1);
	CHECK_STR(v, "1");
	CHECK(mk_cookie_get(big, "a", v, sizeof v) == -1);
	free(big);
}

static void test_form_text(void)
{
	char v[72];
	CHECK(mk_form_text("Maya", 64, v, sizeof v) == 4);
	CHECK_STR(v, "Maya");
	CHECK(mk_form_text("Ma\tya\r\n\x7f", 64, v, sizeof v) == 4);
	CHECK_STR(v, "Maya");
	CHECK(mk_form_text(" Maya  ", 64, v, sizeof v) == 5); /* leading spaces stay */
	CHECK_STR(v, " Maya");
	CHECK(mk_form_text("Jo\xc3\xa3o", 64, v, sizeof v) == 5);
	CHECK_STR(v, "Jo\xc3\xa3o");
	CHECK(mk_form_text("bad \xff", 64, v, sizeof v) == 0);
	CHECK_STR(v, "");
	CHECK(mk_form_text("   ", 64, v, sizeof v) == 0);
	CHECK(mk_form_text("", 64, v, sizeof v) == 0);
	CHECK(mk_form_text(NULL, 64, v, sizeof v) == 0);
	CHECK(mk_form_text("abcdef", 3, v, sizeof v) == 3);
	CHECK_STR(v, "abc");
	CHECK(mk_form_text("abcdef", 64, v, 4) == 3); /* never past outlen - 1 */
	CHECK_STR(v, "abc");
	CHECK(mk_form_text("ab\xc3\xa3", 3, v, sizeof v) == 0); /* cut inside a character */
	CHECK(mk_form_text("x", 64, v, 0) == 0);
}

int main(void)
{
	RUN(test_form_decode);
	RUN(test_form_bad_escapes);
	RUN(test_form_keys);
	RUN(test_form_sizes);
	RUN(test_cookie);
	RUN(test_cookie_sizes);
	RUN(test_form_text);
	return tap_done();
}
