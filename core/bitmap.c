/* Baseline "bitmap": checksums in place like single, plus an on-disk dirty
 * bitmap (one bit per region) made durable before the first write to a clean
 * region; recovery recomputes the checksums of every dirty region from its
 * data (dm-integrity's bitmap mode). The blind spot: whatever the data of a
 * dirty region hold at the crash, rot included, is blessed as good.
 * Layout and rules: docs/BASELINES.md. One piece at a time (global lock), so
 * two writes of one bitmap sector are never in flight together. */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "core/baseline_util.h"
#include "core/baselines.h"

#define BM_DEFAULT_REGION (128u * BU_GROUP) /* 7936 sectors, 3.9 MiB */
#define BM_HDR 8u
#define BM_PER_SECTOR ((CSUM_SECTOR - BM_HDR) * 8u) /* 4032 regions */
#define BM_MAX_REGIONS (1u << 18)
#define BM_MAX_SECTORS ((BM_MAX_REGIONS + BM_PER_SECTOR - 1u) / BM_PER_SECTOR) /* 66 */
#define BM_MAGIC 0x31504d42u /* "BMP1" */

struct bitmap_ctx {
	struct bu_home h;
	uint64_t bbase;      /* backing sector of bitmap sector 0 */
	uint32_t region;     /* dm sectors per region, a multiple of 62 */
	uint32_t n_regions;
	uint32_t n_bsec;     /* bitmap sectors */
	uint8_t ondisk[BM_MAX_REGIONS / 8]; /* the bit as last written */
	uint8_t recent[BM_MAX_REGIONS / 8]; /* a write since the last flush */
	bool clean_first;    /* bitmap-clean-first: the deliberate recovery-order bug */
};
/* the shared ops in baseline_util.c take the context as its home */
_Static_assert(offsetof(struct bitmap_ctx, h) == 0, "struct bu_home must come first");

enum bitmap_state {
	BS_FLUSH = 1,   /* user flush, or a write's PREFLUSH */
	BS_CLEAR,       /* bitmap sectors with quiet regions cleared */
	BS_SET,         /* bitmap sector (FUA) + checksum sector read */
	BS_IMD,         /* checksum sector read */
	BS_WRITE,       /* data + checksum sector */
	BS_READ,
	BS_RC_BITMAP,   /* recovery: whole bitmap read */
	BS_RC_GROUP,    /* recovery: checksum sector + data of one group read */
	BS_RC_IMD,      /* recovery: recomputed checksum sector written */
	BS_RC_FLUSH,
	BS_RC_CLEAN,    /* recovery: every bit cleared */
	BS_RC_EARLY,    /* bitmap-clean-first: every bit cleared before recomputing */
	BS_DONE,
};

struct bitmap_job {
	uint8_t state;
	uint8_t op;
	uint32_t rq_flags;
	struct csum_piece p;
	uint8_t *buf;
	uint64_t *tags;
	uint64_t g;
	uint32_t idx0;
	uint32_t region;   /* of the piece; recovery: cursor */
	uint64_t rc_group; /* recovery cursor */
	bool any_dirty;
	uint32_t bs_pos;   /* next bitmap sector to consider for clearing */
	uint8_t changed[(BM_MAX_SECTORS + 7u) / 8u];
	struct bu_ios ios;
	uint16_t crc[BU_GROUP];
	uint8_t verdict[BU_GROUP];
	uint8_t imd[CSUM_SECTOR];
	uint8_t bbuf[CSUM_STEP_MAX_IO * CSUM_SECTOR];
	uint64_t btags[BM_MAX_SECTORS];
	uint8_t big[BM_MAX_SECTORS * CSUM_SECTOR]; /* whole bitmap, or one group */
};

static bool bit(const uint8_t *a, uint32_t i)
{
	return (a[i / 8u] >> (i % 8u)) & 1u;
}

static void set_bit(uint8_t *a, uint32_t i, bool v)
{
	if (v)
		a[i / 8u] = (uint8_t)(a[i / 8u] | (1u << (i % 8u)));
	else
		a[i / 8u] = (uint8_t)(a[i / 8u] & ~(1u << (i % 8u)));
}

