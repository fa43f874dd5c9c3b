#include "sim/crash_point.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faults/crash_contract.h"
#include "faults/crash_states.h"
#include "sim/media_if.h"
#include "sim/recover.h"
#include "sim/recovery_world.h"
#include "sim/state_hash.h"
#include "sim/recover_crash.h"
#include "sim/verify_incr.h"
#include "util/cpu_ns.h"
#include "util/grow.h"

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One crash point: replay to it once, then every crash state from a
 * snapshot of the media. */
struct explore {
	struct world *w;
	const struct scenario *sc;
	const struct sim_workload *wl;
	const struct crash_point *cp;
	struct crash_writes cw;
	struct media_snapshot *snap;
	struct fault_set *fs0;      /* the faults as they stood at the crash */
	struct fault_outcomes before; /* faults already judged by then (not counted again) */
	uint64_t t_crash;
	uint64_t requests_before;
	struct crash_report *cr;    /* sums over the states */
	struct run_metrics *m;
	uint64_t worst;             /* badness of the worst state so far */
	struct cs_err *err;
	int rc;
	struct incr *incr;          /* NULL: every state read back in full */
	struct sim_counts *counts;  /* NULL: not counted */
	bool one_state;             /* no snapshot: the media is the crash's */
	struct rworld *rw;          /* in the replay's process: the undo log restores */
	const struct sim_options *opt; /* its media_tap sees each state */
	const struct replay *rp;    /* for progress: state k of n_states */
	uint64_t n_states;
	struct point_extra *px;     /* which states; the distinct hashes met */
	struct state_keys keys;     /* the non-durable writes' sectors */
	struct hash_set seen;       /* distinct states of this pass */
};

static uint64_t state_lost_sectors(const struct crash_writes *cw, const struct crash_state *st)
{
	uint64_t lost = 0;

	for (uint32_t i = 0; i < cw->n; i++) {
		const struct crash_choice *c = &st->choice[i];

		if (!c->keep) {
			lost += cw->w[i].count;
			continue;
		}
		for (uint32_t j = 0; j < cw->w[i].count; j++)
			if (!(c->mask & (1ULL << (j < 64 ? j : 63))))
				lost++;
	}
	return lost;
}

static int state_failed(struct explore *x, struct fault_set *fs)
{
	x->w->fs = x->fs0;
	fault_set_free(fs);
	x->rc = -1;
	if (x->err != NULL && x->err->msg[0] == '\0')
		cs_err_set(x->err, "out of memory exploring a crash state");
	return 1;
}

/* The media restored to the crash, st applied, on a fresh copy of the
 * faults (made current); NULL with x->rc set. */
static struct fault_set *apply_state(struct explore *x, const struct crash_state *st)
{
	struct world *w = x->w;
	struct fault_set *fs;

	if (x->one_state) {
		/* the media untouched since the crash, once */
		if (x->cr->states != 0) {
			x->rc = cs_err_set(x->err, "crash point %u: more crash states than counted",
					   x->cr->index);
			return NULL;
		}
	} else if (x->rw != NULL) {
		if (rworld_next_state(w, x->err) != 0) {
			x->rc = -1;
			return NULL;
		}
	} else if (media_restore(w->media, x->snap) != 0) {
		x->rc = cs_err_set(x->err, "out of memory restoring the media");
		return NULL;
	}
	fs = fault_set_clone(x->fs0);
	if (fs == NULL) {
		x->rc = cs_err_set(x->err, "out of memory copying the faults");
		return NULL;
	}
	w->fs = fs;
	const struct fault_media fm = media_fault_if(w->media);

	if (crash_state_apply(&fm, &x->cw, st, fs, x->t_crash) != 0 ||
	    fault_set_idle(fs, (uint64_t)(x->sc->crash.idle_hours * 3600e9)) != 0) {
		(void)state_failed(x, fs);
		return NULL;
	}
	return fs;
}

/* The state just applied: distinct unless this pass or an earlier one
 * met the same bytes in the non-durable writes' sectors. */
