/* Baseline "journal": every write goes first to a circular journal (a header
 * sector with the checksums, then the data), a flush commits it, and only
 * then are the data and their checksums copied home (dm-integrity's journal
 * mode). Recovery replays the committed records. Layout and rules:
 * docs/BASELINES.md. One piece at a time (global lock): the journal head,
 * the sequence and the index of records not yet home live in the ctx. */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "core/baseline_util.h"
#include "core/baselines.h"

#define JR_DEFAULT_SECTORS 8192u
#define JR_MIN_SECTORS 64u   /* superblock + one record of 1 + 62 sectors */
#define JR_MAX_INTERVAL 32u
#define JR_REC_MAX (1u + BU_GROUP)
#define JR_SB_MAGIC 0x3142534au  /* "JSB1" */
#define JR_REC_MAGIC 0x3143524au /* "JRC1" */
#define JR_CRCS 24u              /* header: first data crc */

/* A record written to the journal and not yet copied home. */
struct jr_rec {
	uint32_t slot; /* journal-relative sector of its header */
	uint32_t n;    /* data sectors */
	uint64_t first; /* dm sector - begin of its first data sector */
	uint16_t crc[BU_GROUP];
};

struct journal_ctx {
	struct bu_home h;
	uint64_t jbase;   /* backing sector of the superblock */
	uint32_t jsize;   /* journal sectors, superblock included */
	uint32_t interval;
	uint32_t head;    /* next free journal-relative sector */
	uint64_t next_seq;
	uint32_t n_pending; /* oldest first; at most `interval` */
	struct jr_rec pending[JR_MAX_INTERVAL + 1];
};
/* the shared ops in baseline_util.c take the context as its home */
_Static_assert(offsetof(struct journal_ctx, h) == 0, "struct bu_home must come first");

enum journal_state {
	JS_PRE_FLUSH = 1, /* commit of older records before this write */
	JS_WB_READ,       /* copy home: journal data + checksum sector read */
	JS_WB_WRITE,      /* copy home: data + checksum sector written */
	JS_WRAP_COMMIT,   /* flush of older records before the wrap */
	JS_WRAP_FLUSH,    /* home copies durable before the journal is reused */
	JS_WRAP_SB,       /* superblock: the journal starts again at sector 1 */
	JS_JWRITE,        /* the record (+ the home checksum read) */
	JS_COMMIT,        /* the commit flush */
	JS_FLUSH,         /* a user flush */
	JS_R_HOME,        /* read: home data + checksum sector */
	JS_R_JOURNAL,     /* read: newer copies from the journal */
	JS_RC_SB,         /* recovery: superblock read */
	JS_RC_REC,        /* recovery: record read */
	JS_RC_IMD,        /* recovery: checksum sector read */
	JS_RC_HOME,       /* recovery: data + checksum sector written home */
	JS_RC_FLUSH,
	JS_RC_SB_WRITE,
	JS_DONE,
};

/* What follows a copy home. */
enum journal_after { JA_DONE = 0, JA_WRITE, JA_WRAP };

struct journal_job {
	uint8_t state;
	uint8_t op;
	uint8_t after;
	bool commit;    /* this write's record is committed before it completes */
	bool imd_ready; /* j->imd already holds the own record's checksum sector */
	uint32_t rq_flags;
	struct csum_piece p;
	uint8_t *buf;
	uint64_t *tags;
	uint32_t wb;      /* copy home: next pending record */
	uint32_t own_idx; /* pending index of this piece's record, or UINT32_MAX */
	struct jr_rec own;
	uint32_t slot;    /* recovery cursor */
	uint64_t seq;
	uint32_t run_pos; /* read: next sector to look at for journal runs */
	int8_t src[BU_GROUP]; /* read: pending record of each sector, -1 = home */
	struct bu_ios ios;
	uint16_t crc[BU_GROUP];
	uint8_t verdict[BU_GROUP];
	uint8_t hdr[CSUM_SECTOR];
	uint8_t imd[CSUM_SECTOR];
	uint64_t rtags[JR_REC_MAX];
	uint8_t rbuf[JR_REC_MAX * CSUM_SECTOR];
};

/* What holds between steps: the head inside the journal, the records not yet
 * home (each one group's worth, in the current lap, oldest first) bounded by
 * the commit interval. O(n_pending), n_pending <= 32. */
