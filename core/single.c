/* Baseline "single": one checksum copy per group of 62 data sectors, right
 * before the group, updated in place with no ordering against the data
 * (dm-integrity without a journal). A crash between the two writes leaves a
 * sector whose data and checksum disagree. Layout: docs/BASELINES.md. */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "core/baseline_util.h"
#include "core/baselines.h"

struct single_ctx {
	struct bu_home h;
};
/* the shared ops in baseline_util.c take the context as its home */
_Static_assert(offsetof(struct single_ctx, h) == 0, "struct bu_home must come first");

enum single_state {
	SG_FLUSH = 1, /* user flush, or a write's PREFLUSH */
	SG_W_READ,    /* checksum sector read for the update */
	SG_W_WRITE,   /* data write + checksum sector write */
	SG_READ,      /* data + checksum sector read */
	SG_DONE,
};

struct single_job {
	uint8_t state;
	uint8_t op;
	uint32_t rq_flags;
	struct csum_piece p;
	uint8_t *buf;
	uint64_t *tags;
	uint64_t g;    /* group of the piece */
	uint32_t idx0; /* its first tuple */
	struct bu_ios ios;
	uint16_t crc[BU_GROUP];
	uint8_t verdict[BU_GROUP];
	uint8_t imd[CSUM_SECTOR];
};

static int single_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
		       const char **why)
{
	struct single_ctx *c = vctx;

	(void)o; /* flush_policy: baselines always forward flushes */
	if (bu_table_check(t, "single keeps its checksums beside the data: placement must be same",
			   why) != 0)
		return -1;
	c->h = (struct bu_home){ .begin = t->begin, .len = t->len, .base = t->data_start };
	return 0;
}


static void single_sector_info(const void *vctx, unsigned dev, uint64_t sector,
			       struct csum_sector_info *out)
{
	const struct single_ctx *c = vctx;

	memset(out, 0, sizeof(*out));
	if (dev == CSUM_DEV_DATA && sector >= c->h.base)
		bu_home_info(&c->h, sector - c->h.base, out);
}

static void single_initial_sector(const void *vctx, unsigned dev, uint64_t sector,
				  uint8_t out[CSUM_SECTOR])
{
	struct csum_sector_info si;

	single_sector_info(vctx, dev, sector, &si);
	memset(out, 0, CSUM_SECTOR);
	if (si.kind == CSUM_SK_IMD)
		bu_imd_format(out, (sector - ((const struct single_ctx *)vctx)->h.base) / BU_STRIDE);
}




static void done(struct single_job *j, struct csum_step *out, int result, const char *why)
{
	j->state = SG_DONE;
	bu_step_done(out, result, why);
}

static void flush_step(struct single_job *j, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
	j->state = SG_FLUSH;
	bu_step_io(&j->ios, out);
}

static void write_read_imd(const struct single_ctx *c, struct single_job *j,
			   struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, 0, bu_imd_sector(&c->h, j->g), 1,
		   j->imd, NULL);
	j->state = SG_W_READ;
	bu_step_io(&j->ios, out);
}

/* Both writes at once, no barrier: which lands first is the disk's choice.
 * A FUA write gets a FUA checksum too, or its promise would cover data that
 * reads back as a mismatch. */
static void write_both(const struct single_ctx *c, struct single_job *j, struct csum_step *out)
{
	uint32_t f = bu_write_flags(j->rq_flags);

	if (bu_ios_failed(&j->ios)) {
		done(j, out, -CSUM_EIO, "checksum read failed");
		return;
	}
	bu_crcs(j->buf, j->p.count, j->crc);
	out->crc_bytes = j->p.count * CSUM_SECTOR;
	bu_imd_update(j->imd, j->g, j->idx0, j->p.count, j->crc);
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE, f & (CSUM_IOF_FUA | CSUM_IOF_SYNC),
		   bu_imd_sector(&c->h, j->g), 1, j->imd, NULL);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE, f,
		   bu_data_sector(&c->h, j->p.sector - c->h.begin), j->p.count, j->buf, j->tags);
	j->state = SG_W_WRITE;
	bu_step_io(&j->ios, out);
}

