/* Variant dmi-bitmap: dm-integrity in mode B (dm-integrity.rst "B - bitmap
 * mode"; the bitmap-mode commit 468dfca38b). Data and tags are written as in
 * mode D, but first the region's bit is set in the on-disk bitmap (kept in
 * the journal area) and that bitmap block written with FUA
 * (bitmap_block_work()). bitmap_flush_interval after a region got dirty,
 * bitmap_flush_work() flushes the disk and clears every bit. When the device
 * is set up after a crash, every region whose bit is set gets its tags
 * recalculated from the data found on disk (dm_integrity_resume() with
 * SB_FLAG_DIRTY_BITMAP, then integrity_recalc()): a torn or lost write there
 * is no longer detected.
 *
 * Time: the flush work is due bitmap_flush_interval after it was queued; the
 * model runs it at the start of the first piece at or after that time (the
 * core has no timers). Pieces lock one tag sector each; the kernel's flush
 * work waits for every write in flight (a range lock over the device), the
 * model's instead keeps the bits of regions written while it runs or still
 * in flight, so they stay dirty until the next flush work. */
#include <assert.h>
#include <string.h>

#include "core/dmi_home.h"
#include "core/dmi_variants.h"

#define BM_BYTES (DMI_MAX_BITMAP_BLOCKS * 4096u)

struct bitmap_ctx {
	struct dmi_geo g;
	struct dmi_tcache tc;
	bool flush_queued;  /* bitmap_flush_work is pending */
	uint64_t flush_due; /* ns */
	uint8_t disk_bm[BM_BYTES];   /* ic->journal: the bits as last written */
	uint8_t may_write[BM_BYTES]; /* may_write_bitmap */
	uint8_t touched[BM_BYTES];   /* written since the last flush work began */
	uint16_t inflight[DMI_MAX_BITS]; /* write pieces in flight per bit */
};

enum bitmap_state {
	BS_FW_FLUSH = 1, /* flush work: dm_integrity_flush_buffers() */
	BS_FW_WRITE,     /* flush work: cleared bitmap written */
	BS_BM_WRITE,     /* bitmap_block_work(): dirty bits written */
	BS_PREFLUSH,
	BS_FLUSH,
	BS_HOME,
	BS_RC_SB,        /* recovery: superblock read */
	BS_RC_BM,        /* recovery: bitmap read */
	BS_RC_SB_MARK,   /* recovery: SB_FLAG_RECALCULATING written */
	BS_RC_RECALC,    /* recovery: one run recalculated */
	BS_RC_FLUSH,
	BS_RC_BM_CLEAR,
	BS_RC_SB_DONE,
	BS_DONE,
};

struct bitmap_job {
	uint8_t state;
	uint8_t op;
	uint32_t rq_flags;
	uint64_t now;
	struct csum_piece p;
	uint8_t *buf;
	uint64_t *tags;
	struct bu_ios ios;
	struct dmi_home h;
	bool counted;    /* this write piece is in inflight[] */
	uint64_t cursor; /* recovery: next rel sector to look at */
	uint64_t rtags[DMI_TAGS_PER_SECTOR];
	uint8_t rbuf[DMI_TAGS_PER_SECTOR * CSUM_SECTOR];
	uint8_t sb[DMI_SB_SECTORS * CSUM_SECTOR];
};

static void bm_reset(struct bitmap_ctx *c);

static int bitmap_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
		       const char **why)
{
	struct bitmap_ctx *c = vctx;

	memset(c, 0, sizeof(*c));
	if (dmi_geo_init(&c->g, DMI_MODE_B, t, o, why) != 0)
		return -1;
	bm_reset(c);
	return 0;
}

/* ic->journal as bitmap mode keeps it: the journal pattern the format and
 * every clean shutdown wrote (init_journal() with seq 0), every bit clear. */
static void bm_reset(struct bitmap_ctx *c)
{
	for (uint32_t k = 0; k < c->g.bitmap_blocks * DMI_BITMAP_BLOCK_SECTORS; k++)
		dmi_journal_init_sector(k, 0, c->disk_bm + (size_t)k * CSUM_SECTOR);
	for (uint64_t b = 0; b < c->g.bitmap_bits; b++)
		c->disk_bm[b / 8u] = (uint8_t)(c->disk_bm[b / 8u] & ~(1u << (b % 8u)));
}

static bool all_clear(const struct bitmap_ctx *c)
{
	for (uint64_t b = 0; b < c->g.bitmap_bits; b++)
		if (dmi_bit_test(c->disk_bm, b))
			return false;
	return true;
}

