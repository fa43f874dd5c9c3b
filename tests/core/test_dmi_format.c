/* dm-integrity's format (core/dmi_format.c), each expected value worked out
 * by hand from drivers/md/dm-integrity.c and dm-integrity.rst. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/baseline_util.h"
#include "core/dmi_format.h"
#include "core/dmi_variants.h"

static void geo(struct dmi_geo *g, uint8_t mode, uint64_t len, uint64_t start,
		const struct csum_options *o)
{
	struct csum_table t = { .begin = 0, .len = len, .data_start = start };
	const char *why = NULL;

	assert_int_equal(dmi_geo_init(g, mode, &t, o, &why), 0);
}

/* A 512 MiB device with every kernel default. */
static void default_geometry(void **state)
{
	struct csum_options o = { 0 };
	struct dmi_geo g;

	(void)state;
	geo(&g, DMI_MODE_J, 1048576, 0, &o);
	/* DEFAULT_INTERLEAVE_SECTORS 32768 */
	assert_int_equal(g.log2_interleave, 15);
	/* journal_sectors = min(131072, 1048576 >> 7) = 8192; calculate_journal_
	 * section_size(): entry 24 bytes, 504 / 24 = 21 per sector, 168 per
	 * section, 168 + 8 = 176 sectors; 8192 / 176 = 46 sections */
	assert_int_equal(g.sections, 46);
	assert_int_equal(g.initial, 8 + 46 * 176);
	/* metadata_run = round_up(4 << 15, 512 << 8) >> 9 = 256 */
	assert_int_equal(g.metadata_run, 256);
	/* 32 areas of 256 + 32768 sectors after the 8104 initial ones */
	assert_int_equal(g.dev_sectors, 8104 + 32 * (256 + 32768));
	assert_int_equal(dmi_tag_sector(&g, 0), 8104);
	assert_int_equal(dmi_data_sector(&g, 0), 8104 + 256);
	assert_int_equal(dmi_tag_sector(&g, 200), 8104 + 1); /* 200 * 4 / 512 */
	assert_int_equal(dmi_tag_offset(200), 288);          /* 800 % 512 */
	assert_int_equal(dmi_tag_sector(&g, 32768), 8104 + 32768 + 256);
	assert_int_equal(dmi_data_sector(&g, 32768), 8104 + 32768 + 512);
	/* threshold = (7728 * (100 - 50) + 50) / 100 */
	assert_int_equal(g.free_threshold, 3864);
	assert_int_equal(g.commit_ms, 10000);
	assert_int_equal(g.bitmap_flush_ms, 10000);
	/* DEFAULT_SECTORS_PER_BITMAP_BIT 32768: 32 bits, one 4 KiB block */
	assert_int_equal(g.log2_sector_per_bit, 15);
	assert_int_equal(g.bitmap_bits, 32);
	assert_int_equal(g.bitmap_blocks, 1);
	assert_int_equal(g.piece_max, 128);
	assert_false(g.discard);
}

static void options_and_limits(void **state)
{
	struct csum_options o = { .dmi_interleave_sectors = 1500, .journal_sectors = 400,
				  .dmi_journal_watermark = 100, .dmi_sectors_per_bit = 100 };
	struct csum_table t = { .len = 4096, .placement = CSUM_PLACE_SAME };
	struct dmi_geo g;
	const char *why = NULL;

	(void)state;
	geo(&g, DMI_MODE_B, 4096, 16, &o);
	assert_int_equal(g.log2_interleave, 10); /* rounded down to a power of two */
	assert_int_equal(g.sections, 2);         /* 400 / 176 */
	assert_int_equal(g.free_threshold, 0);   /* watermark 100 */
	assert_int_equal(g.log2_sector_per_bit, 6); /* __ilog2_u64(100) */
	assert_int_equal(dmi_data_sector(&g, 0), 16 + 8 + 352 + 256);
	o.dmi_interleave_sectors = 32;
	assert_int_equal(dmi_geo_init(&g, DMI_MODE_J, &t, &o, &why), -1);
	o.dmi_interleave_sectors = 0;
	o.journal_sectors = 129 * 176;
	assert_int_equal(dmi_geo_init(&g, DMI_MODE_J, &t, &o, &why), -1);
	o.journal_sectors = 0;
	t.placement = CSUM_PLACE_SEPARATE;
	assert_int_equal(dmi_geo_init(&g, DMI_MODE_J, &t, &o, &why), -1);
}

