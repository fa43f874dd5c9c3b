#include "sim/carry_read.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "faults/faults.h"
#include "util/grow.h"

#define TAG_UNREAD CARRY_TAG_UNREAD
#define TAG_IOERR CARRY_TAG_IOERR

/* One reader's scratch, sized for the largest request so far. */
struct reader {
	struct world *w;
	uint64_t dev_sectors[CSUM_MAX_DEVS];
	void *job;
	uint8_t *buf;
	uint64_t *tags;
	uint32_t *floor;
	uint8_t *cls;
	struct csum_piece *piece;
	uint64_t cap, cap_piece;
	/* the verdicts for the faults' ledger, given once the read is sure
	 * to stand: request i is seen[i] sectors from its sector at
	 * seen_sector[i], its verdicts next in seen_cls */
	uint64_t *seen_sector;
	uint32_t *seen_count;
	uint64_t n_seen, cap_seen_sector, cap_seen_count;
	uint8_t *seen_cls;
	uint64_t n_seen_cls, cap_seen_cls;
};

bool carry_read_fits(const struct world *w)
{
	return w->ops->recover_start == NULL;
}

/* What the disk gives a read sub-I/O of a crashed world (empty cache,
 * nothing in flight): the media, or -CSUM_EIO where a fault makes a sector
 * unreadable or the request leaves the device (sim/disk.c fill_read). */
static int serve(struct reader *rd, struct csum_io *io)
{
	struct world *w = rd->w;
	uint64_t size = rd->dev_sectors[io->dev];

	if (io->count > size || io->sector > size - io->count)
		return -CSUM_EIO;
	media_prefetch(w->media, io->dev, io->sector, io->count);
	for (uint32_t k = 0; k < io->count; k++) {
		uint64_t s = io->sector + k, tag;

		/* the world's hook: the read tap, then the faults */
		if (w->hooks.on_read != NULL && w->hooks.on_read(w->hooks.ctx, io->dev, s))
			return -CSUM_EIO;
		tag = media_read(w->media, io->dev, s,
				 io->buf != NULL ? io->buf + (size_t)k * CSUM_SECTOR : NULL);
		if (io->tags != NULL)
			io->tags[k] = tag;
	}
	return 0;
}

/* One piece run to its end: 0 with *result, or 1 (a step writes). */
static int run_piece(struct reader *rd, const struct csum_request *rq,
		     const struct csum_piece *p, int *result, bool *released)
{
	struct world *w = rd->w;
	struct csum_step step;

#ifndef NDEBUG
	/* as the host's reused jobs: a variant must set its job first */
	memset(rd->job, 0xa5, w->ops->job_size ? w->ops->job_size : 1);
#endif
	memset(&step, 0, sizeof(step));
	w->ops->start(w->ctx, rd->job, rq, p, rd->buf + (size_t)p->offset * CSUM_SECTOR,
		      rd->tags + p->offset, &step);
	while (step.kind != CSUM_STEP_DONE) {
		assert(step.n_io >= 1 && step.n_io <= CSUM_STEP_MAX_IO);
		for (unsigned i = 0; i < step.n_io; i++)
			if (step.io[i]->kind != CSUM_IO_READ || step.io[i]->dev >= w->n_devs ||
			    w->disk[step.io[i]->dev] == NULL)
				return 1;
		for (unsigned i = 0; i < step.n_io; i++) {
			struct csum_io *io = step.io[i];

			io->error = serve(rd, io);
			if (io->error != 0 && io->role == CSUM_ROLE_DATA_READ && io->tags != NULL)
				for (uint32_t k = 0; k < io->count; k++)
					io->tags[k] = TAG_IOERR;
		}
		memset(&step, 0, sizeof(step));
		w->ops->resume(w->ctx, rd->job, &step);
	}
	*result = step.result;
	*released = step.lock_released;
	return 0;
}

