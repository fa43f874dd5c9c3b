#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/split.h"

static void evil_examples(void **state)
{
	struct csum_table t = { .begin = 0, .len = 1000, .placement = CSUM_PLACE_SAME };

	(void)state;
	assert_false(split_bio_is_evil(&t, 0, 62));
	assert_true(split_bio_is_evil(&t, 0, 63));
	assert_true(split_bio_is_evil(&t, 61, 2));
	assert_false(split_bio_is_evil(&t, 62, 62));
	t.placement = CSUM_PLACE_SEPARATE; /* the test still uses the same-device map */
	assert_true(split_bio_is_evil(&t, 61, 2));
	assert_false(split_bio_is_evil(&t, 62, 1));
	t.begin = 10; /* begin-relative groups */
	assert_false(split_bio_is_evil(&t, 10, 62));
	assert_true(split_bio_is_evil(&t, 70, 3));
	assert_false(split_bio_is_evil(&t, 60, 4)); /* crosses absolute 62, not relative */
}

static void run(const struct csum_table *t, uint64_t s, uint32_t n, struct csum_split *sp,
		struct csum_piece *buf, uint32_t cap)
{
	memset(sp, 0, sizeof(*sp));
	sp->piece = buf;
	sp->cap = cap;
	split_rfc(t, s, n, sp);
}

static void arithmetic_examples(void **state)
{
	struct csum_table t = { .begin = 0, .len = 100000, .placement = CSUM_PLACE_SAME };
	struct csum_piece p[16];
	struct csum_split sp;

	(void)state;
	run(&t, 10, 200, &sp, p, 16);
	assert_int_equal(sp.map_result, 0);
	assert_true(sp.evil);
	assert_int_equal(sp.prelude, 52);
	assert_int_equal(sp.postlude, 24);
	assert_int_equal(sp.nmiddle, 2);
	assert_int_equal(sp.expected, 4);
	assert_int_equal(sp.n_pieces, 4);
	assert_int_equal(p[0].sector, 10);
	assert_int_equal(p[0].count, 52);
	assert_int_equal(p[1].sector, 62);
	assert_int_equal(p[2].sector, 124);
	assert_int_equal(p[3].sector, 186);
	assert_int_equal(p[3].count, 24);
	assert_int_equal(p[3].offset, 176);

	/* the hang: no prelude, yet 1 + nmiddle + 1 completions expected */
	run(&t, 0, 63, &sp, p, 16);
	assert_int_equal(sp.prelude, 0);
	assert_int_equal(sp.postlude, 1);
	assert_int_equal(sp.nmiddle, 1);
	assert_int_equal(sp.n_pieces, 2);
	assert_int_equal(sp.expected, 3);

	/* nice */
	run(&t, 5, 10, &sp, p, 16);
	assert_false(sp.evil);
	assert_int_equal(sp.n_pieces, 1);
	assert_int_equal(sp.expected, 1);
	assert_int_equal(p[0].count, 10);

	/* empty READ/WRITE never reaches a target */
	run(&t, 5, 0, &sp, p, 16);
	assert_int_equal(sp.map_result, -CSUM_EINVAL);
	assert_int_equal(sp.n_pieces, 0);

	/* begin % 62 != 0: evil by the relative test, inside one absolute group:
	 * the prelude would run past the bio and nmiddle underflows */
	t.begin = 10;
	run(&t, 70, 3, &sp, p, 16);
	assert_true(sp.evil);
	assert_int_equal(sp.prelude, 54);
	assert_int_equal(sp.postlude, 11);
	assert_int_equal(sp.nmiddle, (uint32_t)((UINT64_C(0) - 62) / 62));
	assert_int_equal(sp.map_result, -CSUM_EINVAL);
	assert_int_equal(sp.n_pieces, 0);
}

/* Every start and length: pieces are contiguous, cover the request, stay
 * inside one absolute 62-group; expected exceeds n_pieces by one exactly
 * when an evil request starts on a multiple of 62. */
