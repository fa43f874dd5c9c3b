#include "reports/numfmt.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

size_t numfmt_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

static size_t by_printf(char *buf, double x, unsigned prec)
{
	int n = snprintf(buf, NUMFMT_MAX, "%.*f", (int)prec, x);

	assert(n > 0 && n < NUMFMT_MAX); /* DBL_MAX is 309 digits */
	return (size_t)n;
}

/* printf rounds the exact binary value of x scaled by 10^prec to the
 * nearest integer. y = x * 10^prec in doubles is within half an ulp of that
 * product (10^prec is exact), so unless y's fraction lies within an ulp of
 * one half, y rounds the same way; otherwise printf decides. */
size_t numfmt_fixed(char *buf, double x, unsigned prec)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
	static const uint64_t u10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
					100000000, 1000000000 };

	assert(prec < sizeof(p10) / sizeof(p10[0]));
	/* negatives (and -0.0, printed "-0.0..."), NaN, and what does not fit
	 * well below 2^52 once scaled: printf's */
	if (!(x >= 0.0) || signbit(x) || x >= 0x1p50 / p10[prec])
		return by_printf(buf, x, prec);
	double y = x * p10[prec];
	double whole = floor(y);
	double frac = y - whole; /* exact: y < 2^50 */
	double ulp = y * 0x1p-51;  /* at least one ulp of y (y's ulp <= y * 2^-52) */

	if (fabs(frac - 0.5) <= ulp)
		return by_printf(buf, x, prec);
	uint64_t n = (uint64_t)whole + (frac > 0.5);
	uint64_t ip = n / u10[prec], fp = n % u10[prec];
	size_t len = numfmt_u64(buf, ip);

	if (prec > 0) {
		buf[len++] = '.';
		for (unsigned i = prec; i-- > 0;) {
			buf[len + i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		len += prec;
		buf[len] = '\0';
	}
	assert(fp == 0);
	return len;
}
