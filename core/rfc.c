/* Variant "rfc": dm-csum exactly as the RFC v2 patch wrote it, quirks and
 * defects included (docs/PROTOCOL.md lists them). The RFC function each step
 * reproduces is named in its comment. */
#include <string.h>

#include "core/crc_ccitt.h"
#include "core/geometry.h"
#include "core/imd.h"
#include "core/points.h"
#include "core/split.h"
#include "core/variants.h"

#define RFC_PAGE 4096u /* prepare_imd_read(): alloc_page() for a 1024-byte read */
#define RFC_MAX_PIECE GEO_SECTORS_PER_IMD

struct rfc_ctx {
	struct csum_table t;
	struct csum_options o;
};

enum rfc_state {
	RFC_S_FLUSH = 1,       /* flush_policy FORWARD: user flush */
	RFC_S_W_PREFLUSH,      /* FORWARD: a write's PREFLUSH, before the write */
	RFC_S_W_IMD_READ,      /* write_nice_bio(): M1+M2 read in flight */
	RFC_S_W_COMMIT,        /* write_stage1(): imd write + data write in flight */
	RFC_S_READ,            /* read_nice_bio(): data + M1/M2 read in flight */
	RFC_S_DONE,
};

struct rfc_job {
	uint8_t state;
	uint8_t op;
	uint32_t rq_flags;
	struct csum_piece p;
	uint8_t *buf;
	uint64_t *tags;
	uint64_t imd_sector; /* M1 as get_imd_sector() returned it */
	unsigned n_io;
	struct csum_io io[CSUM_MAX_DEVS];
	uint8_t verdict[RFC_MAX_PIECE];
	uint8_t page[RFC_PAGE]; /* M1 at 0, M2 at 512, the rest never read */
};

static int rfc_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
		    const char **why)
{
	struct rfc_ctx *c = vctx;

	if (geo_check(t, why) != 0)
		return -1;
	if (o->flush_policy != CSUM_FLUSH_DROP && o->flush_policy != CSUM_FLUSH_FORWARD) {
		*why = "flush_policy must be drop or forward";
		return -1;
	}
	c->t = *t;
	c->o = *o;
	return 0;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a > b ? a : b;

	return m > c ? m : c;
}

/* Large enough for dm_get_device() to accept the table and for every sector
 * the mappings reach (they reach past the validated area). */
static uint64_t rfc_dev_sectors(const void *vctx, unsigned dev)
{
	const struct rfc_ctx *c = vctx;
	struct geo_extents e;

	geo_extents(&c->t, &e);
	if (c->t.placement == CSUM_PLACE_SAME)
		return dev == CSUM_DEV_DATA ? max3(e.data_valid_hi, e.data_used_hi, e.imd_used_hi)
					    : 0;
	if (dev == CSUM_DEV_DATA)
		return max3(e.data_valid_hi, e.data_used_hi, 0);
	return max3(e.imd_valid_hi, e.imd_used_hi, 0);
}

/* The formatted image sits where get_imd_sector_*() will look, not where the
 * validated area would suggest; an imd location that is also a data location
 * gets the imd image. */
static void rfc_initial_sector(const void *vctx, unsigned dev, uint64_t sector,
			       uint8_t out[CSUM_SECTOR])
{
	const struct rfc_ctx *c = vctx;
	uint64_t first = geo_group_imd(&c->t, 0);
	uint64_t stride = c->t.placement == CSUM_PLACE_SAME ? GEO_SECTORS_PER_IMD + 2u : 2u;

	memset(out, 0, CSUM_SECTOR);
	if (dev != geo_imd_dev(&c->t) || sector < first)
		return;
	if ((sector - first) % stride >= 2 || (sector - first) / stride >= geo_groups(c->t.len))
		return;
	imd_format(out, (sector - first) % stride == 0 ? 0 : 1);
}

