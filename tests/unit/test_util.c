/* test_util.c: the allocation wrapper, buffers, UTF-8 validation and SHA-256. */
#include "util/util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void test_buf(void)
{
	struct mk_buf b;
	mk_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		mk_buf_addf(&b, "%d,", i);
	CHECK(b.len == strlen(b.s));
	CHECK(!strncmp(b.s, "0,1,2,", 6));
	char *s = mk_buf_detach(&b);
	CHECK(b.s == NULL && b.len == 0);
	free(s);
	mk_buf_release(&b);
}

static void test_utf8(void)
{
	size_t bad = 0;
	CHECK(mk_utf8_valid("plain", 5, &bad));
	CHECK(mk_utf8_valid("Jo\xc3\xa3o \xe2\x80\x94 \xf0\x9f\x98\x80", 14, &bad));
	CHECK(!mk_utf8_valid("ab\xc3", 3, &bad) && bad == 2);
	CHECK(!mk_utf8_valid("\xc0\xaf", 2, &bad));     /* overlong */
	CHECK(!mk_utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
	CHECK(!mk_utf8_valid("x\xff", 2, &bad) && bad == 1);
}

static void test_sha256(void)
{
	char h[65];
	mk_sha256_hex("", 0, h);
	CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	mk_sha256_hex("abc", 3, h);
	CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	mk_sha256_hex(m, strlen(m), h);
	CHECK_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_strieq(void)
{
	CHECK(mk_strieq("Friday", "FRIDAY"));
	CHECK(!mk_strieq("Friday", "Fri"));
	CHECK(mk_strnieq("Next week", "next", 4));
}

int main(void)
{
	RUN(test_buf);
	RUN(test_utf8);
	RUN(test_sha256);
	RUN(test_strieq);
	return tap_done();
}