/* Bitmap sector k as the ondisk bits say: u32 magic, u16 seal crc, u16 k,
 * then bit r - 4032k of region r at byte 8 + bit/8, bit bit%8. */
static void bm_build(const struct bitmap_ctx *c, uint32_t k, uint8_t sec[CSUM_SECTOR])
{
	assert(k < c->n_bsec); /* a sector of the bitmap */
	memset(sec, 0, CSUM_SECTOR);
	bu_put_le32(sec, BM_MAGIC);
	bu_put_le16(sec + 6, (uint16_t)k);
	for (uint32_t b = 0; b < BM_PER_SECTOR && k * BM_PER_SECTOR + b < c->n_regions; b++)
		if (bit(c->ondisk, k * BM_PER_SECTOR + b))
			set_bit(sec + BM_HDR, b, true);
	bu_put_le16(sec + 4, bu_seal_crc(sec));
}

static bool bm_ok(const uint8_t *sec, uint32_t k)
{
	return bu_get_le32(sec) == BM_MAGIC && bu_get_le16(sec + 4) == bu_seal_crc(sec) &&
	       bu_get_le16(sec + 6) == (uint16_t)k;
}

static int bitmap_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
		       const char **why)
{
	struct bitmap_ctx *c = vctx;
	uint32_t reg = o->bitmap_region_sectors ? o->bitmap_region_sectors : BM_DEFAULT_REGION;
	uint64_t n;

	if (bu_table_check(t, "bitmap keeps bitmap and checksums on the data device: "
			      "placement must be same", why) != 0)
		return -1;
	if (reg % BU_GROUP != 0) {
		*why = "bitmap_region_sectors must be a multiple of 62 (whole checksum groups)";
		return -1;
	}
	n = t->len / reg + (t->len % reg != 0);
	if (n > BM_MAX_REGIONS) {
		*why = "more than 262144 bitmap regions: raise bitmap_region_sectors";
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->region = reg;
	c->n_regions = (uint32_t)n;
	c->n_bsec = (c->n_regions + BM_PER_SECTOR - 1u) / BM_PER_SECTOR;
	c->bbase = t->data_start;
	c->h = (struct bu_home){ .begin = t->begin, .len = t->len, .base = t->data_start + c->n_bsec };
	/* every region has a bit, every bit a bitmap sector the job can hold */
	assert(c->n_regions >= 1 && (uint64_t)c->n_regions * reg >= t->len);
	assert(c->n_bsec >= 1 && c->n_bsec <= BM_MAX_SECTORS);
	return 0;
}


static void bitmap_sector_info(const void *vctx, unsigned dev, uint64_t sector,
			       struct csum_sector_info *out)
{
	const struct bitmap_ctx *c = vctx;

	memset(out, 0, sizeof(*out));
	if (dev != CSUM_DEV_DATA || sector < c->bbase)
		return;
	if (sector < c->h.base) {
		uint64_t first = (sector - c->bbase) * BM_PER_SECTOR * (uint64_t)c->region;
		uint64_t n = (uint64_t)BM_PER_SECTOR * c->region;

		out->kind = CSUM_SK_BITMAP;
		out->header_bytes = BM_HDR;
		out->first = c->h.begin + first;
		if (n > c->h.len - first)
			n = c->h.len - first;
		out->count = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		return;
	}
	bu_home_info(&c->h, sector - c->h.base, out);
}

static void bitmap_initial_sector(const void *vctx, unsigned dev, uint64_t sector,
				  uint8_t out[CSUM_SECTOR])
{
	const struct bitmap_ctx *c = vctx;
	struct csum_sector_info si;

	memset(out, 0, CSUM_SECTOR);
	bitmap_sector_info(vctx, dev, sector, &si);
	if (si.kind == CSUM_SK_IMD) {
		bu_imd_format(out, (sector - c->h.base) / BU_STRIDE);
	} else if (si.kind == CSUM_SK_BITMAP) {
		/* a fresh device is clean: every bit zero */
		bu_put_le32(out, BM_MAGIC);
		bu_put_le16(out + 6, (uint16_t)(sector - c->bbase));
		bu_put_le16(out + 4, bu_seal_crc(out));
	}
}




static void done(struct bitmap_job *j, struct csum_step *out, int result, const char *why)
{
	j->state = BS_DONE;
	bu_step_done(out, result, why);
}

static void io_step(struct bitmap_job *j, uint8_t state, struct csum_step *out)
{
	j->state = state;
	bu_step_io(&j->ios, out);
}

static void flush_step(struct bitmap_job *j, uint8_t state, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
	io_step(j, state, out);
}

static void add_imd_read(const struct bitmap_ctx *c, struct bitmap_job *j)
{
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, 0, bu_imd_sector(&c->h, j->g), 1,
		   j->imd, NULL);
}

