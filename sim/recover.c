#include "sim/recover.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/failed_dev.h"

struct recovery {
	struct world *w;
	uint64_t *sectors;    /* ever written, ascending */
	uint64_t n_sectors;
	uint64_t pos;         /* next sector index to read as a run */
	uint64_t *single;     /* sectors to re-read alone */
	uint64_t n_single, cap_single, single_pos;
	struct crash_report *cr;
	bool failed;
	/* availability: sectors read back with an error, then one write
	 * tried in each 62-sector group that holds one */
	uint64_t *bad;
	uint64_t n_bad, cap_bad;
	bool probing;
	uint64_t probe_pos, probes_done;
	const struct recover_tap *tap; /* NULL: none */
	uint64_t run_pos;              /* next of tap's runs */
	bool tap_stop;                 /* tap asked to read no more */
	uint64_t judged;               /* sectors given a class: each once */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t runs_length(const uint64_t *sectors, uint64_t n, uint64_t i, uint64_t begin)
{
	uint64_t first = sectors[i];
	uint64_t len = 1;

	/* contiguous, inside one 62-sector group both by absolute sector and
	 * relative to the target's begin, so no variant ever splits the read */
	while (i + len < n && sectors[i + len] == first + len && len < 62) {
		uint64_t s = first + len;

		if (s % 62 == 0 || (s - begin) % 62 == 0)
			break;
		len++;
	}
	assert(len >= 1 && len <= 62 && i + len <= n);
	assert(first / 62 == (first + len - 1) / 62);
	return len;
}

static uint64_t run_length(const struct recovery *rc, uint64_t i)
{
	return runs_length(rc->sectors, rc->n_sectors, i, rc->w->sc->device.begin);
}

int recover_plan(struct world *w, uint64_t **sector, uint32_t **count, uint64_t *n)
{
	uint64_t ns = 0, *ss = oracle_written_sectors(&w->oracle, &ns), k = 0;

	*sector = malloc((ns ? ns : 1) * sizeof(**sector));
	*count = malloc((ns ? ns : 1) * sizeof(**count));
	*n = 0;
	if ((ss == NULL && ns > 0) || *sector == NULL || *count == NULL) {
		free(ss);
		free(*sector);
		free(*count);
		*sector = NULL;
		*count = NULL;
		return -1;
	}
	while (k < ns) {
		uint64_t len = runs_length(ss, ns, k, w->sc->device.begin);

		assert(k == 0 || ss[k] > ss[k - 1]); /* ascending, each once */
		(*sector)[*n] = ss[k];
		(*count)[(*n)++] = (uint32_t)len;
		k += len;
	}
	free(ss);
	return 0;
}

static void recovery_next(struct recovery *rc);

static int push_bad(struct recovery *rc, uint64_t sector)
{
	if (rc->n_bad == rc->cap_bad) {
		uint64_t ncap = rc->cap_bad ? rc->cap_bad * 2 : 64;
		uint64_t *p = realloc(rc->bad, ncap * sizeof(*p));

		if (p == NULL)
			return -1;
		rc->bad = p;
		rc->cap_bad = ncap;
	}
	rc->bad[rc->n_bad++] = sector;
	return 0;
}

static void recovery_done(void *arg, const struct host_done_info *info)
{
	struct recovery *rc = arg;

	if (rc->probing) {
		rc->probes_done++;
		if (info->result != 0)
			rc->cr->unwritable_groups++;
		recovery_next(rc);
		return;
	}
	if (rc->tap != NULL &&
	    rc->tap->on_run(rc->tap->arg, info->sector, info->count, info->result,
			    info->classes) != 0) {
		rc->tap_stop = true;
		return;
	}
	if (info->result != 0 && info->count > 1) {
		/* judge each sector of a failed run on its own */
		for (uint32_t i = 0; i < info->count; i++) {
			if (rc->n_single == rc->cap_single) {
				uint64_t ncap = rc->cap_single ? rc->cap_single * 2 : 64;
				uint64_t *p = realloc(rc->single, ncap * sizeof(*p));

				if (p == NULL) {
					rc->failed = true;
					return;
				}
				rc->single = p;
				rc->cap_single = ncap;
			}
			rc->single[rc->n_single++] = info->sector + i;
		}
	} else {
		int worst = ORC_CORRECT;

		assert(info->count >= 1 && info->classes != NULL);
		rc->judged += info->count;
		for (uint32_t i = 0; i < info->count; i++) {
			int c = info->classes[i];

			assert(c >= 0 && c < ORC_CLASS_COUNT);
			rc->cr->counts.sectors[c]++;
			rc->cr->sectors_checked++;
			worst = oracle_class_worst(worst, c);
			if (c == ORC_FALSE_POS || c == ORC_DETECTED) {
				rc->cr->unreadable_sectors++;
				if (push_bad(rc, info->sector + i) != 0)
					rc->failed = true;
			}
		}
		rc->cr->counts.requests[worst]++;
	}
	recovery_next(rc);
}

/* The next group to probe with a write: the first unreadable sector of each
 * group not probed yet (bad[] is ascending). */
static bool next_probe(struct recovery *rc, uint64_t *sector)
{
	uint64_t begin = rc->w->sc->device.begin;

	while (rc->probe_pos < rc->n_bad) {
		uint64_t s = rc->bad[rc->probe_pos++];

		assert(rc->probe_pos < 2 || rc->bad[rc->probe_pos - 2] <= s); /* sorted */
		if (rc->probe_pos >= 2 &&
		    (rc->bad[rc->probe_pos - 2] - begin) / 62 == (s - begin) / 62)
			continue;
		*sector = s;
		return true;
	}
	return false;
}

static void recovery_next(struct recovery *rc)
{
	struct csum_request rq = { .op = CSUM_OP_READ };

	if (rc->probing) {
		rq.op = CSUM_OP_WRITE;
		rq.count = 1;
		if (!next_probe(rc, &rq.sector))
			return;
		rc->cr->probed_groups++;
		if (host_submit(rc->w->host, &rq, UINT64_MAX) != 0)
			rc->failed = true;
		return;
	}
	if (rc->tap != NULL && rc->tap->run_sector != NULL) {
		/* only the tap's runs (and the sectors of a failed one alone),
		 * then only the tap's probes */
		if (rc->tap_stop)
			return;
		if (rc->single_pos < rc->n_single) {
			rq.sector = rc->single[rc->single_pos++];
			rq.count = 1;
		} else if (rc->run_pos < rc->tap->n_runs) {
			rq.sector = rc->tap->run_sector[rc->run_pos];
			rq.count = rc->tap->run_count[rc->run_pos++];
		} else {
			if (rc->tap->n_probe == 0 && (!rc->tap->probe_found || rc->n_bad == 0))
				return; /* no writes: the judgement's read */
			for (uint64_t i = 0; i < rc->tap->n_probe; i++)
				if (push_bad(rc, rc->tap->probe[i]) != 0)
					rc->failed = true;
			if (rc->n_bad > 1)
				qsort(rc->bad, rc->n_bad, sizeof(*rc->bad), cmp_u64);
			rc->probing = true;
			recovery_next(rc);
			return;
		}
		if (host_submit(rc->w->host, &rq, UINT64_MAX) != 0)
			rc->failed = true;
		return;
	}
	if (rc->single_pos < rc->n_single) {
		rq.sector = rc->single[rc->single_pos++];
		rq.count = 1;
	} else if (rc->pos < rc->n_sectors) {
		uint64_t len = run_length(rc, rc->pos);

		rq.sector = rc->sectors[rc->pos];
		rq.count = (uint32_t)len;
		rc->pos += len;
	} else {
		/* read-back done: can the groups that failed still be written? */
		if (rc->n_bad > 1)
			qsort(rc->bad, rc->n_bad, sizeof(*rc->bad), cmp_u64);
		rc->probing = true;
		recovery_next(rc);
		return;
	}
	if (host_submit(rc->w->host, &rq, UINT64_MAX) != 0)
		rc->failed = true;
}

/* Runs the variant's own recovery procedure (journal replay, ...) as a
 * piece of its own; 0, or -1 when it failed or hung (counted in cr). */
struct mount {
	struct world *w;
	void *job;
	struct csum_step step;
	unsigned outstanding;
	struct disk_req dreq[CSUM_STEP_MAX_IO];
	bool done;
	int result;
	const struct mount_tap *tap; /* NULL: none */
	bool stopped;                /* the tap cut the power */
};

static void mount_step(struct mount *mt);

static void mount_resume_ev(void *arg, uint64_t a)
{
	struct mount *mt = arg;

	(void)a;
	memset(&mt->step, 0, sizeof(mt->step));
	mt->w->ops->resume(mt->w->ctx, mt->job, &mt->step);
	mount_step(mt);
}

static void mount_io_done(void *arg, struct disk_req *r)
{
	struct mount *mt = arg;
	size_t i = (size_t)(r - mt->dreq);

	assert(i < mt->step.n_io && mt->outstanding > 0); /* each sub-I/O completes once */
	mt->step.io[i]->error = r->error;
	--mt->outstanding;
	if (mt->stopped)
		return; /* the power is off: nothing more of the mount runs */
	if (mt->tap != NULL && mt->step.io[i]->kind != CSUM_IO_READ &&
	    mt->tap->on_io(mt->tap->arg, mt->step.io[i], r->error) != 0) {
		mt->stopped = true;
		mt->done = true;
		return;
	}
	if (mt->outstanding == 0 &&
	    engine_after(&mt->w->engine, 0, mount_resume_ev, mt, 0) != 0)
		mt->done = true, mt->result = -CSUM_ENOMEM;
}

static void mount_step(struct mount *mt)
{
	if (mt->step.kind == CSUM_STEP_DONE) {
		mt->done = true;
		mt->result = mt->step.result;
		return;
	}
	assert(mt->step.n_io >= 1 && mt->step.n_io <= CSUM_STEP_MAX_IO);
	mt->outstanding = mt->step.n_io;
	for (unsigned i = 0; i < mt->step.n_io; i++) {
		struct csum_io *io = mt->step.io[i];
		struct disk_req *r = &mt->dreq[i];

		disk_req_from_io(r, io, mount_io_done, mt);
		disk_submit(mt->w->disk[io->dev], r);
	}
}

/* 0 done, 1 stopped by tap, 2 hung, 3 failed, -1 out of memory. */
static int mount_run(struct world *w, const struct mount_tap *tap, struct cs_err *err)
{
	struct mount mt = { .w = w, .tap = tap };

	if (w->ops->recover_start == NULL)
		return 0;
	mt.job = calloc(1, w->ops->job_size ? w->ops->job_size : 1);
	if (mt.job == NULL)
		return cs_err_set(err, "out of memory");
	w->ops->recover_start(w->ctx, mt.job, &mt.step);
	mount_step(&mt);
	while (!mt.done && engine_step(&w->engine))
		;
	free(mt.job);
	if (mt.stopped)
		return 1;
	if (!mt.done)
		return 2;
	return mt.result == 0 ? 0 : 3;
}


int recover_mount(struct world *w, const struct mount_tap *tap, struct cs_err *err)
{
	if (w->fiu_enabled)
		world_fiu_off(w);
	w->fiu_enabled = false;
	if (world_variant_init(w, err) != 0)
		return -1;
	return mount_run(w, tap, err);
}

int recover(struct world *w, struct crash_report *cr, struct cs_err *err)
{
	return recover_tapped(w, cr, NULL, err);
}

int recover_tapped(struct world *w, struct crash_report *cr, const struct recover_tap *tap,
		   struct cs_err *err)
{
	struct recovery rc = { .w = w, .cr = cr, .tap = tap };
	const struct csum_variant_ops *ops = w->ops;
	void *ctx = w->ctx;
	struct failed_dev failed;
	uint64_t hung_sectors;
	int mounted;

