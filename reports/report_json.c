/* report.json: every metric of the run and the baseline, keys in a fixed
 * order (jansson keeps insertion order), reals with fixed precision. */
#include <string.h>

#include "reports/jsonb.h"
#include "reports/report_priv.h"
#include "reports/risk.h"
#include "reports/verdict.h"
#include "version.h"

static json_t *hist_json(struct jb *b, const struct hist *h)
{
	json_t *o = jb_obj(b);
	jb_put(b, o, "count", jb_u64(b, h->count));
	jb_put(b, o, "sum_ns", jb_u64(b, h->sum));
	jb_put(b, o, "mean_ns",
	       h->count ? jb_real(b, (double)h->sum / (double)h->count) : jb_null(b));
	jb_put(b, o, "min_ns", jb_u64(b, h->count ? h->min : 0));
	jb_put(b, o, "p50_ns", jb_u64(b, hist_quantile(h, 0.5)));
	jb_put(b, o, "p90_ns", jb_u64(b, hist_quantile(h, 0.9)));
	jb_put(b, o, "p99_ns", jb_u64(b, hist_quantile(h, 0.99)));
	jb_put(b, o, "p999_ns", jb_u64(b, hist_quantile(h, 0.999)));
	jb_put(b, o, "max_ns", jb_u64(b, h->count ? h->max : 0));
	/* Non-empty buckets as [lower edge ns, count], enough to rebuild it. */
	json_t *bk = jb_arr(b);
	for (size_t i = 0; i < (size_t)HIST_POW * HIST_SUB; i++) {
		if (!h->bucket[i])
			continue;
		json_t *pair = jb_arr(b);
		jb_push(b, pair, jb_u64(b, hist_bucket_low(i)));
		jb_push(b, pair, jb_u64(b, h->bucket[i]));
		jb_push(b, bk, pair);
	}
	jb_put(b, o, "buckets", bk);
	return o;
}

static json_t *classes_json(struct jb *b, const uint64_t *v)
{
	json_t *o = jb_obj(b);
	for (int k = 0; k < ORC_CLASS_COUNT; k++)
		jb_put(b, o, oracle_class_name(k), jb_u64(b, v[k]));
	return o;
}

static json_t *counts_json(struct jb *b, const struct oracle_counts *c)
{
	json_t *o = jb_obj(b);
	jb_put(b, o, "sectors", classes_json(b, c->sectors));
	jb_put(b, o, "requests", classes_json(b, c->requests));
	jb_put(b, o, "not_completed", jb_u64(b, c->not_completed));
	return o;
}

static json_t *crash_json(struct jb *b, const struct crash_report *c)
{
	json_t *o = jb_obj(b);
	jb_put(b, o, "index", jb_u64(b, c->index));
	jb_put(b, o, "trigger", jb_strn(b, c->trigger, sizeof(c->trigger)));
	jb_put(b, o, "time_ns", jb_u64(b, c->time_ns));
	jb_put(b, o, "requests_before", jb_u64(b, c->requests_before));
	jb_put(b, o, "cached_sectors", jb_u64(b, c->cached_sectors));
	jb_put(b, o, "lost_sectors", jb_u64(b, c->lost_sectors));
	jb_put(b, o, "inflight_requests", jb_u64(b, c->inflight_requests));
	jb_put(b, o, "sectors_checked", jb_u64(b, c->sectors_checked));
	jb_put(b, o, "oracle", counts_json(b, &c->counts));
	jb_put(b, o, "volatile_writes", jb_u64(b, c->volatile_writes));
	jb_put(b, o, "states", jb_u64(b, c->states));
	jb_put(b, o, "violating_states", jb_u64(b, c->violating_states));
	jb_put(b, o, "unreadable_sectors", jb_u64(b, c->unreadable_sectors));
	jb_put(b, o, "probed_groups", jb_u64(b, c->probed_groups));
	jb_put(b, o, "unwritable_groups", jb_u64(b, c->unwritable_groups));
	jb_put(b, o, "failed_mounts", jb_u64(b, c->failed_mounts));
	jb_put(b, o, "worst_state", jb_strn(b, c->worst_state, sizeof(c->worst_state)));
	return o;
}

