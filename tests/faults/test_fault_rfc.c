/* The fault models on the real `rfc` layout: targets found through its
 * sector_info and locate. Skipped while the variant has no sector_info. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"
#include "faults/faults.h"
#include "sim/engine.h"
#include "sim/media.h"
#include "sim/engine_if.h"
#include "sim/media_if.h"

#define LEN 130u

struct rig {
	const struct csum_variant_ops *ops;
	void *ctx;
	struct engine e;
	struct media *m;
	struct fault_env env;
	uint64_t n0;
	uint8_t *before;
};

static int rig_init(struct rig *r)
{
	struct csum_table t = { .begin = 0, .len = LEN, .placement = CSUM_PLACE_SAME };
	struct csum_options o;
	const char *why = NULL;

	memset(r, 0, sizeof(*r));
	memset(&o, 0, sizeof(o));
	r->ops = csum_variant_find("rfc");
	assert_non_null(r->ops);
	if (r->ops->sector_info == NULL || r->ops->locate == NULL)
		return -1;
	r->ctx = calloc(1, r->ops->ctx_size ? r->ops->ctx_size : 1);
	assert_non_null(r->ctx);
	assert_int_equal(r->ops->init(r->ctx, &t, &o, &why), 0);
	engine_init(&r->e);
	r->m = media_new(7, r->ops->initial_sector, r->ctx);
	assert_non_null(r->m);
	r->n0 = r->ops->dev_sectors(r->ctx, 0);
	r->env.clock = engine_fault_if(&r->e);
	r->env.media = media_fault_if(r->m);
	r->env.ops = r->ops;
	r->env.ctx = r->ctx;
	r->env.n_devs = 1;
	r->env.dev_sectors[0] = r->n0;
	r->env.dm_sectors = LEN;
	/* every dm sector's data and both imd copies written */
	for (uint64_t s = 0; s < LEN; s++) {
		struct csum_location loc;
		uint8_t img[CSUM_SECTOR];

		r->ops->locate(r->ctx, s, &loc);
		assert_int_equal(media_write(r->m, loc.data_dev, loc.data_sector, 0x100 + s, NULL), 0);
		for (unsigned k = 0; k < loc.n_meta; k++) {
			media_read(r->m, loc.meta_dev[k], loc.meta_sector[k], img);
			assert_int_equal(media_write(r->m, loc.meta_dev[k], loc.meta_sector[k],
						     CSUM_TAG_NONE, img), 0);
		}
	}
	r->before = malloc(r->n0 * CSUM_SECTOR);
	assert_non_null(r->before);
	for (uint64_t s = 0; s < r->n0; s++)
		media_read(r->m, 0, s, r->before + s * CSUM_SECTOR);
	return 0;
}

static void rig_free(struct rig *r)
{
	free(r->before);
	media_free(r->m);
	engine_free(&r->e);
	free(r->ctx);
}

static void test_rfc_targets(void **state)
{
	static const uint8_t targets[] = { SC_TARGET_DATA, SC_TARGET_IMD, SC_TARGET_BOTH_COPIES };

	(void)state;
	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		for (uint64_t seed = 1; seed <= 10; seed++) {
			struct rig r;
			struct sc_faults c;
			struct fault_set *fs;
			struct cs_err err;
			uint8_t got[CSUM_SECTOR];
			uint64_t hit[4], n_hit = 0;

			if (rig_init(&r) != 0)
				skip();
			memset(&c, 0, sizeof(c));
			c.rot_burst = 1;
			c.rot_bits = 1;
			c.rot_target = targets[k];
			c.lse_target = SC_TARGET_ANY;
			c.rot_at_ns = 1;
			c.lse_at_ns = UINT64_MAX;
			fs = fault_set_new(&c, seed, &r.env, &err);
			assert_non_null(fs);
			assert_int_equal(fault_set_start(fs), 0);
			while (engine_step(&r.e))
				;
			for (uint64_t s = 0; s < r.n0; s++) {
				media_read(r.m, 0, s, got);
				if (memcmp(got, r.before + s * CSUM_SECTOR, CSUM_SECTOR) != 0) {
					assert_true(n_hit < 4);
					hit[n_hit++] = s;
				}
			}
			assert_int_equal(n_hit, targets[k] == SC_TARGET_BOTH_COPIES ? 2 : 1);
			for (uint64_t i = 0; i < n_hit; i++) {
				struct csum_sector_info si;

				r.ops->sector_info(r.ctx, 0, hit[i], &si);
				assert_int_equal(si.kind, targets[k] == SC_TARGET_DATA ? CSUM_SK_DATA
										: CSUM_SK_IMD);
			}
			if (n_hit == 2) {
				struct csum_sector_info a, b;

				r.ops->sector_info(r.ctx, 0, hit[0], &a);
				r.ops->sector_info(r.ctx, 0, hit[1], &b);
				assert_int_equal(a.first, b.first);
				assert_int_not_equal(a.copy, b.copy);
			}
			fault_set_free(fs);
			rig_free(&r);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
