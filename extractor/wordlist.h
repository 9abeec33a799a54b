/*
 * wordlist.h: word lists, data files beside the rules (rules/ *.list, format in
 * rules/FORMAT.md). A list is a set of entries (one a line, compared ASCII-caseless),
 * loaded once per process with the rules into one buffer and an open-addressing hash
 * set of offsets into it. The extractor asks a list by its file name without ".list"
 * ("common-words"); a list that is not there is empty. Invariant: a loaded list's
 * entries are lower-case, non-empty, NUL-terminated and unique.
 */
#ifndef MK_WORDLIST_H
#define MK_WORDLIST_H

#include <stddef.h>

#include "mapkeeper.h"

struct mk_rules;
struct mk_wordlist;

/* Loads one list file. On failure diag names file:line. */
enum mk_err mk_wordlist_load(struct mk_wordlist **out, const char *path, struct mk_diag *diag);
/* Builds a list from text (the same format as a file); path names it in diag. */
enum mk_err mk_wordlist_parse(struct mk_wordlist **out, const char *path, const char *text, size_t len,
			      struct mk_diag *diag);
void mk_wordlist_free(struct mk_wordlist *wl);
size_t mk_wordlist_count(const struct mk_wordlist *wl);
/* Is s[0..n) an entry (ASCII-caseless)? A NULL list holds nothing. */
int mk_wordlist_has(const struct mk_wordlist *wl, const char *s, size_t n);

/* Loads every *.list file of dir into rs (mk_rules_load calls it); none is fine. */
enum mk_err wordlists_load_dir(struct mk_rules *rs, const char *dir, struct mk_diag *diag);
void wordlists_free(struct mk_rules *rs);
/* The list of rs named name (file name less ".list"), or NULL. */
const struct mk_wordlist *rules_wordlist(const struct mk_rules *rs, const char *name);

#endif
