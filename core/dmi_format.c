/* dm-integrity's format arithmetic; see core/dmi_format.h. Kernel references
 * are to drivers/md/dm-integrity.c (function names, as line numbers drift). */
#include "core/dmi_format.h"

#include <assert.h>
#include <string.h>

#include "core/baseline_util.h"
#include "core/tags.h"

#define DMI_LIMIT (UINT64_C(1) << 48)

static uint32_t ilog2_u32(uint32_t v)
{
	uint32_t r = 0;

	while (v >>= 1)
		r++;
	return r;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

int dmi_geo_init(struct dmi_geo *g, uint8_t mode, const struct csum_table *t,
		 const struct csum_options *o, const char **why)
{
	uint32_t il = o->dmi_interleave_sectors ? o->dmi_interleave_sectors : DMI_DEFAULT_INTERLEAVE;
	uint64_t js, interleave, bits_in_journal, entries;
	uint32_t spb = o->dmi_sectors_per_bit ? o->dmi_sectors_per_bit : DMI_DEFAULT_SECTORS_PER_BIT;

	memset(g, 0, sizeof(*g));
	if (t->placement != CSUM_PLACE_SAME) {
		*why = "dm-integrity models interleave tags and data on one device: placement must be same";
		return -1;
	}
	if (t->len == 0 || t->len >= DMI_LIMIT || t->data_start >= DMI_LIMIT ||
	    t->begin >= DMI_LIMIT) {
		*why = "len must be 1 .. 2^48-1 sectors, begin and data offset below 2^48";
		return -1;
	}
	if (o->dmi_journal_watermark > 100) {
		*why = "journal_watermark is a percentage, 0..100 (0: the default 50)";
		return -1;
	}
	g->mode = mode;
	g->begin = t->begin;
	g->provided = t->len;
	g->start = t->data_start;
	/* initialize_superblock(): __fls, clamped to MIN/MAX_LOG2_INTERLEAVE_SECTORS
	 * (3 and 31; the model stops at 30 to keep 32-bit arithmetic) */
	g->log2_interleave = ilog2_u32(il);
	if (g->log2_interleave > 30)
		g->log2_interleave = 30;
	if (g->log2_interleave < 6) {
		/* the kernel takes 8..32: the model's pieces (one tag sector or
		 * area each) must not outnumber csum_split_cap() */
		*why = "interleave_sectors: the model needs at least 64";
		return -1;
	}
	interleave = UINT64_C(1) << g->log2_interleave;
	/* dm_integrity_ctr(): journal_sectors defaults to
	 * min(DEFAULT_MAX_JOURNAL_SECTORS, device sectors >> 7); the model
	 * takes the exported size for the device's (it derives the device
	 * from the table, not the other way round) */
	if (o->journal_sectors) {
		js = o->journal_sectors;
	} else {
		js = t->len >> DMI_JOURNAL_SIZE_FACTOR;
		if (js > DMI_MAX_JOURNAL_SECTORS)
			js = DMI_MAX_JOURNAL_SECTORS;
	}
	/* initialize_superblock(): journal_sections = journal_sectors /
	 * journal_section_sectors, at least 1 */
	g->sections = (uint32_t)(js / DMI_SECTION_SECTORS);
	if (g->sections == 0)
		g->sections = 1;
	if (g->sections > DMI_MAX_SECTIONS) {
		if (o->journal_sectors) {
			*why = "journal_sectors: the model keeps at most 128 journal sections "
			       "(22528 sectors) in memory";
			return -1;
		}
		g->sections = DMI_MAX_SECTIONS;
	}
	/* calculate_device_limits() */
	g->initial = DMI_SB_SECTORS + (uint64_t)DMI_SECTION_SECTORS * g->sections;
	/* metadata_run = round_up(tag_size << log2_interleave, 512 << 8) >> 9:
	 * the "excessive padding" of volumes without SB_FLAG_FIXED_PADDING */
	g->metadata_run = div_up((uint64_t)DMI_TAG_SIZE << g->log2_interleave, 131072u) * 256u;
	g->dev_sectors = dmi_data_sector(g, t->len - 1) + 1u;
	/* dm_integrity_ctr(): log2_sectors_per_bitmap_bit from sectors_per_bit
	 * (__ilog2_u64), grown until the bitmap fits in the journal area */
	g->log2_sector_per_bit = spb ? ilog2_u32(spb) : 0;
	bits_in_journal = (uint64_t)DMI_SECTION_SECTORS * g->sections * CSUM_SECTOR * 8u;
	while (bits_in_journal < div_up(t->len, UINT64_C(1) << g->log2_sector_per_bit))
		g->log2_sector_per_bit++;
	/* the model's own limit: its bitmaps live in the ctx */
	while (div_up(t->len, UINT64_C(1) << g->log2_sector_per_bit) > DMI_MAX_BITS)
		g->log2_sector_per_bit++;
	g->bitmap_bits = div_up(t->len, UINT64_C(1) << g->log2_sector_per_bit);
	g->bitmap_blocks = (uint32_t)div_up(g->bitmap_bits, 4096u * 8u);
	g->piece_max = interleave < DMI_TAGS_PER_SECTOR ? (uint32_t)interleave : DMI_TAGS_PER_SECTOR;
	g->commit_ms = o->dmi_commit_time_ms ? o->dmi_commit_time_ms : DMI_DEFAULT_SYNC_MS;
	g->bitmap_flush_ms = o->dmi_bitmap_flush_ms ? o->dmi_bitmap_flush_ms
						     : DMI_DEFAULT_BITMAP_FLUSH_MS;
	g->watermark = o->dmi_journal_watermark ? o->dmi_journal_watermark : DMI_DEFAULT_WATERMARK;
	/* dm_integrity_ctr(): threshold = (entries * (100 - watermark) + 50) / 100 */
	entries = (uint64_t)g->sections * DMI_SECTION_ENTRIES;
	g->free_threshold = (uint32_t)((entries * (100u - g->watermark) + 50u) / 100u);
	g->discard = o->dmi_allow_discards;
	/* what the rest of the model relies on: fields within their on-disk
	 * widths (superblock bytes 9 and 29) and within the ctx's arrays */
	assert(g->log2_interleave >= 6 && g->log2_interleave <= 30);
	assert(g->sections >= 1 && g->sections <= DMI_MAX_SECTIONS);
	assert(g->bitmap_bits >= 1 && g->bitmap_bits <= DMI_MAX_BITS);
	assert(g->bitmap_blocks >= 1 && g->bitmap_blocks <= DMI_MAX_BITMAP_BLOCKS);
	assert(g->log2_sector_per_bit < 64);
	assert(g->piece_max >= 64 && g->piece_max <= DMI_TAGS_PER_SECTOR);
	assert(g->watermark <= 100 && g->free_threshold <= entries);
	assert(g->dev_sectors > g->start + g->initial + g->metadata_run);
	return 0;
}

/* ---- placement: get_area_and_offset(), get_data_sector(),
 * get_metadata_sector_and_offset() --------------------------------------- */

uint64_t dmi_data_sector(const struct dmi_geo *g, uint64_t rel)
{
	uint64_t area = rel >> g->log2_interleave;
	uint64_t off = rel & ((UINT64_C(1) << g->log2_interleave) - 1u);

	assert(rel < g->provided); /* a sector the device provides */
	return g->start + g->initial + (area << g->log2_interleave) +
	       (area + 1u) * g->metadata_run + off;
}

uint64_t dmi_tag_sector(const struct dmi_geo *g, uint64_t rel)
{
	uint64_t area = rel >> g->log2_interleave;
	uint64_t off = rel & ((UINT64_C(1) << g->log2_interleave) - 1u);

	assert(rel < g->provided); /* a sector the device provides */
	return g->start + g->initial + (area << g->log2_interleave) + area * g->metadata_run +
	       off * DMI_TAG_SIZE / CSUM_SECTOR;
}

uint32_t dmi_tag_offset(uint64_t rel)
{
	/* areas hold a power of two >= 8 sectors, so rel's low bits are the offset's */
	return (uint32_t)((rel * DMI_TAG_SIZE) % CSUM_SECTOR);
}

uint64_t dmi_section_sector(const struct dmi_geo *g, uint32_t i)
{
	assert(i < g->sections); /* a journal section */
	return g->start + DMI_SB_SECTORS + (uint64_t)i * DMI_SECTION_SECTORS;
}

/* ---- tags ---------------------------------------------------------------- */

uint32_t dmi_tag(uint64_t rel, const uint8_t data[CSUM_SECTOR])
{
	uint8_t b[8 + CSUM_SECTOR];

	bu_put_le64(b, rel);
	memcpy(b + 8, data, CSUM_SECTOR);
	return tag_crc32c(b, sizeof(b));
}

uint32_t dmi_get_tag(const uint8_t *tag_sector, uint64_t rel)
{
	return bu_get_le32(tag_sector + dmi_tag_offset(rel));
}

void dmi_put_tag(uint8_t *tag_sector, uint64_t rel, uint32_t tag)
{
	bu_put_le32(tag_sector + dmi_tag_offset(rel), tag);
}

bool dmi_tag_ok(const struct dmi_geo *g, const uint8_t *tag_sector, uint64_t rel, uint32_t tag)
{
	const uint8_t *p = tag_sector + dmi_tag_offset(rel);

	if (bu_get_le32(p) == tag)
		return true;
	/* dm_integrity_rw_tag() TAG_CMP: MAY_BE_FILLER only with allow_discards */
	return g->discard && p[0] == DMI_FILLER && p[1] == DMI_FILLER && p[2] == DMI_FILLER &&
	       p[3] == DMI_FILLER;
}

/* ---- journal sectors ---------------------------------------------------- */

uint64_t dmi_commit_id(uint32_t section, uint32_t sector, unsigned seq)
{
	/* create_journal(): commit_ids are 0x1111..., 0x2222..., 0x3333..., 0x4444... */
	uint64_t base = UINT64_C(0x1111111111111111) * (uint64_t)(seq % DMI_N_COMMIT_IDS + 1u);

	return base ^ (((uint64_t)section << 32) ^ sector);
}

int dmi_find_seq(uint32_t section, uint32_t sector, uint64_t id)
{
	for (unsigned k = 0; k < DMI_N_COMMIT_IDS; k++)
		if (dmi_commit_id(section, sector, k) == id)
			return (int)k;
	return -1;
}

static uint8_t *entry_at(uint8_t *blk, uint32_t n)
{
	/* 21 entries in each of a section's 8 entry sectors, before the commit id */
	assert(n < DMI_SECTION_ENTRIES);
	return blk + (size_t)(n % DMI_JBLOCK) * CSUM_SECTOR + (size_t)(n / DMI_JBLOCK) * DMI_ENTRY_SIZE;
}

void dmi_entry_get(const uint8_t *blk, uint32_t n, struct dmi_entry *e)
{
	const uint8_t *p = entry_at((uint8_t *)blk, n);

	/* journal_entry_is_unused(): sector_hi == -1 */
	e->sector = bu_get_le32(p + 4) == UINT32_MAX ? DMI_UNUSED : bu_get_le64(p);
	e->last_bytes = bu_get_le64(p + 8);
	e->tag = bu_get_le32(p + 16);
}

void dmi_entry_put(uint8_t *blk, uint32_t n, const struct dmi_entry *e)
{
	uint8_t *p = entry_at(blk, n);

	/* a used entry must not read back as unused (sector_hi == -1) */
	assert(e->sector == DMI_UNUSED || (e->sector >> 32) != UINT32_MAX);
	memset(p, 0, DMI_ENTRY_SIZE);
	if (e->sector == DMI_UNUSED) {
		bu_put_le32(p + 4, UINT32_MAX); /* journal_entry_set_unused() */
		return;
	}
	bu_put_le64(p, e->sector);
	bu_put_le64(p + 8, e->last_bytes);
	bu_put_le32(p + 16, e->tag);
}

void dmi_entry_block_seal(uint8_t *blk, uint32_t section, unsigned seq)
{
	for (uint32_t j = 0; j < DMI_JBLOCK; j++)
		bu_put_le64(blk + (size_t)j * CSUM_SECTOR + DMI_COMMIT_ID_OFF,
			    dmi_commit_id(section, j, seq));
}

/* ---- superblock (struct superblock) -------------------------------------- */

void dmi_sb_format(const struct dmi_geo *g, uint8_t out[CSUM_SECTOR], uint32_t flags,
		   uint64_t recalc_sector)
{
	memset(out, 0, CSUM_SECTOR);
	memcpy(out, "integrt", 8); /* SB_MAGIC, with its NUL */
	/* sb_set_version(): 3 for bitmap mode (or a dirty bitmap), else 1 */
	out[8] = (g->mode == DMI_MODE_B || (flags & DMI_SB_FLAG_DIRTY_BITMAP)) ? 3 : 1;
	if (flags & DMI_SB_FLAG_RECALCULATING && out[8] < 2)
		out[8] = 2;
	out[9] = (uint8_t)g->log2_interleave;
	bu_put_le16(out + 10, DMI_TAG_SIZE);
	bu_put_le32(out + 12, g->sections);
	bu_put_le64(out + 16, g->provided);
	bu_put_le32(out + 24, flags);
	out[28] = 0; /* log2_sectors_per_block */
	out[29] = (uint8_t)g->log2_sector_per_bit; /* log2_blocks_per_bitmap_bit */
	bu_put_le64(out + 32, recalc_sector);
	assert(recalc_sector <= g->provided);
	assert(dmi_sb_ok(g, out)); /* what the model formats, it accepts */
}

bool dmi_sb_ok(const struct dmi_geo *g, const uint8_t *sb)
{
	return memcmp(sb, "integrt", 8) == 0 && sb[8] >= 1 && sb[8] <= 6 &&
	       sb[9] == g->log2_interleave && bu_get_le16(sb + 10) == DMI_TAG_SIZE &&
	       bu_get_le32(sb + 12) == g->sections && bu_get_le64(sb + 16) == g->provided;
}

uint32_t dmi_sb_flags(const uint8_t *sb)
{
	return bu_get_le32(sb + 24);
}

/* ---- bitmap (block_bitmap_op on a little-endian machine) ---------------- */

uint64_t dmi_bit_of(const struct dmi_geo *g, uint64_t rel)
{
	assert(rel < g->provided && (rel >> g->log2_sector_per_bit) < g->bitmap_bits);
	return rel >> g->log2_sector_per_bit;
}

/* The model's bitmaps are DMI_MAX_BITS bits long. */
bool dmi_bit_test(const uint8_t *bm, uint64_t b)
{
	assert(b < DMI_MAX_BITS);
	return (bm[b / 8u] >> (b % 8u)) & 1u;
}

void dmi_bit_set(uint8_t *bm, uint64_t b)
{
	assert(b < DMI_MAX_BITS);
	bm[b / 8u] = (uint8_t)(bm[b / 8u] | (1u << (b % 8u)));
}

/* ---- shared ops --------------------------------------------------------- */

uint64_t dmi_ops_dev_sectors(const void *ctx, unsigned dev)
{
	const struct dmi_geo *g = ctx;

	return dev == CSUM_DEV_DATA ? g->dev_sectors : 0;
}

/* Where backing sector s falls: -1 outside, 0 superblock, 1 journal,
 * 2 tag area (tag sector index in *k of area *area), 3 data (*rel). */
static int classify(const struct dmi_geo *g, uint64_t s, uint64_t *area, uint64_t *k,
		    uint64_t *rel)
{
	uint64_t stride, t;

	if (s < g->start || s >= g->dev_sectors)
		return -1;
	if (s < g->start + DMI_SB_SECTORS)
		return 0;
	if (s < g->start + g->initial)
		return 1;
	stride = (UINT64_C(1) << g->log2_interleave) + g->metadata_run;
	*area = (s - g->start - g->initial) / stride;
	t = (s - g->start - g->initial) % stride;
	if (t < g->metadata_run) {
		*k = t;
		return 2;
	}
	*rel = (*area << g->log2_interleave) + (t - g->metadata_run);
	assert(t - g->metadata_run < (UINT64_C(1) << g->log2_interleave));
	return *rel < g->provided ? 3 : -1;
}

/* Rel sectors [first, first+count) whose tags sector k of `area` holds. */
static uint32_t tag_sector_span(const struct dmi_geo *g, uint64_t area, uint64_t k,
				uint64_t *first)
{
	uint64_t interleave = UINT64_C(1) << g->log2_interleave;
	uint64_t off = k * DMI_TAGS_PER_SECTOR, end;

	if (off >= interleave)
		return 0; /* padding of the metadata run */
	*first = (area << g->log2_interleave) + off;
	if (*first >= g->provided)
		return 0;
	end = off + DMI_TAGS_PER_SECTOR;
	if (end > interleave)
		end = interleave;
	end += area << g->log2_interleave;
	if (end > g->provided)
		end = g->provided;
	assert(end > *first && end - *first <= DMI_TAGS_PER_SECTOR); /* one tag sector's worth */
	return (uint32_t)(end - *first);
}

void dmi_journal_init_sector(uint64_t j, unsigned seq, uint8_t out[CSUM_SECTOR])
{
	uint32_t sec = (uint32_t)(j / DMI_SECTION_SECTORS), in = (uint32_t)(j % DMI_SECTION_SECTORS);

	memset(out, 0, CSUM_SECTOR);
	if (in < DMI_JBLOCK)
		for (uint32_t e = 0; e < DMI_ENTRIES_PER_SECTOR; e++)
			bu_put_le32(out + e * DMI_ENTRY_SIZE + 4, UINT32_MAX);
	bu_put_le64(out + DMI_COMMIT_ID_OFF, dmi_commit_id(sec, in, seq));
}

void dmi_ops_initial_sector(const void *ctx, unsigned dev, uint64_t sector,
			    uint8_t out[CSUM_SECTOR])
{
	const struct dmi_geo *g = ctx;
	uint64_t area = 0, k = 0, rel = 0, j, first = 0;
	static const uint8_t zero[CSUM_SECTOR];
	uint32_t n;

	memset(out, 0, CSUM_SECTOR);
	if (dev != CSUM_DEV_DATA)
		return;
	switch (classify(g, sector, &area, &k, &rel)) {
	case 0:
		/* formatted, then activated: bitmap mode's resume sets DIRTY_BITMAP */
		if (sector == g->start)
			dmi_sb_format(g, out, g->mode == DMI_MODE_B ? DMI_SB_FLAG_DIRTY_BITMAP : 0,
				      0);
		return;
	case 1:
		j = sector - g->start - DMI_SB_SECTORS;
		/* bitmap mode: the bitmap with every bit clear over the seq 0
		 * journal the kernel's format left (dmi_journal_init_sector());
		 * else as the first activation leaves it: replay_journal() finds
		 * the formatted journal empty and clears it with erase seq 1;
		 * commit_seq continues at 2 */
		dmi_journal_init_sector(j, g->mode == DMI_MODE_B ? 0 : 1, out);
		return;
	case 2:
		/* integritysetup format's wipe: every tag is the zero sector's */
		n = tag_sector_span(g, area, k, &first);
		for (uint32_t i = 0; i < n; i++)
			dmi_put_tag(out, first + i, dmi_tag(first + i, zero));
		return;
	default:
		return;
	}
}

void dmi_ops_sector_info(const void *ctx, unsigned dev, uint64_t sector,
			 struct csum_sector_info *out)
{
	const struct dmi_geo *g = ctx;
	uint64_t area = 0, k = 0, rel = 0, first = 0;
	uint32_t n;

	memset(out, 0, sizeof(*out));
	if (dev != CSUM_DEV_DATA)
		return;
	switch (classify(g, sector, &area, &k, &rel)) {
	case 0:
		out->kind = CSUM_SK_JOURNAL; /* the superblock */
		return;
	case 1:
		if (g->mode == DMI_MODE_B &&
		    sector - g->start - DMI_SB_SECTORS <
			    (uint64_t)g->bitmap_blocks * DMI_BITMAP_BLOCK_SECTORS)
			out->kind = CSUM_SK_BITMAP;
		else
			out->kind = CSUM_SK_JOURNAL;
		return;
	case 2:
		n = tag_sector_span(g, area, k, &first);
		if (n == 0)
			return;
		out->kind = CSUM_SK_IMD;
		out->first = g->begin + first;
		out->count = n;
		return;
	case 3:
		assert(dmi_data_sector(g, rel) == sector); /* classify() inverts the mapping */
		out->kind = CSUM_SK_DATA;
		out->first = g->begin + rel;
		out->count = 1;
		return;
	default:
		return;
	}
}

void dmi_ops_locate(const void *ctx, uint64_t dm, struct csum_location *out)
{
	const struct dmi_geo *g = ctx;
	uint64_t rel = dm - g->begin;

	assert(dm >= g->begin && rel < g->provided);
	memset(out, 0, sizeof(*out));
	out->data_dev = CSUM_DEV_DATA;
	out->data_sector = dmi_data_sector(g, rel);
	out->n_meta = 1;
	out->meta_dev[0] = CSUM_DEV_DATA;
	out->meta_sector[0] = dmi_tag_sector(g, rel);
	/* an area's tags come before its data, both past the journal */
	assert(out->meta_sector[0] >= g->start + g->initial &&
	       out->meta_sector[0] < out->data_sector && out->data_sector < g->dev_sectors);
}

static int split_body(const struct dmi_geo *g, const struct csum_request *rq,
		      struct csum_split *out)
{

	csum_split_reset(out);
	if (rq->op == CSUM_OP_FLUSH)
		return bu_split_flush(rq, out);
	if (rq->op == CSUM_OP_DISCARD && !g->discard) {
		/* without allow_discards, num_discard_bios is 0: dm refuses */
		out->map_result = -CSUM_EOPNOTSUPP;
		return out->map_result;
	}
	if (rq->op > CSUM_OP_DISCARD || rq->count == 0 || rq->sector < g->begin ||
	    rq->sector - g->begin > g->provided || rq->count > g->provided - (rq->sector - g->begin)) {
		/* dm_integrity_check_limits() */
		out->map_result = -CSUM_EINVAL;
		return out->map_result;
	}
	return bu_split_cut(rq, g->begin, g->piece_max, out);
}

int dmi_ops_split(void *ctx, const struct csum_request *rq, struct csum_split *out)
{
	const struct dmi_geo *g = ctx;
	int r = split_body(g, rq, out);

	csum_split_check(rq->sector, rq->op == CSUM_OP_FLUSH ? 0 : rq->count, out);
	/* cut at piece_max from begin: each piece has one tag sector */
	assert(out->n_pieces == 0 || rq->op == CSUM_OP_FLUSH ||
	       out->piece[0].count <= g->piece_max);
	return r;
}

uint64_t dmi_ops_lock_tag_sector(const void *ctx, const struct csum_piece *p)
{
	const struct dmi_geo *g = ctx;

	if (p->count == 0)
		return 0;
	return dmi_tag_sector(g, p->sector - g->begin);
}
