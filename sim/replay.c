#include "sim/replay.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void replay_progress(const struct replay *rp, enum sim_progress_event ev,
		     const struct sim_progress *more)
{
	struct sim_progress p;

	if (rp->opt->progress == NULL)
		return;
	if (more != NULL)
		p = *more;
	else
		memset(&p, 0, sizeof(p));
	p.event = ev;
	p.phase = rp->phase;
	p.request = rp->next;
	p.requests = rp->wl->n;
	p.point = rp->points_done;
	p.points = rp->points;
	assert(p.request <= p.requests && p.point <= p.points);
	rp->opt->progress(rp->opt->progress_arg, &p);
}

/* how many requests ahead submit_next prefetches the oracle's values and
 * the media's, and, farther, the table entries those prefetches read;
 * only once the state outgrows the caches (below, the hints cost more
 * instructions than the misses they save) */
#define REPLAY_AHEAD 2
#define REPLAY_AHEAD_ENTRY 6
#define REPLAY_PREFETCH_MIN (UINT64_C(1) << 16) /* sectors the oracle holds */
_Static_assert(REPLAY_AHEAD_ENTRY - REPLAY_AHEAD < REPLAY_RING, "the ring holds the requests between");

static bool req_has_data(const struct csum_wl_req *q)
{
	return q->op == CSUM_OP_READ || q->op == CSUM_OP_WRITE;
}

/* The two prefetch steps for the requests ahead of request i. */
static void prefetch_ahead(struct replay *rp, size_t i)
{
	const struct sim_workload *wl = rp->wl;
	struct world *w = rp->w;

	if (w->oracle.sectors.len < REPLAY_PREFETCH_MIN)
		return;
	if (i + REPLAY_AHEAD_ENTRY < wl->n) {
		size_t j = i + REPLAY_AHEAD_ENTRY;
		const struct csum_wl_req *far = &wl->rq[j];
		struct replay_ahead *a = &rp->ahead[j % REPLAY_RING];

		a->req = 0;
		if (req_has_data(far)) {
			oracle_prefetch_entry(&w->oracle, far->sector, far->count);
			if (host_locate(w->host, far->sector, &a->loc)) {
				a->req = (uint64_t)j + 1;
				host_prefetch(w->host, &a->loc, far->count, true);
			}
		}
	}
	if (i + REPLAY_AHEAD < wl->n) {
		size_t j = i + REPLAY_AHEAD;
		const struct csum_wl_req *ahead = &wl->rq[j];
		const struct replay_ahead *a = &rp->ahead[j % REPLAY_RING];

		if (req_has_data(ahead)) {
			oracle_prefetch(&w->oracle, ahead->sector, ahead->count);
			/* located at the first step, unless that was skipped */
			if (a->req == (uint64_t)j + 1)
				host_prefetch(w->host, &a->loc, ahead->count, false);
		}
	}
}

static void submit_next(struct replay *rp)
{
	size_t i = rp->next;

	if (i >= rp->wl->n)
		return;
	if (rp->at_request != NULL && !rp->stop)
		rp->at_request(rp->hook_arg, rp, i);
	if (i == rp->stop_before) {
		rp->stop = true;
		return;
	}
	rp->next++;
	/* the state of the requests a little ahead starts loading now: the
	 * workload is known, and each request's sectors are a miss of their
	 * own in a large run (hints only: nothing changes) */
	prefetch_ahead(rp, i);
	{
		struct csum_request rq = sim_workload_req(rp->wl, i);

		if (host_submit(rp->w->host, &rq, i) != 0)
			rp->failed = true;
	}
	replay_progress(rp, SIM_PROGRESS_TICK, NULL);
}