static void ctx_check(const struct journal_ctx *c)
{
#ifndef NDEBUG
	uint32_t end = 1;

	assert(c->head >= 1 && c->head <= c->jsize);
	assert(c->next_seq >= 1);
	assert(c->n_pending <= c->interval && c->interval <= JR_MAX_INTERVAL);
	for (uint32_t k = 0; k < c->n_pending; k++) {
		const struct jr_rec *r = &c->pending[k];

		assert(r->n >= 1 && r->n <= BU_GROUP);
		assert(r->first / BU_GROUP == (r->first + r->n - 1u) / BU_GROUP);
		assert(r->first + r->n <= c->h.len);
		assert(r->slot >= end && r->slot + 1u + r->n <= c->head); /* in order, before head */
		end = r->slot + 1u + r->n;
	}
#else
	(void)c;
#endif
}

static void sb_format(uint8_t sec[CSUM_SECTOR], uint32_t jsize, uint64_t seq)
{
	memset(sec, 0, CSUM_SECTOR);
	bu_put_le32(sec, JR_SB_MAGIC);
	bu_put_le64(sec + 8, seq);
	bu_put_le32(sec + 16, 1); /* the first record slot */
	bu_put_le32(sec + 20, jsize);
	bu_put_le16(sec + 4, bu_seal_crc(sec));
}

static void rec_header(uint8_t sec[CSUM_SECTOR], const struct jr_rec *r, uint64_t seq)
{
	assert(r->n >= 1 && r->n <= BU_GROUP); /* the header holds 62 crcs */
	memset(sec, 0, CSUM_SECTOR);
	bu_put_le32(sec, JR_REC_MAGIC);
	bu_put_le16(sec + 6, (uint16_t)r->n);
	bu_put_le64(sec + 8, seq);
	bu_put_le64(sec + 16, r->first);
	for (uint32_t i = 0; i < r->n; i++)
		bu_put_le16(sec + JR_CRCS + 2u * i, r->crc[i]);
	bu_put_le16(sec + 4, bu_seal_crc(sec));
}

static int journal_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
			const char **why)
{
	struct journal_ctx *c = vctx;
	uint32_t js = o->journal_sectors ? o->journal_sectors : JR_DEFAULT_SECTORS;
	uint32_t iv = o->commit_interval_writes ? o->commit_interval_writes : 1u;

	if (bu_table_check(t, "journal keeps journal and checksums on the data device: "
			      "placement must be same", why) != 0)
		return -1;
	if (js < JR_MIN_SECTORS) {
		*why = "journal_sectors must be at least 64 (superblock + a 63-sector record)";
		return -1;
	}
	if (iv > JR_MAX_INTERVAL) {
		*why = "commit_interval_writes must be 1..32";
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->jbase = t->data_start;
	c->jsize = js;
	c->interval = iv;
	c->h = (struct bu_home){ .begin = t->begin, .len = t->len, .base = t->data_start + js };
	/* what a formatted superblock says */
	c->head = 1;
	c->next_seq = 1;
	return 0;
}


static void journal_sector_info(const void *vctx, unsigned dev, uint64_t sector,
				struct csum_sector_info *out)
{
	const struct journal_ctx *c = vctx;

	memset(out, 0, sizeof(*out));
	if (dev != CSUM_DEV_DATA || sector < c->jbase)
		return;
	if (sector < c->h.base)
		out->kind = CSUM_SK_JOURNAL; /* any dm sector may pass through */
	else
		bu_home_info(&c->h, sector - c->h.base, out);
}

static void journal_initial_sector(const void *vctx, unsigned dev, uint64_t sector,
				   uint8_t out[CSUM_SECTOR])
{
	const struct journal_ctx *c = vctx;
	struct csum_sector_info si;

	memset(out, 0, CSUM_SECTOR);
	journal_sector_info(vctx, dev, sector, &si);
	if (si.kind == CSUM_SK_IMD)
		bu_imd_format(out, (sector - c->h.base) / BU_STRIDE);
	else if (si.kind == CSUM_SK_JOURNAL && sector == c->jbase)
		sb_format(out, c->jsize, 1);
}




static void done(struct journal_job *j, struct csum_step *out, int result, const char *why)
{
	j->state = JS_DONE;
	bu_step_done(out, result, why);
}

static void io_step(struct journal_job *j, uint8_t state, struct csum_step *out)
{
	j->state = state;
	bu_step_io(&j->ios, out);
}

static void flush_step(struct journal_job *j, uint8_t state, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
	io_step(j, state, out);
}

static void add_imd_read(const struct journal_ctx *c, struct journal_job *j, uint64_t first)
{
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, 0,
		   bu_imd_sector(&c->h, first / BU_GROUP), 1, j->imd, NULL);
}

