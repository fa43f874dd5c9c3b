#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "disk_fixture.h"
#include "sim/content.h"

static struct tfix *cached_disk(uint8_t profile, uint64_t cache_sectors, bool fua)
{
	struct sc_disk p;

	tf_defaults(&p, profile);
	p.cache.enabled = true;
	p.cache.sectors = cache_sectors;
	p.cache.fua = fua;
	return tf_new(&p, 1 << 20, NULL);
}

static void test_plain_write_visible_then_lost(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_RAM, 1024, true);
	struct treq *w;

	(void)state;
	w = tf_write(f, 10, 4, 70, 0);
	tf_run(f);
	assert_int_equal(w->r.error, 0);
	/* bus cost: ram io_us 1 + 0.1 * 2 KiB */
	assert_int_equal(w->r.t_done, 1200);
	assert_int_equal(disk_cached_sectors(f->d), 4);
	assert_false(media_written(f->m, 0, 10));
	assert_int_equal(tf_read_tag(f, 12), 72);
	tf_crash(f);
	assert_int_equal(disk_cached_sectors(f->d), 0);
	assert_int_equal(tf_read_tag(f, 12), 0);
	assert_false(media_written(f->m, 0, 12));
	tf_free(f);
}

static void test_bytes_in_cache(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 1024, true);
	struct treq *w, *r;

	(void)state;
	w = tf_write(f, 3, 2, CSUM_TAG_NONE, 0);
	tf_run(f);
	r = tf_read(f, 3, 2);
	tf_run(f);
	assert_int_equal(r->tags[0], CSUM_TAG_NONE);
	assert_memory_equal(r->buf, w->buf, 2 * CSUM_SECTOR);
	tf_flush(f, 0);
	tf_run(f);
	tf_crash(f);
	r = tf_read(f, 3, 2);
	tf_run(f);
	assert_memory_equal(r->buf, w->buf, 2 * CSUM_SECTOR);
	tf_free(f);
}

static void test_flush_makes_durable(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 1024, true);
	struct treq *w, *fl;

	(void)state;
	w = tf_write(f, 100, 8, 500, 0);
	tf_run(f);
	fl = tf_flush(f, 0);
	tf_run(f);
	/* flush: destage 4 KiB (20 + 12 us) then the flush (500 us) */
	assert_int_equal(fl->r.t_done - fl->r.t_submit, 32000 + 500000);
	assert_int_equal(disk_cached_sectors(f->d), 0);
	assert_int_equal(disk_stats(f->d)->destaged_sectors, 8);
	assert_int_equal(disk_stats(f->d)->flushes, 1);
	tf_crash(f);
	assert_int_equal(tf_read_tag(f, 107), 507);
	(void)w;
	tf_free(f);
}

static void test_fua_survives(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 1024, true);
	struct treq *a, *b;

	(void)state;
	a = tf_write(f, 0, 1, 11, 0);
	b = tf_write(f, 1, 1, 22, CSUM_IOF_FUA);
	tf_run(f);
	assert_int_equal(b->r.error, 0);
	assert_int_equal(media_read(f->m, 0, 1, NULL), 22);
	assert_int_equal(disk_stats(f->d)->fua_writes, 1);
	tf_crash(f);
	assert_int_equal(tf_read_tag(f, 0), 0);  /* plain: lost */
	assert_int_equal(tf_read_tag(f, 1), 22); /* FUA: kept */
	(void)a;
	tf_free(f);
}

static void test_fua_not_overwritten_by_older_cached(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 1024, true);

	(void)state;
	tf_write(f, 5, 1, 1, 0); /* cached, old */
	tf_run(f);
	tf_write(f, 5, 1, 2, CSUM_IOF_FUA); /* straight to media */
	tf_run(f);
	assert_int_equal(tf_read_tag(f, 5), 2);
	tf_flush(f, 0); /* destaging the old copy must not clobber it */
	tf_run(f);
	assert_int_equal(media_read(f->m, 0, 5, NULL), 2);
	assert_int_equal(tf_read_tag(f, 5), 2);
	tf_free(f);
}

