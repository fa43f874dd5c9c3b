#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/crc_ccitt.h"

/* Independent bitwise reference: reflected 0x8408, no final xor. */
static uint16_t crc_bitwise(uint16_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1u) ? (uint16_t)((crc >> 1) ^ 0x8408u) : (uint16_t)(crc >> 1);
	}
	return crc;
}

static void check_value(void **state)
{
	(void)state;
	assert_int_equal(crc_ccitt(0, (const uint8_t *)"123456789", 9), 0x2189);
	/* with the X.25-style initial value, as some callers of crc_ccitt pass */
	assert_int_equal(crc_ccitt(0xffff, (const uint8_t *)"123456789", 9), 0x6f91);
	assert_int_equal(crc_ccitt(0x1234, NULL, 0), 0x1234);
}

static void zero_sector(void **state)
{
	uint8_t z[512] = { 0 };

	(void)state;
	assert_int_equal(crc_ccitt(0, z, sizeof(z)), 0);
	z[511] = 1;
	assert_int_not_equal(crc_ccitt(0, z, sizeof(z)), 0);
}

static void table_matches_bitwise(void **state)
{
	uint8_t buf[1024];
	uint32_t x = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (unsigned b = 0; b < 256; b++) {
		uint8_t one = (uint8_t)b;

		assert_int_equal(crc_ccitt(0, &one, 1), crc_bitwise(0, &one, 1));
	}
	for (size_t n = 0; n <= sizeof(buf); n += 97) {
		assert_int_equal(crc_ccitt(0xabcd, buf, n), crc_bitwise(0xabcd, buf, n));
		assert_int_equal(crc_ccitt_table(0xabcd, buf, n), crc_bitwise(0xabcd, buf, n));
	}
	/* the 16-bytes-at-a-time path: every start alignment, every length up
	 * to three blocks and a tail, and every seed's low byte */
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= 64; n++)
			assert_int_equal(crc_ccitt_table((uint16_t)(off * 0x1111 + n), buf + off, n),
					 crc_bitwise((uint16_t)(off * 0x1111 + n), buf + off, n));
	for (unsigned seed = 0; seed < 65536; seed += 257) {
		assert_int_equal(crc_ccitt((uint16_t)seed, buf + 3, 512),
				 crc_bitwise((uint16_t)seed, buf + 3, 512));
		assert_int_equal(crc_ccitt_table((uint16_t)seed, buf + 3, 512),
				 crc_bitwise((uint16_t)seed, buf + 3, 512));
	}
}

static void incremental(void **state)
{
	uint8_t buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	for (size_t cut = 0; cut <= sizeof(buf); cut += 13) {
		uint16_t c = crc_ccitt(0, buf, cut);

		c = crc_ccitt(c, buf + cut, sizeof(buf) - cut);
		assert_int_equal(c, crc_ccitt(0, buf, sizeof(buf)));
	}
}

/* x^n mod G (G = x^16 + x^12 + x^5 + 1), bit i = the coefficient of x^i */
static uint32_t xpow_mod(unsigned n)
{
	uint32_t r = 1;

	for (unsigned i = 0; i < n; i++) {
		r <<= 1;
		if (r & 0x10000u)
			r ^= 0x11021u;
	}
	return r;
}

/* a remainder as PCLMULQDQ's reflected operand: x^i at bit 63 - i */
static uint64_t reflect64(uint32_t r)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 16; i++)
		if ((r >> i) & 1u)
			v |= UINT64_C(1) << (63 - i);
	return v;
}

/* floor(x^64 / G) by long division, bit i = the coefficient of x^i */
static uint64_t x64_div_g(void)
{
	uint64_t q = 0, r = 0; /* r: the running remainder, degree < 16 */

	for (int i = 64; i >= 0; i--) {
		/* bring down the coefficient of x^i (1 only for x^64) */
		uint32_t t = (uint32_t)(r << 1) | (i == 64 ? 1u : 0u);

		if (t & 0x10000u) {
			t ^= 0x11021u;
			q |= UINT64_C(1) << i;
		}
		r = t;
	}
	return q;
}

