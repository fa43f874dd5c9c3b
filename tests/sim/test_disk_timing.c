#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "disk_fixture.h"
#include "sim/disk_model.h"

/* 6000 rpm: one revolution is exactly 10 ms; 1000 sectors a track: 10 us a
 * sector; 101 tracks so that (D-1)/(tracks-1) is a round fraction. */
static void hdd_params(struct sc_disk *p, uint8_t sched, uint32_t qd)
{
	tf_defaults(p, SC_DISK_HDD);
	p->hdd.rpm = 6000;
	p->hdd.sectors_per_track = 1000;
	p->hdd.seek_track_ms = 0.8;
	p->hdd.seek_full_ms = 16.0;
	p->hdd.overhead_us = 50;
	p->hdd.sched = sched;
	p->hdd.queue_depth = qd;
}

static void test_hdd_seek_curve(void **state)
{
	struct sc_disk p;
	struct disk_model m;
	const char *why;

	(void)state;
	hdd_params(&p, SC_SCHED_FIFO, 32);
	assert_int_equal(dmodel_init(&m, &p, 101000, &why), 0);
	assert_int_equal(m.tracks, 101);
	assert_true(dmodel_seek_ns(&m, 0) == 0.0);
	assert_int_equal((uint64_t)(dmodel_seek_ns(&m, 1) + 0.5), 800000);
	assert_int_equal((uint64_t)(dmodel_seek_ns(&m, 26) + 0.5), 8400000); /* sqrt(1/4) */
	assert_int_equal((uint64_t)(dmodel_seek_ns(&m, 65) + 0.5), 12960000); /* sqrt(.64) */
	/* the longest seek possible, 100 tracks: sqrt(99/100) of the way */
	assert_int_equal((uint64_t)(dmodel_seek_ns(&m, 100) + 0.5), 15923809);
}

static void test_hdd_exact_read_time(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *a, *b;

	(void)state;
	hdd_params(&p, SC_SCHED_FIFO, 32);
	f = tf_new(&p, 101000, NULL);
	/* head on track 0 at t=0. A: track 26, sector 500 of the track.
	 * overhead 50 us -> 50000; seek 26 tracks 8.4 ms -> 8450000; platter at
	 * 8450000 mod 1e7; sector 500 is at 5000000: wait 6550000; transfer 8
	 * sectors 80000: done at 15080000. */
	a = tf_read(f, 26500, 8);
	/* B, queued: right behind A on the same track; the 50 us overhead
	 * makes it miss the sector by 50 us: a full turn less 50 us.
	 * 15080000 + 50000 = 15130000, target 5080000, wait 9950000, +80000. */
	b = tf_read(f, 26508, 8);
	tf_run(f);
	assert_int_equal(a->r.error, 0);
	assert_int_equal(a->r.t_start, 0);
	assert_int_equal(a->r.t_done, 15080000);
	assert_int_equal(b->r.t_start, 15080000);
	assert_int_equal(b->r.t_done, 25160000);
	assert_int_equal(disk_stats(f->d)->seeks, 1);
	assert_int_equal(disk_stats(f->d)->reads, 2);
	assert_int_equal(disk_stats(f->d)->read_sectors, 16);
	assert_int_equal(disk_stats(f->d)->busy_ns, 25160000);
	tf_free(f);
}

static void test_hdd_transfer_rate(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *a;

	(void)state;
	hdd_params(&p, SC_SCHED_FIFO, 32);
	p.hdd.transfer_mib_s = 512.0e6 / 1048576.0; /* 1 us a sector */
	p.hdd.overhead_us = 0;
	f = tf_new(&p, 101000, NULL);
	/* track 0, sector 250: wait 2.5 ms, then 10 sectors at 1 us */
	a = tf_write(f, 250, 10, 100, 0);
	tf_run(f);
	assert_int_equal(a->r.t_done, 2500000 + 10000);
	tf_free(f);
}

/* Submit A first (it starts at once), then B..E while A is in service. */
static void sched_order(uint8_t sched, uint32_t qd, const char *want)
{
	struct sc_disk p;
	struct tfix *f;
	static const uint64_t where[5] = {50000, 40000, 55000, 90000, 45000};
	struct treq *r[5];
	char got[6] = {0};

	hdd_params(&p, sched, qd);
	f = tf_new(&p, 101000, NULL);
	for (int i = 0; i < 5; i++)
		r[i] = tf_read(f, where[i], 8);
	tf_run(f);
	assert_int_equal(f->n_done, 5);
	for (unsigned i = 0; i < 5; i++)
		got[i] = (char)('A' + (f->order[i] - r[0]));
	assert_string_equal(got, want);
	tf_free(f);
}

static void test_hdd_schedulers(void **state)
{
	(void)state;
	sched_order(SC_SCHED_FIFO, 32, "ABCDE");
	/* from 50008: C(55000), then E(45000) is nearer than B(40000), then B, D */
	sched_order(SC_SCHED_SSTF, 32, "ACEBD");
	/* upward: C, D; wrap to the lowest: B, E */
	sched_order(SC_SCHED_CLOOK, 32, "ACDBE");
	/* queue depth 1: the drive sees one request at a time: FIFO */
	sched_order(SC_SCHED_SSTF, 1, "ABCDE");
	/* depth 2: the drive sees two: {B,C} -> C, {B,D} -> B, {D,E} -> E, D */
	sched_order(SC_SCHED_SSTF, 2, "ACBED");
}