/* ---- copy home ---------------------------------------------------------- */

static void write_record(struct journal_ctx *c, struct journal_job *j, struct csum_step *out);
static void wrap_begin(struct journal_ctx *c, struct journal_job *j, struct csum_step *out);

static void wb_next(struct journal_ctx *c, struct journal_job *j, struct csum_step *out);

static void wb_begin(struct journal_ctx *c, struct journal_job *j, uint8_t after,
		     struct csum_step *out)
{
	j->wb = 0;
	j->after = after;
	wb_next(c, j, out);
}

static void wb_write(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	const struct jr_rec *r = &c->pending[j->wb];
	bool own = j->wb == j->own_idx;

	assert(j->wb < c->n_pending);

	bu_imd_update(j->imd, r->first / BU_GROUP, (uint32_t)(r->first % BU_GROUP), r->n, r->crc);
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE, 0,
		   bu_imd_sector(&c->h, r->first / BU_GROUP), 1, j->imd, NULL);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE, 0, bu_data_sector(&c->h, r->first),
		   r->n, own ? j->buf : j->rbuf, own ? j->tags : j->rtags);
	io_step(j, JS_WB_WRITE, out);
}

/* Records are copied home oldest first, one at a time, so two records of one
 * group update its checksum sector in turn. A record this piece did not write
 * is read back from the journal (the model keeps no journal in memory). */
static void wb_next(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	const struct jr_rec *r;

	if (j->wb >= c->n_pending) {
		c->n_pending = 0;
		j->own_idx = UINT32_MAX;
		if (j->after == JA_WRITE)
			write_record(c, j, out);
		else if (j->after == JA_WRAP)
			wrap_begin(c, j, out);
		else
			done(j, out, 0, NULL);
		return;
	}
	r = &c->pending[j->wb];
	if (j->wb == j->own_idx && j->imd_ready) {
		wb_write(c, j, out);
		return;
	}
	bu_ios_reset(&j->ios);
	if (j->wb != j->own_idx)
		bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0, c->jbase + r->slot + 1u,
			   r->n, j->rbuf, j->rtags);
	add_imd_read(c, j, r->first);
	io_step(j, JS_WB_READ, out);
}

/* ---- writes ------------------------------------------------------------- */

static void wrap_begin(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (c->n_pending > 0)
		flush_step(j, JS_WRAP_COMMIT, out); /* then copy home, then this again */
	else
		flush_step(j, JS_WRAP_FLUSH, out);
}

static void write_record(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	struct jr_rec *r = &j->own;

	if (c->head + 1u + j->p.count > c->jsize) {
		wrap_begin(c, j, out);
		return;
	}
	assert(c->n_pending < c->interval); /* a full index was copied home first */
	r->slot = c->head;
	r->n = j->p.count;
	r->first = j->p.sector - c->h.begin;
	bu_crcs(j->buf, r->n, r->crc);
	out->crc_bytes += r->n * CSUM_SECTOR;
	rec_header(j->hdr, r, c->next_seq);
	/* taken now, given back if the record cannot be written */
	c->head += 1u + r->n;
	c->next_seq++;
	assert(c->head <= c->jsize); /* the record fits before the wrap */
	j->commit = c->n_pending + 1u >= c->interval || (j->rq_flags & CSUM_RQ_FUA);
	j->imd_ready = j->commit && c->n_pending == 0;
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_JOURNAL_WRITE, CSUM_IOF_META,
		   c->jbase + r->slot, 1, j->hdr, NULL);
	bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_JOURNAL_WRITE, bu_read_flags(j->rq_flags),
		   c->jbase + r->slot + 1u, r->n, j->buf, j->tags);
	if (j->imd_ready)
		add_imd_read(c, j, r->first); /* nothing older can change it first */
	io_step(j, JS_JWRITE, out);
}

static void record_written(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (bu_ios_failed(&j->ios)) {
		/* a hole would end every later replay here: reuse the slot */
		c->head = j->own.slot;
		c->next_seq--;
		done(j, out, -CSUM_EIO, "journal write failed");
		return;
	}
	assert(c->n_pending < c->interval && j->own.slot + 1u + j->own.n == c->head);
	c->pending[c->n_pending] = j->own;
	if (!j->commit) {
		c->n_pending++;
		done(j, out, 0, NULL);
		return;
	}
	j->own_idx = c->n_pending++;
	flush_step(j, JS_COMMIT, out);
}

