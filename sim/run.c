#include "sim/run.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/crash.h"
#include "faults/faults.h"
#include "sim/crash_pass.h"
#include "sim/explore_budget.h"
#include "sim/replay.h"
#include "sim/world.h"
#include "util/cpu_ns.h"

/* The media's and oracle's bytes at the end of a replay that explores
 * nothing (a crash pass riding on the main one moved them), into m. */
static int bare_memory(const struct scenario *sc, const struct csum_variant_ops *ops,
		       const struct sim_workload *wl, const struct sim_options *opt,
		       struct run_metrics *m, struct cs_err *err)
{
	struct world w;
	struct replay rp = { .wl = wl, .opt = opt, .stop_before = SIZE_MAX,
			     .closed = sc->host.mode == SC_HOST_CLOSED, .phase = "" };
	int rc;

	if (world_new(&w, sc, ops, err) != 0)
		return -1;
	rp.w = &w;
	rc = replay(&rp, NULL, false, 0, err);
	if (rc == 0) {
		/* the same replay: the same sectors */
		assert(media_sectors(w.media) == m->media_sectors);
		m->media_bytes = media_bytes(w.media);
		m->oracle_bytes = oracle_bytes(&w.oracle);
	}
	world_free(&w);
	return rc;
}

/* How the crash points go with the main replay (sim_run_counted). */
struct ride {
	struct crash_pass *ps;         /* rides on it (NULL: none) */
	const struct cs_err *pass_err; /* ps's own failures */
	bool at_end;                   /* planned, then explored, where it ends */
};

static int plan_of(const struct scenario *sc, const struct sim_workload *w,
		   const struct sim_options *opt, const struct run_metrics *m,
		   struct crash_point **cps, uint32_t *ncp, struct cs_err *err);

/* A plan that needs the run's end (crash.mode end): made from m once the
 * replay rp ended, its points explored there in w, as a pass of their own
 * would at the end of the same replay. */
static int pass_at_end(const struct scenario *sc, const struct csum_variant_ops *ops,
		       const struct sim_workload *wl, const struct sim_options *opt,
		       struct run_metrics *m, struct sim_counts *counts, struct world *w,
		       struct replay *rp, struct cs_err *err)
{
	struct crash_point *cps = NULL;
	struct crash_pass *ps;
	uint32_t ncp = 0;
	bool none;
	int rc = plan_of(sc, wl, opt, m, &cps, &ncp, err);

	if (rc != 0)
		return rc;
	/* nothing in flight: every point lies at or after the clock */
	assert(engine_pending(&w->engine) == 0);
	ps = crash_pass_new(sc, ops, opt, cps, ncp, counts != NULL, &none, err);
	if (ps == NULL) {
		free(cps);
		return none ? 0 : -1;
	}
	rc = crash_pass_attach(ps, w, rp, true);
	if (rc == 0)
		rc = crash_pass_end(ps, w, opt, m, counts);
	crash_pass_free(ps);
	free(cps);
	return rc;
}

/* The main replay, filling m; with ride->ps, the crash pass rides on it (its
 * points explored as the replay meets them, merged into m at the end); with
 * ride->at_end, the points are planned and explored where it ended. */
static int main_run(const struct scenario *sc, const struct csum_variant_ops *ops,
		    const struct sim_workload *wl, const struct sim_options *opt,
		    struct run_metrics *m, struct sim_counts *counts, const struct ride *ride,
		    struct cs_err *err)
{
	struct crash_pass *ps = ride->ps;
	struct world w;
	char phase[64];
	struct replay rp = { .wl = wl, .opt = opt, .stop_before = SIZE_MAX,
			     .closed = sc->host.mode == SC_HOST_CLOSED, .phase = phase };
	int rc;

