/* The rfc family's features and the rules every variant keeps: gen32,
 * header-crc policy, strong and seeded tags, M1/M2 apart, the group lock;
 * read-after-write, I/O order, fault points, layout queries for all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fiu-control.h>

#include "core/crc_ccitt.h"
#include "core/imd.h"
#include "core/points.h"
#include "core/rfc.h"
#include "core/tags.h"
#include "tests/core/vt.h"

/* ---- gen32 (D11, D12) ------------------------------------------------- */

static void gen32_order(void **state)
{
	(void)state;
	assert_int_equal(imd_older32(0, 1), IMD_OLDER_M1);
	assert_int_equal(imd_older32(7, 3), IMD_OLDER_M2);
	assert_int_equal(imd_older32(5, 5), IMD_OLDER_M1); /* ties: M1 */
	assert_int_equal(imd_older32(0xffffffffu, 0), IMD_OLDER_M1); /* 0 is one ahead */
	assert_int_equal(imd_older32(0, 0xffffffffu), IMD_OLDER_M2);
	assert_int_equal(imd_older32(0, 2), IMD_OLDER_M1);
	/* the RFC's 8-bit counters: (0, 2) names M2 older, (2, 4) nothing */
	assert_int_equal(imd_older(0, 2), IMD_OLDER_M2);
	assert_int_equal(imd_older(2, 4), IMD_OLDER_NONE);
}

/* Equal-parity counters (0, 2) in both fields, as a foreign formatter or an
 * overwrite leaves them: writes to one group go on for ever under gen32;
 * rfc first rewrites M2 (the newer) and fails within 128 writes. */
static int parity_case(const char *variant, unsigned writes, uint64_t *first_target)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t buf[512], out[512];
	int res = 0;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	for (unsigned c = 0; c < 2; c++) {
		uint8_t *m = vt_imd(&h, 5, c);

		m[0] = (uint8_t)(2 * c);
		imd_set_gen32(m, 2 * c);
		imd_put_le16(m + 2, imd_header_crc_from(m, IMD_GEN32_CRC_FROM));
	}
	for (unsigned w = 0; w < writes && res == 0; w++) {
		res = vt_write(&h, 5, 1, w + 1, buf);
		if (w == 0)
			*first_target = h.log[1].sector;
		if (res == 0)
			res = vt_read(&h, 5, 1, out, NULL);
		if (res == 0)
			assert_memory_equal(out, buf, 512);
	}
	h_free(&h);
	return res;
}

static void gen32_parity(void **state)
{
	uint64_t first;

	(void)state;
	assert_int_not_equal(parity_case("rfc", 300, &first), 0); /* fails at (0, 0) */
	assert_int_equal(first, 2); /* M2, the newer, rewritten */
	assert_int_equal(parity_case("rfc-gen32", 300, &first), 0);
	assert_int_equal(first, 1); /* M1, generation 0 */
	assert_int_equal(parity_case("fixed", 300, &first), 0);
}

/* D11: an all-zero device takes writes under gen32 (ties: M1). */
static void gen32_unformatted(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	const char *const v[] = { "rfc", "rfc-gen32" };
	uint8_t buf[512], out[512];

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct harness h;

		h_init(&h, v[i], &t, CSUM_FLUSH_DROP);
		memset(h.dev[0], 0, h.dev_n[0] * CSUM_SECTOR);
		assert_int_equal(vt_write(&h, 3, 1, 1, buf), i == 0 ? -CSUM_EIO : 0);
		if (i == 1) {
			assert_int_equal(vt_read(&h, 3, 1, out, NULL), 0);
			assert_memory_equal(out, buf, 512);
			assert_int_equal(imd_gen32(vt_imd(&h, 3, 0)), 1);
		}
		h_free(&h);
	}
}

/* ---- header crc (D13) --------------------------------------------------- */

/* D4's clobber (data 58 over group 1's M2, first byte 0) as a stand-in for
 * any foreign content in an imd sector: rfc believes it, rfc-hcrc sees the
 * header crc fail and reads group 1 from M1 alone. */
static void hcrc_foreign_copy(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 5);
	const char *const v[] = { "rfc", "rfc-hcrc" };
	uint8_t buf[512], out[512];

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct harness h;
		struct h_result r;

		h_init(&h, v[i], &t, CSUM_FLUSH_DROP);
		h_fill(buf, 1, 5);
		buf[0] = 0;
		h_request(&h, CSUM_OP_WRITE, 58, 1, 0, buf, &r);
		assert_int_equal(r.result, 0);
		assert_int_equal(vt_read(&h, 62, 1, out, &r), i == 0 ? -CSUM_ENOMEM : 0);
		if (i == 1)
			assert_int_equal(r.verdict[0], CSUM_V_NEWER);
		h_free(&h);
	}
}

