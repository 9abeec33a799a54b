/*
 * term.h: what reaches a terminal. The mapkeeper command installs one filter over its
 * standard output and standard error, so no text it prints (a deal name, a quote, an
 * edit made through the API) can move the cursor, clear the screen or reorder a line:
 * C0 controls but newline and tab, DEL, C1 controls and the bidirectional controls
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) are written as the JSON escape
 * "\uXXXX" (visible in text, still correct inside a JSON string, harmless in CSV), and
 * bytes that are not UTF-8 as U+FFFD. A UTF-8 sequence split across writes is kept whole.
 * Also the progress line of long runs, and the exit status when standard output failed.
 */
#ifndef MK_TERM_H
#define MK_TERM_H

#include "mapkeeper.h"

#include <stddef.h>

/* One filtered output: the descriptor written to, a UTF-8 sequence cut by the end of the
 * last write, and the first write error (an errno value, 0 when none). */
struct term_out {
	int fd;
	unsigned char carry[4];
	size_t ncarry;
	int err;
};

/* Writes s[0..n) neutralised to o->fd; the tail of an unfinished UTF-8 sequence waits in
 * o->carry for the next call. Errors are kept in o->err (the rest is then dropped). */
void term_out_write(struct term_out *o, const char *s, size_t n);
/* Writes what waits in o->carry (an unfinished sequence: U+FFFD). */
void term_out_end(struct term_out *o);

/* term_install, term_finish and the progress line: mapkeeper.h, "terminal output". */

#endif
