/* The verdict of reports/verdict.h: computed once per variant, one table
 * model for every report. */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/jsonb.h"
#include "reports/verdict.h"

void verdict_stall_text(const struct run_metrics *m, char *buf, size_t size)
{
	struct rep_derived d;
	rep_derive(m, &d);
	if (m->stalled_at != UINT64_MAX && m->barrier_held > 0)
		snprintf(buf, size,
			 "stalled at request %" PRIu64 " of %" PRIu64 " (%" PRIu64
			 " queued behind a barrier)",
			 m->stalled_at + 1, m->requests_total ? m->requests_total : d.requests,
			 m->barrier_held);
	else if (m->stalled_at != UINT64_MAX)
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
	v->space = m->budget.kind != BUDGET_NONE ? m->budget.space : 0;
	for (uint32_t i = 0; i < m->n_crashes; i++) {
		v->rec_states += m->crashes[i].recovery.states;
		v->rec_violating += m->crashes[i].recovery.violating;
	}
	assert(v->rec_violating <= v->rec_states);
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
	v->cap_stalled = m->capacity.measured && m->capacity.stalled;
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
	/* a crash during recovery that breaks the contract breaks it too */
	v->integrity_ok = v->violating == 0 && v->false_pos == 0 && v->silent == 0 &&
			  v->stale == 0 && v->hung == 0 && v->rec_violating == 0;
	v->runs = 1;
	v->runs_stalled = v->stalled;
	v->cap_n = v->cap_measured && isfinite(v->capacity_ratio);
	v->sub_n = isfinite(v->sub_io_ratio);
	/* a violating state is one of the states examined */
	assert(v->violating <= v->states);
	assert(v->detection.k <= v->detection.n);
	/* a pass has nothing to hold against it, whatever the variant */
	assert(!v->integrity_ok || (v->violating == 0 && v->silent == 0 && v->stale == 0));
}

static double mean_add(double mean, uint64_t n, double x)
{
	/* n counts x already */
	return n == 1 ? x : mean + (x - mean) / (double)n;
}

void verdict_add(struct verdict *into, const struct verdict *v, bool first)
{
	if (first) {
		*into = *v;
		return;
	}
	into->states += v->states;
	into->space += v->space;
	into->violating += v->violating;
	into->rec_states += v->rec_states;
	into->rec_violating += v->rec_violating;
	into->false_pos += v->false_pos;
	into->silent += v->silent;
	into->stale += v->stale;
	uint64_t k = into->detection.k + v->detection.k, n = into->detection.n + v->detection.n;
	into->detection.k = k;
	into->detection.n = n;
	into->detection.value = n ? (double)k / (double)n : NAN;
	wilson95(k, n, &into->detection.lo, &into->detection.hi);
	into->hung += v->hung;
	into->refused += v->refused;
	into->stalled |= v->stalled;
	into->stalled_at = UINT64_MAX; /* a request index means nothing over several runs */
	into->requests_total += v->requests_total;
	into->saturated |= v->saturated;
	if (v->busy_frac > into->busy_frac)
		into->busy_frac = v->busy_frac;
	into->has_base |= v->has_base;
	if (v->cap_n) {
		into->cap_n++;
		into->capacity_ratio = mean_add(into->capacity_ratio, into->cap_n, v->capacity_ratio);
	}
	into->cap_measured = into->cap_n > 0;
	if (v->sub_n) {
		into->sub_n++;
		into->sub_io_ratio = mean_add(into->sub_io_ratio, into->sub_n, v->sub_io_ratio);
	}
	into->integrity_ok &= v->integrity_ok;
	into->runs += v->runs;
	into->runs_stalled += v->runs_stalled;
	/* sums of runs keep the parts within the wholes */
	assert(into->runs_stalled <= into->runs && into->violating <= into->states);
	assert(into->rec_violating <= into->rec_states && k <= n);
	assert(into->cap_n <= into->runs && into->sub_n <= into->runs);
}

