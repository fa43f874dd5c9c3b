/* disk_volatile_writes: what a power failure could still catch, stopped at
 * known times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "disk_fixture.h"
#include "sim/content.h"

static struct tfix *ram_cached(void)
{
	struct sc_disk p;

	tf_defaults(&p, SC_DISK_RAM);
	p.cache.enabled = true;
	p.cache.sectors = 1024;
	p.cache.fua = true;
	return tf_new(&p, 1 << 20, NULL);
}

/* One listed write against the request it came from. */
static void check_write(const struct fault_cached_write *w, const struct treq *t,
			uint32_t first, uint32_t count, bool in_service)
{
	uint8_t want[CSUM_SECTOR];

	assert_int_equal(w->dev, 0);
	assert_int_equal(w->seq, t->r.seq);
	assert_int_equal(w->sector, t->r.sector + first);
	assert_int_equal(w->count, count);
	assert_int_equal(w->in_service, in_service);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t tag = t->tags[first + i];

		assert_int_equal(w->tags[i], tag);
		if (tag == CSUM_TAG_NONE)
			memcpy(want, t->buf + (size_t)(first + i) * CSUM_SECTOR, CSUM_SECTOR);
		else
			content_fill(1, tag, want);
		assert_memory_equal(w->bytes + (size_t)i * CSUM_SECTOR, want, CSUM_SECTOR);
	}
}

/* RAM profile (1 us + 0.1 us/KiB for the bus and the media, one at a time):
 *   W1 10+2 [bus 0-1100], W2 20+1 bytes [1100-2150], W3 30+4 [2150-3350];
 *   at 3400 FLUSH: destages D1 [3400-4500], D2 [4500-5550], D3 [5550-6750];
 *   FUA W5 40+1 is queued behind them [6750-7800]; the flush command last. */
static void test_cached_then_in_service(void **state)
{
	struct tfix *f = ram_cached();
	const struct fault_cached_write *w;
	struct treq *w1, *w2, *w3, *fl, *w5;
	uint32_t n;

	(void)state;
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 0);
	w1 = tf_write(f, 10, 2, 100, 0);
	w2 = tf_write(f, 20, 1, CSUM_TAG_NONE, 0);
	w3 = tf_write(f, 30, 4, 300, 0);

	/* W2 still on the bus: not in the cache, not on the media */
	engine_run_until(&f->e, 1500);
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 1);
	check_write(&w[0], w1, 0, 2, false);

	engine_run_until(&f->e, 3400);
	assert_int_equal(w3->completed, 1);
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 3);
	check_write(&w[0], w1, 0, 2, false);
	check_write(&w[1], w2, 0, 1, false);
	check_write(&w[2], w3, 0, 4, false);

	fl = tf_flush(f, 0);
	w5 = tf_write(f, 40, 1, 400, CSUM_IOF_FUA);
	/* D1 in service: listed after the cache, flagged */
	engine_run_until(&f->e, 4000);
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 3);
	check_write(&w[0], w2, 0, 1, false);
	check_write(&w[1], w3, 0, 4, false);
	check_write(&w[2], w1, 0, 2, true);

	engine_run_until(&f->e, 5000);
	assert_true(media_written(f->m, 0, 11));
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 2);
	check_write(&w[0], w3, 0, 4, false);
	check_write(&w[1], w2, 0, 1, true);

	/* the cache is empty; the FUA write is on its way to the media */
	engine_run_until(&f->e, 7000);
	assert_int_equal(disk_cached_sectors(f->d), 0);
	assert_int_equal(w5->completed, 0);
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 1);
	check_write(&w[0], w5, 0, 1, true);

	tf_run(f);
	assert_int_equal(fl->completed, 1);
	assert_int_equal(w5->r.t_done, 7800);
	assert_int_equal(fl->r.t_done, 8800);
	assert_int_equal(disk_volatile_writes(f->d, &w), 0);
	tf_free(f);
}

/* A crash mid-destage empties the list; on_crash sees the same flag. */
struct crash_seen {
	uint32_t n;
	bool in_service[8];
	uint64_t seq[8];
};

