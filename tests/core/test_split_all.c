/* The split contract (csum_split_check in core/csum.h) over every registered
 * variant: requests at every kind of place in a table whose begin is and is
 * not a multiple of 62, each op, sizes up to several groups. The checks are
 * made here too, so the test holds in builds without assertions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"

#define LEN 700u

/* One request through ops->split: what every split promises. */
static void check_one(const struct csum_variant_ops *ops, void *ctx, uint8_t op,
		      uint64_t sector, uint32_t count, struct csum_piece *buf)
{
	struct csum_request rq = { .sector = sector, .count = count, .op = op };
	struct csum_split sp;
	uint64_t next = 0;

	memset(&sp, 0, sizeof(sp));
	sp.piece = buf;
	sp.cap = csum_split_cap(count);
	ops->split(ctx, &rq, &sp);
	csum_split_check(sector, op == CSUM_OP_FLUSH ? 0 : count, &sp);
	assert_true(sp.n_pieces <= sp.cap);
	assert_true(sp.map_result <= 0);
	if (sp.map_result != 0) {
		assert_int_equal(sp.n_pieces, 0);
		return;
	}
	assert_true(sp.expected >= sp.n_pieces);
	if (op == CSUM_OP_FLUSH) {
		assert_true(sp.n_pieces <= 1);
		return;
	}
	for (uint32_t k = 0; k < sp.n_pieces; k++) {
		assert_true(sp.piece[k].count >= 1);
		assert_int_equal(sp.piece[k].offset, next);
		assert_int_equal(sp.piece[k].sector, sector + next);
		next += sp.piece[k].count;
	}
	if (!sp.error && sp.n_pieces > 0)
		assert_int_equal(next, count);
}

static void every_variant(void **state)
{
	const struct csum_variant_ops *const *all = csum_variant_all();
	struct csum_piece *buf = calloc(csum_split_cap(LEN), sizeof(*buf));
	static const uint64_t begins[] = { 0, 10 };
	size_t inited = 0, splits = 0;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; all[i] != NULL; i++) {
		for (size_t b = 0; b < sizeof(begins) / sizeof(begins[0]); b++) {
			struct csum_table t = { .begin = begins[b], .len = LEN, .data_start = 0,
						.placement = CSUM_PLACE_SAME };
			struct csum_options o = { .no_fault_points = true };
			const char *why = NULL;
			void *ctx = calloc(1, all[i]->ctx_size);

			assert_non_null(ctx);
			if (all[i]->init(ctx, &t, &o, &why) != 0) {
				free(ctx); /* a variant that needs another table */
				continue;
			}
			inited++;
			for (uint8_t op = CSUM_OP_READ; op <= CSUM_OP_DISCARD; op++) {
				check_one(all[i], ctx, op, t.begin, 0, buf);
				for (uint64_t s = 0; s < LEN; s += (s % 62 < 3 || s % 62 > 58) ? 1 : 11)
					for (uint32_t n = 1; n <= LEN - s && n <= 200;
					     n += n < 8 ? 1 : 13, splits++)
						check_one(all[i], ctx, op, t.begin + s, n, buf);
				check_one(all[i], ctx, op, t.begin, LEN, buf);
			}
			free(ctx);
		}
	}
	assert_true(inited >= 20); /* the rfc family, none, the baselines, dm-integrity */
	assert_true(splits >= 100000); /* every table saw the whole grid */
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_variant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