/* A write piece leaves inflight[] when it ends, however it ends. */
static void uncount(struct bitmap_ctx *c, struct bitmap_job *j)
{
	uint64_t rel = j->p.sector - c->g.begin;

	if (!j->counted)
		return;
	j->counted = false;
	for (uint64_t b = dmi_bit_of(&c->g, rel); b <= dmi_bit_of(&c->g, rel + j->p.count - 1u); b++) {
		assert(c->inflight[b] > 0); /* counted once in write_begin(), so uncounted once */
		c->inflight[b]--;
	}
}

static void done_c(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out, int result,
		   const char *why)
{
	uncount(c, j);
	j->state = BS_DONE;
	bu_step_done(out, result, why);
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

/* Bitmap blocks [b0, b1] written from disk_bm, FUA (rw_journal_sectors()
 * with REQ_FUA | REQ_SYNC). */
static void add_bm_write(struct bitmap_ctx *c, struct bitmap_job *j, uint32_t b0, uint32_t b1)
{
	assert(b0 <= b1 && b1 < c->g.bitmap_blocks); /* blocks of the bitmap, in the journal area */
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_BITMAP_WRITE,
		   CSUM_IOF_FUA | CSUM_IOF_SYNC | CSUM_IOF_META,
		   c->g.start + DMI_SB_SECTORS + (uint64_t)b0 * DMI_BITMAP_BLOCK_SECTORS,
		   (b1 - b0 + 1u) * DMI_BITMAP_BLOCK_SECTORS, c->disk_bm + (size_t)b0 * 4096u, NULL);
}

static void home(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	bool fua = j->op == CSUM_OP_WRITE && (j->rq_flags & CSUM_RQ_FUA);

	j->state = BS_HOME;
	/* a discard in mode B flushes its filler tags before the discard goes
	 * down (dm_integrity_map_continue(): dm_integrity_flush_buffers()) */
	dmi_home_start(&c->g, &c->tc, &j->h, j->op, fua || j->op == CSUM_OP_DISCARD, &j->p, j->buf,
		       j->tags, out);
	if (out->kind == CSUM_STEP_DONE)
		uncount(c, j);
}

/* dm_integrity_map_continue(): a write whose bits are not all set in
 * may_write_bitmap waits for bitmap_block_work() to set and write them. */
static void write_begin(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	uint64_t rel = j->p.sector - c->g.begin;
	uint64_t b0 = dmi_bit_of(&c->g, rel), b1 = dmi_bit_of(&c->g, rel + j->p.count - 1u);
	bool all = true;

	assert(!j->counted && j->p.count >= 1 && b0 <= b1);
	for (uint64_t b = b0; b <= b1; b++) {
		all = all && dmi_bit_test(c->may_write, b);
		dmi_bit_set(c->touched, b);
		c->inflight[b]++;
	}
	j->counted = true;
	if (all) {
		home(c, j, out);
		return;
	}
	for (uint64_t b = b0; b <= b1; b++)
		dmi_bit_set(c->disk_bm, b);
	bu_ios_reset(&j->ios);
	add_bm_write(c, j, (uint32_t)(b0 / 32768u), (uint32_t)(b1 / 32768u));
	io_step(j, BS_BM_WRITE, out);
}

static void after_timer(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	if (j->op == CSUM_OP_FLUSH)
		flush_step(j, BS_FLUSH, out); /* integrity_commit(): flush buffers */
	else if (j->op == CSUM_OP_WRITE && (j->rq_flags & CSUM_RQ_PREFLUSH) && j->p.offset == 0)
		flush_step(j, BS_PREFLUSH, out);
	else if (j->op == CSUM_OP_READ)
		home(c, j, out);
	else
		write_begin(c, j, out);
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
	j->now = rq->now_ns;
	j->p = *p;
	j->buf = buf;
	j->tags = tags;
	if (c->flush_queued && j->now >= c->flush_due) {
		/* bitmap_flush_work() fell due: flush, then clear every bit */
		c->flush_queued = false;
		memset(c->touched, 0, sizeof(c->touched));
		flush_step(j, BS_FW_FLUSH, out);
		return;
	}
	after_timer(c, j, out);
}

/* ---- recovery: dm_integrity_resume() and integrity_recalc() ------------ */

static void bitmap_recover_start(void *vctx, void *vjob, struct csum_step *out)
{
	struct bitmap_ctx *c = vctx;
	struct bitmap_job *j = vjob;

	memset(j, 0, sizeof(*j));
	c->flush_queued = false;
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, CSUM_IOF_META, c->g.start,
		   DMI_SB_SECTORS, j->sb, NULL);
	io_step(j, BS_RC_SB, out);
}

