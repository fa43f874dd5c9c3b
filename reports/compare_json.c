/* compare.json: every number of the comparison, keys in a fixed order,
 * nothing from the wall clock or the file system. */
#include <stdio.h>

#include "reports/compare_priv.h"
#include "reports/jsonb.h"
#include "reports/verdict.h"
#include "version.h"

static json_t *names_json(struct jb *b, const char *const *names, uint32_t n)
{
	json_t *a = jb_arr(b);
	for (uint32_t i = 0; i < n; i++)
		jb_push(b, a, jb_str(b, names[i]));
	return a;
}

static json_t *outcomes_json(struct jb *b, const uint64_t o[FO_COUNT])
{
	json_t *x = jb_obj(b);
	for (int i = 0; i < FO_COUNT; i++)
		jb_put(b, x, fault_outcome_name(i), jb_u64(b, o[i]));
	return x;
}

static json_t *rate_json(struct jb *b, const struct cmp_rate *r)
{
	json_t *x = jb_obj(b);
	jb_put(b, x, "value", jb_real(b, r->value));
	json_t *ci = jb_arr(b);
	jb_push(b, ci, jb_real(b, r->lo));
	jb_push(b, ci, jb_real(b, r->hi));
	jb_put(b, x, "ci95", ci);
	jb_put(b, x, "k", jb_u64(b, r->k));
	jb_put(b, x, "n", jb_u64(b, r->n));
	return x;
}

/* One row of the matrix: totals, the split by phase, the rates. */
static json_t *fault_row_json(struct jb *b, const struct cmp_faults *f, int t)
{
	struct cmp_rates r;
	cmp_rates_of(f->n[t], &r);
	json_t *x = jb_obj(b);
	jb_put(b, x, "injected", jb_u64(b, r.injected));
	for (int i = 0; i < FO_COUNT; i++)
		jb_put(b, x, fault_outcome_name(i), jb_u64(b, f->n[t][i]));
	jb_put(b, x, "replay", outcomes_json(b, f->replay[t]));
	jb_put(b, x, "crash", outcomes_json(b, f->crash[t]));
	jb_put(b, x, "detection_rate", rate_json(b, &r.detection));
	jb_put(b, x, "silent_rate", rate_json(b, &r.silent));
	jb_put(b, x, "false_positive_rate", rate_json(b, &r.false_pos));
	return x;
}

static json_t *cost_json(struct jb *b, const struct cmp_cost *c, int has_base)
{
	json_t *x = jb_obj(b);
	for (int k = 0; k < CMP_METRICS; k++)
		jb_put(b, x, cmp_metrics[k].key,
		       cmp_metrics[k].integer ? jb_u64(b, k == CMP_P50 ? c->d.p50 : c->d.p99)
					      : jb_real(b, c->abs[k]));
	if (!has_base) {
		jb_put(b, x, "ratio_to_none", jb_null(b));
		return x;
	}
	json_t *r = jb_obj(b);
	for (int k = 0; k < CMP_METRICS; k++)
		jb_put(b, r, cmp_metrics[k].key, jb_real(b, c->ratio[k]));
	jb_put(b, x, "ratio_to_none", r);
	return x;
}

static json_t *crash_json(struct jb *b, const struct run_metrics *m, const struct rep_derived *d)
{
	json_t *x = jb_obj(b);
	jb_put(b, x, "points", jb_u64(b, m->n_crashes));
	jb_put(b, x, "states", jb_u64(b, m->crash_states));
	/* states that left distinct bytes in the non-durable writes' sectors */
	jb_put(b, x, "states_distinct", jb_u64(b, m->crash_distinct));
	jb_put(b, x, "violations", jb_u64(b, m->violations));
	jb_put(b, x, "sectors_checked", jb_u64(b, d->crash_sectors_checked));
	json_t *s = jb_obj(b);
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		jb_put(b, s, oracle_class_name(k), jb_u64(b, d->crash_totals.sectors[k]));
	jb_put(b, x, "sectors", s);
	jb_put(b, x, "not_completed", jb_u64(b, d->crash_totals.not_completed));
	return x;
}

