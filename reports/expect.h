/* Expectations judged against what a run measured: the value of each metric
 * of scenarios/sc_expect.h from a struct run_metrics (and the baseline's, for
 * the overhead ratios), and whether an expectation holds. The numbers are
 * the report's own (reports/derived.c), so a check and report.json can never
 * disagree. Definitions: docs/SCENARIO.md, `expect`. */
#ifndef CSUMSIM_REPORTS_EXPECT_H
#define CSUMSIM_REPORTS_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/metrics.h"
#include "scenarios/scenario.h"

/* True for the metrics that are ratios to the baseline `none`. */
bool expect_needs_baseline(int metric);
/* True when any expectation of the scenario needs the baseline. */
bool expect_any_needs_baseline(const struct scenario *sc);

/* The value of metric in the run m (base: the baseline's metrics, or NULL).
 * 0 and *out; -1 when it is undefined here (a zero denominator, no
 * baseline, an unknown metric), with the reason in why. */
int expect_measure(int metric, const struct run_metrics *m, const struct run_metrics *base,
		   double *out, char *why, size_t why_len);

/* measured OP bound. */
bool expect_holds(int op, double measured, double bound);

/* One expectation judged. */
struct expect_result {
	bool ok;
	bool defined;      /* false: the metric had no value (ok is false then) */
	double measured;
	char text[160];    /* the expectation, "false_positive == 0" */
	char measured_text[160]; /* "4", "0.9999", or why it is undefined */
};

void expect_judge(const struct sc_expect *e, const struct run_metrics *m,
		  const struct run_metrics *base, struct expect_result *r);

#endif
