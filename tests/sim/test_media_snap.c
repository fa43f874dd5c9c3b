/* Media snapshots (deep copies, all-or-nothing restore), uniform picks of a
 * written sector, and bit flips at rest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/content.h"
#include "sim/media.h"
#include "util/rng.h"

/* ---- allocation failures: this test links with --wrap=malloc,calloc ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);

/* Allocations left before the next one fails; negative: never fail. */
static long allocs_left = -1;

static int alloc_fails(void)
{
	if (allocs_left < 0)
		return 0;
	if (allocs_left == 0)
		return 1;
	allocs_left--;
	return 0;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : __real_calloc(n, size);
}

/* ---- helpers ----------------------------------------------------------- */

#define SEED 9

/* dev 1, odd sectors: 0xff in byte 0; everything else zeros */
static void odd_image(const void *ctx, unsigned dev, uint64_t sector, uint8_t out[CSUM_SECTOR])
{
	(void)ctx;
	memset(out, 0, CSUM_SECTOR);
	if (dev == 1 && sector % 2 == 1)
		out[0] = 0xff;
}

static void pattern(uint8_t *buf, unsigned salt)
{
	for (unsigned i = 0; i < CSUM_SECTOR; i++)
		buf[i] = (uint8_t)(i * 13 + salt);
}

/* What a media holds at the sectors the tests use. */
#define N_PROBE 12
static const struct {
	unsigned dev;
	uint64_t sector;
} probe[N_PROBE] = {
	{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 500}, {0, (UINT64_C(1) << 40) + 7},
	{1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 501}, {15, 99},
};

struct image {
	uint64_t tag[N_PROBE];
	int written[N_PROBE];
	uint8_t bytes[N_PROBE][CSUM_SECTOR];
	size_t sectors, mem;
};

static void capture(const struct media *m, struct image *im)
{
	for (unsigned i = 0; i < N_PROBE; i++) {
		im->tag[i] = media_read(m, probe[i].dev, probe[i].sector, im->bytes[i]);
		im->written[i] = media_written(m, probe[i].dev, probe[i].sector);
	}
	im->sectors = media_sectors(m);
	im->mem = media_bytes(m);
}

static void assert_image(const struct media *m, const struct image *want)
{
	struct image got;

	capture(m, &got);
	for (unsigned i = 0; i < N_PROBE; i++) {
		assert_int_equal(got.tag[i], want->tag[i]);
		assert_int_equal(got.written[i], want->written[i]);
		assert_memory_equal(got.bytes[i], want->bytes[i], CSUM_SECTOR);
	}
	assert_int_equal(got.sectors, want->sectors);
	assert_int_equal(got.mem, want->mem);
}

/* Tags, explicit bytes, tag 0, two devices, a far sector. */
static struct media *populated(void)
{
	struct media *m = media_new(SEED, odd_image, NULL);
	uint8_t buf[CSUM_SECTOR];

