#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_err_set(struct cs_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cs_err_at(struct cs_err *e, const char *file, unsigned long line,
	      const char *field, const char *fmt, ...)
{
	char reason[512];
	char where[192];
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(where, sizeof(where), "%s:%lu", file ? file : "-", line);
	else
		snprintf(where, sizeof(where), "%s", file ? file : "-");
	/* Truncation of an over-long message is acceptable: cut, never overflow. */
	if (field != NULL) {
		int n = snprintf(e->msg, sizeof(e->msg), "%s: field '%.200s': ", where, field);

		if (n > 0 && (size_t)n < sizeof(e->msg))
			snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, "%s", reason);
	} else {
		int n = snprintf(e->msg, sizeof(e->msg), "%s: ", where);

		if (n > 0 && (size_t)n < sizeof(e->msg))
			snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, "%s", reason);
	}
	return -1;
}

#define OOM_TAIL "out of memory"

int cs_err_oom(struct cs_err *e, const char *where)
{
	if (where == NULL || *where == '\0')
		return cs_err_set(e, "%s", OOM_TAIL);
	return cs_err_set(e, "%s: %s", where, OOM_TAIL);
}

int cs_err_is_oom(const struct cs_err *e)
{
	size_t n, t = strlen(OOM_TAIL);

	if (e == NULL)
		return 0;
	n = strnlen(e->msg, sizeof(e->msg));
	return n >= t && memcmp(e->msg + n - t, OOM_TAIL, t) == 0;
}
