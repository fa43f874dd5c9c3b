/* The comparison report: several variants, each run on the same trace, seed
 * and fault schedule on one or more disk profiles, side by side. Writes
 * compare.json, compare.md, matrix.csv (fault type x variant outcomes with
 * 95% intervals), overhead.csv (costs as ratios to `none`), crash.csv and
 * gnuplot charts, and report.html (the tables and charts on one page) into
 * one directory. Definitions: docs/COMPARE.md. */
#ifndef CSUMSIM_REPORTS_COMPARE_H
#define CSUMSIM_REPORTS_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "util/err.h"

struct report_file;

/* Names of variants and profiles become file names and table cells, so they
 * are limited to letters, digits, '_', '-' and '.', at most this long. */
#define COMPARE_NAME_MAX 63
/* At most this many variants and profiles in one comparison. */
#define COMPARE_MAX_VARIANTS 32
#define COMPARE_MAX_PROFILES 8

struct compare_input {
	const char *scenario_yaml;  /* effective scenario, canonical YAML text */
	const char *scenario_name;
	uint64_t seed;
	const char *reproduce;      /* the command line that reproduces this comparison */
	uint32_t n_variants;        /* 1 to COMPARE_MAX_VARIANTS, names distinct */
	const char *const *variants;
	uint32_t n_profiles;        /* 1 to COMPARE_MAX_PROFILES, names distinct ("ssd", ...) */
	const char *const *profiles;
	/* n_profiles * n_variants runs, profile-major: the run of variant v on
	 * profile p is runs[p * n_variants + v]; none may be NULL. */
	const struct run_metrics *const *runs;
	bool plots;                 /* run gnuplot (the .gp and .dat files are always written) */
	const char *gnuplot;        /* program to run for plots; NULL: "gnuplot" from PATH */
	/* more files to write beside it (explore/P.V.state), n_extra of them */
	const struct report_file *extra;
	size_t n_extra;
};

/* The run of variant v on profile p. */
static inline const struct run_metrics *compare_run(const struct compare_input *in, uint32_t p,
						    uint32_t v)
{
	return in->runs[(size_t)p * in->n_variants + v];
}

/* Writes the comparison into out_dir atomically, like report_write: built in
 * a fresh sibling temp dir, renamed into place when complete; on error
 * nothing half-written remains. An existing out_dir is replaced only when it
 * is empty or holds a compare.json. The parent of out_dir must exist.
 * Returns 0, or -1 with err set. */
int compare_write(const char *out_dir, const struct compare_input *in, struct cs_err *err);

#endif