	snprintf(phase, sizeof(phase), "%s replay%s", ops->name,
		 ps != NULL || ride->at_end ? " + crashes" : "");
	if (world_new(&w, sc, ops, err) != 0)
		return -1;
	rp.w = &w;
	if (ps != NULL && crash_pass_attach(ps, &w, &rp, true) != 0) {
		world_free(&w);
		return cs_err_set(err, "out of memory");
	}
	rc = replay(&rp, m, false, 0, err);
	if (ps != NULL)
		crash_pass_after_replay(ps, &w, &rp, rc, err); /* a forked child ends here */
	if (counts != NULL)
		counts->replay_events = w.engine.executed;
	if (rc == 0) {
		m->sim_time_ns = w.engine.now;
		m->n_devs = w.n_devs;
		for (unsigned i = 0; i < w.n_devs; i++) {
			const struct disk_stats *ds = disk_stats(w.disk[i]);
			struct dev_metrics *dm = &m->dev[i];

			dm->reads = ds->reads;
			dm->writes = ds->writes;
			dm->flushes = ds->cache_flushes; /* incl. a barrier's own flushes */
			dm->read_sectors = ds->read_sectors;
			dm->write_sectors = ds->write_sectors;
			dm->fua_writes = ds->fua_writes;
			dm->barrier_writes = ds->barrier_writes;
			dm->preflushes = ds->preflushes;
			dm->media_write_sectors = ds->media_write_sectors;
			dm->busy_ns = ds->busy_ns;
		}
		host_count_live(w.host, m->user_hung);
		m->barrier_held = host_deferred(w.host);
		m->requests_total = wl->n;
		m->stalled_at = host_first_live(w.host);
		if (m->stalled_at == UINT64_MAX && rp.next < wl->n)
			m->stalled_at = rp.next; /* closed loop: the queue stopped short */
		replay_load(&rp, m);
		m->reads.not_completed += m->user_hung[CSUM_OP_READ];
		if (host_record_live(w.host) != 0)
			rc = cs_err_set(err, "out of memory");
		m->user_not_submitted = wl->n - rp.next;
		m->media_sectors = media_sectors(w.media);
		m->media_bytes = media_bytes(w.media);
		m->oracle_bytes = oracle_bytes(&w.oracle);
		fault_set_outcomes(w.fs, &m->faults);
		field_exposure_of(w.fs, &m->field);
		if (rc == 0)
			rc = world_media_tap(&w, opt, UINT32_MAX, 0, err);
	}
	/* a replay that explored nothing: its blocks map as its keys make it
	 * (what media_blocks_settled relies on) */
	assert(rc != 0 || ps != NULL || media_blocks_settled(w.media));
	/* the bytes a replay exploring nothing ends with (points explored
	 * after its end cannot change them) */
	if (rc == 0 && (w.memory_moved || !media_blocks_settled(w.media))) {
		rc = bare_memory(sc, ops, wl, opt, m, err);
		if (counts != NULL)
			counts->memory_replays++;
	}
	if (rc == 0 && ride->at_end)
		rc = pass_at_end(sc, ops, wl, opt, m, counts, &w, &rp, err);
	if (rc == 0 && ps != NULL && crash_pass_end(ps, &w, opt, m, counts) != 0) {
		*err = *ride->pass_err;
		if (err->msg[0] == '\0')
			cs_err_set(err, "out of memory");
		rc = -1;
	}
	world_free(&w);
	if (rc == 0)
		replay_progress(&rp, SIM_PROGRESS_DONE, NULL);
	return rc;
}

int sim_run(const struct scenario *sc, const char *variant, const struct sim_workload *w,
	    const struct sim_options *opt, struct run_metrics *m, struct cs_err *err)
{
	return sim_run_counted(sc, variant, w, opt, m, NULL, err);
}

/* Whether the crash pass can ride on the main replay: its plan known before
 * the run (not random times over a closed loop's length; `end` is planned
 * and explored once the replay ended: *at_end), no crash.budget (passes of
 * their own), and nobody looking at the media (a dump sees the end of the
 * run before the crash states). */
static bool pass_rides(const struct scenario *sc, const struct sim_workload *w,
		       const struct sim_options *opt, bool *at_end)
{
	*at_end = false;
	if (!opt->crashes || opt->crash_own_replay || sc->crash.budget_kind != SC_BUDGET_NONE ||
	    opt->slice != NULL || opt->media_tap != NULL)
		return false;
	if (sc->crash.kind == SC_CRASH_END) {
		*at_end = true;
		return true;
	}
	if (sc->crash.kind == SC_CRASH_RANDOM)
		return sc->host.mode == SC_HOST_OPEN && w->n > 0 && w->t_ns[w->n - 1] > 0;
	return true;
}

