#include "reports/numfmt.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* [-]digits[.digits] as an integer v over 10^k: with v <= 2^53 and
 * k <= 22 both are exact doubles, and one IEEE division rounds their
 * quotient correctly, as strtod rounds the decimal. Anything else: strtod. */
double numfmt_read(const char *s, size_t n)
{
	static const double p10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	uint64_t v = 0;
	unsigned k = 0, digits = 0;
	bool neg = n > 0 && s[0] == '-', dot = false;

	for (size_t i = neg; i < n; i++) {
		if (s[i] == '.' && !dot) {
			dot = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_C(1) << 53) / 10)
			goto slow;
		v = v * 10 + (uint64_t)(s[i] - '0');
		digits++;
		k += dot;
	}
	if (digits == 0 || v > (UINT64_C(1) << 53) || k >= sizeof(p10) / sizeof(p10[0]))
		goto slow;
	{
		double x = (double)v / p10[k];

		return neg ? -x : x;
	}
slow:;
	char buf[NUMFMT_MAX];

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return strtod(buf, NULL);
}
