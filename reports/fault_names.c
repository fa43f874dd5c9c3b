/* Names of fault types and outcomes, and the Wilson interval used for
 * detection rates (docs/FAULTS.md). */
#include <assert.h>
#include <math.h>

#include "reports/metrics.h"

void wilson95(uint64_t k, uint64_t n, double *lo, double *hi)
{
	/* the 97.5% quantile of the standard normal */
	const double z = 1.959963985;
	double p, z2n, denom, centre, half;

	if (n == 0) {
		*lo = 0.0;
		*hi = 1.0;
		return;
	}
	if (k > n)
		k = n;
	p = (double)k / (double)n;
	z2n = z * z / (double)n;
	denom = 1.0 + z2n;
	centre = (p + z2n / 2.0) / denom;
	half = z * sqrt(p * (1.0 - p) / (double)n + z2n / (4.0 * (double)n)) / denom;
	*lo = centre - half;
	*hi = centre + half;
	/* exact bounds at the ends (rounding must not leave them a hair off) */
	if (k == 0 || *lo < 0.0)
		*lo = 0.0;
	if (k == n || *hi > 1.0)
		*hi = 1.0;
	/* a probability interval around the observed rate */
	assert(*lo >= 0.0 && *lo <= p && p <= *hi && *hi <= 1.0);
}

const char *fault_type_name(int t)
{
	static const char *const names[FT_COUNT] = {
		"cache_loss", "torn", "shorn", "lost_write", "misdirect",
		"bitrot", "lse", "io_error", "alloc",
	};

	if (t < 0 || t >= FT_COUNT)
		return "unknown";
	return names[t];
}

const char *fault_outcome_name(int o)
{
	static const char *const names[FO_COUNT] = {
		"detected", "silent", "stale", "false_positive", "masked", "unread",
	};

	if (o < 0 || o >= FO_COUNT)
		return "unknown";
	return names[o];
}
