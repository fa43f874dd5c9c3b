/* The undo logs that let a crash state run in the replay's own process:
 * whatever a state writes to the media and the oracle, a rollback leaves
 * them answering exactly as before (sectors it created unwritten again,
 * media_pick's draws, versions, floors, the pending completions a later
 * flush makes durable); and the oracle's change log names every sector whose
 * crash key can change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/media.h"
#include "sim/oracle.h"
#include "util/wordq.h"

static void bytes_of(uint8_t b[CSUM_SECTOR], uint8_t v)
{
	memset(b, v, CSUM_SECTOR);
	b[0] = (uint8_t)(v ^ 0x5a);
}

/* Everything a reader can see of the first 3000 sectors of two devices. */
static uint64_t seen(const struct media *m)
{
	uint64_t h = 14695981039346656037ULL;
	uint8_t b[CSUM_SECTOR];

	for (unsigned d = 0; d < 2; d++)
		for (uint64_t s = 0; s < 3000; s++) {
			uint64_t t = media_read(m, d, s, b);

			h = (h ^ t ^ ((uint64_t)media_written(m, d, s) << 63)) * 1099511628211ULL;
			for (size_t k = 0; k < CSUM_SECTOR; k += 61)
				h = (h ^ b[k]) * 1099511628211ULL;
		}
	return h;
}

static void test_media_rollback(void **state)
{
	struct media *m = media_new(42, NULL, NULL);
	uint8_t b[CSUM_SECTOR];
	unsigned dev;
	uint64_t sec, picks[8], h0, d0, n0, s0;
	size_t b0;
	const uint64_t *keys;
	size_t n_keys;

	(void)state;
	assert_non_null(m);
	for (uint64_t s = 0; s < 200; s++)
		assert_int_equal(media_write(m, 0, s * 7, 1000 + s, NULL), 0);
	bytes_of(b, 3);
	assert_int_equal(media_write(m, 1, 5, CSUM_TAG_NONE, b), 0);
	assert_int_equal(media_write(m, 0, 21, CSUM_TAG_NONE, b), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(media_pick(m, (uint64_t)i * 977, &dev, &picks[i]), 0);
	h0 = seen(m);
	d0 = media_digest(m);
	n0 = media_sectors(m);
	s0 = media_shape(m);
	b0 = media_bytes(m);
	media_log_on(m, true);
	media_undo_begin(m);
	for (int round = 0; round < 3; round++) {
		/* a tag over a tag, a tag over bytes, bytes over a tag, new
		 * sectors (one in an untouched chunk), flips, twice each */
		for (int again = 0; again < 2; again++) {
			assert_int_equal(media_write(m, 0, 7, 99 + again, NULL), 0);
			assert_int_equal(media_write(m, 1, 5, 77, NULL), 0);
			bytes_of(b, (uint8_t)(9 + again));
			assert_int_equal(media_write(m, 0, 14, CSUM_TAG_NONE, b), 0);
			assert_int_equal(media_write(m, 0, 1000, 5, NULL), 0);
			assert_int_equal(media_write(m, 1, 2900, CSUM_TAG_NONE, b), 0);
			assert_int_equal(media_flip_bit(m, 0, 21, 17), 0);
			assert_int_equal(media_flip_bit(m, 0, 1001, 3), 0);
		}
		assert_int_equal(media_pick(m, 5, &dev, &sec), 0); /* the table grows */
		assert_true(media_sectors(m) > n0);
		assert_true(media_digest(m) != d0);
		assert_true(media_undo_len(m) > 0);
		assert_int_equal(media_undo_rollback(m), 0);
		assert_int_equal(media_undo_len(m), 0);
		assert_int_equal(media_digest(m), d0);
		assert_int_equal(seen(m), h0);
		assert_int_equal(media_sectors(m), n0);
		/* the bytes given to sectors of tags or none took their keys in
		 * the blocks map back out: the media's bytes as before, now and
		 * as later writes grow it */
		assert_int_equal(media_shape(m), s0);
		assert_int_equal(media_bytes(m), b0);
		assert_true(media_blocks_settled(m));
		assert_false(media_written(m, 0, 1000));
		assert_false(media_written(m, 1, 2900));
		for (int i = 0; i < 8; i++) {
			assert_int_equal(media_pick(m, (uint64_t)i * 977, &dev, &sec), 0);
			assert_int_equal(sec, picks[i]);
		}
	}
	media_undo_end(m);
	/* the write log saw the states' writes, not the rollbacks */
	assert_true(media_log(m, &keys, &n_keys));
	assert_int_equal(n_keys, 3 * 2 * 7); /* 7 writes, twice a round */
	media_free(m);
}

/* A session that gives bytes to enough sectors to grow the blocks map: once
 * rolled back the keys are out again (the shape as before) but the map stays
 * larger than its keys make it, until the replay's own writes catch up. */
static void test_media_rollback_grown_blocks(void **state)
{
	struct media *m = media_new(7, NULL, NULL);
	uint8_t b[CSUM_SECTOR];
	uint64_t s0;

	(void)state;
	assert_non_null(m);
	bytes_of(b, 1);
	for (uint64_t s = 0; s < 40; s++)
		assert_int_equal(media_write(m, 0, s, s % 2 ? CSUM_TAG_NONE : 500 + s, b), 0);
	assert_true(media_blocks_settled(m));
	s0 = media_shape(m);
	media_undo_begin(m);
	for (uint64_t s = 0; s < 100; s++)
		assert_int_equal(media_write(m, 0, s, CSUM_TAG_NONE, b), 0);
	assert_int_equal(media_undo_rollback(m), 0);
	media_undo_end(m);
	assert_int_equal(media_shape(m), s0);
	assert_false(media_blocks_settled(m)); /* grown past its 20 keys */
	for (uint64_t s = 1000; s < 1100; s++)
		assert_int_equal(media_write(m, 0, s, CSUM_TAG_NONE, b), 0);
	assert_true(media_blocks_settled(m)); /* 120 keys need that room */
	media_free(m);
}

static void write_one(struct oracle *o, uint64_t s, bool fua)
{
	uint64_t t;

	assert_int_equal(oracle_write_submit(o, s, 1, &t), 0);
	assert_int_equal(oracle_write_done(o, s, 1, &t, true, fua), 0);
}

static void test_oracle_rollback(void **state)
{
	struct oracle o;
	uint64_t d0, keys[64], n0, n, *ws;

	(void)state;
	oracle_init(&o, 7);
	for (uint64_t s = 0; s < 64; s++)
		write_one(&o, s, s % 5 == 0);
	oracle_flush_done(&o, oracle_flush_submit(&o));
	for (uint64_t s = 0; s < 64; s += 3)
		write_one(&o, s, false); /* pending */
	for (uint64_t s = 0; s < 64; s++)
		keys[s] = oracle_crash_key(&o, s);
	d0 = oracle_digest(&o);
	ws = oracle_written_sectors(&o, &n0);
	free(ws);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(oracle_undo_begin(&o), 0);
		/* probes: many completions pending on one sector, a new sector,
		 * a FUA write, a failed one */
		for (int i = 0; i < 40; i++)
			write_one(&o, 3, false);
		write_one(&o, 4, true);
		write_one(&o, 9000, false);
		{
			uint64_t t;

			assert_int_equal(oracle_write_submit(&o, 6, 1, &t), 0);
			assert_int_equal(oracle_write_done(&o, 6, 1, &t, false, false), 0);
		}
		assert_true(oracle_digest(&o) != d0);
		assert_int_equal(oracle_undo_rollback(&o), 0);
		assert_int_equal(oracle_digest(&o), d0);
		for (uint64_t s = 0; s < 64; s++)
			assert_int_equal(oracle_crash_key(&o, s), keys[s]);
		assert_int_equal(oracle_crash_key(&o, 9000), 0);
		ws = oracle_written_sectors(&o, &n);
		free(ws);
		assert_int_equal(n, n0);
		(void)oracle_bytes(&o);
	}
	/* the completions pending before still become durable at a flush,
	 * the rolled-back ones are gone */
	oracle_flush_done(&o, oracle_flush_submit(&o));
	for (uint64_t s = 0; s < 64; s += 3)
		assert_true(oracle_crash_key(&o, s) != keys[s]);
	assert_int_equal(oracle_crash_key(&o, 3) >> 32, keys[3] >> 32); /* versions as before */
	/* a flush inside cannot be taken back: refused */
	write_one(&o, 5, false);
	assert_int_equal(oracle_undo_begin(&o), 0);
	oracle_flush_done(&o, oracle_flush_submit(&o));
	assert_int_equal(oracle_undo_rollback(&o), -1);
	oracle_free(&o);
}