static void corrupt_hcrc(uint8_t *m)
{
	m[2] ^= 0x5a;
}

/* One copy failing: a write rewrites it from the valid copy (never from its
 * own tuples) and a read never falls back to it. */
static void hcrc_one_copy(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t a[512], b[512], out[512];
	struct h_result r;

	(void)state;
	h_init(&h, "rfc-hcrc", &t, CSUM_FLUSH_DROP);
	assert_int_equal(vt_write(&h, 5, 1, 1, a), 0); /* M1 */
	assert_int_equal(vt_write(&h, 9, 1, 2, b), 0); /* M2, newer */
	/* M1 holds 5's only crc: once it fails, 5 cannot be verified */
	corrupt_hcrc(vt_imd(&h, 5, 0));
	assert_int_equal(vt_read(&h, 5, 1, out, &r), -CSUM_EIO);
	assert_int_equal(vt_read(&h, 9, 1, out, &r), 0);
	/* a write to 20 must rewrite M1 (failing) from M2, not M2 */
	assert_int_equal(vt_write(&h, 20, 1, 3, NULL), 0);
	assert_int_equal(h.log[1].sector, 1);
	assert_int_equal(imd_header_crc(vt_imd(&h, 5, 0)),
			 imd_header_crc_compute(vt_imd(&h, 5, 0)));
	assert_int_equal(vt_imd(&h, 5, 0)[0], (uint8_t)(vt_imd(&h, 5, 1)[0] + 1));
	assert_memory_equal(vt_imd(&h, 5, 0) + 8 + 9 * 8, vt_imd(&h, 5, 1) + 8 + 9 * 8, 2);
	assert_int_equal(vt_read(&h, 9, 1, out, NULL), 0);
	assert_int_equal(vt_read(&h, 20, 1, out, NULL), 0);
	h_free(&h);

	/* rfc, same damage: it trusts M1 and reads 5 fine, and its write
	 * rewrites M1 in place and seals the damage with a new header crc */
	h_init(&h, "rfc", &t, CSUM_FLUSH_DROP);
	assert_int_equal(vt_write(&h, 5, 1, 1, a), 0);
	assert_int_equal(vt_write(&h, 9, 1, 2, b), 0);
	corrupt_hcrc(vt_imd(&h, 5, 0));
	assert_int_equal(vt_read(&h, 5, 1, out, NULL), 0);
	h_free(&h);
}

/* Both copies failing: reads -EIO; a write rebuilds M1 with its own tags. */
static void hcrc_both_copies(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	const char *const v[] = { "rfc-hcrc", "fixed" };
	uint8_t out[512];

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct harness h;

		h_init(&h, v[i], &t, CSUM_FLUSH_DROP);
		assert_int_equal(vt_write(&h, 5, 1, 1, NULL), 0);
		assert_int_equal(vt_write(&h, 9, 1, 2, NULL), 0);
		corrupt_hcrc(vt_imd(&h, 5, 0));
		corrupt_hcrc(vt_imd(&h, 5, 1));
		assert_int_equal(vt_read(&h, 5, 1, out, NULL), -CSUM_EIO);
		assert_int_equal(vt_read(&h, 30, 1, out, NULL), -CSUM_EIO);
		assert_int_equal(vt_write(&h, 20, 1, 3, NULL), 0);
		assert_int_equal(vt_read(&h, 20, 1, out, NULL), 0);
		assert_int_equal(vt_read(&h, 9, 1, out, NULL), -CSUM_EIO); /* its crc is gone */
		assert_int_equal(vt_read(&h, 30, 1, out, NULL), 0); /* zero data, zero tuple */
		assert_false(h.lock_stuck);
		h_free(&h);
	}
}

/* ---- strong and seeded tags ------------------------------------------- */

