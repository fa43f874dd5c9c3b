/* The risk table of summary.md/html and compare.md/html (reports/risk.h). */
#include <inttypes.h>
#include <math.h>

#include "reports/doc.h"
#include "reports/risk.h"
#include "reports/table.h"

static void rate_cell(struct tbl *t, double r, double lo, double hi, bool bad, bool partial)
{
	tbl_cell(t, partial ? TBL_WARN : (bad ? TBL_FAIL : TBL_PLAIN), "%.3g [%.3g, %.3g]%s", r, lo,
		 hi, partial ? " partial" : "");
}

void risk_block(struct doc *d, const struct run_metrics *const *runs, const char *const *labels,
		size_t n)
{
	struct tbl t;
	const char *preset = NULL;

	for (size_t i = 0; i < n; i++)
		if (runs[i] != NULL && runs[i]->field.on)
			preset = runs[i]->field.preset;
	if (preset == NULL)
		return;
	doc_para_begin(d);
	doc_text(d, "Risk per TB-year under the field fault model ");
	doc_code(d, preset);
	doc_text(d, " (docs/METRICS.md, \"Risk per TB-year\"): field fault episodes judged by "
		    "reads, per TB-year of written data, with exact Poisson 95% intervals; "
		    "sectors: the episode interval scaled by sectors per episode. Analytic: "
		    "mismatch episodes x the chance a checksum of that many bits misses, "
		    "all of them read.");
	doc_para_end(d);
	tbl_init(&t);
	tbl_col(&t, "variant", NULL, 'l');
	tbl_col(&t, "TB-years", NULL, 'r');
	tbl_col(&t, "episodes (LSE / CM)", NULL, 'r');
	tbl_col(&t, "undetected episodes /TB-yr (95% CI)", NULL, 'l');
	tbl_col(&t, "analytic /TB-yr", NULL, 'r');
	tbl_col(&t, "silent+stale sectors /TB-yr (95% CI)", NULL, 'l');
	tbl_col(&t, "good sectors refused /TB-yr (95% CI)", NULL, 'l');
	tbl_col(&t, "unread episodes", NULL, 'r');
	for (size_t i = 0; i < n; i++) {
		const struct run_metrics *m = runs[i];
		struct rep_risk r;
		bool partial;

		if (m == NULL || !m->field.on)
			continue;
		rep_risk(m, &r);
		partial = m->stalled_at != UINT64_MAX;
		tbl_row(&t);
		tbl_cell(&t, TBL_PLAIN, "%s", labels[i]);
		tbl_cell(&t, TBL_PLAIN, "%.4g", r.tb_years);
		tbl_cell(&t, TBL_PLAIN, "%" PRIu64 " / %" PRIu64, m->field.episodes[0],
			 m->field.episodes[1]);
		rate_cell(&t, r.undetected_rate, r.undetected_lo, r.undetected_hi, r.undetected > 0,
			  partial);
		if (isnan(r.analytic_undetected))
			tbl_cell(&t, TBL_NA, "n/a");
		else
			tbl_cell(&t, TBL_PLAIN, "%.3g", r.analytic_undetected);
		rate_cell(&t, r.undetected_sectors_rate, r.undetected_sectors_lo,
			  r.undetected_sectors_hi, r.undetected_sectors > 0, partial);
		rate_cell(&t, r.refused_sectors_rate, r.refused_sectors_lo, r.refused_sectors_hi,
			  r.refused_sectors > 0, partial);
		tbl_cell(&t, r.unread > 0 ? TBL_WARN : TBL_PLAIN, "%" PRIu64, r.unread);
	}
	tbl_render(&t, d);
	tbl_free(&t);
}
