/*
 * wordlist.c: loads word lists (rules/ *.list) into hash sets; see wordlist.h and
 * rules/FORMAT.md. A file is read whole into one buffer; each entry is lower-cased and
 * NUL-terminated in place, and the set keeps only 32-bit offsets into the buffer, so a
 * 60 000-word list costs one read, one pass and no allocation per word.
 */
#include "extractor/wordlist.h"
#include "extractor/rules.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define EMPTY UINT32_MAX

struct mk_wordlist {
	char *buf;        /* the file, entries NUL-terminated in place */
	uint32_t *slot;   /* offsets into buf, EMPTY where free */
	size_t mask;      /* slots - 1 (a power of two) */
	size_t n;
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static uint32_t hash(const char *s, size_t n) /* FNV-1a over lower-cased bytes */
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)lower(s[i])) * 16777619u;
	return h;
}

static int eq(const char *entry, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (entry[i] != lower(s[i]))
			return 0;
	return entry[n] == '\0';
}

/* Inserts the entry at buf[off] (n bytes); 0 when it was there already. */
static int insert(struct mk_wordlist *wl, uint32_t off, size_t n)
{
	size_t i = hash(wl->buf + off, n) & wl->mask;
	while (wl->slot[i] != EMPTY) {
		if (eq(wl->buf + wl->slot[i], wl->buf + off, n))
			return 0;
		i = (i + 1) & wl->mask;
	}
	wl->slot[i] = off;
	wl->n++;
	return 1;
}

/* Builds the list in buf[0..len) (len + 1 bytes, taken over: freed on failure). */
static enum mk_err parse_owned(struct mk_wordlist **out, const char *path, char *buf, size_t len,
			       struct mk_diag *diag);

enum mk_err mk_wordlist_parse(struct mk_wordlist **out, const char *path, const char *text, size_t len,
			      struct mk_diag *diag)
{
	char *buf;
	if (len > MK_MAX_RULES_FILE_BYTES) {
		*out = NULL;
		mk_diag_set(diag, path, 0, "word list is larger than %u bytes", MK_MAX_RULES_FILE_BYTES);
		return MK_ETOOBIG;
	}
	buf = mk_malloc(len + 1);
	memcpy(buf, text, len);
	buf[len] = '\0';
	return parse_owned(out, path, buf, len, diag);
}

static enum mk_err parse_owned(struct mk_wordlist **out, const char *path, char *buf, size_t len,
			       struct mk_diag *diag)
{
	struct mk_wordlist *wl;
	size_t lines = 1, slots = 16;
	long lineno = 0;
	*out = NULL;
	if (memchr(buf, '\0', len) || !mk_utf8_valid(buf, len, NULL)) {
		mk_diag_set(diag, path, 0, "invalid UTF-8");
		free(buf);
		return MK_EUTF8;
	}
	for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + len - p))); p++)
		lines++;
	while (slots < 2 * lines)
		slots <<= 1;
	wl = mk_calloc(1, sizeof *wl);
	wl->buf = buf;
	wl->slot = mk_malloc(slots * sizeof *wl->slot);
	memset(wl->slot, 0xff, slots * sizeof *wl->slot);
	wl->mask = slots - 1;
	for (size_t i = 0; i < len;) {
		size_t e = i, s, t;
		while (e < len && wl->buf[e] != '\n')
			e++;
		lineno++;
		s = i;
		t = e;
		while (s < t && (wl->buf[s] == ' ' || wl->buf[s] == '\t'))
			s++;
		while (t > s && (wl->buf[t - 1] == ' ' || wl->buf[t - 1] == '\t' || wl->buf[t - 1] == '\r'))
			t--;
		wl->buf[e < len ? e : len] = '\0';
		if (t > s && wl->buf[s] != '#') {
			for (size_t k = s; k < t; k++)
				wl->buf[k] = lower(wl->buf[k]);
			wl->buf[t] = '\0';
			if (!insert(wl, (uint32_t)s, t - s)) {
				mk_diag_set(diag, path, lineno, "'%s' is listed twice", wl->buf + s);
				mk_wordlist_free(wl);
				return MK_ERULE;
			}
		}
		i = e + 1;
	}
	*out = wl;
	return MK_OK;
}

enum mk_err mk_wordlist_load(struct mk_wordlist **out, const char *path, struct mk_diag *diag)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;
	size_t len;
	*out = NULL;
	if (!f || fstat(fileno(f), &st) != 0) {
		mk_diag_set(diag, path, 0, "cannot open word list: %s", strerror(errno));
		if (f)
			fclose(f);
		return MK_EIO;
	}
	if (st.st_size > (off_t)MK_MAX_RULES_FILE_BYTES) {
		mk_diag_set(diag, path, 0, "word list is larger than %u bytes", MK_MAX_RULES_FILE_BYTES);
		fclose(f);
		return MK_ETOOBIG;
	}
	buf = mk_malloc((size_t)st.st_size + 1);
	len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		mk_diag_set(diag, path, 0, "cannot read word list: %s", strerror(errno));
		fclose(f);
		free(buf);
		return MK_EIO;
	}
	fclose(f);
	buf[len] = '\0';
	return parse_owned(out, path, buf, len, diag);
}

void mk_wordlist_free(struct mk_wordlist *wl)
{
	if (!wl)
		return;
	free(wl->buf);
	free(wl->slot);
	free(wl);
}

size_t mk_wordlist_count(const struct mk_wordlist *wl)
{
	return wl ? wl->n : 0;
}

int mk_wordlist_has(const struct mk_wordlist *wl, const char *s, size_t n)
{
	if (!wl || !n)
		return 0;
	for (size_t i = hash(s, n) & wl->mask; wl->slot[i] != EMPTY; i = (i + 1) & wl->mask)
		if (eq(wl->buf + wl->slot[i], s, n))
			return 1;
	return 0;
}

/* ---- the lists of a rules folder ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum mk_err wordlists_load_dir(struct mk_rules *rs, const char *dir, struct mk_diag *diag)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, capn = 0;
	enum mk_err err = MK_OK;
	if (!d)
		return MK_OK; /* mk_rules_load has said so already */
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".list") && de->d_name[0] != '.') {
			names = mk_grow(names, &capn, nn + 1, sizeof *names);
			names[nn++] = mk_strndup(de->d_name, l - 5);
		}
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof *names, name_cmp);
	rs->lists = mk_calloc(nn ? nn : 1, sizeof *rs->lists);
	for (size_t i = 0; i < nn; i++) {
		char *path = mk_sprintf("%s/%s.list", dir, names[i]);
		struct mk_wordlist *wl;
		err = mk_wordlist_load(&wl, path, diag);
		free(path);
		if (err)
			break;
		rs->lists[rs->nlists].name = names[i];
		rs->lists[rs->nlists++].wl = wl;
		names[i] = NULL;
	}
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return err;
}

void wordlists_free(struct mk_rules *rs)
{
	for (size_t i = 0; i < rs->nlists; i++) {
		free(rs->lists[i].name);
		mk_wordlist_free(rs->lists[i].wl);
	}
	free(rs->lists);
	rs->lists = NULL;
	rs->nlists = 0;
}

const struct mk_wordlist *rules_wordlist(const struct mk_rules *rs, const char *name)
{
	for (size_t i = 0; rs && i < rs->nlists; i++)
		if (!strcmp(rs->lists[i].name, name))
			return rs->lists[i].wl;
	return NULL;
}