static int count_distinct(struct explore *x)
{
	struct state_hash h = state_hash_media(x->w->media, &x->keys);
	struct point_extra *px = x->px;
	int r;

	if (px->prior != NULL && hash_set_has(px->prior, h))
		return 0;
	r = hash_set_add(&x->seen, h);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	x->cr->distinct_states++;
	if (px->collect) {
		if (grow_array((void **)&px->fresh, &px->cap_fresh, px->n_fresh + 1,
			       sizeof(*px->fresh), 64) != 0)
			return -1;
		px->fresh[px->n_fresh++] = h;
	}
	return 0;
}

static int explore_state(void *arg, const struct crash_state *st)
{
	struct explore *x = arg;
	struct world *w = x->w;
	struct crash_report one;
	struct fault_set *fs;
	uint64_t b;

	assert(st->index < x->n_states);
	if (st->index < x->px->lo)
		return 0; /* an earlier pass's (the generator still draws it) */
	if (st->index >= x->px->hi)
		return 1;
	memset(&one, 0, sizeof(one));
	fs = apply_state(x, st);
	if (fs == NULL)
		return 1;
	if (count_distinct(x) != 0)
		return state_failed(x, fs);
	/* the state as the power cut left it, before recovery reads it */
	if (world_media_tap(w, x->opt, x->cr->index, st->index, x->err) != 0)
		return state_failed(x, fs);
	if (x->sc->crash.recovery == SC_RECOVERY_EACH_WRITE) {
		/* crashes inside this state's own recovery, in child processes */
		struct recover_crash_where at = {
			x->cp->kind, x->cp->value, st->index, x->cr->index,
			x->requests_before < x->wl->n ? sim_workload_rec(x->wl, x->requests_before)
						      : x->wl->trace_requests };

		if (recover_crash_explore(w, &at, &x->cr->recovery, x->err) != 0)
			return state_failed(x, fs);
	}
	if (x->incr != NULL) {
		int ir = incr_recover(x->incr, w, &one, x->err);

		if (ir < 0)
			return state_failed(x, fs);
		if (ir > 0) {
			/* not for this state: the full read-back, from a fresh copy */
			w->fs = x->fs0;
			fault_set_free(fs);
			memset(&one, 0, sizeof(one));
			fs = apply_state(x, st);
			if (fs == NULL)
				return 1;
			if (recover(w, &one, x->err) != 0)
				return state_failed(x, fs);
		}
	} else if (recover(w, &one, x->err) != 0) {
		return state_failed(x, fs);
	}
	{
		/* only what this state settles: pending at the crash, or made by it */
		struct fault_outcomes o;

		memset(&o, 0, sizeof(o));
		fault_set_outcomes(fs, &o);
		for (int t = 0; t < FT_COUNT; t++)
			for (int k = 0; k < FO_COUNT; k++)
				x->m->crash_faults.n[t][k] += o.n[t][k] - x->before.n[t][k];
	}
	w->fs = x->fs0;
	fault_set_free(fs);

	x->cr->states++;
	x->m->crash_states++;
	if (st->sampled) {
		x->cr->sampled_states++;
		x->m->sampled_states++;
	}
	{
		struct sim_progress more = { .state = x->cr->states, .states = x->n_states,
					     .point_index = x->cr->index };

		replay_progress(x->rp, SIM_PROGRESS_TICK, &more);
	}
	x->cr->sectors_checked += one.sectors_checked;
	x->cr->counts.not_completed += one.counts.not_completed;
	x->cr->unreadable_sectors += one.unreadable_sectors;
	x->cr->probed_groups += one.probed_groups;
	x->cr->unwritable_groups += one.unwritable_groups;
	x->cr->failed_mounts += one.failed_mounts;
	for (int c = 0; c < ORC_CLASS_COUNT; c++) {
		x->cr->counts.sectors[c] += one.counts.sectors[c];
		x->cr->counts.requests[c] += one.counts.requests[c];
	}
	b = recovery_badness(&one.counts);
	if (b > 0) {
		struct violation v;

		memset(&v, 0, sizeof(v));
		x->cr->violating_states++;
		v.crash = x->cr->index;
		v.state = st->index;
		snprintf(v.trigger, sizeof(v.trigger), "%s", x->cp->label);
		snprintf(v.label, sizeof(v.label), "%s", st->label);
		v.crash_kind = x->cp->kind;
		v.crash_value = x->cp->value;
		/* the requests up to the crash, and the one it stops before */
		v.record_limit = x->requests_before < x->wl->n ? sim_workload_rec(x->wl, x->requests_before)
							       : x->wl->trace_requests;
		v.counts = one.counts;
		if (run_metrics_add_violation(x->m, &v) != 0) {
			x->rc = cs_err_set(x->err, "out of memory");
			return 1;
		}
	}
	if (b > x->worst || x->cr->states == 1) {
		x->worst = b;
		x->cr->lost_sectors = state_lost_sectors(&x->cw, st);
		snprintf(x->cr->worst_state, sizeof(x->cr->worst_state), "%s",
			 b > 0 ? st->label : "");
	}
	return 0;
}