static void tag_vectors(void **state)
{
	static const uint8_t check[] = "123456789";
	uint8_t zero[512] = { 0 };
	struct tag_val a, b;

	(void)state;
	assert_int_equal(tag_crc32c(check, 9), 0xe3069283u);
	a = tag_compute(TAG_CRC32C, false, 5, zero);
	b = tag_compute(TAG_CRC32C, false, 6, zero);
	assert_int_equal(a.tag, b.tag);
	assert_int_equal(a.tag, tag_crc32c(zero, 512));
	b = tag_compute(TAG_CRC32C, true, 5, zero);
	assert_int_not_equal(a.tag, b.tag);
	a = tag_compute(TAG_XXH64, true, 5, zero);
	b = tag_compute(TAG_XXH64, true, 6, zero);
	assert_true(a.tag != b.tag || a.crc != b.crc);
	a = tag_compute(TAG_CCITT, true, 5, zero);
	assert_int_equal(a.crc, 0);
	{
		uint8_t tuple[8] = { 0 }, data[512];

		h_fill(data, 1, 3);
		a = tag_compute(TAG_XXH64, false, 0, data);
		tag_put(TAG_XXH64, tuple, a);
		assert_true(tag_match(TAG_XXH64, tuple, a));
		tuple[0] ^= 1; /* the crc field is part of xxh64's 48 bits */
		assert_false(tag_match(TAG_XXH64, tuple, a));
		assert_true(tag_match(TAG_CRC32C, tuple, (struct tag_val){ 0, a.tag }));
	}
}

/* A content X != A with crc_ccitt(X) == crc_ccitt(A): A with its last
 * three bytes searched. */
static void ccitt_twin(const uint8_t a[512], uint8_t x[512])
{
	uint16_t want = crc_ccitt(0, a, 512), pre = crc_ccitt(0, a, 509);

	memcpy(x, a, 512);
	for (uint32_t v = 1; v < (1u << 24); v++) {
		x[509] = (uint8_t)(v >> 16);
		x[510] = (uint8_t)(v >> 8);
		x[511] = (uint8_t)v;
		if (memcmp(x + 509, a + 509, 3) != 0 && crc_ccitt(pre, x + 509, 3) == want)
			return;
	}
	fail();
}

/* A write of X to dm 7 misdirected onto dm 5's home, where crc16(X) equals
 * the crc16 of 5's content: rfc returns X for 5 as good data. */
static int misdirect_case(const char *variant, const uint8_t a[512], const uint8_t x[512])
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t old7[512], out[512];
	struct h_result r;
	int res;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	h_request(&h, CSUM_OP_WRITE, 5, 1, 0, (uint8_t *)(uintptr_t)a, &r);
	assert_int_equal(r.result, 0);
	memcpy(old7, vt_data(&h, 7), 512);
	h_request(&h, CSUM_OP_WRITE, 7, 1, 0, (uint8_t *)(uintptr_t)x, &r);
	assert_int_equal(r.result, 0);
	memcpy(vt_data(&h, 5), x, 512); /* it landed on 5 ... */
	memcpy(vt_data(&h, 7), old7, 512); /* ... and never on 7 */
	res = vt_read(&h, 5, 1, out, NULL);
	if (res == 0)
		assert_memory_equal(out, x, 512);
	/* 7's old content still passes through the older copy: a lost write
	 * looks like a crash before the data write to every M1/M2 variant */
	h_free(&h);
	return res;
}

static void strong_tags_misdirect(void **state)
{
	uint8_t a[512], x[512];
	const char *const strong[] = { "rfc-crc32c", "rfc-xxh64", "rfc-crc32c-seeded",
				       "rfc-xxh64-seeded", "fixed-strong" };

	(void)state;
	h_fill(a, 1, 77);
	ccitt_twin(a, x);
	assert_int_equal(misdirect_case("rfc", a, x), 0); /* wrong data passes */
	assert_int_equal(misdirect_case("fixed", a, x), 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(misdirect_case(strong[i], a, x), -CSUM_EIO);
}

/* Same content at another sector: A written to dm 5 and dm 67; a write of
 * B to 67 loses its data write; then group 0's two imd sectors land where
 * group 1's belong (misdirected imd writes). 67 holds the stale A and the
 * tuples in its slot say A: only a tag seeded with the sector tells that
 * the tuple was 5's. */
static int seeded_case(const char *variant)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t a[512], out[512];
	struct h_result r;
	int res;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	h_fill(a, 1, 9);
	h_request(&h, CSUM_OP_WRITE, 5, 1, 0, a, &r);
	h_request(&h, CSUM_OP_WRITE, 67, 1, 0, a, &r);
	h.drop_roles = 1u << CSUM_ROLE_DATA_WRITE;
	assert_int_equal(vt_write(&h, 67, 1, 10, NULL), 0);
	h.drop_roles = 0;
	for (unsigned c = 0; c < 2; c++)
		memcpy(vt_imd(&h, 67, c), vt_imd(&h, 5, c), 512);
	res = vt_read(&h, 67, 1, out, NULL);
	assert_int_equal(vt_read(&h, 5, 1, out, NULL), 0);
	h_free(&h);
	return res;
}

