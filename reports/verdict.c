/* The verdict of reports/verdict.h: computed once per variant, one table
 * model for every report. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/verdict.h"

void verdict_stall_text(const struct run_metrics *m, char *buf, size_t size)
{
	struct rep_derived d;
	rep_derive(m, &d);
	if (m->stalled_at != UINT64_MAX)
		snprintf(buf, size, "stalled at request %" PRIu64 " of %" PRIu64,
			 m->stalled_at + 1, m->requests_total ? m->requests_total : d.requests);
	else if (d.hung > 0)
		snprintf(buf, size, "stalled (%" PRIu64 " hung)", d.hung);
	else if (m->capacity.measured && m->capacity.stalled)
		snprintf(buf, size, "stalled in the capacity run at %" PRIu64 " requests",
			 m->capacity.requests_done);
	else
		snprintf(buf, size, "stalled");
}

void verdict_of(const char *variant, const char *profile, const struct run_metrics *m,
		const struct run_metrics *base, struct verdict *v)
{
	struct rep_derived d;
	struct cmp_faults f;
	struct cmp_rates r;

	memset(v, 0, sizeof(*v));
	snprintf(v->variant, sizeof(v->variant), "%s", variant);
	snprintf(v->profile, sizeof(v->profile), "%s", profile ? profile : "");
	rep_derive(m, &d);
	v->states = m->crash_states;
	v->violating = m->violations;
	v->false_pos = m->reads.sectors[ORC_FALSE_POS] + d.crash_totals.sectors[ORC_FALSE_POS];
	v->silent = m->reads.sectors[ORC_SILENT] + d.crash_totals.sectors[ORC_SILENT];
	v->stale = m->reads.sectors[ORC_STALE] + d.crash_totals.sectors[ORC_STALE];
	cmp_faults_of(m, &f);
	cmp_rates_of(f.n[CMP_ALL], &r);
	v->detection = r.detection;
	v->hung = d.hung;
	v->refused = m->user_unsupported;
	v->stalled = d.stalled;
	v->stalled_at = m->stalled_at;
	v->requests_total = m->requests_total ? m->requests_total : d.requests;
	v->saturated = m->load.saturated;
	v->busy_frac = m->load.busy_frac;
	v->cap_measured = m->capacity.measured;
	v->has_base = base != NULL;
	v->capacity_ratio = NAN;
	v->sub_io_ratio = NAN;
	if (base) {
		struct rep_derived b;
		struct rep_overhead o;
		rep_derive(base, &b);
		rep_overhead(&d, &b, &o);
		v->capacity_ratio = o.capacity;
		v->sub_io_ratio = o.sub_ios_per_request;
	}
	v->integrity_ok = v->violating == 0 && v->false_pos == 0 && v->silent == 0 &&
			  v->stale == 0 && v->hung == 0;
}

static void count_cell(struct tbl *t, uint64_t n)
{
	tbl_cell(t, n ? TBL_FAIL : TBL_PASS, "%" PRIu64, n);
}

/* "x0.250", with "partial" when the run stalled; the why when undefined. */
static void ratio_cell(struct tbl *t, const struct verdict *v, double x, bool measured)
{
	if (!v->has_base)
		tbl_cell(t, TBL_NA, "n/a (no none run)");
	else if (!measured)
		tbl_cell(t, TBL_NA, "not measured");
	else if (!isfinite(x))
		tbl_cell(t, TBL_NA, "n/a");
	else if (v->stalled)
		tbl_cell(t, TBL_WARN, "x%.3f partial", x);
	else
		tbl_cell(t, TBL_PLAIN, "x%.3f", x);
}

