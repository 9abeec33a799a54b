/*
 * tap.h: a minimal TAP producer for the unit tests. Each test binary prints
 * "ok N - name" / "not ok N - name" lines that tests/run.sh counts; CHECK records a
 * failure with file:line and goes on. tap_done() returns the exit code.
 */
#ifndef MK_TAP_H
#define MK_TAP_H

#include <stdio.h>

static int tap_n, tap_failed, tap_cur_failed;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			tap_cur_failed = 1;                                      \
		}                                                                \
	} while (0)

#define CHECK_STR(a, b)                                                          \
	do {                                                                     \
		const char *a_ = (a), *b_ = (b);                                 \
		if (!a_ || !b_ || strcmp(a_, b_)) {                              \
			printf("#   %s:%d: '%s' != '%s'\n", __FILE__, __LINE__,     \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");          \
			tap_cur_failed = 1;                                      \
		}                                                                \
	} while (0)

#define RUN(fn)                                                                  \
	do {                                                                     \
		tap_cur_failed = 0;                                              \
		fn();                                                            \
		tap_n++;                                                         \
		printf("%s %d - %s\n", tap_cur_failed ? "not ok" : "ok", tap_n, #fn); \
		tap_failed += tap_cur_failed;                                    \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
