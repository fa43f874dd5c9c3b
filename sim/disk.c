/* The emulated disk. Requests become jobs that walk through phases (drain,
 * preflush, data, postflush); the data and flush phases become operations
 * served by the media (HDD head, SSD channels, RAM) or by the bus between
 * host and cache. See docs/DISK.md for the semantics and the timing. */
#include "sim/disk.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fiu.h>

#include "sim/content.h"
#include "sim/disk_model.h"
#include "sim/disk_index.h"
#include "sim/disk_priv.h"


const char *const sim_disk_points[] = {
	SIM_DISK_READ_ERROR,
	SIM_DISK_WRITE_ERROR,
	SIM_DISK_FLUSH_ERROR,
	NULL,
};

static void advance(struct disk *d, struct job *j);


static bool cache_on(const struct disk *d)
{
	return d->model.p.cache.enabled;
}

/* The device claims FUA (cache.fua) but acknowledges FUA writes from its
 * volatile cache (disk.contract.fua: ignored). */
static bool fua_lies(const struct disk *d)
{
	return d->model.p.cache.fua && d->model.p.contract.fua == SC_IGNORED;
}

static bool fua_honoured(const struct disk *d)
{
	return d->model.p.cache.fua && !fua_lies(d);
}

/* ---- lists and pools ------------------------------------------------- */

static void ol_append(struct oplist *l, struct op *o)
{
	o->next = NULL;
	o->prev = l->tail;
	if (l->tail)
		l->tail->next = o;
	else
		l->head = o;
	l->tail = o;
}

static void ol_remove(struct oplist *l, struct op *o)
{
	if (o->prev)
		o->prev->next = o->next;
	else
		l->head = o->next;
	if (o->next)
		o->next->prev = o->prev;
	else
		l->tail = o->prev;
	o->prev = o->next = NULL;
}

static struct op *op_new(struct disk *d, uint8_t kind, struct job *j)
{
	struct op *o = d->free_ops;

	if (o != NULL) {
		d->free_ops = o->next;
	} else {
		if (d->n_ops == d->cap_ops) {
			uint32_t ncap = d->cap_ops ? d->cap_ops * 2 : 64;
			struct op **n = realloc(d->ops, ncap * sizeof(*n));

			if (n == NULL)
				die_oom();
			d->ops = n;
			d->cap_ops = ncap;
		}
		o = malloc(sizeof(*o));
		if (o == NULL)
			die_oom();
		o->slot = d->n_ops;
		d->ops[d->n_ops++] = o;
	}
	o->kind = kind;
	o->is_free = false;
	o->in_svc = false;
	o->host = j != NULL;
	o->job = j;
	o->entry = NULL;
	o->sector = j ? j->r->sector : 0;
	o->count = j ? j->r->count : 0;
	o->prev = o->next = NULL;
	return o;
}

static void op_free(struct disk *d, struct op *o)
{
	o->is_free = true;
	o->next = d->free_ops;
	d->free_ops = o;
}

static struct job *job_new(struct disk *d, struct disk_req *r)
{
	struct job *j = d->free_jobs;
	uint32_t slot;

	if (j != NULL) {
		d->free_jobs = j->next;
		slot = j->slot;
	} else {
		if (d->n_jobs == d->cap_jobs) {
			uint32_t ncap = d->cap_jobs ? d->cap_jobs * 2 : 64;
			struct job **n = realloc(d->jobs, ncap * sizeof(*n));

			/* test hook: a growth that finds no memory (rare, so cheap) */
			if (n == NULL || fiu_fail("sim/disk/oom"))
				die_oom();
			d->jobs = n;
			d->cap_jobs = ncap;
		}
		j = malloc(sizeof(*j));
		if (j == NULL)
			die_oom();
		slot = d->n_jobs;
		d->jobs[d->n_jobs++] = j;
	}
	memset(j, 0, sizeof(*j));
	j->slot = slot;
	j->r = r;
	return j;
}

static void job_free(struct disk *d, struct job *j)
{
	j->is_free = true;
	j->next = d->free_jobs;
	d->free_jobs = j;
}

static void schedule(struct disk *d, uint64_t dt, engine_fn fn, uint64_t a)
{
	if (engine_after(d->e, dt, fn, d, a) != 0)
		die_oom();
}

static void busy_inc(struct disk *d)
{
	if (d->busy_count++ == 0)
		d->busy_since = d->e->now;
}

static void busy_dec(struct disk *d)
{
	if (--d->busy_count == 0)
		d->st.busy_ns += d->e->now - d->busy_since;
}

static void mark_started(struct disk *d, struct job *j)
{
	if (j != NULL && !j->started) {
		j->started = true;
		j->r->t_start = d->e->now;
	}
}

/* ---- cache index ------------------------------------------------------ */


/* The live cache entry holding the newest copy of `sector`, given the
 * index slot of its run (dix_run_of), or NULL. */
static struct centry *cache_lookup_in(const struct disk *d, struct dix_run *run, uint64_t sector)
{
	const struct cslot *v = dix_in(run, sector);
	struct centry *e;