/* ---- reads -------------------------------------------------------------- */

static void read_judge(const struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	uint64_t rel = j->p.sector - c->h.begin;
	bool hdr = bu_imd_header_ok(j->imd, rel / BU_GROUP);
	int r = 0;

	bu_crcs(j->buf, j->p.count, j->crc);
	out->crc_bytes += j->p.count * CSUM_SECTOR;
	for (uint32_t i = 0; i < j->p.count; i++) {
		bool ok;

		if (j->src[i] < 0) {
			ok = hdr && bu_tuple(j->imd, (uint32_t)((rel + i) % BU_GROUP)) == j->crc[i];
		} else {
			const struct jr_rec *pr = &c->pending[j->src[i]];

			assert(rel + i >= pr->first && rel + i - pr->first < pr->n);
			ok = pr->crc[rel + i - pr->first] == j->crc[i];
		}
		j->verdict[i] = ok ? CSUM_V_NEWER : CSUM_V_MISMATCH;
		if (!ok)
			r = -CSUM_EIO;
	}
	done(j, out, r, "CRC error");
}

/* Runs of sectors whose newest copy is one pending record, read over the
 * home copy just read (a later step, so the two reads never race). */
static void read_journal(const struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	uint64_t rel = j->p.sector - c->h.begin;

	bu_ios_reset(&j->ios);
	while (j->run_pos < j->p.count && j->ios.n < CSUM_STEP_MAX_IO) {
		uint32_t i = j->run_pos, e = i + 1;
		const struct jr_rec *pr;

		if (j->src[i] < 0) {
			j->run_pos++;
			continue;
		}
		while (e < j->p.count && j->src[e] == j->src[i])
			e++;
		pr = &c->pending[j->src[i]];
		bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, bu_read_flags(j->rq_flags),
			   c->jbase + pr->slot + 1u + (rel + i - pr->first), e - i,
			   j->buf + (size_t)i * CSUM_SECTOR, j->tags ? j->tags + i : NULL);
		j->run_pos = e;
	}
	if (j->ios.n == 0) {
		read_judge(c, j, out);
		return;
	}
	io_step(j, JS_R_JOURNAL, out);
}

static void read_begin(const struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	uint64_t rel = j->p.sector - c->h.begin;

	for (uint32_t i = 0; i < j->p.count; i++) {
		j->src[i] = -1;
		for (uint32_t k = 0; k < c->n_pending; k++) {
			const struct jr_rec *pr = &c->pending[k];

			if (rel + i >= pr->first && rel + i < pr->first + pr->n)
				j->src[i] = (int8_t)k; /* the newest wins */
		}
	}
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, bu_read_flags(j->rq_flags),
		   bu_data_sector(&c->h, rel), j->p.count, j->buf, j->tags);
	add_imd_read(c, j, rel);
	io_step(j, JS_R_HOME, out);
}

static void journal_start(void *vctx, void *vjob, const struct csum_request *rq,
			  const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
			  struct csum_step *out)
{
	struct journal_ctx *c = vctx;
	struct journal_job *j = vjob;

	memset(j, 0, sizeof(*j));
	j->op = rq->op;
	j->rq_flags = rq->flags;
	j->p = *p;
	j->buf = buf;
	j->tags = tags;
	j->own_idx = UINT32_MAX;
	if (rq->op == CSUM_OP_FLUSH) {
		flush_step(j, JS_FLUSH, out);
		return;
	}
	if ((rq->op != CSUM_OP_READ && rq->op != CSUM_OP_WRITE) || p->count == 0 ||
	    p->count > BU_GROUP || p->sector < c->h.begin) {
		done(j, out, -CSUM_EINVAL, "not a piece split() makes");
		return;
	}
	/* split() cuts at groups: inside the table and one group */
	assert(p->sector - c->h.begin + p->count <= c->h.len);
	assert((p->sector - c->h.begin) % BU_GROUP + p->count <= BU_GROUP);
	ctx_check(c);
	if (rq->op == CSUM_OP_READ)
		read_begin(c, j, out);
	else if (((rq->flags & CSUM_RQ_PREFLUSH) && p->offset == 0) ||
		 c->n_pending >= c->interval)
		flush_step(j, JS_PRE_FLUSH, out); /* commits every older record */
	else
		write_record(c, j, out);
}

/* ---- recovery ----------------------------------------------------------- */