static int room(struct reader *rd, uint32_t count)
{
	uint64_t need = count ? count : 1, cap = rd->cap, cp = rd->cap_piece;

	if (need > rd->cap) {
		cap = rd->cap;
		if (grow_array((void **)&rd->buf, &cap, need, CSUM_SECTOR, 64) != 0)
			return -1;
		cap = rd->cap;
		if (grow_array((void **)&rd->tags, &cap, need, sizeof(*rd->tags), 64) != 0)
			return -1;
		cap = rd->cap;
		if (grow_array((void **)&rd->floor, &cap, need, sizeof(*rd->floor), 64) != 0)
			return -1;
		cap = rd->cap;
		if (grow_array((void **)&rd->cls, &cap, need, 1, 64) != 0)
			return -1;
		rd->cap = cap;
	}
	need = csum_split_cap(count);
	if (grow_array((void **)&rd->piece, &cp, need ? need : 1, sizeof(*rd->piece), 8) != 0)
		return -1;
	rd->cap_piece = cp;
	return 0;
}

/* Whether the host runs sp's pieces one after the other, in order: one
 * lock for all, or one lock key for all. */
static bool one_by_one(const struct world *w, const struct csum_split *sp)
{
	uint64_t key;

	if (sp->n_pieces <= 1 || w->ops->lock_scope == CSUM_LOCK_GLOBAL)
		return true;
	if (w->ops->lock_scope != CSUM_LOCK_GROUP || w->ops->lock_key == NULL)
		return false;
	key = w->ops->lock_key(w->ctx, &sp->piece[0]);
	for (uint32_t i = 1; i < sp->n_pieces; i++)
		if (w->ops->lock_key(w->ctx, &sp->piece[i]) != key)
			return false;
	return true;
}

/* One read request, as the host runs it alone: its verdicts into rd->cls
 * and its result. 0, 1 (not a lone piece of reads), -1 (memory). */
static int read_request(struct reader *rd, uint64_t sector, uint32_t count, int *result)
{
	struct world *w = rd->w;
	struct oracle *o = &w->oracle;
	struct csum_request rq = { .op = CSUM_OP_READ, .sector = sector, .count = count };
	struct csum_split sp;
	int res = 0;

	if (room(rd, count) != 0)
		return -1;
	/* the user's buffer, zeroed as the host's is */
	memset(rd->buf, 0, (size_t)count * CSUM_SECTOR);
	oracle_prefetch(o, sector, count);
	for (uint32_t i = 0; i < count; i++) {
		rd->tags[i] = TAG_UNREAD;
		rd->floor[i] = oracle_crash_floor(o, sector + i);
	}
	memset(&sp, 0, sizeof(sp));
	sp.cap = csum_split_cap(count);
	sp.piece = rd->piece;
	memset(sp.piece, 0, (sp.cap ? sp.cap : 1) * sizeof(*sp.piece));
	w->ops->split(w->ctx, &rq, &sp);
	if (sp.map_result != 0) {
		res = sp.map_result;
	} else if (sp.expected == 0) {
		res = sp.error ? -CSUM_EIO : 0;
	} else {
		bool any_error = false;
		int piece_result = 0;

		/* a piece that never comes, or pieces the lock lets run side
		 * by side: the host's business */
		if (sp.expected != sp.n_pieces || !one_by_one(w, &sp))
			return 1;
		for (uint32_t i = 0; i < sp.n_pieces; i++) {
			bool released = true;
			int r;

			rq.now_ns = w->engine.now;
			if (run_piece(rd, &rq, &sp.piece[i], &r, &released) != 0)
				return 1;
			/* a lost lock stops every piece after it */
			if (!released && w->ops->lock_scope != CSUM_LOCK_NONE)
				return 1;
			if (r != 0) {
				any_error = true;
				piece_result = r;
			}
		}
		res = host_request_result(sp.evil, sp.error, any_error, piece_result);
	}
	oracle_prefetch(o, sector, count);
	for (uint32_t i = 0; i < count; i++) {
		int c;

		c = oracle_judge_read(o, sector + i, rd->floor[i], res != 0, rd->tags[i],
				      rd->buf + (size_t)i * CSUM_SECTOR);
		assert(c >= 0 && c < ORC_CLASS_COUNT);
		rd->cls[i] = (uint8_t)c;
	}
	*result = res;
	return 0;
}