/* The crash points of the run, span and end from m (a run not made yet:
 * pass_rides says they are not read). */
static int plan_of(const struct scenario *sc, const struct sim_workload *w,
		   const struct sim_options *opt, const struct run_metrics *m,
		   struct crash_point **cps, uint32_t *ncp, struct cs_err *err)
{
	/* random crashes over the workload's arrivals (open loop), so every
	 * variant of a comparison crashes at the same times; a closed loop has
	 * no arrival times of its own and uses the run's length */
	uint64_t span = m->sim_time_ns;

	if (sc->host.mode == SC_HOST_OPEN && w->n > 0 && w->t_ns[w->n - 1] > 0)
		span = w->t_ns[w->n - 1];
	if (crash_plan(&sc->crash, w->rq, w->t_ns, w->n, m->sim_time_ns, span, sc->seed, cps,
		       ncp, err) != 0)
		return -1;
	if (opt->only_crash != UINT32_MAX && opt->only_crash >= *ncp) {
		free(*cps);
		*cps = NULL;
		if (*ncp == 0)
			cs_err_set(err, "option '--crash %" PRIu32 "': the run has no crash points",
				   opt->only_crash);
		else
			cs_err_set(err, "option '--crash %" PRIu32 "': the run has %" PRIu32
				   " crash points (0 to %" PRIu32 ")", opt->only_crash, *ncp,
				   *ncp - 1);
		return SIM_BAD_OPTION;
	}
	return 0;
}

int sim_run_counted(const struct scenario *sc, const char *variant,
		    const struct sim_workload *w, const struct sim_options *opt,
		    struct run_metrics *m, struct sim_counts *counts, struct cs_err *err)
{
	const struct csum_variant_ops *ops = csum_variant_find(variant ? variant : sc->variant);
	struct crash_point *cps = NULL;
	struct cs_err pass_err;
	struct ride ride = { .pass_err = &pass_err };
	uint32_t ncp = 0;
	uint64_t t0;
	int rc;

	if (ops == NULL)
		return cs_err_set(err, "%s: field 'variant': unknown variant '%s'", sc->file,
				  variant ? variant : sc->variant);
	if (counts != NULL)
		memset(counts, 0, sizeof(*counts));
	memset(&pass_err, 0, sizeof(pass_err));
	if (pass_rides(sc, w, opt, &ride.at_end)) {
		bool none;

		/* one replay: the main run's meets the crash points too */
		m->recovery_mode = sc->crash.recovery;
		m->recovery_step = ops->recover_start != NULL;
		if (!ride.at_end) {
			rc = plan_of(sc, w, opt, m, &cps, &ncp, err);
			if (rc != 0)
				return rc;
			ride.ps = crash_pass_new(sc, ops, opt, cps, ncp, counts != NULL, &none,
						 &pass_err);
			if (ride.ps == NULL && !none) {
				free(cps);
				*err = pass_err;
				return -1;
			}
		}
		t0 = cpu_ns();
		rc = main_run(sc, ops, w, opt, m, counts, &ride, err);
		if (counts != NULL)
			counts->main_cpu_ns = cpu_ns() - t0;
		crash_pass_free(ride.ps);
		free(cps);
		return rc;
	}
	t0 = cpu_ns();
	if (main_run(sc, ops, w, opt, m, counts, &ride, err) != 0)
		return -1;
	if (counts != NULL)
		counts->main_cpu_ns = cpu_ns() - t0;
	if (!opt->crashes)
		return 0;
	m->recovery_mode = sc->crash.recovery;
	m->recovery_step = ops->recover_start != NULL;
	rc = plan_of(sc, w, opt, m, &cps, &ncp, err);
	if (rc != 0)
		return rc;
	t0 = cpu_ns();
	if ((sc->crash.budget_kind != SC_BUDGET_NONE && opt->slice == NULL
		     ? explore_budget(sc, ops, w, opt, cps, ncp, m, counts, err)
		     : crash_pass(sc, ops, w, opt, cps, ncp, m, counts, err)) != 0) {
		free(cps);
		if (err != NULL && err->msg[0] == '\0')
			cs_err_set(err, "out of memory");
		return -1;
	}
	if (counts != NULL)
		counts->pass_cpu_ns = cpu_ns() - t0;
	free(cps);
	return 0;
}
