#include "reports/summary_json.h"

#include <math.h>
#include <stdlib.h>

static int dump(struct jb *b, json_t *root, FILE *o)
{
	char *text = jb_dumps(b, root);
	int rc = -1;

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
