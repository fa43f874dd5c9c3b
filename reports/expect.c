/* Why in reports/: an expectation is a judgment of a run's metrics, the same
 * numbers a report prints, derived by the same code (rep_derive). It needs
 * nothing of the simulator, and the simulator nothing of it. */
#include "reports/expect.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/report_priv.h"
#include "reports/risk.h"
#include "reports/verdict.h"
#include "scenarios/sc_expect.h"

bool expect_needs_baseline(int metric)
{
	return metric >= SCM_OVH_SUB_IOS_PER_REQUEST && metric <= SCM_OVH_CAPACITY;
}

bool expect_any_needs_baseline(const struct scenario *sc)
{
	for (uint32_t i = 0; i < sc->n_expect; i++)
		if (expect_needs_baseline(sc->expect[i].metric))
			return true;
	return false;
}

static uint64_t fault_sum(const struct run_metrics *m, int outcome)
{
	uint64_t n = 0;

	for (int t = 0; t < FT_COUNT; t++) {
		if (outcome >= 0) {
			n += m->faults.n[t][outcome] + m->crash_faults.n[t][outcome];
			continue;
		}
		for (int o = 0; o < FO_COUNT; o++)
			n += m->faults.n[t][o] + m->crash_faults.n[t][o];
	}
	return n;
}

static uint64_t sum4(const uint64_t v[4])
{
	return v[0] + v[1] + v[2] + v[3];
}

/* A defined value, or -1 with why. */
static int value(double v, double *out, const char *what, char *why, size_t why_len)
{
	if (isnan(v)) {
		snprintf(why, why_len, "undefined: %s", what);
		return -1;
	}
	*out = v;
	return 0;
}

static int overhead(int metric, const struct rep_derived *d, const struct run_metrics *base,
		    double *out, char *why, size_t why_len)
{
	struct rep_derived b;
	struct rep_overhead o;
	double v = NAN;

	if (base == NULL) {
		snprintf(why, why_len, "undefined: no baseline run");
		return -1;
	}
	rep_derive(base, &b);
	rep_overhead(d, &b, &o);
	switch (metric) {
	case SCM_OVH_SUB_IOS_PER_REQUEST:
		v = o.sub_ios_per_request;
		break;
	case SCM_OVH_BYTES_PER_USER_BYTE:
		v = o.bytes_per_user_byte;
		break;
	case SCM_OVH_FLUSHES_PER_REQUEST:
		v = o.flushes_per_request;
		break;
	case SCM_OVH_LATENCY_P50:
		v = o.latency_p50;
		break;
	case SCM_OVH_LATENCY_P99:
		v = o.latency_p99;
		break;
	case SCM_OVH_THROUGHPUT:
		v = o.throughput;
		break;
	default:
		break;
	}
	return value(v, out, "a zero denominator in the run or the baseline", why, why_len);
}

/* Crashes during recovery: undefined unless crash.recovery explored them,
 * so an expectation on them never passes by not looking. */
static int recovery(int metric, const struct run_metrics *m, const struct rep_derived *d,
		    double *out, char *why, size_t why_len)
{
	const struct recovery_crashes *r = &d->recovery;

	if (m->recovery_mode == 0) {
		snprintf(why, why_len, "undefined: crash.recovery is off");
		return -1;
	}
	switch (metric) {
	case SCM_RECOVERY_POINTS:
		*out = (double)r->points;
		break;
	case SCM_RECOVERY_STATES:
		*out = (double)r->states;
		break;
	case SCM_RECOVERY_VIOLATING:
		*out = (double)r->violating;
		break;
	case SCM_RECOVERY_SILENT:
		*out = (double)r->counts.sectors[ORC_SILENT];
		break;
	case SCM_RECOVERY_STALE:
		*out = (double)r->counts.sectors[ORC_STALE];
		break;
	case SCM_RECOVERY_FALSE_POSITIVE:
		*out = (double)r->counts.sectors[ORC_FALSE_POS];
		break;
	default:
		*out = (double)r->counts.not_completed;
		break;
	}
	return 0;
}

