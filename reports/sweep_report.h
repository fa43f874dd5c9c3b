/* The report of a sweep (csumsim sweep, csumsim merge): every run's own
 * report under runs/K/ with its result in runs/K/point.json, and over them
 * sweep.json, sweep.csv, sweep.md, report.html and plots of each metric
 * against each swept parameter. The aggregate is computed from the
 * point.json files alone, so a merge of shards and a single machine write
 * the same bytes. What it holds: docs/SWEEP.md. */
#ifndef CSUMSIM_REPORTS_SWEEP_REPORT_H
#define CSUMSIM_REPORTS_SWEEP_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "scenarios/sweep.h"
#include "util/err.h"

/* The name of run k's directory inside the sweep's output: "runs/000042". */
void sweep_run_dir(uint64_t k, char *buf, size_t n);

/* Writes dir/point.json: run k's coordinates and the value of every
 * metric of scenarios/sc_expect.h (null where undefined). */
int sweep_point_write(const char *dir, const struct scenario *sweep, uint64_t k,
		      const struct sweep_coord *co, const struct run_metrics *m,
		      const struct run_metrics *base, struct cs_err *err);

struct sweep_report_input {
	const struct scenario *sweep; /* the sweep scenario (its params, replicas, seed) */
	const char *reproduce;        /* the command line that runs the whole sweep */
	bool plots;                   /* run gnuplot */
	const char *gnuplot;          /* NULL: "gnuplot" from PATH */
};

/* Reads dir/runs/K/point.json for every run K and writes the aggregate
 * files into dir (which the caller writes atomically). */
int sweep_report_write(const char *dir, const struct sweep_report_input *in,
		       struct cs_err *err);

/* The atomic output directory of a sweep or a shard, as the other reports
 * have it (reports/outdir.c): begin gives a temp dir to fill; commit
 * renames it in. `marker` is the file a previous output of this kind holds. */
struct sweep_outdir {
	char tmp[4200];
	void *priv;
};
int sweep_outdir_begin(struct sweep_outdir *d, const char *out_dir, const char *marker,
		       struct cs_err *err);
int sweep_outdir_commit(struct sweep_outdir *d, struct cs_err *err);
void sweep_outdir_abort(struct sweep_outdir *d);

#endif