static void sb_write(struct bitmap_ctx *c, struct bitmap_job *j, uint32_t flags,
		     uint64_t recalc, uint8_t state, struct csum_step *out)
{
	memset(j->sb, 0, sizeof(j->sb));
	dmi_sb_format(&c->g, j->sb, flags, recalc);
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_JOURNAL_WRITE, CSUM_IOF_FUA | CSUM_IOF_META,
		   c->g.start, DMI_SB_SECTORS, j->sb, NULL);
	io_step(j, state, out);
}

/* The next run of dirty sectors (at most one piece), recalculated. */
static void rc_next(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	const struct dmi_geo *g = &c->g;

	while (j->cursor < g->provided && !dmi_bit_test(c->may_write, dmi_bit_of(g, j->cursor)))
		j->cursor = (dmi_bit_of(g, j->cursor) + 1u) << g->log2_sector_per_bit;
	if (j->cursor >= g->provided) {
		flush_step(j, BS_RC_FLUSH, out);
		return;
	}
	j->p.sector = g->begin + j->cursor;
	j->p.count = g->piece_max - (uint32_t)(j->cursor % g->piece_max);
	if (j->p.count > g->provided - j->cursor)
		j->p.count = (uint32_t)(g->provided - j->cursor);
	/* one piece: up to the next piece_max boundary, inside the device */
	assert(j->p.count >= 1 && j->p.count <= g->piece_max);
	j->cursor += j->p.count;
	assert(j->cursor <= g->provided);
	j->state = BS_RC_RECALC;
	dmi_home_start(g, &c->tc, &j->h, DMI_HOME_RECALC, false, &j->p, j->rbuf, j->rtags, out);
}

