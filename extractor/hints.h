/*
 * hints.h: the rule engine's pattern compiler and its start hint. A pattern is compiled
 * once (UTF, UCP, caseless unless asked otherwise, duplicate names allowed); when PCRE2
 * finds no first bytes of its own, a lookahead on the characters every match must start
 * with goes in front, so the matcher skips the other positions at once; the matches stay
 * the same. Used by extractor/rules.c; the analyzer is extractor/hints.c.
 */
#ifndef MK_HINTS_H
#define MK_HINTS_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* The lookahead "(?-i:(?=[...]))" to put in front of pat (a new string), or NULL when
 * nothing useful is known (the pattern may start almost anywhere, or is not understood). */
char *hints_start(const char *pat, int case_sensitive);

/* Compiles pat, with its start hint in front when PCRE2 finds none itself and the hinted
 * pattern gives PCRE2 a table of first bytes; then, when jit, JIT-compiles it (falling
 * back to the interpreter). NULL when pat does not compile: *errcode and *erroff say why. */
pcre2_code *hints_compile(const char *pat, int case_sensitive, int jit, int *errcode, PCRE2_SIZE *erroff);

#endif
