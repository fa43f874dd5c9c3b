/* The numbers of the comparison, derived once from each run's metrics. */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include "reports/compare_priv.h"

const struct cmp_metric cmp_metrics[CMP_METRICS] = {
	[CMP_CAPACITY] = { "capacity_mib_s", "capacity", 0 },
	[CMP_SUB_IOS] = { "sub_ios_per_request", "sub-I/Os per request", 0 },
	[CMP_BYTES] = { "bytes_per_user_byte", "bytes per user byte", 0 },
	[CMP_FLUSHES] = { "flushes_per_request", "flushes per request", 0 },
	[CMP_P50] = { "latency_p50_ns", "latency p50", 1 },
	[CMP_P99] = { "latency_p99_ns", "latency p99", 1 },
	[CMP_TPUT] = { "throughput_bytes_per_s", "throughput", 0 },
};

void cmp_faults_of(const struct run_metrics *m, struct cmp_faults *f)
{
	/* A fault still pending at a crash is judged by that crash's recovery:
	 * with crash states, the replay's `unread` is left out of the sum so
	 * no fault is counted both unread and judged. */
	bool crashed = m->crash_states > 0;

	memset(f, 0, sizeof(*f));
	for (int t = 0; t < FT_COUNT; t++) {
		for (int o = 0; o < FO_COUNT; o++) {
			uint64_t r = m->faults.n[t][o], c = m->crash_faults.n[t][o];
			uint64_t rs = (crashed && o == FO_UNREAD) ? 0 : r;

			f->replay[t][o] = r;
			f->crash[t][o] = c;
			f->n[t][o] = rs + c;
			f->replay[CMP_ALL][o] += r;
			f->crash[CMP_ALL][o] += c;
			f->n[CMP_ALL][o] += rs + c;
		}
	}
#ifndef NDEBUG
	/* the all-types row adds up the rows of each type */
	for (int o = 0; o < FO_COUNT; o++) {
		uint64_t sum = 0;

		for (int t = 0; t < FT_COUNT; t++)
			sum += f->n[t][o];
		assert(sum == f->n[CMP_ALL][o]);
	}
#endif
}

static void rate(uint64_t k, uint64_t n, struct cmp_rate *r)
{
	assert(k <= n); /* the counted are some of the total */
	r->k = k;
	r->n = n;
	r->value = n ? (double)k / (double)n : NAN;
	wilson95(k, n, &r->lo, &r->hi);
	assert(n == 0 || (r->lo <= r->value && r->value <= r->hi));
}

/* A percentage to one decimal, with more digits where one decimal would
 * round a bound that is not 0 or 100 onto 0.0 or 100.0. */
static void pct(char *b, size_t n, double x)
{
	double v = 100.0 * x;

	assert(v >= 0.0 && v <= 100.0); /* a rate of a total with n > 0 */
	if (v > 0.0 && v < 0.05)
		snprintf(b, n, "%.2g", v);
	else if (v < 100.0 && v >= 99.95)
		snprintf(b, n, "%.4f", v);
	else
		snprintf(b, n, "%.1f", v);
}

void cmp_rate_text(const struct cmp_rate *r, char *buf, size_t size)
{
	if (r->n == 0) {
		snprintf(buf, size, "n/a");
		return;
	}
	char v[32], lo[32], hi[32];
	pct(v, sizeof(v), r->value);
	pct(lo, sizeof(lo), r->lo);
	pct(hi, sizeof(hi), r->hi);
	snprintf(buf, size, "%s%% [%s, %s] n=%" PRIu64, v, lo, hi, r->n);
}

