#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "disk_fixture.h"
#include "sim/content.h"

struct hctx {
	/* on_persist */
	uint64_t mask;
	bool skip;
	int64_t shift;
	unsigned persists;
	/* on_read */
	uint64_t bad_sector;
	unsigned reads;
	/* on_crash */
	uint32_t n_seen;
	uint64_t seen_seq[16];
	uint64_t seen_tag0[16];
	bool bytes_ok;
	uint32_t keep_n;
	uint32_t keep_idx[16]; /* applied in this order */
};

static void h_persist(void *ctx, struct fault_persist *p)
{
	struct hctx *h = ctx;

	h->persists++;
	assert_int_equal(p->persist_mask, UINT64_MAX);
	assert_false(p->skip);
	p->persist_mask = h->mask;
	p->skip = h->skip;
	p->sector = (uint64_t)((int64_t)p->sector + h->shift);
}

static int h_read(void *ctx, unsigned dev, uint64_t sector)
{
	struct hctx *h = ctx;

	assert_int_equal(dev, 0);
	h->reads++;
	return sector == h->bad_sector;
}

static void h_crash(void *ctx, const struct fault_cached_write *w, uint32_t n, bool *keep,
		    uint32_t *order)
{
	struct hctx *h = ctx;
	uint8_t want[CSUM_SECTOR];

	h->n_seen = n;
	h->bytes_ok = true;
	for (uint32_t i = 0; i < n; i++) {
		assert_false(keep[i]);
		assert_int_equal(order[i], i);
		h->seen_seq[i] = w[i].seq;
		h->seen_tag0[i] = w[i].tags[0];
		for (uint32_t s = 0; s < w[i].count; s++) {
			content_fill(1, w[i].tags[s], want);
			if (memcmp(want, w[i].bytes + (size_t)s * CSUM_SECTOR, CSUM_SECTOR) != 0)
				h->bytes_ok = false;
		}
	}
	for (uint32_t k = 0; k < h->keep_n; k++) {
		keep[h->keep_idx[k]] = true;
		order[k] = h->keep_idx[k];
	}
	/* the rest of order: whatever was displaced, so it stays a permutation */
	for (uint32_t i = 0, k = h->keep_n; i < n; i++)
		if (!keep[i])
			order[k++] = i;
}

static struct tfix *hooked(struct hctx *h, bool cache)
{
	struct sc_disk p;
	struct fault_hooks hk = {
		.ctx = h, .on_crash = h_crash, .on_persist = h_persist, .on_read = h_read,
	};

	h->mask = UINT64_MAX;
	h->bad_sector = UINT64_MAX;
	tf_defaults(&p, SC_DISK_SSD);
	p.cache.enabled = cache;
	return tf_new(&p, 1 << 20, &hk);
}

static void test_persist_mask_tears(void **state)
{
	struct hctx h = {0};
	struct tfix *f = hooked(&h, false);

	(void)state;
	tf_write(f, 100, 4, 10, 0);
	h.mask = 0x5;
	tf_run(f);
	tf_write(f, 200, 70, 1000, 0); /* beyond 64: always persists */
	h.mask = 0;
	tf_run(f);
	assert_int_equal(h.persists, 2);
	assert_int_equal(media_read(f->m, 0, 100, NULL), 10);
	assert_false(media_written(f->m, 0, 101));
	assert_int_equal(media_read(f->m, 0, 102, NULL), 12);
	assert_false(media_written(f->m, 0, 103));
	assert_false(media_written(f->m, 0, 263));
	assert_int_equal(media_read(f->m, 0, 264, NULL), 1064);
	tf_free(f);
}

static void test_persist_skip_and_misdirect(void **state)
{
	struct hctx h = {0};
	struct tfix *f = hooked(&h, true);

	(void)state;
	h.skip = true;
	tf_write(f, 10, 2, 10, CSUM_IOF_FUA);
	tf_run(f);
	assert_false(media_written(f->m, 0, 10));
	h.skip = false;
	h.shift = 1000;
	tf_write(f, 20, 2, 20, 0);
	tf_run(f);
	tf_flush(f, 0); /* the destage goes through on_persist too */
	tf_run(f);
	assert_false(media_written(f->m, 0, 20));
	assert_int_equal(media_read(f->m, 0, 1021, NULL), 21);
	assert_int_equal(disk_stats(f->d)->destaged_sectors, 2);
	tf_free(f);
}

