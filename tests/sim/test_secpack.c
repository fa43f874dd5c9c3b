/* util/secpack: every sector comes back byte for byte, whatever its zero
 * bytes (none, all, an imd-like crc every 8 bytes, random densities, the
 * edges where the packed form stops being smaller); packed sizes are what
 * the form promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/rng.h"
#include "util/secpack.h"

static size_t round_trip(const uint8_t in[SECPACK_SECTOR])
{
	uint8_t packed[SECPACK_MAX], portable[SECPACK_MAX], out[SECPACK_SECTOR];
	size_t n = secpack_pack(in, packed);
	uint8_t *exact;

	assert_true(n >= 10 && n <= SECPACK_MAX);
	assert_int_equal(secpack_size(packed), n);
	/* the path this CPU runs and the portable one write the same bytes */
	assert_int_equal(secpack_pack_portable(in, portable), n);
	assert_memory_equal(portable, packed, n);
	memset(out, 0xa5, sizeof(out));
	secpack_unpack(packed, out);
	assert_memory_equal(out, in, SECPACK_SECTOR);
	/* unpacked from a block of exactly its size (as the media keeps it):
	 * the Sanitize build catches a read past its end */
	exact = malloc(n);
	assert_non_null(exact);
	memcpy(exact, packed, n);
	memset(out, 0xa5, sizeof(out));
	secpack_unpack(exact, out);
	assert_memory_equal(out, in, SECPACK_SECTOR);
	free(exact);
	return n;
}

static void round_trips(void **state)
{
	uint8_t s[SECPACK_SECTOR];
	uint64_t x = 3;

	(void)state;
	memset(s, 0, sizeof(s));
	assert_int_equal(round_trip(s), 2 + 8); /* the word mask alone */
	/* an rfc imd sector: header byte and crc, a 2-byte crc in 24 tuples */
	s[0] = 3;
	s[2] = 0x12;
	s[3] = 0x34;
	for (unsigned t = 0; t < 62; t += 2)
		if (t % 5 != 0) {
			s[8 + 8 * t] = (uint8_t)(t + 1);
			s[9 + 8 * t] = 0x80;
		}
	assert_int_equal(round_trip(s), 2 + 8 + (1 + 3) + 24 * (1 + 2));
	/* no zero byte: kept as it is */
	memset(s, 0xff, sizeof(s));
	assert_int_equal(round_trip(s), SECPACK_MAX);
	/* every density of nonzero bytes, at random places */
	for (unsigned d = 0; d <= 64; d++)
		for (int k = 0; k < 20; k++) {
			for (unsigned i = 0; i < SECPACK_SECTOR; i++) {
				x = cs_mix64(x);
				s[i] = (x % 64) < d ? (uint8_t)(x >> 32 | 1) : 0;
			}
			round_trip(s);
		}
	/* one nonzero byte in every word: 2 + 8 + 64 * 2 */
	memset(s, 0, sizeof(s));
	for (unsigned w = 0; w < 64; w++)
		s[8 * w + w % 8] = (uint8_t)(w + 1);
	assert_int_equal(round_trip(s), 2 + 8 + 64 * 2);
	/* seven in every word: 2 + 8 + 64 * 8 = 522, over the sector: raw */
	memset(s, 1, sizeof(s));
	for (unsigned w = 0; w < 64; w++)
		s[8 * w] = 0;
	assert_int_equal(round_trip(s), SECPACK_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