/* crash.recovery: off writes nothing (the report stays as it was) */
static json_t *recovery_json(struct jb *b, const struct recovery_crashes *r, bool step)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "recovery_step", jb_chk(b, json_boolean(step)));
	jb_put(b, o, "states_crashed", jb_u64(b, r->states_run));
	jb_put(b, o, "mount_ios", jb_u64(b, r->mount_ios));
	jb_put(b, o, "points", jb_u64(b, r->points));
	jb_put(b, o, "writes", jb_u64(b, r->writes));
	jb_put(b, o, "flushes", jb_u64(b, r->flushes));
	jb_put(b, o, "states", jb_u64(b, r->states));
	jb_put(b, o, "violating", jb_u64(b, r->violating));
	jb_put(b, o, "sectors_checked", jb_u64(b, r->sectors_checked));
	jb_put(b, o, "totals", counts_json(b, &r->counts));
	jb_put(b, o, "worst", jb_strn(b, r->worst, sizeof(r->worst)));
	return o;
}

/* fault type -> outcome -> count, only the types that occurred */
static json_t *outcomes_json(struct jb *b, const struct fault_outcomes *f)
{
	json_t *o = jb_obj(b);

	for (int t = 0; t < FT_COUNT; t++) {
		uint64_t n = 0, det, bad;
		double lo, hi;
		json_t *ty;

		for (int k = 0; k < FO_COUNT; k++)
			n += f->n[t][k];
		if (n == 0)
			continue;
		ty = jb_obj(b);
		jb_put(b, ty, "injected", jb_u64(b, n));
		for (int k = 0; k < FO_COUNT; k++)
			jb_put(b, ty, fault_outcome_name(k), jb_u64(b, f->n[t][k]));
		det = f->n[t][FO_DETECTED];
		bad = det + f->n[t][FO_SILENT] + f->n[t][FO_STALE];
		wilson95(det, bad, &lo, &hi);
		jb_put(b, ty, "detection_rate", bad ? jb_real(b, (double)det / (double)bad)
						    : jb_null(b));
		{
			json_t *ci = jb_arr(b);

			jb_push(b, ci, jb_real(b, lo));
			jb_push(b, ci, jb_real(b, hi));
			jb_put(b, ty, "detection_ci95", ci);
		}
		jb_put(b, o, fault_type_name(t), ty);
	}
	return o;
}

static json_t *violation_json(struct jb *b, const struct violation *v, const char *file)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "crash", jb_u64(b, v->crash));
	jb_put(b, o, "trigger", jb_strn(b, v->trigger, sizeof(v->trigger)));
	jb_put(b, o, "state", jb_u64(b, v->state));
	jb_put(b, o, "state_label", jb_strn(b, v->label, sizeof(v->label)));
	jb_put(b, o, "oracle", counts_json(b, &v->counts));
	jb_put(b, o, "reproducer", file ? jb_str(b, file) : jb_null(b));
	return o;
}

/* A violating second-level state (a crash during recovery). */
static json_t *recovery_violation_json(struct jb *b, const struct recovery_violation *v,
				       const char *file)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "crash", jb_u64(b, v->crash));
	jb_put(b, o, "state", jb_u64(b, v->state));
	jb_put(b, o, "mount_io", jb_u64(b, v->mount_io));
	jb_put(b, o, "recovery_state", jb_u64(b, v->rstate));
	jb_put(b, o, "state_label", jb_strn(b, v->label, sizeof(v->label)));
	jb_put(b, o, "oracle", counts_json(b, &v->counts));
	jb_put(b, o, "reproducer", file ? jb_str(b, file) : jb_null(b));
	return o;
}

static json_t *budget_json(struct jb *b, const struct budget_info *bi)
{
	json_t *o = jb_obj(b);

	jb_put(b, o, "kind", jb_str(b, bi->kind == BUDGET_TIME ? "time" : "states"));
	jb_put(b, o, "limit", jb_u64(b, bi->limit));
	jb_put(b, o, "explored", jb_u64(b, bi->explored));
	jb_put(b, o, "space", jb_u64(b, bi->space));
	jb_put(b, o, "covered_share", jb_real(b, bi->space ? (double)bi->explored /
							  (double)bi->space : 1.0));
	return o;
}

