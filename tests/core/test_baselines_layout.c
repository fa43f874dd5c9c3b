/* The three baselines' layout queries (sector_info, locate, initial_sector,
 * dev_sectors, split) against each other and against the I/O they issue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/baseline_util.h"
#include "core/baselines.h"
#include "tests/core/test_baselines_util.h"

static const struct csum_variant_ops *const V[] = {
	&csum_variant_single, &csum_variant_journal, &csum_variant_bitmap,
};

/* begin and data_start offsets, a short last group */
static const struct csum_table T = { .begin = 7, .len = 200, .data_start = 3 };

static void setup(struct bt *b, const struct csum_variant_ops *ops)
{
	struct csum_options o = { .journal_sectors = 100, .commit_interval_writes = 3,
				  .bitmap_region_sectors = 62 };

	bt_init(b, ops, &T, &o);
}

/* Every dm sector has exactly one data sector, found by locate and named by
 * sector_info; its checksum sector covers it; nothing below data_start. */
static void queries_agree(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(V) / sizeof(V[0]); v++) {
		struct bt b;
		uint32_t *hits = calloc(T.len, sizeof(*hits));
		uint8_t zero[512] = { 0 };

		assert_non_null(hits);
		setup(&b, V[v]);
		assert_non_null(V[v]->sector_info);
		assert_non_null(V[v]->locate);
		for (uint64_t s = 0; s < b.n; s++) {
			struct csum_sector_info si;

			V[v]->sector_info(b.ctx, CSUM_DEV_DATA, s, &si);
			if (s < T.data_start)
				assert_int_equal(si.kind, CSUM_SK_NONE);
			if (si.kind == CSUM_SK_DATA) {
				assert_int_equal(si.count, 1);
				assert_true(si.first >= T.begin && si.first < T.begin + T.len);
				hits[si.first - T.begin]++;
				assert_memory_equal(bt_sec(&b, s), zero, 512);
			} else if (si.kind == CSUM_SK_IMD) {
				uint64_t g = (si.first - T.begin) / 62;

				assert_int_equal(si.header_bytes, 8);
				assert_int_equal(si.count, g == 3 ? 200 - 186 : 62);
				assert_true(bu_imd_header_ok(bt_sec(&b, s), g));
			} else if (s >= T.data_start) {
				assert_true(si.kind == CSUM_SK_JOURNAL || si.kind == CSUM_SK_BITMAP);
			}
			V[v]->sector_info(b.ctx, CSUM_DEV_IMD, s, &si);
			assert_int_equal(si.kind, CSUM_SK_NONE);
		}
		for (uint64_t d = 0; d < T.len; d++) {
			struct csum_location l;
			struct csum_sector_info si;

			assert_int_equal(hits[d], 1);
			V[v]->locate(b.ctx, T.begin + d, &l);
			V[v]->sector_info(b.ctx, l.data_dev, l.data_sector, &si);
			assert_int_equal(si.kind, CSUM_SK_DATA);
			assert_int_equal(si.first, T.begin + d);
			assert_int_equal(l.n_meta, 1);
			V[v]->sector_info(b.ctx, l.meta_dev[0], l.meta_sector[0], &si);
			assert_int_equal(si.kind, CSUM_SK_IMD);
			assert_true(T.begin + d >= si.first && T.begin + d < si.first + si.count);
		}
		/* a fresh device verifies */
		assert_int_equal(bt_read_is(&b, T.begin, (uint32_t)T.len, 0), 1);
		free(hits);
		bt_free(&b);
	}
}

/* Each sub-I/O touches only sectors whose kind fits its role, and a data
 * write puts dm sector d where locate(d) says. */