/* The folding and reduction constants, derived from G again
 * (core/crc_ccitt_clmul.c says why x^(d+63), x^(d-1), x^79, x^63 and
 * floor(x^64 / G)). */
static void fold_constants(void **state)
{
	uint64_t mu = x64_div_g(), mu_r = 0;

	(void)state;
	assert_int_equal(mu >> 48, 1); /* degree 48 */
	for (unsigned i = 0; i < 64; i++)
		if ((mu >> i) & 1u)
			mu_r |= UINT64_C(1) << (63 - i);
	assert_int_equal(crc_ccitt_reduce_k[0], reflect64(xpow_mod(79)));
	assert_int_equal(crc_ccitt_reduce_k[1], reflect64(xpow_mod(63)));
	assert_int_equal(crc_ccitt_reduce_k[2], mu_r);
	for (unsigned i = 0; i < 8; i++) {
		unsigned d = 128 * (i + 1);

		assert_int_equal(crc_ccitt_fold_k[i][0], reflect64(xpow_mod(d + 63)));
		assert_int_equal(crc_ccitt_fold_k[i][1], reflect64(xpow_mod(d - 1)));
	}
}

static uint64_t next_rand(uint64_t *s)
{
	*s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *s >> 33;
}

/* The carry-less path and the table agree on every length 0..4200, every
 * start alignment 0..31 and a different initial value each time, then on
 * random contents, lengths and values; both against the bitwise reference
 * at the check value and on a sample. Skipped without PCLMULQDQ (the table
 * tests above then cover crc_ccitt). */
static void clmul_matches_table(void **state)
{
	enum { MAXLEN = 4200, ALIGN = 32 };
	static uint8_t buf[MAXLEN + ALIGN + 64];
	uint64_t s = 42;

	(void)state;
	if (!crc_ccitt_clmul_supported()) {
		skip();
		return;
	}
	assert_int_equal(crc_ccitt_clmul(0, (const uint8_t *)"123456789", 9), 0x2189);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)next_rand(&s);
	for (size_t n = 0; n <= MAXLEN; n++)
		for (size_t off = 0; off < ALIGN; off++) {
			uint16_t init = (uint16_t)next_rand(&s);

			assert_int_equal(crc_ccitt_clmul(init, buf + off, n),
					 crc_ccitt_table(init, buf + off, n));
		}
	for (unsigned seed = 0; seed < 2000; seed++) {
		size_t n = (size_t)(next_rand(&s) % (MAXLEN + 1));
		size_t off = (size_t)(next_rand(&s) % 64);
		uint16_t init = (uint16_t)next_rand(&s);

		for (size_t i = 0; i < n; i++)
			buf[off + i] = (uint8_t)next_rand(&s);
		assert_int_equal(crc_ccitt_clmul(init, buf + off, n),
				 crc_ccitt_table(init, buf + off, n));
		if (seed % 50 == 0)
			assert_int_equal(crc_ccitt_clmul(init, buf + off, n),
					 crc_bitwise(init, buf + off, n));
	}
	/* all-ones and all-zero blocks: every product bit set, none set */
	memset(buf, 0xff, sizeof(buf));
	for (size_t n = 0; n <= 1024; n++)
		assert_int_equal(crc_ccitt_clmul(0, buf, n), crc_bitwise(0, buf, n));
	memset(buf, 0, sizeof(buf));
	assert_int_equal(crc_ccitt_clmul(0, buf, 4096), 0);
	assert_int_equal(crc_ccitt_clmul(0x1021, buf, 4096), crc_bitwise(0x1021, buf, 4096));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_value),
		cmocka_unit_test(zero_sector),
		cmocka_unit_test(table_matches_bitwise),
		cmocka_unit_test(incremental),
		cmocka_unit_test(fold_constants),
		cmocka_unit_test(clmul_matches_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
