/* The disk's libfiu points: the nth request of a kind fails with -EIO after
 * the command overhead and leaves media and cache alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fiu-control.h>
#include <fiu.h>

#include "disk_fixture.h"

struct nth {
	unsigned calls, n;
};

static int fail_nth(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
	struct nth *c = *failinfo;

	(void)name;
	(void)failnum;
	(void)flags;
	return ++c->calls == c->n;
}

static void enable(const char *point, struct nth *c, unsigned n)
{
	c->calls = 0;
	c->n = n;
	assert_int_equal(fiu_enable_external(point, 1, c, 0, fail_nth), 0);
}

static unsigned media_reads;

static int count_read(void *ctx, unsigned dev, uint64_t sector)
{
	(void)ctx;
	(void)dev;
	(void)sector;
	media_reads++;
	return 0;
}

static const struct fault_hooks counting = {.on_read = count_read};

static struct tfix *hdd(void)
{
	struct sc_disk p;

	tf_defaults(&p, SC_DISK_HDD);
	return tf_new(&p, 1 << 20, &counting);
}

static struct tfix *ram_cached(void)
{
	struct sc_disk p;

	tf_defaults(&p, SC_DISK_RAM);
	p.cache.enabled = true;
	return tf_new(&p, 1 << 20, &counting);
}

static void test_points_listed(void **state)
{
	unsigned n = 0;

	(void)state;
	while (sim_disk_points[n] != NULL)
		n++;
	assert_int_equal(n, 3);
	assert_string_equal(sim_disk_points[0], "sim/disk/read_error");
	assert_string_equal(sim_disk_points[1], "sim/disk/write_error");
	assert_string_equal(sim_disk_points[2], "sim/disk/flush_error");
}

static void test_write_error_no_cache(void **state)
{
	struct tfix *f = hdd();
	struct treq *w[5];
	struct nth c;

	(void)state;
	enable(SIM_DISK_WRITE_ERROR, &c, 3);
	for (unsigned i = 0; i < 5; i++) {
		w[i] = tf_write(f, 1000 * (i + 1), 2, 10 * (i + 1), i == 2 ? CSUM_IOF_FUA : 0);
		if (i == 1) {
			tf_read(f, 0, 1); /* other kinds do not count */
			tf_flush(f, 0);
		}
	}
	assert_int_equal(c.calls, 5);
	assert_int_equal(w[2]->completed, 0); /* from an event, never inline */
	tf_run(f);
	assert_int_equal(fiu_disable(SIM_DISK_WRITE_ERROR), 0);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(w[i]->completed, 1);
		assert_int_equal(w[i]->r.error, i == 2 ? -CSUM_EIO : 0);
		assert_int_equal(media_written(f->m, 0, 1000 * (i + 1)), i != 2);
		assert_int_equal(media_written(f->m, 0, 1000 * (i + 1) + 1), i != 2);
	}
	/* admitted at once, rejected after the 50 us command overhead */
	assert_int_equal(w[2]->r.t_done - w[2]->r.t_submit, 50000);
	assert_int_equal(disk_stats(f->d)->writes, 5);
	assert_int_equal(disk_stats(f->d)->media_writes, 4);
	tf_free(f);
}

static void test_write_error_cached(void **state)
{
	struct tfix *f = ram_cached();
	const struct fault_cached_write *v;
	struct treq *w[3];
	struct nth c;

	(void)state;
	enable(SIM_DISK_WRITE_ERROR, &c, 2);
	for (unsigned i = 0; i < 3; i++)
		w[i] = tf_write(f, 100 * (i + 1), 4, 50 + 10 * i, 0);
	tf_run(f);
	assert_int_equal(fiu_disable(SIM_DISK_WRITE_ERROR), 0);
	assert_int_equal(w[1]->r.error, -CSUM_EIO);
	assert_int_equal(w[1]->r.t_done - w[1]->r.t_submit, 1000); /* ram io_us */
	assert_int_equal(w[0]->r.error, 0);
	assert_int_equal(w[2]->r.error, 0);
	assert_int_equal(disk_cached_sectors(f->d), 8);
	assert_int_equal(disk_volatile_writes(f->d, &v), 2);
	assert_int_equal(v[0].seq, w[0]->r.seq);
	assert_int_equal(v[1].seq, w[2]->r.seq);
	assert_int_equal(tf_read_tag(f, 200), 0); /* never cached */
	tf_flush(f, 0);
	tf_run(f);
	assert_true(media_written(f->m, 0, 100));
	assert_false(media_written(f->m, 0, 200));
	assert_true(media_written(f->m, 0, 300));
	tf_free(f);
}