static void test_ssd_channels(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *r[10];

	(void)state;
	tf_defaults(&p, SC_DISK_SSD);
	f = tf_new(&p, 1 << 20, NULL);
	/* 4 KiB reads: 60 + 1.5 * 4 = 66 us; 8 channels */
	for (int i = 0; i < 9; i++)
		r[i] = tf_read(f, (uint64_t)i * 1000, 8);
	/* 4 KiB write: 20 + 3 * 4 = 32 us, queued behind the 9th read */
	r[9] = tf_write(f, 5, 8, 1, 0);
	tf_run(f);
	for (int i = 0; i < 8; i++)
		assert_int_equal(r[i]->r.t_done, 66000);
	assert_int_equal(r[8]->r.t_start, 66000);
	assert_int_equal(r[8]->r.t_done, 132000);
	assert_int_equal(r[9]->r.t_start, 66000);
	assert_int_equal(r[9]->r.t_done, 98000);
	assert_int_equal(disk_stats(f->d)->busy_ns, 132000);
	tf_free(f);
}

static void test_ssd_flush_without_cache(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *w, *fl;

	(void)state;
	tf_defaults(&p, SC_DISK_SSD);
	p.ssd.channels = 1;
	f = tf_new(&p, 1 << 20, NULL);
	w = tf_write(f, 0, 8, 1, 0);
	fl = tf_flush(f, 0);
	tf_run(f);
	assert_int_equal(w->r.t_done, 32000);
	assert_int_equal(fl->r.t_done, 32000 + 500000);
	/* no cache: durable at completion */
	assert_int_equal(media_read(f->m, 0, 7, NULL), 8);
	tf_free(f);
}

static void test_ram_serial(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *a, *b;

	(void)state;
	tf_defaults(&p, SC_DISK_RAM);
	f = tf_new(&p, 1 << 20, NULL);
	/* 1 us + 0.1 us/KiB * 4 KiB = 1.4 us, one at a time */
	a = tf_write(f, 0, 8, 1, 0);
	b = tf_read(f, 0, 8);
	tf_run(f);
	assert_int_equal(a->r.t_done, 1400);
	assert_int_equal(b->r.t_done, 2800);
	assert_int_equal(b->tags[3], 4);
	tf_free(f);
}

static void test_out_of_range_fails(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	struct treq *a, *b, *c;

	(void)state;
	tf_defaults(&p, SC_DISK_RAM);
	f = tf_new(&p, 100, NULL);
	a = tf_write(f, 96, 8, 1, 0);
	b = tf_read(f, UINT64_MAX - 2, 8);
	c = tf_read(f, 92, 8);
	/* completion comes from an engine event, never inside disk_submit */
	assert_false(a->completed);
	tf_run(f);
	assert_int_equal(a->r.error, -CSUM_EIO);
	assert_int_equal(b->r.error, -CSUM_EIO);
	assert_int_equal(c->r.error, 0);
	assert_false(media_written(f->m, 0, 96));
	tf_free(f);
}

static void test_bad_parameters(void **state)
{
	struct sc_disk p;
	struct engine e;
	struct media *m = media_new(1, NULL, NULL);
	struct cs_err err;

	(void)state;
	engine_init(&e);
	tf_defaults(&p, SC_DISK_SSD);
	p.ssd.channels = 0;
	assert_null(disk_new(&e, &p, m, 0, 100, NULL, &err));
	assert_non_null(strstr(err.msg, "channels"));
	tf_defaults(&p, SC_DISK_HDD);
	p.hdd.rpm = 0;
	assert_null(disk_new(&e, &p, m, 0, 100, NULL, &err));
	assert_non_null(strstr(err.msg, "rpm"));
	media_free(m);
	engine_free(&e);
}

/* A mixed run twice: the same completions at the same times. */
static void mixed_run(uint64_t out[TF_MAX_REQ * 2])
{
	struct sc_disk p;
	struct tfix *f;

	tf_defaults(&p, SC_DISK_HDD);
	p.cache.enabled = true;
	p.cache.sectors = 64;
	f = tf_new(&p, 4000000, NULL);
	for (int i = 0; i < 40; i++) {
		uint64_t s = (uint64_t)(i * 7919 % 4000) * 997;

		if (i % 5 == 4)
			tf_flush(f, 0);
		else if (i % 3 == 0)
			tf_read(f, s, 8);
		else
			tf_write(f, s, 16, (uint64_t)i * 100 + 1, i % 7 == 0 ? CSUM_IOF_FUA : 0);
	}
	tf_run(f);
	assert_int_equal(f->n_done, 40);
	for (unsigned i = 0; i < 40; i++) {
		out[2 * i] = (uint64_t)(f->order[i] - f->req);
		out[2 * i + 1] = f->order[i]->r.t_done;
	}
	tf_free(f);
}

static void test_deterministic(void **state)
{
	uint64_t a[TF_MAX_REQ * 2] = {0}, b[TF_MAX_REQ * 2] = {0};

	(void)state;
	mixed_run(a);
	mixed_run(b);
	assert_memory_equal(a, b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdd_seek_curve),
		cmocka_unit_test(test_hdd_exact_read_time),
		cmocka_unit_test(test_hdd_transfer_rate),
		cmocka_unit_test(test_hdd_schedulers),
		cmocka_unit_test(test_ssd_channels),
		cmocka_unit_test(test_ssd_flush_without_cache),
		cmocka_unit_test(test_ram_serial),
		cmocka_unit_test(test_out_of_range_fails),
		cmocka_unit_test(test_bad_parameters),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
