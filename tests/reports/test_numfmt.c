/* reports/numfmt.c writes what printf writes, byte for byte: on the values
 * the report writers print (MiB of whole bytes, bin times, fractions of
 * counts), on exact and near ties, on random bit patterns, and on what it
 * leaves to printf (negatives, -0.0, NaN, infinities, huge values). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/numfmt.h"

static uint64_t rng_state = 88172645463325252ull;

static uint64_t next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* numfmt_read gives strtod's double, bit for bit (what gnuplot reads). */
static void check_read(const char *text, size_t n)
{
	double got = numfmt_read(text, n), want = strtod(text, NULL);

	if (memcmp(&got, &want, sizeof(got)) != 0 && !(isnan(got) && isnan(want)))
		fail_msg("'%s' read as %a, strtod %a", text, got, want);
}

static void check(double x, unsigned prec)
{
	char got[NUMFMT_MAX], want[NUMFMT_MAX];
	size_t n = numfmt_fixed(got, x, prec);

	snprintf(want, sizeof(want), "%.*f", (int)prec, x);
	if (strcmp(got, want) != 0 || n != strlen(want))
		fail_msg("%.17g with %u digits: got '%s', printf '%s'", x, prec, got, want);
	check_read(got, n);
}

static void test_special_values(void **state)
{
	static const double v[] = { 0.0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.0625, 1e-300, 5e-324,
				    INFINITY, -INFINITY, NAN, -1.5, -1e-9, 1e15, 1e16, 0x1p50,
				    0x1p50 / 1e9, 0x1p53, 1.7976931348623157e308, 4.35,
				    0.0000005, 0.0000015, 0.0000025, 0.0005, 2.0005, 999.9995 };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (unsigned p = 0; p < 10; p++)
			check(v[i], p);
}

/* every whole count of bytes in MiB, counts over powers of ten and the
 * halves between them (exact ties in binary: 0.5, 2.5/10, ...) */
static void test_structured(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < 100000; v++)
		for (unsigned p = 0; p < 10; p++) {
			check((double)v / 1048576.0, p);
			check((double)v / pow(10, p), p);
			check(((double)v + 0.5) / pow(10, p), p);
		}
}

static void test_random(void **state)
{
	(void)state;
	for (long i = 0; i < 1000000; i++) {
		uint64_t r = next(), bits;
		unsigned p = (unsigned)(r % 10);
		double x;

		switch ((r >> 8) % 6) {
		case 0:
			bits = next();
			memcpy(&x, &bits, sizeof(x));
			break;
		case 1: /* MiB of bytes, up to 1 TiB */
			x = (double)(next() % (1ull << 40)) / (1024.0 * 1024.0);
			break;
		case 2: /* a bin's end in seconds: (i + 1) * bin_ns / 1e9 */
			x = (double)(next() % 100000 + 1) * ((double)(next() % 10000000 + 1) / 1e9);
			break;
		case 3: /* a fraction of a count */
			x = (double)(next() % 1000000) / (double)(next() % 1000000 + 1);
			break;
		case 4: /* any magnitude */
			x = ldexp((double)(next() % (1ull << 53)), (int)(next() % 120) - 100);
			break;
		default: /* near a tie at the digit printed */
			x = ((double)(next() % 2000000000) + 0.5) / pow(10, p);
			break;
		}
		check(x, p);
	}
}

/* Numbers past the exact path (over 2^53, too many decimals, exponents,
 * not numbers at all) still read as strtod reads them. */
static void test_read_edges(void **state)
{
	static const char *const v[] = { "0", "-0", "-0.000", "9007199254740992",
					 "9007199254740993", "18446744073709551617",
					 "0.00000000000000000000001", "1e3", "1.5e-3", "inf",
					 "nan", "", "-", ".", "12.34.5", "0.1", "0.3",
					 "123456789.123456789", "4503599627370497.5" };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_read(v[i], strlen(v[i]));
}

static void test_u64(void **state)
{
	char got[24], want[24];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint64_t v = i < 64 ? (uint64_t)1 << i : i < 128 ? UINT64_MAX >> (i - 64) :
							 next() >> (next() % 64);
		size_t n = numfmt_u64(got, v);

		snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(want));
	}
	numfmt_u64(got, 0);
	assert_string_equal(got, "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_special_values),
		cmocka_unit_test(test_structured),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_read_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