static bool sb_ok(const struct journal_ctx *c, const uint8_t *sb)
{
	uint32_t slot = bu_get_le32(sb + 16);

	return bu_get_le32(sb) == JR_SB_MAGIC && bu_get_le16(sb + 4) == bu_seal_crc(sb) &&
	       bu_get_le32(sb + 20) == c->jsize && slot >= 1 && slot < c->jsize;
}

static void journal_recover_start(void *vctx, void *vjob, struct csum_step *out)
{
	struct journal_ctx *c = vctx;
	struct journal_job *j = vjob;

	memset(j, 0, sizeof(*j));
	j->own_idx = UINT32_MAX;
	c->n_pending = 0;
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, CSUM_IOF_META, c->jbase, 1, j->hdr,
		   NULL);
	io_step(j, JS_RC_SB, out);
}

static void rc_finish(struct journal_job *j, struct csum_step *out)
{
	flush_step(j, JS_RC_FLUSH, out); /* the replayed copies, before the journal restarts */
}

static void rc_read(const struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	uint32_t n = c->jsize - j->slot;

	assert(j->slot >= 1 && j->slot <= c->jsize); /* the replay cursor stays in the journal */
	if (j->slot + 1u >= c->jsize) {
		rc_finish(j, out);
		return;
	}
	if (n > JR_REC_MAX)
		n = JR_REC_MAX;
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0, c->jbase + j->slot, n, j->rbuf,
		   j->rtags);
	io_step(j, JS_RC_REC, out);
}

/* A record is replayed if its header is whole, it is the next in sequence,
 * it fits and every data sector matches its checksum: then all of it landed. */
static bool rc_parse(const struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	const uint8_t *h = j->rbuf;
	struct jr_rec *r = &j->own;
	uint16_t crc[BU_GROUP];

	if (bu_ios_failed(&j->ios) || bu_get_le32(h) != JR_REC_MAGIC ||
	    bu_get_le16(h + 4) != bu_seal_crc(h) || bu_get_le64(h + 8) != j->seq)
		return false;
	r->slot = j->slot;
	r->n = bu_get_le16(h + 6);
	r->first = bu_get_le64(h + 16);
	if (r->n == 0 || r->n > BU_GROUP || j->slot + 1u + r->n > c->jsize ||
	    r->first >= c->h.len || r->n > c->h.len - r->first ||
	    r->first / BU_GROUP != (r->first + r->n - 1u) / BU_GROUP)
		return false;
	bu_crcs(j->rbuf + CSUM_SECTOR, r->n, crc);
	out->crc_bytes += r->n * CSUM_SECTOR;
	for (uint32_t i = 0; i < r->n; i++) {
		r->crc[i] = bu_get_le16(h + JR_CRCS + 2u * i);
		if (r->crc[i] != crc[i])
			return false;
	}
	return true;
}