	if (v == NULL || v->newest == 0)
		return NULL;
	e = entry_at(d, v->newest - 1);
	if (e == NULL || e->landed || e->seq < v->landed)
		return NULL; /* a newer write already reached the media */
	/* a live entry the index names covers the sector (a reused entry
	 * still named would not: released ones are poisoned) */
	assert(sector >= e->sector && sector - e->sector < e->count);
	return e;
}

/* The index slot of sector's run, reusing *run when sector is in the same
 * run as the last call (the sectors of a request are consecutive). */
static struct dix_run *run_for(const struct disk *d, struct dix_run **run, uint64_t *run_no,
			       uint64_t sector)
{
	if (*run_no != sector >> DIX_SHIFT) {
		*run_no = sector >> DIX_SHIFT;
		*run = dix_run_of(&d->cmap, sector);
	}
	return *run;
}

static void cq_push(struct disk *d, struct centry *e)
{
	if (d->tail_num - d->head_num == d->cq_cap) {
		uint64_t ncap = d->cq_cap ? d->cq_cap * 2 : 64;
		struct centry **n = malloc(ncap * sizeof(*n));

		if (n == NULL)
			die_oom();
		for (uint64_t k = d->head_num; k < d->tail_num; k++)
			n[k & (ncap - 1)] = d->cq[k & (d->cq_cap - 1)];
		free(d->cq);
		d->cq = n;
		d->cq_cap = ncap;
	}
	d->cq[e->num & (d->cq_cap - 1)] = e;
}

/* A landed or dropped entry goes back to the spares. */
static void entry_release(struct disk *d, struct centry *e)
{
#ifndef NDEBUG
	/* a stale reader of a released entry sees garbage, not the old write */
	if (e->own.tags != NULL)
		memset(e->own.tags, 0xa5, (size_t)e->own.room * sizeof(*e->own.tags));
	e->sector = UINT64_MAX;
	e->count = 0;
#endif
	e->next_spare = d->spare_entries;
	d->spare_entries = e;
}

static void entry_free(struct centry *e)
{
	free(e->own.tags);
	free(e->own.bytes);
	free(e);
}

/* A zeroed entry as calloc would give it, with tags for `count` sectors and,
 * when `bytes`, room for their bytes (contents left as they were: callers
 * write every sector they read back). */
static struct centry *entry_get(struct disk *d, uint32_t count, bool bytes)
{
	struct centry *e = d->spare_entries;

	if (e == NULL) {
		e = calloc(1, sizeof(*e));
		if (e == NULL)
			die_oom();
	} else {
		struct centry_own own = e->own;

		d->spare_entries = e->next_spare;
		memset(e, 0, sizeof(*e));
		e->own = own;
	}
	if (e->own.room < count) {
		uint64_t *t = realloc(e->own.tags, (size_t)count * sizeof(*t));

		if (t == NULL)
			die_oom();
		e->own.tags = t;
		e->own.room = count;
	}
	if (bytes && e->own.bytes_room < count) {
		free(e->own.bytes);
		e->own.bytes = malloc((size_t)count * CSUM_SECTOR);
		if (e->own.bytes == NULL)
			die_oom();
		e->own.bytes_room = count;
	}
	e->tags = e->own.tags;
	e->bytes = bytes ? e->own.bytes : NULL;
	return e;
}

/* Lowest seq of a host media write in flight: their landing still consults
 * the landed seqs, so the index must keep those. */
static uint64_t min_inflight_write(const struct disk *d)
{
	uint64_t min = UINT64_MAX;

	for (uint32_t i = 0; i < d->n_ops; i++) {
		const struct op *o = d->ops[i];

		if (!o->is_free && o->kind == OP_WRITE && o->job->r->seq < min)
			min = o->job->r->seq;
	}
	return min;
}

/* Drop index slots of sectors no live entry covers (the index has no delete),
 * so the index stays proportional to the cache, not to history. */
static void cmap_rebuild(struct disk *d)
{
	struct disk_index n;
	uint64_t keep_from = min_inflight_write(d), key;
	size_t pos = 0;
	struct cslot *ov;

	dix_init(&n);
	while (dix_next(&d->cmap, &pos, &key, &ov)) {
		struct cslot *nv;

		if (ov->landed == 0 || ov->landed < keep_from)
			continue;
		nv = dix_put(&n, key, NULL);
		if (nv == NULL)
			die_oom();
		nv->landed = ov->landed;
	}
	for (uint64_t k = d->head_num; k < d->tail_num; k++) {
		const struct centry *e = entry_at(d, k);

		if (e->landed)
			continue;
		for (uint32_t i = 0; i < e->count; i++) {
			int created;
			struct cslot *nv = dix_put(&n, e->sector + i, &created);

			if (nv == NULL)
				die_oom();
			if (created) {
				ov = dix_get(&d->cmap, e->sector + i);
				nv->landed = ov ? ov->landed : 0;
			}
			nv->newest = e->num + 1;
		}
	}
	dix_free(&d->cmap);
	d->cmap = n;
}

/* ---- persisting ------------------------------------------------------- */

