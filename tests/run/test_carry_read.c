/* The carried judgement's re-reads without engine, host and disks
 * (sim/carry_read.c) against the recovery's own read-back through them
 * (recover_tapped with the same runs), for every variant carry_read serves:
 * a few writes in several groups, then one data sector overwritten with
 * other bytes (its run fails and is read again sector by sector), and for
 * the rfc family one metadata sector too; then a latent sector error under
 * a data sector and one under a metadata sector, and a sector's older
 * version back on the media. Both must give every request in
 * the same order, with the same result and verdicts, having read the same
 * media sectors. A reader that judged a failed read as a clean one, forgot
 * the floors, the sectors of a failed run alone, or a sub-I/O, fails here;
 * so does one whose tags do not give a clean request's verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"
#include "faults/fault_set_priv.h"
#include "sim/carry_read.h"
#include "sim/media.h"
#include "sim/recover.h"
#include "sim/world.h"
#include "one_write.h"

/* What a read-back gave: per request its sector, count, result, verdicts
 * and the media keys read since the request before (sorted). */
struct seen {
	uint64_t sector[256];
	uint32_t count[256];
	int result[256];
	uint8_t cls[256][64];
	uint64_t keys[256][80];
	uint32_t n_keys[256];
	uint32_t n;
	uint64_t pending[80];
	uint32_t n_pending;
	struct world *w;     /* carry_read's: its tags checked against the oracle */
	uint64_t by_tag;     /* sectors whose verdict the tag alone gave */
};

