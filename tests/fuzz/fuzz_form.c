/*
 * fuzz_form.c: libFuzzer target for the HTTP form and cookie parsing (util/form.c). The
 * raw bytes are a form body for mk_form_field (the keys the login and log out read, and
 * one letter); a NUL-terminated copy is a Cookie header for mk_cookie_get and a typed name
 * for mk_form_text. A wrong answer is a finding too: a value found fits its buffer, is
 * refused by a buffer one byte short and accepted by one of exactly its size; a refused
 * or missing one leaves out ""; a cookie's value is a piece of the header; a typed name
 * is valid UTF-8 without control characters or trailing spaces. Seeds: corpus/fuzz_form/.
 */
#include "fuzz_check.h" /* FUZZ_ASSERT */
#include "mapkeeper.h"
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_VALUE_MAX 1200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The decoded length of a found value: its bytes up to the last NUL written (%00 may
 * put NULs inside), found by decoding into a buffer filled with a marker first. */
static size_t value_len(const char *body, size_t size, const char *key)
{
	char v[FUZZ_VALUE_MAX];
	size_t n = sizeof v;
	memset(v, 0x55, sizeof v);
	FUZZ_ASSERT(mk_form_field(body, size, key, v, sizeof v) == 1);
	while (n && v[n - 1] == 0x55)
		n--;
	FUZZ_ASSERT(n > 0 && v[n - 1] == '\0');
	return n - 1;
}

static void check_field(const char *body, size_t size, const char *key)
{
	char v[FUZZ_VALUE_MAX], small[FUZZ_VALUE_MAX];
	int r = mk_form_field(body, size, key, v, sizeof v);
	size_t n;
	FUZZ_ASSERT(r >= -1 && r <= 1);
	if (r != 1) {
		FUZZ_ASSERT(v[0] == '\0');
		FUZZ_ASSERT(r == 0 || size > strlen(key) + sizeof v - 1);
		return;
	}
	n = value_len(body, size, key);
	FUZZ_ASSERT(n <= size && strlen(v) <= n);
	FUZZ_ASSERT(mk_form_field(body, size, key, small, n + 1) == 1 && !memcmp(small, v, n + 1));
	FUZZ_ASSERT(mk_form_field(body, size, key, small, n) == -1 && (n == 0 || small[0] == '\0'));
}

static void check_cookie(const char *header, const char *name)
{
	char v[64];
	int r = mk_cookie_get(header, name, v, sizeof v);
	FUZZ_ASSERT(r >= -1 && r <= 1);
	if (r != 1) {
		FUZZ_ASSERT(v[0] == '\0');
		return;
	}
	FUZZ_ASSERT(strlen(v) < sizeof v);
	FUZZ_ASSERT(strstr(header, v) != NULL);
}

static void check_text(const char *s, size_t max)
{
	char v[72];
	size_t n = mk_form_text(s, max, v, sizeof v);
	FUZZ_ASSERT(n == strlen(v) && n <= max && n < sizeof v);
	FUZZ_ASSERT(mk_utf8_valid(v, n, NULL));
	FUZZ_ASSERT(n == 0 || v[n - 1] != ' ');
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)v[i] >= 0x20 && v[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "token", "name", "next", "csrf", "a", "" };
	const char *body = (const char *)data;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		check_field(body, size, keys[k]);
	check_cookie(s, "mk_session");
	check_cookie(s, "a");
	check_text(s, 64);
	check_text(s, 3);
	free(s);
	return 0;
}
