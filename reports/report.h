/* The report of one run: report.json, summary.md, CSVs and gnuplot plots in
 * one directory. What every number means: docs/METRICS.md. */
#ifndef CSUMSIM_REPORTS_REPORT_H
#define CSUMSIM_REPORTS_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "util/err.h"

struct report_input {
	const char *scenario_yaml;      /* effective scenario, canonical YAML text */
	const char *scenario_name;
	uint64_t seed;
	const struct run_metrics *run;      /* the variant under test */
	const struct run_metrics *baseline; /* variant `none` on the same trace, or NULL */
	bool plots;                     /* run gnuplot */
	bool per_request_csv;
	const char *reproduce;          /* the command line that reproduces this run */
	const char *gnuplot;            /* program to run for plots; NULL: "gnuplot" from PATH */
	/* More files for the report directory (reproducer scenarios), written
	 * with the rest, atomically. Names may hold one directory level. */
	const struct report_file *extra;
	size_t n_extra;
	/* File names of the reproducers of run->viol[i], in order (n_viol of
	 * them, or NULL): report.json and summary.md point to them. */
	const char *const *reproducers;
	/* Those of the violating states of crashes during recovery, in the
	 * order of the run's kept list (rep_derived.recovery.kept), or NULL. */
	const char *const *recovery_reproducers;
};

struct report_file {
	const char *name;     /* relative, e.g. "reproducers/violation-0.yaml" */
	const char *content;  /* text */
};

/* One such file into dir (its one subfolder made); 0, or -1 with err. */
int report_write_extra(const char *dir, const struct report_file *f, struct cs_err *err);

/* Writes the report into out_dir atomically: everything goes to a fresh
 * sibling temp dir first, renamed over out_dir only when complete; on error
 * nothing half-written remains. An existing out_dir is replaced only when it
 * is empty or holds a report.json (a previous report); anything else is an
 * error, so a mistyped path never deletes unrelated files. The parent of
 * out_dir must exist. Returns 0, or -1 with err set. */
int report_write(const char *out_dir, const struct report_input *in, struct cs_err *err);

/* Before any work: would writing an output (whose main file is `marker`:
 * report.json, compare.json, sweep.json...) into out_dir succeed as far as
 * can be told now? '-' and "" are refused, as are an existing out_dir that
 * would not be replaced and a parent that cannot be written. Also puts back
 * or removes what a killed run left next to out_dir (reports/outdir.c). */
int report_outdir_check(const char *out_dir, const char *marker, struct cs_err *err);
/* `dir`, or its nearest existing ancestor when folders are still to be made,
 * is a directory this process can write in (a read-only mount is not). */
int report_writable_place(const char *dir, struct cs_err *err);

#endif