static void seen_crash(void *ctx, const struct fault_cached_write *w, uint32_t n, bool *keep,
		       uint32_t *order)
{
	struct crash_seen *c = ctx;

	(void)keep;
	(void)order;
	c->n = n;
	for (uint32_t i = 0; i < n && i < 8; i++) {
		c->in_service[i] = w[i].in_service;
		c->seq[i] = w[i].seq;
	}
}

static void test_crash_flags_and_empties(void **state)
{
	struct crash_seen seen = {0};
	struct fault_hooks h = {.ctx = &seen, .on_crash = seen_crash};
	struct sc_disk p;
	struct tfix *f;
	const struct fault_cached_write *w;

	(void)state;
	tf_defaults(&p, SC_DISK_RAM);
	p.cache.enabled = true;
	f = tf_new(&p, 1 << 20, &h);
	tf_write(f, 10, 2, 100, 0);
	tf_write(f, 20, 1, 200, 0);
	engine_run_until(&f->e, 2200);
	tf_flush(f, 0);
	engine_run_until(&f->e, 2500); /* D1 in service [2200-3300] */
	assert_int_equal(disk_volatile_writes(f->d, &w), 2);
	assert_true(w[1].in_service);
	assert_int_equal(w[1].seq, 1);
	tf_crash(f);
	assert_int_equal(seen.n, 2);
	assert_true(seen.in_service[0]);
	assert_int_equal(seen.seq[0], 1);
	assert_false(seen.in_service[1]);
	assert_int_equal(disk_volatile_writes(f->d, &w), 0);
	tf_free(f);
}

/* A cached write partly overwritten on the media by a newer FUA write is
 * listed only where it could still land (as the crash itself would). */
static void test_superseded_sectors_left_out(void **state)
{
	struct tfix *f = ram_cached();
	const struct fault_cached_write *w;
	struct treq *old, *fua;
	uint32_t n;

	(void)state;
	old = tf_write(f, 10, 4, 100, 0);
	tf_run(f);
	fua = tf_write(f, 11, 1, 500, CSUM_IOF_FUA);
	tf_run(f);
	assert_int_equal(fua->r.error, 0);
	assert_int_equal(media_read(f->m, 0, 11, NULL), 500);
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 2);
	check_write(&w[0], old, 0, 1, false);
	check_write(&w[1], old, 2, 2, false);
	tf_free(f);
}

/* No cache, SSD with two channels: write-through writes in flight are listed
 * by submission number, whatever their internal slots; queued ones are not. */
static void test_write_through_in_flight(void **state)
{
	struct sc_disk p;
	struct tfix *f;
	const struct fault_cached_write *w;
	struct treq *a, *b, *c;
	uint32_t n;

	(void)state;
	tf_defaults(&p, SC_DISK_SSD);
	p.ssd.channels = 2;
	f = tf_new(&p, 1 << 20, NULL);
	/* warm-up: two ops freed in order, so the next two reuse slots in
	 * reverse order */
	tf_write(f, 0, 1, 1, 0);
	tf_write(f, 1, 1, 2, 0);
	tf_run(f);
	assert_int_equal(f->e.now, 21500); /* 20 us + 3 us/KiB * 0.5 KiB */

	a = tf_write(f, 100, 2, 700, 0);
	b = tf_write(f, 200, 3, CSUM_TAG_NONE, CSUM_IOF_FUA);
	c = tf_write(f, 300, 1, 900, 0);
	engine_run_until(&f->e, 30000);
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 2);
	check_write(&w[0], a, 0, 2, true);
	check_write(&w[1], b, 0, 3, true);
	assert_false(media_written(f->m, 0, 100));

	/* a lands at 21500 + 23000; c then takes its channel */
	engine_run_until(&f->e, 21500 + 23000);
	assert_int_equal(a->completed, 1);
	n = disk_volatile_writes(f->d, &w);
	assert_int_equal(n, 2);
	check_write(&w[0], b, 0, 3, true);
	check_write(&w[1], c, 0, 1, true);
	tf_run(f);
	assert_int_equal(disk_volatile_writes(f->d, &w), 0);
	tf_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cached_then_in_service),
		cmocka_unit_test(test_crash_flags_and_empties),
		cmocka_unit_test(test_superseded_sectors_left_out),
		cmocka_unit_test(test_write_through_in_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