static void test_fua_without_device_fua_postflushes(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 1024, false);
	struct treq *b;

	(void)state;
	tf_write(f, 0, 1, 11, 0);
	tf_run(f);
	b = tf_write(f, 1, 1, 22, CSUM_IOF_FUA);
	tf_run(f);
	/* write into the cache, then a flush of everything up to it */
	assert_int_equal(disk_cached_sectors(f->d), 0);
	assert_true(b->r.t_done - b->r.t_submit >= 500000);
	tf_crash(f);
	assert_int_equal(tf_read_tag(f, 0), 11);
	assert_int_equal(tf_read_tag(f, 1), 22);
	tf_free(f);
}

static void test_preflush_write(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 1024, true);
	struct treq *b;

	(void)state;
	tf_write(f, 0, 1, 11, 0);
	tf_run(f);
	b = tf_write(f, 1, 1, 22, CSUM_IOF_PREFLUSH);
	tf_run(f);
	assert_int_equal(b->r.error, 0);
	assert_int_equal(disk_stats(f->d)->preflushes, 1);
	/* the earlier write is durable, the preflush write itself is cached */
	assert_int_equal(media_read(f->m, 0, 0, NULL), 11);
	assert_int_equal(disk_cached_sectors(f->d), 1);
	tf_crash(f);
	assert_int_equal(tf_read_tag(f, 0), 11);
	assert_int_equal(tf_read_tag(f, 1), 0);
	tf_free(f);
}

static void barrier_run(bool cache, bool barrier)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *w1, *b, *w3;

	tf_defaults(&p, SC_DISK_SSD);
	p.cache.enabled = cache;
	f = tf_new(&p, 1 << 20, NULL);
	/* w1 slow (32 KiB FUA to the media), w3 fast: on 8 channels w3 would
	 * overtake everything if nothing ordered it */
	w1 = tf_write(f, 1000, 64, 100, CSUM_IOF_FUA);
	b = tf_write(f, 2000, 1, 200, barrier ? CSUM_IOF_BARRIER : CSUM_IOF_FUA);
	w3 = tf_write(f, 3000, 1, 300, CSUM_IOF_FUA);
	tf_run(f);
	assert_int_equal(f->n_done, 3);
	if (barrier) {
		assert_int_equal(tf_done_pos(f, w1), 0);
		assert_int_equal(tf_done_pos(f, b), 1);
		assert_int_equal(tf_done_pos(f, w3), 2);
		/* drained: the barrier starts after w1 completed; w3 held */
		assert_true(b->r.t_start >= w1->r.t_done);
		assert_true(w3->r.t_start >= b->r.t_done);
		assert_int_equal(disk_stats(f->d)->barrier_writes, 1);
	} else {
		assert_true(tf_done_pos(f, w3) < tf_done_pos(f, w1));
	}
	tf_free(f);
}

static void test_barrier_drains_and_orders(void **state)
{
	(void)state;
	barrier_run(false, false); /* the test can tell the difference */
	barrier_run(false, true);
	barrier_run(true, true);
}

static void test_barrier_makes_prior_durable(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_HDD, 1024, true);
	struct treq *b, *later;

	(void)state;
	tf_write(f, 40, 8, 1, 0);
	tf_write(f, 900000, 8, 9, 0);
	b = tf_write(f, 50, 1, 77, CSUM_IOF_BARRIER);
	later = tf_write(f, 60, 1, 88, 0);
	tf_run(f);
	assert_true(later->r.t_submit <= b->r.t_done);
	assert_true(later->r.t_start >= b->r.t_done);
	assert_true(later->r.t_done > b->r.t_done);
	assert_int_equal(disk_stats(f->d)->preflushes, 1);
	tf_crash(f);
	assert_int_equal(tf_read_tag(f, 47), 8);
	assert_int_equal(tf_read_tag(f, 900000), 9);
	assert_int_equal(tf_read_tag(f, 50), 77);
	assert_int_equal(tf_read_tag(f, 60), 0); /* after the barrier: cached, lost */
	tf_free(f);
}

static void test_empty_barrier_flush(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 1024, true);
	struct treq *fl, *later;

	(void)state;
	tf_write(f, 1, 1, 5, 0);
	fl = tf_flush(f, CSUM_IOF_BARRIER);
	later = tf_read(f, 1, 1);
	tf_run(f);
	assert_true(later->r.t_start >= fl->r.t_done);
	assert_int_equal(media_read(f->m, 0, 1, NULL), 5);
	tf_free(f);
}

