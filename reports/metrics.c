/* Histograms, throughput series and the run_metrics container. */
#include "reports/metrics.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Bucket layout: values below HIST_SUB get one bucket each (exact); above,
 * power p (2^p <= v < 2^(p+1), p >= 6) is cut into HIST_SUB equal slices, so
 * a bucket is at most 1/64 of its lower edge wide. Group g = p - 5 holds
 * power p; group 0 is the exact range. Values past the last group land in
 * the last bucket (count, sum, min and max stay exact). */
#define HIST_BUCKETS ((size_t)HIST_POW * HIST_SUB)
#define HIST_SHIFT 6 /* log2(HIST_SUB) */

static size_t hist_index_of(uint64_t v)
{
	if (v < HIST_SUB)
		return (size_t)v;
	unsigned p = 63u - (unsigned)__builtin_clzll(v);
	size_t g = p - (HIST_SHIFT - 1);
	if (g >= HIST_POW)
		return HIST_BUCKETS - 1;
	size_t sub = (size_t)((v >> (p - HIST_SHIFT)) & (HIST_SUB - 1));
	return g * HIST_SUB + sub;
}

/* The bucket of v starts at or below v, and the next one above it. */
static size_t hist_index(uint64_t v)
{
	size_t i = hist_index_of(v);

	assert(i < HIST_BUCKETS && hist_bucket_low(i) <= v);
	assert(i + 1 == HIST_BUCKETS || v < hist_bucket_low(i + 1));
	return i;
}

uint64_t hist_bucket_low(size_t i)
{
	if (i < HIST_SUB)
		return i;
	if (i >= HIST_BUCKETS)
		return UINT64_MAX;
	size_t g = i / HIST_SUB, sub = i % HIST_SUB;
	return ((uint64_t)HIST_SUB + sub) << (g - 1);
}

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void hist_add(struct hist *h, uint64_t v)
{
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (h->count == 0 || v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	h->bucket[hist_index(v)]++;
	assert(h->min <= v && v <= h->max);
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	if (h->count == 0)
		return 0;
	if (!(q > 0.0))
		return h->min;
	if (q >= 1.0)
		return h->max;
	/* The rank-th smallest value, rank = ceil(q * count), at least 1. */
	double r = q * (double)h->count;
	uint64_t rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (rank == 0)
		rank = 1;
	uint64_t seen = 0;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			uint64_t hi = hist_bucket_low(i + 1);
			hi = hi == UINT64_MAX ? UINT64_MAX : hi - 1;
			if (hi > h->max)
				hi = h->max;
			if (hi < h->min)
				hi = h->min;
			assert(h->min <= hi && hi <= h->max); /* a value the histogram saw bounds */
			return hi;
		}
	}
	return h->max;
}

void hist_merge(struct hist *into, const struct hist *from)
{
	if (from->count == 0)
		return;
	if (into->count == 0 || from->min < into->min)
		into->min = from->min;
	if (into->count == 0 || from->max > into->max)
		into->max = from->max;
	into->count += from->count;
	into->sum += from->sum;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		into->bucket[i] += from->bucket[i];
}

/* ---- run_metrics ---- */

#define TPUT_DEFAULT_BIN_NS 1000000ull /* 1 ms, when the caller gives 0 */

void run_metrics_init(struct run_metrics *m, const char *variant, uint64_t tput_bin_ns)
{
	memset(m, 0, sizeof(*m));
	if (variant) {
		strncpy(m->variant, variant, sizeof(m->variant) - 1);
		m->variant[sizeof(m->variant) - 1] = '\0';
	}
	hist_init(&m->lat_all);
	hist_init(&m->lat_read);
	hist_init(&m->lat_write);
	hist_init(&m->lat_flush);
	m->tput.bin_ns = tput_bin_ns ? tput_bin_ns : TPUT_DEFAULT_BIN_NS;
	m->stalled_at = UINT64_MAX;
}

void run_metrics_free(struct run_metrics *m)
{
	free(m->crashes);
	free(m->records);
	free(m->viol);
	m->crashes = NULL;
	m->records = NULL;
	m->viol = NULL;
	m->n_crashes = m->cap_crashes = 0;
	m->n_records = m->cap_records = 0;
	m->n_viol = m->cap_viol = 0;
}