/* ---- writes ------------------------------------------------------------- */

/* A clean region's bit is set and made durable (FUA) before its data are
 * written; the checksum read rides along. */
static void write_begin(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	uint32_t r = j->region;

	assert(r < c->n_regions);
	set_bit(c->recent, r, true);
	bu_ios_reset(&j->ios);
	if (bit(c->ondisk, r)) {
		add_imd_read(c, j);
		io_step(j, BS_IMD, out);
		return;
	}
	set_bit(c->ondisk, r, true);
	bm_build(c, r / BM_PER_SECTOR, j->bbuf);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE, CSUM_IOF_FUA | CSUM_IOF_META,
		   c->bbase + r / BM_PER_SECTOR, 1, j->bbuf, NULL);
	add_imd_read(c, j);
	io_step(j, BS_SET, out);
}

static void write_both(const struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	uint32_t f = bu_write_flags(j->rq_flags);

	bu_crcs(j->buf, j->p.count, j->crc);
	out->crc_bytes += j->p.count * CSUM_SECTOR;
	bu_imd_update(j->imd, j->g, j->idx0, j->p.count, j->crc);
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE, f & (CSUM_IOF_FUA | CSUM_IOF_SYNC),
		   bu_imd_sector(&c->h, j->g), 1, j->imd, NULL);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE, f,
		   bu_data_sector(&c->h, j->p.sector - c->h.begin), j->p.count, j->buf, j->tags);
	io_step(j, BS_WRITE, out);
}

/* ---- flushes: clearing quiet regions ------------------------------------ */

/* After the flush every completed write is durable, so any bit may go; only
 * regions with no write since the previous flush lose theirs, so a hot
 * region does not pay a bitmap write + FUA again at its next write. */
static void clear_quiet(struct bitmap_ctx *c, struct bitmap_job *j)
{
	memset(j->changed, 0, sizeof(j->changed));
	for (uint32_t r = 0; r < c->n_regions; r++) {
		if (bit(c->ondisk, r) && !bit(c->recent, r)) {
			set_bit(c->ondisk, r, false);
			set_bit(j->changed, r / BM_PER_SECTOR, true);
		}
	}
	memset(c->recent, 0, (c->n_regions + 7u) / 8u);
	j->bs_pos = 0;
}

static void after_flush(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out);

/* Plain writes: a clear that does not land only costs a recomputation. */
static void clear_writes(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	for (; j->bs_pos < c->n_bsec && j->ios.n < CSUM_STEP_MAX_IO; j->bs_pos++) {
		uint8_t *sec = j->bbuf + (size_t)j->ios.n * CSUM_SECTOR;

		if (!bit(j->changed, j->bs_pos))
			continue;
		bm_build(c, j->bs_pos, sec);
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE, CSUM_IOF_META,
			   c->bbase + j->bs_pos, 1, sec, NULL);
	}
	if (j->ios.n == 0) {
		after_flush(c, j, out);
		return;
	}
	io_step(j, BS_CLEAR, out);
}

static void after_flush(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	if (j->op == CSUM_OP_WRITE)
		write_begin(c, j, out);
	else
		done(j, out, 0, NULL);
}

