#include "reports/summary_json.h"

#include <math.h>
#include <stdlib.h>

static json_t *count_or_null(struct jb *b, bool known, uint64_t v)
{
	return known ? jb_u64(b, v) : jb_null(b);
}

json_t *verdict_json(struct jb *b, const struct verdict *v)
{
	json_t *o = jb_obj(b), *det = jb_obj(b);

	jb_put(b, o, "variant", jb_str(b, v->variant));
	if (v->profile[0])
		jb_put(b, o, "profile", jb_str(b, v->profile));
	jb_put(b, o, "pass", json_boolean(v->integrity_ok));
	jb_put(b, o, "crash_states", jb_u64(b, v->states));
	jb_put(b, o, "violating_states", jb_u64(b, v->violating));
	jb_put(b, o, "false_positive_sectors", jb_u64(b, v->false_pos));
	jb_put(b, o, "silent_sectors", jb_u64(b, v->silent));
	jb_put(b, o, "stale_sectors", jb_u64(b, v->stale));
	jb_put(b, det, "detected", jb_u64(b, v->detection.k));
	jb_put(b, det, "judged", jb_u64(b, v->detection.n));
	jb_put(b, det, "rate", v->detection.n ? jb_real(b, v->detection.value) : jb_null(b));
	jb_put(b, det, "ci95_low", v->detection.n ? jb_real(b, v->detection.lo) : jb_null(b));
	jb_put(b, det, "ci95_high", v->detection.n ? jb_real(b, v->detection.hi) : jb_null(b));
	jb_put(b, o, "detection", det);
	jb_put(b, o, "hung", jb_u64(b, v->hung));
	jb_put(b, o, "refused", jb_u64(b, v->refused));
	jb_put(b, o, "stalled", json_boolean(v->stalled));
	jb_put(b, o, "stalled_at", count_or_null(b, v->stalled_at != UINT64_MAX, v->stalled_at));
	jb_put(b, o, "requests", jb_u64(b, v->requests_total));
	jb_put(b, o, "saturated", json_boolean(v->saturated));
	jb_put(b, o, "busy_fraction", jb_real(b, v->busy_frac));
	/* ratios to none: null when there is no baseline or nothing measured */
	jb_put(b, o, "capacity_vs_none",
	       v->has_base && v->cap_measured ? jb_real(b, v->capacity_ratio) : jb_null(b));
	jb_put(b, o, "sub_ios_vs_none", v->has_base ? jb_real(b, v->sub_io_ratio) : jb_null(b));
	return o;
}

static int dump(struct jb *b, json_t *root, FILE *o)
{
	char *text = NULL;
	int rc = -1;

	if (!b->oom)
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII);
	json_decref(root);
	if (text != NULL && fputs(text, o) >= 0 && fputc('\n', o) != EOF && fflush(o) == 0)
		rc = 0;
	free(text);
	return rc;
}

int summary_json_print(FILE *o, const char *command, const char *report_dir,
		       const struct verdict *v, size_t n, int exit_code)
{
	struct jb b = {0};
	json_t *root = jb_obj(&b), *arr = jb_arr(&b);

	jb_put(&b, root, "command", jb_str(&b, command));
	jb_put(&b, root, "report", report_dir ? jb_str(&b, report_dir) : jb_null(&b));
	jb_put(&b, root, "exit", jb_u64(&b, (uint64_t)exit_code));
	for (size_t i = 0; i < n; i++)
		jb_push(&b, arr, verdict_json(&b, &v[i]));
	jb_put(&b, root, "verdicts", arr);
	return dump(&b, root, o);
}

void compare_verdicts(const struct compare_input *in, struct verdict *v, size_t *n)
{
	int b = cmp_baseline(in);

	*n = 0;
	for (uint32_t p = 0; p < in->n_profiles; p++)
		for (uint32_t k = 0; k < in->n_variants; k++)
			verdict_of(in->variants[k], in->profiles[p], compare_run(in, p, k),
				   b >= 0 ? compare_run(in, p, (uint32_t)b) : NULL, &v[(*n)++]);
}

int compare_json_print(FILE *o, const struct compare_input *in, const char *report_dir,
		       int exit_code)
{
	struct verdict *v = calloc(COMPARE_MAX_VARIANTS * COMPARE_MAX_PROFILES, sizeof(*v));
	size_t n;
	int rc;

	if (v == NULL)
		return -1;
	compare_verdicts(in, v, &n);
	rc = summary_json_print(o, "compare", report_dir, v, n, exit_code);
	free(v);
	return rc;
}

static const char *status_name(int s)
{
	switch (s) {
	case CHECK_PASS:
		return "pass";
	case CHECK_FAIL:
		return "fail";
	case CHECK_ERROR:
		return "error";
	default:
		return "skip";
	}
}

int check_json_print(FILE *o, const struct check_case *c, size_t n, int exit_code)
{
	struct jb b = {0};
	json_t *root = jb_obj(&b), *arr = jb_arr(&b);
	uint64_t by[4] = {0};

	for (size_t i = 0; i < n; i++) {
		json_t *k = jb_obj(&b);

		by[c[i].status & 3]++;
		jb_put(&b, k, "suite", jb_str(&b, c[i].suite));
		jb_put(&b, k, "name", jb_str(&b, c[i].name));
		jb_put(&b, k, "status", jb_str(&b, status_name(c[i].status)));
		jb_put(&b, k, "detail", jb_str(&b, c[i].detail));
		jb_put(&b, k, "reproduce", c[i].reproduce[0] ? jb_str(&b, c[i].reproduce)
							      : jb_null(&b));
		jb_push(&b, arr, k);
	}
	jb_put(&b, root, "command", jb_str(&b, "check"));
	jb_put(&b, root, "exit", jb_u64(&b, (uint64_t)exit_code));
	jb_put(&b, root, "passed", jb_u64(&b, by[CHECK_PASS]));
	jb_put(&b, root, "failed", jb_u64(&b, by[CHECK_FAIL]));
	jb_put(&b, root, "errors", jb_u64(&b, by[CHECK_ERROR]));
	jb_put(&b, root, "skipped", jb_u64(&b, by[CHECK_SKIP]));
	jb_put(&b, root, "cases", arr);
	return dump(&b, root, o);
}