static void io_matches_layout(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(V) / sizeof(V[0]); v++) {
		struct bt b;
		uint32_t x = 99;

		setup(&b, V[v]);
		for (uint32_t k = 1; k <= 40; k++) {
			uint32_t s, n;
			uint8_t op;

			x = x * 1103515245u + 12345u;
			s = (x >> 8) % T.len;
			n = 1 + (x >> 18) % 90;
			if (s + n > T.len)
				n = (uint32_t)T.len - s;
			op = (x >> 3) % 5 == 0 ? CSUM_OP_FLUSH : (x >> 5) % 2 ? CSUM_OP_WRITE : CSUM_OP_READ;
			if (op == CSUM_OP_WRITE)
				assert_int_equal(bt_write(&b, T.begin + s, n, k, 0), 0);
			else if (op == CSUM_OP_FLUSH)
				assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
			else
				assert_true(bt_read_is(&b, T.begin + s, n, 0) >= 0);
			for (size_t i = 0; i < b.n_log; i++) {
				const struct csum_io *io = &b.log[i];

				for (uint32_t j = 0; j < io->count; j++) {
					struct csum_sector_info si;
					uint8_t kind;

					V[v]->sector_info(b.ctx, io->dev, io->sector + j, &si);
					kind = si.kind;
					switch (io->role) {
					case CSUM_ROLE_DATA_WRITE:
						assert_int_equal(kind, CSUM_SK_DATA);
						break;
					case CSUM_ROLE_IMD_WRITE:
					case CSUM_ROLE_IMD_READ:
						assert_int_equal(kind, CSUM_SK_IMD);
						break;
					case CSUM_ROLE_JOURNAL_WRITE:
						assert_int_equal(kind, CSUM_SK_JOURNAL);
						break;
					case CSUM_ROLE_BITMAP_WRITE:
						assert_int_equal(kind, CSUM_SK_BITMAP);
						break;
					case CSUM_ROLE_DATA_READ:
						/* journal: newer copies are read from the journal */
						assert_true(kind == CSUM_SK_DATA || kind == CSUM_SK_JOURNAL);
						break;
					default:
						fail();
					}
					if (io->role == CSUM_ROLE_DATA_WRITE) {
						struct csum_location l;

						V[v]->locate(b.ctx, si.first, &l);
						assert_int_equal(l.data_sector, io->sector + j);
					}
				}
			}
		}
		bt_free(&b);
	}
}

static void split_at_groups(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(V) / sizeof(V[0]); v++) {
		struct bt b;
		struct csum_request rq = { .sector = T.begin + 60, .count = 130, .op = CSUM_OP_WRITE };
		struct csum_piece pc[8];
		struct csum_split sp = { .piece = pc, .cap = csum_split_cap(130) };

		setup(&b, V[v]);
		assert_int_equal(V[v]->split(b.ctx, &rq, &sp), 0);
		assert_int_equal(sp.n_pieces, 4);
		assert_int_equal(sp.expected, 4);
		assert_false(sp.evil);
		assert_int_equal(pc[0].count, 2);
		assert_int_equal(pc[1].sector, T.begin + 62);
		assert_int_equal(pc[1].offset, 2);
		assert_int_equal(pc[1].count, 62);
		assert_int_equal(pc[3].count, 4);
		if (V[v]->lock_scope == CSUM_LOCK_GROUP) {
			assert_int_equal(V[v]->lock_key(b.ctx, &pc[0]), 0);
			assert_int_equal(V[v]->lock_key(b.ctx, &pc[3]), 3);
		}
		rq.count = 0;
		assert_int_equal(V[v]->split(b.ctx, &rq, &sp), -CSUM_EINVAL);
		rq = (struct csum_request){ .sector = T.begin + 199, .count = 2, .op = CSUM_OP_READ };
		assert_int_equal(V[v]->split(b.ctx, &rq, &sp), -CSUM_EINVAL);
		rq = (struct csum_request){ .op = CSUM_OP_FLUSH };
		assert_int_equal(V[v]->split(b.ctx, &rq, &sp), 0);
		assert_int_equal(sp.n_pieces, 1);
		assert_int_equal(pc[0].count, 0);
		bt_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(queries_agree),
		cmocka_unit_test(io_matches_layout),
		cmocka_unit_test(split_at_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