/* ---- reads -------------------------------------------------------------- */

static void read_begin(const struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, bu_read_flags(j->rq_flags),
		   bu_data_sector(&c->h, j->p.sector - c->h.begin), j->p.count, j->buf, j->tags);
	add_imd_read(c, j);
	io_step(j, BS_READ, out);
}

static void read_judge(struct bitmap_job *j, struct csum_step *out)
{
	bool hdr = bu_imd_header_ok(j->imd, j->g);
	int r = 0;

	bu_crcs(j->buf, j->p.count, j->crc);
	out->crc_bytes += j->p.count * CSUM_SECTOR;
	for (uint32_t i = 0; i < j->p.count; i++) {
		bool ok = hdr && bu_tuple(j->imd, j->idx0 + i) == j->crc[i];

		j->verdict[i] = ok ? CSUM_V_NEWER : CSUM_V_MISMATCH;
		if (!ok)
			r = -CSUM_EIO;
	}
	done(j, out, r, hdr ? "CRC error" : "bad checksum sector header");
}

static void bitmap_start(void *vctx, void *vjob, const struct csum_request *rq,
			 const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
			 struct csum_step *out)
{
	struct bitmap_ctx *c = vctx;
	struct bitmap_job *j = vjob;

	memset(j, 0, sizeof(*j));
	j->op = rq->op;
	j->rq_flags = rq->flags;
	j->p = *p;
	j->buf = buf;
	j->tags = tags;
	if (rq->op == CSUM_OP_FLUSH) {
		flush_step(j, BS_FLUSH, out);
		return;
	}
	if ((rq->op != CSUM_OP_READ && rq->op != CSUM_OP_WRITE) || p->count == 0 ||
	    p->count > BU_GROUP || p->sector < c->h.begin) {
		done(j, out, -CSUM_EINVAL, "not a piece split() makes");
		return;
	}
	j->g = bu_piece_group(&c->h, p);
	j->idx0 = (uint32_t)((p->sector - c->h.begin) % BU_GROUP);
	j->region = (uint32_t)((p->sector - c->h.begin) / c->region);
	/* a piece is one group, and a region whole groups: one bit covers it */
	assert(p->sector - c->h.begin + p->count <= c->h.len);
	assert(j->idx0 + p->count <= BU_GROUP);
	assert(j->region < c->n_regions &&
	       (p->sector - c->h.begin + p->count - 1u) / c->region == j->region);
	if (rq->op == CSUM_OP_READ)
		read_begin(c, j, out);
	else if ((rq->flags & CSUM_RQ_PREFLUSH) && p->offset == 0)
		flush_step(j, BS_FLUSH, out);
	else
		write_begin(c, j, out);
}

/* ---- recovery ----------------------------------------------------------- */

static void bitmap_recover_start(void *vctx, void *vjob, struct csum_step *out)
{
	struct bitmap_ctx *c = vctx;
	struct bitmap_job *j = vjob;

	memset(j, 0, sizeof(*j));
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, CSUM_IOF_META, c->bbase, c->n_bsec,
		   j->big, NULL);
	io_step(j, BS_RC_BITMAP, out);
}

/* A sector that is not a whole bitmap sector (torn, rotted) proves nothing:
 * all its regions count as dirty. */
static void rc_parse(struct bitmap_ctx *c, struct bitmap_job *j)
{
	for (uint32_t k = 0; k < c->n_bsec; k++) {
		const uint8_t *sec = j->big + (size_t)k * CSUM_SECTOR;
		bool ok = bm_ok(sec, k);

		for (uint32_t b = 0; b < BM_PER_SECTOR && k * BM_PER_SECTOR + b < c->n_regions; b++)
			set_bit(c->ondisk, k * BM_PER_SECTOR + b, !ok || bit(sec + BM_HDR, b));
	}
	memset(c->recent, 0, sizeof(c->recent));
	j->region = 0;
	j->rc_group = 0;
}

