/* The rfc family's one implementation. With the empty profile this is
 * dm-csum exactly as the RFC v2 patch wrote it, quirks and defects included
 * (docs/PROTOCOL.md lists them); each RFC_FIX_* bit and feature of the
 * profile changes only the lines marked with it. The RFC function each step
 * reproduces is named in its comment. */
#include "core/rfc.h"

#include <assert.h>
#include <string.h>

#include "core/crc_ccitt.h"
#include "core/geometry.h"
#include "core/imd.h"
#include "core/points.h"
#include "core/split.h"
#include "core/tags.h"

enum rfc_state {
	RFC_S_FLUSH = 1,       /* user flush forwarded */
	RFC_S_W_PREFLUSH,      /* a write's PREFLUSH forwarded, before the write */
	RFC_S_W_IMD_READ,      /* write_nice_bio(): M1+M2 read in flight */
	RFC_S_W_IMD,           /* TWODEV: the imd write alone in flight */
	RFC_S_W_IMD_FLUSH,     /* TWODEV: the imd device's flush in flight */
	RFC_S_W_COMMIT,        /* write_stage1(): imd write + data write (TWODEV: data) */
	RFC_S_READ,            /* read_nice_bio(): data + M1/M2 read in flight */
	RFC_S_DONE,
};

/* Largest M1-M2 distance an option may ask for. */
#define RFC_APART_MAX (UINT64_C(1) << 40)

static bool fix(const struct rfc_ctx *c, uint32_t f)
{
	return (c->pf->fixes & f) != 0;
}

int rfc_init_profile(void *vctx, const struct csum_table *t, const struct csum_options *o,
		     const struct rfc_profile *pf, const char **why)
{
	struct rfc_ctx *c = vctx;
	uint64_t apart = 0;

	if (geo_check(t, why) != 0)
		return -1;
	if (o->flush_policy != CSUM_FLUSH_DROP && o->flush_policy != CSUM_FLUSH_FORWARD) {
		*why = "flush_policy must be drop or forward";
		return -1;
	}
	if (pf->apart != 0) {
		apart = o->apart_sectors != 0 ? o->apart_sectors : pf->apart;
		if (apart >= RFC_APART_MAX) {
			*why = "apart_sectors must be below 2^40";
			return -1;
		}
	}
	c->t = *t;
	c->o = *o;
	c->pf = pf;
	c->flush_policy = (pf->fixes & RFC_FIX_FLUSH) ? CSUM_FLUSH_FORWARD : o->flush_policy;
	/* the apart layout is the clean one with M2 moved */
	place_init(&c->pl, t, (pf->fixes & RFC_FIX_OFFSETS) || pf->apart != 0,
		   place_units_for(t->placement, apart));
	return 0;
}

uint64_t rfc_dev_sectors(const void *vctx, unsigned dev)
{
	const struct rfc_ctx *c = vctx;

	return place_dev_sectors(&c->pl, dev);
}

void rfc_sector_info(const void *vctx, unsigned dev, uint64_t sector,
		     struct csum_sector_info *out)
{
	const struct rfc_ctx *c = vctx;

	place_sector_info(&c->pl, dev, sector, out);
}

void rfc_locate(const void *vctx, uint64_t dm_sector, struct csum_location *out)
{
	const struct rfc_ctx *c = vctx;

	place_locate(&c->pl, dm_sector, out);
}

/* Tuple index of dm sector s: the RFC's bi_sector % 62 (absolute, D7). */
static uint64_t tuple_index(const struct rfc_ctx *c, uint64_t s)
{
	return fix(c, RFC_FIX_RELATIVE) ? (s - c->t.begin) % GEO_SECTORS_PER_IMD
					: s % GEO_SECTORS_PER_IMD;
}

/* Where the header crc starts: the RFC's bytes 8..511, or 4..511 so that it
 * covers gen32's generation. */
static size_t hcrc_from(const struct rfc_ctx *c)
{
	return fix(c, RFC_FIX_GEN32) ? IMD_GEN32_CRC_FROM : IMD_HEADER_SIZE;
}

static void seal(const struct rfc_ctx *c, uint8_t *hdr)
{
	imd_put_le16(hdr + 2, imd_header_crc_from(hdr, hcrc_from(c)));
}

