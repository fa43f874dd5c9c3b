/* The dm-integrity modes through the core interface (core/dmi_direct.c,
 * dmi_bitmap.c, dmi_journal.c): the sub-I/Os each path issues and what a crash
 * leaves, as dm-integrity.c's functions named in each test do it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/baseline_util.h"
#include "core/dmi_format.h"
#include "core/dmi_variants.h"
#include "tests/core/test_baselines_util.h"

#define LEN 4096u
#define START 16u
#define SEC_NS UINT64_C(1000000000)

static void setup(struct bt *b, const struct csum_variant_ops *ops)
{
	struct csum_table t = { .begin = 0, .len = LEN, .data_start = START };
	/* 4 areas of 1024 data sectors; 4 journal sections of 168 entries */
	struct csum_options o = { .dmi_interleave_sectors = 1024, .journal_sectors = 704,
				  .dmi_sectors_per_bit = 1024 };

	bt_init(b, ops, &t, &o);
	b->cache_on = true;
}

static const struct dmi_geo *G(const struct bt *b)
{
	return b->ctx;
}

static bool keep_role(void *arg, size_t i, const struct bt_cached *c)
{
	(void)i;
	return c->role == *(const uint8_t *)arg;
}

static bool keep_all(void *arg, size_t i, const struct bt_cached *c)
{
	(void)arg;
	(void)i;
	(void)c;
	return true;
}

/* Mode D: tag sector read (unless cached), then data and tags in parallel;
 * FUA adds a flush (dm_integrity_map_continue(), integrity_metadata(),
 * do_endio_flush()). */
static void direct_paths(void **state)
{
	struct bt b;
	uint8_t role = CSUM_ROLE_DATA_WRITE;

	(void)state;
	setup(&b, &csum_variant_dmi_direct);
	assert_int_equal(csum_variant_dmi_direct.lock_scope, CSUM_LOCK_GROUP);
	assert_int_equal(b.n, START + 8 + 704 + 4 * (256 + 1024));
	assert_int_equal(bt_read_is(&b, 0, 64, 0), 1); /* the wiped device reads */
	assert_int_equal(bt_write(&b, 300, 20, 1, CSUM_RQ_FUA), 0);
	assert_int_equal(b.steps, 3);
	assert_int_equal(b.log[0].role, CSUM_ROLE_IMD_READ);
	assert_int_equal(b.log[0].sector, dmi_tag_sector(G(&b), 300));
	assert_int_equal(b.log[1].role, CSUM_ROLE_DATA_WRITE);
	assert_int_equal(b.log[1].flags & CSUM_IOF_FUA, 0); /* FUA taken off */
	assert_int_equal(b.log[1].sector, dmi_data_sector(G(&b), 300));
	assert_int_equal(b.log[2].role, CSUM_ROLE_IMD_WRITE);
	assert_int_equal(b.log[3].kind, CSUM_IO_FLUSH);
	assert_int_equal(b.crc_bytes, 20 * 512);
	/* the read above cached the tag sector of 0..127: no tag read */
	assert_int_equal(bt_write(&b, 10, 20, 1, 0), 0);
	assert_int_equal(b.steps, 1);
	assert_int_equal(b.log[0].role, CSUM_ROLE_DATA_WRITE);
	assert_int_equal(b.log[1].role, CSUM_ROLE_IMD_WRITE);
	assert_int_equal(bt_read_is(&b, 10, 20, 1), 1);
	assert_int_equal(b.verdict[0], CSUM_V_NEWER);
	/* rot: the read fails with -EILSEQ (integrity_recheck()) */
	bt_sec(&b, dmi_data_sector(G(&b), 302))[7] ^= 1; /* flushed: on the media */
	assert_int_equal(bt_read_is(&b, 300, 20, 1), -DMI_EILSEQ);
	assert_int_equal(b.verdict[2], CSUM_V_MISMATCH);
	/* a crash after an unflushed write whose data landed but not its tags:
	 * the good new data are refused from then on */
	assert_int_equal(bt_write(&b, 100, 8, 2, 0), 0);
	assert_int_equal(bt_crash(&b, keep_role, &role), 0); /* mode D: nothing at set-up */
	assert_int_equal(bt_read_is(&b, 100, 8, 2), -DMI_EILSEQ);
	bt_free(&b);
}