static json_t *user_json(struct jb *b, const struct run_metrics *m, const struct rep_derived *d)
{
	json_t *o = jb_obj(b);
	for (int op = 0; op < 4; op++) {
		json_t *x = jb_obj(b);
		jb_put(b, x, "requests", jb_u64(b, m->user_requests[op]));
		jb_put(b, x, "sectors", jb_u64(b, m->user_sectors[op]));
		jb_put(b, x, "bytes", jb_u64(b, m->user_sectors[op] * (uint64_t)CSUM_SECTOR));
		jb_put(b, x, "errors", jb_u64(b, m->user_errors[op]));
		jb_put(b, x, "hung", jb_u64(b, m->user_hung[op]));
		jb_put(b, o, csum_op_name(op), x);
	}
	jb_put(b, o, "total_requests", jb_u64(b, d->requests));
	jb_put(b, o, "total_bytes", jb_u64(b, d->user_bytes));
	jb_put(b, o, "completed_bytes", jb_u64(b, d->completed_bytes));
	jb_put(b, o, "unsupported", jb_u64(b, m->user_unsupported));
	jb_put(b, o, "remapped", jb_u64(b, m->user_remapped));
	jb_put(b, o, "dropped", jb_u64(b, m->user_dropped));
	return o;
}

static json_t *protocol_json(struct jb *b, const struct run_metrics *m)
{
	json_t *o = jb_obj(b);
	jb_put(b, o, "pieces", jb_u64(b, m->pieces));
	jb_put(b, o, "evil_requests", jb_u64(b, m->evil_requests));
	json_t *roles = jb_obj(b);
	for (int r = 0; r < CSUM_ROLE_COUNT; r++) {
		json_t *x = jb_obj(b);
		jb_put(b, x, "count", jb_u64(b, m->sub_ios[r]));
		jb_put(b, x, "sectors", jb_u64(b, m->sub_io_sectors[r]));
		jb_put(b, roles, csum_role_name(r), x);
	}
	jb_put(b, o, "sub_ios", roles);
	json_t *v = jb_obj(b);
	for (int k = 0; k < 5; k++)
		jb_put(b, v, csum_verdict_name(k), jb_u64(b, m->verdicts[k]));
	jb_put(b, o, "verdicts", v);
	jb_put(b, o, "lock_wait_ns", jb_u64(b, m->lock_wait_ns));
	jb_put(b, o, "lock_lost", jb_chk(b, json_boolean(m->lock_lost)));
	if (m->barrier_held > 0) /* only then: other reports keep their bytes */
		jb_put(b, o, "barrier_held", jb_u64(b, m->barrier_held));
	return o;
}

static json_t *devices_json(struct jb *b, const struct run_metrics *m)
{
	json_t *a = jb_arr(b);
	for (uint32_t i = 0; i < m->n_devs && i < CSUM_MAX_DEVS; i++) {
		const struct dev_metrics *d = &m->dev[i];
		json_t *o = jb_obj(b);
		jb_put(b, o, "reads", jb_u64(b, d->reads));
		jb_put(b, o, "writes", jb_u64(b, d->writes));
		jb_put(b, o, "flushes", jb_u64(b, d->flushes));
		jb_put(b, o, "read_sectors", jb_u64(b, d->read_sectors));
		jb_put(b, o, "write_sectors", jb_u64(b, d->write_sectors));
		jb_put(b, o, "fua_writes", jb_u64(b, d->fua_writes));
		jb_put(b, o, "barrier_writes", jb_u64(b, d->barrier_writes));
		jb_put(b, o, "preflushes", jb_u64(b, d->preflushes));
		jb_put(b, o, "media_write_sectors", jb_u64(b, d->media_write_sectors));
		jb_put(b, o, "busy_ns", jb_u64(b, d->busy_ns));
		jb_put(b, o, "utilisation",
		       jb_real(b, rep_ratio((double)d->busy_ns, (double)m->sim_time_ns)));
		jb_push(b, a, o);
	}
	return a;
}

