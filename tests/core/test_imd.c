#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/crc_ccitt.h"
#include "core/imd.h"

/* Written from the RFC's prose cases, not from core/imd.c: equal -> unknown;
 * adjacent -> the smaller is older; far apart -> a counter at exactly 0 is
 * the one that wrapped, so it is the newer; otherwise unknown. */
static enum imd_older expect_older(unsigned a, unsigned b)
{
	if (a == b)
		return IMD_OLDER_NONE;
	if (a + 1 == b)
		return IMD_OLDER_M1;
	if (b + 1 == a)
		return IMD_OLDER_M2;
	if (a == 0)
		return IMD_OLDER_M2;
	if (b == 0)
		return IMD_OLDER_M1;
	return IMD_OLDER_NONE;
}

static void older_all_pairs(void **state)
{
	(void)state;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++)
			assert_int_equal(imd_older((uint8_t)a, (uint8_t)b), expect_older(a, b));
	assert_int_equal(imd_older(0, 1), IMD_OLDER_M1);
	assert_int_equal(imd_older(255, 0), IMD_OLDER_M1); /* M2 wrapped to 0 */
	assert_int_equal(imd_older(0, 255), IMD_OLDER_M2);
	assert_int_equal(imd_older(255, 1), IMD_OLDER_NONE); /* far apart, no zero */
	assert_int_equal(imd_older(2, 4), IMD_OLDER_NONE);   /* equal parity */
	assert_int_equal(imd_older(7, 7), IMD_OLDER_NONE);
}

/* The write path adds 2 to the older copy. Opposite parities (csumsim's
 * format: 0 and 1) alternate for ever; equal parities stick to one copy and
 * end in NONE when it wraps onto the other. */
static void older_sequences(void **state)
{
	uint8_t l[2] = { 0, 1 };
	unsigned writes;

	(void)state;
	for (writes = 0; writes < 2000; writes++) {
		enum imd_older o = imd_older(l[0], l[1]);

		assert_int_not_equal(o, IMD_OLDER_NONE);
		assert_int_equal(o, writes % 2 == 0 ? IMD_OLDER_M1 : IMD_OLDER_M2);
		l[o == IMD_OLDER_M1 ? 0 : 1] += 2;
	}

	l[0] = 0;
	l[1] = 2;
	for (writes = 0;; writes++) {
		enum imd_older o = imd_older(l[0], l[1]);

		if (o == IMD_OLDER_NONE)
			break;
		assert_int_equal(o, IMD_OLDER_M2); /* the same copy every time */
		l[1] += 2;
	}
	assert_int_equal(writes, 127); /* M2 went 2,4,...,254,0: then (0,0) */
	assert_int_equal(l[0], 0);
	assert_int_equal(l[1], 0);
}

static void format_bytes(void **state)
{
	uint8_t s[512], z[512] = { 0 };

	(void)state;
	imd_format(s, 1);
	assert_int_equal(s[0], 1);
	/* crc of 504 zero bytes is 0, so the rest is all zero */
	assert_memory_equal(s + 1, z, 511);
	assert_int_equal(imd_header_crc_compute(s), 0);
	imd_format(s, 0);
	assert_memory_equal(s, z, 512);
}

static void updated_copy_vector(void **state)
{
	uint8_t s[512], want[512];
	struct imd_tuple t = { .crc = 0xbeef, .flags = 0, .tag = 0 };

	(void)state;
	imd_format(s, 0);
	imd_tuple_put(s, 5, &t);
	s[0] = (uint8_t)(s[0] + 2);
	imd_put_le16(s + 2, imd_header_crc_compute(s));

	/* hexdump:
	 * 0000: 02 00 77 3b 00 00 00 00  ...
	 * 0030: ef be 00 00 00 00 00 00  (tuple 5 at 8 + 5 * 8 = 48) */
	memset(want, 0, sizeof(want));
	want[0] = 0x02;
	want[2] = 0x77;
	want[3] = 0x3b;
	want[48] = 0xef;
	want[49] = 0xbe;
	assert_memory_equal(s, want, 512);
	assert_int_equal(imd_header_crc(s), 0x3b77);
	assert_int_equal(imd_last_updated(s), 2);
	assert_int_equal(imd_tuple_get(s, 5).crc, 0xbeef);
}

static void tuple_round_trip(void **state)
{
	uint8_t s[512];
	struct imd_tuple t = { .crc = 0x1234, .flags = 0xabcd, .tag = 0x01020304 }, u;
	const uint8_t want[8] = { 0x34, 0x12, 0xab, 0xcd, 0x01, 0x02, 0x03, 0x04 };

	(void)state;
	memset(s, 0, sizeof(s));
	for (size_t i = 0; i < IMD_TUPLES; i++) {
		t.crc = (uint16_t)(0x1234 + i);
		imd_tuple_put(s, i, &t);
	}
	assert_int_equal(imd_tuple_offset(0), 8);
	assert_int_equal(imd_tuple_offset(61), 496);
	assert_int_equal(imd_tuple_offset(62), IMD_TRAILER_OFFSET);
	assert_memory_equal(s + 8, want, 8);
	for (size_t i = 0; i < IMD_TUPLES; i++) {
		u = imd_tuple_get(s, i);
		assert_int_equal(u.crc, 0x1234 + i);
		assert_int_equal(u.flags, 0xabcd);
		assert_int_equal(u.tag, 0x01020304);
	}
	/* the trailing 8 bytes are untouched and covered by the header crc */
	for (size_t i = 504; i < 512; i++)
		assert_int_equal(s[i], 0);
	s[511] = 1;
	assert_int_equal(imd_header_crc_compute(s), crc_ccitt(0, s + 8, 504));
	assert_int_equal(imd_get_le16((const uint8_t[]){ 0x89, 0x21 }), 0x2189);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(older_all_pairs),  cmocka_unit_test(older_sequences),
		cmocka_unit_test(format_bytes),	    cmocka_unit_test(updated_copy_vector),
		cmocka_unit_test(tuple_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