/* The host shows a request's verdicts to the faults when it succeeded or
 * was one sector: kept until the read stands. */
static int seen(struct reader *rd, uint64_t sector, uint32_t count, int result)
{
	if (result != 0 && count != 1)
		return 0;
	if (grow_array((void **)&rd->seen_sector, &rd->cap_seen_sector, rd->n_seen + 1,
		       sizeof(*rd->seen_sector), 64) != 0 ||
	    grow_array((void **)&rd->seen_count, &rd->cap_seen_count, rd->n_seen + 1,
		       sizeof(*rd->seen_count), 64) != 0 ||
	    grow_array((void **)&rd->seen_cls, &rd->cap_seen_cls, rd->n_seen_cls + count, 1,
		       256) != 0)
		return -1;
	rd->seen_sector[rd->n_seen] = sector;
	rd->seen_count[rd->n_seen++] = count;
	memcpy(&rd->seen_cls[rd->n_seen_cls], rd->cls, count);
	rd->n_seen_cls += count;
	return 0;
}

/* One request read and given to on_run: 0 go on, 2 on_run stopped it, 1
 * or -1 as read_request. *result its result. */
static int one(struct reader *rd, uint64_t sector, uint32_t count, carry_read_fn on_run,
	       void *arg, int *result)
{
	int rc = read_request(rd, sector, count, result);

	if (rc != 0)
		return rc;
	if (seen(rd, sector, count, *result) != 0)
		return -1;
	return on_run(arg, sector, count, *result, rd->cls, rd->tags) != 0 ? 2 : 0;
}

static int read_all(struct reader *rd, const uint64_t *sector, const uint32_t *count,
		    uint64_t n, carry_read_fn on_run, void *arg)
{
	for (uint64_t j = 0; j < n; j++) {
		int result = 0, rc = one(rd, sector[j], count[j], on_run, arg, &result);

		if (rc != 0)
			return rc;
		/* a failed run: each of its sectors alone, as the recovery does */
		for (uint32_t i = 0; result != 0 && count[j] > 1 && i < count[j]; i++) {
			int r1 = 0;

			rc = one(rd, sector[j] + i, 1, on_run, arg, &r1);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int carry_read(struct world *w, const uint64_t *sector, const uint32_t *count, uint64_t n,
	       carry_read_fn on_run, void *arg, struct cs_err *err)
{
	struct reader rd;
	int rc;

	assert(carry_read_fits(w));
	memset(&rd, 0, sizeof(rd));
	rd.w = w;
	/* recover_tapped's start */
	if (world_power_back(w, err) != 0)
		return -1;
	for (unsigned i = 0; i < w->n_devs && i < CSUM_MAX_DEVS; i++)
		rd.dev_sectors[i] = world_dev_sectors(w, i);
	rd.job = malloc(w->ops->job_size ? w->ops->job_size : 1);
	rc = rd.job == NULL ? -1 : read_all(&rd, sector, count, n, on_run, arg);
	if (rc == 0 || rc == 2) {
		uint64_t at = 0;

		for (uint64_t i = 0; i < rd.n_seen; i++) {
			fault_set_observe_read(w->fs, rd.seen_sector[i], rd.seen_count[i],
					       &rd.seen_cls[at]);
			at += rd.seen_count[i];
		}
		rc = 0;
	}
	if (rc < 0)
		cs_err_set(err, "out of memory reading back the durable image");
	free(rd.job);
	free(rd.buf);
	free(rd.tags);
	free(rd.floor);
	free(rd.cls);
	free(rd.piece);
	free(rd.seen_sector);
	free(rd.seen_count);
	free(rd.seen_cls);
	return rc;
}