/* Mode B: bitmap_block_work() writes the bit FUA before the first write to a
 * region; after a crash the dirty region's tags are recalculated from the
 * disk (integrity_recalc()), so the torn write reads back without an error. */
static void bitmap_crash_hides(void **state)
{
	struct bt b;
	uint8_t role = CSUM_ROLE_DATA_WRITE;

	(void)state;
	setup(&b, &csum_variant_dmi_bitmap);
	assert_int_equal(csum_variant_dmi_bitmap.lock_scope, CSUM_LOCK_GROUP);
	assert_int_equal(bt_write(&b, 2000, 8, 1, 0), 0);
	assert_int_equal(b.log[0].role, CSUM_ROLE_BITMAP_WRITE);
	assert_true(b.log[0].flags & CSUM_IOF_FUA);
	assert_int_equal(b.log[0].sector, START + 8); /* block 0 of the journal area */
	assert_int_equal(bt_sec(&b, START + 8)[0], 1u << 1); /* bit 2000 / 1024 = 1 */
	assert_int_equal(b.log[1].role, CSUM_ROLE_IMD_READ);
	/* the region is dirty already: no bitmap write */
	assert_int_equal(bt_write(&b, 2010, 8, 1, 0), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE), 0);
	/* crash: the data landed, the tags did not */
	assert_int_equal(bt_write(&b, 2020, 8, 2, 0), 0);
	assert_int_equal(bt_crash(&b, keep_role, &role), 0);
	/* recovery: superblock, bitmap, RECALCULATING written, 8 runs of region
	 * 1 (1024..2047) recalculated, flush, bitmap cleared, superblock */
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE), 8);
	assert_int_equal(bt_sec(&b, START + 8)[0], 0);
	assert_int_equal(bt_read_is(&b, 2020, 8, 2), 1); /* no error: not detected */
	assert_int_equal(bt_read_is(&b, 2000, 8, 1), 1);
	bt_free(&b);
}

/* bitmap_flush_work() runs bitmap_flush_interval (10 s) later: then a
 * region is clean again and a crash there is detected. */
static void bitmap_flush_interval(void **state)
{
	struct bt b;
	uint8_t role = CSUM_ROLE_DATA_WRITE;

	(void)state;
	setup(&b, &csum_variant_dmi_bitmap);
	b.now_ns = 1 * SEC_NS;
	assert_int_equal(bt_write(&b, 3000, 8, 1, 0), 0);
	b.now_ns = 10 * SEC_NS; /* 9 s later: not yet */
	assert_int_equal(bt_read_is(&b, 3000, 8, 1), 1);
	assert_int_equal(b.log[0].role, CSUM_ROLE_DATA_READ);
	b.now_ns = 11 * SEC_NS; /* due: flush, then the cleared bitmap */
	assert_int_equal(bt_read_is(&b, 3000, 8, 1), 1);
	assert_int_equal(b.log[0].kind, CSUM_IO_FLUSH);
	assert_int_equal(b.log[1].role, CSUM_ROLE_BITMAP_WRITE);
	assert_int_equal(bt_sec(&b, START + 8)[0], 0);
	/* a write now dirties the region again, so clear it once more */
	assert_int_equal(bt_write(&b, 3000, 8, 2, 0), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE), 1);
	b.now_ns = 30 * SEC_NS;
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_sec(&b, START + 8)[0], 0);
	/* an unflushed write to the clean-on-disk region... its bit is set
	 * first, so write to a region whose bit write we then lose */
	assert_int_equal(bt_write(&b, 3000, 8, 3, 0), 0);
	assert_int_equal(bt_crash(&b, keep_role, &role), 0);
	/* the bitmap write was FUA, so the region is recalculated: hidden */
	assert_int_equal(bt_read_is(&b, 3000, 8, 3), 1);
	bt_free(&b);
}