static void test_read_error(void **state)
{
	struct tfix *f = hdd();
	struct treq *r[3];
	struct nth c;

	(void)state;
	tf_write(f, 5, 3, 70, 0);
	tf_run(f);
	media_reads = 0;
	enable(SIM_DISK_READ_ERROR, &c, 2);
	for (unsigned i = 0; i < 3; i++)
		r[i] = tf_read(f, 5 + i, 1);
	tf_write(f, 9, 1, 80, 0); /* not a read: not asked */
	tf_run(f);
	assert_int_equal(fiu_disable(SIM_DISK_READ_ERROR), 0);
	assert_int_equal(c.calls, 3);
	assert_int_equal(r[0]->r.error, 0);
	assert_int_equal(r[0]->tags[0], 70);
	assert_int_equal(r[1]->r.error, -CSUM_EIO);
	assert_int_equal(r[1]->tags[0], 0xdeadbeef); /* nothing was read */
	assert_int_equal(r[1]->r.t_done - r[1]->r.t_submit, 50000);
	assert_int_equal(r[2]->r.error, 0);
	assert_int_equal(r[2]->tags[0], 72);
	assert_int_equal(media_reads, 2); /* on_read: the two real reads only */
	assert_int_equal(disk_stats(f->d)->reads, 3);
	tf_free(f);
}

static void test_flush_error(void **state)
{
	struct tfix *f = ram_cached();
	struct treq *w, *pw, *f1, *f2;
	struct nth c;

	(void)state;
	w = tf_write(f, 40, 2, 90, 0);
	tf_run(f);
	enable(SIM_DISK_FLUSH_ERROR, &c, 1);
	f1 = tf_flush(f, 0);
	tf_run(f);
	assert_int_equal(f1->r.error, -CSUM_EIO);
	assert_int_equal(f1->r.t_done - f1->r.t_submit, 1000);
	/* nothing destaged */
	assert_int_equal(disk_cached_sectors(f->d), 2);
	assert_false(media_written(f->m, 0, 40));
	assert_int_equal(disk_stats(f->d)->cache_flushes, 0);
	/* a PREFLUSH write is a write: the flush point is not asked */
	pw = tf_write(f, 60, 1, 95, CSUM_IOF_PREFLUSH);
	tf_run(f);
	assert_int_equal(c.calls, 1);
	assert_int_equal(pw->r.error, 0);
	assert_true(media_written(f->m, 0, 41));
	f2 = tf_flush(f, 0);
	tf_run(f);
	assert_int_equal(c.calls, 2);
	assert_int_equal(fiu_disable(SIM_DISK_FLUSH_ERROR), 0);
	assert_int_equal(f2->r.error, 0);
	assert_true(media_written(f->m, 0, 60));
	assert_int_equal(disk_cached_sectors(f->d), 0);
	assert_int_equal(w->r.error, 0);
	assert_int_equal(disk_stats(f->d)->flushes, 2);
	tf_free(f);
}

/* A failing request behind a barrier waits for it like any other. */
static void test_failure_held_behind_barrier(void **state)
{
	struct tfix *f = hdd();
	struct treq *b, *w;
	struct nth c;

	(void)state;
	b = tf_write(f, 500000, 1, 5, CSUM_IOF_BARRIER);
	enable(SIM_DISK_WRITE_ERROR, &c, 1);
	/* the barrier asked before the point was on; this one fails */
	w = tf_write(f, 7, 1, 6, 0);
	tf_run(f);
	assert_int_equal(fiu_disable(SIM_DISK_WRITE_ERROR), 0);
	assert_int_equal(b->r.error, 0);
	assert_int_equal(w->r.error, -CSUM_EIO);
	assert_true(tf_done_pos(f, b) < tf_done_pos(f, w));
	assert_int_equal(w->r.t_done, b->r.t_done + 50000);
	assert_false(media_written(f->m, 0, 7));
	tf_free(f);
}

static int setup(void **state)
{
	(void)state;
	return fiu_init(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_points_listed),
		cmocka_unit_test(test_write_error_no_cache),
		cmocka_unit_test(test_write_error_cached),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_flush_error),
		cmocka_unit_test(test_failure_held_behind_barrier),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