static json_t *tput_json(struct jb *b, const struct run_metrics *m, const struct rep_derived *d)
{
	json_t *o = jb_obj(b);
	jb_put(b, o, "bytes_per_s", jb_real(b, d->throughput_bytes_s));
	jb_put(b, o, "bin_ns", jb_u64(b, m->tput.bin_ns));
	uint32_t n = m->tput.n_bins < TPUT_MAX_BINS ? m->tput.n_bins : TPUT_MAX_BINS;
	jb_put(b, o, "n_bins", jb_u64(b, n));
	json_t *r = jb_arr(b), *w = jb_arr(b);
	for (uint32_t i = 0; i < n; i++) {
		jb_push(b, r, jb_u64(b, m->tput.read_bytes[i]));
		jb_push(b, w, jb_u64(b, m->tput.write_bytes[i]));
	}
	jb_put(b, o, "read_bytes", r);
	jb_put(b, o, "write_bytes", w);
	return o;
}

/* A rate per TB-year with its 95% interval; sectors < 0: not a sector count. */
static json_t *rate_json(struct jb *b, int64_t sectors, double r, double lo, double hi)
{
	json_t *o = jb_obj(b);
	if (sectors >= 0)
		jb_put(b, o, "sectors", jb_u64(b, (uint64_t)sectors));
	jb_put(b, o, "per_tb_year", jb_real(b, r));
	jb_put(b, o, "ci95_lo", jb_real(b, lo));
	jb_put(b, o, "ci95_hi", jb_real(b, hi));
	return o;
}

/* Risk per TB-year (reports/risk.h), only in runs with a field model. */
json_t *rep_risk_json(struct jb *b, const struct run_metrics *m)
{
	struct rep_risk r;
	const struct field_exposure *f = &m->field;
	rep_risk(m, &r);
	json_t *o = jb_obj(b);
	jb_put(b, o, "preset", jb_str(b, f->preset));
	jb_put(b, o, "tb_years", jb_real(b, r.tb_years));
	jb_put(b, o, "episodes_lse", jb_u64(b, f->episodes[0]));
	jb_put(b, o, "episodes_cm", jb_u64(b, f->episodes[1]));
	jb_put(b, o, "followups", jb_u64(b, f->followups[0] + f->followups[1]));
	jb_put(b, o, "correlated_copies", jb_u64(b, f->correlated));
	jb_put(b, o, "undetected", jb_u64(b, r.undetected));
	jb_put(b, o, "refused", jb_u64(b, r.refused));
	jb_put(b, o, "detected", jb_u64(b, r.detected));
	jb_put(b, o, "masked", jb_u64(b, r.masked));
	jb_put(b, o, "unread", jb_u64(b, r.unread));
	json_t *u = rate_json(b, -1, r.undetected_rate, r.undetected_lo, r.undetected_hi);
	jb_put(b, u, "analytic_per_tb_year", jb_real(b, r.analytic_undetected));
	jb_put(b, u, "tag_bits", jb_u64(b, r.tag_bits));
	jb_put(b, o, "undetected_rate", u);
	jb_put(b, o, "refused_rate", rate_json(b, -1, r.refused_rate, r.refused_lo, r.refused_hi));
	jb_put(b, o, "undetected_sectors_rate",
	       rate_json(b, (int64_t)r.undetected_sectors, r.undetected_sectors_rate,
			 r.undetected_sectors_lo, r.undetected_sectors_hi));
	jb_put(b, o, "refused_sectors_rate",
	       rate_json(b, (int64_t)r.refused_sectors, r.refused_sectors_rate,
			 r.refused_sectors_lo, r.refused_sectors_hi));
	jb_put(b, o, "interval", jb_str(b, "episodes: exact Poisson (Garwood), one run; sectors: "
					   "the episode interval x sectors per judged episode"));
	return o;
}

json_t *rep_index_json(struct jb *b, uint64_t k)
{
	return k == UINT64_MAX ? jb_null(b) : jb_u64(b, k);
}

json_t *rep_load_json(struct jb *b, const struct load_info *l)
{
	json_t *o = jb_obj(b);
	jb_put(b, o, "saturated", jb_chk(b, json_boolean(l->saturated)));
	jb_put(b, o, "busy_frac", jb_real(b, l->busy_frac));
	jb_put(b, o, "backlog_max", jb_u64(b, l->backlog_max));
	jb_put(b, o, "backlog_end", jb_u64(b, l->backlog_end));
	return o;
}

