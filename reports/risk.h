/* Risk per TB-year from a run with a field fault model (docs/METRICS.md,
 * "Risk per TB-year"): undetected corruptions (field fault episodes whose
 * reads returned wrong or old data as good; and those sectors) and good data
 * refused (sectors that failed although good), each as a rate per TB-year
 * of the field time the run stands for. Episodes are a Poisson count: exact
 * (Garwood) 95% interval. Sectors cluster within an episode: their interval
 * is the episode interval scaled by the sectors per judged episode (the
 * spread of cluster sizes is not in it). An analytic estimate where one
 * exists. */
#ifndef CSUMSIM_REPORTS_RISK_H
#define CSUMSIM_REPORTS_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/metrics.h"

struct rep_risk {
	bool on;                    /* the run had a field model */
	double tb_years;            /* the exposure */
	uint64_t events;            /* field fault episodes injected */
	uint64_t undetected, refused, detected, masked, unread;
	double undetected_rate, undetected_lo, undetected_hi; /* per TB-year */
	double refused_rate, refused_lo, refused_hi;           /* episodes refusing only */
	/* the same in sectors read back (silent + stale; false positive) */
	uint64_t undetected_sectors, refused_sectors;
	double undetected_sectors_rate, undetected_sectors_lo, undetected_sectors_hi;
	double refused_sectors_rate, refused_sectors_lo, refused_sectors_hi;
	unsigned tag_bits;          /* of the variant's checksum: 0 none */
	double analytic_undetected; /* per TB-year; NAN: no estimate */
};

/* Exact 95% interval for the mean of a Poisson count k (Garwood 1936, from
 * the chi-square quantiles): [*lo, *hi]; lo = 0 for k = 0. */
void poisson95(uint64_t k, double *lo, double *hi);
/* Bits of the checksum a variant keeps per sector (0: none), by name. */
unsigned risk_tag_bits(const char *variant);
void rep_risk(const struct run_metrics *m, struct rep_risk *r);

struct doc;
/* The risk table under the verdict: one row per run with a field model
 * (labels[i] names runs[i]); nothing when none has one. */
void risk_block(struct doc *d, const struct run_metrics *const *runs,
		const char *const *labels, size_t n);

#endif
