/* compare_write: check the input, then write every file of the comparison
 * into a fresh temp dir swapped in when complete (reports/outdir.c). */
#include <string.h>

#include "reports/compare_priv.h"

/* Names become file names (charts per profile) and table cells. */
static int check_names(const char *what, const char *const *names, uint32_t n, uint32_t max,
		       struct cs_err *err)
{
	if (n == 0 || !names)
		return cs_err_set(err, "compare: no %ss", what);
	if (n > max)
		return cs_err_set(err, "compare: %u %ss; at most %u", n, what, max);
	for (uint32_t i = 0; i < n; i++) {
		const char *s = names[i];
		if (!s || !*s)
			return cs_err_set(err, "compare: %s %u has no name", what, i);
		size_t len = strlen(s);
		if (len > COMPARE_NAME_MAX)
			return cs_err_set(err, "compare: %s name too long: %.*s...", what, 32, s);
		for (size_t k = 0; k < len; k++) {
			char c = s[k];
			int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
			if (!ok)
				return cs_err_set(err,
						  "compare: %s name '%s': only letters, digits, "
						  "'_', '-' and '.' are allowed",
						  what, s);
		}
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(names[j], s))
				return cs_err_set(err, "compare: %s '%s' listed twice", what, s);
	}
	return 0;
}

static int check_input(const struct compare_input *in, struct cs_err *err)
{
	if (check_names("variant", in->variants, in->n_variants, COMPARE_MAX_VARIANTS, err) ||
	    check_names("profile", in->profiles, in->n_profiles, COMPARE_MAX_PROFILES, err))
		return -1;
	if (!in->runs)
		return cs_err_set(err, "compare: no run metrics");
	for (uint32_t p = 0; p < in->n_profiles; p++)
		for (uint32_t v = 0; v < in->n_variants; v++)
			if (!compare_run(in, p, v))
				return cs_err_set(err, "compare: no metrics for variant '%s' on "
						       "profile '%s'",
						  in->variants[v], in->profiles[p]);
	return 0;
}

static int write_all(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	if (cmp_write_csv(dir, in, err) || cmp_write_json(dir, in, err) ||
	    cmp_write_plots(dir, in, err) || cmp_write_md(dir, in, err) ||
	    cmp_write_html(dir, in, err))
		return -1;
	for (size_t i = 0; i < in->n_extra; i++)
		if (report_write_extra(dir, &in->extra[i], err) != 0)
			return -1;
	return 0;
}

int compare_write(const char *out_dir, const struct compare_input *in, struct cs_err *err)
{
	if (!out_dir || !*out_dir || !in)
		return cs_err_set(err, "compare: no output directory or no input");
	if (check_input(in, err))
		return -1;
	struct rep_outdir d;
	if (rep_outdir_begin(&d, out_dir, "compare.json", err))
		return -1;
	if (write_all(d.tmp, in, err)) {
		rep_outdir_abort(&d);
		return -1;
	}
	return rep_outdir_commit(&d, err);
}