void recovery_crashes_add(struct recovery_crashes *into, const struct recovery_crashes *from)
{
	/* "of those": violating states are some of the states, crash points
	 * writes or flushes (mount_ios is not a whole here: a point's own
	 * message carries points = 1 and no mount count) */
	assert(from->violating <= from->states);
	assert(from->writes + from->flushes <= from->points);
	assert(from->n_kept <= from->violating && from->n_kept <= RECOVERY_KEPT);
	into->states_run += from->states_run;
	into->mount_ios += from->mount_ios;
	into->points += from->points;
	into->writes += from->writes;
	into->flushes += from->flushes;
	into->states += from->states;
	into->violating += from->violating;
	into->sectors_checked += from->sectors_checked;
	for (int k = 0; k < ORC_CLASS_COUNT; k++) {
		into->counts.sectors[k] += from->counts.sectors[k];
		into->counts.requests[k] += from->counts.requests[k];
	}
	into->counts.not_completed += from->counts.not_completed;
	/* ties keep the earlier one: the order of summing is fixed */
	if (from->worst_badness > into->worst_badness) {
		into->worst_badness = from->worst_badness;
		memcpy(into->worst, from->worst, sizeof(into->worst));
	}
	for (uint32_t i = 0; i < from->n_kept && into->n_kept < RECOVERY_KEPT; i++)
		into->kept[into->n_kept++] = from->kept[i];
	assert(into->n_kept <= into->violating);
}

int run_metrics_add_crash(struct run_metrics *m, const struct crash_report *c)
{
	if (m->n_crashes == m->cap_crashes) {
		if (m->cap_crashes >= UINT32_MAX / 2)
			return -1;
		uint32_t cap = m->cap_crashes ? m->cap_crashes * 2 : 16;
		struct crash_report *p = realloc(m->crashes, (size_t)cap * sizeof(*p));
		if (!p)
			return -1;
		m->crashes = p;
		m->cap_crashes = cap;
	}
	m->crashes[m->n_crashes++] = *c;
	return 0;
}

int run_metrics_add_record(struct run_metrics *m, const struct req_record *r)
{
	if (m->n_records == m->cap_records) {
		size_t cap = m->cap_records ? m->cap_records * 2 : 1024;
		if (cap > SIZE_MAX / sizeof(*r))
			return -1;
		struct req_record *p = realloc(m->records, cap * sizeof(*p));
		if (!p)
			return -1;
		m->records = p;
		m->cap_records = cap;
	}
	m->records[m->n_records++] = *r;
	return 0;
}

/* Halve the resolution: bin i of the new series is old bins 2i and 2i+1. */
static void tput_coarsen(struct tput_series *s)
{
	uint32_t n = (s->n_bins + 1) / 2;
#ifndef NDEBUG
	uint64_t before = 0, after = 0;

	for (uint32_t i = 0; i < s->n_bins; i++)
		before += s->read_bytes[i] + s->write_bytes[i];
#endif
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = 2 * i, b = 2 * i + 1;
		uint64_t r = s->read_bytes[a], w = s->write_bytes[a];
		if (b < s->n_bins) {
			r += s->read_bytes[b];
			w += s->write_bytes[b];
		}
		s->read_bytes[i] = r;
		s->write_bytes[i] = w;
	}
	for (uint32_t i = n; i < s->n_bins; i++)
		s->read_bytes[i] = s->write_bytes[i] = 0;
	s->n_bins = n;
	s->bin_ns *= 2;
#ifndef NDEBUG
	for (uint32_t i = 0; i < s->n_bins; i++)
		after += s->read_bytes[i] + s->write_bytes[i];
	assert(after == before); /* coarser bins, the same bytes */
#endif
}

void run_metrics_tput_add(struct run_metrics *m, uint64_t t_ns, uint8_t op, uint64_t bytes)
{
	struct tput_series *s = &m->tput;
	if (s->bin_ns == 0)
		s->bin_ns = TPUT_DEFAULT_BIN_NS;
	while (t_ns / s->bin_ns >= TPUT_MAX_BINS)
		tput_coarsen(s);
	uint32_t bin = (uint32_t)(t_ns / s->bin_ns);
	assert(bin < TPUT_MAX_BINS);
	if (bin >= s->n_bins)
		s->n_bins = bin + 1;
	if (op == CSUM_OP_READ)
		s->read_bytes[bin] += bytes;
	else if (op == CSUM_OP_WRITE)
		s->write_bytes[bin] += bytes;
}

/* ---- names ---- */

static const char *name_of(const char *const *names, size_t n, int i)
{
	if (i < 0 || (size_t)i >= n)
		return "unknown";
	return names[i];
}

#define NAME_OF(tab, i) name_of(tab, sizeof(tab) / sizeof(tab[0]), i)

const char *oracle_class_name(int c)
{
	static const char *const t[ORC_CLASS_COUNT] = {
		"correct", "stale", "false_positive", "detected", "silent",
	};
	return NAME_OF(t, c);
}

const char *csum_op_name(int op)
{
	static const char *const t[] = { "read", "write", "flush", "discard" };
	return NAME_OF(t, op);
}

const char *csum_role_name(int role)
{
	static const char *const t[CSUM_ROLE_COUNT] = {
		"data_read", "data_write", "imd_read", "imd_write",
		"flush", "journal_write", "bitmap_write",
	};
	return NAME_OF(t, role);
}

const char *csum_verdict_name(int v)
{
	static const char *const t[] = { "unchecked", "newer", "older", "mismatch", "nocheck" };
	return NAME_OF(t, v);
}

