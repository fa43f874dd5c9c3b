/* Synthetic request streams: sequential, uniform random, or Zipf hot spots,
 * with a read/write mix, sizes from a list, periodic empty flushes and FUA
 * writes, and exponential inter-arrival times. Every draw comes from one
 * cs_rng stream ("trace-gen") in a fixed order, so a seed fixes the stream. */
#include "traces/reader.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "util/rng.h"

#define GEN_WHERE "trace.generator"

struct trace_generator {
	struct sc_generator g;
	struct cs_rng rng;
	uint64_t span;       /* sectors [0, span) */
	uint64_t align;      /* >= 1 */
	uint64_t region_len; /* zipf: sectors per region, a multiple of align */
	gsl_ran_discrete_t *zipf;
	uint64_t made;       /* reads and writes so far */
	uint64_t writes;
	uint64_t cursor;     /* sequential */
	uint64_t now_ns;
	double carry_ns;     /* fraction of a ns not yet added to now_ns */
	bool started;
	bool flush_due;
};

static int gen_check(const struct sc_generator *g, uint64_t device_sectors, uint64_t span,
		     struct cs_err *err)
{
	if (device_sectors == 0)
		return cs_err_at(err, GEN_WHERE, 0, NULL, "the device has no sectors");
	if (g->pattern > SC_GEN_ZIPF)
		return cs_err_at(err, GEN_WHERE, 0, "pattern", "unknown pattern %d", g->pattern);
	if (g->span > device_sectors)
		return cs_err_at(err, GEN_WHERE, 0, "span",
				 "%llu sectors exceeds the device (%llu sectors)",
				 (unsigned long long)g->span, (unsigned long long)device_sectors);
	if (!(g->read_fraction >= 0.0 && g->read_fraction <= 1.0))
		return cs_err_at(err, GEN_WHERE, 0, "read_fraction", "%g is not in [0, 1]",
				 g->read_fraction);
	if (g->n_sizes == 0 || g->n_sizes > SC_MAX_SIZES)
		return cs_err_at(err, GEN_WHERE, 0, "sizes", "needs 1 to %d sizes, got %u",
				 SC_MAX_SIZES, g->n_sizes);
	for (uint32_t i = 0; i < g->n_sizes; i++)
		if (g->sizes[i] == 0 || g->sizes[i] > span)
			return cs_err_at(err, GEN_WHERE, 0, "sizes",
					 "size %u sectors is not in [1, %llu] (the span)", g->sizes[i],
					 (unsigned long long)span);
	if (g->align > span)
		return cs_err_at(err, GEN_WHERE, 0, "align", "%u exceeds the span", g->align);
	if (!(g->interarrival_us >= 0.0) || isinf(g->interarrival_us))
		return cs_err_at(err, GEN_WHERE, 0, "interarrival_us", "%g is not >= 0",
				 g->interarrival_us);
	/* The last request's time, with a wide margin for the exponential's
	 * spread, must stay on the simulator's uint64 ns clock. */
	if (((double)g->requests * 2.0 + 1000.0) * g->interarrival_us * 1000.0 > 0x1p63)
		return cs_err_at(err, GEN_WHERE, 0, "interarrival_us",
				 "%g us x %llu requests runs past the simulator's clock (2^63 ns)",
				 g->interarrival_us, (unsigned long long)g->requests);
	if (g->pattern == SC_GEN_ZIPF) {
		if (g->zipf_regions == 0)
			return cs_err_at(err, GEN_WHERE, 0, "zipf_regions", "must be at least 1");
		if (!(g->zipf_theta >= 0.0) || isinf(g->zipf_theta))
			return cs_err_at(err, GEN_WHERE, 0, "zipf_theta", "%g is not >= 0",
					 g->zipf_theta);
	}
	return 0;
}

static int gen_zipf_init(struct trace_generator *tg, struct cs_err *err)
{
	uint64_t slots = tg->span / tg->align;
	uint64_t regions = tg->g.zipf_regions;
	double *p;

	/* never more regions than aligned start positions */
	if (regions > slots)
		regions = slots;
	tg->region_len = (slots / regions) * tg->align;
	/* every region holds an aligned start and all of them fit the span */
	assert(regions >= 1 && tg->region_len >= tg->align && regions * tg->region_len <= tg->span);
	p = malloc(regions * sizeof(*p));
	if (p == NULL)
		return cs_err_set(err, GEN_WHERE ": out of memory");
	/* region k (0 = hottest) is drawn with probability ~ 1 / (k + 1)^theta */
	for (uint64_t k = 0; k < regions; k++)
		p[k] = 1.0 / pow((double)(k + 1), tg->g.zipf_theta);
	tg->zipf = gsl_ran_discrete_preproc(regions, p);
	free(p);
	if (tg->zipf == NULL)
		return cs_err_set(err, GEN_WHERE ": cannot build the Zipf table");
	return 0;
}