/* Write one request's worth of sectors to the media through on_persist.
 * A sector already holding a newer write's data (by seq) keeps it. At a
 * crash (`crash`), landed seqs are not updated, so the hook's order among
 * the kept writes decides. */
static void persist(struct disk *d, uint64_t seq, uint64_t sector, uint32_t count,
		    const uint64_t *tags, const uint8_t *bytes, bool crash)
{
	struct fault_persist fp = {
		.dev = d->dev, .sector = sector, .count = count,
		.skip = false, .persist_mask = UINT64_MAX,
	};
	struct dix_run *run = NULL;
	uint64_t run_no = DIX_EMPTY;
	/* tags not yet written: sectors fp.sector + [at, at + n), written
	 * together (media_write_tags) before any other media write */
	uint32_t at = 0, n = 0;

	if (d->hooks.on_persist != NULL)
		d->hooks.on_persist(d->hooks.ctx, &fp);
	if (fp.skip)
		return;
	media_prefetch(d->m, d->dev, fp.sector, count);
	for (uint32_t i = 0; i < count; i++) {
		uint64_t t = fp.sector + i, tag;
		struct cslot *v = NULL;
		const uint8_t *src = NULL;

		if (i < 64 && !((fp.persist_mask >> i) & 1))
			continue;
		if (t < fp.sector || t >= d->sectors)
			continue; /* misdirected past the end: lost */
		v = dix_in(run_for(d, &run, &run_no, t), t);
		if (v != NULL && v->landed > seq)
			continue;
		tag = tags ? tags[i] : CSUM_TAG_NONE;
		if (tag != CSUM_TAG_NONE && n > 0 && at + n == i) {
			n++;
		} else {
			if (n > 0 && media_write_tags(d->m, d->dev, fp.sector + at, n, tags + at) != 0)
				die_oom();
			n = 0;
			if (tag != CSUM_TAG_NONE) {
				at = i;
				n = 1;
			} else {
				if (bytes != NULL)
					src = bytes + (size_t)i * CSUM_SECTOR;
				if (media_write(d->m, d->dev, t, tag, src) != 0)
					die_oom();
			}
		}
		/* (the landed seqs are the disk's own: no media write reads them) */
		if (v != NULL && !crash)
			v->landed = seq;
	}
	if (n > 0 && media_write_tags(d->m, d->dev, fp.sector + at, n, tags + at) != 0)
		die_oom();
}

/* ---- the media server ------------------------------------------------- */

static struct op *pick(struct disk *d)
{
	const struct sc_hdd *h = &d->model.p.hdd;
	uint64_t pos = d->model.head_sector;
	struct op *best = NULL;
	uint64_t best_key = 0;
	bool best_ahead = false;

	if (d->model.p.profile != SC_DISK_HDD || h->sched == SC_SCHED_FIFO)
		return d->drive.head;
	/* the list is in arrival order, so strict comparisons keep the oldest
	 * of equals */
	for (struct op *o = d->drive.head; o != NULL; o = o->next) {
		uint64_t s = o->kind == OP_FLUSH ? pos : o->sector; /* no head move */

		if (h->sched == SC_SCHED_SSTF) {
			uint64_t dist = s > pos ? s - pos : pos - s;

			if (best == NULL || dist < best_key) {
				best = o;
				best_key = dist;
			}
		} else {
			/* C-LOOK: lowest sector at or after the head, else wrap */
			bool ahead = s >= pos;

			if (best == NULL || (ahead && !best_ahead) ||
			    (ahead == best_ahead && s < best_key)) {
				best = o;
				best_key = s;
				best_ahead = ahead;
			}
		}
	}
	return best;
}

static void ev_op(void *arg, uint64_t a);

static uint64_t op_token(const struct disk *d, const struct op *o)
{
	return ((uint64_t)d->epoch << 32) | o->slot;
}

static void media_kick(struct disk *d)
{
	unsigned slots = dmodel_slots(&d->model);

	while (d->in_service < slots && d->drive.head != NULL) {
		struct op *o = pick(d);
		enum dmodel_op mop = o->kind == OP_READ ? DMODEL_READ :
				     o->kind == OP_FLUSH ? DMODEL_FLUSH : DMODEL_WRITE;
		bool seeked;
		uint64_t dt;

		ol_remove(&d->drive, o);
		dt = dmodel_service(&d->model, d->e->now, mop, o->sector, o->count, &seeked);
		if (seeked)
			d->st.seeks++;
		d->in_service++;
		o->in_svc = true;
		if (o->entry != NULL)
			o->entry->in_svc = true;
		busy_inc(d);
		mark_started(d, o->job);
		schedule(d, dt, ev_op, op_token(d, o));
	}
}

static uint32_t queue_depth(const struct disk *d)
{
	if (d->model.p.profile != SC_DISK_HDD)
		return UINT32_MAX;
	return d->model.p.hdd.queue_depth ? d->model.p.hdd.queue_depth : 1;
}

static void media_enqueue(struct disk *d, struct op *o)
{
	if (o->host) {
		if (d->host_in_drive >= queue_depth(d)) {
			ol_append(&d->hostq, o);
			return;
		}
		d->host_in_drive++;
	}
	ol_append(&d->drive, o);
	media_kick(d);
}