static void test_oracle_change_log(void **state)
{
	struct oracle o;
	const uint64_t *c;
	size_t n;
	uint64_t k;

	(void)state;
	oracle_init(&o, 7);
	assert_false(oracle_chlog(&o, &c, &n)); /* off */
	assert_int_equal(oracle_chlog_on(&o), 0);
	write_one(&o, 3, false);
	write_one(&o, 8, true);
	assert_true(oracle_chlog(&o, &c, &n));
	assert_int_equal(n, 4); /* submit and completion of each */
	assert_int_equal(c[0], 3);
	assert_int_equal(c[2], 8);
	oracle_chlog_clear(&o);
	assert_true(oracle_chlog(&o, &c, &n));
	assert_int_equal(n, 0);
	/* a flush changes 3's key (its completion becomes durable): noted */
	k = oracle_crash_key(&o, 3);
	oracle_flush_done(&o, oracle_flush_submit(&o));
	assert_true(oracle_crash_key(&o, 3) != k);
	assert_true(oracle_chlog(&o, &c, &n));
	assert_int_equal(n, 1);
	assert_int_equal(c[0], 3);
	oracle_free(&o);
}

static void test_wordq_truncate(void **state)
{
	struct wordq q;
	struct wordq_mark mk;

	(void)state;
	for (int first = 0; first < 2; first++) {
		wordq_init(&q);
		if (first) {
			assert_int_equal(wordq_reserve(&q, 3), 0);
			for (uint32_t i = 0; i < 3; i++)
				wordq_push(&q, i);
		}
		wordq_mark(&q, &mk);
		/* pushes across segments, then taken back */
		assert_int_equal(wordq_reserve(&q, 5000), 0);
		for (uint32_t i = 0; i < 5000; i++)
			wordq_push(&q, 100 + i);
		wordq_truncate(&q, &mk);
		assert_int_equal(q.len, first ? 3 : 0);
		assert_int_equal(wordq_reserve(&q, 2), 0);
		wordq_push(&q, 7);
		wordq_push(&q, 8);
		for (uint32_t i = 0; first && i < 3; i++)
			assert_int_equal(wordq_pop(&q), i);
		assert_int_equal(wordq_pop(&q), 7);
		assert_int_equal(wordq_pop(&q), 8);
		assert_int_equal(q.len, 0);
		wordq_free(&q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_media_rollback),
		cmocka_unit_test(test_media_rollback_grown_blocks),
		cmocka_unit_test(test_oracle_rollback),
		cmocka_unit_test(test_oracle_change_log),
		cmocka_unit_test(test_wordq_truncate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