/* The next group of a dirty region: checksum sector and data in one read. */
static void rc_next(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	uint64_t gpr = c->region / BU_GROUP, groups = bu_groups(c->h.len);

	while (j->region < c->n_regions &&
	       (!bit(c->ondisk, j->region) || j->rc_group >= (j->region + 1u) * gpr ||
		j->rc_group >= groups)) {
		j->region++;
		j->rc_group = j->region * gpr;
	}
	if (j->region >= c->n_regions) {
		if (c->clean_first) {
			/* the bits went first; the recomputed sums follow unflushed */
			memset(c->ondisk, 0, sizeof(c->ondisk));
			done(j, out, 0, NULL);
			return;
		}
		if (!j->any_dirty) {
			done(j, out, 0, NULL);
			return;
		}
		flush_step(j, BS_RC_FLUSH, out); /* recomputed sums durable before the bits go */
		return;
	}
	assert(j->rc_group < groups && j->rc_group / gpr == j->region);
	j->any_dirty = true;
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0, bu_imd_sector(&c->h, j->rc_group),
		   1u + bu_group_count(&c->h, j->rc_group), j->big, j->btags);
	io_step(j, BS_RC_GROUP, out);
}

static void rc_recompute(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	uint32_t n = bu_group_count(&c->h, j->rc_group);

	/* whatever the data hold now becomes "good": the blind spot */
	bu_crcs(j->big + CSUM_SECTOR, n, j->crc);
	out->crc_bytes += n * CSUM_SECTOR;
	bu_imd_format(j->imd, j->rc_group);
	for (uint32_t i = 0; i < n; i++)
		bu_set_tuple(j->imd, i, j->crc[i]);
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE, 0, bu_imd_sector(&c->h, j->rc_group),
		   1, j->imd, NULL);
	io_step(j, BS_RC_IMD, out);
}

static void rc_clean(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	memset(c->ondisk, 0, sizeof(c->ondisk));
	for (uint32_t k = 0; k < c->n_bsec; k++)
		bm_build(c, k, j->big + (size_t)k * CSUM_SECTOR);
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE, CSUM_IOF_FUA | CSUM_IOF_META,
		   c->bbase, c->n_bsec, j->big, NULL);
	io_step(j, BS_RC_CLEAN, out);
}

/* bitmap-clean-first: every bit cleared on disk (FUA) before any dirty
 * region is recomputed; c->ondisk keeps the dirty set to walk. A crash
 * before the recomputed sums are durable leaves them stale under clean
 * bits, and the next mount recomputes nothing. */
static void rc_clean_early(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	uint8_t keep[sizeof(c->ondisk)];

	memcpy(keep, c->ondisk, sizeof(keep));
	memset(c->ondisk, 0, sizeof(c->ondisk));
	for (uint32_t k = 0; k < c->n_bsec; k++)
		bm_build(c, k, j->big + (size_t)k * CSUM_SECTOR);
	memcpy(c->ondisk, keep, sizeof(keep));
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE, CSUM_IOF_FUA | CSUM_IOF_META,
		   c->bbase, c->n_bsec, j->big, NULL);
	io_step(j, BS_RC_EARLY, out);
}