/* ---- the cache -------------------------------------------------------- */

static void destage_one(struct disk *d, struct centry *e)
{
	struct op *o = op_new(d, OP_DESTAGE, NULL);

	e->destaging = true;
	d->destaging += e->count;
	o->entry = e;
	o->sector = e->sector;
	o->count = e->count;
	media_enqueue(d, o);
}

/* Start destaging every entry below `limit`, oldest first. */
static void destage_upto(struct disk *d, uint64_t limit)
{
	while (d->cursor < limit && d->cursor < d->tail_num) {
		destage_one(d, entry_at(d, d->cursor));
		d->cursor++;
	}
}

/* Room for `need` more sectors now? If not, start destaging the oldest
 * entries until enough will be freed when they land. */
static bool cache_make_room(struct disk *d, uint64_t need)
{
	uint64_t cap = d->model.p.cache.sectors;

	if (d->cached + d->reserved + need <= cap)
		return true;
	while (d->cached + d->reserved - d->destaging + need > cap && d->cursor < d->tail_num) {
		destage_one(d, entry_at(d, d->cursor));
		d->cursor++;
	}
	return false;
}

static void start_flush_cmd(struct disk *d, struct job *j)
{
	media_enqueue(d, op_new(d, OP_FLUSH, j));
}

static void check_waiters(struct disk *d)
{
	struct job **pp = &d->waiters;

	while (*pp != NULL) {
		struct job *j = *pp;

		if (d->head_num >= j->flush_target) {
			*pp = j->next;
			j->next = NULL;
			start_flush_cmd(d, j);
		} else {
			pp = &j->next;
		}
	}
}

static void start_flush(struct disk *d, struct job *j, uint64_t target, bool pre)
{
	j->flush_is_pre = pre;
	/* a disk that ignores flushes acknowledges one with its cache still full */
	if (!cache_on(d) || d->model.p.contract.flush == SC_IGNORED) {
		start_flush_cmd(d, j);
		return;
	}
	j->flush_target = target;
	j->next = d->waiters;
	d->waiters = j;
	destage_upto(d, target);
	check_waiters(d);
}

static void entry_landed(struct disk *d, struct centry *e)
{
	e->landed = true;
	d->cached -= e->count;
	d->destaging -= e->count;
	while (d->head_num < d->tail_num) {
		struct centry *h = entry_at(d, d->head_num);

		if (!h->landed)
			break;
		entry_release(d, h);
		d->head_num++;
	}
	if (d->cmap.len > 2 * (d->cached + d->reserved) + 4096)
		cmap_rebuild(d);
	check_waiters(d);
}

static void cache_accept(struct disk *d, struct job *j)
{
	const struct disk_req *r = j->r;
	struct centry *e;
	bool any_bytes = r->tags == NULL && r->count > 0;

	for (uint32_t i = 0; i < r->count && !any_bytes; i++)
		any_bytes = r->tags[i] == CSUM_TAG_NONE;
	e = entry_get(d, r->count, any_bytes);
	e->num = d->tail_num;
	e->seq = r->seq;
	e->append = r->append;
	e->flush_epoch = r->flush_epoch;
	e->sector = r->sector;
	e->count = r->count;
	for (uint32_t i = 0; i < r->count; i++)
		e->tags[i] = r->tags ? r->tags[i] : CSUM_TAG_NONE;
	if (any_bytes) {
		for (uint32_t i = 0; i < r->count; i++) {
			uint8_t *dst = e->bytes + (size_t)i * CSUM_SECTOR;

			if (e->tags[i] != CSUM_TAG_NONE)
				continue;
			if (r->buf != NULL)
				memcpy(dst, r->buf + (size_t)i * CSUM_SECTOR, CSUM_SECTOR);
			else
				memset(dst, 0, CSUM_SECTOR);
		}
	}
	cq_push(d, e);
	d->tail_num++;
	d->cached += e->count;
	for (uint32_t i = 0; i < e->count; i++) {
		struct cslot *v = dix_put(&d->cmap, e->sector + i, NULL);

		if (v == NULL)
			die_oom();
		v->newest = e->num + 1;
	}
	j->in_cache = true;
	j->entry_num = e->num;
}

/* ---- the bus ---------------------------------------------------------- */

static void bus_kick(struct disk *d)
{
	while (!d->bus_busy && d->bus.head != NULL) {
		struct op *o = d->bus.head;

		if (o->kind == OP_BUS_WRITE) {
			if (!cache_make_room(d, o->count))
				return; /* blocked until destages land */
			d->reserved += o->count;
		}
		ol_remove(&d->bus, o);
		d->bus_busy = true;
		busy_inc(d);
		mark_started(d, o->job);
		schedule(d, dmodel_bus(&d->model, o->count), ev_op, op_token(d, o));
	}
}

/* ---- request data ----------------------------------------------------- */

static bool all_cached(const struct disk *d, const struct disk_req *r)
{
	struct dix_run *run = NULL;
	uint64_t run_no = DIX_EMPTY;

	for (uint32_t i = 0; i < r->count; i++) {
		uint64_t s = r->sector + i;

		if (cache_lookup_in(d, run_for(d, &run, &run_no, s), s) == NULL)
			return false;
	}
	return true;
}

