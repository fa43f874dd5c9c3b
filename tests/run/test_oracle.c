/* The oracle's classes on crafted histories, where the answer is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"
#include "sim/content.h"
#include "sim/oracle.h"

#define SEED 7

static void write_done(struct oracle *o, uint64_t s, uint64_t *tag, bool fua)
{
	assert_int_equal(oracle_write_submit(o, s, 1, tag), 0);
	assert_int_equal(oracle_write_done(o, s, 1, tag, true, fua), 0);
}

static void test_tags_name_sector_and_version(void **state)
{
	struct oracle o;
	uint64_t t[3];

	(void)state;
	oracle_init(&o, SEED);
	assert_int_equal(oracle_write_submit(&o, 100, 3, t), 0);
	assert_true(t[0] == oracle_tag(100, 1));
	assert_true(t[1] == oracle_tag(101, 1));
	assert_int_equal(oracle_write_submit(&o, 101, 1, t), 0);
	assert_true(t[0] == oracle_tag(101, 2));
	assert_true(oracle_tag(5, 0) == 0);
	oracle_free(&o);
}

static void test_online_read_floor_is_newest_completed(void **state)
{
	struct oracle o;
	uint64_t a, b;

	(void)state;
	oracle_init(&o, SEED);
	assert_int_equal(oracle_read_floor(&o, 9), 0);
	write_done(&o, 9, &a, false);
	assert_int_equal(oracle_read_floor(&o, 9), 1);
	/* submitted but not completed: the floor stays */
	assert_int_equal(oracle_write_submit(&o, 9, 1, &b), 0);
	assert_int_equal(oracle_read_floor(&o, 9), 1);
	/* v1 and v2 both acceptable now, v0 stale */
	assert_int_equal(oracle_classify(&o, 9, 1, false, a, NULL), ORC_CORRECT);
	assert_int_equal(oracle_classify(&o, 9, 1, false, b, NULL), ORC_CORRECT);
	assert_int_equal(oracle_classify(&o, 9, 1, false, 0, NULL), ORC_STALE);
	oracle_free(&o);
}

static void test_durability_needs_flush_after_completion(void **state)
{
	struct oracle o;
	uint64_t a, b, tok_early, tok;

	(void)state;
	oracle_init(&o, SEED);
	tok_early = oracle_flush_submit(&o); /* flush submitted before the write completes */
	write_done(&o, 3, &a, false);
	assert_int_equal(oracle_crash_floor(&o, 3), 0);
	oracle_flush_done(&o, tok_early);
	assert_int_equal(oracle_crash_floor(&o, 3), 0); /* it covered nothing */
	tok = oracle_flush_submit(&o);
	write_done(&o, 3, &b, false);                  /* completes after the flush started */
	oracle_flush_done(&o, tok);
	assert_int_equal(oracle_crash_floor(&o, 3), 1); /* a durable, b not yet */
	assert_int_equal(oracle_classify(&o, 3, 1, false, 0, NULL), ORC_STALE);
	assert_int_equal(oracle_classify(&o, 3, 1, false, a, NULL), ORC_CORRECT);
	assert_int_equal(oracle_classify(&o, 3, 1, false, b, NULL), ORC_CORRECT);
	oracle_free(&o);
}

/* Completions out of version order, multi-sector writes, flushes that
 * complete out of order: each flush makes durable exactly the writes that
 * completed before it was submitted, and the pending log it settles is
 * freed in bulk. */
static void test_flush_settles_what_completed_before_it(void **state)
{
	struct oracle o;
	uint64_t v1[4], v2[4], t[1], tok1, tok2, busy;

	(void)state;
	oracle_init(&o, SEED);
	assert_int_equal(oracle_write_submit(&o, 10, 4, v1), 0);
	assert_int_equal(oracle_write_submit(&o, 10, 4, v2), 0);
	/* v2 completes first, then a flush is submitted, then v1 completes */
	assert_int_equal(oracle_write_done(&o, 10, 4, v2, true, false), 0);
	tok1 = oracle_flush_submit(&o);
	assert_int_equal(oracle_write_done(&o, 10, 4, v1, true, false), 0);
	tok2 = oracle_flush_submit(&o);
	/* the later flush completes first: both versions, the newest wins */
	oracle_flush_done(&o, tok2);
	for (uint64_t s = 10; s < 14; s++)
		assert_int_equal(oracle_crash_floor(&o, s), 2);
	oracle_flush_done(&o, tok1); /* nothing left to do, nothing goes back */
	assert_int_equal(oracle_crash_floor(&o, 12), 2);
	assert_int_equal(oracle_crash_key(&o, 12), (UINT64_C(2) << 32) | 2);

	/* v1 alone before the flush: only it is durable */
	assert_int_equal(oracle_write_submit(&o, 20, 1, v1), 0);
	assert_int_equal(oracle_write_submit(&o, 20, 1, v2), 0);
	assert_int_equal(oracle_write_done(&o, 20, 1, v1, true, false), 0);
	tok1 = oracle_flush_submit(&o);
	assert_int_equal(oracle_write_done(&o, 20, 1, v2, true, false), 0);
	oracle_flush_done(&o, tok1);
	assert_int_equal(oracle_crash_floor(&o, 20), 1);
	assert_int_equal(oracle_read_floor(&o, 20), 2);

	/* many pending writes cost memory until a flush covers them */
	busy = oracle_bytes(&o);
	for (int i = 0; i < 20000; i++)
		write_done(&o, 30 + (uint64_t)(i % 7), t, false);
	assert_true(oracle_bytes(&o) + sizeof(struct wordq_seg) > busy + 20000 * 3 * sizeof(uint32_t));
	tok1 = oracle_flush_submit(&o);
	oracle_flush_done(&o, tok1);
	assert_true(oracle_bytes(&o) <= busy + sizeof(struct wordq_seg));
	for (uint64_t s = 30; s < 37; s++)
		assert_int_equal(oracle_crash_floor(&o, s), oracle_read_floor(&o, s));
	oracle_free(&o);
}