static void seeded_tags(void **state)
{
	(void)state;
	assert_int_equal(seeded_case("rfc"), 0);
	assert_int_equal(seeded_case("rfc-crc32c"), 0);
	assert_int_equal(seeded_case("rfc-xxh64"), 0);
	assert_int_equal(seeded_case("rfc-crc32c-seeded"), -CSUM_EIO);
	assert_int_equal(seeded_case("rfc-xxh64-seeded"), -CSUM_EIO);
	assert_int_equal(seeded_case("fixed-strong"), -CSUM_EIO);
}

/* The tuple layout of each kind, on disk. */
static void tag_layout(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);
	struct harness h;
	uint8_t buf[512];
	const uint8_t *tp;
	struct tag_val v;

	(void)state;
	h_init(&h, "rfc-xxh64-seeded", &t, CSUM_FLUSH_DROP);
	assert_int_equal(vt_write(&h, 70, 1, 4, buf), 0);
	v = tag_compute(TAG_XXH64, true, 70, buf);
	tp = vt_imd(&h, 70, 0) + 8 + 8 * 8;
	assert_int_equal(imd_get_le16(tp), v.crc);
	assert_int_equal(((uint32_t)tp[4] << 24) | ((uint32_t)tp[5] << 16) | ((uint32_t)tp[6] << 8) | tp[7],
			 v.tag);
	/* formatted tuples hold each sector's zero-data tag */
	{
		uint8_t zero[512] = { 0 };

		v = tag_compute(TAG_XXH64, true, 71, zero);
		assert_true(tag_match(TAG_XXH64, vt_imd(&h, 71, 1) + 8 + 9 * 8, v));
	}
	h_free(&h);
}

/* ---- M1 and M2 apart ------------------------------------------------------ */

static void apart_layout_case(uint8_t placement, uint64_t apart, uint64_t want_dist)
{
	struct csum_table t = vt_table(placement, 1000, 40, 3);
	struct csum_options o = { .flush_policy = CSUM_FLUSH_DROP, .apart_sectors = apart };
	const struct csum_variant_ops *ops = csum_variant_find("rfc-apart");
	uint64_t ctx[128], groups = (1000 + 61) / 62;
	const char *why = NULL;
	uint32_t *seen_imd = calloc(groups * 2, sizeof(uint32_t));
	uint8_t *seen_dm = calloc(1000, 1);

	assert_non_null(seen_imd);
	assert_non_null(seen_dm);
	assert_true(ops->ctx_size <= sizeof(ctx));
	assert_int_equal(ops->init(ctx, &t, &o, &why), 0);
	for (unsigned d = 0; d < CSUM_MAX_DEVS; d++) {
		uint64_t n = ops->dev_sectors(ctx, d);

		for (uint64_t s = 0; s < n + 5; s++) {
			struct csum_sector_info si;

			ops->sector_info(ctx, d, s, &si);
			if (s >= n)
				assert_int_equal(si.kind, CSUM_SK_NONE);
			if (si.kind == CSUM_SK_DATA) {
				assert_int_equal(seen_dm[si.first - 40]++, 0); /* one place */
			} else if (si.kind == CSUM_SK_IMD) {
				uint64_t g = (si.first - 40) / 62;

				assert_int_equal(seen_imd[g * 2 + si.copy]++, 0);
			} else if (si.kind == CSUM_SK_RESERVED) {
				assert_int_equal(s, 3);
			}
		}
	}
	for (uint64_t i = 0; i < 1000; i++) {
		struct csum_location l;

		assert_int_equal(seen_dm[i], 1);
		ops->locate(ctx, 40 + i, &l);
		assert_int_equal(l.meta_sector[1] - l.meta_sector[0], want_dist);
		assert_int_equal(l.meta_dev[0], placement == CSUM_PLACE_SAME ? 0 : 1);
	}
	for (uint64_t g = 0; g < groups * 2; g++)
		assert_int_equal(seen_imd[g], 1);
	free(seen_imd);
	free(seen_dm);
}