static int cmp_crash_write(const void *a, const void *b)
{
	const struct crash_write *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The crash at cp, at time now, reached by the replay rp on w: copy what was
 * not durable, drop everything in flight, and explore every crash state from
 * one snapshot of the media (rw NULL: w is left crashed) or, with rw, in a
 * recovery world undone afterwards. Fills cr, and m's crash fields. */
static int explore_point(struct world *w, struct rworld *rw, uint64_t now,
			 const struct replay *rp, const struct crash_point *cp, uint32_t index,
			 struct crash_report *cr, struct run_metrics *m, struct sim_counts *counts,
			 struct point_extra *px, struct cs_err *err)
{
	const struct scenario *sc = w->sc;
	char label[48];
	struct explore x;
	struct cs_rng rng;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	memset(cr, 0, sizeof(*cr));
	cr->index = index;
	cr->time_ns = now;
	cr->requests_before = rp->next;
	snprintf(cr->trigger, sizeof(cr->trigger), "%s", cp->label);
	cr->inflight_requests = host_inflight(w->host);

	/* power fails: copy what was not durable, then nothing in flight
	 * completes and the caches go; the crash states decide what of it lands */
	x.w = w;
	x.opt = rp->opt;
	x.sc = sc;
	x.wl = rp->wl;
	x.cp = cp;
	x.cr = cr;
	x.m = m;
	x.err = err;
	x.counts = counts;
	x.t_crash = now;
	x.requests_before = rp->next;
	for (unsigned i = 0; i < w->n_devs; i++) {
		const struct fault_cached_write *vw;
		uint32_t n = disk_volatile_writes(w->disk[i], &vw);

		if (crash_writes_add(&x.cw, vw, n, w->ops, w->ctx) != 0) {
			rc = cs_err_set(err, "out of memory");
			goto out;
		}
	}
	/* acceptance order per device: an older write in service on the media
	 * must never land after a newer cached one to the same sectors */
	if (x.cw.n > 1)
		qsort(x.cw.w, x.cw.n, sizeof(*x.cw.w), cmp_crash_write);
	for (uint32_t i = 0; i < x.cw.n; i++)
		cr->cached_sectors += x.cw.w[i].count;
	cr->volatile_writes = x.cw.n;
	if (rw != NULL) {
		/* the replay's parts set aside, untouched */
		if (rworld_enter(w, rw, now, err) != 0) {
			rc = -1;
			goto out;
		}
		x.rw = rw;
	} else {
		engine_clear(&w->engine);
		for (unsigned i = 0; i < w->n_devs; i++)
			disk_crash(w->disk[i]);
		/* dropped, not freed: this runs in a forked child that exits when
		 * done, and freeing the parent's heap here would copy every page it
		 * touches */
		w->host = NULL;
	}
	/* one state: it is applied to the media as the crash left it, with
	 * nothing to restore between states (the incremental check reads
	 * nothing back from the durable image but what changed since the last
	 * point, and writes nothing) */
	x.rp = rp;
	x.n_states = crash_states_count_of(sc, &x.cw);
	x.px = px;
	px->space = x.n_states;
	if (px->count_only)
		goto out;
	if (state_keys_of(&x.cw, &x.keys) != 0) {
		rc = cs_err_set(err, "out of memory");
		goto out;
	}
	x.one_state = x.n_states == 1;
	if (!x.one_state && rw == NULL) {
		x.snap = media_snapshot(w->media);
		if (x.snap == NULL) {
			rc = cs_err_set(err, "out of memory taking a media snapshot");
			goto out;
		}
	}
	x.fs0 = w->fs;
	fault_set_outcomes(x.fs0, &x.before);
	for (int t = 0; t < FT_COUNT; t++)
		x.before.n[t][FO_UNREAD] = 0; /* pending ones are judged by each state */
	if (incr_new(w, x.fs0, &x.cw, &x.incr, err) != 0) {
		rc = -1;
		goto out;
	}
	if (x.incr != NULL && rp->opt != NULL && rp->opt->incr_drop_changes)
		incr_drop_changes(x.incr); /* a test's */
	/* named by the point itself, not its place in the plan, so a reproducer
	 * that keeps only this point draws the same states */
	snprintf(label, sizeof(label), "crash-states:%u:%" PRIu64, cp->kind, cp->value);
	if (cs_rng_init(&rng, sc->seed, label) != 0) {
		rc = cs_err_set(err, "out of memory");
		goto out;
	}
	{
		uint64_t ev0 = w->engine.executed;
		double t0 = counts != NULL ? mono_s() : 0;
		uint64_t c0 = counts != NULL ? cpu_ns() : 0;

		(void)crash_states_of(sc, &x.cw, &rng, explore_state, &x);
		if (counts != NULL) {
			counts->states_s += mono_s() - t0;
			counts->states_cpu_ns += cpu_ns() - c0;
			counts->state_events += w->engine.executed - ev0;
			counts->states += cr->states;
		}
	}
	cs_rng_free(&rng);
	rc = x.rc;
out:
	if (x.incr != NULL && counts != NULL) {
		uint64_t n, d;

		incr_counts(x.incr, &n, &d);
		/* the states counted add up (a state that failed half way
		 * counted as distinct, not as explored) */
		assert(rc != 0 || (d <= n && n <= cr->states));
		counts->incr_states += n;
		counts->incr_distinct += d;
		incr_carry_counts(x.incr, &counts->carry_kept, &counts->carry_read);
	}
	px->worst_badness = x.worst;
	/* the states counted add up, unless one failed half way */
	assert(rc != 0 || cr->distinct_states <= cr->states);
	state_keys_free(&x.keys);
	hash_set_free(&x.seen);
	incr_free(x.incr);
	crash_writes_free(&x.cw);
	media_snapshot_free(x.snap);
	if (x.rw != NULL && rworld_leave(w, x.rw, rc == 0 ? err : NULL) != 0)
		rc = -1;
	return rc;
}

/* explore_point, its CPU time added to counts (when not NULL) */
static int explore_point_timed(struct world *w, struct rworld *rw, uint64_t now,
			       const struct replay *rp, const struct crash_point *cp,
			       uint32_t index, struct crash_report *cr, struct run_metrics *m,
			       struct sim_counts *counts, struct point_extra *px,
			       struct cs_err *err)
{
	uint64_t c0 = counts != NULL ? cpu_ns() : 0;
	int rc = explore_point(w, rw, now, rp, cp, index, cr, m, counts, px, err);

	if (counts != NULL)
		counts->points_cpu_ns += cpu_ns() - c0;
	return rc;
}

int crash_point_explore(struct world *w, const struct replay *rp, const struct crash_point *cp,
			uint32_t index, struct crash_report *cr, struct run_metrics *m,
			struct sim_counts *counts, struct point_extra *px, struct cs_err *err)
{
	return explore_point_timed(w, NULL, w->engine.now, rp, cp, index, cr, m, counts, px,
				   err);
}

int crash_point_explore_here(struct world *w, uint64_t now, const struct replay *rp,
			     const struct crash_point *cp, uint32_t index, struct crash_report *cr,
			     struct run_metrics *m, struct sim_counts *counts,
			     struct point_extra *px, struct cs_err *err)
{
	struct rworld rw;

	return explore_point_timed(w, &rw, now, rp, cp, index, cr, m, counts, px, err);
}
