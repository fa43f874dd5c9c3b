/* Seeded randomness. Every random choice in csumsim comes from a cs_rng made
 * from the run's seed and a stream label, so that adding a consumer never
 * shifts the numbers another consumer sees. Distributions come from GSL. */
#ifndef CSUMSIM_UTIL_RNG_H
#define CSUMSIM_UTIL_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

struct cs_rng {
	gsl_rng *g; /* mt19937: portable, same sequence on every platform */
};

/* The splitmix64 finaliser: a bijective mix of 64 bits. */
static inline uint64_t cs_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Seed of the stream named `label` under `seed` (FNV-1a of the label, mixed). */
uint64_t cs_rng_stream_seed(uint64_t seed, const char *label);

/* Returns 0, or -1 when GSL cannot allocate. */
int cs_rng_init(struct cs_rng *r, uint64_t seed, const char *label);
void cs_rng_free(struct cs_rng *r);

uint64_t cs_rng_u64(struct cs_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t cs_rng_below(struct cs_rng *r, uint64_t n);
/* Uniform in [0, 1). */
double cs_rng_unit(struct cs_rng *r);

#endif
