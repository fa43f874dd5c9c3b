/* A sweep: a scenario whose `sweep:` section lists values for some of its
 * keys. It expands into the cartesian product of those values, times
 * `replicas` seeds; run K is the base scenario with K's values applied as
 * --set would apply them and a seed derived from the sweep's seed and K's
 * values, so any run can be re-run alone (csumsim run FILE --point K). */
#ifndef CSUMSIM_SCENARIOS_SWEEP_H
#define CSUMSIM_SCENARIOS_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "scenarios/scenario.h"
#include "util/err.h"

/* Where one run sits in the sweep. */
struct sweep_coord {
	uint32_t value[SC_MAX_SWEEP_PARAMS]; /* index into each parameter's values */
	uint32_t replica;
	uint64_t seed;                       /* the run's seed */
};

/* The number of runs: the product of the value counts, times replicas. */
uint64_t sweep_count(const struct scenario *s);

/* The coordinates of run k (< sweep_count): the first parameter varies
 * slowest, the replica fastest. */
void sweep_coord_of(const struct scenario *s, uint64_t k, struct sweep_coord *co);

/* Run k as a scenario of its own: the base with run k's values applied in
 * the order the parameters are listed, its seed, no sweep section, name
 * "NAME.k"; validated. 0, or -1 with err naming the file and the run. */
int sweep_point(const struct scenario *base, uint64_t k, struct scenario *out,
		struct sweep_coord *co, struct cs_err *err);

/* "variant=rfc faults.rot.rate=1e-06 replica=0": what identifies run k. */
void sweep_label(const struct scenario *s, const struct sweep_coord *co, char *buf, size_t n);

/* A value as the report shows it: YAML text without quotes around a
 * quoted scalar. */
void sweep_value_text(const char *yaml, char *buf, size_t n);

/* A fingerprint of the sweep as a whole (every key of the base, the
 * lists, the seed): shards of the same sweep have the same one. */
uint64_t sweep_fingerprint(const char *scenario_yaml);

#endif
