/* JSON builders for the writers in reports/ (internal). They tolerate a
 * NULL child (out of memory): the final dump checks `oom` once instead of
 * every call site. Keys keep insertion order, so output order is fixed. */
#ifndef CSUMSIM_REPORTS_JSONB_H
#define CSUMSIM_REPORTS_JSONB_H

#include <jansson.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "util/err.h"

struct jb {
	int oom;
};

json_t *jb_chk(struct jb *b, json_t *v);
void jb_put(struct jb *b, json_t *obj, const char *key, json_t *v); /* steals v */
void jb_push(struct jb *b, json_t *arr, json_t *v);                /* steals v */
json_t *jb_u64(struct jb *b, uint64_t v);   /* null above INT64_MAX */
json_t *jb_real(struct jb *b, double v);    /* null when not finite */
json_t *jb_str(struct jb *b, const char *s);/* NULL is ""; non-UTF-8 bytes become '?' */
/* jb_str of a fixed-size char field: at most n bytes, terminated or not */
json_t *jb_strn(struct jb *b, const char *s, size_t n);
json_t *jb_obj(struct jb *b);
json_t *jb_arr(struct jb *b);
json_t *jb_null(struct jb *b);

/* Dumps root (2-space indent, insertion order, reals with 10 significant
 * digits, ASCII) into dir/name with a final newline, and frees root. */
/* root as the writers dump it (the options above, big integers exact),
 * without the final newline; frees root. NULL when memory ran out. */
char *jb_dumps(struct jb *b, json_t *root);
int jb_write(struct jb *b, json_t *root, const char *dir, const char *name,
	     struct cs_err *err);

/* Pieces of a run that report.json and compare.json write alike
 * (reports/report_json.c): the load at the trace's rate, the capacity
 * (figures null when not measured), and a request index (stalled_at:
 * null for UINT64_MAX, "none"). */
json_t *rep_load_json(struct jb *b, const struct load_info *l);
json_t *rep_capacity_json(struct jb *b, const struct capacity_info *c);
json_t *rep_index_json(struct jb *b, uint64_t k);
/* The risk section of a run with a field model (reports/risk.h). */
json_t *rep_risk_json(struct jb *b, const struct run_metrics *m);

#endif
