/* Variant dmi-direct: dm-integrity in mode D (dm-integrity.rst "D - direct
 * writes (without journal)"): data and tags are written separately, in
 * parallel, so a crash may leave them disagreeing. A flush (empty, or a
 * write's PREFLUSH as dm splits it off) writes the dirty tag buffers and
 * flushes the disk (integrity_commit() for mode != 'J'); a FUA write is
 * followed by that flush (do_endio_flush()). */
#include <assert.h>
#include <string.h>

#include "core/dmi_home.h"
#include "core/dmi_variants.h"

struct direct_ctx {
	struct dmi_geo g;
	struct dmi_tcache tc;
};

enum { DS_PREFLUSH = 1, DS_FLUSH, DS_HOME, DS_DONE };

struct direct_job {
	uint8_t state;
	uint8_t op;
	uint32_t rq_flags;
	struct csum_piece p;
	uint8_t *buf;
	uint64_t *tags;
	struct bu_ios ios;
	struct dmi_home h;
};

static int direct_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
		       const char **why)
{
	struct direct_ctx *c = vctx;

	memset(&c->tc, 0, sizeof(c->tc));
	return dmi_geo_init(&c->g, DMI_MODE_D, t, o, why);
}

static void flush_step(struct direct_job *j, uint8_t state, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
	j->state = state;
	bu_step_io(&j->ios, out);
}

static void home(struct direct_ctx *c, struct direct_job *j, struct csum_step *out)
{
	j->state = DS_HOME;
	dmi_home_start(&c->g, &c->tc, &j->h, j->op,
		       j->op == CSUM_OP_WRITE && (j->rq_flags & CSUM_RQ_FUA), &j->p, j->buf,
		       j->tags, out);
}

static void direct_start(void *vctx, void *vjob, const struct csum_request *rq,
			 const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
			 struct csum_step *out)
{
	struct direct_ctx *c = vctx;
	struct direct_job *j = vjob;

	memset(j, 0, sizeof(*j));
	j->op = rq->op;
	j->rq_flags = rq->flags;
	j->p = *p;
	j->buf = buf;
	j->tags = tags;
	/* split() makes empty pieces for flushes only */
	assert(rq->op == CSUM_OP_FLUSH || (p->count >= 1 && p->count <= c->g.piece_max));
	if (rq->op == CSUM_OP_FLUSH)
		flush_step(j, DS_FLUSH, out);
	else if (rq->op == CSUM_OP_WRITE && (rq->flags & CSUM_RQ_PREFLUSH) && p->offset == 0)
		flush_step(j, DS_PREFLUSH, out);
	else
		home(c, j, out);
}

static void direct_resume(void *vctx, void *vjob, struct csum_step *out)
{
	struct direct_ctx *c = vctx;
	struct direct_job *j = vjob;

	switch (j->state) {
	case DS_PREFLUSH:
		if (bu_ios_failed(&j->ios)) {
			j->state = DS_DONE;
			bu_step_done(out, -CSUM_EIO, "flush failed");
			return;
		}
		home(c, j, out);
		return;
	case DS_FLUSH:
		j->state = DS_DONE;
		bu_step_done(out, bu_ios_failed(&j->ios) ? -CSUM_EIO : 0, "flush failed");
		return;
	case DS_HOME:
		dmi_home_resume(&c->g, &j->h, out);
		return;
	default:
		bu_step_done(out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static const uint8_t *direct_verdicts(const void *vjob)
{
	const struct direct_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->h.verdict : NULL;
}

const struct csum_variant_ops csum_variant_dmi_direct = {
	.name = "dmi-direct",
	.summary = "dm-integrity mode D: data and crc32c tags written separately, no journal",
	.ctx_size = sizeof(struct direct_ctx),
	.job_size = sizeof(struct direct_job),
	.lock_scope = CSUM_LOCK_GROUP,
	.n_devs = 1,
	.init = direct_init,
	.dev_sectors = dmi_ops_dev_sectors,
	.initial_sector = dmi_ops_initial_sector,
	.split = dmi_ops_split,
	.lock_key = dmi_ops_lock_tag_sector,
	.start = direct_start,
	.resume = direct_resume,
	.verdicts = direct_verdicts,
	.sector_info = dmi_ops_sector_info,
	.locate = dmi_ops_locate,
	.recover_start = NULL,
};