/* Mode J: a write goes to its journal slots only; a flush commits the
 * section (8 entry sectors, FUA, each ending with its commit id); after a
 * crash replay_journal() copies the committed entries home. */
static void journal_commit_replay(void **state)
{
	struct bt b;

	(void)state;
	setup(&b, &csum_variant_dmi_journal);
	assert_int_equal(bt_write(&b, 500, 10, 1, 0), 0);
	assert_int_equal(b.n_log, 1);
	assert_int_equal(b.log[0].role, CSUM_ROLE_JOURNAL_WRITE);
	assert_int_equal(b.log[0].sector, START + 8 + 8); /* section 0, slot 0 */
	assert_int_equal(b.log[0].count, 10);
	/* read back from the journal slots (the kernel: from memory), checked
	 * against the entries' tags */
	assert_int_equal(bt_read_is(&b, 498, 14, 1) == 1, 0); /* 498, 499, 510, 511 are 0 */
	assert_int_equal(b.verdict[2], CSUM_V_NEWER);
	assert_int_equal(b.verdict[0], CSUM_V_NEWER);
	assert_int_equal(bt_read_is(&b, 500, 10, 1), 1);
	/* commit: pad_uncommitted(), the entry block with seq 2 */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(b.n_log, 1);
	assert_int_equal(b.log[0].sector, START + 8);
	assert_int_equal(b.log[0].count, 8);
	assert_true(b.log[0].flags & CSUM_IOF_FUA);
	assert_true(b.log[0].flags & CSUM_IOF_PREFLUSH);
	assert_true(bu_get_le64(bt_sec(&b, START + 8) + 504) == dmi_commit_id(0, 0, 2));
	assert_true(bu_get_le64(bt_sec(&b, START + 8 + 1)) == 501); /* entry 1 */
		bt_sec(&b, START + 8 + 8 + 3)[100] ^= 0x10; /* rot in slot 3, now durable */
	assert_int_equal(bt_read_is(&b, 500, 10, 1), -DMI_EILSEQ);
	assert_int_equal(b.verdict[3], CSUM_V_MISMATCH);
	bt_sec(&b, START + 8 + 8 + 3)[100] ^= 0x10;
	/* a second flush has nothing to commit: no I/O at all */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(b.n_log, 0);
	/* an uncommitted write, then a crash that keeps every cached sector */
	assert_int_equal(bt_write(&b, 700, 4, 2, 0), 0);
	assert_int_equal(bt_crash(&b, keep_all, NULL), 0);
	/* sections 1..3 (seq 1) then 0 (seq 2) follow on: replayed from 1 */
	assert_int_equal(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE), 1);
	assert_int_equal(bt_read_is(&b, 500, 10, 1), 1);
	assert_int_equal(b.verdict[9], CSUM_V_NEWER); /* from home, checked */
	assert_int_equal(b.n_log, 1); /* the replay left the tag sector cached */
	assert_int_equal(b.log[0].sector, dmi_data_sector(G(&b), 500)); /* a new ctx */
	assert_int_equal(bt_read_is(&b, 700, 4, 0), 1); /* never committed */
	bt_free(&b);
}

/* A commit whose entry block is torn: the section's commit ids disagree, so
 * it is not replayed (dm-integrity.rst: "If the commit id doesn't match, the
 * section was written partially and it should not be replayed"). */
static bool keep_not_sector_3(void *arg, size_t i, const struct bt_cached *c)
{
	(void)i;
	return c->sector != *(const uint64_t *)arg;
}

static void journal_torn_section(void **state)
{
	struct bt b;
	uint64_t torn = START + 8 + 176 + 3; /* section 1, entry sector 3 */

	(void)state;
	setup(&b, &csum_variant_dmi_journal);
	assert_int_equal(bt_write(&b, 40, 4, 1, 0), 0);
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_read_is(&b, 40, 4, 1), 1); /* FUA: committed, replayed */
	/* the journal goes on at section 1 (seq 2); a commit there whose
	 * entry sector 3 never lands keeps that sector's seq 1: the FUA write
	 * is durable at once in this driver, so it is torn by hand */
	assert_int_equal(bt_write(&b, 60, 4, 2, 0), 0);
	{
		uint8_t old[512];

		memcpy(old, bt_sec(&b, torn), 512);
		assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
		assert_int_equal(b.log[0].sector, START + 8 + 176);
		memcpy(bt_sec(&b, torn), old, 512);
	}
	assert_int_equal(bt_crash(&b, keep_not_sector_3, &torn), 0);
	assert_int_equal(bt_read_is(&b, 60, 4, 0), 1); /* not replayed */
	bt_free(&b);
}

