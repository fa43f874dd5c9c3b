/* Risk per TB-year (reports/risk.h). */
#include "reports/risk.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

void poisson95(uint64_t k, double *lo, double *hi)
{
	*lo = k == 0 ? 0 : gsl_cdf_chisq_Pinv(0.025, 2.0 * (double)k) / 2;
	*hi = gsl_cdf_chisq_Pinv(0.975, 2.0 * (double)k + 2) / 2;
	/* the exact interval holds the count seen */
	assert(*lo >= 0 && *lo <= (double)k && (double)k <= *hi);
}

/* From the variants' own descriptions (csumsim help variants): CRC-CCITT
 * (16 bits) unless the name or the family says otherwise. */
unsigned risk_tag_bits(const char *v)
{
	if (strcmp(v, "none") == 0)
		return 0;
	if (strncmp(v, "dmi-", 4) == 0 || strstr(v, "crc32c") != NULL)
		return 32;
	if (strstr(v, "xxh64") != NULL || strcmp(v, "fixed-strong") == 0)
		return 64;
	return 16;
}

/* Field faults are recorded as bit rot (mismatches) and latent errors; a
 * crash state's read-back judges the ones pending at its crash, so with
 * several states each pending fault is counted once per state: the mean
 * over states is taken (docs/METRICS.md). */
static uint64_t count(const struct run_metrics *m, int o)
{
	const int types[2] = { FT_BITROT, FT_LSE };
	uint64_t replay = 0, crash = 0;
	uint64_t states = m->crash_states > 0 ? m->crash_states : 1;

	for (int i = 0; i < 2; i++) {
		replay += m->faults.n[types[i]][o];
		crash += m->crash_faults.n[types[i]][o];
	}
	if (o == FO_UNREAD && m->crash_states > 0) {
		/* the replay's unread ones were judged by the crash states */
		replay = 0;
	}
	return replay + (crash + states / 2) / states;
}

/* Sectors read back in a class: the replay's reads and the crash states'
 * read-backs (their mean over states). */
static uint64_t sectors(const struct run_metrics *m, int c)
{
	uint64_t crash = 0, states = m->crash_states > 0 ? m->crash_states : 1;

	for (uint32_t i = 0; i < m->n_crashes; i++)
		crash += m->crashes[i].counts.sectors[c];
	return m->reads.sectors[c] + (crash + states / 2) / states;
}

/* Sectors per judged episode times the episodes' interval. */
static void scaled(uint64_t sec, uint64_t judged, double tby, double *r, double *lo, double *hi)
{
	double per = judged > 0 ? (double)sec / (double)judged : 0;

	poisson95(judged, lo, hi);
	*r = tby > 0 ? (double)sec / tby : NAN;
	*lo = tby > 0 ? *lo * per / tby : NAN;
	*hi = tby > 0 ? (sec == 0 ? 0 : *hi * per / tby) : NAN;
}

static void rate(uint64_t k, double tby, double *r, double *lo, double *hi)
{
	poisson95(k, lo, hi);
	*r = tby > 0 ? (double)k / tby : NAN;
	*lo = tby > 0 ? *lo / tby : NAN;
	*hi = tby > 0 ? *hi / tby : NAN;
}

void rep_risk(const struct run_metrics *m, struct rep_risk *r)
{
	const struct field_exposure *f = &m->field;
	char v[sizeof(m->variant) + 1];

	memset(r, 0, sizeof(*r));
	r->analytic_undetected = NAN;
	if (!f->on)
		return;
	memcpy(v, m->variant, sizeof(m->variant));
	v[sizeof(m->variant)] = '\0';
	r->on = true;
	r->tb_years = f->tb_years;
	r->events = f->episodes[0] + f->episodes[1];
	r->undetected = count(m, FO_SILENT) + count(m, FO_STALE);
	r->refused = count(m, FO_FALSE_POS);
	r->detected = count(m, FO_DETECTED);
	r->masked = count(m, FO_MASKED);
	r->unread = count(m, FO_UNREAD);
	rate(r->undetected, r->tb_years, &r->undetected_rate, &r->undetected_lo,
	     &r->undetected_hi);
	rate(r->refused, r->tb_years, &r->refused_rate, &r->refused_lo, &r->refused_hi);
	{
		uint64_t judged = r->undetected + r->refused + r->detected;

		r->undetected_sectors = sectors(m, ORC_SILENT) + sectors(m, ORC_STALE);
		r->refused_sectors = sectors(m, ORC_FALSE_POS);
		scaled(r->undetected_sectors, judged, r->tb_years, &r->undetected_sectors_rate,
		       &r->undetected_sectors_lo, &r->undetected_sectors_hi);
		scaled(r->refused_sectors, judged, r->tb_years, &r->refused_sectors_rate,
		       &r->refused_sectors_lo, &r->refused_sectors_hi);
		if (r->undetected_sectors == 0) /* none seen: the episode bound holds */
			r->undetected_sectors_hi = r->undetected_hi;
		if (r->refused_sectors == 0)
			r->refused_sectors_hi = r->refused_hi;
	}
	r->tag_bits = risk_tag_bits(v);
	/* every mismatch episode read back, each of its sectors missed by a
	 * b-bit checksum with probability 2^-b (all of them with none); a
	 * mismatch flips an even number of bits (FIELD_CM_BITS), which the
	 * 16-bit CRC-CCITT passes with probability 2^-15, not 2^-16 (its
	 * (x+1) factor: docs/FAULTS.md, "What to expect analytically"); latent
	 * errors are reported by the drive, never silent */
	r->analytic_undetected =
		f->cm_per_tb_year *
		(r->tag_bits == 0
			 ? 1.0
			 : fmin(1.0, f->cm_sectors * ldexp(1.0, -(int)r->tag_bits +
								 (r->tag_bits == 16))));
}