int expect_measure(int metric, const struct run_metrics *m, const struct run_metrics *base,
		   double *out, char *why, size_t why_len)
{
	struct rep_derived d;
	const uint64_t *cs, *rs;
	uint64_t k, n;
	double v;

	rep_derive(m, &d);
	cs = d.crash_totals.sectors;
	rs = m->reads.sectors;
	switch (metric) {
	case SCM_FALSE_POSITIVE:
		v = (double)cs[ORC_FALSE_POS];
		break;
	case SCM_SILENT:
		v = (double)cs[ORC_SILENT];
		break;
	case SCM_STALE:
		v = (double)cs[ORC_STALE];
		break;
	case SCM_DETECTED:
		v = (double)cs[ORC_DETECTED];
		break;
	case SCM_CRASH_POINTS:
		v = (double)m->n_crashes;
		break;
	case SCM_CRASH_STATES:
		v = (double)m->crash_states;
		break;
	case SCM_VIOLATIONS:
		v = (double)m->violations;
		break;
	case SCM_REQUESTS:
		v = (double)d.requests;
		break;
	case SCM_HUNG:
		v = (double)sum4(m->user_hung);
		break;
	case SCM_HUNG_READ:
	case SCM_HUNG_WRITE:
	case SCM_HUNG_FLUSH:
	case SCM_HUNG_DISCARD:
		v = (double)m->user_hung[metric - SCM_HUNG_READ];
		break;
	case SCM_ERRORS:
		v = (double)sum4(m->user_errors);
		break;
	case SCM_ERRORS_READ:
	case SCM_ERRORS_WRITE:
	case SCM_ERRORS_FLUSH:
	case SCM_ERRORS_DISCARD:
		v = (double)m->user_errors[metric - SCM_ERRORS_READ];
		break;
	case SCM_LOCK_LOST:
		v = m->lock_lost ? 1.0 : 0.0;
		break;
	case SCM_REFUSED:
		v = (double)m->user_unsupported;
		break;
	case SCM_STALLED:
		v = m->stalled_at != UINT64_MAX ? 1.0 : 0.0;
		break;
	case SCM_SATURATED:
		v = m->load.saturated ? 1.0 : 0.0;
		break;
	case SCM_READS_CORRECT:
		v = (double)rs[ORC_CORRECT];
		break;
	case SCM_READS_STALE:
		v = (double)rs[ORC_STALE];
		break;
	case SCM_READS_FALSE_POSITIVE:
		v = (double)rs[ORC_FALSE_POS];
		break;
	case SCM_READS_DETECTED:
		v = (double)rs[ORC_DETECTED];
		break;
	case SCM_READS_SILENT:
		v = (double)rs[ORC_SILENT];
		break;
	case SCM_READS_NOT_COMPLETED:
		v = (double)m->reads.not_completed;
		break;
	case SCM_FAULTS_INJECTED:
		v = (double)fault_sum(m, -1);
		break;
	case SCM_FAULTS_DETECTED:
		v = (double)fault_sum(m, FO_DETECTED);
		break;
	case SCM_FAULTS_SILENT:
		v = (double)fault_sum(m, FO_SILENT);
		break;
	case SCM_FAULTS_STALE:
		v = (double)fault_sum(m, FO_STALE);
		break;
	case SCM_FAULTS_FALSE_POSITIVE:
		v = (double)fault_sum(m, FO_FALSE_POS);
		break;
	case SCM_DETECTION_RATE:
		k = fault_sum(m, FO_DETECTED);
		n = k + fault_sum(m, FO_SILENT) + fault_sum(m, FO_STALE);
		return value(rep_ratio((double)k, (double)n), out,
			     "no fault was judged detected, silent or stale", why, why_len);
	case SCM_SUB_IOS_PER_REQUEST:
		return value(d.sub_ios_per_request, out, "no user request", why, why_len);
	case SCM_BYTES_PER_USER_BYTE:
		return value(d.bytes_per_user_byte, out, "no user bytes", why, why_len);
	case SCM_FLUSHES_PER_REQUEST:
		return value(d.flushes_per_request, out, "no user request", why, why_len);
	case SCM_LATENCY_P50_NS:
		v = (double)d.p50;
		break;
	case SCM_LATENCY_P99_NS:
		v = (double)d.p99;
		break;
	case SCM_THROUGHPUT:
		return value(d.throughput_bytes_s, out, "no simulated time", why, why_len);
	case SCM_CAPACITY_IOPS:
	case SCM_CAPACITY_MIB_S:
		if (!m->capacity.measured) {
			snprintf(why, why_len, "undefined: capacity not measured (output.capacity)");
			return -1;
		}
		v = metric == SCM_CAPACITY_IOPS ? m->capacity.iops : m->capacity.mib_s;
		break;
	case SCM_OVH_CAPACITY:
		if (base == NULL) {
			snprintf(why, why_len, "undefined: no baseline run");
			return -1;
		}
		if (!m->capacity.measured || !base->capacity.measured) {
			snprintf(why, why_len, "undefined: capacity not measured (output.capacity)");
			return -1;
		}
		return value(rep_ratio(m->capacity.iops, base->capacity.iops), out,
			     "a zero capacity in the baseline", why, why_len);
	case SCM_RISK_UNDETECTED:
	case SCM_RISK_UNDETECTED_HI:
	case SCM_RISK_UNDETECTED_SECTORS:
	case SCM_RISK_REFUSED:
	case SCM_RISK_REFUSED_HI: {
		struct rep_risk r;

		rep_risk(m, &r);
		if (!r.on) {
			snprintf(why, why_len, "undefined: no field fault model (faults.field)");
			return -1;
		}
		v = metric == SCM_RISK_UNDETECTED	   ? r.undetected_rate
		    : metric == SCM_RISK_UNDETECTED_HI	   ? r.undetected_hi
		    : metric == SCM_RISK_UNDETECTED_SECTORS ? r.undetected_sectors_rate
		    : metric == SCM_RISK_REFUSED	   ? r.refused_sectors_rate
							   : r.refused_sectors_hi;
		return value(v, out, "no field exposure (nothing written)", why, why_len);
	}
	case SCM_RECOVERY_POINTS:
	case SCM_RECOVERY_STATES:
	case SCM_RECOVERY_VIOLATING:
	case SCM_RECOVERY_SILENT:
	case SCM_RECOVERY_STALE:
	case SCM_RECOVERY_FALSE_POSITIVE:
	case SCM_RECOVERY_HUNG:
		return recovery(metric, m, &d, out, why, why_len);
	default:
		if (expect_needs_baseline(metric))
			return overhead(metric, &d, base, out, why, why_len);
		snprintf(why, why_len, "undefined: unknown metric %d", metric);
		return -1;
	}
	*out = v;
	return 0;
}