static void apart_layout(void **state)
{
	(void)state;
	apart_layout_case(CSUM_PLACE_SAME, 0, 64 * 32 + 1); /* default 2048 */
	apart_layout_case(CSUM_PLACE_SAME, 100, 129);
	apart_layout_case(CSUM_PLACE_SAME, 129, 129);
	apart_layout_case(CSUM_PLACE_SAME, 1, 1);
	apart_layout_case(CSUM_PLACE_SEPARATE, 100, 101);
	apart_layout_case(CSUM_PLACE_SEPARATE, 0, 2049);
}

/* A burst that rots 8 sectors starting at M1 of group 0: with M2 adjacent
 * it takes both copies; apart, M2 survives and the group reads back. */
static int burst_case(const char *variant)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 300, 0, 0);
	struct harness h;
	uint8_t out[512];
	uint64_t m1;
	struct csum_location l;
	int res;

	h_init(&h, variant, &t, CSUM_FLUSH_DROP);
	assert_int_equal(vt_write(&h, 5, 1, 1, NULL), 0);
	assert_int_equal(vt_write(&h, 6, 1, 2, NULL), 0);
	h.ops->locate(h.ctx, 5, &l);
	m1 = l.meta_sector[0];
	for (uint64_t s = m1; s < m1 + 8; s++)
		if (s != l.data_sector && s != l.data_sector + 1)
			memset(h_sector(&h, 0, s), 0xee, 512);
	res = vt_read(&h, 6, 1, out, NULL);
	h_free(&h);
	return res;
}

static void apart_burst(void **state)
{
	(void)state;
	assert_int_not_equal(burst_case("rfc"), 0);
	assert_int_equal(burst_case("fixed-strong"), 0);
}

/* ---- lock -------------------------------------------------------------- */

static void group_lock(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 300, 10, 0);
	struct harness h;
	struct csum_piece p = { .sector = 70, .count = 1 };

	(void)state;
	h_init(&h, "rfc-group", &t, CSUM_FLUSH_DROP);
	assert_int_equal(h.ops->lock_scope, CSUM_LOCK_GROUP);
	assert_int_equal(h.ops->lock_key(h.ctx, &p), 0);
	p.sector = 72;
	assert_int_equal(h.ops->lock_key(h.ctx, &p), 1);
	h_free(&h);
	assert_int_equal(csum_variant_find("rfc")->lock_scope, CSUM_LOCK_GLOBAL);
	assert_int_equal(csum_variant_find("fixed")->lock_scope, CSUM_LOCK_GLOBAL);
	assert_int_equal(csum_variant_find("fixed-strong")->lock_scope, CSUM_LOCK_GROUP);
}

/* ---- rules every rfc-family variant keeps ------------------------------- */

static const char *const family[] = {
	"rfc",	      "rfc-copy",   "rfc-split",	 "rfc-unlock",	     "rfc-offsets",
	"rfc-relative", "rfc-errno",  "rfc-twodev",	 "rfc-flush",	     "rfc-gen32",
	"rfc-hcrc",     "fixed",      "rfc-crc32c",	 "rfc-xxh64",	     "rfc-crc32c-seeded",
	"rfc-xxh64-seeded", "rfc-apart", "rfc-group", "fixed-strong",
};
#define N_FAMILY (sizeof(family) / sizeof(family[0]))

/* Random writes, each read back whole; the imd read precedes the imd write,
 * which precedes the data write; every I/O inside dev_sectors (harness). */