struct trace_generator *trace_gen_open(const struct sc_generator *g, uint64_t device_sectors,
				       uint64_t seed, struct cs_err *err)
{
	struct trace_generator *tg;
	uint64_t span = g->span != 0 ? g->span : device_sectors;

	if (gen_check(g, device_sectors, span, err) < 0)
		return NULL;
	tg = calloc(1, sizeof(*tg));
	if (tg == NULL) {
		cs_err_set(err, GEN_WHERE ": out of memory");
		return NULL;
	}
	tg->g = *g;
	tg->span = span;
	tg->align = g->align > 0 ? g->align : 1;
	if (cs_rng_init(&tg->rng, seed, "trace-gen") < 0) {
		cs_err_set(err, GEN_WHERE ": cannot create the random generator");
		free(tg);
		return NULL;
	}
	if (g->pattern == SC_GEN_ZIPF && gen_zipf_init(tg, err) < 0) {
		trace_gen_close(tg);
		return NULL;
	}
	return tg;
}

/* Aligned start in [lo, lo + room] for a request of `size`, room >= 0. */
static uint64_t gen_pick(struct trace_generator *tg, uint64_t lo, uint64_t room)
{
	uint64_t s = lo + cs_rng_below(&tg->rng, room / tg->align + 1) * tg->align;

	assert(s >= lo && s - lo <= room && (s - lo) % tg->align == 0);
	return s;
}

static uint64_t gen_sector(struct trace_generator *tg, uint64_t size)
{
	uint64_t s;

	switch (tg->g.pattern) {
	case SC_GEN_SEQUENTIAL:
		if (tg->cursor + size > tg->span)
			tg->cursor = 0; /* wrap */
		s = tg->cursor;
		tg->cursor = (s + size + tg->align - 1) / tg->align * tg->align;
		return s;
	case SC_GEN_ZIPF: {
		uint64_t k = (uint64_t)gsl_ran_discrete(tg->rng.g, tg->zipf);
		uint64_t lo = k * tg->region_len;

		/* a request larger than its region starts at the region and is
		 * pulled back so that it ends inside the span */
		if (size <= tg->region_len)
			return gen_pick(tg, lo, tg->region_len - size);
		if (lo + size > tg->span)
			lo = (tg->span - size) / tg->align * tg->align;
		return lo;
	}
	default:
		return gen_pick(tg, 0, tg->span - size);
	}
}

static void gen_advance(struct trace_generator *tg)
{
	double gap;

	if (!tg->started) {
		tg->started = true; /* the first request is at time 0 */
		return;
	}
	if (tg->g.interarrival_us <= 0.0)
		return;
	gap = gsl_ran_exponential(tg->rng.g, tg->g.interarrival_us) * 1000.0 + tg->carry_ns;
	tg->carry_ns = gap - floor(gap);
	/* trace_gen_open bounded requests x mean far below 2^63 ns */
	assert(floor(gap) < 0x1p63 && tg->now_ns + (uint64_t)floor(gap) >= tg->now_ns);
	tg->now_ns += (uint64_t)floor(gap);
}

int trace_gen_next(struct trace_generator *tg, struct trace_raw *out)
{
	uint64_t size;

	if (tg->flush_due) {
		tg->flush_due = false;
		gen_advance(tg);
		out->time_ns = tg->now_ns;
		out->sector = 0;
		out->count = 0;
		out->op = CSUM_OP_FLUSH;
		out->flags = CSUM_RQ_PREFLUSH;
		return 1;
	}
	if (tg->made >= tg->g.requests)
		return 0;
	tg->made++;
	assert(tg->writes < tg->made); /* writes are some of the requests made */
	/* draw order: op, size, position, gap */
	out->op = cs_rng_unit(&tg->rng) < tg->g.read_fraction ? CSUM_OP_READ : CSUM_OP_WRITE;
	size = tg->g.sizes[tg->g.n_sizes == 1 ? 0 : cs_rng_below(&tg->rng, tg->g.n_sizes)];
	out->sector = gen_sector(tg, size);
	/* inside the span (so the device), starting aligned */
	assert(size >= 1 && size <= tg->span && out->sector <= tg->span - size);
	assert(out->sector % tg->align == 0);
	out->count = size;
	out->flags = 0;
	gen_advance(tg);
	out->time_ns = tg->now_ns;
	if (out->op == CSUM_OP_WRITE) {
		tg->writes++;
		if (tg->g.fua_every != 0 && tg->writes % tg->g.fua_every == 0)
			out->flags |= CSUM_RQ_FUA;
		if (tg->g.flush_every != 0 && tg->writes % tg->g.flush_every == 0)
			tg->flush_due = true;
	}
	return 1;
}

void trace_gen_close(struct trace_generator *tg)
{
	if (tg == NULL)
		return;
	if (tg->zipf != NULL)
		gsl_ran_discrete_free(tg->zipf);
	cs_rng_free(&tg->rng);
	free(tg);
}
