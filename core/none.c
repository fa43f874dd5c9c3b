/* Baseline "none": a linear map with no checksums, no splitting, no lock.
 * What the disk does with data is all the user gets. */
#include <assert.h>
#include <string.h>

#include "core/variants.h"

struct none_ctx {
	struct csum_table t;
};

struct none_job {
	struct csum_io io;
	bool started;
};

static int none_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
		     const char **why)
{
	struct none_ctx *c = vctx;

	(void)o;
	if (t->len == 0) {
		*why = "the table has no data sectors (len 0)";
		return -1;
	}
	if (t->data_start > UINT64_MAX - t->len) {
		*why = "data offset + len overflows";
		return -1;
	}
	c->t = *t;
	return 0;
}

static uint64_t none_dev_sectors(const void *vctx, unsigned dev)
{
	const struct none_ctx *c = vctx;

	return dev == CSUM_DEV_DATA ? c->t.data_start + c->t.len : 0;
}

static void none_initial_sector(const void *vctx, unsigned dev, uint64_t sector,
				uint8_t out[CSUM_SECTOR])
{
	(void)vctx;
	(void)dev;
	(void)sector;
	memset(out, 0, CSUM_SECTOR);
}

static int split_body(const struct csum_request *rq, struct csum_split *out)
{
	csum_split_reset(out);
	if (rq->op == CSUM_OP_DISCARD)
		return 0; /* completes at once, no I/O */
	if (rq->op > CSUM_OP_DISCARD || (rq->op != CSUM_OP_FLUSH && rq->count == 0) ||
	    out->cap == 0) {
		out->map_result = -CSUM_EINVAL;
		return out->map_result;
	}
	out->piece[0] = (struct csum_piece){ .sector = rq->sector,
					     .count = rq->op == CSUM_OP_FLUSH ? 0 : rq->count };
	out->n_pieces = 1;
	out->expected = 1;
	return 0;
}

static int none_split(void *vctx, const struct csum_request *rq, struct csum_split *out)
{
	int r;

	(void)vctx;
	r = split_body(rq, out);
	csum_split_check(rq->sector, rq->op == CSUM_OP_FLUSH ? 0 : rq->count, out);
	assert(out->n_pieces <= 1); /* a linear map never splits */
	return r;
}

static uint64_t none_lock_key(const void *vctx, const struct csum_piece *p)
{
	(void)vctx;
	(void)p;
	return 0;
}

static uint32_t io_flags(uint32_t rq)
{
	return ((rq & CSUM_RQ_PREFLUSH) ? CSUM_IOF_PREFLUSH : 0u) |
	       ((rq & CSUM_RQ_FUA) ? CSUM_IOF_FUA : 0u) |
	       ((rq & CSUM_RQ_SYNC) ? CSUM_IOF_SYNC : 0u) |
	       ((rq & CSUM_RQ_META) ? CSUM_IOF_META : 0u);
}

static void none_start(void *vctx, void *vjob, const struct csum_request *rq,
		       const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
		       struct csum_step *out)
{
	const struct none_ctx *c = vctx;
	struct none_job *j = vjob;

	/* only split()'s pieces start: empty for a flush, else inside the table */
	assert(rq->op == CSUM_OP_FLUSH ||
	       (p->count >= 1 && p->sector >= c->t.begin && p->sector - c->t.begin < c->t.len &&
		p->count <= c->t.len - (p->sector - c->t.begin)));
	memset(j, 0, sizeof(*j));
	j->started = true;
	if (rq->op == CSUM_OP_FLUSH) {
		j->io = (struct csum_io){ .kind = CSUM_IO_FLUSH, .dev = CSUM_DEV_DATA,
					  .role = CSUM_ROLE_FLUSH };
	} else {
		bool w = rq->op == CSUM_OP_WRITE;

		j->io = (struct csum_io){
			.kind = w ? CSUM_IO_WRITE : CSUM_IO_READ,
			.dev = CSUM_DEV_DATA,
			.role = w ? CSUM_ROLE_DATA_WRITE : CSUM_ROLE_DATA_READ,
			.flags = w ? io_flags(rq->flags) : io_flags(rq->flags) & (CSUM_IOF_SYNC | CSUM_IOF_META),
			.sector = c->t.data_start + (p->sector - c->t.begin),
			.count = p->count,
			.buf = buf,
			.tags = tags,
		};
	}
	out->kind = CSUM_STEP_IO;
	out->n_io = 1;
	out->io[0] = &j->io;
	out->result = 0;
	out->lock_released = false;
	out->why = NULL;
}

static void none_resume(void *vctx, void *vjob, struct csum_step *out)
{
	struct none_job *j = vjob;

	(void)vctx;
	assert(j->started); /* resume follows start's one step */
	out->kind = CSUM_STEP_DONE;
	out->n_io = 0;
	out->result = j->io.error ? -CSUM_EIO : 0;
	out->lock_released = true;
	out->why = j->io.error ? "sub-I/O failed" : NULL;
}

static const uint8_t *none_verdicts(const void *vjob)
{
	(void)vjob;
	return NULL;
}

/* Data at data_start + (s - begin); nothing else is used. */
static void none_sector_info(const void *vctx, unsigned dev, uint64_t sector,
			     struct csum_sector_info *out)
{
	const struct none_ctx *c = vctx;

	memset(out, 0, sizeof(*out));
	out->kind = CSUM_SK_NONE;
	if (dev == CSUM_DEV_DATA && sector >= c->t.data_start && sector - c->t.data_start < c->t.len) {
		out->kind = CSUM_SK_DATA;
		out->first = c->t.begin + (sector - c->t.data_start);
		out->count = 1;
	}
}

static void none_locate(const void *vctx, uint64_t dm_sector, struct csum_location *out)
{
	const struct none_ctx *c = vctx;

	assert(dm_sector >= c->t.begin && dm_sector - c->t.begin < c->t.len);
	memset(out, 0, sizeof(*out));
	out->data_dev = CSUM_DEV_DATA;
	out->data_sector = c->t.data_start + (dm_sector - c->t.begin);
	out->n_meta = 0;
}

const struct csum_variant_ops csum_variant_none = {
	.name = "none",
	.summary = "no checksums: linear map, one I/O per request",
	.ctx_size = sizeof(struct none_ctx),
	.job_size = sizeof(struct none_job),
	.lock_scope = CSUM_LOCK_NONE,
	.n_devs = 1,
	.init = none_init,
	.dev_sectors = none_dev_sectors,
	.initial_sector = none_initial_sector,
	.split = none_split,
	.lock_key = none_lock_key,
	.start = none_start,
	.resume = none_resume,
	.verdicts = none_verdicts,
	.sector_info = none_sector_info,
	.locate = none_locate,
	.recover_start = NULL,
};