static int rfc_split(void *vctx, const struct csum_request *rq, struct csum_split *out)
{
	struct rfc_ctx *c = vctx;

	csum_split_reset(out);
	switch (rq->op) {
	case CSUM_OP_FLUSH:
		/* num_flush_requests is 0: dm completes the flush itself */
		if (c->o.flush_policy == CSUM_FLUSH_FORWARD && out->cap >= 1) {
			out->piece[0] = (struct csum_piece){ .sector = rq->sector };
			out->n_pieces = 1;
			out->expected = 1;
		}
		return out->map_result;
	case CSUM_OP_DISCARD:
		/* 2.6.30 dm never advertises discard */
		out->map_result = -CSUM_EOPNOTSUPP;
		return out->map_result;
	case CSUM_OP_READ:
	case CSUM_OP_WRITE:
		split_rfc(&c->t, rq->sector, rq->count, out);
		return out->map_result;
	default:
		out->map_result = -CSUM_EINVAL;
		return out->map_result;
	}
}

static uint64_t rfc_lock_key(const void *vctx, const struct csum_piece *p)
{
	const struct rfc_ctx *c = vctx;

	return (p->sector - c->t.begin) / GEO_SECTORS_PER_IMD;
}

static void step_done(struct rfc_job *j, struct csum_step *out, int result, bool released,
		      const char *why)
{
	j->state = RFC_S_DONE;
	out->kind = CSUM_STEP_DONE;
	out->n_io = 0;
	out->result = result;
	out->lock_released = released;
	out->why = why;
}

static struct csum_io *add_io(struct rfc_job *j, uint8_t kind, unsigned dev, uint8_t role,
			      uint32_t flags, uint64_t sector, uint32_t count, uint8_t *buf,
			      uint64_t *tags)
{
	struct csum_io *io = &j->io[j->n_io++];

	*io = (struct csum_io){ .kind = kind, .dev = (uint8_t)dev, .role = role, .flags = flags,
				.sector = sector, .count = count, .buf = buf, .tags = tags };
	return io;
}

static void step_io(struct rfc_job *j, struct csum_step *out)
{
	out->kind = CSUM_STEP_IO;
	out->n_io = j->n_io;
	for (unsigned i = 0; i < j->n_io; i++)
		out->io[i] = &j->io[i];
	out->result = 0;
	out->lock_released = false;
	out->why = NULL;
}

static bool any_error(const struct rfc_job *j)
{
	for (unsigned i = 0; i < j->n_io; i++)
		if (j->io[i].error != 0)
			return true;
	return false;
}

/* bio_clone() copies bi_rw: these request flags survive onto the clone. */
static uint32_t clone_flags(uint32_t rq_flags)
{
	return ((rq_flags & CSUM_RQ_FUA) ? CSUM_IOF_FUA : 0u) |
	       ((rq_flags & CSUM_RQ_SYNC) ? CSUM_IOF_SYNC : 0u) |
	       ((rq_flags & CSUM_RQ_META) ? CSUM_IOF_META : 0u);
}