/* Read content at completion time: the newest cached copy, else the media
 * (where on_read may fail the request). */
static int fill_read(struct disk *d, struct disk_req *r)
{
	uint64_t seed = media_content_seed(d->m);
	struct dix_run *run = NULL;
	uint64_t run_no = DIX_EMPTY;

	media_prefetch(d->m, d->dev, r->sector, r->count);
	for (uint32_t i = 0; i < r->count; i++) {
		uint64_t s = r->sector + i, tag;
		uint8_t *out = r->buf ? r->buf + (size_t)i * CSUM_SECTOR : NULL;
		const struct centry *e = cache_lookup_in(d, run_for(d, &run, &run_no, s), s);

		if (e != NULL) {
			uint64_t off = s - e->sector;

			tag = e->tags[off];
			if (out != NULL) {
				if (tag != CSUM_TAG_NONE)
					content_fill(seed, tag, out);
				else
					memcpy(out, e->bytes + off * CSUM_SECTOR, CSUM_SECTOR);
			}
		} else {
			if (d->hooks.on_read != NULL && d->hooks.on_read(d->hooks.ctx, d->dev, s))
				return -CSUM_EIO;
			tag = media_read(d->m, d->dev, s, out);
		}
		if (r->tags != NULL)
			r->tags[i] = tag;
	}
	return 0;
}

static void start_data(struct disk *d, struct job *j)
{
	const struct disk_req *r = j->r;
	const struct sc_cache *c = &d->model.p.cache;

	if (r->kind == CSUM_IO_READ) {
		if (cache_on(d) && all_cached(d, r)) {
			ol_append(&d->bus, op_new(d, OP_BUS_READ, j));
			bus_kick(d);
		} else {
			media_enqueue(d, op_new(d, OP_READ, j));
		}
		return;
	}
	if (!cache_on(d) || ((r->flags & CSUM_IOF_FUA || j->barrier) && fua_honoured(d)) ||
	    r->count > c->sectors) {
		media_enqueue(d, op_new(d, OP_WRITE, j));
		return;
	}
	ol_append(&d->bus, op_new(d, OP_BUS_WRITE, j));
	bus_kick(d);
}

/* ---- requests --------------------------------------------------------- */

static void ev_deliver(void *arg, uint64_t a)
{
	struct disk *d = arg;
	struct disk_req *r;

	if ((uint32_t)a != d->epoch || d->done_head == NULL)
		return;
	r = d->done_head;
	d->done_head = r->next;
	if (d->done_head == NULL)
		d->done_tail = NULL;
	r->next = NULL;
	/* last thing: the callback may submit, or even crash the disk */
	if (r->done != NULL)
		r->done(r->arg, r);
}

static void ev_idle(void *arg, uint64_t a)
{
	struct disk *d = arg;

	if ((uint32_t)(a >> 32) != d->epoch || (uint32_t)a != d->idle_gen || d->active != 0)
		return;
	destage_upto(d, d->tail_num);
}

static void admit(struct disk *d, struct disk_req *r);

static void release_held(struct disk *d)
{
	while (d->barrier == NULL && d->held_head != NULL) {
		struct disk_req *r = d->held_head;

		d->held_head = r->next;
		if (d->held_head == NULL)
			d->held_tail = NULL;
		r->next = NULL;
		admit(d, r);
	}
}

static void finish_job(struct disk *d, struct job *j, int err)
{
	struct disk_req *r = j->r;
	bool was_barrier = d->barrier == j;

	assert(!j->is_free); /* each request completes once */
	r->error = err;
	r->t_done = d->e->now;
	if (!j->started)
		r->t_start = d->e->now;
	switch (r->kind) {
	case CSUM_IO_READ:
		d->st.reads++;
		d->st.read_sectors += r->count;
		break;
	case CSUM_IO_WRITE:
		d->st.writes++;
		d->st.write_sectors += r->count;
		if (r->flags & CSUM_IOF_FUA)
			d->st.fua_writes++;
		if (r->flags & CSUM_IOF_BARRIER)
			d->st.barrier_writes++;
		break;
	default:
		d->st.flushes++;
		break;
	}
	d->active--;
	job_free(d, j);

	r->next = NULL;
	if (d->done_tail)
		d->done_tail->next = r;
	else
		d->done_head = r;
	d->done_tail = r;
	schedule(d, 0, ev_deliver, d->epoch);

	if (was_barrier) {
		d->barrier = NULL;
		release_held(d);
	} else if (d->barrier != NULL && d->barrier->phase == J_DRAIN && d->active == 1) {
		advance(d, d->barrier);
	}
	if (d->active == 0 && d->model.p.cache.destage_idle_ms > 0 && d->cursor < d->tail_num)
		schedule(d, (uint64_t)(d->model.p.cache.destage_idle_ms * 1e6), ev_idle,
			 ((uint64_t)d->epoch << 32) | d->idle_gen);
}