void verdict_table(const struct verdict *v, size_t n, bool with_profile, struct tbl *t)
{
	tbl_init(t);
	if (with_profile)
		tbl_col(t, "profile", NULL, 'l');
	tbl_col(t, "variant", NULL, 'l');
	tbl_col(t, "verdict", NULL, 'l');
	tbl_col(t, "crash-consistent", "violating / states", 'l');
	tbl_col(t, "good data refused", "sectors", 'r');
	tbl_col(t, "silent", "sectors", 'r');
	tbl_col(t, "stale", "sectors", 'r');
	tbl_col(t, "detection rate", "95% CI", 'l');
	tbl_col(t, "hung", "requests", 'l');
	tbl_col(t, "refused", "requests", 'r');
	tbl_col(t, "capacity", "x none", 'r');
	tbl_col(t, "sub-I/Os", "x none", 'r');
	tbl_col(t, "load at trace rate", NULL, 'l');
	for (size_t i = 0; i < n; i++) {
		const struct verdict *x = &v[i];
		tbl_row(t);
		if (with_profile)
			tbl_cell(t, TBL_PLAIN, "%s", x->profile);
		tbl_cell(t, TBL_PLAIN, "%s", x->variant);
		if (!x->integrity_ok)
			tbl_cell(t, TBL_FAIL, "FAIL%s", x->stalled ? " (stalled)" : "");
		else if (x->refused)
			tbl_cell(t, TBL_WARN, "pass, refuses I/O");
		else
			tbl_cell(t, TBL_PASS, "pass");
		if (x->states == 0)
			tbl_cell(t, TBL_NA, "n/a (no crash states)");
		else
			tbl_cell(t, x->violating ? TBL_FAIL : TBL_PASS, "%s (%" PRIu64 " / %" PRIu64 ")",
				 x->violating ? "NO" : "yes", x->violating, x->states);
		count_cell(t, x->false_pos);
		count_cell(t, x->silent);
		count_cell(t, x->stale);
		char rate[96];
		cmp_rate_text(&x->detection, rate, sizeof(rate));
		if (x->detection.n == 0)
			tbl_cell(t, TBL_NA, "%s", rate);
		else if (x->stalled)
			tbl_cell(t, TBL_WARN, "%s partial", rate);
		else
			tbl_cell(t, TBL_PLAIN, "%s", rate);
		if (x->hung == 0 && !x->stalled)
			tbl_cell(t, TBL_PASS, "0");
		else if (x->stalled_at != UINT64_MAX)
			tbl_cell(t, TBL_FAIL, "%" PRIu64 ", stalled at request %" PRIu64 " of %" PRIu64,
				 x->hung, x->stalled_at + 1, x->requests_total);
		else
			tbl_cell(t, TBL_FAIL, "%" PRIu64 ", stalled", x->hung);
		tbl_cell(t, x->refused ? TBL_WARN : TBL_PASS, "%" PRIu64, x->refused);
		ratio_cell(t, x, x->capacity_ratio, x->cap_measured);
		ratio_cell(t, x, x->sub_io_ratio, true);
		if (x->saturated)
			tbl_cell(t, TBL_WARN, "saturated (busy %.0f%%): latency is queueing",
				 100.0 * x->busy_frac);
		else
			tbl_cell(t, TBL_PLAIN, "kept up (busy %.0f%%)", 100.0 * x->busy_frac);
	}
}

int verdict_block(struct doc *d, const struct verdict *v, size_t n, bool with_profile)
{
	struct tbl t;
	doc_heading_begin(d, 2, "verdict");
	doc_text(d, "Verdict");
	doc_heading_end(d);
	verdict_table(v, n, with_profile, &t);
	int rc = tbl_render(&t, d);
	tbl_free(&t);
	doc_para(d, "FAIL: a crash state broke the durability contract, or good data were "
		    "refused, or wrong (silent) or old (stale) data were returned, or a request "
		    "never completed. Partial: the variant stalled, so its rates and ratios cover "
		    "only the requests before the stall. Capacity: the trace replayed closed loop "
		    "(as fast as the variant completes it), MiB/s over none's; sub-I/Os per "
		    "request over none's. Definitions: docs/METRICS.md, \"Verdict\".");
	return rc;
}
