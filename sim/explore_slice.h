/* What one pass over the crash points explores of each (crash.budget and
 * --resume explore a point's states over several passes), and what a point
 * sends back beyond its crash report. Internal to sim/. */
#ifndef CSUMSIM_SIM_EXPLORE_SLICE_H
#define CSUMSIM_SIM_EXPLORE_SLICE_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "sim/run.h"
#include "sim/state_hash.h"
#include "util/err.h"

/* One crash point in one pass. */
struct point_extra {
	/* in: the states [lo, hi) in enumeration order (hi UINT64_MAX: all);
	 * count_only: only count the states (the crash report gets its header) */
	uint64_t lo, hi;
	bool count_only;
	const struct hash_set *prior; /* hashes of the states earlier passes met (NULL: none) */
	bool collect;                 /* keep the new distinct hashes in fresh */
	/* out */
	uint64_t space;               /* states this point has */
	uint64_t worst_badness;       /* of the worst state explored (the first of the worst) */
	struct state_hash *fresh;     /* distinct hashes not in prior (collect) */
	uint64_t n_fresh, cap_fresh;
};

/* What a pass gets back from one point: everything it adds to a run's
 * metrics, and the extra. */
struct point_result {
	int rc;
	struct cs_err err;
	struct crash_report cr;
	struct fault_outcomes crash_faults;
	uint64_t crash_states;
	uint64_t violations;       /* all of this point's; the first n_viol below */
	uint32_t n_viol;
	struct violation viol[VIOLATIONS_KEPT];
	struct sim_counts counts;
	uint64_t space, worst_badness, n_fresh;
	struct state_hash *fresh;  /* parent side: n_fresh of them (owned) */
};

/* A pass over the plan (sim_options.slice; NULL: every state of every point,
 * merged into the run's metrics as they come). With a slice, crash_pass
 * explores what it asks of each point and leaves the results in out[]
 * (plan index), merging nothing. */
struct explore_slice {
	bool count_only;
	const uint64_t *lo, *hi;         /* per plan index */
	const struct hash_set *prior;    /* per plan index, or NULL */
	struct point_result *out;        /* per plan index; rc -1 when not explored */
};

#endif
