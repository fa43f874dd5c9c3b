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
	for (size_t n = 0; n <= sizeof(buf); n += 97)
		assert_int_equal(crc_ccitt(0xabcd, buf, n), crc_bitwise(0xabcd, buf, n));
	/* the 16-bytes-at-a-time path: every start alignment, every length up
	 * to three blocks and a tail, and every seed's low byte */
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= 64; n++)
			assert_int_equal(crc_ccitt((uint16_t)(off * 0x1111 + n), buf + off, n),
					 crc_bitwise((uint16_t)(off * 0x1111 + n), buf + off, n));
	for (unsigned seed = 0; seed < 65536; seed += 257)
		assert_int_equal(crc_ccitt((uint16_t)seed, buf + 3, 512),
				 crc_bitwise((uint16_t)seed, buf + 3, 512));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_value),
		cmocka_unit_test(zero_sector),
		cmocka_unit_test(table_matches_bitwise),
		cmocka_unit_test(incremental),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