static void tags_and_commit_ids(void **state)
{
	uint8_t zero[CSUM_SECTOR] = { 0 }, sec[CSUM_SECTOR] = { 0 };
	struct csum_options o = { 0 };
	struct dmi_geo g;

	(void)state;
	/* crc32c(le64(sector) || data), by a bitwise CRC-32C in Python */
	assert_int_equal(dmi_tag(0, zero), 0x82e840c7u);
	assert_int_equal(dmi_tag(5, zero), 0xb44c2ab8u);
	dmi_put_tag(sec, 200, 0x11223344u);
	assert_int_equal(sec[288], 0x44); /* little-endian, as crc32c's digest */
	assert_int_equal(dmi_get_tag(sec, 200), 0x11223344u);
	geo(&g, DMI_MODE_D, 4096, 0, &o);
	assert_false(dmi_tag_ok(&g, sec, 201, 0x11223344u));
	memset(sec + dmi_tag_offset(201), DMI_FILLER, 4);
	assert_false(dmi_tag_ok(&g, sec, 201, 0x12345678u)); /* filler only with discards */
	o.dmi_allow_discards = true;
	geo(&g, DMI_MODE_D, 4096, 0, &o);
	assert_true(dmi_tag_ok(&g, sec, 201, 0x12345678u));
	/* commit_ids[1] ^ ((3 << 32) ^ 5) */
	assert_true(dmi_commit_id(3, 5, 1) == UINT64_C(0x2222222122222227));
	assert_int_equal(dmi_find_seq(3, 5, UINT64_C(0x2222222122222227)), 1);
	assert_int_equal(dmi_find_seq(3, 6, UINT64_C(0x2222222122222227)), -1);
}

static void entries_and_superblock(void **state)
{
	uint8_t blk[8 * CSUM_SECTOR] = { 0 }, sb[CSUM_SECTOR];
	struct dmi_entry e = { .sector = 0x123456789u, .last_bytes = 7, .tag = 0xabcdef01u }, r;
	struct csum_options o = { 0 };
	struct dmi_geo g;

	(void)state;
	/* access_journal_entry(): entry 9 is in sector 9 % 8 = 1, at 24 * (9 / 8) */
	dmi_entry_put(blk, 9, &e);
	assert_true(bu_get_le64(blk + 512 + 24) == 0x123456789u);
	assert_int_equal(bu_get_le32(blk + 512 + 24 + 16), 0xabcdef01u);
	dmi_entry_get(blk, 9, &r);
	assert_true(r.sector == e.sector && r.tag == e.tag && r.last_bytes == 7);
	dmi_entry_put(blk, 9, &(struct dmi_entry){ .sector = DMI_UNUSED });
	assert_int_equal(bu_get_le32(blk + 512 + 24 + 4), UINT32_MAX); /* sector_hi = -1 */
	dmi_entry_get(blk, 9, &r);
	assert_true(r.sector == DMI_UNUSED);
	dmi_entry_block_seal(blk, 2, 3);
	assert_true(bu_get_le64(blk + 7 * 512 + 504) == dmi_commit_id(2, 7, 3));

	geo(&g, DMI_MODE_B, 1048576, 0, &o);
	dmi_sb_format(&g, sb, DMI_SB_FLAG_DIRTY_BITMAP, 0);
	assert_memory_equal(sb, "integrt", 8);
	assert_int_equal(sb[8], 3);  /* SB_VERSION_3: bitmap mode */
	assert_int_equal(sb[9], 15); /* log2_interleave_sectors */
	assert_int_equal(bu_get_le16(sb + 10), 4);
	assert_int_equal(bu_get_le32(sb + 12), 46);
	assert_true(bu_get_le64(sb + 16) == 1048576);
	assert_int_equal(bu_get_le32(sb + 24), 4);
	assert_int_equal(sb[29], 15);
	assert_true(dmi_sb_ok(&g, sb));
	sb[9] = 14;
	assert_false(dmi_sb_ok(&g, sb));
	geo(&g, DMI_MODE_J, 1048576, 0, &o);
	dmi_sb_format(&g, sb, 0, 0);
	assert_int_equal(sb[8], 1); /* SB_VERSION_1 */
}