bool expect_holds(int op, double measured, double bound)
{
	switch (op) {
	case SC_OP_EQ:
		return measured == bound;
	case SC_OP_LE:
		return measured <= bound;
	case SC_OP_GE:
		return measured >= bound;
	case SC_OP_LT:
		return measured < bound;
	case SC_OP_GT:
		return measured > bound;
	default:
		return false;
	}
}

void expect_judge(const struct sc_expect *e, const struct run_metrics *m,
		  const struct run_metrics *base, struct expect_result *r)
{
	memset(r, 0, sizeof(*r));
	sc_expect_format(e, r->text, sizeof(r->text));
	if (expect_measure(e->metric, m, base, &r->measured, r->measured_text,
			   sizeof(r->measured_text)) != 0)
		return;
	r->defined = true;
	r->ok = expect_holds(e->op, r->measured, e->value);
	/* Ten significant digits, as report.json writes reals. */
	char num[48];
	if (r->measured == floor(r->measured) && fabs(r->measured) < 1e15)
		snprintf(num, sizeof(num), "%.0f", r->measured);
	else
		snprintf(num, sizeof(num), "%.10g", r->measured);
	/* A stalled run's numbers cover a prefix of the trace: said with each. */
	struct rep_derived d;
	rep_derive(m, &d);
	if (d.stalled) {
		char stall[96];
		verdict_stall_text(m, stall, sizeof(stall));
		snprintf(r->measured_text, sizeof(r->measured_text), "%s, partial: %s", num, stall);
	} else {
		snprintf(r->measured_text, sizeof(r->measured_text), "%s", num);
	}
}