static void recover_resume(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	const struct jr_rec *r = &j->own;

	switch (j->state) {
	case JS_RC_SB:
		if (bu_ios_failed(&j->ios) || !sb_ok(c, j->hdr)) {
			done(j, out, -CSUM_EIO, "journal superblock unreadable");
			return;
		}
		j->slot = bu_get_le32(j->hdr + 16);
		j->seq = bu_get_le64(j->hdr + 8);
		rc_read(c, j, out);
		return;
	case JS_RC_REC:
		if (!rc_parse(c, j, out)) {
			rc_finish(j, out);
			return;
		}
		bu_ios_reset(&j->ios);
		add_imd_read(c, j, r->first);
		io_step(j, JS_RC_IMD, out);
		return;
	case JS_RC_IMD:
		if (bu_ios_failed(&j->ios)) {
			done(j, out, -CSUM_EIO, "replay: checksum read failed");
			return;
		}
		bu_imd_update(j->imd, r->first / BU_GROUP, (uint32_t)(r->first % BU_GROUP), r->n,
			      r->crc);
		bu_ios_reset(&j->ios);
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE, 0,
			   bu_imd_sector(&c->h, r->first / BU_GROUP), 1, j->imd, NULL);
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE, 0,
			   bu_data_sector(&c->h, r->first), r->n, j->rbuf + CSUM_SECTOR, j->rtags + 1);
		io_step(j, JS_RC_HOME, out);
		return;
	case JS_RC_HOME:
		if (bu_ios_failed(&j->ios)) {
			done(j, out, -CSUM_EIO, "replay: home write failed");
			return;
		}
		assert(j->slot + 1u + r->n <= c->jsize); /* rc_parse() let only a fitting record in */
		j->slot += 1u + r->n;
		j->seq++;
		rc_read(c, j, out);
		return;
	case JS_RC_FLUSH:
		if (bu_ios_failed(&j->ios)) {
			done(j, out, -CSUM_EIO, "replay: flush failed");
			return;
		}
		/* Records past the end of the replay may still be on disk with
		 * sequence numbers up to j->seq + jsize - 1 (this lap holds fewer
		 * than jsize records): the restarted journal skips all of them. */
		j->seq += c->jsize;
		sb_format(j->hdr, c->jsize, j->seq);
		bu_ios_reset(&j->ios);
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_JOURNAL_WRITE, CSUM_IOF_FUA | CSUM_IOF_META,
			   c->jbase, 1, j->hdr, NULL);
		io_step(j, JS_RC_SB_WRITE, out);
		return;
	case JS_RC_SB_WRITE:
		if (bu_ios_failed(&j->ios)) {
			done(j, out, -CSUM_EIO, "replay: superblock write failed");
			return;
		}
		c->head = 1;
		assert(j->seq > c->jsize); /* the restarted journal skips a whole lap */
		c->next_seq = j->seq;
		done(j, out, 0, NULL);
		return;
	default:
		done(j, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static void journal_resume(void *vctx, void *vjob, struct csum_step *out)
{
	struct journal_ctx *c = vctx;
	struct journal_job *j = vjob;
	bool failed = bu_ios_failed(&j->ios);

	if (j->state >= JS_RC_SB && j->state <= JS_RC_SB_WRITE) {
		recover_resume(c, j, out);
		return;
	}
	ctx_check(c);
	if (failed && j->state == JS_JWRITE) {
		record_written(c, j, out);
		return;
	}
	if (failed && j->state != JS_R_HOME && j->state != JS_R_JOURNAL) {
		/* records not yet home stay in the index: the next commit retries */
		j->own_idx = UINT32_MAX;
		done(j, out, -CSUM_EIO, "sub-I/O failed");
		return;
	}
	switch (j->state) {
	case JS_PRE_FLUSH:
		wb_begin(c, j, JA_WRITE, out);
		return;
	case JS_WB_READ:
		wb_write(c, j, out);
		return;
	case JS_WB_WRITE:
		j->wb++;
		wb_next(c, j, out);
		return;
	case JS_WRAP_COMMIT:
		wb_begin(c, j, JA_WRAP, out);
		return;
	case JS_WRAP_FLUSH:
		sb_format(j->hdr, c->jsize, c->next_seq);
		bu_ios_reset(&j->ios);
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_JOURNAL_WRITE, CSUM_IOF_FUA | CSUM_IOF_META,
			   c->jbase, 1, j->hdr, NULL);
		io_step(j, JS_WRAP_SB, out);
		return;
	case JS_WRAP_SB:
		c->head = 1;
		write_record(c, j, out);
		return;
	case JS_JWRITE:
		record_written(c, j, out);
		return;
	case JS_COMMIT:
	case JS_FLUSH:
		wb_begin(c, j, JA_DONE, out);
		return;
	case JS_R_HOME:
		if (failed) {
			done(j, out, -CSUM_EIO, "sub-I/O failed");
			return;
		}
		read_journal(c, j, out);
		return;
	case JS_R_JOURNAL:
		if (failed) {
			done(j, out, -CSUM_EIO, "journal read failed");
			return;
		}
		read_journal(c, j, out);
		return;
	default:
		done(j, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static const uint8_t *journal_verdicts(const void *vjob)
{
	const struct journal_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->verdict : NULL;
}

const struct csum_variant_ops csum_variant_journal = {
	.name = "journal",
	.summary = "baseline: data and checksums journaled, committed by a flush, then copied home",
	.ctx_size = sizeof(struct journal_ctx),
	.job_size = sizeof(struct journal_job),
	.lock_scope = CSUM_LOCK_GLOBAL,
	.n_devs = 1,
	.init = journal_init,
	.dev_sectors = bu_ops_dev_sectors,
	.initial_sector = journal_initial_sector,
	.split = bu_ops_split,
	.lock_key = bu_ops_lock_one,
	.start = journal_start,
	.resume = journal_resume,
	.verdicts = journal_verdicts,
	.sector_info = journal_sector_info,
	.locate = bu_ops_locate,
	.recover_start = journal_recover_start,
};