	if (world_power_back(w, err) != 0)
		return -1;
	if (tap == NULL || tap->run_sector == NULL)
		rc.sectors = oracle_written_sectors(&w->oracle, &rc.n_sectors);
	if (rc.sectors == NULL && rc.n_sectors > 0)
		return cs_err_set(err, "out of memory");
	mounted = mount_run(w, NULL, err);
	if (mounted < 0 || mounted == 1) {
		free(rc.sectors);
		return mounted < 0 ? -1 : cs_err_set(err, "the mount stopped with no tap");
	}
	if (mounted == 2) {
		/* the device never comes up: nothing is readable, nothing fails */
		cr->counts.not_completed += 1;
		free(rc.sectors);
		return 0;
	}
	if (mounted == 3) {
		/* up, but failed: the read-back shows what the user gets */
		cr->failed_mounts++;
		failed_dev_init(&failed, ops, ctx);
		w->ops = &failed.ops;
		w->ctx = &failed;
	}
	w->host = world_make_host(w, NULL, true, false, recovery_done, &rc);
	if (w->host == NULL) {
		w->ops = ops;
		w->ctx = ctx;
		free(rc.sectors);
		return cs_err_set(err, "out of memory");
	}
	recovery_next(&rc);
	while (!rc.failed && !host_failed(w->host) && engine_step(&w->engine))
		;
	/* whatever was never read back: a hung recovery */
	assert(rc.pos <= rc.n_sectors && rc.single_pos <= rc.n_single);
	hung_sectors = (rc.n_sectors - rc.pos) + (rc.n_single - rc.single_pos);
	/* a full read-back that finished judged every written sector once */
	assert(rc.failed || host_failed(w->host) || tap != NULL || !rc.probing ||
	       rc.judged == rc.n_sectors);
	if (!rc.probing) {
		cr->counts.not_completed += host_inflight(w->host) + (hung_sectors ? 1 : 0);
	} else {
		/* a probe that never completed, and the ones after it that could
		 * never be tried: those groups cannot be written */
		uint64_t left = 0, s;

		while (next_probe(&rc, &s))
			left++;
		cr->unwritable_groups += host_inflight(w->host) + left;
		cr->probed_groups += left;
	}
	host_free(w->host);
	w->host = NULL;
	w->ops = ops;
	w->ctx = ctx;
	free(rc.sectors);
	free(rc.single);
	free(rc.bad);
	if (rc.failed)
		return cs_err_set(err, "out of memory in the recovery pass");
	return 0;
}