static void test_destage_on_capacity(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_SSD, 16, true);
	struct treq *w[3];

	(void)state;
	for (int i = 0; i < 3; i++)
		w[i] = tf_write(f, (uint64_t)i * 100, 8, (uint64_t)i * 10 + 1, 0);
	tf_run(f);
	for (int i = 0; i < 3; i++)
		assert_int_equal(w[i]->r.error, 0);
	assert_true(disk_cached_sectors(f->d) <= 16);
	assert_int_equal(disk_stats(f->d)->destaged_sectors, 8);
	/* the oldest went out; the third had to wait for it */
	assert_int_equal(media_read(f->m, 0, 0, NULL), 1);
	assert_false(media_written(f->m, 0, 100));
	assert_true(w[2]->r.t_start >= 32000);
	tf_crash(f);
	assert_int_equal(tf_read_tag(f, 0), 1);
	assert_int_equal(tf_read_tag(f, 100), 0);
	tf_free(f);
}

static void test_destage_when_idle(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *w;

	(void)state;
	tf_defaults(&p, SC_DISK_RAM);
	p.cache.enabled = true;
	p.cache.destage_idle_ms = 2;
	f = tf_new(&p, 1 << 20, NULL);
	w = tf_write(f, 9, 8, 90, 0);
	engine_run_until(&f->e, 1000000);
	assert_int_equal(disk_cached_sectors(f->d), 8);
	tf_run(f);
	assert_int_equal(disk_cached_sectors(f->d), 0);
	assert_int_equal(media_read(f->m, 0, 16, NULL), 97);
	/* 2 ms after the write completed, plus the media write of 4 KiB */
	assert_int_equal(f->e.now, w->r.t_done + 2000000 + 1400);
	tf_free(f);
}

static void test_overwrites_in_cache_destage_newest(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_HDD, 4096, true);

	(void)state;
	/* several versions of overlapping ranges; the HDD scheduler may land
	 * their destages out of order, the newest must win */
	for (uint64_t v = 1; v <= 6; v++)
		tf_write(f, (v % 2) ? 0 : 4, 8, v * 1000, 0);
	tf_write(f, 500000, 8, 7000, 0);
	tf_write(f, 2, 1, 8000, 0);
	tf_run(f);
	assert_int_equal(tf_read_tag(f, 2), 8000);
	tf_flush(f, 0);
	tf_run(f);
	assert_int_equal(media_read(f->m, 0, 0, NULL), 5000);
	assert_int_equal(media_read(f->m, 0, 2, NULL), 8000);
	assert_int_equal(media_read(f->m, 0, 4, NULL), 6000);
	assert_int_equal(media_read(f->m, 0, 11, NULL), 6007);
	tf_free(f);
}

static void test_crash_leaves_disk_reusable(void **state)
{
	struct tfix *f = cached_disk(SC_DISK_HDD, 1024, true);
	struct treq *w, *r;

	(void)state;
	tf_write(f, 0, 8, 1, CSUM_IOF_FUA);
	tf_write(f, 800000, 8, 2, 0);
	w = tf_write(f, 400000, 8, 3, CSUM_IOF_FUA);
	engine_run_until(&f->e, 100000); /* mid-flight */
	tf_crash(f);
	assert_false(w->completed);
	assert_int_equal(disk_cached_sectors(f->d), 0);
	r = tf_read(f, 400000, 8);
	tf_run(f);
	assert_int_equal(r->r.error, 0);
	assert_false(w->completed); /* its callback never runs */
	assert_int_equal(r->tags[0], 0);
	tf_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_write_visible_then_lost),
		cmocka_unit_test(test_bytes_in_cache),
		cmocka_unit_test(test_flush_makes_durable),
		cmocka_unit_test(test_fua_survives),
		cmocka_unit_test(test_fua_not_overwritten_by_older_cached),
		cmocka_unit_test(test_fua_without_device_fua_postflushes),
		cmocka_unit_test(test_preflush_write),
		cmocka_unit_test(test_barrier_drains_and_orders),
		cmocka_unit_test(test_barrier_makes_prior_durable),
		cmocka_unit_test(test_empty_barrier_flush),
		cmocka_unit_test(test_destage_on_capacity),
		cmocka_unit_test(test_destage_when_idle),
		cmocka_unit_test(test_overwrites_in_cache_destage_newest),
		cmocka_unit_test(test_crash_leaves_disk_reusable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
