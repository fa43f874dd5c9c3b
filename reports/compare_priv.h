/* Shared by the comparison writers; not part of the public interface.
 * Every number the comparison prints is derived here, once, so that
 * compare.json, the CSVs, compare.md and the charts never disagree. */
#ifndef CSUMSIM_REPORTS_COMPARE_PRIV_H
#define CSUMSIM_REPORTS_COMPARE_PRIV_H

#include "reports/compare.h"
#include "reports/report_priv.h"

/* The variant every overhead ratio is taken against. */
#define CMP_BASELINE "none"

/* k out of n, with the Wilson 95% interval; value is NaN when n is 0 (the
 * interval is then [0, 1]: nothing is known). */
struct cmp_rate {
	uint64_t k, n;
	double value, lo, hi;
};

/* Fault outcomes of one run by fault type, from the replay (faults) and
 * from the crash states (crash_faults); row CMP_ALL sums the types. */
#define CMP_ALL FT_COUNT
struct cmp_faults {
	uint64_t replay[FT_COUNT + 1][FO_COUNT];
	uint64_t crash[FT_COUNT + 1][FO_COUNT];
	uint64_t n[FT_COUNT + 1][FO_COUNT]; /* replay + crash */
};

/* The rates of one row of outcomes:
 *   detection = detected / (detected + silent + stale)
 *   silent    = silent / (detected + silent + stale)
 *   false_pos = false_positive / (injected - unread) */
struct cmp_rates {
	uint64_t injected;
	struct cmp_rate detection, silent, false_pos;
};

/* "95.0% [88.1, 98.3] n=40" (Wilson 95% interval), "n/a" when n is 0. */
void cmp_rate_text(const struct cmp_rate *r, char *buf, size_t size);
void cmp_faults_of(const struct run_metrics *m, struct cmp_faults *f);
void cmp_rates_of(const uint64_t o[FO_COUNT], struct cmp_rates *r);
/* 1 when fault type t (or CMP_ALL) was injected in some variant on profile p. */
int cmp_type_seen(const struct compare_input *in, uint32_t p, int t);

/* The overhead metrics, in table order. */
enum {
	CMP_CAPACITY = 0,/* closed-loop capacity, MiB/s (NaN: not measured) */
	CMP_SUB_IOS,     /* sub-I/Os per user request */
	CMP_BYTES,       /* sub-I/O bytes per user byte */
	CMP_FLUSHES,     /* device cache flushes per user request */
	CMP_P50,         /* latency p50, ns */
	CMP_P99,         /* latency p99, ns */
	CMP_TPUT,        /* throughput, bytes per simulated second */
	CMP_METRICS
};
struct cmp_metric {
	const char *key;   /* JSON key and CSV column stem */
	const char *label; /* markdown and chart label */
	int integer;       /* an integer count (ns) rather than a real */
};
extern const struct cmp_metric cmp_metrics[CMP_METRICS];

/* One run's costs, absolute and as ratios to the `none` run of the same
 * profile (NaN when there is no such run or a denominator is 0). */
struct cmp_cost {
	struct rep_derived d;
	double abs[CMP_METRICS];
	double ratio[CMP_METRICS];
};
/* Index of the `none` variant, or -1. */
int cmp_baseline(const struct compare_input *in);
void cmp_cost_of(const struct compare_input *in, uint32_t p, uint32_t v, struct cmp_cost *c);

/* Which charts of profile p have data (compare.md and report.html show only
 * those). */
struct cmp_charts {
	int outcomes; /* some fault type reached a read in some variant */
	int overhead; /* `none` is among the variants, and a ratio is defined */
	int recovery; /* some variant has crash points */
	int progress; /* some variant completed user I/O */
};
void cmp_charts_of(const struct compare_input *in, uint32_t p, struct cmp_charts *c);

int cmp_write_json(const char *dir, const struct compare_input *in, struct cs_err *err);
int cmp_write_csv(const char *dir, const struct compare_input *in, struct cs_err *err);
/* compare.md and report.html, the same sections in two formats
 * (reports/compare_md.c); report.html inlines the charts, so it is written
 * after them. */
int cmp_write_md(const char *dir, const struct compare_input *in, struct cs_err *err);
int cmp_write_html(const char *dir, const struct compare_input *in, struct cs_err *err);
/* .gp and .dat files always; gnuplot run only when in->plots. */
int cmp_write_plots(const char *dir, const struct compare_input *in, struct cs_err *err);

#endif