static void arrival_ev(void *arg, uint64_t a)
{
	struct replay *rp = arg;

	(void)a;
	submit_next(rp);
	if (!rp->stop) {
		uint64_t backlog = rp->next - rp->completed;

		assert(rp->completed <= rp->next);
		if (backlog > rp->backlog_max)
			rp->backlog_max = backlog;
		if (rp->next >= rp->wl->n)
			rp->backlog_end = backlog;
	}
	if (rp->stop || rp->next >= rp->wl->n)
		return;
	if (engine_at(&rp->w->engine, rp->wl->t_ns[rp->next], arrival_ev, rp, 0) != 0)
		rp->failed = true;
}

static void replay_done(void *arg, const struct host_done_info *info)
{
	struct replay *rp = arg;

	(void)info;
	rp->completed++;
	if (rp->closed && !rp->stop)
		submit_next(rp);
}

/* Saturation of an open-loop replay: the busiest device busy nearly all the
 * time, or a backlog still large at the last arrival that takes more than a
 * tenth of the trace's span to drain. */
#define SAT_BUSY 0.95
#define SAT_BACKLOG 64

void replay_load(const struct replay *rp, struct run_metrics *m)
{
	const struct sim_workload *wl = rp->wl;
	uint64_t first, last, span, lag;

	m->load.backlog_max = rp->backlog_max;
	m->load.backlog_end = rp->backlog_end;
	if (wl->n == 0 || m->sim_time_ns == 0)
		return;
	first = wl->t_ns[0];
	last = wl->t_ns[wl->n - 1];
	for (unsigned i = 0; i < m->n_devs; i++) {
		uint64_t window = m->sim_time_ns > first ? m->sim_time_ns - first : 1;
		double f = (double)m->dev[i].busy_ns / (double)window;

		if (f > m->load.busy_frac)
			m->load.busy_frac = f > 1.0 ? 1.0 : f;
	}
	if (rp->closed)
		return; /* a closed loop is saturated by construction: not a finding */
	span = last > first ? last - first : 0;
	lag = m->sim_time_ns > last ? m->sim_time_ns - last : 0;
	m->load.saturated = m->load.busy_frac >= SAT_BUSY ||
			    (rp->backlog_end >= SAT_BACKLOG && lag > span / 10);
}

/* Replays until the end of the workload or the crash point; with at_time set,
 * stops at that simulated time. */
int replay(struct replay *rp, struct run_metrics *m, bool at_time, uint64_t t_stop,
		  struct cs_err *err)
{
	struct world *w = rp->w;

	w->host = world_make_host(w, m, false, rp->opt->records, replay_done, rp);
	if (w->host == NULL)
		return cs_err_set(err, "out of memory");
	if (rp->closed) {
		uint32_t qd = w->sc->host.queue_depth ? w->sc->host.queue_depth : 1;

		for (uint32_t i = 0; i < qd && !rp->stop; i++)
			submit_next(rp);
	} else if (rp->wl->n > 0) {
		if (engine_at(&w->engine, rp->wl->t_ns[0], arrival_ev, rp, 0) != 0)
			return cs_err_set(err, "out of memory");
	}
	for (;;) {
		if (rp->stop || rp->failed || host_failed(w->host))
			break;
		if (rp->at_step != NULL) {
			rp->at_step(rp->hook_arg, rp);
			if (rp->stop) /* a child at its crash point, or a failed pass */
				break;
		}
		if (at_time) {
			if (engine_pending(&w->engine) == 0)
				break;
			if (w->engine.heap[0].time > t_stop)
				break;
		}
		if (!engine_step(&w->engine))
			break;
	}
	if (at_time && w->engine.now < t_stop && !rp->stop)
		w->engine.now = t_stop; /* the crash happens at T even if all is idle */
	return replay_status(rp, err);
}

int replay_status(const struct replay *rp, struct cs_err *err)
{
	if (rp->failed || (rp->w->host != NULL && host_failed(rp->w->host)))
		return cs_err_set(err, "simulation ran out of memory or past an oracle limit "
				  "(%" PRIu64 " sectors, %u versions per sector)",
				  (uint64_t)ORACLE_MAX_SECTORS, ORACLE_MAX_VERSIONS);
	return 0;
}
