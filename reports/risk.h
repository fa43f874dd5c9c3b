/* Risk per TB-year from a run with a field fault model (docs/METRICS.md,
 * "Risk per TB-year"): undetected corruptions (field faults whose reads
 * returned wrong or old data as good) and good data refused (field faults
 * on metadata that made good data fail), each as a rate per TB-year of the
 * field time the run stands for, with an exact (Garwood) 95% interval on
 * the Poisson count, and an analytic estimate where one exists. */
#ifndef CSUMSIM_REPORTS_RISK_H
#define CSUMSIM_REPORTS_RISK_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"

struct rep_risk {
	bool on;                    /* the run had a field model */
	double tb_years;            /* the exposure */
	uint64_t events;            /* field fault episodes injected */
	uint64_t undetected, refused, detected, masked, unread;
	double undetected_rate, undetected_lo, undetected_hi; /* per TB-year */
	double refused_rate, refused_lo, refused_hi;
	unsigned tag_bits;          /* of the variant's checksum: 0 none */
	double analytic_undetected; /* per TB-year; NAN: no estimate */
};

/* Exact 95% interval for the mean of a Poisson count k (Garwood 1936, from
 * the chi-square quantiles): [*lo, *hi]; lo = 0 for k = 0. */
void poisson95(uint64_t k, double *lo, double *hi);
/* Bits of the checksum a variant keeps per sector (0: none), by name. */
unsigned risk_tag_bits(const char *variant);
void rep_risk(const struct run_metrics *m, struct rep_risk *r);

#endif
