/* Numbers the report derives from raw counters, computed in one place so
 * that report.json and summary.md can never disagree. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_priv.h"

double rep_ratio(double num, double den)
{
	if (den == 0.0)
		return NAN;
	return num / den;
}

void rep_derive(const struct run_metrics *m, struct rep_derived *d)
{
	memset(d, 0, sizeof(*d));
	for (int op = 0; op < 4; op++)
		d->requests += m->user_requests[op];
	d->user_bytes = (m->user_sectors[CSUM_OP_READ] + m->user_sectors[CSUM_OP_WRITE]) *
			(uint64_t)CSUM_SECTOR;
	for (uint32_t i = 0; i < m->tput.n_bins && i < TPUT_MAX_BINS; i++)
		d->completed_bytes += m->tput.read_bytes[i] + m->tput.write_bytes[i];
	for (int r = 0; r < CSUM_ROLE_COUNT; r++) {
		d->sub_ios += m->sub_ios[r];
		d->sub_io_bytes += m->sub_io_sectors[r] * (uint64_t)CSUM_SECTOR;
	}
	for (uint32_t i = 0; i < m->n_devs && i < CSUM_MAX_DEVS; i++)
		d->dev_flushes += m->dev[i].flushes;
	double req = (double)d->requests;
	d->sub_ios_per_request = rep_ratio((double)d->sub_ios, req);
	d->bytes_per_user_byte = rep_ratio((double)d->sub_io_bytes, (double)d->user_bytes);
	d->flushes_per_request = rep_ratio((double)d->dev_flushes, req);
	d->flush_sub_ios_per_request = rep_ratio((double)m->sub_ios[CSUM_ROLE_FLUSH], req);
	d->throughput_bytes_s = rep_ratio((double)d->completed_bytes * 1e9, (double)m->sim_time_ns);
	d->p50 = hist_quantile(&m->lat_all, 0.5);
	d->p99 = hist_quantile(&m->lat_all, 0.99);
	assert(d->p50 <= d->p99); /* quantiles grow with q */
	d->capacity_mib_s = m->capacity.measured ? m->capacity.mib_s : NAN;
	for (int op = 0; op < 4; op++)
		d->hung += m->user_hung[op];
	d->stalled = m->stalled_at != UINT64_MAX || d->hung > 0 || m->user_not_submitted > 0 ||
		     (m->capacity.measured && m->capacity.stalled);
	for (uint32_t i = 0; i < m->n_crashes; i++) {
		const struct crash_report *c = &m->crashes[i];
		for (int k = 0; k < ORC_CLASS_COUNT; k++) {
			d->crash_totals.sectors[k] += c->counts.sectors[k];
			d->crash_totals.requests[k] += c->counts.requests[k];
		}
		d->crash_totals.not_completed += c->counts.not_completed;
		d->crash_sectors_checked += c->sectors_checked;
		recovery_crashes_add(&d->recovery, &c->recovery);
	}
}

void rep_overhead(const struct rep_derived *run, const struct rep_derived *base,
		  struct rep_overhead *o)
{
	o->sub_ios_per_request = rep_ratio(run->sub_ios_per_request, base->sub_ios_per_request);
	o->bytes_per_user_byte = rep_ratio(run->bytes_per_user_byte, base->bytes_per_user_byte);
	o->flushes_per_request = rep_ratio(run->flushes_per_request, base->flushes_per_request);
	o->latency_p50 = rep_ratio((double)run->p50, (double)base->p50);
	o->latency_p99 = rep_ratio((double)run->p99, (double)base->p99);
	o->throughput = rep_ratio(run->throughput_bytes_s, base->throughput_bytes_s);
	o->capacity = rep_ratio(run->capacity_mib_s, base->capacity_mib_s);
	/* NaN / x stays NaN; x / NaN too: an undefined side leaves it undefined. */
}

/* Severity key of a crash, compared class by class, worst class first. */
static int crash_cmp(const struct run_metrics *m, uint32_t a, uint32_t b)
{
	static const int order[] = { ORC_SILENT, ORC_STALE, ORC_FALSE_POS, ORC_DETECTED };
	const struct crash_report *x = &m->crashes[a], *y = &m->crashes[b];
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint64_t u = x->counts.sectors[order[i]], v = y->counts.sectors[order[i]];
		if (u != v)
			return u > v ? -1 : 1;
	}
	return a < b ? -1 : (a > b);
}

uint32_t *rep_crashes_by_severity(const struct run_metrics *m)
{
	if (m->n_crashes == 0)
		return NULL;
	uint32_t *idx = malloc((size_t)m->n_crashes * sizeof(*idx));
	if (!idx)
		return NULL;
	/* Insertion sort would be quadratic on thousands of crashes; a plain
	 * merge sort keeps it stable and avoids qsort's missing context. */
	uint32_t *tmp = malloc((size_t)m->n_crashes * sizeof(*tmp));
	if (!tmp) {
		free(idx);
		return NULL;
	}
	uint32_t n = m->n_crashes;
	for (uint32_t i = 0; i < n; i++)
		idx[i] = i;
	for (uint64_t w = 1; w < n; w *= 2) {
		for (uint64_t lo = 0; lo < n; lo += 2 * w) {
			uint64_t mid = lo + w < n ? lo + w : n;
			uint64_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint64_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = crash_cmp(m, idx[i], idx[j]) <= 0 ? idx[i++] : idx[j++];
			while (i < mid)
				tmp[k++] = idx[i++];
			while (j < hi)
				tmp[k++] = idx[j++];
		}
		memcpy(idx, tmp, (size_t)n * sizeof(*idx));
	}
	free(tmp);
#ifndef NDEBUG
	/* worst first, a permutation of the crashes (ties by index: stable) */
	for (uint32_t i = 1; i < n; i++)
		assert(crash_cmp(m, idx[i - 1], idx[i]) < 0);
#endif
	return idx;
}

uint32_t rep_crash_group(uint32_t n_crashes)
{
	uint32_t g;

	if (n_crashes <= REP_MAX_BARS)
		return 1;
	g = (n_crashes + REP_MAX_BARS - 1) / REP_MAX_BARS;
	/* groups of g crashes: at most REP_MAX_BARS bars, every crash in one */
	assert((uint64_t)g * REP_MAX_BARS >= n_crashes && (n_crashes + g - 1) / g <= REP_MAX_BARS);
	return g;
}

void rep_variant_name(const struct run_metrics *m, const char *unsafe, char repl, char *buf,
		      size_t size)
{
	size_t n = strnlen(m->variant, sizeof(m->variant));

	if (n >= size)
		n = size - 1;
	memcpy(buf, m->variant, n);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (strchr(unsafe, buf[i]) != NULL)
			buf[i] = repl;
}
