/* The knee of a time-scaling sweep (sweep.knee_p99_ms with host.time_scale
 * among the parameters): for each combination of the other parameters, the
 * highest arrival rate, as a multiple of the trace's (1 / time_scale), that
 * the scheme sustains: its run and every slower one unsaturated with latency
 * p99 within the bound, every replica. Internal to reports/. */
#ifndef CSUMSIM_REPORTS_SWEEP_KNEE_H
#define CSUMSIM_REPORTS_SWEEP_KNEE_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/doc.h"
#include "reports/jsonb.h"
#include "reports/sweep_priv.h"

struct sw_knee_row {
	char label[256];      /* "variant=rfc" (the other parameters), "" if none */
	double knee_rate;     /* highest sustained rate multiple; 0: not even the slowest */
	double fail_rate;     /* the first rate that failed; 0: none failed */
	char fail_why[64];    /* "saturated", "stalled", "p99 12.5 ms" */
	double p99_ns_at_knee;/* worst p99 over the replicas at the knee */
};

#define SW_KNEE_MAX_ROWS 1024

/* The rows, one per combination of the other parameters, in the order of
 * their first run. Returns the number of rows (0: no knee section). */
uint32_t sw_knee(const struct sw_data *d, struct sw_knee_row *rows, uint32_t max);

/* The knee section of sweep.md and report.html, and of sweep.json
 * (NULL when the sweep asks for no knee). */
void sw_knee_doc(struct doc *doc, const struct sw_data *d);
json_t *sw_knee_json(struct jb *b, const struct sw_data *d);

#endif
