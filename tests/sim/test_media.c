#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/content.h"
#include "sim/media.h"
#include "util/rankmap.h"
#include "util/rng.h"
#include "util/secpack.h"

/* The vector path (AVX-512, when this CPU has it) and the portable one
 * give the same bytes for many seeds and tags, tag 0 included. */
static void test_content_paths_agree(void **state)
{
	uint8_t a[CSUM_SECTOR], b[CSUM_SECTOR];
	uint64_t x = 3;

	(void)state;
	for (unsigned i = 0; i < 20000; i++) {
		uint64_t seed = cs_mix64(x++), tag = i < 10 ? i : cs_mix64(x++);

		memset(a, 0x11, sizeof(a));
		memset(b, 0x22, sizeof(b));
		content_fill(seed, tag, a);
		content_fill_portable(seed, tag, b);
		assert_memory_equal(a, b, CSUM_SECTOR);
	}
}

static void test_content_deterministic_and_distinct(void **state)
{
	uint8_t a[CSUM_SECTOR], b[CSUM_SECTOR], z[CSUM_SECTOR];

	(void)state;
	memset(z, 0, sizeof(z));
	memset(a, 0xaa, sizeof(a));
	content_fill(1, 0, a);
	assert_memory_equal(a, z, CSUM_SECTOR);

	content_fill(1, 5, a);
	content_fill(1, 5, b);
	assert_memory_equal(a, b, CSUM_SECTOR);
	assert_memory_not_equal(a, z, CSUM_SECTOR);
	content_fill(1, 6, b);
	assert_memory_not_equal(a, b, CSUM_SECTOR);
	content_fill(2, 5, b);
	assert_memory_not_equal(a, b, CSUM_SECTOR);
	/* every 8-byte word differs between neighbouring tags */
	content_fill(1, 7, b);
	content_fill(1, 8, a);
	for (unsigned i = 0; i < CSUM_SECTOR; i += 8)
		assert_memory_not_equal(a + i, b + i, 8);
	/* golden words: outputs must stay byte-identical across versions and
	 * hosts (little-endian bytes of each 64-bit word) */
	content_fill(1, 1, a);
	{
		static const uint8_t first[8] = {0x8c, 0x48, 0x21, 0xdd, 0xd3, 0x3f, 0x62, 0xb5};
		static const uint8_t last[8] = {0xca, 0x3e, 0x92, 0x89, 0x56, 0xc5, 0xb9, 0xb2};

		assert_memory_equal(a, first, 8);
		assert_memory_equal(a + CSUM_SECTOR - 8, last, 8);
	}
}

static void ones_image(const void *ctx, unsigned dev, uint64_t sector,
		       uint8_t out[CSUM_SECTOR])
{
	(void)ctx;
	memset(out, 0, CSUM_SECTOR);
	if (dev == 1 && sector % 2 == 1)
		out[0] = 0xff;
}