static void read_after_write_all(void **state)
{
	const uint64_t len = 300;

	(void)state;
	for (size_t v = 0; v < N_FAMILY; v++) {
		assert_non_null(rfc_profile_of(csum_variant_find(family[v])));
		for (int pl = 0; pl < 2; pl++) {
			struct csum_table t = vt_table((uint8_t)pl, len, 124, (uint64_t)pl * 3);
			uint8_t *model = calloc(len, 512), *buf = malloc(100 * 512),
				*out = malloc(len * 512);
			struct harness h;
			uint32_t x = 7 + (uint32_t)v;

			assert_non_null(model);
			assert_non_null(buf);
			assert_non_null(out);
			h_init(&h, family[v], &t, CSUM_FLUSH_DROP);
			for (int w = 0; w < 25; w++) {
				uint64_t d;
				uint32_t n;
				int ir = -1, iw = -1, dw = -1;

				x = x * 1103515245u + 12345u;
				n = 1 + (x >> 8) % 100;
				d = (x >> 20) % (len - n + 1);
				assert_int_equal(vt_write(&h, t.begin + d, n, (uint32_t)w + 1, buf), 0);
				memcpy(model + d * 512, buf, (size_t)n * 512);
				for (unsigned i = 0; i < h.n_log; i++) {
					uint8_t role = h.log[i].role;

					if (role == CSUM_ROLE_IMD_READ && ir < 0)
						ir = (int)i;
					if (role == CSUM_ROLE_IMD_WRITE && iw < 0)
						iw = (int)i;
					if (role == CSUM_ROLE_DATA_WRITE && dw < 0)
						dw = (int)i;
				}
				assert_true(ir >= 0 && ir < iw && iw < dw);
				for (uint64_t q = 0; q < len; q += 62) {
					uint32_t m = (uint32_t)(len - q < 62 ? len - q : 62);

					assert_int_equal(vt_read(&h, t.begin + q, m, out, NULL), 0);
					assert_memory_equal(out, model + q * 512, (size_t)m * 512);
				}
			}
			assert_false(h.lock_stuck);
			h_free(&h);
			free(model);
			free(buf);
			free(out);
		}
	}
}

/* An allocation failure after the imd read: -ENOMEM, nothing written; the
 * lock stays held exactly where UNLOCK is not fixed. */
static void fault_points_all(void **state)
{
	struct csum_table t = vt_table(CSUM_PLACE_SAME, 130, 0, 0);

	(void)state;
	for (size_t v = 0; v < N_FAMILY; v++) {
		const struct rfc_profile *pf = rfc_profile_of(csum_variant_find(family[v]));
		struct harness h;

		h_init(&h, family[v], &t, CSUM_FLUSH_DROP);
		assert_int_equal(fiu_enable(P_UPDATE_IMD_KMALLOC, 1, NULL, 0), 0);
		assert_int_equal(vt_write(&h, 5, 1, 1, NULL), -CSUM_ENOMEM);
		fiu_disable(P_UPDATE_IMD_KMALLOC);
		for (unsigned i = 0; i < h.n_log; i++)
			assert_int_equal(h.log[i].role, CSUM_ROLE_IMD_READ);
		assert_int_equal(h.lock_stuck, !(pf->fixes & RFC_FIX_UNLOCK));
		h_free(&h);
	}
}

/* sector_info and locate agree, for every variant and layout. */
static void layout_queries_all(void **state)
{
	(void)state;
	for (size_t v = 0; v < N_FAMILY; v++) {
		for (int pl = 0; pl < 2; pl++) {
			struct csum_table t = vt_table((uint8_t)pl, 200, 62, 0);
			struct harness h;

			h_init(&h, family[v], &t, CSUM_FLUSH_DROP);
			for (uint64_t dm = t.begin; dm < t.begin + t.len; dm++) {
				struct csum_location l;
				struct csum_sector_info si;

				h.ops->locate(h.ctx, dm, &l);
				h.ops->sector_info(h.ctx, l.data_dev, l.data_sector, &si);
				assert_int_equal(si.kind, CSUM_SK_DATA);
				assert_int_equal(si.first, dm);
				assert_int_equal(l.n_meta, 2);
				for (unsigned c = 0; c < 2; c++) {
					h.ops->sector_info(h.ctx, l.meta_dev[c], l.meta_sector[c], &si);
					assert_int_equal(si.kind, CSUM_SK_IMD);
					assert_int_equal(si.copy, c);
					assert_true(dm - si.first < si.count);
					assert_int_equal(h_sector(&h, l.meta_dev[c], l.meta_sector[c])[0], c);
				}
			}
			h_free(&h);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gen32_order),
		cmocka_unit_test(gen32_parity),
		cmocka_unit_test(gen32_unformatted),
		cmocka_unit_test(hcrc_foreign_copy),
		cmocka_unit_test(hcrc_one_copy),
		cmocka_unit_test(hcrc_both_copies),
		cmocka_unit_test(tag_vectors),
		cmocka_unit_test(strong_tags_misdirect),
		cmocka_unit_test(seeded_tags),
		cmocka_unit_test(tag_layout),
		cmocka_unit_test(apart_layout),
		cmocka_unit_test(apart_burst),
		cmocka_unit_test(group_lock),
		cmocka_unit_test(read_after_write_all),
		cmocka_unit_test(fault_points_all),
		cmocka_unit_test(layout_queries_all),
	};

	fiu_init(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
