/*
 * term.c: the filter over the mapkeeper command's standard output and standard error
 * (fopencookie streams over descriptors 1 and 2), the progress line of long runs, and
 * whether standard output could be written. See term.h for what is neutralised and why.
 */
#include "term.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- neutralising ---- */

/* Output gathered before one write(2); flushed when full and at the end. */
struct sink {
	struct term_out *o;
	size_t n;
	char b[4096];
};

static void write_all(struct term_out *o, const char *p, size_t n)
{
	while (n && !o->err) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->err = errno ? errno : EIO;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void sink_flush(struct sink *k)
{
	write_all(k->o, k->b, k->n);
	k->n = 0;
}

static void sink_add(struct sink *k, const void *p, size_t n)
{
	if (k->n + n > sizeof k->b)
		sink_flush(k);
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

static void sink_escape(struct sink *k, uint32_t cp)
{
	char e[8];
	snprintf(e, sizeof e, "\\u%04x", (unsigned)cp);
	sink_add(k, e, 6);
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

static int bidi_control(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Length of the UTF-8 sequence at s (n bytes available): >0 a whole valid sequence, 0 a
 * valid but unfinished one, -1 not UTF-8 (its first byte is to be replaced). */
static int utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t need;
	unsigned lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2, *cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 3, *cp = c & 0x0F, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 4, *cp = c & 0x07, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return -1;
	for (size_t i = 1; i < need; i++) {
		if (i >= n)
			return 0;
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
			return -1;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return (int)need;
}

/* Neutralises s[0..n) into k; returns how many bytes at the end form an unfinished
 * sequence (left for the next write), always 0 when final. */
static size_t neutralise(struct sink *k, const unsigned char *s, size_t n, int final)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		uint32_t cp = 0;
		int len;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
				sink_escape(k, c);
			else
				sink_add(k, &s[i], 1);
			i++;
			continue;
		}
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0 && !final)
			return n - i;
		if (len <= 0) {
			sink_add(k, replacement, 3);
			i++;
		} else {
			if ((cp >= 0x80 && cp <= 0x9F) || bidi_control(cp))
				sink_escape(k, cp);
			else
				sink_add(k, &s[i], (size_t)len);
			i += (size_t)len;
		}
	}
	return 0;
}

static void out_write(struct term_out *o, const char *s, size_t n, int final)
{
	struct sink k;
	unsigned char *joined = NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t left;
	k.o = o;
	k.n = 0;
	if (o->ncarry) {
		joined = malloc(o->ncarry + n);
		if (!joined)
			abort();
		memcpy(joined, o->carry, o->ncarry);
		if (n)
			memcpy(joined + o->ncarry, s, n);
		n += o->ncarry;
		o->ncarry = 0;
		p = joined;
	}
	left = neutralise(&k, p, n, final);
	memcpy(o->carry, p + n - left, left);
	o->ncarry = left;
	sink_flush(&k);
	free(joined);
}

void term_out_write(struct term_out *o, const char *s, size_t n)
{
	out_write(o, s, n, 0);
}

void term_out_end(struct term_out *o)
{
	if (o->ncarry)
		out_write(o, "", 0, 1);
}

/* ---- the progress line ---- */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int on;          /* stderr is a terminal, or --progress */
	int shown;       /* the line is on the screen now */
	int ticker, stop;
	pthread_t tid;
	char text[512];
	struct timespec since;
} prog = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static struct term_out out_fd = { 1, { 0 }, 0, 0 }, err_fd = { 2, { 0 }, 0, 0 };

/* Under prog.mu. */
static void prog_clear(void)
{
	if (prog.shown) {
		struct term_out o = { 2, { 0 }, 0, 0 };
		write_all(&o, "\r\033[K", 4);
		prog.shown = 0;
	}
}

/* Under prog.mu: the line, with the seconds spent on it once past one. */
static void prog_draw(void)
{
	struct term_out o = { 2, { 0 }, 0, 0 };
	struct timespec now;
	struct sink k;
	long secs;
	if (!prog.text[0])
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (long)(now.tv_sec - prog.since.tv_sec);
	k.o = &o;
	k.n = 0;
	sink_add(&k, "\rmapkeeper: ", 12);
	neutralise(&k, (const unsigned char *)prog.text, strlen(prog.text), 1);
	if (secs >= 1) {
		char t[32];
		int m = snprintf(t, sizeof t, " (%ld s)", secs);
		sink_add(&k, t, (size_t)m);
	}
	sink_add(&k, "\033[K", 3);
	sink_flush(&k);
	prog.shown = 1;
}

static void *ticker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&prog.mu);
	while (!prog.stop) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 1;
		pthread_cond_timedwait(&prog.cv, &prog.mu, &t);
		if (!prog.stop && prog.text[0])
			prog_draw();
	}
	pthread_mutex_unlock(&prog.mu);
	return NULL;
}

int term_progress_on(void)
{
	return prog.on;
}

void term_progress(const char *fmt, ...)
{
	va_list ap;
	if (!prog.on)
		return;
	pthread_mutex_lock(&prog.mu);
	va_start(ap, fmt);
	vsnprintf(prog.text, sizeof prog.text, fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_MONOTONIC, &prog.since);
	prog_draw();
	if (!prog.ticker && !pthread_create(&prog.tid, NULL, ticker, NULL))
		prog.ticker = 1;
	pthread_mutex_unlock(&prog.mu);
}

void term_progress_end(void)
{
	if (!prog.on)
		return;
	pthread_mutex_lock(&prog.mu);
	prog.text[0] = '\0';
	prog_clear();
	pthread_mutex_unlock(&prog.mu);
}

/* ---- the streams ---- */

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
	struct term_out *o = cookie;
	pthread_mutex_lock(&prog.mu);
	prog_clear();
	if (!o->err)
		term_out_write(o, buf, size);
	if (size && buf[size - 1] == '\n')
		prog_draw();
	pthread_mutex_unlock(&prog.mu);
	/* a failed write is remembered in o->err (term_finish reports it); the rest is
	 * dropped rather than retried */
	return (ssize_t)size;
}

static int cookie_close(void *cookie)
{
	term_out_end(cookie);
	return 0;
}

static FILE *open_filtered(struct term_out *o, int mode)
{
	cookie_io_functions_t io = { NULL, cookie_write, NULL, cookie_close };
	FILE *f = fopencookie(o, "w", io);
	if (f && setvbuf(f, NULL, mode, 0)) {
		fclose(f);
		f = NULL;
	}
	return f;
}

int term_install(int progress)
{
	FILE *o, *e;
	prog.on = progress || isatty(STDERR_FILENO);
	fflush(stdout);
	fflush(stderr);
	o = open_filtered(&out_fd, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF);
	e = open_filtered(&err_fd, _IOLBF);
	if (!o || !e) {
		if (o)
			fclose(o);
		if (e)
			fclose(e);
		return -1;
	}
	stdout = o;
	stderr = e;
	return 0;
}

int term_finish(void)
{
	int stop;
	fflush(stdout);
	term_out_end(&out_fd);
	pthread_mutex_lock(&prog.mu);
	prog.text[0] = '\0';
	prog_clear();
	stop = prog.ticker;
	prog.stop = 1;
	pthread_cond_broadcast(&prog.cv);
	pthread_mutex_unlock(&prog.mu);
	if (stop) {
		pthread_join(prog.tid, NULL);
		prog.ticker = 0;
	}
	fflush(stderr);
	term_out_end(&err_fd);
	return out_fd.err;
}