json_t *verdict_json(struct jb *b, const struct verdict *v)
{
	json_t *o = jb_obj(b);
	jb_put(b, o, "variant", jb_str(b, v->variant));
	jb_put(b, o, "pass", jb_chk(b, json_boolean(v->integrity_ok)));
	jb_put(b, o, "crash_states", jb_u64(b, v->states));
	jb_put(b, o, "violating_states", jb_u64(b, v->violating));
	if (v->space != 0)
		jb_put(b, o, "crash_states_space", jb_u64(b, v->space));
	if (v->rec_states != 0) { /* only with crash.recovery on: older reports keep their bytes */
		jb_put(b, o, "recovery_states", jb_u64(b, v->rec_states));
		jb_put(b, o, "recovery_violating_states", jb_u64(b, v->rec_violating));
	}
	jb_put(b, o, "false_positive_sectors", jb_u64(b, v->false_pos));
	jb_put(b, o, "silent_sectors", jb_u64(b, v->silent));
	jb_put(b, o, "stale_sectors", jb_u64(b, v->stale));
	jb_put(b, o, "detected", jb_u64(b, v->detection.k));
	jb_put(b, o, "detection_n", jb_u64(b, v->detection.n));
	jb_put(b, o, "hung", jb_u64(b, v->hung));
	jb_put(b, o, "refused", jb_u64(b, v->refused));
	jb_put(b, o, "stalled", jb_chk(b, json_boolean(v->stalled)));
	jb_put(b, o, "stalled_at", rep_index_json(b, v->stalled_at));
	jb_put(b, o, "requests_total", jb_u64(b, v->requests_total));
	jb_put(b, o, "saturated", jb_chk(b, json_boolean(v->saturated)));
	jb_put(b, o, "busy_frac", jb_real(b, v->busy_frac));
	jb_put(b, o, "capacity_ratio", v->cap_measured ? jb_real(b, v->capacity_ratio) : jb_null(b));
	jb_put(b, o, "sub_io_ratio", jb_real(b, v->sub_io_ratio));
	jb_put(b, o, "has_baseline", jb_chk(b, json_boolean(v->has_base)));
	jb_put(b, o, "capacity_measured", jb_chk(b, json_boolean(v->cap_measured)));
	jb_put(b, o, "capacity_stalled", jb_chk(b, json_boolean(v->cap_stalled)));
	return o;
}

static int get_u64(const json_t *o, const char *k, uint64_t *x)
{
	json_t *j = json_object_get(o, k);
	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return -1;
	*x = (uint64_t)json_integer_value(j);
	return 0;
}

static int get_bool(const json_t *o, const char *k, bool *x)
{
	json_t *j = json_object_get(o, k);
	if (!json_is_boolean(j))
		return -1;
	*x = json_is_true(j);
	return 0;
}

/* A number, or null for NaN. */
static int get_real(const json_t *o, const char *k, double *x)
{
	json_t *j = json_object_get(o, k);
	if (json_is_null(j)) {
		*x = NAN;
		return 0;
	}
	if (!json_is_number(j))
		return -1;
	*x = json_number_value(j);
	return 0;
}

int verdict_from_json(const json_t *o, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	json_t *name = json_object_get(o, "variant"), *at = json_object_get(o, "stalled_at");
	uint64_t k = 0, n = 0;
	if (!json_is_object(o) || !json_is_string(name) || get_bool(o, "pass", &v->integrity_ok) ||
	    get_u64(o, "crash_states", &v->states) ||
	    get_u64(o, "violating_states", &v->violating) ||
	    get_u64(o, "false_positive_sectors", &v->false_pos) ||
	    get_u64(o, "silent_sectors", &v->silent) || get_u64(o, "stale_sectors", &v->stale) ||
	    get_u64(o, "detected", &k) || get_u64(o, "detection_n", &n) ||
	    get_u64(o, "hung", &v->hung) || get_u64(o, "refused", &v->refused) ||
	    get_bool(o, "stalled", &v->stalled) ||
	    get_u64(o, "requests_total", &v->requests_total) ||
	    get_bool(o, "saturated", &v->saturated) || get_real(o, "busy_frac", &v->busy_frac) ||
	    get_real(o, "capacity_ratio", &v->capacity_ratio) ||
	    get_real(o, "sub_io_ratio", &v->sub_io_ratio) ||
	    get_bool(o, "has_baseline", &v->has_base) ||
	    get_bool(o, "capacity_measured", &v->cap_measured) ||
	    get_bool(o, "capacity_stalled", &v->cap_stalled) ||
	    !(json_is_null(at) || json_is_integer(at)) ||
	    k > n)
		return -1;
	if ((json_object_get(o, "recovery_states") != NULL &&
	     get_u64(o, "recovery_states", &v->rec_states)) ||
	    (json_object_get(o, "recovery_violating_states") != NULL &&
	     get_u64(o, "recovery_violating_states", &v->rec_violating)) ||
	    v->rec_violating > v->rec_states)
		return -1;
	if (json_object_get(o, "crash_states_space") != NULL &&
	    get_u64(o, "crash_states_space", &v->space))
		return -1;
	snprintf(v->variant, sizeof(v->variant), "%s", json_string_value(name));
	v->stalled_at = json_is_integer(at) ? (uint64_t)json_integer_value(at) : UINT64_MAX;
	v->detection.k = k;
	v->detection.n = n;
	v->detection.value = n ? (double)k / (double)n : NAN;
	wilson95(k, n, &v->detection.lo, &v->detection.hi);
	if (!isfinite(v->busy_frac))
		v->busy_frac = 0;
	v->runs = 1;
	v->runs_stalled = v->stalled;
	v->cap_n = v->cap_measured && isfinite(v->capacity_ratio);
	v->sub_n = isfinite(v->sub_io_ratio);
	return 0;
}

