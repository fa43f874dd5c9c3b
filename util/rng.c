#include "util/rng.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "util/fnv.h"

uint64_t cs_rng_stream_seed(uint64_t seed, const char *label)
{
	const char *l = label ? label : "";

	return cs_mix64(seed ^ cs_mix64(cs_fnv_bytes(CS_FNV_OFFSET, l, strlen(l))));
}

int cs_rng_init(struct cs_rng *r, uint64_t seed, const char *label)
{
	uint64_t s = cs_rng_stream_seed(seed, label);

	r->g = gsl_rng_alloc(gsl_rng_mt19937);
	if (r->g == NULL)
		return -1;
	/* mt19937 takes an unsigned long seed; fold so both halves count. */
	gsl_rng_set(r->g, (unsigned long)((s ^ (s >> 32)) & 0xffffffffUL));
	return 0;
}

void cs_rng_free(struct cs_rng *r)
{
	if (r->g != NULL)
		gsl_rng_free(r->g);
	r->g = NULL;
}

uint64_t cs_rng_u64(struct cs_rng *r)
{
	assert(r->g != NULL); /* drawn from after cs_rng_free: a lost stream */
	/* mt19937 yields 32 bits per draw. */
	uint64_t hi = gsl_rng_get(r->g) & 0xffffffffUL;
	uint64_t lo = gsl_rng_get(r->g) & 0xffffffffUL;

	return (hi << 32) | lo;
}

uint64_t cs_rng_below(struct cs_rng *r, uint64_t n)
{
	uint64_t limit, x;

	if (n <= 1)
		return 0;
	limit = UINT64_MAX - (UINT64_MAX % n);
	do {
		x = cs_rng_u64(r);
	} while (x >= limit);
	return x % n;
}

double cs_rng_unit(struct cs_rng *r)
{
	double u = (double)(cs_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);

	assert(u >= 0.0 && u < 1.0);
	return u;
}