static void fresh_device_and_split(void **state)
{
	struct csum_options o = { .dmi_interleave_sectors = 1024, .journal_sectors = 352 };
	struct csum_table t = { .begin = 100, .len = 4096, .data_start = 16 };
	uint8_t sec[CSUM_SECTOR], zero[CSUM_SECTOR] = { 0 };
	const struct csum_variant_ops *ops = &csum_variant_dmi_journal;
	struct csum_piece pc[80];
	struct csum_split sp = { .piece = pc, .cap = csum_split_cap(300) };
	struct csum_request rq = { .sector = 100 + 1000, .count = 300, .op = CSUM_OP_WRITE };
	struct csum_sector_info si;
	const char *why = NULL;
	struct dmi_geo *g;
	void *ctx = test_calloc(1, ops->ctx_size);

	(void)state;
	assert_int_equal(ops->init(ctx, &t, &o, &why), 0);
	g = ctx;
	/* the superblock, then journal sectors sealed with seq 1 */
	ops->initial_sector(ctx, 0, 16, sec);
	assert_memory_equal(sec, "integrt", 8);
	ops->initial_sector(ctx, 0, 16 + 8 + 176 + 3, sec);
	assert_true(bu_get_le64(sec + 504) == dmi_commit_id(1, 3, 1));
	assert_int_equal(bu_get_le32(sec + 4), UINT32_MAX); /* unused entries */
	/* the tag sector of rel 1024..1151: the zero sector's tags */
	ops->initial_sector(ctx, 0, dmi_tag_sector(g, 1030), sec);
	assert_int_equal(dmi_get_tag(sec, 1030), dmi_tag(1030, zero));
	ops->sector_info(ctx, 0, dmi_tag_sector(g, 1030), &si);
	assert_int_equal(si.kind, CSUM_SK_IMD);
	assert_int_equal(si.first, 100 + 1024);
	assert_int_equal(si.count, 128);
	ops->sector_info(ctx, 0, dmi_data_sector(g, 1030), &si);
	assert_int_equal(si.kind, CSUM_SK_DATA);
	assert_int_equal(si.first, 1130);
	ops->sector_info(ctx, 0, dmi_tag_sector(g, 1030) + 10, &si);
	assert_int_equal(si.kind, CSUM_SK_NONE); /* padding of the metadata run */
	/* pieces end at tag-sector boundaries: 1000..1023, 1024..1151, 1152..1279, ..1299 */
	assert_int_equal(ops->split(ctx, &rq, &sp), 0);
	assert_int_equal(sp.n_pieces, 4);
	assert_int_equal(pc[0].count, 24);
	assert_int_equal(pc[1].sector, 100 + 1024);
	assert_int_equal(pc[3].count, 20);
	assert_int_equal(pc[3].offset, 280);
	rq.op = CSUM_OP_DISCARD; /* no allow_discards: dm refuses */
	assert_int_equal(ops->split(ctx, &rq, &sp), -CSUM_EOPNOTSUPP);
	test_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_geometry),
		cmocka_unit_test(options_and_limits),
		cmocka_unit_test(tags_and_commit_ids),
		cmocka_unit_test(entries_and_superblock),
		cmocka_unit_test(fresh_device_and_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