void cmp_rates_of(const uint64_t o[FO_COUNT], struct cmp_rates *r)
{
	r->injected = 0;
	for (int i = 0; i < FO_COUNT; i++)
		r->injected += o[i];
	/* Faults whose damage reached a read as bad data: the only ones a
	 * checksum can be judged on (masked ones left nothing to catch). */
	uint64_t bad = o[FO_DETECTED] + o[FO_SILENT] + o[FO_STALE];

	/* each fault has one outcome: the parts are within the whole */
	assert(bad <= r->injected && o[FO_UNREAD] <= r->injected - bad);
	rate(o[FO_DETECTED], bad, &r->detection);
	rate(o[FO_SILENT], bad, &r->silent);
	/* False alarms among every fault whose sectors were read again. */
	rate(o[FO_FALSE_POS], r->injected - o[FO_UNREAD], &r->false_pos);
}

int cmp_type_seen(const struct compare_input *in, uint32_t p, int t)
{
	for (uint32_t v = 0; v < in->n_variants; v++) {
		struct cmp_faults f;
		cmp_faults_of(compare_run(in, p, v), &f);
		for (int o = 0; o < FO_COUNT; o++)
			if (f.n[t][o])
				return 1;
	}
	return 0;
}

int cmp_baseline(const struct compare_input *in)
{
	for (uint32_t v = 0; v < in->n_variants; v++)
		if (!strcmp(in->variants[v], CMP_BASELINE))
			return (int)v;
	return -1;
}

static void absolute(const struct rep_derived *d, double *a)
{
	a[CMP_CAPACITY] = d->capacity_mib_s;
	a[CMP_SUB_IOS] = d->sub_ios_per_request;
	a[CMP_BYTES] = d->bytes_per_user_byte;
	a[CMP_FLUSHES] = d->flushes_per_request;
	a[CMP_P50] = (double)d->p50;
	a[CMP_P99] = (double)d->p99;
	a[CMP_TPUT] = d->throughput_bytes_s;
}

void cmp_cost_of(const struct compare_input *in, uint32_t p, uint32_t v, struct cmp_cost *c)
{
	rep_derive(compare_run(in, p, v), &c->d);
	absolute(&c->d, c->abs);
	int b = cmp_baseline(in);
	if (b < 0) {
		for (int k = 0; k < CMP_METRICS; k++)
			c->ratio[k] = NAN;
		return;
	}
	/* The same ratios as report.json's `overhead` (rep_overhead). */
	struct rep_derived base;
	struct rep_overhead o;
	rep_derive(compare_run(in, p, (uint32_t)b), &base);
	rep_overhead(&c->d, &base, &o);
	c->ratio[CMP_CAPACITY] = o.capacity;
	c->ratio[CMP_SUB_IOS] = o.sub_ios_per_request;
	c->ratio[CMP_BYTES] = o.bytes_per_user_byte;
	c->ratio[CMP_FLUSHES] = o.flushes_per_request;
	c->ratio[CMP_P50] = o.latency_p50;
	c->ratio[CMP_P99] = o.latency_p99;
	c->ratio[CMP_TPUT] = o.throughput;
}

void cmp_charts_of(const struct compare_input *in, uint32_t p, struct cmp_charts *c)
{
	c->outcomes = 0;
	for (uint32_t v = 0; v < in->n_variants && !c->outcomes; v++) {
		struct cmp_faults f;
		struct cmp_rates r;
		cmp_faults_of(compare_run(in, p, v), &f);
		for (int t = 0; t < FT_COUNT; t++) {
			cmp_rates_of(f.n[t], &r);
			if (r.detection.n)
				c->outcomes = 1;
		}
	}
	/* a ratio to draw on a log axis: finite and above 0 */
	c->overhead = 0;
	for (uint32_t v = 0; cmp_baseline(in) >= 0 && v < in->n_variants; v++) {
		struct cmp_cost cost;
		cmp_cost_of(in, p, v, &cost);
		for (int k = 0; k < CMP_METRICS; k++)
			if (isfinite(cost.ratio[k]) && cost.ratio[k] > 0)
				c->overhead = 1;
	}
	c->recovery = 0;
	c->progress = 0;
	for (uint32_t v = 0; v < in->n_variants; v++) {
		const struct run_metrics *m = compare_run(in, p, v);
		if (m->n_crashes)
			c->recovery = 1;
		if (m->tput.n_bins)
			c->progress = 1;
	}
}