/* csumsim's formatter (the RFC ships none): where the layout puts a copy,
 * counter 0 for M1 and 1 for M2; strong tags store the tag of a zero sector
 * (the ccitt of one is 0) at each covered sector's tuple. A location that is
 * also a data home holds the imd image (metadata wins). */
void rfc_initial_sector(const void *vctx, unsigned dev, uint64_t sector, uint8_t out[CSUM_SECTOR])
{
	const struct rfc_ctx *c = vctx;
	static const uint8_t zero[CSUM_SECTOR];
	struct csum_sector_info si;

	memset(out, 0, CSUM_SECTOR);
	place_sector_info(&c->pl, dev, sector, &si);
	if (si.kind != CSUM_SK_IMD)
		return;
	out[0] = si.copy;
	if (fix(c, RFC_FIX_GEN32))
		imd_set_gen32(out, si.copy);
	if (c->pf->tag != TAG_CCITT) {
		for (uint64_t s = si.first; s < si.first + si.count; s++) {
			uint64_t idx = tuple_index(c, s);

			if (idx < IMD_TUPLES)
				tag_put(c->pf->tag, out + imd_tuple_offset((size_t)idx),
					tag_compute(c->pf->tag, c->pf->seeded, s, zero));
		}
	}
	seal(c, out);
}