static void read_both(const struct single_ctx *c, struct single_job *j, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, bu_read_flags(j->rq_flags),
		   bu_data_sector(&c->h, j->p.sector - c->h.begin), j->p.count, j->buf, j->tags);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, 0, bu_imd_sector(&c->h, j->g), 1,
		   j->imd, NULL);
	j->state = SG_READ;
	bu_step_io(&j->ios, out);
}

static void read_judge(struct single_job *j, struct csum_step *out)
{
	bool hdr;
	int r = 0;

	if (bu_ios_failed(&j->ios)) {
		done(j, out, -CSUM_EIO, "sub-I/O failed");
		return;
	}
	hdr = bu_imd_header_ok(j->imd, j->g);
	bu_crcs(j->buf, j->p.count, j->crc);
	for (uint32_t i = 0; i < j->p.count; i++) {
		bool ok = hdr && bu_tuple(j->imd, j->idx0 + i) == j->crc[i];

		j->verdict[i] = ok ? CSUM_V_NEWER : CSUM_V_MISMATCH;
		if (!ok)
			r = -CSUM_EIO;
	}
	out->crc_bytes = j->p.count * CSUM_SECTOR;
	done(j, out, r, hdr ? "CRC error" : "bad checksum sector header");
}

static void single_start(void *vctx, void *vjob, const struct csum_request *rq,
			 const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
			 struct csum_step *out)
{
	const struct single_ctx *c = vctx;
	struct single_job *j = vjob;

	memset(j, 0, sizeof(*j));
	j->op = rq->op;
	j->rq_flags = rq->flags;
	j->p = *p;
	j->buf = buf;
	j->tags = tags;
	if (rq->op == CSUM_OP_FLUSH) {
		flush_step(j, out);
		return;
	}
	if ((rq->op != CSUM_OP_READ && rq->op != CSUM_OP_WRITE) || p->count == 0 ||
	    p->count > BU_GROUP || p->sector < c->h.begin) {
		done(j, out, -CSUM_EINVAL, "not a piece split() makes");
		return;
	}
	j->g = bu_piece_group(&c->h, p);
	j->idx0 = (uint32_t)((p->sector - c->h.begin) % BU_GROUP);
	/* split() cuts at groups: the piece is inside the table and one group */
	assert(p->sector - c->h.begin + p->count <= c->h.len);
	assert(j->idx0 + p->count <= BU_GROUP);
	if (rq->op == CSUM_OP_READ)
		read_both(c, j, out);
	else if ((rq->flags & CSUM_RQ_PREFLUSH) && p->offset == 0)
		flush_step(j, out);
	else
		write_read_imd(c, j, out);
}

static void single_resume(void *vctx, void *vjob, struct csum_step *out)
{
	const struct single_ctx *c = vctx;
	struct single_job *j = vjob;

	switch (j->state) {
	case SG_FLUSH:
		if (j->op == CSUM_OP_WRITE && !bu_ios_failed(&j->ios))
			write_read_imd(c, j, out);
		else
			done(j, out, bu_ios_failed(&j->ios) ? -CSUM_EIO : 0, "flush failed");
		return;
	case SG_W_READ:
		write_both(c, j, out);
		return;
	case SG_W_WRITE:
		done(j, out, bu_ios_failed(&j->ios) ? -CSUM_EIO : 0, "write failed");
		return;
	case SG_READ:
		read_judge(j, out);
		return;
	default:
		done(j, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static const uint8_t *single_verdicts(const void *vjob)
{
	const struct single_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->verdict : NULL;
}

const struct csum_variant_ops csum_variant_single = {
	.name = "single",
	.summary = "baseline: one in-place checksum sector per 62 data sectors, no ordering",
	.ctx_size = sizeof(struct single_ctx),
	.job_size = sizeof(struct single_job),
	.lock_scope = CSUM_LOCK_GROUP,
	.n_devs = 1,
	.init = single_init,
	.dev_sectors = bu_ops_dev_sectors,
	.initial_sector = single_initial_sector,
	.split = bu_ops_split,
	.lock_key = bu_ops_lock_group,
	.start = single_start,
	.resume = single_resume,
	.verdicts = single_verdicts,
	.sector_info = single_sector_info,
	.locate = bu_ops_locate,
	.recover_start = NULL,
};