/* Not measured: every figure null, never 0 (0 would read as "no capacity"). */
json_t *rep_capacity_json(struct jb *b, const struct capacity_info *c)
{
	json_t *o = jb_obj(b);
	int on = c->measured;
	jb_put(b, o, "measured", jb_chk(b, json_boolean(on)));
	jb_put(b, o, "stalled", on ? jb_chk(b, json_boolean(c->stalled)) : jb_null(b));
	jb_put(b, o, "queue_depth", on ? jb_u64(b, c->queue_depth) : jb_null(b));
	jb_put(b, o, "time_ns", on ? jb_u64(b, c->time_ns) : jb_null(b));
	jb_put(b, o, "requests_done", on ? jb_u64(b, c->requests_done) : jb_null(b));
	jb_put(b, o, "bytes_done", on ? jb_u64(b, c->bytes_done) : jb_null(b));
	jb_put(b, o, "iops", on ? jb_real(b, c->iops) : jb_null(b));
	jb_put(b, o, "mib_s", on ? jb_real(b, c->mib_s) : jb_null(b));
	return o;
}

static json_t *metrics_json(struct jb *b, const struct run_metrics *m)
{
	struct rep_derived d;
	rep_derive(m, &d);
	char variant[sizeof(m->variant) + 1];
	memcpy(variant, m->variant, sizeof(m->variant));
	variant[sizeof(m->variant)] = '\0';

	json_t *o = jb_obj(b);
	jb_put(b, o, "variant", jb_str(b, variant));
	jb_put(b, o, "sim_time_ns", jb_u64(b, m->sim_time_ns));
	jb_put(b, o, "stalled_at", rep_index_json(b, m->stalled_at));
	jb_put(b, o, "requests_total", jb_u64(b, m->requests_total));
	jb_put(b, o, "load", rep_load_json(b, &m->load));
	jb_put(b, o, "capacity", rep_capacity_json(b, &m->capacity));
	jb_put(b, o, "user", user_json(b, m, &d));
	jb_put(b, o, "protocol", protocol_json(b, m));

	json_t *amp = jb_obj(b);
	jb_put(b, amp, "sub_ios", jb_u64(b, d.sub_ios));
	jb_put(b, amp, "sub_io_bytes", jb_u64(b, d.sub_io_bytes));
	jb_put(b, amp, "device_flushes", jb_u64(b, d.dev_flushes));
	jb_put(b, amp, "sub_ios_per_request", jb_real(b, d.sub_ios_per_request));
	jb_put(b, amp, "bytes_per_user_byte", jb_real(b, d.bytes_per_user_byte));
	jb_put(b, amp, "flushes_per_request", jb_real(b, d.flushes_per_request));
	jb_put(b, amp, "flush_sub_ios_per_request", jb_real(b, d.flush_sub_ios_per_request));
	jb_put(b, o, "amplification", amp);

	jb_put(b, o, "devices", devices_json(b, m));

	json_t *lat = jb_obj(b);
	jb_put(b, lat, "all", hist_json(b, &m->lat_all));
	jb_put(b, lat, "read", hist_json(b, &m->lat_read));
	jb_put(b, lat, "write", hist_json(b, &m->lat_write));
	jb_put(b, lat, "flush", hist_json(b, &m->lat_flush));
	jb_put(b, o, "latency", lat);

	jb_put(b, o, "throughput", tput_json(b, m, &d));

	json_t *orc = jb_obj(b);
	jb_put(b, orc, "reads", counts_json(b, &m->reads));
	json_t *cr = jb_obj(b);
	jb_put(b, cr, "count", jb_u64(b, m->n_crashes));
	jb_put(b, cr, "sectors_checked", jb_u64(b, d.crash_sectors_checked));
	jb_put(b, cr, "totals", counts_json(b, &d.crash_totals));
	json_t *list = jb_arr(b);
	for (uint32_t i = 0; i < m->n_crashes; i++)
		jb_push(b, list, crash_json(b, &m->crashes[i]));
	jb_put(b, cr, "list", list);
	jb_put(b, cr, "states", jb_u64(b, m->crash_states));
	jb_put(b, cr, "violations", jb_u64(b, m->violations));
	jb_put(b, cr, "states_explored", jb_u64(b, m->crash_states));
	jb_put(b, cr, "states_distinct", jb_u64(b, m->crash_distinct));
	if (m->budget.kind != BUDGET_NONE)
		jb_put(b, cr, "budget", budget_json(b, &m->budget));
	jb_put(b, orc, "crashes", cr);
	if (m->recovery_mode != 0)
		jb_put(b, orc, "recovery_crashes", recovery_json(b, &d.recovery, m->recovery_step));
	jb_put(b, o, "oracle", orc);

	json_t *flt = jb_obj(b);
	jb_put(b, flt, "replay", outcomes_json(b, &m->faults));
	jb_put(b, flt, "crash_states", outcomes_json(b, &m->crash_faults));
	jb_put(b, o, "faults", flt);
	if (m->field.on)
		jb_put(b, o, "risk", rep_risk_json(b, m));

	jb_put(b, o, "request_records", jb_u64(b, m->n_records));

	json_t *mem = jb_obj(b);
	jb_put(b, mem, "media_sectors", jb_u64(b, m->media_sectors));
	jb_put(b, mem, "media_bytes", jb_u64(b, m->media_bytes));
	jb_put(b, mem, "oracle_bytes", jb_u64(b, m->oracle_bytes));
	jb_put(b, o, "memory", mem);
	return o;
}