static void exhaustive(void **state)
{
	static const uint64_t begins[] = { 0, 10, 62, 100 };
	struct csum_piece p[8];
	struct csum_split sp;

	(void)state;
	for (size_t b = 0; b < 4; b++) {
		struct csum_table t = { .begin = begins[b], .len = 100000,
					.placement = (uint8_t)(b % 2) };

		for (uint64_t s0 = 0; s0 <= 200; s0++) {
			for (uint32_t n = 1; n <= 200; n++) {
				uint64_t s = t.begin + s0, d0 = s - t.begin;
				bool evil = d0 / 62 != (d0 + n - 1) / 62;
				bool garbage = evil && s % 62 != 0 && s / 62 == (s + n - 1) / 62;
				uint64_t at = s;

				assert_true(csum_split_cap(n) <= 8);
				run(&t, s, n, &sp, p, csum_split_cap(n));
				assert_int_equal(sp.evil, evil);
				if (garbage) {
					assert_int_equal(sp.map_result, -CSUM_EINVAL);
					continue;
				}
				assert_int_equal(sp.map_result, 0);
				assert_false(sp.error);
				assert_true(sp.n_pieces >= 1);
				for (uint32_t k = 0; k < sp.n_pieces; k++) {
					assert_int_equal(p[k].sector, at);
					assert_int_equal(p[k].offset, at - s);
					assert_true(p[k].count >= 1);
					if (evil)
						assert_int_equal(p[k].sector / 62,
								 (p[k].sector + p[k].count - 1) / 62);
					at += p[k].count;
				}
				assert_int_equal(at, s + n);
				if (evil && s % 62 == 0)
					assert_int_equal(sp.expected, sp.n_pieces + 1);
				else
					assert_int_equal(sp.expected, sp.n_pieces);
			}
		}
	}
}

static void bvec_cut(void **state)
{
	uint32_t pages[16];
	struct split_bvec_cut c;

	(void)state;
	for (int i = 0; i < 16; i++)
		pages[i] = 4096;

	/* cut inside the first bvec: right, but the crc walk goes to bi_vcnt */
	split_bvec(pages, 16, 0, 62, &c);
	assert_int_equal(c.idx, 0);
	assert_int_equal(c.offset, 0);
	assert_int_equal(c.len, 4096);
	assert_int_equal(c.correct_len, 4096);
	assert_false(c.past_page);
	/* 62 crcs end inside page 7; its last 1024 bytes are skipped (sectors
	 * is 0), then pages 8..15 add 64 more: 126 writes into a 62-entry array */
	assert_int_equal(c.crc_writes, 126);
	assert_true(c.crc_overrun);

	/* cut in bvec 7 (sofar 28672): bv_len - advance - sofar underflows */
	split_bvec(pages, 16, 62, 62, &c);
	assert_int_equal(c.idx, 7);
	assert_int_equal(c.offset, 3072);
	assert_int_equal(c.len, 31744);
	assert_int_equal(c.correct_len, 1024);
	assert_true(c.past_page);
	assert_int_equal(c.crc_writes, 62 + 64);
	assert_true(c.crc_overrun);

	/* the last piece: the underflow is hidden by min(bi_size, ...) */
	split_bvec(pages, 16, 124, 4, &c);
	assert_int_equal(c.idx, 15);
	assert_int_equal(c.offset, 2048);
	assert_int_equal(c.len, 2048);
	assert_int_equal(c.correct_len, 2048);
	assert_false(c.past_page);
	assert_int_equal(c.crc_writes, 4);
	assert_false(c.crc_overrun);

	/* one big bvec: sofar stays 0, no bug */
	{
		uint32_t one[1] = { 65536 };

		split_bvec(one, 1, 10, 20, &c);
		assert_int_equal(c.offset, 5120);
		assert_int_equal(c.len, 10240);
		assert_int_equal(c.len, c.correct_len);
		assert_false(c.past_page);
		assert_int_equal(c.crc_writes, 20);
		assert_false(c.crc_overrun);
	}
	/* advance at the very end: the walk leaves bi_idx at bi_vcnt */
	split_bvec(pages, 1, 8, 1, &c);
	assert_true(c.off_end);
	assert_int_equal(c.idx, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(evil_examples),
		cmocka_unit_test(arithmetic_examples),
		cmocka_unit_test(exhaustive),
		cmocka_unit_test(bvec_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