static void bitmap_resume(void *vctx, void *vjob, struct csum_step *out)
{
	struct bitmap_ctx *c = vctx;
	struct bitmap_job *j = vjob;
	bool failed = bu_ios_failed(&j->ios);

	switch (j->state) {
	case BS_FLUSH:
		if (failed) {
			done(j, out, -CSUM_EIO, "flush failed");
			return;
		}
		if (j->op == CSUM_OP_WRITE)
			set_bit(c->recent, j->region, true); /* not worth clearing: written next */
		clear_quiet(c, j);
		clear_writes(c, j, out);
		return;
	case BS_CLEAR:
		clear_writes(c, j, out);
		return;
	case BS_SET:
		if (failed) {
			/* the bit may not be on disk: the data must not go */
			set_bit(c->ondisk, j->region, false);
			done(j, out, -CSUM_EIO, "bitmap write failed");
			return;
		}
		write_both(c, j, out);
		return;
	case BS_IMD:
		if (failed) {
			done(j, out, -CSUM_EIO, "checksum read failed");
			return;
		}
		write_both(c, j, out);
		return;
	case BS_WRITE:
		done(j, out, failed ? -CSUM_EIO : 0, "write failed");
		return;
	case BS_READ:
		if (failed) {
			done(j, out, -CSUM_EIO, "sub-I/O failed");
			return;
		}
		read_judge(j, out);
		return;
	case BS_RC_BITMAP:
		if (failed) {
			done(j, out, -CSUM_EIO, "bitmap unreadable");
			return;
		}
		rc_parse(c, j);
		if (c->clean_first) {
			rc_clean_early(c, j, out);
			return;
		}
		rc_next(c, j, out);
		return;
	case BS_RC_EARLY:
		if (failed) {
			done(j, out, -CSUM_EIO, "bitmap write failed");
			return;
		}
		rc_next(c, j, out);
		return;
	case BS_RC_GROUP:
		if (failed) {
			done(j, out, -CSUM_EIO, "recompute: group read failed");
			return;
		}
		rc_recompute(c, j, out);
		return;
	case BS_RC_IMD:
		if (failed) {
			done(j, out, -CSUM_EIO, "recompute: checksum write failed");
			return;
		}
		j->rc_group++;
		rc_next(c, j, out);
		return;
	case BS_RC_FLUSH:
		if (failed) {
			done(j, out, -CSUM_EIO, "recompute: flush failed");
			return;
		}
		rc_clean(c, j, out);
		return;
	case BS_RC_CLEAN:
		done(j, out, failed ? -CSUM_EIO : 0, "bitmap write failed");
		return;
	default:
		done(j, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static const uint8_t *bitmap_verdicts(const void *vjob)
{
	const struct bitmap_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->verdict : NULL;
}

const struct csum_variant_ops csum_variant_bitmap = {
	.name = "bitmap",
	.summary = "baseline: in-place checksums, dirty-region bitmap, dirty regions recomputed at recovery",
	.ctx_size = sizeof(struct bitmap_ctx),
	.job_size = sizeof(struct bitmap_job),
	.lock_scope = CSUM_LOCK_GLOBAL,
	.n_devs = 1,
	.init = bitmap_init,
	.dev_sectors = bu_ops_dev_sectors,
	.initial_sector = bitmap_initial_sector,
	.split = bu_ops_split,
	.lock_key = bu_ops_lock_one,
	.start = bitmap_start,
	.resume = bitmap_resume,
	.verdicts = bitmap_verdicts,
	.sector_info = bitmap_sector_info,
	.locate = bu_ops_locate,
	.recover_start = bitmap_recover_start,
};

static int bitmap_clean_first_init(void *vctx, const struct csum_table *t,
				   const struct csum_options *o, const char **why)
{
	struct bitmap_ctx *c = vctx;

	if (bitmap_init(vctx, t, o, why) != 0)
		return -1;
	c->clean_first = true;
	return 0;
}

/* Deliberately broken (docs/BASELINES.md): what crash.recovery must catch. */
const struct csum_variant_ops csum_variant_bitmap_clean_first = {
	.name = "bitmap-clean-first",
	.summary = "deliberately broken bitmap: recovery clears the bitmap before recomputing, "
		   "so a crash during recovery leaves stale checksums (tests crash.recovery)",
	.ctx_size = sizeof(struct bitmap_ctx),
	.job_size = sizeof(struct bitmap_job),
	.lock_scope = CSUM_LOCK_GLOBAL,
	.n_devs = 1,
	.init = bitmap_clean_first_init,
	.dev_sectors = bu_ops_dev_sectors,
	.initial_sector = bitmap_initial_sector,
	.split = bu_ops_split,
	.lock_key = bu_ops_lock_one,
	.start = bitmap_start,
	.resume = bitmap_resume,
	.verdicts = bitmap_verdicts,
	.sector_info = bitmap_sector_info,
	.locate = bu_ops_locate,
	.recover_start = bitmap_recover_start,
};