int rfc_split(void *vctx, const struct csum_request *rq, struct csum_split *out)
{
	struct rfc_ctx *c = vctx;

	csum_split_reset(out);
	switch (rq->op) {
	case CSUM_OP_FLUSH:
		/* num_flush_requests is 0: dm completes the flush itself */
		if (c->flush_policy == CSUM_FLUSH_FORWARD && out->cap >= 1) {
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
		break;
	default:
		out->map_result = -CSUM_EINVAL;
		return out->map_result;
	}
	if (fix(c, RFC_FIX_RELATIVE)) {
		/* RELATIVE: cut at multiples of 62 from begin */
		struct csum_table rel = c->t;

		rel.begin = 0;
		split_rfc_points(&rel, rq->sector - c->t.begin, rq->count, !c->o.no_fault_points,
				 out);
		for (uint32_t k = 0; k < out->n_pieces; k++)
			out->piece[k].sector += c->t.begin;
	} else {
		split_rfc_points(&c->t, rq->sector, rq->count, !c->o.no_fault_points, out);
	}
	if (fix(c, RFC_FIX_SPLIT) && out->map_result == 0)
		out->expected = out->n_pieces; /* SPLIT */
	return out->map_result;
}

uint64_t rfc_lock_key(const void *vctx, const struct csum_piece *p)
{
	const struct rfc_ctx *c = vctx;

	return place_group(&c->pl, p->sector);
}

static void step_done(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out,
		      int result, bool released, const char *why)
{
	j->state = RFC_S_DONE;
	out->kind = CSUM_STEP_DONE;
	out->n_io = 0;
	out->result = result;
	out->lock_released = released || fix(c, RFC_FIX_UNLOCK); /* UNLOCK */
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

/* fiu_fail(point), unless the run enabled no point at all (then it would
 * answer 0; see csum_options.no_fault_points). */
static bool point_fails(const struct rfc_ctx *c, const char *point)
{
	return !c->o.no_fault_points && fiu_fail(point);
}

/* prepare_imd_read(): both allocations; the read itself is added by callers. */
static bool imd_read_allocs(const struct rfc_ctx *c)
{
	return !point_fails(c, P_IMD_READ_PAGE) && !point_fails(c, P_IMD_READ_BIO);
}

/* M1 at page offset 0 and M2 at 512: one 2-sector read when adjacent, two
 * 1-sector reads when apart. */
static void add_imd_read(const struct rfc_ctx *c, struct rfc_job *j)
{
	uint64_t g = place_group(&c->pl, j->p.sector);
	unsigned dev = place_imd_dev(&c->pl);

	j->m[0] = place_imd(&c->pl, g, 0);
	j->m[1] = place_imd(&c->pl, g, 1);
	if (j->m[1] == j->m[0] + 1u) {
		add_io(j, CSUM_IO_READ, dev, CSUM_ROLE_IMD_READ, 0, j->m[0], 2, j->page, NULL);
		return;
	}
	add_io(j, CSUM_IO_READ, dev, CSUM_ROLE_IMD_READ, 0, j->m[0], 1, j->page, NULL);
	add_io(j, CSUM_IO_READ, dev, CSUM_ROLE_IMD_READ, 0, j->m[1], 1, j->page + CSUM_SECTOR,
	       NULL);
}

/* write_nice_bio(): kmalloc the pending_write, read M1 and M2. An error here
 * ends the bio but nothing up()s the semaphore. */
static void write_begin(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	if (point_fails(c, P_WRITE_NICE_KMALLOC)) {
		step_done(c, j, out, -CSUM_ENOMEM, false, "write_nice_bio: kmalloc failed");
		return;
	}
	if (!imd_read_allocs(c)) {
		step_done(c, j, out, -CSUM_ENOMEM, false, "prepare_imd_read failed");
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
	if (point_fails(c, P_READ_NICE_KMALLOC) || point_fails(c, P_DATA_READ_CLONE) ||
	    !imd_read_allocs(c)) {
		step_done(c, j, out, -CSUM_ENOMEM, false, "read_nice_bio: allocation failed");
		return;
	}
	j->n_io = 0;
	add_io(j, CSUM_IO_READ, CSUM_DEV_DATA, CSUM_ROLE_DATA_READ,
	       clone_flags(j->rq_flags) & ~CSUM_IOF_FUA, place_data(&c->pl, j->p.sector),
	       j->p.count, j->buf, j->tags);
	add_imd_read(c, j);
	j->state = RFC_S_READ;
	step_io(j, out);
}

void rfc_start(void *vctx, void *vjob, const struct csum_request *rq, const struct csum_piece *p,
	       uint8_t *buf, uint64_t *tags, struct csum_step *out)
{
	const struct rfc_ctx *c = vctx;
	struct rfc_job *j = vjob;

	/* all but the page's never-touched tail (see RFC_PAGE_USED) */
	memset(j, 0, offsetof(struct rfc_job, page) + RFC_PAGE_USED);
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
		step_done(c, j, out, -CSUM_EINVAL, true, "not a nice bio");
		return;
	}
	if (rq->op == CSUM_OP_READ) {
		read_begin(c, j, out);
		return;
	}
	if (c->flush_policy == CSUM_FLUSH_FORWARD && (rq->flags & CSUM_RQ_PREFLUSH) &&
	    p->offset == 0) {
		j->state = RFC_S_W_PREFLUSH;
		flush_all(c, j, out);
		return;
	}
	write_begin(c, j, out);
}

/* Byte offset in the page of the tuple of piece sector i in the copy at
 * base. Without RELATIVE the index is bi_sector % 62, never bounded, so it
 * can run past the 62 tuples into the trailing bytes and the brother (at
 * most 122 tuples: offset 1498 of the 4096-byte page). */
static size_t tuple_at(const struct rfc_ctx *c, const struct rfc_job *j, size_t base, uint32_t i)
{
	size_t at = base + imd_tuple_offset((size_t)tuple_index(c, j->p.sector) + i);

	assert(at + IMD_TUPLE_SIZE <= RFC_PAGE_USED);
	return at;
}

/* Which copies may be believed: all of them, unless HCRC finds a header crc
 * that does not match. */
static void copies_valid(const struct rfc_ctx *c, const struct rfc_job *j, bool valid[2])
{
	for (unsigned k = 0; k < 2; k++) {
		const uint8_t *hdr = j->page + (size_t)k * CSUM_SECTOR;

		valid[k] = !fix(c, RFC_FIX_HCRC) ||
			   imd_header_crc(hdr) == imd_header_crc_from(hdr, hcrc_from(c));
	}
}

/* older_imd(), or GEN32's serial order. */
static enum imd_older order(const struct rfc_ctx *c, const struct rfc_job *j)
{
	const uint8_t *m1 = j->page, *m2 = j->page + CSUM_SECTOR;

	if (fix(c, RFC_FIX_GEN32))
		return imd_older32(imd_gen32(m1), imd_gen32(m2));
	return imd_older(imd_last_updated(m1), imd_last_updated(m2));
}

/* write_stage1() + update_imd_bio(). */
static void write_stage1(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	enum imd_older older;
	bool valid[2], copy = fix(c, RFC_FIX_COPY), rebuild = false;
	size_t base, nbase;
	uint8_t *hdr, *newer;

	if (any_error(j)) {
		step_done(c, j, out, -CSUM_EIO, false, "imd read failed");
		return;
	}
	if (point_fails(c, P_UPDATE_IMD_KMALLOC)) {
		step_done(c, j, out, -CSUM_ENOMEM, false, "update_imd_bio: kmalloc failed");
		return;
	}
	copies_valid(c, j, valid);
	if (valid[0] && valid[1]) {
		older = order(c, j);
	} else if (valid[0] || valid[1]) {
		/* HCRC: the failing copy is the one rewritten, from the valid one */
		older = valid[0] ? IMD_OLDER_M2 : IMD_OLDER_M1;
		copy = true;
	} else {
		/* HCRC, both fail: M1 is rebuilt with only this write's tags */
		older = IMD_OLDER_M1;
		rebuild = true;
	}
	if (older == IMD_OLDER_NONE) {
		step_done(c, j, out, -CSUM_EIO, false, "consistency error updating imd sector");
		return;
	}
	base = older == IMD_OLDER_M1 ? 0 : CSUM_SECTOR;
	nbase = CSUM_SECTOR - base;
	hdr = j->page + base;
	newer = j->page + nbase;
	/* The RFC rewrites the older copy in place: its other tuples stay as
	 * read. COPY starts it from the newer copy's tuples instead. */
	if (rebuild)
		memset(hdr + IMD_HEADER_SIZE, 0, CSUM_SECTOR - IMD_HEADER_SIZE);
	else if (copy)
		memcpy(hdr + IMD_HEADER_SIZE, newer + IMD_HEADER_SIZE, CSUM_SECTOR - IMD_HEADER_SIZE);
	for (uint32_t i = 0; i < j->p.count; i++) {
		const uint8_t *data = j->buf + (size_t)i * CSUM_SECTOR;

		tag_put(c->pf->tag, j->page + tuple_at(c, j, base, i),
			tag_compute(c->pf->tag, c->pf->seeded, j->p.sector + i, data));
	}
	if (valid[0] && valid[1])
		hdr[0] = (uint8_t)(hdr[0] + 2u); /* last_updated += 2 */
	else
		hdr[0] = (uint8_t)(newer[0] + 1u); /* one step ahead of the believed copy */
	if (fix(c, RFC_FIX_GEN32))
		imd_set_gen32(hdr, imd_gen32(newer) + 1u);
	seal(c, hdr);
	j->older = (uint8_t)older;

	if (point_fails(c, P_WRITE_STAGE1_CLONE)) {
		step_done(c, j, out, -CSUM_ENOMEM, false, "write_stage1: bio_clone failed");
		return;
	}
	j->n_io = 0;
	add_io(j, CSUM_IO_WRITE, place_imd_dev(&c->pl), CSUM_ROLE_IMD_WRITE,
	       /* FLUSH: an FUA write's checksum is as durable as its data */
	       fix(c, RFC_FIX_FLUSH) ? clone_flags(j->rq_flags) & CSUM_IOF_FUA : 0u,
	       j->m[older == IMD_OLDER_M2], 1, hdr, NULL);
	if (fix(c, RFC_FIX_TWODEV) && c->t.placement == CSUM_PLACE_SEPARATE) {
		/* TWODEV: the data write waits for the imd write and a flush of
		 * the imd device; the barrier cannot order two devices */
		j->state = RFC_S_W_IMD;
		step_io(j, out);
		return;
	}
	/* Submitted in this order: the barrier on the data write is what is
	 * meant to put the imd write first (same device only). */
	add_io(j, CSUM_IO_WRITE, CSUM_DEV_DATA, CSUM_ROLE_DATA_WRITE,
	       CSUM_IOF_BARRIER | clone_flags(j->rq_flags), place_data(&c->pl, j->p.sector),
	       j->p.count, j->buf, j->tags);
	j->state = RFC_S_W_COMMIT;
	step_io(j, out);
}

/* TWODEV's second and third steps. A failed imd write or flush ends the
 * piece before its data is written: data never goes out unprotected. */
static void twodev_next(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	if (any_error(j)) {
		step_done(c, j, out, -CSUM_EIO, true, "imd write failed");
		return;
	}
	if (j->state == RFC_S_W_IMD) {
		j->n_io = 0;
		add_io(j, CSUM_IO_FLUSH, place_imd_dev(&c->pl), CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
		j->state = RFC_S_W_IMD_FLUSH;
		step_io(j, out);
		return;
	}
	j->n_io = 0;
	add_io(j, CSUM_IO_WRITE, CSUM_DEV_DATA, CSUM_ROLE_DATA_WRITE,
	       CSUM_IOF_BARRIER | clone_flags(j->rq_flags), place_data(&c->pl, j->p.sector),
	       j->p.count, j->buf, j->tags);
	j->state = RFC_S_W_COMMIT;
	step_io(j, out);
}

/* read_complete() + verify_crc(). up() comes first, so every outcome here
 * releases the lock. */
static void read_complete(const struct rfc_ctx *c, struct rfc_job *j, struct csum_step *out)
{
	int r = 0;
	const char *why = NULL;
	enum imd_older older = IMD_OLDER_NONE;
	bool valid[2], fallback = true;

	copies_valid(c, j, valid);
	if (valid[0] && valid[1])
		older = order(c, j);
	else if (valid[0] || valid[1]) {
		/* HCRC: only the valid copy is consulted, no fallback */
		older = valid[0] ? IMD_OLDER_M2 : IMD_OLDER_M1;
		fallback = false;
	}

	if (point_fails(c, P_VERIFY_CRC_KMALLOC)) {
		r = -CSUM_ENOMEM;
		why = "verify_crc: kmalloc failed";
	} else if (!valid[0] && !valid[1]) {
		r = -CSUM_EIO; /* HCRC */
		why = "both imd copies fail their header crc";
	} else if (older == IMD_OLDER_NONE) {
		/* sic: the RFC reports "couldn't find older" as ENOMEM (ERRNO: EIO) */
		r = fix(c, RFC_FIX_ERRNO) ? -CSUM_EIO : -CSUM_ENOMEM;
		why = "couldn't find older imd sector";
	} else {
		size_t obase = older == IMD_OLDER_M1 ? 0 : CSUM_SECTOR;
		size_t nbase = CSUM_SECTOR - obase;

		for (uint32_t i = 0; i < j->p.count; i++) {
			struct tag_val v = tag_compute(c->pf->tag, c->pf->seeded, j->p.sector + i,
						       j->buf + (size_t)i * CSUM_SECTOR);

			if (tag_match(c->pf->tag, j->page + tuple_at(c, j, nbase, i), v)) {
				j->verdict[i] = CSUM_V_NEWER;
			} else if (fallback &&
				   tag_match(c->pf->tag, j->page + tuple_at(c, j, obase, i), v)) {
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
	step_done(c, j, out, r, true, why);
}

void rfc_resume(void *vctx, void *vjob, struct csum_step *out)
{
	const struct rfc_ctx *c = vctx;
	struct rfc_job *j = vjob;

	switch (j->state) {
	case RFC_S_FLUSH:
		step_done(c, j, out, any_error(j) ? -CSUM_EIO : 0, true,
			  any_error(j) ? "flush failed" : NULL);
		return;
	case RFC_S_W_PREFLUSH:
		if (any_error(j)) {
			step_done(c, j, out, -CSUM_EIO, true, "flush failed");
			return;
		}
		write_begin(c, j, out);
		return;
	case RFC_S_W_IMD_READ:
		write_stage1(c, j, out);
		return;
	case RFC_S_W_IMD:
	case RFC_S_W_IMD_FLUSH:
		twodev_next(c, j, out);
		return;
	case RFC_S_W_COMMIT:
		/* write_stage2(): up(), then end the bio */
		step_done(c, j, out, any_error(j) ? -CSUM_EIO : 0, true,
			  any_error(j) ? "write failed" : NULL);
		return;
	case RFC_S_READ:
		read_complete(c, j, out);
		return;
	default:
		step_done(c, j, out, -CSUM_EINVAL, true, "resume of a finished piece");
		return;
	}
}

const uint8_t *rfc_verdicts(const void *vjob)
{
	const struct rfc_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->verdict : NULL;
}
