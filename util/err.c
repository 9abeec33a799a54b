/*
 * err.c: error strings and struct mk_diag. Messages follow docs/style.md: lower-case,
 * no full stop, problem first, location as file:line.
 */
#include "mapkeeper.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const err_names[MK_ERR_COUNT] = {
	[MK_OK] = "success",
	[MK_ENOMEM] = "out of memory",
	[MK_EIO] = "input/output error",
	[MK_EFORMAT] = "malformed input",
	[MK_ETOOBIG] = "input too large",
	[MK_EUTF8] = "invalid UTF-8",
	[MK_EEMPTY] = "empty input",
	[MK_EARG] = "bad argument",
	[MK_ERULE] = "rule error",
	[MK_EDATE] = "not a date expression",
	[MK_EDB] = "database error",
	[MK_ENET] = "network error",
	[MK_ENOTFOUND] = "not found",
};

const char *mk_strerror(enum mk_err err)
{
	if ((int)err < 0 || err >= MK_ERR_COUNT || !err_names[err])
		return "unknown error";
	return err_names[err];
}

void mk_diag_clear(struct mk_diag *d)
{
	if (!d)
		return;
	d->file[0] = '\0';
	d->line = 0;
	d->msg[0] = '\0';
}

void mk_diag_set(struct mk_diag *d, const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	if (!d)
		return;
	snprintf(d->file, sizeof d->file, "%s", file ? file : "");
	d->line = line;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
}

const char *mk_diag_format(const struct mk_diag *d, char *out, size_t outlen)
{
	if (!d->file[0])
		snprintf(out, outlen, "%s", d->msg);
	else if (d->line > 0)
		snprintf(out, outlen, "%s:%ld: %s", d->file, d->line, d->msg);
	else
		snprintf(out, outlen, "%s: %s", d->file, d->msg);
	return out;
}
