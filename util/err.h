/* One error message per failure: where (file, line, column, field) and why. */
#ifndef CSUMSIM_UTIL_ERR_H
#define CSUMSIM_UTIL_ERR_H

#include <stddef.h>

struct cs_err {
	char msg[1024];
};

#if defined(__GNUC__)
#define CS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CS_PRINTF(a, b)
/* Out of memory is never the input's fault (exit 3, not 2): set with
 * cs_err_oom ("WHERE: out of memory"), recognised by cs_err_is_oom, so a
 * caller that maps a loader's failure to "bad input" can tell. */
int cs_err_oom(struct cs_err *e, const char *where);
int cs_err_is_oom(const struct cs_err *e);

#endif

/* Sets e->msg (if e is not NULL) and returns -1, so callers can
 * `return cs_err_set(err, ...);`. */
int cs_err_set(struct cs_err *e, const char *fmt, ...) CS_PRINTF(2, 3);

/* The usual shape: "FILE:LINE: field 'FIELD': REASON" (line 0 omits the line,
 * a NULL field omits the field). */
int cs_err_at(struct cs_err *e, const char *file, unsigned long line,
	      const char *field, const char *fmt, ...) CS_PRINTF(5, 6);

/* Out of memory is never the input's fault (exit 3, not 2): set with
 * cs_err_oom ("WHERE: out of memory"), recognised by cs_err_is_oom, so a
 * caller that maps a loader's failure to "bad input" can tell. */
int cs_err_oom(struct cs_err *e, const char *where);
int cs_err_is_oom(const struct cs_err *e);

#endif