static void test_fua_is_durable_at_once(void **state)
{
	struct oracle o;
	uint64_t a;

	(void)state;
	oracle_init(&o, SEED);
	write_done(&o, 4, &a, true);
	assert_int_equal(oracle_crash_floor(&o, 4), 1);
	oracle_free(&o);
}

static void test_failed_write_promises_nothing(void **state)
{
	struct oracle o;
	uint64_t a, tok;

	(void)state;
	oracle_init(&o, SEED);
	assert_int_equal(oracle_write_submit(&o, 4, 1, &a), 0);
	assert_int_equal(oracle_write_done(&o, 4, 1, &a, false, true), 0);
	tok = oracle_flush_submit(&o);
	oracle_flush_done(&o, tok);
	assert_int_equal(oracle_crash_floor(&o, 4), 0);
	/* but it may have persisted: its content is not corruption */
	assert_int_equal(oracle_classify(&o, 4, 0, false, a, NULL), ORC_CORRECT);
	oracle_free(&o);
}

static void test_errors_split_into_false_positive_and_detected(void **state)
{
	struct oracle o;
	uint64_t a, b;

	(void)state;
	oracle_init(&o, SEED);
	write_done(&o, 1, &a, true);
	write_done(&o, 1, &b, true);
	assert_int_equal(oracle_classify(&o, 1, 2, true, b, NULL), ORC_FALSE_POS);
	assert_int_equal(oracle_classify(&o, 1, 2, true, a, NULL), ORC_DETECTED);
	assert_int_equal(oracle_classify(&o, 1, 2, true, CSUM_TAG_NONE, NULL), ORC_DETECTED);
	oracle_free(&o);
}

static void test_silent_for_foreign_or_damaged_content(void **state)
{
	struct oracle o;
	uint64_t a, other;
	uint8_t bytes[CSUM_SECTOR];

	(void)state;
	oracle_init(&o, SEED);
	write_done(&o, 1, &a, true);
	write_done(&o, 2, &other, true);
	/* another sector's data (a misdirected write) */
	assert_int_equal(oracle_classify(&o, 1, 1, false, other, NULL), ORC_SILENT);
	/* a version that was never written */
	assert_int_equal(oracle_classify(&o, 1, 0, false, oracle_tag(1, 9), NULL), ORC_SILENT);
	/* damaged bytes */
	content_fill(SEED, a, bytes);
	bytes[100] ^= 1;
	assert_int_equal(oracle_classify(&o, 1, 1, false, CSUM_TAG_NONE, bytes), ORC_SILENT);
	/* explicit bytes that equal a version are that version */
	bytes[100] ^= 1;
	assert_int_equal(oracle_classify(&o, 1, 1, false, CSUM_TAG_NONE, bytes), ORC_CORRECT);
	memset(bytes, 0, sizeof(bytes));
	assert_int_equal(oracle_classify(&o, 1, 1, false, CSUM_TAG_NONE, bytes), ORC_STALE);
	oracle_free(&o);
}

static void test_written_sectors_sorted(void **state)
{
	struct oracle o;
	uint64_t t[4], n = 0;
	uint64_t *s;

	(void)state;
	oracle_init(&o, SEED);
	assert_int_equal(oracle_write_submit(&o, 500, 2, t), 0);
	assert_int_equal(oracle_write_submit(&o, 7, 1, t), 0);
	assert_int_equal(oracle_write_submit(&o, 501, 1, t), 0);
	s = oracle_written_sectors(&o, &n);
	assert_int_equal(n, 3);
	assert_int_equal(s[0], 7);
	assert_int_equal(s[1], 500);
	assert_int_equal(s[2], 501);
	free(s);
	oracle_free(&o);
}

static void test_limits_refused(void **state)
{
	struct oracle o;
	uint64_t t;

	(void)state;
	oracle_init(&o, SEED);
	assert_int_equal(oracle_write_submit(&o, ORACLE_MAX_SECTORS, 1, &t), -1);
	oracle_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags_name_sector_and_version),
		cmocka_unit_test(test_online_read_floor_is_newest_completed),
		cmocka_unit_test(test_durability_needs_flush_after_completion),
		cmocka_unit_test(test_flush_settles_what_completed_before_it),
		cmocka_unit_test(test_fua_is_durable_at_once),
		cmocka_unit_test(test_failed_write_promises_nothing),
		cmocka_unit_test(test_errors_split_into_false_positive_and_detected),
		cmocka_unit_test(test_silent_for_foreign_or_damaged_content),
		cmocka_unit_test(test_written_sectors_sorted),
		cmocka_unit_test(test_limits_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