/* The watermark: once no more than 336 of 672 entries are free after a
 * write, it commits, and integrity_writer() copies every committed section
 * home. */
static void journal_watermark(void **state)
{
	struct bt b;

	(void)state;
	setup(&b, &csum_variant_dmi_journal);
	for (uint32_t k = 0; k < 41; k++)
		assert_int_equal(bt_write(&b, 8 * k, 8, 1, 0), 0);
	assert_int_equal(b.n_log, 1); /* 328 entries: above the watermark */
	assert_int_equal(bt_write(&b, 328, 8, 1, 0), 0);
	/* free 336 <= threshold 336: committed and copied home at once */
	assert_true(bt_count_role(&b, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE) >= 1);
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 1);
	assert_int_equal(bt_crash(&b, NULL, NULL), 0);
	assert_int_equal(bt_read_is(&b, 0, 336, 1), 1);
	assert_int_equal(b.verdict[335], CSUM_V_NEWER); /* from home */
	bt_free(&b);
}

/* Replay after the journal went round: section 0 of the old lap holds two
 * copies of sector 100 (entries 0 and 1), both copied home long ago; the
 * new lap's first, uncommitted write took slots 0 and 1 and only slot 1
 * reached the disk (a torn write). The kernel's section 0 is intact on disk
 * (it writes sections whole at commit) and replays v1 then v2; the model's
 * slot 1 is gone, so the entry of v2 is skipped, and v1 must not land home
 * after it (the stale sectors of sweep-dmi-timers point 11). */
static bool keep_sector(void *arg, size_t i, const struct bt_cached *c)
{
	(void)i;
	return c->sector == *(const uint64_t *)arg;
}

static void journal_replay_newest(void **state)
{
	struct bt b;
	uint64_t slot1 = START + 8 + 8 + 1; /* section 0, data slot 1 */

	(void)state;
	setup(&b, &csum_variant_dmi_journal);
	assert_int_equal(bt_write(&b, 100, 1, 1, 0), 0); /* section 0, entry 0 */
	assert_int_equal(bt_write(&b, 100, 1, 2, 0), 0); /* entry 1 */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_write(&b, 200, 1, 1, 0), 0); /* section 1 */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	/* 2 sections committed, 336 entries free: both copied home */
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 1);
	assert_int_equal(bt_write(&b, 300, 1, 1, 0), 0); /* section 2 */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_write(&b, 400, 1, 1, 0), 0); /* section 3 */
	assert_int_equal(bt_rq(&b, CSUM_OP_FLUSH, 0, 0, 0, NULL), 0);
	assert_int_equal(bt_count_role(&b, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH), 1);
	/* the new lap: slots 0 and 1 of section 0, not committed */
	assert_int_equal(bt_write(&b, 500, 2, 1, 0), 0);
	assert_int_equal(b.log[0].sector, START + 8 + 8);
	assert_int_equal(bt_crash(&b, keep_sector, &slot1), 0);
	/* all four sections (seq 2) follow on and replay; sector 100 is v2 */
	assert_int_equal(bt_read_is(&b, 100, 1, 2), 1);
	assert_int_equal(bt_read_is(&b, 200, 1, 1), 1);
	assert_int_equal(bt_read_is(&b, 400, 1, 1), 1);
	bt_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(direct_paths),
		cmocka_unit_test(bitmap_crash_hides),
		cmocka_unit_test(bitmap_flush_interval),
		cmocka_unit_test(journal_commit_replay),
		cmocka_unit_test(journal_torn_section),
		cmocka_unit_test(journal_watermark),
		cmocka_unit_test(journal_replay_newest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