	assert_non_null(m);
	assert_int_equal(media_write(m, 0, 0, 11, NULL), 0);
	pattern(buf, 1);
	assert_int_equal(media_write(m, 0, 1, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_write(m, 0, 2, 0, NULL), 0);
	assert_int_equal(media_write(m, 0, (UINT64_C(1) << 40) + 7, 12, NULL), 0);
	pattern(buf, 2);
	assert_int_equal(media_write(m, 1, 1, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_write(m, 1, 2, 13, NULL), 0);
	assert_int_equal(media_write(m, 15, 99, 14, NULL), 0);
	return m;
}

/* Change every kind of sector: bytes over bytes (the same block is
 * rewritten in place), tags over bytes, bytes over tags, new sectors. */
static void scribble(struct media *m)
{
	uint8_t buf[CSUM_SECTOR];

	pattern(buf, 77);
	assert_int_equal(media_write(m, 0, 1, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_write(m, 1, 1, 21, NULL), 0);
	assert_int_equal(media_write(m, 0, 0, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_write(m, 0, 3, 22, NULL), 0);
	assert_int_equal(media_write(m, 1, 3, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_flip_bit(m, 0, 2, 9), 0);
	assert_int_equal(media_flip_bit(m, 1, 501, 0), 0);
	for (uint64_t s = 1000; s < 1200; s++) /* past a table growth */
		assert_int_equal(media_write(m, 0, s, s, NULL), 0);
}

/* ---- snapshots ---------------------------------------------------------- */

static void test_snapshot_round_trip(void **state)
{
	struct media *m = populated();
	struct media_snapshot *s;
	struct image before, after;
	uint8_t want[CSUM_SECTOR];

	(void)state;
	capture(m, &before);
	/* the probes see each kind: tag, bytes, tag 0, unwritten image */
	assert_int_equal(before.tag[0], 11);
	assert_int_equal(before.tag[1], CSUM_TAG_NONE);
	assert_int_equal(before.tag[2], 0);
	assert_false(before.written[3]);
	assert_int_equal(before.tag[9], CSUM_TAG_NONE); /* dev 1 sector 3: image */
	s = media_snapshot(m);
	assert_non_null(s);
	assert_image(m, &before); /* taking it changes nothing */

	scribble(m);
	capture(m, &after);
	assert_memory_not_equal(after.bytes[1], before.bytes[1], CSUM_SECTOR);
	assert_int_not_equal(after.sectors, before.sectors);

	assert_int_equal(media_restore(m, s), 0);
	assert_image(m, &before);
	assert_false(media_written(m, 0, 1100));
	content_fill(SEED, 11, want);
	assert_memory_equal(before.bytes[0], want, CSUM_SECTOR);

	/* restore copies: the snapshot survives writes after a restore */
	scribble(m);
	assert_int_equal(media_restore(m, s), 0);
	assert_image(m, &before);

	/* and a restore into another media (its seed travels along) */
	{
		struct media *m2 = media_new(SEED + 1, odd_image, NULL);

		assert_non_null(m2);
		assert_int_equal(media_write(m2, 0, 4000, 5, NULL), 0);
		assert_int_equal(media_restore(m2, s), 0);
		assert_int_equal(media_content_seed(m2), SEED);
		assert_image(m2, &before);
		media_free(m2);
	}
	media_snapshot_free(s);
	media_free(m);
}

/* The snapshot owns its blocks: neither rewriting them in place nor freeing
 * the media reaches it (ASan would also see a shared block). */
static void test_snapshot_independent(void **state)
{
	struct media *m = populated();
	struct media_snapshot *s, *s_empty;
	struct image before;
	struct media *empty = media_new(SEED, odd_image, NULL);

	(void)state;
	capture(m, &before);
	s = media_snapshot(m);
	assert_non_null(s);
	scribble(m);
	media_free(m);

	m = media_new(SEED, odd_image, NULL);
	assert_non_null(m);
	assert_int_equal(media_restore(m, s), 0);
	assert_image(m, &before);
	media_snapshot_free(s); /* the media keeps its own copy */
	assert_image(m, &before);

	/* an empty snapshot empties the media */
	assert_non_null(empty);
	s_empty = media_snapshot(empty);
	assert_non_null(s_empty);
	assert_int_equal(media_restore(m, s_empty), 0);
	assert_int_equal(media_sectors(m), 0);
	assert_false(media_written(m, 0, 0));
	{
		unsigned dev = 99;
		uint64_t sector = 99;

		assert_int_equal(media_pick(m, 5, &dev, &sector), -1);
		assert_int_equal(dev, 99);
		assert_int_equal(sector, 99);
	}
	media_snapshot_free(s_empty);
	media_free(empty);
	media_free(m);
}

/* Every allocation of a snapshot and of a restore fails in turn: snapshot
 * returns NULL, restore returns -1 and leaves the media exactly as it was
 * (the Sanitize build also checks that nothing leaks). */
static void test_restore_all_or_nothing(void **state)
{
	struct media *m = populated();
	struct media_snapshot *s = NULL;
	struct image before, after;
	long k;

	(void)state;
	capture(m, &before);
	for (k = 0;; k++) {
		allocs_left = k;
		s = media_snapshot(m);
		allocs_left = -1;
		if (s != NULL)
			break;
		assert_image(m, &before);
	}
	assert_true(k >= 5); /* the snapshot, both maps, and blocks were all failed */

	scribble(m);
	capture(m, &after);
	for (k = 0;; k++) {
		int rc;

		allocs_left = k;
		rc = media_restore(m, s);
		allocs_left = -1;
		if (rc == 0)
			break;
		assert_int_equal(rc, -1);
		assert_image(m, &after);
	}
	assert_true(k >= 5);
	assert_image(m, &before);
	media_snapshot_free(s);
	media_free(m);
}

/* ---- picks -------------------------------------------------------------- */

static void test_pick_empty(void **state)
{
	struct media *m = media_new(1, NULL, NULL);
	unsigned dev = 7;
	uint64_t sector = 7;

	(void)state;
	assert_int_equal(media_pick(m, 0, &dev, &sector), -1);
	assert_int_equal(media_pick(m, UINT64_MAX, &dev, &sector), -1);
	assert_int_equal(dev, 7);
	assert_int_equal(sector, 7);
	/* reading unwritten sectors writes nothing */
	media_read(m, 0, 3, NULL);
	assert_int_equal(media_pick(m, 1, &dev, &sector), -1);
	media_free(m);
}

/* Chi-square of `draws` picks over n written sectors, which must be the
 * only ones picked. */
static double pick_chi2(const struct media *m, const uint64_t *sectors, const unsigned *devs,
			unsigned n, unsigned draws, uint64_t seed)
{
	unsigned *count = calloc(n, sizeof(*count));
	uint64_t r = seed;
	double chi2 = 0, expect = (double)draws / n;

	assert_non_null(count);
	for (unsigned i = 0; i < draws; i++) {
		unsigned dev, k;
		uint64_t sector;

		r = cs_mix64(r);
		assert_int_equal(media_pick(m, r, &dev, &sector), 0);
		for (k = 0; k < n; k++)
			if (sectors[k] == sector && devs[k] == dev)
				break;
		assert_true(k < n);
		count[k]++;
	}
	for (unsigned k = 0; k < n; k++)
		chi2 += ((double)count[k] - expect) * ((double)count[k] - expect) / expect;
	free(count);
	return chi2;
}

static void test_pick_uniform(void **state)
{
	struct media *m = media_new(1, NULL, NULL);
	uint64_t sectors[1000];
	unsigned devs[1000];
	uint64_t x = 3;
	double chi2;

	(void)state;
	/* 10 sectors in a 64-slot table: probing to the next occupied slot from
	 * a random one would weight each by the gap before it */
	for (unsigned k = 0; k < 10; k++) {
		x = cs_mix64(x);
		devs[k] = k % 3;
		sectors[k] = x >> 24;
		assert_int_equal(media_write(m, devs[k], sectors[k], k + 1, NULL), 0);
	}
	chi2 = pick_chi2(m, sectors, devs, 10, 100000, 42);
	print_message("pick chi2 over 10 sectors: %.2f (9 dof)\n", chi2);
	assert_true(chi2 < 27.88); /* p = 0.001 */

	/* 1000 sectors, several growths, bytes and tags mixed */
	for (unsigned k = 10; k < 1000; k++) {
		uint8_t buf[CSUM_SECTOR];

		x = cs_mix64(x);
		devs[k] = 0;
		sectors[k] = (uint64_t)k * 5000 + x % 5000; /* distinct */
		pattern(buf, k);
		assert_int_equal(media_write(m, 0, sectors[k], k % 2 ? k : CSUM_TAG_NONE, buf), 0);
	}
	assert_int_equal(media_sectors(m), 1000);
	chi2 = pick_chi2(m, sectors, devs, 1000, 200000, 43);
	print_message("pick chi2 over 1000 sectors: %.2f (999 dof)\n", chi2);
	assert_true(chi2 < 1143.0); /* p = 0.001 */
	media_free(m);
}

static void test_pick_deterministic(void **state)
{
	struct media *a = populated(), *b = populated();
	struct media_snapshot *s;
	unsigned da, db;
	uint64_t sa, sb, r = 1;
	int seen_far = 0;

	(void)state;
	s = media_snapshot(a);
	assert_non_null(s);
	for (unsigned i = 0; i < 200; i++) {
		r = cs_mix64(r);
		assert_int_equal(media_pick(a, r, &da, &sa), 0);
		assert_int_equal(media_pick(b, r, &db, &sb), 0);
		assert_int_equal(da, db);
		assert_int_equal(sa, sb);
		assert_true(media_written(a, da, sa));
		seen_far |= da == 0 && sa == (UINT64_C(1) << 40) + 7;
	}
	assert_true(seen_far);
	/* a restored media picks as the original did */
	scribble(b);
	assert_int_equal(media_restore(b, s), 0);
	r = 1;
	for (unsigned i = 0; i < 200; i++) {
		r = cs_mix64(r);
		assert_int_equal(media_pick(a, r, &da, &sa), 0);
		assert_int_equal(media_pick(b, r, &db, &sb), 0);
		assert_int_equal(da, db);
		assert_int_equal(sa, sb);
	}
	/* overwriting keeps the key: the picks stay the same */
	assert_int_equal(media_write(a, 0, 0, 99, NULL), 0);
	r = 1;
	for (unsigned i = 0; i < 200; i++) {
		r = cs_mix64(r);
		assert_int_equal(media_pick(a, r, &da, &sa), 0);
		assert_int_equal(media_pick(b, r, &db, &sb), 0);
		assert_int_equal(sa, sb);
	}
	media_snapshot_free(s);
	media_free(a);
	media_free(b);
}

/* ---- bit flips ---------------------------------------------------------- */

static void check_flip(struct media *m, unsigned dev, uint64_t sector, uint32_t bit)
{
	uint8_t want[CSUM_SECTOR], got[CSUM_SECTOR];

	media_read(m, dev, sector, want);
	want[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	assert_int_equal(media_flip_bit(m, dev, sector, bit), 0);
	assert_int_equal(media_read(m, dev, sector, got), CSUM_TAG_NONE);
	assert_memory_equal(got, want, CSUM_SECTOR);
	assert_true(media_written(m, dev, sector));
}

static void test_flip_bit(void **state)
{
	struct media *m = media_new(SEED, odd_image, NULL);
	uint8_t orig[CSUM_SECTOR], got[CSUM_SECTOR];
	size_t sectors;

	(void)state;
	assert_non_null(m);
	/* a clean tag: exact bytes, bit 0 = LSB of byte 0 */
	assert_int_equal(media_write(m, 0, 10, 1234, NULL), 0);
	content_fill(SEED, 1234, orig);
	assert_int_equal(media_flip_bit(m, 0, 10, 0), 0);
	assert_int_equal(media_read(m, 0, 10, got), CSUM_TAG_NONE);
	assert_int_equal(got[0], orig[0] ^ 0x01);
	assert_memory_equal(got + 1, orig + 1, CSUM_SECTOR - 1);
	/* the last bit is the MSB of byte 511; a middle one */
	check_flip(m, 0, 10, 4095);
	assert_int_equal(media_read(m, 0, 10, got), CSUM_TAG_NONE);
	assert_int_equal(got[511], orig[511] ^ 0x80);
	check_flip(m, 0, 10, 37 * 8 + 5);
	assert_int_equal(media_read(m, 0, 10, got), CSUM_TAG_NONE);
	assert_int_equal(got[37], orig[37] ^ 0x20);
	/* flipping back restores the bytes but they stay explicit */
	assert_int_equal(media_flip_bit(m, 0, 10, 0), 0);
	assert_int_equal(media_flip_bit(m, 0, 10, 4095), 0);
	assert_int_equal(media_flip_bit(m, 0, 10, 37 * 8 + 5), 0);
	assert_int_equal(media_read(m, 0, 10, got), CSUM_TAG_NONE);
	assert_memory_equal(got, orig, CSUM_SECTOR);

	/* unwritten, zero image: one bit set */
	assert_false(media_written(m, 0, 20));
	assert_int_equal(media_flip_bit(m, 0, 20, 8 * 100 + 3), 0);
	assert_int_equal(media_read(m, 0, 20, got), CSUM_TAG_NONE);
	memset(orig, 0, sizeof(orig));
	orig[100] = 0x08;
	assert_memory_equal(got, orig, CSUM_SECTOR);
	assert_true(media_written(m, 0, 20));
	/* unwritten, non-zero image: flipped from the image */
	assert_int_equal(media_flip_bit(m, 1, 21, 1), 0);
	assert_int_equal(media_read(m, 1, 21, got), CSUM_TAG_NONE);
	memset(orig, 0, sizeof(orig));
	orig[0] = 0xfd;
	assert_memory_equal(got, orig, CSUM_SECTOR);
	/* explicit bytes */
	pattern(orig, 5);
	assert_int_equal(media_write(m, 1, 30, CSUM_TAG_NONE, orig), 0);
	check_flip(m, 1, 30, 2049);
	assert_int_equal(media_read(m, 1, 30, got), CSUM_TAG_NONE);
	assert_int_equal(got[256], orig[256] ^ 0x02);
	/* tag 0 written: zeros, then one bit */
	assert_int_equal(media_write(m, 0, 40, 0, NULL), 0);
	check_flip(m, 0, 40, 7);

	/* out of range: refused, nothing stored */
	sectors = media_sectors(m);
	assert_int_equal(media_flip_bit(m, 0, 50, 4096), -1);
	assert_false(media_written(m, 0, 50));
	assert_int_equal(media_sectors(m), sectors);
	/* a later tag write makes it clean again */
	assert_int_equal(media_write(m, 0, 10, 1234, NULL), 0);
	assert_int_equal(media_read(m, 0, 10, NULL), 1234);
	media_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_round_trip),
		cmocka_unit_test(test_snapshot_independent),
		cmocka_unit_test(test_restore_all_or_nothing),
		cmocka_unit_test(test_pick_empty),
		cmocka_unit_test(test_pick_uniform),
		cmocka_unit_test(test_pick_deterministic),
		cmocka_unit_test(test_flip_bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