static json_t *run_json(struct jb *b, const struct compare_input *in, uint32_t p, uint32_t v)
{
	const struct run_metrics *m = compare_run(in, p, v);
	struct cmp_faults f;
	struct cmp_cost c;
	cmp_faults_of(m, &f);
	cmp_cost_of(in, p, v, &c);

	json_t *x = jb_obj(b);
	jb_put(b, x, "variant", jb_str(b, in->variants[v]));
	jb_put(b, x, "stalled_at", rep_index_json(b, m->stalled_at));
	jb_put(b, x, "requests_total", jb_u64(b, m->requests_total));
	jb_put(b, x, "hung", jb_u64(b, c.d.hung));
	jb_put(b, x, "refused", jb_u64(b, m->user_unsupported));
	jb_put(b, x, "load", rep_load_json(b, &m->load));
	jb_put(b, x, "capacity", rep_capacity_json(b, &m->capacity));
	json_t *faults = jb_obj(b);
	for (int t = 0; t < FT_COUNT; t++)
		jb_put(b, faults, fault_type_name(t), fault_row_json(b, &f, t));
	jb_put(b, x, "faults", faults);
	jb_put(b, x, "fault_totals", fault_row_json(b, &f, CMP_ALL));
	jb_put(b, x, "overhead", cost_json(b, &c, cmp_baseline(in) >= 0));
	jb_put(b, x, "crashes", crash_json(b, m, &c.d));
	jb_put(b, x, "sim_time_ns", jb_u64(b, m->sim_time_ns));
	if (m->field.on)
		jb_put(b, x, "risk", rep_risk_json(b, m));
	jb_put(b, x, "user_requests", jb_u64(b, c.d.requests));
	{
		int base = cmp_baseline(in);
		struct verdict vd;

		verdict_of(in->variants[v], in->profiles[p], m,
			   base >= 0 ? compare_run(in, p, (uint32_t)base) : NULL, &vd);
		jb_put(b, x, "verdict", verdict_json(b, &vd));
	}
	return x;
}

int cmp_write_json(const char *dir, const struct compare_input *in, struct cs_err *err)
{
	struct jb b = { 0 };
	json_t *root = jb_obj(&b);
	jb_put(&b, root, "csumsim_version", jb_str(&b, CSUMSIM_VERSION));
	json_t *sc = jb_obj(&b);
	jb_put(&b, sc, "name", jb_str(&b, in->scenario_name));
	jb_put(&b, sc, "yaml", jb_str(&b, in->scenario_yaml));
	jb_put(&b, root, "scenario", sc);
	jb_put(&b, root, "seed", jb_u64(&b, in->seed));
	jb_put(&b, root, "reproduce", jb_str(&b, in->reproduce));
	jb_put(&b, root, "variants", names_json(&b, in->variants, in->n_variants));
	jb_put(&b, root, "profiles", names_json(&b, in->profiles, in->n_profiles));
	jb_put(&b, root, "baseline",
	       cmp_baseline(in) >= 0 ? jb_str(&b, CMP_BASELINE) : jb_null(&b));
	json_t *results = jb_arr(&b);
	for (uint32_t p = 0; p < in->n_profiles; p++) {
		json_t *x = jb_obj(&b);
		jb_put(&b, x, "profile", jb_str(&b, in->profiles[p]));
		json_t *runs = jb_arr(&b);
		for (uint32_t v = 0; v < in->n_variants; v++)
			jb_push(&b, runs, run_json(&b, in, p, v));
		jb_put(&b, x, "runs", runs);
		jb_push(&b, results, x);
	}
	jb_put(&b, root, "results", results);
	return jb_write(&b, root, dir, "compare.json", err);
}