static void advance(struct disk *d, struct job *j)
{
	const struct disk_req *r = j->r;

	for (;;) {
		switch (j->phase) {
		case J_DRAIN:
			if (j->barrier && d->active > 1)
				return; /* finish_job wakes it */
			j->phase = J_PRE;
			break;
		case J_PRE:
			j->phase = J_DATA;
			if (j->preflush) {
				start_flush(d, j, d->tail_num, true);
				return;
			}
			break;
		case J_DATA:
			j->phase = J_POST;
			if (r->kind != CSUM_IO_FLUSH && r->count > 0) {
				start_data(d, j);
				return;
			}
			break;
		case J_POST:
			j->phase = J_END;
			/* no FUA on the device: write, then flush it out (a disk
			 * that claims FUA and ignores it acknowledges from the cache) */
			if (j->in_cache && (r->flags & CSUM_IOF_FUA || j->barrier) &&
			    !fua_lies(d)) {
				start_flush(d, j, j->entry_num + 1, false);
				return;
			}
			break;
		default:
			finish_job(d, j, j->err);
			return;
		}
	}
}

static bool out_of_range(const struct disk *d, const struct disk_req *r)
{
	if (r->kind == CSUM_IO_FLUSH || r->count == 0)
		return false;
	return r->count > d->sectors || r->sector > d->sectors - r->count;
}

/* An injected failure completes here, one command overhead after admission. */
static void ev_injected(void *arg, uint64_t a)
{
	struct disk *d = arg;
	struct job *j;

	if ((uint32_t)(a >> 32) != d->epoch || (uint32_t)a >= d->n_jobs)
		return;
	j = d->jobs[(uint32_t)a];
	if (!j->is_free)
		finish_job(d, j, -CSUM_EIO);
}

static void admit(struct disk *d, struct disk_req *r)
{
	struct job *j = job_new(d, r);

	d->active++;
	d->idle_gen++;
	if (r->kind > CSUM_IO_FLUSH || out_of_range(d, r)) {
		finish_job(d, j, -CSUM_EIO);
		return;
	}
	if (r->state & REQ_INJECTED) {
		/* the drive rejects the command: it costs the command overhead,
		 * touches neither cache nor media, and is no barrier */
		enum dmodel_op op = r->kind == CSUM_IO_READ  ? DMODEL_READ :
				    r->kind == CSUM_IO_WRITE ? DMODEL_WRITE :
							       DMODEL_FLUSH;

		mark_started(d, j);
		j->phase = J_END;
		schedule(d, dmodel_overhead(&d->model, op), ev_injected,
			 ((uint64_t)d->epoch << 32) | j->slot);
		return;
	}
	j->barrier = r->kind != CSUM_IO_READ && (r->flags & CSUM_IOF_BARRIER);
	j->preflush = r->kind == CSUM_IO_FLUSH ||
		      (r->kind == CSUM_IO_WRITE &&
		       ((r->flags & CSUM_IOF_PREFLUSH) || (j->barrier && cache_on(d))));
	if (j->barrier)
		d->barrier = j;
	j->phase = J_DRAIN;
	advance(d, j);
}

static void ev_op(void *arg, uint64_t a)
{
	struct disk *d = arg;
	struct op *o;
	struct job *j;

	if ((uint32_t)(a >> 32) != d->epoch || (uint32_t)a >= d->n_ops)
		return;
	o = d->ops[(uint32_t)a];
	if (o->is_free)
		return;
	j = o->job;
	busy_dec(d);
	if (o->kind == OP_BUS_READ || o->kind == OP_BUS_WRITE) {
		d->bus_busy = false;
	} else {
		d->in_service--;
		if (o->host && d->hostq.head == NULL) {
			d->host_in_drive--;
		} else if (o->host) {
			/* its queue slot passes to the oldest waiting host op */
			struct op *w = d->hostq.head;

			ol_remove(&d->hostq, w);
			ol_append(&d->drive, w);
		}
	}
	switch (o->kind) {
	case OP_READ:
	case OP_BUS_READ:
		j->err = fill_read(d, j->r);
		advance(d, j);
		break;
	case OP_WRITE:
		d->st.media_writes++;
		d->st.media_write_sectors += o->count;
		persist(d, j->r->seq, j->r->sector, j->r->count, j->r->tags, j->r->buf, false);
		advance(d, j);
		break;
	case OP_BUS_WRITE:
		d->reserved -= o->count;
		cache_accept(d, j);
		advance(d, j);
		break;
	case OP_DESTAGE:
		d->st.media_writes++;
		d->st.media_write_sectors += o->count;
		d->st.destaged_sectors += o->count;
		persist(d, o->entry->seq, o->entry->sector, o->entry->count, o->entry->tags,
			o->entry->bytes, false);
		entry_landed(d, o->entry);
		break;
	default: /* OP_FLUSH */
		d->st.cache_flushes++;
		if (j->flush_is_pre && j->r->kind == CSUM_IO_WRITE)
			d->st.preflushes++;
		advance(d, j);
		break;
	}
	op_free(d, o);
	media_kick(d);
	bus_kick(d);
}

/* ---- public ----------------------------------------------------------- */