static void recover_resume(struct bitmap_ctx *c, struct bitmap_job *j, struct csum_step *out)
{
	bool failed = bu_ios_failed(&j->ios);
	bool any = false;

	switch (j->state) {
	case BS_RC_SB:
		if (failed || !dmi_sb_ok(&c->g, j->sb)) {
			done(j, out, -CSUM_EIO, "superblock unreadable");
			return;
		}
		if (!(dmi_sb_flags(j->sb) & DMI_SB_FLAG_DIRTY_BITMAP)) {
			/* a clean shutdown: nothing dirty; mark the bitmap live again */
			bm_reset(c);
			memset(c->may_write, 0, sizeof(c->may_write));
			sb_write(c, j, DMI_SB_FLAG_DIRTY_BITMAP, 0, BS_RC_SB_DONE, out);
			return;
		}
		bu_ios_reset(&j->ios);
		bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, CSUM_IOF_META,
			   c->g.start + DMI_SB_SECTORS, c->g.bitmap_blocks * DMI_BITMAP_BLOCK_SECTORS,
			   c->disk_bm, NULL);
		io_step(j, BS_RC_BM, out);
		return;
	case BS_RC_BM:
		if (failed) {
			done(j, out, -CSUM_EIO, "bitmap unreadable");
			return;
		}
		/* block_bitmap_copy() into recalc_bitmap and may_write_bitmap */
		memcpy(c->may_write, c->disk_bm, sizeof(c->may_write));
		for (uint64_t b = 0; b < c->g.bitmap_bits; b++)
			any = any || dmi_bit_test(c->disk_bm, b);
		if (!any) {
			sb_write(c, j, DMI_SB_FLAG_DIRTY_BITMAP, 0, BS_RC_SB_DONE, out);
			return;
		}
		sb_write(c, j, DMI_SB_FLAG_DIRTY_BITMAP | DMI_SB_FLAG_RECALCULATING, 0,
			 BS_RC_SB_MARK, out);
		return;
	case BS_RC_SB_MARK:
		if (failed) {
			done(j, out, -CSUM_EIO, "superblock write failed");
			return;
		}
		j->cursor = 0;
		rc_next(c, j, out);
		return;
	case BS_RC_RECALC:
		dmi_home_resume(&c->g, &j->h, out);
		if (out->kind != CSUM_STEP_DONE)
			return;
		if (out->result != 0) {
			j->state = BS_DONE;
			return; /* the recalculation stops on an error */
		}
		{
			uint32_t crc = out->crc_bytes;

			memset(out, 0, sizeof(*out));
			out->crc_bytes = crc;
		}
		rc_next(c, j, out);
		return;
	case BS_RC_FLUSH:
		if (failed) {
			done(j, out, -CSUM_EIO, "flush failed");
			return;
		}
		/* recalculated: bitmap_flush_work() clears every bit on disk */
		for (uint64_t b = 0; b < c->g.bitmap_bits; b++)
			c->disk_bm[b / 8u] = (uint8_t)(c->disk_bm[b / 8u] & ~(1u << (b % 8u)));
		memset(c->may_write, 0, sizeof(c->may_write));
		bu_ios_reset(&j->ios);
		add_bm_write(c, j, 0, c->g.bitmap_blocks - 1u);
		io_step(j, BS_RC_BM_CLEAR, out);
		return;
	case BS_RC_BM_CLEAR:
		if (failed) {
			done(j, out, -CSUM_EIO, "bitmap write failed");
			return;
		}
		/* recalc_write_super(): recalc_sector = provided_data_sectors */
		sb_write(c, j, DMI_SB_FLAG_DIRTY_BITMAP | DMI_SB_FLAG_RECALCULATING, c->g.provided,
			 BS_RC_SB_DONE, out);
		return;
	case BS_RC_SB_DONE:
		done(j, out, failed ? -CSUM_EIO : 0, "superblock write failed");
		return;
	default:
		done(j, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static void bitmap_resume(void *vctx, void *vjob, struct csum_step *out)
{
	struct bitmap_ctx *c = vctx;
	struct bitmap_job *j = vjob;
	bool failed = bu_ios_failed(&j->ios);

	if (j->state >= BS_RC_SB && j->state <= BS_RC_SB_DONE) {
		recover_resume(c, j, out);
		return;
	}
	switch (j->state) {
	case BS_FW_FLUSH:
		if (failed) {
			done(j, out, -CSUM_EIO, "bitmap flush: flush failed");
			return;
		}
		for (uint64_t b = 0; b < c->g.bitmap_bits; b++) {
			if (c->inflight[b] || dmi_bit_test(c->touched, b))
				continue; /* maybe not covered by the flush: stays dirty */
			c->disk_bm[b / 8u] = (uint8_t)(c->disk_bm[b / 8u] & ~(1u << (b % 8u)));
			c->may_write[b / 8u] = (uint8_t)(c->may_write[b / 8u] & ~(1u << (b % 8u)));
		}
		if (c->flush_queued == false && !all_clear(c)) {
			/* what stays dirty is cleared by the next flush work */
			c->flush_queued = true;
			c->flush_due = j->now + (uint64_t)c->g.bitmap_flush_ms * 1000000u;
		}
		bu_ios_reset(&j->ios);
		add_bm_write(c, j, 0, c->g.bitmap_blocks - 1u);
		io_step(j, BS_FW_WRITE, out);
		return;
	case BS_FW_WRITE:
		if (failed) {
			done(j, out, -CSUM_EIO, "bitmap flush: write failed");
			return;
		}
		after_timer(c, j, out);
		return;
	case BS_BM_WRITE: {
		uint64_t rel = j->p.sector - c->g.begin;

		if (failed) {
			done_c(c, j, out, -CSUM_EIO, "bitmap write failed");
			return;
		}
		for (uint64_t b = dmi_bit_of(&c->g, rel); b <= dmi_bit_of(&c->g, rel + j->p.count - 1u);
		     b++)
			dmi_bit_set(c->may_write, b);
		/* queue_delayed_work(bitmap_flush_work, interval): no-op if queued */
		if (!c->flush_queued) {
			c->flush_queued = true;
			c->flush_due = j->now + (uint64_t)c->g.bitmap_flush_ms * 1000000u;
		}
		home(c, j, out);
		return;
	}
	case BS_PREFLUSH:
		if (failed) {
			done(j, out, -CSUM_EIO, "flush failed");
			return;
		}
		write_begin(c, j, out);
		return;
	case BS_FLUSH:
		done(j, out, failed ? -CSUM_EIO : 0, "flush failed");
		return;
	case BS_HOME:
		dmi_home_resume(&c->g, &j->h, out);
		if (out->kind == CSUM_STEP_DONE)
			uncount(c, j);
		return;
	default:
		done(j, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static const uint8_t *bitmap_verdicts(const void *vjob)
{
	const struct bitmap_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->h.verdict : NULL;
}

const struct csum_variant_ops csum_variant_dmi_bitmap = {
	.name = "dmi-bitmap",
	.summary = "dm-integrity mode B: dirty-region bitmap, tags recalculated there after a crash",
	.ctx_size = sizeof(struct bitmap_ctx),
	.job_size = sizeof(struct bitmap_job),
	.lock_scope = CSUM_LOCK_GROUP,
	.n_devs = 1,
	.init = bitmap_init,
	.dev_sectors = dmi_ops_dev_sectors,
	.initial_sector = dmi_ops_initial_sector,
	.split = dmi_ops_split,
	.lock_key = dmi_ops_lock_tag_sector,
	.start = bitmap_start,
	.resume = bitmap_resume,
	.verdicts = bitmap_verdicts,
	.sector_info = dmi_ops_sector_info,
	.locate = dmi_ops_locate,
	.recover_start = bitmap_recover_start,
};