static void test_media_round_trips(void **state)
{
	struct media *m = media_new(9, ones_image, NULL);
	uint8_t buf[CSUM_SECTOR], want[CSUM_SECTOR], got[CSUM_SECTOR];
	uint64_t far = (UINT64_C(1) << 40) - 3;

	(void)state;
	assert_non_null(m);
	assert_int_equal(media_content_seed(m), 9);
	/* unwritten: the initial image */
	assert_int_equal(media_read(m, 1, 2, got), 0);
	assert_int_equal(media_read(m, 1, 3, got), CSUM_TAG_NONE);
	assert_int_equal(got[0], 0xff);
	assert_int_equal(media_read(m, 1, 3, NULL), CSUM_TAG_NONE);
	assert_false(media_written(m, 1, 3));

	/* a clean tag, near 2^40, on two devices that must not alias */
	assert_int_equal(media_write(m, 0, far, 1234, NULL), 0);
	assert_int_equal(media_read(m, 0, far, got), 1234);
	content_fill(9, 1234, want);
	assert_memory_equal(got, want, CSUM_SECTOR);
	assert_true(media_written(m, 0, far));
	assert_false(media_written(m, 1, far));
	assert_int_equal(media_read(m, 1, far, NULL), CSUM_TAG_NONE); /* odd: ones */

	/* explicit bytes, then overwritten by a tag, then bytes again */
	for (unsigned i = 0; i < CSUM_SECTOR; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(media_write(m, 1, far + 1, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_read(m, 1, far + 1, got), CSUM_TAG_NONE);
	assert_memory_equal(got, buf, CSUM_SECTOR);
	{
		size_t with_block = media_bytes(m);
		uint8_t packed[SECPACK_MAX];

		/* the block goes, in the 16-byte steps it was allocated in */
		assert_int_equal(media_write(m, 1, far + 1, 77, NULL), 0);
		assert_int_equal(media_bytes(m), with_block - ((secpack_pack(buf, packed) + 15) & ~(size_t)15));
	}
	assert_int_equal(media_read(m, 1, far + 1, got), 77);
	buf[0] ^= 0x55;
	assert_int_equal(media_write(m, 1, far + 1, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_read(m, 1, far + 1, got), CSUM_TAG_NONE);
	assert_memory_equal(got, buf, CSUM_SECTOR);
	/* tag 0 written explicitly reads as zeros with tag 0 */
	assert_int_equal(media_write(m, 1, 3, 0, NULL), 0);
	assert_int_equal(media_read(m, 1, 3, got), 0);
	memset(want, 0, sizeof(want));
	assert_memory_equal(got, want, CSUM_SECTOR);
	assert_int_equal(media_sectors(m), 3);
	media_free(m);
}

/* Memory follows the sectors written (util/rankmap): 8 bytes a sector plus
 * spare slots and tables when 4 KiB writes cover 40 % of a device (as in
 * bench/), and at worst 4 slots and a middle table per sector when single
 * sectors are scattered over a 1 TiB device (the price of direct indexing:
 * a hash map needed ~25 bytes there, but probed and grew on every write). */
static void test_media_memory_dense(void **state)
{
	const size_t n = 400000;
	const uint64_t slots = n / 8 * 10 / 4; /* 4 KiB slots, 40 % of them written */
	struct media *m = media_new(1, NULL, NULL);
	uint64_t x = 7;
	double per;

	(void)state;
	while (media_sectors(m) < n) {
		uint64_t s;

		x = cs_mix64(x);
		s = x % slots * 8;
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(media_write(m, 0, s + i, s + i + 1, NULL), 0);
	}
	per = (double)media_bytes(m) / (double)media_sectors(m);
	print_message("bytes per clean sector, 4 KiB writes on 40 %% of the device: %.2f\n", per);
	/* 8 a sector, at most 3 spare slots per 25.6 sectors of a chunk, a
	 * 1 KiB middle table per 1 638 sectors */
	assert_true(per <= 8.0 + 24.0 / 25.6 + 1032.0 / 1638.0 + 0.5);
	media_free(m);
}

static void test_media_memory_per_sector(void **state)
{
	const uint64_t dev_sectors = UINT64_C(1) << 31;
	const size_t n = 1000000;
	struct media *m = media_new(1, NULL, NULL);
	double lo = 1e9, hi = 0, sum = 0;
	size_t samples = 0;
	uint64_t x = 7;

	(void)state;
	assert_true(media_bytes(m) < 4096);
	while (media_sectors(m) < n) {
		size_t len;
		double per;

		x = cs_mix64(x);
		/* the tag follows the sector, so repeated sectors agree */
		assert_int_equal(media_write(m, 0, x % dev_sectors, x % dev_sectors + 1, NULL), 0);
		len = media_sectors(m);
		/* every 19 999th sector: media_bytes walks the tables in
		 * assertion builds */
		if (len <= 10000 || len % 19999 != 0)
			continue;
		per = (double)media_bytes(m) / (double)len;
		lo = per < lo ? per : lo;
		hi = per > hi ? per : hi;
		sum += per;
		samples++;
	}
	print_message("bytes per clean sector, 1e4..1e6: min %.2f mean %.2f max %.2f\n", lo,
		      sum / (double)samples, hi);
	/* 4 slots of 8 bytes, a middle table and the top table (4 MiB for
	 * 2^31 sectors), per sector */
	assert_true(hi <= 32.0 + sizeof(struct rankmap_mid) + 4194304.0 / 10000.0);
	/* every sector written is still found with its tag */
	x = 7;
	for (size_t i = 0; i < n; i++) {
		x = cs_mix64(x);
		assert_int_equal(media_read(m, 0, x % dev_sectors, NULL), x % dev_sectors + 1);
	}
	assert_false(media_written(m, 1, 7 % dev_sectors));
	media_free(m);
}

/* The write log: off, nothing; on, every write and bit flip in order,
 * whatever the content; cleared, empty again; incomplete past its bound;
 * never counted in media_bytes. */
static void test_media_write_log(void **state)
{
	struct media *m = media_new(1, NULL, NULL);
	uint8_t buf[CSUM_SECTOR];
	const uint64_t *keys;
	size_t n, bytes;

	(void)state;
	assert_non_null(m);
	memset(buf, 7, sizeof(buf));
	assert_int_equal(media_write(m, 0, 5, 42, NULL), 0);
	assert_false(media_log(m, &keys, &n));
	assert_int_equal(n, 0);
	bytes = media_bytes(m);
	media_log_on(m, true);
	assert_int_equal(media_bytes(m), bytes);
	assert_int_equal(media_write(m, 1, 9, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_write(m, 0, 5, 43, NULL), 0);
	assert_int_equal(media_flip_bit(m, 0, 77, 3), 0);
	assert_true(media_log(m, &keys, &n));
	assert_int_equal(n, 3);
	assert_true(keys[0] == media_log_key(1, 9));
	assert_true(keys[1] == media_log_key(0, 5));
	assert_true(keys[2] == media_log_key(0, 77));
	assert_true(media_log_key(1, 9) != media_log_key(0, 9));
	media_log_clear(m);
	assert_true(media_log(m, &keys, &n));
	assert_int_equal(n, 0);
	for (uint64_t i = 0; i <= (UINT64_C(1) << 20); i++)
		assert_int_equal(media_write(m, 0, i % 1000, i + 1, NULL), 0);
	assert_false(media_log(m, &keys, &n)); /* past the bound: incomplete */
	media_log_clear(m);
	assert_true(media_log(m, &keys, &n));
	media_free(m);
}

/* media_pick: a function of the sectors written and r only (two media with
 * the same sectors written in other orders, with other contents, pick the
 * same), always a written sector, the k-th in (device, sector) order, and
 * about uniform. */
static void test_media_pick_by_sector_number(void **state)
{
	static const uint64_t secs[] = { 5, 64, 63, 4096, 100000, 7, 1u << 20, 65 };
	const size_t n = sizeof(secs) / sizeof(secs[0]);
	struct media *a = media_new(1, NULL, NULL), *b = media_new(2, NULL, NULL);
	unsigned hits[2][sizeof(secs) / sizeof(secs[0])];
	uint8_t buf[CSUM_SECTOR];
	unsigned dev;
	uint64_t sec;

	(void)state;
	memset(hits, 0, sizeof(hits));
	memset(buf, 9, sizeof(buf));
	assert_int_equal(media_pick(a, 1, &dev, &sec), -1); /* nothing written */
	for (size_t i = 0; i < n; i++) {
		/* a: in order, device 0 then 3; b: backwards, some as bytes */
		assert_int_equal(media_write(a, (unsigned)(i % 2) * 3, secs[i], i + 1, NULL), 0);
		assert_int_equal(media_write(b, (unsigned)((n - 1 - i) % 2) * 3, secs[n - 1 - i],
					     i % 3 ? CSUM_TAG_NONE : 99, buf),
				 0);
	}
	for (uint64_t r = 0; r < 16000; r++) {
		unsigned db;
		uint64_t sb;
		size_t i;

		assert_int_equal(media_pick(a, r * 0x9e3779b97f4a7c15u, &dev, &sec), 0);
		assert_int_equal(media_pick(b, r * 0x9e3779b97f4a7c15u, &db, &sb), 0);
		assert_int_equal(dev, db);
		assert_true(sec == sb);
		for (i = 0; i < n && !(secs[i] == sec && (i % 2) * 3 == dev); i++)
			;
		assert_true(i < n); /* written there */
		hits[0][i]++;
	}
	/* the k-th: r that give k = 0 pick the lowest sector of device 0 */
	for (size_t i = 0; i < n; i++) {
		print_message("dev %zu sector %llu: %u picks\n", (i % 2) * 3,
			      (unsigned long long)secs[i], hits[0][i]);
		assert_true(hits[0][i] > 2000 - 300 && hits[0][i] < 2000 + 300);
	}
	media_free(a);
	media_free(b);
}

static void init_ones(const void *ctx, unsigned dev, uint64_t sector, uint8_t out[CSUM_SECTOR])
{
	(void)ctx;
	(void)dev;
	(void)sector;
	memset(out, 1, CSUM_SECTOR);
}

/* media_forget: the sector as if never written (tag or stored bytes), the
 * others untouched, the memory given back, picks only among the rest. */
static void test_media_forget(void **state)
{
	struct media *m = media_new(1, init_ones, NULL);
	uint8_t buf[CSUM_SECTOR], got[CSUM_SECTOR], ones[CSUM_SECTOR];
	size_t full;
	unsigned dev;
	uint64_t sec;

	(void)state;
	memset(buf, 0, sizeof(buf));
	buf[9] = 7;
	memset(ones, 1, sizeof(ones));
	assert_int_equal(media_write(m, 0, 10, 55, NULL), 0);
	assert_int_equal(media_write(m, 0, 11, CSUM_TAG_NONE, buf), 0);
	assert_int_equal(media_write(m, 2, 10, 56, NULL), 0);
	full = media_bytes(m);
	media_forget(m, 0, 12); /* never written: nothing */
	assert_int_equal(media_bytes(m), full);
	assert_int_equal(media_sectors(m), 3);
	media_forget(m, 0, 11);
	assert_false(media_written(m, 0, 11));
	assert_int_equal(media_read(m, 0, 11, got), CSUM_TAG_NONE);
	assert_memory_equal(got, ones, CSUM_SECTOR);
	media_forget(m, 0, 10);
	assert_false(media_written(m, 0, 10));
	assert_int_equal(media_sectors(m), 1);
	assert_int_equal(media_read(m, 2, 10, NULL), 56);
	for (uint64_t r = 0; r < 100; r++) {
		assert_int_equal(media_pick(m, r, &dev, &sec), 0);
		assert_int_equal(dev, 2);
		assert_true(sec == 10);
	}
	media_forget(m, 2, 10);
	assert_int_equal(media_sectors(m), 0);
	assert_int_equal(media_pick(m, 1, &dev, &sec), -1);
	/* the tables stay; the two chunks' 4 slots of 8 bytes and the
	 * block (16 bytes at least) went back */
	assert_true(media_bytes(m) <= full - 2 * 4 * 8 - 16);
	/* written again: as new */
	assert_int_equal(media_write(m, 0, 11, 9, NULL), 0);
	assert_int_equal(media_read(m, 0, 11, NULL), 9);
	media_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_deterministic_and_distinct),
		cmocka_unit_test(test_content_paths_agree),
		cmocka_unit_test(test_media_round_trips),
		cmocka_unit_test(test_media_memory_dense),
		cmocka_unit_test(test_media_memory_per_sector),
		cmocka_unit_test(test_media_write_log),
		cmocka_unit_test(test_media_pick_by_sector_number),
		cmocka_unit_test(test_media_forget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