static void test_read_failure(void **state)
{
	struct hctx h = {0};
	struct tfix *f = hooked(&h, true);
	struct treq *a, *b, *c;

	(void)state;
	h.bad_sector = 6;
	a = tf_read(f, 4, 4);
	b = tf_read(f, 0, 4);
	tf_run(f);
	assert_int_equal(a->r.error, -CSUM_EIO);
	assert_int_equal(b->r.error, 0);
	assert_int_equal(disk_stats(f->d)->reads, 2);
	/* a cached copy is not a media read: no failure */
	tf_write(f, 6, 1, 66, 0);
	tf_run(f);
	h.reads = 0;
	c = tf_read(f, 6, 1);
	tf_run(f);
	assert_int_equal(c->r.error, 0);
	assert_int_equal(c->tags[0], 66);
	assert_int_equal(h.reads, 0);
	tf_free(f);
}

static void test_crash_keeps_subset_in_order(void **state)
{
	struct hctx h = {0};
	struct tfix *f = hooked(&h, true);
	struct treq *w[4];

	(void)state;
	w[0] = tf_write(f, 7, 1, 1, 0);
	w[1] = tf_write(f, 7, 1, 2, 0);
	w[2] = tf_write(f, 7, 1, 3, 0);
	w[3] = tf_write(f, 30, 2, 40, 0);
	tf_run(f);
	assert_int_equal(disk_cached_sectors(f->d), 5);
	/* keep the newest and the oldest of sector 7, the oldest applied last:
	 * a reordering the hook chose; sector 30's write is lost */
	h.keep_n = 2;
	h.keep_idx[0] = 2;
	h.keep_idx[1] = 0;
	h.persists = 0;
	tf_crash(f);
	assert_int_equal(h.n_seen, 4);
	assert_true(h.bytes_ok);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(h.seen_seq[i], w[i]->r.seq);
		assert_int_equal(h.seen_tag0[i], w[i]->tags[0]);
	}
	assert_true(h.seen_seq[0] < h.seen_seq[1]);
	assert_int_equal(h.persists, 2);
	assert_int_equal(media_read(f->m, 0, 7, NULL), 1);
	assert_false(media_written(f->m, 0, 30));
	assert_int_equal(disk_cached_sectors(f->d), 0);
	tf_free(f);
}

static void test_crash_default_loses_all(void **state)
{
	struct sc_disk p;
	struct fault_hooks none = {0}; /* NULL function pointers: defaults */
	struct tfix *f;

	(void)state;
	tf_defaults(&p, SC_DISK_RAM);
	p.cache.enabled = true;
	f = tf_new(&p, 1000, &none);
	tf_write(f, 1, 3, 5, 0);
	tf_run(f);
	tf_crash(f);
	assert_int_equal(media_sectors(f->m), 0);
	assert_int_equal(tf_read_tag(f, 2), 0);
	tf_free(f);
}

static void test_crash_never_clobbers_durable(void **state)
{
	struct hctx h = {0};
	struct tfix *f = hooked(&h, true);

	(void)state;
	tf_write(f, 3, 1, 1, 0);              /* cached */
	tf_write(f, 3, 1, 2, CSUM_IOF_FUA);   /* durable, newer */
	tf_write(f, 9, 1, 9, 0);              /* cached */
	tf_run(f);
	h.keep_n = 1;
	h.keep_idx[0] = 0;
	tf_crash(f);
	/* the stale copy of sector 3 is not offered: only sector 9's write */
	assert_int_equal(h.n_seen, 1);
	assert_int_equal(h.seen_tag0[0], 9);
	assert_int_equal(media_read(f->m, 0, 3, NULL), 2);
	assert_int_equal(media_read(f->m, 0, 9, NULL), 9);
	tf_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_persist_mask_tears),
		cmocka_unit_test(test_persist_skip_and_misdirect),
		cmocka_unit_test(test_read_failure),
		cmocka_unit_test(test_crash_keeps_subset_in_order),
		cmocka_unit_test(test_crash_default_loses_all),
		cmocka_unit_test(test_crash_never_clobbers_durable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