static void on_read(void *arg, unsigned dev, uint64_t sector)
{
	struct seen *s = arg;
	uint64_t k = media_log_key(dev, sector);

	for (uint32_t i = 0; i < s->n_pending; i++)
		if (s->pending[i] == k)
			return;
	assert_true(s->n_pending < 80);
	s->pending[s->n_pending++] = k;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int on_run(void *arg, uint64_t sector, uint32_t count, int result, const uint8_t *classes)
{
	struct seen *s = arg;
	uint32_t i = s->n;

	assert_true(i < 256 && count <= 64);
	s->sector[i] = sector;
	s->count[i] = count;
	s->result[i] = result;
	memcpy(s->cls[i], classes, count);
	qsort(s->pending, s->n_pending, sizeof(*s->pending), cmp_u64);
	memcpy(s->keys[i], s->pending, s->n_pending * sizeof(*s->pending));
	s->n_keys[i] = s->n_pending;
	s->n_pending = 0;
	s->n++;
	return 0;
}

/* carry_read's: the same, and a clean request's sectors with a tag of clean
 * content must have the verdict the oracle gives that tag now (what the
 * carry re-judges a request by when only the oracle changed under it). */
static int on_run_tags(void *arg, uint64_t sector, uint32_t count, int result,
		       const uint8_t *classes, const uint64_t *tags)
{
	struct seen *s = arg;

	assert_non_null(tags);
	for (uint32_t i = 0; result == 0 && i < count; i++) {
		struct oracle *o = &s->w->oracle;

		if (!carry_tag_alone(tags[i]))
			continue;
		assert_int_equal(classes[i],
				 oracle_classify(o, sector + i, oracle_crash_floor(o, sector + i),
						 false, tags[i], NULL));
		s->by_tag++;
	}
	return on_run(arg, sector, count, result, classes);
}

static void write_done(void *arg, const struct host_done_info *info)
{
	int *left = arg;

	assert_int_equal(info->result, 0);
	(*left)--;
}

/* Writes [sector, +count) for each pair, through a host, to the end. */
static void write_all(struct world *w, const uint64_t (*rq)[2], size_t n)
{
	int left = (int)n;

	w->host = world_make_host(w, NULL, false, false, write_done, &left);
	assert_non_null(w->host);
	for (size_t i = 0; i < n; i++) {
		struct csum_request r = { .op = CSUM_OP_WRITE, .sector = rq[i][0],
					  .count = (uint32_t)rq[i][1], .flags = CSUM_RQ_FUA };

		assert_int_equal(host_submit(w->host, &r, i + 1), 0);
		while (engine_step(&w->engine))
			;
	}
	assert_int_equal(left, 0);
	host_free(w->host);
	w->host = NULL;
}

/* false when carry_read left these runs to the host (dmi-direct: pieces
 * under two lock keys run side by side there) */
static bool compare(struct world *w, const uint64_t *sector, const uint32_t *count, uint64_t n)
{
	static struct seen a, b;
	struct crash_report scratch;
	struct recover_tap tap = { .on_run = on_run, .arg = &b, .run_sector = sector,
				   .run_count = count, .n_runs = n };
	struct cs_err err = { { 0 } };
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.w = w;
	memset(&scratch, 0, sizeof(scratch));
	w->read_tap = on_read;
	w->read_tap_arg = &a;
	rc = carry_read(w, sector, count, n, on_run_tags, &a, &err);
	if (rc < 0)
		fail_msg("%s: %s", w->ops->name, err.msg);
	w->read_tap_arg = &b;
	assert_int_equal(recover_tapped(w, &scratch, &tap, &err), 0);
	w->read_tap = NULL;
	w->read_tap_arg = NULL;
	if (rc == 1)
		return false;
	assert_true(a.by_tag > 0);
	assert_int_equal(a.n, b.n);
	for (uint32_t i = 0; i < a.n; i++) {
		assert_int_equal(a.sector[i], b.sector[i]);
		assert_int_equal(a.count[i], b.count[i]);
		assert_int_equal(a.result[i], b.result[i]);
		assert_memory_equal(a.cls[i], b.cls[i], a.count[i]);
		assert_int_equal(a.n_keys[i], b.n_keys[i]);
		assert_memory_equal(a.keys[i], b.keys[i], a.n_keys[i] * sizeof(uint64_t));
	}
	return true;
}

static uint64_t failed_requests(struct world *w, const uint64_t *sector, const uint32_t *count,
				uint64_t n)
{
	static struct seen a;
	struct cs_err err = { { 0 } };
	uint64_t failed = 0;

	memset(&a, 0, sizeof(a));
	a.w = w;
	if (carry_read(w, sector, count, n, on_run_tags, &a, &err) != 0)
		return UINT64_MAX;
	for (uint32_t i = 0; i < a.n; i++)
		failed += a.result[i] != 0;
	return failed;
}

/* Whether carry_read served every read-back of ops's world. */
static bool one_variant(const struct csum_variant_ops *ops)
{
	static const uint64_t writes[][2] = {
		{ 0, 8 }, { 8, 8 }, { 40, 4 }, { 124, 16 }, { 200, 1 }, { 300, 62 },
	};
	struct scenario *sc = one_write_scenario(ops->name);
	struct world w;
	struct cs_err err = { { 0 } };
	uint64_t *ps = NULL, np = 0;
	uint32_t *pc = NULL;
	static const uint64_t again[][2] = { { 40, 4 } };
	struct csum_location loc;
	uint64_t old41;
	bool served;

	memset(&w, 0, sizeof(w));
	if (world_new(&w, sc, ops, &err) != 0)
		fail_msg("%s: %s", ops->name, err.msg);
	write_all(&w, writes, sizeof(writes) / sizeof(writes[0]));
	/* sector 41 written again: its first version is stale now */
	ops->locate(w.ctx, 41, &loc);
	old41 = media_read(w.media, loc.data_dev, loc.data_sector, NULL);
	write_all(&w, again, 1);
	assert_int_equal(recover_plan(&w, &ps, &pc, &np), 0);
	assert_true(np >= 5);
	/* as written */
	served = compare(&w, ps, pc, np);
	/* one data sector with other bytes: where the variant checks, its
	 * run fails and is read again sector by sector */
	ops->locate(w.ctx, 10, &loc);
	assert_int_equal(media_write(w.media, loc.data_dev, loc.data_sector, 777, NULL), 0);
	served = compare(&w, ps, pc, np) && served;
	/* a latent sector error under a data sector of another run, then
	 * under a metadata sector: the disk fails those reads */
	ops->locate(w.ctx, 126, &loc);
	assert_int_equal(fault_lse_mark(w.fs, loc.data_dev, loc.data_sector), 0);
	served = compare(&w, ps, pc, np) && served;
	ops->locate(w.ctx, 200, &loc);
	if (loc.n_meta > 0) {
		assert_int_equal(fault_lse_mark(w.fs, loc.meta_dev[0], loc.meta_sector[0]), 0);
		served = compare(&w, ps, pc, np) && served;
	}
	/* sector 41 back to its first version: stale, where the floor says so */
	ops->locate(w.ctx, 41, &loc);
	assert_int_equal(media_write(w.media, loc.data_dev, loc.data_sector, old41, NULL), 0);
	served = compare(&w, ps, pc, np) && served;
	ops->locate(w.ctx, 10, &loc);
	if (served && loc.n_meta > 0) {
		uint8_t junk[CSUM_SECTOR];

		assert_true(failed_requests(&w, ps, pc, np) > 0);
		/* a metadata sector of another group gone to junk too */
		memset(junk, 0x5a, sizeof(junk));
		ops->locate(w.ctx, 301, &loc);
		assert_int_equal(media_write(w.media, loc.meta_dev[0], loc.meta_sector[0],
					     CSUM_TAG_NONE, junk),
				 0);
		served = compare(&w, ps, pc, np) && served;
	}
	free(ps);
	free(pc);
	world_free(&w);
	free(sc);
	return served;
}

static void every_variant_it_serves(void **state)
{
	unsigned served = 0;

	(void)state;
	for (const struct csum_variant_ops *const *v = csum_variant_all(); *v != NULL; v++) {
		/* dm-integrity's pieces may hold two lock keys */
		bool must = strncmp((*v)->name, "dmi-", 4) != 0;

		if ((*v)->recover_start != NULL)
			continue;
		if (one_variant(*v))
			served++;
		else if (must)
			fail_msg("%s: its read-back left to the host", (*v)->name);
	}
	assert_true(served >= 3); /* rfc and its family, single, none */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_variant_it_serves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