static void flush_all(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	j->n_io = 0;
	add_io(j, CSUM_IO_FLUSH, CSUM_DEV_DATA, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
	if (c->t.placement == CSUM_PLACE_SEPARATE)
		add_io(j, CSUM_IO_FLUSH, CSUM_DEV_IMD, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
	step_io(j, out);
}

/* prepare_imd_read(): both allocations; the read itself is added by callers. */
static bool imd_read_allocs(void)
{
	return !fiu_fail(P_IMD_READ_PAGE) && !fiu_fail(P_IMD_READ_BIO);
}

static void add_imd_read(const struct rfc_ctx *c, struct rfc_job *j)
{
	j->imd_sector = geo_imd_sector(&c->t, j->p.sector);
	add_io(j, CSUM_IO_READ, geo_imd_dev(&c->t), CSUM_ROLE_IMD_READ, 0, j->imd_sector, 2,
	       j->page, NULL);
}

/* write_nice_bio(): kmalloc the pending_write, read M1 and M2. An error here
 * ends the bio but nothing up()s the semaphore. */
static void write_begin(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	if (fiu_fail(P_WRITE_NICE_KMALLOC)) {
		step_done(j, out, -CSUM_ENOMEM, false, "write_nice_bio: kmalloc failed");
		return;
	}
	if (!imd_read_allocs()) {
		step_done(j, out, -CSUM_ENOMEM, false, "prepare_imd_read failed");
		return;
	}
	j->n_io = 0;
	add_imd_read(c, j);
	j->state = RFC_S_W_IMD_READ;
	step_io(j, out);
}

/* read_nice_bio(): data read (a clone of the piece) and M1+M2 read. */
static void read_begin(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	if (fiu_fail(P_READ_NICE_KMALLOC) || fiu_fail(P_DATA_READ_CLONE) || !imd_read_allocs()) {
		step_done(j, out, -CSUM_ENOMEM, false, "read_nice_bio: allocation failed");
		return;
	}
	j->n_io = 0;
	add_io(j, CSUM_IO_READ, CSUM_DEV_DATA, CSUM_ROLE_DATA_READ, clone_flags(j->rq_flags) & ~CSUM_IOF_FUA,
	       geo_map_data(&c->t, j->p.sector), j->p.count, j->buf, j->tags);
	add_imd_read(c, j);
	j->state = RFC_S_READ;
	step_io(j, out);
}

static void rfc_start(void *vctx, void *vjob, const struct csum_request *rq,
		      const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
		      struct csum_step *out)
{
	const struct rfc_ctx *c = vctx;
	struct rfc_job *j = vjob;

	memset(j, 0, sizeof(*j));
	j->op = rq->op;
	j->rq_flags = rq->flags;
	j->p = *p;
	j->buf = buf;
	j->tags = tags;

	if (rq->op == CSUM_OP_FLUSH) {
		j->state = RFC_S_FLUSH;
		flush_all(c, j, out);
		return;
	}
	if ((rq->op != CSUM_OP_READ && rq->op != CSUM_OP_WRITE) || p->count == 0 ||
	    p->count > RFC_MAX_PIECE) {
		/* split() never makes such a piece */
		step_done(j, out, -CSUM_EINVAL, true, "not a nice bio");
		return;
	}
	if (rq->op == CSUM_OP_READ) {
		read_begin(c, j, out);
		return;
	}
	if (c->o.flush_policy == CSUM_FLUSH_FORWARD && (rq->flags & CSUM_RQ_PREFLUSH) &&
	    p->offset == 0) {
		j->state = RFC_S_W_PREFLUSH;
		flush_all(c, j, out);
		return;
	}
	write_begin(c, j, out);
}

/* Byte offset in the page of tuple (bi_sector % 62) + i of the copy at base.
 * The index uses the absolute sector and is never bounded, so it can run past
 * the 62 tuples into the trailing bytes and the brother (at most 122 tuples:
 * offset 1498 of the 4096-byte page). */
static size_t tuple_at(const struct rfc_job *j, size_t base, uint32_t i)
{
	return base + imd_tuple_offset((size_t)(j->p.sector % GEO_SECTORS_PER_IMD) + i);
}

/* write_stage1() + update_imd_bio(). */
static void write_stage1(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	enum imd_older older;
	size_t base;
	uint8_t *hdr;

	if (any_error(j)) {
		step_done(j, out, -CSUM_EIO, false, "imd read failed");
		return;
	}
	if (fiu_fail(P_UPDATE_IMD_KMALLOC)) {
		step_done(j, out, -CSUM_ENOMEM, false, "update_imd_bio: kmalloc failed");
		return;
	}
	older = imd_older(j->page[0], j->page[CSUM_SECTOR]);
	if (older == IMD_OLDER_NONE) {
		step_done(j, out, -CSUM_EIO, false, "consistency error updating imd sector");
		return;
	}
	/* The older copy is rewritten in place: its other tuples stay as read. */
	base = older == IMD_OLDER_M1 ? 0 : CSUM_SECTOR;
	for (uint32_t i = 0; i < j->p.count; i++) {
		uint16_t crc = crc_ccitt(0, j->buf + (size_t)i * CSUM_SECTOR, CSUM_SECTOR);

		imd_put_le16(j->page + tuple_at(j, base, i), crc);
	}
	hdr = j->page + base;
	hdr[0] = (uint8_t)(hdr[0] + 2u);
	imd_put_le16(hdr + 2, imd_header_crc_compute(hdr));

	if (fiu_fail(P_WRITE_STAGE1_CLONE)) {
		step_done(j, out, -CSUM_ENOMEM, false, "write_stage1: bio_clone failed");
		return;
	}
	/* Submitted in this order: the barrier on the data write is what is
	 * meant to put the imd write first (same device only). */
	j->n_io = 0;
	add_io(j, CSUM_IO_WRITE, geo_imd_dev(&c->t), CSUM_ROLE_IMD_WRITE, 0,
	       j->imd_sector + (older == IMD_OLDER_M2), 1, hdr, NULL);
	add_io(j, CSUM_IO_WRITE, CSUM_DEV_DATA, CSUM_ROLE_DATA_WRITE,
	       CSUM_IOF_BARRIER | clone_flags(j->rq_flags), geo_map_data(&c->t, j->p.sector),
	       j->p.count, j->buf, j->tags);
	j->state = RFC_S_W_COMMIT;
	step_io(j, out);
}

/* read_complete() + verify_crc(). up() comes first, so every outcome here
 * releases the lock. */
static void read_complete(struct rfc_job *j, struct csum_step *out)
{
	int r = 0;
	const char *why = NULL;
	enum imd_older older;

	if (fiu_fail(P_VERIFY_CRC_KMALLOC)) {
		r = -CSUM_ENOMEM;
		why = "verify_crc: kmalloc failed";
	} else if ((older = imd_older(j->page[0], j->page[CSUM_SECTOR])) == IMD_OLDER_NONE) {
		r = -CSUM_ENOMEM; /* sic: the RFC reports "couldn't find older" as ENOMEM */
		why = "couldn't find older imd sector";
	} else {
		size_t obase = older == IMD_OLDER_M1 ? 0 : CSUM_SECTOR;
		size_t nbase = CSUM_SECTOR - obase;

		for (uint32_t i = 0; i < j->p.count; i++) {
			uint16_t crc = crc_ccitt(0, j->buf + (size_t)i * CSUM_SECTOR, CSUM_SECTOR);

			if (imd_get_le16(j->page + tuple_at(j, nbase, i)) == crc) {
				j->verdict[i] = CSUM_V_NEWER;
			} else if (imd_get_le16(j->page + tuple_at(j, obase, i)) == crc) {
				j->verdict[i] = CSUM_V_OLDER;
			} else {
				j->verdict[i] = CSUM_V_MISMATCH;
				r = -CSUM_EIO;
				why = "CRC error";
				break;
			}
		}
	}
	if (any_error(j)) {
		r = -CSUM_EIO;
		why = "sub-I/O failed";
	}
	step_done(j, out, r, true, why);
}

static void rfc_resume(void *vctx, void *vjob, struct csum_step *out)
{
	const struct rfc_ctx *c = vctx;
	struct rfc_job *j = vjob;

	switch (j->state) {
	case RFC_S_FLUSH:
		step_done(j, out, any_error(j) ? -CSUM_EIO : 0, true,
			  any_error(j) ? "flush failed" : NULL);
		return;
	case RFC_S_W_PREFLUSH:
		if (any_error(j)) {
			step_done(j, out, -CSUM_EIO, true, "flush failed");
			return;
		}
		write_begin(c, j, out);
		return;
	case RFC_S_W_IMD_READ:
		write_stage1(c, j, out);
		return;
	case RFC_S_W_COMMIT:
		/* write_stage2(): up(), then end the bio */
		step_done(j, out, any_error(j) ? -CSUM_EIO : 0, true,
			  any_error(j) ? "write failed" : NULL);
		return;
	case RFC_S_READ:
		read_complete(j, out);
		return;
	default:
		step_done(j, out, -CSUM_EINVAL, true, "resume of a finished piece");
		return;
	}
}

static const uint8_t *rfc_verdicts(const void *vjob)
{
	const struct rfc_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->verdict : NULL;
}

const struct csum_variant_ops csum_variant_rfc = {
	.name = "rfc",
	.summary = "dm-csum as the 2009 RFC v2 wrote it: M1/M2 imd, in-place older copy, global lock",
	.ctx_size = sizeof(struct rfc_ctx),
	.job_size = sizeof(struct rfc_job),
	.lock_scope = CSUM_LOCK_GLOBAL,
	/* separate placement needs two; same uses CSUM_DEV_DATA only and
	 * dev_sectors(CSUM_DEV_IMD) is 0 */
	.n_devs = 2,
	.init = rfc_init,
	.dev_sectors = rfc_dev_sectors,
	.initial_sector = rfc_initial_sector,
	.split = rfc_split,
	.lock_key = rfc_lock_key,
	.start = rfc_start,
	.resume = rfc_resume,
	.verdicts = rfc_verdicts,
};