static void count_cell(struct tbl *t, uint64_t n)
{
	tbl_cell(t, n ? TBL_FAIL : TBL_PASS, "%" PRIu64, n);
}

/* "x0.250", with "partial" when what it measures stalled; the why when
 * undefined. */
static void ratio_cell(struct tbl *t, const struct verdict *v, double x, bool measured,
		       bool partial)
{
	if (!v->has_base)
		tbl_cell(t, TBL_NA, "n/a (no none run)");
	else if (!measured)
		tbl_cell(t, TBL_NA, "not measured");
	else if (!isfinite(x))
		tbl_cell(t, TBL_NA, "n/a");
	else if (partial)
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
		if (x->runs > 1)
			tbl_cell(t, TBL_PLAIN, "%s (%" PRIu64 " runs, %" PRIu64 " stalled)", x->variant,
				 x->runs, x->runs_stalled);
		else
			tbl_cell(t, TBL_PLAIN, "%s", x->variant);
		if (!x->integrity_ok)
			tbl_cell(t, TBL_FAIL, "FAIL%s", x->stalled ? " (stalled)" : "");
		else if (x->refused)
			tbl_cell(t, TBL_WARN, "pass, refuses I/O");
		else
			tbl_cell(t, TBL_PASS, "pass");
		char rec[96] = "";

		if (x->rec_states != 0) /* crashes during recovery, apart */
			snprintf(rec, sizeof(rec), "; during recovery %s (%" PRIu64 " / %" PRIu64 ")",
				 x->rec_violating ? "NO" : "yes", x->rec_violating, x->rec_states);
		if (x->states == 0)
			tbl_cell(t, TBL_NA, "n/a (no crash states)");
		else if (x->space != 0) {
			struct budget_info bi = { .kind = BUDGET_STATES, .explored = x->states,
						  .space = x->space };
			char cov[96];

			budget_covered(&bi, cov, sizeof(cov));
			tbl_cell(t, x->violating || x->rec_violating ? TBL_FAIL : TBL_PASS,
				 "%s (%" PRIu64 " / %" PRIu64 "; crash.budget %s)%s",
				 x->violating ? "NO" : "yes", x->violating, x->states, cov, rec);
		} else
			tbl_cell(t, x->violating || x->rec_violating ? TBL_FAIL : TBL_PASS,
				 "%s (%" PRIu64 " / %" PRIu64 ")%s", x->violating ? "NO" : "yes",
				 x->violating, x->states, rec);
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
		/* capacity is its own fault-free replay: partial only if it stalled */
		ratio_cell(t, x, x->capacity_ratio, x->cap_measured, x->cap_stalled);
		ratio_cell(t, x, x->sub_io_ratio, true, x->stalled);
		if (x->saturated)
			tbl_cell(t, TBL_WARN, "saturated (busy %.0f%%): latency is queueing",
				 100.0 * x->busy_frac);
		else if (x->stalled)
			tbl_cell(t, TBL_WARN, "stalled (busy %.0f%% before it)", 100.0 * x->busy_frac);
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
