/* Shared by the sweep report's writers (internal to reports/). */
#ifndef CSUMSIM_REPORTS_SWEEP_PRIV_H
#define CSUMSIM_REPORTS_SWEEP_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "reports/sweep_report.h"
#include "reports/verdict.h"
#include "scenarios/sc_expect.h"

/* One run as its point.json tells it. */
struct sw_run {
	struct sweep_coord co;
	double v[SCM_COUNT];
	bool def[SCM_COUNT];
	struct verdict vd;       /* the run's verdict (point.json "verdict") */
	bool has_vd;             /* false: a point.json written before verdicts */
};

/* Run k of sweep sc from its point.json (rel: its folder, for messages):
 * 0, or -1 with err naming the field. Fuzzed (tests/fuzz/fuzz_point.c). */
int sweep_point_from_json(const json_t *root, const char *rel, const struct scenario *sc,
			  uint64_t k, struct sw_run *r, struct cs_err *err);

/* mean, min and max of the defined values of a metric over some runs */
struct sw_stat {
	uint64_t n;
	double mean, min, max;
};

struct sw_data {
	const struct scenario *sc;
	uint64_t n;              /* runs */
	struct sw_run *runs;
	bool constant[SCM_COUNT];/* the same value (or undefined) in every run */
	bool any[SCM_COUNT];     /* defined in at least one run */
};

/* Metrics charted against each parameter, in chart order. */
extern const int sw_plot_metrics[];
extern const unsigned sw_n_plot_metrics;

/* Over the runs where parameter p has value index v (p < 0: every run) and,
 * when group >= 0, whose other parameters make combination `group`. */
void sw_stat_of(const struct sw_data *d, int p, uint32_t v, int64_t group, int metric,
		struct sw_stat *s);
/* The index of run r's combination of every parameter but p. */
uint32_t sw_group_of(const struct sw_data *d, const struct sw_run *r, uint32_t p);
/* A file-name-safe form of a key or a metric: '.' and other marks to '_'. */
void sw_safe(const char *s, char *buf, size_t n);
/* The plot's base name for metric against parameter p: "silent-vs-faults_rot_rate". */
struct sw_data;
void sw_plot_name(const struct sw_data *d, int metric, uint32_t p, char *buf, size_t n);
/* Whether the chart of metric against p is drawn. */
bool sw_plot_wanted(const struct sw_data *d, int metric, uint32_t p);
/* A number for a table: integers as such, others with 6 significant digits. */
void sw_num(double v, char *buf, size_t n);

int sw_write_plots(const char *dir, const struct sw_data *d, const char *gnuplot,
		   struct cs_err *err);
/* sweep.md and report.html (reports/sweep_doc.c). */
int sw_write_docs(const char *dir, const struct sw_data *d, const char *reproduce, bool plots,
		  struct cs_err *err);

#endif