struct disk *disk_new(struct engine *e, const struct sc_disk *p, struct media *m,
		      unsigned dev, uint64_t sectors, const struct fault_hooks *hooks,
		      struct cs_err *err)
{
	struct disk *d;
	const char *why = NULL;

	if (sectors == 0 || sectors >= (UINT64_C(1) << 60))
		return cs_err_set(err, "disk %u: size %llu sectors is out of range", dev,
				  (unsigned long long)sectors), NULL;
	if (dev > 15)
		return cs_err_set(err, "disk %u: device number must be < 16", dev), NULL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return cs_err_set(err, "disk %u: out of memory", dev), NULL;
	if (dmodel_init(&d->model, p, sectors, &why) != 0) {
		free(d);
		return cs_err_set(err, "disk %u: %s", dev, why), NULL;
	}
	d->e = e;
	d->m = m;
	d->dev = dev;
	d->sectors = sectors;
	if (hooks != NULL)
		d->hooks = *hooks;
	dix_init(&d->cmap);
	return d;
}

static void drop_everything(struct disk *d)
{
	for (uint64_t k = d->head_num; k < d->tail_num; k++)
		entry_release(d, entry_at(d, k));
	d->head_num = d->tail_num = d->cursor = 0;
	d->cached = d->reserved = d->destaging = 0;
	dix_free(&d->cmap);
	d->free_ops = NULL;
	for (uint32_t i = 0; i < d->n_ops; i++) {
		d->ops[i]->is_free = true;
		d->ops[i]->next = d->free_ops;
		d->free_ops = d->ops[i];
	}
	d->free_jobs = NULL;
	for (uint32_t i = 0; i < d->n_jobs; i++) {
		d->jobs[i]->is_free = true;
		d->jobs[i]->next = d->free_jobs;
		d->free_jobs = d->jobs[i];
	}
	memset(&d->drive, 0, sizeof(d->drive));
	memset(&d->hostq, 0, sizeof(d->hostq));
	memset(&d->bus, 0, sizeof(d->bus));
	d->host_in_drive = d->in_service = 0;
	d->bus_busy = false;
	d->busy_count = 0;
	d->active = 0;
	d->barrier = NULL;
	d->held_head = d->held_tail = NULL;
	d->done_head = d->done_tail = NULL;
	d->waiters = NULL;
	d->epoch++;
	dmodel_reset(&d->model);
}

void disk_free(struct disk *d)
{
	if (d == NULL)
		return;
	drop_everything(d);
	dix_free(&d->cmap);
	while (d->spare_entries != NULL) {
		struct centry *e = d->spare_entries;

		d->spare_entries = e->next_spare;
		entry_free(e);
	}
	for (uint32_t i = 0; i < d->n_ops; i++)
		free(d->ops[i]);
	for (uint32_t i = 0; i < d->n_jobs; i++)
		free(d->jobs[i]);
	free(d->ops);
	free(d->jobs);
	free(d->cq);
	free(d->vw);
	free(d->vw_tags);
	free(d->vw_bytes);
	free(d->vw_first);
	free(d->vw_ops);
	free(d);
}

/* The libfiu point of a request kind, or NULL. */
static const char *fail_point(uint8_t kind)
{
	switch (kind) {
	case CSUM_IO_READ:
		return SIM_DISK_READ_ERROR;
	case CSUM_IO_WRITE:
		return SIM_DISK_WRITE_ERROR;
	case CSUM_IO_FLUSH:
		return SIM_DISK_FLUSH_ERROR;
	default:
		return NULL;
	}
}

/* ---- a copy after a power cycle (sim/recovery_world.c) ----------------- */

struct disk *disk_power_cycled(const struct disk *d, struct cs_err *err)
{
	struct disk *c = disk_new(d->e, &d->model.p, d->m, d->dev, d->sectors, &d->hooks, err);

	if (c == NULL)
		return NULL;
	/* what disk_crash() leaves of d: its counters and stats go on */
	c->no_fault_points = d->no_fault_points;
	c->st = d->st;
	if (d->busy_count > 0)
		c->st.busy_ns += d->e->now - d->busy_since;
	c->epoch = d->epoch + 1;
	c->seq = d->seq;
	c->flush_epoch = d->flush_epoch;
	c->written_end = d->written_end;
	return c;
}

void disk_no_fault_points(struct disk *d)
{
	d->no_fault_points = true;
}

/* The contract's flush epochs and appends, in submission order: a flush
 * before the request (empty flush, preflush, barrier) opens a new epoch for
 * it; a flush after it (FUA or barrier emulated by a postflush) for the
 * requests after it. */
static void mark_epoch(struct disk *d, struct disk_req *r)
{
	bool write = r->kind == CSUM_IO_WRITE;
	bool barrier = write && (r->flags & CSUM_IOF_BARRIER);

	if (r->kind == CSUM_IO_FLUSH || (write && (r->flags & CSUM_IOF_PREFLUSH)) || barrier)
		d->flush_epoch++;
	r->flush_epoch = d->flush_epoch;
	r->append = write && r->count > 0 && r->sector + r->count > d->written_end;
	if (r->append)
		d->written_end = r->sector + r->count;
	if (cache_on(d) && (barrier || (write && (r->flags & CSUM_IOF_FUA))) &&
	    !d->model.p.cache.fua)
		d->flush_epoch++;
}

