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

/*
 * Replaces stdout and stderr by filtering streams over descriptors 1 and 2 (stdout
 * line-buffered on a terminal, else fully; stderr line-buffered). progress: show the
 * progress line even when stderr is not a terminal (--progress). 0, or -1 when the
 * streams could not be made (the plain ones stay).
 */
int term_install(int progress);

/* Flushes stdout; 0, or the errno of the first failed write to standard output. */
int term_finish(void);

/* The progress line (on stderr, rewritten in place, with the seconds spent once it
 * stays more than a second): only when stderr is a terminal or --progress was given.
 * term_progress_end clears it. Safe from any thread. */
void term_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void term_progress_end(void);
int term_progress_on(void);

#endif