static json_t *overhead_json(struct jb *b, const struct report_input *in)
{
	if (!in->baseline)
		return jb_null(b);
	struct rep_derived r, s;
	struct rep_overhead ov;
	rep_derive(in->run, &r);
	rep_derive(in->baseline, &s);
	rep_overhead(&r, &s, &ov);
	json_t *o = jb_obj(b);
	jb_put(b, o, "sub_ios_per_request", jb_real(b, ov.sub_ios_per_request));
	jb_put(b, o, "bytes_per_user_byte", jb_real(b, ov.bytes_per_user_byte));
	jb_put(b, o, "flushes_per_request", jb_real(b, ov.flushes_per_request));
	jb_put(b, o, "latency_p50", jb_real(b, ov.latency_p50));
	jb_put(b, o, "latency_p99", jb_real(b, ov.latency_p99));
	jb_put(b, o, "throughput", jb_real(b, ov.throughput));
	jb_put(b, o, "capacity", jb_real(b, ov.capacity));
	return o;
}

int rep_write_json(const char *dir, const struct report_input *in, struct cs_err *err)
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
	jb_put(&b, root, "run", metrics_json(&b, in->run));
	jb_put(&b, root, "baseline", in->baseline ? metrics_json(&b, in->baseline) : jb_null(&b));
	jb_put(&b, root, "overhead", overhead_json(&b, in));
	{
		/* the violations kept, each with the scenario that reproduces it */
		json_t *vl = jb_arr(&b);

		for (uint32_t i = 0; i < in->run->n_viol; i++)
			jb_push(&b, vl, violation_json(&b, &in->run->viol[i],
						       in->reproducers ? in->reproducers[i] : NULL));
		jb_put(&b, root, "violations", vl);
	}
	{
		/* and of the crashes during recovery, when some violated (the key is
		 * absent otherwise, so reports without them keep their bytes) */
		struct rep_derived d;

		rep_derive(in->run, &d);
		if (d.recovery.n_kept > 0) {
			json_t *rl = jb_arr(&b);

			for (uint32_t i = 0; i < d.recovery.n_kept; i++)
				jb_push(&b, rl, recovery_violation_json(
					&b, &d.recovery.kept[i], in->recovery_reproducers
									 ? in->recovery_reproducers[i]
									 : NULL));
			jb_put(&b, root, "recovery_violations", rl);
		}
	}
	{
		/* the verdict of the run and the baseline, as the summary shows it */
		json_t *va = jb_arr(&b);
		struct verdict v;
		char name[80];

		rep_variant_name(in->run, "", ' ', name, sizeof(name));
		verdict_of(name, NULL, in->run, in->baseline, &v);
		jb_push(&b, va, verdict_json(&b, &v));
		if (in->baseline) {
			rep_variant_name(in->baseline, "", ' ', name, sizeof(name));
			verdict_of(name, NULL, in->baseline, in->baseline, &v);
			jb_push(&b, va, verdict_json(&b, &v));
		}
		jb_put(&b, root, "verdict", va);
	}

	return jb_write(&b, root, dir, "report.json", err);
}