void disk_prefetch(const struct disk *d, uint64_t sector, uint32_t count, bool entry)
{
	if (sector >= d->sectors)
		return;
	if (count > d->sectors - sector)
		count = (uint32_t)(d->sectors - sector);
	if (entry)
		media_prefetch_entry(d->m, d->dev, sector, count);
	else
		media_prefetch(d->m, d->dev, sector, count);
}

void disk_prefetch_meta(const struct disk *d, uint64_t sector, uint32_t count, bool entry)
{
	if (sector >= d->sectors)
		return;
	if (count > d->sectors - sector)
		count = (uint32_t)(d->sectors - sector);
	disk_prefetch(d, sector, count, entry);
	for (uint32_t i = 0; i < count; i++)
		media_prefetch_bytes(d->m, d->dev, sector + i, entry);
}

void disk_submit(struct disk *d, struct disk_req *r)
{
	const char *point = fail_point(r->kind);

	r->error = 0;
	r->t_submit = d->e->now;
	r->t_start = r->t_done = 0;
	r->seq = ++d->seq;
	r->state = 0;
	r->next = NULL;
	mark_epoch(d, r);
	/* asked once per request, in submission order, so "the nth" is stable */
	if (point != NULL && !d->no_fault_points && fiu_fail(point))
		r->state |= REQ_INJECTED;
	if (d->barrier != NULL || d->held_head != NULL) {
		/* behind a barrier: held in submission order */
		if (d->held_tail)
			d->held_tail->next = r;
		else
			d->held_head = r;
		d->held_tail = r;
		return;
	}
	admit(d, r);
}

/* Would any sector of e still land (no newer write already durable)? */
static bool entry_matters(const struct disk *d, const struct centry *e)
{
	for (uint32_t i = 0; i < e->count; i++) {
		const struct cslot *v = dix_get(&d->cmap, e->sector + i);

		if (v == NULL || v->landed <= e->seq)
			return true;
	}
	return false;
}

void disk_crash(struct disk *d)
{
	uint64_t seed = media_content_seed(d->m);
	uint32_t n = 0;
	struct centry **ents = NULL;
	struct fault_cached_write *w = NULL;
	bool *keep = NULL, *applied = NULL;
	uint32_t *order = NULL;
	uint64_t live = d->tail_num - d->head_num;

	if (d->busy_count > 0)
		d->st.busy_ns += d->e->now - d->busy_since;
	if (live > 0) {
		ents = calloc(live, sizeof(*ents));
		w = calloc(live, sizeof(*w));
		keep = calloc(live, sizeof(*keep));
		applied = calloc(live, sizeof(*applied));
		order = calloc(live, sizeof(*order));
		if (!ents || !w || !keep || !applied || !order)
			die_oom();
	}
	for (uint64_t k = d->head_num; k < d->tail_num; k++) {
		struct centry *e = entry_at(d, k);
		uint8_t *bytes;

		if (e->landed || !entry_matters(d, e))
			continue;
		bytes = malloc((size_t)e->count * CSUM_SECTOR);
		if (bytes == NULL)
			die_oom();
		for (uint32_t i = 0; i < e->count; i++) {
			uint8_t *dst = bytes + (size_t)i * CSUM_SECTOR;

			if (e->tags[i] != CSUM_TAG_NONE)
				content_fill(seed, e->tags[i], dst);
			else
				memcpy(dst, e->bytes + (size_t)i * CSUM_SECTOR, CSUM_SECTOR);
		}
		ents[n] = e;
		w[n] = (struct fault_cached_write){
			.dev = d->dev, .sector = e->sector, .count = e->count,
			.seq = e->seq, .tags = e->tags, .bytes = bytes,
			.in_service = e->in_svc,
		};
		order[n] = n;
		n++;
	}
	if (n > 0 && d->hooks.on_crash != NULL)
		d->hooks.on_crash(d->hooks.ctx, w, n, keep, order);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = order[k];

		if (i >= n || applied[i])
			continue;
		applied[i] = true;
		if (!keep[i])
			continue;
		d->st.media_writes++;
		d->st.media_write_sectors += ents[i]->count;
		persist(d, ents[i]->seq, ents[i]->sector, ents[i]->count, ents[i]->tags,
			ents[i]->bytes, true);
	}
	for (uint32_t k = 0; k < n; k++)
		free((void *)w[k].bytes);
	free(ents);
	free(w);
	free(keep);
	free(applied);
	free(order);
	drop_everything(d);
}

const struct disk_stats *disk_stats(const struct disk *d)
{
	return &d->st;
}

uint64_t disk_cached_sectors(const struct disk *d)
{
	return d->cached;
}

void disk_req_from_io(struct disk_req *r, const struct csum_io *io, disk_done_fn done, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->kind = io->kind;
	r->flags = io->flags;
	r->sector = io->sector;
	r->count = io->count;
	r->buf = io->buf;
	r->tags = io->tags;
	r->done = done;
	r->arg = arg;
}
